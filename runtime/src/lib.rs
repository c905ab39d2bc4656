//! The hand-written runtime of the generated clients, as a crate of its own so that it is built,
//! linted and unit-tested by itself (the smithy-rs "inlineable" model).
//!
//! Generated crates do not depend on this crate: `cargo xtask regen` copies the [`runtime`]
//! module's files (`src/runtime/`) into each generated crate, where the generated code calls them
//! through `crate::runtime`. That is why the module keeps its name here, and why the macros it
//! exports refer to `$crate::runtime::…`: the same text resolves in both places.

pub mod runtime;

/// The error body of this crate's errors: generated crates name the spec's error body here
/// (`runtime::Error` defaults to it, so that their root can re-export the runtime's types
/// themselves, with their whole documentation); this crate, which has no spec, reads it as JSON.
#[doc(hidden)]
pub type ErrorBody = serde_json::Value;

/// The client `runtime::ClientBuilder` builds by default: in generated crates, their `Client`;
/// here, a bare wrapper of the transport, so that the runtime builds and is tested alone.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Client(pub runtime::Transport);

impl runtime::FromTransport for Client {
    type ErrorBody = ErrorBody;

    fn from_transport(transport: runtime::Transport) -> Self {
        Client(transport)
    }
}
