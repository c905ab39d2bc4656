//! The generator: load, build, emit and format our spec, and synthetic specs of 50, 100 and 200
//! operations and schemas (cost should grow linearly). Goal: the 200-operation spec in under
//! 100 ms, formatting included.
//!
//! `cargo bench -p tests --bench codegen`

use std::path::Path;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};
use tests::bench::synthetic_spec;

fn generate(text: &str) -> usize {
    let path = Path::new("bench.yaml");
    let files = codegen::generate_from_str(path, text, &codegen::Options::for_spec(path)).unwrap();
    files.iter().map(|f| f.contents.len()).sum()
}

fn codegen(c: &mut Criterion) {
    let ours = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/openai-usage.yaml"),
    )
    .unwrap();
    let mut group = c.benchmark_group("codegen");
    group.sample_size(20);
    group.bench_function("spec/openai-usage.yaml", |b| {
        b.iter(|| generate(black_box(&ours)))
    });
    for n in [50, 100, 200] {
        let spec = synthetic_spec(n);
        group.bench_with_input(
            BenchmarkId::new("synthetic operations+schemas", n),
            &spec,
            |b, spec| b.iter(|| generate(black_box(spec))),
        );
    }
    group.finish();
}

criterion_group!(benches, codegen);
criterion_main!(benches);
