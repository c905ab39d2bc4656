//! Versioned migrations, one set per backend (`store/migrations/sqlite`, `.../postgres`),
//! applied in order in their own transactions; a database that has a migration this version
//! does not know was written by a newer version and is refused before anything is changed.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::SqlSafeStr as _;

use crate::{on_pool, Backend, Error, Store};

/// The schema version this version of the store writes (its newest migration).
pub const SCHEMA_VERSION: i64 = 2;

/// `(version, description, SQLite, PostgreSQL)`, oldest first. A change to the schema is a new
/// entry, never an edit of an applied one (sqlx checks each applied migration's checksum).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "history",
        include_str!("../migrations/sqlite/0001_history.sql"),
        include_str!("../migrations/postgres/0001_history.sql"),
    ),
    (
        2,
        "sync runs",
        include_str!("../migrations/sqlite/0002_sync_runs.sql"),
        include_str!("../migrations/postgres/0002_sync_runs.sql"),
    ),
];

/// The migrations up to `version` (all: [`SCHEMA_VERSION`]) for one backend. Public for tests
/// that make a store of an older version and check that opening it migrates it.
#[doc(hidden)]
pub fn migrator(postgres: bool, version: i64) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .filter(|m| m.0 <= version)
            .map(|&(version, description, sqlite, pg)| {
                let sql = if postgres { pg } else { sqlite };
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// Refuses a newer schema, then applies what is missing.
pub(crate) async fn migrate(store: &Store) -> Result<(), Error> {
    if let crate::Target::Sqlite(path) = &store.target {
        if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
            return Err(Error::ReadOnly {
                target: store.target.shown(),
            });
        }
    }
    let newest = newest_applied(store).await?;
    if let Some(found) = newest.filter(|&v| v > SCHEMA_VERSION) {
        return Err(Error::NewerSchema {
            target: store.target.shown(),
            found,
            known: SCHEMA_VERSION,
        });
    }
    let postgres = matches!(store.backend, Backend::Postgres(_));
    let migrator = migrator(postgres, SCHEMA_VERSION);
    on_pool!(store, pool => migrator.run(pool).await).map_err(|e| match e {
        sqlx::migrate::MigrateError::Execute(source) => {
            Error::database(&store.target, "migrating the schema", source)
        }
        other => Error::Database {
            target: store.target.shown(),
            during: "migrating the schema",
            source: sqlx::Error::Migrate(Box::new(other)),
        },
    })
}

/// The newest migration applied, if the database has the migrations table.
async fn newest_applied(store: &Store) -> Result<Option<i64>, Error> {
    let exists_sql = match store.backend {
        Backend::Sqlite(_) => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
        }
        Backend::Postgres(_) => {
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
        }
    };
    let exists: i64 = on_pool!(store, pool => sqlx::query_scalar(exists_sql).fetch_one(pool).await)
        .map_err(store.failed("reading the schema version"))?;
    if exists == 0 {
        return Ok(None);
    }
    on_pool!(store, pool => sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
        .fetch_one(pool)
        .await)
    .map_err(store.failed("reading the schema version"))
}
