//! The columns of one result, read from the JSON the crate serializes it to: the grouping fields
//! and the metrics reports sum. Reading them from the JSON (not from the typed result) keeps a
//! result type the spec does not know yet, with the same columns as the known ones.
//!
//! The JSON is written once, for the `result` column, and the columns are read back from that
//! text by one pass that borrows its strings: building a `serde_json::Value` of every result as
//! well, for a dozen fields, cost a 30-day sync about 4 % of its CPU time.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use openai_usage::UsageResult;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::write::ResultRow;
use crate::Error;

/// A top-level field of a result as a column wants it. A field of another JSON type than its
/// column's (a result type the spec does not know may use a name for something else) is `None`
/// in that column, as it is absent.
#[derive(Debug, Default)]
enum Scalar<'a> {
    /// Absent, null, an array or an object.
    #[default]
    Other,
    Text(Cow<'a, str>),
    Int(i64),
    /// A number that is not an `i64`: a fraction, or a whole number past `i64::MAX`.
    Float(f64),
    Bool(bool),
}

impl Scalar<'_> {
    fn text(self) -> Option<String> {
        match self {
            Scalar::Text(text) => Some(text.into_owned()),
            _ => None,
        }
    }

    fn int(&self) -> Option<i64> {
        match *self {
            Scalar::Int(value) => Some(value),
            _ => None,
        }
    }

    /// Any number, as `serde_json::Value::as_f64` reads it.
    fn float(&self) -> Option<f64> {
        match *self {
            Scalar::Int(value) => Some(value as f64),
            Scalar::Float(value) => Some(value),
            _ => None,
        }
    }

    fn bool(&self) -> Option<bool> {
        match *self {
            Scalar::Bool(value) => Some(value),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor<'a>(PhantomData<&'a str>);

        impl<'de: 'a, 'a> Visitor<'de> for ScalarVisitor<'a> {
            type Value = Scalar<'a>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any JSON value")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Text(Cow::Owned(v)))
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Int(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Float(v))
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Other)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }

        deserializer.deserialize_any(ScalarVisitor(PhantomData))
    }
}

/// The top-level fields the columns are read from; every other field is skipped unread.
#[derive(Debug, Default, Deserialize)]
struct Fields<'a> {
    #[serde(borrow, default)]
    object: Scalar<'a>,
    #[serde(borrow, default)]
    project_id: Scalar<'a>,
    #[serde(borrow, default)]
    user_id: Scalar<'a>,
    #[serde(borrow, default)]
    api_key_id: Scalar<'a>,
    #[serde(borrow, default)]
    model: Scalar<'a>,
    #[serde(borrow, default)]
    batch: Scalar<'a>,
    #[serde(borrow, default)]
    service_tier: Scalar<'a>,
    #[serde(borrow, default)]
    api_source: Scalar<'a>,
    #[serde(borrow, default)]
    line_item: Scalar<'a>,
    #[serde(borrow, default)]
    num_model_requests: Scalar<'a>,
    #[serde(borrow, default)]
    input_tokens: Scalar<'a>,
    #[serde(borrow, default)]
    output_tokens: Scalar<'a>,
    #[serde(borrow, default)]
    quantity: Scalar<'a>,
    #[serde(borrow, default)]
    quantity_unit: Scalar<'a>,
}

impl<'a> Fields<'a> {
    /// The fields of a result's JSON, as `serde_json::Value::get` finds them.
    fn read(json: &'a str) -> Fields<'a> {
        // A derived struct reads an array too, by position; `Value::get` finds nothing there.
        if !json.starts_with('{') {
            return Fields::default();
        }
        serde_json::from_str(json).unwrap_or_else(|_| {
            // A key written twice (the crate's types write each once): read through a `Value`,
            // which keeps the last.
            serde_json::from_str::<Value>(json)
                .ok()
                .and_then(|value| Fields::deserialize(value).ok())
                .unwrap_or_default()
        })
    }
}

impl ResultRow {
    /// The row of one result: the grouping fields and the metrics reports sum, read from the
    /// result as the crate serializes it (so a result type the spec does not know yet is kept
    /// too), and the whole result as JSON with its numbers' digits as sent.
    pub(crate) fn of(start_time: i64, seq: i64, result: &UsageResult) -> Result<ResultRow, Error> {
        let json = serde_json::to_string(result).map_err(|e| Error::Corrupt {
            message: format!("a result could not be written as JSON: {e}"),
        })?;
        let (amount, currency) = match result {
            UsageResult::Costs(cost) => (
                cost.amount_value().map(|v| v.normalize().to_string()),
                cost.amount_currency().map(|c| c.to_string()),
            ),
            _ => (None, None),
        };
        let f = Fields::read(&json);
        Ok(ResultRow {
            start_time,
            seq,
            object: result
                .object()
                .map(str::to_owned)
                .or_else(|| f.object.text()),
            project_id: f.project_id.text(),
            user_id: f.user_id.text(),
            api_key_id: f.api_key_id.text(),
            model: f.model.text(),
            batch: f.batch.bool(),
            service_tier: f.service_tier.text(),
            api_source: f.api_source.text(),
            line_item: f.line_item.text(),
            num_model_requests: f.num_model_requests.int(),
            input_tokens: f.input_tokens.int(),
            output_tokens: f.output_tokens.int(),
            amount,
            currency,
            quantity: f.quantity.float(),
            quantity_unit: f.quantity_unit.text(),
            result: json,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The columns as the store read them before, through a `serde_json::Value`: the oracle.
    type Columns = (
        Vec<Option<String>>,
        Vec<Option<i64>>,
        Option<f64>,
        Option<bool>,
    );

    const TEXT: [&str; 9] = [
        "object",
        "project_id",
        "user_id",
        "api_key_id",
        "model",
        "service_tier",
        "api_source",
        "line_item",
        "quantity_unit",
    ];
    const INT: [&str; 3] = ["num_model_requests", "input_tokens", "output_tokens"];

    fn through_value(json: &str) -> Columns {
        let value: Value = serde_json::from_str(json).unwrap();
        (
            TEXT.iter()
                .map(|k| value.get(k).and_then(Value::as_str).map(str::to_owned))
                .collect(),
            INT.iter()
                .map(|k| value.get(k).and_then(Value::as_i64))
                .collect(),
            value.get("quantity").and_then(Value::as_f64),
            value.get("batch").and_then(Value::as_bool),
        )
    }

    fn read(json: &str) -> Columns {
        let f = Fields::read(json);
        let text = vec![
            f.object.text(),
            f.project_id.text(),
            f.user_id.text(),
            f.api_key_id.text(),
            f.model.text(),
            f.service_tier.text(),
            f.api_source.text(),
            f.line_item.text(),
            f.quantity_unit.text(),
        ];
        let int = vec![
            f.num_model_requests.int(),
            f.input_tokens.int(),
            f.output_tokens.int(),
        ];
        (text, int, f.quantity.float(), f.batch.bool())
    }

    #[test]
    fn the_columns_are_what_a_json_value_look_up_finds() {
        let cases = [
            r#"{"object":"organization.usage.completions.result","project_id":"proj_1","user_id":null,"model":"gpt-4o","batch":true,"num_model_requests":3,"input_tokens":120,"output_tokens":0,"service_tier":"default"}"#,
            // Escapes: the text is decoded (and then owned, not borrowed).
            r#"{"project_id":"proj_\u00e9\"x\"","line_item":"gpt-4o, input\n"}"#,
            // Numbers of every kind in every column.
            r#"{"input_tokens":-5,"output_tokens":18446744073709551615,"num_model_requests":2.0,"quantity":7}"#,
            r#"{"quantity":12.5,"input_tokens":1e3,"batch":"true","model":4}"#,
            // Objects and arrays under a column's name, and fields no column reads.
            r#"{"model":{"name":"gpt-4o"},"project_id":["a"],"novel":{"deep":[1,{"x":"y"}]},"object":"organization.usage.teleport.result"}"#,
            // A key twice: the last is what a `Value` keeps.
            r#"{"project_id":"first","project_id":"second","input_tokens":1,"input_tokens":2}"#,
            // Not an object: no columns, though a derived struct would read an array by position.
            r#"["organization.costs.result","proj_1"]"#,
            r#""a string""#,
            "null",
            "{}",
        ];
        for json in cases {
            assert_eq!(read(json), through_value(json), "{json}");
        }
    }

    #[test]
    fn text_and_numbers_read_as_written() {
        let (text, int, quantity, batch) = read(
            r#"{"project_id":"proj_\u00e9","input_tokens":-5,"output_tokens":2.0,"quantity":7,"batch":false}"#,
        );
        assert_eq!(text[1].as_deref(), Some("proj_é"));
        assert_eq!(int, vec![None, Some(-5), None]);
        assert_eq!(quantity, Some(7.0));
        assert_eq!(batch, Some(false));
    }

    #[test]
    fn a_cost_row_keeps_the_exact_amount_and_the_whole_result() {
        let json = r#"{"object":"organization.costs.result","amount":{"value":"0.003627500000000000000000000000000000","currency":"usd"},"line_item":"gpt-4o, input","project_id":"proj_1","api_key_id":null,"quantity":12.5,"quantity_unit":"tokens","novel":"kept"}"#;
        let result: UsageResult = serde_json::from_str(json).unwrap();
        let row = ResultRow::of(86_400, 3, &result).unwrap();
        assert_eq!(row.amount.as_deref(), Some("0.0036275"));
        assert_eq!(row.currency.as_deref(), Some("usd"));
        assert_eq!(row.project_id.as_deref(), Some("proj_1"));
        assert_eq!(row.line_item.as_deref(), Some("gpt-4o, input"));
        assert_eq!(row.quantity, Some(12.5));
        assert_eq!(row.object.as_deref(), Some("organization.costs.result"));
        assert!(row.result.contains("0.0036275"), "{}", row.result);
    }

    #[test]
    fn a_result_type_the_spec_does_not_know_is_kept_whole() {
        let json =
            r#"{"object":"organization.usage.teleport.result","project_id":"proj_9","jumps":4}"#;
        let result: UsageResult = serde_json::from_str(json).unwrap();
        let row = ResultRow::of(0, 0, &result).unwrap();
        assert_eq!(
            row.object.as_deref(),
            Some("organization.usage.teleport.result")
        );
        assert_eq!(row.project_id.as_deref(), Some("proj_9"));
        assert!(row.result.contains("\"jumps\":4"));
    }
}
