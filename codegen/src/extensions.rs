//! The `x-` extensions the generator reads, in one table, and the check that keeps a misspelled or
//! misplaced one from being silently ignored (which would drop, say, every limit check that
//! `x-maximum-by` brings). Extensions the generator does not read (OpenAI's own `x-oaiMeta`,
//! `x-stainless-const`, ...) pass untouched, unless their name is within a typo of one it does.
//!
//! To add an extension: add a row here (its name, where it may appear, what it does), read it in
//! `build`, compare it in `diff`, and document it in ARCHITECTURE.md.

use serde_yaml::Value;

use crate::error::Result;
use crate::ir::HttpMethod;
use crate::load::Document;

/// Where in a document an extension is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    /// The document's root.
    Document,
    /// A server object (`servers/N`).
    Server,
    /// A security scheme (`components/securitySchemes/NAME`).
    SecurityScheme,
    /// An operation (`paths/PATH/METHOD`).
    Operation,
    /// A parameter (of an operation, of a path item, or in `components/parameters`).
    Parameter,
    /// A path item (`paths/PATH`): no extension is read there.
    PathItem,
    /// Anywhere else: a schema (components, properties, items, a parameter's schema, ...), or a
    /// part of the outline no extension is read on (a response, say).
    Schema,
}

impl Site {
    fn describe(self) -> &'static str {
        match self {
            Site::Document => "the document's root",
            Site::Server => "a server",
            Site::SecurityScheme => "a security scheme",
            Site::Operation => "an operation",
            Site::Parameter => "a parameter",
            Site::PathItem => "a path item",
            Site::Schema => "a schema",
        }
    }
}

/// An extension the generator reads.
#[derive(Clone, Copy, Debug)]
pub struct Extension {
    /// Its key, `x-...`.
    pub name: &'static str,
    /// Where it may appear.
    pub sites: &'static [Site],
    /// What it does.
    pub purpose: &'static str,
}

/// Every extension the generator reads.
pub const EXTENSIONS: &[Extension] = &[
    Extension {
        name: "x-type-name",
        sites: &[Site::Schema],
        purpose: "the Rust name of the type of an inline or component schema",
    },
    Extension {
        name: "x-enum-varnames",
        sites: &[Site::Schema],
        purpose: "Rust names of enum variants or union members (a list, or value -> name)",
    },
    Extension {
        name: "x-accessors",
        sites: &[Site::Schema],
        purpose: "methods of an object that read a value nested in optional objects (name -> {path, description})",
    },
    Extension {
        name: "x-method-name",
        sites: &[Site::Operation],
        purpose: "the Rust method of an operation (its parameter struct is named after it)",
    },
    Extension {
        name: "x-idempotent",
        sites: &[Site::Operation],
        purpose: "`true` on an operation whose repeat has the effect of one call (a create-or-replace `POST`): it is retried after failures that may have reached the server",
    },
    Extension {
        name: "x-doc-example",
        sites: &[Site::Operation],
        purpose: "`true` on the operation the crate's doc examples show",
    },
    Extension {
        name: "x-pagination",
        sites: &[Site::Document, Site::Operation],
        purpose: "paging styles (document), or an operation's own style or `false`",
    },
    Extension {
        name: "x-maximum-by",
        sites: &[Site::Schema],
        purpose: "a maximum that depends on another parameter's value",
    },
    Extension {
        name: "x-greater-than",
        sites: &[Site::Schema],
        purpose: "a parameter that must be greater than another",
    },
    Extension {
        name: "x-env-var",
        sites: &[Site::Server, Site::SecurityScheme],
        purpose: "the environment variable `Client::from_env` reads the URL or key from",
    },
    Extension {
        name: "x-sunset",
        sites: &[Site::Operation, Site::Parameter],
        purpose: "when a deprecated operation or parameter stops working",
    },
];

/// Checks every `x-` key of the document: one the generator reads must be where it is read; one
/// it does not read must not be a near-miss of one it does.
pub fn check(doc: &Document) -> Result<()> {
    let root = doc.node();
    walk(root.value, &mut Vec::new(), &|path, key| {
        let pointer = pointer(path, key);
        let place = || doc.lookup(&pointer).expect("a key just walked").error("");
        match EXTENSIONS.iter().find(|e| e.name == key) {
            Some(known) => {
                let site = site(path);
                if !known.sites.contains(&site) {
                    let wanted: Vec<&str> = known.sites.iter().map(|s| s.describe()).collect();
                    let mut error = place();
                    error.message = format!(
                        "`{key}` is read on {}, not on {} ({}); it would be ignored here",
                        wanted.join(" or "),
                        site.describe(),
                        known.purpose
                    );
                    return Err(error);
                }
                Ok(())
            }
            None => match closest(key) {
                Some(known) => {
                    let mut error = place();
                    error.message = format!(
                        "unknown extension `{key}`: did you mean `{}` ({})? The generator reads {}",
                        known.name,
                        known.purpose,
                        names()
                    );
                    Err(error)
                }
                None => Ok(()),
            },
        }
    })
}

/// The names of every extension, for messages.
fn names() -> String {
    let names: Vec<String> = EXTENSIONS.iter().map(|e| format!("`{}`", e.name)).collect();
    names.join(", ")
}

/// Calls `visit(path, key)` for every `x-` key, depth first, in document order.
fn walk(
    value: &Value,
    path: &mut Vec<String>,
    visit: &dyn Fn(&[String], &str) -> Result<()>,
) -> Result<()> {
    match value {
        Value::Mapping(map) => {
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                if key.len() > 2 && key.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("x-")) {
                    visit(path, key)?;
                }
                path.push(key.to_owned());
                walk(child, path, visit)?;
                path.pop();
            }
        }
        Value::Sequence(items) => {
            for (i, child) in items.iter().enumerate() {
                path.push(i.to_string());
                walk(child, path, visit)?;
                path.pop();
            }
        }
        Value::Tagged(tagged) => walk(&tagged.value, path, visit)?,
        _ => {}
    }
    Ok(())
}

fn pointer(path: &[String], key: &str) -> String {
    let mut pointer = String::from("#");
    for part in path.iter().map(String::as_str).chain([key]) {
        pointer.push('/');
        pointer.push_str(&part.replace('~', "~0").replace('/', "~1"));
    }
    pointer
}

/// What the mapping at `path` is, by its place in the OpenAPI outline.
fn site(path: &[String]) -> Site {
    let is_method = |m: &str| HttpMethod::from_key(m).is_some();
    let parts: Vec<&str> = path.iter().map(String::as_str).collect();
    match parts.as_slice() {
        [] => Site::Document,
        ["servers", _] => Site::Server,
        ["components", "securitySchemes", _] => Site::SecurityScheme,
        ["paths", _] => Site::PathItem,
        ["paths", _, m] if is_method(m) => Site::Operation,
        ["paths", _, m, "parameters", _] if is_method(m) => Site::Parameter,
        ["paths", _, "parameters", _] | ["components", "parameters", _] => Site::Parameter,
        _ => Site::Schema,
    }
}

/// The extension `key` is most likely a misspelling of: the same but for case, `_` for `-`, or
/// at most two edits away.
fn closest(key: &str) -> Option<&'static Extension> {
    let normal = |s: &str| s.to_ascii_lowercase().replace('_', "-");
    let key = normal(key);
    EXTENSIONS
        .iter()
        // Names whose lengths differ by more than two are more than two edits apart; most keys
        // of a large document (`x-oaiMeta`, ...) are skipped without computing the distance.
        .filter(|e| e.name.len().abs_diff(key.len()) <= 2)
        .map(|e| (crate::naming::edit_distance(&key, e.name), e))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, e)| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_caught_and_others_pass() {
        assert_eq!(
            closest("x-maximun-by").map(|e| e.name),
            Some("x-maximum-by")
        );
        assert_eq!(closest("x-Type-Name").map(|e| e.name), Some("x-type-name"));
        assert_eq!(closest("x_env_var").map(|e| e.name), Some("x-env-var"));
        assert_eq!(
            closest("x-paginaiton").map(|e| e.name),
            Some("x-pagination")
        );
        assert_eq!(
            closest("x-enum-varname").map(|e| e.name),
            Some("x-enum-varnames")
        );
        for other in [
            "x-oaiMeta",
            "x-stainless-const",
            "x-oaiTypeLabel",
            "x-logo",
            "x-unit",
        ] {
            assert!(closest(other).is_none(), "{other}");
        }
    }

    #[test]
    fn sites_follow_the_openapi_outline() {
        let path = |p: &str| -> Vec<String> {
            p.split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        };
        assert_eq!(site(&path("")), Site::Document);
        assert_eq!(site(&path("servers/0")), Site::Server);
        assert_eq!(
            site(&path("components/securitySchemes/Key")),
            Site::SecurityScheme
        );
        assert_eq!(site(&path("paths/~1a/get")), Site::Operation);
        assert_eq!(site(&path("paths/~1a/get/parameters/2")), Site::Parameter);
        assert_eq!(site(&path("paths/~1a/parameters/0")), Site::Parameter);
        assert_eq!(
            site(&path("paths/~1a/get/parameters/2/schema")),
            Site::Schema
        );
        assert_eq!(
            site(&path("components/schemas/A/properties/b")),
            Site::Schema
        );
        assert_eq!(site(&path("paths/~1a")), Site::PathItem);
    }

    #[test]
    fn every_extension_is_named_once_and_has_a_place() {
        for (i, e) in EXTENSIONS.iter().enumerate() {
            assert!(
                e.name.starts_with("x-") && !e.sites.is_empty(),
                "{}",
                e.name
            );
            assert!(
                EXTENSIONS[..i].iter().all(|o| o.name != e.name),
                "{}",
                e.name
            );
        }
    }
}
