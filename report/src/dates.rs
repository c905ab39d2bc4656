//! UTC calendar dates and Unix days (Howard Hinnant's civil-date algorithms), for the period's
//! bounds and the rows' dates.

/// Seconds in a day.
pub const DAY: i64 = 86_400;

pub use openai_usage_store::dates::date;

/// A Unix time as its UTC date and minute, `YYYY-MM-DD HH:MM`.
pub fn date_time(unix: i64) -> String {
    let seconds = unix.rem_euclid(DAY);
    format!(
        "{} {:02}:{:02}",
        date(unix),
        seconds / 3600,
        seconds % 3600 / 60
    )
}

/// The Unix time of the start (00:00 UTC) of a `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Result<i64, String> {
    let bad = || format!("`{text}` is not a date like 2024-11-30");
    let mut parts = text.splitn(3, '-');
    let mut next = |len: usize| -> Result<i64, String> {
        let part = parts.next().ok_or_else(bad)?;
        if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (year, month, day) = (next(4)?, next(2)?, next(2)?);
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(format!("`{text}` is not a day of the calendar"));
    }
    Ok(days_from_civil(year, month, day) * DAY)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

pub(crate) use openai_usage_store::dates::civil;

pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_730_419_200), "2024-11-01");
        assert_eq!(date(1_709_164_800), "2024-02-29");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(-86_400), "1969-12-31");
    }

    #[test]
    fn parsing_is_the_inverse_and_refuses_non_dates() {
        assert_eq!(parse_date("2024-11-01"), Ok(1_730_419_200));
        assert_eq!(parse_date("2000-02-29"), Ok(951_782_400));
        for day in (-719_000..2_900_000).step_by(997) {
            assert_eq!(parse_date(&date(day * DAY)), Ok(day * DAY));
        }
        for bad in [
            "2023-02-29",
            "2024-13-01",
            "2024-1-01",
            "yesterday",
            "2024-11-31",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
