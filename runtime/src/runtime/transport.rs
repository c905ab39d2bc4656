//! The HTTP call: the request built from a [`Request`], its body encoded once, retries as the
//! operation allows (`retry.rs`), the answer read within its size limit, decoded, checked for
//! what the spec does not describe, and every error made safe to show (the key redacted).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderMap;

use super::client::{header_str, Request, Response, UnrecognizedHook, UnrecognizedReport};
use super::errors::Error;
use super::retry::{self, Backoff, Verdict};
use super::unrecognized;

/// What kind of transport failure `e` is, in words (never its URL or headers).
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
fn transport_reason(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the body broke off"
    } else {
        "the connection failed"
    }
}

/// An API key; its `Debug` never shows it.
#[derive(Clone)]
pub(super) struct ApiKey(pub(super) Arc<str>);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// Sends requests; cheap to clone (clones share the connection pool).
#[derive(Clone)]
pub struct Transport {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) base_url: String,
    pub(super) headers: HeaderMap,
    pub(super) api_key: Option<ApiKey>,
    pub(super) timeout: Duration,
    pub(super) max_retries: u32,
    pub(super) backoff: Backoff,
    pub(super) on_unrecognized: Option<UnrecognizedHook>,
    pub(super) max_response_bytes: u64,
}

/// `url` with anything between `//` and `@` (a user name and password) replaced by `***`, for
/// messages and `Debug` output.
pub(super) fn without_credentials(url: &str) -> String {
    let Some(scheme_end) = url.find("//").map(|i| i + 2) else {
        return url.to_owned();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme_end + i);
    match url[scheme_end..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..scheme_end], &url[scheme_end + at..]),
        None => url.to_owned(),
    }
}

/// A body read to its end, or found larger than the limit.
enum Body {
    Complete(Vec<u8>),
    TooLarge,
}

/// Reads `response`'s body, decompressed, stopping as soon as it passes `limit` bytes.
async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<Body, reqwest::Error> {
    if response.content_length().is_some_and(|n| n > limit) {
        return Ok(Body::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Ok(Body::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Complete(body))
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &without_credentials(&self.inner.base_url))
            .field("api_key", &self.inner.api_key)
            .field("timeout", &self.inner.timeout)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

/// Finds what `body` holds that the spec does not describe, and tells `hook` if anything.
fn report_unrecognized<R: Request>(
    hook: &UnrecognizedHook,
    request_id: Option<String>,
    body: &[u8],
) {
    // The typed decoding succeeded, so the body is JSON.
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    let items = unrecognized::unrecognized(R::SHAPES, &R::RESPONSE_SHAPE, &value);
    if !items.is_empty() {
        hook(&UnrecognizedReport {
            operation: R::OPERATION_ID,
            request_id,
            items,
        });
    }
}

/// How much of a body an error quotes.
const SNIPPET_LEN: usize = 512;

impl Transport {
    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Sends `request` (after its checks), retrying as configured, and decodes the answer.
    pub async fn call<R: Request>(
        &self,
        request: &R,
    ) -> Result<Response<R::Response>, Error<R::ErrorBody>> {
        // One span per call, with what identifies it; the events below are its attempts. Neither
        // holds a header, so the key can never reach a log.
        #[cfg(feature = "tracing")]
        {
            use tracing::Instrument as _;
            let span = tracing::info_span!(
                "call",
                operation = R::OPERATION_ID,
                method = %R::METHOD,
                path = %request.path(),
            );
            self.call_inner(request).instrument(span).await
        }
        #[cfg(not(feature = "tracing"))]
        self.call_inner(request).await
    }

    async fn call_inner<R: Request>(
        &self,
        request: &R,
    ) -> Result<Response<R::Response>, Error<R::ErrorBody>> {
        if let Err(e) = request.check() {
            event!(warn, param = e.param(), "nothing sent: {e}");
            return Err(e.into());
        }
        let inner = &*self.inner;
        let mut url = reqwest::Url::parse(&format!("{}{}", inner.base_url, request.path()))
            .map_err(|e| Error::Config(format!("cannot build the request URL: {e}")))?;
        {
            let query = request.query();
            if !query.is_empty() {
                let mut pairs = url.query_pairs_mut();
                for (name, value) in &query {
                    pairs.append_pair(name, value);
                }
            }
        }
        // Encoded once; every attempt sends the same bytes.
        let body = match request.json_body().transpose() {
            Ok(body) => body,
            Err(e) => {
                return Err(Error::Config(format!(
                    "cannot encode the request body of {} as JSON: {e}",
                    R::OPERATION_ID
                )))
            }
        };
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let retries_left = attempt <= inner.max_retries;
            #[cfg(feature = "tracing")]
            let started = std::time::Instant::now();
            let mut builder = inner
                .http
                .request(R::METHOD, url.clone())
                .headers(inner.headers.clone())
                .timeout(inner.timeout);
            if let Some(body) = &body {
                builder = builder
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let sent = builder.send().await;
            let response = match sent {
                Ok(response) => response,
                Err(e) => {
                    // Without a connection nothing was sent; otherwise the server may have
                    // acted on it.
                    let retry = retries_left && (R::IDEMPOTENT || e.is_connect());
                    self.after_failure(e, "no response", None, attempt, retry)
                        .await?;
                    continue;
                }
            };
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            event!(
                debug,
                attempt,
                status,
                request_id = header_str(&headers, "x-request-id"),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "response"
            );
            let verdict = retry::verdict_for(status, &headers, R::IDEMPOTENT);
            if verdict == Verdict::Retry && retries_left {
                let asked = retry::retry_after(&headers, inner.backoff.max_retry_after);
                // The body is not needed; dropping the response frees the connection.
                drop(response);
                let delay = inner.backoff.delay(attempt, asked);
                event!(
                    info,
                    attempt,
                    status,
                    request_id = header_str(&headers, "x-request-id"),
                    delay_ms = delay.as_millis() as u64,
                    "retryable status; retrying"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            let body = match read_body(response, inner.max_response_bytes).await {
                Ok(Body::Complete(body)) => body,
                Ok(Body::TooLarge) => {
                    event!(warn, attempt, status, "the body is too large; giving up");
                    return Err(Error::TooLarge {
                        status,
                        request_id: header_str(&headers, "x-request-id").map(str::to_owned),
                        limit: inner.max_response_bytes,
                    });
                }
                Err(e) => {
                    // The server answered: the request reached it.
                    let retry = retries_left && R::IDEMPOTENT;
                    self.after_failure(e, "the body broke off", Some(status), attempt, retry)
                        .await?;
                    continue;
                }
            };
            let request_id = header_str(&headers, "x-request-id").map(str::to_owned);
            if !(200..300).contains(&status) {
                event!(
                    warn,
                    attempt,
                    status,
                    request_id = request_id.as_deref(),
                    "the API answered with an error"
                );
                // Read as JSON and redacted after decoding (a key may be written with `\u`
                // escapes), so not even the body's `Debug` can show the key.
                let (body, message, code, snippet) = match self.redacted_json(&body) {
                    Some(value) => {
                        let (message, code) = super::errors::message_and_code(&value);
                        (
                            serde_json::from_value(value.clone()).ok().map(Box::new),
                            message,
                            code,
                            self.snippet(value.to_string().as_bytes()),
                        )
                    }
                    None => (None, None, None, self.snippet(&body)),
                };
                return Err(Error::Api {
                    status,
                    request_id,
                    body,
                    message,
                    code,
                    snippet,
                });
            }
            return match serde_json::from_slice::<R::Response>(&body) {
                Ok(value) => {
                    if let Some(hook) = &inner.on_unrecognized {
                        report_unrecognized::<R>(hook, request_id, &body);
                    }
                    Ok(Response {
                        value,
                        status,
                        headers,
                    })
                }
                Err(_) => {
                    let error = self.decode_error::<R>(status, request_id, &body);
                    event!(warn, status, "the answer does not decode: {error}");
                    Err(error)
                }
            };
        }
    }

    /// Decoding failed: decode again, slowly, to learn where.
    fn decode_error<R: Request>(
        &self,
        status: u16,
        request_id: Option<String>,
        body: &[u8],
    ) -> Error<R::ErrorBody> {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let (path, message) =
            match serde_path_to_error::deserialize::<_, R::Response>(&mut deserializer) {
                Err(e) => (e.path().to_string(), e.inner().to_string()),
                Ok(_) => (
                    ".".to_owned(),
                    "the body decodes on a second reading".to_owned(),
                ),
            };
        let snippet = match self.redacted_json(body) {
            Some(value) => self.snippet(value.to_string().as_bytes()),
            None => self.snippet(body),
        };
        Error::Decode {
            status,
            request_id,
            path,
            message: self.redact(message),
            snippet,
        }
    }

    /// After a transport failure (`what`: no response, or a body that broke off, after `status`):
    /// with `retry`, waits the backoff and returns `Ok` (the caller tries again); otherwise the
    /// error to return.
    async fn after_failure<B: fmt::Debug>(
        &self,
        e: reqwest::Error,
        what: &str,
        status: Option<u16>,
        attempt: u32,
        retry: bool,
    ) -> Result<(), Error<B>> {
        #[cfg(not(feature = "tracing"))]
        let _ = (what, status);
        if retry {
            let delay = self.inner.backoff.delay(attempt, None);
            #[cfg(feature = "tracing")]
            match status {
                None => {
                    event!(
                        info,
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "{what} ({}); retrying",
                        transport_reason(&e)
                    );
                }
                Some(status) => {
                    event!(
                        info,
                        attempt,
                        status,
                        delay_ms = delay.as_millis() as u64,
                        "{what} ({}); retrying",
                        transport_reason(&e)
                    );
                }
            }
            tokio::time::sleep(delay).await;
            return Ok(());
        }
        event!(
            warn,
            attempt,
            status,
            "{what} ({}); giving up",
            transport_reason(&e)
        );
        Err(self.transport_error(e, attempt))
    }

    fn transport_error<B: fmt::Debug>(&self, e: reqwest::Error, attempts: u32) -> Error<B> {
        if e.is_timeout() {
            return Error::Timeout {
                timeout: self.inner.timeout,
                attempts,
            };
        }
        let mut message = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Error::Transport {
            message: self.redact(message),
            attempts,
            source: Some(e),
        }
    }

    /// The start of a body, as text, with the key (should a server echo it) blanked out.
    fn snippet(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let mut cut: String = text.chars().take(SNIPPET_LEN).collect();
        if cut.len() < text.len() {
            cut.push('…');
        }
        self.redact(cut)
    }

    /// `body` as JSON with the key redacted in every string (keys and values), after decoding
    /// escapes; `None` if it is not JSON.
    fn redacted_json(&self, body: &[u8]) -> Option<serde_json::Value> {
        fn walk(value: &mut serde_json::Value, redact: &dyn Fn(String) -> String) {
            match value {
                serde_json::Value::String(s) => *s = redact(std::mem::take(s)),
                serde_json::Value::Array(items) => items.iter_mut().for_each(|v| walk(v, redact)),
                serde_json::Value::Object(map) => {
                    *map = std::mem::take(map)
                        .into_iter()
                        .map(|(k, mut v)| {
                            walk(&mut v, redact);
                            (redact(k), v)
                        })
                        .collect();
                }
                _ => {}
            }
        }
        let mut value = serde_json::from_slice(body).ok()?;
        walk(&mut value, &|text| self.redact(text));
        Some(value)
    }

    fn redact(&self, text: String) -> String {
        match &self.inner.api_key {
            Some(key) => redact(text, &key.0),
            None => text,
        }
    }
}

/// `text` with every occurrence of `key` replaced by `[REDACTED]`. A short key (under 8
/// characters, no real secret but possible in tests) is replaced only where it stands as a word
/// of its own, so that `x` does not turn `expected` into `e[REDACTED]pected`.
fn redact(text: String, key: &str) -> String {
    const SHORT: usize = 8;
    if key.is_empty() || !text.contains(key) {
        return text;
    }
    if key.len() >= SHORT {
        return text.replace(key, "[REDACTED]");
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find(key) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + key.len()..].chars().next();
        out.push_str(&rest[..at]);
        if word(before) || word(after) {
            out.push_str(key);
        } else {
            out.push_str("[REDACTED]");
        }
        rest = &rest[at + key.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-admin-UNIT-TEST-SECRET";

    #[test]
    fn redaction_replaces_long_keys_everywhere_and_short_ones_as_words() {
        assert_eq!(
            redact(format!("a{KEY}b {KEY}"), KEY),
            "a[REDACTED]b [REDACTED]"
        );
        assert_eq!(
            redact("expected x, not `x` or x1".into(), "x"),
            "expected [REDACTED], not `[REDACTED]` or x1"
        );
        assert_eq!(redact("unchanged".into(), ""), "unchanged");
    }

    #[test]
    fn credentials_in_a_url_are_never_shown() {
        assert_eq!(
            without_credentials("https://user:sk-secret@host:8080/v1?a=b@c"),
            "https://***@host:8080/v1?a=b@c"
        );
        assert_eq!(without_credentials("http://host/v1"), "http://host/v1");
        assert_eq!(without_credentials("not a url"), "not a url");
    }
}
