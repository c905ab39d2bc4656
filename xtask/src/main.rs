//! `cargo xtask`: the project's own commands.
//!
//! - `cargo xtask regen`: regenerate `generated/` from `spec/openai-usage.yaml`.
//! - `cargo xtask regen --check`: write nothing; fail with a diff if `generated/` is stale.
//! - `cargo xtask regen --spec FILE --out DIR`: write a standalone crate for any spec to DIR.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::output::{self, Change};
use codegen::Options;

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--spec FILE --out DIR]

  regen                      regenerate generated/ from spec/openai-usage.yaml
  regen --check              write nothing; exit 1 with a diff if generated/ is not up to date
  regen --spec FILE --out DIR
                             write a complete standalone crate generated from FILE to DIR";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("no command given\n\n{USAGE}"));
    };
    match command.as_str() {
        "regen" => regen(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// The workspace root (this crate lives in `xtask/`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn regen(args: &[String]) -> Result<ExitCode, String> {
    let mut check = false;
    let mut spec: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--spec" => spec = Some(iter.next().ok_or("--spec needs a file")?.into()),
            "--out" => out = Some(iter.next().ok_or("--out needs a directory")?.into()),
            other => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
        }
    }
    let root = root();
    let (spec, dir, options) = match (spec, out) {
        (None, None) => {
            let spec = root.join("spec/openai-usage.yaml");
            let mut options = Options::for_spec(&spec);
            options.crate_name = "openai-usage".into();
            (spec, root.join("generated"), options)
        }
        (Some(spec), Some(out)) => {
            let mut options = Options::for_spec(&spec);
            options.standalone = true;
            (spec, out, options)
        }
        _ => return Err("--spec and --out go together".into()),
    };

    let files = codegen::generate(&spec, &options).map_err(|e| e.to_string())?;
    let changes = output::plan(&dir, &files).map_err(|e| e.to_string())?;
    let shown = |p: &Path| {
        dir.join(p)
            .strip_prefix(&root)
            .map(Path::to_path_buf)
            .unwrap_or_else(|_| dir.join(p))
    };

    if check {
        if changes.is_empty() {
            println!("{} is up to date with {}", dir.display(), spec.display());
            return Ok(ExitCode::SUCCESS);
        }
        for change in &changes {
            let name = shown(change.path()).display().to_string();
            let (old, new) = match change {
                Change::Added(_, new) => ("", new.as_str()),
                Change::Modified(_, old, new) => (old.as_str(), new.as_str()),
                Change::Removed(_, old) => (old.as_str(), ""),
            };
            let diff = similar::TextDiff::from_lines(old, new);
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{name}"), &format!("b/{name}"))
            );
        }
        eprintln!(
            "\n{} generated file(s) are not up to date with {}: run `cargo xtask regen` and commit the result",
            changes.len(),
            spec.display()
        );
        return Ok(ExitCode::FAILURE);
    }

    output::apply(&dir, &changes).map_err(|e| e.to_string())?;
    if changes.is_empty() {
        println!("{}: up to date, nothing changed", dir.display());
    }
    for change in &changes {
        let verb = match change {
            Change::Added(..) => "added",
            Change::Modified(..) => "updated",
            Change::Removed(..) => "removed",
        };
        println!("{verb:>8} {}", shown(change.path()).display());
    }
    Ok(ExitCode::SUCCESS)
}
