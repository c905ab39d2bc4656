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
