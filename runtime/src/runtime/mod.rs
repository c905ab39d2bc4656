//! The part of the client that does not depend on the spec: the builder, errors, retries,
//! paging and decoding. The crate root's `ClientBuilder`, `Error` and `PageError` are
//! [`ClientBuilder`], [`Error`] and [`PageError`] with the spec's client and error body filled
//! in; their methods and variants are documented here.
//!
//! It is written by hand in the `openai-usage-runtime` crate (`runtime/src/runtime/`) and copied
//! into every generated crate by `cargo xtask regen`; the generated code calls it through
//! `crate::runtime`. The modules and traits marked hidden are that plumbing: public because the
//! generated code uses them, not meant to be called directly.

mod client;
#[doc(hidden)]
pub mod de;
#[doc(hidden)]
pub mod enums;
mod errors;
mod paging;
#[doc(hidden)]
pub mod path;
mod retry;
#[doc(hidden)]
pub mod ser;
mod timestamp;
#[doc(hidden)]
pub mod unrecognized;

pub use client::{
    install_default_tls, ClientBuilder, Response, UnrecognizedReport, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT,
};
#[doc(hidden)]
pub use client::{FromTransport, Request, Transport};
pub use errors::{Error, InvalidParam, PageError, UnknownValue};
#[doc(hidden)]
pub use paging::{items, pages, Page, Paged};
pub use timestamp::Timestamp;
pub use unrecognized::{Unrecognized, UnrecognizedKind};
