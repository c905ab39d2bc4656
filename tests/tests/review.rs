//! Spec review: `cargo xtask diff` reports what a spec edit changes for users of the generated
//! crate, with the right breaking/additive mark; every edit generates a crate that compiles with no
//! change to `codegen/`; and the difference between our spec and OpenAI's published one is a
//! golden file, reviewed by a person.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn spec_text() -> String {
    fs::read_to_string(root().join("spec/openai-usage.yaml")).unwrap()
}

/// `text` with `from` replaced by `to`, which must be there.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the spec no longer contains {from:?}");
    text.replacen(from, to, 1)
}

const WEB_SEARCHES_OPERATION: &str = "  /organization/costs:\n";
const NEW_OPERATION: &str = "  /organization/usage/web_searches:
    get:
      operationId: usage-web-searches
      summary: Get web searches usage details for the organization.
      parameters:
        - $ref: '#/components/parameters/StartTime'
        - name: group_by
          in: query
          schema:
            type: array
            items:
              type: string
              enum: [project_id]
        - $ref: '#/components/parameters/Page'
      responses:
        '200':
          $ref: '#/components/responses/Usage'
  /organization/costs:
";

/// One edit of the evolution table: its name, the edited spec, and the report expected.
struct Evolution {
    name: &'static str,
    spec: String,
    report: &'static str,
    breaking: bool,
}

fn evolutions() -> Vec<Evolution> {
    let spec = spec_text();
    let vector_stores_start = spec.find("  /organization/usage/vector_stores:\n").unwrap();
    let vector_stores_end = spec.find("  /organization/costs:\n").unwrap();
    let costs_group_by = "        - name: group_by\n          in: query\n          description: >-\n            Group the costs";
    vec![
        Evolution {
            name: "add-operation",
            spec: edit(&spec, WEB_SEARCHES_OPERATION, NEW_OPERATION),
            report: "Additive (2):
  + Client::usage_web_searches: operation `usage-web-searches` (`GET /organization/usage/web_searches`) added, with `UsageWebSearchesParams`
  + UsageWebSearchesGroupBy: type added (enum)
",
            breaking: false,
        },
        Evolution {
            name: "remove-operation",
            spec: format!("{}{}", &spec[..vector_stores_start], &spec[vector_stores_end..]),
            report: "Breaking (2):
  ! Client::usage_vector_stores: operation `usage-vector-stores` (`GET /organization/usage/vector_stores`) removed, with `UsageVectorStoresParams`
  ! UsageVectorStoresGroupBy: type removed (enum)
",
            breaking: true,
        },
        Evolution {
            name: "add-optional-parameter",
            spec: edit(
                &spec,
                costs_group_by,
                &format!("        - name: api_key_ids\n          in: query\n          schema:\n            type: array\n            items:\n              type: string\n{costs_group_by}"),
            ),
            report: "Additive (1):
  + UsageCostsParams::api_key_ids: optional parameter `api_key_ids` added
",
            breaking: false,
        },
        Evolution {
            name: "add-required-parameter",
            spec: edit(
                &spec,
                costs_group_by,
                &format!("        - name: currency\n          in: query\n          required: true\n          schema:\n            type: string\n{costs_group_by}"),
            ),
            report: "Breaking (1):
  ! UsageCostsParams::new: required parameter `currency` added: `new` takes it
",
            breaking: true,
        },
        Evolution {
            name: "add-allowed-value",
            spec: edit(
                &spec,
                "enum: [project_id, user_id, api_key_id, model, batch]",
                "enum: [project_id, user_id, api_key_id, model, batch, service_tier]",
            ),
            report: "Additive (1):
  + UsageCompletionsGroupBy::ServiceTier: allowed value `service_tier` added
",
            breaking: false,
        },
        Evolution {
            name: "remove-allowed-value",
            spec: edit(
                &spec,
                "enum: [project_id, user_id, api_key_id, model, batch]",
                "enum: [project_id, user_id, api_key_id, model]",
            ),
            report: "Breaking (1):
  ! UsageCompletionsGroupBy::Batch: allowed value `batch` removed
",
            breaking: true,
        },
        Evolution {
            name: "add-result-type",
            spec: {
                let s = edit(
                    &spec,
                    "        - $ref: '#/components/schemas/CostsResult'\n      discriminator:",
                    "        - $ref: '#/components/schemas/CostsResult'\n        - $ref: '#/components/schemas/UsageWebSearchesResult'\n      discriminator:",
                );
                let s = edit(
                    &s,
                    "          organization.costs.result: '#/components/schemas/CostsResult'\n",
                    "          organization.costs.result: '#/components/schemas/CostsResult'\n          organization.usage.web_searches.result: '#/components/schemas/UsageWebSearchesResult'\n",
                );
                let s = edit(&s, "        - Costs\n", "        - Costs\n        - WebSearches\n");
                edit(
                    &s,
                    "    CostsAmount:\n",
                    "    UsageWebSearchesResult:
      type: object
      description: The aggregated web search calls usage details of the specific time bucket.
      required: [object, num_requests]
      properties:
        object:
          type: string
          enum: [organization.usage.web_searches.result]
        num_requests:
          type: integer
          description: The count of web search calls.
    CostsAmount:\n",
                )
            },
            report: "Additive (2):
  + UsageResult::WebSearches: result type `organization.usage.web_searches.result` added (`UsageWebSearchesResult`)
  + UsageWebSearchesResult: type added (struct)
",
            breaking: false,
        },
        Evolution {
            name: "add-field",
            spec: edit(
                &spec,
                "    CostsAmount:\n",
                "    CostsAmount:\n", // anchor check only; the field goes into CostsResult below
            )
            .replacen(
                "        amount:\n          $ref: '#/components/schemas/CostsAmount'\n",
                "        amount:\n          $ref: '#/components/schemas/CostsAmount'\n        quantity:\n          type: [number, 'null']\n          description: The quantity of the line item.\n",
                1,
            ),
            report: "Additive (1):
  + CostsResult::quantity: field `quantity` added: `Option<f64>`
",
            breaking: false,
        },
        Evolution {
            name: "make-field-nullable",
            spec: edit(
                &spec,
                "        usage_bytes:\n          type: integer\n",
                "        usage_bytes:\n          type: [integer, 'null']\n",
            ),
            report: "Breaking (1):
  ! UsageVectorStoresResult::usage_bytes: now optional or nullable: `i64` became `Option<i64>`
",
            breaking: true,
        },
        Evolution {
            name: "change-field-type",
            spec: edit(&spec, "        images:\n          type: integer\n", "        images:\n          type: number\n"),
            report: "Breaking (1):
  ! UsageImagesResult::images: type changed from `i64` to `f64`
",
            breaking: true,
        },
        Evolution {
            name: "rename-operation-id",
            spec: edit(&spec, "operationId: usage-moderations\n", "operationId: usage-moderation\n"),
            report: "Breaking (2):
  ! Client::usage_moderations: operation `usage-moderations` (`GET /organization/usage/moderations`) removed, with `UsageModerationsParams`
  ! UsageModerationsGroupBy: type removed (enum)

Additive (2):
  + Client::usage_moderation: operation `usage-moderation` (`GET /organization/usage/moderations`) added, with `UsageModerationParams`
  + UsageModerationGroupBy: type added (enum)
",
            breaking: true,
        },
    ]
}

fn run(args: &[&str]) -> (Result<xtask::Outcome, String>, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let result = xtask::run(&args, &root(), &mut out);
    (result, String::from_utf8(out).unwrap())
}

#[test]
fn every_spec_edit_is_reported_exactly_and_its_crate_compiles() {
    let temp = tempfile::tempdir().unwrap();
    let current = root().join("spec/openai-usage.yaml");
    let mut members = Vec::new();
    for evolution in evolutions() {
        let spec = temp.path().join(format!("evo-{}.yaml", evolution.name));
        fs::write(&spec, &evolution.spec).unwrap();
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

        let out = temp.path().join(format!("evo-{}", evolution.name));
        let (result, written) = run(&["regen", "--spec", spec_arg, "--out", out.to_str().unwrap()]);
        assert_eq!(
            result,
            Ok(xtask::Outcome::Success),
            "{}: {written}",
            evolution.name
        );
        // Build them all in one workspace: one cargo run, dependencies checked once.
        let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
        fs::write(
            out.join("Cargo.toml"),
            manifest.replace(
                "\n# Not part of any enclosing workspace.\n[workspace]\n",
                "\n",
            ),
        )
        .unwrap();
        members.push(format!("\"evo-{}\"", evolution.name));
    }
    fs::write(
        temp.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .unwrap();
    fs::copy(root().join("Cargo.lock"), temp.path().join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--workspace"])
        .current_dir(temp.path())
        .env("CARGO_TARGET_DIR", root().join("target/conformance"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "an evolved crate does not compile:\n{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
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
    fs::write(&spec, &evolution.spec).unwrap();
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

- `Client::usage_moderations`: operation `usage-moderations` (`GET /organization/usage/moderations`) removed, with `UsageModerationsParams`
- `UsageModerationsGroupBy`: type removed (enum)

### Additive (2)

- `Client::usage_moderation`: operation `usage-moderation` (`GET /organization/usage/moderations`) added, with `UsageModerationParams`
- `UsageModerationGroupBy`: type added (enum)
"
    );
}

#[test]
fn descriptions_are_docs_and_renames_are_listed_apart() {
    let temp = tempfile::tempdir().unwrap();
    let spec = spec_text();
    let edited = edit(
        &spec,
        "The number of images processed.",
        "How many images were processed.",
    );
    let edited = edit(
        &edited,
        "x-enum-varnames: [Generation, Edit, Variation]",
        "x-enum-varnames: [Generated, Edit, Variation]",
    );
    let path = temp.path().join("docs.yaml");
    fs::write(&path, edited).unwrap();
    let current = root().join("spec/openai-usage.yaml");
    let (result, report) = run(&[
        "diff",
        current.to_str().unwrap(),
        path.to_str().unwrap(),
        "--deny-breaking",
    ]);
    assert_eq!(
        report,
        "Rust names and methods only (the wire is unchanged) (1):
  ! ImageSource::Generation: renamed to `ImageSource::Generated` (value `image.generation`)

Docs (1):
  ~ UsageImagesResult::images: description changed

breaking changes found (--deny-breaking)
"
    );
    assert_eq!(
        result,
        Ok(xtask::Outcome::Failure),
        "a rename breaks code that names the variant"
    );
}

#[test]
fn our_spec_against_openais_published_one() {
    let upstream = root().join("../shared/conformance/openai-usage.upstream-3.1.yaml");
    if !upstream.exists() {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "{} is missing under CI",
            upstream.display()
        );
        eprintln!("SKIPPED: {} is missing (not under CI)", upstream.display());
        return;
    }
    let ours = root().join("spec/openai-usage.yaml");
    let report =
        xtask::review(&root(), ours.to_str().unwrap(), upstream.to_str().unwrap()).unwrap();
    let text = report.to_text();
    let golden = root().join("tests/review/upstream-3.1.txt");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        fs::write(&golden, &text).unwrap();
    }
    assert_eq!(
        text,
        fs::read_to_string(&golden).unwrap(),
        "the review of our spec against OpenAI's differs from {}: read the difference; if it is right, \
         update the file with `UPDATE_GOLDEN=1 cargo test -p tests --test review`",
        golden.display()
    );
    // What OpenAI added since the reference pages, written from the conformance README; nothing
    // else may be in the API sections.
    let api: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Rust names"))
        .filter(|l| l.starts_with("  "))
        .collect();
    let expected = [
        "  ! UsageCodeInterpreterSessionsResult::num_sessions: now required and not nullable: `Option<i64>` became `i64`",
        "  + CostsResult::api_key_id: field `api_key_id` added: `Option<String>`",
        "  + CostsResult::quantity: field `quantity` added: `Option<f64>`",
        "  + CostsResult::quantity_unit: field `quantity_unit` added: `Option<CostsResultQuantityUnit>`",
        "  + CostsResultQuantityUnit: type added (open enum)",
        "  + UsageCompletionsGroupBy::ServiceTier: allowed value `service_tier` added",
        "  + UsageCompletionsResult::input_cache_write_tokens: field `input_cache_write_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::input_cached_audio_tokens: field `input_cached_audio_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::input_cached_image_tokens: field `input_cached_image_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::input_cached_text_tokens: field `input_cached_text_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::input_image_tokens: field `input_image_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::input_text_tokens: field `input_text_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::input_uncached_tokens: field `input_uncached_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::output_image_tokens: field `output_image_tokens` added: `Option<i64>`",
        "  + UsageCompletionsResult::output_text_tokens: field `output_text_tokens` added: `Option<i64>`",
        "  + UsageCostsGroupBy::ApiKeyId: allowed value `api_key_id` added",
        "  + UsageCostsParams::api_key_ids: optional parameter `api_key_ids` added",
        "  + UsageFileSearchCallsResult: type added (struct)",
        "  + UsageTimeBucketResults::UsageFileSearchCallsResult: result type `organization.usage.file_searches.result` added (`UsageFileSearchCallsResult`)",
        "  + UsageTimeBucketResults::UsageWebSearchCallsResult: result type `organization.usage.web_searches.result` added (`UsageWebSearchCallsResult`)",
        "  + UsageWebSearchCallsResult: type added (struct)",
    ];
    assert_eq!(api, expected);
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
    fs::create_dir_all(repo.join("spec")).unwrap();
    fs::create_dir_all(repo.join("tests/demo/usage_report")).unwrap();
    for name in ["main.rs", "report.rs"] {
        fs::copy(
            root().join("tests/demo/usage_report").join(name),
            repo.join("tests/demo/usage_report").join(name),
        )
        .unwrap();
    }
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

    let edited = edit(
        &spec_text(),
        "enum: [project_id, user_id, api_key_id, model, batch]",
        "enum: [project_id, user_id, api_key_id, model, batch, service_tier]",
    );
    fs::write(repo.join("spec/openai-usage.yaml"), edited).unwrap();
    let mut out = Vec::new();
    xtask::run(&args(&["regen"]), repo, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.contains("Changes against git:HEAD (`cargo xtask diff git:HEAD spec/openai-usage.yaml`):\n\nAdditive (1):\n  + UsageCompletionsGroupBy::ServiceTier: allowed value `service_tier` added\n"),
        "{text}"
    );
}
