//! How the tests run cargo inside `cargo test`: trybuild's cases (`tests/ui/`), the crates the
//! tests generate ([`check_generated`](crate::check_generated)) and the generated crate's rustdoc
//! pages (`tests/tests/suite/freshness.rs`) all build in one target directory with one set of
//! compiler flags, so the generated crate's dependencies (tokio, hyper, reqwest, serde and the
//! rest: about 85 crates) are checked once for all of them instead of once per directory.
//!
//! Included by path in `tests/ui/tests/ui.rs` too, which cannot depend on this crate (trybuild
//! would then check everything this crate depends on).

/// The directory, relative to the workspace root: trybuild's own (`target/tests/trybuild`, which
/// it chooses itself), so that its cases and the other nested runs share it.
pub const TARGET_DIR: &str = "target/tests/trybuild";

/// The compiler flags of every nested run, for `CARGO_ENCODED_RUSTFLAGS` (which cargo takes over
/// the `--config` flags trybuild passes). Cargo's fingerprints include the flags: with different
/// ones, each run would check every dependency again.
///
/// trybuild's own (its `rustflags.rs`, 1.0.x) with `--diagnostic-width=140`, which it adds for
/// the cases only (so every dependency was checked twice: trybuild issue #328), and without its
/// `-A dead_code`: the generated crates are checked for warnings, dead code among them. The
/// cases' expected errors are the same either way (a case that does not compile gets no
/// dead-code lint).
pub const RUSTFLAGS: [&str; 4] = ["--cfg", "trybuild", "--verbose", "--diagnostic-width=140"];

/// [`RUSTFLAGS`] as `CARGO_ENCODED_RUSTFLAGS` takes them: separated by the unit separator.
pub fn encoded_rustflags() -> String {
    RUSTFLAGS.join("\x1f")
}
