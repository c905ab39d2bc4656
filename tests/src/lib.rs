//! Support for the workspace's tests and benchmarks:
//! - [`bench`](mod@bench): benchmark inputs and the types they compare against;
//! - [`fake`]: the `openai-usage-fake` crate (the local fake of the API), used by the HTTP
//!   tests and the benchmarks;
//! - [`nested_cargo`], [`check_generated`]: cargo run inside the tests, sharing one target
//!   directory and its dependency checks with trybuild's cases;
//! - [`conformance_file`], [`upstream_description`]: the published material the tests read,
//!   kept in the repository;
//! - [`golden`]: the golden outputs of the codegen fixtures (`tests/fixtures/<name>/`), compiled
//!   against the runtime they are generated to call, so that a golden that does not build (or that
//!   clippy rejects) fails the build.

pub mod bench;
pub mod nested_cargo;
pub use openai_usage_fake as fake;

/// Every file under `dir` (recursively, sub-folders included), by its path relative to `dir`
/// (with `/`), with its bytes: a snapshot to compare before and after something that must not
/// write, or to copy a tree.
pub fn files_under(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("under dir");
                let name = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.insert(name, std::fs::read(&path).expect("a readable file"));
            }
        }
    }
    files
}

/// Runs `cargo xtask ARGS` in this process with `root` as the workspace root: its result (an
/// error as `cargo xtask` prints it) and what it wrote to standard output.
pub fn xtask(root: &std::path::Path, args: &[&str]) -> (Result<xtask::Outcome, String>, String) {
    let (result, out, _) = xtask_with_stderr(root, args);
    (result, out)
}

/// Like [`xtask`](fn@xtask), with what it wrote to standard error too (its verdicts and warnings).
pub fn xtask_with_stderr(
    root: &std::path::Path,
    args: &[&str],
) -> (Result<xtask::Outcome, String>, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let result = xtask::run_with(&args, root, &mut out, &mut err).map_err(|e| e.to_string());
    (
        result,
        String::from_utf8(out).expect("UTF-8 output"),
        String::from_utf8(err).expect("UTF-8 errors"),
    )
}

/// The workspace's root directory (the checkout).
pub fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace")
}

/// `f` of every item, on as many threads as the machine has (at least two), in the items' order:
/// for tests whose cases are independent and mostly CPU (the generator, run unoptimized).
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let f = &f;
                scope.spawn(move || {
                    (t..items.len())
                        .step_by(threads)
                        .map(|i| (i, f(&items[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for worker in workers {
            // A panic in `f` is the test's failure: passed on as it is.
            let done = worker
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (i, result) in done {
                results[i] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every item done"))
        .collect()
}

/// `cargo SUBCOMMAND` as the tests run it inside `cargo test`, in `dir`: offline, quiet, in the
/// one target directory and with the flags of [`nested_cargo`] (every dependency checked once for
/// all nested runs), for this machine's target triple, as trybuild passes it (`--target` keeps
/// the compiler flags off build scripts and proc macros, which are built for the host apart).
pub fn nested_cargo_command(subcommand: &str, dir: &std::path::Path) -> std::process::Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command
        .args([
            subcommand,
            "--offline",
            "--quiet",
            "--target",
            NESTED_TARGET,
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", nested_target_dir())
        .env("CARGO_ENCODED_RUSTFLAGS", nested_cargo::encoded_rustflags())
        .env_remove("RUSTFLAGS");
    command
}

/// The target triple the nested runs build for: this crate's own (written by `tests/build.rs`).
pub const NESTED_TARGET: &str = env!("NESTED_CARGO_TARGET");

/// The nested runs' target directory, [`nested_cargo::TARGET_DIR`] under the checkout.
pub fn nested_target_dir() -> std::path::PathBuf {
    root().join(nested_cargo::TARGET_DIR)
}

/// Makes `to` hold exactly the files of `from`, writing only those whose bytes differ (and
/// removing those `from` lacks): what cargo then finds unchanged keeps its time stamp and is not
/// checked again, so a warm test run stays fast, and any change is checked in full.
pub fn sync_dir(from: &std::path::Path, to: &std::path::Path) {
    let wanted = files_under(from);
    for (name, contents) in &wanted {
        let target = to.join(name);
        if std::fs::read(&target).ok().as_deref() != Some(contents.as_slice()) {
            std::fs::create_dir_all(target.parent().expect("a file's folder"))
                .expect("create a folder");
            std::fs::write(&target, contents).expect("write a file");
        }
    }
    for name in files_under(to).keys() {
        if !wanted.contains_key(name) {
            std::fs::remove_file(to.join(name)).expect("remove a file");
        }
    }
}

/// `cargo check` of crates a test generated: the package or workspace whose manifest is in `dir`,
/// offline, with the workspace's lock file (the same dependency versions), without warnings.
/// Panics naming `what` with cargo's errors or warnings.
///
/// In the nested runs' target directory ([`nested_cargo`]): apart from the test build's, because
/// a generated crate has the package name of `generated/` and cargo keys a path package's
/// artifacts without its path. Default features are off, as in trybuild's cases (so the
/// dependencies checked are the same): they only choose the runtime's transport (TLS,
/// compression, tracing), which the workspace checks under each feature set.
pub fn check_generated(dir: &std::path::Path, what: &str) {
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).expect("copy Cargo.lock");
    let output = nested_cargo_command("check", dir)
        .args(["--workspace", "--no-default-features"])
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{what} does not compile:\n{stderr}"
    );
    assert!(
        !stderr.contains("warning"),
        "{what} compiles with warnings:\n{stderr}"
    );
}

/// A file of `tests/conformance/` (OpenAI's published usage subsets and example responses,
/// copied into the repository with their provenance in its README), which every test that
/// reads it needs: a missing one fails, never skips.
pub fn conformance_file(name: &str) -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("conformance")
        .join(name);
    assert!(
        path.exists(),
        "{} is missing: it is part of the repository",
        path.display()
    );
    path
}

/// OpenAI's whole published description, as vendored in `spec/upstream/openapi.yaml`.
pub fn upstream_description() -> std::path::PathBuf {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/upstream/openapi.yaml");
    assert!(
        path.exists(),
        "{} is missing: it is part of the repository",
        path.display()
    );
    path
}

/// Copies the project's package settings (`spec/package.yaml` and the license files it names)
/// into a scratch project root, so that `cargo xtask regen` runs there as it does here.
pub fn copy_package_settings(to: &std::path::Path) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    std::fs::create_dir_all(to.join("spec")).unwrap();
    // The license files are the ones the settings name, so a renamed one is copied too.
    let settings: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("spec/package.yaml")).unwrap())
            .unwrap();
    let licenses = settings["license-files"]
        .as_sequence()
        .cloned()
        .unwrap_or_default();
    let named = licenses
        .iter()
        .filter_map(|f| f.as_str().map(str::to_owned));
    for file in std::iter::once("spec/package.yaml".to_owned()).chain(named) {
        std::fs::copy(root.join(&file), to.join(&file))
            .unwrap_or_else(|e| panic!("copy {file}: {e}"));
    }
}

/// A unified diff of `expected` and `actual` (3 lines of context), cut at `max_lines` lines with a
/// note of how many were left out: what a failing golden shows, so the change reads at a glance.
pub fn unified_diff(label: &str, expected: &str, actual: &str, max_lines: usize) -> String {
    let text = xtask::unified_diff(label, expected, actual);
    let total = text.lines().count();
    if total <= max_lines {
        return text;
    }
    let mut out: String = text
        .lines()
        .take(max_lines)
        .flat_map(|l| [l, "\n"])
        .collect();
    out.push_str(&format!("... ({} more lines of diff)\n", total - max_lines));
    out
}

/// The hand-written runtime that every generated crate gets a copy of, at the path the generated
/// code calls (`crate::runtime`), with the macros the generated enums invoke at the crate root.
pub use openai_usage_runtime::runtime;
pub use openai_usage_runtime::{closed_enum_impls, open_enum_impls, string_serde};

/// One module per fixture (`tests/fixtures/<name>/`), holding its generated `client`, `params` and `types`.
#[path = "../fixtures"]
#[rustfmt::skip]
pub mod golden {
    pub mod arrays {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod bounds {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod deprecated_api_key {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod discriminated_union {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod enum_names {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod keyword_fields {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod nullable_30 {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod nullable_31 {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod open_enum {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod paths_and_methods {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod ref_chains {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod response_enums {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod request_body {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod required_optional {
        pub mod client;
        pub mod params;
        pub mod types;
    }
}

/// A spec's IR and generated files, for [`check_diff_invariant`].
pub struct Generated {
    /// The IR.
    pub api: codegen::ir::Api,
    /// Every file of the crate.
    pub files: Vec<codegen::OutputFile>,
}

/// Generates `text` (named `spec.yaml`) in memory.
pub fn generated(text: &str) -> Result<Generated, codegen::Error> {
    let path = std::path::Path::new("spec.yaml");
    let api = codegen::api_from_str(path, text)?;
    let files = codegen::emit::crate_files(&api, &codegen::Options::for_spec(path))?;
    Ok(Generated { api, files })
}

/// The diff invariant between two specs that both generate: if the generated crate differs,
/// `cargo xtask diff` reports something; and if it differs in code (any line that is not a doc
/// comment), the report has more than docs. Returns what is wrong, if anything.
pub fn check_diff_invariant(old: &Generated, new: &Generated) -> Result<(), String> {
    let (old_api, new_api) = (&old.api, &new.api);
    let (old_files, new_files) = (&old.files, &new.files);
    let code = |text: &str| -> Vec<String> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("///") && !l.starts_with("//!"))
            .map(str::to_owned)
            .collect()
    };
    let mut docs_differ = Vec::new();
    let mut code_differs = Vec::new();
    let paths: std::collections::BTreeSet<&std::path::Path> = old_files
        .iter()
        .chain(new_files)
        .map(|f| f.path.as_path())
        .collect();
    for path in paths {
        let text = |files: &[codegen::OutputFile]| {
            files
                .iter()
                .find(|f| f.path == path)
                .map(|f| f.contents.clone())
                .unwrap_or_default()
        };
        let (a, b) = (text(old_files), text(new_files));
        if a == b {
            continue;
        }
        // The first line that differs, to say what changed.
        let first = a
            .lines()
            .zip(b.lines())
            .find(|(x, y)| x != y)
            .map(|(x, y)| format!("`{}` became `{}`", x.trim(), y.trim()))
            .unwrap_or_else(|| "lines added or removed at the end".to_owned());
        let shown = format!("{}: {first}", path.display());
        if code(&a) == code(&b) {
            docs_differ.push(shown);
        } else {
            code_differs.push(shown);
        }
    }
    let report = codegen::diff::diff(old_api, new_api);
    if (!docs_differ.is_empty() || !code_differs.is_empty()) && report.changes.is_empty() {
        return Err(format!(
            "the generated crate changed ({}) but the report is empty",
            [docs_differ, code_differs].concat().join(", ")
        ));
    }
    let beyond_docs = report
        .changes
        .iter()
        .any(|c| c.impact != codegen::diff::Impact::Docs);
    if !code_differs.is_empty() && !beyond_docs {
        return Err(format!(
            "the generated code changed ({}) but the report is docs only:\n{}",
            code_differs.join(", "),
            report.to_text()
        ));
    }
    Ok(())
}
