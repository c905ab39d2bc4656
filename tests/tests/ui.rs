//! Compile-time guarantees of the generated crate: what compiles (every operation's parameters)
//! and what must not (a value an endpoint does not allow, a missing required parameter, a string
//! where an enum is required). Update the expected errors with `TRYBUILD=overwrite`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
