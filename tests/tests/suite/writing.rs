//! Nothing half-written: `regen` builds everything in memory, stages every file, commits with a
//! journal, then renames. An error or a crash before the commit leaves the previous crate as it
//! was; one after it is finished by the next run.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use codegen::output::{self, Step};
use codegen::{ExtraFile, Options, OutputFile};

const OLD: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: get-a\n      parameters:\n        - {name: q, in: query, schema: {type: string}}\n";
const NEW: &str = "openapi: 3.1.0\ninfo: {title: T, version: '2'}\npaths:\n  /b:\n    get:\n      operationId: get-b\n      parameters:\n        - {name: r, in: query, schema: {type: integer}}\n";

fn generate(text: &str, with_extra: bool) -> Vec<OutputFile> {
    let path = Path::new("api.yaml");
    let mut options = Options::for_spec(path);
    if with_extra {
        // A generated file that the new output no longer has, so that applying removes one.
        options.extra_files.push(ExtraFile {
            path: "examples/old.rs".into(),
            origin: "old.rs".into(),
            contents: "fn main() {}\n".into(),
        });
    }
    codegen::generate_from_str(path, text, &options).unwrap()
}

fn snapshot(dir: &Path) -> BTreeMap<String, String> {
    tests::files_under(dir)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).expect("text")))
        .collect()
}

/// A directory holding the old crate, the snapshot of it, and the changes to the new one.
fn setup() -> (
    tempfile::TempDir,
    BTreeMap<String, String>,
    Vec<output::Change>,
    BTreeMap<String, String>,
) {
    let dir = tempfile::tempdir().unwrap();
    let old = output::plan(dir.path(), &generate(OLD, true)).unwrap();
    output::apply(dir.path(), &old).unwrap();
    let before = snapshot(dir.path());
    let changes = output::plan(dir.path(), &generate(NEW, false)).unwrap();
    assert!(changes
        .iter()
        .any(|c| matches!(c, output::Change::Removed(..))));
    assert!(changes
        .iter()
        .any(|c| matches!(c, output::Change::Modified(..))));
    // What a complete apply gives, computed in a second directory.
    let reference = tempfile::tempdir().unwrap();
    output::apply(
        reference.path(),
        &output::plan(reference.path(), &generate(NEW, false)).unwrap(),
    )
    .unwrap();
    let after = snapshot(reference.path());
    (dir, before, changes, after)
}

#[test]
fn an_error_while_staging_changes_nothing() {
    let (dir, before, changes, _) = setup();
    let result = output::apply_with(dir.path(), &changes, &mut |step| match step {
        Step::Staged(1) => Err(std::io::Error::other("disk full")),
        _ => Ok(()),
    });
    let error = result.unwrap_err();
    assert!(error.message.contains("disk full"), "{error}");
    assert_eq!(
        snapshot(dir.path()),
        before,
        "not a byte changed, no file left behind"
    );
}

#[test]
fn a_crash_while_staging_leaves_the_old_crate_and_the_next_run_cleans_up() {
    let (dir, before, changes, after) = setup();
    let crashed = catch_unwind(AssertUnwindSafe(|| {
        let _ = output::apply_with(dir.path(), &changes, &mut |step| {
            if step == Step::Staged(2) {
                panic!("killed");
            }
            Ok(())
        });
    }));
    assert!(crashed.is_err());
    let now = snapshot(dir.path());
    let (staged, rest): (BTreeMap<_, _>, BTreeMap<_, _>) = now
        .into_iter()
        .partition(|(name, _)| name.ends_with(".regen-staged"));
    assert_eq!(rest, before, "every file of the old crate is as it was");
    assert!(!staged.is_empty(), "the crash left staged files");

    // The next run cleans up and completes.
    let changes = output::plan(dir.path(), &generate(NEW, false)).unwrap();
    output::apply(dir.path(), &changes).unwrap();
    assert_eq!(snapshot(dir.path()), after);
}

#[test]
fn a_crash_after_the_commit_is_finished_by_the_next_run() {
    let (dir, _, changes, after) = setup();
    let result = output::apply_with(dir.path(), &changes, &mut |step| match step {
        Step::Applied(0) => Err(std::io::Error::other("killed")),
        _ => Ok(()),
    });
    assert!(result.is_err());
    assert!(dir.path().join(output::JOURNAL).exists());
    // `regen --check` plans without writing: it says what to do.
    let error = output::plan(dir.path(), &generate(NEW, false)).unwrap_err();
    assert!(
        error
            .message
            .contains("was interrupted while writing; run `cargo xtask regen`"),
        "{error}"
    );
    // `regen` recovers first.
    output::recover(dir.path()).unwrap();
    assert_eq!(snapshot(dir.path()), after);
    assert!(output::plan(dir.path(), &generate(NEW, false))
        .unwrap()
        .is_empty());
}
