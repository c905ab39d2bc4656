//! `cargo xtask`: the project's own commands, as a library so that tests can run them in-process.
//!
//! - `cargo xtask regen`: regenerate `generated/` from `spec/openai-usage.yaml`.
//! - `cargo xtask regen --check`: write nothing; fail with a diff if `generated/` is stale.
//! - `cargo xtask regen --spec FILE --out DIR`: write a standalone crate for any spec to DIR.
//! - `cargo xtask goldens`: rewrite the expected outputs of the codegen fixtures in
//!   `tests/fixtures/` (also what `UPDATE_GOLDEN=1` does in the golden test; this command works
//!   even when the old goldens no longer compile).

use std::io::Write;
use std::path::{Path, PathBuf};

use codegen::output::{self, Change};
use codegen::Options;

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--spec FILE --out DIR]
       cargo xtask goldens

  regen                      regenerate generated/ from spec/openai-usage.yaml
  regen --check              write nothing; exit 1 with a diff if generated/ is not up to date
  regen --spec FILE --out DIR
                             write a complete standalone crate generated from FILE to DIR
  goldens                    rewrite the expected outputs of tests/fixtures/*.yaml";

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was asked.
    Success,
    /// It ran, and found something to report as failure (a stale generated crate).
    Failure,
}

/// Runs `cargo xtask ARGS` with `root` as the workspace root, printing to `out`. An `Err` is a
/// message for standard error: bad arguments, or a spec or file the command could not use (in
/// which case nothing was written).
pub fn run(args: &[String], root: &Path, out: &mut dyn Write) -> Result<Outcome, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("no command given\n\n{USAGE}"));
    };
    match command.as_str() {
        "regen" => regen(rest, root, out),
        "goldens" if rest.is_empty() => {
            for path in goldens(root, true)? {
                writeln!(out, "{}", path.display()).map_err(io)?;
            }
            Ok(Outcome::Success)
        }
        "help" | "--help" | "-h" => {
            writeln!(out, "{USAGE}").map_err(|e| e.to_string())?;
            Ok(Outcome::Success)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// The workspace root (this crate lives in `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn regen(args: &[String], root: &Path, out: &mut dyn Write) -> Result<Outcome, String> {
    let mut check = false;
    let mut spec: Option<PathBuf> = None;
    let mut out_dir: Option<PathBuf> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec = Some(iter.next().ok_or("--spec needs a file")?.into()),
            "--out" => out_dir = Some(iter.next().ok_or("--out needs a directory")?.into()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let (spec, dir, options) = match (spec, out_dir) {
        (None, None) => {
            let spec = root.join("spec/openai-usage.yaml");
            let options = main_crate_options(root, &spec)?;
            (spec, root.join("generated"), options)
        }
        (Some(spec), Some(out_dir)) => {
            let mut options = Options::for_spec(&spec);
            options.standalone = true;
            (spec, out_dir, options)
        }
        _ => return Err("--spec and --out go together".into()),
    };

    let files = codegen::generate(&spec, &options).map_err(|e| e.to_string())?;
    let changes = output::plan(&dir, &files).map_err(|e| e.to_string())?;
    let shown = |p: &Path| {
        dir.join(p)
            .strip_prefix(root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| dir.join(p))
    };

    if check {
        if changes.is_empty() {
            writeln!(
                out,
                "{} is up to date with {}",
                dir.display(),
                spec.display()
            )
            .map_err(io)?;
            return Ok(Outcome::Success);
        }
        for change in &changes {
            let name = shown(change.path()).display().to_string();
            let (old, new) = match change {
                Change::Added(_, new) => ("", new.as_str()),
                Change::Modified(_, old, new) => (old.as_str(), new.as_str()),
                Change::Removed(_, old) => (old.as_str(), ""),
            };
            let diff = similar::TextDiff::from_lines(old, new);
            write!(
                out,
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
            )
            .map_err(io)?;
        }
        writeln!(
            out,
            "\n{} generated file(s) are not up to date with {}: run `cargo xtask regen` and commit the result",
            changes.len(),
            spec.display()
        )
        .map_err(io)?;
        return Ok(Outcome::Failure);
    }

    output::apply(&dir, &changes).map_err(|e| e.to_string())?;
    if changes.is_empty() {
        writeln!(out, "{}: up to date, nothing changed", dir.display()).map_err(io)?;
    }
    for change in &changes {
        let verb = match change {
            Change::Added(..) => "added",
            Change::Modified(..) => "updated",
            Change::Removed(..) => "removed",
        };
        writeln!(out, "{verb:>8} {}", shown(change.path()).display()).map_err(io)?;
    }
    Ok(Outcome::Success)
}

fn io(e: std::io::Error) -> String {
    format!("cannot write the report: {e}")
}

/// Files this project adds to the generated crate: the `usage_report` example, kept in
/// `tests/demo/` beside the fake server it runs against with `--demo`.
const EXTRA_FILES: &[(&str, &str)] = &[
    (
        "tests/demo/usage_report/main.rs",
        "examples/usage_report/main.rs",
    ),
    (
        "tests/demo/usage_report/report.rs",
        "examples/usage_report/report.rs",
    ),
];

/// What this project adds to the generated crate's `Cargo.toml`: what the example needs.
const EXTRA_MANIFEST: &str = r#"[dev-dependencies]
# The local fake of the API, for `--demo`.
tests = { path = "../tests" }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#;

/// The options `cargo xtask regen` generates `generated/` with: the package name, and the
/// project's example and its dev-dependencies.
pub fn main_crate_options(root: &Path, spec: &Path) -> Result<Options, String> {
    let mut options = Options::for_spec(spec);
    options.crate_name = "openai-usage".into();
    options.extra_manifest = EXTRA_MANIFEST.into();
    for (origin, path) in EXTRA_FILES {
        let contents = std::fs::read_to_string(root.join(origin))
            .map_err(|e| format!("cannot read {origin}: {e}"))?;
        options.extra_files.push(codegen::ExtraFile {
            path: PathBuf::from(path),
            origin: (*origin).to_owned(),
            contents,
        });
    }
    Ok(options)
}

/// The generated files a golden fixture keeps (the runtime copies and `Cargo.toml` are the same
/// for every spec and are covered by the freshness test).
pub const GOLDEN_FILES: &[&str] = &[
    "src/lib.rs",
    "src/client.rs",
    "src/types.rs",
    "src/params.rs",
];

/// Generates every fixture spec in `tests/fixtures/` and compares (or, with `write`, replaces)
/// its expected output in `tests/fixtures/<name>/`. Returns the golden files that differed.
pub fn goldens(root: &Path, write: bool) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("tests/fixtures");
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    specs.sort();
    let mut differ = Vec::new();
    for spec in &specs {
        let name = spec
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let files = codegen::generate(spec, &Options::for_spec(spec)).map_err(|e| e.to_string())?;
        for wanted in GOLDEN_FILES {
            let file = files
                .iter()
                .find(|f| f.path == Path::new(wanted))
                .ok_or_else(|| format!("{name}: no {wanted} generated"))?;
            let golden = dir
                .join(&name)
                .join(Path::new(wanted).file_name().unwrap_or_default());
            if std::fs::read_to_string(&golden).ok().as_deref() == Some(file.contents.as_str()) {
                continue;
            }
            if write {
                output::write_atomic(&golden, &file.contents).map_err(|e| e.to_string())?;
            }
            differ.push(golden);
        }
    }
    Ok(differ)
}
