//! Golden tests: each spec in `tests/fixtures/` exercises one codegen feature; its expected output
//! is checked in beside it (`tests/fixtures/<name>/`) and compiled as part of this crate (see
//! `src/lib.rs`), so a golden that does not build fails the build.
//!
//! After an intended change to the generator, update them with
//! `UPDATE_GOLDEN=1 cargo test -p tests --test golden` (or `cargo xtask goldens`, which works even
//! when the old goldens no longer compile) and review the diff.

use std::fs;
use std::path::Path;

use tests::root;

fn fixture_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root().join("tests/fixtures"))
        .expect("tests/fixtures exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_fixture_matches_its_golden_output() {
    assert!(
        fixture_names().len() >= 9,
        "expected the fixture specs, found {:?}",
        fixture_names()
    );
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let stale = xtask::goldens(root(), update).unwrap_or_else(|e| panic!("{e}"));
    if update || stale.is_empty() {
        return;
    }
    let mut diffs = String::new();
    for golden in &stale {
        let fixture = golden.parent().unwrap();
        let spec = fixture.with_extension("yaml");
        let file = Path::new("src").join(golden.file_name().unwrap());
        let files = codegen::generate(&spec, &codegen::Options::for_spec(&spec)).unwrap();
        let now = files
            .iter()
            .find(|f| f.path == file)
            .map_or("", |f| &f.contents);
        let before = fs::read_to_string(golden).unwrap_or_default();
        let label = golden
            .strip_prefix(root())
            .unwrap_or(golden)
            .display()
            .to_string();
        diffs.push_str(&tests::unified_diff(&label, &before, now, 40));
    }
    panic!(
        "golden outputs differ from what the generator produces; if the change is intended, run \
         `UPDATE_GOLDEN=1 cargo test -p tests --test golden` (or `cargo xtask goldens`) and review \
         the diff:\n\n{diffs}"
    );
}

#[test]
fn every_golden_is_compiled() {
    let lib = fs::read_to_string(root().join("tests/src/lib.rs")).unwrap();
    for name in fixture_names() {
        let module = format!("pub mod {name} {{");
        assert!(
            lib.contains(&module),
            "tests/src/lib.rs does not compile the golden of {name}: add `{module} pub mod client; pub mod params; pub mod types; }}` to its `golden` module"
        );
        for file in xtask::GOLDEN_FILES.iter().filter(|f| **f != "src/lib.rs") {
            let module = Path::new(file).file_stem().unwrap().to_string_lossy();
            assert!(
                lib.contains(&format!("pub mod {module};")),
                "{name}: {module} is not compiled"
            );
        }
    }
}
