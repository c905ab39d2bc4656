//! Stage 7, output: bring a directory in line with a set of generated files, never leaving it
//! half-written. Everything is generated in memory first; then:
//!
//! 1. stage: each changed file is written in full to a staged file beside it (`.NAME.regen-staged`);
//! 2. commit: a journal (`.regen-pending`) lists the renames and removals to make;
//! 3. apply: staged files are renamed into place, removed files are removed, the journal goes.
//!
//! Interrupted before the commit, the directory is as it was (stray staged files are cleaned up
//! by the next run); interrupted after it, the next run finishes the journal first. Generated
//! files the spec no longer produces are removed; files without the generated marker are never
//! touched.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::emit::{OutputFile, MARKER};
use crate::error::{Error, Place, Result};

/// How one file differs between the directory and the generated set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// The file is new: `(path, new contents)`.
    Added(PathBuf, String),
    /// The file differs: `(path, old contents, new contents)`.
    Modified(PathBuf, String, String),
    /// A generated file that the spec no longer produces: `(path, old contents)`.
    Removed(PathBuf, String),
}

impl Change {
    /// The path of the file, relative to the directory.
    pub fn path(&self) -> &Path {
        match self {
            Change::Added(p, _) | Change::Modified(p, _, _) | Change::Removed(p, _) => p,
        }
    }
}

/// The journal of a committed but unfinished apply.
pub const JOURNAL: &str = ".regen-pending";

/// What `files` would change in `dir`, without writing anything. An unfinished earlier run is an
/// error here: [`recover`] it first.
pub fn plan(dir: &Path, files: &[OutputFile]) -> Result<Vec<Change>> {
    if dir.join(JOURNAL).exists() {
        return Err(Error {
            file: dir.join(JOURNAL),
            place: Place::File,
            message: "an earlier `cargo xtask regen` was interrupted while writing; run `cargo xtask regen` to finish it".into(),
        });
    }
    let mut changes = Vec::new();
    let wanted: BTreeSet<&Path> = files.iter().map(|f| f.path.as_path()).collect();
    for file in files {
        let path = dir.join(&file.path);
        match fs::read_to_string(&path) {
            Ok(old) if old == file.contents => {}
            Ok(old) => changes.push(Change::Modified(
                file.path.clone(),
                old,
                file.contents.clone(),
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                changes.push(Change::Added(file.path.clone(), file.contents.clone()))
            }
            Err(e) => return Err(io_error(&path, "cannot read", e)),
        }
    }
    for path in generated_files(dir)? {
        if !wanted.contains(path.as_path()) {
            let old = fs::read_to_string(dir.join(&path))
                .map_err(|e| io_error(&path, "cannot read", e))?;
            changes.push(Change::Removed(path, old));
        }
    }
    changes.sort_by(|a, b| a.path().cmp(b.path()));
    Ok(changes)
}

/// A point in [`apply_with`] where a test can interrupt it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// After the `n`th file was staged.
    Staged(usize),
    /// After the journal was written.
    Committed,
    /// After the `n`th change was applied.
    Applied(usize),
}

/// Applies `changes` (from [`plan`]) to `dir`.
pub fn apply(dir: &Path, changes: &[Change]) -> Result<()> {
    apply_with(dir, changes, &mut |_| Ok(()))
}

/// [`apply`], calling `hook` at each [`Step`]; an error from the hook interrupts the run there, as
/// a crash would (tests use it).
pub fn apply_with(
    dir: &Path,
    changes: &[Change],
    hook: &mut dyn FnMut(Step) -> std::io::Result<()>,
) -> Result<()> {
    recover(dir)?;
    // 1. Stage.
    for (i, change) in changes.iter().enumerate() {
        let contents = match change {
            Change::Added(_, contents) | Change::Modified(_, _, contents) => contents,
            Change::Removed(..) => continue,
        };
        let staged = staged_path(&dir.join(change.path()));
        let result = write_synced(&staged, contents).and_then(|()| hook(Step::Staged(i)));
        if let Err(e) = result {
            clean_staged(dir, changes);
            return Err(io_error(&staged, "cannot stage", e));
        }
    }
    // 2. Commit.
    let journal: String = changes
        .iter()
        .map(|c| {
            let op = if matches!(c, Change::Removed(..)) {
                'D'
            } else {
                'R'
            };
            format!("{op} {}\n", c.path().display())
        })
        .collect();
    let result = write_atomic(&dir.join(JOURNAL), &journal).and_then(|()| {
        hook(Step::Committed)
            .map_err(|e| io_error(&dir.join(JOURNAL), "interrupted after writing", e))
    });
    if let Err(e) = result {
        if !dir.join(JOURNAL).exists() {
            clean_staged(dir, changes);
        }
        return Err(e);
    }
    // 3. Apply.
    finish(dir, &journal, hook)
}

/// Finishes what an interrupted run committed to, and removes what an interrupted run staged but
/// never committed to. Nothing to do after a run that completed.
pub fn recover(dir: &Path) -> Result<()> {
    let journal_path = dir.join(JOURNAL);
    match fs::read_to_string(&journal_path) {
        Ok(journal) => finish(dir, &journal, &mut |_| Ok(()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(&journal_path, "cannot read", e)),
    }
    for stray in files_under(dir, &|name| name.ends_with(STAGED_SUFFIX))? {
        let path = dir.join(stray);
        fs::remove_file(&path).map_err(|e| io_error(&path, "cannot remove", e))?;
    }
    Ok(())
}

fn finish(
    dir: &Path,
    journal: &str,
    hook: &mut dyn FnMut(Step) -> std::io::Result<()>,
) -> Result<()> {
    for (i, line) in journal.lines().enumerate() {
        let Some((op, rel)) = line.split_once(' ') else {
            continue;
        };
        let path = dir.join(rel);
        match op {
            "R" => {
                let staged = staged_path(&path);
                // Already renamed by an earlier, interrupted, finish: nothing left to do.
                if staged.exists() {
                    fs::rename(&staged, &path).map_err(|e| io_error(&path, "cannot write", e))?;
                }
            }
            _ => match fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(io_error(&path, "cannot remove", e))
                }
                _ => {}
            },
        }
        hook(Step::Applied(i)).map_err(|e| io_error(&path, "interrupted after applying", e))?;
    }
    let journal_path = dir.join(JOURNAL);
    fs::remove_file(&journal_path).map_err(|e| io_error(&journal_path, "cannot remove", e))
}

const STAGED_SUFFIX: &str = ".regen-staged";

fn staged_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}{STAGED_SUFFIX}"))
}

fn clean_staged(dir: &Path, changes: &[Change]) {
    for change in changes {
        let _ = fs::remove_file(staged_path(&dir.join(change.path())));
    }
}

fn write_synced(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = fs::File::create(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

/// Writes `contents` to `path` through a temporary file in the same directory and a rename.
pub fn write_atomic(path: &Path, contents: &str) -> Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| io_error(parent, "cannot create", e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = parent.join(format!(".{name}.regen-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(contents.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(io_error(path, "cannot write", e));
    }
    Ok(())
}

/// Files under `dir` (relative paths) whose first line carries the generated marker.
fn generated_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for rel in files_under(dir, &|name| !name.starts_with('.'))? {
        if first_line_has_marker(&dir.join(&rel)) {
            found.push(rel);
        }
    }
    Ok(found)
}

/// Files under `dir` (relative paths) whose names pass `keep`, skipping `target` directories.
fn files_under(dir: &Path, keep: &dyn Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let abs = dir.join(&rel);
        let entries = match fs::read_dir(&abs) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_error(&abs, "cannot list", e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io_error(&abs, "cannot list", e))?;
            let name = entry.file_name();
            let text = name.to_string_lossy();
            let rel_path = rel.join(&name);
            let kind = entry
                .file_type()
                .map_err(|e| io_error(&abs, "cannot list", e))?;
            if kind.is_dir() {
                if name != "target" && !text.starts_with(".git") {
                    stack.push(rel_path);
                }
            } else if kind.is_file() && keep(&text) {
                found.push(rel_path);
            }
        }
    }
    Ok(found)
}

fn first_line_has_marker(path: &Path) -> bool {
    use std::io::{BufRead, BufReader};
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut line = String::new();
    BufReader::new(file).take(4096).read_line(&mut line).is_ok() && line.contains(MARKER)
}

use std::io::Read as _;

fn io_error(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error {
        file: path.to_path_buf(),
        place: Place::File,
        message: format!("{what} this file: {e}"),
    }
}
