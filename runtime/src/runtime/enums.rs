//! The trait impls every string enum has, written once: `Display`, `FromStr`, `Serialize` and
//! `Deserialize`, all through the enum's own `as_str` (where its wire strings live) and its list
//! of values. The generated code invokes one of these per enum. They are exported (hidden from
//! the docs) so that a crate whose spec has no enum of a kind does not warn about an unused one.

/// For a closed enum with `ALL` and `as_str`: unknown strings are an [`UnknownValue`] error.
///
/// [`UnknownValue`]: crate::runtime::UnknownValue
#[doc(hidden)]
#[macro_export]
macro_rules! closed_enum_impls {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::runtime::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| {
                        let expected = Self::ALL.iter().map(Self::as_str).collect();
                        $crate::runtime::UnknownValue::new(stringify!($name), s, expected)
                    })
            }
        }

        $crate::string_serde!($name);
    };
}

/// For an open enum with `KNOWN`, `as_str` and a variant that keeps other strings.
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum_impls {
    ($name:ident, $other:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let known = Self::KNOWN.into_iter().find(|v| v.as_str() == s);
                Ok(known.unwrap_or_else(|| Self::$other(s.to_owned())))
            }
        }

        $crate::string_serde!($name);
    };
}

/// `Serialize` as `as_str`, `Deserialize` through `FromStr`.
#[doc(hidden)]
#[macro_export]
macro_rules! string_serde {
    ($name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::runtime::de::from_str(deserializer)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::runtime::UnknownValue;

    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Bucket {
        Minute,
        Day,
    }

    impl Bucket {
        const ALL: [Bucket; 2] = [Bucket::Minute, Bucket::Day];

        fn as_str(&self) -> &'static str {
            match self {
                Bucket::Minute => "1m",
                Bucket::Day => "1d",
            }
        }
    }

    crate::closed_enum_impls!(Bucket);

    #[derive(Clone, Debug, PartialEq)]
    enum Unit {
        Tokens,
        Other(String),
    }

    impl Unit {
        const KNOWN: [Unit; 1] = [Unit::Tokens];

        fn as_str(&self) -> &str {
            match self {
                Unit::Tokens => "tokens",
                Unit::Other(s) => s,
            }
        }
    }

    crate::open_enum_impls!(Unit, Other);

    #[test]
    fn a_closed_enum_reads_and_writes_its_wire_strings() {
        assert_eq!("1d".parse::<Bucket>().unwrap(), Bucket::Day);
        assert_eq!(Bucket::Minute.to_string(), "1m");
        assert_eq!(serde_json::to_string(&Bucket::Day).unwrap(), r#""1d""#);
        let back: Bucket = serde_json::from_str(r#""1m""#).unwrap();
        assert_eq!(back, Bucket::Minute);
    }

    #[test]
    fn a_closed_enum_names_the_values_it_knows_for_an_unknown_one() {
        let err: UnknownValue = "1h".parse::<Bucket>().unwrap_err();
        assert_eq!(err.value(), "1h");
        assert_eq!(err.expected(), ["1m", "1d"]);
        let decode = serde_json::from_str::<Bucket>(r#""1h""#).unwrap_err();
        assert!(decode.to_string().contains("1h"), "{decode}");
    }

    #[test]
    fn an_open_enum_keeps_an_unknown_value_and_writes_it_back() {
        let unit: Unit = serde_json::from_str(r#""seconds""#).unwrap();
        assert_eq!(unit, Unit::Other("seconds".into()));
        assert_eq!(serde_json::to_string(&unit).unwrap(), r#""seconds""#);
        assert_eq!("tokens".parse::<Unit>(), Ok(Unit::Tokens));
    }
}
