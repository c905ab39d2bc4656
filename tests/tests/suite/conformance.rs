//! Conformance with OpenAI's own material (`tests/conformance/`, `spec/upstream/`): its published OpenAPI
//! descriptions go through `cargo xtask regen --spec --out` and the crates compile; its example
//! responses decode with the crate generated from our spec.
//!
//! Decisions for the older 3.0 description's known defects:
//! - `required: [sessions]` where the property is `num_sessions`: rejected with an error naming
//!   the place (an object cannot require a property it does not define);
//! - the bucket's `result` (the API sends `results`) and the non-nullable `next_page` (the last
//!   page sends `null`): accepted as written, because they are valid schemas; the generated crate
//!   follows the document, which is why our own spec is written from the wire facts;
//! - the result `oneOf` has no `discriminator`: accepted, because every member has a distinct
//!   constant `object`, which the generator uses as the discriminator.

use std::fs;
use std::path::{Path, PathBuf};

use openai_usage::{UsageResponse, UsageResult};
use serde_json::Value;

use tests::root;

/// `tests/conformance/`, the published material copied into the repository.
fn conformance() -> PathBuf {
    tests::conformance_file("")
}

fn regen(spec: &Path, out: &Path) -> Result<xtask::Outcome, String> {
    let (spec, out) = (spec.to_str().unwrap(), out.to_str().unwrap());
    tests::xtask(root(), &["regen", "--spec", spec, "--out", out]).0
}

#[test]
fn upstream_descriptions_generate_and_compile() {
    let shared = conformance();
    let temp = tempfile::tempdir().unwrap();

    let out31 = temp.path().join("upstream-31");
    let spec31 = shared.join("openai-usage.upstream-3.1.yaml");
    assert_eq!(regen(&spec31, &out31), Ok(xtask::Outcome::Success));
    let types31 = fs::read_to_string(out31.join("src/types.rs")).unwrap();
    // What OpenAI added since the reference pages is all there.
    for item in [
        "pub enum UsageTimeBucketResults",
        "UsageFileSearchCallsResult(Box<UsageFileSearchCallsResult>)",
        "UsageWebSearchCallsResult(Box<UsageWebSearchCallsResult>)",
        "pub quantity_unit: Option<CostsResultQuantityUnit>",
        "pub input_cache_write_tokens: Option<i64>",
        "pub results: Vec<UsageTimeBucketResults>",
        "pub next_page: Option<String>",
    ] {
        assert!(types31.contains(item), "upstream 3.1 crate lacks `{item}`");
    }
    assert!(
        types31.contains("    ServiceTier,\n"),
        "completions grouping by service_tier"
    );
    let params31 = fs::read_to_string(out31.join("src/params.rs")).unwrap();
    let costs = &params31[params31.find("pub struct UsageCostsParams").unwrap()..];
    assert!(
        costs.contains("api_key_ids: Vec<String>"),
        "costs filtered by API key"
    );

    // The 3.0 description with its one rejected defect mended in a copy.
    let text30 = fs::read_to_string(shared.join("openai-usage.upstream-3.0.yaml")).unwrap();
    let mended = text30.replace("      - sessions\n", "      - num_sessions\n");
    assert_ne!(
        mended, text30,
        "the defect is where the conformance README says"
    );
    let spec30 = temp.path().join("upstream-3.0-mended.yaml");
    fs::write(&spec30, mended).unwrap();
    let out30 = temp.path().join("upstream-30");
    assert_eq!(regen(&spec30, &out30), Ok(xtask::Outcome::Success));
    let types30 = fs::read_to_string(out30.join("src/types.rs")).unwrap();
    assert!(
        types30.contains("pub result: Vec<UsageTimeBucketResult>"),
        "follows the document's `result`"
    );
    assert!(
        types30.contains("pub next_page: String,"),
        "follows the document's non-nullable `next_page`"
    );
    assert!(
        types30.contains("impl crate::runtime::de::Discriminated for UsageTimeBucketResult"),
        "the discriminator-less oneOf is told apart by `object`"
    );
    assert!(
        types30.contains("pub line_item: Option<String>"),
        "`nullable: true` is an Option"
    );

    tests::check_generated(&out31, "the crate of the 3.1 description");
    tests::check_generated(&out30, "the crate of the 3.0 description");
}

#[test]
fn upstream_30_is_rejected_for_requiring_a_property_it_does_not_define() {
    let shared = conformance();
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let message = regen(&shared.join("openai-usage.upstream-3.0.yaml"), &out).unwrap_err();
    assert!(
        message.contains("openai-usage.upstream-3.0.yaml"),
        "{message}"
    );
    assert!(
        message.contains("#/components/schemas/UsageCodeInterpreterSessionsResult/required/1"),
        "{message}"
    );
    assert!(
        message.contains("`sessions` is listed in `required` but is not a property"),
        "{message}"
    );
    assert!(!out.exists(), "nothing is written");
}

fn example(shared: &Path, name: &str) -> (Value, UsageResponse) {
    let text = fs::read_to_string(shared.join("examples").join(name)).unwrap();
    let page: UsageResponse =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} does not decode: {e}"));
    (serde_json::from_str(&text).unwrap(), page)
}

/// `value` without its `null`s (an absent optional field and a `null` one decode alike), with
/// numbers compared as numbers (`10000` and `10000.0` are one value).
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Number(n) => serde_json::json!(n.as_f64()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// The IR of our spec, for the walk that finds what a response holds that the spec does not
/// describe.
fn our_api() -> codegen::ir::Api {
    codegen::api(&root().join("spec/openai-usage.yaml")).unwrap()
}

#[test]
fn openais_whole_description_loads() {
    let document = codegen::load::load(&tests::upstream_description()).unwrap();
    // The 64-bit bounds OpenAI writes as `-9223372036854776000` load as numbers.
    let text = fs::read_to_string(tests::upstream_description()).unwrap();
    assert!(text.contains("minimum: -9223372036854776000"));
    let found = find_number(&document.root, -9.223372036854776e18);
    assert!(found, "the out-of-range bound is read as a number");
}

fn find_number(value: &serde_yaml::Value, wanted: f64) -> bool {
    match value {
        serde_yaml::Value::Number(n) => n.as_f64() == Some(wanted),
        serde_yaml::Value::Sequence(items) => items.iter().any(|v| find_number(v, wanted)),
        serde_yaml::Value::Mapping(map) => map.values().any(|v| find_number(v, wanted)),
        _ => false,
    }
}

#[test]
fn every_example_response_decodes_to_known_results_with_every_field() {
    let shared = conformance();
    let api = our_api();
    let mut names: Vec<String> = fs::read_dir(shared.join("examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 9, "{names:?}");
    for name in &names {
        let (json, page) = example(&shared, name);
        assert_eq!(page.has_more, json["has_more"].as_bool().unwrap(), "{name}");
        assert_eq!(
            page.next_page.as_deref(),
            json["next_page"].as_str(),
            "{name}"
        );
        assert_eq!(
            page.data.len(),
            json["data"].as_array().unwrap().len(),
            "{name}"
        );
        for (bucket, raw) in page.data.iter().zip(json["data"].as_array().unwrap()) {
            assert_eq!(
                bucket.start_time.as_unix_seconds(),
                raw["start_time"].as_i64().unwrap()
            );
            assert_eq!(
                bucket.end_time.as_unix_seconds(),
                raw["end_time"].as_i64().unwrap()
            );
            for (result, raw) in bucket
                .results
                .iter()
                .zip(raw["results"].as_array().unwrap())
            {
                assert!(
                    !matches!(result, UsageResult::Unknown(_)),
                    "{name}: {result:?}"
                );
                assert_eq!(result.object(), raw["object"].as_str(), "{name}");
            }
        }
        // Every field is one the spec describes, and every value is kept.
        let operation = match name.trim_end_matches(".json") {
            "costs" => "usage-costs".to_owned(),
            other => format!("usage-{}", other.replace('_', "-")),
        };
        let arena = codegen::describe::Arena::default();
        let unknown = codegen::describe::check_response(&api, &arena, &operation, &json).unwrap();
        assert!(unknown.is_empty(), "{name}: {unknown:?}");
        let encoded = serde_json::to_value(&page).unwrap();
        assert_eq!(without_nulls(&encoded), without_nulls(&json), "{name}");
    }
}

#[test]
fn example_values_are_decoded_as_sent() {
    let shared = conformance();
    let (_, page) = example(&shared, "completions.json");
    assert!(page.has_more);
    assert_eq!(
        page.next_page.as_deref(),
        Some("page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=")
    );
    let UsageResult::Completions(c) = &page.data[0].results[0] else {
        panic!("{page:?}")
    };
    assert_eq!(
        (c.input_tokens, c.output_tokens, c.num_model_requests),
        (1000, 500, 5)
    );
    assert_eq!(
        (
            c.input_cached_tokens,
            c.input_audio_tokens,
            c.output_audio_tokens
        ),
        (Some(400), Some(50), Some(50))
    );
    assert_eq!(
        (c.project_id.as_deref(), c.batch, c.service_tier.as_deref()),
        (None, None, None)
    );

    let (_, page) = example(&shared, "costs.json");
    assert_eq!(page.data[0].start_time.as_unix_seconds(), 1730419200);
    let UsageResult::Costs(cost) = &page.data[0].results[0] else {
        panic!("{page:?}")
    };
    let amount = cost.amount.as_ref().unwrap();
    assert_eq!(
        (amount.value, amount.currency.as_deref()),
        (Some("0.06".parse().unwrap()), Some("usd"))
    );

    let (_, page) = example(&shared, "images.json");
    let UsageResult::Images(images) = &page.data[0].results[0] else {
        panic!("{page:?}")
    };
    assert_eq!(
        (
            images.images,
            images.num_model_requests,
            images.size.as_deref()
        ),
        (2, 2, None)
    );

    let (_, page) = example(&shared, "vector_stores.json");
    let UsageResult::VectorStores(v) = &page.data[0].results[0] else {
        panic!("{page:?}")
    };
    assert_eq!(v.usage_bytes, 1024);

    let (_, page) = example(&shared, "code_interpreter_sessions.json");
    let UsageResult::CodeInterpreterSessions(s) = &page.data[0].results[0] else {
        panic!("{page:?}")
    };
    assert_eq!(s.num_sessions, 1);
}

#[test]
fn every_result_object_decodes_to_its_typed_variant_with_every_field() {
    let shared = conformance();
    let api = our_api();
    let dir = shared.join("examples/result-objects");
    let mut seen = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        seen += 1;
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let text = fs::read_to_string(&path).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        let result: UsageResult = serde_json::from_str(&text).unwrap();
        assert!(
            !matches!(result, UsageResult::Unknown(_)),
            "{name}: {result:?}"
        );
        assert_eq!(result.object(), json["object"].as_str(), "{name}");
        // Nothing in it is unknown to the spec, and every value survives a round trip.
        let page = serde_json::json!({"object": "page", "has_more": false, "next_page": null,
            "data": [{"object": "bucket", "start_time": 0, "end_time": 60, "results": [json.clone()]}]});
        let arena = codegen::describe::Arena::default();
        let unknown =
            codegen::describe::check_response(&api, &arena, "usage-completions", &page).unwrap();
        assert!(unknown.is_empty(), "{name}: {unknown:?}");
        let encoded = serde_json::to_value(&result).unwrap();
        assert_eq!(without_nulls(&encoded), without_nulls(&json), "{name}");
    }
    assert_eq!(seen, 11, "the eleven result-object examples");
}

#[test]
fn the_detailed_token_fields_of_a_real_page_are_all_kept() {
    let shared = conformance();
    let text =
        fs::read_to_string(shared.join("examples/result-objects/UsageCompletionsResult.json"))
            .unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let UsageResult::Completions(c) = serde_json::from_str(&text).unwrap() else {
        panic!("a completions result")
    };
    // Written from the example's values, field by field.
    let kept = [
        ("input_cache_write_tokens", c.input_cache_write_tokens),
        ("input_uncached_tokens", c.input_uncached_tokens),
        ("input_text_tokens", c.input_text_tokens),
        ("output_text_tokens", c.output_text_tokens),
        ("input_cached_text_tokens", c.input_cached_text_tokens),
        ("input_cached_audio_tokens", c.input_cached_audio_tokens),
        ("input_image_tokens", c.input_image_tokens),
        ("input_cached_image_tokens", c.input_cached_image_tokens),
        ("output_image_tokens", c.output_image_tokens),
    ];
    for (field, value) in kept {
        assert_eq!(value, json[field].as_i64(), "{field}");
        assert!(value.is_some(), "the example has {field}");
    }
}

#[test]
fn a_result_type_the_spec_does_not_know_is_kept_whole() {
    let json = serde_json::json!({"object": "organization.usage.future.result", "num_things": 3, "project_id": null});
    let result: UsageResult = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(result, UsageResult::Unknown(json.clone()));
    assert_eq!(
        serde_json::to_value(&result).unwrap(),
        json,
        "re-encodes as it came"
    );
}
