//! The part of the client that does not depend on the spec: transport, retries, paging, decoding
//! helpers and errors. It is written by hand in the `openai-usage-runtime` crate
//! (`runtime/src/runtime/`) and copied into every generated crate by `cargo xtask regen`; the
//! generated code calls it through `crate::runtime`.

mod client;
pub mod de;
pub mod enums;
mod errors;
mod paging;
pub mod path;
mod retry;
pub mod ser;
pub mod unrecognized;

pub use client::{
    ClientBuilder, FromTransport, Request, Response, Transport, UnrecognizedReport,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
};
pub use errors::{Error, InvalidParam, PageError, UnknownValue};
pub use paging::{items, pages, Page, Paged};
pub use unrecognized::{Unrecognized, UnrecognizedKind};
