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

mod request;

use serde_json::{json, Map, Value};

pub use request::{ask, bad, check_combinations, cursor, percent_decode, Ask, BadRequest, Query};

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
            // A restated day's numbers are different ones, in every grouping alike.
            let revision = ask
                .revisions
                .get(&(hour * 3_600).div_euclid(86_400).wrapping_mul(86_400))
                .copied()
                .unwrap_or(0);
            for (m, (_, low, high)) in endpoint.metrics.iter().enumerate() {
                let salt = (m as u64 + 7) ^ revision.wrapping_mul(0x9e37_79b9);
                sums[m] += low + mix(seed ^ salt, hour as u64, c) % (high - low + 1);
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
