//! The client's configuration: [`ClientBuilder`] (key, base URL, timeouts, retries, hooks, the
//! HTTP client), checked when the client is built, and the TLS set-up.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};

use super::client::{UnrecognizedHook, UnrecognizedReport};
use super::errors::Error;
use super::retry::Backoff;
use super::transport::{without_credentials, ApiKey, Inner, Transport};

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
}
