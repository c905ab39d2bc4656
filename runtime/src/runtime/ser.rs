//! Encoding helpers called by the generated `Serialize` code.

use serde::ser::SerializeStruct;
use serde::Serialize;

/// Writes an optional property: its value when set, nothing when not.
pub fn optional<S: SerializeStruct, T: Serialize>(
    state: &mut S,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), S::Error> {
    match value {
        Some(value) => state.serialize_field(key, value),
        None => state.skip_field(key),
    }
}

/// A decimal written as a JSON number with exactly its digits (`0.0036275`, not `"0.0036275"` or
/// the nearest `f64`): through serde_json's raw value, which its serializer writes as it is.
/// Serializers other than serde_json's see the number as text.
pub struct DecimalNumber<'a>(pub &'a rust_decimal::Decimal);

impl Serialize for DecimalNumber<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match serde_json::value::RawValue::from_string(self.0.to_string()) {
            Ok(raw) => raw.serialize(serializer),
            Err(_) => serializer.serialize_str(&self.0.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::ser::{SerializeStruct, Serializer};

    struct Query {
        limit: Option<u32>,
        after: Option<&'static str>,
    }

    impl serde::Serialize for Query {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut state = serializer.serialize_struct("Query", 2)?;
            super::optional(&mut state, "limit", &self.limit)?;
            super::optional(&mut state, "after", &self.after)?;
            state.end()
        }
    }

    #[test]
    fn a_decimal_is_written_as_a_number_with_its_exact_digits() {
        let d: rust_decimal::Decimal = "0.003627500000000000000001".parse().unwrap();
        let text = serde_json::to_string(&super::DecimalNumber(&d)).unwrap();
        assert_eq!(text, "0.003627500000000000000001");
        let value = serde_json::to_value(super::DecimalNumber(&"12.50".parse().unwrap())).unwrap();
        assert_eq!(value, serde_json::json!(12.5));
    }

    #[test]
    fn an_unset_property_is_left_out_not_written_as_null() {
        let q = Query {
            limit: Some(3),
            after: None,
        };
        assert_eq!(serde_json::to_string(&q).unwrap(), r#"{"limit":3}"#);
        let q = Query {
            limit: None,
            after: Some("x"),
        };
        assert_eq!(serde_json::to_string(&q).unwrap(), r#"{"after":"x"}"#);
    }
}
