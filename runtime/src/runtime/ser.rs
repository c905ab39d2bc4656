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
