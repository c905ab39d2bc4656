//! `cargo xtask`: the project's own commands, as a library so that tests can run them in-process.
//!
//! - `cargo xtask regen`: regenerate `generated/` from `spec/openai-usage.yaml`.
//! - `cargo xtask regen --check`: write nothing; fail with a diff if `generated/` is stale.
//! - `cargo xtask regen --spec FILE --out DIR`: write a standalone crate for any spec to DIR.
//! - `cargo xtask diff OLD NEW [--format text|markdown] [--deny-breaking]`: what changes for users
//!   of the generated crate between two specs (files, or `git:REV` for the checked-in spec at a
//!   revision).
//! - `cargo xtask goldens`: rewrite the expected outputs of the codegen fixtures in
//!   `tests/fixtures/` (also what `UPDATE_GOLDEN=1` does in the golden test; this command works
//!   even when the old goldens no longer compile).
//!
//! The command line is `clap`'s: `cargo xtask --help` and `cargo xtask COMMAND --help` list every
//! option, and a mistyped command or option gets a suggestion.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::error::ErrorKind;
use clap::{Parser, Subcommand, ValueEnum};
use codegen::output::{self, Change};
use codegen::Options;

mod error;
pub mod import;

pub use error::Error;

/// `cargo xtask`: the project's own commands.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "The project's own commands: import OpenAI's description, regenerate the crate, diff two specs.",
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Write spec/openai-usage.yaml from OpenAI's published description.
    ///
    /// Takes the operations in spec/selection.yaml from OpenAI's description (the copy vendored
    /// in spec/upstream/openapi.yaml, or FILE), everything they reference, and applies the
    /// changes in spec/overlay.yaml. With FILE (a new download), FILE is vendored first: copied
    /// to spec/upstream/openapi.yaml, with its revision and SHA-256 in spec/upstream/source.yaml.
    /// Overlay actions whose update the description already has are named, to be removed.
    Import {
        /// Write nothing; exit 1 with a diff if the import would change spec/openai-usage.yaml
        /// (or, with FILE, the vendored copy).
        #[arg(long)]
        check: bool,
        /// With FILE: the commit of openai/openai-openapi it was downloaded at, recorded in
        /// spec/upstream/source.yaml and the spec's header.
        #[arg(long, value_name = "REV", requires = "file")]
        source_rev: Option<String>,
        /// A new download of OpenAI's whole description (openapi.yaml) to vendor and import.
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// Report what a real response holds that the spec does not describe.
    ///
    /// Prints every JSON path in FILE.json, a response body of the operation, that
    /// spec/openai-usage.yaml does not describe (unknown fields, result types, enum values);
    /// exits 1 if there is any, 0 if none.
    CheckResponse {
        /// The operationId whose response FILE.json is.
        #[arg(value_name = "OPERATION_ID")]
        operation: String,
        /// The response body.
        #[arg(value_name = "FILE.json")]
        file: PathBuf,
    },
    /// Regenerate generated/ from spec/openai-usage.yaml.
    ///
    /// With --spec and --out, writes a standalone crate for any spec instead.
    Regen {
        /// Write nothing; exit 1 with a diff if the crate is not up to date.
        #[arg(long)]
        check: bool,
        /// Generate from this spec instead of spec/openai-usage.yaml (with --out).
        #[arg(long, value_name = "FILE", requires = "out")]
        spec: Option<PathBuf>,
        /// Write the standalone crate here (with --spec).
        #[arg(long, value_name = "DIR", requires = "spec")]
        out: Option<PathBuf>,
    },
    /// The diff: what changes for users of the generated crate from spec OLD to spec NEW.
    ///
    /// Exits 0 whatever it finds, unless --deny-breaking is given and something breaks (exit 1).
    Diff {
        /// The spec before: a file, or git:REV (spec/openai-usage.yaml at REV).
        #[arg(value_name = "OLD")]
        old: String,
        /// The spec after: a file, or git:REV.
        #[arg(value_name = "NEW")]
        new: String,
        /// How to print the report.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 1 if any change breaks users.
        #[arg(long)]
        deny_breaking: bool,
    },
    /// Rewrite the expected outputs of tests/fixtures/*.yaml.
    ///
    /// The same as UPDATE_GOLDEN=1 in the golden test, but works even when the old goldens no
    /// longer compile.
    Goldens,
}

/// How `diff` prints its report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Plain text, for a terminal.
    Text,
    /// Markdown, for a pull request comment.
    Markdown,
}

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was asked.
    Success,
    /// It ran, and found something to report as failure (a stale generated crate).
    Failure,
}

/// Runs `cargo xtask ARGS` with `root` as the workspace root, printing its output to `out` and
/// its warnings and verdicts to standard error ([`run_with`] takes both). An `Err` is a message
/// for standard error: bad arguments, or a spec or file the command could not use (in which case
/// nothing was written).
pub fn run(args: &[String], root: &Path, out: &mut dyn Write) -> Result<Outcome, Error> {
    run_with(args, root, out, &mut std::io::stderr())
}

/// [`run`], with warnings and verdicts (what is not the command's output: a Markdown report for
/// a pull request must hold the report only) written to `err`.
pub fn run_with(
    args: &[String],
    root: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, Error> {
    let argv = std::iter::once("cargo xtask").chain(args.iter().map(String::as_str));
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        // `--help` is not an error: print it where the output goes.
        Err(e) if e.kind() == ErrorKind::DisplayHelp => {
            write!(out, "{}", e.render()).map_err(io)?;
            return Ok(Outcome::Success);
        }
        // clap's own text: what is wrong, a suggestion for a typo, and the usage line.
        Err(e) => {
            return Err(Error::Usage(
                e.render()
                    .to_string()
                    .trim_end()
                    .trim_start_matches("error: ")
                    .to_owned(),
            ))
        }
    };
    match cli.command {
        Command::Import {
            check,
            source_rev,
            file,
        } => import::run(file.as_deref(), check, source_rev, root, out),
        Command::CheckResponse { operation, file } => check_response(&operation, &file, root, out),
        Command::Regen {
            check,
            spec,
            out: out_dir,
        } => regen(check, spec, out_dir, root, out, err),
        Command::Diff {
            old,
            new,
            format,
            deny_breaking,
        } => diff(&old, &new, format, deny_breaking, root, out, err),
        Command::Goldens => {
            for path in goldens(root, true)? {
                writeln!(out, "{}", path.display()).map_err(io)?;
            }
            Ok(Outcome::Success)
        }
    }
}

/// A unified diff of `old` and `new` (3 lines of context) headed `a/LABEL` and `b/LABEL`: how
/// every check that compares files shows what differs.
pub fn unified_diff(label: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{label}"), &format!("b/{label}"))
        .to_string()
}

/// The workspace root (this crate lives in `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn regen(
    check: bool,
    spec: Option<PathBuf>,
    out_dir: Option<PathBuf>,
    root: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, Error> {
    let default_layout = spec.is_none();
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
        _ => unreachable!("clap requires --spec and --out together"),
    };

    let files = codegen::generate(&spec, &options)?;
    if !check {
        // Finish (or clean up after) an interrupted earlier run before comparing.
        output::recover(&dir)?;
    }
    let changes = output::plan(&dir, &files)?;
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
            write!(out, "{}", unified_diff(&name, old, new)).map_err(io)?;
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

    output::apply(&dir, &changes)?;
    if default_layout {
        summarize_against_head(root, &spec, out)?;
        warn_if_not_imported(root, &spec, err)?;
    }
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

pub(crate) fn io(e: std::io::Error) -> Error {
    Error::Output(e)
}

/// The options `cargo xtask regen` generates `generated/` with: the package name. (The
/// chargeback report, `report/`, depends on the generated crate like any user would, so nothing
/// of the project's is copied into it.)
pub fn main_crate_options(root: &Path, spec: &Path) -> Result<Options, Error> {
    let settings = PackageSettings::read(root)?;
    let mut options = Options::for_spec(spec);
    options.crate_name = settings.name;
    options.crate_version = settings.version;
    options.package = codegen::Package {
        license: settings.license,
        repository: settings.repository,
        documentation: settings.documentation,
        homepage: settings.homepage,
        keywords: settings.keywords,
        categories: settings.categories,
        publish: settings.publish,
        readme: true,
    };
    for name in settings.license_files {
        let path = root.join(&name);
        let contents = codegen::load::read_input(&path, "the license file")
            .map_err(|e| format!("{PACKAGE}: license file `{name}`: {}", e.message))?;
        options.extra_files.push(codegen::ExtraFile {
            path: PathBuf::from(&name),
            origin: name,
            contents,
        });
    }
    Ok(options)
}

/// The project's package settings for the generated crate.
pub const PACKAGE: &str = "spec/package.yaml";

/// `spec/package.yaml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PackageSettings {
    name: String,
    version: String,
    license: Option<String>,
    #[serde(default)]
    license_files: Vec<String>,
    repository: Option<String>,
    documentation: Option<String>,
    homepage: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    publish: bool,
}

impl PackageSettings {
    fn read(root: &Path) -> Result<Self, Error> {
        let path = root.join(PACKAGE);
        let text = codegen::load::read_input(&path, "the package settings")?;
        // Parsed with the tools' limits first (size, nesting, aliases), then read as settings.
        codegen::load::parse_yaml(Path::new(PACKAGE), &text)?;
        let settings: PackageSettings =
            serde_yaml::from_str(&text).map_err(|e| match e.location() {
                Some(at) => format!("{PACKAGE}:{}:{}: {e}", at.line(), at.column()),
                None => format!("{PACKAGE}: {e}"),
            })?;
        let semver = settings
            .version
            .split(['-', '+'])
            .next()
            .unwrap_or_default();
        let parts: Vec<&str> = semver.split('.').collect();
        if parts.len() != 3
            || parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(Error::Refused(format!(
                "{PACKAGE}: `version: {}` is not a semantic version (MAJOR.MINOR.PATCH)",
                settings.version
            )));
        }
        Ok(settings)
    }
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
pub fn goldens(root: &Path, write: bool) -> Result<Vec<PathBuf>, Error> {
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
        let files = codegen::generate(spec, &Options::for_spec(spec))?;
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
                output::write_atomic(&golden, &file.contents)?;
            }
            differ.push(golden);
        }
    }
    Ok(differ)
}

/// The spec file inside the repository.
pub(crate) const SPEC: &str = "spec/openai-usage.yaml";

/// A spec named on the command line: a file, or `git:REV` for the checked-in spec at `REV`.
/// Returns a label for messages and the text.
fn read_spec(root: &Path, arg: &str) -> Result<(PathBuf, String), Error> {
    match arg.strip_prefix("git:") {
        Some(rev) => {
            let text = git_show(root, rev)?;
            Ok((PathBuf::from(format!("{SPEC}@{rev}")), text))
        }
        None => {
            let text = codegen::load::read_input(Path::new(arg), "the spec")?;
            Ok((PathBuf::from(arg), text))
        }
    }
}

fn git_show(root: &Path, rev: &str) -> Result<String, Error> {
    let output = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["show", &format!("{rev}:{SPEC}")])
        .output()
        .map_err(|e| Error::Git(format!("cannot run git: {e}")))?;
    if !output.status.success() {
        return Err(Error::Git(format!(
            "git cannot show {SPEC} at `{rev}`: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| Error::Git(format!("{SPEC} at `{rev}` is not UTF-8")))
}

/// The diff report between two specs.
pub fn diff_report(root: &Path, old: &str, new: &str) -> Result<codegen::diff::Report, Error> {
    let (old_label, old_text) = read_spec(root, old)?;
    let (new_label, new_text) = read_spec(root, new)?;
    let old_api = codegen::api_from_str(&old_label, &old_text)?;
    let new_api = codegen::api_from_str(&new_label, &new_text)?;
    let report = codegen::diff::diff(&old_api, &new_api);
    // The version line names the next version of the crate the project publishes.
    Ok(match PackageSettings::read(root) {
        Ok(settings) => report.with_crate_version(&settings.version),
        Err(_) => report,
    })
}

fn diff(
    old: &str,
    new: &str,
    format: Format,
    deny_breaking: bool,
    root: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Outcome, Error> {
    let report = diff_report(root, old, new)?;
    let text = match format {
        Format::Markdown => report.to_markdown(),
        Format::Text => report.to_text(),
    };
    write!(out, "{text}").map_err(io)?;
    if deny_breaking && report.is_breaking() {
        writeln!(err, "breaking changes found (--deny-breaking)").map_err(io)?;
        return Ok(Outcome::Failure);
    }
    Ok(Outcome::Success)
}

/// After `regen`: a warning when the spec is not what importing the vendored description with
/// today's overlay and selection gives (one of them was edited and `import` not run), since the
/// crate then follows a spec that the next import will change.
fn warn_if_not_imported(root: &Path, spec: &Path, err: &mut dyn Write) -> Result<(), Error> {
    let upstream = root.join(import::UPSTREAM);
    if !upstream.exists() {
        return Ok(());
    }
    let current = codegen::load::read_input(spec, "the spec")?;
    match import::imported_text(root, &upstream, &import::ImportOptions::default()) {
        Ok(imported) if imported == current => {}
        Ok(_) => writeln!(
            err,
            "warning: {} is not what `cargo xtask import` makes of {} with today's {} and {}: one of them changed since the last import; run `cargo xtask import`, then `cargo xtask regen`",
            SPEC, import::UPSTREAM, import::OVERLAY, import::SELECTION
        )
        .map_err(io)?,
        Err(e) => writeln!(
            err,
            "warning: the import of {} fails, so {} may be stale: {e}",
            import::UPSTREAM,
            SPEC
        )
        .map_err(io)?,
    }
    Ok(())
}

/// After `regen`: when the spec differs from the committed one, what that means for users.
fn summarize_against_head(root: &Path, spec: &Path, out: &mut dyn Write) -> Result<(), Error> {
    let Ok(committed) = git_show(root, "HEAD") else {
        return Ok(()); // not a git checkout, or the spec is new: nothing to compare with
    };
    let current = std::fs::read_to_string(spec)
        .map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    if committed == current {
        return Ok(());
    }
    let report = diff_report(root, "git:HEAD", &spec.display().to_string())?;
    writeln!(
        out,
        "Changes against git:HEAD (`cargo xtask diff git:HEAD {SPEC}`):\n"
    )
    .map_err(io)?;
    write!(out, "{}", report.to_text()).map_err(io)?;
    writeln!(out).map_err(io)
}

/// `cargo xtask check-response OPERATION_ID FILE.json`: what a real response holds that the spec
/// does not describe.
fn check_response(
    operation: &str,
    file: &Path,
    root: &Path,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    let text = codegen::load::read_input(file, "the response")?;
    let file = file.display();
    let body: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_owned();
        format!("{file}:{}:{}: not JSON: {message}", e.line(), e.column())
    })?;
    let api = codegen::api(&root.join(SPEC))?;
    let arena = codegen::describe::Arena::default();
    let found = codegen::describe::check_response(&api, &arena, operation, &body)?;
    if found.is_empty() {
        writeln!(out, "{file}: everything in it is described by {SPEC}").map_err(io)?;
        return Ok(Outcome::Success);
    }
    for item in &found {
        writeln!(out, "{item}").map_err(io)?;
    }
    writeln!(
        out,
        "\n{} thing(s) in {file} that {SPEC} does not describe for `{operation}`",
        found.len()
    )
    .map_err(io)?;
    Ok(Outcome::Failure)
}
