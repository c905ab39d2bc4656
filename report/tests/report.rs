//! The report against the local fake: its CSV, parsed back, holds exactly the fake's own totals
//! per project name, across faults; names are looked up once; the binary writes data only to
//! stdout and its `--help` is the one checked in.

use std::collections::BTreeMap;
use std::time::Duration;

use openai_usage::Client;
use openai_usage_fake::{data, org, Config, FakeApi, Fault};
use openai_usage_report::{collect, render_csv, GroupBy, Request};

/// A fake with a fault on every third request (retried by the client).
async fn faulty_fake() -> (FakeApi, Client) {
    let fake = FakeApi::start_with(Config::default()).await;
    fake.fault_every(
        3,
        vec![
            Fault::error(
                429,
                "rate_limit_exceeded",
                "slow down",
                &[("retry-after-ms", "1")],
            ),
            Fault::Drop,
            Fault::Truncate,
            Fault::error(500, "server_error", "oops", &[]),
        ],
    );
    let client = Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .max_retries(3)
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    (fake, client)
}

/// Cents of a decimal with at most two decimals (`1441.79`, `"12.5"`, `3`).
fn cents(text: &str) -> i64 {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    assert!(fraction.len() <= 2, "{text} has sub-cent digits");
    let fraction = format!("{fraction:0<2}");
    whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap()
}

/// What the fake itself says each project cost over `[start, end)`, in cents.
fn fake_costs_per_project(start: i64, end: i64, now: i64) -> BTreeMap<String, i64> {
    let costs = data::endpoint("/organization/costs").unwrap();
    let query = data::Query(vec![
        ("start_time".into(), start.to_string()),
        ("end_time".into(), end.to_string()),
        ("group_by".into(), "project_id".into()),
    ]);
    let ask = data::ask(costs, &query, now).unwrap();
    let mut totals = BTreeMap::new();
    for bucket in data::all_buckets(costs, &ask) {
        for result in bucket["results"].as_array().unwrap() {
            let id = result["project_id"].as_str().unwrap().to_owned();
            let value = &result["amount"]["value"];
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            *totals.entry(id).or_default() += cents(&text);
        }
    }
    totals
}

/// A project's name as the organization (the fake) has it, marked when archived.
fn expected_name(id: &str) -> String {
    let project = org::PROJECTS.iter().find(|p| p.id == id).unwrap();
    match project.archived_at {
        Some(_) => format!("{} (archived)", project.name),
        None => project.name.to_owned(),
    }
}

#[tokio::test]
async fn csv_costs_per_project_name_equal_the_fakes_totals_across_faults() {
    let (fake, client) = faulty_fake().await;
    let now = fake.config().now;
    // 200 days: two pages of costs (180 a page) and seven of tokens (31 a page).
    let start = now - 200 * 86_400;
    let request = Request {
        start,
        end: now,
        now,
        group_by: GroupBy::Project,
        progress: false,
    };
    let report = collect(&client, &request).await.unwrap();
    assert!(
        fake.request_count() > 12,
        "faults were injected and retried"
    );

    let csv_text = render_csv(&report).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "date",
            "partial_day",
            "id",
            "name",
            "cost",
            "currency",
            "requests",
            "input_tokens",
            "output_tokens"
        ]
    );
    let mut per_name: BTreeMap<String, i64> = BTreeMap::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        assert_eq!(&record[5], "usd");
        *per_name.entry(record[3].to_owned()).or_default() += cents(&record[4]);
    }
    let expected: BTreeMap<String, i64> = fake_costs_per_project(start, now, now)
        .into_iter()
        .map(|(id, cents)| (expected_name(&id), cents))
        .collect();
    assert_eq!(expected.len(), 3, "three projects have usage");
    assert!(expected.keys().any(|n| n.ends_with("(archived)")));
    assert_eq!(per_name, expected);
    assert_eq!(rows, 200 * 3, "one row per day and project");
}

#[tokio::test]
async fn names_are_looked_up_once_and_budgets_per_project() {
    let fake = FakeApi::start().await;
    let client = Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let now = fake.config().now;
    let request = Request {
        start: now - 3 * 86_400,
        end: now,
        now,
        group_by: GroupBy::Project,
        progress: false,
    };
    let report = collect(&client, &request).await.unwrap();
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    let count = |suffix: &str| paths.iter().filter(|p| p.ends_with(suffix)).count();
    assert_eq!(count("/organization/projects"), 1, "{paths:?}");
    assert_eq!(count("/spend_limit"), 3, "one per project with usage");
    assert_eq!(count("/spend_alerts"), 3, "one per project with usage");

    for (project, cents) in org::PROJECT_LIMITS {
        assert_eq!(report.budgets[*project].limit_cents, Some(*cents));
    }
    let alpha_alerts: Vec<i64> = org::PROJECT_ALERTS
        .iter()
        .filter(|(p, _, _)| *p == "proj_alpha")
        .map(|(_, _, c)| *c)
        .collect();
    assert_eq!(report.budgets["proj_alpha"].alert_cents, alpha_alerts);
    assert_eq!(report.budgets["proj_gamma"].limit_cents, None);
}

#[tokio::test]
async fn api_keys_are_named_with_their_owner() {
    let fake = FakeApi::start().await;
    let client = Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let now = fake.config().now;
    let request = Request {
        start: now - 86_400,
        end: now,
        now,
        group_by: GroupBy::ApiKey,
        progress: false,
    };
    let report = collect(&client, &request).await.unwrap();
    let owner_email = org::USERS
        .iter()
        .find(|u| u.id == "user_ann")
        .unwrap()
        .email;
    assert_eq!(
        report.name(Some("key_main")),
        format!("ranking-prod ({owner_email})")
    );
    assert_eq!(report.name(Some("key_ci")), "ci (service account ci-bot)");
    // An ID the organization cannot name (a deleted key) shows as itself.
    assert_eq!(report.name(Some("key_gone")), "key_gone");
}

fn binary() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_openai-usage-report"))
}

#[test]
fn help_lists_every_option_and_variable() {
    let output = binary()
        .arg("--help")
        .env("OPENAI_ADMIN_KEY", "sk-admin-must-not-show")
        .env("OPENAI_BASE_URL", "http://must-not-show.example")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/help.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &help).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        help == expected,
        "`openai-usage-report --help` is not what report/tests/help.txt holds; if the change is \
         meant, run `UPDATE_GOLDEN=1 cargo test -p openai-usage-report --test report` and commit it.\n\n\
         --- expected\n{expected}\n+++ actual\n{help}"
    );
    assert!(
        !help.contains("must-not-show"),
        "--help shows the environment's values"
    );
    for option in [
        "--days",
        "--since",
        "--until",
        "--group-by",
        "--format",
        "--demo",
        "--api-key",
        "--base-url",
        "OPENAI_ADMIN_KEY",
        "OPENAI_BASE_URL",
        "line-item",
        "api-key",
        "csv",
        "json",
    ] {
        assert!(help.contains(option), "{option} missing from --help");
    }
}

#[test]
fn demo_writes_csv_to_stdout_only() {
    let output = binary()
        .args([
            "--demo",
            "--days",
            "2",
            "--group-by",
            "line-item",
            "--format",
            "csv",
        ])
        .env_remove("OPENAI_ADMIN_KEY")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.stderr.is_empty(),
        "stderr is not a terminal: no progress"
    );
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!records.is_empty());
    let line_items: std::collections::BTreeSet<&str> = records.iter().map(|r| &r[2]).collect();
    assert!(line_items.contains("gpt-4o, input"), "{line_items:?}");
}

#[test]
fn bad_arguments_are_refused_with_usage() {
    for args in [
        vec!["--since", "2024-11-01"],
        vec!["--since", "2024-02-30", "--until", "2024-03-01"],
        vec!["--days", "0"],
        vec![
            "--days",
            "3",
            "--since",
            "2024-11-01",
            "--until",
            "2024-11-02",
        ],
        vec!["--group-by", "team"],
        vec!["--since", "2024-11-02", "--until", "2024-11-01", "--demo"],
    ] {
        let output = binary().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
    let output = binary().env_remove("OPENAI_ADMIN_KEY").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("OPENAI_ADMIN_KEY"));
}
