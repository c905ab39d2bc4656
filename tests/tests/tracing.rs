//! The `tracing` feature (on by default): a span per call and an event per attempt, retry, wait
//! and failure, with the operation, status, request id and delays; and never the API key, at any
//! level, from this crate or from the HTTP stack below it.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use openai_usage::{Client, UsageCompletionsParams, UsageCostsParams};
use tests::fake::{FakeApi, Fault};

const KEY: &str = "sk-admin-TRACE-SECRET-0123456789";

/// Everything the subscriber writes, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn calls_retries_and_failures_are_traced_without_the_key() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = FakeApi::start().await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(fake.base_url())
        .max_retries(2)
        .initial_retry_delay(Duration::from_millis(1))
        .max_retry_delay(Duration::from_millis(5))
        .build()
        .unwrap();
    // A rate limit, then a dropped connection, then the answer.
    fake.push_fault(Fault::error(
        429,
        "rate_limit_exceeded",
        "slow down",
        &[("retry-after-ms", "3")],
    ));
    fake.push_fault(Fault::Drop);
    client
        .usage_costs(&UsageCostsParams::new(1_730_419_200))
        .await
        .expect("the third attempt answers");
    // An error the client does not retry, and a parameter refused before sending.
    fake.push_fault(Fault::error(
        401,
        "invalid_api_key",
        "Incorrect API key provided",
        &[],
    ));
    client
        .usage_costs(&UsageCostsParams::new(1_730_419_200))
        .await
        .expect_err("401");
    client
        .usage_completions(&UsageCompletionsParams::new(1_730_419_200).limit(0))
        .await
        .expect_err("limit 0 is out of bounds");

    let text = captured.text();
    assert!(
        !text.contains("TRACE-SECRET"),
        "the key reached the trace:\n{text}"
    );
    for expected in [
        // The span: which operation, method and path.
        r#"call{operation="usage-costs" method=GET path=/organization/costs}"#,
        // The rate limit: status, request id and the delay the server asked for.
        "retryable status; retrying attempt=1 status=429 request_id=\"req_000001\" delay_ms=3",
        // The dropped connection.
        "no response (the connection failed); retrying attempt=2 delay_ms=",
        // The answer, with its timing.
        "response attempt=3 status=200 request_id=\"req_000003\" elapsed_ms=",
        // The error that is not retried.
        "the API answered with an error attempt=1 status=401 request_id=\"req_000004\"",
        // Nothing sent for a bad parameter.
        "nothing sent: invalid parameter `limit` for usage-completions: 0 is below the minimum, 1 param=\"limit\"",
    ] {
        assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
    }
}
