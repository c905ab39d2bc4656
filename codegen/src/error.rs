//! The one error type of the generator: a file, a place in it, and what is wrong there.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in the spec a problem is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// A line and column (1-based), for problems found while parsing the text.
    LineColumn { line: usize, column: usize },
    /// A JSON pointer (`#/components/schemas/Foo/properties/bar`), for problems in the document's
    /// structure or meaning.
    Pointer(String),
    /// The file as a whole (it could not be read).
    File,
}

/// A spec the generator cannot turn into code, or an output it cannot write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The spec file (or output file) the problem is in.
    pub file: PathBuf,
    /// Where in that file.
    pub place: Place,
    /// What is wrong, and where it helps, how to fix it.
    pub message: String,
}

impl Error {
    pub(crate) fn at(file: &Path, pointer: &str, message: impl Into<String>) -> Self {
        Error {
            file: file.to_path_buf(),
            place: Place::Pointer(pointer.to_string()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match &self.place {
            Place::LineColumn { line, column } => {
                write!(f, "{file}:{line}:{column}: {}", self.message)
            }
            Place::Pointer(pointer) => write!(f, "{file}: at {pointer}: {}", self.message),
            Place::File => write!(f, "{file}: {}", self.message),
        }
    }
}

impl std::error::Error for Error {}

/// Result of a generator stage.
pub type Result<T, E = Error> = std::result::Result<T, E>;
