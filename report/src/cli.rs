//! The command line: options, subcommands and their documentation (what `--help` shows).

use clap::Parser;
use openai_usage_report::dates;
use openai_usage_report::export::focus::FocusVersion;
use openai_usage_report::export::FocusFormat;
use openai_usage_report::GroupBy;

/// How the report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
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
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Report on the last N days (UTC), today included; today is partial and marked so.
    #[arg(long, value_name = "N", default_value_t = 7, value_parser = clap::value_parser!(u16).range(1..=3660), conflicts_with_all = ["since", "until"])]
    pub days: u16,

    /// First day of the period (UTC date, YYYY-MM-DD); needs --until.
    #[arg(long, value_name = "DATE", requires = "until", value_parser = parse_date)]
    pub since: Option<i64>,

    /// Last day of the period (UTC date, YYYY-MM-DD), included; needs --since.
    #[arg(long, value_name = "DATE", requires = "since", value_parser = parse_date)]
    pub until: Option<i64>,

    /// What each row is about. Costs are reported per project, line item, API key, user or API
    /// source; tokens (completions and decisions) per project, model, API key, user or API source.
    #[arg(long, value_enum, default_value_t = GroupBy::Project)]
    pub group_by: GroupBy,

    /// How the report is written.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Run against a local fake of the API with made-up data; no key needed.
    #[arg(long, global = true)]
    pub demo: bool,

    /// An admin API key of the organization.
    #[arg(
        long,
        env = "OPENAI_ADMIN_KEY",
        hide_env_values = true,
        value_name = "KEY",
        global = true
    )]
    pub api_key: Option<String>,

    /// Send requests here instead of https://api.openai.com/v1 (a proxy, say).
    #[arg(
        long,
        env = "OPENAI_BASE_URL",
        hide_env_values = true,
        value_name = "URL",
        global = true
    )]
    pub base_url: Option<String>,

    /// Exit 3 when any budget's forecast (month to date, straight line to the month's end)
    /// passes PCT percent of its monthly hard limit (with --group-by project; for a cron job
    /// or CI). The report is written all the same.
    #[arg(long, value_name = "PCT", value_parser = parse_percent)]
    pub fail_over: Option<f64>,

    /// Report from this store (a SQLite file, or a postgres:// URL) that `sync` keeps, instead
    /// of calling the API: the same report, without a request.
    #[arg(long, value_name = "TARGET")]
    pub db: Option<String>,

    /// The organization of the store to report on (needed when it holds several; `demo` is
    /// the one `sync --demo` writes).
    #[arg(long, value_name = "NAME", requires = "db")]
    pub org: Option<String>,

    /// Take this moment (Unix seconds) as now: reports and syncs that can be repeated exactly.
    #[arg(long, value_name = "UNIX_SECONDS", hide = true, global = true)]
    pub now: Option<i64>,

    /// Do not show the progress indicator.
    #[arg(long, global = true)]
    pub quiet: bool,

    /// Write CSV cells as the API sent them. By default a name or ID that starts with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return gets a leading `'`, so that a spreadsheet shows it
    /// as text instead of running it as a formula.
    #[arg(long)]
    pub csv_raw: bool,
}

/// How a budget plan is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// For a terminal or a log: changes by budget, marked `+`, `~` and `-`.
    Text,
    /// A Markdown table, for a pull request comment.
    Markdown,
}

#[derive(Debug, clap::Subcommand)]
pub enum BudgetsCommand {
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
pub enum Command {
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
        /// variable holding its admin key) instead of the one of --api-key (which is then not
        /// used).
        #[arg(long, value_name = "FILE", conflicts_with = "org")]
        config: Option<std::path::PathBuf>,
        /// The name the organization is kept under (default: `default`, or `demo` with --demo).
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
    },
    /// Write a store's history for the tools FinOps teams run: costs as FOCUS, or usage and
    /// costs as Parquet datasets partitioned by day.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
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

pub fn parse_date(text: &str) -> Result<i64, String> {
    dates::parse_date(text)
}

/// What `export` writes.
#[derive(Debug, clap::Subcommand)]
pub enum ExportCommand {
    /// Costs as FOCUS, the FinOps Foundation's open cost format: one row per day, project, line
    /// item, API key and API source, every FOCUS column, amounts exact.
    Focus {
        /// The store: a SQLite file or a postgres:// URL.
        #[arg(long, value_name = "TARGET")]
        db: String,
        /// The file to write (replaced only once the new one is complete).
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// CSV (what focus-validator reads) or Parquet.
        #[arg(long, value_enum, default_value_t = FocusFormat::Csv)]
        format: FocusFormat,
        /// The FOCUS version: 1.0, or 1.2 (1.0's columns and those 1.1 and 1.2 added).
        #[arg(long, value_enum, default_value_t = FocusVersion::V1_0)]
        focus_version: FocusVersion,
        /// Only this organization of the store (by default, every one, each its own
        /// BillingAccountId).
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
        /// Write CSV text cells as stored, without the leading `'` that keeps a spreadsheet
        /// from running a name that starts with `=`, `+`, `-` or `@` as a formula.
        #[arg(long)]
        csv_raw: bool,
    },
    /// Usage and costs as Parquet under DIR: `costs/`, `costs_by_user/` and `usage/`, each
    /// partitioned by day (`date=YYYY-MM-DD/part-0.parquet`), amounts as DECIMAL(38, 18).
    Parquet {
        /// The store: a SQLite file or a postgres:// URL.
        #[arg(long, value_name = "TARGET")]
        db: String,
        /// The folder to write (replaced only once the new one is complete).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// Only this organization of the store.
        #[arg(long, value_name = "NAME")]
        org: Option<String>,
    },
}
