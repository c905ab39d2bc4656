//! Path parameters: each value fills exactly one path segment, whatever it holds. A value can
//! never add a segment (`/`), climb out of one (`.`, `..`), end the path (`?`, `#`) or leave a
//! segment empty.

use super::errors::InvalidParam;

/// `value` percent-encoded as one path segment: every byte but RFC 3986's unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) is encoded, so `/`, `?`, `#`, `%`, spaces and non-ASCII text are
/// data, never syntax.
pub fn segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Refuses, before sending, a path parameter value that cannot be one segment: an empty value
/// (the path would lose a segment), or `.` or `..`, which URL parsers resolve as "this" and
/// "parent" even when percent-encoded.
pub fn check_segment(
    operation: &'static str,
    param: &'static str,
    value: &str,
) -> Result<(), InvalidParam> {
    let problem = match value {
        "" => "is empty; a path parameter must name something",
        "." | ".." => "cannot be a path segment (`.` and `..` are relative paths)",
        _ => return Ok(()),
    };
    Err(InvalidParam::new(
        operation,
        param,
        format!("`{value}` {problem}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_separator_and_non_ascii_byte_is_encoded() {
        assert_eq!(segment("proj_abc-1.2~x"), "proj_abc-1.2~x");
        assert_eq!(segment("a/b"), "a%2Fb");
        assert_eq!(segment("../admin"), "..%2Fadmin");
        assert_eq!(segment("x?y=1#z"), "x%3Fy%3D1%23z");
        assert_eq!(segment("50% off"), "50%25%20off");
        assert_eq!(segment("é"), "%C3%A9");
        assert_eq!(segment("a\\b;c"), "a%5Cb%3Bc");
    }

    #[test]
    fn values_that_cannot_be_one_segment_are_refused() {
        for bad in ["", ".", ".."] {
            let error = check_segment("op", "id", bad).unwrap_err();
            assert_eq!(error.param(), "id");
            assert!(error.to_string().contains(&format!("`{bad}`")), "{error}");
        }
        for good in ["...", ".a", "a..", "%2e%2e", " "] {
            assert!(check_segment("op", "id", good).is_ok(), "{good}");
        }
    }

    #[test]
    fn an_encoded_segment_stays_one_segment_in_a_url() {
        for value in ["a/b", "../..", "x?q#f", "%2e%2e", "..%2f", " / ", "日本"] {
            let url = reqwest::Url::parse(&format!("http://h/p/{}/q", segment(value))).unwrap();
            let segments: Vec<&str> = url.path_segments().unwrap().collect();
            assert_eq!(segments.len(), 3, "{value}: {url}");
            assert_eq!((segments[0], segments[2]), ("p", "q"), "{value}: {url}");
            assert_eq!(url.query(), None, "{value}");
            assert_eq!(url.fragment(), None, "{value}");
        }
    }
}
