//! The part of the client that does not depend on the spec: the builder, errors, retries,
//! paging and decoding. The crate root's `ClientBuilder`, `Error` and `PageError` are
//! [`ClientBuilder`], [`Error`] and [`PageError`] with the spec's client and error body filled
//! in; their methods and variants are documented here.
//!
//! It is written by hand in the `openai-usage-runtime` crate (`runtime/src/runtime/`) and copied
//! into every generated crate by `cargo xtask regen`; the generated code calls it through
//! `crate::runtime`. The modules and traits marked hidden are that plumbing: public because the
//! generated code uses them, not meant to be called directly.

/// A tracing event when the `tracing` feature is on; nothing at all when it is off.
macro_rules! event {
    ($level:ident, $($rest:tt)*) => {
        #[cfg(feature = "tracing")]
        tracing::$level!($($rest)*);
    };
}

mod builder;
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
mod transport;
#[doc(hidden)]
pub mod unrecognized;

#[doc(hidden)]
pub use builder::FromTransport;
pub use builder::{
    install_default_tls, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
};
#[doc(hidden)]
pub use client::Request;
pub use client::{Response, UnrecognizedReport};
pub use errors::{Error, InvalidParam, PageError, UnknownValue};
#[doc(hidden)]
pub use paging::{items, pages, Page, Paged};
pub use timestamp::Timestamp;
#[doc(hidden)]
pub use transport::Transport;
pub use unrecognized::{Unrecognized, UnrecognizedKind};
