//! `cargo xtask import FILE`: `spec/openai-usage.yaml` from OpenAI's whole published description,
//! the operations listed in `spec/selection.yaml`, and the changes in `spec/overlay.yaml`.

use std::io::Write;
use std::path::Path;

use codegen::import::{self, Selection};
use codegen::overlay::Overlay;

use crate::{io, Outcome, SPEC};

/// The operations the crate covers.
pub const SELECTION: &str = "spec/selection.yaml";
/// The project's changes to OpenAI's description.
pub const OVERLAY: &str = "spec/overlay.yaml";

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
             # selection and run `cargo xtask import FILE` again.\n\
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

/// The text of the imported spec: header, then the slice with the overlay applied. Also checks
/// that the generator accepts the result, so that a broken overlay is caught here, not by regen.
pub fn imported_text(
    root: &Path,
    source: &Path,
    options: &ImportOptions,
) -> Result<String, String> {
    let bytes =
        std::fs::read(source).map_err(|e| format!("cannot read {}: {e}", source.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{}: not UTF-8 text (at byte {})",
            source.display(),
            e.utf8_error().valid_up_to()
        )
    })?;
    let document = codegen::load::parse(source, &text).map_err(|e| e.to_string())?;
    let selection_path = root.join(SELECTION);
    let selection_text = std::fs::read_to_string(&selection_path)
        .map_err(|e| format!("cannot read {SELECTION}: {e}"))?;
    let selection =
        Selection::parse(Path::new(SELECTION), &selection_text).map_err(|e| e.to_string())?;
    let mut slice = import::slice(&document, &selection).map_err(|e| e.to_string())?;
    if !options.without_overlay {
        let overlay_text = std::fs::read_to_string(root.join(OVERLAY))
            .map_err(|e| format!("cannot read {OVERLAY}: {e}"))?;
        let overlay =
            Overlay::parse(Path::new(OVERLAY), &overlay_text).map_err(|e| e.to_string())?;
        overlay.apply(&mut slice).map_err(|e| e.to_string())?;
    }
    let version = document
        .node()
        .get("info")
        .and_then(|i| i.get("version"))
        .and_then(|v| v.scalar())
        .unwrap_or_default();
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sha256 = sha256_hex(text.as_bytes());
    // Without `--source-rev`, a revision recorded for these very bytes is kept.
    let revision = options.revision.clone().or_else(|| {
        let current = std::fs::read_to_string(root.join(SPEC)).ok()?;
        Source::recorded(&current)
            .filter(|s| s.sha256 == sha256)
            .and_then(|s| s.revision)
    });
    let source = Source {
        name,
        version,
        sha256,
        revision,
    };
    let out = format!("{}{}", source.header(), import::to_yaml(&slice));
    codegen::api_from_str(Path::new(SPEC), &out).map_err(|e| {
        format!("the imported spec does not generate: {e}\n(fix {OVERLAY} or {SELECTION})")
    })?;
    Ok(out)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `cargo xtask import [--check] [--source-rev REV] FILE`.
pub fn run(
    file: &Path,
    check: bool,
    revision: Option<String>,
    root: &Path,
    out: &mut dyn Write,
) -> Result<Outcome, String> {
    let options = ImportOptions {
        revision,
        ..ImportOptions::default()
    };
    let text = imported_text(root, file, &options)?;
    let target = root.join(SPEC);
    let current = std::fs::read_to_string(&target).unwrap_or_default();
    if check {
        if current == text {
            writeln!(out, "{SPEC} is up to date with {}", file.display()).map_err(io)?;
            return Ok(Outcome::Success);
        }
        let diff = similar::TextDiff::from_lines(&current, &text);
        write!(
            out,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{SPEC}"), &format!("b/{SPEC}"))
        )
        .map_err(io)?;
        writeln!(
            out,
            "\n{SPEC} is not what importing {} gives: run `cargo xtask import {}` and commit the result",
            file.display(),
            file.display()
        )
        .map_err(io)?;
        return Ok(Outcome::Failure);
    }
    if current == text {
        writeln!(out, "{SPEC}: up to date, nothing changed").map_err(io)?;
        return Ok(Outcome::Success);
    }
    codegen::output::write_atomic(&target, &text).map_err(|e| e.to_string())?;
    writeln!(
        out,
        "{SPEC}: updated from {}; now run `cargo xtask regen` to regenerate the crate and see what changed for its users",
        file.display()
    )
    .map_err(io)?;
    Ok(Outcome::Success)
}
