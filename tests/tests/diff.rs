//! Spec diff: `cargo xtask diff` reports what a spec edit changes for users of the generated
//! crate, with the right breaking/additive mark; every edit generates a crate that compiles with no
//! change to `codegen/`; and the difference between our spec and OpenAI's published one is a
//! golden file, reviewed by a person.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml::Value;

use tests::root;

fn spec_text() -> String {
    fs::read_to_string(root().join("spec/openai-usage.yaml")).unwrap()
}

fn spec_tree() -> Value {
    serde_yaml::from_str(&spec_text()).unwrap()
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap()
}

/// The operation at `path`.
fn operation<'a>(spec: &'a mut Value, path: &str) -> &'a mut Value {
    spec["paths"]
        .get_mut(path)
        .and_then(|p| p.get_mut("get"))
        .unwrap_or_else(|| panic!("the spec has no GET {path}"))
}

fn parameters<'a>(spec: &'a mut Value, path: &str) -> &'a mut Vec<Value> {
    operation(spec, path)["parameters"]
        .as_sequence_mut()
        .unwrap()
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    spec["components"]["schemas"]
        .get_mut(name)
        .unwrap_or_else(|| panic!("the spec has no schema {name}"))
}

/// The parameter `name` of the operation at `path`.
fn param<'a>(spec: &'a mut Value, path: &str, name: &str) -> &'a mut Value {
    parameters(spec, path)
        .iter_mut()
        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
        .unwrap_or_else(|| panic!("GET {path} has no parameter {name}"))
}

/// The allowed values of the inline `group_by` of the operation at `path`.
fn group_by_values<'a>(spec: &'a mut Value, path: &str) -> &'a mut Vec<Value> {
    let group_by = parameters(spec, path)
        .iter_mut()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("group_by"))
        .expect("a group_by parameter");
    group_by["schema"]["items"]["enum"]
        .as_sequence_mut()
        .unwrap()
}

/// Applies `edit` to the spec's tree and gives the YAML back. Edits are structural and use
/// names the real API will not take (`evolution_*`), so they keep working as the spec grows.
fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut spec = spec_tree();
    edit(&mut spec);
    serde_yaml::to_string(&spec).unwrap()
}

/// One edit of the evolution table: its name, the edit, and the report expected.
struct Evolution {
    name: &'static str,
    edit: fn(&mut Value),
    report: &'static str,
    breaking: bool,
}

impl Evolution {
    /// The spec with this edit.
    fn spec(&self) -> String {
        edited(self.edit)
    }
}

const COMPLETIONS: &str = "/organization/usage/completions";
const COSTS: &str = "/organization/costs";

fn evolutions() -> Vec<Evolution> {
    vec![
        Evolution {
            name: "add-operation",
            edit: |spec| {
                spec["paths"].as_mapping_mut().unwrap().insert(
                    yaml("/organization/usage/evolution_probe"),
                    yaml("get:
  operationId: usage-evolution-probe
  summary: A new operation.
  security: [{AdminApiKeyAuth: []}]
  parameters:
    - {name: start_time, in: query, required: true, schema: {type: integer}}
    - {name: group_by, in: query, schema: {type: array, items: {type: string, enum: [project_id]}}}
    - {name: page, in: query, schema: {type: string}}
  responses:
    '200':
      description: A page.
      content: {application/json: {schema: {$ref: '#/components/schemas/UsageResponse'}}}"),
                );
            },
            report: "Additive (2):
  + Client::usage_evolution_probe: operation `usage-evolution-probe` (`GET /organization/usage/evolution_probe`) added, with `UsageEvolutionProbeParams`
  + UsageEvolutionProbeGroupBy: type added (enum)

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "remove-operation",
            edit: |spec| {
                spec["paths"].as_mapping_mut().unwrap().remove("/organization/usage/vector_stores").unwrap();
            },
            report: "Breaking (2):
  ! Client::usage_vector_stores: operation `usage-vector-stores` (`GET /organization/usage/vector_stores`) removed, with `UsageVectorStoresParams` (breaks compilation)
  ! UsageVectorStoresGroupBy: type removed (enum) (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "add-optional-parameter",
            edit: |spec| {
                parameters(spec, COSTS).push(yaml("{name: evolution_ids, in: query, schema: {type: array, items: {type: string}}}"));
            },
            report: "Additive (1):
  + UsageCostsParams::evolution_ids: optional parameter `evolution_ids` added

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "add-required-parameter",
            edit: |spec| {
                parameters(spec, COSTS).push(yaml("{name: evolution_currency, in: query, required: true, schema: {type: string}}"));
            },
            report: "Breaking (1):
  ! UsageCostsParams::new: required parameter `evolution_currency` added: `new` takes it (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "add-allowed-value",
            edit: |spec| group_by_values(spec, COMPLETIONS).push(yaml("evolution_value")),
            report: "Additive (1):
  + UsageCompletionsGroupBy::EvolutionValue: allowed value `evolution_value` added; `UsageCompletionsGroupBy::ALL` becomes `[Self; 8]` (was `[Self; 7]`)

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "remove-allowed-value",
            edit: |spec| group_by_values(spec, COMPLETIONS).retain(|v| v.as_str() != Some("batch")),
            report: "Breaking (1):
  ! UsageCompletionsGroupBy::Batch: allowed value `batch` removed (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "add-result-type",
            edit: |spec| {
                spec["components"]["schemas"].as_mapping_mut().unwrap().insert(
                    yaml("UsageEvolutionProbeResult"),
                    yaml("type: object
description: A result type added to the API.
required: [object, num_requests]
properties:
  object: {type: string, enum: [organization.usage.evolution_probe.result]}
  num_requests: {type: integer, description: How many.}"),
                );
                let union = &mut schema(spec, "UsageTimeBucket")["properties"]["results"]["items"];
                union["oneOf"].as_sequence_mut().unwrap().push(yaml("$ref: '#/components/schemas/UsageEvolutionProbeResult'"));
                union["x-enum-varnames"]
                    .as_mapping_mut()
                    .unwrap()
                    .insert(yaml("organization.usage.evolution_probe.result"), yaml("EvolutionProbe"));
            },
            report: "Additive (2):
  + UsageEvolutionProbeResult: type added (struct)
  + UsageResult::EvolutionProbe: result type `organization.usage.evolution_probe.result` added (`UsageEvolutionProbeResult`)

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "add-field",
            edit: |spec| {
                schema(spec, "CostsResult")["properties"]
                    .as_mapping_mut()
                    .unwrap()
                    .insert(yaml("evolution_quantity"), yaml("{type: [number, 'null'], description: A quantity.}"));
            },
            report: "Additive (1):
  + CostsResult::evolution_quantity: field `evolution_quantity` added: `Option<f64>`

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "make-field-nullable",
            edit: |spec| {
                schema(spec, "UsageVectorStoresResult")["properties"]["usage_bytes"]["type"] = yaml("[integer, 'null']");
            },
            report: "Breaking (1):
  ! UsageVectorStoresResult::usage_bytes: now optional or nullable: `i64` became `Option<i64>` (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "change-field-type",
            edit: |spec| {
                schema(spec, "UsageImagesResult")["properties"]["images"]["type"] = yaml("number");
            },
            report: "Breaking (1):
  ! UsageImagesResult::images: type changed from `i64` to `f64` (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "rename-operation-id",
            edit: |spec| {
                operation(spec, "/organization/usage/moderations")["operationId"] = yaml("usage-moderation");
            },
            report: "Breaking (2):
  ! Client::usage_moderations: operation `usage-moderations` (`GET /organization/usage/moderations`) removed, with `UsageModerationsParams` (breaks compilation)
  ! UsageModerationsGroupBy: type removed (enum) (breaks compilation)

Additive (2):
  + Client::usage_moderation: operation `usage-moderation` (`GET /organization/usage/moderations`) added, with `UsageModerationParams`
  + UsageModerationGroupBy: type added (enum)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },

        // ---------------------------------------------------------------- what the crate checks
        Evolution {
            name: "tighten-maximum",
            edit: |spec| param(spec, COSTS, "limit")["schema"]["maximum"] = yaml("100"),
            report: "Breaking (1):
  ! UsageCostsParams::limit: `limit`: maximum now 100 (was 180): tightened, `validate()` rejects values it accepted (breaks at run time)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "loosen-maximum",
            edit: |spec| param(spec, COSTS, "limit")["schema"]["maximum"] = yaml("365"),
            report: "Additive (1):
  + UsageCostsParams::limit: `limit`: maximum now 365 (was 180): loosened

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "lower-maximum-by",
            edit: |spec| {
                param(spec, COMPLETIONS, "limit")["schema"]["x-maximum-by"]["values"]["1h"] = yaml("100");
            },
            report: "Breaking (1):
  ! UsageCompletionsParams::limit: `limit`: maximum for `bucket_width=1h` (`x-maximum-by`) now 100 (was 168): tightened, `validate()` rejects values it accepted (breaks at run time)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "add-min-items",
            edit: |spec| param(spec, COSTS, "project_ids")["schema"]["minItems"] = yaml("2"),
            report: "Breaking (1):
  ! UsageCostsParams::project_ids: `project_ids`: minItems now 2 (was none): tightened, `validate()` rejects values it accepted (breaks at run time)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "add-pattern",
            edit: |spec| param(spec, COSTS, "page")["schema"]["pattern"] = yaml("'^page_'"),
            report: "Breaking (1):
  ! UsageCostsParams::page: `page`: must now match the pattern `^page_` (the server rejects other values) (breaks at run time)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "drop-greater-than",
            edit: |spec| {
                param(spec, COSTS, "end_time")["schema"].as_mapping_mut().unwrap().remove("x-greater-than");
            },
            report: "Additive (1):
  + UsageCostsParams::end_time: `end_time` no longer has to be greater than `start_time`

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        // ---------------------------------------------------------------- what goes on the wire
        Evolution {
            name: "change-default",
            edit: |spec| param(spec, COSTS, "limit")["schema"]["default"] = yaml("14"),
            report: "Breaking (1):
  ! UsageCostsParams::limit: default of `limit` now `14` (was `7`): requests that leave it unset get other results (changes behaviour)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "remove-enum-default",
            edit: |spec| {
                param(spec, COSTS, "bucket_width")["schema"].as_mapping_mut().unwrap().remove("default");
            },
            report: "Breaking (1):
  ! UsageCostsBucketWidth: no default any more (was `1d`): the `Default` impl is gone (breaks compilation)

Docs (1):
  ~ UsageCostsParams::bucket_width: default of `bucket_width` (`1d`) no longer stated

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "explode-false",
            edit: |spec| param(spec, COSTS, "project_ids")["explode"] = yaml("false"),
            report: "Breaking (1):
  ! UsageCostsParams::project_ids: `project_ids` is now sent as `project_ids=a,b` (was `project_ids=a&project_ids=b`): `explode` changed (changes behaviour)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "change-server-url",
            edit: |spec| spec["servers"][0]["url"] = yaml("https://eu.api.openai.com/v1"),
            report: "Breaking (1):
  ! DEFAULT_BASE_URL: the server is now `https://eu.api.openai.com/v1` (was `https://api.openai.com/v1`): requests go elsewhere (changes behaviour)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "rename-key-env-var",
            edit: |spec| {
                spec["components"]["securitySchemes"]["AdminApiKeyAuth"]["x-env-var"] = yaml("OPENAI_ORG_ADMIN_KEY");
            },
            report: "Breaking (1):
  ! Client::from_env: the key (`x-env-var` of the security scheme) is now read from `OPENAI_ORG_ADMIN_KEY` (was `OPENAI_ADMIN_KEY`): a program that sets only the old one gets an error (breaks at run time)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "remove-security",
            edit: |spec| {
                spec.as_mapping_mut().unwrap().remove("security");
                for item in spec["paths"].as_mapping_mut().unwrap().values_mut() {
                    for op in item.as_mapping_mut().unwrap().values_mut() {
                        if let Some(op) = op.as_mapping_mut() {
                            op.remove("security");
                        }
                    }
                }
            },
            report: "Breaking (1):
  ! Client::from_env: removed: the spec names no variable for the key any more (was `OPENAI_ADMIN_KEY`) (breaks compilation)

Additive (1):
  + Client::builder: the spec no longer requires a key: a key given is still sent as `Authorization: Bearer <key>`

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "add-pattern-to-array-items",
            edit: |spec| {
                param(spec, COSTS, "project_ids")["schema"]["items"]["pattern"] = yaml("'^proj_'")
            },
            report: "Breaking (1):
  ! UsageCostsParams::project_ids: `project_ids`: each value must now match the pattern `^proj_` (the server rejects other values) (breaks at run time)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "bearer-to-api-key-header",
            edit: |spec| {
                spec["components"]["securitySchemes"]["AdminApiKeyAuth"] =
                    yaml("{type: apiKey, in: header, name: X-Admin-Key, x-env-var: OPENAI_ADMIN_KEY}");
            },
            report: "Breaking (1):
  ! Client::builder: the key is now sent as the `x-admin-key` header (was `Authorization: Bearer <key>`) (changes behaviour)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "rename-discriminator-property",
            edit: |spec| {
                // Members are `$ref`s to components, or objects written in place.
                let members: Vec<Option<String>> = schema(spec, "UsageTimeBucket")["properties"]["results"]["items"]["oneOf"]
                    .as_sequence()
                    .unwrap()
                    .iter()
                    .map(|m| m["$ref"].as_str().map(|r| r.rsplit('/').next().unwrap().to_owned()))
                    .collect();
                for (index, member) in members.into_iter().enumerate() {
                    let properties = match member {
                        Some(member) => &mut schema(spec, &member)["properties"],
                        None => &mut schema(spec, "UsageTimeBucket")["properties"]["results"]["items"]["oneOf"][index]["properties"],
                    };
                    let tag = properties["object"].clone();
                    properties.as_mapping_mut().unwrap().insert(yaml("kind"), tag);
                }
                schema(spec, "UsageTimeBucket")["properties"]["results"]["items"]["discriminator"]["propertyName"] = yaml("kind");
            },
            report: "Breaking (1):
  ! UsageResult: told apart by `kind` now (was `object`): the accessor `object()` is now `kind()`, and crates built before decode every object as `Unknown` (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        // ---------------------------------------------------------------- deprecation
        Evolution {
            name: "deprecate-operation",
            edit: |spec| {
                let op = operation(spec, "/organization/usage/moderations");
                op["deprecated"] = yaml("true");
                op["x-sunset"] = yaml("'2027-06-30'");
            },
            report: "Deprecated (1):
  - Client::usage_moderations: operation deprecated, sunset 2027-06-30: uses now warn (`deprecated by the API`)

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "deprecate-parameter",
            edit: |spec| param(spec, COSTS, "project_ids")["deprecated"] = yaml("true"),
            report: "Deprecated (1):
  - UsageCostsParams::project_ids: parameter `project_ids` deprecated: uses now warn (`deprecated by the API`)

Version bump: patch (nothing breaks): 0.1.0 -> 0.1.1
",
            breaking: false,
        },
        Evolution {
            name: "operation-changes-method",
            edit: |spec| {
                let item = spec["paths"]["/organization/projects/{project_id}"]
                    .as_mapping_mut()
                    .unwrap();
                let op = item.remove("get").unwrap();
                item.insert(yaml("delete"), op);
            },
            report: "Breaking (1):
  ! Client::retrieve_project: now `DELETE /organization/projects/{project_id}` (was `GET /organization/projects/{project_id}`) (changes behaviour)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "request-body-gains-a-required-field",
            edit: |spec| {
                let body = &mut spec["components"]["schemas"]["UpdateOrganizationSpendLimitBody"];
                body["properties"]
                    .as_mapping_mut()
                    .unwrap()
                    .insert(yaml("evolution_note"), yaml("{type: string, description: Why.}"));
                body["required"]
                    .as_sequence_mut()
                    .unwrap()
                    .push(yaml("evolution_note"));
            },
            report: "Breaking (1):
  ! UpdateOrganizationSpendLimitBody::evolution_note: required field `evolution_note` added: `UpdateOrganizationSpendLimitBody::new` takes it (`String`) (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "request-body-gains-an-optional-field-and-a-tighter-bound",
            edit: |spec| {
                let body = &mut spec["components"]["schemas"]["UpdateProjectSpendLimitBody"];
                body["properties"]
                    .as_mapping_mut()
                    .unwrap()
                    .insert(yaml("evolution_note"), yaml("{type: string, description: Why.}"));
                body["properties"]["threshold_amount"]["minimum"] = yaml("100");
            },
            report: "Breaking (1):
  ! UpdateProjectSpendLimitBody::threshold_amount: `threshold_amount`: minimum now 100 (was 1): tightened, `validate()` rejects values it accepted (breaks at run time)

Additive (1):
  + UpdateProjectSpendLimitBody::evolution_note: field `evolution_note` added: `Option<String>`

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "path-parameter-renamed",
            edit: |spec| {
                let paths = spec["paths"].as_mapping_mut().unwrap();
                let mut item = paths.remove("/organization/users/{user_id}").unwrap();
                item["get"]["parameters"][0]["name"] = yaml("evolution_user");
                paths.insert(yaml("/organization/users/{evolution_user}"), item);
            },
            report: "Breaking (3):
  ! Client::retrieve_user: now `GET /organization/users/{evolution_user}` (was `GET /organization/users/{user_id}`) (changes behaviour)
  ! RetrieveUserParams::new: required parameter `evolution_user` added: `new` takes it (breaks compilation)
  ! RetrieveUserParams::new: required parameter `user_id` removed (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
        Evolution {
            name: "list-stops-paging",
            edit: |spec| {
                operation(spec, "/organization/projects")["x-pagination"] = yaml("false");
            },
            report: "Rust names and methods only (the wire is unchanged) (1):
  ! Client::list_projects: no longer pages: stream methods removed (breaks compilation)

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
",
            breaking: true,
        },
    ]
}

fn run(args: &[&str]) -> (Result<xtask::Outcome, String>, String) {
    let (result, out, _) = run_both(args);
    (result, out)
}

/// `cargo xtask ARGS`: the outcome, what it printed as output, and its verdicts and warnings.
fn run_both(args: &[&str]) -> (Result<xtask::Outcome, String>, String, String) {
    tests::xtask_with_stderr(root(), args)
}

#[test]
fn every_spec_edit_is_reported_exactly_and_its_crate_compiles() {
    let temp = tempfile::tempdir().unwrap();
    // `EVOLUTIONS_DIR=DIR` keeps each edited spec and the diff's verdict there, for
    // `tests/diff/semver-checks` (which compares the verdicts with cargo-semver-checks').
    let keep = std::env::var_os("EVOLUTIONS_DIR").map(std::path::PathBuf::from);
    let evolutions = evolutions();
    // The edits are independent, and most of this is the generator: on the machine's threads.
    let crates = tests::par_map(&evolutions, |evolution| {
        report_and_regen(evolution, temp.path(), keep.as_deref())
    });

    // Each edit's crate must compile. Checking 33 crates of 13,000 lines each was most of this
    // test's time, and each differs from the base crate in a few places; so edits whose changes
    // to the generated code are apart (no changed line of the base crate in common, nor next to
    // one another) are applied together, and their crate is checked once, when it is exactly the
    // base crate with each edit's changes (otherwise each edit's own crate is checked).
    let base_dir = temp.path().join("base");
    fs::create_dir_all(&base_dir).unwrap();
    fs::write(base_dir.join("evolution.yaml"), edited(|_| {})).unwrap();
    let base = regen_crate(&base_dir);
    let changes: Vec<Option<Vec<Hunk>>> = crates.iter().map(|c| hunks(&base, c)).collect();
    // Each group: its edits, and the crate generated from the spec with all of them.
    let mut groups: Vec<(Vec<usize>, BTreeMap<String, String>)> = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let apart_from = |j: usize| match (change, &changes[j]) {
            (Some(change), Some(other)) => {
                !change.iter().any(|h| other.iter().any(|o| h.touches(o)))
            }
            _ => false,
        };
        let mut joined = false;
        for (group, files) in groups.iter_mut() {
            if !group.iter().all(|&j| apart_from(j)) {
                continue;
            }
            let mut members = group.clone();
            members.push(i);
            let together = regen_together(temp.path(), &evolutions, &members);
            let hunks: Vec<&[Hunk]> = members
                .iter()
                .map(|&j| changes[j].as_deref().unwrap())
                .collect();
            // Apart in the spec too: together, the edits give exactly what each gives alone.
            if together == merge(&base, &hunks) {
                (*group, *files) = (members, together);
                joined = true;
                break;
            }
        }
        if !joined {
            groups.push((vec![i], crates[i].clone()));
        }
    }
    let workspace = temp.path().join("workspace");
    let mut members = Vec::new();
    let mut legend = Vec::new();
    for (group, files) in &groups {
        let member = format!("crate-{}", members.len() + 1);
        for (name, text) in files {
            let text = if name == "Cargo.toml" {
                // One workspace: one cargo run, dependencies checked once.
                text.replace("name = \"evolution\"", &format!("name = \"{member}\""))
                    .replace(
                        "\n# Not part of any enclosing workspace.\n[workspace]\n",
                        "\n",
                    )
            } else {
                text.clone()
            };
            let path = workspace.join(&member).join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, text).unwrap();
        }
        let names: Vec<&str> = group.iter().map(|&i| evolutions[i].name).collect();
        legend.push(format!("{member}: {}", names.join(", ")));
        members.push(format!("\"{member}\""));
    }
    fs::write(
        workspace.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    // Checked where they were last time, rewriting only files that changed: a crate whose
    // sources are as before is not checked again (the warm suite stays fast), and any change
    // is checked in full.
    let checked = root().join("target/diff-evolutions");
    tests::sync_dir(&workspace, &checked);
    tests::check_generated(
        &checked,
        &format!("an evolved crate ({})", legend.join("; ")),
    );
}

/// Checks what `cargo xtask diff` reports for `evolution` (and its exit code with
/// `--deny-breaking`), and generates its crate in `temp/<name>`: the generated files by path.
fn report_and_regen(
    evolution: &Evolution,
    temp: &Path,
    keep: Option<&Path>,
) -> BTreeMap<String, String> {
    let current = root().join("spec/openai-usage.yaml");
    let dir = temp.join(evolution.name);
    let spec = dir.join("evolution.yaml");
    let text = evolution.spec();
    fs::create_dir_all(&dir).unwrap();
    fs::write(&spec, &text).unwrap();
    if let Some(dir) = keep {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(format!("{}.yaml", evolution.name)), &text).unwrap();
        let verdict = if evolution.breaking {
            "breaking"
        } else {
            "not breaking"
        };
        fs::write(dir.join(format!("{}.verdict", evolution.name)), verdict).unwrap();
    }
    let (spec_arg, current_arg) = (spec.to_str().unwrap(), current.to_str().unwrap());

    let (result, report) = run(&["diff", current_arg, spec_arg]);
    assert_eq!(
        result,
        Ok(xtask::Outcome::Success),
        "{}: diff exits 0 without --deny-breaking",
        evolution.name
    );
    assert_eq!(report, evolution.report, "{}: the report", evolution.name);

    let (result, _) = run(&["diff", current_arg, spec_arg, "--deny-breaking"]);
    let expected = if evolution.breaking {
        xtask::Outcome::Failure
    } else {
        xtask::Outcome::Success
    };
    assert_eq!(result, Ok(expected), "{}: --deny-breaking", evolution.name);
    regen_crate(&dir)
}

/// The crate generated from the spec with the edits of `members` (indexes into `evolutions`).
fn regen_together(
    temp: &Path,
    evolutions: &[Evolution],
    members: &[usize],
) -> BTreeMap<String, String> {
    let names: Vec<String> = members.iter().map(|i| i.to_string()).collect();
    let dir = temp.join(format!("together-{}", names.join("-")));
    fs::create_dir_all(&dir).unwrap();
    let spec = edited(|spec| members.iter().for_each(|&i| (evolutions[i].edit)(spec)));
    fs::write(dir.join("evolution.yaml"), spec).unwrap();
    let together = regen_crate(&dir);
    fs::remove_dir_all(&dir).unwrap();
    together
}

/// `cargo xtask regen` of `dir/evolution.yaml` into `dir/crate`: the generated files by path.
fn regen_crate(dir: &Path) -> BTreeMap<String, String> {
    let (spec, out) = (dir.join("evolution.yaml"), dir.join("crate"));
    let (result, written) = run(&[
        "regen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        result,
        Ok(xtask::Outcome::Success),
        "{}: {written}",
        dir.display()
    );
    tests::files_under(&out)
        .into_iter()
        .map(|(name, bytes)| (name, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// Lines `old` of a base crate's `file` replaced by `new`.
#[derive(Debug)]
struct Hunk {
    file: String,
    old: std::ops::Range<usize>,
    new: Vec<String>,
}

impl Hunk {
    /// Do the two change the same lines of the base, or lines next to each other (so that
    /// where one ends and the other begins would be ambiguous)?
    fn touches(&self, other: &Hunk) -> bool {
        self.file == other.file
            && self.old.start <= other.old.end
            && other.old.start <= self.old.end
    }
}

/// What `evolved` changes in `base`, line by line; `None` when it adds or removes a file.
fn hunks(base: &BTreeMap<String, String>, evolved: &BTreeMap<String, String>) -> Option<Vec<Hunk>> {
    if !base.keys().eq(evolved.keys()) {
        return None;
    }
    let mut hunks = Vec::new();
    for (file, old) in base {
        let old: Vec<&str> = old.split_inclusive('\n').collect();
        let new: Vec<&str> = evolved[file].split_inclusive('\n').collect();
        for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new) {
            if !matches!(op, similar::DiffOp::Equal { .. }) {
                hunks.push(Hunk {
                    file: file.clone(),
                    old: op.old_range(),
                    new: new[op.new_range()].iter().map(|l| l.to_string()).collect(),
                });
            }
        }
    }
    Some(hunks)
}

/// The base crate with every hunk of `changes` applied (they are apart from one another).
fn merge(base: &BTreeMap<String, String>, changes: &[&[Hunk]]) -> BTreeMap<String, String> {
    base.iter()
        .map(|(file, text)| {
            let lines: Vec<&str> = text.split_inclusive('\n').collect();
            let mut hunks: Vec<&Hunk> = changes
                .iter()
                .flat_map(|c| c.iter())
                .filter(|h| &h.file == file)
                .collect();
            hunks.sort_by_key(|h| h.old.start);
            let (mut merged, mut at) = (String::new(), 0);
            for hunk in hunks {
                merged.extend(lines[at..hunk.old.start].iter().copied());
                merged.extend(hunk.new.iter().map(String::as_str));
                at = hunk.old.end;
            }
            merged.extend(lines[at..].iter().copied());
            (file.clone(), merged)
        })
        .collect()
}

#[test]
fn no_change_is_no_report_and_git_revisions_can_be_compared() {
    let (result, report) = run(&["diff", "git:HEAD", "git:HEAD"]);
    assert_eq!(result, Ok(xtask::Outcome::Success));
    assert_eq!(report, "No changes for users of the generated crate.\n");
    let (result, _) = run(&["diff", "git:no-such-revision", "git:HEAD"]);
    let message = result.unwrap_err();
    assert!(
        message.contains("git cannot show spec/openai-usage.yaml at `no-such-revision`"),
        "{message}"
    );
}

#[test]
fn markdown_for_pull_requests() {
    let temp = tempfile::tempdir().unwrap();
    let evolution = evolutions()
        .into_iter()
        .find(|e| e.name == "rename-operation-id")
        .unwrap();
    let spec = temp.path().join("renamed.yaml");
    fs::write(&spec, evolution.spec()).unwrap();
    let current = root().join("spec/openai-usage.yaml");
    let (_, report) = run(&[
        "diff",
        current.to_str().unwrap(),
        spec.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert_eq!(
        report,
        "## Changes for users of the generated crate

### Breaking (2)

- `Client::usage_moderations`: operation `usage-moderations` (`GET /organization/usage/moderations`) removed, with `UsageModerationsParams` (breaks compilation)
- `UsageModerationsGroupBy`: type removed (enum) (breaks compilation)

### Additive (2)

- `Client::usage_moderation`: operation `usage-moderation` (`GET /organization/usage/moderations`) added, with `UsageModerationParams`
- `UsageModerationGroupBy`: type added (enum)

**Version bump:** minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
"
    );
}

#[test]
fn descriptions_are_docs_and_renames_are_listed_apart() {
    let temp = tempfile::tempdir().unwrap();
    let edited = edited(|spec| {
        schema(spec, "UsageImagesResult")["properties"]["images"]["description"] =
            yaml("How many images were processed.");
        let sources = parameters(spec, "/organization/usage/images")
            .iter_mut()
            .find(|p| p.get("name").and_then(Value::as_str) == Some("sources"))
            .expect("images are filtered by source");
        sources["schema"]["items"]["x-enum-varnames"]["image.generation"] = yaml("Generated");
    });
    let path = temp.path().join("docs.yaml");
    fs::write(&path, edited).unwrap();
    let current = root().join("spec/openai-usage.yaml");
    let (result, report, verdict) = run_both(&[
        "diff",
        current.to_str().unwrap(),
        path.to_str().unwrap(),
        "--deny-breaking",
    ]);
    // The verdict is not part of the report (which may be a pull request's comment).
    assert_eq!(verdict, "breaking changes found (--deny-breaking)\n");
    assert_eq!(
        report,
        "Rust names and methods only (the wire is unchanged) (1):
  ! ImageSource::Generation: renamed to `ImageSource::Generated` (value `image.generation`) (breaks compilation)

Docs (1):
  ~ UsageImagesResult::images: description changed

Version bump: minor (something breaks; under 0.x a breaking change bumps the minor version): 0.1.0 -> 0.2.0
"
    );
    assert_eq!(
        result,
        Ok(xtask::Outcome::Failure),
        "a rename breaks code that names the variant"
    );
}

fn openai_description() -> PathBuf {
    tests::upstream_description()
}

/// The IR of a spec tree (the import's slice, with some of the overlay applied).
fn api_of(tree: &Value) -> codegen::ir::Api {
    codegen::api_from_str(
        std::path::Path::new("slice.yaml"),
        &serde_yaml::to_string(tree).unwrap(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_overlay_changes_only_what_its_actions_explain() {
    let full = openai_description();
    let document = codegen::load::load(&full).unwrap();
    let selection_path = root().join("spec/selection.yaml");
    let selection = codegen::import::Selection::parse(
        &selection_path,
        &fs::read_to_string(&selection_path).unwrap(),
    )
    .unwrap();
    let overlay_path = root().join("spec/overlay.yaml");
    let overlay = codegen::overlay::Overlay::parse(
        &overlay_path,
        &fs::read_to_string(&overlay_path).unwrap(),
    )
    .unwrap();
    let raw = codegen::import::slice(&document, &selection).unwrap();
    let ours = codegen::api_from_str(&root().join("spec/openai-usage.yaml"), &spec_text()).unwrap();

    // What the overlay changes, as a reviewer of the crate sees it: the checked-in report.
    let raw_api = api_of(&raw);
    let report = codegen::diff::diff(&raw_api, &ours);
    let text = report.to_text();
    let golden = root().join("tests/diff/upstream-3.1.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &text).unwrap();
    }
    let expected = fs::read_to_string(&golden).unwrap_or_default();
    if text != expected {
        panic!(
            "what spec/overlay.yaml changes in OpenAI's description differs from {}:\n{}\nIf the new report is right, \
             update the file with `UPDATE_GOLDEN=1 cargo test -p tests --test diff`",
            golden.display(),
            tests::unified_diff("tests/diff/upstream-3.1.txt", &expected, &text, 200)
        );
    }
    assert!(!report.changes.is_empty(), "the overlay changes something");

    // Every change is explained by an action: without that action, the change is not there (or
    // not the same). A change no action explains would be a hand edit of the spec.
    let mut unexplained: BTreeSet<String> = report
        .changes
        .iter()
        .map(|c| format!("{}: {}", c.item, c.message))
        .collect();
    // Each action left out in turn (each builds the API again), on the machine's threads.
    let explained_without = tests::par_map(&overlay.actions, |action| {
        let mut without = raw.clone();
        overlay
            .apply_except(&mut without, Some(action.index))
            .unwrap();
        codegen::diff::diff(&raw_api, &api_of(&without))
            .changes
            .iter()
            .map(|c| format!("{}: {}", c.item, c.message))
            .collect::<BTreeSet<String>>()
    });
    for still in &explained_without {
        unexplained.retain(|c| still.contains(c));
    }
    assert!(
        unexplained.is_empty(),
        "changes from OpenAI's description that no overlay action explains:\n{}",
        unexplained.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn regen_summarizes_a_changed_spec_against_the_last_commit() {
    let temp = tempfile::tempdir().unwrap();
    let repo = temp.path();
    let git = |args: &[&str]| {
        let status = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args([
                "-c",
                "user.name=test",
                "-c",
                "user.email=test@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
    };
    tests::copy_package_settings(repo);
    fs::write(repo.join("spec/openai-usage.yaml"), spec_text()).unwrap();
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "spec"]);

    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut out = Vec::new();
    xtask::run(&args(&["regen"]), repo, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        !text.contains("Changes against git:HEAD"),
        "the spec is as committed: {text}"
    );

    let edited = edited(|spec| group_by_values(spec, COMPLETIONS).push(yaml("evolution_value")));
    fs::write(repo.join("spec/openai-usage.yaml"), edited).unwrap();
    let mut out = Vec::new();
    xtask::run(&args(&["regen"]), repo, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Changes against git:HEAD (`cargo xtask diff git:HEAD spec/openai-usage.yaml`):\n\nAdditive (1):\n  + UsageCompletionsGroupBy::EvolutionValue: allowed value `evolution_value` added; `UsageCompletionsGroupBy::ALL` becomes `[Self; 8]` (was `[Self; 7]`)\n"),
        "{text}"
    );
}

#[test]
fn every_evolution_that_changes_the_crate_is_reported_and_never_as_docs_only() {
    let current = tests::generated(&spec_text()).unwrap();
    for evolution in evolutions() {
        let evolved = tests::generated(&evolution.spec())
            .unwrap_or_else(|e| panic!("{}: does not generate: {e}", evolution.name));
        if let Err(e) = tests::check_diff_invariant(&current, &evolved) {
            panic!("{}: {e}", evolution.name);
        }
    }
}

#[test]
fn a_value_added_to_a_response_enum_is_additive() {
    // A response field that is a closed enum in the spec; the API then adds a value.
    let with_values = |values: &str| {
        edited(|spec| {
            schema(spec, "UsageCompletionsResult")["properties"]["service_tier"] = yaml(&format!(
                "anyOf: [{{type: string, enum: [{values}], description: The service tier.}}, {{type: 'null'}}]"
            ));
        })
    };
    let (before, after) = (
        with_values("default, flex"),
        with_values("default, flex, priority"),
    );
    let old = codegen::api_from_str(Path::new("before.yaml"), &before).unwrap();
    let new = codegen::api_from_str(Path::new("after.yaml"), &after).unwrap();
    assert_eq!(
        codegen::diff::diff(&old, &new).to_text(),
        "Additive (1):
  + UsageCompletionsResultServiceTier::Priority: allowed value `priority` added; `UsageCompletionsResultServiceTier::KNOWN` becomes `[Self; 3]` (was `[Self; 2]`); a `priority` the crate read as `Other(\"priority\")` now reads as `Priority` (changes behaviour for code that matched `Other`)

Version bump: patch (nothing breaks)
"
    );
    // Truthfully additive: the crate built before keeps a page holding the new value (see
    // `decode.rs`, `response_enums`), because an enum a response holds is open.
    let tier = old
        .types
        .iter()
        .find(|t| t.name == "UsageCompletionsResultServiceTier")
        .unwrap();
    assert!(
        matches!(&tier.kind, codegen::ir::TypeKind::Enum(e) if e.openness == codegen::ir::Openness::OpenInResponses)
    );
    let (before, after) = (
        tests::generated(&before).unwrap(),
        tests::generated(&after).unwrap(),
    );
    assert_eq!(tests::check_diff_invariant(&before, &after), Ok(()));
}

#[test]
fn edits_apart_merge_into_one_text_and_neighbours_touch() {
    let file = |text: &str| BTreeMap::from([("f".to_owned(), text.to_owned())]);
    let base = file("a\nb\nc\nd\ne\n");
    let first = hunks(&base, &file("A\nb\nc\nd\ne\n")).unwrap();
    let last = hunks(&base, &file("a\nb\nc\nd\ne\nf\n")).unwrap();
    let second = hunks(&base, &file("a\nc\nd\ne\n")).unwrap();
    assert!(!first.iter().any(|h| last.iter().any(|o| h.touches(o))));
    assert!(first.iter().any(|h| second.iter().any(|o| h.touches(o))));
    assert_eq!(merge(&base, &[&first, &last]), file("A\nb\nc\nd\ne\nf\n"));
    assert_eq!(hunks(&base, &BTreeMap::new()).map(|h| h.len()), None);
}
