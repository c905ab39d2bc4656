//! The store against the fake API, in SQLite and in PostgreSQL: a second sync changes nothing;
//! late data inside the restatement window corrects the stored days and outside it does not;
//! two organizations keep separate totals; every bad store is a clear error that changes
//! nothing; sums of 100,000 amounts are exact.

mod common;

use common::{dump, every_backend, TestStore};
use futures::TryStreamExt as _;
use openai_usage::rust_decimal::Decimal;
use openai_usage::{Client, UsageCostsGroupBy, UsageCostsParams, UsageResult, UsageTimeBucket};
use openai_usage_fake::{Config, FakeApi, FIXED_NOW};
use openai_usage_store::read;
use openai_usage_store::streams::{Stream, DAY};
use openai_usage_store::sync::{self, Organization};
use openai_usage_store::{Error, Store, Target};

/// 2024-12-05T13:20:34Z: the current day partial, the month 4 days old.
const NOW: i64 = FIXED_NOW + 4 * DAY + 13 * 3_600 + 1_234;
const TODAY: i64 = FIXED_NOW + 4 * DAY;

async fn fake() -> FakeApi {
    FakeApi::start_with(Config::quiet_at(NOW)).await
}

fn organization(name: &str, fake: &FakeApi) -> Organization {
    Organization::new(
        name,
        Client::builder()
            .api_key("sk-admin-test")
            .base_url(fake.base_url())
            .build()
            .unwrap(),
    )
}

fn options(days: i64, restate_days: u32) -> sync::Options {
    sync::Options {
        since: TODAY - (days - 1) * DAY,
        now: NOW,
        restate_days,
        streams: &Stream::ALL,
    }
}

/// Costs and names only: what the tests of money need, in a fraction of the time.
fn costs_only(days: i64, restate_days: u32) -> sync::Options {
    sync::Options {
        streams: &[Stream::Costs, Stream::CostsByUser],
        ..options(days, restate_days)
    }
}

/// The organization's cost on the day starting at `day`, as the API answers it ungrouped: the
/// expected value, independent of the store.
async fn api_cost_of_day(fake: &FakeApi, day: i64) -> Decimal {
    let client = organization("x", fake).client;
    let params = UsageCostsParams::new(day).end_time((day + DAY).min(NOW));
    let buckets: Vec<UsageTimeBucket> = client
        .usage_costs_buckets(params)
        .try_collect()
        .await
        .unwrap();
    buckets
        .into_iter()
        .flat_map(|b| b.results)
        .filter_map(UsageResult::into_costs)
        .map(|c| c.amount_value().unwrap_or_default())
        .sum()
}

/// How many results the API answers for the day, grouped as the costs stream groups them.
async fn api_results_of_day(fake: &FakeApi, day: i64) -> usize {
    let client = organization("x", fake).client;
    let params = UsageCostsParams::new(day)
        .end_time((day + DAY).min(NOW))
        .group_by(
            UsageCostsGroupBy::ALL
                .into_iter()
                .filter(|g| *g != UsageCostsGroupBy::UserId),
        );
    let buckets: Vec<UsageTimeBucket> = client
        .usage_costs_buckets(params)
        .try_collect()
        .await
        .unwrap();
    buckets.iter().map(|b| b.results.len()).sum()
}

async fn stored_cost_of_day(store: &Store, org: &str, day: i64) -> Decimal {
    read::total_cost(store, org, Stream::Costs, day, day + DAY)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_second_sync_changes_no_row() {
    let fake = fake().await;
    let org = organization("acme", &fake);
    for TestStore { target, store, .. } in every_backend("second").await {
        let first = sync::sync(&store, &org, options(3, 3), &|_| {})
            .await
            .unwrap();
        assert!(first.rows > 1_000, "{first:?}");
        let before = dump(&store, &target).await;
        assert!(before.iter().any(|r| r.starts_with("results: acme|costs|")));
        assert!(before
            .iter()
            .any(|r| r.starts_with("projects: acme|proj_alpha|")));
        assert!(
            before.iter().any(|r| r.starts_with("spend_limits: acme||")),
            "the organization's limit"
        );
        sync::sync(&store, &org, options(3, 3), &|_| {})
            .await
            .unwrap();
        let after = dump(&store, &target).await;
        assert_eq!(before.len(), after.len(), "{target:?}");
        let changed: Vec<_> = before
            .iter()
            .zip(&after)
            .filter(|(a, b)| a != b)
            .take(3)
            .collect();
        assert!(
            changed.is_empty(),
            "{target:?}: the second sync changed rows: {changed:#?}"
        );
    }
}

#[tokio::test]
async fn late_data_is_corrected_inside_the_restatement_window_and_not_outside() {
    let fake = fake().await;
    let org = organization("acme", &fake);
    let yesterday = TODAY - DAY;
    let last_week = TODAY - 6 * DAY;
    for TestStore { target, store, .. } in every_backend("late").await {
        fake.restate(0); // a fresh fake for this backend: no restated day that matters
        sync::sync(&store, &org, costs_only(8, 3), &|_| {})
            .await
            .unwrap();
        let old_yesterday = api_cost_of_day(&fake, yesterday).await;
        let old_last_week = api_cost_of_day(&fake, last_week).await;
        assert_eq!(
            stored_cost_of_day(&store, "acme", yesterday).await,
            old_yesterday
        );
        assert_eq!(
            stored_cost_of_day(&store, "acme", last_week).await,
            old_last_week
        );

        fake.restate(yesterday);
        fake.restate(last_week);
        let new_yesterday = api_cost_of_day(&fake, yesterday).await;
        let new_last_week = api_cost_of_day(&fake, last_week).await;
        assert_ne!(new_yesterday, old_yesterday, "the fake restated yesterday");
        assert_ne!(new_last_week, old_last_week, "the fake restated last week");

        // Three days back: yesterday is corrected, six days back is not re-read.
        let restated = sync::sync(&store, &org, costs_only(8, 3), &|_| {})
            .await
            .unwrap();
        // Every result of yesterday changed (all of its numbers are new), in both streams.
        let yesterdays = api_results_of_day(&fake, yesterday).await as u64;
        assert!(restated.changed >= yesterdays, "{restated:?}: {yesterdays}");
        assert_eq!(
            stored_cost_of_day(&store, "acme", yesterday).await,
            new_yesterday,
            "{target:?}"
        );
        assert_eq!(
            stored_cost_of_day(&store, "acme", last_week).await,
            old_last_week,
            "{target:?}"
        );
        // Replaced, not added: yesterday holds as many results as the API answers for it.
        let stored = read::results(&store, Some("acme"), Stream::Costs, yesterday, TODAY)
            .await
            .unwrap();
        assert_eq!(
            stored.len(),
            api_results_of_day(&fake, yesterday).await,
            "{target:?}"
        );

        // A window of a week reaches it.
        sync::sync(&store, &org, costs_only(8, 7), &|_| {})
            .await
            .unwrap();
        assert_eq!(
            stored_cost_of_day(&store, "acme", last_week).await,
            new_last_week,
            "{target:?}"
        );
        // Undo for the next backend's run.
        fake.restate(yesterday);
        fake.restate(last_week);
    }
}

#[tokio::test]
async fn two_organizations_in_one_store_keep_separate_totals() {
    let first = fake().await;
    let second = fake().await;
    // The second organization's numbers differ on every day of the period.
    for day in 0..3 {
        second.restate(TODAY - day * DAY);
    }
    let (a, b) = (
        organization("first", &first),
        organization("second", &second),
    );
    for TestStore { store, target, .. } in every_backend("two").await {
        sync::sync(&store, &a, costs_only(3, 3), &|_| {})
            .await
            .unwrap();
        sync::sync(&store, &b, costs_only(3, 3), &|_| {})
            .await
            .unwrap();
        assert_eq!(
            read::organizations(&store).await.unwrap(),
            ["first", "second"]
        );
        for day in [TODAY - 2 * DAY, TODAY - DAY, TODAY] {
            let expected_a = api_cost_of_day(&first, day).await;
            let expected_b = api_cost_of_day(&second, day).await;
            assert_ne!(expected_a, expected_b);
            assert_eq!(
                stored_cost_of_day(&store, "first", day).await,
                expected_a,
                "{target:?}"
            );
            assert_eq!(
                stored_cost_of_day(&store, "second", day).await,
                expected_b,
                "{target:?}"
            );
        }
    }
}

/// 100,000 amounts: real decimal strings the API has sent, and made-up ones of every scale up
/// to 18 decimals, as costs results in 100 daily buckets.
fn many_amounts() -> Vec<String> {
    let real = [
        "0.06",
        "12.50",
        "0.0042",
        "0.003627500000000000000000000000000000",
        "0E-6176",
        "1234567.891234567891",
    ];
    let mut state: u64 = 0x5eed_1234;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..100_000)
        .map(|i| {
            if i % 50 == 0 {
                return real[(i / 50) % real.len()].to_owned();
            }
            // Up to 99,999.99... with up to 16 decimals: the total keeps within the 28 digits
            // of an exact decimal.
            let scale = (next() % 17) as u32;
            let whole = next() % 100_000;
            if scale == 0 {
                return whole.to_string();
            }
            let fraction = next() % 10u64.pow(scale);
            format!("{whole}.{fraction:0>width$}", width = scale as usize)
        })
        .collect()
}

/// The exact sum of decimal strings, in units of 10^-18, with integer arithmetic only.
fn exact_sum(amounts: &[String]) -> String {
    let mut total: i128 = 0;
    for a in amounts {
        if a.contains('E') {
            continue; // 0E-6176 is zero
        }
        let (whole, fraction) = a.split_once('.').unwrap_or((a, ""));
        let fraction = fraction.trim_end_matches('0');
        assert!(fraction.len() <= 18, "{a}");
        let units = whole.parse::<i128>().unwrap() * 10i128.pow(18)
            + format!("{fraction:0<18}").parse::<i128>().unwrap();
        total += units;
    }
    let text = format!("{total:0>19}");
    let (whole, fraction) = text.split_at(text.len() - 18);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_owned()
    } else {
        format!("{whole}.{fraction}")
    }
}

#[tokio::test]
async fn sums_of_100000_amounts_are_exact_in_both_stores() {
    let amounts = many_amounts();
    let expected = exact_sum(&amounts);
    let buckets: Vec<UsageTimeBucket> = amounts
        .chunks(1_000)
        .enumerate()
        .map(|(day, chunk)| {
            let results: Vec<String> = chunk
                .iter()
                .map(|a| format!(r#"{{"object":"organization.costs.result","amount":{{"value":"{a}","currency":"usd"}},"project_id":"proj_{}"}}"#, a.len() % 7))
                .collect();
            let start = FIXED_NOW - 100 * DAY + day as i64 * DAY;
            serde_json::from_str(&format!(
                r#"{{"object":"bucket","start_time":{start},"end_time":{},"results":[{}]}}"#,
                start + DAY,
                results.join(",")
            ))
            .unwrap()
        })
        .collect();
    for TestStore { store, target, .. } in every_backend("sums").await {
        let written = store
            .replace_buckets("acme", Stream::Costs, &buckets, FIXED_NOW)
            .await
            .unwrap();
        assert_eq!(written, 100_000);
        let total = read::total_cost(
            &store,
            "acme",
            Stream::Costs,
            FIXED_NOW - 100 * DAY,
            FIXED_NOW,
        )
        .await
        .unwrap();
        assert_eq!(total.normalize().to_string(), expected, "{target:?}");
        // Per project and day too, summed again here: the same total.
        let (per_group, currency) = read::costs(
            &store,
            "acme",
            Stream::Costs,
            read::Column::ProjectId,
            FIXED_NOW - 100 * DAY,
            FIXED_NOW,
        )
        .await
        .unwrap();
        assert_eq!(currency.as_deref(), Some("usd"));
        let again: Decimal = per_group.values().copied().sum();
        assert_eq!(again.normalize().to_string(), expected, "{target:?}");
    }
}

#[tokio::test]
async fn a_read_only_file_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.db");
    let store = Store::open(&Target::Sqlite(path.clone())).await.unwrap();
    store.close().await;
    let before = std::fs::read(&path).unwrap();
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).unwrap();
    let error = Store::open(&Target::Sqlite(path.clone()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ReadOnly { .. }), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("history.db") && message.contains("read-only"),
        "{message}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[tokio::test]
async fn a_database_of_a_newer_schema_is_refused_and_left_as_it_was() {
    for TestStore { store, target, .. } in every_backend("newer").await {
        store.close().await;
        let before = mark_newer(&target).await;
        let error = Store::open(&target).await.unwrap_err();
        assert!(
            matches!(
                error,
                Error::NewerSchema {
                    found: 99,
                    known: openai_usage_store::SCHEMA_VERSION,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("Upgrade openai-usage-report"),
            "{error}"
        );
        assert_eq!(mark_newer(&target).await, before);
    }
}

/// Marks the store as migrated by a future version 99 (once), and lists its migrations.
async fn mark_newer(target: &Target) -> Vec<String> {
    let sql =
        "SELECT CAST(version AS TEXT) || ' ' || description FROM _sqlx_migrations ORDER BY version";
    match target {
        Target::Sqlite(path) => {
            let pool = sqlx::SqlitePool::connect_with(
                sqlx::sqlite::SqliteConnectOptions::new().filename(path),
            )
            .await
            .unwrap();
            sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) SELECT 99, 'future', TRUE, X'00', 0 WHERE NOT EXISTS (SELECT 1 FROM _sqlx_migrations WHERE version = 99)").execute(&pool).await.unwrap();
            let rows = sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows
        }
        Target::Postgres(url) => {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            sqlx::query("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) SELECT 99, 'future', TRUE, '\\x00'::bytea, 0 WHERE NOT EXISTS (SELECT 1 FROM _sqlx_migrations WHERE version = 99)").execute(&pool).await.unwrap();
            let rows = sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap();
            pool.close().await;
            rows
        }
    }
}

#[tokio::test]
async fn an_unreachable_server_and_a_wrong_password_are_named_without_the_password() {
    // Nothing listens on port 9 of the loopback.
    let target = Target::parse("postgres://finops:hunter2@127.0.0.1:9/usage").unwrap();
    let error = Store::open(&target).await.unwrap_err().to_string();
    assert!(
        error.contains("cannot reach the PostgreSQL server"),
        "{error}"
    );
    assert!(
        error.contains("127.0.0.1:9") && !error.contains("hunter2"),
        "{error}"
    );

    let Some(url) = common::postgres_url("password").await else {
        return;
    };
    let wrong = url.replacen(":ci-password@", ":not-the-password@", 1);
    let wrong = if wrong == url {
        // Another server: put a wrong password in whatever the URL has.
        let (scheme, rest) = url.split_once("://").unwrap();
        let (userinfo, host) = rest.split_once('@').unwrap();
        let user = userinfo.split(':').next().unwrap();
        format!("{scheme}://{user}:not-the-password@{host}")
    } else {
        wrong
    };
    let error = Store::open(&Target::parse(&wrong).unwrap())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("refused the user name or password"),
        "{error}"
    );
    assert!(!error.contains("not-the-password"), "{error}");
    // Not the line of PostgreSQL's own C source that sqlx appends (` at line 329`).
    assert!(!error.contains(" at line "), "{error}");
}

#[tokio::test]
async fn a_store_of_an_older_schema_is_migrated_and_keeps_its_rows() {
    let fake = fake().await;
    let org = organization("acme", &fake);
    let dir = tempfile::tempdir().unwrap();
    let mut targets = vec![Target::Sqlite(dir.path().join("old.db"))];
    targets.extend(common::postgres_url("older").await.map(Target::Postgres));
    for target in targets {
        // A store as version 1 wrote it, with a day of costs.
        let old = openai_usage_store::schema::migrator(matches!(target, Target::Postgres(_)), 1);
        match &target {
            Target::Sqlite(path) => {
                let options = sqlx::sqlite::SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true);
                let pool = sqlx::SqlitePool::connect_with(options).await.unwrap();
                old.run(&pool).await.unwrap();
                pool.close().await;
            }
            Target::Postgres(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                old.run(&pool).await.unwrap();
                pool.close().await;
            }
        }
        let store = Store::open(&target).await.unwrap();
        sync::sync(&store, &org, costs_only(1, 0), &|_| {})
            .await
            .unwrap();
        let before = dump(&store, &target).await;
        assert!(
            before
                .iter()
                .any(|r| r.starts_with("_sqlx_migrations: 2|sync runs")),
            "{target:?}"
        );
        assert!(before
            .iter()
            .any(|r| r.starts_with("_sqlx_migrations: 1|history")));
        store.close().await;
        // Opening it again changes nothing.
        let store = Store::open(&target).await.unwrap();
        assert_eq!(dump(&store, &target).await, before);
        assert_eq!(
            stored_cost_of_day(&store, "acme", TODAY).await,
            api_cost_of_day(&fake, TODAY).await
        );
    }
}

#[tokio::test]
async fn a_stores_debug_output_holds_no_password() {
    let Some(TestStore { store, target, .. }) = common::postgres("debug").await else {
        return;
    };
    let Target::Postgres(url) = &target else {
        unreachable!()
    };
    let password = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('@'))
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .map(|(_, password)| password.to_owned())
        .expect("the test server's URL has a password");
    for shown in [format!("{store:?}"), format!("{target:?}"), target.shown()] {
        assert!(!shown.contains(&password), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_and_change_nothing() {
    use openai_usage_fake::Fault;
    let clean = fake().await;
    let faulty = fake().await;
    faulty.fault_every(
        3,
        vec![
            Fault::error(
                429,
                "rate_limit_exceeded",
                "slow down",
                &[("retry-after-ms", "1")],
            ),
            Fault::error(500, "server_error", "oops", &[]),
            Fault::Drop,
        ],
    );
    let retrying = Organization::new(
        "acme",
        Client::builder()
            .api_key("sk-admin-test")
            .base_url(faulty.base_url())
            .max_retries(4)
            .initial_retry_delay(std::time::Duration::from_millis(1))
            .build()
            .unwrap(),
    );
    let (a, b) = (common::sqlite().await, common::sqlite().await);
    sync::sync(
        &a.store,
        &organization("acme", &clean),
        costs_only(3, 3),
        &|_| {},
    )
    .await
    .unwrap();
    sync::sync(&b.store, &retrying, costs_only(3, 3), &|_| {})
        .await
        .unwrap();
    assert!(faulty.request_count() > clean.request_count());
    let strip = |rows: Vec<String>| -> Vec<String> {
        // The organizations row names the server each was read from.
        rows.into_iter()
            .filter(|r| !r.starts_with("organizations: "))
            .collect()
    };
    assert_eq!(
        strip(dump(&b.store, &b.target).await),
        strip(dump(&a.store, &a.target).await)
    );
}
