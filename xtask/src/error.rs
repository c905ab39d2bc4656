//! Why a command could not do what was asked. Printed as `error: …` (exit 2); the commands
//! compute everything before they write, so nothing was written when one happens.

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line is wrong: clap's message, with the usage.
    #[error("{0}")]
    Usage(String),
    /// A spec, overlay, selection, settings or response file is wrong, named with its place.
    #[error("{0}")]
    Input(#[from] codegen::Error),
    /// The report could not be written (standard output closed, say).
    #[error("cannot write the report: {0}")]
    Output(#[source] std::io::Error),
    /// `git` could not run, or did not have what was asked.
    #[error("{0}")]
    Git(String),
    /// What the command refuses, in words (a download without its revision, a vendored copy
    /// that is not the recorded one, a file it cannot read or write).
    #[error("{0}")]
    Refused(String),
}

impl From<String> for Error {
    fn from(message: String) -> Self {
        Error::Refused(message)
    }
}
