//! Parameter structs: the query they send (expected strings written from the reference pages)
//! and the bounds they check before sending.

use codegen::ir::Number;
use openai_usage::*;

fn query(pairs: Vec<(&'static str, String)>) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn only_what_is_set_is_sent() {
    assert_eq!(
        query(UsageCompletionsParams::new(1730419200).to_query()),
        "start_time=1730419200"
    );
    // The images reference example: `?start_time=1730419200&limit=1`.
    assert_eq!(
        query(UsageImagesParams::new(1730419200).limit(1).to_query()),
        "start_time=1730419200&limit=1"
    );
}

#[test]
fn enums_booleans_and_arrays_as_the_api_expects() {
    let q = UsageCompletionsParams::new(1730419200)
        .end_time(1730505600)
        .bucket_width(UsageBucketWidth::OneHour)
        .models(["gpt-4o", "gpt-4o-mini"])
        .batch(false)
        .group_by([
            UsageCompletionsGroupBy::Model,
            UsageCompletionsGroupBy::ProjectId,
        ])
        .limit(24)
        .page("page_AAAA")
        .to_query();
    assert_eq!(
        query(q),
        "start_time=1730419200&end_time=1730505600&bucket_width=1h&models=gpt-4o&models=gpt-4o-mini\
         &batch=false&group_by=model&group_by=project_id&limit=24&page=page_AAAA"
    );
    let q = UsageImagesParams::new(1)
        .sources([ImageSource::Generation, ImageSource::Variation])
        .sizes([ImageSize::Size1024x1792])
        .group_by([UsageImagesGroupBy::Size, UsageImagesGroupBy::Source])
        .to_query();
    assert_eq!(
        query(q),
        "start_time=1&sources=image.generation&sources=image.variation&sizes=1024x1792&group_by=size&group_by=source"
    );
    let q = UsageCostsParams::new(1)
        .bucket_width(UsageCostsBucketWidth::OneDay)
        .group_by([UsageCostsGroupBy::LineItem])
        .project_ids(vec![String::from("proj_1")])
        .to_query();
    assert_eq!(
        query(q),
        "start_time=1&bucket_width=1d&project_ids=proj_1&group_by=line_item"
    );
}

#[test]
fn costs_limit_is_between_1_and_180() {
    assert!(UsageCostsParams::new(1).limit(180).validate().is_ok());
    assert!(UsageCostsParams::new(1).limit(1).validate().is_ok());
    let err = UsageCostsParams::new(1).limit(181).validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter `limit` for usage-costs: 181 is above the maximum, 180"
    );
    assert_eq!(err.param(), "limit");
    let err = UsageCostsParams::new(1).limit(0).validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameter `limit` for usage-costs: 0 is below the minimum, 1"
    );
}

#[test]
fn usage_limit_depends_on_the_bucket_width() {
    // Reference: 1d max 31, 1h max 168, 1m max 1440; unset bucket_width means 1d.
    assert!(UsageEmbeddingsParams::new(1).limit(31).validate().is_ok());
    let err = UsageEmbeddingsParams::new(1)
        .limit(32)
        .validate()
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid parameter `limit` for usage-embeddings: 32 is above the maximum, 31, for `bucket_width=1d`");
    let hourly = UsageEmbeddingsParams::new(1).bucket_width(UsageBucketWidth::OneHour);
    assert!(hourly.clone().limit(168).validate().is_ok());
    assert!(hourly.limit(169).validate().is_err());
    let minutely = UsageEmbeddingsParams::new(1).bucket_width(UsageBucketWidth::OneMinute);
    assert!(minutely.clone().limit(1440).validate().is_ok());
    assert!(minutely.limit(1441).validate().is_err());
}

#[test]
fn end_time_must_come_after_start_time() {
    assert!(UsageCompletionsParams::new(100)
        .end_time(101)
        .validate()
        .is_ok());
    let err = UsageCompletionsParams::new(100)
        .end_time(100)
        .validate()
        .unwrap_err();
    // Times are shown as dates (100 seconds after the epoch).
    assert_eq!(err.to_string(), "invalid parameter `end_time` for usage-completions: 1970-01-01T00:01:40Z must be greater than `start_time` (1970-01-01T00:01:40Z)");
    assert!(UsageCostsParams::new(100).end_time(50).validate().is_err());
}

#[test]
fn params_know_their_operation() {
    assert_eq!(UsageCostsParams::PATH, "/organization/costs");
    assert_eq!(UsageCostsParams::OPERATION_ID, "usage-costs");
    assert_eq!(UsageVectorStoresParams::METHOD, "GET");
}

mod bounds {
    use tests::golden::bounds::params::SearchParams;

    /// The message of the check that fails, or `None` when all pass.
    fn rejected(params: SearchParams) -> Option<String> {
        params.validate().err().map(|e| e.to_string())
    }

    #[test]
    fn string_lengths_are_checked_in_characters() {
        // Spec (fixture `bounds.yaml`): `query` 2 to 5 characters; `label` at most 3.
        assert_eq!(rejected(SearchParams::new("ab")), None);
        assert_eq!(
            rejected(SearchParams::new("éèêëà")),
            None,
            "five characters, ten bytes"
        );
        assert_eq!(
            rejected(SearchParams::new("a")).as_deref(),
            Some(
                "invalid parameter `query` for search: 1 characters are fewer than the minimum, 2"
            )
        );
        assert_eq!(
            rejected(SearchParams::new("abcdef")).as_deref(),
            Some("invalid parameter `query` for search: 6 characters are more than the maximum, 5")
        );
        assert!(rejected(SearchParams::new("ab").label("abcd"))
            .unwrap()
            .contains("`label`"));
        assert_eq!(rejected(SearchParams::new("ab").label("abc")), None);
    }

    #[test]
    fn array_sizes_are_checked_when_set() {
        // `ids`: 2 to 3 values; an empty list is not sent, so it is not checked.
        assert_eq!(
            rejected(SearchParams::new("ab").ids(Vec::<String>::new())),
            None
        );
        assert_eq!(rejected(SearchParams::new("ab").ids(["a", "b"])), None);
        assert_eq!(
            rejected(SearchParams::new("ab").ids(["a"])).as_deref(),
            Some("invalid parameter `ids` for search: 1 values are fewer than the minimum, 2")
        );
        assert!(rejected(SearchParams::new("ab").ids(["a", "b", "c", "d"]))
            .unwrap()
            .contains("more than the maximum, 3"));
    }

    #[test]
    fn exclusive_bounds_exclude_the_bound() {
        // `score`: greater than 0 and less than 1.
        assert_eq!(rejected(SearchParams::new("ab").score(0.5)), None);
        assert_eq!(
            rejected(SearchParams::new("ab").score(0.0)).as_deref(),
            Some("invalid parameter `score` for search: 0 must be greater than 0")
        );
        assert_eq!(
            rejected(SearchParams::new("ab").score(1.0)).as_deref(),
            Some("invalid parameter `score` for search: 1 must be less than 1")
        );
    }
}

#[test]
fn openapi_30_exclusive_bounds_are_read() {
    // 3.0 writes `exclusiveMinimum: true` beside `minimum`; 3.1 writes the bound itself.
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: a
      parameters:
        - {name: n, in: query, schema: {type: integer, minimum: 0, exclusiveMinimum: true, maximum: 9}}
      responses: {'200': {description: ok}}
"#;
    let api = codegen::api_from_str(std::path::Path::new("a.yaml"), spec).unwrap();
    let bounds = &api.operations[0].params[0].bounds;
    assert_eq!(bounds.exclusive_minimum, Some(Number::Integer(0)));
    assert_eq!(bounds.minimum, None);
    assert_eq!(bounds.maximum, Some(Number::Integer(9)));
    assert_eq!(bounds.exclusive_maximum, None);
}

#[test]
fn times_are_timestamps_sent_as_unix_seconds() {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};
    // 2024-11-01T00:00:00Z, from a SystemTime, a Timestamp or plain seconds: the same query.
    let nov1 = UNIX_EPOCH + Duration::from_secs(1_730_419_200);
    let from_system = UsageCostsParams::new(nov1).end_time(nov1 + Duration::from_secs(86_400));
    let from_seconds = UsageCostsParams::new(1_730_419_200).end_time(1_730_505_600);
    let from_timestamp = UsageCostsParams::new(Timestamp::from_unix_seconds(1_730_419_200))
        .end_time(Timestamp::from(1_730_505_600));
    for params in [&from_system, &from_seconds, &from_timestamp] {
        assert_eq!(
            query(params.to_query()),
            "start_time=1730419200&end_time=1730505600"
        );
        assert!(params.validate().is_ok());
    }
    assert!(UsageCostsParams::new(Timestamp::now()).validate().is_ok());
    assert_eq!(
        Timestamp::from(SystemTime::from(Timestamp::from(1_730_419_200))).to_string(),
        "2024-11-01T00:00:00Z"
    );
}

#[test]
fn milliseconds_or_negative_times_are_refused_before_sending() {
    // A JavaScript-style `Date.now()` in milliseconds would ask for the year 56,800 and get
    // nothing back; it is refused instead, naming the parameter and the likely mistake.
    let err = UsageCostsParams::new(1_730_419_200_000)
        .validate()
        .unwrap_err();
    assert_eq!(err.param(), "start_time");
    assert!(err.to_string().contains("looks like milliseconds"), "{err}");
    assert!(err.to_string().contains("divide by 1000"), "{err}");
    let err = UsageCompletionsParams::new(1_730_419_200)
        .end_time(-1)
        .validate()
        .unwrap_err();
    assert_eq!(err.param(), "end_time");
    assert!(err.to_string().contains("before 1970"), "{err}");
    // The order between the two is checked on the timestamps too.
    let err = UsageCostsParams::new(1_730_505_600)
        .end_time(1_730_419_200)
        .validate()
        .unwrap_err();
    assert_eq!(err.param(), "end_time");
    assert!(
        err.to_string()
            .contains("must be greater than `start_time`"),
        "{err}"
    );
}
