//! `cargo xtask import`: OpenAI's whole published description, sliced to the selected operations
//! and changed by the overlay, is exactly `spec/openai-usage.yaml`; and `cargo xtask
//! check-response`, which names what a real response holds that the spec does not describe.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn openai_description() -> Option<PathBuf> {
    tests::conformance_file("openai-openapi.full.yaml")
}

fn run(root: &Path, args: &[&str]) -> (Result<xtask::Outcome, String>, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let mut out = Vec::new();
    let result = xtask::run(&args, root, &mut out);
    (result, String::from_utf8(out).unwrap())
}

/// A copy of the repository's `spec/` in a scratch root, to import into without touching ours.
fn scratch_root() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    fs::create_dir(temp.path().join("spec")).unwrap();
    for name in ["openai-usage.yaml", "overlay.yaml", "selection.yaml"] {
        fs::copy(
            root().join("spec").join(name),
            temp.path().join("spec").join(name),
        )
        .unwrap();
    }
    temp
}

/// Appends `addition` to `spec/<file>` of a scratch root, imports `full` there, and returns the
/// import's error, checking that the spec was left as it was.
fn import_error_after_appending(full: &Path, file: &str, addition: &str) -> String {
    let scratch = scratch_root();
    let edited = scratch.path().join("spec").join(file);
    let text = fs::read_to_string(&edited).unwrap();
    fs::write(&edited, format!("{text}{addition}")).unwrap();
    let spec = scratch.path().join("spec/openai-usage.yaml");
    let before = fs::read_to_string(&spec).unwrap();
    let (result, out) = run(scratch.path(), &["import", full.to_str().unwrap()]);
    let message = result.expect_err(&out);
    assert_eq!(
        before,
        fs::read_to_string(&spec).unwrap(),
        "nothing written"
    );
    message
}

#[test]
fn importing_openais_description_reproduces_the_spec_byte_for_byte() {
    let Some(full) = openai_description() else {
        return;
    };
    let text = xtask::import::imported_text(&root(), &full, &Default::default()).unwrap();
    let spec = fs::read_to_string(root().join("spec/openai-usage.yaml")).unwrap();
    assert!(
        text == spec,
        "spec/openai-usage.yaml is not what the import gives: run `cargo xtask import {}`",
        full.display()
    );
    // The header records the source.
    let source = xtask::import::Source::recorded(&spec).expect("a header");
    assert_eq!(source.name, "openai-openapi.full.yaml");
    assert_eq!(source.version, "2.3.0");
    assert_eq!(source.sha256.len(), 64);

    let (result, out) = run(&root(), &["import", "--check", full.to_str().unwrap()]);
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
}

#[test]
fn import_check_fails_on_a_changed_description_and_writes_nothing() {
    let Some(full) = openai_description() else {
        return;
    };
    let scratch = scratch_root();
    let changed = scratch.path().join("openapi.yaml");
    let text = fs::read_to_string(&full).unwrap();
    let edited = text.replacen(
        "summary: Get costs details for the organization.",
        "summary: Get the costs of the organization.",
        1,
    );
    assert_ne!(
        edited, text,
        "the costs operation's summary is where it was"
    );
    fs::write(&changed, edited).unwrap();
    let before = fs::read_to_string(scratch.path().join("spec/openai-usage.yaml")).unwrap();

    let (result, out) = run(
        scratch.path(),
        &["import", "--check", changed.to_str().unwrap()],
    );
    assert_eq!(result, Ok(xtask::Outcome::Failure), "{out}");
    assert!(
        out.contains("-      summary: Get costs details for the organization."),
        "{out}"
    );
    assert!(
        out.contains("+      summary: Get the costs of the organization."),
        "{out}"
    );
    assert!(out.contains("run `cargo xtask import"), "{out}");
    let after = fs::read_to_string(scratch.path().join("spec/openai-usage.yaml")).unwrap();
    assert_eq!(before, after, "--check writes nothing");

    // Without --check, the spec follows.
    let (result, out) = run(scratch.path(), &["import", changed.to_str().unwrap()]);
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
    let after = fs::read_to_string(scratch.path().join("spec/openai-usage.yaml")).unwrap();
    assert!(after.contains("summary: Get the costs of the organization."));
}

#[test]
fn a_dead_overlay_action_fails_with_its_name_and_writes_nothing() {
    let Some(full) = openai_description() else {
        return;
    };
    let message = import_error_after_appending(
        &full,
        "overlay.yaml",
        "  - target: $.components.schemas.UsageTeleportResult\n    description: Names a schema OpenAI removed.\n    update:\n      x-type-name: Teleport\n",
    );
    assert!(
        message.starts_with("spec/overlay.yaml: at #/actions/"),
        "{message}"
    );
    assert!(
        message.contains("(\"Names a schema OpenAI removed.\")"),
        "{message}"
    );
    assert!(message.contains("selects nothing"), "{message}");
}

#[test]
fn a_selection_naming_a_missing_operation_fails() {
    let Some(full) = openai_description() else {
        return;
    };
    let message =
        import_error_after_appending(&full, "selection.yaml", "  - usage-teleport-calls\n");
    // The appended entry comes after every operation the selection already lists.
    let selection: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root().join("spec/selection.yaml")).unwrap())
            .unwrap();
    let index = selection["operations"].as_sequence().unwrap().len();
    assert!(
        message.starts_with(&format!("spec/selection.yaml: at #/operations/{index}:")),
        "{message}"
    );
    assert!(
        message.contains("operation `usage-teleport-calls` is not in"),
        "{message}"
    );
}

#[test]
fn a_bad_jsonpath_in_the_overlay_names_its_place() {
    let Some(full) = openai_description() else {
        return;
    };
    let message = import_error_after_appending(
        &full,
        "overlay.yaml",
        "  - target: $.paths[?@.get.operationId ==]\n    description: Broken.\n    remove: true\n",
    );
    assert!(
        message.contains("spec/overlay.yaml: at #/actions/"),
        "{message}"
    );
    assert!(
        message.contains("/target: `$.paths[?@.get.operationId ==]` is not a JSONPath"),
        "{message}"
    );
}

#[test]
fn check_response_names_exactly_what_the_spec_does_not_describe() {
    let temp = tempfile::tempdir().unwrap();
    // A costs page with an extra field, an unknown result type and an unknown quantity unit.
    let page = serde_json::json!({
        "object": "page", "has_more": false, "next_page": null,
        "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [
            {"object": "organization.costs.result", "amount": {"value": "0.06", "currency": "usd"},
             "line_item": "input_tokens", "project_id": "proj_abc", "api_key_id": null,
             "quantity": 1000, "quantity_unit": "kilowatt_hours"},
            {"object": "organization.costs.result", "amount": {"value": 0.5, "currency": "usd"},
             "line_item": null, "project_id": null, "invoice_id": "inv_1"},
            {"object": "organization.usage.teleport.result", "jumps": 3}
        ]}]
    });
    let file = temp.path().join("page.json");
    fs::write(&file, page.to_string()).unwrap();
    let (result, out) = run(
        &root(),
        &["check-response", "usage-costs", file.to_str().unwrap()],
    );
    assert_eq!(result, Ok(xtask::Outcome::Failure), "{out}");
    let lines: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            "/data/0/results/0/quantity_unit: `kilowatt_hours` is not one of the values the spec lists",
            "/data/0/results/1/invoice_id: a field the spec does not describe",
            "/data/0/results/2/object: `organization.usage.teleport.result` is not a type the spec describes here",
        ]
    );

    // Nothing unknown: exit 0.
    let clean = temp.path().join("clean.json");
    fs::write(
        &clean,
        r#"{"object": "page", "data": [], "has_more": false, "next_page": null}"#,
    )
    .unwrap();
    let (result, out) = run(
        &root(),
        &["check-response", "usage-costs", clean.to_str().unwrap()],
    );
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");

    // Not JSON: an error (exit 2) that says where.
    let broken = temp.path().join("broken.json");
    fs::write(&broken, "{\"object\": \"page\",\n  \"data\": [").unwrap();
    let (result, _) = run(
        &root(),
        &["check-response", "usage-costs", broken.to_str().unwrap()],
    );
    let message = result.unwrap_err();
    assert!(message.contains("broken.json:2:"), "{message}");
    assert!(message.contains("not JSON"), "{message}");
}
