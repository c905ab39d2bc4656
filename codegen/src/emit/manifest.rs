//! The generated crate's `Cargo.toml`.

use crate::ir::Api;
use crate::Options;

use super::MARKER;

/// The runtime crate's manifest, whose `[features]` and `[dependencies]` tables the generated
/// crate takes as they are: the runtime is copied into the generated crate, so both must build
/// against the same crates, with the same features.
const RUNTIME_MANIFEST: &str = include_str!("../../../runtime/Cargo.toml");

/// The table `[name]` of the runtime's manifest, up to the next table, without trailing blank
/// lines (or nothing, if it has no such table).
fn runtime_table(name: &str) -> String {
    let Some(found) = RUNTIME_MANIFEST.find(&format!("\n[{name}]\n")) else {
        return String::new();
    };
    let rest = &RUNTIME_MANIFEST[found + 1..];
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
    // reqwest 0.13, which the runtime uses, needs 1.85.
    out.push_str("rust-version = \"1.85\"\n");
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
    let features = runtime_table("features");
    if !features.is_empty() {
        out.push_str(&features);
        out.push('\n');
    }
    out.push_str(&runtime_table("dependencies"));
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
        let deps = runtime_table("dependencies");
        assert!(deps.starts_with("[dependencies]\n"), "{deps}");
        assert!(deps.contains("\nreqwest = "), "{deps}");
        assert!(!deps.contains("[dev-dependencies]"), "{deps}");
        assert!(deps.ends_with('\n'));
        let features = runtime_table("features");
        assert!(features.starts_with("[features]\ndefault = "), "{features}");
        assert!(!features.contains("[dependencies]"), "{features}");
        assert_eq!(runtime_table("no-such-table"), "");
    }

    #[test]
    fn toml_strings_escape_quotes_backslashes_and_controls() {
        assert_eq!(toml_string(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(toml_string("tab\there"), r#""tab\u0009here""#);
    }
}
