//! `openai-usage-report doctor`: does the spec the crate was generated from still describe what
//! the API sends? Every read operation is called once (one page over a small recent window, one
//! call at a time, with a pause between calls), every answer goes through the client's check for
//! what the spec does not describe (`ClientBuilder::on_unrecognized`), and each operation is
//! reported: described, or the JSON pointers the spec lacks with the overlay action
//! (`spec/overlay.yaml`) that would describe each.
//!
//! [`run`] does the calls; [`render`] writes the findings; [`suggestion`] is the overlay action
//! for one finding.

use std::sync::{Arc, Mutex};
use std::time::Duration;

mod findings;

pub use findings::{all_described, render, suggestion};

use openai_usage::{
    ClientBuilder, Error, GetOrganizationSpendLimitParams, GetProjectSpendLimitParams,
    ListAdminApiKeysParams, ListOrganizationSpendAlertsParams, ListProjectApiKeysParams,
    ListProjectServiceAccountsParams, ListProjectSpendAlertsParams, ListProjectUsersParams,
    ListProjectsParams, ListUsersParams, RetrieveOrganizationSpendAlertParams,
    RetrieveProjectApiKeyParams, RetrieveProjectParams, RetrieveProjectSpendAlertParams,
    RetrieveUserParams, Unrecognized, UnrecognizedReport, UsageAudioSpeechesGroupBy,
    UsageAudioSpeechesParams, UsageAudioTranscriptionsGroupBy, UsageAudioTranscriptionsParams,
    UsageCodeInterpreterSessionsGroupBy, UsageCodeInterpreterSessionsParams,
    UsageCompletionsGroupBy, UsageCompletionsParams, UsageCostsGroupBy, UsageCostsParams,
    UsageDecisionsGroupBy, UsageDecisionsParams, UsageEmbeddingsGroupBy, UsageEmbeddingsParams,
    UsageFileSearchCallsGroupBy, UsageFileSearchCallsParams, UsageImagesGroupBy, UsageImagesParams,
    UsageModerationsGroupBy, UsageModerationsParams, UsageVectorStoresGroupBy,
    UsageVectorStoresParams, UsageWebSearchCallsGroupBy, UsageWebSearchCallsParams,
};

/// What to check, and how gently.
#[derive(Clone, Debug)]
pub struct Request {
    /// Now (Unix seconds); usage is asked for the day before it.
    pub now: i64,
    /// The pause between two calls.
    pub interval: Duration,
}

/// What one operation answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The spec describes everything in the answer.
    Described,
    /// Nothing to check: the operation answered that there is nothing (a project without a
    /// spend limit answers 404), or it needs an ID the organization has none of.
    NothingToCheck(String),
    /// What the answer held that the spec does not describe.
    Undescribed(Vec<Unrecognized>),
}

/// The check of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked {
    /// Its `operationId`.
    pub operation: &'static str,
    /// What it answered.
    pub outcome: Outcome,
}

/// Why the doctor could not finish: a call failed (after the client's retries).
#[derive(Debug)]
pub struct Failed {
    /// The operation whose call failed.
    pub operation: &'static str,
    /// The error.
    pub error: Error,
    /// What was checked before it.
    pub checked: Vec<Checked>,
}

/// Calls every read operation once through a client built by `builder` (the doctor adds its
/// `on_unrecognized` hook), one after another with `request.interval` between calls.
pub async fn run(builder: ClientBuilder, request: &Request) -> Result<Vec<Checked>, Failed> {
    let found: Arc<Mutex<Vec<UnrecognizedReport>>> = Arc::default();
    let sink = found.clone();
    let client = builder
        .on_unrecognized(move |report| sink.lock().unwrap().push(report.clone()))
        .build()
        .map_err(|error| Failed {
            operation: "(client)",
            error,
            checked: Vec::new(),
        })?;
    let mut doctor = Doctor {
        found,
        checked: Vec::new(),
        interval: request.interval,
        first: true,
    };
    let (start, end) = (request.now - 86_400, request.now);

    macro_rules! usage {
        ($method:ident, $params:ident, $group:ident) => {
            doctor
                .check($params::OPERATION_ID, || async {
                    let params = $params::new(start).end_time(end).group_by($group::ALL);
                    client.$method(&params).await.map(Some)
                })
                .await?
        };
    }
    usage!(
        usage_completions,
        UsageCompletionsParams,
        UsageCompletionsGroupBy
    );
    usage!(usage_decisions, UsageDecisionsParams, UsageDecisionsGroupBy);
    usage!(
        usage_embeddings,
        UsageEmbeddingsParams,
        UsageEmbeddingsGroupBy
    );
    usage!(
        usage_moderations,
        UsageModerationsParams,
        UsageModerationsGroupBy
    );
    usage!(usage_images, UsageImagesParams, UsageImagesGroupBy);
    usage!(
        usage_audio_speeches,
        UsageAudioSpeechesParams,
        UsageAudioSpeechesGroupBy
    );
    usage!(
        usage_audio_transcriptions,
        UsageAudioTranscriptionsParams,
        UsageAudioTranscriptionsGroupBy
    );
    usage!(
        usage_vector_stores,
        UsageVectorStoresParams,
        UsageVectorStoresGroupBy
    );
    usage!(
        usage_code_interpreter_sessions,
        UsageCodeInterpreterSessionsParams,
        UsageCodeInterpreterSessionsGroupBy
    );
    usage!(
        usage_file_search_calls,
        UsageFileSearchCallsParams,
        UsageFileSearchCallsGroupBy
    );
    usage!(
        usage_web_search_calls,
        UsageWebSearchCallsParams,
        UsageWebSearchCallsGroupBy
    );
    // Costs by every grouping but `user_id`, which some organizations may not combine with
    // `project_id` (HTTP 400).
    doctor
        .check(UsageCostsParams::OPERATION_ID, || async {
            let group_by = UsageCostsGroupBy::ALL
                .into_iter()
                .filter(|g| *g != UsageCostsGroupBy::UserId);
            let params = UsageCostsParams::new(start)
                .end_time(end)
                .group_by(group_by);
            client.usage_costs(&params).await.map(Some)
        })
        .await?;

    let projects = doctor
        .check(ListProjectsParams::OPERATION_ID, || async {
            let params = ListProjectsParams::new().include_archived(true).limit(5);
            client.list_projects(&params).await.map(Some)
        })
        .await?
        .map(|page| page.data)
        .unwrap_or_default();
    let users = doctor
        .check(ListUsersParams::OPERATION_ID, || async {
            client
                .list_users(&ListUsersParams::new().limit(5))
                .await
                .map(Some)
        })
        .await?
        .map(|page| page.data)
        .unwrap_or_default();
    doctor
        .check(ListAdminApiKeysParams::OPERATION_ID, || async {
            let params = ListAdminApiKeysParams::new().limit(5);
            client.list_admin_api_keys(&params).await.map(Some)
        })
        .await?;
    doctor
        .check(GetOrganizationSpendLimitParams::OPERATION_ID, || async {
            not_found_is_none(
                client
                    .get_organization_spend_limit(&GetOrganizationSpendLimitParams::new())
                    .await,
            )
        })
        .await?;
    let org_alerts = doctor
        .check(ListOrganizationSpendAlertsParams::OPERATION_ID, || async {
            let params = ListOrganizationSpendAlertsParams::new().limit(5);
            client
                .list_organization_spend_alerts(&params)
                .await
                .map(Some)
        })
        .await?
        .map(|page| page.data)
        .unwrap_or_default();
    match org_alerts.first() {
        Some(alert) => {
            doctor
                .check(
                    RetrieveOrganizationSpendAlertParams::OPERATION_ID,
                    || async {
                        let params = RetrieveOrganizationSpendAlertParams::new(alert.id.clone());
                        client
                            .retrieve_organization_spend_alert(&params)
                            .await
                            .map(Some)
                    },
                )
                .await?;
        }
        None => doctor.nothing(
            RetrieveOrganizationSpendAlertParams::OPERATION_ID,
            "the organization has no spend alert",
        ),
    }

    match users.first() {
        Some(user) => {
            doctor
                .check(RetrieveUserParams::OPERATION_ID, || async {
                    let params = RetrieveUserParams::new(user.id.clone());
                    client.retrieve_user(&params).await.map(Some)
                })
                .await?;
        }
        None => doctor.nothing(
            RetrieveUserParams::OPERATION_ID,
            "the organization has no user",
        ),
    }

    let Some(project) = projects.first().map(|p| p.id.clone()) else {
        const PER_PROJECT: [&str; 8] = [
            RetrieveProjectParams::OPERATION_ID,
            ListProjectUsersParams::OPERATION_ID,
            ListProjectApiKeysParams::OPERATION_ID,
            RetrieveProjectApiKeyParams::OPERATION_ID,
            ListProjectServiceAccountsParams::OPERATION_ID,
            GetProjectSpendLimitParams::OPERATION_ID,
            ListProjectSpendAlertsParams::OPERATION_ID,
            RetrieveProjectSpendAlertParams::OPERATION_ID,
        ];
        for operation in PER_PROJECT {
            doctor.nothing(operation, "the organization has no project");
        }
        return Ok(doctor.checked);
    };
    let project = project.as_str();
    doctor
        .check(RetrieveProjectParams::OPERATION_ID, || async {
            let params = RetrieveProjectParams::new(project);
            client.retrieve_project(&params).await.map(Some)
        })
        .await?;
    doctor
        .check(ListProjectUsersParams::OPERATION_ID, || async {
            let params = ListProjectUsersParams::new(project).limit(5);
            client.list_project_users(&params).await.map(Some)
        })
        .await?;
    let keys = doctor
        .check(ListProjectApiKeysParams::OPERATION_ID, || async {
            let params = ListProjectApiKeysParams::new(project).limit(5);
            client.list_project_api_keys(&params).await.map(Some)
        })
        .await?
        .map(|page| page.data)
        .unwrap_or_default();
    match keys.first() {
        Some(key) => {
            doctor
                .check(RetrieveProjectApiKeyParams::OPERATION_ID, || async {
                    let params = RetrieveProjectApiKeyParams::new(project, key.id.clone());
                    client.retrieve_project_api_key(&params).await.map(Some)
                })
                .await?;
        }
        None => doctor.nothing(
            RetrieveProjectApiKeyParams::OPERATION_ID,
            "the first project has no API key",
        ),
    }
    doctor
        .check(ListProjectServiceAccountsParams::OPERATION_ID, || async {
            let params = ListProjectServiceAccountsParams::new(project).limit(5);
            client
                .list_project_service_accounts(&params)
                .await
                .map(Some)
        })
        .await?;
    doctor
        .check(GetProjectSpendLimitParams::OPERATION_ID, || async {
            not_found_is_none(
                client
                    .get_project_spend_limit(&GetProjectSpendLimitParams::new(project))
                    .await,
            )
        })
        .await?;
    let alerts = doctor
        .check(ListProjectSpendAlertsParams::OPERATION_ID, || async {
            let params = ListProjectSpendAlertsParams::new(project).limit(5);
            client.list_project_spend_alerts(&params).await.map(Some)
        })
        .await?
        .map(|page| page.data)
        .unwrap_or_default();
    match alerts.first() {
        Some(alert) => {
            doctor
                .check(RetrieveProjectSpendAlertParams::OPERATION_ID, || async {
                    let params = RetrieveProjectSpendAlertParams::new(project, alert.id.clone());
                    client.retrieve_project_spend_alert(&params).await.map(Some)
                })
                .await?;
        }
        None => doctor.nothing(
            RetrieveProjectSpendAlertParams::OPERATION_ID,
            "the first project has no spend alert",
        ),
    }
    Ok(doctor.checked)
}

/// A 404 (no spend limit set) is an answer with nothing to check.
fn not_found_is_none<T>(result: Result<T, Error>) -> Result<Option<T>, Error> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(Error::Api { status: 404, .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

struct Doctor {
    found: Arc<Mutex<Vec<UnrecognizedReport>>>,
    checked: Vec<Checked>,
    interval: Duration,
    first: bool,
}

impl Doctor {
    /// Calls `call` (after the pause) and records what the spec did not describe in its answer.
    async fn check<T, F, Fut>(
        &mut self,
        operation: &'static str,
        call: F,
    ) -> Result<Option<T>, Failed>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>, Error>>,
    {
        if !std::mem::take(&mut self.first) {
            tokio::time::sleep(self.interval).await;
        }
        self.found.lock().unwrap().clear();
        let answer = match call().await {
            Ok(answer) => answer,
            Err(error) => {
                return Err(Failed {
                    operation,
                    error,
                    checked: std::mem::take(&mut self.checked),
                })
            }
        };
        let items: Vec<Unrecognized> = self
            .found
            .lock()
            .unwrap()
            .drain(..)
            .filter(|r| r.operation == operation)
            .flat_map(|r| r.items)
            .collect();
        let outcome = match (&answer, items.is_empty()) {
            (None, _) => Outcome::NothingToCheck("it answered 404: none is set".into()),
            (Some(_), true) => Outcome::Described,
            (Some(_), false) => Outcome::Undescribed(items),
        };
        self.checked.push(Checked { operation, outcome });
        Ok(answer)
    }

    fn nothing(&mut self, operation: &'static str, why: &str) {
        self.checked.push(Checked {
            operation,
            outcome: Outcome::NothingToCheck(why.to_owned()),
        });
    }
}
