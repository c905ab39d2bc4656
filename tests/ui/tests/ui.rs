//! Compile-time guarantees of the generated crate: what must not compile (a value an endpoint
//! does not allow, a missing required parameter, a string where an enum is required). Update the
//! expected errors with `TRYBUILD=overwrite cargo test -p openai-usage-ui`. What must compile
//! (and run) is `tests/tests/suite/compiles.rs`, built with the other tests: with only failing
//! cases, trybuild checks (`cargo check`) instead of building, and in this package it checks
//! the generated crate's dependencies only.

/// The flags trybuild gives rustc when it checks the cases (its `rustflags.rs`, 1.0.x).
const CASE_FLAGS: [&str; 6] = [
    "--cfg",
    "trybuild",
    "--verbose",
    "-A",
    "dead_code",
    "--diagnostic-width=140",
];

#[test]
fn ui() {
    // trybuild checks the dependencies first, then the cases with one flag more
    // (`--diagnostic-width`); cargo's fingerprints include the flags, so every dependency was
    // checked twice, half of this test's time (trybuild issue #328). Cargo takes
    // CARGO_ENCODED_RUSTFLAGS over the `--config` flags trybuild passes: with the cases' flags
    // there, both passes agree and the dependencies are checked once.
    // SAFETY: this binary's only test sets it before starting anything that reads the
    // environment.
    unsafe { std::env::set_var("CARGO_ENCODED_RUSTFLAGS", CASE_FLAGS.join("\x1f")) };
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
}
