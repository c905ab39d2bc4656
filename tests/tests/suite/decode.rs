//! How the generated types decode what the API sends: the wire facts of
//! `tests/conformance/README.md`, the union's two decoding paths, and its catch-all.

use std::str::FromStr;

use openai_usage::rust_decimal;
use openai_usage::*;
use serde_json::{json, Value};

fn result(json: Value) -> UsageResult {
    serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{json}: {e}"))
}

#[test]
fn discriminator_first_or_last_decodes_the_same() {
    // Written as text so that key order is exactly as here (streaming path vs buffered path).
    let first = r#"{"object":"organization.usage.embeddings.result","input_tokens":16,"num_model_requests":2,"project_id":"proj_1","model":null}"#;
    let last = r#"{"input_tokens":16,"num_model_requests":2,"project_id":"proj_1","model":null,"object":"organization.usage.embeddings.result"}"#;
    let a: UsageResult = serde_json::from_str(first).unwrap();
    let b: UsageResult = serde_json::from_str(last).unwrap();
    assert_eq!(a, b);
    let UsageResult::Embeddings(e) = a else {
        panic!("{a:?}")
    };
    assert_eq!((e.input_tokens, e.num_model_requests), (16, 2));
    assert_eq!(
        (
            e.project_id.as_deref(),
            e.model.as_deref(),
            e.user_id.as_deref()
        ),
        (Some("proj_1"), None, None)
    );
}

#[test]
fn unknown_result_types_are_kept_whole_in_either_order() {
    for text in [
        r#"{"object":"organization.usage.added_in_some_future.result","num_requests":2,"vector_store_id":"vs_abc","nested":{"a":[1,2]}}"#,
        r#"{"num_requests":2,"vector_store_id":"vs_abc","nested":{"a":[1,2]},"object":"organization.usage.added_in_some_future.result"}"#,
    ] {
        let r: UsageResult = serde_json::from_str(text).unwrap();
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(r, UsageResult::Unknown(expected.clone()));
        assert_eq!(
            r.object(),
            Some("organization.usage.added_in_some_future.result")
        );
        assert_eq!(serde_json::to_value(&r).unwrap(), expected);
    }
}

#[test]
fn each_kind_of_result_is_read_by_its_accessor_and_no_other() {
    let costs = result(json!({
        "object": "organization.costs.result",
        "amount": {"value": 0.5, "currency": "usd"},
        "line_item": "gpt-4o, input",
        "project_id": "proj_1"
    }));
    let cost = costs.as_costs().expect("a costs result");
    assert_eq!(cost.line_item.as_deref(), Some("gpt-4o, input"));
    assert!(costs.as_completions().is_none());
    assert!(costs.as_unknown().is_none());
    let completions = result(json!({
        "object": "organization.usage.completions.result",
        "input_tokens": 10, "output_tokens": 3, "num_model_requests": 1
    }));
    assert!(completions.as_costs().is_none());
    assert_eq!(
        completions
            .clone()
            .into_completions()
            .map(|c| c.output_tokens),
        Some(3)
    );
    assert!(completions.into_embeddings().is_none());
    let future = json!({"object": "organization.usage.added_later.result", "n": 1});
    let unknown = result(future.clone());
    assert_eq!(unknown.as_unknown(), Some(&future));
    assert!(unknown.as_costs().is_none());
}

#[test]
fn missing_or_odd_discriminators_are_kept_not_fatal() {
    for json in [
        json!({}),
        json!({"num_sessions": 1}),
        json!({"object": 7, "x": 1}),
        json!({"object": {"nested": true}}),
        json!({"object": null}),
    ] {
        assert_eq!(result(json.clone()), UsageResult::Unknown(json));
    }
}

#[test]
fn one_unknown_result_does_not_fail_the_page() {
    let page: UsageResponse = serde_json::from_value(json!({
        "object": "page",
        "data": [{"object": "bucket", "start_time": 10, "end_time": 20, "results": [
            {"object": "organization.usage.added_in_some_future.result", "num_requests": 3},
            {"object": "organization.usage.vector_stores.result", "usage_bytes": 1024, "project_id": null},
        ]}],
        "has_more": false,
        "next_page": null,
    }))
    .unwrap();
    let results = &page.data[0].results;
    assert!(matches!(&results[0], UsageResult::Unknown(v) if v["num_requests"] == 3));
    assert!(
        matches!(&results[1], UsageResult::VectorStores(v) if v.usage_bytes == 1024 && v.project_id.is_none())
    );
    assert_eq!(page.next_page, None);
}

#[test]
fn a_known_result_with_a_bad_field_is_an_error_naming_it() {
    let err = serde_json::from_value::<UsageResult>(json!({"object": "organization.usage.images.result", "images": "two", "num_model_requests": 1}))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("invalid type: string \"two\", expected i64"),
        "{err}"
    );
    let err = serde_json::from_value::<UsageResult>(
        json!({"object": "organization.usage.images.result", "num_model_requests": 1}),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("missing field `images`"), "{err}");
}

#[test]
fn null_and_absent_both_decode_as_none_and_unknown_fields_are_ignored() {
    let with_nulls = result(
        json!({"object": "organization.usage.moderations.result", "input_tokens": 1, "num_model_requests": 1,
        "project_id": null, "user_id": null, "api_key_id": null, "model": null, "added_later": {"x": 1}}),
    );
    let absent = result(
        json!({"object": "organization.usage.moderations.result", "input_tokens": 1, "num_model_requests": 1}),
    );
    assert_eq!(with_nulls, absent);
    let UsageResult::Moderations(m) = absent else {
        panic!()
    };
    assert_eq!(m.project_id, None);
}

#[test]
fn next_page_may_be_null_or_a_cursor_but_not_missing_has_more() {
    let last: UsageResponse = serde_json::from_value(
        json!({"object": "page", "data": [], "has_more": false, "next_page": null}),
    )
    .unwrap();
    assert_eq!(last.next_page, None);
    let err = serde_json::from_value::<UsageResponse>(
        json!({"object": "page", "data": [], "next_page": null}),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("missing field `has_more`"),
        "{err}"
    );
}

#[test]
fn cost_amounts_arrive_as_numbers_or_numeric_strings() {
    let dec = |text: &str| text.parse::<rust_decimal::Decimal>().unwrap();
    // The wire facts of tests/conformance/README.md: numbers, and numeric strings with more
    // digits than an f64 holds; each decodes to exactly the decimal it writes.
    for (sent, expected) in [
        (r#"0.06"#, "0.06"),
        (r#"3"#, "3"),
        (r#""12.50""#, "12.50"),
        (r#""0.0042""#, "0.0042"),
        (r#""0.003627500000000000000000000000000000""#, "0.0036275"),
        (r#""0E-6176""#, "0"),
        (r#"" 7 ""#, "7"),
        (r#"1234567.123456789123"#, "1234567.123456789123"),
    ] {
        let text = format!(
            r#"{{"object":"organization.costs.result","amount":{{"value":{sent},"currency":"usd"}}}}"#
        );
        let cost: CostsResult = serde_json::from_str(&text).unwrap();
        assert_eq!(cost.amount.unwrap().value, Some(dec(expected)), "{sent}");
    }
    let none: CostsResult = serde_json::from_value(
        json!({"object": "organization.costs.result", "amount": {"value": null}}),
    )
    .unwrap();
    assert_eq!(none.amount.unwrap().value, None);
    for bad in [
        json!("twelve"),
        json!("NaN"),
        json!("inf"),
        json!(true),
        json!([1]),
    ] {
        let err = serde_json::from_value::<CostsAmount>(json!({"value": bad})).unwrap_err();
        assert!(
            err.to_string().contains("expected a decimal number"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn a_hundred_thousand_amounts_sum_exactly() {
    // Amounts with up to nine decimals, as the API sends line items; their exact sum is
    // computed here in integer billionths, independently of the decoder.
    let mut page = String::from(
        r#"{"object":"page","has_more":false,"next_page":null,"data":[{"object":"bucket","start_time":1730419200,"end_time":1730505600,"results":["#,
    );
    let mut expected_billionths: i128 = 0;
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..100_000 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let billionths = (state % 5_000_000_000) as i128; // 0 to 5 units
        expected_billionths += billionths;
        let text = format!(
            "{}.{:09}",
            billionths / 1_000_000_000,
            billionths % 1_000_000_000
        );
        // Half as numbers, half as numeric strings, as the API mixes them.
        let value = if i % 2 == 0 {
            text
        } else {
            format!("\"{text}\"")
        };
        if i > 0 {
            page.push(',');
        }
        page.push_str(&format!(r#"{{"object":"organization.costs.result","amount":{{"value":{value},"currency":"usd"}}}}"#));
    }
    page.push_str("]}]}");
    let decoded: UsageResponse = serde_json::from_str(&page).unwrap();
    let sum: rust_decimal::Decimal = decoded.data[0]
        .results
        .iter()
        .filter_map(UsageResult::as_costs)
        .filter_map(|c| c.amount.as_ref()?.value)
        .sum();
    let expected = rust_decimal::Decimal::from_i128_with_scale(expected_billionths, 9);
    assert_eq!(sum, expected);
    // The same sum in f64 drifts.
    let float: f64 = decoded.data[0]
        .results
        .iter()
        .filter_map(UsageResult::as_costs)
        .filter_map(|c| c.amount.as_ref()?.value)
        .map(|d| d.to_string().parse::<f64>().unwrap())
        .sum();
    assert_ne!(float.to_string(), expected.normalize().to_string());
}

#[test]
fn constants_are_written_and_values_round_trip() {
    // Constants (`object`) are not stored: decoding without them works, encoding writes them.
    let page: UsageResponse =
        serde_json::from_value(json!({"data": [], "has_more": false, "next_page": null})).unwrap();
    assert_eq!(
        serde_json::to_value(&page).unwrap(),
        json!({"object": "page", "data": [], "has_more": false, "next_page": null})
    );
    let costs: CostsResult = serde_json::from_value(json!({"line_item": "input"})).unwrap();
    let costs = UsageResult::Costs(Box::new(costs));
    let written = serde_json::to_value(&costs).unwrap();
    assert_eq!(written["object"], json!("organization.costs.result"));
    assert_eq!(written["line_item"], json!("input"));
    // Nullable fields the value does not have are written as `null`, as the API sends them.
    assert_eq!(written["project_id"], json!(null));
    assert_eq!(
        serde_json::from_value::<UsageResult>(serde_json::to_value(&costs).unwrap()).unwrap(),
        costs
    );
}

#[test]
fn error_bodies_decode() {
    let body: ErrorResponse = serde_json::from_value(json!({"error": {"message": "Invalid key", "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}})).unwrap();
    assert_eq!(body.error.message, "Invalid key");
    assert_eq!(body.error.r#type, "invalid_request_error");
    assert_eq!(
        (body.error.param, body.error.code.as_deref()),
        (None, Some("invalid_api_key"))
    );
}

#[test]
fn enum_errors_say_what_is_allowed() {
    // The values the reference pages list; the message names each (and any the spec adds).
    let err = UsageBucketWidth::from_str("2d").unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("`2d` is not a valid UsageBucketWidth: expected one of "),
        "{text}"
    );
    for value in ["`1m`", "`1h`", "`1d`"] {
        assert!(text.contains(value), "{text}");
    }
    assert_eq!(err.value(), "2d");
    let err = serde_json::from_str::<ImageSize>("\"100x100\"")
        .unwrap_err()
        .to_string();
    for value in ["256x256", "512x512", "1024x1024", "1792x1792", "1024x1792"] {
        assert!(err.contains(&format!("`{value}`")), "{err}");
    }
    assert_eq!(UsageBucketWidth::default(), UsageBucketWidth::OneDay);
    assert_eq!(
        UsageCostsBucketWidth::default(),
        UsageCostsBucketWidth::OneDay
    );
}

#[test]
fn the_streaming_union_decoder_agrees_with_serdes_derived_one_in_either_order() {
    use tests::bench::{completions_page, TaggedPage};
    for tag_last in [false, true] {
        let text = completions_page(20, 7, tag_last);
        let ours: UsageResponse = serde_json::from_str(&text).unwrap();
        let derived: TaggedPage = serde_json::from_str(&text).unwrap();
        assert_eq!(ours.data.len(), derived.data.len());
        assert_eq!(
            (ours.has_more, &ours.next_page),
            (derived.has_more, &derived.next_page)
        );
        for (a, b) in ours.data.into_iter().zip(derived.data) {
            let a_range = (a.start_time.as_unix_seconds(), a.end_time.as_unix_seconds());
            assert_eq!(a_range, (b.start_time, b.end_time));
            let b: Vec<UsageResult> = b.results.into_iter().map(UsageResult::from).collect();
            assert_eq!(a.results, b);
        }
    }
    // And the page is what the benchmark says: 13 MB at full size, every result a completion.
    let full = completions_page(1_440, 30, false);
    assert!(
        (12_000_000..15_000_000).contains(&full.len()),
        "{}",
        full.len()
    );
}

mod response_enums {
    use serde_json::json;
    use tests::golden::response_enums::params::ListTiersParams;
    use tests::golden::response_enums::types::{ListTiersOrder, Region, Tier, TierPage, Usage};

    #[test]
    fn a_value_added_to_a_response_enum_decodes_instead_of_failing_the_page() {
        // `tier` and `regions` are closed enums in the spec (fixture `response_enums.yaml`);
        // the API later sends `priority` and `ap`.
        let page: TierPage = serde_json::from_value(json!({"data": [
            {"object": "tier.usage", "tier": "priority", "regions": ["us", "ap"]},
            {"object": "tier.usage", "tier": "flex"}
        ]}))
        .unwrap();
        let Usage::TierUsage(first) = &page.data[0] else {
            panic!("{page:?}")
        };
        assert_eq!(first.tier, Tier::Other("priority".into()));
        assert_eq!(
            first.regions,
            Some(vec![Region::Us, Region::Other("ap".into())])
        );
        let Usage::TierUsage(second) = &page.data[1] else {
            panic!("{page:?}")
        };
        assert_eq!(second.tier, Tier::Flex);
        // It encodes as it came.
        assert_eq!(
            serde_json::to_value(&first.tier).unwrap(),
            json!("priority")
        );
    }

    #[test]
    fn a_parameter_of_such_an_enum_sends_listed_values_only() {
        assert!(ListTiersParams::new().tier(Tier::Flex).validate().is_ok());
        let e = ListTiersParams::new()
            .tier(Tier::Other("priority".into()))
            .validate()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid parameter `tier` for list-tiers: `priority` is not one of the values the spec lists"
        );
        let e = ListTiersParams::new()
            .tiers([Tier::Default, Tier::Other("x".into())])
            .validate()
            .unwrap_err();
        assert!(e.to_string().contains("`tiers`"), "{e}");
    }

    #[test]
    fn a_request_only_enum_stays_closed() {
        assert_eq!(
            ListTiersOrder::ALL,
            [ListTiersOrder::Asc, ListTiersOrder::Desc]
        );
        assert!("sideways".parse::<ListTiersOrder>().is_err());
    }
}
