//! `openai-usage-report`: what an OpenAI organization spent, per day and per project (or line
//! item, model, API key, user), with names instead of IDs and each project's spend against its
//! hard spend limit. Data goes to stdout (a table, CSV or JSON); progress and errors to stderr.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{CommandFactory as _, Parser};
use openai_usage::{Client, ClientBuilder};
use openai_usage_report::dates::{self, DAY};
use openai_usage_report::{
    collect, doctor, render_csv, render_json, render_table, safe, CsvCells, GroupBy, Request,
};

/// How the report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Aligned tables for reading: per day and group, then totals per group.
    Table,
    /// CSV with a header: one row per day and group. Columns: date, partial_day, id, name,
    /// archived (by project), cost and currency (where costs are reported: not by model),
    /// requests, input_tokens and output_tokens (where tokens are: not by line item); a column is
    /// there with real values or not at all.
    Csv,
    /// JSON: `columns`, the `rows` (objects with those keys), and per-group totals (`groups`)
    /// with spend limits and alerts by project, and by project the month to date
    /// (`month_to_date`).
    Json,
    /// One self-contained HTML page (inline SVG and CSS, nothing fetched): daily cost stacked
    /// by the grouping, tokens over time, and by project each budget's month to date and
    /// forecast against its limit and alerts, with the numbers in a table under each chart.
    Html,
}

/// Chargeback report of an OpenAI organization: costs and tokens per day and per project, line
/// item, model, API key, user or API source, with names instead of IDs, and each project's spend
/// against its hard spend limit.
///
/// Reads every page of the period (retrying what fails). Data goes to stdout, so
/// `> report.csv` works; a progress indicator goes to stderr when it is a terminal.
#[derive(Debug, Parser)]
#[command(
    name = "openai-usage-report",
    version,
    args_conflicts_with_subcommands = true
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,

    /// Report on the last N days (UTC), today included; today is partial and marked so.
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=3660), conflicts_with_all = ["since", "until"])]
    days: u16,

    /// First day of the period (UTC date, YYYY-MM-DD); needs --until.
    #[arg(long, value_name = "DATE", requires = "until", value_parser = parse_date)]
    since: Option<i64>,

    /// Last day of the period (UTC date, YYYY-MM-DD), included; needs --since.
    #[arg(long, value_name = "DATE", requires = "since", value_parser = parse_date)]
    until: Option<i64>,

    /// What each row is about. Costs are reported per project, line item, API key, user or API
    /// source; tokens (completions and decisions) per project, model, API key, user or API source.
    #[arg(long, value_enum, default_value_t = GroupBy::Project)]
    group_by: GroupBy,

    /// How the report is written.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,

    /// Run against a local fake of the API with made-up data; no key needed.
    #[arg(long, global = true)]
    demo: bool,

    /// An admin API key of the organization.
    #[arg(
        long,
        env = "OPENAI_ADMIN_KEY",
        hide_env_values = true,
        value_name = "KEY",
        global = true
    )]
    api_key: Option<String>,

    /// Send requests here instead of https://api.openai.com/v1 (a proxy, say).
    #[arg(
        long,
        env = "OPENAI_BASE_URL",
        hide_env_values = true,
        value_name = "URL",
        global = true
    )]
    base_url: Option<String>,

    /// Exit 3 when any budget's forecast (month to date, straight line to the month's end)
    /// passes PCT percent of its monthly hard limit (with --group-by project; for a cron job
    /// or CI). The report is written all the same.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    fail_over: Option<f64>,

    /// Report from this store (a SQLite file, or a postgres:// URL) that `sync` keeps, instead
    /// of calling the API: the same report, without a request.
    #[arg(long, value_name = "TARGET")]
    db: Option<String>,

    /// The organization of the store to report on (needed when it holds several; `demo` is
    /// the one `sync --demo` writes).
    #[arg(long, value_name = "NAME", requires = "db")]
    org: Option<String>,

    /// Take this moment (Unix seconds) as now: reports and syncs that can be repeated exactly.
    #[arg(long, value_name = "UNIX_SECONDS", hide = true, global = true)]
    now: Option<i64>,

    /// Do not show the progress indicator.
    #[arg(long, global = true)]
    quiet: bool,

    /// Write CSV cells as the API sent them. By default a name or ID that starts with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return gets a leading `'`, so that a spreadsheet shows it
    /// as text instead of running it as a formula.
    #[arg(long)]
    csv_raw: bool,
}

/// How a budget plan is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum PlanFormat {
    /// For a terminal or a log: changes by budget, marked `+`, `~` and `-`.
    Text,
    /// A Markdown table, for a pull request comment.
    Markdown,
}

#[derive(Debug, clap::Subcommand)]
enum BudgetsCommand {
    /// Show what would change to make the spend limits and alerts what FILE declares.
    ///
    /// Only reads. Exits 0 when nothing would change, 2 when something would (so CI can require
    /// a reviewed plan), 1 on an error (a mistake in FILE is named at its line and column).
    Plan {
        /// The budgets file (YAML; see report/examples/budgets.yaml).
        file: std::path::PathBuf,
        /// How the plan is written.
        #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
        format: PlanFormat,
    },
    /// Make the spend limits and alerts what FILE declares: the plan, applied.
    ///
    /// Without --yes nothing is changed: the plan is shown (exit 2 if something would change).
    /// With --yes the changes are made in a safe order (new and changed alerts, then limits,
    /// then deletions); the first failure stops it, saying what was applied. Exits 0 when done,
    /// 1 on an error.
    Apply {
        /// The budgets file (YAML; see report/examples/budgets.yaml).
        file: std::path::PathBuf,
        /// Change the organization (without it, nothing is sent but reads).
        #[arg(long)]
        yes: bool,
        /// How the plan is written.
        #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
        format: PlanFormat,
    },
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Budgets as code: the organization's and projects' monthly hard limits and spend alerts,
    /// declared in a YAML file reviewed like code.
    Budgets {
        #[command(subcommand)]
        command: BudgetsCommand,
    },
    /// Keep the organization's history in a store: every usage and cost bucket at the finest
    /// grouping, names, spend limits and alerts.
    ///
    /// Reads only what the store lacks, plus the last --restate-days days again (OpenAI's
    /// recent numbers change after the fact; the rows of re-read buckets are replaced, never
    /// added twice). Each page is committed on its own, so a sync that is stopped goes on where
    /// it stopped when run again. The start of the current month is always kept, for budgets.
    Sync {
        /// The store: a SQLite file (created when missing) or a postgres:// URL.
        #[arg(long, value_name = "TARGET")]
        db: String,
        /// Keep the last N days (UTC), today included.
        #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..=3660), conflicts_with = "since")]
        days: u16,
        /// Keep history from this day (UTC date, YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        since: Option<i64>,
        /// Past days read again on every sync, because late usage changes them.
        #[arg(long, value_name = "N", default_value_t = openai_usage_store::sync::DEFAULT_RESTATE_DAYS, value_parser = clap::value_parser!(u32).range(0..=90))]
        restate_days: u32,
        /// Sync the organizations this YAML file lists (each a name and the environment
        /// variable holding its admin key) instead of the one of --api-key.
        #[arg(long, value_name = "FILE", conflicts_with = "org")]
        config: Option<std::path::PathBuf>,
        /// The name the organization is kept under (default: `default`, or `demo` with --demo).
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
    },
    /// Check that the crate's spec still describes what the API sends.
    ///
    /// Calls every read operation once (one page of the last day, one call at a time), and
    /// prints per operation OK, or each JSON pointer of the answer that the spec does not
    /// describe with the spec/overlay.yaml action that would describe it. Exits 0 when
    /// everything is described, 1 when something is not, 2 on a usage or connection error.
    Doctor {
        /// The pause between two calls, in milliseconds (to stay well inside rate limits).
        #[arg(long, value_name = "MS", default_value_t = 500)]
        interval_ms: u64,
    },
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if p.is_finite() && p > 0.0 => Ok(p),
        _ => Err(format!(
            "`{text}` is not a percentage above 0 (such as 90 or 100)"
        )),
    }
}

fn parse_date(text: &str) -> Result<i64, String> {
    dates::parse_date(text)
}

/// The client's builder for `--demo` (with the fake it talks to, which must outlive it) or for
/// the organization of `--api-key` and `--base-url`.
async fn client_builder(
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
    if let Some(Command::Sync { .. }) = &args.command {
        return run_sync(&args, now).await;
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
        return match report_from_store(db, args.org.as_deref(), &request).await {
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

/// The report of `org` (or the store's only organization) from the store at `db`.
async fn report_from_store(
    db: &str,
    org: Option<&str>,
    request: &Request,
) -> Result<(openai_usage_report::Report, String), String> {
    use openai_usage_store::{read, Store, Target};
    let target = Target::parse(db).map_err(|e| e.to_string())?;
    let store = Store::open(&target).await.map_err(|e| e.to_string())?;
    let org = match org {
        Some(org) => org.to_owned(),
        None => {
            let orgs = read::organizations(&store)
                .await
                .map_err(|e| e.to_string())?;
            match orgs.as_slice() {
                [one] => one.clone(),
                [] => return Err(format!("the store {} holds no organization yet; run `openai-usage-report sync --db ...` first", target.shown())),
                several => return Err(format!("the store {} holds several organizations ({}); name one with --org", target.shown(), several.join(", "))),
            }
        }
    };
    let report = openai_usage_report::collect_stored(&store, &org, request)
        .await
        .map_err(|e| e.to_string())?;
    store.close().await;
    Ok((report, org))
}

/// `sync`: exit 0 when every organization is synced, 1 on an error, 2 on a usage error.
async fn run_sync(args: &Args, now: i64) -> ExitCode {
    use openai_usage_store::config::Config;
    use openai_usage_store::sync::{self, Organization};
    use openai_usage_store::{Store, Target};
    let Some(Command::Sync {
        db,
        days,
        since,
        restate_days,
        config,
        org,
    }) = &args.command
    else {
        unreachable!("run_sync is called for `sync`")
    };
    let usage = |message: &str| {
        let _ = Args::command()
            .error(clap::error::ErrorKind::ArgumentConflict, message)
            .print();
        ExitCode::from(2)
    };
    if config.is_some() && (args.demo || args.api_key.is_some()) {
        return usage(
            "--config names each organization's key; it does not go with --demo or --api-key",
        );
    }
    let target = match Target::parse(db) {
        Ok(target) => target,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut fakes = Vec::new();
    let mut organizations = Vec::new();
    if let Some(path) = config {
        let config = match Config::read(path) {
            Ok(config) => config,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        for entry in config.organizations {
            let key = std::env::var(&entry.admin_key_env).unwrap_or_default();
            if key.trim().is_empty() {
                eprintln!(
                    "error: {}: organization `{}`: the environment variable {} (its admin key) is not set",
                    path.display(),
                    entry.name,
                    entry.admin_key_env
                );
                return ExitCode::from(2);
            }
            let mut builder = Client::builder().api_key(key);
            if let Some(url) = entry.base_url {
                builder = builder.base_url(url);
            }
            match builder.build() {
                Ok(client) => organizations.push(Organization {
                    name: entry.name,
                    client,
                }),
                Err(e) => {
                    eprintln!(
                        "error: organization `{}`: {}",
                        entry.name,
                        safe::visible(&e.to_string())
                    );
                    return ExitCode::from(2);
                }
            }
        }
    } else {
        let (builder, fake) = match client_builder(args, now).await {
            Ok(found) => found,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        };
        fakes.extend(fake);
        let name = org
            .clone()
            .unwrap_or_else(|| if args.demo { "demo" } else { "default" }.to_owned());
        match builder.build() {
            Ok(client) => organizations.push(Organization { name, client }),
            Err(e) => {
                eprintln!("error: {}", safe::visible(&e.to_string()));
                return ExitCode::from(2);
            }
        }
    }
    let since = since.unwrap_or_else(|| (now.div_euclid(DAY) - i64::from(*days) + 1) * DAY);
    let options = sync::Options {
        since,
        now,
        restate_days: *restate_days,
    };
    let store = match Store::open(&target).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {}", safe::visible(&e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    let started = std::time::Instant::now();
    let result =
        openai_usage_report::history::sync_all(&store, &organizations, options, !args.quiet).await;
    store.close().await;
    drop(fakes);
    match result {
        Ok(summaries) => {
            for (org, summary) in summaries {
                println!(
                    "{}: {} pages, {} results written to {} (from {} to now, the last {restate_days} day(s) read again), in {:.1} s",
                    safe::visible(&org),
                    summary.pages,
                    summary.rows,
                    safe::visible(&target.shown()),
                    dates::date(since.min(openai_usage_store::sync::month_start(now))),
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", safe::visible(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}
