//! The chargeback report: costs and tokens of an OpenAI organization per day and per group
//! (project, line item, model, API key or user), with the names behind the IDs and each
//! project's spend against its hard spend limit.
//!
//! [`collect`] pages every bucket of the period to the end and looks each name up once;
//! [`collect_stored`] builds the same report from a store that `sync` keeps;
//! [`render_table`], [`render_csv`] and [`render_json`] write the result. The binary
//! (`openai-usage-report`) is a thin command line around these.

pub mod budgets;
mod collect;
pub mod dates;
pub mod doctor;
pub mod export;
pub mod history;
pub mod html;
pub mod money;
mod render;
pub mod safe;
pub mod standing;
mod stored;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openai_usage::{
    ApiSource, UsageCompletionsGroupBy, UsageCostsGroupBy, UsageDecisionsGroupBy, UsageTimeBucket,
};

pub use collect::{collect, Failure};
pub use money::Money;
pub(crate) use render::table;
pub use render::{
    columns, grouped, render_csv, render_json, render_table, rows, CsvCells, NAME_COLUMNS,
};
pub use stored::collect_stored;

/// What the rows are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum GroupBy {
    /// Per project (costs and tokens), with names, spend limits and alerts.
    Project,
    /// Per line item of the invoice (costs only).
    LineItem,
    /// Per model (tokens only: costs are not reported per model).
    Model,
    /// Per API key (costs and tokens), with the key's name and owner.
    ApiKey,
    /// Per user (costs and tokens), with the user's email: per-user chargeback.
    User,
    /// Per source the API attributes usage to (`agents_api`, `unlabeled`; costs and tokens).
    ApiSource,
}

impl GroupBy {
    /// The name of the group column.
    pub fn column(self) -> &'static str {
        match self {
            GroupBy::Project => "project",
            GroupBy::LineItem => "line_item",
            GroupBy::Model => "model",
            GroupBy::ApiKey => "api_key",
            GroupBy::User => "user",
            GroupBy::ApiSource => "api_source",
        }
    }

    /// The column's heading in tables.
    pub fn heading(self) -> &'static str {
        match self {
            GroupBy::Project => "Project",
            GroupBy::LineItem => "Line item",
            GroupBy::Model => "Model",
            GroupBy::ApiKey => "API key",
            GroupBy::User => "User",
            GroupBy::ApiSource => "API source",
        }
    }

    fn costs(self) -> Option<UsageCostsGroupBy> {
        match self {
            GroupBy::Project => Some(UsageCostsGroupBy::ProjectId),
            GroupBy::LineItem => Some(UsageCostsGroupBy::LineItem),
            GroupBy::ApiKey => Some(UsageCostsGroupBy::ApiKeyId),
            GroupBy::User => Some(UsageCostsGroupBy::UserId),
            GroupBy::ApiSource => Some(UsageCostsGroupBy::ApiSource),
            GroupBy::Model => None,
        }
    }

    /// The grouping of the tokens table: completions and decisions take the same ones.
    fn tokens(self) -> Option<(UsageCompletionsGroupBy, UsageDecisionsGroupBy)> {
        match self {
            GroupBy::Project => Some((
                UsageCompletionsGroupBy::ProjectId,
                UsageDecisionsGroupBy::ProjectId,
            )),
            GroupBy::Model => Some((UsageCompletionsGroupBy::Model, UsageDecisionsGroupBy::Model)),
            GroupBy::ApiKey => Some((
                UsageCompletionsGroupBy::ApiKeyId,
                UsageDecisionsGroupBy::ApiKeyId,
            )),
            GroupBy::User => Some((
                UsageCompletionsGroupBy::UserId,
                UsageDecisionsGroupBy::UserId,
            )),
            GroupBy::ApiSource => Some((
                UsageCompletionsGroupBy::ApiSource,
                UsageDecisionsGroupBy::ApiSource,
            )),
            GroupBy::LineItem => None,
        }
    }

    /// The group of a result, from the fields the result has (`None` for what it lacks).
    fn id_of(self, fields: GroupFields) -> Option<String> {
        match self {
            GroupBy::Project => fields.project_id,
            GroupBy::LineItem => fields.line_item,
            GroupBy::Model => fields.model,
            GroupBy::ApiKey => fields.api_key_id,
            GroupBy::User => fields.user_id,
            GroupBy::ApiSource => fields.api_source.map(|s| s.as_str().to_owned()),
        }
    }
}

/// The group-by fields of one result.
#[derive(Default)]
pub(crate) struct GroupFields {
    project_id: Option<String>,
    line_item: Option<String>,
    model: Option<String>,
    api_key_id: Option<String>,
    user_id: Option<String>,
    api_source: Option<ApiSource>,
}

/// What to report on.
#[derive(Clone, Debug)]
pub struct Request {
    /// Start of the period (Unix seconds), inclusive.
    pub start: i64,
    /// End of the period (Unix seconds), exclusive.
    pub end: i64,
    /// Now (Unix seconds): a bucket that ends after it is the current, partial day.
    pub now: i64,
    /// The grouping.
    pub group_by: GroupBy,
    /// Show a progress indicator on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
}

/// Costs and tokens of one group on one day. Tokens and requests are those of completions and
/// decisions together (the two endpoints that report model tokens).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    /// Cost, exactly, if the endpoint reports costs for this grouping.
    pub cost: Option<Money>,
    /// Requests made (completions and decisions).
    pub requests: i64,
    /// Input tokens (cached included).
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
}

/// A project's hard spend limit and alerts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Budget {
    /// The monthly hard spend limit, in cents, if one is set.
    pub limit_cents: Option<i64>,
    /// The currency of the limit.
    pub currency: Option<String>,
    /// Spend alert thresholds, in cents, ascending.
    pub alert_cents: Vec<i64>,
}

/// The report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The grouping.
    pub group_by: Option<GroupBy>,
    /// Costs and tokens per (day start, group ID). A group ID of `None` is usage the API did
    /// not attribute to any group.
    pub cells: BTreeMap<(i64, Option<String>), Cell>,
    /// Days whose bucket is not over yet (the current, partial day).
    pub partial_days: BTreeSet<i64>,
    /// The name of each group ID the organization could name.
    pub names: HashMap<String, String>,
    /// The projects that are archived (with `--group-by project`).
    pub archived: BTreeSet<String>,
    /// Budgets per project ID (with `--group-by project`).
    pub budgets: BTreeMap<String, Budget>,
    /// The currency costs are in (`usd`).
    pub currency: Option<String>,
    /// Whether costs are reported for this grouping.
    pub has_costs: bool,
    /// Whether tokens are reported for this grouping.
    pub has_tokens: bool,
    /// Each budget against its month so far (with `--group-by project`).
    pub month: Option<standing::MonthToDate>,
}

impl Report {
    /// The name of a group, or its ID when the organization has no name for it (a deleted
    /// project, an unknown key), or `(none)` for unattributed usage.
    pub fn name(&self, id: Option<&str>) -> String {
        match id {
            None => "(none)".to_owned(),
            Some(id) => self.names.get(id).cloned().unwrap_or_else(|| id.to_owned()),
        }
    }

    /// Notes a daily bucket, marking its day partial when it is not over yet (it ends after
    /// now, or the API cut it at now); returns the day it starts.
    fn note_bucket(&mut self, bucket: &UsageTimeBucket, now: i64) -> i64 {
        let start = bucket.start_time.as_unix_seconds();
        if bucket.end_time.as_unix_seconds() > now || start.saturating_add(dates::DAY) > now {
            self.partial_days.insert(start);
        }
        start
    }

    /// Totals per group ID over the period.
    pub fn totals(&self) -> Result<BTreeMap<Option<String>, Cell>, Overflow> {
        let mut totals: BTreeMap<Option<String>, Cell> = BTreeMap::new();
        for ((_, id), cell) in &self.cells {
            add(totals.entry(id.clone()).or_default(), cell)?;
        }
        Ok(totals)
    }

    /// The total over every group and day.
    pub fn total(&self) -> Result<Cell, Overflow> {
        let mut total = Cell::default();
        for cell in self.cells.values() {
            add(&mut total, cell)?;
        }
        Ok(total)
    }
}

impl Cell {
    fn add_tokens(
        &mut self,
        requests: i64,
        input_tokens: i64,
        output_tokens: i64,
    ) -> Result<(), Overflow> {
        let sum = |a: i64, b: i64, what| a.checked_add(b).ok_or(Overflow { what });
        self.requests = sum(self.requests, requests, "requests")?;
        self.input_tokens = sum(self.input_tokens, input_tokens, "input tokens")?;
        self.output_tokens = sum(self.output_tokens, output_tokens, "output tokens")?;
        Ok(())
    }

    fn add_cost(&mut self, cost: Money) -> Result<(), Overflow> {
        let total = self.cost.unwrap_or_default().checked_add(cost);
        self.cost = Some(total.ok_or(Overflow { what: "costs" })?);
        Ok(())
    }
}

fn add(into: &mut Cell, cell: &Cell) -> Result<(), Overflow> {
    if let Some(cost) = cell.cost {
        into.add_cost(cost)?;
    }
    into.add_tokens(cell.requests, cell.input_tokens, cell.output_tokens)
}

/// A sum passed the largest number the report holds: an error, never a wrapped or rounded
/// number on a bill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overflow {
    /// What was being summed.
    pub what: &'static str,
}

impl std::fmt::Display for Overflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the sum of {} passes the largest number the report can hold; the API's numbers are not plausible",
            self.what
        )
    }
}

impl std::error::Error for Overflow {}
