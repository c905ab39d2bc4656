//! Golden tests: each spec in `tests/fixtures/` exercises one codegen feature; its expected output
//! is checked in beside it (`tests/fixtures/<name>/`) and compiled as part of this crate (see
//! `src/lib.rs`), so a golden that does not build fails the build.
//!
//! After an intended change to the generator, update them with:
//! `UPDATE_GOLDEN=1 cargo test -p tests --test golden` and review the diff.

use std::fs;
use std::path::{Path, PathBuf};

/// The generated files that are compared (the runtime copies and `Cargo.toml` are the same for
/// every spec and are covered by the freshness test).
const COMPARED: &[&str] = &["src/lib.rs", "src/client.rs", "src/types.rs", "src/params.rs"];

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn fixture_specs() -> Vec<PathBuf> {
    let mut specs: Vec<PathBuf> = fs::read_dir(fixtures_dir())
        .expect("tests/fixtures exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    specs
}

#[test]
fn every_fixture_matches_its_golden_output() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let specs = fixture_specs();
    assert!(
        specs.len() >= 9,
        "expected the fixture specs, found {specs:?}"
    );
    let mut stale = Vec::new();
    for spec in &specs {
        let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let options = codegen::Options::for_spec(spec);
        let files = codegen::generate(spec, &options)
            .unwrap_or_else(|e| panic!("fixture {name} does not generate: {e}"));
        for wanted in COMPARED {
            let file = files
                .iter()
                .find(|f| f.path == Path::new(wanted))
                .unwrap_or_else(|| panic!("{name}: no {wanted} generated"));
            let golden = fixtures_dir()
                .join(&name)
                .join(Path::new(wanted).file_name().unwrap());
            if update {
                fs::create_dir_all(golden.parent().unwrap()).unwrap();
                fs::write(&golden, &file.contents).unwrap();
                continue;
            }
            let expected = fs::read_to_string(&golden).unwrap_or_default();
            if expected != file.contents {
                stale.push(golden.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "golden outputs differ from what the generator produces: {stale:#?}\n\
         if the change is intended, run `UPDATE_GOLDEN=1 cargo test -p tests --test golden` and review the diff"
    );
}

#[test]
fn every_golden_is_compiled() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for spec in fixture_specs() {
        let name = spec.file_stem().unwrap().to_string_lossy().into_owned();
        let module = format!("pub mod {name} {{");
        assert!(
            lib.contains(&module),
            "tests/src/lib.rs does not compile the golden of {name}: add `{module} pub mod client; pub mod params; pub mod types; }}` to its `golden` module"
        );
    }
}
