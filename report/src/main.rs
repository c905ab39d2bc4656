//! `openai-usage-report`: what an OpenAI organization spent, per day and per project (or line
//! item, model, API key, user), with names instead of IDs and each project's spend against its
//! hard spend limit. Data goes to stdout (a table, CSV or JSON); progress and errors to stderr.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{CommandFactory as _, Parser as _};

mod cli;
mod cli_store;

use cli::{Args, BudgetsCommand, Command, Format, PlanFormat};
use openai_usage::{Client, ClientBuilder};
use openai_usage_report::dates::{self, DAY};
use openai_usage_report::{
    collect, doctor, render_csv, render_json, render_table, safe, CsvCells, GroupBy, Request,
};

/// The client's builder for `--demo` (with the fake it talks to, which must outlive it) or for
/// the organization of `--api-key` and `--base-url`.
pub(crate) async fn client_builder(
    args: &Args,
    now: i64,
) -> Result<(ClientBuilder, Option<openai_usage_fake::FakeApi>), String> {
    if args.demo {
        let config = openai_usage_fake::Config {
            now,
            record: false,
            ..Default::default()
        };
        let server = openai_usage_fake::FakeApi::start_with(config).await;
        let builder = Client::builder()
            .api_key("sk-admin-demo")
            .base_url(server.base_url());
        return Ok((builder, Some(server)));
    }
    let Some(key) = args.api_key.clone().filter(|k| !k.trim().is_empty()) else {
        return Err("no admin API key: set OPENAI_ADMIN_KEY or pass --api-key (or run with --demo to use a local fake of the API)".into());
    };
    let mut builder = Client::builder().api_key(key);
    if let Some(url) = args.base_url.clone().filter(|u| !u.trim().is_empty()) {
        builder = builder.base_url(url);
    }
    Ok((builder, None))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let now = args.now.unwrap_or_else(|| {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    });
    if let Some(Command::Export { command }) = &args.command {
        return cli_store::run_export(command).await;
    }
    if let Some(Command::Sync { .. }) = &args.command {
        return cli_store::run_sync(&args, now).await;
    }
    if args.db.is_some() && args.demo {
        let _ = Args::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--db reports from a store and --demo from the fake; pick one (`sync --demo --db FILE` fills a store from the fake)",
            )
            .print();
        return ExitCode::from(2);
    }
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

    if args.fail_over.is_some() && args.group_by != GroupBy::Project && args.command.is_none() {
        let _ = Args::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--fail-over needs --group-by project (budgets are per project and organization)",
            )
            .print();
        return ExitCode::from(2);
    }
    if let Some(db) = &args.db {
        let request = Request {
            start,
            end,
            now,
            group_by: args.group_by,
            progress: !args.quiet,
        };
        return match cli_store::report_from_store(db, args.org.as_deref(), &request).await {
            Ok((report, org)) => write_report(&args, &report, start, end, org == "demo"),
            Err(message) => {
                eprintln!("error: {}", safe::visible(&message));
                ExitCode::FAILURE
            }
        };
    }
    // The fake (when asked for) lives as long as `main`.
    let (builder, fake) = match client_builder(&args, now).await {
        Ok(found) => found,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(Command::Budgets { command }) = &args.command {
        let client = match builder.build() {
            Ok(client) => client,
            Err(e) => {
                eprintln!("error: {}", safe::visible(&e.to_string()));
                return ExitCode::from(1);
            }
        };
        let code = run_budgets(&client, command).await;
        drop(fake);
        return code;
    }
    if let Some(Command::Doctor { interval_ms }) = args.command {
        let request = doctor::Request {
            now,
            interval: std::time::Duration::from_millis(interval_ms),
        };
        let result = doctor::run(builder, &request).await;
        drop(fake);
        return match result {
            Ok(checked) => {
                print!("{}", doctor::render(&checked));
                if doctor::all_described(&checked) {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(1)
                }
            }
            Err(failed) => {
                print!("{}", doctor::render(&failed.checked));
                eprintln!(
                    "error: {}: {}",
                    failed.operation,
                    safe::visible(&failed.error.to_string())
                );
                ExitCode::from(2)
            }
        };
    }
    let client = match builder.build() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("error: {}", safe::visible(&e.to_string()));
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
            // The error may quote the API's answer: shown, not obeyed, on the terminal.
            eprintln!("error: {}", safe::visible(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    drop(fake);
    write_report(&args, &report, start, end, args.demo)
}

/// Writes the report to stdout in the format asked for; with --fail-over, exits 3 when a
/// budget's forecast passes it.
fn write_report(
    args: &Args,
    report: &openai_usage_report::Report,
    start: i64,
    end: i64,
    demo: bool,
) -> ExitCode {
    let text = match args.format {
        Format::Table => render_table(report).map(|table| {
            format!(
                "Costs and tokens from {} to {} (UTC){}\n\n{table}",
                dates::date(start),
                dates::date(end - 1),
                if demo { ", demo data" } else { "" },
            )
        }),
        Format::Csv => {
            let cells = if args.csv_raw {
                CsvCells::Raw
            } else {
                CsvCells::Neutralized
            };
            match render_csv(report, cells) {
                Ok(text) => Ok(text),
                Err(e) => {
                    eprintln!("error: cannot write CSV: {}", safe::visible(&e.to_string()));
                    return ExitCode::FAILURE;
                }
            }
        }
        Format::Json => render_json(report),
        Format::Html => openai_usage_report::html::render(
            report,
            &format!(
                "Costs and tokens from {} to {} (UTC){}",
                dates::date(start),
                dates::date(end - 1),
                if demo { ", demo data" } else { "" },
            ),
        ),
    };
    let text = match text {
        Ok(text) => text,
        Err(overflow) => {
            eprintln!("error: {overflow}");
            return ExitCode::FAILURE;
        }
    };
    // A reader that stops early (`| head`) is not an error.
    if let Err(e) = std::io::stdout().write_all(text.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write the report: {e}");
            return ExitCode::FAILURE;
        }
    }
    // With --group-by project (checked before anything was sent), the month is measured.
    if let (Some(percent), Some(month)) = (args.fail_over, &report.month) {
        let over = openai_usage_report::standing::over(report, month, percent);
        if !over.is_empty() {
            for (who, forecast) in &over {
                eprintln!(
                    "over budget: {}: forecast {forecast:.1} % of its monthly limit (more than {percent} %)",
                    safe::visible(who)
                );
            }
            return ExitCode::from(3);
        }
    }
    ExitCode::SUCCESS
}

/// `budgets plan` and `budgets apply`: exit 0 when the budgets are as declared (or were made so),
/// 2 when a plan has changes not applied, 1 on an error.
async fn run_budgets(client: &Client, command: &BudgetsCommand) -> ExitCode {
    use openai_usage_report::budgets;
    let (path, format, apply) = match command {
        BudgetsCommand::Plan { file, format } => (file, *format, None),
        BudgetsCommand::Apply { file, yes, format } => (file, *format, Some(*yes)),
    };
    let file = match budgets::file::read(path) {
        Ok(file) => file,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let shown_as = path.display().to_string();
    let plan = match budgets::plan(client, &file, &shown_as).await {
        Ok(plan) => plan,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let rendered = match format {
        PlanFormat::Text => budgets::render_text(&plan),
        PlanFormat::Markdown => budgets::render_markdown(&plan),
    };
    print!("{rendered}");
    match apply {
        None | Some(false) if plan.changes.is_empty() => ExitCode::SUCCESS,
        None => ExitCode::from(2),
        Some(false) => {
            eprintln!(
                "nothing changed: pass --yes to apply these {} change(s)",
                plan.changes.len()
            );
            ExitCode::from(2)
        }
        Some(true) => {
            let total = plan.changes.len();
            let result = budgets::apply(client, &plan, |change| {
                eprintln!(
                    "applied: {}: {}",
                    safe::visible(&change.scope.label()),
                    safe::visible(&change.action.describe())
                );
            })
            .await;
            match result {
                Ok(()) => {
                    if total > 0 {
                        println!("Applied {total} change(s).");
                    }
                    ExitCode::SUCCESS
                }
                Err(failed) => {
                    eprintln!(
                        "error: applied {} of {total} change(s); failed at {}: {}: {}\nThe rest was not sent; run `budgets plan` to see what is left.",
                        failed.applied,
                        safe::visible(&failed.change.scope.label()),
                        safe::visible(&failed.change.action.describe()),
                        safe::visible(&failed.error.to_string())
                    );
                    ExitCode::from(1)
                }
            }
        }
    }
}
