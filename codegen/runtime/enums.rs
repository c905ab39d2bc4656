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
