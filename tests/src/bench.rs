//! Inputs for the benchmarks (and the tests that check the benchmarks compare like with like):
//! a large page of completions results, built deterministically, and the types that decode it
//! the other ways (plain struct, serde's internally tagged enum).

use openai_usage::{
    CostsResult, UsageAudioSpeechesResult, UsageAudioTranscriptionsResult,
    UsageCodeInterpreterSessionsResult, UsageCompletionsResult, UsageEmbeddingsResult,
    UsageImagesResult, UsageModerationsResult, UsageResult, UsageVectorStoresResult,
};
use serde::Deserialize;

/// A page of `buckets` minute buckets with `results` completions results each, every field set,
/// as the API sends it (`object` first in every object), or with `object` last in every result
/// when `tag_last`.
pub fn completions_page(buckets: usize, results: usize, tag_last: bool) -> String {
    let mut out = String::with_capacity(buckets * results * 330 + 200);
    out.push_str(r#"{"object":"page","data":["#);
    let mut n: u64 = 0x2545_f491_4f6c_dd1d;
    for b in 0..buckets {
        if b > 0 {
            out.push(',');
        }
        let start = 1_730_419_200 + b as i64 * 60;
        out.push_str(&format!(
            r#"{{"object":"bucket","start_time":{start},"end_time":{},"results":["#,
            start + 60
        ));
        for r in 0..results {
            // xorshift: varied, reproducible numbers.
            n ^= n << 13;
            n ^= n >> 7;
            n ^= n << 17;
            if r > 0 {
                out.push(',');
            }
            let tag = r#""object":"organization.usage.completions.result""#;
            let body = format!(
                r#""input_tokens":{},"output_tokens":{},"input_cached_tokens":{},"input_audio_tokens":{},"output_audio_tokens":{},"num_model_requests":{},"project_id":"proj_{:04}","user_id":"user_{:03}","api_key_id":"key_{:02}","model":"gpt-4o-mini-2024-07-18","batch":{},"service_tier":null"#,
                n % 100_000,
                n % 20_000,
                n % 5_000,
                n % 300,
                n % 200,
                n % 50 + 1,
                r % 30,
                n % 400,
                n % 12,
                n % 2 == 0
            );
            if tag_last {
                out.push_str(&format!("{{{body},{tag}}}"));
            } else {
                out.push_str(&format!("{{{tag},{body}}}"));
            }
        }
        out.push_str("]}");
    }
    out.push_str(r#"],"has_more":false,"next_page":null}"#);
    out
}

/// A costs page of `buckets` daily buckets with `results` costs results each, every result with
/// an amount (a JSON number with up to nine decimals, as the API sends them), a line item and a
/// project, `object` first.
pub fn costs_page(buckets: usize, results: usize) -> String {
    let mut out = String::with_capacity(buckets * results * 200 + 200);
    out.push_str(r#"{"object":"page","data":["#);
    let mut n: u64 = 0x2545_f491_4f6c_dd1d;
    for b in 0..buckets {
        if b > 0 {
            out.push(',');
        }
        let start = 1_704_067_200 + b as i64 * 86_400;
        out.push_str(&format!(
            r#"{{"object":"bucket","start_time":{start},"end_time":{},"results":["#,
            start + 86_400
        ));
        for r in 0..results {
            if r > 0 {
                out.push(',');
            }
            n ^= n << 13;
            n ^= n >> 7;
            n ^= n << 17;
            let billionths = n % 50_000_000_000;
            out.push_str(&format!(
                r#"{{"object":"organization.costs.result","amount":{{"value":{}.{:09},"currency":"usd"}},"line_item":"gpt-4o-2024-08-06, input","project_id":"proj_{:04}"}}"#,
                billionths / 1_000_000_000,
                billionths % 1_000_000_000,
                r % 50
            ));
        }
        out.push_str("]}");
    }
    out.push_str(r#"],"has_more":false,"next_page":null}"#);
    out
}

/// A costs page with plain structs where the union is, its results of type `R`.
#[derive(Deserialize)]
pub struct CostsPage<R> {
    /// The buckets.
    pub data: Vec<CostsBucket<R>>,
}

/// A bucket of [`CostsPage`].
#[derive(Deserialize)]
pub struct CostsBucket<R> {
    /// Results, known to be costs.
    pub results: Vec<R>,
}

/// The costs ceiling: the generated `CostsResult` (exact amounts included) where the union is.
pub type PlainCostsPage = CostsPage<CostsResult>;

/// A costs page read the inexact way, amounts as `f64`: what exactness costs.
pub type FloatCostsPage = CostsPage<FloatCost>;

/// A costs result with its amount as `f64`.
#[derive(Deserialize)]
pub struct FloatCost {
    /// The amount.
    pub amount: Option<FloatAmount>,
    /// The line item.
    pub line_item: Option<String>,
    /// The project.
    pub project_id: Option<String>,
}

/// An amount as `f64`.
#[derive(Deserialize)]
pub struct FloatAmount {
    /// The value.
    pub value: Option<f64>,
    /// The currency.
    pub currency: Option<String>,
}

/// The ceiling: the same page with plain structs where the union is.
#[derive(Deserialize)]
pub struct PlainPage {
    /// The buckets.
    pub data: Vec<PlainBucket>,
    /// Whether there is more.
    pub has_more: bool,
    /// The next cursor.
    pub next_page: Option<String>,
}

/// A bucket of [`PlainPage`].
#[derive(Deserialize)]
pub struct PlainBucket {
    /// Start.
    pub start_time: i64,
    /// End.
    pub end_time: i64,
    /// Results, known to be completions.
    pub results: Vec<UsageCompletionsResult>,
}

/// The generic way: serde's internally tagged enum over the same result structs.
#[derive(Deserialize)]
#[serde(tag = "object")]
pub enum Tagged {
    /// Completions.
    #[serde(rename = "organization.usage.completions.result")]
    Completions(UsageCompletionsResult),
    /// Embeddings.
    #[serde(rename = "organization.usage.embeddings.result")]
    Embeddings(UsageEmbeddingsResult),
    /// Moderations.
    #[serde(rename = "organization.usage.moderations.result")]
    Moderations(UsageModerationsResult),
    /// Images.
    #[serde(rename = "organization.usage.images.result")]
    Images(UsageImagesResult),
    /// Audio speeches.
    #[serde(rename = "organization.usage.audio_speeches.result")]
    AudioSpeeches(UsageAudioSpeechesResult),
    /// Audio transcriptions.
    #[serde(rename = "organization.usage.audio_transcriptions.result")]
    AudioTranscriptions(UsageAudioTranscriptionsResult),
    /// Vector stores.
    #[serde(rename = "organization.usage.vector_stores.result")]
    VectorStores(UsageVectorStoresResult),
    /// Code interpreter sessions.
    #[serde(rename = "organization.usage.code_interpreter_sessions.result")]
    CodeInterpreterSessions(UsageCodeInterpreterSessionsResult),
    /// Costs.
    #[serde(rename = "organization.costs.result")]
    Costs(CostsResult),
}

impl From<Tagged> for UsageResult {
    fn from(tagged: Tagged) -> Self {
        match tagged {
            Tagged::Completions(r) => UsageResult::Completions(Box::new(r)),
            Tagged::Embeddings(r) => UsageResult::Embeddings(Box::new(r)),
            Tagged::Moderations(r) => UsageResult::Moderations(Box::new(r)),
            Tagged::Images(r) => UsageResult::Images(Box::new(r)),
            Tagged::AudioSpeeches(r) => UsageResult::AudioSpeeches(Box::new(r)),
            Tagged::AudioTranscriptions(r) => UsageResult::AudioTranscriptions(Box::new(r)),
            Tagged::VectorStores(r) => UsageResult::VectorStores(Box::new(r)),
            Tagged::CodeInterpreterSessions(r) => UsageResult::CodeInterpreterSessions(Box::new(r)),
            Tagged::Costs(r) => UsageResult::Costs(Box::new(r)),
        }
    }
}

/// A page decoded with [`Tagged`] for its results.
#[derive(Deserialize)]
pub struct TaggedPage {
    /// The buckets.
    pub data: Vec<TaggedBucket>,
    /// Whether there is more.
    pub has_more: bool,
    /// The next cursor.
    pub next_page: Option<String>,
}

/// A bucket of [`TaggedPage`].
#[derive(Deserialize)]
pub struct TaggedBucket {
    /// Start.
    pub start_time: i64,
    /// End.
    pub end_time: i64,
    /// Results.
    pub results: Vec<Tagged>,
}

/// A synthetic spec with `n` operations and `n` object schemas (each with a dozen properties of
/// every kind, an enum, and a reference to the next schema), for timing the generator.
pub fn synthetic_spec(n: usize) -> String {
    let mut out = String::from("openapi: 3.1.0\ninfo: {title: Synthetic, version: '1'}\nservers: [{url: 'https://example.com/v1'}]\npaths:\n");
    for i in 0..n {
        out.push_str(&format!(
            "  /things{i}:
    get:
      operationId: list-things-{i}
      summary: Lists things number {i}.
      parameters:
        - {{name: start_time, in: query, required: true, schema: {{type: integer}}}}
        - {{name: limit, in: query, schema: {{type: integer, minimum: 1, maximum: 100}}}}
        - {{name: ids, in: query, schema: {{type: array, items: {{type: string}}}}}}
        - name: group_by
          in: query
          schema: {{type: array, items: {{type: string, enum: [alpha, beta, gamma]}}}}
        - {{name: page, in: query, schema: {{type: string}}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Thing{i}'}}
"
        ));
    }
    out.push_str("components:\n  schemas:\n");
    for i in 0..n {
        let next = (i + 1) % n;
        out.push_str(&format!(
            "    Thing{i}:
      type: object
      description: Thing number {i}.
      required: [id, count]
      properties:
        id: {{type: string, description: The id.}}
        count: {{type: integer}}
        ratio: {{type: number}}
        flag: {{type: [boolean, 'null']}}
        label: {{anyOf: [{{type: string}}, {{type: 'null'}}]}}
        kind: {{type: string, enum: [small, medium, large]}}
        unit: {{anyOf: [{{type: string}}, {{type: string, enum: [tokens, images]}}]}}
        tags: {{type: array, items: {{type: string}}}}
        next: {{type: array, items: {{$ref: '#/components/schemas/Thing{next}'}}}}
        extra: {{type: object, additionalProperties: {{type: integer}}}}
        nested:
          type: object
          properties:
            a: {{type: string}}
            b: {{type: integer}}
"
        ));
    }
    out
}

/// [`synthetic_spec`] in OpenAPI 3.0 (`nullable: true` instead of `null` alternatives), for
/// generators that read only 3.0 (progenitor, in the side-by-side benchmark). Same operations,
/// same schemas, same generated Rust from ours.
pub fn synthetic_spec_30(n: usize) -> String {
    synthetic_spec(n)
        .replace("openapi: 3.1.0", "openapi: 3.0.3")
        .replace(
            "{type: [boolean, 'null']}",
            "{type: boolean, nullable: true}",
        )
        .replace(
            "{anyOf: [{type: string}, {type: 'null'}]}",
            "{type: string, nullable: true}",
        )
}
