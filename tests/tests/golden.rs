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

/// Items are written partly as text and partly as tokens printed by prettyplease
/// (`codegen/src/emit/text/`); either way each file must read as prettyplease prints it: parsed
/// and printed again, it is the same bytes. Over every fixture, the OpenAI spec, a synthetic spec,
/// and one whose names are long enough to push lines past the margin.
#[test]
fn every_generated_file_is_laid_out_as_prettyplease_prints_it() {
    let mut specs: Vec<(String, String)> = fixture_names()
        .into_iter()
        .map(|name| {
            let path = root().join("tests/fixtures").join(format!("{name}.yaml"));
            (name, fs::read_to_string(path).expect("fixture readable"))
        })
        .collect();
    let usage = fs::read_to_string(root().join("spec/openai-usage.yaml")).expect("spec readable");
    specs.push(("openai-usage".into(), usage));
    specs.push(("synthetic".into(), tests::bench::synthetic_spec(12)));
    let long = "ThingWithANameLongEnoughToPushTheGeneratedLinesPastPrettypleasesMargin";
    specs.push((
        "synthetic, long names".into(),
        tests::bench::synthetic_spec(3).replace("Thing", long),
    ));
    let mut checked = 0;
    for (name, text) in &specs {
        let path = Path::new("spec.yaml");
        let files = codegen::generate_from_str(path, text, &codegen::Options::for_spec(path))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for file in files.iter().filter(|f| {
            f.path.extension().is_some_and(|e| e == "rs") && !f.path.starts_with("src/runtime")
        }) {
            let (_header, code) = file.contents.split_once("\n\n").expect("a header line");
            let again = codegen::emit::reprint(code)
                .unwrap_or_else(|e| panic!("{name} {}: {e}", file.path.display()));
            if again != code {
                panic!(
                    "{name} {} is not laid out as prettyplease prints it:\n{}",
                    file.path.display(),
                    tests::unified_diff("generated", code, &again, 20)
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 4 * specs.len(), "{checked} files checked");
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
