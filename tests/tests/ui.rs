//! Compile-time guarantees of the generated crate: what compiles (every operation's parameters)
//! and what must not (a value an endpoint does not allow, a missing required parameter, a string
//! where an enum is required), and the README's usage snippets. Update the expected errors with
//! `TRYBUILD=overwrite`.

use std::path::{Path, PathBuf};

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.pass(readme_program());
    t.compile_fail("ui/fail/*.rs");
}

/// The README's ```rust blocks, in order, as the body of one async function (a later snippet
/// uses what an earlier one made, as a reader would), in a program that compiles it and does not
/// run it (it would call the API).
fn readme_program() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let snippets = rust_blocks(&readme);
    assert!(
        snippets.len() >= 2,
        "README.md has {} ```rust blocks; expected the usage snippets",
        snippets.len()
    );
    let mut program = String::from(
        "// Written by tests/tests/ui.rs from README.md's ```rust blocks; compiled, not run.\n\
         #[allow(unused_variables, dead_code)]\n\
         async fn readme() -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    for snippet in snippets {
        program.push_str(&snippet);
        program.push('\n');
    }
    program.push_str("    Ok(())\n}\n\nfn main() {}\n");
    let dir = root.join("target/readme-snippets");
    std::fs::create_dir_all(&dir).expect("target/readme-snippets");
    let path = dir.join("readme.rs");
    // Only when it changed, so trybuild's cache of the compiled program stays valid.
    if std::fs::read_to_string(&path).ok().as_deref() != Some(program.as_str()) {
        std::fs::write(&path, program).expect("write the README program");
    }
    path
}

/// The contents of every block fenced as ```rust (not `rust,ignore` or other languages).
fn rust_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```rust") => current = Some(String::new()),
            (Some(_), "```") => blocks.extend(current.take()),
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}
