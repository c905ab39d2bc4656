//! Stage 7, output: bring a directory in line with a set of generated files. Everything is
//! generated in memory first; then each changed file is written to a temporary file beside it
//! and renamed into place, so a reader (or an interrupted run) sees either the old file or the new
//! one, never half of one. Generated files the spec no longer produces are removed; files without
//! the generated marker are never touched.

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

/// What `files` would change in `dir`, without writing anything.
pub fn plan(dir: &Path, files: &[OutputFile]) -> Result<Vec<Change>> {
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

/// Applies `changes` (from [`plan`]) to `dir`.
pub fn apply(dir: &Path, changes: &[Change]) -> Result<()> {
    for change in changes {
        let path = dir.join(change.path());
        match change {
            Change::Added(_, contents) | Change::Modified(_, _, contents) => {
                write_atomic(&path, contents)?
            }
            Change::Removed(..) => {
                fs::remove_file(&path).map_err(|e| io_error(&path, "cannot remove", e))?
            }
        }
    }
    Ok(())
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
            if name.to_string_lossy().starts_with('.') || name == "target" {
                continue;
            }
            let rel_path = rel.join(&name);
            let kind = entry
                .file_type()
                .map_err(|e| io_error(&abs, "cannot list", e))?;
            if kind.is_dir() {
                stack.push(rel_path);
            } else if kind.is_file() && first_line_has_marker(&entry.path()) {
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
