//! What reports ask the store: sums per UTC day and group, the days not over, names and
//! budgets. Money is summed exactly: by PostgreSQL's `numeric`, and for SQLite here, from the
//! decimal text each row holds.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openai_usage::rust_decimal::Decimal;
use sqlx::{AssertSqlSafe, Row as _};

use crate::dates::date;
use crate::money::{parse, ExactSum};
use crate::streams::{Stream, DAY};
use crate::{on_pool, Backend, Error, Store};

/// A column results can be grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// `project_id`.
    ProjectId,
    /// `line_item` (costs).
    LineItem,
    /// `model` (usage).
    Model,
    /// `api_key_id`.
    ApiKeyId,
    /// `user_id`.
    UserId,
    /// `api_source`.
    ApiSource,
}

impl Column {
    /// The column's name in `results`.
    pub fn name(self) -> &'static str {
        match self {
            Column::ProjectId => "project_id",
            Column::LineItem => "line_item",
            Column::Model => "model",
            Column::ApiKeyId => "api_key_id",
            Column::UserId => "user_id",
            Column::ApiSource => "api_source",
        }
    }
}

/// Day and group: the key of every sum.
pub type DayGroup = (i64, Option<String>);

/// Requests, input tokens and output tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    /// `num_model_requests`.
    pub requests: i64,
    /// `input_tokens`.
    pub input_tokens: i64,
    /// `output_tokens`.
    pub output_tokens: i64,
}

/// The day (UTC midnight) a bucket starting at `start` belongs to, in SQL.
const DAY_OF: &str = "(start_time - (start_time % 86400))";

/// Every organization the store holds, by name.
pub async fn organizations(store: &Store) -> Result<Vec<String>, Error> {
    on_pool!(store, pool => sqlx::query_scalar("SELECT org FROM organizations ORDER BY org")
        .fetch_all(pool).await)
    .map_err(store.failed("listing organizations"))
}

/// When the organization was last synced (the end of what the store holds), if ever.
pub async fn last_synced(store: &Store, org: &str) -> Result<Option<i64>, Error> {
    on_pool!(store, pool => sqlx::query_scalar("SELECT last_synced_at FROM organizations WHERE org = $1")
        .bind(org).fetch_optional(pool).await)
    .map_err(store.failed("reading the organization"))
}

/// Checks that every bucket of `streams` from `start` up to `end` (or the last sync, if
/// earlier) is stored; otherwise says which day is missing and the sync that fills it.
pub async fn check_covered(
    store: &Store,
    org: &str,
    streams: &[Stream],
    start: i64,
    end: i64,
) -> Result<(), Error> {
    let Some(synced) = last_synced(store, org).await? else {
        return Err(Error::NotCovered {
            org: org.to_owned(),
            message: format!(
                "the store {} holds nothing for it; run `openai-usage-report sync --db ...` first",
                store.target.shown()
            ),
        });
    };
    let end = end.min(synced);
    for &stream in streams {
        let starts: Vec<i64> = on_pool!(store, pool => sqlx::query_scalar(
            "SELECT start_time FROM buckets WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4",
        )
        .bind(org).bind(stream.name()).bind(start).bind(end)
        .fetch_all(pool).await)
        .map_err(store.failed("reading what the store holds"))?;
        let starts: BTreeSet<i64> = starts.into_iter().collect();
        let mut at = start;
        while at < end {
            if !starts.contains(&at) {
                let day = at.div_euclid(DAY) * DAY;
                return Err(Error::NotCovered {
                    org: org.to_owned(),
                    message: format!(
                        "the store holds no {} for the bucket starting at {} (Unix seconds {at}, day {}); run `openai-usage-report sync --since {}` first",
                        stream.name(),
                        at,
                        date(day),
                        date(day)
                    ),
                });
            }
            at += stream.width();
        }
    }
    Ok(())
}

/// The days with a stored bucket of `streams` in `[start, end)`, and which of them hold a
/// bucket that was not over when read.
pub async fn days(
    store: &Store,
    org: &str,
    streams: &[Stream],
    start: i64,
    end: i64,
) -> Result<BTreeMap<i64, bool>, Error> {
    let mut days = BTreeMap::new();
    for &stream in streams {
        let rows: Vec<(i64, bool)> = on_pool!(store, pool => sqlx::query_as(AssertSqlSafe(format!(
            "SELECT DISTINCT {DAY_OF}, partial FROM buckets WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4"
        )))
        .bind(org).bind(stream.name()).bind(start).bind(end)
        .fetch_all(pool).await)
        .map_err(store.failed("reading buckets"))?;
        for (day, partial) in rows {
            *days.entry(day).or_insert(false) |= partial;
        }
    }
    Ok(days)
}

/// Costs of `stream` per day and `column` in `[start, end)`, exactly, and their currency. Every
/// group with a result is there (a result without an amount counts as zero).
pub async fn costs(
    store: &Store,
    org: &str,
    stream: Stream,
    column: Column,
    start: i64,
    end: i64,
) -> Result<(BTreeMap<DayGroup, Decimal>, Option<String>), Error> {
    let column = column.name();
    let mut sums: BTreeMap<DayGroup, Decimal> = BTreeMap::new();
    let mut currency = None;
    let failed = store.failed("summing costs");
    match &store.backend {
        Backend::Postgres(pool) => {
            let sql = format!(
                "SELECT {DAY_OF} AS day, {column}, CAST(COALESCE(SUM(amount), 0) AS TEXT), MIN(currency) FROM results \
                 WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4 \
                 GROUP BY day, {column}"
            );
            let rows = sqlx::query(AssertSqlSafe(sql))
                .bind(org)
                .bind(stream.name())
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await
                .map_err(failed)?;
            for row in rows {
                let (day, group, sum, cur): (i64, Option<String>, String, Option<String>) = (
                    row.try_get(0).map_err(store.failed("summing costs"))?,
                    row.try_get(1).map_err(store.failed("summing costs"))?,
                    row.try_get(2).map_err(store.failed("summing costs"))?,
                    row.try_get(3).map_err(store.failed("summing costs"))?,
                );
                sums.insert((day, group), parse(&sum)?.normalize());
                currency = currency.or(cur);
            }
        }
        Backend::Sqlite(pool) => {
            let sql = format!(
                "SELECT {DAY_OF}, {column}, amount, currency FROM results \
                 WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4"
            );
            type Row = (i64, Option<String>, Option<String>, Option<String>);
            let rows: Vec<Row> = sqlx::query_as(AssertSqlSafe(sql))
                .bind(org)
                .bind(stream.name())
                .bind(start)
                .bind(end)
                .fetch_all(pool)
                .await
                .map_err(failed)?;
            let mut exact: BTreeMap<DayGroup, ExactSum> = BTreeMap::new();
            for (day, group, amount, cur) in rows {
                // A result without an amount counts as zero, as the live report counts it.
                let amount = amount.as_deref().map_or(Ok(Decimal::ZERO), parse)?;
                exact.entry((day, group)).or_default().add(amount)?;
                currency = currency.or(cur);
            }
            for (key, sum) in exact {
                sums.insert(key, sum.total()?);
            }
        }
    }
    Ok((sums, currency))
}

/// The exact sum of every stored cost of `stream` in `[start, end)`.
pub async fn total_cost(
    store: &Store,
    org: &str,
    stream: Stream,
    start: i64,
    end: i64,
) -> Result<Decimal, Error> {
    match &store.backend {
        Backend::Postgres(pool) => {
            let sum: Option<String> = sqlx::query_scalar(
                "SELECT CAST(SUM(amount) AS TEXT) FROM results WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4",
            )
            .bind(org).bind(stream.name()).bind(start).bind(end)
            .fetch_one(pool)
            .await
            .map_err(store.failed("summing costs"))?;
            Ok(sum.as_deref().map_or(Ok(Decimal::ZERO), parse)?.normalize())
        }
        Backend::Sqlite(_) => {
            let (sums, _) = costs(store, org, stream, Column::ProjectId, start, end).await?;
            let mut total = ExactSum::default();
            for value in sums.values() {
                total.add(*value)?;
            }
            total.total()
        }
    }
}

/// Requests and tokens of `streams` together per day and `column` in `[start, end)`.
pub async fn tokens(
    store: &Store,
    org: &str,
    streams: &[Stream],
    column: Column,
    start: i64,
    end: i64,
) -> Result<BTreeMap<DayGroup, Tokens>, Error> {
    let column = column.name();
    let mut sums: BTreeMap<DayGroup, Tokens> = BTreeMap::new();
    for &stream in streams {
        let sql = format!(
            "SELECT {DAY_OF} AS day, {column}, \
             CAST(COALESCE(SUM(num_model_requests), 0) AS BIGINT), \
             CAST(COALESCE(SUM(input_tokens), 0) AS BIGINT), \
             CAST(COALESCE(SUM(output_tokens), 0) AS BIGINT) FROM results \
             WHERE org = $1 AND stream = $2 AND start_time >= $3 AND start_time < $4 GROUP BY day, {column}"
        );
        let rows: Vec<(i64, Option<String>, i64, i64, i64)> =
            on_pool!(store, pool => sqlx::query_as(AssertSqlSafe(sql))
            .bind(org).bind(stream.name()).bind(start).bind(end)
            .fetch_all(pool).await)
            .map_err(store.failed("summing tokens"))?;
        for (day, group, requests, input, output) in rows {
            let slot = sums.entry((day, group)).or_default();
            let add = |a: i64, b: i64| a.checked_add(b).ok_or(overflow_tokens());
            slot.requests = add(slot.requests, requests)?;
            slot.input_tokens = add(slot.input_tokens, input)?;
            slot.output_tokens = add(slot.output_tokens, output)?;
        }
    }
    Ok(sums)
}

fn overflow_tokens() -> Error {
    Error::Corrupt {
        message: "a sum of tokens passes the largest 64-bit integer".into(),
    }
}

/// A stored project.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// Its ID.
    pub id: String,
    /// Its name.
    pub name: Option<String>,
    /// Whether it is archived.
    pub archived: bool,
}

/// Every project of the organization, as last synced.
pub async fn projects(store: &Store, org: &str) -> Result<Vec<Project>, Error> {
    let rows: Vec<(String, Option<String>, Option<i64>)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, name, archived_at FROM projects WHERE org = $1 ORDER BY id",
    )
    .bind(org).fetch_all(pool).await)
    .map_err(store.failed("reading projects"))?;
    Ok(rows
        .into_iter()
        .map(|(id, name, archived_at)| Project {
            id,
            name,
            archived: archived_at.is_some(),
        })
        .collect())
}

/// Every user's email (or name, when the email is hidden), by ID.
pub async fn user_names(store: &Store, org: &str) -> Result<HashMap<String, String>, Error> {
    let rows: Vec<(String, Option<String>, Option<String>)> =
        on_pool!(store, pool => sqlx::query_as(
        "SELECT id, email, name FROM users WHERE org = $1",
    )
    .bind(org).fetch_all(pool).await)
        .map_err(store.failed("reading users"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, email, name)| Some((id, email.or(name)?)))
        .collect())
}

/// A stored project API key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    /// Its ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its owner's email, when a user owns it.
    pub owner_email: Option<String>,
    /// Its owner's name, when a service account owns it.
    pub owner_service_account: Option<String>,
}

/// Every project API key of the organization.
pub async fn api_keys(store: &Store, org: &str) -> Result<Vec<ApiKey>, Error> {
    type Row = (String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = on_pool!(store, pool => sqlx::query_as(
        "SELECT id, name, owner_email, owner_service_account FROM api_keys WHERE org = $1 ORDER BY id",
    )
    .bind(org).fetch_all(pool).await)
    .map_err(store.failed("reading API keys"))?;
    Ok(rows
        .into_iter()
        .map(|(id, name, owner_email, owner_service_account)| ApiKey {
            id,
            name: name.unwrap_or_default(),
            owner_email,
            owner_service_account,
        })
        .collect())
}

/// A stored budget: the monthly hard limit and the alerts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    /// The limit in cents, with its currency, if one is set.
    pub limit: Option<(i64, String)>,
    /// Alert thresholds in cents, ascending.
    pub alert_cents: Vec<i64>,
}

/// The organization's budget (key `None`) and every project's that has a limit or alerts.
pub async fn budgets(store: &Store, org: &str) -> Result<BTreeMap<Option<String>, Budget>, Error> {
    let limits: Vec<(String, i64, String)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT scope, amount_cents, currency FROM spend_limits WHERE org = $1",
    )
    .bind(org).fetch_all(pool).await)
    .map_err(store.failed("reading spend limits"))?;
    let alerts: Vec<(String, i64)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT scope, threshold_cents FROM spend_alerts WHERE org = $1 ORDER BY threshold_cents",
    )
    .bind(org).fetch_all(pool).await)
    .map_err(store.failed("reading spend alerts"))?;
    let scope = |s: String| if s.is_empty() { None } else { Some(s) };
    let mut budgets: BTreeMap<Option<String>, Budget> = BTreeMap::new();
    for (s, cents, currency) in limits {
        budgets.entry(scope(s)).or_default().limit = Some((cents, currency));
    }
    for (s, cents) in alerts {
        budgets.entry(scope(s)).or_default().alert_cents.push(cents);
    }
    Ok(budgets)
}

/// One stored result with its bucket: what exports write.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredResult {
    /// The organization.
    pub org: String,
    /// The bucket's start (Unix seconds).
    pub start_time: i64,
    /// The bucket's end.
    pub end_time: i64,
    /// Whether the bucket was not over when read.
    pub partial: bool,
    /// The result's position in its bucket.
    pub seq: i64,
    /// The result's `object`.
    pub object: Option<String>,
    /// `project_id`.
    pub project_id: Option<String>,
    /// `user_id`.
    pub user_id: Option<String>,
    /// `api_key_id`.
    pub api_key_id: Option<String>,
    /// `model`.
    pub model: Option<String>,
    /// `batch`.
    pub batch: Option<bool>,
    /// `service_tier`.
    pub service_tier: Option<String>,
    /// `api_source`.
    pub api_source: Option<String>,
    /// `line_item`.
    pub line_item: Option<String>,
    /// `num_model_requests`.
    pub num_model_requests: Option<i64>,
    /// `input_tokens`.
    pub input_tokens: Option<i64>,
    /// `output_tokens`.
    pub output_tokens: Option<i64>,
    /// The cost, exactly.
    pub amount: Option<Decimal>,
    /// The cost's currency.
    pub currency: Option<String>,
    /// `quantity`.
    pub quantity: Option<f64>,
    /// `quantity_unit`.
    pub quantity_unit: Option<String>,
    /// The whole result as JSON.
    pub result: String,
}

type ResultTuple = (
    String,
    i64,
    i64,
    bool,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
    Option<String>,
    Option<String>,
    Option<String>,
);
type MetricTuple = (
    Option<i64>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<f64>,
    Option<String>,
    String,
);

/// Every stored result of `stream` whose bucket starts in `[start, end)`, of `org` or of every
/// organization, ordered by organization, bucket and position.
pub async fn results(
    store: &Store,
    org: Option<&str>,
    stream: Stream,
    start: i64,
    end: i64,
) -> Result<Vec<StoredResult>, Error> {
    let sql = "SELECT r.org, r.start_time, b.end_time, b.partial, r.seq, r.object, r.project_id, r.user_id, \
         r.api_key_id, r.model, r.batch, r.service_tier, r.api_source, r.line_item, \
         r.num_model_requests, r.input_tokens, r.output_tokens, CAST(r.amount AS TEXT), r.currency, \
         r.quantity, r.quantity_unit, CAST(r.result AS TEXT) \
         FROM results r JOIN buckets b ON b.org = r.org AND b.stream = r.stream AND b.start_time = r.start_time \
         WHERE ($1 = '' OR r.org = $1) AND r.stream = $2 AND r.start_time >= $3 AND r.start_time < $4 \
         ORDER BY r.org, r.start_time, r.seq";
    let failed = store.failed("reading results");
    let rows: Vec<(ResultTuple, MetricTuple)> = on_pool!(store, pool => {
        let rows = sqlx::query(sql)
            .bind(org.unwrap_or("")).bind(stream.name()).bind(start).bind(end)
            .fetch_all(pool).await;
        rows.and_then(|rows| rows.iter().map(|row| Ok((
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?, row.try_get(3)?, row.try_get(4)?,
             row.try_get(5)?, row.try_get(6)?, row.try_get(7)?, row.try_get(8)?, row.try_get(9)?,
             row.try_get(10)?, row.try_get(11)?, row.try_get(12)?, row.try_get(13)?),
            (row.try_get(14)?, row.try_get(15)?, row.try_get(16)?, row.try_get(17)?,
             row.try_get(18)?, row.try_get(19)?, row.try_get(20)?, row.try_get(21)?),
        ))).collect::<Result<Vec<_>, sqlx::Error>>())
    })
    .map_err(failed)?;
    rows.into_iter()
        .map(|(r, m)| {
            Ok(StoredResult {
                org: r.0,
                start_time: r.1,
                end_time: r.2,
                partial: r.3,
                seq: r.4,
                object: r.5,
                project_id: r.6,
                user_id: r.7,
                api_key_id: r.8,
                model: r.9,
                batch: r.10,
                service_tier: r.11,
                api_source: r.12,
                line_item: r.13,
                num_model_requests: m.0,
                input_tokens: m.1,
                output_tokens: m.2,
                amount: m.3.as_deref().map(parse).transpose()?,
                currency: m.4,
                quantity: m.5,
                quantity_unit: m.6,
                result: m.7,
            })
        })
        .collect()
}

/// The first bucket start and the last bucket end stored for `stream` (of `org`, or of every
/// organization), if any.
pub async fn span(
    store: &Store,
    org: Option<&str>,
    stream: Stream,
) -> Result<Option<(i64, i64)>, Error> {
    let (first, last): (Option<i64>, Option<i64>) = on_pool!(store, pool => sqlx::query_as(
        "SELECT MIN(start_time), MAX(end_time) FROM buckets WHERE ($1 = '' OR org = $1) AND stream = $2",
    )
    .bind(org.unwrap_or("")).bind(stream.name())
    .fetch_one(pool).await)
    .map_err(store.failed("reading buckets"))?;
    Ok(first.zip(last))
}

/// Every project's name, of `org` or every organization, by (organization, project ID).
pub async fn project_names(
    store: &Store,
    org: Option<&str>,
) -> Result<HashMap<(String, String), String>, Error> {
    let rows: Vec<(String, String, Option<String>)> = on_pool!(store, pool => sqlx::query_as(
        "SELECT org, id, name FROM projects WHERE ($1 = '' OR org = $1)",
    )
    .bind(org.unwrap_or("")).fetch_all(pool).await)
    .map_err(store.failed("reading projects"))?;
    Ok(rows
        .into_iter()
        .filter_map(|(org, id, name)| Some(((org, id), name?)))
        .collect())
}
