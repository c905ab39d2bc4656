//! Compile-time guarantees of the generated crate: what must not compile (a value an endpoint
//! does not allow, a missing required parameter, a string where an enum is required). Update the
//! expected errors with `TRYBUILD=overwrite cargo test -p openai-usage-ui`. What must compile
//! (and run) is `tests/tests/suite/compiles.rs`, built with the other tests: with only failing
//! cases, trybuild checks (`cargo check`) instead of building, and in this package it checks
//! the generated crate's dependencies only.

/// The flags and target directory every nested cargo run of the tests shares (the directory is
/// trybuild's own choice here, unused).
#[allow(dead_code)]
#[path = "../../src/nested_cargo.rs"]
mod nested_cargo;

#[test]
fn ui() {
    // trybuild checks the dependencies first, then the cases with one flag more
    // (`--diagnostic-width`); cargo's fingerprints include the flags, so every dependency was
    // checked twice (trybuild issue #328). Cargo takes CARGO_ENCODED_RUSTFLAGS over the
    // `--config` flags trybuild passes: with the shared flags there, both passes agree, and the
    // generated crates the other tests check afterwards in the same directory find the
    // dependencies already checked.
    // SAFETY: this binary's only test sets it before starting anything that reads the
    // environment.
    unsafe { std::env::set_var("CARGO_ENCODED_RUSTFLAGS", nested_cargo::encoded_rustflags()) };
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
}
