//! Writes the README's ```rust blocks, in order, as the body of one async function (a later
//! snippet uses what an earlier one made, as a reader would), for `tests/tests/suite/compiles.rs`
//! to compile: a snippet that no longer compiles against the generated crate fails the build of
//! the tests, naming the README. Also tells the tests the target triple they build for.

use std::path::PathBuf;

fn main() {
    let readme = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .join("../README.md");
    println!("cargo::rerun-if-changed={}", readme.display());
    // The triple the tests' nested cargo runs pass with `--target`, as trybuild does for its
    // cases (`tests/src/nested_cargo.rs`): the same one, so they share its directory.
    let target = std::env::var("TARGET").expect("set by cargo");
    println!("cargo::rustc-env=NESTED_CARGO_TARGET={target}");
    let text =
        std::fs::read_to_string(&readme).unwrap_or_else(|e| panic!("{}: {e}", readme.display()));
    let snippets = rust_blocks(&text);
    assert!(
        snippets.len() >= 2,
        "{} has {} ```rust blocks; expected the usage snippets",
        readme.display(),
        snippets.len()
    );
    let mut program = String::from(
        "// Written by tests/build.rs from README.md's ```rust blocks; compiled, not run.\n\
         async fn readme() -> Result<(), Box<dyn std::error::Error>> {\n",
    );
    for snippet in snippets {
        program.push_str(&snippet);
        program.push('\n');
    }
    program.push_str("    Ok(())\n}\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("readme_snippets.rs"), program).expect("write the README program");
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
