//! Budgets as code: `openai-usage-report budgets plan FILE` reads the organization's spend limits
//! and alerts and says what would change to make them what [the budgets file](mod@file) declares; `budgets apply FILE
//! --yes` makes the changes, in a safe order, stopping at the first failure. A second `plan`
//! after an `apply` shows nothing.
//!
//! The safe order: new alerts first and changed ones next (so that a warning exists before a
//! limit moves), then limits set or changed, then alerts and limits deleted (protection is
//! removed last, after what replaces it is in place).

mod apply;
pub mod file;
mod render;

pub use apply::{apply, ApplyError};
pub use render::{render_markdown, render_text};

use std::collections::BTreeMap;

use futures::{StreamExt as _, TryStreamExt as _};
use openai_usage::{
    Client, Error, GetOrganizationSpendLimitParams, GetProjectSpendLimitParams,
    ListOrganizationSpendAlertsParams, ListProjectSpendAlertsParams, ListProjectsParams, PageError,
    SpendAlertNotificationChannel,
};

use crate::safe::visible;
use file::{dollars, AlertSetting, Budget, BudgetsFile, FileError, LimitSetting};

/// Whose budget a change is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The organization's.
    Organization,
    /// A project's: its ID and name.
    Project {
        /// `proj_...`.
        id: String,
        /// Its name, when it has one.
        name: Option<String>,
    },
}

impl Scope {
    /// As the plan shows it: `organization`, `project Production API (proj_alpha)`.
    pub fn label(&self) -> String {
        match self {
            Scope::Organization => "organization".to_owned(),
            Scope::Project { id, name: Some(n) } => format!("project {n} ({id})"),
            Scope::Project { id, name: None } => format!("project {id}"),
        }
    }
}

/// An alert as it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveAlert {
    /// Its ID.
    pub id: String,
    /// Its threshold, in cents.
    pub cents: i64,
    /// Whom it emails.
    pub recipients: Vec<String>,
    /// Its subject prefix.
    pub subject_prefix: Option<String>,
}

/// A budget as it stands.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Live {
    /// The hard limit, in cents a month.
    pub limit: Option<i64>,
    /// The alerts.
    pub alerts: Vec<LiveAlert>,
}

/// One change, in the order they are applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Create an alert.
    CreateAlert(AlertSetting),
    /// Change an alert's recipients or subject prefix (its amount is what matches it).
    UpdateAlert {
        /// The alert as it is.
        was: LiveAlert,
        /// As it will be.
        now: AlertSetting,
    },
    /// Set or change the hard limit.
    SetLimit {
        /// The limit now, if any.
        was: Option<i64>,
        /// The limit it will be.
        now: i64,
    },
    /// Delete an alert the file does not list.
    DeleteAlert(LiveAlert),
    /// Delete the hard limit (`limit: none`).
    DeleteLimit {
        /// The limit now.
        was: i64,
    },
}

impl Action {
    /// Its place in the safe order.
    fn rank(&self) -> u8 {
        match self {
            Action::CreateAlert(_) => 0,
            Action::UpdateAlert { .. } => 1,
            Action::SetLimit { .. } => 2,
            Action::DeleteAlert(_) => 3,
            Action::DeleteLimit { .. } => 4,
        }
    }

    /// `+`, `~` or `-`.
    fn mark(&self) -> char {
        match self {
            Action::CreateAlert(_) => '+',
            Action::SetLimit { was: None, .. } => '+',
            Action::UpdateAlert { .. } | Action::SetLimit { .. } => '~',
            Action::DeleteAlert(_) | Action::DeleteLimit { .. } => '-',
        }
    }

    /// What it does, in words.
    pub fn describe(&self) -> String {
        let emails = |r: &[String], p: &Option<String>| {
            let mut text = format!("emails {}", r.join(", "));
            if let Some(p) = p {
                text.push_str(&format!(", subject prefix {p:?}"));
            }
            text
        };
        match self {
            Action::CreateAlert(a) => format!(
                "create alert at {} ({})",
                dollars(a.cents),
                emails(&a.recipients, &a.subject_prefix)
            ),
            Action::UpdateAlert { was, now } => format!(
                "update alert at {} ({}): {} (was: {})",
                dollars(now.cents),
                was.id,
                emails(&now.recipients, &now.subject_prefix),
                emails(&was.recipients, &was.subject_prefix)
            ),
            Action::SetLimit { was: None, now } => {
                format!("set hard limit: {} a month (none now)", dollars(*now))
            }
            Action::SetLimit { was: Some(w), now } => format!(
                "change hard limit: {} a month (was {})",
                dollars(*now),
                dollars(*w)
            ),
            Action::DeleteAlert(a) => {
                format!("delete alert at {} ({})", dollars(a.cents), a.id)
            }
            Action::DeleteLimit { was } => {
                format!("delete hard limit (was {} a month)", dollars(*was))
            }
        }
    }
}

/// One change to one budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Whose budget.
    pub scope: Scope,
    /// What changes.
    pub action: Action,
}

/// What would change, in the order `apply` makes the changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The file it was made from (as given), for the apply command it prints.
    pub file: String,
    /// The changes.
    pub changes: Vec<Change>,
}

/// The changes that make `live` what `budget` declares (unordered).
pub fn diff(scope: &Scope, budget: &Budget, live: &Live) -> Vec<Change> {
    let mut actions = Vec::new();
    match (budget.limit, live.limit) {
        (None, _) | (Some(LimitSetting::NoLimit), None) => {}
        (Some(LimitSetting::NoLimit), Some(was)) => actions.push(Action::DeleteLimit { was }),
        (Some(LimitSetting::Cents(now)), was) if was != Some(now) => {
            actions.push(Action::SetLimit { was, now })
        }
        (Some(LimitSetting::Cents(_)), _) => {}
    }
    if let Some(wanted) = &budget.alerts {
        let mut unmatched: Vec<&LiveAlert> = live.alerts.iter().collect();
        for alert in wanted {
            match unmatched.iter().position(|l| l.cents == alert.cents) {
                Some(i) => {
                    let was = unmatched.remove(i);
                    if was.recipients != alert.recipients
                        || was.subject_prefix != alert.subject_prefix
                    {
                        actions.push(Action::UpdateAlert {
                            was: was.clone(),
                            now: alert.clone(),
                        });
                    }
                }
                None => actions.push(Action::CreateAlert(alert.clone())),
            }
        }
        actions.extend(unmatched.into_iter().cloned().map(Action::DeleteAlert));
    }
    actions
        .into_iter()
        .map(|action| Change {
            scope: scope.clone(),
            action,
        })
        .collect()
}

/// Why a plan could not be made or applied.
#[derive(Debug)]
pub enum BudgetError {
    /// The file is wrong (at a place).
    File(FileError),
    /// A call failed (after the client's retries).
    Call(Box<Error>),
    /// A page of a list failed.
    Page(Box<PageError>),
}

impl std::fmt::Display for BudgetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BudgetError::File(e) => write!(f, "{e}"),
            BudgetError::Call(e) => write!(f, "{}", visible(&e.to_string())),
            BudgetError::Page(e) => write!(f, "{}", visible(&e.to_string())),
        }
    }
}

impl std::error::Error for BudgetError {}

impl From<Error> for BudgetError {
    fn from(e: Error) -> Self {
        BudgetError::Call(Box::new(e))
    }
}

impl From<PageError> for BudgetError {
    fn from(e: PageError) -> Self {
        BudgetError::Page(Box::new(e))
    }
}

/// How many budgets are read at once.
const READS_AT_ONCE: usize = 4;

/// Reads the organization (its projects, and the limits and alerts the file names) and makes
/// the plan. Only reads are sent. A project the file names that the organization lacks, one
/// named twice, or a name two projects share is an error at its line and column.
pub async fn plan(
    client: &Client,
    file: &BudgetsFile,
    shown_as: &str,
) -> Result<Plan, BudgetError> {
    let projects: Vec<_> = client
        .list_projects_items(ListProjectsParams::new().include_archived(true).limit(100))
        .try_collect()
        .await?;
    let mut resolved: Vec<(Scope, &Budget)> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for entry in &file.projects {
        let by_id = projects.iter().find(|p| p.id == entry.project);
        let project = match by_id {
            Some(p) => p,
            None => {
                let named: Vec<_> = projects
                    .iter()
                    .filter(|p| p.name.as_deref() == Some(entry.project.as_str()))
                    .collect();
                match named.as_slice() {
                    [one] => *one,
                    [] => {
                        let mut known: Vec<String> = projects
                            .iter()
                            .filter(|p| p.archived_at.is_none())
                            .map(|p| format!("{} ({})", p.name.as_deref().unwrap_or("-"), p.id))
                            .collect();
                        known.truncate(10);
                        return Err(BudgetError::File(file.error(
                            entry.at,
                            format!(
                                "the organization has no project named or with the ID `{}` (its projects: {})",
                                visible(&entry.project),
                                visible(&known.join(", "))
                            ),
                        )));
                    }
                    many => {
                        let ids: Vec<&str> = many.iter().map(|p| p.id.as_str()).collect();
                        return Err(BudgetError::File(file.error(
                            entry.at,
                            format!(
                                "{} projects are named `{}` ({}): write the ID instead",
                                many.len(),
                                visible(&entry.project),
                                ids.join(", ")
                            ),
                        )));
                    }
                }
            }
        };
        if let Some(first) = seen.insert(project.id.clone(), entry.at.line) {
            return Err(BudgetError::File(file.error(
                entry.at,
                format!(
                    "the same project as the entry at line {first} ({}): one entry per project",
                    project.id
                ),
            )));
        }
        resolved.push((
            Scope::Project {
                id: project.id.clone(),
                name: project.name.clone(),
            },
            &entry.budget,
        ));
    }
    let mut wanted: Vec<(Scope, &Budget)> = Vec::new();
    if let Some(budget) = &file.organization {
        wanted.push((Scope::Organization, budget));
    }
    wanted.extend(resolved);
    // A few budgets read at a time (an organization may have hundreds of projects), in order.
    let lives: Vec<Live> = futures::stream::iter(wanted.iter())
        .map(|(scope, _)| read_live(client, scope))
        .buffered(READS_AT_ONCE)
        .try_collect()
        .await?;
    let mut changes = Vec::new();
    for ((scope, budget), live) in wanted.iter().zip(&lives) {
        changes.extend(diff(scope, budget, live));
    }
    // Stable: within one step, the file's order.
    changes.sort_by_key(|c| c.action.rank());
    Ok(Plan {
        file: shown_as.to_owned(),
        changes,
    })
}

/// The limit (404: none) and every alert of `scope`.
async fn read_live(client: &Client, scope: &Scope) -> Result<Live, BudgetError> {
    // (ID, cents, channel) of each alert: the organization's and a project's differ only in type.
    let (limit, alerts): (_, Vec<(String, i64, SpendAlertNotificationChannel)>) = match scope {
        Scope::Organization => {
            let limit = client
                .get_organization_spend_limit(&GetOrganizationSpendLimitParams::new())
                .await
                .map(|l| l.threshold_amount);
            let params = ListOrganizationSpendAlertsParams::new().limit(100);
            let alerts: Vec<_> = client
                .list_organization_spend_alerts_items(params)
                .try_collect()
                .await?;
            let alerts = alerts.into_iter();
            (
                limit,
                alerts
                    .map(|a| (a.id, a.threshold_amount, a.notification_channel))
                    .collect(),
            )
        }
        Scope::Project { id, .. } => {
            let limit = client
                .get_project_spend_limit(&GetProjectSpendLimitParams::new(id.as_str()))
                .await
                .map(|l| l.threshold_amount);
            let params = ListProjectSpendAlertsParams::new(id.as_str()).limit(100);
            let alerts: Vec<_> = client
                .list_project_spend_alerts_items(params)
                .try_collect()
                .await?;
            let alerts = alerts.into_iter();
            (
                limit,
                alerts
                    .map(|a| (a.id, a.threshold_amount, a.notification_channel))
                    .collect(),
            )
        }
    };
    let limit = match limit {
        Ok(cents) => Some(cents),
        Err(Error::Api { status: 404, .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let alerts = alerts
        .into_iter()
        .map(|(id, cents, channel)| LiveAlert {
            id,
            cents,
            recipients: channel.recipients,
            subject_prefix: channel.subject_prefix,
        })
        .collect();
    Ok(Live { limit, alerts })
}

#[cfg(test)]
mod tests {
    use super::*;
    use file::Location;

    fn alert(cents: i64, to: &str) -> AlertSetting {
        AlertSetting {
            cents,
            recipients: vec![to.to_owned()],
            subject_prefix: None,
            at: Location::default(),
        }
    }

    fn live(id: &str, cents: i64, to: &str) -> LiveAlert {
        LiveAlert {
            id: id.to_owned(),
            cents,
            recipients: vec![to.to_owned()],
            subject_prefix: None,
        }
    }

    #[test]
    fn the_diff_creates_updates_and_deletes_what_differs_and_leaves_the_rest() {
        let budget = Budget {
            limit: Some(LimitSetting::Cents(500)),
            alerts: Some(vec![
                alert(100, "a@x.io"),
                alert(200, "b@x.io"),
                alert(300, "c@x.io"),
            ]),
        };
        let now = Live {
            limit: Some(400),
            alerts: vec![
                live("al_1", 100, "a@x.io"),
                live("al_2", 200, "z@x.io"),
                live("al_9", 900, "a@x.io"),
            ],
        };
        let actions: Vec<Action> = diff(&Scope::Organization, &budget, &now)
            .into_iter()
            .map(|c| c.action)
            .collect();
        assert_eq!(
            actions,
            [
                Action::SetLimit {
                    was: Some(400),
                    now: 500
                },
                Action::UpdateAlert {
                    was: live("al_2", 200, "z@x.io"),
                    now: alert(200, "b@x.io")
                },
                Action::CreateAlert(alert(300, "c@x.io")),
                Action::DeleteAlert(live("al_9", 900, "a@x.io")),
            ]
        );
        // Unmanaged keys change nothing; matching state is no change.
        assert!(diff(&Scope::Organization, &Budget::default(), &now).is_empty());
        let same = Budget {
            limit: Some(LimitSetting::Cents(400)),
            alerts: Some(vec![
                alert(100, "a@x.io"),
                alert(200, "z@x.io"),
                alert(900, "a@x.io"),
            ]),
        };
        assert!(diff(&Scope::Organization, &same, &now).is_empty());
        let none = Budget {
            limit: Some(LimitSetting::NoLimit),
            alerts: Some(vec![]),
        };
        assert_eq!(diff(&Scope::Organization, &none, &now).len(), 4);
        assert!(diff(&Scope::Organization, &none, &Live::default()).is_empty());
    }
}
