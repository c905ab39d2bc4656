//! Stores for tests: a SQLite file in a temporary directory, and a database of its own on the
//! PostgreSQL server of `OPENAI_USAGE_TEST_POSTGRES` (`.ci/run` starts one). Under `CI=true` a
//! missing server fails the test instead of skipping it.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use openai_usage_store::{Store, Target};

/// The variable naming the PostgreSQL server (an admin URL) the tests may create databases on.
pub const POSTGRES_VAR: &str = "OPENAI_USAGE_TEST_POSTGRES";

/// A store for a test, and what keeps it alive.
pub struct TestStore {
    pub target: Target,
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

pub fn sqlite_target(dir: &tempfile::TempDir) -> Target {
    Target::Sqlite(dir.path().join("history.db"))
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().unwrap();
    let target = sqlite_target(&dir);
    let store = Store::open(&target).await.unwrap();
    TestStore {
        target,
        store,
        _dir: Some(dir),
    }
}

/// The server's admin URL, or `None` (said on stderr) outside CI when none is set.
pub fn postgres_admin() -> Option<String> {
    match std::env::var(POSTGRES_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{POSTGRES_VAR} is not set: under CI=true the PostgreSQL tests must run (.ci/run starts a server and sets it)")
        }
        _ => {
            eprintln!("skipped the PostgreSQL half: set {POSTGRES_VAR} to a server's admin URL (.ci/postgres start DIR PORT prints one)");
            None
        }
    }
}

/// A fresh, empty database on the test server, as a URL.
pub async fn postgres_url(name: &str) -> Option<String> {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let admin = postgres_admin()?;
    let database = format!(
        "t_{name}_{}_{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    );
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {database}"
    )))
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (base, _) = admin.rsplit_once('/').unwrap();
    Some(format!("{base}/{database}"))
}

pub async fn postgres(name: &str) -> Option<TestStore> {
    let url = postgres_url(name).await?;
    let target = Target::Postgres(url);
    let store = Store::open(&target).await.unwrap();
    Some(TestStore {
        target,
        store,
        _dir: None,
    })
}

/// A SQLite store, and a PostgreSQL one when a server is there.
pub async fn every_backend(name: &str) -> Vec<TestStore> {
    let mut stores = vec![sqlite().await];
    stores.extend(postgres(name).await);
    stores
}

/// Every row of every table, as text, in a stable order; columns that only say when or from
/// where something was last read (`fetched_at`, `committed_at`, `last_synced_at`, a cursor's
/// `range_start` and `page`) and the log of syncs (`sync_runs`) are left out.
pub async fn dump(store: &Store, target: &Target) -> Vec<String> {
    let tables: [(&str, &str); 11] = [
        ("organizations", "org, base_url"),
        ("buckets", "org, stream, start_time, end_time, partial"),
        ("results", "org, stream, start_time, seq, object, project_id, user_id, api_key_id, model, batch, service_tier, api_source, line_item, num_model_requests, input_tokens, output_tokens, amount, currency, quantity, quantity_unit, result"),
        ("sync_cursors", "org, stream, range_end, next_page"),
        ("projects", "org, id, name, status, created_at, archived_at, data"),
        ("users", "org, id, name, email, role, data"),
        ("api_keys", "org, id, project_id, name, owner_email, owner_service_account, created_at, last_used_at, data"),
        ("service_accounts", "org, id, project_id, name, role, created_at, data"),
        ("spend_limits", "org, scope, amount_cents, currency, data"),
        ("spend_alerts", "org, scope, id, threshold_cents, data"),
        ("_sqlx_migrations", "version, description"),
    ];
    let _ = store;
    let mut rows = Vec::new();
    for (table, columns) in tables {
        let cast: Vec<String> = columns
            .split(", ")
            .map(|c| format!("COALESCE(CAST({c} AS TEXT), '∅')"))
            .collect();
        let sql = format!(
            "SELECT {} FROM {table} ORDER BY {columns}",
            cast.join(" || '|' || ")
        );
        let found: Vec<String> = match target {
            Target::Sqlite(path) => {
                let pool = sqlx::SqlitePool::connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new().filename(path),
                )
                .await
                .unwrap();
                let found = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                found
            }
            Target::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let found = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                pool.close().await;
                found
            }
        };
        rows.extend(found.into_iter().map(|r| format!("{table}: {r}")));
    }
    rows
}
