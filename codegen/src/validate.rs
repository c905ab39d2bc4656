//! Stage 3, validate: document-level rules checked before any type is built, so that the build
//! stage can assume them. Rules about single schemas are checked where the schema is read.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::load::{Document, Node};

/// HTTP methods an OpenAPI path item can hold.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation found in `paths`, with its place.
pub struct OperationSite<'a> {
    pub path: String,
    pub method: String,
    pub path_item: Node<'a>,
    pub node: Node<'a>,
    pub id: String,
}

/// Checks the document's outline and lists its operations in document order.
pub fn operations(doc: &Document) -> Result<Vec<OperationSite<'_>>> {
    let root = doc.node();
    root.entries()?;
    let info = root
        .get("info")
        .ok_or_else(|| root.error("missing `info` (with `title` and `version`)"))?;
    info.str("title")?
        .ok_or_else(|| info.error("missing `title`"))?;
    let paths = root
        .get("paths")
        .ok_or_else(|| root.error("missing `paths`"))?;

    let mut sites = Vec::new();
    let mut seen_ids: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in paths.entries()? {
        if !path.starts_with('/') {
            return Err(item.error(format!("path `{path}` must start with `/`")));
        }
        let item = crate::resolve::deref(doc, &item)?;
        for (key, node) in item.entries()? {
            if !METHODS.contains(&key.as_str()) {
                continue;
            }
            let id = node.str("operationId")?.ok_or_else(|| {
                node.error("missing `operationId`: the generator names the method and its parameter struct after it")
            })?;
            if let Some(first) = seen_ids.insert(id.to_string(), node.pointer.clone()) {
                return Err(node.error(format!(
                    "duplicate operationId `{id}`: already used at {first}"
                )));
            }
            if node.has("requestBody") {
                return Err(node
                    .get("requestBody")
                    .unwrap_or_else(|| node.clone())
                    .error(
                    "request bodies are not supported by this generator (only query parameters)",
                ));
            }
            sites.push(OperationSite {
                path: path.clone(),
                method: key.clone(),
                path_item: item.clone(),
                node,
                id: id.to_string(),
            });
        }
    }
    Ok(sites)
}
