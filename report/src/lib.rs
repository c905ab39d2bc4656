//! The chargeback report: costs and tokens of an OpenAI organization per day and per group
//! (project, line item, model, API key or user), with the names behind the IDs and each
//! project's spend against its hard spend limit.
//!
//! [`collect`] pages every bucket of the period to the end and looks each name up once;
//! [`render_table`], [`render_csv`] and [`render_json`] write the result. The binary
//! (`openai-usage-report`) is a thin command line around these.

pub mod budgets;
pub mod dates;
pub mod doctor;
pub mod html;
pub mod money;
pub mod safe;
pub mod standing;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::time::Duration;

use futures::{StreamExt as _, TryStreamExt as _};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use openai_usage::{
    ApiSource, Client, Error, GetOrganizationSpendLimitParams, GetProjectSpendLimitParams,
    ListOrganizationSpendAlertsParams, ListProjectApiKeysParams, ListProjectSpendAlertsParams,
    ListProjectsParams, ListUsersParams, PageError, Project, UsageCompletionsGroupBy,
    UsageCompletionsParams, UsageCostsGroupBy, UsageCostsParams, UsageDecisionsGroupBy,
    UsageDecisionsParams, UsageResult, UsageTimeBucket,
};

pub use money::Money;

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
struct GroupFields {
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

/// How many name and budget lookups run at once.
const CONCURRENCY: usize = 4;

/// Collects the report: every bucket of the period (following every page to the end), then the
/// names (and, per project, budgets) of the groups, each looked up once.
pub async fn collect(client: &Client, request: &Request) -> Result<Report, Failure> {
    let progress = Progress::new(request.progress);
    let group_by = request.group_by;
    let mut report = Report {
        group_by: Some(group_by),
        has_costs: group_by.costs().is_some(),
        has_tokens: group_by.tokens().is_some(),
        ..Report::default()
    };
    if let Some(costs_group) = group_by.costs() {
        progress.phase("costs", "pages");
        let params = UsageCostsParams::new(request.start)
            .end_time(request.end)
            .group_by([costs_group])
            .limit(180);
        let mut buckets = client.usage_costs_buckets(params);
        while let Some(bucket) = buckets.try_next().await? {
            progress.tick();
            let day = report.note_bucket(&bucket, request.now);
            for cost in bucket
                .results
                .into_iter()
                .filter_map(UsageResult::into_costs)
            {
                let value = cost.amount_value().unwrap_or_default();
                if report.currency.is_none() {
                    report.currency = cost.amount_currency().cloned();
                }
                let id = group_by.id_of(GroupFields {
                    project_id: cost.project_id,
                    line_item: cost.line_item,
                    api_key_id: cost.api_key_id,
                    user_id: cost.user_id,
                    api_source: cost.api_source,
                    ..GroupFields::default()
                });
                let cell = report.cells.entry((day, id)).or_default();
                cell.add_cost(Money::from_decimal(value))?;
            }
        }
    }
    if let Some((completions_group, decisions_group)) = group_by.tokens() {
        progress.phase("completions", "pages");
        let params = UsageCompletionsParams::new(request.start)
            .end_time(request.end)
            .group_by([completions_group])
            .limit(31);
        let mut buckets = client.usage_completions_buckets(params);
        while let Some(bucket) = buckets.try_next().await? {
            progress.tick();
            let day = report.note_bucket(&bucket, request.now);
            for c in bucket
                .results
                .into_iter()
                .filter_map(UsageResult::into_completions)
            {
                let id = group_by.id_of(GroupFields {
                    project_id: c.project_id,
                    model: c.model,
                    api_key_id: c.api_key_id,
                    user_id: c.user_id,
                    api_source: c.api_source,
                    ..GroupFields::default()
                });
                report.cells.entry((day, id)).or_default().add_tokens(
                    c.num_model_requests,
                    c.input_tokens,
                    c.output_tokens,
                )?;
            }
        }
        progress.phase("decisions", "pages");
        let params = UsageDecisionsParams::new(request.start)
            .end_time(request.end)
            .group_by([decisions_group])
            .limit(31);
        let mut buckets = client.usage_decisions_buckets(params);
        while let Some(bucket) = buckets.try_next().await? {
            progress.tick();
            let day = report.note_bucket(&bucket, request.now);
            for d in bucket
                .results
                .into_iter()
                .filter_map(UsageResult::into_decisions)
            {
                let id = group_by.id_of(GroupFields {
                    project_id: d.project_id,
                    model: d.model,
                    api_key_id: d.api_key_id,
                    user_id: d.user_id,
                    api_source: d.api_source,
                    ..GroupFields::default()
                });
                report.cells.entry((day, id)).or_default().add_tokens(
                    d.num_model_requests,
                    d.input_tokens,
                    d.output_tokens,
                )?;
            }
        }
    }
    progress.phase("names and budgets", "items");
    match group_by {
        GroupBy::Project => {
            (report.names, report.archived) = project_names(client, &progress).await?;
            // A monthly limit is measured against its own month, whatever the period shown.
            let spent = standing::spend_this_month(client, request.now).await?;
            let ids: BTreeSet<String> = report
                .cells
                .keys()
                .filter_map(|(_, id)| id.clone())
                .chain(spent.keys().flatten().cloned())
                .collect();
            report.budgets = budgets(client, ids, &progress).await?;
            let organization = organization_budget(client, &progress).await?;
            report.month = Some(month_to_date(
                &report.budgets,
                &organization,
                &spent,
                request.now,
            )?);
        }
        GroupBy::ApiKey => report.names = key_names(client, &progress).await?,
        GroupBy::User => report.names = user_names(client, &progress).await?,
        GroupBy::LineItem | GroupBy::Model | GroupBy::ApiSource => {}
    }
    progress.finish();
    // Every total the renderers show is summed once here, checked.
    report.totals()?;
    report.total()?;
    Ok(report)
}

/// Every project, archived ones included (their past spend still counts).
async fn all_projects(client: &Client, progress: &Progress) -> Result<Vec<Project>, Failure> {
    let params = ListProjectsParams::new().include_archived(true).limit(100);
    client
        .list_projects_items(params)
        .collect_with(progress)
        .await
}

/// Every project's name, marked when archived.
async fn project_names(
    client: &Client,
    progress: &Progress,
) -> Result<(HashMap<String, String>, BTreeSet<String>), Failure> {
    let mut names = HashMap::new();
    let mut archived = BTreeSet::new();
    for project in all_projects(client, progress).await? {
        if project.archived_at.is_some() {
            archived.insert(project.id.clone());
        }
        if let Some(name) = project.name {
            names.insert(project.id, name);
        }
    }
    Ok((names, archived))
}

/// Every user's email (or name, when the email is hidden).
async fn user_names(
    client: &Client,
    progress: &Progress,
) -> Result<HashMap<String, String>, Failure> {
    let users: Vec<_> = client
        .list_users_items(ListUsersParams::new().limit(100))
        .collect_with(progress)
        .await?;
    Ok(users
        .into_iter()
        .filter_map(|u| Some((u.id, u.email.or(u.name)?)))
        .collect())
}

/// Every project API key's name and owner, project by project (a few projects at a time).
async fn key_names(
    client: &Client,
    progress: &Progress,
) -> Result<HashMap<String, String>, Failure> {
    let projects = all_projects(client, progress).await?;
    let per_project = futures::stream::iter(projects)
        .map(|project| async move {
            let params = ListProjectApiKeysParams::new(project.id).limit(100);
            let keys: Vec<_> = client
                .list_project_api_keys_items(params)
                .collect_with(progress)
                .await?;
            Ok::<_, Failure>(keys)
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<_>>()
        .await?;
    let mut names = HashMap::new();
    for key in per_project.into_iter().flatten() {
        let owner = key.owner.user.map(|u| u.email).or(key
            .owner
            .service_account
            .map(|s| format!("service account {}", s.name)));
        let name = match owner {
            Some(owner) => format!("{} ({owner})", key.name),
            None => key.name,
        };
        names.insert(key.id, name);
    }
    Ok(names)
}

/// The hard spend limit and alerts of each project in `ids` (a few projects at a time). A
/// project without a limit answers 404; a deleted project has neither.
async fn budgets(
    client: &Client,
    ids: BTreeSet<String>,
    progress: &Progress,
) -> Result<BTreeMap<String, Budget>, Failure> {
    futures::stream::iter(ids)
        .map(|id| async move {
            let limit = match client
                .get_project_spend_limit(&GetProjectSpendLimitParams::new(id.clone()))
                .await
            {
                Ok(limit) => Some(limit),
                Err(Error::Api { status: 404, .. }) => None,
                Err(e) => return Err(Failure::Call(e)),
            };
            let alerts = ListProjectSpendAlertsParams::new(id.clone()).limit(100);
            let alerts: Vec<_> = match client
                .list_project_spend_alerts_items(alerts)
                .collect_with(progress)
                .await
            {
                Ok(alerts) => alerts,
                // A project that no longer exists has no alerts.
                Err(Failure::Page(e)) if matches!(e.error(), Error::Api { status: 404, .. }) => {
                    Vec::new()
                }
                Err(e) => return Err(e),
            };
            progress.tick();
            let mut alert_cents: Vec<i64> = alerts.iter().map(|a| a.threshold_amount).collect();
            alert_cents.sort_unstable();
            let budget = Budget {
                limit_cents: limit.as_ref().map(|l| l.threshold_amount),
                currency: limit.map(|l| l.currency.as_str().to_owned()),
                alert_cents,
            };
            Ok((id, budget))
        })
        .buffer_unordered(CONCURRENCY)
        .try_collect()
        .await
}

/// The organization's hard spend limit (none: 404) and alerts.
async fn organization_budget(client: &Client, progress: &Progress) -> Result<Budget, Failure> {
    let limit = match client
        .get_organization_spend_limit(&GetOrganizationSpendLimitParams::new())
        .await
    {
        Ok(limit) => Some(limit),
        Err(Error::Api { status: 404, .. }) => None,
        Err(e) => return Err(Failure::Call(e)),
    };
    let alerts: Vec<_> = client
        .list_organization_spend_alerts_items(ListOrganizationSpendAlertsParams::new().limit(100))
        .collect_with(progress)
        .await?;
    let mut alert_cents: Vec<i64> = alerts.iter().map(|a| a.threshold_amount).collect();
    alert_cents.sort_unstable();
    Ok(Budget {
        limit_cents: limit.as_ref().map(|l| l.threshold_amount),
        currency: limit.map(|l| l.currency.as_str().to_owned()),
        alert_cents,
    })
}

/// Each budget against its month so far: projects with a limit, alerts or spend this month, and
/// the organization against all of it.
fn month_to_date(
    budgets: &BTreeMap<String, Budget>,
    organization: &Budget,
    spent: &BTreeMap<Option<String>, Money>,
    now: i64,
) -> Result<standing::MonthToDate, Overflow> {
    let month = standing::Month::of(now);
    let mut projects = BTreeMap::new();
    for (id, budget) in budgets {
        let so_far = spent.get(&Some(id.clone())).copied().unwrap_or_default();
        if budget.limit_cents.is_some()
            || !budget.alert_cents.is_empty()
            || so_far != Money::default()
        {
            projects.insert(
                id.clone(),
                standing::Standing::of(budget, so_far, month, now),
            );
        }
    }
    let mut total = Money::default();
    for value in spent.values() {
        total = total.checked_add(*value).ok_or(Overflow {
            what: "month-to-date costs",
        })?;
    }
    Ok(standing::MonthToDate {
        start: month.start,
        end: month.end,
        now,
        projects,
        organization: Some(standing::Standing::of(organization, total, month, now)),
    })
}

/// Why the report could not be collected.
#[derive(Debug)]
pub enum Failure {
    /// A page of a list failed (after the client's retries); the error says where to resume.
    Page(PageError),
    /// A single call failed.
    Call(Error),
    /// A sum passed the largest number the report holds.
    Overflow(Overflow),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Page(e) => write!(f, "{e}"),
            Failure::Call(e) => write!(f, "{e}"),
            Failure::Overflow(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Failure {}

impl From<Overflow> for Failure {
    fn from(e: Overflow) -> Self {
        Failure::Overflow(e)
    }
}

impl From<PageError> for Failure {
    fn from(e: PageError) -> Self {
        Failure::Page(e)
    }
}

/// Collects a stream of items, ticking the progress indicator.
trait CollectWith<T> {
    async fn collect_with(self, progress: &Progress) -> Result<Vec<T>, Failure>;
}

impl<T, S> CollectWith<T> for S
where
    S: futures::Stream<Item = Result<T, PageError>> + Unpin,
{
    async fn collect_with(mut self, progress: &Progress) -> Result<Vec<T>, Failure> {
        let mut out = Vec::new();
        while let Some(item) = self.try_next().await? {
            out.push(item);
            progress.tick();
        }
        Ok(out)
    }
}

/// A spinner on stderr while the report pages; hidden when stderr is not a terminal (so
/// redirected or captured output holds data only).
struct Progress {
    bar: ProgressBar,
    /// The phase, its unit, and how many of them were read.
    phase: Mutex<(&'static str, &'static str, u64)>,
}

impl Progress {
    fn new(wanted: bool) -> Progress {
        let target = if wanted && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} reading {msg} ({elapsed})")
                .expect("a valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar,
            phase: Mutex::new(("", "", 0)),
        }
    }

    /// A new phase: what is read, and what its steps are (`pages`, `items`), counted from 0.
    fn phase(&self, what: &'static str, unit: &'static str) {
        *self.phase.lock().unwrap() = (what, unit, 0);
        self.bar.set_message(format!("{what} ({unit}: 0)"));
    }

    fn tick(&self) {
        let mut phase = self.phase.lock().unwrap();
        phase.2 += 1;
        let (what, unit, count) = *phase;
        self.bar.set_message(format!("{what} ({unit}: {count})"));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The columns of the report's rows, for its grouping: a column is there with a real value in
/// every row, or not there at all (no made-up zeros, no empty strings).
///
/// - `date` (`YYYY-MM-DD`, UTC), `partial_day` (the current day, not over yet);
/// - `id` (empty for usage the API attributed to no group), `name` (the organization's name for
///   it, or the ID when it has none);
/// - `archived` (with `--group-by project`): whether the project is archived;
/// - `cost` (an exact decimal) and `currency`, where the API reports costs for the grouping
///   (not per model);
/// - `requests`, `input_tokens`, `output_tokens` (completions and decisions), where it reports
///   tokens (not per line item).
pub fn columns(report: &Report) -> Vec<&'static str> {
    let mut columns = vec!["date", "partial_day", "id", "name"];
    if report.group_by == Some(GroupBy::Project) {
        columns.push("archived");
    }
    if report.has_costs {
        columns.extend(["cost", "currency"]);
    }
    if report.has_tokens {
        columns.extend(["requests", "input_tokens", "output_tokens"]);
    }
    columns
}

/// The rows of the report, by day, then group ID: one value per [`columns`] entry.
pub fn rows(report: &Report) -> Vec<Vec<serde_json::Value>> {
    use serde_json::Value;
    let columns = columns(report);
    report
        .cells
        .iter()
        .map(|((day, id), cell)| {
            columns
                .iter()
                .map(|column| match *column {
                    "date" => Value::from(dates::date(*day)),
                    "partial_day" => Value::from(report.partial_days.contains(day)),
                    "id" => Value::from(id.clone().unwrap_or_default()),
                    "name" => Value::from(report.name(id.as_deref())),
                    "archived" => {
                        Value::from(id.as_ref().is_some_and(|id| report.archived.contains(id)))
                    }
                    "cost" => Value::from(cell.cost.unwrap_or_default().to_string()),
                    "currency" => Value::from(report.currency.clone().unwrap_or_default()),
                    "requests" => Value::from(cell.requests),
                    "input_tokens" => Value::from(cell.input_tokens),
                    "output_tokens" => Value::from(cell.output_tokens),
                    other => unreachable!("`columns` lists no `{other}`"),
                })
                .collect()
        })
        .collect()
}

/// How CSV cells of text from the API are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvCells {
    /// A cell that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'`,
    /// so a spreadsheet shows it as text instead of running it as a formula (OWASP's rule).
    Neutralized,
    /// As the API sent them (for programs that read the CSV, not spreadsheets).
    Raw,
}

/// The report as CSV: a header ([`columns`]), then one row per day and group, with IDs and
/// names.
pub fn render_csv(report: &Report, cells: CsvCells) -> Result<String, csv::Error> {
    let columns = columns(report);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&columns)?;
    for row in rows(report) {
        let record = columns.iter().zip(row).map(|(column, value)| {
            let text = match value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            // Text that came from the API is made inert for spreadsheets.
            let from_api = matches!(*column, "id" | "name" | "currency");
            if from_api && cells == CsvCells::Neutralized {
                safe::csv_cell(&text)
            } else {
                text
            }
        });
        writer.write_record(record)?;
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
}

/// The report as JSON: the rows (objects with the [`columns`] as keys), and the per-group
/// totals with the same measures, and budgets with `--group-by project`.
pub fn render_json(report: &Report) -> Result<String, Overflow> {
    use serde_json::{Map, Value};
    let columns = columns(report);
    let rows: Vec<Value> = rows(report)
        .into_iter()
        .map(|row| Value::Object(columns.iter().map(|c| c.to_string()).zip(row).collect()))
        .collect();
    let mut groups = Vec::new();
    for (id, cell) in report.totals()? {
        let mut group = Map::new();
        group.insert("id".into(), Value::from(id.clone().unwrap_or_default()));
        group.insert("name".into(), Value::from(report.name(id.as_deref())));
        if report.group_by == Some(GroupBy::Project) {
            let archived = id.as_ref().is_some_and(|id| report.archived.contains(id));
            group.insert("archived".into(), Value::from(archived));
        }
        if report.has_costs {
            group.insert(
                "cost".into(),
                Value::from(cell.cost.unwrap_or_default().to_string()),
            );
        }
        if report.has_tokens {
            group.insert("requests".into(), Value::from(cell.requests));
            group.insert("input_tokens".into(), Value::from(cell.input_tokens));
            group.insert("output_tokens".into(), Value::from(cell.output_tokens));
        }
        if report.group_by == Some(GroupBy::Project) {
            let budget = id.as_ref().and_then(|id| report.budgets.get(id));
            group.insert(
                "spend_limit_cents".into(),
                budget
                    .and_then(|b| b.limit_cents)
                    .map_or(Value::Null, Value::from),
            );
            group.insert(
                "spend_alert_cents".into(),
                Value::from(budget.map(|b| b.alert_cents.clone()).unwrap_or_default()),
            );
        }
        groups.push(Value::Object(group));
    }
    let mut value = Map::new();
    value.insert(
        "group_by".into(),
        Value::from(report.group_by.map(GroupBy::column)),
    );
    if report.has_costs {
        value.insert("currency".into(), Value::from(report.currency.clone()));
    }
    if let Some(month) = &report.month {
        value.insert("month_to_date".into(), standing::json(report, month));
    }
    value.insert("columns".into(), Value::from(columns));
    value.insert("rows".into(), Value::from(rows));
    value.insert("groups".into(), Value::from(groups));
    let mut text =
        serde_json::to_string_pretty(&Value::Object(value)).expect("JSON of plain values");
    text.push('\n');
    Ok(text)
}

/// The widest a name is shown in a table, in terminal columns; longer ones end with `…` (CSV
/// and JSON carry them whole).
pub const NAME_COLUMNS: usize = 48;

/// The report as aligned tables: per day and group, then totals per group (with each project's
/// spend against its limit). Names are shown with their control and direction-changing
/// characters written as escapes, and cut at [`NAME_COLUMNS`].
pub fn render_table(report: &Report) -> Result<String, Overflow> {
    let group = report.group_by.map_or("Group", GroupBy::heading);
    let shown = |id: Option<&str>| {
        let mut name = report.name(id);
        if id.is_some_and(|id| report.archived.contains(id)) {
            name.push_str(" (archived)");
        }
        safe::fit(&safe::visible(&name), NAME_COLUMNS)
    };
    let currency = report.currency.as_deref().unwrap_or("usd").to_uppercase();
    let mut out = String::new();
    let mut columns = vec![("Day".to_owned(), false), (group.to_owned(), false)];
    columns.extend(measure_columns(report, &currency));
    let cells = |cell: &Cell| {
        let mut v = Vec::new();
        if report.has_costs {
            v.push(cell.cost.unwrap_or_default().to_grouped_cents());
        }
        if report.has_tokens {
            v.push(grouped(cell.requests));
            v.push(grouped(cell.input_tokens));
            v.push(grouped(cell.output_tokens));
        }
        v
    };
    let mut lines: Vec<Vec<String>> = Vec::new();
    for ((day, id), cell) in &report.cells {
        let mut date = dates::date(*day);
        if report.partial_days.contains(day) {
            date.push('*');
        }
        let mut line = vec![date, shown(id.as_deref())];
        line.extend(cells(cell));
        lines.push(line);
    }
    out.push_str(&table(&columns, &lines));
    if report.partial_days.is_empty() {
        out.push('\n');
    } else {
        out.push_str("* the current day, not over yet\n\n");
    }

    let mut columns = vec![(group.to_owned(), false)];
    columns.extend(measure_columns(report, &currency));
    let mut lines = Vec::new();
    for (id, cell) in report.totals()? {
        let mut line = vec![shown(id.as_deref())];
        line.extend(cells(&cell));
        lines.push(line);
    }
    let mut total = vec!["Total".to_owned()];
    total.extend(cells(&report.total()?));
    lines.push(total);
    out.push_str(&table(&columns, &lines));
    if let Some(month) = &report.month {
        out.push('\n');
        out.push_str(&standing::render_table(month, &currency, &shown));
    }
    Ok(out)
}

/// The columns of what is measured (cost, tokens), as far as the grouping reports them; numbers,
/// so right-aligned.
fn measure_columns(report: &Report, currency: &str) -> Vec<(String, bool)> {
    let mut columns = Vec::new();
    if report.has_costs {
        columns.push((format!("Cost ({currency})"), true));
    }
    if report.has_tokens {
        for c in ["Requests", "Input tokens", "Output tokens"] {
            columns.push((c.to_owned(), true));
        }
    }
    columns
}

/// An aligned table: a header, a rule, the lines; right-aligned columns are numbers.
pub(crate) fn table(columns: &[(String, bool)], lines: &[Vec<String>]) -> String {
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, (title, _))| {
            lines
                .iter()
                .map(|l| safe::width(&l[i]))
                .chain([safe::width(title)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            let pad = widths[i].saturating_sub(safe::width(cell));
            if columns[i].1 {
                text.push_str(&" ".repeat(pad));
                text.push_str(cell);
            } else {
                text.push_str(cell);
                text.push_str(&" ".repeat(pad));
            }
        }
        text.trim_end().to_owned() + "\n"
    };
    let mut out = line(columns.iter().map(|(t, _)| t.as_str()).collect());
    let rule: usize = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
    out.push_str(&"-".repeat(rule));
    out.push('\n');
    for l in lines {
        out.push_str(&line(l.iter().map(String::as_str).collect()));
    }
    out
}

/// `1234567` as `1,234,567`.
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_what_each_phase_reads() {
        let progress = Progress::new(false);
        progress.phase("costs", "pages");
        assert_eq!(progress.bar.message(), "costs (pages: 0)");
        progress.tick();
        progress.tick();
        assert_eq!(progress.bar.message(), "costs (pages: 2)");
        progress.phase("names and budgets", "items");
        progress.tick();
        assert_eq!(progress.bar.message(), "names and budgets (items: 1)");
    }

    #[test]
    fn columns_are_there_with_real_values_or_not_at_all() {
        let report = |group_by, has_costs, has_tokens| Report {
            group_by: Some(group_by),
            has_costs,
            has_tokens,
            ..Report::default()
        };
        assert_eq!(
            columns(&report(GroupBy::LineItem, true, false)),
            ["date", "partial_day", "id", "name", "cost", "currency"]
        );
        assert_eq!(
            columns(&report(GroupBy::Model, false, true)),
            [
                "date",
                "partial_day",
                "id",
                "name",
                "requests",
                "input_tokens",
                "output_tokens"
            ]
        );
        assert_eq!(
            columns(&report(GroupBy::Project, true, true)),
            [
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
    }
}
