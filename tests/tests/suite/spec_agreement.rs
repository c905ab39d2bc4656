//! The generated crate and `spec/openai-usage.yaml` agree: every operation, parameter, allowed
//! value and result field of the spec is in the crate, and nothing else. The spec is read here
//! with a plain YAML walk, independently of the generator.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{Debug, Display};
use std::path::Path;
use std::str::FromStr;

use openai_usage::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use serde_yaml::Value as Yaml;

fn spec() -> Yaml {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openai-usage.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Follows `$ref`s (local only).
fn deref<'a>(spec: &'a Yaml, node: &'a Yaml) -> &'a Yaml {
    let mut node = node;
    while let Some(r) = node.get("$ref").and_then(Yaml::as_str) {
        let mut target = spec;
        for part in r.trim_start_matches("#/").split('/') {
            target = &target[part];
        }
        node = target;
    }
    node
}

fn strings(node: &Yaml) -> Vec<String> {
    node.as_sequence()
        .map(|s| s.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default()
}

struct SpecParam {
    name: String,
    required: bool,
    /// Where its allowed values are defined: `op.param` for inline enums, the component pointer
    /// for shared ones; with the values.
    enumeration: Option<(String, Vec<String>)>,
}

struct SpecOperation {
    id: String,
    path: String,
    params: Vec<SpecParam>,
}

fn operations(spec: &Yaml) -> Vec<SpecOperation> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_mapping().unwrap() {
        let op = &item["get"];
        let id = op["operationId"].as_str().unwrap().to_string();
        let params = op["parameters"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|p| {
                let p = deref(spec, p);
                let name = p["name"].as_str().unwrap().to_string();
                let mut schema = &p["schema"];
                if let Some(items) = deref(spec, schema).get("items") {
                    schema = items;
                }
                let site = match schema.get("$ref").and_then(Yaml::as_str) {
                    Some(r) => r.to_string(),
                    None => format!("{id}.{name}"),
                };
                let values = strings(&deref(spec, schema)["enum"]);
                SpecParam {
                    required: p["required"].as_bool().unwrap_or(false),
                    enumeration: (!values.is_empty()).then_some((site, values)),
                    name,
                }
            })
            .collect();
        ops.push(SpecOperation {
            id,
            path: path.as_str().unwrap().to_string(),
            params,
        });
    }
    ops
}

/// `(operationId, method, path, query)` of one operation's parameters.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Vec<(&'static str, String)>,
);

/// Each operation's parameters with every parameter set.
fn every_operation_fully_set() -> Vec<Row> {
    macro_rules! row {
        ($t:ty, $p:expr) => {
            (<$t>::OPERATION_ID, <$t>::METHOD, <$t>::PATH, $p.to_query())
        };
    }
    let ids = ["a", "b"];
    vec![
        row!(
            UsageAudioSpeechesParams,
            UsageAudioSpeechesParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .group_by(UsageAudioSpeechesGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageAudioTranscriptionsParams,
            UsageAudioTranscriptionsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .group_by(UsageAudioTranscriptionsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageCodeInterpreterSessionsParams,
            UsageCodeInterpreterSessionsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .group_by(UsageCodeInterpreterSessionsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageCompletionsParams,
            UsageCompletionsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .batch(true)
                .group_by(UsageCompletionsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageDecisionsParams,
            UsageDecisionsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .batch(true)
                .group_by(UsageDecisionsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageEmbeddingsParams,
            UsageEmbeddingsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .group_by(UsageEmbeddingsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageImagesParams,
            UsageImagesParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .sources(ImageSource::ALL)
                .sizes(ImageSize::ALL)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .group_by(UsageImagesGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageModerationsParams,
            UsageModerationsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .group_by(UsageModerationsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageVectorStoresParams,
            UsageVectorStoresParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .group_by(UsageVectorStoresGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageFileSearchCallsParams,
            UsageFileSearchCallsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .vector_store_ids(ids)
                .group_by(UsageFileSearchCallsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageWebSearchCallsParams,
            UsageWebSearchCallsParams::new(1)
                .end_time(2)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(ids)
                .user_ids(ids)
                .api_key_ids(ids)
                .models(ids)
                .context_levels(UsageWebSearchCallsContextLevels::ALL)
                .group_by(UsageWebSearchCallsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            UsageCostsParams,
            UsageCostsParams::new(1)
                .end_time(2)
                .bucket_width(UsageCostsBucketWidth::OneDay)
                .project_ids(ids)
                .api_key_ids(ids)
                .line_items(ids)
                .group_by(UsageCostsGroupBy::ALL)
                .limit(3)
                .page("p")
        ),
        row!(
            ListProjectsParams,
            ListProjectsParams::new()
                .limit(3)
                .after("a")
                .include_archived(true)
        ),
        row!(RetrieveProjectParams, RetrieveProjectParams::new("p")),
        row!(
            ListUsersParams,
            ListUsersParams::new().limit(3).after("a").emails(ids)
        ),
        row!(RetrieveUserParams, RetrieveUserParams::new("u")),
        row!(
            ListProjectUsersParams,
            ListProjectUsersParams::new("p").limit(3).after("a")
        ),
        row!(
            ListProjectApiKeysParams,
            ListProjectApiKeysParams::new("p")
                .limit(3)
                .after("a")
                .owner_project_access(OwnerProjectAccessFilter::Any)
        ),
        row!(
            RetrieveProjectApiKeyParams,
            RetrieveProjectApiKeyParams::new("p", "k")
        ),
        row!(
            ListProjectServiceAccountsParams,
            ListProjectServiceAccountsParams::new("p")
                .limit(3)
                .after("a")
        ),
        row!(
            ListAdminApiKeysParams,
            ListAdminApiKeysParams::new()
                .after("a")
                .order(ListOrder::Desc)
                .limit(3)
        ),
        row!(
            GetOrganizationSpendLimitParams,
            GetOrganizationSpendLimitParams::new()
        ),
        row!(
            GetProjectSpendLimitParams,
            GetProjectSpendLimitParams::new("p")
        ),
        row!(
            ListOrganizationSpendAlertsParams,
            ListOrganizationSpendAlertsParams::new()
                .limit(3)
                .order(ListOrder::Asc)
                .after("a")
                .before("b")
        ),
        row!(
            ListProjectSpendAlertsParams,
            ListProjectSpendAlertsParams::new("p")
                .limit(3)
                .order(ListOrder::Asc)
                .after("a")
                .before("b")
        ),
        row!(
            RetrieveOrganizationSpendAlertParams,
            RetrieveOrganizationSpendAlertParams::new("a")
        ),
        row!(
            RetrieveProjectSpendAlertParams,
            RetrieveProjectSpendAlertParams::new("p", "a")
        ),
    ]
}

/// The field names of a parameter struct, in order, read from its `Debug` output (which lists
/// every field), so that a parameter added to the spec is checked without editing this test.
fn fields(debug: &str) -> Vec<String> {
    // A struct without fields prints as its bare name.
    let Some(open) = debug.find('{') else {
        return Vec::new();
    };
    let inner = &debug[open + 1..debug.rfind('}').unwrap()];
    let mut names = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(
                    current
                        .split(':')
                        .next()
                        .unwrap()
                        .trim()
                        .trim_start_matches("r#")
                        .to_string(),
                );
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        names.push(
            current
                .split(':')
                .next()
                .unwrap()
                .trim()
                .trim_start_matches("r#")
                .to_string(),
        );
    }
    names
}

#[test]
fn operations_and_their_parameters_agree() {
    let spec = spec();
    let ops = operations(&spec);
    let crate_ops = every_operation_fully_set();
    let spec_ids: BTreeSet<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    let crate_ids: BTreeSet<&str> = crate_ops.iter().map(|o| o.0).collect();
    assert_eq!(
        spec_ids, crate_ids,
        "operations in the spec vs. parameter structs listed in `every_operation_fully_set` (add a new operation there)"
    );
    // Every parameter of the spec is a field of the struct, in order; the required ones are the
    // arguments of `new`.
    let debug: BTreeMap<&str, String> = [
        (
            UsageAudioSpeechesParams::OPERATION_ID,
            format!("{:?}", UsageAudioSpeechesParams::new(1)),
        ),
        (
            UsageAudioTranscriptionsParams::OPERATION_ID,
            format!("{:?}", UsageAudioTranscriptionsParams::new(1)),
        ),
        (
            UsageCodeInterpreterSessionsParams::OPERATION_ID,
            format!("{:?}", UsageCodeInterpreterSessionsParams::new(1)),
        ),
        (
            UsageCompletionsParams::OPERATION_ID,
            format!("{:?}", UsageCompletionsParams::new(1)),
        ),
        (
            UsageDecisionsParams::OPERATION_ID,
            format!("{:?}", UsageDecisionsParams::new(1)),
        ),
        (
            UsageEmbeddingsParams::OPERATION_ID,
            format!("{:?}", UsageEmbeddingsParams::new(1)),
        ),
        (
            UsageImagesParams::OPERATION_ID,
            format!("{:?}", UsageImagesParams::new(1)),
        ),
        (
            UsageModerationsParams::OPERATION_ID,
            format!("{:?}", UsageModerationsParams::new(1)),
        ),
        (
            UsageVectorStoresParams::OPERATION_ID,
            format!("{:?}", UsageVectorStoresParams::new(1)),
        ),
        (
            UsageFileSearchCallsParams::OPERATION_ID,
            format!("{:?}", UsageFileSearchCallsParams::new(1)),
        ),
        (
            UsageWebSearchCallsParams::OPERATION_ID,
            format!("{:?}", UsageWebSearchCallsParams::new(1)),
        ),
        (
            UsageCostsParams::OPERATION_ID,
            format!("{:?}", UsageCostsParams::new(1)),
        ),
        (
            ListProjectsParams::OPERATION_ID,
            format!("{:?}", ListProjectsParams::new()),
        ),
        (
            RetrieveProjectParams::OPERATION_ID,
            format!("{:?}", RetrieveProjectParams::new("p")),
        ),
        (
            ListUsersParams::OPERATION_ID,
            format!("{:?}", ListUsersParams::new()),
        ),
        (
            RetrieveUserParams::OPERATION_ID,
            format!("{:?}", RetrieveUserParams::new("u")),
        ),
        (
            ListProjectUsersParams::OPERATION_ID,
            format!("{:?}", ListProjectUsersParams::new("p")),
        ),
        (
            ListProjectApiKeysParams::OPERATION_ID,
            format!("{:?}", ListProjectApiKeysParams::new("p")),
        ),
        (
            RetrieveProjectApiKeyParams::OPERATION_ID,
            format!("{:?}", RetrieveProjectApiKeyParams::new("p", "k")),
        ),
        (
            ListProjectServiceAccountsParams::OPERATION_ID,
            format!("{:?}", ListProjectServiceAccountsParams::new("p")),
        ),
        (
            ListAdminApiKeysParams::OPERATION_ID,
            format!("{:?}", ListAdminApiKeysParams::new()),
        ),
        (
            GetOrganizationSpendLimitParams::OPERATION_ID,
            format!("{:?}", GetOrganizationSpendLimitParams::new()),
        ),
        (
            GetProjectSpendLimitParams::OPERATION_ID,
            format!("{:?}", GetProjectSpendLimitParams::new("p")),
        ),
        (
            ListOrganizationSpendAlertsParams::OPERATION_ID,
            format!("{:?}", ListOrganizationSpendAlertsParams::new()),
        ),
        (
            ListProjectSpendAlertsParams::OPERATION_ID,
            format!("{:?}", ListProjectSpendAlertsParams::new("p")),
        ),
        (
            RetrieveOrganizationSpendAlertParams::OPERATION_ID,
            format!("{:?}", RetrieveOrganizationSpendAlertParams::new("a")),
        ),
        (
            RetrieveProjectSpendAlertParams::OPERATION_ID,
            format!("{:?}", RetrieveProjectSpendAlertParams::new("p", "a")),
        ),
    ]
    .into_iter()
    .collect();
    // What each `new` above takes, by wire name (written from the spec: the usage endpoints'
    // start, and the organization reads' path parameters).
    let takes = |id: &str| -> Vec<&str> {
        match id {
            "retrieve-project"
            | "list-project-users"
            | "list-project-api-keys"
            | "list-project-service-accounts"
            | "Getprojectspendlimit"
            | "list-project-spend-alerts" => vec!["project_id"],
            "retrieve-project-api-key" => vec!["project_id", "api_key_id"],
            "retrieve-user" => vec!["user_id"],
            "retrieve-organization-spend-alert" => vec!["alert_id"],
            "retrieve-project-spend-alert" => vec!["project_id", "alert_id"],
            id if id.starts_with("usage-") => vec!["start_time"],
            _ => vec![],
        }
    };
    for op in &ops {
        let (_, method, path, query) = crate_ops.iter().find(|o| o.0 == op.id).unwrap();
        assert_eq!((*method, *path), ("GET", op.path.as_str()), "{}", op.id);
        // Path parameters are in the path, never in the query.
        for p in &op.params {
            if op.path.contains(&format!("{{{}}}", p.name)) {
                assert!(query.iter().all(|(k, _)| *k != p.name), "{}", op.id);
            }
        }
        let spec_names: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            fields(&debug[op.id.as_str()]),
            spec_names,
            "{}: the struct's fields are the spec's parameters",
            op.id
        );
        // Everything the test sets is sent under its wire name, in the spec's order.
        let mut sent: Vec<&str> = query.iter().map(|(k, _)| *k).collect();
        sent.dedup();
        let expected: Vec<&str> = spec_names
            .iter()
            .copied()
            .filter(|n| !op.path.contains(&format!("{{{n}}}")))
            .collect();
        assert_eq!(sent, expected, "{}: parameters sent in spec order", op.id);
        let required: Vec<&str> = op
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            required,
            takes(&op.id),
            "{}: `new` takes the required parameters",
            op.id
        );
    }
}

/// Checks that `T` holds exactly the spec's `values`, each round-tripping as its wire string.
fn check_enum<T>(all: &[T], values: &[String])
where
    T: FromStr + Display + Serialize + DeserializeOwned + PartialEq + Debug,
    T::Err: Debug,
{
    assert_eq!(
        all.len(),
        values.len(),
        "{} values: {values:?}",
        std::any::type_name::<T>()
    );
    for (value, wire) in all.iter().zip(values) {
        assert_eq!(&value.to_string(), wire);
        assert_eq!(&T::from_str(wire).unwrap(), value);
        assert_eq!(
            serde_json::to_string(value).unwrap(),
            format!("\"{wire}\""),
            "never double-quoted"
        );
        assert_eq!(
            &serde_json::from_str::<T>(&format!("\"{wire}\"")).unwrap(),
            value
        );
    }
    assert!(T::from_str("not-an-allowed-value").is_err());
    assert!(serde_json::from_str::<T>("\"not-an-allowed-value\"").is_err());
}

#[test]
fn every_allowed_value_round_trips_as_its_wire_string() {
    let spec = spec();
    type Check = fn(&[String]);
    // The usage endpoints repeat one bucket width enum inline (one Rust type serves them all).
    let bucket_widths: Vec<String> = operations(&spec)
        .iter()
        .filter(|o| o.id != "usage-costs" && o.params.iter().any(|p| p.name == "bucket_width"))
        .map(|o| format!("{}.bucket_width", o.id))
        .collect();
    let mut checks: BTreeMap<&str, Check> = BTreeMap::from([
        (
            "usage-images.sizes",
            (|v: &[String]| check_enum(&ImageSize::ALL, v)) as Check,
        ),
        ("usage-images.sources", |v| check_enum(&ImageSource::ALL, v)),
        ("usage-web-search-calls.context_levels", |v| {
            check_enum(&UsageWebSearchCallsContextLevels::ALL, v)
        }),
        ("usage-web-search-calls.group_by", |v| {
            check_enum(&UsageWebSearchCallsGroupBy::ALL, v)
        }),
        ("usage-file-search-calls.group_by", |v| {
            check_enum(&UsageFileSearchCallsGroupBy::ALL, v)
        }),
        ("usage-audio-speeches.group_by", |v| {
            check_enum(&UsageAudioSpeechesGroupBy::ALL, v)
        }),
        ("usage-audio-transcriptions.group_by", |v| {
            check_enum(&UsageAudioTranscriptionsGroupBy::ALL, v)
        }),
        ("usage-code-interpreter-sessions.group_by", |v| {
            check_enum(&UsageCodeInterpreterSessionsGroupBy::ALL, v)
        }),
        ("usage-completions.group_by", |v| {
            check_enum(&UsageCompletionsGroupBy::ALL, v)
        }),
        ("usage-decisions.group_by", |v| {
            check_enum(&UsageDecisionsGroupBy::ALL, v)
        }),
        ("usage-embeddings.group_by", |v| {
            check_enum(&UsageEmbeddingsGroupBy::ALL, v)
        }),
        ("usage-images.group_by", |v| {
            check_enum(&UsageImagesGroupBy::ALL, v)
        }),
        ("usage-moderations.group_by", |v| {
            check_enum(&UsageModerationsGroupBy::ALL, v)
        }),
        ("usage-vector-stores.group_by", |v| {
            check_enum(&UsageVectorStoresGroupBy::ALL, v)
        }),
        ("usage-costs.bucket_width", |v| {
            check_enum(&UsageCostsBucketWidth::ALL, v)
        }),
        ("usage-costs.group_by", |v| {
            check_enum(&UsageCostsGroupBy::ALL, v)
        }),
        ("admin-api-keys-list.order", |v| {
            check_enum(&ListOrder::ALL, v)
        }),
        ("list-organization-spend-alerts.order", |v| {
            check_enum(&ListOrder::ALL, v)
        }),
        ("list-project-spend-alerts.order", |v| {
            check_enum(&ListOrder::ALL, v)
        }),
        ("list-project-api-keys.owner_project_access", |v| {
            check_enum(&OwnerProjectAccessFilter::ALL, v)
        }),
    ]);
    for site in &bucket_widths {
        checks.insert(site, |v| check_enum(&UsageBucketWidth::ALL, v));
    }
    let mut seen = BTreeSet::new();
    for op in operations(&spec) {
        for param in op.params {
            if let Some((site, values)) = param.enumeration {
                let check = checks.get(site.as_str()).unwrap_or_else(|| {
                    panic!("the spec's enum at {site} has no check here: add one")
                });
                check(&values);
                seen.insert(site);
            }
        }
    }
    let listed: BTreeSet<String> = checks.keys().map(|k| k.to_string()).collect();
    assert_eq!(seen, listed, "every enum checked here is one the spec has");
}

/// A JSON value for every property of `schema`, each distinct, following the spec's types.
fn filled(spec: &Yaml, schema: &Yaml, counter: &mut i64) -> Value {
    let schema = deref(spec, schema);
    let mut object = serde_json::Map::new();
    for (name, prop) in schema["properties"].as_mapping().unwrap() {
        let name = name.as_str().unwrap();
        let prop = non_null(spec, deref(spec, prop));
        *counter += 1;
        let ty = match &prop["type"] {
            Yaml::Sequence(types) => types
                .iter()
                .find(|t| t.as_str() != Some("null"))
                .unwrap()
                .as_str()
                .unwrap(),
            other => other.as_str().unwrap_or("object"),
        };
        let value = match (ty, prop.get("enum")) {
            (_, Some(values)) => json!(strings(values)[0]),
            ("string", _) => json!(format!("{name}-{counter}")),
            ("integer", _) => json!(*counter),
            ("number", _) => json!(*counter as f64 + 0.25),
            ("boolean", _) => json!(true),
            ("object", _) => filled(spec, prop, counter),
            (other, _) => panic!("no sample for type {other}"),
        };
        object.insert(name.to_string(), value);
    }
    Value::Object(object)
}

/// The schema of a nullable `anyOf` without its `null`: the member with an `enum` if there is
/// one (an open enum), else the first.
fn non_null<'a>(spec: &'a Yaml, prop: &'a Yaml) -> &'a Yaml {
    let Some(members) = prop.get("anyOf").and_then(Yaml::as_sequence) else {
        return prop;
    };
    let members: Vec<&Yaml> = members
        .iter()
        .map(|m| deref(spec, m))
        .filter(|m| m["type"].as_str() != Some("null"))
        .collect();
    members
        .iter()
        .find(|m| m.get("enum").is_some())
        .or(members.first())
        .copied()
        .unwrap_or(prop)
}

fn result_schemas(spec: &Yaml) -> Vec<(&Yaml, String)> {
    spec["components"]["schemas"]["UsageTimeBucket"]["properties"]["results"]["items"]["oneOf"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|m| {
            let schema = deref(spec, m);
            let object = strings(&schema["properties"]["object"]["enum"]).remove(0);
            (schema, object)
        })
        .collect()
}

#[test]
fn every_result_field_in_the_spec_is_decoded_and_kept() {
    let spec = spec();
    let results = result_schemas(&spec);
    assert!(results.len() >= 11, "the union lists the result types");
    let mut counter = 0;
    for (schema, object) in results {
        let json = filled(&spec, schema, &mut counter);
        let result: UsageResult = serde_json::from_value(json.clone()).unwrap();
        assert!(
            !matches!(result, UsageResult::Unknown(_)),
            "{object} is a known result"
        );
        assert_eq!(result.object(), Some(object.as_str()));
        // A field the crate lacked would be missing here; a wrong type would have failed above.
        assert_eq!(serde_json::to_value(&result).unwrap(), json, "{object}");
    }
}

#[test]
fn a_page_with_every_field_round_trips() {
    let spec = spec();
    let mut counter = 0;
    let results: Vec<Value> = result_schemas(&spec)
        .iter()
        .map(|(s, _)| filled(&spec, s, &mut counter))
        .collect();
    let page = json!({
        "object": "page",
        "data": [
            {"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": results},
            {"object": "bucket", "start_time": 1730505600, "end_time": 1730592000, "results": []},
        ],
        "has_more": true,
        "next_page": "page_AAAA",
    });
    let decoded: UsageResponse = serde_json::from_value(page.clone()).unwrap();
    assert_eq!(decoded.data.len(), 2);
    assert_eq!(decoded.data[0].results.len(), result_schemas(&spec).len());
    assert!(decoded.data[1].results.is_empty());
    assert_eq!(serde_json::to_value(&decoded).unwrap(), page);
}

#[test]
fn every_number_in_a_result_also_decodes_from_a_numeric_string() {
    let spec = spec();
    let mut found = 0;
    for (schema, object) in result_schemas(&spec) {
        let mut counter = 0;
        let base = filled(&spec, schema, &mut counter);
        // The paths of `number` properties, one level of nesting deep (as in `amount.value`).
        for (name, prop) in schema["properties"].as_mapping().unwrap() {
            let prop = deref(&spec, prop);
            let nested: Vec<(String, Option<String>)> = if prop["type"].as_str() == Some("number") {
                vec![(name.as_str().unwrap().to_string(), None)]
            } else if let Some(props) = prop.get("properties").and_then(Yaml::as_mapping) {
                props
                    .iter()
                    .filter(|(_, p)| p["type"].as_str() == Some("number"))
                    .map(|(n, _)| {
                        (
                            name.as_str().unwrap().to_string(),
                            Some(n.as_str().unwrap().to_string()),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            for (outer, inner) in nested {
                for (sent, expected) in [
                    ("12.50", 12.5),
                    ("0.0042", 0.0042),
                    ("0.003627500000000000000000000000000000", 0.0036275),
                    ("0E-6176", 0.0),
                ] {
                    let mut json = base.clone();
                    let slot = match &inner {
                        Some(inner) => &mut json[&outer][inner],
                        None => &mut json[&outer],
                    };
                    *slot = json!(sent);
                    let result: UsageResult = serde_json::from_value(json.clone()).unwrap();
                    let back = serde_json::to_value(&result).unwrap();
                    let got = match &inner {
                        Some(inner) => &back[&outer][inner],
                        None => &back[&outer],
                    };
                    assert_eq!(got.as_f64(), Some(expected), "{object}.{outer}: {sent}");
                }
                found += 1;
            }
        }
    }
    assert!(
        found >= 1,
        "the spec has a number field in its results (costs amount.value)"
    );
}

/// The bounds a `limit` parameter's prose states, read from the text alone: "range between A and
/// B" (the lists, costs), or one "max: N" per bucket width (the usage endpoints).
fn prose_bounds(description: &str) -> Option<(i64, i64)> {
    let number = |text: &str| -> Option<i64> {
        text.trim_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .ok()
    };
    if let Some(rest) = description.split("range between ").nth(1) {
        let (low, rest) = rest.split_once(" and ")?;
        let high = rest.split(|c: char| !c.is_ascii_digit()).next()?;
        return Some((number(low)?, number(high)?));
    }
    let maxima: Vec<i64> = description
        .split("max: ")
        .skip(1)
        .filter_map(|m| number(m.split(|c: char| !c.is_ascii_digit()).next()?))
        .collect();
    // The usage endpoints' prose gives a maximum per bucket width and no minimum: 1 is the
    // least number of buckets there is.
    maxima.iter().max().map(|max| (1, *max))
}

/// Every bound the description states in prose is in the spec, so `validate()` enforces it.
#[test]
fn every_limit_bound_stated_in_prose_is_in_the_schema() {
    let spec = spec();
    let mut checked = Vec::new();
    for item in spec["paths"].as_mapping().unwrap().values() {
        let op = &item["get"];
        for param in op["parameters"].as_sequence().unwrap() {
            let param = deref(&spec, param);
            if param["name"].as_str() != Some("limit") {
                continue;
            }
            let description = param["description"].as_str().unwrap_or_default();
            let Some((low, high)) = prose_bounds(description) else {
                continue;
            };
            let schema = &param["schema"];
            let id = op["operationId"].as_str().unwrap();
            assert_eq!(
                schema["minimum"].as_i64(),
                Some(low),
                "{id}: minimum, from {description:?}"
            );
            assert_eq!(
                schema["maximum"].as_i64(),
                Some(high),
                "{id}: maximum, from {description:?}"
            );
            checked.push(id.to_owned());
        }
    }
    // The lists, costs and the usage endpoints state bounds in prose (others may join them).
    for id in [
        "list-projects",
        "list-users",
        "list-project-users",
        "list-project-api-keys",
        "list-project-service-accounts",
        "usage-costs",
        "usage-completions",
        "usage-decisions",
    ] {
        assert!(
            checked.iter().any(|c| c == id),
            "{id} not checked: {checked:?}"
        );
    }
    // And the crate refuses what the prose forbids, before sending.
    assert!(ListProjectsParams::new().limit(1000).validate().is_err());
    assert!(ListProjectsParams::new().limit(0).validate().is_err());
    assert!(ListProjectsParams::new().limit(100).validate().is_ok());
    assert!(ListUsersParams::new().limit(101).validate().is_err());
    assert!(ListProjectUsersParams::new("proj_a")
        .limit(101)
        .validate()
        .is_err());
    assert!(ListProjectApiKeysParams::new("proj_a")
        .limit(101)
        .validate()
        .is_err());
    assert!(ListProjectServiceAccountsParams::new("proj_a")
        .limit(101)
        .validate()
        .is_err());
}
