//! `cargo xtask import [FILE]`: `spec/openai-usage.yaml` from OpenAI's whole published
//! description, the operations listed in `spec/selection.yaml`, and the changes in
//! `spec/overlay.yaml`.
//!
//! OpenAI's description is vendored: `spec/upstream/openapi.yaml`, byte for byte, with its
//! revision and SHA-256 in `spec/upstream/source.yaml`. Without FILE the import reads that copy
//! (checking its SHA-256); with FILE (a new download) it vendors FILE first, so following OpenAI
//! is `import FILE --source-rev REV` and then `import --check` passes from the repository alone.

use std::io::Write;
use std::path::Path;

use codegen::import::{self, Selection};
use codegen::overlay::Overlay;

use crate::{io, Error, Outcome, SPEC};

/// The operations the crate covers.
pub const SELECTION: &str = "spec/selection.yaml";
/// The project's changes to OpenAI's description.
pub const OVERLAY: &str = "spec/overlay.yaml";
/// OpenAI's whole published description, vendored byte for byte.
pub const UPSTREAM: &str = "spec/upstream/openapi.yaml";
/// Where [`UPSTREAM`] comes from: repository, revision, SHA-256.
pub const UPSTREAM_SOURCE: &str = "spec/upstream/source.yaml";

/// Where the imported spec came from, as its header records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file name (not the path: the header must not depend on where the download is).
    pub name: String,
    /// The source's `info.version`.
    pub version: String,
    /// SHA-256 of the source's bytes, in hex.
    pub sha256: String,
    /// The source's revision (a commit of OpenAI's repository), when known.
    pub revision: Option<String>,
}

const HEADER_SOURCE: &str = "# source: ";
const HEADER_VERSION: &str = "# source info.version: ";
const HEADER_SHA: &str = "# source sha256: ";
const HEADER_REVISION: &str = "# source revision: ";

impl Source {
    fn header(&self) -> String {
        let mut out = format!(
            "# Produced by `cargo xtask import` from OpenAI's published OpenAPI description and\n\
             # {OVERLAY} (operations: {SELECTION}). Do not edit by hand: change the overlay or the\n\
             # selection and run `cargo xtask import` again.\n\
             {HEADER_SOURCE}{}\n{HEADER_VERSION}{}\n{HEADER_SHA}{}\n",
            self.name, self.version, self.sha256
        );
        if let Some(revision) = &self.revision {
            out.push_str(&format!("{HEADER_REVISION}{revision}\n"));
        }
        out
    }

    /// The source recorded in the header of an imported spec, if it has one.
    pub fn recorded(spec_text: &str) -> Option<Source> {
        let field = |prefix: &str| {
            spec_text
                .lines()
                .take_while(|l| l.starts_with('#'))
                .find_map(|l| l.strip_prefix(prefix))
                .map(str::to_owned)
        };
        Some(Source {
            name: field(HEADER_SOURCE)?,
            version: field(HEADER_VERSION)?,
            sha256: field(HEADER_SHA)?,
            revision: field(HEADER_REVISION),
        })
    }
}

/// The options of one import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Leave the overlay out (to review what it changes).
    pub without_overlay: bool,
    /// The source's revision, for the header.
    pub revision: Option<String>,
}

/// An import: the spec's text and what the overlay no longer needs to say.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The text of `spec/openai-usage.yaml`.
    pub text: String,
    /// One line per overlay action the description has caught up with (its update is already
    /// there), to remove from the overlay.
    pub redundant: Vec<String>,
    /// The description's `info.version`.
    pub version: String,
}

/// The text of the imported spec: header, then the slice with the overlay applied. Also checks
/// that the generator accepts the result, so that a broken overlay is caught here, not by regen.
pub fn imported_text(root: &Path, source: &Path, options: &ImportOptions) -> Result<String, Error> {
    let text = read_source(source)?;
    import_from(root, source, &file_name(source), &text, options).map(|imported| imported.text)
}

fn read_source(source: &Path) -> Result<String, Error> {
    Ok(codegen::load::read_input(source, "OpenAI's description")?)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Imports `text`, read from `source` (named in errors); `name` is the file name the header
/// records.
fn import_from(
    root: &Path,
    source: &Path,
    name: &str,
    text: &str,
    options: &ImportOptions,
) -> Result<Imported, Error> {
    let document = codegen::load::parse(source, text)?;
    let selection_path = root.join(SELECTION);
    let selection_text = codegen::load::read_input(&selection_path, "the selection")?;
    let selection = Selection::parse(Path::new(SELECTION), &selection_text)?;
    let mut slice = import::slice(&document, &selection)?;
    let mut redundant = Vec::new();
    if !options.without_overlay {
        let overlay_text = codegen::load::read_input(&root.join(OVERLAY), "the overlay")?;
        let overlay = Overlay::parse(Path::new(OVERLAY), &overlay_text)?;
        let applied = overlay.apply(&mut slice)?;
        redundant = applied
            .redundant
            .iter()
            .map(|action| action.redundancy_note(Path::new(OVERLAY)))
            .collect();
    }
    let version = document
        .node()
        .get("info")
        .and_then(|i| i.get("version"))
        .and_then(|v| v.scalar())
        .unwrap_or_default();
    let sha256 = sha256_hex(text.as_bytes());
    // Without a revision, one recorded for these very bytes is kept.
    let revision = options.revision.clone().or_else(|| {
        let current = std::fs::read_to_string(root.join(SPEC)).ok()?;
        Source::recorded(&current)
            .filter(|s| s.sha256 == sha256)
            .and_then(|s| s.revision)
    });
    let source = Source {
        name: one_line("the source's file name", name)?.to_owned(),
        version: one_line("the source's info.version", &version)?.to_owned(),
        sha256,
        revision,
    };
    let out = format!("{}{}", source.header(), import::to_yaml(&slice));
    codegen::api_from_str(Path::new(SPEC), &out).map_err(|e| {
        format!("the imported spec does not generate: {e}\n(fix {OVERLAY} or {SELECTION})")
    })?;
    Ok(Imported {
        text: out,
        redundant,
        version: source.version,
    })
}

/// `text`, if it can be written into a one-line header field: no line breaks or other control
/// characters (they would write YAML of their own into the spec).
fn one_line<'t>(what: &str, text: &'t str) -> Result<&'t str, Error> {
    match text.chars().find(|c| c.is_control()) {
        None => Ok(text),
        Some(c) => Err(Error::Refused(format!(
            "{what} `{}` holds the control character U+{:04X}; it cannot go into the spec's header",
            text.escape_debug(),
            c as u32
        ))),
    }
}

/// A revision as given on the command line: a commit or tag name, nothing that could write
/// YAML of its own into a header.
fn check_revision(revision: &str) -> Result<(), Error> {
    let fine = !revision.is_empty()
        && revision
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    if fine {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "--source-rev `{}`: a revision is a commit or tag name (letters, digits, `.`, `_`, `-`, `/`)",
            revision.escape_debug()
        )))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What `spec/upstream/source.yaml` records.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Upstream {
    /// The repository the description comes from (`openai/openai-openapi`).
    pub repository: String,
    /// The file's path in that repository.
    pub path: String,
    /// The commit it was taken at.
    pub revision: String,
    /// SHA-256 of the vendored bytes, in hex.
    pub sha256: String,
    /// Its `info.version`.
    pub info_version: String,
    /// Its license.
    pub license: String,
}

const UPSTREAM_SOURCE_HEADER: &str = "\
# Where spec/upstream/openapi.yaml comes from. Written by
# `cargo xtask import FILE --source-rev REV`; read by `cargo xtask import [--check]`, which refuses
# an openapi.yaml whose SHA-256 is not the one recorded here (an edit by hand, a partial copy).
";

impl Upstream {
    /// Reads `spec/upstream/source.yaml`, with the file and place in errors.
    pub fn read(root: &Path) -> Result<Upstream, Error> {
        let path = root.join(UPSTREAM_SOURCE);
        let text = codegen::load::read_input(&path, "the upstream source record")?;
        codegen::load::parse_yaml(Path::new(UPSTREAM_SOURCE), &text)?;
        serde_yaml::from_str(&text).map_err(|e| {
            Error::Refused(match e.location() {
                Some(at) => format!("{UPSTREAM_SOURCE}:{}:{}: {e}", at.line(), at.column()),
                None => format!("{UPSTREAM_SOURCE}: {e}"),
            })
        })
    }

    fn text(&self) -> String {
        format!(
            "{UPSTREAM_SOURCE_HEADER}{}",
            serde_yaml::to_string(self).expect("plain strings")
        )
    }
}

/// The vendored description's text, after checking that its bytes are the ones recorded.
fn vendored(root: &Path) -> Result<(String, Upstream), Error> {
    let upstream = Upstream::read(root)?;
    let text = read_source(&root.join(UPSTREAM))?;
    let sha256 = sha256_hex(text.as_bytes());
    if sha256 != upstream.sha256 {
        return Err(Error::Refused(format!(
            "{UPSTREAM} has SHA-256 {sha256}, but {UPSTREAM_SOURCE} records {} (revision {}): the copy was changed by hand or is incomplete; \
             vendor a download with `cargo xtask import FILE --source-rev REV`, or restore it with `git checkout -- {UPSTREAM}`",
            upstream.sha256, upstream.revision
        )));
    }
    Ok((text, upstream))
}

/// `cargo xtask import [--check] [FILE [--source-rev REV]]`.
pub fn run(
    file: Option<&Path>,
    check: bool,
    revision: Option<String>,
    root: &Path,
    out: &mut dyn Write,
) -> Result<Outcome, Error> {
    if let Some(revision) = &revision {
        check_revision(revision)?;
    }
    let vendored_copy = root.join(UPSTREAM);
    let (source_path, text, upstream, vendor) = match file {
        // Errors name the file read; the header names the vendored copy.
        // (clap lets --source-rev come only with FILE.)
        None => {
            let (text, upstream) = vendored(root)?;
            (vendored_copy.clone(), text, upstream, false)
        }
        Some(file) => {
            let text = read_source(file)?;
            let sha256 = sha256_hex(text.as_bytes());
            let current = Upstream::read(root).ok();
            let same_bytes = current.as_ref().filter(|u| u.sha256 == sha256);
            let revision = match (revision, same_bytes) {
                (_, None) if check => {
                    writeln!(
                        out,
                        "{UPSTREAM} is not {}: vendor it with `cargo xtask import {} --source-rev REV` (REV: the commit of openai/openai-openapi it comes from) and commit the result",
                        file.display(),
                        file.display()
                    )
                    .map_err(io)?;
                    return Ok(Outcome::Failure);
                }
                (Some(revision), _) => revision,
                (None, Some(upstream)) => upstream.revision.clone(),
                (None, None) => {
                    return Err(Error::Refused(format!(
                        "{} is not the vendored {UPSTREAM}: say which commit of openai/openai-openapi it is with --source-rev REV",
                        file.display()
                    )))
                }
            };
            let upstream = Upstream {
                repository: "openai/openai-openapi".into(),
                path: "openapi.yaml".into(),
                revision,
                sha256,
                // Filled in from the import below, which reads it anyway.
                info_version: String::new(),
                license: current.map_or_else(|| "MIT".into(), |u| u.license),
            };
            (file.to_path_buf(), text, upstream, true)
        }
    };
    let options = ImportOptions {
        revision: Some(upstream.revision.clone()),
        ..ImportOptions::default()
    };
    let imported = import_from(
        root,
        &source_path,
        &file_name(&vendored_copy),
        &text,
        &options,
    )?;
    let upstream = Upstream {
        info_version: imported.version.clone(),
        ..upstream
    };
    for note in &imported.redundant {
        writeln!(out, "warning: {note}").map_err(io)?;
    }
    let target = root.join(SPEC);
    let current = std::fs::read_to_string(&target).unwrap_or_default();
    let vendored_current = std::fs::read_to_string(&vendored_copy).unwrap_or_default();
    let source_current = std::fs::read_to_string(root.join(UPSTREAM_SOURCE)).unwrap_or_default();
    let shown = file.unwrap_or(Path::new(UPSTREAM)).display().to_string();
    if check {
        if vendor && (vendored_current != text || source_current != upstream.text()) {
            writeln!(
                out,
                "{UPSTREAM} and {UPSTREAM_SOURCE} are not {shown} at revision {}: run `cargo xtask import {shown} --source-rev {}` and commit the result",
                upstream.revision, upstream.revision
            )
            .map_err(io)?;
            return Ok(Outcome::Failure);
        }
        if current == imported.text {
            writeln!(out, "{SPEC} is up to date with {shown}").map_err(io)?;
            return Ok(Outcome::Success);
        }
        write!(
            out,
            "{}",
            crate::unified_diff(SPEC, &current, &imported.text)
        )
        .map_err(io)?;
        writeln!(
            out,
            "\n{SPEC} is not what importing {shown} gives: run `cargo xtask import` and commit the result"
        )
        .map_err(io)?;
        return Ok(Outcome::Failure);
    }
    // Everything is computed before anything is written: a failing import changes nothing.
    if vendor {
        if vendored_current != text {
            codegen::output::write_atomic(&vendored_copy, &text)?;
        }
        if source_current != upstream.text() {
            codegen::output::write_atomic(&root.join(UPSTREAM_SOURCE), &upstream.text())?;
        }
        writeln!(
            out,
            "{UPSTREAM}: vendored {shown} (revision {}, SHA-256 {})",
            upstream.revision, upstream.sha256
        )
        .map_err(io)?;
    }
    if current == imported.text {
        writeln!(out, "{SPEC}: up to date, nothing changed").map_err(io)?;
        return Ok(Outcome::Success);
    }
    codegen::output::write_atomic(&target, &imported.text)?;
    writeln!(
        out,
        "{SPEC}: updated from {shown}; now run `cargo xtask regen` to regenerate the crate and see what changed for its users"
    )
    .map_err(io)?;
    Ok(Outcome::Success)
}
