//! The integration tests that need no process of their own, in one test binary: each file under
//! `tests/tests/` is a binary of its own, linked against the whole client and generator, and on
//! a cold build linking them one by one was a large part of the test run. Tests that set
//! environment variables or a global tracing subscriber (`http.rs`, `tracing.rs`), and the ones
//! whose names are commands to run (`golden`, `diff`, `ui`, `hostile`), stay binaries of their
//! own.

mod compiles;
mod conformance;
mod decode;
mod freshness;
mod import;
mod malformed;
mod organization;
mod params;
mod spec_agreement;
mod writing;
