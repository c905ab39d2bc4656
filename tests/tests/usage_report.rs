//! The `usage_report` example's totals are exactly what the fake computes itself, across faults.

#[path = "../demo/usage_report/report.rs"]
mod report;

use std::time::Duration;

use openai_usage::Client;
use tests::fake::{data, FakeApi, Fault};

fn query(pairs: &[(&str, String)]) -> data::Query {
    data::Query(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

#[tokio::test]
async fn report_totals_match_the_fake_across_faults() {
    let fake = FakeApi::start().await;
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
        .api_key("sk-admin-demo")
        .base_url(fake.base_url())
        .max_retries(3)
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    // 75 days: three pages of completions (31 a page) and one of costs (180 a page).
    let end = fake.config().now;
    let start = end - 75 * 86_400 + 3_600;
    let report = report::collect(&client, start, end).await.unwrap();
    assert!(fake.request_count() > 4, "faults were injected and retried");

    // What the fake says the totals are.
    let completions = data::endpoint("/organization/usage/completions").unwrap();
    let ask = data::ask(
        completions,
        &query(&[
            ("start_time", start.to_string()),
            ("end_time", end.to_string()),
            ("group_by", "model".into()),
        ]),
        end,
    )
    .unwrap();
    let (mut input, mut output, mut requests) = (0i64, 0i64, 0i64);
    let mut per_day_model = 0;
    for bucket in data::all_buckets(completions, &ask) {
        for result in bucket["results"].as_array().unwrap() {
            input += result["input_tokens"].as_i64().unwrap();
            output += result["output_tokens"].as_i64().unwrap();
            requests += result["num_model_requests"].as_i64().unwrap();
            per_day_model += 1;
        }
    }
    let totals = report.total_tokens();
    assert_eq!(
        (totals.input, totals.output, totals.requests),
        (input, output, requests)
    );
    assert_eq!(report.tokens.len(), per_day_model);

    let costs = data::endpoint("/organization/costs").unwrap();
    let ask = data::ask(
        costs,
        &query(&[
            ("start_time", start.to_string()),
            ("end_time", end.to_string()),
        ]),
        end,
    )
    .unwrap();
    let expected_cents = data::total_cost_cents(&ask);
    assert!(expected_cents > 0);
    assert_eq!((report.total_cost() * 100.0).round() as u64, expected_cents);
    assert_eq!(report.cost.len(), 75, "one row per day");
    assert_eq!(report.currency.as_deref(), Some("usd"));

    // Tool calls: what the fake says each kind adds up to.
    for (path, kind) in [
        ("/organization/usage/file_search_calls", "file search"),
        ("/organization/usage/web_search_calls", "web search"),
    ] {
        let endpoint = data::endpoint(path).unwrap();
        let ask = data::ask(
            endpoint,
            &query(&[
                ("start_time", start.to_string()),
                ("end_time", end.to_string()),
            ]),
            end,
        )
        .unwrap();
        let calls: i64 = data::all_buckets(endpoint, &ask)
            .iter()
            .flat_map(|b| b["results"].as_array().unwrap().clone())
            .map(|r| r["num_requests"].as_i64().unwrap())
            .sum();
        assert!(calls > 0);
        assert_eq!(report.tool_calls.get(kind), Some(&calls), "{kind}");
    }

    let table = report::render(&report);
    let first_day = report::date(start);
    assert!(table.starts_with("Day         Model"), "{table}");
    assert!(table.contains(&format!("{first_day}  gpt-4o ")), "{table}");
    assert!(
        table.contains(&format!("\nTotal       {:>14.2}\n", report.total_cost())),
        "{table}"
    );
    assert!(table.contains("\nweb search  "), "{table}");
}

#[test]
fn dates_are_utc_calendar_days() {
    assert_eq!(report::date(0), "1970-01-01");
    assert_eq!(report::date(1_730_419_200), "2024-11-01");
    assert_eq!(report::date(1_709_164_800), "2024-02-29");
    assert_eq!(report::date(951_782_400), "2000-02-29");
    assert_eq!(report::date(-86_400), "1969-12-31");
}

#[test]
fn an_empty_report_renders_zero_totals() {
    let table = report::render(&report::Report::default());
    let totals: Vec<Vec<&str>> = table
        .lines()
        .filter(|l| l.starts_with("Total"))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        totals,
        [vec!["Total", "0", "0", "0"], vec!["Total", "0.00"]],
        "{table}"
    );
}
