//! What can go wrong with a store, each said with what to do about it. No message carries a
//! database password or an admin key.

use std::fmt;

use crate::Target;

/// Why a store could not be opened, synced or read.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// `--db` names nothing a store can be kept in.
    Target {
        /// The target as given (password hidden).
        target: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database server could not be reached, or refused the connection.
    Connect {
        /// The target (password hidden).
        target: String,
        /// What happened, and what to check.
        reason: String,
    },
    /// The SQLite file cannot be written.
    ReadOnly {
        /// The file.
        target: String,
    },
    /// The database was written by a newer version of this program.
    NewerSchema {
        /// The target (password hidden).
        target: String,
        /// The newest schema version the database has.
        found: i64,
        /// The newest this version knows.
        known: i64,
    },
    /// A statement failed.
    Database {
        /// The target (password hidden).
        target: String,
        /// What the store was doing.
        during: &'static str,
        /// The database's error.
        source: sqlx::Error,
    },
    /// A call to the API failed (after the client's retries). What was committed stays; a
    /// second sync goes on from there.
    Api {
        /// The organization.
        org: String,
        /// What was being read.
        what: String,
        /// The client's error (status, request id and a snippet of the answer).
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The organizations file is wrong.
    Config {
        /// The file.
        file: String,
        /// Where and what.
        message: String,
    },
    /// The store does not hold the period asked for.
    NotCovered {
        /// The organization.
        org: String,
        /// What is missing, and the sync that would fill it.
        message: String,
    },
    /// A stored value is not what the store writes (edited by hand?).
    Corrupt {
        /// Where and what.
        message: String,
    },
}

impl Error {
    pub(crate) fn connect(target: &Target, source: sqlx::Error) -> Error {
        let shown = target.shown();
        let secret = match target {
            Target::Postgres(url) => url.as_str(),
            Target::Sqlite(_) => "",
        };
        let text = without_secrets(&sqlx_text(&source), secret);
        let reason = match (&source, target) {
            (sqlx::Error::Database(db), Target::Postgres(_)) => match db.code().as_deref() {
                Some("28P01" | "28000") => format!(
                    "the server refused the user name or password ({text}); check the URL's user and password"
                ),
                Some("3D000") => format!("{text}; create it first (`createdb NAME`) or name another database"),
                _ => text,
            },
            (sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut, Target::Postgres(_)) => format!(
                "cannot reach the PostgreSQL server ({text}); is it running, and are the host and port right?"
            ),
            (_, Target::Sqlite(_)) => format!(
                "cannot open the SQLite file ({text}); does its directory exist and can it be written?"
            ),
            _ => text,
        };
        Error::Connect {
            target: shown,
            reason,
        }
    }

    pub(crate) fn database(target: &Target, during: &'static str, source: sqlx::Error) -> Error {
        if let (Target::Sqlite(_), sqlx::Error::Database(db)) = (target, &source) {
            // SQLITE_READONLY and its extended codes.
            let code = db.code().and_then(|c| c.parse::<i32>().ok());
            if code.is_some_and(|n| n & 0xff == 8) {
                return Error::ReadOnly {
                    target: target.shown(),
                };
            }
        }
        Error::Database {
            target: target.shown(),
            during,
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Target { target, reason } => write!(f, "--db `{target}`: {reason}"),
            Error::Connect { target, reason } => write!(f, "store {target}: {reason}"),
            Error::ReadOnly { target } => write!(
                f,
                "store {target}: the file is read-only; make it writable or pass another --db (nothing was written)"
            ),
            Error::NewerSchema { target, found, known } => write!(
                f,
                "store {target}: its schema is version {found}, written by a newer openai-usage-store; this version knows up to {known}. Upgrade openai-usage-report (nothing was changed)"
            ),
            Error::Database {
                target,
                during,
                source,
            } => write!(f, "store {target}: {during}: {}", sqlx_text(source)),
            Error::Api { org, what, source } => write!(
                f,
                "organization `{org}`: reading {what}: {source} (what was read before is kept; sync again to go on)"
            ),
            Error::Config { file, message } => write!(f, "{file}: {message}"),
            Error::NotCovered { org, message } => write!(f, "organization `{org}`: {message}"),
            Error::Corrupt { message } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Database { source, .. } => Some(source),
            Error::Api { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

/// sqlx's text for `error`, without the line of the server's own source code that PostgreSQL
/// reports an error from (sqlx writes it as ` at line N`, which reads as a line of the user's
/// file or query).
fn sqlx_text(error: &sqlx::Error) -> String {
    match error {
        sqlx::Error::Database(db) => format!("error returned from database: {}", db.message()),
        other => other.to_string(),
    }
}

/// An error's text with the password of `url` (if any) replaced by `***`.
pub(crate) fn without_secrets(error: &dyn fmt::Display, url: &str) -> String {
    let text = error.to_string();
    match password_of(url) {
        Some(password) if !password.is_empty() => text.replace(password, "***"),
        _ => text,
    }
}

fn password_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let userinfo = authority.rsplit_once('@')?.0;
    Some(userinfo.split_once(':')?.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_taken_out_of_messages() {
        let url = "postgres://finops:hunter2@localhost/usage";
        assert_eq!(
            without_secrets(&"bad thing near hunter2", url),
            "bad thing near ***"
        );
        assert_eq!(password_of("postgres://u@h/d"), None);
    }
}
