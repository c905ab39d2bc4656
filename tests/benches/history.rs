//! The store (`openai-usage-store`): a year of hourly usage for 50 projects written page by page
//! as `sync` writes them, in SQLite and (when `OPENAI_USAGE_TEST_POSTGRES` names a server) in
//! PostgreSQL; then `sync` against the fake, whole (30 days, every stream) and incremental (one
//! new day, with the 3-day restatement window). Rows, seconds and peak memory are printed;
//! nothing is gated.
//!
//! `cargo bench -p tests --bench history` (`-- --test`: a week instead of a year, for CI)

use std::time::Instant;

use openai_usage::UsageTimeBucket;
use openai_usage_fake::{Config, FakeApi, FIXED_NOW};
use openai_usage_store::streams::{Stream, DAY, HOUR};
use openai_usage_store::sync::{self, Organization};
use openai_usage_store::{Store, Target};

const PROJECTS: usize = 50;
const MODELS: [&str; 2] = ["gpt-4o", "gpt-4o-mini"];
const LINE_ITEMS: [&str; 3] = ["gpt-4o, input", "gpt-4o, output", "vector store storage"];

/// The peak resident memory since the last reset, in MiB (Linux: `VmHWM`).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Starts a new peak (Linux: writing 5 to `clear_refs` resets `VmHWM`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Hourly completions buckets from `first_hour` on: each project and model uses some tokens.
fn usage_page(first_hour: i64, hours: i64) -> Vec<UsageTimeBucket> {
    (first_hour..first_hour + hours)
        .map(|hour| {
            let mut results = Vec::with_capacity(PROJECTS * MODELS.len());
            for p in 0..PROJECTS {
                for (m, model) in MODELS.iter().enumerate() {
                    let n = (hour as usize * 31 + p * 7 + m) % 997 + 1;
                    results.push(format!(
                        r#"{{"object":"organization.usage.completions.result","input_tokens":{},"output_tokens":{},"input_cached_tokens":0,"num_model_requests":{n},"project_id":"proj_{p:03}","model":"{model}","user_id":null,"api_key_id":null,"batch":null,"service_tier":null,"api_source":null}}"#,
                        n * 120,
                        n * 30
                    ));
                }
            }
            let start = hour * HOUR;
            serde_json::from_str(&format!(
                r#"{{"object":"bucket","start_time":{start},"end_time":{},"results":[{}]}}"#,
                start + HOUR,
                results.join(",")
            ))
            .unwrap()
        })
        .collect()
}

/// Daily costs buckets from `first_day` on: each project and line item costs something.
fn costs_page(first_day: i64, days: i64) -> Vec<UsageTimeBucket> {
    (first_day..first_day + days)
        .map(|day| {
            let mut results = Vec::new();
            for p in 0..PROJECTS {
                for (l, item) in LINE_ITEMS.iter().enumerate() {
                    let cents = (day as usize * 13 + p * 5 + l) % 50_000;
                    results.push(format!(
                        r#"{{"object":"organization.costs.result","amount":{{"value":"{}.{:02}0036275","currency":"usd"}},"line_item":"{item}","project_id":"proj_{p:03}","quantity":{},"quantity_unit":"tokens"}}"#,
                        cents / 100,
                        cents % 100,
                        cents * 40
                    ));
                }
            }
            let start = day * DAY;
            serde_json::from_str(&format!(
                r#"{{"object":"bucket","start_time":{start},"end_time":{},"results":[{}]}}"#,
                start + DAY,
                results.join(",")
            ))
            .unwrap()
        })
        .collect()
}

/// Writes `days` of hourly usage and daily costs for 50 projects into `target`, 168 hours (and
/// 180 days of costs) a page, as `sync` does; prints what it took.
async fn year(target: &Target, days: i64) {
    let store = Store::open(target).await.unwrap();
    let first_hour = (FIXED_NOW - days * DAY) / HOUR;
    let hours = days * 24;
    reset_peak();
    let mut rows = 0;
    let mut writing = std::time::Duration::ZERO;
    let mut at = 0;
    while at < hours {
        let page = usage_page(first_hour + at, 168.min(hours - at));
        let started = Instant::now();
        rows += store
            .replace_buckets("bench", Stream::Completions, &page, FIXED_NOW)
            .await
            .unwrap();
        writing += started.elapsed();
        at += 168;
    }
    let first_day = FIXED_NOW / DAY - days;
    let mut at = 0;
    while at < days {
        let page = costs_page(first_day + at, 180.min(days - at));
        let started = Instant::now();
        rows += store
            .replace_buckets("bench", Stream::Costs, &page, FIXED_NOW)
            .await
            .unwrap();
        writing += started.elapsed();
        at += 180;
    }
    let started = Instant::now();
    let total = openai_usage_store::read::total_cost(
        &store,
        "bench",
        Stream::Costs,
        first_day * DAY,
        FIXED_NOW,
    )
    .await
    .unwrap();
    let summing = started.elapsed();
    let size = match target {
        Target::Sqlite(path) => format!(
            ", {:.0} MiB on disk",
            std::fs::metadata(path).map_or(0, |m| m.len()) as f64 / 1_048_576.0
        ),
        Target::Postgres(_) => String::new(),
    };
    println!(
        "{:<10} {days} days of hourly usage, 50 projects: {rows} results in {:.1} s of writes ({:.0} results/s), peak {:.0} MiB{size}; exact sum of {} days of costs: {total} in {:.2} s",
        if store.is_postgres() { "PostgreSQL" } else { "SQLite" },
        writing.as_secs_f64(),
        rows as f64 / writing.as_secs_f64(),
        peak_mib(),
        days,
        summing.as_secs_f64(),
    );
    store.close().await;
}

/// A whole sync of 30 days of the fake, then the sync of the next day.
async fn incremental(target: &Target) {
    let store = Store::open(target).await.unwrap();
    let day_one = FIXED_NOW + 13 * HOUR;
    for (label, now) in [("whole, 30 days", day_one), ("one new day", day_one + DAY)] {
        let fake = FakeApi::start_with(Config::quiet_at(now)).await;
        let org = Organization::new(
            "demo",
            openai_usage::Client::builder()
                .api_key("sk-admin-bench")
                .base_url(fake.base_url())
                .build()
                .unwrap(),
        );
        let options = sync::Options {
            since: day_one - 29 * DAY,
            now,
            restate_days: sync::DEFAULT_RESTATE_DAYS,
            streams: &Stream::ALL,
        };
        reset_peak();
        let started = Instant::now();
        let summary = sync::sync(&store, &org, options, &|_| {}).await.unwrap();
        println!(
            "{:<10} sync against the fake, {label}: {} pages, {} results in {:.2} s, peak {:.0} MiB",
            if store.is_postgres() { "PostgreSQL" } else { "SQLite" },
            summary.pages,
            summary.rows,
            started.elapsed().as_secs_f64(),
            peak_mib()
        );
    }
    store.close().await;
}

async fn postgres(name: &str) -> Option<Target> {
    let admin = std::env::var("OPENAI_USAGE_TEST_POSTGRES").ok()?;
    let database = format!("bench_{name}_{}", std::process::id());
    let pool = sqlx::PgPool::connect(&admin).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&pool)
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    Some(Target::Postgres(format!("{base}/{database}")))
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let days = if smoke { 7 } else { 365 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        year(&Target::Sqlite(dir.path().join("year.db")), days).await;
        if let Some(target) = postgres("year").await {
            year(&target, days).await;
        } else {
            println!(
                "PostgreSQL: skipped (set OPENAI_USAGE_TEST_POSTGRES to a server's admin URL)"
            );
        }
        if !smoke {
            incremental(&Target::Sqlite(dir.path().join("sync.db"))).await;
            if let Some(target) = postgres("sync").await {
                incremental(&target).await;
            }
        }
    });
}
