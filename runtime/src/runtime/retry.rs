//! When to retry, and how long to wait first.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// Whether a response should be retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Retry, if retries are left.
    Retry,
    /// Do not retry.
    Final,
}

/// The server's `x-should-retry` header decides; without it, 408, 409, 429 and 5xx are retried
/// and every other status is final.
pub fn verdict(status: u16, headers: &HeaderMap) -> Verdict {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some(v) if v.eq_ignore_ascii_case("true") => return Verdict::Retry,
        Some(v) if v.eq_ignore_ascii_case("false") => return Verdict::Final,
        _ => {}
    }
    match status {
        408 | 409 | 429 | 500..=599 => Verdict::Retry,
        _ => Verdict::Final,
    }
}

/// Like [`verdict`], for a request that may not be sent twice (not idempotent): only what
/// cannot have been applied is retried, a 429 (rate limited before any work), unless the server
/// says `x-should-retry`. A 408, 409 or 5xx may come after the change was made.
pub fn verdict_for(status: u16, headers: &HeaderMap, idempotent: bool) -> Verdict {
    if idempotent {
        return verdict(status, headers);
    }
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some(v) if v.eq_ignore_ascii_case("true") => Verdict::Retry,
        Some(v) if v.eq_ignore_ascii_case("false") => Verdict::Final,
        _ if status == 429 => Verdict::Retry,
        _ => Verdict::Final,
    }
}

/// The delay the server asks for: `retry-after-ms` (milliseconds), else `retry-after` (seconds,
/// or an HTTP date); only if it is positive and at most `cap`.
pub fn retry_after(headers: &HeaderMap, cap: Duration) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let asked = if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        Some(ms / 1000.0)
    } else if let Some(value) = text("retry-after") {
        match value.parse::<f64>() {
            Ok(seconds) => Some(seconds),
            Err(_) => httpdate::parse_http_date(value).ok().map(|at| {
                match at.duration_since(SystemTime::now()) {
                    Ok(wait) => wait.as_secs_f64(),
                    Err(_) => 0.0,
                }
            }),
        }
    } else {
        None
    };
    // Compared as numbers first: a server's `1e20` or `1e300` is no `Duration` at all.
    let seconds = asked.filter(|s| s.is_finite() && *s > 0.0 && *s <= cap.as_secs_f64())?;
    Duration::try_from_secs_f64(seconds).ok()
}

/// Exponential backoff with jitter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// The delay before the first retry.
    pub initial: Duration,
    /// The longest computed delay.
    pub max: Duration,
    /// The longest delay a server may ask for.
    pub max_retry_after: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(500),
            max: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The delay after failed attempt number `attempt` (1-based): what the server asked for, or
    /// `initial * 2^(attempt-1)` up to `max`, less up to 25 % jitter.
    pub fn delay(&self, attempt: u32, asked: Option<Duration>) -> Duration {
        if let Some(asked) = asked {
            return asked;
        }
        let doubled = self
            .initial
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(20));
        let base = doubled.min(self.max);
        base.mul_f64(1.0 - 0.25 * unit_random())
    }
}

/// A number in `[0, 1)`, from the standard library's per-process random hasher keys.
fn unit_random() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn statuses() {
        for status in [408, 409, 429, 500, 502, 503, 599] {
            assert_eq!(
                verdict(status, &HeaderMap::new()),
                Verdict::Retry,
                "{status}"
            );
        }
        for status in [200, 400, 401, 403, 404, 422] {
            assert_eq!(
                verdict(status, &HeaderMap::new()),
                Verdict::Final,
                "{status}"
            );
        }
        let no = headers(&[("x-should-retry", "false")]);
        assert_eq!(verdict(503, &no), Verdict::Final);
        let yes = headers(&[("x-should-retry", "true")]);
        assert_eq!(verdict(400, &yes), Verdict::Retry);
    }

    #[test]
    fn a_request_that_may_not_be_sent_twice_is_retried_only_when_it_cannot_have_been_applied() {
        let none = HeaderMap::new();
        for (status, expected) in [
            (429, Verdict::Retry),
            (408, Verdict::Final),
            (409, Verdict::Final),
            (500, Verdict::Final),
            (503, Verdict::Final),
            (400, Verdict::Final),
        ] {
            assert_eq!(verdict_for(status, &none, false), expected, "{status}");
        }
        assert_eq!(verdict_for(503, &none, true), Verdict::Retry);
        let mut yes = HeaderMap::new();
        yes.insert("x-should-retry", "true".parse().unwrap());
        assert_eq!(verdict_for(503, &yes, false), Verdict::Retry);
        let mut no = HeaderMap::new();
        no.insert("x-should-retry", "false".parse().unwrap());
        assert_eq!(verdict_for(429, &no, false), Verdict::Final);
    }

    #[test]
    fn server_delays() {
        let cap = Duration::from_secs(60);
        let ms = headers(&[("retry-after-ms", "250"), ("retry-after", "9")]);
        assert_eq!(retry_after(&ms, cap), Some(Duration::from_millis(250)));
        let s = headers(&[("retry-after", "2")]);
        assert_eq!(retry_after(&s, cap), Some(Duration::from_secs(2)));
        let too_long = headers(&[("retry-after", "120")]);
        assert_eq!(retry_after(&too_long, cap), None);
        let zero = headers(&[("retry-after", "0")]);
        assert_eq!(retry_after(&zero, cap), None);
        let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let at = headers(&[("retry-after", &date)]);
        let wait = retry_after(&at, cap).unwrap();
        assert!(
            wait > Duration::from_secs(28) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        let junk = headers(&[("retry-after", "soon")]);
        assert_eq!(retry_after(&junk, cap), None);
    }

    #[test]
    fn absurd_server_delays_fall_back_without_a_panic() {
        let cap = Duration::from_secs(60);
        for (name, value) in [
            ("retry-after", "1e20"),
            ("retry-after-ms", "1e300"),
            ("retry-after", "inf"),
            ("retry-after-ms", "NaN"),
            ("retry-after", "-5"),
            ("retry-after", "18446744073709551616"),
        ] {
            assert_eq!(
                retry_after(&headers(&[(name, value)]), cap),
                None,
                "{name}: {value}"
            );
        }
        // Even an unlimited cap takes no delay a `Duration` cannot hold.
        let huge = headers(&[("retry-after", "1e20")]);
        assert_eq!(retry_after(&huge, Duration::MAX), None);
    }

    #[test]
    fn backoff_doubles_to_the_cap_with_jitter() {
        let b = Backoff::default();
        for (attempt, base) in [
            (1, 0.5),
            (2, 1.0),
            (3, 2.0),
            (4, 4.0),
            (5, 8.0),
            (6, 8.0),
            (40, 8.0),
        ] {
            let d = b.delay(attempt, None).as_secs_f64();
            assert!(d <= base && d >= base * 0.75, "attempt {attempt}: {d}");
        }
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }
}
