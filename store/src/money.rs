//! Exact money: amounts are stored as decimal text (SQLite) or `numeric` (PostgreSQL) and summed
//! without rounding.

use openai_usage::rust_decimal::Decimal;

use crate::Error;

/// A stored amount or a database's sum, exactly: more digits than a decimal holds (28) is an
/// error, never a rounded amount.
pub(crate) fn parse(text: &str) -> Result<Decimal, Error> {
    Decimal::from_str_exact(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|_| Error::Corrupt {
            message: format!(
                "the amount `{text}` is not a decimal of at most 28 digits; it cannot be reported exactly"
            ),
        })
}

fn overflow() -> Error {
    Error::Corrupt {
        message: "a sum of costs has more digits than an exact decimal holds (28); it cannot be reported exactly".into(),
    }
}

/// A sum of decimals without rounding: `i128` units of 10^-scale, rescaled up as finer amounts
/// come. `Decimal`'s own addition rounds when the exact sum has more than 28 digits.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ExactSum {
    units: i128,
    scale: u32,
}

impl ExactSum {
    pub(crate) fn add(&mut self, value: Decimal) -> Result<(), Error> {
        let scale = value.scale();
        if scale > self.scale {
            self.units = self
                .units
                .checked_mul(10i128.pow(scale - self.scale))
                .ok_or_else(overflow)?;
            self.scale = scale;
        }
        let units = value
            .mantissa()
            .checked_mul(10i128.pow(self.scale - scale))
            .ok_or_else(overflow)?;
        self.units = self.units.checked_add(units).ok_or_else(overflow)?;
        Ok(())
    }

    pub(crate) fn total(self) -> Result<Decimal, Error> {
        Decimal::try_from_i128_with_scale(self.units, self.scale)
            .map(|d| d.normalize())
            .map_err(|_| overflow())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact_or_an_error() {
        let mut sum = ExactSum::default();
        for text in ["0.1", "0.2", "0.0000000000000000000000000001", "1.1"] {
            sum.add(text.parse().unwrap()).unwrap();
        }
        assert_eq!(
            sum.total().unwrap().to_string(),
            "1.4000000000000000000000000001"
        );
        // Decimal's own addition would round this to 28 digits; the exact sum refuses.
        let mut sum = ExactSum::default();
        sum.add("1000000000".parse().unwrap()).unwrap();
        sum.add("0.0000000000000000000000000001".parse().unwrap())
            .unwrap();
        assert!(sum.total().is_err());
        assert!(parse("1.00000000000000000000000000001").is_err());
        assert_eq!(
            parse("0.0036275000000000000").unwrap().to_string(),
            "0.0036275000000000000"
        );
    }
}
