//! The generated crate's `Cargo.toml`.

use crate::ir::Api;
use crate::Options;

use super::MARKER;

/// Versions of the crates the generated code and its runtime use.
const DEPENDENCIES: &str = r#"[dependencies]
futures = { version = "0.3", default-features = false, features = ["std", "async-await"] }
httpdate = "1"
reqwest = { version = "0.12", default-features = false, features = ["rustls-tls"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_path_to_error = "0.1"
thiserror = "2"
tokio = { version = "1", features = ["time"] }
"#;

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
    out.push_str("license = \"MIT OR Apache-2.0\"\n");
    out.push_str("publish = false\n\n");
    out.push_str(DEPENDENCIES);
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
