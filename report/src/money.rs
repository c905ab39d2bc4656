//! Exact sums of money. Costs arrive as exact decimals (`openai_usage::rust_decimal::Decimal`,
//! decoded from the digits the API sent), so a month of line items adds up without drift; this
//! type adds the report's roundings (cents, half away from zero) and its formats.

use std::fmt;
use std::ops::Add;

use openai_usage::rust_decimal::{Decimal, RoundingStrategy};

/// An amount of money, exact (28 significant digits).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    /// The amount a decoded cost value stands for.
    pub fn from_decimal(value: Decimal) -> Money {
        Money(value)
    }

    /// Parses a decimal (`12.50`, `-0.0036275`, `1e-3`).
    pub fn parse(text: &str) -> Option<Money> {
        text.parse().ok().map(Money)
    }

    /// The exact amount.
    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// An amount in cents.
    pub fn from_cents(cents: i64) -> Money {
        Money(Decimal::new(cents, 2))
    }

    /// Rounded to cents, half away from zero, as `1234.57`.
    pub fn to_cents_string(self) -> String {
        let mut cents = self
            .0
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        cents.rescale(2);
        if cents.is_zero() && self.0.is_sign_negative() && !self.0.is_zero() {
            // -0.001 rounds to zero; show it as such, without a sign.
            return "0.00".into();
        }
        cents.to_string()
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
        let whole = Decimal::new(cents, 2);
        if whole.is_zero() {
            return 0.0;
        }
        (self.0 / whole * Decimal::ONE_HUNDRED)
            .to_string()
            .parse()
            .unwrap_or(0.0)
    }
}

impl Money {
    /// The sum, or `None` past the largest amount a `Decimal` holds (about 7.9e28).
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
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
        let mut value = self.0.normalize();
        if value.scale() < 2 {
            value.rescale(2);
        }
        write!(f, "{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_their_exact_digits() {
        assert_eq!(Money::parse("12.50").unwrap().to_string(), "12.50");
        assert_eq!(Money::parse("0.0036275").unwrap().to_string(), "0.0036275");
        assert_eq!(
            Money::parse("0.003627500000000000000000000000000000")
                .unwrap()
                .to_string(),
            "0.0036275"
        );
        assert_eq!(Money::parse("1e-3").unwrap().to_string(), "0.001");
        assert_eq!(Money::parse("-2").unwrap().to_string(), "-2.00");
        assert_eq!(Money::parse("abc"), None);
        assert_eq!(Money::parse("."), None);
    }

    #[test]
    fn sums_do_not_drift() {
        // 0.1 added a million times is 100000 exactly, unlike in f64.
        let tenth = Money::parse("0.1").unwrap();
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
