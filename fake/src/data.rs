//! The fake API's data: deterministic synthetic usage for every operation, computed by pure
//! functions, so that tests can ask for the right answer without going through HTTP.
//!
//! The model: usage happens once per hour for each combination of dimension values (project,
//! user, API key, model, ...) that is active in that hour, at a minute of the hour picked by a
//! hash. Some hours have no usage at all, so minute and hour buckets are sometimes empty. A
//! bucket holds the usage whose minute falls inside it; results are grouped by the `group_by`
//! dimensions (the others come back `null`) after the filters are applied.
//!
//! Buckets follow the reference pages: the first one starts at `start_time` even when that is not
//! aligned to the bucket width (it ends at the next aligned boundary); later ones are aligned;
//! `end_time` is exclusive; `limit` buckets per page, with `next_page` a cursor while `has_more`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// One dimension results can be grouped and filtered by.
#[derive(Clone, Copy, Debug)]
pub struct Dim {
    /// The field name in results, and the `group_by` value.
    pub name: &'static str,
    /// The query parameter that filters it, if any.
    pub filter: Option<&'static str>,
    /// Its values (`true`/`false` for a boolean dimension).
    pub values: &'static [&'static str],
    /// Whether the values are booleans in JSON.
    pub boolean: bool,
}

/// One operation of the fake.
#[derive(Clone, Copy, Debug)]
pub struct Endpoint {
    /// The path under the base URL.
    pub path: &'static str,
    /// The `object` of its results.
    pub object: &'static str,
    /// Allowed `bucket_width`s.
    pub widths: &'static [&'static str],
    /// Its dimensions.
    pub dims: &'static [Dim],
    /// Integer metrics and their ranges; for costs, the amount in cents.
    pub metrics: &'static [(&'static str, u64, u64)],
    /// Results carry `amount: {value, currency}` (costs) instead of integer metrics.
    pub costs: bool,
    /// Fields the API sends as `null` because they are not grouped by here.
    pub null_fields: &'static [&'static str],
    /// Integer fields that are the sum of metrics (cache writes: the 30-minute and the 12-hour
    /// ones together), so that the parts always add up to the whole.
    pub sums: &'static [(&'static str, &'static [&'static str])],
}

const PROJECT: Dim = Dim {
    name: "project_id",
    filter: Some("project_ids"),
    values: &["proj_alpha", "proj_beta", "proj_gamma"],
    boolean: false,
};
const USER: Dim = Dim {
    name: "user_id",
    filter: Some("user_ids"),
    values: &["user_ann", "user_bob"],
    boolean: false,
};
const KEY: Dim = Dim {
    name: "api_key_id",
    filter: Some("api_key_ids"),
    values: &["key_main", "key_ci"],
    boolean: false,
};

/// Where usage or cost is attributed (`agents_api`, `unlabeled`); only some endpoints group by it.
const API_SOURCE: Dim = Dim {
    name: "api_source",
    filter: None,
    values: &["agents_api", "unlabeled"],
    boolean: false,
};

const BATCH: Dim = Dim {
    name: "batch",
    filter: Some("batch"),
    values: &["false", "true"],
    boolean: true,
};

const SERVICE_TIER: Dim = Dim {
    name: "service_tier",
    filter: None,
    values: &["default", "flex"],
    boolean: false,
};

/// The token metrics of completions and decisions, and their ranges per hour and group.
const TOKEN_METRICS: &[(&str, u64, u64)] = &[
    ("input_tokens", 100, 20_000),
    ("output_tokens", 10, 4_000),
    ("input_cached_tokens", 0, 100),
    ("input_cache_write_30m_tokens", 0, 30),
    ("input_cache_write_12h_tokens", 0, 10),
    ("input_uncached_tokens", 50, 15_000),
    ("input_text_tokens", 50, 12_000),
    ("output_text_tokens", 10, 3_000),
    ("input_cached_text_tokens", 0, 80),
    ("input_audio_tokens", 0, 50),
    ("input_cached_audio_tokens", 0, 10),
    ("output_audio_tokens", 0, 50),
    ("input_image_tokens", 0, 300),
    ("input_cached_image_tokens", 0, 20),
    ("output_image_tokens", 0, 200),
    ("num_model_requests", 1, 20),
];

/// Cache writes are the 30-minute and the 12-hour writes together.
const CACHE_WRITES: &[(&str, &[&str])] = &[(
    "input_cache_write_tokens",
    &[
        "input_cache_write_30m_tokens",
        "input_cache_write_12h_tokens",
    ],
)];

const fn model(values: &'static [&'static str]) -> Dim {
    Dim {
        name: "model",
        filter: Some("models"),
        values,
        boolean: false,
    }
}

const ALL_WIDTHS: &[&str] = &["1m", "1h", "1d"];

/// The costs endpoint's line items, and the unit of each one's `quantity`.
const COST_LINE_ITEMS: &[&str] = &["gpt-4o, input", "gpt-4o, output", "vector store storage"];
const COST_UNITS: &[&str] = &["tokens", "tokens", "gibibyte_hours"];

/// Every operation of the fake.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        path: "/organization/usage/completions",
        object: "organization.usage.completions.result",
        widths: ALL_WIDTHS,
        dims: &[
            PROJECT,
            USER,
            KEY,
            model(&["gpt-4o", "gpt-4o-mini"]),
            BATCH,
            SERVICE_TIER,
            API_SOURCE,
        ],
        metrics: TOKEN_METRICS,
        costs: false,
        null_fields: &[],
        sums: CACHE_WRITES,
    },
    Endpoint {
        path: "/organization/usage/decisions",
        object: "organization.usage.decisions.result",
        widths: ALL_WIDTHS,
        dims: &[
            PROJECT,
            USER,
            KEY,
            model(&["gpt-4o-mini"]),
            BATCH,
            SERVICE_TIER,
            API_SOURCE,
        ],
        metrics: TOKEN_METRICS,
        costs: false,
        null_fields: &[],
        sums: CACHE_WRITES,
    },
    Endpoint {
        path: "/organization/usage/embeddings",
        object: "organization.usage.embeddings.result",
        widths: ALL_WIDTHS,
        dims: &[
            PROJECT,
            USER,
            KEY,
            model(&["text-embedding-3-small", "text-embedding-3-large"]),
        ],
        metrics: &[("input_tokens", 10, 50_000), ("num_model_requests", 1, 50)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/moderations",
        object: "organization.usage.moderations.result",
        widths: ALL_WIDTHS,
        dims: &[PROJECT, USER, KEY, model(&["omni-moderation-latest"])],
        metrics: &[("input_tokens", 10, 5_000), ("num_model_requests", 1, 30)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/images",
        object: "organization.usage.images.result",
        widths: ALL_WIDTHS,
        dims: &[
            PROJECT,
            USER,
            KEY,
            model(&["dall-e-3"]),
            Dim {
                name: "size",
                filter: Some("sizes"),
                values: &["1024x1024", "1792x1792"],
                boolean: false,
            },
            Dim {
                name: "source",
                filter: Some("sources"),
                values: &["image.generation", "image.edit"],
                boolean: false,
            },
        ],
        metrics: &[("images", 1, 8), ("num_model_requests", 1, 8)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/audio_speeches",
        object: "organization.usage.audio_speeches.result",
        widths: ALL_WIDTHS,
        dims: &[PROJECT, USER, KEY, model(&["tts-1", "tts-1-hd"])],
        metrics: &[("characters", 10, 5_000), ("num_model_requests", 1, 10)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/audio_transcriptions",
        object: "organization.usage.audio_transcriptions.result",
        widths: ALL_WIDTHS,
        dims: &[PROJECT, USER, KEY, model(&["whisper-1"])],
        metrics: &[("seconds", 1, 600), ("num_model_requests", 1, 10)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/vector_stores",
        object: "organization.usage.vector_stores.result",
        widths: ALL_WIDTHS,
        dims: &[PROJECT],
        metrics: &[("usage_bytes", 1_000, 5_000_000)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/code_interpreter_sessions",
        object: "organization.usage.code_interpreter_sessions.result",
        widths: ALL_WIDTHS,
        dims: &[PROJECT],
        metrics: &[("num_sessions", 1, 5)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/file_search_calls",
        object: "organization.usage.file_searches.result",
        widths: ALL_WIDTHS,
        dims: &[
            PROJECT,
            USER,
            KEY,
            Dim {
                name: "vector_store_id",
                filter: Some("vector_store_ids"),
                values: &["vs_docs", "vs_support"],
                boolean: false,
            },
        ],
        metrics: &[("num_requests", 1, 40)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/usage/web_search_calls",
        object: "organization.usage.web_searches.result",
        widths: ALL_WIDTHS,
        dims: &[
            PROJECT,
            USER,
            KEY,
            model(&["gpt-4o", "gpt-4o-mini"]),
            Dim {
                name: "context_level",
                filter: Some("context_levels"),
                values: &["low", "medium", "high"],
                boolean: false,
            },
            API_SOURCE,
        ],
        metrics: &[("num_model_requests", 1, 12), ("num_requests", 1, 30)],
        costs: false,
        null_fields: &[],
        sums: &[],
    },
    Endpoint {
        path: "/organization/costs",
        object: "organization.costs.result",
        widths: &["1d"],
        dims: &[
            PROJECT,
            Dim {
                name: "line_item",
                filter: Some("line_items"),
                values: COST_LINE_ITEMS,
                boolean: false,
            },
            KEY,
            USER,
            API_SOURCE,
        ],
        metrics: &[("amount_cents", 1, 5_000), ("quantity", 100, 90_000)],
        costs: true,
        null_fields: &[],
        sums: &[],
    },
];

/// The endpoint at `path`.
pub fn endpoint(path: &str) -> Option<&'static Endpoint> {
    ENDPOINTS.iter().find(|e| e.path == path)
}

/// A request the API would answer with HTTP 400.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadRequest {
    /// The parameter at fault.
    pub param: String,
    /// What is wrong.
    pub message: String,
}

/// A 400 about `param`.
pub fn bad(param: &str, message: String) -> BadRequest {
    BadRequest {
        param: param.to_owned(),
        message,
    }
}

/// A parsed query: every value of every parameter, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(pub Vec<(String, String)>);

impl Query {
    /// Parses `a=1&b=x%20y` (form encoding: `+` is a space).
    pub fn parse(raw: &str) -> Query {
        Query(
            raw.split('&')
                .filter(|p| !p.is_empty())
                .map(|pair| {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    (decode(k), decode(v))
                })
                .collect(),
        )
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The last value of `name`.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.all(name).pop()
    }

    fn int(&self, name: &str) -> Result<Option<i64>, BadRequest> {
        match self.one(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| bad(name, format!("`{v}` is not an integer"))),
        }
    }
}

fn decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// `%XX` escapes decoded (a `+` stays a `+`, as in a path).
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a request asks for, checked as the reference pages describe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// Inclusive start (Unix seconds).
    pub start: i64,
    /// Exclusive end.
    pub end: i64,
    /// Bucket width in seconds.
    pub width: i64,
    /// Buckets per page.
    pub limit: usize,
    /// Dimensions to group by (indices into the endpoint's `dims`).
    pub group_by: Vec<usize>,
    /// Allowed values per dimension (empty: all).
    pub filters: Vec<Vec<String>>,
    /// Where this page starts (from the cursor), if not at `start`.
    pub from: Option<i64>,
}

/// Checks `query` for `endpoint`; `now` stands in for a missing `end_time`.
pub fn ask(endpoint: &Endpoint, query: &Query, now: i64) -> Result<Ask, BadRequest> {
    let start = query
        .int("start_time")?
        .ok_or_else(|| bad("start_time", "`start_time` is required".into()))?;
    let end = query.int("end_time")?.unwrap_or(now);
    let width_text = query.one("bucket_width").unwrap_or("1d");
    if !endpoint.widths.contains(&width_text) {
        return Err(bad(
            "bucket_width",
            format!("bucket_width `{width_text}` is not supported here"),
        ));
    }
    let width = match width_text {
        "1m" => 60,
        "1h" => 3_600,
        _ => 86_400,
    };
    let (default_limit, max_limit) = match (endpoint.costs, width) {
        (true, _) => (7, 180),
        (false, 60) => (60, 1_440),
        (false, 3_600) => (24, 168),
        _ => (7, 31),
    };
    let limit = query.int("limit")?.unwrap_or(default_limit);
    if !(1..=max_limit).contains(&limit) {
        return Err(bad(
            "limit",
            format!("limit must be between 1 and {max_limit}, got {limit}"),
        ));
    }
    let mut group_by = Vec::new();
    for name in query.all("group_by") {
        let index = endpoint
            .dims
            .iter()
            .position(|d| d.name == name)
            .ok_or_else(|| bad("group_by", format!("cannot group by `{name}` here")))?;
        if !group_by.contains(&index) {
            group_by.push(index);
        }
    }
    group_by.sort_unstable();
    let filters = endpoint
        .dims
        .iter()
        .map(|d| match d.filter {
            Some(param) => query.all(param).into_iter().map(str::to_owned).collect(),
            None => Vec::new(),
        })
        .collect();
    let from = match query.one("page") {
        None => None,
        Some(cursor) => Some(decode_cursor(cursor).ok_or_else(|| {
            bad(
                "page",
                format!("`{cursor}` is not a page cursor of this query"),
            )
        })?),
    };
    Ok(Ask {
        start,
        end,
        width,
        limit: limit as usize,
        group_by,
        filters,
        from,
    })
}

/// Refuses what the costs endpoint refuses for organizations that do not support it: grouping
/// by `user_id` together with `project_id` grouping or the `project_ids` filter (OpenAI: "Support
/// for combining `user_id` with `project_id` grouping or the `project_ids` filter depends on the
/// organization and requested time range"). The fake's organization is one of those unless
/// [`Config::costs_user_with_project`](crate::Config::costs_user_with_project) is set.
pub fn check_combinations(endpoint: &Endpoint, ask: &Ask) -> Result<(), BadRequest> {
    if !endpoint.costs {
        return Ok(());
    }
    let position = |name: &str| endpoint.dims.iter().position(|d| d.name == name);
    let (Some(user), Some(project)) = (position("user_id"), position("project_id")) else {
        return Ok(());
    };
    let with_project = ask.group_by.contains(&project) || !ask.filters[project].is_empty();
    if ask.group_by.contains(&user) && with_project {
        return Err(bad(
            "group_by",
            "Support for combining `user_id` with `project_id` grouping or the `project_ids` filter depends on the organization and requested time range; it is not available for this request".into(),
        ));
    }
    Ok(())
}

/// The page cursor for a page that starts at `at`.
pub fn cursor(at: i64) -> String {
    format!("page_{at:x}")
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    i64::from_str_radix(cursor.strip_prefix("page_")?, 16).ok()
}

/// The bounds of every bucket of `ask`, from `from` (or the start) to the end.
pub fn bucket_bounds(ask: &Ask, from: i64) -> impl Iterator<Item = (i64, i64)> + '_ {
    let mut at = from;
    std::iter::from_fn(move || {
        if at >= ask.end {
            return None;
        }
        let next = (at.div_euclid(ask.width) + 1) * ask.width;
        let bucket = (at, next.min(ask.end));
        at = next;
        Some(bucket)
    })
}

/// One page of `ask`, as the API sends it.
pub fn page(endpoint: &Endpoint, ask: &Ask) -> Value {
    let from = ask.from.unwrap_or(ask.start);
    let mut bounds = bucket_bounds(ask, from);
    let buckets: Vec<Value> = bounds
        .by_ref()
        .take(ask.limit)
        .map(|(s, e)| bucket(endpoint, ask, s, e))
        .collect();
    let next = bounds.next().map(|(s, _)| s);
    json!({
        "object": "page",
        "data": buckets,
        "has_more": next.is_some(),
        "next_page": next.map(cursor),
    })
}

/// Every bucket of `ask`, unpaged: the answer a complete pagination must add up to.
pub fn all_buckets(endpoint: &Endpoint, ask: &Ask) -> Vec<Value> {
    bucket_bounds(ask, ask.start)
        .map(|(s, e)| bucket(endpoint, ask, s, e))
        .collect()
}

/// The bucket `[start, end)`.
pub fn bucket(endpoint: &Endpoint, ask: &Ask, start: i64, end: i64) -> Value {
    // Grouped dimension values (index per dimension, `None` when not grouped) -> summed metrics.
    let mut groups: BTreeMap<Vec<Option<usize>>, Vec<u64>> = BTreeMap::new();
    let combos: usize = endpoint.dims.iter().map(|d| d.values.len()).product();
    let seed = hash(endpoint.path.as_bytes(), 0);
    for hour in start.div_euclid(3_600)..=(end - 1).div_euclid(3_600) {
        if mix(seed, hour as u64, 0) % 4 == 0 {
            continue; // a quiet hour
        }
        for combo in 0..combos {
            let c = combo as u64;
            if mix(seed, hour as u64, c + 1) % 3 == 0 {
                continue;
            }
            let minute = (mix(seed ^ 0x5eed, hour as u64, c) % 60) as i64;
            let at = hour * 3_600 + minute * 60;
            if at < start || at >= end {
                continue;
            }
            let values = combo_values(endpoint, combo);
            let filtered_out = values.iter().enumerate().any(|(d, &v)| {
                let allowed = &ask.filters[d];
                !allowed.is_empty() && !allowed.iter().any(|a| a == endpoint.dims[d].values[v])
            });
            if filtered_out {
                continue;
            }
            let key: Vec<Option<usize>> = values
                .iter()
                .enumerate()
                .map(|(d, &v)| ask.group_by.contains(&d).then_some(v))
                .collect();
            let sums = groups
                .entry(key)
                .or_insert_with(|| vec![0; endpoint.metrics.len()]);
            for (m, (_, low, high)) in endpoint.metrics.iter().enumerate() {
                sums[m] += low + mix(seed ^ (m as u64 + 7), hour as u64, c) % (high - low + 1);
            }
        }
    }
    let results: Vec<Value> = groups
        .into_iter()
        .map(|(key, sums)| result(endpoint, &key, &sums))
        .collect();
    json!({"object": "bucket", "start_time": start, "end_time": end, "results": results})
}

fn combo_values(endpoint: &Endpoint, mut combo: usize) -> Vec<usize> {
    endpoint
        .dims
        .iter()
        .map(|d| {
            let v = combo % d.values.len();
            combo /= d.values.len();
            v
        })
        .collect()
}

fn result(endpoint: &Endpoint, key: &[Option<usize>], sums: &[u64]) -> Value {
    let mut object = Map::new();
    object.insert("object".into(), json!(endpoint.object));
    if endpoint.costs {
        let cents = sums[0];
        // The API sends amounts as numbers and as numeric strings; so does the fake.
        let value = if cents % 2 == 0 {
            json!(format!("{}.{:02}", cents / 100, cents % 100))
        } else {
            json!(cents as f64 / 100.0)
        };
        object.insert("amount".into(), json!({"value": value, "currency": "usd"}));
        // A quantity and its unit come with a result grouped by line item.
        let line_item = endpoint.dims.iter().position(|d| d.name == "line_item");
        let (quantity, unit) = match line_item.and_then(|d| key[d]) {
            Some(v) => (json!(sums[1]), json!(COST_UNITS[v])),
            None => (Value::Null, Value::Null),
        };
        object.insert("quantity".into(), quantity);
        object.insert("quantity_unit".into(), unit);
    } else {
        for ((name, _, _), sum) in endpoint.metrics.iter().zip(sums) {
            object.insert((*name).into(), json!(sum));
        }
        for (name, parts) in endpoint.sums {
            let total: u64 = parts.iter().map(|p| object[*p].as_u64().unwrap_or(0)).sum();
            object.insert((*name).into(), json!(total));
        }
    }
    for (dim, value) in endpoint.dims.iter().zip(key) {
        let json = match value {
            None => Value::Null,
            Some(v) if dim.boolean => json!(dim.values[*v] == "true"),
            Some(v) => json!(dim.values[*v]),
        };
        object.insert(dim.name.into(), json);
    }
    for name in endpoint.null_fields {
        object.insert((*name).into(), Value::Null);
    }
    Value::Object(object)
}

/// The total cost, in cents, of every bucket of `ask` on the costs endpoint: what a complete
/// pagination of it must add up to.
pub fn total_cost_cents(ask: &Ask) -> u64 {
    let costs = endpoint("/organization/costs").expect("the fake has costs");
    all_buckets(costs, ask)
        .iter()
        .flat_map(|b| b["results"].as_array().cloned().unwrap_or_default())
        .map(|r| {
            let value = &r["amount"]["value"];
            let text = match value {
                Value::String(s) => s.clone(),
                other => format!("{:.2}", other.as_f64().unwrap_or(0.0)),
            };
            let (whole, cents) = text.split_once('.').unwrap_or((&text, "0"));
            whole.parse::<u64>().unwrap_or(0) * 100 + cents.parse::<u64>().unwrap_or(0)
        })
        .sum()
}

fn hash(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A well-mixed 64-bit value from three inputs (splitmix64 finalizer).
fn mix(a: u64, b: u64, c: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ c.wrapping_mul(0xc2b2_ae3d_27d4_eb4f);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
