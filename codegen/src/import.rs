//! Import: the slice of a whole published description that a crate is generated from.
//!
//! [`slice()`] keeps the selected operations (by `operationId`) and everything they reference,
//! transitively: component schemas, parameters, responses, request bodies, headers, examples,
//! security schemes (by the names in `security` requirements), and discriminator mapping
//! targets. Content and key order are kept as they are; only what nothing selected needs is
//! left out. [`crate::overlay`] then applies the project's own changes.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use serde_yaml::{Mapping, Value};

use crate::error::{Error, Result};
use crate::load::Document;

/// The HTTP methods a path item may hold, as OpenAPI names them.
const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Top-level keys of the source kept in the slice, in the source's order. Everything else
/// (`webhooks`, the source's own `x-` navigation data) concerns operations not selected.
const KEPT_TOP_LEVEL: &[&str] = &[
    "openapi",
    "info",
    "jsonSchemaDialect",
    "servers",
    "security",
    "tags",
    "externalDocs",
    "paths",
    "components",
];

/// The operations to import, by `operationId`, as listed in a selection file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    /// The file the selection was read from, for errors.
    pub file: std::path::PathBuf,
    /// The operation ids, in the file's order.
    pub operations: Vec<String>,
}

impl Selection {
    /// Reads a selection file: a YAML mapping with `operations:`, a list of `operationId`s.
    pub fn parse(path: &Path, text: &str) -> Result<Selection> {
        let root = crate::load::parse_yaml(path, text)?;
        let at = |pointer: &str, message: String| Error::at(path, pointer, message);
        let Value::Mapping(map) = &root else {
            return Err(at("#", "expected a mapping with `operations:`".into()));
        };
        for key in map.keys() {
            if key.as_str() != Some("operations") {
                return Err(at(
                    "#",
                    format!(
                        "unknown key `{}`: a selection has only `operations`",
                        key.as_str().unwrap_or("?")
                    ),
                ));
            }
        }
        let Some(Value::Sequence(list)) = map.get("operations") else {
            return Err(at(
                "#/operations",
                "expected `operations:`, a list of operationIds".into(),
            ));
        };
        let mut operations: Vec<String> = Vec::new();
        let mut listed = std::collections::HashSet::new();
        for (i, item) in list.iter().enumerate() {
            let pointer = format!("#/operations/{i}");
            let Some(id) = item.as_str() else {
                return Err(at(&pointer, "expected an operationId (a string)".into()));
            };
            if !listed.insert(id) {
                return Err(at(&pointer, format!("`{id}` is listed twice")));
            }
            operations.push(id.to_owned());
        }
        if operations.is_empty() {
            return Err(at("#/operations", "no operation is selected".into()));
        }
        Ok(Selection {
            file: path.to_path_buf(),
            operations,
        })
    }
}

/// The selected operations of `source` and everything they reference.
pub fn slice(source: &Document, selection: &Selection) -> Result<Value> {
    let file = source.file.as_path();
    let Value::Mapping(root) = &source.root else {
        return Err(Error::at(file, "#", "the description is not a mapping"));
    };
    let Some(Value::Mapping(paths)) = root.get("paths") else {
        return Err(Error::at(file, "#/paths", "the description has no `paths`"));
    };

    // Where each operationId is.
    let mut found: HashMap<&str, (&Value, &str)> = HashMap::new();
    for (path, item) in paths {
        let Value::Mapping(item) = item else { continue };
        for (method, op) in item {
            let Some(method) = method.as_str().filter(|m| METHODS.contains(m)) else {
                continue;
            };
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                found.insert(id, (path, method));
            }
        }
    }
    let mut wanted: HashSet<(&Value, &str)> = HashSet::new();
    for (i, id) in selection.operations.iter().enumerate() {
        match found.get(id.as_str()) {
            Some(&site) => {
                wanted.insert(site);
            }
            None => {
                let hint = closest(id, found.keys().copied())
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                return Err(Error::at(
                    &selection.file,
                    &format!("#/operations/{i}"),
                    format!("operation `{id}` is not in {}{hint}", file.display()),
                ));
            }
        }
    }

    // The kept path items: their shared keys, and the selected operations only.
    let mut kept_paths = Mapping::new();
    let mut refs = Refs::default();
    for (path, item) in paths {
        let Value::Mapping(item_map) = item else {
            continue;
        };
        let selected: Vec<&str> = item_map
            .keys()
            .filter_map(Value::as_str)
            .filter(|m| METHODS.contains(m) && wanted.contains(&(path, *m)))
            .collect();
        if selected.is_empty() {
            continue;
        }
        let mut kept = Mapping::new();
        for (key, value) in item_map {
            let is_method = key.as_str().is_some_and(|k| METHODS.contains(&k));
            if is_method && !selected.contains(&key.as_str().unwrap_or_default()) {
                continue;
            }
            refs.collect(value);
            if is_method {
                refs.security(value.get("security"));
            }
            kept.insert(key.clone(), value.clone());
        }
        kept_paths.insert(path.clone(), Value::Mapping(kept));
    }
    refs.security(root.get("security"));

    // Components, transitively.
    let components = match root.get("components") {
        Some(Value::Mapping(c)) => Some(c),
        _ => None,
    };
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    while let Some((section, name, from)) = refs.pending.pop() {
        if !done.insert((section.clone(), name.clone())) {
            continue;
        }
        let value = components
            .and_then(|c| c.get(section.as_str()))
            .and_then(|s| s.get(name.as_str()))
            .ok_or_else(|| {
                Error::at(
                    file,
                    "#",
                    format!("`{from}` points at nothing in this description"),
                )
            })?;
        refs.collect(value);
    }
    let mut kept_components = Mapping::new();
    if let Some(components) = components {
        for (section, entries) in components {
            let (Some(section_name), Value::Mapping(entries)) = (section.as_str(), entries) else {
                continue;
            };
            let mut kept = Mapping::new();
            for (name, value) in entries {
                let Some(name) = name.as_str() else { continue };
                if done.contains(&(section_name.to_owned(), name.to_owned())) {
                    kept.insert(Value::from(name), value.clone());
                }
            }
            if !kept.is_empty() {
                kept_components.insert(section.clone(), Value::Mapping(kept));
            }
        }
    }

    // The used tags only.
    let used_tags: BTreeSet<String> = kept_paths
        .values()
        .filter_map(Value::as_mapping)
        .flat_map(|item| item.values())
        .filter_map(|op| op.get("tags").and_then(Value::as_sequence))
        .flatten()
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();

    let mut out = Mapping::new();
    for (key, value) in root {
        let Some(name) = key.as_str().filter(|k| KEPT_TOP_LEVEL.contains(k)) else {
            continue;
        };
        let value = match name {
            "paths" => Value::Mapping(kept_paths.clone()),
            "components" => Value::Mapping(kept_components.clone()),
            "tags" => Value::Sequence(
                value
                    .as_sequence()
                    .into_iter()
                    .flatten()
                    .filter(|t| {
                        t.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| used_tags.contains(n))
                    })
                    .cloned()
                    .collect(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    Ok(Value::Mapping(out))
}

/// References found so far, waiting to be followed.
#[derive(Default)]
struct Refs {
    /// (section, name, the reference as written).
    pending: Vec<(String, String, String)>,
}

impl Refs {
    /// Every `$ref` and discriminator mapping target in `value`.
    fn collect(&mut self, value: &Value) {
        match value {
            Value::Mapping(map) => {
                for (key, child) in map {
                    match (key.as_str(), child) {
                        (Some("$ref"), Value::String(target)) => self.push(target),
                        (Some("discriminator"), Value::Mapping(d)) => {
                            if let Some(Value::Mapping(mapping)) = d.get("mapping") {
                                for target in mapping.values().filter_map(Value::as_str) {
                                    self.push(target);
                                }
                            }
                        }
                        _ => {}
                    }
                    self.collect(child);
                }
            }
            Value::Sequence(items) => items.iter().for_each(|i| self.collect(i)),
            Value::Tagged(tagged) => self.collect(&tagged.value),
            _ => {}
        }
    }

    /// The schemes named by a `security` requirement list.
    fn security(&mut self, requirements: Option<&Value>) {
        for requirement in requirements
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
        {
            for name in requirement.as_mapping().into_iter().flat_map(|m| m.keys()) {
                if let Some(name) = name.as_str() {
                    self.pending.push((
                        "securitySchemes".into(),
                        name.into(),
                        format!("security scheme `{name}`"),
                    ));
                }
            }
        }
    }

    fn push(&mut self, target: &str) {
        let Some(rest) = target.strip_prefix("#/components/") else {
            return;
        };
        let mut parts = rest.split('/');
        if let (Some(section), Some(name)) = (parts.next(), parts.next()) {
            let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
            self.pending
                .push((unescape(section), unescape(name), format!("$ref: {target}")));
        }
    }
}

/// The candidate nearest to `wanted` by edit distance, if one is near enough to be a typo.
pub fn closest<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (crate::naming::edit_distance(wanted, c), c))
        .filter(|(d, _)| *d <= wanted.len().max(3) / 3)
        .min()
        .map(|(_, c)| c)
}

/// The slice as YAML text, in the layout `serde_yaml` writes (block style, keys in order).
pub fn to_yaml(value: &Value) -> String {
    serde_yaml::to_string(value).expect("a YAML tree always serializes")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Place;

    fn doc(text: &str) -> Document {
        crate::load::parse(Path::new("source.yaml"), text).unwrap()
    }

    fn selection(ids: &[&str]) -> Selection {
        Selection {
            file: "selection.yaml".into(),
            operations: ids.iter().map(|s| s.to_string()).collect(),
        }
    }

    const SOURCE: &str = r##"
openapi: 3.1.0
info: {title: t, version: '1'}
x-oaiMeta: {big: navigation}
tags: [{name: A}, {name: B}]
paths:
  /a:
    parameters: [{$ref: '#/components/parameters/Shared'}]
    get:
      operationId: get-a
      tags: [A]
      security: [{Key: []}]
      responses:
        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/U'}}}}
    post:
      operationId: post-a
      responses: {'200': {content: {application/json: {schema: {$ref: '#/components/schemas/Unused'}}}}}
  /b:
    get:
      operationId: get-b
      tags: [B]
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    Other: {type: http, scheme: bearer}
    Key: {type: http, scheme: bearer}
  parameters:
    Shared: {name: s, in: query, schema: {type: string}}
  schemas:
    Unused: {type: string}
    X: {type: object, properties: {object: {const: x}}}
    U:
      oneOf: [{$ref: '#/components/schemas/X'}]
      discriminator: {propertyName: object, mapping: {y: '#/components/schemas/Y'}}
    Y: {type: object, properties: {n: {$ref: '#/components/schemas/U/oneOf/0'}}}
"##;

    #[test]
    fn keeps_selected_operations_and_what_they_reference_in_source_order() {
        let out = to_yaml(&slice(&doc(SOURCE), &selection(&["get-a"])).unwrap());
        let expected = r#"openapi: 3.1.0
info:
  title: t
  version: '1'
tags:
- name: A
paths:
  /a:
    parameters:
    - $ref: '#/components/parameters/Shared'
    get:
      operationId: get-a
      tags:
      - A
      security:
      - Key: []
      responses:
        '200':
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/U'
components:
  securitySchemes:
    Key:
      type: http
      scheme: bearer
  parameters:
    Shared:
      name: s
      in: query
      schema:
        type: string
  schemas:
    X:
      type: object
      properties:
        object:
          const: x
    U:
      oneOf:
      - $ref: '#/components/schemas/X'
      discriminator:
        propertyName: object
        mapping:
          y: '#/components/schemas/Y'
    Y:
      type: object
      properties:
        n:
          $ref: '#/components/schemas/U/oneOf/0'
"#;
        assert_eq!(out, expected);
    }

    #[test]
    fn an_unknown_operation_is_an_error_with_a_suggestion() {
        let e = slice(&doc(SOURCE), &selection(&["get-a", "get-bb"])).unwrap_err();
        assert_eq!(e.place, Place::Pointer("#/operations/1".into()));
        assert_eq!(e.file, Path::new("selection.yaml"));
        assert!(
            e.message
                .contains("`get-bb` is not in source.yaml (did you mean `get-b`?)"),
            "{e}"
        );
    }

    #[test]
    fn a_dangling_reference_is_an_error() {
        let text = SOURCE.replace("'#/components/schemas/X'}]", "'#/components/schemas/Z'}]");
        let e = slice(&doc(&text), &selection(&["get-a"])).unwrap_err();
        assert!(
            e.message
                .contains("#/components/schemas/Z` points at nothing"),
            "{e}"
        );
    }

    #[test]
    fn selection_files_are_checked() {
        let p = Path::new("s.yaml");
        assert!(Selection::parse(p, "operations: [a, b]").is_ok());
        let twice = Selection::parse(p, "operations: [a, a]").unwrap_err();
        assert_eq!(twice.place, Place::Pointer("#/operations/1".into()));
        let typo = Selection::parse(p, "operation: [a]").unwrap_err();
        assert!(typo.message.contains("unknown key `operation`"), "{typo}");
        let bad = Selection::parse(p, "operations: [a\n").unwrap_err();
        assert!(matches!(bad.place, Place::LineColumn { .. }), "{bad}");
    }

    #[test]
    fn the_closest_name_is_suggested_only_when_close() {
        assert_eq!(
            closest("usage-costz", ["usage-costs", "other"].into_iter()),
            Some("usage-costs")
        );
        assert_eq!(closest("zzz", ["usage-costs"].into_iter()), None);
    }
}
