//! Errors of values checked on this side of the wire.

use std::fmt;

/// A string that is not one of the values an enum allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownValue {
    type_name: &'static str,
    value: String,
    expected: Vec<&'static str>,
}

impl UnknownValue {
    /// `value` is not one of `expected`, the wire values of `type_name`.
    pub fn new(type_name: &'static str, value: &str, expected: Vec<&'static str>) -> Self {
        UnknownValue {
            type_name,
            value: value.to_owned(),
            expected,
        }
    }

    /// The string that was given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The values that are allowed.
    pub fn expected(&self) -> &[&'static str] {
        &self.expected
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a valid {}: expected one of ",
            self.value, self.type_name
        )?;
        for (i, value) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{value}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownValue {}

/// A parameter value that the API would reject, caught before the request is sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidParam {
    operation: &'static str,
    param: &'static str,
    message: String,
}

impl InvalidParam {
    /// `param` of `operation` is wrong, as `message` says.
    pub fn new(operation: &'static str, param: &'static str, message: String) -> Self {
        InvalidParam {
            operation,
            param,
            message,
        }
    }

    /// The `operationId` of the operation.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The wire name of the parameter.
    pub fn param(&self) -> &'static str {
        self.param
    }
}

impl fmt::Display for InvalidParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid parameter `{}` for {}: {}",
            self.param, self.operation, self.message
        )
    }
}

impl std::error::Error for InvalidParam {}
