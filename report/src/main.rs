//! `openai-usage-report`: what an OpenAI organization spent, per day and per project (or line
//! item, model, API key, user), with names instead of IDs and each project's spend against its
//! hard spend limit. Data goes to stdout (a table, CSV or JSON); progress and errors to stderr.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{CommandFactory as _, Parser};
use openai_usage::Client;
use openai_usage_report::dates::{self, DAY};
use openai_usage_report::{collect, render_csv, render_json, render_table, GroupBy, Request};

/// How the report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned tables for reading: per day and group, then totals per group.
    Table,
    /// CSV with a header: one row per day and group, with IDs and names.
    Csv,
    /// JSON: the rows, and per-group totals with spend limits and alerts.
    Json,
}

/// Chargeback report of an OpenAI organization: costs and tokens per day and per project, line
/// item, model, API key or user, with names instead of IDs, and each project's spend against its
/// hard spend limit.
///
/// Reads every page of the period (retrying what fails). Data goes to stdout, so
/// `> report.csv` works; a progress indicator goes to stderr when it is a terminal.
#[derive(Debug, Parser)]
#[command(name = "openai-usage-report", version)]
struct Args {
    /// Report on the last N days (UTC), today included; today is partial and marked so.
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=3660), conflicts_with_all = ["since", "until"])]
    days: u16,

    /// First day of the period (UTC date, YYYY-MM-DD); needs --until.
    #[arg(long, value_name = "DATE", requires = "until", value_parser = parse_date)]
    since: Option<i64>,

    /// Last day of the period (UTC date, YYYY-MM-DD), included; needs --since.
    #[arg(long, value_name = "DATE", requires = "since", value_parser = parse_date)]
    until: Option<i64>,

    /// What each row is about. Costs are reported per project, line item or API key; tokens per
    /// project, model, API key or user.
    #[arg(long, value_enum, default_value_t = GroupBy::Project)]
    group_by: GroupBy,

    /// How the report is written.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// Run against a local fake of the API with made-up data; no key needed.
    #[arg(long)]
    demo: bool,

    /// An admin API key of the organization.
    #[arg(
        long,
        env = "OPENAI_ADMIN_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    api_key: Option<String>,

    /// Send requests here instead of https://api.openai.com/v1 (a proxy, say).
    #[arg(
        long,
        env = "OPENAI_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    base_url: Option<String>,

    /// Do not show the progress indicator.
    #[arg(long)]
    quiet: bool,
}

fn parse_date(text: &str) -> Result<i64, String> {
    dates::parse_date(text)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (start, end) = match (args.since, args.until) {
        (Some(since), Some(until)) => {
            if until < since {
                let _ = Args::command()
                    .error(
                        clap::error::ErrorKind::ArgumentConflict,
                        "--until is before --since",
                    )
                    .print();
                return ExitCode::from(2);
            }
            // The last day is included; a period reaching into the future stops now.
            let end = (until + DAY).min(now);
            if end <= since {
                eprintln!("error: the period starts after now; nothing to report");
                return ExitCode::from(2);
            }
            (since, end)
        }
        _ => ((now.div_euclid(DAY) - i64::from(args.days) + 1) * DAY, now),
    };

    // The fake (when asked for) lives as long as `main`.
    let mut fake = None;
    let builder = if args.demo {
        let config = openai_usage_fake::Config {
            now,
            record: false,
            ..Default::default()
        };
        let server = openai_usage_fake::FakeApi::start_with(config).await;
        let builder = Client::builder()
            .api_key("sk-admin-demo")
            .base_url(server.base_url());
        fake = Some(server);
        builder
    } else {
        let Some(key) = args.api_key.filter(|k| !k.trim().is_empty()) else {
            eprintln!(
                "error: no admin API key: set OPENAI_ADMIN_KEY or pass --api-key (or run with --demo to use a local fake of the API)"
            );
            return ExitCode::from(2);
        };
        let mut builder = Client::builder().api_key(key);
        if let Some(url) = args.base_url.filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        builder
    };
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let request = Request {
        start,
        end,
        now,
        group_by: args.group_by,
        progress: !args.quiet,
    };
    let report = match collect(&client, &request).await {
        Ok(report) => report,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    drop(fake);
    let text = match args.format {
        Format::Table => format!(
            "Costs and tokens from {} to {} (UTC){}\n\n{}",
            dates::date(start),
            dates::date(end - 1),
            if args.demo { ", demo data" } else { "" },
            render_table(&report)
        ),
        Format::Csv => match render_csv(&report) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot write CSV: {e}");
                return ExitCode::FAILURE;
            }
        },
        Format::Json => render_json(&report),
    };
    // A reader that stops early (`| head`) is not an error.
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the report: {e}");
            ExitCode::FAILURE
        }
        _ => ExitCode::SUCCESS,
    }
}
