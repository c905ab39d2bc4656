//! Decoding helpers called by the generated `Deserialize` code.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Decodes a JSON number, or a string that holds one (`"12.50"`, `"0E-6176"`): the API sends some
/// amounts as strings to keep their precision.
pub fn number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    deserializer.deserialize_any(NumberVisitor)
}

/// Like [`number`], for a field that may be absent or `null`.
pub fn option_number<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    deserializer.deserialize_option(OptionNumberVisitor)
}

struct NumberVisitor;

impl Visitor<'_> for NumberVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number or a string holding a number")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
        Ok(v as f64)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
        match v.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
        }
    }
}

struct OptionNumberVisitor;

impl<'de> Visitor<'de> for OptionNumberVisitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("null, a number, or a string holding a number")
    }

    fn visit_none<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Option<f64>, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<f64>, D::Error> {
        number(deserializer).map(Some)
    }
}

/// Decodes an exact decimal (`format: decimal`) from the literal text of a JSON number (`0.0036275`,
/// `1e-7`) or from a string holding one (`"12.50"`, `"0E-6176"`), never through `f64`: the text
/// is read as serde_json's raw value. Digits past the 28th decimal place (the most a `Decimal`
/// holds) are rounded half away from zero; a value of more than 29 integer digits is an error.
/// (From an already-parsed `serde_json::Value`, a number is read from its shortest `f64` text,
/// which is exact up to 15 significant digits.)
pub fn decimal<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<rust_decimal::Decimal, D::Error> {
    let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
    decimal_from_json(raw.get()).map_err(de::Error::custom)
}

/// Like [`decimal`], for a field that may be absent or `null`.
pub fn option_decimal<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<rust_decimal::Decimal>, D::Error> {
    let raw = Option::<Box<serde_json::value::RawValue>>::deserialize(deserializer)?;
    match raw {
        None => Ok(None),
        Some(raw) if raw.get() == "null" => Ok(None),
        Some(raw) => decimal_from_json(raw.get())
            .map(Some)
            .map_err(de::Error::custom),
    }
}

/// The decimal a JSON number or numeric string (as JSON text) holds.
fn decimal_from_json(json: &str) -> Result<rust_decimal::Decimal, String> {
    let text = match json.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.trim(),
        None => json.trim(),
    };
    parse_decimal(text).ok_or_else(|| {
        format!("invalid value: {json}, expected a decimal number (at most 29 integer digits)")
    })
}

/// `text` (`-12.50`, `1.5E+3`, `0E-6176`) as a decimal, rounded to 28 decimal places.
pub fn parse_decimal(text: &str) -> Option<rust_decimal::Decimal> {
    use std::str::FromStr as _;
    // With an exponent, the number is written out in full first, so that every spelling of a
    // value rounds the same way (the parser's own exponent path rounds differently).
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return rust_decimal::Decimal::from_str(text).ok();
    };
    let exponent: i64 = exponent.parse().ok()?;
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa.strip_prefix('+').unwrap_or(mantissa)),
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
    let all: String = format!("{whole}{fraction}");
    if all.bytes().all(|b| b == b'0') {
        return Some(rust_decimal::Decimal::ZERO);
    }
    // The decimal point sits after `point` digits of `all`.
    let point = whole.len() as i64 + exponent;
    if point < -64 {
        return Some(rust_decimal::Decimal::ZERO); // rounds to zero at 28 places
    }
    if point > 64 {
        return None; // far beyond the 29 integer digits a Decimal holds
    }
    let plain = if point <= 0 {
        format!("{sign}0.{}{all}", "0".repeat((-point) as usize))
    } else if point as usize >= all.len() {
        format!("{sign}{all}{}", "0".repeat(point as usize - all.len()))
    } else {
        let (int, frac) = all.split_at(point as usize);
        format!("{sign}{int}.{frac}")
    };
    rust_decimal::Decimal::from_str(&plain).ok()
}

/// Decodes a string enum through its `FromStr`, so that the wire strings live in one place.
pub fn from_str<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    deserializer.deserialize_str(FromStrVisitor(PhantomData))
}

struct FromStrVisitor<T>(PhantomData<T>);

impl<T> Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// A union of object types told apart by one string property (its discriminator). Implemented
/// by the generated unions; [`discriminated`] does the decoding.
pub trait Discriminated: Sized {
    /// The Rust name of the union, for error messages.
    const NAME: &'static str;
    /// The wire name of the discriminator property.
    const PROPERTY: &'static str;
    /// The discriminator value of each known variant, in the order `known` takes them.
    const TAGS: &'static [&'static str];

    /// Decodes the known variant `index` (of [`Self::TAGS`]) from the rest of the object.
    fn known<'de, D: Deserializer<'de>>(index: usize, rest: D) -> Result<Self, D::Error>;

    /// Wraps an object whose discriminator is missing or not one of [`Self::TAGS`].
    fn unknown(object: Value) -> Self;
}

/// Decodes a [`Discriminated`] union. When the discriminator is the object's first property, as
/// the API sends it, the variant is decoded straight from the input with nothing buffered;
/// otherwise the object is buffered first. An object with an unknown (or no) discriminator is
/// kept whole as JSON, so that a result type added to the API never fails a page.
pub fn discriminated<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Discriminated,
{
    deserializer.deserialize_map(UnionVisitor(PhantomData))
}

struct UnionVisitor<T>(PhantomData<T>);

impl<'de, T: Discriminated> Visitor<'de> for UnionVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = Map::new();
        match map.next_key_seed(KeySeed(T::PROPERTY))? {
            None => return Ok(T::unknown(Value::Object(object))),
            Some(Key::Property) => match map.next_value_seed(TagSeed(T::TAGS))? {
                Tag::Known(index) => return T::known(index, MapAccessDeserializer::new(map)),
                Tag::Other(value) => {
                    object.insert(T::PROPERTY.to_owned(), value);
                }
            },
            Some(Key::Other(key)) => {
                object.insert(key, map.next_value()?);
            }
        }
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            object.insert(key, value);
        }
        let tag = object.get(T::PROPERTY).and_then(Value::as_str);
        let Some(index) = tag.and_then(|t| T::TAGS.iter().position(|known| *known == t)) else {
            return Ok(T::unknown(Value::Object(object)));
        };
        let object = Value::Object(object);
        T::known(index, &object).map_err(|_| {
            // An error from a buffered object has lost its place; decode again, tracking it.
            let mut track = serde_path_to_error::Track::new();
            let tracked = serde_path_to_error::Deserializer::new(&object, &mut track);
            match T::known(index, tracked) {
                Err(e) => de::Error::custom(format_args!("at `{}`: {e}", track.path())),
                Ok(_) => de::Error::custom("the object decodes on a second reading"),
            }
        })
    }
}

enum Key {
    Property,
    Other(String),
}

struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(if v == self.0 {
            Key::Property
        } else {
            Key::Other(v.to_owned())
        })
    }
}

enum Tag {
    Known(usize),
    Other(Value),
}

struct TagSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for TagSeed {
    type Value = Tag;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Tag, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TagSeed {
    type Value = Tag;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a discriminator value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tag, E> {
        Ok(match self.0.iter().position(|known| *known == v) {
            Some(index) => Tag::Known(index),
            None => Tag::Other(Value::String(v.to_owned())),
        })
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tag, E> {
        Ok(Tag::Other(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tag, E> {
        Ok(Tag::Other(Value::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tag, E> {
        Ok(Tag::Other(Value::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tag, E> {
        Ok(Tag::Other(Value::from(v)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Tag, E> {
        Ok(Tag::Other(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Tag, E> {
        Ok(Tag::Other(Value::Null))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Tag, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Tag::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Tag, A::Error> {
        Value::deserialize(SeqAccessDeserializer::new(seq)).map(Tag::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Amount {
        #[serde(deserialize_with = "number")]
        value: f64,
        #[serde(default, deserialize_with = "option_number")]
        rate: Option<f64>,
    }

    #[test]
    fn numbers_come_as_numbers_or_numeric_strings() {
        let a: Amount = serde_json::from_value(json!({"value": "12.50", "rate": 3})).unwrap();
        assert_eq!(
            a,
            Amount {
                value: 12.5,
                rate: Some(3.0)
            }
        );
        let a: Amount = serde_json::from_value(json!({"value": -7, "rate": null})).unwrap();
        assert_eq!(
            a,
            Amount {
                value: -7.0,
                rate: None
            }
        );
        let a: Amount = serde_json::from_value(json!({"value": " 0E-6176 "})).unwrap();
        assert_eq!(
            a,
            Amount {
                value: 0.0,
                rate: None
            }
        );
    }

    #[test]
    fn a_string_that_is_not_a_finite_number_is_an_error_naming_it() {
        for text in ["twelve", "NaN", "inf", ""] {
            let err = serde_json::from_value::<Amount>(json!({ "value": text })).unwrap_err();
            let message = err.to_string();
            assert!(message.contains(&format!("\"{text}\"")), "{message}");
            assert!(message.contains("a string holding a number"), "{message}");
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Money {
        #[serde(deserialize_with = "decimal")]
        value: rust_decimal::Decimal,
        #[serde(default, deserialize_with = "option_decimal")]
        tax: Option<rust_decimal::Decimal>,
    }

    fn dec(text: &str) -> rust_decimal::Decimal {
        text.parse().unwrap()
    }

    #[test]
    fn decimals_keep_the_literal_digits_of_numbers_and_numeric_strings() {
        // 0.1 + 0.2 in f64 is 0.30000000000000004; these are the digits as written.
        let c: Money = serde_json::from_str(r#"{"value": 0.1, "tax": "0.2"}"#).unwrap();
        assert_eq!(c.value + c.tax.unwrap(), dec("0.3"));
        // More significant digits than an f64 holds (17): kept.
        let c: Money = serde_json::from_str(r#"{"value": 1234567890.123456789012}"#).unwrap();
        assert_eq!(c.value.to_string(), "1234567890.123456789012");
        assert_eq!(c.tax, None);
        let c: Money = serde_json::from_str(r#"{"value": "0E-6176", "tax": null}"#).unwrap();
        assert_eq!((c.value, c.tax), (rust_decimal::Decimal::ZERO, None));
        let c: Money = serde_json::from_str(r#"{"value": 1.5E+3}"#).unwrap();
        assert_eq!(c.value, dec("1500"));
    }

    #[test]
    fn more_than_28_decimal_places_round_half_away_from_zero() {
        let c: Money =
            serde_json::from_str(r#"{"value": "0.003627500000000000000000000000000000"}"#).unwrap();
        assert_eq!(c.value, dec("0.0036275"));
        assert_eq!(
            parse_decimal("0.00000000000000000000000000125"),
            Some(dec("0.0000000000000000000000000013"))
        );
        assert_eq!(
            parse_decimal("-0.00000000000000000000000000125"),
            Some(dec("-0.0000000000000000000000000013"))
        );
        assert_eq!(
            parse_decimal("125E-29"),
            Some(dec("0.0000000000000000000000000013"))
        );
        assert_eq!(parse_decimal("5E-70"), Some(rust_decimal::Decimal::ZERO));
    }

    #[test]
    fn a_decimal_too_big_or_not_a_number_is_an_error_naming_it() {
        for json in [
            r#"{"value": 1e40}"#,
            r#"{"value": "twelve"}"#,
            r#"{"value": true}"#,
        ] {
            let err = serde_json::from_str::<Money>(json).unwrap_err().to_string();
            assert!(err.contains("expected a decimal number"), "{json}: {err}");
        }
    }

    #[test]
    fn decimals_also_decode_from_an_already_parsed_value() {
        let c: Money = serde_json::from_value(json!({"value": 0.0036275, "tax": "1.10"})).unwrap();
        assert_eq!((c.value, c.tax), (dec("0.0036275"), Some(dec("1.10"))));
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Tokens {
        input_tokens: u64,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Cost {
        amount: f64,
    }

    #[derive(Debug, PartialEq)]
    enum Result {
        Tokens(Tokens),
        Cost(Cost),
        Unknown(Value),
    }

    impl Discriminated for Result {
        const NAME: &'static str = "Result";
        const PROPERTY: &'static str = "object";
        const TAGS: &'static [&'static str] = &["tokens", "cost"];

        fn known<'de, D: Deserializer<'de>>(
            index: usize,
            rest: D,
        ) -> std::result::Result<Self, D::Error> {
            Ok(match index {
                0 => Result::Tokens(Tokens::deserialize(rest)?),
                _ => Result::Cost(Cost::deserialize(rest)?),
            })
        }

        fn unknown(object: Value) -> Self {
            Result::Unknown(object)
        }
    }

    fn decode(text: &str) -> std::result::Result<Result, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(text);
        discriminated(&mut de)
    }

    #[test]
    fn the_discriminator_picks_the_variant_wherever_it_is() {
        let first = decode(r#"{"object":"tokens","input_tokens":7}"#).unwrap();
        let last = decode(r#"{"input_tokens":7,"object":"tokens"}"#).unwrap();
        assert_eq!(first, Result::Tokens(Tokens { input_tokens: 7 }));
        assert_eq!(last, first);
        let cost = decode(r#"{"amount":1.5,"object":"cost"}"#).unwrap();
        assert_eq!(cost, Result::Cost(Cost { amount: 1.5 }));
    }

    #[test]
    fn an_unknown_or_missing_discriminator_keeps_the_whole_object() {
        let text = r#"{"object":"audio_seconds","seconds":12}"#;
        assert_eq!(
            decode(text).unwrap(),
            Result::Unknown(json!({"object": "audio_seconds", "seconds": 12}))
        );
        let later = decode(r#"{"seconds":12,"object":"audio_seconds"}"#).unwrap();
        assert_eq!(later, decode(text).unwrap());
        assert_eq!(
            decode(r#"{"seconds":12}"#).unwrap(),
            Result::Unknown(json!({"seconds": 12}))
        );
        assert_eq!(
            decode(r#"{"object":5}"#).unwrap(),
            Result::Unknown(json!({"object": 5}))
        );
    }

    #[test]
    fn a_bad_known_variant_is_an_error_with_its_place() {
        let err = decode(r#"{"object":"tokens","input_tokens":"many"}"#).unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
        // Buffered (discriminator last): the place is found by a second, tracked reading.
        let err = decode(r#"{"input_tokens":"many","object":"tokens"}"#).unwrap_err();
        assert!(err.to_string().contains("at `input_tokens`"), "{err}");
    }
}
