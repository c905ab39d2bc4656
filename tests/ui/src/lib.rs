//! The home of `tests/ui.rs` (the cases under `fail/` must not compile against the generated
//! crate), and the one golden a case needs that the generated crate does not have: an operation
//! the spec deprecates (`tests/fixtures/deprecated_api_key/`), compiled against the runtime as
//! the `tests` package compiles every golden.

/// The hand-written runtime, at the path the generated code calls (`crate::runtime`), with the
/// macros the generated enums invoke at the crate root.
pub use openai_usage_runtime::runtime;
pub use openai_usage_runtime::{closed_enum_impls, open_enum_impls, string_serde};

/// The `deprecated_api_key` fixture's generated `client`, `params` and `types`.
#[path = "../../fixtures/deprecated_api_key"]
#[rustfmt::skip]
pub mod deprecated_api_key {
    pub mod client;
    pub mod params;
    pub mod types;
}
