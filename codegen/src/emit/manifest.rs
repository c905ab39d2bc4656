//! The generated crate's `Cargo.toml`.

use crate::ir::Api;
use crate::Options;

use super::MARKER;

/// The runtime crate's manifest, whose `[dependencies]` table the generated crate takes as it is:
/// the runtime is copied into the generated crate, so both must build against the same crates.
const RUNTIME_MANIFEST: &str = include_str!("../../../runtime/Cargo.toml");

/// The `[dependencies]` table of the runtime's manifest, up to the next table.
fn runtime_dependencies() -> String {
    let start = RUNTIME_MANIFEST
        .find("\n[dependencies]\n")
        .expect("runtime/Cargo.toml has a [dependencies] table")
        + 1;
    let rest = &RUNTIME_MANIFEST[start..];
    let end = rest.find("\n[").map_or(rest.len(), |i| i + 1);
    format!("{}\n", rest[..end].trim_end())
}

pub fn cargo_toml(api: &Api, options: &Options) -> String {
    let mut out = format!(
        "# {MARKER} from {}. Do not edit: change the spec and regenerate.\n\n",
        options.spec_name
    );
    out.push_str("[package]\n");
    out.push_str(&format!("name = {}\n", toml_string(&options.crate_name)));
    out.push_str(&format!(
        "version = {}\n",
        toml_string(&options.crate_version)
    ));
    out.push_str("edition = \"2021\"\n");
    out.push_str("rust-version = \"1.80\"\n");
    out.push_str(&format!(
        "description = {}\n",
        toml_string(&format!("Typed client for the {}", api.title))
    ));
    let package = &options.package;
    for (key, value) in [
        ("license", &package.license),
        ("repository", &package.repository),
        ("documentation", &package.documentation),
        ("homepage", &package.homepage),
    ] {
        if let Some(value) = value {
            out.push_str(&format!("{key} = {}\n", toml_string(value)));
        }
    }
    if package.readme {
        out.push_str("readme = \"README.md\"\n");
    }
    for (key, values) in [
        ("keywords", &package.keywords),
        ("categories", &package.categories),
    ] {
        if !values.is_empty() {
            let list: Vec<String> = values.iter().map(|v| toml_string(v)).collect();
            out.push_str(&format!("{key} = [{}]\n", list.join(", ")));
        }
    }
    if !package.publish {
        out.push_str("publish = false\n");
    }
    out.push('\n');
    out.push_str(&runtime_dependencies());
    if !options.extra_manifest.is_empty() {
        out.push('\n');
        out.push_str(options.extra_manifest.trim_end());
        out.push('\n');
    }
    if options.standalone {
        out.push_str("\n# Not part of any enclosing workspace.\n[workspace]\n");
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dependencies_are_the_runtime_table_alone() {
        let deps = runtime_dependencies();
        assert!(deps.starts_with("[dependencies]\n"), "{deps}");
        assert!(deps.contains("\nreqwest = "), "{deps}");
        assert!(!deps.contains("[dev-dependencies]"), "{deps}");
        assert!(deps.ends_with('\n'));
    }

    #[test]
    fn toml_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(toml_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(toml_string("tab\there"), r#""tab\u0009here""#);
    }
}
