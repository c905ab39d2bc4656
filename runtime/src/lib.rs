//! The hand-written runtime of the generated clients, as a crate of its own so that it is built,
//! linted and unit-tested by itself (the smithy-rs "inlineable" model).
//!
//! Generated crates do not depend on this crate: `cargo xtask regen` copies the [`runtime`]
//! module's files (`src/runtime/`) into each generated crate, where the generated code calls them
//! through `crate::runtime`. That is why the module keeps its name here, and why the macros it
//! exports refer to `$crate::runtime::…`: the same text resolves in both places.

pub mod runtime;
