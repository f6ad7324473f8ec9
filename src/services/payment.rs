//! Payment providers. Checkout authorizes the amount before it writes the
//! order and voids the authorization if the order cannot be written, so a
//! shopper is never charged for an order that does not exist.

use futures_util::future::BoxFuture;

use crate::domain::money::{CurrencyCode, Minor};

#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
pub enum PaymentMethod {
    /// A card payment through the built-in test provider.
    TestCard,
    /// Paid to the courier at delivery; needs no token.
    CashOnDelivery,
}

impl PaymentMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::TestCard => "TEST_CARD",
            PaymentMethod::CashOnDelivery => "CASH_ON_DELIVERY",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Charge {
    pub amount: Minor,
    pub currency: CurrencyCode,
    pub token: String,
}

#[derive(Debug, Clone)]
pub struct Authorization {
    pub reference: String,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum PaymentError {
    /// The payment was refused; the message can be shown to the shopper.
    #[error("{0}")]
    Declined(String),
    /// The provider could not be reached or failed.
    #[error("payment provider failure: {0}")]
    Unavailable(String),
}

pub trait PaymentProvider: Send + Sync {
    fn authorize<'a>(
        &'a self,
        charge: &'a Charge,
    ) -> BoxFuture<'a, Result<Authorization, PaymentError>>;
    fn void<'a>(&'a self, authorization: &'a Authorization) -> BoxFuture<'a, ()>;
}

/// Accepts every token but `tok_declined`, so front-ends can rehearse both
/// outcomes without a real provider.
pub struct TestPaymentProvider;

pub const DECLINED_TEST_TOKEN: &str = "tok_declined";

impl PaymentProvider for TestPaymentProvider {
    fn authorize<'a>(
        &'a self,
        charge: &'a Charge,
    ) -> BoxFuture<'a, Result<Authorization, PaymentError>> {
        Box::pin(async move {
            if charge.token == DECLINED_TEST_TOKEN {
                return Err(PaymentError::Declined("The card was declined".into()));
            }
            Ok(Authorization {
                reference: format!("test_{}", super::secrets::random_token(12)),
            })
        })
    }

    fn void<'a>(&'a self, authorization: &'a Authorization) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            tracing::info!(reference = %authorization.reference, "test payment voided");
        })
    }
}
