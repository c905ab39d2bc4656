//! Stage 3, validate: document-level rules checked before any type is built, so that the build
//! stage can assume them. Rules about single schemas are checked where the schema is read.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::ir::HttpMethod;
use crate::load::{Document, Node};

/// One operation found in `paths`, with its place.
pub struct OperationSite<'a> {
    pub path: String,
    pub method: HttpMethod,
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
            let Some(method) = HttpMethod::from_key(&key) else {
                continue;
            };
            let id = node.str("operationId")?.ok_or_else(|| {
                node.error("missing `operationId`: the generator names the method and its parameter struct after it")
            })?;
            if let Some(first) = seen_ids.insert(id.to_string(), node.pointer.clone()) {
                return Err(node.error(format!(
                    "duplicate operationId `{id}`: already used at {first}"
                )));
            }
            sites.push(OperationSite {
                path: path.clone(),
                method,
                path_item: item.clone(),
                node,
                id: id.to_string(),
            });
        }
    }
    Ok(sites)
}

#[cfg(test)]
mod tests {
    use crate::testing::{at, doc, error, get};

    #[test]
    fn an_operation_needs_an_id_and_ids_are_unique() {
        let e = error(&doc(
            &get("[]", "{type: object}").replace("      operationId: a\n", ""),
            "",
        ));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/paths/~1a/get");
        assert_eq!(
            message,
            "missing `operationId`: the generator names the method and its parameter struct after it"
        );
        let twice = get("[]", "{type: object}");
        let second = twice.replace("  /a:", "  /b:");
        let e = error(&doc(&format!("{twice}{second}"), ""));
        let (pointer, message) = at(&e);
        assert_eq!(pointer, "#/paths/~1b/get");
        assert_eq!(
            message,
            "duplicate operationId `a`: already used at #/paths/~1a/get"
        );
    }
}
