//! `cargo xtask import`: OpenAI's whole published description, sliced to the selected operations
//! and changed by the overlay, is exactly `spec/openai-usage.yaml`; and `cargo xtask
//! check-response`, which names what a real response holds that the spec does not describe.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use tests::root;

fn openai_description() -> PathBuf {
    tests::upstream_description()
}

fn run(root: &Path, args: &[&str]) -> (Result<xtask::Outcome, String>, String) {
    tests::xtask(root, args)
}

/// A copy of the repository's `spec/` in a scratch root, to import into without touching ours.
fn scratch_root() -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    fs::create_dir_all(temp.path().join("spec/upstream")).unwrap();
    for name in [
        "openai-usage.yaml",
        "overlay.yaml",
        "selection.yaml",
        "upstream/openapi.yaml",
        "upstream/source.yaml",
    ] {
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
    let (vendored, out) = run(scratch.path(), &["import"]);
    let first_words = |m: &str| m.split(" in ").next().unwrap().to_owned();
    assert_eq!(
        first_words(&vendored.expect_err(&out)),
        first_words(&message),
        "the vendored copy fails alike"
    );
    assert_eq!(
        before,
        fs::read_to_string(&spec).unwrap(),
        "nothing written"
    );
    message
}

#[test]
fn importing_the_vendored_description_reproduces_the_spec_byte_for_byte() {
    let full = openai_description();
    let spec = fs::read_to_string(root().join("spec/openai-usage.yaml")).unwrap();
    // The header records the vendored source and the revision spec/upstream/source.yaml has.
    let source = xtask::import::Source::recorded(&spec).expect("a header");
    assert_eq!(source.name, "openapi.yaml");
    assert_eq!(source.version, "2.3.0");
    let upstream = xtask::import::Upstream::read(root()).unwrap();
    assert_eq!(source.sha256, upstream.sha256);
    assert_eq!(source.revision.as_deref(), Some(upstream.revision.as_str()));
    assert_eq!(
        upstream.revision,
        "f85dbe223d40e1a31cba812ab2d755c7e98a92a3"
    );
    // The recorded SHA-256 is the file's, computed here independently of the import.
    let digest = Command::new("sha256sum").arg(&full).output().unwrap();
    let digest = String::from_utf8(digest.stdout).unwrap();
    assert_eq!(
        digest.split_whitespace().next(),
        Some(upstream.sha256.as_str())
    );

    let (result, out) = run(root(), &["import", "--check"]);
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
    assert!(!out.contains("redundant"), "{out}");
    // The vendored file given as FILE is the same import.
    let (result, out) = run(root(), &["import", "--check", full.to_str().unwrap()]);
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
}

/// OpenAI's description with `edit` applied (it must change something), as a new download.
fn download(dir: &Path, edit: impl Fn(&str) -> String) -> PathBuf {
    let text = fs::read_to_string(openai_description()).unwrap();
    let edited = edit(&text);
    assert_ne!(edited, text, "the edit changes the description");
    let path = dir.join("openapi.yaml");
    fs::write(&path, edited).unwrap();
    path
}

#[test]
fn following_openai_is_one_command_that_vendors_and_the_check_then_passes() {
    let scratch = scratch_root();
    let changed = download(scratch.path(), |text| {
        text.replacen(
            "summary: Get costs details for the organization.",
            "summary: Get the costs of the organization.",
            1,
        )
    });
    let spec = scratch.path().join("spec/openai-usage.yaml");
    let before = fs::read_to_string(&spec).unwrap();

    // A new download is not the vendored copy: --check says how to vendor it, writes nothing.
    let (result, out) = run(
        scratch.path(),
        &["import", "--check", changed.to_str().unwrap()],
    );
    assert_eq!(result, Ok(xtask::Outcome::Failure), "{out}");
    assert!(out.contains("spec/upstream/openapi.yaml is not"), "{out}");
    assert!(out.contains("--source-rev"), "{out}");
    // Without its revision it is refused: provenance is not optional.
    let (result, _) = run(scratch.path(), &["import", changed.to_str().unwrap()]);
    assert!(result.unwrap_err().contains("--source-rev REV"));
    assert_eq!(
        before,
        fs::read_to_string(&spec).unwrap(),
        "nothing written"
    );

    let (result, out) = run(
        scratch.path(),
        &[
            "import",
            changed.to_str().unwrap(),
            "--source-rev",
            "0123abc",
        ],
    );
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
    let after = fs::read_to_string(&spec).unwrap();
    assert!(after.contains("summary: Get the costs of the organization."));
    assert!(after.contains("# source revision: 0123abc\n"), "{after}");
    assert_eq!(
        fs::read(changed).unwrap(),
        fs::read(scratch.path().join("spec/upstream/openapi.yaml")).unwrap(),
        "vendored byte for byte"
    );
    let source = fs::read_to_string(scratch.path().join("spec/upstream/source.yaml")).unwrap();
    assert!(source.contains("revision: 0123abc\n"), "{source}");
    assert!(source.contains("info-version: 2.3.0\n"), "{source}");
    // From the repository alone, the check now passes.
    let (result, out) = run(scratch.path(), &["import", "--check"]);
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
}

#[test]
fn import_check_shows_the_diff_of_a_stale_spec_and_writes_nothing() {
    let scratch = scratch_root();
    let spec = scratch.path().join("spec/openai-usage.yaml");
    let text = fs::read_to_string(&spec).unwrap();
    let stale = text.replacen(
        "summary: Get costs details for the organization.",
        "summary: Edited by hand.",
        1,
    );
    assert_ne!(stale, text);
    fs::write(&spec, &stale).unwrap();
    let (result, out) = run(scratch.path(), &["import", "--check"]);
    assert_eq!(result, Ok(xtask::Outcome::Failure), "{out}");
    assert!(out.contains("-      summary: Edited by hand."), "{out}");
    assert!(
        out.contains("+      summary: Get costs details for the organization."),
        "{out}"
    );
    assert!(out.contains("run `cargo xtask import`"), "{out}");
    assert_eq!(
        stale,
        fs::read_to_string(&spec).unwrap(),
        "--check writes nothing"
    );
}

#[test]
fn a_vendored_copy_edited_by_hand_is_refused() {
    let scratch = scratch_root();
    let vendored = scratch.path().join("spec/upstream/openapi.yaml");
    let mut text = fs::read_to_string(&vendored).unwrap();
    text.push_str("# an edit\n");
    fs::write(&vendored, text).unwrap();
    for args in [&["import"][..], &["import", "--check"]] {
        let (result, _) = run(scratch.path(), args);
        let message = result.unwrap_err();
        assert!(
            message.starts_with("spec/upstream/openapi.yaml has SHA-256 "),
            "{message}"
        );
        assert!(
            message.contains("spec/upstream/source.yaml records db5d7478"),
            "{message}"
        );
    }
}

#[test]
fn a_revision_or_source_that_would_write_yaml_into_the_header_is_refused() {
    let scratch = scratch_root();
    let file = openai_description();
    let (result, _) = run(
        scratch.path(),
        &[
            "import",
            file.to_str().unwrap(),
            "--source-rev",
            "abc\nx-injected: 1",
        ],
    );
    assert!(result
        .unwrap_err()
        .contains("a revision is a commit or tag name"));
    let spec = fs::read_to_string(scratch.path().join("spec/openai-usage.yaml")).unwrap();
    assert!(!spec.contains("x-injected"));
}

#[test]
fn import_names_the_overlay_actions_openai_has_caught_up_with() {
    // OpenAI publishes costs grouped by user: its description now lists `user_id` among the
    // costs group-by values, which an overlay action adds today.
    let scratch = scratch_root();
    let caught_up = download(scratch.path(), |text| {
        let costs = text.find("operationId: usage-costs").unwrap();
        let at = costs + text[costs..].find("                - line_item\n").unwrap();
        format!("{}                - user_id\n{}", &text[..at], &text[at..])
    });
    let (result, out) = run(
        scratch.path(),
        &[
            "import",
            caught_up.to_str().unwrap(),
            "--source-rev",
            "caughtup1",
        ],
    );
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");
    let overlay: serde_yaml::Value =
        serde_yaml::from_str(&fs::read_to_string(root().join("spec/overlay.yaml")).unwrap())
            .unwrap();
    let index = overlay["actions"]
        .as_sequence()
        .unwrap()
        .iter()
        .position(|a| {
            a["update"]
                .as_sequence()
                .is_some_and(|u| u.len() == 1 && u[0] == "user_id")
        })
        .expect("the overlay adds user_id to the costs group-by values");
    let redundant: Vec<&str> = out.lines().filter(|l| l.contains("redundant")).collect();
    assert_eq!(redundant.len(), 1, "{out}");
    assert!(
        redundant[0].starts_with(&format!(
            "warning: spec/overlay.yaml: at #/actions/{index}: action {index} (\"Costs can be grouped by user"
        )),
        "{out}"
    );
    assert!(
        redundant[0].ends_with("is redundant: the description already has what it adds; remove it")
    );
    // `user_id` is listed once, where OpenAI put it.
    let spec = fs::read_to_string(scratch.path().join("spec/openai-usage.yaml")).unwrap();
    let costs = &spec[spec.find("operationId: usage-costs").unwrap()..];
    let group_by =
        &costs[costs.find("- name: group_by").unwrap()..costs.find("- name: limit").unwrap()];
    assert_eq!(group_by.matches("- user_id").count(), 1, "{group_by}");
    assert!(group_by.find("- user_id").unwrap() < group_by.find("- line_item").unwrap());
}

#[test]
fn a_dead_overlay_action_fails_with_its_name_and_writes_nothing() {
    let full = openai_description();
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
    let full = openai_description();
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
    let full = openai_description();
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
        root(),
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
        root(),
        &["check-response", "usage-costs", clean.to_str().unwrap()],
    );
    assert_eq!(result, Ok(xtask::Outcome::Success), "{out}");

    // Not JSON: an error (exit 2) that says where.
    let broken = temp.path().join("broken.json");
    fs::write(&broken, "{\"object\": \"page\",\n  \"data\": [").unwrap();
    let (result, _) = run(
        root(),
        &["check-response", "usage-costs", broken.to_str().unwrap()],
    );
    let message = result.unwrap_err();
    assert!(message.contains("broken.json:2:"), "{message}");
    assert!(message.contains("not JSON"), "{message}");
}

// ------------------------------------------------------------------ hostile input files

/// A scratch root whose `spec/<file>` is replaced by `text`; the import's error.
fn import_error_with(file: &str, text: &str) -> String {
    let scratch = scratch_root();
    fs::write(scratch.path().join("spec").join(file), text).unwrap();
    let spec = scratch.path().join("spec/openai-usage.yaml");
    let before = fs::read_to_string(&spec).unwrap();
    let (result, out) = run(scratch.path(), &["import"]);
    let message = result.expect_err(&out);
    assert_eq!(
        before,
        fs::read_to_string(&spec).unwrap(),
        "nothing written"
    );
    message
}

#[test]
fn aliases_that_repeat_one_another_are_refused_not_expanded() {
    // Nine levels of nine: 387 million values from a few hundred bytes.
    let mut text = String::from("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nx-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let p = level - 1;
        text.push_str(&format!(
            "x-a{level}: &a{level} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    text.push_str("actions: []\n");
    let message = import_error_with("overlay.yaml", &text);
    assert!(message.starts_with("spec/overlay.yaml:"), "{message}");
    assert!(
        message.contains("expands to more values than it has bytes"),
        "{message}"
    );
}

#[test]
fn deep_nesting_in_a_selection_is_refused_at_its_place() {
    let text = format!("operations: {}", "[".repeat(200_000));
    let message = import_error_with("selection.yaml", &text);
    assert!(message.starts_with("spec/selection.yaml:1:"), "{message}");
    assert!(
        message.contains("nested more than 256 levels deep"),
        "{message}"
    );
}

#[test]
fn devices_pipes_and_oversized_files_are_refused_before_reading_them_whole() {
    let temp = tempfile::tempdir().unwrap();
    let fifo = temp.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for file in [Path::new("/dev/zero"), fifo.as_path()] {
        let (result, _) = run(
            root(),
            &["check-response", "usage-costs", file.to_str().unwrap()],
        );
        let message = result.unwrap_err();
        assert!(message.contains("not a regular file"), "{message}");
    }
    // A file past the cap: refused, whatever its size says.
    let big = temp.path().join("big.json");
    let file = fs::File::create(&big).unwrap();
    file.set_len(codegen::load::MAX_SPEC_BYTES + 1).unwrap();
    let (result, _) = run(
        root(),
        &["check-response", "usage-costs", big.to_str().unwrap()],
    );
    let message = result.unwrap_err();
    assert!(
        message.contains("the tools read files up to 16 MiB"),
        "{message}"
    );
}

#[test]
fn a_selection_of_many_operations_is_checked_for_repeats_in_one_pass() {
    // 100,000 distinct ids and one repeat at the end: named at its place (a quadratic check
    // took 23 s on this; a set takes milliseconds).
    let mut text = String::from("operations:\n");
    for i in 0..100_000 {
        text.push_str(&format!("  - op{i}\n"));
    }
    text.push_str("  - op7\n");
    let e = codegen::import::Selection::parse(Path::new("selection.yaml"), &text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "selection.yaml: at #/operations/100000: `op7` is listed twice"
    );
}

#[test]
fn regen_warns_when_the_overlay_changed_since_the_last_import() {
    let scratch = scratch_root();
    tests::copy_package_settings(scratch.path());
    // Unchanged: no warning.
    let (result, out, err) = tests::xtask_with_stderr(scratch.path(), &["regen"]);
    result.unwrap();
    assert_eq!(err, "", "{out}");
    // The overlay edited, `import` not run: regen says so.
    let overlay = scratch.path().join("spec/overlay.yaml");
    let text = fs::read_to_string(&overlay).unwrap();
    fs::write(
        &overlay,
        text.replace("A page of time buckets.", "One page of time buckets."),
    )
    .unwrap();
    let (result, _, err) = tests::xtask_with_stderr(scratch.path(), &["regen"]);
    result.unwrap();
    assert!(
        err.starts_with(
            "warning: spec/openai-usage.yaml is not what `cargo xtask import` makes of"
        ),
        "{err}"
    );
    assert!(
        err.contains("run `cargo xtask import`, then `cargo xtask regen`"),
        "{err}"
    );
}
