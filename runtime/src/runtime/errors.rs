//! Errors: of values checked on this side of the wire, and of calls.

use std::fmt;
use std::time::Duration;

/// A string that is not one of the values an enum allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
    expected: Vec<&'static str>,
}

impl UnknownValue {
    /// `value` is not one of `expected`, the wire values of `type_name`.
    pub fn new(type_name: &'static str, value: &str, expected: Vec<&'static str>) -> Self {
        UnknownValue {
            type_name,
            value: value.to_owned(),
            expected,
        }
    }

    /// The string that was given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values that are allowed.
    pub fn expected(&self) -> &[&'static str] {
        &self.expected
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}: expected one of ",
            self.value, self.type_name
        )?;
        for (i, value) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownValue {}

/// A parameter value that the API would reject, caught before the request is sent: a
/// parameter, or a field of the request body (`body.notification_channel.recipients`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidParam {
    operation: &'static str,
    param: std::borrow::Cow<'static, str>,
    message: String,
}

impl InvalidParam {
    /// `param` of `operation` is wrong, as `message` says.
    pub fn new(operation: &'static str, param: &'static str, message: String) -> Self {
        InvalidParam {
            operation,
            param: param.into(),
            message,
        }
    }

    /// The field `field` of a value (a request body's struct) is wrong, as `message` says;
    /// [`within`](Self::within) and [`in_operation`](Self::in_operation) say where the value is.
    pub fn field(field: &'static str, message: String) -> Self {
        InvalidParam {
            operation: "",
            param: field.into(),
            message,
        }
    }

    /// The same error, for the value held by the field or parameter `outer`: its name comes
    /// first (`outer.inner`).
    pub fn within(mut self, outer: &str) -> Self {
        self.param = format!("{outer}.{}", self.param).into();
        self
    }

    /// The same error, in a request of `operation`.
    pub fn in_operation(mut self, operation: &'static str) -> Self {
        self.operation = operation;
        self
    }

    /// The `operationId` of the operation (empty for a value checked on its own).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The wire name of the parameter, or the path of the body's field
    /// (`body.threshold_amount`).
    pub fn param(&self) -> &str {
        &self.param
    }
}

impl fmt::Display for InvalidParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.operation.is_empty() {
            write!(f, "invalid value of `{}`: {}", self.param, self.message)
        } else {
            write!(
                f,
                "invalid parameter `{}` for {}: {}",
                self.param, self.operation, self.message
            )
        }
    }
}

impl std::error::Error for InvalidParam {}

/// Why a call failed. `B` is the type of the API's error body, as the spec describes it.
///
/// No variant ever holds the API key: texts that came from the server are searched for it and
/// have it replaced by `[REDACTED]`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<B: fmt::Debug = crate::ErrorBody> {
    /// The API answered with an error status (after any retries). Shown as
    /// `HTTP 404 Not Found: No such project: proj_x (code not_found, request id req_1)`: the
    /// body's own message when it has one, else the start of the body.
    #[error("{}", api_text(*status, message.as_deref(), code.as_deref(), request_id.as_deref(), snippet))]
    Api {
        /// The HTTP status code.
        status: u16,
        /// The `x-request-id` of the response, to quote to the API's support.
        request_id: Option<String>,
        /// The error body, when it had the shape the spec gives.
        body: Option<Box<B>>,
        /// The error's own message, when the body has one (`error.message`, or `message`, or
        /// `error` as text: the shapes JSON APIs use).
        message: Option<String>,
        /// The error's code, when the body has one (`error.code` or `code`).
        code: Option<String>,
        /// The start of the body as it came (for bodies of another shape).
        snippet: String,
    },
    /// No response: the connection could not be made or broke (after any retries).
    #[error("request failed after {attempts} attempt(s): {message}")]
    Transport {
        /// What went wrong.
        message: String,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The last attempt took longer than the request timeout.
    #[error("request timed out after {timeout:?} ({attempts} attempt(s))")]
    Timeout {
        /// The timeout of one attempt.
        timeout: Duration,
        /// How many attempts were made.
        attempts: u32,
    },
    /// A success response whose body is not what the spec says.
    #[error("cannot decode the HTTP {status} response{} at `{path}`: {message}; the body starts: {snippet}", request_suffix(request_id))]
    Decode {
        /// The HTTP status code.
        status: u16,
        /// The `x-request-id` of the response.
        request_id: Option<String>,
        /// Where in the body decoding failed (`data[3].results[0].input_tokens`; `.` for the top).
        path: String,
        /// What was wrong there.
        message: String,
        /// The start of the body.
        snippet: String,
    },
    /// The response body is larger than the client accepts
    /// ([`ClientBuilder::max_response_bytes`](super::ClientBuilder::max_response_bytes)),
    /// counted after decompression; reading stopped there. Not retried.
    #[error("the HTTP {status} response{} is larger than {limit} bytes (after decompression), the most this client reads; raise `ClientBuilder::max_response_bytes` if the API's pages are really this large, or ask for fewer buckets (`limit`)", request_suffix(request_id))]
    TooLarge {
        /// The HTTP status code.
        status: u16,
        /// The `x-request-id` of the response.
        request_id: Option<String>,
        /// The limit, in bytes.
        limit: u64,
    },
    /// A parameter is out of the bounds the spec states; nothing was sent.
    #[error(transparent)]
    InvalidParam(#[from] InvalidParam),
    /// Paging: the server sent a cursor it had sent before, which would page forever.
    #[error(
        "the server returned the page cursor `{cursor}` a second time; stopping instead of looping"
    )]
    RepeatedCursor {
        /// The repeated cursor.
        cursor: String,
    },
    /// Paging: the server said more pages follow but sent no cursor to ask for them. Stopping
    /// there would return a silently short answer (spend under-counted), so it is an error.
    #[error("page {page} says more pages follow but gives no cursor to ask for them; stopping instead of returning a short answer")]
    MissingCursor {
        /// Which page (1 for the first this walk asked for).
        page: u64,
    },
    /// Paging: the server sent this many empty pages in a row (100), each with a new cursor; a
    /// server that keeps saying "more" and sends nothing would otherwise be followed forever.
    #[error("the server sent {count} empty pages in a row, each pointing to another; stopping instead of paging forever")]
    EmptyPages {
        /// How many empty pages came in a row.
        count: u64,
    },
    /// The client could not be set up (a bad base URL, a missing key, ...).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

impl<B: fmt::Debug> Error<B> {
    /// The HTTP status, for errors that had a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. }
            | Error::Decode { status, .. }
            | Error::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The `x-request-id` of the response, for errors that had one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api { request_id, .. }
            | Error::Decode { request_id, .. }
            | Error::TooLarge { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// How an API error reads: the status with its reason, the body's message (else the start of
/// the body), and the code and request id to quote.
fn api_text(
    status: u16,
    message: Option<&str>,
    code: Option<&str>,
    request_id: Option<&str>,
    snippet: &str,
) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map_or(String::new(), |r| format!(" {r}"));
    let mut notes = Vec::new();
    if let Some(code) = code {
        notes.push(format!("code {code}"));
    }
    if let Some(id) = request_id {
        notes.push(format!("request id {id}"));
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!(" ({})", notes.join(", "))
    };
    match message {
        Some(message) => format!("HTTP {status}{reason}: {message}{notes}"),
        None => format!("HTTP {status}{reason}{notes}: {snippet}"),
    }
}

/// The message and code of an error body, in the shapes JSON APIs use: `{"error": {"message",
/// "code"}}`, `{"message", "code"}`, or `{"error": "text"}`.
pub(crate) fn message_and_code(body: &serde_json::Value) -> (Option<String>, Option<String>) {
    let inner = body.get("error").filter(|e| e.is_object()).unwrap_or(body);
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    let message = inner
        .get("message")
        .and_then(text)
        .or_else(|| body.get("error").and_then(text));
    let code = inner.get("code").and_then(text);
    (message, code)
}

fn request_suffix(request_id: &Option<String>) -> String {
    match request_id {
        Some(id) => format!(" (request id {id})"),
        None => String::new(),
    }
}

/// An error while paging, with the cursor to resume from: pass it as the page parameter of a new
/// stream to continue without losing a page or seeing one twice.
#[derive(Debug, thiserror::Error)]
#[error("{error} ({})", match .cursor { Some(c) => format!("resume from page cursor `{c}`"), None => "on the first page".to_owned() })]
pub struct PageError<B: fmt::Debug = crate::ErrorBody> {
    cursor: Option<String>,
    #[source]
    error: Error<B>,
}

impl<B: fmt::Debug> PageError<B> {
    pub(crate) fn new(cursor: Option<String>, error: Error<B>) -> Self {
        PageError { cursor, error }
    }

    /// The cursor of the page that failed (`None`: the first page, fetched without a cursor).
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// What went wrong.
    pub fn error(&self) -> &Error<B> {
        &self.error
    }

    /// What went wrong, by value.
    pub fn into_error(self) -> Error<B> {
        self.error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_error_names_its_status_request_id_and_body() {
        let err: Error = Error::Api {
            status: 429,
            request_id: Some("req_123".into()),
            body: None,
            message: None,
            code: None,
            snippet: "<html>slow down</html>".into(),
        };
        assert_eq!(
            err.to_string(),
            "HTTP 429 Too Many Requests (request id req_123): <html>slow down</html>"
        );
        let with_message: Error = Error::Api {
            status: 404,
            request_id: Some("req_1".into()),
            body: None,
            message: Some("No such project: proj_nope".into()),
            code: Some("not_found".into()),
            snippet: String::new(),
        };
        assert_eq!(
            with_message.to_string(),
            "HTTP 404 Not Found: No such project: proj_nope (code not_found, request id req_1)"
        );
        assert_eq!(err.status(), Some(429));
        assert_eq!(err.request_id(), Some("req_123"));
    }

    #[test]
    fn the_message_and_code_are_read_from_the_usual_shapes() {
        use serde_json::json;
        let read = |v| message_and_code(&v);
        assert_eq!(
            read(json!({"error": {"message": "m", "code": "c", "type": "t"}})),
            (Some("m".into()), Some("c".into()))
        );
        assert_eq!(
            read(json!({"message": "m", "code": 42})),
            (Some("m".into()), Some("42".into()))
        );
        assert_eq!(
            read(json!({"error": "slow down"})),
            (Some("slow down".into()), None)
        );
        assert_eq!(read(json!({"error": {"message": null}})), (None, None));
        assert_eq!(read(json!([1, 2])), (None, None));
    }

    #[test]
    fn a_decode_error_names_the_place_and_the_body_start() {
        let err: Error = Error::Decode {
            status: 200,
            request_id: None,
            path: "data[3].results[0].input_tokens".into(),
            message: "invalid type: string".into(),
            snippet: "{\"object\":\"page\"".into(),
        };
        let text = err.to_string();
        assert!(
            text.starts_with("cannot decode the HTTP 200 response at `data[3]"),
            "{text}"
        );
        assert!(
            text.ends_with("the body starts: {\"object\":\"page\""),
            "{text}"
        );
        assert_eq!(err.request_id(), None);
    }

    #[test]
    fn a_page_error_says_where_to_resume() {
        let first = PageError::<serde_json::Value>::new(None, Error::Config("x".into()));
        assert!(
            first.to_string().ends_with("(on the first page)"),
            "{first}"
        );
        let later = PageError::<serde_json::Value>::new(
            Some("page_abc".into()),
            Error::RepeatedCursor { cursor: "c".into() },
        );
        assert!(later
            .to_string()
            .ends_with("(resume from page cursor `page_abc`)"));
        assert_eq!(later.cursor(), Some("page_abc"));
        assert!(matches!(later.into_error(), Error::RepeatedCursor { .. }));
    }

    #[test]
    fn an_unknown_value_lists_what_was_expected() {
        let err = UnknownValue::new("BucketWidth", "1w", vec!["1m", "1h", "1d"]);
        assert_eq!(
            err.to_string(),
            "`1w` is not a valid BucketWidth: expected one of `1m`, `1h`, `1d`"
        );
    }

    #[test]
    fn an_invalid_param_names_operation_and_parameter() {
        let err = InvalidParam::new("usage_costs", "limit", "must be at most 180".into());
        assert_eq!(err.operation(), "usage_costs");
        assert_eq!(err.param(), "limit");
        assert!(err.to_string().contains("must be at most 180"), "{err}");
    }
}
