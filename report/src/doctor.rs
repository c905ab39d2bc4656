//! `openai-usage-report doctor`: does the spec the crate was generated from still describe what
//! the API sends? Every read operation is called once (one page over a small recent window, one
//! call at a time, with a pause between calls), every answer goes through the client's check for
//! what the spec does not describe (`ClientBuilder::on_unrecognized`), and each operation is
//! reported: described, or the JSON pointers the spec lacks with the overlay action
//! (`spec/overlay.yaml`) that would describe each.
//!
//! [`run`] does the calls; [`render`] writes the findings; [`suggestion`] is the overlay action
//! for one finding.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::safe::visible;

use openai_usage::{
    ClientBuilder, Error, GetOrganizationSpendLimitParams, GetProjectSpendLimitParams,
    ListAdminApiKeysParams, ListOrganizationSpendAlertsParams, ListProjectApiKeysParams,
    ListProjectServiceAccountsParams, ListProjectSpendAlertsParams, ListProjectUsersParams,
    ListProjectsParams, ListUsersParams, RetrieveOrganizationSpendAlertParams,
    RetrieveProjectApiKeyParams, RetrieveProjectParams, RetrieveProjectSpendAlertParams,
    RetrieveUserParams, Unrecognized, UnrecognizedKind, UnrecognizedReport,
    UsageAudioSpeechesGroupBy, UsageAudioSpeechesParams, UsageAudioTranscriptionsGroupBy,
    UsageAudioTranscriptionsParams, UsageCodeInterpreterSessionsGroupBy,
    UsageCodeInterpreterSessionsParams, UsageCompletionsGroupBy, UsageCompletionsParams,
    UsageCostsGroupBy, UsageCostsParams, UsageDecisionsGroupBy, UsageDecisionsParams,
    UsageEmbeddingsGroupBy, UsageEmbeddingsParams, UsageFileSearchCallsGroupBy,
    UsageFileSearchCallsParams, UsageImagesGroupBy, UsageImagesParams, UsageModerationsGroupBy,
    UsageModerationsParams, UsageVectorStoresGroupBy, UsageVectorStoresParams,
    UsageWebSearchCallsGroupBy, UsageWebSearchCallsParams,
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

/// Whether every answer was described.
pub fn all_described(checked: &[Checked]) -> bool {
    checked
        .iter()
        .all(|c| !matches!(c.outcome, Outcome::Undescribed(_)))
}

/// The findings as text: a line per operation, and under each operation with undescribed
/// content, each distinct finding (its first JSON pointer, how often it was seen) with the overlay
/// action that would describe it.
pub fn render(checked: &[Checked]) -> String {
    let mut out = String::new();
    for c in checked {
        match &c.outcome {
            Outcome::Described => {
                let _ = writeln!(out, "OK         {}", c.operation);
            }
            Outcome::NothingToCheck(why) => {
                let _ = writeln!(out, "OK         {} (nothing to check: {why})", c.operation);
            }
            Outcome::Undescribed(items) => {
                // The same field in every result of a page is one finding.
                let mut distinct: BTreeMap<(String, String), (&Unrecognized, usize)> =
                    BTreeMap::new();
                for item in items {
                    let key = (item.schema.to_owned(), finding_key(item));
                    distinct.entry(key).or_insert((item, 0)).1 += 1;
                }
                let _ = writeln!(
                    out,
                    "UNDESCRIBED {}: {} thing{} the spec does not describe",
                    c.operation,
                    distinct.len(),
                    if distinct.len() == 1 { "" } else { "s" }
                );
                for (item, seen) in distinct.values() {
                    let times = if *seen > 1 {
                        format!(" (and {} more like it)", seen - 1)
                    } else {
                        String::new()
                    };
                    let _ = writeln!(out, "  {}{times}", visible(&item.to_string()));
                    let _ = writeln!(out, "  the overlay action that would describe it:");
                    for line in suggestion(item, c.operation).lines() {
                        let _ = writeln!(out, "    {line}");
                    }
                }
            }
        }
    }
    let undescribed = checked
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Undescribed(_)))
        .count();
    let _ = writeln!(
        out,
        "\n{} of {} operations answered with something the spec does not describe{}",
        undescribed,
        checked.len(),
        if undescribed == 0 {
            "."
        } else {
            ": add the actions above to spec/overlay.yaml (with what each is, and where that is known from), then `cargo xtask import` and `cargo xtask regen`."
        }
    );
    out
}

/// What makes two findings the same: the field's name, or the value not listed.
fn finding_key(item: &Unrecognized) -> String {
    match &item.kind {
        UnrecognizedKind::Field => format!("field {}", last_segment(&item.path)),
        UnrecognizedKind::UnionTag(tag) => format!("tag {tag}"),
        UnrecognizedKind::EnumValue(value) => format!("value {value}"),
        UnrecognizedKind::Constant(value) => {
            format!("constant {} {value}", last_segment(&item.path))
        }
    }
}

/// The overlay action (YAML, for `spec/overlay.yaml`'s `actions`) that would describe `item`
/// in the spec: the field added to its object's properties, the value to its enum, the tag as
/// a new alternative of its union. The description says what to fill in.
pub fn suggestion(item: &Unrecognized, operation: &str) -> String {
    let schema = json_path(item.schema);
    let key = last_segment(&item.path);
    let why = format!(
        "TODO: what this is, and where that is known from (the API sent it to {operation} at {})",
        item.path
    );
    let (target, update) = match &item.kind {
        UnrecognizedKind::Field => {
            let ty = match item.value_type {
                "null" => "{}  # seen only as null: say its type".to_owned(),
                ty => format!("{{type: {ty}}}"),
            };
            (
                format!("{schema}['properties']"),
                format!("{}: {ty}", yaml_string(&key)),
            )
        }
        UnrecognizedKind::EnumValue(value) => (
            format!("{schema}..['enum']"),
            format!("- {}", yaml_string(value)),
        ),
        UnrecognizedKind::Constant(value) => (
            format!("{schema}['properties'][{}]['enum']", path_name(&key)),
            format!("- {}", yaml_string(value)),
        ),
        UnrecognizedKind::UnionTag(tag) => (
            format!("{schema}['oneOf']"),
            format!(
                "type: object\nproperties:\n  {}: {{type: string, enum: [{}]}}",
                yaml_string(&key),
                yaml_string(tag)
            ),
        ),
    };
    let mut text = format!("- target: \"{target}\"\n  description: >-\n    {why}\n  update:\n");
    for line in update.lines() {
        let _ = writeln!(text, "    {line}");
    }
    text
}

/// The last step of a JSON pointer, unescaped.
fn last_segment(pointer: &str) -> String {
    pointer
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~")
}

/// A JSON pointer into the spec (`#/components/schemas/X`) as a JSONPath (`$['components']...`).
/// A number is a list index after the keywords whose value is a list (`oneOf/11`), and a name
/// elsewhere (a response's `200`).
fn json_path(pointer: &str) -> String {
    const LISTS: [&str; 5] = ["oneOf", "anyOf", "allOf", "parameters", "prefixItems"];
    let mut path = String::from("$");
    let mut previous = "";
    for step in pointer.trim_start_matches('#').split('/').skip(1) {
        let name = step.replace("~1", "/").replace("~0", "~");
        if LISTS.contains(&previous) && name.parse::<usize>().is_ok() {
            path.push_str(&format!("[{name}]"));
        } else {
            path.push_str(&format!("[{}]", path_name(&name)));
        }
        previous = step;
    }
    path
}

/// A name in a JSONPath: single-quoted, with `'` and `\` escaped.
fn path_name(name: &str) -> String {
    format!("'{}'", name.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// A YAML scalar that reads back as `text`: JSON's quoting, which YAML reads alike.
fn yaml_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(
        path: &str,
        kind: UnrecognizedKind,
        schema: &'static str,
        value_type: &'static str,
    ) -> Unrecognized {
        Unrecognized {
            path: path.to_owned(),
            kind,
            schema,
            value_type,
        }
    }

    #[test]
    fn a_new_field_becomes_a_property_of_its_object() {
        let found = item(
            "/data/0/results/2/invoice_id",
            UnrecognizedKind::Field,
            "#/components/schemas/CostsResult",
            "string",
        );
        assert_eq!(
            suggestion(&found, "usage-costs"),
            "- target: \"$['components']['schemas']['CostsResult']['properties']\"
  description: >-
    TODO: what this is, and where that is known from (the API sent it to usage-costs at /data/0/results/2/invoice_id)
  update:
    \"invoice_id\": {type: string}
"
        );
    }

    #[test]
    fn a_new_value_goes_to_its_enum_and_a_new_tag_to_its_union() {
        let value = item(
            "/data/0/results/0/quantity_unit",
            UnrecognizedKind::EnumValue("kilowatt_hours".into()),
            "#/components/schemas/CostsResult/properties/quantity_unit",
            "string",
        );
        let text = suggestion(&value, "usage-costs");
        assert!(text.starts_with("- target: \"$['components']['schemas']['CostsResult']['properties']['quantity_unit']..['enum']\"\n"), "{text}");
        assert!(
            text.ends_with("  update:\n    - \"kilowatt_hours\"\n"),
            "{text}"
        );
        let tag = item(
            "/data/0/results/1/object",
            UnrecognizedKind::UnionTag("organization.usage.teleport.result".into()),
            "#/components/schemas/UsageTimeBucket/properties/results/items",
            "string",
        );
        let text = suggestion(&tag, "usage-completions");
        assert!(text.contains("['results']['items']['oneOf']\""), "{text}");
        assert!(text.ends_with("  update:\n    type: object\n    properties:\n      \"object\": {type: string, enum: [\"organization.usage.teleport.result\"]}\n"), "{text}");
    }

    #[test]
    fn names_from_the_api_cannot_break_the_yaml_or_the_terminal() {
        let odd = item(
            "/data/0/it's~1odd",
            UnrecognizedKind::Field,
            "#/components/schemas/A~1B",
            "null",
        );
        let text = suggestion(&odd, "op");
        assert!(
            text.contains("$['components']['schemas']['A/B']['properties']"),
            "{text}"
        );
        assert!(
            text.contains("\"it's/odd\": {}  # seen only as null"),
            "{text}"
        );
        assert_eq!(visible("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            json_path("#/paths/~1a/get/responses/200/content/x/schema/oneOf/3"),
            "$['paths']['/a']['get']['responses']['200']['content']['x']['schema']['oneOf'][3]"
        );
    }

    #[test]
    fn the_report_groups_a_finding_seen_in_every_result() {
        let one = |n: usize| {
            item(
                &format!("/data/0/results/{n}/invoice_id"),
                UnrecognizedKind::Field,
                "#/components/schemas/CostsResult",
                "string",
            )
        };
        let checked = vec![
            Checked {
                operation: "usage-completions",
                outcome: Outcome::Described,
            },
            Checked {
                operation: "usage-costs",
                outcome: Outcome::Undescribed(vec![one(0), one(1), one(2)]),
            },
        ];
        let text = render(&checked);
        assert!(text.starts_with("OK         usage-completions\nUNDESCRIBED usage-costs: 1 thing the spec does not describe\n  /data/0/results/0/invoice_id: a field the spec does not describe (and 2 more like it)\n"), "{text}");
        assert!(text.ends_with("1 of 2 operations answered with something the spec does not describe: add the actions above to spec/overlay.yaml (with what each is, and where that is known from), then `cargo xtask import` and `cargo xtask regen`.\n"), "{text}");
        assert!(!all_described(&checked));
        assert!(all_described(&checked[..1]));
    }
}
