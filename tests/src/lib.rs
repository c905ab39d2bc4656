//! Support for the workspace's tests and benchmarks:
//! - [`bench`]: benchmark inputs and the types they compare against;
//! - [`fake`]: a local fake of the Usage and Costs API, used by the HTTP tests, the benchmarks and
//!   the `--demo` of the `usage_report` example;
//! - [`golden`]: the golden outputs of the codegen fixtures (`tests/fixtures/<name>/`), compiled
//!   against the runtime they are generated to call, so that a golden that does not build (or that
//!   clippy rejects) fails the build.

pub mod bench;
pub mod fake;

/// A file of `../shared/conformance/` (OpenAI's published description, example responses),
/// which CI always has beside the checkout. Missing under CI (`CI=true`) is a failure; missing
/// elsewhere gives `None` with a notice, and the test skips.
pub fn conformance_file(name: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/conformance")
        .join(name);
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var("CI").map_or(true, |v| v != "true"),
        "{} is missing under CI: CI must have ../shared beside the checkout",
        path.display()
    );
    eprintln!("SKIPPED: {} is missing (not under CI)", path.display());
    None
}

/// The hand-written runtime that every generated crate gets a copy of, at the path the generated
/// code calls (`crate::runtime`).
#[path = "../../codegen/runtime/mod.rs"]
pub mod runtime;

/// One module per fixture (`tests/fixtures/<name>/`), holding its generated `client`, `params` and `types`.
#[path = "../fixtures"]
#[rustfmt::skip]
pub mod golden {
    pub mod arrays {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod discriminated_union {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod enum_names {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod keyword_fields {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod nullable_30 {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod nullable_31 {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod open_enum {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod ref_chains {
        pub mod client;
        pub mod params;
        pub mod types;
    }
    pub mod required_optional {
        pub mod client;
        pub mod params;
        pub mod types;
    }
}
