//! Writes: each in one transaction, so the store is never left half-written. A page replaces
//! every row of the time its buckets cover (late data corrects, nothing is counted twice) and
//! records the cursor it came from; dimension tables are replaced whole per organization.

use openai_usage::UsageTimeBucket;
use serde_json::Value;
use sqlx::AssertSqlSafe;

use crate::streams::Stream;
use crate::{on_pool, Dialect, Error, Store};

/// Columns of `results`, in the order rows bind them.
const RESULT_COLUMNS: [&str; 21] = [
    "org",
    "stream",
    "start_time",
    "seq",
    "object",
    "project_id",
    "user_id",
    "api_key_id",
    "model",
    "batch",
    "service_tier",
    "api_source",
    "line_item",
    "num_model_requests",
    "input_tokens",
    "output_tokens",
    "amount",
    "currency",
    "quantity",
    "quantity_unit",
    "result",
];

/// Rows per `INSERT` (21 parameters each: under SQLite's and PostgreSQL's limits).
const ROWS_PER_INSERT: usize = 400;

/// One result, as the columns of `results`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ResultRow {
    pub start_time: i64,
    pub seq: i64,
    pub object: Option<String>,
    pub project_id: Option<String>,
    pub user_id: Option<String>,
    pub api_key_id: Option<String>,
    pub model: Option<String>,
    pub batch: Option<bool>,
    pub service_tier: Option<String>,
    pub api_source: Option<String>,
    pub line_item: Option<String>,
    pub num_model_requests: Option<i64>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub quantity: Option<f64>,
    pub quantity_unit: Option<String>,
    pub result: String,
}

/// Where a page came from: recorded with it.
#[derive(Clone, Debug)]
pub(crate) struct PageOrigin<'a> {
    pub range_start: i64,
    pub range_end: i64,
    pub page: Option<&'a str>,
    pub next_page: Option<&'a str>,
}

/// `INSERT INTO results` for `rows` rows, with the dialect's money and JSON casts.
fn insert_results_sql(dialect: Dialect, rows: usize) -> String {
    let mut sql = format!(
        "INSERT INTO results ({}) VALUES ",
        RESULT_COLUMNS.join(", ")
    );
    let mut n = 0;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for (i, column) in RESULT_COLUMNS.iter().enumerate() {
            n += 1;
            if i > 0 {
                sql.push_str(", ");
            }
            let param = (dialect.param)(n);
            match *column {
                "amount" => sql.push_str(&(dialect.money)(&param)),
                "result" => sql.push_str(&(dialect.json)(&param)),
                _ => sql.push_str(&param),
            }
        }
        sql.push(')');
    }
    sql
}

/// Replaces everything stored for `stream` in the time `buckets` cover by `buckets`, and
/// records where they came from, in one transaction. `fetched_at` marks a bucket partial when
/// it was not over then (or the API cut it short).
pub(crate) async fn page(
    store: &Store,
    org: &str,
    stream: Stream,
    buckets: &[UsageTimeBucket],
    fetched_at: i64,
    origin: &PageOrigin<'_>,
) -> Result<Written, Error> {
    let (Some(first), Some(last)) = (buckets.first(), buckets.last()) else {
        return Ok(Written::default());
    };
    let from = first.start_time.as_unix_seconds();
    let to = last.end_time.as_unix_seconds();
    let mut rows = Vec::new();
    for bucket in buckets {
        let start = bucket.start_time.as_unix_seconds();
        for (seq, result) in bucket.results.iter().enumerate() {
            rows.push(ResultRow::of(start, seq as i64, result)?);
        }
    }
    let dialect = store.dialect();
    let failed = store.failed("writing a page");
    let name = stream.name();
    let width = stream.width();
    let (held, before): (Vec<i64>, Vec<Stored>) = on_pool!(store, pool => async {
        let mut tx = pool.begin_with(dialect.begin).await?;
        // What the page replaces, to count what late data changed.
        let held = sqlx::query_scalar(
            "SELECT start_time FROM buckets WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4",
        )
        .bind(org).bind(name).bind(from).bind(to)
        .fetch_all(&mut *tx).await?;
        let before = sqlx::query_as(
            "SELECT start_time, seq, CAST(amount AS TEXT), CAST(result AS TEXT) FROM results \
             WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4",
        )
        .bind(org).bind(name).bind(from).bind(to)
        .fetch_all(&mut *tx).await?;
        sqlx::query("DELETE FROM results WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4")
            .bind(org).bind(name).bind(from).bind(to)
            .execute(&mut *tx).await?;
        sqlx::query("DELETE FROM buckets WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4")
            .bind(org).bind(name).bind(from).bind(to)
            .execute(&mut *tx).await?;
        for bucket in buckets {
            let start = bucket.start_time.as_unix_seconds();
            let end = bucket.end_time.as_unix_seconds();
            // Not over when read: the day (or hour) so far, to be replaced by a later sync.
            let partial = start + width > fetched_at;
            sqlx::query("INSERT INTO buckets (org, stream, start_time, end_time, partial, fetched_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(org).bind(name).bind(start).bind(end).bind(partial).bind(fetched_at)
                .execute(&mut *tx).await?;
        }
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let sql = insert_results_sql(dialect, chunk.len());
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for row in chunk {
                query = query
                    .bind(org).bind(name).bind(row.start_time).bind(row.seq)
                    .bind(row.object.as_deref()).bind(row.project_id.as_deref())
                    .bind(row.user_id.as_deref()).bind(row.api_key_id.as_deref())
                    .bind(row.model.as_deref()).bind(row.batch)
                    .bind(row.service_tier.as_deref()).bind(row.api_source.as_deref())
                    .bind(row.line_item.as_deref()).bind(row.num_model_requests)
                    .bind(row.input_tokens).bind(row.output_tokens)
                    .bind(row.amount.as_deref()).bind(row.currency.as_deref())
                    .bind(row.quantity).bind(row.quantity_unit.as_deref())
                    .bind(row.result.as_str());
            }
            query.execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO sync_cursors (org, stream, range_start, range_end, page, next_page, committed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (org, stream) DO UPDATE SET range_start = excluded.range_start, \
             range_end = excluded.range_end, page = excluded.page, next_page = excluded.next_page, \
             committed_at = excluded.committed_at",
        )
        .bind(org).bind(name).bind(origin.range_start).bind(origin.range_end)
        .bind(origin.page).bind(origin.next_page).bind(fetched_at)
        .execute(&mut *tx).await?;
        tx.commit().await?;
        Ok((held, before))
    }.await)
    .map_err(failed)?;
    Ok(Written {
        rows: rows.len(),
        changed: changed(&held, &before, &rows),
    })
}

/// A stored result as a page compares it: bucket start, position, amount and JSON text.
type Stored = (i64, i64, Option<String>, String);

/// What writing a page did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Written {
    /// Results written.
    pub rows: usize,
    /// Results that are new, different or gone compared with what the store held for the same
    /// time: late data (0 when a re-read changed nothing).
    pub changed: usize,
}

/// How many results differ between `before` (as stored, in the buckets `held`) and `after`:
/// by bucket and position, the amount (exactly) and the whole result (as JSON values, whatever
/// the database's spelling of them). Results of a bucket the store did not hold are new time,
/// not a change.
fn changed(
    held: &[i64],
    before: &[(i64, i64, Option<String>, String)],
    after: &[ResultRow],
) -> usize {
    let held: std::collections::HashSet<i64> = held.iter().copied().collect();
    use std::collections::HashMap;
    let amount = |text: Option<&str>| {
        text.map(|t| {
            t.parse::<openai_usage::rust_decimal::Decimal>()
                .map_or_else(|_| t.to_owned(), |d| d.normalize().to_string())
        })
    };
    let json = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
    let old: HashMap<(i64, i64), (Option<String>, &str)> = before
        .iter()
        .map(|(start, seq, a, result)| ((*start, *seq), (amount(a.as_deref()), result.as_str())))
        .collect();
    let mut changed = 0;
    for row in after.iter().filter(|r| held.contains(&r.start_time)) {
        match old.get(&(row.start_time, row.seq)) {
            Some((a, result))
                if *a == amount(row.amount.as_deref()) && json(result) == json(&row.result) => {}
            _ => changed += 1,
        }
    }
    let new: std::collections::HashSet<(i64, i64)> =
        after.iter().map(|r| (r.start_time, r.seq)).collect();
    changed + old.keys().filter(|k| !new.contains(k)).count()
}

/// Records the organization (its base URL, never its key) and when it was synced.
pub(crate) async fn organization(
    store: &Store,
    org: &str,
    base_url: &str,
    now: i64,
) -> Result<(), Error> {
    on_pool!(store, pool => sqlx::query(
        "INSERT INTO organizations (org, base_url, first_synced_at, last_synced_at) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (org) DO UPDATE SET base_url = excluded.base_url, last_synced_at = excluded.last_synced_at",
    )
    .bind(org).bind(base_url).bind(now)
    .execute(pool).await.map(drop))
    .map_err(store.failed("recording the organization"))?;
    Ok(())
}

/// A project as stored.
#[derive(Clone, Debug)]
pub(crate) struct ProjectRow {
    pub id: String,
    pub name: Option<String>,
    pub status: Option<String>,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    pub data: String,
}

/// A user as stored.
#[derive(Clone, Debug)]
pub(crate) struct UserRow {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub role: Option<String>,
    pub data: String,
}

/// A project API key as stored: its owner is a user (email) or a service account (name).
#[derive(Clone, Debug)]
pub(crate) struct ApiKeyRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub owner_email: Option<String>,
    pub owner_service_account: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub data: String,
}

/// A project service account as stored.
#[derive(Clone, Debug)]
pub(crate) struct ServiceAccountRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub role: String,
    pub created_at: i64,
    pub data: String,
}

/// A hard spend limit as stored; scope `""` is the organization, otherwise a project ID.
#[derive(Clone, Debug)]
pub(crate) struct LimitRow {
    pub scope: String,
    pub cents: i64,
    pub currency: String,
    pub data: String,
}

/// A spend alert as stored.
#[derive(Clone, Debug)]
pub(crate) struct AlertRow {
    pub scope: String,
    pub id: String,
    pub cents: i64,
    pub data: String,
}

/// Logs a finished sync of `org`.
pub(crate) async fn sync_run(
    store: &Store,
    org: &str,
    now: i64,
    since: i64,
    restate_days: u32,
    pages: u64,
    results: u64,
) -> Result<(), Error> {
    on_pool!(store, pool => sqlx::query(
        "INSERT INTO sync_runs (org, now, since, restate_days, pages, results) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (org, now) DO UPDATE SET since = excluded.since, restate_days = excluded.restate_days, \
         pages = excluded.pages, results = excluded.results",
    )
    .bind(org).bind(now).bind(since).bind(i64::from(restate_days))
    .bind(pages as i64).bind(results as i64)
    .execute(pool).await.map(drop))
    .map_err(store.failed("logging the sync"))
}

/// Records the organization if the store does not know it yet (buckets loaded by hand).
pub(crate) async fn ensure_organization(store: &Store, org: &str, now: i64) -> Result<(), Error> {
    on_pool!(store, pool => sqlx::query(
        "INSERT INTO organizations (org, base_url, first_synced_at, last_synced_at) VALUES ($1, '', $2, $2) \
         ON CONFLICT (org) DO NOTHING",
    )
    .bind(org).bind(now)
    .execute(pool).await.map(drop))
    .map_err(store.failed("recording the organization"))
}

/// The organization's named things, as one sync read them: written together.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dimensions {
    pub projects: Vec<ProjectRow>,
    pub users: Vec<UserRow>,
    pub api_keys: Vec<ApiKeyRow>,
    pub service_accounts: Vec<ServiceAccountRow>,
    pub limits: Vec<LimitRow>,
    pub alerts: Vec<AlertRow>,
}

/// Replaces the organization's projects, users, keys, service accounts, limits and alerts by
/// `dims`, in one transaction.
pub(crate) async fn dimensions(store: &Store, org: &str, dims: &Dimensions) -> Result<(), Error> {
    let dialect = store.dialect();
    let json = store.dialect().json;
    let projects = format!(
        "INSERT INTO projects (org, id, name, status, created_at, archived_at, data) VALUES ($1, $2, $3, $4, $5, $6, {})",
        json("$7")
    );
    let users = format!(
        "INSERT INTO users (org, id, name, email, role, data) VALUES ($1, $2, $3, $4, $5, {})",
        json("$6")
    );
    let keys = format!(
        "INSERT INTO api_keys (org, id, project_id, name, owner_email, owner_service_account, created_at, last_used_at, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {})",
        json("$9")
    );
    let accounts = format!(
        "INSERT INTO service_accounts (org, id, project_id, name, role, created_at, data) VALUES ($1, $2, $3, $4, $5, $6, {})",
        json("$7")
    );
    let limits = format!(
        "INSERT INTO spend_limits (org, scope, amount_cents, currency, data) VALUES ($1, $2, $3, $4, {})",
        json("$5")
    );
    let alerts = format!(
        "INSERT INTO spend_alerts (org, scope, id, threshold_cents, data) VALUES ($1, $2, $3, $4, {})",
        json("$5")
    );
    on_pool!(store, pool => async {
        let mut tx = pool.begin_with(dialect.begin).await?;
        for table in ["projects", "users", "api_keys", "service_accounts", "spend_limits", "spend_alerts"] {
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE org = $1")))
                .bind(org)
                .execute(&mut *tx)
                .await?;
        }
        for p in &dims.projects {
            sqlx::query(AssertSqlSafe(projects.as_str()))
                .bind(org).bind(&p.id).bind(&p.name).bind(&p.status).bind(p.created_at).bind(p.archived_at).bind(&p.data)
                .execute(&mut *tx).await?;
        }
        for u in &dims.users {
            sqlx::query(AssertSqlSafe(users.as_str()))
                .bind(org).bind(&u.id).bind(&u.name).bind(&u.email).bind(&u.role).bind(&u.data)
                .execute(&mut *tx).await?;
        }
        for k in &dims.api_keys {
            sqlx::query(AssertSqlSafe(keys.as_str()))
                .bind(org).bind(&k.id).bind(&k.project_id).bind(&k.name).bind(&k.owner_email)
                .bind(&k.owner_service_account).bind(k.created_at).bind(k.last_used_at).bind(&k.data)
                .execute(&mut *tx).await?;
        }
        for a in &dims.service_accounts {
            sqlx::query(AssertSqlSafe(accounts.as_str()))
                .bind(org).bind(&a.id).bind(&a.project_id).bind(&a.name).bind(&a.role).bind(a.created_at).bind(&a.data)
                .execute(&mut *tx).await?;
        }
        for l in &dims.limits {
            sqlx::query(AssertSqlSafe(limits.as_str()))
                .bind(org).bind(&l.scope).bind(l.cents).bind(&l.currency).bind(&l.data)
                .execute(&mut *tx).await?;
        }
        for a in &dims.alerts {
            sqlx::query(AssertSqlSafe(alerts.as_str()))
                .bind(org).bind(&a.scope).bind(&a.id).bind(a.cents).bind(&a.data)
                .execute(&mut *tx).await?;
        }
        tx.commit().await
    }.await)
    .map_err(store.failed("writing projects, users, keys and budgets"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserts_cast_money_and_json_where_the_dialect_needs_it() {
        let sql = insert_results_sql(crate::POSTGRES, 2);
        assert!(sql.contains("CAST($17 AS NUMERIC)"));
        assert!(sql.contains("CAST($21 AS JSONB)"));
        assert!(sql.contains("CAST($42 AS JSONB)"));
        assert!(!sql.contains("$43"));
        let sql = insert_results_sql(crate::SQLITE, 1);
        assert!(sql.ends_with("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    }
}
