use async_graphql::{Context, Enum, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{order, order_line, product_variant};

use super::cart::{MailingAddress, ShippingMethod};
use super::catalog::ProductVariant;
use super::ids::{self, Kind};
use super::money::Money;
use super::{internal, loaders, state};
use crate::domain::money::{CurrencyCode, Minor};
use crate::services::orders;
use crate::services::shipping;

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    /// Placed, to be paid at delivery.
    Placed,
    Paid,
    /// Handed to the carrier or collected.
    Fulfilled,
    Cancelled,
}

pub struct Order {
    model: order::Model,
    lines: Vec<order_line::Model>,
}

impl Order {
    pub async fn load(ctx: &Context<'_>, model: order::Model) -> Result<Self> {
        let lines = orders::lines(&state(ctx).db, model.id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(Order { model, lines })
    }

    /// The currency the order was placed in, whatever the store's is now.
    fn currency(&self, ctx: &Context<'_>) -> CurrencyCode {
        <CurrencyCode as clap::ValueEnum>::from_str(&self.model.currency, true)
            .unwrap_or(state(ctx).settings.currency)
    }

    fn money(&self, ctx: &Context<'_>, amount: i64) -> Money {
        Money::new(Minor(amount), self.currency(ctx))
    }
}

/// A placed order, as it was when placed: later catalog changes do not
/// alter it.
#[Object]
impl Order {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Order, self.model.id)
    }

    /// The number to quote to the shop, e.g. "1001".
    async fn number(&self) -> String {
        self.model.number.to_string()
    }

    async fn email(&self) -> &str {
        &self.model.email
    }

    async fn status(&self) -> OrderStatus {
        match self.model.status.as_str() {
            "PAID" => OrderStatus::Paid,
            "FULFILLED" => OrderStatus::Fulfilled,
            "CANCELLED" => OrderStatus::Cancelled,
            _ => OrderStatus::Placed,
        }
    }

    async fn placed_at(&self) -> DateTime<Utc> {
        self.model.placed_at
    }

    async fn lines(&self, ctx: &Context<'_>) -> Vec<OrderLine> {
        let currency = self.currency(ctx);
        self.lines
            .iter()
            .map(|line| OrderLine {
                title: line.title.clone(),
                variant_title: line.variant_title.clone(),
                sku: line.sku.clone(),
                quantity: line.quantity,
                unit_price: Money::new(Minor(line.unit_price), currency),
                total_price: Money::new(Minor(line.total_price), currency),
                variant_id: line.variant_id,
            })
            .collect()
    }

    async fn subtotal(&self, ctx: &Context<'_>) -> Money {
        self.money(ctx, self.model.subtotal)
    }

    async fn discount_amount(&self, ctx: &Context<'_>) -> Money {
        self.money(ctx, self.model.discount_amount)
    }

    async fn shipping_amount(&self, ctx: &Context<'_>) -> Money {
        self.money(ctx, self.model.shipping_amount)
    }

    async fn loyalty_amount(&self, ctx: &Context<'_>) -> Money {
        self.money(ctx, self.model.loyalty_amount)
    }

    async fn total(&self, ctx: &Context<'_>) -> Money {
        self.money(ctx, self.model.total)
    }

    async fn shipping_address(&self, ctx: &Context<'_>) -> Result<MailingAddress> {
        orders::shipping_address(&self.model)
            .map(MailingAddress)
            .ok_or_else(|| {
                internal(
                    ctx,
                    anyhow::anyhow!("order {} has an unreadable address", self.model.id),
                )
            })
    }

    async fn shipping_method(&self, ctx: &Context<'_>) -> ShippingMethod {
        ShippingMethod::new(
            &shipping::ShippingMethod {
                handle: self.model.shipping_method_handle.clone(),
                title: self.model.shipping_method_title.clone(),
                price: Minor(self.model.shipping_amount),
            },
            self.currency(ctx),
        )
    }

    async fn loyalty_points_earned(&self) -> i32 {
        self.model.loyalty_points_earned
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct OrderLine {
    /// The product's title when ordered.
    pub title: String,
    pub variant_title: String,
    pub sku: Option<String>,
    pub quantity: i32,
    pub unit_price: Money,
    pub total_price: Money,
    #[graphql(skip)]
    pub variant_id: Option<i32>,
}

#[async_graphql::ComplexObject]
impl OrderLine {
    /// The variant as it is in the catalog now; null if it is gone.
    async fn variant(&self, ctx: &Context<'_>) -> Result<Option<ProductVariant>> {
        let Some(id) = self.variant_id else {
            return Ok(None);
        };
        let variant: Option<product_variant::Model> = loaders(ctx)
            .variant
            .load_one(id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(variant.map(ProductVariant))
    }
}

#[derive(Default)]
pub struct OrderQuery;

#[Object]
impl OrderQuery {
    /// The order an `orderAccessToken` opens; null for any other string.
    async fn order_by_token(&self, ctx: &Context<'_>, token: String) -> Result<Option<Order>> {
        match orders::find_by_access_token(&state(ctx).db, &token).await {
            Ok(Some(model)) => Ok(Some(Order::load(ctx, model).await?)),
            Ok(None) => Ok(None),
            Err(e) => Err(internal(ctx, e)),
        }
    }
}
