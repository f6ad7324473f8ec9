//! One error type for the whole server. Expected refusals (a shopper asked
//! for more than is in stock) are `UserError`s with stable codes that
//! front-ends branch on; everything else is infrastructure, logged with the
//! request id and shown to clients only as `INTERNAL`.

use async_graphql::{Enum, ErrorExtensions, SimpleObject};

/// Why a mutation refused its input. Codes are part of the API contract:
/// add new ones, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum UserErrorCode {
    /// The input is malformed (an id of the wrong kind, a field too long).
    Invalid,
    /// The id or handle names nothing the caller can see.
    NotFound,
    /// Fewer units are in stock than were asked for.
    InsufficientStock,
    /// The quantity is below 1 or above the store's per-line limit.
    QuantityOutOfRange,
    /// The variant is not for sale (unpublished or sold out).
    VariantUnavailable,
    InvalidEmail,
    InvalidCountryCode,
    /// A required field is missing.
    Required,
    /// The shipping method handle is not one the store offers.
    ShippingMethodUnavailable,
    /// The cart lacks something checkout needs; the message says what.
    CartNotReady,
    /// An order was already placed from this cart.
    CartCompleted,
    PaymentDeclined,
    /// The idempotency key was already used for a different cart.
    IdempotencyKeyReused,
    /// This feature is not available yet in this store.
    NotAvailable,
    /// An input list is longer than the store accepts.
    TooManyItems,
}

/// A refusal a shopper can act on: which input, what happened, and a code.
#[derive(Debug, Clone, PartialEq, Eq, SimpleObject)]
pub struct UserError {
    /// Path to the input field at fault, e.g. `["lines", "0", "quantity"]`.
    pub field: Option<Vec<String>>,
    /// A sentence for the shopper.
    pub message: String,
    pub code: UserErrorCode,
}

impl UserError {
    pub fn new(field: Vec<String>, message: impl Into<String>, code: UserErrorCode) -> Self {
        UserError {
            field: Some(field),
            message: message.into(),
            code,
        }
    }

    pub fn at(field: &[&str], message: impl Into<String>, code: UserErrorCode) -> Self {
        Self::new(field.iter().map(|s| s.to_string()).collect(), message, code)
    }

    pub fn general(message: impl Into<String>, code: UserErrorCode) -> Self {
        UserError {
            field: None,
            message: message.into(),
            code,
        }
    }
}

/// What a service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request was understood and refused; nothing changed.
    #[error("refused: {0:?}")]
    User(Vec<UserError>),
    /// The database or another dependency failed.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for Error {
    fn from(err: sea_orm::DbErr) -> Self {
        Error::Internal(err.into())
    }
}

impl From<UserError> for Error {
    fn from(err: UserError) -> Self {
        Error::User(vec![err])
    }
}

impl From<Vec<UserError>> for Error {
    fn from(errs: Vec<UserError>) -> Self {
        Error::User(errs)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Top-level GraphQL error codes (`extensions.code`), for what the client
/// could not have prevented or did not send right.
pub mod codes {
    pub const INTERNAL: &str = "INTERNAL";
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    pub const PAGE_SIZE_EXCEEDED: &str = "PAGE_SIZE_EXCEEDED";
    pub const TIMEOUT: &str = "TIMEOUT";
    pub const BATCH_TOO_LARGE: &str = "BATCH_TOO_LARGE";
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    pub const COMPLEXITY_LIMIT_EXCEEDED: &str = "COMPLEXITY_LIMIT_EXCEEDED";
    pub const DEPTH_LIMIT_EXCEEDED: &str = "DEPTH_LIMIT_EXCEEDED";
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
}

/// A GraphQL error with `extensions.code`, for bad arguments that cannot be
/// expressed as a user error (queries have no `userErrors`).
pub fn client_error(message: impl Into<String>, code: &str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// Logs an infrastructure failure with the request id and returns the bare
/// error a client may see.
pub fn internal_error(err: &anyhow::Error, request_id: Option<&str>) -> async_graphql::Error {
    let request_id = request_id.unwrap_or("-").to_string();
    tracing::error!(request_id = %request_id, error = ?err, "internal error");
    async_graphql::Error::new("Internal error; the request id identifies it in the server log")
        .extend_with(|_, e| {
            e.set("code", codes::INTERNAL);
            e.set("requestId", request_id.clone());
        })
}
