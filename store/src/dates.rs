//! UTC calendar days (Howard Hinnant's civil-date algorithm): the store's days, months and
//! messages, and the report's.

use crate::streams::DAY;

/// The UTC calendar date `(year, month, day)` of a day counted from 1970-01-01.
pub fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// A Unix time as its UTC date, `YYYY-MM-DD`.
pub fn date(unix: i64) -> String {
    let (year, month, day) = civil(unix.div_euclid(DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// The start (00:00 UTC) of the first day of the month `unix` is in.
pub fn month_start(unix: i64) -> i64 {
    let days = unix.div_euclid(DAY);
    let (_, _, day) = civil(days);
    (days - (day - 1)) * DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_months_are_utc_calendar_ones() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_733_011_200), "2024-12-01");
        assert_eq!(date(1_709_164_800), "2024-02-29");
        assert_eq!(date(-1), "1969-12-31");
        // 2024-12-01T00:00:00Z, 2024-12-15T13:00:00Z, 2024-02-29T23:59:59Z, 2025-01-01.
        assert_eq!(month_start(1_733_011_200), 1_733_011_200);
        assert_eq!(month_start(1_734_267_600), 1_733_011_200);
        assert_eq!(month_start(1_709_251_199), 1_706_745_600);
        assert_eq!(month_start(1_735_689_600), 1_735_689_600);
    }
}
