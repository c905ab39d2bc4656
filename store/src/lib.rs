//! The history of an OpenAI organization's usage and costs, kept in SQLite (a file, nothing to
//! install) or PostgreSQL, and kept right when data lands late.
//!
//! [`Store::open`] connects to a [`Target`] and brings its schema up to date (versioned
//! migrations; a database written by a newer version is refused). [`sync::sync`] reads what the
//! store lacks plus a restatement window from the API, one page per transaction, so a sync
//! killed at any point and run again ends with exactly the rows of a clean sync. The [`read`]
//! functions answer the report's questions from the store.
//!
//! What is stored (see `store/migrations/`): every bucket read (`buckets`, empty ones too, the
//! current one marked partial), every result of every usage operation at the finest grouping
//! the API allows (`results`, with the whole result as JSON beside the columns reports use), the
//! organization's projects, users, API keys, service accounts, spend limits and alerts. Money
//! is exact: PostgreSQL `numeric`, and in SQLite the decimal text the API sent, summed exactly
//! by [`read`] (never `REAL`). Admin keys are never written to the store.

mod columns;
pub mod config;
pub mod dates;
mod error;
mod money;
pub mod read;
pub mod schema;
pub mod streams;
pub mod sync;
mod write;

use std::path::PathBuf;
use std::str::FromStr as _;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

pub use error::Error;
pub use schema::SCHEMA_VERSION;

/// Where the history is kept: a SQLite file or a PostgreSQL database.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// A SQLite database file (created when missing).
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://user:password@host:port/database`).
    Postgres(String),
}

impl Target {
    /// Reads `--db`'s value: a `postgres://` or `postgresql://` URL is PostgreSQL, anything else
    /// (optionally `sqlite:`-prefixed) a SQLite file path.
    pub fn parse(text: &str) -> Result<Target, Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::Target {
                target: String::new(),
                reason: "it is empty; give a file path (SQLite) or a postgres:// URL".into(),
            });
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            PgConnectOptions::from_str(text).map_err(|e| Error::Target {
                target: redact(text),
                reason: format!("not a PostgreSQL URL: {}", error::without_secrets(&e, text)),
            })?;
            return Ok(Target::Postgres(text.to_owned()));
        }
        let path = text
            .strip_prefix("sqlite://")
            .or_else(|| text.strip_prefix("sqlite:"))
            .unwrap_or(text);
        Ok(Target::Sqlite(PathBuf::from(path)))
    }

    /// The target as it may be shown: a PostgreSQL password is replaced by `***`.
    pub fn shown(&self) -> String {
        match self {
            Target::Sqlite(path) => path.display().to_string(),
            Target::Postgres(url) => redact(url),
        }
    }
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Target::Postgres(_) => f.debug_tuple("Postgres").field(&self.shown()).finish(),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(at) => rest.split_at(at),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    // A password may also come as a query parameter.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// The connection pool of one backend.
#[derive(Clone, Debug)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the backend's typed pool; the SQL the two share is
/// written once, and what differs comes from [`Dialect`].
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// What the two backends spell differently.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Dialect {
    /// How a writing transaction starts. SQLite's takes the write lock at once: one that
    /// reads first and writes later fails (busy) when another writer committed in between.
    pub begin: &'static str,
    /// The `n`th parameter (from 1) of a long statement. SQLite's are positional `?`: sqlx
    /// looks a `$n` up by name, which is quadratic in a statement of thousands.
    pub param: fn(usize) -> String,
    /// A money parameter (text, the placeholder given) as a column value.
    pub money: fn(&str) -> String,
    /// A JSON parameter (text, the placeholder given) as a column value.
    pub json: fn(&str) -> String,
}

const SQLITE: Dialect = Dialect {
    begin: "BEGIN IMMEDIATE",
    param: |_| "?".to_owned(),
    money: str::to_owned,
    json: str::to_owned,
};

const POSTGRES: Dialect = Dialect {
    begin: "BEGIN",
    param: |n| format!("${n}"),
    money: |p| format!("CAST({p} AS NUMERIC)"),
    json: |p| format!("CAST({p} AS JSONB)"),
};

/// An open store: a pool of connections to a database whose schema is current.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    pub(crate) target: Target,
}

impl Store {
    /// Connects to `target` (creating a SQLite file when missing) and migrates its schema to
    /// [`SCHEMA_VERSION`]. Refuses a database whose schema is newer than this version knows, an
    /// unreachable server, a wrong password and a file that cannot be written, each with what
    /// to do about it; nothing is changed then.
    pub async fn open(target: &Target) -> Result<Store, Error> {
        let backend = match target {
            Target::Sqlite(path) => {
                let options = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // A committed page survives the process being killed; WAL with NORMAL
                    // loses at most the last commits on power loss, never consistency.
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(30));
                let pool = SqlitePoolOptions::new()
                    .max_connections(4)
                    .connect_with(options)
                    .await
                    .map_err(|e| Error::connect(target, e))?;
                Backend::Sqlite(pool)
            }
            Target::Postgres(url) => {
                let options = PgConnectOptions::from_str(url).map_err(|e| Error::Target {
                    target: target.shown(),
                    reason: error::without_secrets(&e, url),
                })?;
                // One connection first: the pool would retry a refused one until its timeout.
                use sqlx::Connection as _;
                sqlx::PgConnection::connect_with(&options)
                    .await
                    .map_err(|e| Error::connect(target, e))?
                    .close()
                    .await
                    .map_err(|e| Error::connect(target, e))?;
                let pool = PgPoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .map_err(|e| Error::connect(target, e))?;
                Backend::Postgres(pool)
            }
        };
        let store = Store {
            backend,
            target: target.clone(),
        };
        schema::migrate(&store).await?;
        Ok(store)
    }

    /// Where this store is.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Whether this store is PostgreSQL (money summed by the database) or SQLite.
    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    pub(crate) fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => SQLITE,
            Backend::Postgres(_) => POSTGRES,
        }
    }

    /// Replaces everything stored for `stream` of organization `org` in the time `buckets`
    /// cover (consecutive buckets, as one page of the API holds) by `buckets`, in one
    /// transaction; a bucket not over at `fetched_at` is marked partial. This is what `sync`
    /// does with each page; it is public for loading buckets read some other way (an archive
    /// of the API's answers, say). Returns the number of results written.
    pub async fn replace_buckets(
        &self,
        org: &str,
        stream: streams::Stream,
        buckets: &[openai_usage::UsageTimeBucket],
        fetched_at: i64,
    ) -> Result<usize, Error> {
        write::ensure_organization(self, org, fetched_at).await?;
        let origin = write::PageOrigin {
            range_start: buckets
                .first()
                .map_or(0, |b| b.start_time.as_unix_seconds()),
            range_end: buckets.last().map_or(0, |b| b.end_time.as_unix_seconds()),
            page: None,
            next_page: None,
        };
        Ok(write::page(self, org, stream, buckets, fetched_at, &origin)
            .await?
            .rows)
    }

    /// Closes every connection (a SQLite file is checkpointed).
    pub async fn close(self) {
        on_pool!(self, pool => pool.close().await)
    }

    /// A database error met while `during`, naming the store.
    pub(crate) fn failed(&self, during: &'static str) -> impl Fn(sqlx::Error) -> Error + '_ {
        move |source| Error::database(&self.target, during, source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_files_or_postgres_urls() {
        assert_eq!(
            Target::parse("history.db").unwrap(),
            Target::Sqlite("history.db".into())
        );
        assert_eq!(
            Target::parse("sqlite://data/h.db").unwrap(),
            Target::Sqlite("data/h.db".into())
        );
        assert!(matches!(
            Target::parse("postgres://u:p@localhost:5432/usage").unwrap(),
            Target::Postgres(_)
        ));
        assert!(Target::parse("  ").is_err());
    }

    #[test]
    fn passwords_are_never_shown() {
        let target = Target::parse("postgresql://finops:s3cret@db.internal:5432/usage").unwrap();
        assert_eq!(
            target.shown(),
            "postgresql://finops:***@db.internal:5432/usage"
        );
        assert!(!format!("{target:?}").contains("s3cret"));
        assert_eq!(
            redact("postgres://db/usage?user=a&password=s3cret"),
            "postgres://db/usage?user=a&password=***"
        );
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
    }
}
