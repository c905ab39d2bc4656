//! Our generator and progenitor (pinned in this crate's lockfile) on the same OpenAPI 3.0 inputs,
//! in the same process: OpenAI's 3.0 usage spec (`tests/conformance/`) and synthetic 3.0
//! specs of 50, 100 and 200 operations and schemas. Each run is text in, formatted Rust out
//! (YAML parsed, code generated, tokens parsed by syn and printed by prettyplease, as both
//! projects do). Rounds are interleaved (ours, then progenitor's, ten times) so that a slow
//! moment of the machine falls on both; the medians of process CPU time (all threads) and wall
//! time are compared.
//!
//! `cargo bench --manifest-path bench-progenitor/Cargo.toml`

use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: usize = 10;

/// CPU time of the whole process (every thread) so far.
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant libc defines.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Wall and CPU time of one call, and its output size.
fn measure(f: impl FnOnce() -> usize) -> (Duration, Duration, usize) {
    let (wall0, cpu0) = (Instant::now(), cpu_time());
    let bytes = f();
    (wall0.elapsed(), cpu_time() - cpu0, bytes)
}

fn ours(text: &str) -> usize {
    let path = Path::new("bench.yaml");
    let options = codegen::Options::for_spec(path);
    let files = codegen::generate_from_str(path, text, &options).expect("our generator reads it");
    files.iter().map(|f| f.contents.len()).sum()
}

fn progenitor(text: &str) -> usize {
    let spec: openapiv3::OpenAPI = serde_yaml::from_str(text).expect("an OpenAPI 3.0 document");
    let mut generator = progenitor::Generator::default();
    let tokens = generator
        .generate_tokens(&spec)
        .expect("progenitor generates it");
    let file: syn2::File = syn2::parse2(tokens).expect("progenitor's output parses");
    prettyplease2::unparse(&file).len()
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    let mid = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2
    } else {
        values[mid]
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1e3)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run once, quickly.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rounds = if quick { 1 } else { ROUNDS };
    let upstream = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/conformance/openai-usage.upstream-3.0.yaml");
    let mut inputs = Vec::new();
    match std::fs::read_to_string(&upstream) {
        // Upstream requires `sessions`, a property that does not exist (`num_sessions` does),
        // which our generator refuses (the overlay fixes it in `spec/`); both get it corrected.
        Ok(text) => inputs.push((
            "OpenAI usage 3.0 (upstream)".to_string(),
            text.replace(
                "      - object\n      - sessions\n",
                "      - object\n      - num_sessions\n",
            ),
        )),
        Err(e) => panic!(
            "{}: {e} (tests/conformance/ is part of the repository)",
            upstream.display()
        ),
    }
    for n in [50, 100, 200] {
        inputs.push((
            format!("synthetic 3.0, n = {n}"),
            tests::bench::synthetic_spec_30(n),
        ));
    }
    println!("| input | ours CPU ms | progenitor CPU ms | CPU ratio | ours wall ms | progenitor wall ms | wall ratio | output KB (ours / progenitor) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, text) in &inputs {
        // One untimed run of each first: page faults, allocator warm-up, lazy statics.
        let _ = (ours(text), progenitor(text));
        let (mut our_wall, mut our_cpu, mut their_wall, mut their_cpu) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let (mut our_bytes, mut their_bytes) = (0, 0);
        for _ in 0..rounds {
            let (wall, cpu, bytes) = measure(|| ours(text));
            our_wall.push(wall);
            our_cpu.push(cpu);
            our_bytes = bytes;
            let (wall, cpu, bytes) = measure(|| progenitor(text));
            their_wall.push(wall);
            their_cpu.push(cpu);
            their_bytes = bytes;
        }
        let (ow, oc, tw, tc) = (
            median(our_wall),
            median(our_cpu),
            median(their_wall),
            median(their_cpu),
        );
        println!(
            "| {name} | {} | {} | {:.2}x | {} | {} | {:.2}x | {} / {} |",
            ms(oc),
            ms(tc),
            oc.as_secs_f64() / tc.as_secs_f64(),
            ms(ow),
            ms(tw),
            ow.as_secs_f64() / tw.as_secs_f64(),
            our_bytes / 1024,
            their_bytes / 1024,
        );
    }
}
