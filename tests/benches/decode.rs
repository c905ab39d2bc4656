//! Decoding a large page: the generated `UsageResponse` (its union decoded by the generated
//! streaming decoder) against a plain struct in place of the union (the ceiling), serde's
//! internally tagged enum, and `serde_json::Value`. Goal: at least 0.9x the plain struct.
//!
//! `cargo bench -p tests --bench decode`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use openai_usage::UsageResponse;
use tests::bench::{
    completions_page, costs_page, FloatCostsPage, PlainCostsPage, PlainPage, TaggedPage,
};

fn decode(c: &mut Criterion) {
    let page = completions_page(1_440, 30, false);
    let late = completions_page(1_440, 30, true);
    let mut group = c.benchmark_group("decode 1440 buckets x 30 completions");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.sample_size(20);
    group.bench_function("plain struct (ceiling)", |b| {
        b.iter(|| serde_json::from_str::<PlainPage>(black_box(&page)).unwrap())
    });
    group.bench_function("generated UsageResponse", |b| {
        b.iter(|| serde_json::from_str::<UsageResponse>(black_box(&page)).unwrap())
    });
    group.bench_function("generated, discriminator last", |b| {
        b.iter(|| serde_json::from_str::<UsageResponse>(black_box(&late)).unwrap())
    });
    group.bench_function("serde internally tagged", |b| {
        b.iter(|| serde_json::from_str::<TaggedPage>(black_box(&page)).unwrap())
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&page)).unwrap())
    });
    group.finish();

    // Costs: every result has an exact amount (`Decimal`, read from the number's digits).
    let costs = costs_page(180, 300);
    let mut group = c.benchmark_group("decode 180 buckets x 300 costs");
    group.throughput(Throughput::Bytes(costs.len() as u64));
    group.sample_size(20);
    group.bench_function("plain struct (ceiling)", |b| {
        b.iter(|| serde_json::from_str::<PlainCostsPage>(black_box(&costs)).unwrap())
    });
    group.bench_function("generated UsageResponse", |b| {
        b.iter(|| serde_json::from_str::<UsageResponse>(black_box(&costs)).unwrap())
    });
    group.bench_function("amounts as f64 (inexact)", |b| {
        b.iter(|| serde_json::from_str::<FloatCostsPage>(black_box(&costs)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
