//! Collecting the report: every bucket of the period (following every page to the end), then
//! the names and, by project, the budgets and the month so far, each looked up once.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::IsTerminal as _;
use std::sync::Mutex;
use std::time::Duration;

use futures::{StreamExt as _, TryStreamExt as _};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use openai_usage::{
    Client, Error, GetOrganizationSpendLimitParams, GetProjectSpendLimitParams,
    ListOrganizationSpendAlertsParams, ListProjectApiKeysParams, ListProjectSpendAlertsParams,
    ListProjectsParams, ListUsersParams, PageError, Project, UsageCompletionsParams,
    UsageCostsParams, UsageDecisionsParams, UsageResult,
};

use crate::{standing, Budget, GroupBy, GroupFields, Money, Overflow, Report, Request};

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
            let ids = budgeted_projects(&report, &spent);
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

/// The projects whose budgets the report shows: those with usage in the period or spend this
/// month.
pub(crate) fn budgeted_projects(
    report: &Report,
    spent: &BTreeMap<Option<String>, Money>,
) -> BTreeSet<String> {
    report
        .cells
        .keys()
        .filter_map(|(_, id)| id.clone())
        .chain(spent.keys().flatten().cloned())
        .collect()
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
pub(crate) fn month_to_date(
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
    /// The store could not be read, or does not hold the period.
    Store(openai_usage_store::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Page(e) => write!(f, "{e}"),
            Failure::Call(e) => write!(f, "{e}"),
            Failure::Overflow(e) => write!(f, "{e}"),
            Failure::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Failure {}

impl From<Overflow> for Failure {
    fn from(e: Overflow) -> Self {
        Failure::Overflow(e)
    }
}

impl From<openai_usage_store::Error> for Failure {
    fn from(e: openai_usage_store::Error) -> Self {
        Failure::Store(e)
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
}
