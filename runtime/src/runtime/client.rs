//! What a generated parameter struct tells the transport ([`Request`]), and what a call gives
//! back besides the value ([`Response`], [`UnrecognizedReport`]). The builder is in
//! `builder.rs`, the HTTP call with its retries and decoding in `transport.rs`.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::errors::InvalidParam;
use super::unrecognized::{Shape, TypeShape, Unrecognized};

/// What a generated parameter struct tells the transport about its operation.
pub trait Request {
    /// The decoded success body.
    type Response: DeserializeOwned;
    /// The decoded error body.
    type ErrorBody: DeserializeOwned + fmt::Debug;
    /// The HTTP method of the operation.
    const METHOD: reqwest::Method;
    /// The operation's `operationId`.
    const OPERATION_ID: &'static str;
    /// Whether sending it twice has the effect of sending it once. A request that is not is
    /// retried only after failures that cannot have reached the server (no connection, a 429),
    /// never after a timeout, a 5xx or a broken answer, which may come after the change was made.
    const IDEMPOTENT: bool;
    /// How the spec describes the success body, for [`ClientBuilder::on_unrecognized`](super::ClientBuilder::on_unrecognized).
    const RESPONSE_SHAPE: Shape;
    /// The spec's types that [`Self::RESPONSE_SHAPE`] refers to.
    const SHAPES: &'static [TypeShape];
    /// The path relative to the base URL, path parameters filled in (each one segment).
    fn path(&self) -> String;
    /// The query pairs to send.
    fn query(&self) -> Vec<(&'static str, String)>;
    /// Checks made before sending.
    fn check(&self) -> Result<(), InvalidParam>;
    /// The JSON request body, if the operation takes one and it is set.
    fn json_body(&self) -> Option<serde_json::Result<Vec<u8>>> {
        None
    }
}

/// A decoded value with the response it came in: status and headers (request id, rate limits).
#[derive(Clone, Debug)]
pub struct Response<T> {
    pub(super) value: T,
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, by value.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// All response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header, to quote to the API's support.
    pub fn request_id(&self) -> Option<&str> {
        header_str(&self.headers, "x-request-id")
    }

    /// A response header as text, if present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_str(&self.headers, name)
    }
}

pub(super) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// What a decoded response held that the spec does not describe, as given to the hook set with
/// [`ClientBuilder::on_unrecognized`](super::ClientBuilder::on_unrecognized).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnrecognizedReport {
    /// The `operationId` of the call.
    pub operation: &'static str,
    /// The `x-request-id` of the response, to quote to the API's support.
    pub request_id: Option<String>,
    /// Everything the spec does not describe, each with its JSON pointer in the body.
    pub items: Vec<Unrecognized>,
}

pub(super) type UnrecognizedHook = Arc<dyn Fn(&UnrecognizedReport) + Send + Sync>;
