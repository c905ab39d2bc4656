//! Compile-time guarantees of the generated crate: what must not compile (a value an endpoint
//! does not allow, a missing required parameter, a string where an enum is required). Update the
//! expected errors with `TRYBUILD=overwrite cargo test -p openai-usage-ui`. What must compile
//! (and run) is `tests/tests/suite/compiles.rs`, built with the other tests: with only failing
//! cases, trybuild checks (`cargo check`) instead of building, and in this package it checks
//! the generated crate's dependencies only.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
}
