//! The client against the local fake of the API: what goes on the wire, complete pagination with
//! and without faults, every retry rule, every error variant, and the key kept secret. Expected
//! query strings and values are written from the spec and the reference pages.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use openai_usage::rust_decimal;
use openai_usage::*;
use serde_json::Value;
use tests::fake::{data, FakeApi, Fault};

const KEY: &str = "sk-admin-TEST-0123456789abcdef";

fn builder(fake: &FakeApi) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .initial_retry_delay(Duration::from_millis(2))
        .max_retry_delay(Duration::from_millis(20))
}

fn client(fake: &FakeApi) -> Client {
    builder(fake).build().unwrap()
}

/// Equal bucket lists, reporting the first difference rather than both lists whole.
fn assert_same_buckets(got: &[Value], expected: &[Value]) {
    for (i, (g, e)) in got.iter().zip(expected).enumerate() {
        assert_eq!(g, e, "bucket {i} differs");
    }
    assert_eq!(got.len(), expected.len(), "bucket count");
}

fn last_query(fake: &FakeApi) -> String {
    fake.requests()
        .last()
        .expect("a request was made")
        .query
        .clone()
}

// ------------------------------------------------------------------ the wire

#[tokio::test]
async fn every_operation_sends_exactly_the_query_the_spec_describes() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    // Values with characters that must be percent-encoded (a space, a slash, a non-ASCII letter).
    let odd = "proj beta/ü";
    let odd_wire = "proj+beta%2F%C3%BC";
    let day = 1_730_419_200;

    let _ = c
        .usage_completions(
            &UsageCompletionsParams::new(day)
                .end_time(day + 86_400)
                .bucket_width(UsageBucketWidth::OneHour)
                .project_ids(["proj_alpha", odd])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .models(["gpt-4o", "gpt-4o-mini"])
                .batch(true)
                .group_by([
                    UsageCompletionsGroupBy::Model,
                    UsageCompletionsGroupBy::Batch,
                ])
                .limit(24)
                .page("page_0"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!(
            "start_time=1730419200&end_time=1730505600&bucket_width=1h&project_ids=proj_alpha&project_ids={odd_wire}\
             &user_ids=user_ann&api_key_ids=key_main&models=gpt-4o&models=gpt-4o-mini&batch=true\
             &group_by=model&group_by=batch&limit=24&page=page_0"
        )
    );

    let common = "&project_ids=proj_alpha&user_ids=user_ann&api_key_ids=key_main";
    let _ = c
        .usage_embeddings(
            &UsageEmbeddingsParams::new(day)
                .end_time(day + 60)
                .bucket_width(UsageBucketWidth::OneMinute)
                .project_ids(["proj_alpha"])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .models(["text-embedding-3-small"])
                .group_by([
                    UsageEmbeddingsGroupBy::ProjectId,
                    UsageEmbeddingsGroupBy::UserId,
                ])
                .limit(60)
                .page("page_1"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!("start_time=1730419200&end_time=1730419260&bucket_width=1m{common}&models=text-embedding-3-small&group_by=project_id&group_by=user_id&limit=60&page=page_1")
    );

    let _ = c
        .usage_moderations(
            &UsageModerationsParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageBucketWidth::OneDay)
                .project_ids(["proj_alpha"])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .models(["omni-moderation-latest"])
                .group_by([UsageModerationsGroupBy::ApiKeyId])
                .limit(31)
                .page("page_2"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!("start_time=1730419200&end_time=1730419201&bucket_width=1d{common}&models=omni-moderation-latest&group_by=api_key_id&limit=31&page=page_2")
    );

    let _ = c
        .usage_images(
            &UsageImagesParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageBucketWidth::OneDay)
                .sources([
                    ImageSource::Generation,
                    ImageSource::Edit,
                    ImageSource::Variation,
                ])
                .sizes([ImageSize::Size256x256, ImageSize::Size1024x1792])
                .project_ids(["proj_alpha"])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .models(["dall-e-3"])
                .group_by([UsageImagesGroupBy::Size, UsageImagesGroupBy::Source])
                .limit(7)
                .page("page_3"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!("start_time=1730419200&end_time=1730419201&bucket_width=1d&sources=image.generation&sources=image.edit&sources=image.variation&sizes=256x256&sizes=1024x1792{common}&models=dall-e-3&group_by=size&group_by=source&limit=7&page=page_3")
    );

    let _ = c
        .usage_audio_speeches(
            &UsageAudioSpeechesParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageBucketWidth::OneDay)
                .project_ids(["proj_alpha"])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .models(["tts-1"])
                .group_by([UsageAudioSpeechesGroupBy::Model])
                .limit(2)
                .page("page_4"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!("start_time=1730419200&end_time=1730419201&bucket_width=1d{common}&models=tts-1&group_by=model&limit=2&page=page_4")
    );

    let _ = c
        .usage_audio_transcriptions(
            &UsageAudioTranscriptionsParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageBucketWidth::OneDay)
                .project_ids(["proj_alpha"])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .models(["whisper-1"])
                .group_by([UsageAudioTranscriptionsGroupBy::UserId])
                .limit(3)
                .page("page_5"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!("start_time=1730419200&end_time=1730419201&bucket_width=1d{common}&models=whisper-1&group_by=user_id&limit=3&page=page_5")
    );

    let _ = c
        .usage_vector_stores(
            &UsageVectorStoresParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageBucketWidth::OneDay)
                .project_ids(["proj_alpha"])
                .group_by([UsageVectorStoresGroupBy::ProjectId])
                .limit(4)
                .page("page_6"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        "start_time=1730419200&end_time=1730419201&bucket_width=1d&project_ids=proj_alpha&group_by=project_id&limit=4&page=page_6"
    );

    let _ = c
        .usage_code_interpreter_sessions(
            &UsageCodeInterpreterSessionsParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageBucketWidth::OneDay)
                .project_ids(["proj_alpha"])
                .group_by([UsageCodeInterpreterSessionsGroupBy::ProjectId])
                .limit(5)
                .page("page_7"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        "start_time=1730419200&end_time=1730419201&bucket_width=1d&project_ids=proj_alpha&group_by=project_id&limit=5&page=page_7"
    );

    let _ = c
        .usage_costs(
            &UsageCostsParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageCostsBucketWidth::OneDay)
                .project_ids(["proj_alpha", odd])
                .group_by([UsageCostsGroupBy::ProjectId, UsageCostsGroupBy::LineItem])
                .limit(180)
                .page("page_8"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!("start_time=1730419200&end_time=1730419201&bucket_width=1d&project_ids=proj_alpha&project_ids={odd_wire}&group_by=project_id&group_by=line_item&limit=180&page=page_8")
    );

    let _ = c
        .usage_file_search_calls(
            &UsageFileSearchCallsParams::new(day)
                .end_time(day + 1)
                .bucket_width(UsageBucketWidth::OneDay)
                .project_ids(["proj_alpha"])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .vector_store_ids(["vs_docs", odd])
                .group_by([
                    UsageFileSearchCallsGroupBy::VectorStoreId,
                    UsageFileSearchCallsGroupBy::ProjectId,
                ])
                .limit(6)
                .page("page_9"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        format!("start_time=1730419200&end_time=1730419201&bucket_width=1d&project_ids=proj_alpha&user_ids=user_ann&api_key_ids=key_main&vector_store_ids=vs_docs&vector_store_ids={odd_wire}&group_by=vector_store_id&group_by=project_id&limit=6&page=page_9")
    );

    let _ = c
        .usage_web_search_calls(
            &UsageWebSearchCallsParams::new(day)
                .end_time(day + 3_600)
                .bucket_width(UsageBucketWidth::OneMinute)
                .project_ids(["proj_alpha"])
                .user_ids(["user_ann"])
                .api_key_ids(["key_main"])
                .models(["gpt-4o"])
                .context_levels([
                    UsageWebSearchCallsContextLevels::Low,
                    UsageWebSearchCallsContextLevels::High,
                ])
                .group_by([
                    UsageWebSearchCallsGroupBy::ContextLevel,
                    UsageWebSearchCallsGroupBy::Model,
                ])
                .limit(1_440)
                .page("page_10"),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        "start_time=1730419200&end_time=1730422800&bucket_width=1m&project_ids=proj_alpha&user_ids=user_ann&api_key_ids=key_main&models=gpt-4o&context_levels=low&context_levels=high&group_by=context_level&group_by=model&limit=1440&page=page_10"
    );

    let _ = c
        .usage_costs(
            &UsageCostsParams::new(day)
                .api_key_ids(["key_main", "key_ci"])
                .group_by([UsageCostsGroupBy::ApiKeyId]),
        )
        .await;
    assert_eq!(
        last_query(&fake),
        "start_time=1730419200&api_key_ids=key_main&api_key_ids=key_ci&group_by=api_key_id"
    );

    let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/v1/organization/usage/completions",
            "/v1/organization/usage/embeddings",
            "/v1/organization/usage/moderations",
            "/v1/organization/usage/images",
            "/v1/organization/usage/audio_speeches",
            "/v1/organization/usage/audio_transcriptions",
            "/v1/organization/usage/vector_stores",
            "/v1/organization/usage/code_interpreter_sessions",
            "/v1/organization/costs",
            "/v1/organization/usage/file_search_calls",
            "/v1/organization/usage/web_search_calls",
            "/v1/organization/costs",
        ]
    );
}

#[tokio::test]
async fn the_new_usage_kinds_decode_what_the_fake_computes() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    let day = 1_730_419_200;
    let page = c
        .usage_web_search_calls(
            &UsageWebSearchCallsParams::new(day)
                .end_time(day + 86_400)
                .group_by([UsageWebSearchCallsGroupBy::ContextLevel]),
        )
        .await
        .unwrap();
    let levels: Vec<Option<&str>> = page.data[0]
        .results
        .iter()
        .map(|r| match r {
            UsageResult::WebSearchCalls(w) => w.context_level.as_deref(),
            other => panic!("{other:?}"),
        })
        .collect();
    // One result per context level, in the fake's order of its values.
    assert_eq!(levels, [Some("low"), Some("medium"), Some("high")]);
    let page = c
        .usage_file_search_calls(
            &UsageFileSearchCallsParams::new(day)
                .end_time(day + 86_400)
                .vector_store_ids(["vs_docs"])
                .group_by([UsageFileSearchCallsGroupBy::VectorStoreId]),
        )
        .await
        .unwrap();
    let UsageResult::FileSearchCalls(f) = &page.data[0].results[0] else {
        panic!("{page:?}")
    };
    assert_eq!(f.vector_store_id.as_deref(), Some("vs_docs"));
    assert!(f.num_requests > 0);
    // Costs grouped by line item carry a quantity and its unit.
    let page = c
        .usage_costs(
            &UsageCostsParams::new(day)
                .end_time(day + 86_400)
                .group_by([UsageCostsGroupBy::LineItem]),
        )
        .await
        .unwrap();
    for result in &page.data[0].results {
        let UsageResult::Costs(cost) = result else {
            panic!("{result:?}")
        };
        let unit = cost
            .quantity_unit
            .as_ref()
            .expect("a unit with a line item");
        let expected = if cost.line_item.as_deref() == Some("vector store storage") {
            CostsResultQuantityUnit::GibibyteHours
        } else {
            CostsResultQuantityUnit::Tokens
        };
        assert_eq!(unit, &expected);
        assert!(cost.quantity.is_some_and(|q| q >= 100.0));
    }
}

#[tokio::test]
async fn the_unrecognized_hook_reports_what_the_spec_does_not_describe() {
    let fake = FakeApi::start().await;
    let reports = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = reports.clone();
    let c = builder(&fake)
        .on_unrecognized(move |report| sink.lock().unwrap().push(report.clone()))
        .build()
        .unwrap();
    let page = serde_json::json!({
        "object": "page", "has_more": false, "next_page": null,
        "data": [{"object": "bucket", "start_time": 1730419200, "end_time": 1730505600, "results": [
            {"object": "organization.costs.result", "amount": {"value": "0.06", "currency": "usd"},
             "quantity": 10, "quantity_unit": "kilowatt_hours", "invoice_id": "inv_1"},
            {"object": "organization.usage.teleport.result", "jumps": 3}
        ]}]
    });
    fake.push_fault(Fault::Status {
        status: 200,
        headers: Vec::new(),
        body: page.to_string(),
    });
    let decoded = c
        .usage_costs(&UsageCostsParams::new(1_730_419_200))
        .await
        .unwrap();
    // The page decodes regardless: the unknown unit and result are kept.
    assert_eq!(decoded.data[0].results.len(), 2);
    let reports = reports.lock().unwrap().clone();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].operation, "usage-costs");
    let request_id = reports[0].request_id.as_deref().unwrap();
    assert!(
        request_id.starts_with("req_"),
        "the fake's request id: {request_id}"
    );
    let items: Vec<String> = reports[0].items.iter().map(|i| i.to_string()).collect();
    assert_eq!(
        items,
        [
            "/data/0/results/0/invoice_id: a field the spec does not describe",
            "/data/0/results/0/quantity_unit: `kilowatt_hours` is not one of the values the spec lists",
            "/data/0/results/1/object: `organization.usage.teleport.result` is not a type the spec describes here",
        ]
    );
    // A page the spec describes whole is not reported.
    c.usage_costs(&UsageCostsParams::new(1_730_419_200).end_time(1_730_505_600))
        .await
        .unwrap();
    assert_eq!(reports.len(), 1);
}

#[tokio::test]
async fn sends_the_key_as_a_bearer_token_and_a_user_agent() {
    let fake = FakeApi::start().await;
    client(&fake)
        .usage_costs(&UsageCostsParams::new(1_730_419_200).end_time(1_730_505_600))
        .await
        .unwrap();
    let request = &fake.requests()[0];
    assert_eq!(
        request.authorization.as_deref(),
        Some("Bearer sk-admin-TEST-0123456789abcdef")
    );
    assert_eq!(request.user_agent.as_deref(), Some("openai-usage/0.1.0"));
    assert_eq!(request.query, "start_time=1730419200&end_time=1730505600");
}

#[tokio::test]
async fn asks_for_compressed_answers_and_decodes_them() {
    let fake = FakeApi::start().await;
    let params = UsageCompletionsParams::new(1_730_419_200).end_time(1_730_419_200 + 86_400);
    let page = client(&fake).usage_completions(&params).await.unwrap();
    assert_eq!(page.data.len(), 1);
    let request = &fake.requests()[0];
    let accept = request
        .headers
        .iter()
        .find(|(name, _)| name == "accept-encoding")
        .map(|(_, value)| value.as_str())
        .unwrap_or_default();
    assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
    // The fake answered gzip (it does when asked), and the page above was decoded from it: far
    // fewer bytes crossed the connection than the JSON holds.
    let json = serde_json::to_string(&page).unwrap().len() as u64;
    let sent = fake.body_bytes_sent();
    assert!(
        sent * 2 < json,
        "{sent} bytes sent for {json} bytes of JSON"
    );
}

#[tokio::test]
async fn default_headers_are_sent_and_the_clients_own_cannot_be_replaced() {
    let fake = FakeApi::start().await;
    let tenant = reqwest::header::HeaderName::from_static("x-tenant");
    let client = builder(&fake)
        .default_header(
            tenant.clone(),
            reqwest::header::HeaderValue::from_static("finops"),
        )
        .build()
        .unwrap();
    client
        .usage_costs(&UsageCostsParams::new(1_730_419_200))
        .await
        .unwrap();
    let headers = &fake.requests()[0].headers;
    assert!(
        headers.contains(&("x-tenant".into(), "finops".into())),
        "{headers:?}"
    );
    let err = builder(&fake)
        .default_header(
            reqwest::header::AUTHORIZATION,
            reqwest::header::HeaderValue::from_static("Bearer other"),
        )
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid client configuration: `authorization` is set by the client itself and cannot be a default header"
    );
    // A reqwest client of one's own needs a TLS provider first (reqwest brings none here).
    openai_usage::install_default_tls();
    let err = builder(&fake)
        .proxy(reqwest::Proxy::all("http://127.0.0.1:9").unwrap())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("set the proxy on the `reqwest::Client` you pass"),
        "{err}"
    );
}

#[tokio::test]
async fn a_proxy_carries_every_request() {
    // The fake stands in for the proxy: a proxied plain-HTTP request arrives with the absolute
    // URL as its target, and the fake answers it as a 404 of an unknown path.
    let proxy = FakeApi::start().await;
    let client = Client::builder()
        .api_key("sk-admin-TEST")
        .base_url("http://api.example.invalid/v1")
        .max_retries(0)
        .proxy(reqwest::Proxy::http(proxy.base_url().trim_end_matches("/v1")).unwrap())
        .build()
        .unwrap();
    let _ = client
        .usage_costs(&UsageCostsParams::new(1_730_419_200))
        .await;
    let requests = proxy.requests();
    assert_eq!(requests.len(), 1, "the request went to the proxy");
    assert_eq!(
        requests[0].path,
        "http://api.example.invalid/v1/organization/costs"
    );
}

#[tokio::test]
async fn decodes_what_the_fake_computes() {
    let fake = FakeApi::start().await;
    let params = UsageCompletionsParams::new(1_730_419_200)
        .end_time(1_730_419_200 + 3 * 86_400)
        .group_by([UsageCompletionsGroupBy::Model]);
    let page = client(&fake).usage_completions(&params).await.unwrap();
    let endpoint = data::endpoint("/organization/usage/completions").unwrap();
    let query = data::Query::parse(
        &params
            .to_query()
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&"),
    );
    let expected = data::page(
        endpoint,
        &data::ask(endpoint, &query, fake.config().now).unwrap(),
    );
    assert_eq!(serde_json::to_value(&page).unwrap(), expected);
    assert_eq!(page.data.len(), 3);
    assert!(!page.has_more);
    assert!(
        page.data.iter().all(|b| b.results.len() == 2),
        "two models: {page:?}"
    );
}

#[tokio::test]
async fn response_metadata_is_available_beside_the_value() {
    let fake = FakeApi::start().await;
    let response = client(&fake)
        .usage_vector_stores_with_response(
            &UsageVectorStoresParams::new(1_730_419_200).end_time(1_730_505_600),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.request_id(), Some("req_000001"));
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.value().data.len(), 1);
}

// ------------------------------------------------------------------ paging

fn expected_buckets(path: &str, params: &[(&'static str, String)], now: i64) -> Vec<Value> {
    let endpoint = data::endpoint(path).unwrap();
    let query = data::Query(
        params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    );
    data::all_buckets(endpoint, &data::ask(endpoint, &query, now).unwrap())
}

fn sixty_days_of_completions() -> UsageCompletionsParams {
    // An unaligned start: the first bucket starts there, the others on day boundaries.
    UsageCompletionsParams::new(1_730_419_200 + 3_600)
        .end_time(1_730_419_200 + 60 * 86_400)
        .group_by([
            UsageCompletionsGroupBy::Model,
            UsageCompletionsGroupBy::ProjectId,
        ])
        .limit(1)
}

#[tokio::test]
async fn paging_returns_every_bucket_exactly_once() {
    let fake = FakeApi::start().await;
    let params = sixty_days_of_completions();
    let expected = expected_buckets(
        "/organization/usage/completions",
        &params.to_query(),
        fake.config().now,
    );
    assert_eq!(expected.len(), 60);
    assert_eq!(expected[0]["start_time"], 1_730_419_200 + 3_600);
    assert_eq!(expected[1]["start_time"], 1_730_419_200 + 86_400);

    let buckets: Vec<UsageTimeBucket> = client(&fake)
        .usage_completions_buckets(params)
        .try_collect()
        .await
        .unwrap();
    let got: Vec<Value> = buckets
        .iter()
        .map(|b| serde_json::to_value(b).unwrap())
        .collect();
    assert_same_buckets(&got, &expected);
    assert_eq!(fake.request_count(), 60, "one request per page");
}

#[tokio::test]
async fn paging_survives_faults_and_still_returns_every_bucket_once() {
    let fake = FakeApi::start().await;
    // Every third request fails, in turn, in each of the retried ways.
    fake.fault_every(
        3,
        vec![
            Fault::error(
                429,
                "rate_limit_exceeded",
                "slow down",
                &[("retry-after-ms", "5")],
            ),
            Fault::error(500, "server_error", "oops", &[]),
            Fault::Drop,
            Fault::Truncate,
            Fault::error(503, "server_error", "busy", &[]),
            Fault::error(408, "timeout", "slow", &[]),
        ],
    );
    let params = sixty_days_of_completions();
    let expected = expected_buckets(
        "/organization/usage/completions",
        &params.to_query(),
        fake.config().now,
    );
    let buckets: Vec<UsageTimeBucket> = client(&fake)
        .usage_completions_buckets(params)
        .try_collect()
        .await
        .unwrap();
    let got: Vec<Value> = buckets
        .iter()
        .map(|b| serde_json::to_value(b).unwrap())
        .collect();
    assert_same_buckets(&got, &expected);
    assert!(fake.request_count() > 60, "faulted requests were retried");
}

#[tokio::test]
async fn costs_total_exactly_what_the_fake_computes_across_faults() {
    let fake = FakeApi::start().await;
    fake.fault_every(
        4,
        vec![
            Fault::Drop,
            Fault::error(502, "server_error", "bad gateway", &[]),
        ],
    );
    let params = UsageCostsParams::new(1_730_419_200)
        .end_time(1_730_419_200 + 90 * 86_400)
        .group_by([UsageCostsGroupBy::ProjectId, UsageCostsGroupBy::LineItem])
        .limit(2);
    let endpoint = data::endpoint("/organization/costs").unwrap();
    let query = data::Query(
        params
            .to_query()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    );
    let expected_cents =
        data::total_cost_cents(&data::ask(endpoint, &query, fake.config().now).unwrap());

    let mut cents = 0u64;
    let mut pages = 0;
    let mut stream = Box::pin(client(&fake).usage_costs_pages(params));
    while let Some(page) = stream.next().await {
        pages += 1;
        for bucket in page.unwrap().data {
            for result in bucket.results {
                let UsageResult::Costs(cost) = result else {
                    panic!("{result:?}")
                };
                let value = cost.amount.unwrap().value.unwrap();
                let in_cents = value * rust_decimal::Decimal::ONE_HUNDRED;
                assert!(in_cents.fract().is_zero(), "{value} is whole cents");
                cents += u64::try_from(in_cents.mantissa() / 10i128.pow(in_cents.scale())).unwrap();
            }
        }
    }
    assert_eq!(pages, 45);
    assert!(expected_cents > 0);
    assert_eq!(cents, expected_cents);
}

#[tokio::test]
async fn a_failure_mid_way_carries_the_cursor_to_resume_from() {
    let fake = FakeApi::start().await;
    let c = builder(&fake).max_retries(0).build().unwrap();
    let params = sixty_days_of_completions();
    let expected = expected_buckets(
        "/organization/usage/completions",
        &params.to_query(),
        fake.config().now,
    );

    let mut got: Vec<Value> = Vec::new();
    let mut stream = Box::pin(c.usage_completions_buckets(params.clone()));
    for _ in 0..5 {
        got.push(serde_json::to_value(stream.next().await.unwrap().unwrap()).unwrap());
    }
    fake.push_fault(Fault::error(500, "server_error", "oops", &[]));
    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.error().status(), Some(500));
    let cursor = error.cursor().expect("not the first page").to_owned();
    assert_eq!(cursor, data::cursor(1_730_419_200 + 5 * 86_400));
    assert!(
        error
            .to_string()
            .contains(&format!("resume from page cursor `{cursor}`")),
        "{error}"
    );
    assert!(
        stream.next().await.is_none(),
        "the stream ends after an error"
    );

    let rest: Vec<UsageTimeBucket> = c
        .usage_completions_buckets(params.page(cursor))
        .try_collect()
        .await
        .unwrap();
    got.extend(rest.iter().map(|b| serde_json::to_value(b).unwrap()));
    assert_same_buckets(&got, &expected); // nothing lost, nothing twice
}

#[tokio::test]
async fn a_repeated_cursor_stops_paging_instead_of_looping() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    fake.fault_every(3, vec![Fault::RepeatCursor]);
    let mut stream = Box::pin(c.usage_completions_pages(sixty_days_of_completions()));
    let mut pages = 0;
    let error = loop {
        match stream.next().await.expect("ends with an error") {
            Ok(_) => pages += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(
        pages, 3,
        "the page with the repeated cursor is still delivered"
    );
    assert!(
        matches!(error.error(), Error::RepeatedCursor { .. }),
        "{error}"
    );
    assert!(stream.next().await.is_none());
    assert_eq!(fake.request_count(), 3);
}

#[tokio::test]
async fn the_first_page_error_has_no_cursor() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        401,
        "invalid_request_error",
        "Incorrect API key provided",
        &[],
    ));
    let error = client(&fake)
        .usage_costs_pages(UsageCostsParams::new(1))
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error.cursor(), None);
    assert!(
        error.to_string().ends_with("(on the first page)"),
        "{error}"
    );
}

// ------------------------------------------------------------------ retries

fn gaps(fake: &FakeApi) -> Vec<Duration> {
    let times: Vec<_> = fake.requests().iter().map(|r| r.at).collect();
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

async fn costs(c: &Client) -> Result<UsageResponse, Error> {
    c.usage_costs(&UsageCostsParams::new(1_730_419_200).end_time(1_730_505_600))
        .await
}

#[tokio::test]
async fn retried_statuses_are_retried_and_then_succeed() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let fake = FakeApi::start().await;
        fake.push_fault(Fault::error(status, "server_error", "try again", &[]));
        costs(&client(&fake))
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(fake.request_count(), 2, "{status}");
    }
}

#[tokio::test]
async fn other_client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 422] {
        let fake = FakeApi::start().await;
        fake.push_fault(Fault::error(status, "invalid_request_error", "no", &[]));
        let error = costs(&client(&fake)).await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        assert_eq!(fake.request_count(), 1, "{status} is final");
    }
}

#[tokio::test]
async fn the_server_can_say_whether_to_retry() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        503,
        "server_error",
        "do not",
        &[("x-should-retry", "false")],
    ));
    assert_eq!(costs(&client(&fake)).await.unwrap_err().status(), Some(503));
    assert_eq!(fake.request_count(), 1);

    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        400,
        "invalid_request_error",
        "do",
        &[("x-should-retry", "true")],
    ));
    costs(&client(&fake)).await.unwrap();
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn retries_stop_after_the_configured_number() {
    let fake = FakeApi::start().await;
    for _ in 0..5 {
        fake.push_fault(Fault::error(500, "server_error", "down", &[]));
    }
    let error = costs(&client(&fake)).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(fake.request_count(), 3, "two retries by default");

    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(500, "server_error", "down", &[]));
    let error = costs(&builder(&fake).max_retries(0).build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(fake.request_count(), 1, "0 turns retries off");

    let fake = FakeApi::start().await;
    for _ in 0..4 {
        fake.push_fault(Fault::error(429, "rate_limit_exceeded", "slow down", &[]));
    }
    costs(&builder(&fake).max_retries(4).build().unwrap())
        .await
        .unwrap();
    assert_eq!(fake.request_count(), 5);
}

#[tokio::test]
async fn retry_after_headers_are_honoured() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        429,
        "rate_limit_exceeded",
        "slow down",
        &[("retry-after-ms", "300"), ("retry-after", "9")],
    ));
    costs(&client(&fake)).await.unwrap();
    let gap = gaps(&fake)[0];
    assert!(
        gap >= Duration::from_millis(300) && gap < Duration::from_millis(800),
        "retry-after-ms wins: {gap:?}"
    );

    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        503,
        "server_error",
        "busy",
        &[("retry-after", "1")],
    ));
    costs(&client(&fake)).await.unwrap();
    let gap = gaps(&fake)[0];
    assert!(
        gap >= Duration::from_secs(1) && gap < Duration::from_millis(1_500),
        "retry-after seconds: {gap:?}"
    );

    // Longer than the cap: the computed backoff is used instead of waiting a minute.
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        429,
        "rate_limit_exceeded",
        "slow down",
        &[("retry-after", "3600")],
    ));
    costs(&client(&fake)).await.unwrap();
    assert!(gaps(&fake)[0] < Duration::from_millis(500));
}

#[tokio::test]
async fn backoff_doubles_between_attempts() {
    let fake = FakeApi::start().await;
    for _ in 0..3 {
        fake.push_fault(Fault::error(500, "server_error", "down", &[]));
    }
    let c = builder(&fake)
        .max_retries(3)
        .initial_retry_delay(Duration::from_millis(100))
        .max_retry_delay(Duration::from_millis(300))
        .build()
        .unwrap();
    costs(&c).await.unwrap();
    let gaps = gaps(&fake);
    // 100 ms, 200 ms, then capped at 300 ms; jitter takes off at most a quarter.
    for (gap, base) in gaps.iter().zip([100u64, 200, 300]) {
        let base = Duration::from_millis(base);
        assert!(
            *gap >= base.mul_f64(0.75) && *gap < base + Duration::from_millis(150),
            "{gaps:?}"
        );
    }
}

#[tokio::test]
async fn connection_failures_are_retried_then_reported() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::Drop);
    fake.push_fault(Fault::Truncate);
    costs(&client(&fake)).await.unwrap();
    assert_eq!(fake.request_count(), 3);

    let fake = FakeApi::start().await;
    for _ in 0..3 {
        fake.push_fault(Fault::Drop);
    }
    let error = costs(&client(&fake)).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("request failed after 3 attempt(s):"),
        "{error}"
    );
}

#[tokio::test]
async fn each_attempt_is_bounded_by_the_timeout() {
    // Two answers each 10 s late: waited for, the two attempts would take 20 s; cut at the
    // timeout, well under 10 s. The bound is whether an attempt was cut, not how fast the
    // machine is: a loaded machine is seconds away from flipping it either way.
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::Delay(Duration::from_secs(10)));
    fake.push_fault(Fault::Delay(Duration::from_secs(10)));
    let c = builder(&fake)
        .timeout(Duration::from_millis(150))
        .max_retries(1)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = costs(&c).await.unwrap_err();
    assert!(
        matches!(error, Error::Timeout { attempts: 2, .. }),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        error.to_string(),
        "request timed out after 150ms (2 attempt(s))"
    );

    // A slow answer that the retry outlasts.
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::Delay(Duration::from_millis(600)));
    let c = builder(&fake)
        .timeout(Duration::from_millis(150))
        .build()
        .unwrap();
    costs(&c).await.unwrap();
}

#[tokio::test]
async fn unreachable_servers_are_transport_errors() {
    let fake = FakeApi::start().await;
    let url = fake.base_url();
    drop(fake);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let c = Client::builder()
        .api_key(KEY)
        .base_url(url)
        .max_retries(1)
        .initial_retry_delay(Duration::from_millis(1))
        .build()
        .unwrap();
    let error = costs(&c).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 2, .. }),
        "{error:?}"
    );
}

// ------------------------------------------------------------------ errors

#[tokio::test]
async fn api_errors_carry_status_request_id_and_the_parsed_body() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        400,
        "invalid_request_error",
        "Invalid value for 'limit'",
        &[],
    ));
    let error = costs(&client(&fake)).await.unwrap_err();
    let Error::Api {
        status,
        request_id,
        body,
        message,
        code,
        snippet,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 400);
    assert_eq!(message.as_deref(), Some("Invalid value for 'limit'"));
    assert_eq!(*code, None);
    assert_eq!(request_id.as_deref(), Some("req_000001"));
    let body = body.as_ref().expect("an OpenAI error body");
    assert_eq!(body.error.message, "Invalid value for 'limit'");
    assert_eq!(body.error.r#type, "invalid_request_error");
    assert_eq!(
        (body.error.param.as_deref(), body.error.code.as_deref()),
        (None, None)
    );
    assert!(snippet.contains("Invalid value for 'limit'"));
    assert_eq!(error.request_id(), Some("req_000001"));
    // Read as a sentence, the body still available above.
    assert_eq!(
        error.to_string(),
        "HTTP 400 Bad Request: Invalid value for 'limit' (request id req_000001)"
    );
}

#[tokio::test]
async fn a_bad_cursor_is_rejected_by_the_server_with_its_reason() {
    let fake = FakeApi::start().await;
    let error = client(&fake)
        .usage_costs(&UsageCostsParams::new(1).page("not-a-cursor"))
        .await
        .unwrap_err();
    let Error::Api {
        status: 400,
        body: Some(body),
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(body.error.param.as_deref(), Some("page"));
}

#[tokio::test]
async fn bodies_that_are_not_the_spec_are_decode_errors_with_the_place() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::NotJson);
    let error = costs(&builder(&fake).max_retries(0).build().unwrap())
        .await
        .unwrap_err();
    let Error::Decode {
        status,
        request_id,
        path,
        snippet,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(
        (*status, request_id.as_deref(), path.as_str()),
        (200, Some("req_000001"), ".")
    );
    assert_eq!(snippet, "<html>upstream sleeping</html>");

    // As the API sends it (`object` first), and with `object` last (decoded from a buffer).
    for (result, path, message) in [
        (
            r#"{"object":"organization.costs.result","amount":{"value":"a lot"}}"#,
            "data[1].results[0].amount.value",
            "",
        ),
        (
            r#"{"amount":{"value":"a lot"},"object":"organization.costs.result"}"#,
            "data[1].results[0]",
            "at `amount.value`: ",
        ),
    ] {
        let fake = FakeApi::start().await;
        let body = format!(
            r#"{{"object":"page","has_more":false,"next_page":null,"data":[{{"object":"bucket","start_time":1,"end_time":2,"results":[]}},{{"object":"bucket","start_time":2,"end_time":3,"results":[{result}]}}]}}"#
        );
        fake.push_fault(Fault::Status {
            status: 200,
            headers: vec![],
            body,
        });
        let error = costs(&client(&fake)).await.unwrap_err();
        let Error::Decode {
            path: got,
            message: text,
            ..
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(got, path);
        assert!(text.starts_with(message), "{text}");
        assert!(
            text.contains(r#"invalid value: "a lot", expected a decimal number"#),
            "{text}"
        );
        assert!(
            error.to_string().contains(&format!("at `{path}`")),
            "{error}"
        );
    }
}

#[tokio::test]
async fn parameters_out_of_bounds_are_rejected_before_sending() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    let error = c
        .usage_costs(&UsageCostsParams::new(1).limit(181))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::InvalidParam(p) if p.param() == "limit"),
        "{error:?}"
    );
    let error = c
        .usage_completions(&UsageCompletionsParams::new(100).end_time(100))
        .await
        .unwrap_err();
    assert_eq!(error.to_string(), "invalid parameter `end_time` for usage-completions: 1970-01-01T00:01:40Z must be greater than `start_time` (1970-01-01T00:01:40Z)");
    let error = c
        .usage_images_buckets(
            UsageImagesParams::new(1)
                .bucket_width(UsageBucketWidth::OneHour)
                .limit(169),
        )
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(error.error(), Error::InvalidParam(_)), "{error}");
    assert_eq!(fake.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn configuration_errors_say_what_to_fix() {
    let error = Client::builder().base_url("not a url").build().unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the base URL `not a url` is not a URL"),
        "{error}"
    );
    let error = Client::builder()
        .base_url("ftp://example.com")
        .build()
        .unwrap_err();
    assert!(
        error.to_string().contains("must be an http or https URL"),
        "{error}"
    );
    let error = Client::builder()
        .api_key("line\nbreak")
        .build()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: the API key is not a valid header value"
    );
}

#[tokio::test]
async fn from_env_reads_the_key_and_the_base_url() {
    let fake = FakeApi::start().await;
    // This is the only test that touches these variables.
    std::env::remove_var("OPENAI_ADMIN_KEY");
    let error = Client::from_env().unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid client configuration: the environment variable `OPENAI_ADMIN_KEY` is not set: set it to an API key"
    );
    std::env::set_var("OPENAI_ADMIN_KEY", KEY);
    std::env::set_var("OPENAI_BASE_URL", fake.base_url());
    let c = Client::from_env().unwrap();
    assert_eq!(c.base_url(), fake.base_url());
    costs(&c).await.unwrap();
    assert_eq!(
        fake.requests()[0].authorization.as_deref(),
        Some(format!("Bearer {KEY}").as_str())
    );
    std::env::remove_var("OPENAI_BASE_URL");
    assert_eq!(Client::from_env().unwrap().base_url(), DEFAULT_BASE_URL);
    std::env::remove_var("OPENAI_ADMIN_KEY");
}

// ------------------------------------------------------------------ secrets

#[tokio::test]
async fn the_key_never_shows_in_debug_or_in_errors() {
    let fake = FakeApi::start().await;
    let c = builder(&fake).max_retries(0).build().unwrap();
    let debug = format!("{c:?} {:?}", builder(&fake));
    assert!(
        !debug.contains(KEY) && !debug.contains("0123456789abcdef"),
        "{debug}"
    );
    assert!(debug.contains("[REDACTED]"), "{debug}");

    // A server that echoes the key back, in every way an error can carry text.
    let echo = format!("{{\"error\": {{\"message\": \"Incorrect API key provided: {KEY}\", \"type\": \"invalid_request_error\", \"param\": null, \"code\": \"invalid_api_key\"}}}}");
    fake.push_fault(Fault::Status {
        status: 401,
        headers: vec![],
        body: echo.clone(),
    });
    fake.push_fault(Fault::Status {
        status: 200,
        headers: vec![],
        body: format!("not json {KEY}"),
    });
    fake.push_fault(Fault::Drop);
    fake.push_fault(Fault::Delay(Duration::from_millis(300)));
    let slow = builder(&fake)
        .max_retries(0)
        .timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    let mut errors: Vec<String> = Vec::new();
    for c in [&c, &c, &c, &slow] {
        let error = costs(c).await.unwrap_err();
        errors.push(format!("{error} | {error:?}"));
    }
    errors.push(format!(
        "{:?}",
        UsageCostsParams::new(1).limit(0).validate().unwrap_err()
    ));
    for text in &errors {
        assert!(!text.contains(KEY), "the key leaked: {text}");
    }
    assert!(errors[0].contains("[REDACTED]"), "{}", errors[0]);
    assert!(errors[1].contains("not json [REDACTED]"), "{}", errors[1]);
}

#[tokio::test]
async fn buckets_follow_the_reference_pages() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    // Hourly buckets over two days, from an unaligned start, filtered to one project and grouped
    // by project; users are not grouped by, so they come back null.
    let start = 1_730_419_200 + 1_800;
    let params = UsageEmbeddingsParams::new(start)
        .end_time(1_730_419_200 + 2 * 86_400)
        .bucket_width(UsageBucketWidth::OneHour)
        .project_ids(["proj_beta"])
        .group_by([UsageEmbeddingsGroupBy::ProjectId])
        .limit(168);
    let page = c.usage_embeddings(&params).await.unwrap();
    assert_eq!(
        page.data.len(),
        48,
        "a first half hour, then 47 whole hours"
    );
    assert_eq!(
        (
            page.data[0].start_time.as_unix_seconds(),
            page.data[0].end_time.as_unix_seconds()
        ),
        (start, 1_730_419_200 + 3_600)
    );
    assert!(page.data[1..].iter().all(|b| {
        let (start, end) = (b.start_time.as_unix_seconds(), b.end_time.as_unix_seconds());
        start % 3_600 == 0 && end - start == 3_600
    }));
    assert!(!page.has_more && page.next_page.is_none());
    assert!(
        page.data.iter().any(|b| b.results.is_empty()),
        "some hours are quiet: `results: []`"
    );
    for result in page.data.iter().flat_map(|b| &b.results) {
        let UsageResult::Embeddings(e) = result else {
            panic!("{result:?}")
        };
        assert_eq!(e.project_id.as_deref(), Some("proj_beta"));
        assert_eq!((e.user_id.as_deref(), e.model.as_deref()), (None, None));
    }
}

#[tokio::test]
#[allow(deprecated)] // the fixture's operation is deprecated on purpose
async fn an_api_key_scheme_in_a_header_sends_the_key_there_and_nowhere_else() {
    use tests::golden::deprecated_api_key::{client::Client as KeyClient, params::OldCostsParams};
    let fake = FakeApi::start().await;
    let client = KeyClient::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .build()
        .unwrap();
    client
        .old_costs(&OldCostsParams::new(1_730_419_200))
        .await
        .unwrap();
    let request = &fake.requests()[0];
    // Spec (fixture `deprecated_api_key.yaml`): `type: apiKey, in: header, name: X-Api-Key`.
    assert!(
        request
            .headers
            .contains(&("x-api-key".to_owned(), KEY.to_owned())),
        "{:?}",
        request.headers
    );
    assert_eq!(request.authorization, None, "no bearer token besides");
    assert!(!format!("{client:?}").contains(KEY));
}

// ------------------------------------------------------------------ today's API: decisions, per-user costs

/// The integer `field` of every result of `buckets`, summed.
fn sum_of(buckets: &[Value], field: &str) -> i64 {
    buckets
        .iter()
        .flat_map(|b| b["results"].as_array().unwrap())
        .map(|r| r[field].as_i64().unwrap_or(0))
        .sum()
}

/// Cents of every cost of `buckets`, per value of the result field `group` (`None` when null).
fn cents_by(buckets: &[Value], group: &str) -> std::collections::BTreeMap<Option<String>, i64> {
    let mut out = std::collections::BTreeMap::new();
    for r in buckets
        .iter()
        .flat_map(|b| b["results"].as_array().unwrap())
    {
        let value = &r["amount"]["value"];
        // The fake sends two decimals, as a number or a string: cents by integer arithmetic.
        let text = value
            .as_str()
            .map_or_else(|| format!("{:.2}", value.as_f64().unwrap()), str::to_owned);
        let (whole, fraction) = text.split_once('.').unwrap_or((&text, "0"));
        let cents =
            whole.parse::<i64>().unwrap() * 100 + format!("{fraction:0<2}").parse::<i64>().unwrap();
        *out.entry(r[group].as_str().map(str::to_owned)).or_default() += cents;
    }
    out
}

#[tokio::test]
async fn decisions_page_to_the_end_and_split_cache_writes_into_their_parts() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    let start = 1_730_419_200;
    let params = UsageDecisionsParams::new(start)
        .end_time(start + 40 * 86_400)
        .group_by([
            UsageDecisionsGroupBy::ApiSource,
            UsageDecisionsGroupBy::UserId,
        ]);
    let buckets: Vec<UsageTimeBucket> = c
        .usage_decisions_buckets(params)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        buckets.len(),
        40,
        "two pages of the default 31 daily buckets"
    );
    let query = &fake.requests()[0].query;
    assert_eq!(
        query,
        &format!(
            "start_time={start}&end_time={}&group_by=api_source&group_by=user_id",
            start + 40 * 86_400
        )
    );
    let mut sources = std::collections::BTreeSet::new();
    let mut requests = 0;
    for d in buckets
        .iter()
        .flat_map(|b| &b.results)
        .filter_map(UsageResult::as_decisions)
    {
        let (m30, h12) = (
            d.input_cache_write_30m_tokens.unwrap(),
            d.input_cache_write_12h_tokens.unwrap(),
        );
        assert_eq!(
            d.input_cache_write_tokens,
            Some(m30 + h12),
            "the parts add up to the whole"
        );
        sources.insert(d.api_source.as_ref().unwrap().as_str().to_owned());
        assert!(d.user_id.is_some() && d.project_id.is_none());
        requests += d.num_model_requests;
    }
    // The values OpenAI's SDK lists for `api_source`, all known to the crate.
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        ["agents_api", "unlabeled"]
    );
    let decisions = data::endpoint("/organization/usage/decisions").unwrap();
    let query = data::Query::parse(&format!(
        "start_time={start}&end_time={}",
        start + 40 * 86_400
    ));
    let expected = data::all_buckets(decisions, &data::ask(decisions, &query, 0).unwrap());
    assert_eq!(requests, sum_of(&expected, "num_model_requests"));
}

#[tokio::test]
async fn costs_per_user_and_per_source_add_up_to_the_total_and_filter_by_line_item() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    let start = 1_730_419_200;
    let end = start + 10 * 86_400;
    let costs = |group_by: Vec<UsageCostsGroupBy>, line_items: Vec<&'static str>| {
        let c = c.clone();
        async move {
            let params = UsageCostsParams::new(start)
                .end_time(end)
                .group_by(group_by)
                .line_items(line_items);
            let buckets: Vec<UsageTimeBucket> =
                c.usage_costs_buckets(params).try_collect().await.unwrap();
            let json: Vec<Value> = buckets
                .iter()
                .map(|b| serde_json::to_value(b).unwrap())
                .collect();
            json
        }
    };
    let total: i64 = cents_by(&costs(vec![], vec![]).await, "user_id")
        .values()
        .sum();
    let by_user = cents_by(
        &costs(vec![UsageCostsGroupBy::UserId], vec![]).await,
        "user_id",
    );
    let by_source = cents_by(
        &costs(vec![UsageCostsGroupBy::ApiSource], vec![]).await,
        "api_source",
    );
    assert!(total > 0);
    assert_eq!(by_user.values().sum::<i64>(), total, "{by_user:?}");
    assert_eq!(by_source.values().sum::<i64>(), total, "{by_source:?}");
    let users: Vec<Option<String>> = by_user.keys().cloned().collect();
    assert_eq!(
        users,
        [Some("user_ann".to_owned()), Some("user_bob".to_owned())]
    );
    assert!(
        last_query(&fake).contains("&group_by=api_source"),
        "{}",
        last_query(&fake)
    );

    // One line item, by its complete name: only its costs, and they are part of the total.
    let item = "gpt-4o, input";
    let by_item = cents_by(
        &costs(vec![UsageCostsGroupBy::LineItem], vec![item]).await,
        "line_item",
    );
    assert_eq!(
        by_item.keys().cloned().collect::<Vec<_>>(),
        [Some(item.to_owned())]
    );
    assert!(by_item[&Some(item.to_owned())] < total);
    assert!(
        last_query(&fake).contains("line_items=gpt-4o%2C+input"),
        "{}",
        last_query(&fake)
    );
}

#[tokio::test]
async fn costs_by_user_with_project_grouping_or_filter_answer_400_unless_the_organization_allows_it(
) {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    let start = 1_730_419_200;
    for params in [
        UsageCostsParams::new(start)
            .group_by([UsageCostsGroupBy::UserId, UsageCostsGroupBy::ProjectId]),
        UsageCostsParams::new(start)
            .group_by([UsageCostsGroupBy::UserId])
            .project_ids(["proj_alpha"]),
    ] {
        match c.usage_costs(&params).await {
            Err(Error::Api {
                status: 400, body, ..
            }) => {
                let message = body.map(|b| b.error.message).unwrap_or_default();
                assert!(
                    message
                        .starts_with("Support for combining `user_id` with `project_id` grouping"),
                    "{message}"
                );
            }
            other => panic!("expected HTTP 400, got {other:?}"),
        }
    }
    // Not retried: a 400 is the answer.
    assert_eq!(fake.request_count(), 2);
    let allowing = FakeApi::start_with(tests::fake::Config {
        costs_user_with_project: true,
        ..Default::default()
    })
    .await;
    let page = client(&allowing)
        .usage_costs(
            &UsageCostsParams::new(start)
                .group_by([UsageCostsGroupBy::UserId, UsageCostsGroupBy::ProjectId]),
        )
        .await
        .unwrap();
    let first = page.data[0]
        .results
        .iter()
        .find_map(UsageResult::as_costs)
        .unwrap();
    assert!(first.user_id.is_some() && first.project_id.is_some());
}

// ------------------------------------------------------------------ a hostile server

fn small_page_params() -> UsageCompletionsParams {
    UsageCompletionsParams::new(1_730_419_200).end_time(1_730_419_200 + 86_400)
}

#[tokio::test]
async fn an_endless_body_or_a_decompression_bomb_stops_at_the_limit() {
    let fake = FakeApi::start().await;
    let c = builder(&fake).max_response_bytes(1 << 20).build().unwrap();
    for fault in [Fault::EndlessBody, Fault::GzipBomb(64 << 20)] {
        fake.push_fault(fault.clone());
        match c.usage_completions(&small_page_params()).await {
            Err(Error::TooLarge {
                status: 200,
                limit,
                request_id,
            }) => {
                assert_eq!(limit, 1 << 20);
                assert!(request_id.is_some(), "{fault:?}");
            }
            other => panic!("{fault:?}: expected TooLarge, got {other:?}"),
        }
    }
    let error: Error = Error::TooLarge {
        status: 200,
        request_id: None,
        limit: 5,
    };
    let message = error.to_string();
    assert!(message.contains("max_response_bytes"), "{message}");
    // Not retried, and the client goes on: the next answer is read as usual.
    assert_eq!(fake.request_count(), 2);
    c.usage_completions(&small_page_params()).await.unwrap();
}

#[tokio::test]
async fn absurd_retry_after_values_are_not_trusted_and_do_not_panic() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    for (name, value) in [
        ("retry-after", "1e20"),
        ("retry-after-ms", "1e300"),
        ("retry-after", "-1"),
    ] {
        fake.push_fault(Fault::error(
            429,
            "rate_limit_exceeded",
            "slow down",
            &[(name, value)],
        ));
        let started = std::time::Instant::now();
        c.usage_completions(&small_page_params()).await.unwrap();
        // The computed delay (2 ms here, at most 20) was used, not the server's.
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name}: {value}"
        );
    }
    assert_eq!(fake.request_count(), 6);
}

#[tokio::test]
async fn a_key_echoed_with_json_escapes_is_redacted_after_decoding() {
    let fake = FakeApi::start().await;
    let escaped: String = KEY
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    fake.push_fault(Fault::Status {
        status: 401,
        headers: Vec::new(),
        body: format!(r#"{{"error": {{"message": "Incorrect API key provided: {escaped}", "type": "invalid_request_error"}}}}"#),
    });
    let error = client(&fake)
        .usage_completions(&small_page_params())
        .await
        .unwrap_err();
    let (debug, display) = (format!("{error:?}"), error.to_string());
    for text in [&debug, &display] {
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains("[REDACTED]"), "{text}");
    }
    let Error::Api {
        body: Some(body), ..
    } = error
    else {
        panic!("{debug}")
    };
    assert_eq!(body.error.message, "Incorrect API key provided: [REDACTED]");
}

#[tokio::test]
async fn a_key_in_the_base_url_is_refused_and_never_shown() {
    let fake = FakeApi::start().await;
    let with_key = fake
        .base_url()
        .replace("http://", &format!("http://{KEY}@"));
    let builder = Client::builder()
        .api_key("sk-admin-other-key-0000")
        .base_url(&with_key);
    assert!(!format!("{builder:?}").contains(KEY), "{builder:?}");
    let error = builder.build().unwrap_err();
    let (debug, display) = (format!("{error:?}"), error.to_string());
    assert!(display.contains("holds credentials"), "{display}");
    assert!(!debug.contains(KEY) && !display.contains(KEY), "{debug}");
}

#[tokio::test]
async fn a_short_key_is_redacted_only_where_it_stands_alone() {
    let fake = FakeApi::start().await;
    fake.push_fault(Fault::error(
        400,
        "invalid_request_error",
        "expected a key, got x",
        &[],
    ));
    let c = Client::builder()
        .api_key("x")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let error = c.usage_completions(&small_page_params()).await.unwrap_err();
    let Error::Api {
        body: Some(body), ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(body.error.message, "expected a key, got [REDACTED]");
}

#[tokio::test]
async fn paging_never_ends_short_nor_follows_empty_pages_forever() {
    let fake = FakeApi::start().await;
    let c = client(&fake);
    // More announced, no cursor: the page is returned, then an error instead of a short end.
    let page = serde_json::json!({"object": "page", "has_more": true, "next_page": null, "data": [
        {"object": "bucket", "start_time": 1_730_419_200, "end_time": 1_730_505_600, "results": []}
    ]});
    fake.push_fault(Fault::Status {
        status: 200,
        headers: Vec::new(),
        body: page.to_string(),
    });
    let pages: Vec<_> = c
        .usage_completions_pages(small_page_params())
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    let error = pages[1].as_ref().unwrap_err();
    assert!(
        matches!(error.error(), Error::MissingCursor { page: 1 }),
        "{error}"
    );
    assert_eq!(error.cursor(), None, "resume from the first page");

    // Empty pages with ever new cursors: stopped after MAX_EMPTY_PAGES.
    let fake = FakeApi::start().await;
    fake.fault_every(1, vec![Fault::EmptyPage]);
    let c = client(&fake);
    let items: Vec<_> = c
        .list_projects_items(ListProjectsParams::new())
        .collect()
        .await;
    let error = items.last().unwrap().as_ref().unwrap_err();
    assert!(
        matches!(error.error(), Error::EmptyPages { count: 100 }),
        "{error}"
    );
    assert_eq!(fake.request_count(), 100);
}

// ------------------------------------------------------------------ the first hour

#[tokio::test]
async fn the_readmes_first_example_gets_the_last_30_days_from_a_default_fake() {
    // The fake's clock is the real time unless a test fixes it: "the last 30 days" has usage.
    use std::time::{Duration as StdDuration, SystemTime};
    let fake = FakeApi::start().await;
    let c = client(&fake);
    let params =
        UsageCompletionsParams::new(SystemTime::now() - StdDuration::from_secs(30 * 86_400))
            .bucket_width(UsageBucketWidth::OneDay)
            .limit(31)
            .group_by([
                UsageCompletionsGroupBy::Model,
                UsageCompletionsGroupBy::ProjectId,
            ]);
    let buckets: Vec<UsageTimeBucket> = c
        .usage_completions_buckets(params)
        .try_collect()
        .await
        .unwrap();
    assert!((30..=31).contains(&buckets.len()), "{}", buckets.len());
    let with_results = buckets.iter().filter(|b| !b.results.is_empty()).count();
    assert!(
        with_results >= 29,
        "{with_results} of {} buckets have usage",
        buckets.len()
    );
    // A fixed clock stays available for tests that must get the same answers every run.
    let fixed = FakeApi::start_with(tests::fake::Config::fixed()).await;
    assert_eq!(fixed.config().now, tests::fake::FIXED_NOW);
}

#[tokio::test]
async fn a_client_without_a_key_is_an_error_unless_asked_for_and_no_constructor_panics() {
    let fake = FakeApi::start().await;
    let error = Client::builder()
        .base_url(fake.base_url())
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
    assert!(error.to_string().contains("without_api_key"), "{error}");
    // Asked for: requests go without `Authorization`.
    let keyless = Client::builder()
        .base_url(fake.base_url())
        .without_api_key()
        .build()
        .unwrap();
    costs(&keyless).await.unwrap();
    assert_eq!(fake.requests()[0].authorization, None);
    // `Client::new` reports a key it cannot send instead of panicking.
    match Client::new("line\nbreak") {
        Err(Error::Config(message)) => {
            assert_eq!(message, "the API key is not a valid header value")
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    assert!(Client::new(KEY).is_ok());
}

#[tokio::test]
async fn an_api_error_reads_as_a_sentence_with_its_code_and_request_id() {
    let fake = FakeApi::start().await;
    let error = client(&fake)
        .retrieve_project(&RetrieveProjectParams::new("proj_nope"))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "HTTP 404 Not Found: No such project: proj_nope (request id req_000001)"
    );
    let Error::Api {
        body: Some(body), ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(body.error.message, "No such project: proj_nope");
}

#[tokio::test]
async fn https_is_spoken_with_rustls_and_offers_http2() {
    // A local server that reads the first flight and hangs up: what the client sent shows it
    // set up TLS (no provider missing, no panic) and offers HTTP/2 by ALPN.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::AsyncReadExt as _;
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut hello = vec![0u8; 4096];
        let n = socket.read(&mut hello).await.unwrap();
        hello.truncate(n);
        hello
    });
    let c = Client::builder()
        .api_key(KEY)
        .base_url(format!("https://{addr}/v1"))
        .max_retries(0)
        .build()
        .unwrap();
    let error = c
        .usage_costs(&UsageCostsParams::new(1_730_419_200))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    let hello = server.await.unwrap();
    assert_eq!(hello.first(), Some(&0x16), "a TLS handshake record");
    let offers = |protocol: &[u8]| {
        let mut entry = vec![protocol.len() as u8];
        entry.extend_from_slice(protocol);
        hello.windows(entry.len()).any(|w| w == entry.as_slice())
    };
    assert!(
        offers(b"h2") && offers(b"http/1.1"),
        "ALPN offers h2 and http/1.1"
    );
    assert!(
        !String::from_utf8_lossy(&hello).contains(KEY),
        "nothing but the handshake"
    );
}
