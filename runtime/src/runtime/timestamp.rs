//! [`Timestamp`]: a point in time as the API sends it, whole seconds since the Unix epoch (UTC),
//! for every parameter and field the spec marks `format: unix-time`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A point in time, in whole seconds since 1970-01-01T00:00:00Z, as the API sends and takes it.
///
/// Convert from and to [`SystemTime`] (`Timestamp::now()`, `Timestamp::from(system_time)`,
/// `SystemTime::from(timestamp)`), or from Unix seconds (`Timestamp::from(1_730_419_200)`).
/// With the crate's `jiff`, `chrono` or `time` feature, it also converts from and to
/// `jiff::Timestamp`, `chrono::DateTime<Utc>` and `time::OffsetDateTime`. It prints as RFC 3339
/// (`2024-11-01T00:00:00Z`) and is sent and received as the integer.
///
/// A parameter of this type is checked before sending: a negative value, or one that looks like
/// milliseconds (after the year 2286 in seconds), is refused with an
/// [`InvalidParam`](super::InvalidParam) instead of silently returning nothing.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(i64);

/// Unix seconds above this are in the year 2286 or later: far more likely milliseconds.
const LAST_PLAUSIBLE_SECOND: i64 = 9_999_999_999;

impl Timestamp {
    /// The timestamp `seconds` after the Unix epoch.
    pub const fn from_unix_seconds(seconds: i64) -> Timestamp {
        Timestamp(seconds)
    }

    /// Whole seconds since the Unix epoch.
    pub const fn as_unix_seconds(self) -> i64 {
        self.0
    }

    /// The current time, to the second (rounded down).
    pub fn now() -> Timestamp {
        Timestamp::from(SystemTime::now())
    }

    /// Why this cannot be a time parameter (negative, or milliseconds by mistake), if it cannot.
    #[doc(hidden)]
    pub fn parameter_problem(self) -> Option<String> {
        if self.0 < 0 {
            Some(format!(
                "{} is before 1970: Unix seconds are not negative",
                self.0
            ))
        } else if self.0 > LAST_PLAUSIBLE_SECOND {
            Some(format!(
                "{} looks like milliseconds (as seconds it is after the year 2286): the API takes Unix seconds; divide by 1000",
                self.0
            ))
        } else {
            None
        }
    }
}

impl From<i64> for Timestamp {
    /// Unix seconds.
    fn from(seconds: i64) -> Timestamp {
        Timestamp(seconds)
    }
}

impl From<Timestamp> for i64 {
    fn from(t: Timestamp) -> i64 {
        t.0
    }
}

impl From<SystemTime> for Timestamp {
    /// To the second, rounded down (towards the past, before 1970 too).
    fn from(time: SystemTime) -> Timestamp {
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Timestamp(i64::try_from(after.as_secs()).unwrap_or(i64::MAX)),
            Err(before) => {
                let before = before.duration();
                let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                Timestamp(-whole - i64::from(before.subsec_nanos() > 0))
            }
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> SystemTime {
        if t.0 >= 0 {
            UNIX_EPOCH + Duration::from_secs(t.0.unsigned_abs())
        } else {
            UNIX_EPOCH - Duration::from_secs(t.0.unsigned_abs())
        }
    }
}

impl std::ops::Add<Duration> for Timestamp {
    type Output = Timestamp;

    /// Later by `duration`, in whole seconds (rounded down).
    fn add(self, duration: Duration) -> Timestamp {
        Timestamp(
            self.0
                .saturating_add(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)),
        )
    }
}

impl std::ops::Sub<Duration> for Timestamp {
    type Output = Timestamp;

    /// Earlier by `duration`, in whole seconds (rounded down).
    fn sub(self, duration: Duration) -> Timestamp {
        Timestamp(
            self.0
                .saturating_sub(i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)),
        )
    }
}

/// RFC 3339 in UTC: `2024-11-01T00:00:00Z`.
impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(86_400);
        let second_of_day = self.0.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            second_of_day / 3_600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )
    }
}

/// The proleptic Gregorian date of a day number (days since 1970-01-01); Howard Hinnant's
/// `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(feature = "jiff")]
impl From<jiff::Timestamp> for Timestamp {
    /// To the second, rounded down.
    fn from(t: jiff::Timestamp) -> Timestamp {
        Timestamp(t.as_second() - i64::from(t.subsec_nanosecond() < 0))
    }
}

#[cfg(feature = "jiff")]
impl From<Timestamp> for jiff::Timestamp {
    /// Saturating at jiff's range (years -9999 to 9999).
    fn from(t: Timestamp) -> jiff::Timestamp {
        let clamped = t.0.clamp(
            jiff::Timestamp::MIN.as_second(),
            jiff::Timestamp::MAX.as_second(),
        );
        jiff::Timestamp::from_second(clamped).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

#[cfg(feature = "chrono")]
impl<Tz: chrono::TimeZone> From<chrono::DateTime<Tz>> for Timestamp {
    /// To the second, rounded down.
    fn from(t: chrono::DateTime<Tz>) -> Timestamp {
        Timestamp(t.timestamp())
    }
}

#[cfg(feature = "chrono")]
impl From<Timestamp> for chrono::DateTime<chrono::Utc> {
    /// Saturating at chrono's range.
    fn from(t: Timestamp) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(t.0, 0).unwrap_or(if t.0 < 0 {
            chrono::DateTime::<chrono::Utc>::MIN_UTC
        } else {
            chrono::DateTime::<chrono::Utc>::MAX_UTC
        })
    }
}

#[cfg(feature = "time")]
impl From<time::OffsetDateTime> for Timestamp {
    /// To the second, rounded down.
    fn from(t: time::OffsetDateTime) -> Timestamp {
        Timestamp(t.unix_timestamp())
    }
}

#[cfg(feature = "time")]
impl From<Timestamp> for time::OffsetDateTime {
    /// Saturating at time's default range (years -9999 to 9999).
    fn from(t: Timestamp) -> time::OffsetDateTime {
        let (min, max) = (
            time::PrimitiveDateTime::MIN.assume_utc().unix_timestamp(),
            time::PrimitiveDateTime::MAX.assume_utc().unix_timestamp(),
        );
        time::OffsetDateTime::from_unix_timestamp(t.0.clamp(min, max))
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_as_rfc_3339_utc() {
        // Dates from the reference pages and the calendar's edge cases.
        assert_eq!(
            Timestamp::from(1_730_419_200).to_string(),
            "2024-11-01T00:00:00Z"
        );
        assert_eq!(Timestamp::from(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::from(951_782_400).to_string(),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from(1_733_011_199).to_string(),
            "2024-11-30T23:59:59Z"
        );
        assert_eq!(Timestamp::from(-1).to_string(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn converts_to_and_from_system_time() {
        let t = Timestamp::from(1_730_419_200);
        let system = SystemTime::from(t);
        assert_eq!(
            system.duration_since(UNIX_EPOCH).unwrap().as_secs(),
            1_730_419_200
        );
        assert_eq!(Timestamp::from(system + Duration::from_millis(999)), t);
        assert_eq!(
            Timestamp::from(UNIX_EPOCH - Duration::from_millis(1)),
            Timestamp::from(-1)
        );
        assert_eq!(
            t + Duration::from_secs(86_400),
            Timestamp::from(1_730_505_600)
        );
        assert!(Timestamp::now() > t);
    }

    #[test]
    fn negative_or_millisecond_values_are_not_parameters() {
        assert_eq!(Timestamp::from(1_730_419_200).parameter_problem(), None);
        let ms = Timestamp::from(1_730_419_200_000)
            .parameter_problem()
            .unwrap();
        assert!(ms.contains("looks like milliseconds"), "{ms}");
        let negative = Timestamp::from(-5).parameter_problem().unwrap();
        assert!(negative.contains("before 1970"), "{negative}");
    }

    #[cfg(feature = "jiff")]
    #[test]
    fn converts_with_jiff() {
        let t = Timestamp::from(1_730_419_200);
        let j = jiff::Timestamp::from(t);
        assert_eq!(j.to_string(), "2024-11-01T00:00:00Z");
        assert_eq!(Timestamp::from(j), t);
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn converts_with_chrono() {
        let t = Timestamp::from(1_730_419_200);
        let c = chrono::DateTime::<chrono::Utc>::from(t);
        assert_eq!(c.timestamp(), 1_730_419_200);
        assert_eq!(Timestamp::from(c), t);
    }

    #[cfg(feature = "time")]
    #[test]
    fn converts_with_time() {
        let t = Timestamp::from(1_730_419_200);
        let o = time::OffsetDateTime::from(t);
        assert_eq!((o.year(), o.month() as u8, o.day()), (2024, 11, 1));
        assert_eq!(Timestamp::from(o), t);
    }

    #[test]
    fn travels_as_the_integer() {
        let t: Timestamp = serde_json::from_str("1730419200").unwrap();
        assert_eq!(t.as_unix_seconds(), 1_730_419_200);
        assert_eq!(serde_json::to_string(&t).unwrap(), "1730419200");
    }
}
