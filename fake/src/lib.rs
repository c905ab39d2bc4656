//! A local fake of OpenAI's organization Usage and Costs API on 127.0.0.1, for tests, benchmarks
//! and demos: deterministic usage and costs for every usage operation (see [`data`]), the
//! organization behind them (projects, users, API keys, service accounts, spend limits and
//! alerts; see [`org`]), OpenAI-shaped errors for bad requests, and faults on demand (rate
//! limits, server errors, dropped connections, truncated and non-JSON bodies, slow answers,
//! repeated cursors).
//!
//! ```no_run
//! # async fn demo() {
//! let fake = openai_usage_fake::FakeApi::start().await;
//! let base_url = fake.base_url(); // give this to the client under test
//! fake.push_fault(openai_usage_fake::Fault::error(429, "rate_limit_exceeded", "slow down", &[]));
//! // ... call the client ...
//! assert!(fake.requests().iter().all(|r| r.method == "GET"));
//! # }
//! ```
//!
//! It is a small HTTP/1.1 server written on tokio's sockets rather than a framework, so that it
//! can misbehave exactly as asked (send half a body, or close the connection without a word).

pub mod budgets;
pub mod data;
mod http;
pub mod org;

// The README's example is compiled (and run, as a doctest) with the crate's own.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The prefix of every path, as in `https://api.openai.com/v1`.
pub const PREFIX: &str = "/v1";

/// A misbehaviour for one request.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// Answer with this status, these headers and this body.
    Status {
        /// The status code.
        status: u16,
        /// Extra headers (`retry-after`, `x-should-retry`, ...).
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// Close the connection without answering.
    Drop,
    /// Announce the whole body, send half of it, and close.
    Truncate,
    /// Answer 200 with a body that is not JSON.
    NotJson,
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Answer normally, but point the next cursor (`next_page` of usage, `last_id` of a list)
    /// back at the cursor of this request.
    RepeatCursor,
    /// Answer 200 with a chunked body that does not end (until the client hangs up, or after
    /// 8 GiB): what a client without a body limit reads until memory runs out.
    EndlessBody,
    /// Answer 200 with `content-encoding: gzip` and a small body that decompresses to this many
    /// zero bytes (a decompression bomb), whatever the request accepted.
    GzipBomb(usize),
    /// Answer 200 with an empty page that says more follow, under a cursor never sent before
    /// (in the paging style of the path: `next_page` of usage, `last_id` of a list).
    EmptyPage,
}

impl Fault {
    /// An OpenAI-shaped error with `status`, `type` and `message`, and extra headers.
    pub fn error(status: u16, kind: &str, message: &str, headers: &[(&str, &str)]) -> Fault {
        Fault::Status {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: error_body(kind, message, None),
        }
    }
}

fn error_body(kind: &str, message: &str, param: Option<&str>) -> String {
    json!({"error": {"message": message, "type": kind, "param": param, "code": null}}).to_string()
}

/// A request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The method (`GET`).
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw query string, as sent.
    pub query: String,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// Every header, names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The body (empty for a request without one).
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: Instant,
}

/// How the fake behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// The fake's clock (Unix seconds): the end of every period asked without `end_time`, and
    /// so the last bucket a program asking for "the last 30 days" gets. The real time by
    /// default ([`Config::default`]); [`Config::fixed`] stands it at [`FIXED_NOW`] so that every
    /// answer is the same on every run.
    pub now: i64,
    /// Keep a log of requests (off for long benchmark runs, to keep memory flat).
    pub record: bool,
    /// Answer gzip-compressed bodies to requests that accept them (`Accept-Encoding: gzip`), as
    /// the real API does.
    pub gzip: bool,
    /// Whether costs may be grouped by `user_id` together with `project_id` grouping or the
    /// `project_ids` filter. OpenAI allows it for some organizations and time ranges only; the
    /// fake's organization, by default, is one that answers such a request with HTTP 400 (see
    /// [`data::check_combinations`]).
    pub costs_user_with_project: bool,
}

/// The fixed clock of [`Config::fixed`]: 2024-12-01T00:00:00Z.
pub const FIXED_NOW: i64 = 1_733_011_200;

impl Config {
    /// The default configuration with the clock standing at [`FIXED_NOW`], for tests that must
    /// get the same answers on every run.
    pub fn fixed() -> Config {
        Config {
            now: FIXED_NOW,
            ..Config::default()
        }
    }

    /// The clock standing at `now`, without a log of requests and without gzip: for tests and
    /// benchmarks that read a lot (a month of hourly usage), the same answers on every run.
    pub fn quiet_at(now: i64) -> Config {
        Config {
            now,
            record: false,
            gzip: false,
            ..Config::fixed()
        }
    }
}

impl Default for Config {
    /// The real time as the clock, a log of requests, gzip when asked.
    fn default() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(FIXED_NOW, |d| d.as_secs() as i64);
        Config {
            now,
            record: true,
            gzip: true,
            costs_user_with_project: false,
        }
    }
}

#[derive(Default)]
struct Faults {
    next: VecDeque<Fault>,
    every: Option<(u64, Vec<Fault>)>,
}

/// A value put into every successful answer to one path (see [`FakeApi::inject`]).
#[derive(Clone, Debug)]
struct Injection {
    path: String,
    pointer: String,
    value: Value,
}

struct Shared {
    config: Config,
    revisions: Mutex<std::collections::BTreeMap<i64, u64>>,
    budgets: Mutex<budgets::Budgets>,
    injections: Mutex<Vec<Injection>>,
    faults: Mutex<Faults>,
    log: Mutex<Vec<Recorded>>,
    count: AtomicU64,
    body_bytes: AtomicU64,
}

/// A running fake; stops when dropped.
pub struct FakeApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeApi {
    /// Starts a fake with the default configuration on a free port of 127.0.0.1.
    pub async fn start() -> FakeApi {
        FakeApi::start_with(Config::default()).await
    }

    /// Starts a fake with `config`.
    pub async fn start_with(config: Config) -> FakeApi {
        FakeApi::bind(0, config)
            .await
            .expect("a free port on 127.0.0.1")
    }

    /// Starts a fake with `config` on `port` of 127.0.0.1 (0: any free port).
    ///
    /// # Errors
    ///
    /// The port cannot be bound (taken by another program, say).
    pub async fn bind(port: u16, config: Config) -> std::io::Result<FakeApi> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            revisions: Mutex::default(),
            config,
            budgets: Mutex::new(budgets::Budgets::default()),
            injections: Mutex::new(Vec::new()),
            faults: Mutex::new(Faults::default()),
            log: Mutex::new(Vec::new()),
            count: AtomicU64::new(0),
            body_bytes: AtomicU64::new(0),
        });
        let state = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let _ = socket.set_nodelay(true);
                tokio::spawn(http::serve(socket, state.clone()));
            }
        });
        Ok(FakeApi { addr, shared, task })
    }

    /// The base URL to give the client (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}{PREFIX}", self.addr)
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The next request (not yet faulted) gets `fault`; several calls queue several.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.faults.lock().unwrap().next.push_back(fault);
    }

    /// Every `n`th request (counting all requests, retries included) gets the next fault of
    /// `cycle`, in turn.
    pub fn fault_every(&self, n: u64, cycle: Vec<Fault>) {
        self.shared.faults.lock().unwrap().every = Some((n, cycle));
    }

    /// Late data: from now on, every usage and cost answer gives other numbers for the UTC day
    /// that `at` falls in (a day already answered changes, as OpenAI's recent days do when
    /// usage is reported late). Every grouping of that day changes alike, so the groupings
    /// still add up to each other; other days are untouched. Each call restates the day again.
    pub fn restate(&self, at: i64) {
        let day = at.div_euclid(86_400) * 86_400;
        *self
            .shared
            .revisions
            .lock()
            .unwrap()
            .entry(day)
            .or_default() += 1;
    }

    /// From now on, every successful answer to `path` (relative to the base URL, such as
    /// `/organization/costs`) holds `value` at the JSON pointer `pointer` of its body, such as
    /// `/data/0/results/0/invoice_id` (a field the spec does not describe) or
    /// `/data/0/object` (a value it does not list). The parent must exist in the answer (a page
    /// with no results has no `/data/0/results/0`); the last step is added or replaced. For
    /// testing what a client does with what the API sends and the spec does not say.
    pub fn inject(&self, path: &str, pointer: &str, value: Value) {
        self.shared.injections.lock().unwrap().push(Injection {
            path: path.to_owned(),
            pointer: pointer.to_owned(),
            value,
        });
    }

    /// The organization's spend limits and alerts as they stand (the writes change them).
    pub fn budgets(&self) -> budgets::Budgets {
        self.shared.budgets.lock().unwrap().clone()
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// How many requests were received.
    pub fn request_count(&self) -> u64 {
        self.shared.count.load(Ordering::SeqCst)
    }

    /// How many bytes of response bodies were written so far, as sent (compressed when the
    /// answer was): what crossed the connection besides the status lines and headers.
    pub fn body_bytes_sent(&self) -> u64 {
        self.shared.body_bytes.load(Ordering::SeqCst)
    }
}
