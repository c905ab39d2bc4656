//! Every name the generated crate defines for itself, in one place: what the crate root exports
//! besides the spec's types, the client's own methods, the methods of every parameter struct, and
//! the type names a spec type may therefore not take. Build reads these to keep the spec's names
//! clear of them; emit writes the items they name (its unit tests check the two agree).

/// What the crate root re-exports besides the spec's types and parameter structs: (module, item).
pub const ROOT_EXPORTS: &[(&str, &str)] = &[
    ("client", "Client"),
    ("client", "DEFAULT_BASE_URL"),
    ("runtime", "ClientBuilder"),
    ("runtime", "install_default_tls"),
    ("runtime", "Error"),
    ("runtime", "InvalidParam"),
    ("runtime", "PageError"),
    ("runtime", "Response"),
    ("runtime", "Timestamp"),
    ("runtime", "UnknownValue"),
    ("runtime", "Unrecognized"),
    ("runtime", "UnrecognizedKind"),
    ("runtime", "UnrecognizedReport"),
];

/// The client's own methods; an operation's methods may not take one of these names.
pub const CLIENT_METHODS: &[&str] = &["new", "from_env", "builder", "base_url"];

/// The methods every parameter struct has; a setter may not take one of these names.
pub const PARAMS_METHODS: &[&str] = &["new", "to_path", "to_query", "validate"];

/// The methods of a struct a request body holds: a setter of the same name gets `_field` added.
pub const STRUCT_METHODS: &[&str] = &["new", "validate"];

/// Names the generated code uses unqualified (the prelude and the traits it derives).
const PRELUDE: &[&str] = &[
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Into",
    "IntoIterator",
    "ToString",
    "Self",
];

/// The hidden root alias the runtime's `Error` and `PageError` default their error body to.
pub const ERROR_BODY_ALIAS: &str = "ErrorBody";

/// Whether a spec type may not be called `name` (it then gets the suffix `Schema`): a name the
/// generated code uses unqualified, or one the crate root exports.
pub fn is_reserved_type_name(name: &str) -> bool {
    PRELUDE.contains(&name)
        || name == ERROR_BODY_ALIAS
        || ROOT_EXPORTS.iter().any(|(_, item)| *item == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prelude_and_exported_names_are_reserved() {
        for name in [
            "Option",
            "Result",
            "Client",
            "PageError",
            "UnrecognizedReport",
        ] {
            assert!(is_reserved_type_name(name), "{name}");
        }
        for name in ["UsageResult", "Costs", "client", "Clients"] {
            assert!(!is_reserved_type_name(name), "{name}");
        }
    }

    #[test]
    fn no_name_is_listed_twice() {
        let mut all: Vec<&str> = ROOT_EXPORTS.iter().map(|(_, n)| *n).collect();
        all.extend(PRELUDE);
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count);
    }
}
