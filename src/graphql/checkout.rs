use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};

use super::ids;
use super::orders::Order;
use super::{outcome, state};
use crate::error::{UserError, UserErrorCode};
use crate::services::checkout::{Checkout, CheckoutRequest};
use crate::services::payment::PaymentMethod;

#[derive(InputObject)]
pub struct PaymentInput {
    pub method: PaymentMethod,
    /// The payment provider's token for the card (`TEST_CARD`); the test
    /// provider declines `tok_declined` and accepts anything else.
    pub token: Option<String>,
}

#[derive(SimpleObject)]
pub struct CheckoutCompletePayload {
    pub order: Option<Order>,
    /// The secret that lets the buyer read this order with `orderByToken`.
    /// Shown once: keep it (e.g. in the confirmation page's URL).
    pub order_access_token: Option<String>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct CheckoutMutation;

#[Object]
impl CheckoutMutation {
    /// Places the order: stock taken, payment authorized, order written and
    /// cart closed, all or nothing. Send the same `idempotencyKey` when
    /// retrying: it returns the order the first attempt placed.
    async fn checkout_complete(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        idempotency_key: String,
        payment: PaymentInput,
    ) -> Result<CheckoutCompletePayload> {
        let Some(cart_token) = ids::decode_cart(&cart_id) else {
            return Ok(CheckoutCompletePayload {
                order: None,
                order_access_token: None,
                user_errors: vec![UserError::at(
                    &["cartId"],
                    "No such cart",
                    UserErrorCode::NotFound,
                )],
            });
        };
        let state = state(ctx);
        let checkout = Checkout {
            db: &state.db,
            rules: &state.rules,
            currency: state.settings.currency,
            payments: state.payments.as_ref(),
        };
        let placed = checkout
            .complete(CheckoutRequest {
                cart_token,
                idempotency_key,
                method: payment.method,
                payment_token: payment.token,
            })
            .await;
        Ok(match outcome(ctx, placed)? {
            (Some(placed), _) => CheckoutCompletePayload {
                order: Some(Order::load(ctx, placed.order).await?),
                order_access_token: Some(placed.access_token),
                user_errors: Vec::new(),
            },
            (None, user_errors) => CheckoutCompletePayload {
                order: None,
                order_access_token: None,
                user_errors,
            },
        })
    }
}
