//! Turns an OpenAPI 3.0/3.1 description into a typed Rust client crate.
//!
//! The pipeline, one module per stage: [`load`] (YAML to a tree, errors with line and column),
//! [`resolve`] (`$ref`s), [`validate`] (document rules), [`build`] (tree to [`ir`]), [`naming`]
//! (Rust identifiers, collisions), [`emit`] (IR to formatted files), and [`output`] (writing them
//! without ever leaving a half-written crate). [`diff`] compares two specs: what changes for users of the generated crate. Nothing here knows about any particular API: every
//! name, value and doc comes from the spec.

pub mod build;
pub mod describe;
pub mod diff;
pub mod emit;
pub mod error;
pub mod extensions;
pub mod import;
pub mod ir;
pub mod load;
pub mod naming;
pub mod output;
pub mod overlay;
pub mod reserved;
pub mod resolve;
pub mod rust_type;
// The runtime's report of what a response holds that the spec does not know, shared with
// `describe` (which needs the same shapes without the HTTP client the runtime crate brings).
#[path = "../../runtime/src/runtime/unrecognized.rs"]
pub mod unrecognized;
pub mod validate;

#[cfg(test)]
mod testing;

use std::path::Path;

pub use emit::OutputFile;
pub use error::{Error, Place};

/// What to generate besides what the spec says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The package name of the generated crate.
    pub crate_name: String,
    /// The package version of the generated crate.
    pub crate_version: String,
    /// How generated files name their source in their header (the spec's file name).
    pub spec_name: String,
    /// Add an empty `[workspace]` table, so the crate builds on its own wherever it is written.
    pub standalone: bool,
    /// TOML appended to the generated `Cargo.toml` (a project's examples and dev-dependencies).
    pub extra_manifest: String,
    /// Files copied into the crate as they are, under the generated header.
    pub extra_files: Vec<ExtraFile>,
    /// The package metadata of the generated `Cargo.toml` beyond name and version.
    pub package: Package,
}

/// A project's package metadata for the generated crate: its choices, which the spec does not
/// hold and the generator does not invent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    /// SPDX license expression.
    pub license: Option<String>,
    /// Where the source lives.
    pub repository: Option<String>,
    /// Where the documentation is.
    pub documentation: Option<String>,
    /// The project's home page.
    pub homepage: Option<String>,
    /// crates.io keywords (at most five).
    pub keywords: Vec<String>,
    /// crates.io category slugs.
    pub categories: Vec<String>,
    /// May `cargo publish` publish it? (Otherwise the manifest says `publish = false`.)
    pub publish: bool,
    /// Write a `README.md` from the spec (title, description, operations, example) and name it
    /// as the package's readme.
    pub readme: bool,
}

/// A file a project adds to its generated crate (an example, say), copied as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtraFile {
    /// Where it goes, relative to the crate's root.
    pub path: std::path::PathBuf,
    /// Where the original is, for the header that says so.
    pub origin: String,
    /// Its text.
    pub contents: String,
}

impl Options {
    /// Options for a crate generated from `spec`, named after the file.
    pub fn for_spec(spec: &Path) -> Self {
        let spec_name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "spec".into());
        let stem = spec_name.split('.').next().unwrap_or("api").to_string();
        Options {
            crate_name: if stem.is_empty() { "api".into() } else { stem },
            crate_version: "0.1.0".into(),
            spec_name,
            standalone: false,
            extra_manifest: String::new(),
            extra_files: Vec::new(),
            package: Package::default(),
        }
    }
}

/// Builds the IR of spec text; `path` only names the file in errors.
pub fn api_from_str(path: &Path, text: &str) -> Result<ir::Api, Error> {
    build::build(&load::parse(path, text)?)
}

/// Reads the spec at `path` and returns the IR.
pub fn api(path: &Path) -> Result<ir::Api, Error> {
    let doc = load::load(path)?;
    build::build(&doc)
}

/// Reads the spec at `path` and returns every file of the generated crate, in memory.
pub fn generate(path: &Path, options: &Options) -> Result<Vec<OutputFile>, Error> {
    emit::crate_files(&api(path)?, options)
}

/// Like [`generate`], from spec text; `path` only names the file in errors.
pub fn generate_from_str(
    path: &Path,
    text: &str,
    options: &Options,
) -> Result<Vec<OutputFile>, Error> {
    let doc = load::parse(path, text)?;
    emit::crate_files(&build::build(&doc)?, options)
}
