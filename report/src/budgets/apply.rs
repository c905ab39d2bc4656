//! `budgets apply`: the plan's changes, one call each, in the plan's (safe) order.

use openai_usage::{
    Client, CreateOrganizationSpendAlertParams, CreateProjectSpendAlertParams,
    CreateSpendAlertBody, DeleteOrganizationSpendAlertParams, DeleteOrganizationSpendLimitParams,
    DeleteProjectSpendAlertParams, DeleteProjectSpendLimitParams, Error,
    SpendAlertNotificationChannel, UpdateOrganizationSpendAlertParams,
    UpdateOrganizationSpendLimitBody, UpdateOrganizationSpendLimitParams,
    UpdateProjectSpendAlertParams, UpdateProjectSpendLimitBody, UpdateProjectSpendLimitParams,
};

use super::file::AlertSetting;
use super::{Action, Change, Plan, Scope};

/// The plan could not be applied in full.
#[derive(Debug)]
pub struct ApplyError {
    /// How many changes were applied before the failure (in plan order).
    pub applied: usize,
    /// The change that failed.
    pub change: Change,
    /// Why.
    pub error: Error,
}

/// Applies `plan` in its order, calling `done` after each change; stops at the first failure.
/// Only call this after the user confirmed (`--yes`).
pub async fn apply(
    client: &Client,
    plan: &Plan,
    mut done: impl FnMut(&Change),
) -> Result<(), ApplyError> {
    for (applied, change) in plan.changes.iter().enumerate() {
        if let Err(error) = apply_one(client, change).await {
            return Err(ApplyError {
                applied,
                change: change.clone(),
                error,
            });
        }
        done(change);
    }
    Ok(())
}

fn alert_body(a: &AlertSetting) -> CreateSpendAlertBody {
    let mut channel = SpendAlertNotificationChannel::new(a.recipients.clone());
    if let Some(prefix) = &a.subject_prefix {
        channel = channel.subject_prefix(prefix.as_str());
    }
    CreateSpendAlertBody::new(a.cents, channel)
}

async fn apply_one(client: &Client, change: &Change) -> Result<(), Error> {
    match (&change.scope, &change.action) {
        (Scope::Organization, Action::CreateAlert(a)) => client
            .create_organization_spend_alert(&CreateOrganizationSpendAlertParams::new(alert_body(
                a,
            )))
            .await
            .map(drop),
        (Scope::Project { id, .. }, Action::CreateAlert(a)) => client
            .create_project_spend_alert(&CreateProjectSpendAlertParams::new(
                id.as_str(),
                alert_body(a),
            ))
            .await
            .map(drop),
        (Scope::Organization, Action::UpdateAlert { was, now }) => client
            .update_organization_spend_alert(&UpdateOrganizationSpendAlertParams::new(
                was.id.as_str(),
                alert_body(now),
            ))
            .await
            .map(drop),
        (Scope::Project { id, .. }, Action::UpdateAlert { was, now }) => client
            .update_project_spend_alert(&UpdateProjectSpendAlertParams::new(
                id.as_str(),
                was.id.as_str(),
                alert_body(now),
            ))
            .await
            .map(drop),
        (Scope::Organization, Action::SetLimit { now, .. }) => client
            .update_organization_spend_limit(&UpdateOrganizationSpendLimitParams::new(
                UpdateOrganizationSpendLimitBody::new(*now),
            ))
            .await
            .map(drop),
        (Scope::Project { id, .. }, Action::SetLimit { now, .. }) => client
            .update_project_spend_limit(&UpdateProjectSpendLimitParams::new(
                id.as_str(),
                UpdateProjectSpendLimitBody::new(*now),
            ))
            .await
            .map(drop),
        (Scope::Organization, Action::DeleteAlert(a)) => client
            .delete_organization_spend_alert(&DeleteOrganizationSpendAlertParams::new(
                a.id.as_str(),
            ))
            .await
            .map(drop),
        (Scope::Project { id, .. }, Action::DeleteAlert(a)) => client
            .delete_project_spend_alert(&DeleteProjectSpendAlertParams::new(
                id.as_str(),
                a.id.as_str(),
            ))
            .await
            .map(drop),
        (Scope::Organization, Action::DeleteLimit { .. }) => client
            .delete_organization_spend_limit(&DeleteOrganizationSpendLimitParams::new())
            .await
            .map(drop),
        (Scope::Project { id, .. }, Action::DeleteLimit { .. }) => client
            .delete_project_spend_limit(&DeleteProjectSpendLimitParams::new(id.as_str()))
            .await
            .map(drop),
    }
}
