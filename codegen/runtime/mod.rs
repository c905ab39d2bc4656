//! The part of the client that does not depend on the spec: decoding helpers, errors. It is
//! written by hand in `codegen/runtime/` and copied into every generated crate by `cargo xtask
//! regen`; the generated code calls it through `crate::runtime`.

pub mod de;
mod errors;

pub use errors::{InvalidParam, UnknownValue};
