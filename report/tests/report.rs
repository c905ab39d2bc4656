//! The report against the local fake: its CSV, parsed back, holds exactly the fake's own totals
//! per project name, across faults; names are looked up once; the binary writes data only to
//! stdout and its `--help` is the one checked in.

use std::collections::BTreeMap;
use std::time::Duration;

use openai_usage::Client;
use openai_usage_fake::{data, org, Config, FakeApi, Fault};
use openai_usage_report::{
    collect, doctor, render_csv, render_json, render_table, CsvCells, Failure, GroupBy, Request,
};

/// A client of `fake`.
fn client_of(fake: &FakeApi) -> Client {
    Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

/// The last `n` days before `now`, grouped by `group_by`, without a progress indicator.
fn days(n: i64, now: i64, group_by: GroupBy) -> Request {
    Request {
        start: now - n * 86_400,
        end: now,
        now,
        group_by,
        progress: false,
    }
}

/// A fake with a fault on every third request (retried by the client).
async fn faulty_fake() -> (FakeApi, Client) {
    let fake = FakeApi::start_with(Config::fixed()).await;
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
    fake_costs_by("project_id", start, end, now)
}

/// A project's name as the organization (the fake) has it, and whether it is archived.
fn expected_name(id: &str) -> (String, bool) {
    let project = org::PROJECTS.iter().find(|p| p.id == id).unwrap();
    (project.name.to_owned(), project.archived_at.is_some())
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

    let csv_text = render_csv(&report, CsvCells::Neutralized).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap(),
        vec![
            "date",
            "partial_day",
            "id",
            "name",
            "archived",
            "cost",
            "currency",
            "requests",
            "input_tokens",
            "output_tokens"
        ]
    );
    let mut per_name: BTreeMap<(String, bool), i64> = BTreeMap::new();
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        assert_eq!(&record[6], "usd");
        let archived = record[4].parse::<bool>().unwrap();
        *per_name
            .entry((record[3].to_owned(), archived))
            .or_default() += cents(&record[5]);
    }
    let expected: BTreeMap<(String, bool), i64> = fake_costs_per_project(start, now, now)
        .into_iter()
        .map(|(id, cents)| (expected_name(&id), cents))
        .collect();
    assert_eq!(expected.len(), 3, "three projects have usage");
    assert!(expected.keys().any(|(_, archived)| *archived));
    assert_eq!(per_name, expected);
    assert_eq!(rows, 200 * 3, "one row per day and project");
}

#[tokio::test]
async fn names_are_looked_up_once_and_budgets_per_project() {
    let fake = FakeApi::start().await;
    let client = client_of(&fake);
    let now = fake.config().now;
    let request = days(3, now, GroupBy::Project);
    let report = collect(&client, &request).await.unwrap();
    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    let count = |suffix: &str| paths.iter().filter(|p| p.ends_with(suffix)).count();
    assert_eq!(count("/organization/projects"), 1, "{paths:?}");
    let project_count = |suffix: &str| {
        paths
            .iter()
            .filter(|p| p.contains("/projects/") && p.ends_with(suffix))
            .count()
    };
    assert_eq!(
        project_count("/spend_limit"),
        3,
        "one per project with usage"
    );
    assert_eq!(
        project_count("/spend_alerts"),
        3,
        "one per project with usage"
    );
    // And the organization's own, for its month-to-date line.
    assert_eq!(count("/organization/spend_limit"), 1, "{paths:?}");
    assert_eq!(count("/organization/spend_alerts"), 1, "{paths:?}");

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
    let client = client_of(&fake);
    let now = fake.config().now;
    let request = days(1, now, GroupBy::ApiKey);
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
        "--db",
        "--org",
        "sync",
        "export",
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

/// The fake's own costs over `[start, end)` grouped by the result field `group`, in cents.
fn fake_costs_by(group: &str, start: i64, end: i64, now: i64) -> BTreeMap<String, i64> {
    let costs = data::endpoint("/organization/costs").unwrap();
    let query = data::Query(vec![
        ("start_time".into(), start.to_string()),
        ("end_time".into(), end.to_string()),
        ("group_by".into(), group.into()),
    ]);
    let ask = data::ask(costs, &query, now).unwrap();
    let mut totals = BTreeMap::new();
    for bucket in data::all_buckets(costs, &ask) {
        for result in bucket["results"].as_array().unwrap() {
            let value = &result["amount"]["value"];
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_owned);
            *totals
                .entry(result[group].as_str().unwrap().to_owned())
                .or_default() += cents(&text);
        }
    }
    totals
}

/// The fake's own sum of `field` over every result of `path` in `[start, end)`.
fn fake_sum(path: &str, field: &str, start: i64, end: i64, now: i64) -> i64 {
    let endpoint = data::endpoint(path).unwrap();
    let query = data::Query(vec![
        ("start_time".into(), start.to_string()),
        ("end_time".into(), end.to_string()),
    ]);
    let ask = data::ask(endpoint, &query, now).unwrap();
    data::all_buckets(endpoint, &ask)
        .iter()
        .flat_map(|b| b["results"].as_array().unwrap().clone())
        .map(|r| r[field].as_i64().unwrap())
        .sum()
}

#[tokio::test]
async fn costs_per_user_carry_the_users_email_and_equal_the_fakes_totals() {
    let (fake, client) = faulty_fake().await;
    let now = fake.config().now;
    let start = now - 20 * 86_400;
    let request = Request {
        start,
        end: now,
        now,
        group_by: GroupBy::User,
        progress: false,
    };
    let report = collect(&client, &request).await.unwrap();
    assert!(report.has_costs && report.has_tokens);
    let mut per_user: BTreeMap<String, i64> = BTreeMap::new();
    for (id, cell) in report.totals().unwrap() {
        let id = id.expect("every cost is grouped by a user here");
        per_user.insert(id, cents(&cell.cost.unwrap().to_string()));
    }
    assert_eq!(per_user, fake_costs_by("user_id", start, now, now));
    for user in org::USERS.iter().filter(|u| per_user.contains_key(u.id)) {
        assert_eq!(report.name(Some(user.id)), user.email);
    }
    // The costs were asked for by user, and by user alone.
    let costs = fake
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/organization/costs"))
        .unwrap();
    assert!(costs.query.contains("group_by=user_id"), "{}", costs.query);
    assert!(!costs.query.contains("project"), "{}", costs.query);
}

#[tokio::test]
async fn the_tokens_table_holds_completions_and_decisions_and_groups_by_api_source() {
    let (fake, client) = faulty_fake().await;
    let now = fake.config().now;
    let start = now - 5 * 86_400;
    let request = Request {
        start,
        end: now,
        now,
        group_by: GroupBy::ApiSource,
        progress: false,
    };
    let report = collect(&client, &request).await.unwrap();
    let total = report.total().unwrap();
    let expected_requests = fake_sum(
        "/organization/usage/completions",
        "num_model_requests",
        start,
        now,
        now,
    ) + fake_sum(
        "/organization/usage/decisions",
        "num_model_requests",
        start,
        now,
        now,
    );
    assert_eq!(total.requests, expected_requests);
    let expected_input = fake_sum(
        "/organization/usage/completions",
        "input_tokens",
        start,
        now,
        now,
    ) + fake_sum(
        "/organization/usage/decisions",
        "input_tokens",
        start,
        now,
        now,
    );
    assert_eq!(total.input_tokens, expected_input);
    let groups: Vec<Option<String>> = report.totals().unwrap().into_keys().collect();
    assert_eq!(
        groups,
        [Some("agents_api".to_owned()), Some("unlabeled".to_owned())]
    );
    let cost_cents: i64 = report
        .totals()
        .unwrap()
        .values()
        .map(|c| cents(&c.cost.unwrap().to_string()))
        .sum();
    assert_eq!(
        cost_cents,
        fake_costs_by("api_source", start, now, now)
            .values()
            .sum::<i64>()
    );
}

#[tokio::test]
async fn doctor_finds_every_operation_described_by_the_fake() {
    let fake = FakeApi::start().await;
    let builder = Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url());
    let request = doctor::Request {
        now: fake.config().now,
        interval: Duration::ZERO,
    };
    let checked = doctor::run(builder, &request).await.unwrap();
    // Every operation of the spec is called once.
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../spec/openai-usage.yaml"
    ))
    .unwrap();
    // The reads: every `get` operation of the spec (the writes are never called).
    let spec_ops = spec
        .split("\n    get:\n")
        .skip(1)
        .filter(|rest| {
            rest.lines()
                .take_while(|l| l.starts_with("      "))
                .any(|l| l.starts_with("      operationId: "))
        })
        .count();
    assert!(spec_ops >= 27, "{spec_ops} reads found in the spec");
    assert_eq!(checked.len(), spec_ops);
    assert!(
        doctor::all_described(&checked),
        "{}",
        doctor::render(&checked)
    );
    let calls = fake.request_count() as usize;
    assert_eq!(calls, spec_ops, "one call per operation");
}

#[tokio::test]
async fn doctor_names_an_undescribed_field_and_value_with_the_overlay_action() {
    // The fixed clock: with the real one, the first costs bucket of the doctor's last 24 hours
    // can hold a single quiet hour and no result to inject into (it failed at 23:05 UTC).
    let fake = FakeApi::start_with(Config::fixed()).await;
    fake.inject(
        "/organization/costs",
        "/data/0/results/0/invoice_id",
        serde_json::json!("inv_123"),
    );
    fake.inject(
        "/organization/projects",
        "/data/0/residency",
        serde_json::json!("MARS_STORAGE"),
    );
    let builder = Client::builder()
        .api_key("sk-admin-test")
        .base_url(fake.base_url());
    let request = doctor::Request {
        now: fake.config().now,
        interval: Duration::ZERO,
    };
    let checked = doctor::run(builder, &request).await.unwrap();
    assert!(!doctor::all_described(&checked));
    let undescribed: Vec<&str> = checked
        .iter()
        .filter(|c| matches!(c.outcome, doctor::Outcome::Undescribed(_)))
        .map(|c| c.operation)
        .collect();
    assert_eq!(undescribed, ["usage-costs", "list-projects"]);
    let text = doctor::render(&checked);
    assert!(text.contains("UNDESCRIBED usage-costs: 1 thing the spec does not describe\n  /data/0/results/0/invoice_id: a field the spec does not describe\n"), "{text}");
    assert!(
        text.contains("- target: \"$['components']['schemas']['CostsResult']['properties']\""),
        "{text}"
    );
    assert!(text.contains("\"invoice_id\": {type: string}"), "{text}");
    assert!(
        text.contains("/data/0/residency: `MARS_STORAGE` is not one of the values the spec lists"),
        "{text}"
    );
    assert!(
        text.contains(
            "- target: \"$['components']['schemas']['PublicProjectResidency']..['enum']\""
        ),
        "{text}"
    );
    assert!(text.contains("    - \"MARS_STORAGE\"\n"), "{text}");
}

#[test]
fn doctor_exits_0_on_the_demo_and_2_when_the_api_cannot_be_reached() {
    let output = binary()
        .args(["doctor", "--demo", "--interval-ms", "0"])
        .env_remove("OPENAI_ADMIN_KEY")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("OK         usage-decisions\n"), "{stdout}");
    assert!(
        stdout
            .ends_with("0 of 27 operations answered with something the spec does not describe.\n"),
        "{stdout}"
    );

    // A port nothing listens on: a connection error, exit 2, saying which call failed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let output = binary()
        .args(["doctor", "--interval-ms", "0", "--api-key", "sk-admin-test"])
        .args(["--base-url", &format!("http://127.0.0.1:{port}/v1")])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("error: usage-completions: "), "{stderr}");
    assert!(!stderr.contains("sk-admin-test"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn doctor_exits_1_naming_the_pointer_of_an_injected_field() {
    let fake = FakeApi::start().await;
    fake.inject(
        "/organization/usage/decisions",
        "/data/0/results/0/reasoning_effort",
        serde_json::json!("high"),
    );
    let base_url = fake.base_url();
    let output = tokio::task::spawn_blocking(move || {
        binary()
            .args([
                "doctor",
                "--interval-ms",
                "0",
                "--api-key",
                "sk-admin-test",
                "--base-url",
                &base_url,
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("UNDESCRIBED usage-decisions: 1 thing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("/data/0/results/0/reasoning_effort: a field the spec does not describe"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "['UsageTimeBucket']['properties']['results']['items']['oneOf'][11]['properties']"
        ),
        "{stdout}"
    );
}

/// A report by project over the last two days of a fake whose first project has `name`.
async fn report_with_project_name(name: &str) -> openai_usage_report::Report {
    let fake = FakeApi::start().await;
    fake.inject(
        "/organization/projects",
        "/data/0/name",
        serde_json::json!(name),
    );
    let client = client_of(&fake);
    let now = fake.config().now;
    let request = days(2, now, GroupBy::Project);
    collect(&client, &request).await.unwrap()
}

#[tokio::test]
async fn names_that_are_spreadsheet_formulas_are_written_as_text() {
    for formula in [
        "=HYPERLINK(\"http://x\",\"click\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-1+2",
    ] {
        let report = report_with_project_name(formula).await;
        let neutral = render_csv(&report, CsvCells::Neutralized).unwrap();
        let mut reader = csv::Reader::from_reader(neutral.as_bytes());
        let names: Vec<String> = reader.records().map(|r| r.unwrap()[3].to_owned()).collect();
        assert!(names.contains(&format!("'{formula}")), "{names:?}");
        assert!(
            !names.iter().any(|n| n.starts_with(['=', '+', '-', '@'])),
            "{names:?}"
        );
        // Numbers stay numbers; raw output keeps the name as sent.
        let raw = render_csv(&report, CsvCells::Raw).unwrap();
        let mut reader = csv::Reader::from_reader(raw.as_bytes());
        assert!(reader.records().any(|r| &r.unwrap()[3] == formula));
    }
}

#[tokio::test]
async fn escape_sequences_in_names_are_shown_not_sent_and_columns_stay_aligned() {
    let hostile = "\u{1b}[2J\u{1b}]0;pwned\u{7}evil\rline\u{202e}txet";
    let report = report_with_project_name(hostile).await;
    let table = render_table(&report).unwrap();
    assert!(
        !table.chars().any(|c| c.is_control() && c != '\n'),
        "{table:?}"
    );
    assert!(!table.contains('\u{202e}'));
    assert!(
        table.contains("\\u{1b}[2J\\u{1b}]0;pwned\\u{7}evil\\u{d}line"),
        "{table}"
    );

    // Wide and long names: every line of a table is as wide as its rule.
    for name in ["漢字のプロジェクト", &"x".repeat(1_000_000)] {
        let report = report_with_project_name(name).await;
        let table = render_table(&report).unwrap();
        assert!(
            table.len() < 20_000,
            "a long name is cut: {} bytes",
            table.len()
        );
        for block in table.split("\n\n") {
            let lines: Vec<&str> = block.lines().filter(|l| !l.starts_with('*')).collect();
            let Some(rule) = lines.iter().find(|l| l.starts_with("---")) else {
                continue;
            };
            let width = unicode_width::UnicodeWidthStr::width(*rule);
            for line in &lines {
                assert!(
                    unicode_width::UnicodeWidthStr::width(*line) <= width,
                    "{line}"
                );
            }
        }
        if name.len() > 100 {
            assert!(
                table.contains(&format!("{}…", "x".repeat(47))),
                "cut at 48 columns"
            );
        }
    }
}

#[tokio::test]
async fn sums_past_the_largest_number_are_an_error_not_a_panic() {
    let fake = FakeApi::start().await;
    let max = "79228162514264337593543950335";
    fake.inject(
        "/organization/costs",
        "/data/0/results/0/amount/value",
        serde_json::json!(max),
    );
    fake.inject(
        "/organization/costs",
        "/data/1/results/0/amount/value",
        serde_json::json!(max),
    );
    let client = client_of(&fake);
    let now = fake.config().now;
    let request = days(3, now, GroupBy::LineItem);
    match collect(&client, &request).await {
        Err(Failure::Overflow(e)) => {
            assert!(e.to_string().starts_with("the sum of costs passes"), "{e}")
        }
        other => panic!("expected an overflow, got {:?}", other.map(|_| ())),
    }

    let fake = FakeApi::start().await;
    for bucket in 0..2 {
        fake.inject(
            "/organization/usage/completions",
            &format!("/data/{bucket}/results/0/input_tokens"),
            serde_json::json!(i64::MAX),
        );
    }
    let client = client_of(&fake);
    let request = days(3, now, GroupBy::Model);
    match collect(&client, &request).await {
        Err(Failure::Overflow(e)) => assert!(e.to_string().contains("input tokens"), "{e}"),
        other => panic!("expected an overflow, got {:?}", other.map(|_| ())),
    }

    // A bucket at the end of time is reported, not a panic.
    let fake = FakeApi::start().await;
    fake.inject(
        "/organization/usage/completions",
        "/data/0/start_time",
        serde_json::json!(i64::MAX),
    );
    let client = client_of(&fake);
    let report = collect(&client, &request).await.unwrap();
    assert!(render_json(&report).unwrap().contains("\"date\""));
    render_table(&report).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_error_body_with_escape_sequences_reaches_stderr_as_text() {
    let fake = FakeApi::start().await;
    // A gateway's plain-text error page, quoted as it came.
    fake.push_fault(Fault::Status {
        status: 400,
        headers: Vec::new(),
        body: "bad \u{1b}[2J\u{1b}]0;owned\u{7} request\r".into(),
    });
    let base_url = fake.base_url();
    let output = tokio::task::spawn_blocking(move || {
        binary()
            .args([
                "--days",
                "1",
                "--api-key",
                "sk-admin-test",
                "--base-url",
                &base_url,
            ])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}') && !stderr.contains('\r'),
        "{stderr:?}"
    );
    assert!(
        stderr.contains("bad \\u{1b}[2J\\u{1b}]0;owned\\u{7} request"),
        "{stderr}"
    );
}

#[tokio::test]
async fn csv_and_json_have_one_schema_per_grouping_without_made_up_values() {
    let fake = FakeApi::start_with(Config::fixed()).await;
    let client = client_of(&fake);
    let now = fake.config().now;
    for (group_by, has_cost, has_tokens) in [
        (GroupBy::LineItem, true, false),
        (GroupBy::Model, false, true),
        (GroupBy::User, true, true),
    ] {
        let request = days(2, now, group_by);
        let report = collect(&client, &request).await.unwrap();
        let csv_text = render_csv(&report, CsvCells::Neutralized).unwrap();
        let header = csv_text.lines().next().unwrap();
        assert_eq!(header.contains("cost"), has_cost, "{group_by:?}: {header}");
        assert_eq!(
            header.contains("input_tokens"),
            has_tokens,
            "{group_by:?}: {header}"
        );
        assert!(!header.contains("archived"), "{group_by:?}: {header}");
        let json: serde_json::Value = serde_json::from_str(&render_json(&report).unwrap()).unwrap();
        for list in ["rows", "groups"] {
            for item in json[list].as_array().unwrap() {
                let object = item.as_object().unwrap();
                assert_eq!(
                    object.contains_key("cost"),
                    has_cost,
                    "{group_by:?} {list}: {item}"
                );
                assert_eq!(
                    object.contains_key("requests"),
                    has_tokens,
                    "{group_by:?} {list}: {item}"
                );
                if let Some(cost) = object.get("cost") {
                    let text = cost.as_str().unwrap();
                    assert!(!text.is_empty() && text.parse::<f64>().is_ok(), "{text}");
                }
            }
        }
    }
}

#[tokio::test]
async fn each_monthly_limit_is_measured_against_its_own_month_with_a_forecast() {
    // 2024-11-16T12:00:00Z: 15.5 of November's 30 days are over.
    let now = 1_731_758_400;
    let month_start = 1_730_419_200;
    let fake = FakeApi::start_with(Config {
        now,
        ..Config::fixed()
    })
    .await;
    let client = client_of(&fake);
    // The report shows 3 days; the limit is measured over the month so far.
    let report = collect(&client, &days(3, now, GroupBy::Project))
        .await
        .unwrap();
    let month = report
        .month
        .as_ref()
        .expect("a month-to-date standing by project");
    assert_eq!((month.start, month.now), (month_start, now));
    let spent = fake_costs_per_project(month_start, now, now);
    for (project, limit) in org::PROJECT_LIMITS {
        let standing = &month.projects[*project];
        assert_eq!(standing.limit_cents, Some(*limit));
        let cents_so_far = spent[*project];
        assert_eq!(
            cents(&standing.spent.to_cents_string()),
            cents_so_far,
            "{project}"
        );
        // Straight line: the spend so far × 30 / 15.5, to the cent (rounded half away from 0).
        let forecast = (cents_so_far as i128 * 30 * 2 * 10 + 31 * 5) / (31 * 10);
        let expected = cents(&standing.forecast.unwrap().to_cents_string()) as i128;
        assert!(
            (expected - forecast).abs() <= 1,
            "{project}: {expected} vs {forecast}"
        );
        let crossed: Vec<i64> = org::PROJECT_ALERTS
            .iter()
            .filter(|(p, _, c)| p == project && *c <= cents_so_far)
            .map(|(_, _, c)| *c)
            .collect();
        assert_eq!(standing.crossed, crossed, "{project}");
    }
    let organization = month.organization.as_ref().unwrap();
    assert_eq!(
        organization.limit_cents,
        Some(org::ORGANIZATION_LIMIT_CENTS)
    );
    assert_eq!(
        cents(&organization.spent.to_cents_string()),
        spent.values().sum::<i64>()
    );
    let table = render_table(&report).unwrap();
    assert!(
        table.contains("Month to date: 2024-11-01 to 2024-11-16 12:00 UTC (15.5 of 30 days)"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_str(&render_json(&report).unwrap()).unwrap();
    assert_eq!(json["month_to_date"]["start"], "2024-11-01");
    assert_eq!(
        json["month_to_date"]["organization"]["spend_limit_cents"],
        org::ORGANIZATION_LIMIT_CENTS
    );
}

#[tokio::test]
async fn the_html_page_shows_names_as_text_and_fetches_nothing() {
    let report = report_with_project_name("<img src=x onerror=alert(1)> & \"x\" \u{1b}[31m").await;
    let page = openai_usage_report::html::render(&report, "Report").unwrap();
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;x&quot; \\u{1b}[31m"),
        "the name, escaped, is in the page"
    );
    assert!(!page.contains("<img") && !page.contains("<script"));
    assert!(!page.contains('\u{1b}'));
    // Self-contained: no address to fetch, and a policy that forbids fetching.
    for word in [
        "http://", "https://", "src=\"", "href=", "@import", "url(http",
    ] {
        assert!(!page.contains(word), "{word}");
    }
    assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    assert_eq!(
        page.matches("<table>").count(),
        3,
        "a table under each chart"
    );
}

#[test]
fn fail_over_exits_3_naming_the_budget_and_not_below() {
    let over = binary()
        .args(["--demo", "--quiet", "--days", "2", "--fail-over", "1"])
        .env_remove("OPENAI_ADMIN_KEY")
        .output()
        .unwrap();
    // Every demo budget's forecast passes 1 % of its limit by far.
    assert_eq!(
        over.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&over.stderr)
    );
    let stderr = String::from_utf8_lossy(&over.stderr);
    assert!(
        stderr.contains("over budget: project Support assistant (proj_beta): forecast "),
        "{stderr}"
    );
    assert!(
        !over.stdout.is_empty(),
        "the report is written all the same"
    );
    let fine = binary()
        .args(["--demo", "--quiet", "--days", "2", "--fail-over", "100000"])
        .env_remove("OPENAI_ADMIN_KEY")
        .output()
        .unwrap();
    assert_eq!(
        fine.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fine.stderr)
    );
    let bad = binary()
        .args(["--demo", "--fail-over", "-5"])
        .env_remove("OPENAI_ADMIN_KEY")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    // Budgets are per project: another grouping is refused before anything is asked.
    let by_model = binary()
        .args(["--demo", "--group-by", "model", "--fail-over", "90"])
        .env_remove("OPENAI_ADMIN_KEY")
        .output()
        .unwrap();
    assert_eq!(by_model.status.code(), Some(2));
    assert!(by_model.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&by_model.stderr).contains("--fail-over needs --group-by project")
    );
}
