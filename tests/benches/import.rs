//! `cargo xtask import` on OpenAI's whole published description (3 MB of YAML): load, slice to
//! the selected operations, apply the overlay, write YAML; and the cost of the client's
//! `on_unrecognized` check (a second reading of the body as JSON, and the walk) beside typed
//! decoding of the same 13.6 MB page. Reported, not gated.
//!
//! `cargo bench -p tests --bench import` (`-- --test` runs each step once)

use std::path::Path;
use std::time::{Duration, Instant};

use codegen::import::{self, Selection};
use codegen::overlay::Overlay;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(rounds: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..rounds)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let smoke = std::env::args().any(|a| a == "--test");
    let rounds = if smoke { 1 } else { 11 };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let full = root.join("spec/upstream/openapi.yaml");
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()));
    let selection = Selection::parse(
        Path::new("selection.yaml"),
        &std::fs::read_to_string(root.join("spec/selection.yaml")).unwrap(),
    )
    .unwrap();
    let overlay = Overlay::parse(
        Path::new("overlay.yaml"),
        &std::fs::read_to_string(root.join("spec/overlay.yaml")).unwrap(),
    )
    .unwrap();
    let mut parse = Duration::ZERO;
    let total = time(rounds, || {
        let start = Instant::now();
        let document = codegen::load::parse(&full, &text).unwrap();
        parse = start.elapsed();
        let mut slice = import::slice(&document, &selection).unwrap();
        overlay.apply(&mut slice).unwrap();
        std::hint::black_box(import::to_yaml(&slice));
    });
    println!(
        "import: {:.1} MB description: {:.0} ms in all (YAML parse {:.0} ms of it)",
        text.len() as f64 / 1e6,
        total.as_secs_f64() * 1e3,
        parse.as_secs_f64() * 1e3
    );

    // The unrecognized check, beside typed decoding of the decode benchmark's page.
    let (buckets, results) = if smoke { (10, 5) } else { (1_440, 30) };
    let page = tests::bench::completions_page(buckets, results, false);
    let api = codegen::api(&root.join("spec/openai-usage.yaml")).unwrap();
    let arena = codegen::describe::Arena::default();
    let table = codegen::describe::types(&api, &arena);
    let completions = api
        .operations
        .iter()
        .find(|o| o.id == "usage-completions")
        .expect("the spec has usage-completions");
    let shape = codegen::describe::shape(completions.response.as_ref().unwrap(), &arena);
    let typed = time(rounds, || {
        std::hint::black_box(serde_json::from_str::<openai_usage::UsageResponse>(&page).unwrap());
    });
    let checked = time(rounds, || {
        let value: serde_json::Value = serde_json::from_str(&page).unwrap();
        let found = codegen::unrecognized::unrecognized(&table, &shape, &value);
        assert!(found.is_empty());
    });
    println!(
        "on_unrecognized: typed decode {:.1} ms; the check adds {:.1} ms ({:.2}x the decode) when on, nothing when off",
        typed.as_secs_f64() * 1e3,
        checked.as_secs_f64() * 1e3,
        checked.as_secs_f64() / typed.as_secs_f64()
    );
}
