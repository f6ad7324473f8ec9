//! Scalars of the public schema beyond GraphQL's own.

use async_graphql::{InputValueError, InputValueResult, Scalar, ScalarType, Value};

/// An absolute URL, as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url(pub String);

#[Scalar(name = "URL")]
impl ScalarType for Url {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(Url(s)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}

/// A fragment of HTML, as a string. It comes from the merchant's catalog:
/// sanitize it before inserting it into a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Html(pub String);

#[Scalar(name = "HTML")]
impl ScalarType for Html {
    fn parse(value: Value) -> InputValueResult<Self> {
        match value {
            Value::String(s) => Ok(Html(s)),
            other => Err(InputValueError::expected_type(other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }
}
