//! Exact sums of money. The generated crate reads costs as `f64`; each value is turned back into
//! the shortest decimal that reads as the same `f64` (which is the text the API sent, for up to
//! 15 significant digits) and kept as an integer number of billionths, so a month of line items
//! adds up without drift.

use std::fmt;
use std::ops::Add;

/// Billionths of a currency unit.
const SCALE: i128 = 1_000_000_000;

/// An amount of money, exact to a billionth of a unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(i128);

impl Money {
    /// The amount a decoded cost value stands for: its shortest decimal text, rounded half away
    /// from zero to a billionth. Not-a-number and infinities count as zero.
    pub fn from_f64(value: f64) -> Money {
        if !value.is_finite() {
            return Money(0);
        }
        Money::parse(&format!("{value}")).unwrap_or_default()
    }

    /// Parses a decimal (`12.50`, `-0.0036275`, `1e-3`).
    pub fn parse(text: &str) -> Option<Money> {
        let (mantissa, exponent) = match text.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.parse::<i32>().ok()?),
            None => (text, 0),
        };
        let (negative, digits) = match mantissa.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && fraction.is_empty()
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return None;
        }
        // The digits as an integer, and the power of ten that scales them to billionths.
        let all: String = whole.chars().chain(fraction.chars()).collect();
        let all = all.trim_start_matches('0');
        let shift = 9 + exponent - fraction.len() as i32;
        let mut value: i128 = 0;
        let mut dropped_half = false;
        let keep = if shift >= 0 {
            all.len()
        } else {
            all.len().saturating_sub((-shift) as usize)
        };
        for (i, b) in all.bytes().enumerate() {
            let digit = i128::from(b - b'0');
            if i < keep {
                value = value.checked_mul(10)?.checked_add(digit)?;
            } else if i == keep {
                dropped_half = digit >= 5;
            }
        }
        if shift > 0 {
            value = value.checked_mul(10i128.checked_pow(shift as u32)?)?;
        }
        if dropped_half {
            value += 1;
        }
        Some(Money(if negative { -value } else { value }))
    }

    /// An amount in cents.
    pub fn from_cents(cents: i64) -> Money {
        Money(i128::from(cents) * (SCALE / 100))
    }

    /// Rounded to cents, half away from zero, as `1234.57`.
    pub fn to_cents_string(self) -> String {
        let unit = SCALE / 100;
        let half = unit / 2;
        let cents = if self.0 >= 0 {
            (self.0 + half) / unit
        } else {
            (self.0 - half) / unit
        };
        let sign = if cents < 0 { "-" } else { "" };
        format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
    }

    /// Rounded to cents with thousands grouped, as `1,234.57`, for tables.
    pub fn to_grouped_cents(self) -> String {
        let text = self.to_cents_string();
        let (whole, cents) = text.split_once('.').expect("a decimal point");
        let number: i64 = whole.parse().unwrap_or(0);
        let sign = if whole.starts_with('-') && number == 0 {
            "-"
        } else {
            ""
        };
        format!("{sign}{}.{cents}", crate::grouped(number))
    }

    /// This amount as a percentage of `cents`.
    pub fn percent_of_cents(self, cents: i64) -> f64 {
        self.0 as f64 / (i128::from(cents) * (SCALE / 100)) as f64 * 100.0
    }
}

impl Add for Money {
    type Output = Money;

    fn add(self, other: Money) -> Money {
        Money(self.0 + other.0)
    }
}

/// The exact amount, with as many decimals as it needs (at least two): `12.50`, `0.0036275`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.abs();
        let fraction = format!("{:09}", abs % SCALE);
        let trimmed = fraction.trim_end_matches('0');
        let fraction = if trimmed.len() < 2 {
            &fraction[..2]
        } else {
            trimmed
        };
        write!(f, "{sign}{}.{fraction}", abs / SCALE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_exactly() {
        assert_eq!(Money::parse("12.50").unwrap().to_string(), "12.50");
        assert_eq!(Money::parse("0.0036275").unwrap().to_string(), "0.0036275");
        assert_eq!(
            Money::parse("0.003627500000000000000000000000000000")
                .unwrap()
                .to_string(),
            "0.0036275"
        );
        assert_eq!(Money::parse("0E-6176").unwrap(), Money(0));
        assert_eq!(Money::parse("1e-3").unwrap().to_string(), "0.001");
        assert_eq!(Money::parse("-2").unwrap().to_string(), "-2.00");
        assert_eq!(
            Money::parse("1.0000000005").unwrap().to_string(),
            "1.000000001"
        );
        assert_eq!(Money::parse("abc"), None);
        assert_eq!(Money::parse("."), None);
    }

    #[test]
    fn sums_do_not_drift() {
        // 0.1 added a million times is 100000 exactly, unlike in f64.
        let tenth = Money::from_f64(0.1);
        let sum = (0..1_000_000).fold(Money::default(), |s, _| s + tenth);
        assert_eq!(sum.to_string(), "100000.00");
        let float: f64 = (0..1_000_000).map(|_| 0.1).sum();
        assert_ne!(float, 100_000.0);
    }

    #[test]
    fn cents_round_half_away_from_zero() {
        assert_eq!(Money::parse("1.005").unwrap().to_cents_string(), "1.01");
        assert_eq!(Money::parse("1.004").unwrap().to_cents_string(), "1.00");
        assert_eq!(Money::parse("-1.005").unwrap().to_cents_string(), "-1.01");
        assert_eq!(Money::from_cents(123_456).to_cents_string(), "1234.56");
        assert_eq!(
            Money::from_cents(123_456_789).to_grouped_cents(),
            "1,234,567.89"
        );
        assert_eq!(Money::parse("-0.5").unwrap().to_grouped_cents(), "-0.50");
        assert_eq!(Money::from_cents(5_000).percent_of_cents(20_000), 25.0);
    }
}
