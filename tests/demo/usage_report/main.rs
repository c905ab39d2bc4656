//! Cost and tokens per day and per model over the last N days, paging to the end, as a table.
//!
//! ```text
//! cargo run -p openai-usage --example usage_report -- --demo            # against a local fake
//! OPENAI_ADMIN_KEY=sk-admin-... cargo run -p openai-usage --example usage_report -- --days 30
//! ```
//!
//! With `--demo` it starts the project's local fake of the API in-process (no key needed);
//! otherwise it reads the admin key from `OPENAI_ADMIN_KEY` (and `OPENAI_BASE_URL`, if set).

mod report;

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use openai_usage::Client;

const USAGE: &str = "usage: usage_report [--demo] [--days N]";

#[tokio::main]
async fn main() -> ExitCode {
    let mut demo = false;
    let mut days: i64 = 7;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--demo" => demo = true,
            "--days" => match args.next().and_then(|d| d.parse().ok()) {
                Some(d) if (1..=365).contains(&d) => days = d,
                _ => {
                    eprintln!("--days takes a number of days from 1 to 365\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    // Whole UTC days: today and the days before it.
    let start = (now.div_euclid(86_400) - days + 1) * 86_400;
    let end = now;

    // The fake (when asked for) lives as long as `main`.
    let mut fake = None;
    let client = if demo {
        let config = tests::fake::Config { now, record: false };
        let server = tests::fake::FakeApi::start_with(config).await;
        let client = Client::builder()
            .api_key("sk-admin-demo")
            .base_url(server.base_url())
            .build();
        fake = Some(server);
        client
    } else {
        Client::from_env()
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}\n(or run with --demo to use a local fake of the API)");
            return ExitCode::FAILURE;
        }
    };

    println!(
        "Usage and costs from {} to {} (UTC){}\n",
        report::date(start),
        report::date(end),
        if fake.is_some() { ", demo data" } else { "" }
    );
    match report::collect(&client, start, end).await {
        Ok(report) => {
            print!("{}", report::render(&report));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
