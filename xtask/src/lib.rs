//! `cargo xtask`: the project's own commands, as a library so that tests can run them in-process.
//!
//! - `cargo xtask regen`: regenerate `generated/` from `spec/openai-usage.yaml`.
//! - `cargo xtask regen --check`: write nothing; fail with a diff if `generated/` is stale.
//! - `cargo xtask regen --spec FILE --out DIR`: write a standalone crate for any spec to DIR.

use std::io::Write;
use std::path::{Path, PathBuf};

use codegen::output::{self, Change};
use codegen::Options;

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--spec FILE --out DIR]

  regen                      regenerate generated/ from spec/openai-usage.yaml
  regen --check              write nothing; exit 1 with a diff if generated/ is not up to date
  regen --spec FILE --out DIR
                             write a complete standalone crate generated from FILE to DIR";

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
            let mut options = Options::for_spec(&spec);
            options.crate_name = "openai-usage".into();
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
