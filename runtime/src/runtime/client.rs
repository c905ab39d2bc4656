//! The transport: configuration, authentication, the HTTP call, retries and decoding. Generated
//! clients hold a [`Transport`] and call [`Transport::call`] with their parameter structs.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use serde::de::DeserializeOwned;

use super::errors::{Error, InvalidParam};
use super::retry::{self, Backoff, Verdict};
use super::unrecognized::{self, Shape, TypeShape, Unrecognized};

/// A tracing event when the `tracing` feature is on; nothing at all when it is off.
macro_rules! event {
    ($level:ident, $($rest:tt)*) => {
        #[cfg(feature = "tracing")]
        tracing::$level!($($rest)*);
    };
}

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

/// What a generated parameter struct tells the transport about its operation.
pub trait Request {
    /// The decoded success body.
    type Response: DeserializeOwned;
    /// The decoded error body.
    type ErrorBody: DeserializeOwned + fmt::Debug;
    /// The HTTP method of the operation.
    const METHOD: reqwest::Method;
    /// The operation's `operationId`.
    const OPERATION_ID: &'static str;
    /// Whether sending it twice has the effect of sending it once. A request that is not is
    /// retried only after failures that cannot have reached the server (no connection, a 429),
    /// never after a timeout, a 5xx or a broken answer, which may come after the change was made.
    const IDEMPOTENT: bool;
    /// How the spec describes the success body, for [`ClientBuilder::on_unrecognized`].
    const RESPONSE_SHAPE: Shape;
    /// The spec's types that [`Self::RESPONSE_SHAPE`] refers to.
    const SHAPES: &'static [TypeShape];
    /// The path relative to the base URL, path parameters filled in (each one segment).
    fn path(&self) -> String;
    /// The query pairs to send.
    fn query(&self) -> Vec<(&'static str, String)>;
    /// Checks made before sending.
    fn check(&self) -> Result<(), InvalidParam>;
    /// The JSON request body, if the operation takes one and it is set.
    fn json_body(&self) -> Option<serde_json::Result<Vec<u8>>> {
        None
    }
}

/// A decoded value with the response it came in: status and headers (request id, rate limits).
#[derive(Clone, Debug)]
pub struct Response<T> {
    value: T,
    status: u16,
    headers: HeaderMap,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, by value.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header, to quote to the API's support.
    pub fn request_id(&self) -> Option<&str> {
        header_str(&self.headers, "x-request-id")
    }

    /// A response header as text, if present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_str(&self.headers, name)
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// An API key; its `Debug` never shows it.
#[derive(Clone)]
struct ApiKey(Arc<str>);

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

/// What a decoded response held that the spec does not describe, as given to the hook set with
/// [`ClientBuilder::on_unrecognized`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnrecognizedReport {
    /// The `operationId` of the call.
    pub operation: &'static str,
    /// The `x-request-id` of the response, to quote to the API's support.
    pub request_id: Option<String>,
    /// Everything the spec does not describe, each with its JSON pointer in the body.
    pub items: Vec<Unrecognized>,
}

type UnrecognizedHook = Arc<dyn Fn(&UnrecognizedReport) + Send + Sync>;

/// Turns a [`Transport`] into a generated client.
pub trait FromTransport {
    /// The error body of the client's errors.
    type ErrorBody: fmt::Debug;
    /// Wraps the transport.
    fn from_transport(transport: Transport) -> Self;
}

/// Builds a client: every setting has a default but the API key. `C` is the client it builds
/// (the crate's own `Client` unless said otherwise).
pub struct ClientBuilder<C = crate::Client> {
    api_key: Option<ApiKey>,
    without_api_key: bool,
    key_header: Option<&'static str>,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    user_agent: String,
    http: Option<reqwest::Client>,
    proxy: Option<reqwest::Proxy>,
    extra_headers: HeaderMap,
    on_unrecognized: Option<UnrecognizedHook>,
    max_response_bytes: u64,
    client: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key)
            .field("without_api_key", &self.without_api_key)
            .field("key_header", &self.key_header)
            .field("base_url", &without_credentials(&self.base_url))
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_retries", &self.max_retries)
            .field("backoff", &self.backoff)
            .field("user_agent", &self.user_agent)
            .field("proxy", &self.proxy.is_some())
            .field(
                "extra_headers",
                &self.extra_headers.keys().collect::<Vec<_>>(),
            )
            .field("on_unrecognized", &self.on_unrecognized.is_some())
            .finish_non_exhaustive()
    }
}

/// The request timeout when none is set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// The connect timeout when none is set.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How many times a failed request is retried when nothing else is set.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The largest response body read when nothing else is set: 256 MiB, after decompression. The
/// largest real page (1,440 minute buckets of completions grouped by every dimension) is a few
/// tens of MB; a body past this is a broken or hostile server, not data.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;

impl<C: FromTransport> ClientBuilder<C> {
    /// A builder for a client of the API at `base_url`, announcing itself as `user_agent`.
    pub fn new(base_url: &str, user_agent: &str) -> Self {
        ClientBuilder {
            api_key: None,
            without_api_key: false,
            key_header: None,
            base_url: base_url.to_owned(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            backoff: Backoff::default(),
            user_agent: user_agent.to_owned(),
            http: None,
            proxy: None,
            extra_headers: HeaderMap::new(),
            on_unrecognized: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            client: PhantomData,
        }
    }

    /// The API key, sent the way the spec's security scheme says (`Authorization: Bearer <key>`,
    /// or the key alone in the scheme's header). It never shows in `Debug` output or errors.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(ApiKey(api_key.into().into()));
        self
    }

    /// Builds a client that sends no API key, for a server that needs none (a local proxy that
    /// adds it, a test double). Without this, [`build`](Self::build) refuses a builder with no
    /// key, so that a forgotten key is an error here rather than a 401 later.
    pub fn without_api_key(mut self) -> Self {
        self.without_api_key = true;
        self
    }

    /// Sends the key alone in `header` instead of as a bearer token: set by the generated client
    /// when the spec's security scheme is an `apiKey` in a header.
    #[doc(hidden)]
    pub fn key_in_header(mut self, header: &'static str) -> Self {
        self.key_header = Some(header);
        self
    }

    /// The base URL (the spec's server by default), e.g. to talk to a proxy or a local fake.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How long one attempt may take, from connecting to the end of the body (60 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long connecting may take (10 s by default). Not applied to a caller-supplied
    /// [`http_client`](Self::http_client), which has its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many times a failed request is retried (2 by default; 0 turns retries off). Retried:
    /// connection errors, timeouts, and the statuses 408, 409, 429 and 5xx, unless the response
    /// says `x-should-retry: false`; `x-should-retry: true` retries any status.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// The first retry delay (0.5 s by default), doubled for each later retry up to
    /// [`max_retry_delay`](Self::max_retry_delay), with up to 25 % jitter taken off.
    pub fn initial_retry_delay(mut self, delay: Duration) -> Self {
        self.backoff.initial = delay;
        self
    }

    /// The longest computed retry delay (8 s by default).
    pub fn max_retry_delay(mut self, delay: Duration) -> Self {
        self.backoff.max = delay;
        self
    }

    /// The longest delay a server may ask for with `retry-after-ms` or `retry-after` (60 s by
    /// default); a longer (or unreadable) one falls back to the computed delay.
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.backoff.max_retry_after = delay;
        self
    }

    /// The largest response body the client reads, in bytes after decompression (256 MiB by
    /// default). Reading stops there with
    /// [`Error::TooLarge`](super::Error::TooLarge), so an endless or decompression-bomb body
    /// cannot exhaust memory.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A `reqwest::Client` to send requests with (sharing its connection pool, proxies, TLS
    /// settings). The timeout set here still bounds every attempt; the connect timeout and
    /// [`proxy`](Self::proxy) are the given client's own business (set them on it).
    ///
    /// With the `rustls` feature, reqwest is built without a crypto provider of its own (this
    /// crate brings `ring`, which builds far faster than reqwest's default): call
    /// [`install_default_tls`] once before building that `reqwest::Client`, or it panics asking
    /// for a provider.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Sends every request through this proxy (`reqwest::Proxy::all("http://proxy:3128")`).
    /// Without it, reqwest's own rule applies: the `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`
    /// environment variables.
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// Adds a header to every request (a gateway's tenant header, say). The API key, `Accept`
    /// and `User-Agent` are the builder's own and cannot be replaced this way; `build` says so.
    /// `Debug` output shows the names of these headers, never their values.
    pub fn default_header(mut self, name: reqwest::header::HeaderName, value: HeaderValue) -> Self {
        self.extra_headers.append(name, value);
        self
    }

    /// Calls `hook` for every decoded response that holds something the spec does not describe:
    /// a field it does not list, a result type it does not know, a value outside an enum's list.
    /// Decoding goes on regardless (such fields are ignored, such results and values kept), so
    /// this is how to notice that the API has moved ahead of the crate. Off by default; when on,
    /// each successful body is read a second time, as JSON, to find them.
    pub fn on_unrecognized(
        mut self,
        hook: impl Fn(&UnrecognizedReport) + Send + Sync + 'static,
    ) -> Self {
        self.on_unrecognized = Some(Arc::new(hook));
        self
    }

    /// The client.
    pub fn build(self) -> Result<C, Error<C::ErrorBody>> {
        let shown = without_credentials(&self.base_url);
        let base_url = reqwest::Url::parse(&self.base_url)
            .map_err(|e| Error::Config(format!("the base URL `{shown}` is not a URL: {e}")))?;
        if base_url.cannot_be_a_base() || !matches!(base_url.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "the base URL `{shown}` must be an http or https URL"
            )));
        }
        // A key in the URL would be sent to every host and shown wherever the URL is.
        if !base_url.username().is_empty() || base_url.password().is_some() {
            return Err(Error::Config(format!(
                "the base URL `{shown}` holds credentials (`user:password@`); give the key with `api_key` instead"
            )));
        }
        if self.api_key.is_none() && !self.without_api_key {
            return Err(Error::Config(
                "no API key: set one with `api_key` (or call `without_api_key` for a server that needs none)".into(),
            ));
        }
        let http = match (self.http, self.proxy) {
            (Some(_), Some(_)) => {
                return Err(Error::Config(
                    "both `http_client` and `proxy` are set: set the proxy on the `reqwest::Client` you pass".into(),
                ))
            }
            (Some(http), None) => http,
            (None, proxy) => {
                // Compression (gzip, brotli) and HTTP/2 are on as the crate's features say.
                let mut builder = reqwest::Client::builder().connect_timeout(self.connect_timeout);
                #[cfg(feature = "rustls")]
                {
                    builder = builder.tls_backend_preconfigured(rustls_config()?);
                }
                if let Some(proxy) = proxy {
                    builder = builder.proxy(proxy);
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("cannot set up HTTP: {e}")))?
            }
        };
        let mut headers = HeaderMap::new();
        for name in self.extra_headers.keys() {
            if [ACCEPT, USER_AGENT, AUTHORIZATION].contains(name)
                || self
                    .key_header
                    .is_some_and(|k| name.as_str().eq_ignore_ascii_case(k))
            {
                return Err(Error::Config(format!(
                    "`{name}` is set by the client itself and cannot be a default header{}",
                    if name == USER_AGENT {
                        "; use `user_agent`"
                    } else {
                        ""
                    }
                )));
            }
        }
        headers.extend(self.extra_headers);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let agent = HeaderValue::from_str(&self.user_agent)
            .map_err(|_| Error::Config("the user agent is not a valid header value".into()))?;
        headers.insert(USER_AGENT, agent);
        if let Some(key) = &self.api_key {
            let (name, text) = match self.key_header {
                None => (AUTHORIZATION, format!("Bearer {}", key.0)),
                Some(header) => (
                    HeaderName::from_bytes(header.as_bytes())
                        .map_err(|_| Error::Config(format!("`{header}` is not a header name")))?,
                    key.0.to_string(),
                ),
            };
            let mut value = HeaderValue::from_str(&text)
                .map_err(|_| Error::Config("the API key is not a valid header value".into()))?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        Ok(C::from_transport(Transport {
            inner: Arc::new(Inner {
                http,
                base_url: self.base_url.trim_end_matches('/').to_owned(),
                headers,
                api_key: self.api_key,
                timeout: self.timeout,
                max_retries: self.max_retries,
                backoff: self.backoff,
                on_unrecognized: self.on_unrecognized,
                max_response_bytes: self.max_response_bytes,
            }),
        }))
    }
}

/// Sends requests; cheap to clone (clones share the connection pool).
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    headers: HeaderMap,
    api_key: Option<ApiKey>,
    timeout: Duration,
    max_retries: u32,
    backoff: Backoff,
    on_unrecognized: Option<UnrecognizedHook>,
    max_response_bytes: u64,
}

/// Makes `ring` rustls's process-wide default crypto provider, unless one is installed already:
/// needed once before building a `reqwest::Client` of your own (for
/// [`ClientBuilder::http_client`]) with the `rustls` feature, since reqwest is built without a
/// provider of its own. The clients this crate builds do not need it. Without the `rustls`
/// feature it does nothing.
pub fn install_default_tls() {
    #[cfg(feature = "rustls")]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Another thread may have installed one meanwhile; either way one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// rustls with the ring provider and the platform's certificate verifier, offering HTTP/2 by
/// ALPN when the `http2` feature is on (what reqwest's own rustls setup does with aws-lc-rs,
/// which takes far longer to build).
#[cfg(feature = "rustls")]
fn rustls_config<B: fmt::Debug>() -> Result<rustls::ClientConfig, Error<B>> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_platform_verifier())
        .map_err(|e| Error::Config(format!("cannot set up TLS: {e}")))?
        .with_no_client_auth();
    config.alpn_protocols = if cfg!(feature = "http2") {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(config)
}

/// `url` with anything between `//` and `@` (a user name and password) replaced by `***`, for
/// messages and `Debug` output.
fn without_credentials(url: &str) -> String {
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
                    if retries_left && (R::IDEMPOTENT || e.is_connect()) {
                        let delay = inner.backoff.delay(attempt, None);
                        event!(
                            info,
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            elapsed_ms = started.elapsed().as_millis() as u64,
                            "no response ({}); retrying",
                            transport_reason(&e)
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    event!(
                        warn,
                        attempt,
                        "no response ({}); giving up",
                        transport_reason(&e)
                    );
                    return Err(self.transport_error(e, attempt));
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
                    if retries_left && R::IDEMPOTENT {
                        let delay = inner.backoff.delay(attempt, None);
                        event!(
                            info,
                            attempt,
                            status,
                            delay_ms = delay.as_millis() as u64,
                            "the body broke off ({}); retrying",
                            transport_reason(&e)
                        );
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    event!(
                        warn,
                        attempt,
                        status,
                        "the body broke off ({}); giving up",
                        transport_reason(&e)
                    );
                    return Err(self.transport_error(e, attempt));
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

    #[derive(Debug)]
    struct TestClient(Transport);

    impl FromTransport for TestClient {
        type ErrorBody = serde_json::Value;

        fn from_transport(transport: Transport) -> Self {
            TestClient(transport)
        }
    }

    fn builder() -> ClientBuilder<TestClient> {
        ClientBuilder::new("https://api.example.com/v1/", "unit-test/1").api_key(KEY)
    }

    #[test]
    fn a_client_without_a_key_is_refused_unless_asked_for() {
        let keyless =
            || ClientBuilder::<TestClient>::new("https://api.example.com/v1", "unit-test/1");
        let err = keyless().build().unwrap_err();
        assert!(
            err.to_string()
                .contains("no API key: set one with `api_key`"),
            "{err}"
        );
        let client = keyless().without_api_key().build().unwrap();
        assert!(!client.0.inner.headers.contains_key(AUTHORIZATION));
    }

    #[test]
    fn the_key_is_never_in_debug_output() {
        let builder = builder().api_key(KEY);
        let text = format!("{builder:?}");
        assert!(!text.contains(KEY) && !text.contains("UNIT-TEST"), "{text}");
        let client = builder.build().unwrap();
        let text = format!("{client:?}");
        assert!(!text.contains(KEY) && !text.contains("UNIT-TEST"), "{text}");
        assert!(text.contains("https://api.example.com/v1"), "{text}");
    }

    #[test]
    fn the_base_url_loses_its_trailing_slash() {
        let client = builder().build().unwrap();
        assert_eq!(client.0.base_url(), "https://api.example.com/v1");
    }

    #[test]
    fn a_base_url_that_is_not_http_is_refused_with_its_text() {
        for url in ["not a url", "ftp://example.com", "mailto:a@example.com"] {
            let err = builder().base_url(url).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(err.to_string().contains(url), "{err}");
        }
    }

    #[test]
    fn a_key_that_cannot_be_a_header_is_refused_without_showing_it() {
        let key = format!("{KEY}\nInjected: yes");
        let err = builder().api_key(key).build().unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(text.contains("not a valid header value"), "{text}");
        assert!(!text.contains("UNIT-TEST"), "{text}");
    }

    #[test]
    fn a_bad_key_header_name_is_named() {
        let err = builder()
            .api_key(KEY)
            .key_in_header("bad header")
            .build()
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("`bad header` is not a header name"),
            "{err}"
        );
    }

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
