//! Carts over GraphQL. The cart id is its secret: whoever holds it may read
//! and change the cart, nobody else can find it.

use std::sync::Arc;

use async_graphql::connection::Connection;
use async_graphql::{Context, InputObject, Object, OneofObject, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{cart, cart_line, product_variant};
use tokio::sync::OnceCell;

use super::catalog::ProductVariant;
use super::ids::{self, Kind};
use super::money::Money;
use super::pagination::{page_cost, paginate_in_memory, PageArgs};
use super::{internal, loaders, outcome, state};
use crate::domain::address::{self, AddressInput};
use crate::domain::money::{CurrencyCode, Minor};
use crate::error::{UserError, UserErrorCode};
use crate::services::cart::{self as carts, LineRequest, LineUpdate, NewCart};
use crate::services::pricing::{self, PricedCart, WarningCode};
use crate::services::shipping;

pub struct Cart {
    model: cart::Model,
    lines: Vec<cart_line::Model>,
    priced: OnceCell<Arc<PricedCart>>,
}

impl Cart {
    pub async fn load(ctx: &Context<'_>, model: cart::Model) -> Result<Self> {
        let lines = carts::lines(&state(ctx).db, model.id)
            .await
            .map_err(|e| internal(ctx, e))?;
        Ok(Cart {
            model,
            lines,
            priced: OnceCell::new(),
        })
    }

    /// The open cart behind a cart id, or `None`.
    pub async fn find(ctx: &Context<'_>, id: &str) -> Result<Option<Self>> {
        let Some(token) = ids::decode_cart(id) else {
            return Ok(None);
        };
        match carts::find_open(&state(ctx).db, &token).await {
            Ok(Some(model)) => Ok(Some(Cart::load(ctx, model).await?)),
            Ok(None) => Ok(None),
            Err(e) => Err(internal(ctx, e)),
        }
    }

    /// Prices the cart once per request, from the variants and products the
    /// request's loaders fetch in batches.
    async fn priced(&self, ctx: &Context<'_>) -> Result<Arc<PricedCart>> {
        self.priced
            .get_or_try_init(|| async {
                let loaders = loaders(ctx);
                let variants = loaders
                    .variant
                    .load_many(self.lines.iter().map(|l| l.variant_id))
                    .await
                    .map_err(|e| internal(ctx, e))?;
                let products = loaders
                    .product
                    .load_many(variants.values().map(|v| v.product_id))
                    .await
                    .map_err(|e| internal(ctx, e))?;
                Ok(Arc::new(pricing::price_cart(
                    &self.model,
                    &self.lines,
                    &variants,
                    &products,
                    &state(ctx).rules.shipping,
                )))
            })
            .await
            .cloned()
    }
}

fn money(ctx: &Context<'_>, amount: Minor) -> Money {
    Money::new(amount, state(ctx).settings.currency)
}

/// What a shopper is about to buy.
#[Object]
impl Cart {
    /// The cart's id, which is also its access key: keep it private.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Cart, &self.model.token)
    }

    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn lines(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Connection<String, CartLine>> {
        let priced = self.priced(ctx).await?;
        let currency = state(ctx).settings.currency;
        let lines: Vec<CartLine> = self
            .lines
            .iter()
            .map(|line| {
                let price = priced.lines.iter().find(|p| p.line_id == line.id);
                CartLine {
                    model: line.clone(),
                    unit_price: price.map_or(Minor(line.seen_price), |p| p.unit_price),
                    subtotal: price.map_or(Minor(0), |p| p.subtotal),
                    currency,
                }
            })
            .collect();
        paginate_in_memory(ctx, lines, PageArgs::new(first, after, last, before), |l| l)
    }

    /// Units across all lines.
    async fn total_quantity(&self) -> i32 {
        self.lines.iter().map(|l| l.quantity).sum()
    }

    /// Where the order confirmation goes.
    async fn email(&self) -> Option<&str> {
        self.model.email.as_deref()
    }

    /// So the courier can reach the buyer at delivery.
    async fn phone(&self) -> Option<&str> {
        self.model.phone.as_deref()
    }

    async fn shipping_address(&self) -> Option<MailingAddress> {
        carts::shipping_address(&self.model).map(MailingAddress)
    }

    /// The store's shipping methods, priced for this cart.
    async fn available_shipping_methods(&self, ctx: &Context<'_>) -> Result<Vec<ShippingMethod>> {
        let priced = self.priced(ctx).await?;
        Ok(priced
            .shipping_offers
            .iter()
            .map(|m| ShippingMethod::new(m, state(ctx).settings.currency))
            .collect())
    }

    async fn selected_shipping_method(&self, ctx: &Context<'_>) -> Result<Option<ShippingMethod>> {
        let priced = self.priced(ctx).await?;
        Ok(priced
            .selected_shipping
            .as_ref()
            .map(|m| ShippingMethod::new(m, state(ctx).settings.currency)))
    }

    /// What the cart costs now, from current catalog prices.
    async fn cost(&self, ctx: &Context<'_>) -> Result<CartCost> {
        let priced = self.priced(ctx).await?;
        Ok(CartCost {
            subtotal_amount: money(ctx, priced.subtotal),
            discount_amount: money(ctx, priced.discount),
            shipping_amount: money(ctx, priced.shipping),
            loyalty_amount: money(ctx, priced.loyalty),
            total_amount: money(ctx, priced.total),
        })
    }

    /// Whether `checkoutComplete` can succeed now (payment aside).
    async fn checkout_ready(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.priced(ctx).await?.checkout_ready())
    }

    /// What `checkoutReady: false` is waiting for, as sentences.
    async fn checkout_blockers(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(self.priced(ctx).await?.blockers())
    }

    /// What changed since the shopper last looked: prices, stock.
    async fn warnings(&self, ctx: &Context<'_>) -> Result<Vec<CartWarning>> {
        Ok(self
            .priced(ctx)
            .await?
            .warnings
            .iter()
            .map(|w| CartWarning {
                code: w.code,
                message: w.message.clone(),
                line_id: w.line_id.map(|id| ids::encode(Kind::CartLine, id)),
            })
            .collect())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }
}

pub struct CartLine {
    model: cart_line::Model,
    unit_price: Minor,
    subtotal: Minor,
    currency: CurrencyCode,
}

#[Object]
impl CartLine {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::CartLine, self.model.id)
    }

    async fn quantity(&self) -> i32 {
        self.model.quantity
    }

    async fn merchandise(&self, ctx: &Context<'_>) -> Result<ProductVariant> {
        let variant: product_variant::Model = loaders(ctx)
            .variant
            .load_one(self.model.variant_id)
            .await
            .map_err(|e| internal(ctx, e))?
            .ok_or_else(|| internal(ctx, anyhow::anyhow!("cart line without variant")))?;
        Ok(ProductVariant(variant))
    }

    async fn cost(&self) -> CartLineCost {
        CartLineCost {
            amount_per_quantity: Money::new(self.unit_price, self.currency),
            subtotal_amount: Money::new(self.subtotal, self.currency),
        }
    }
}

#[derive(SimpleObject)]
pub struct CartLineCost {
    pub amount_per_quantity: Money,
    pub subtotal_amount: Money,
}

#[derive(SimpleObject)]
pub struct CartCost {
    /// Merchandise at current prices.
    pub subtotal_amount: Money,
    pub discount_amount: Money,
    pub shipping_amount: Money,
    /// Paid with loyalty points.
    pub loyalty_amount: Money,
    pub total_amount: Money,
}

#[derive(SimpleObject)]
pub struct CartWarning {
    pub code: WarningCode,
    pub message: String,
    /// The line concerned, if any.
    pub line_id: Option<ID>,
}

#[derive(SimpleObject)]
pub struct ShippingMethod {
    pub handle: String,
    pub title: String,
    pub description: Option<String>,
    pub price: Money,
}

impl ShippingMethod {
    pub fn new(method: &shipping::ShippingMethod, currency: CurrencyCode) -> Self {
        ShippingMethod {
            handle: method.handle.clone(),
            title: method.title.clone(),
            description: None,
            price: Money::new(method.price, currency),
        }
    }
}

pub struct MailingAddress(pub address::MailingAddress);

/// A postal address.
#[Object]
impl MailingAddress {
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }
    async fn company(&self) -> Option<&str> {
        self.0.company.as_deref()
    }
    async fn address1(&self) -> &str {
        &self.0.address1
    }
    async fn address2(&self) -> Option<&str> {
        self.0.address2.as_deref()
    }
    async fn city(&self) -> &str {
        &self.0.city
    }
    async fn province(&self) -> Option<&str> {
        self.0.province.as_deref()
    }
    async fn postal_code(&self) -> &str {
        &self.0.postal_code
    }
    /// ISO 3166-1 alpha-2, upper case.
    async fn country_code(&self) -> &str {
        &self.0.country_code
    }
    /// So the courier can reach the recipient.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
}

#[derive(InputObject)]
pub struct CartLineInput {
    pub variant_id: ID,
    #[graphql(default = 1)]
    pub quantity: i32,
}

#[derive(InputObject)]
pub struct CartLineUpdateInput {
    pub id: ID,
    /// The new quantity; 0 removes the line.
    pub quantity: i32,
}

#[derive(InputObject)]
pub struct CartInput {
    pub lines: Option<Vec<CartLineInput>>,
    /// Where the order confirmation goes.
    pub email: Option<String>,
}

#[derive(InputObject)]
pub struct CartBuyerIdentityInput {
    /// Where the order confirmation goes. An empty string clears it.
    pub email: Option<String>,
    /// Optional, so the courier can reach you if you are out at delivery.
    /// An empty string clears it.
    pub phone: Option<String>,
}

#[derive(InputObject)]
pub struct MailingAddressInput {
    pub first_name: String,
    pub last_name: String,
    pub company: Option<String>,
    pub address1: String,
    pub address2: Option<String>,
    pub city: String,
    pub province: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, e.g. "FR".
    pub country_code: String,
    /// Optional, so the courier can reach you if you are out at delivery.
    pub phone: Option<String>,
}

impl From<MailingAddressInput> for AddressInput {
    fn from(input: MailingAddressInput) -> Self {
        AddressInput {
            first_name: input.first_name,
            last_name: input.last_name,
            company: input.company,
            address1: input.address1,
            address2: input.address2,
            city: input.city,
            province: input.province,
            postal_code: input.postal_code,
            country_code: input.country_code,
            phone: input.phone,
        }
    }
}

/// Exactly one of: a new address, or one saved in the customer's account.
#[derive(OneofObject)]
pub enum CartAddressInput {
    Address(Box<MailingAddressInput>),
    SavedAddressId(ID),
}

#[derive(SimpleObject)]
pub struct CartPayload {
    /// The cart after the change; on a refusal, the cart unchanged.
    pub cart: Option<Cart>,
    pub user_errors: Vec<UserError>,
}

#[derive(Default)]
pub struct CartQuery;

#[Object]
impl CartQuery {
    /// An open cart by its id; null for an unknown id or a cart already
    /// checked out.
    async fn cart(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Cart>> {
        Cart::find(ctx, &id).await
    }

    /// The store's shipping methods at their base price.
    async fn shipping_methods(&self, ctx: &Context<'_>) -> Vec<ShippingMethod> {
        let state = state(ctx);
        state
            .rules
            .shipping
            .methods
            .iter()
            .map(|m| ShippingMethod::new(m, state.settings.currency))
            .collect()
    }
}

/// Checks an input list's length against the store's limit.
pub fn check_list_len(ctx: &Context<'_>, len: usize, field: &str) -> Option<UserError> {
    let max = state(ctx).settings.limits.max_input_list;
    (len > max).then(|| {
        UserError::at(
            &[field],
            format!("At most {max} items per request"),
            UserErrorCode::TooManyItems,
        )
    })
}

/// Decodes ids of one kind from an input list, reporting each bad one.
fn decode_ids<T>(
    items: &[T],
    id_of: impl Fn(&T) -> &ID,
    kind: Kind,
    path: impl Fn(usize) -> Vec<String>,
) -> Result<Vec<i32>, Vec<UserError>> {
    let mut decoded = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match ids::decode_int(id_of(item), kind) {
            Some(id) => decoded.push(id),
            None => errors.push(UserError::new(
                path(i),
                "No such id",
                UserErrorCode::NotFound,
            )),
        }
    }
    if errors.is_empty() {
        Ok(decoded)
    } else {
        Err(errors)
    }
}

fn line_requests(
    lines: &[CartLineInput],
    prefix: &[&str],
) -> Result<Vec<LineRequest>, Vec<UserError>> {
    let ids = decode_ids(
        lines,
        |l| &l.variant_id,
        Kind::ProductVariant,
        |i| {
            prefix
                .iter()
                .map(|s| s.to_string())
                .chain([i.to_string(), "variantId".to_string()])
                .collect()
        },
    )?;
    Ok(ids
        .into_iter()
        .zip(lines)
        .map(|(variant_id, line)| LineRequest {
            variant_id,
            quantity: line.quantity,
        })
        .collect())
}

fn cart_not_found() -> UserError {
    UserError::at(&["cartId"], "No such cart", UserErrorCode::NotFound)
}

#[derive(Default)]
pub struct CartMutation;

impl CartMutation {
    /// Builds the payload of a cart mutation: the changed cart, or on a
    /// refusal the errors and the cart as it still is.
    async fn payload(
        ctx: &Context<'_>,
        token: &str,
        result: crate::error::Result<cart::Model>,
    ) -> Result<CartPayload> {
        match outcome(ctx, result)? {
            (Some(model), _) => Ok(CartPayload {
                cart: Some(Cart::load(ctx, model).await?),
                user_errors: Vec::new(),
            }),
            (None, user_errors) => Ok(CartPayload {
                cart: Cart::find(ctx, &ids::encode(Kind::Cart, token)).await?,
                user_errors,
            }),
        }
    }

    fn refused(errors: Vec<UserError>) -> CartPayload {
        CartPayload {
            cart: None,
            user_errors: errors,
        }
    }
}

#[Object]
impl CartMutation {
    /// Starts a cart, optionally with lines and an email.
    async fn cart_create(
        &self,
        ctx: &Context<'_>,
        input: Option<CartInput>,
    ) -> Result<CartPayload> {
        let input = input.unwrap_or(CartInput {
            lines: None,
            email: None,
        });
        let lines = input.lines.unwrap_or_default();
        if let Some(err) = check_list_len(ctx, lines.len(), "lines") {
            return Ok(Self::refused(vec![err]));
        }
        let lines = match line_requests(&lines, &["input", "lines"]) {
            Ok(lines) => lines,
            Err(errors) => return Ok(Self::refused(errors)),
        };
        let state = state(ctx);
        let created = carts::create(
            &state.db,
            &state.rules,
            NewCart {
                lines,
                email: input.email,
            },
        )
        .await;
        match outcome(ctx, created)? {
            (Some(model), _) => Ok(CartPayload {
                cart: Some(Cart::load(ctx, model).await?),
                user_errors: Vec::new(),
            }),
            (None, errors) => Ok(Self::refused(errors)),
        }
    }

    /// Adds variants to the cart; a variant already there adds to its line.
    async fn cart_lines_add(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineInput>,
    ) -> Result<CartPayload> {
        let Some(token) = ids::decode_cart(&cart_id) else {
            return Ok(Self::refused(vec![cart_not_found()]));
        };
        if let Some(err) = check_list_len(ctx, lines.len(), "lines") {
            return Self::payload(ctx, &token, Err(err.into())).await;
        }
        let requests = match line_requests(&lines, &["lines"]) {
            Ok(requests) => requests,
            Err(errors) => return Self::payload(ctx, &token, Err(errors.into())).await,
        };
        let state = state(ctx);
        let result = carts::add_lines(&state.db, &state.rules, &token, requests).await;
        Self::payload(ctx, &token, result).await
    }

    /// Sets line quantities; 0 removes the line.
    async fn cart_lines_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        lines: Vec<CartLineUpdateInput>,
    ) -> Result<CartPayload> {
        let Some(token) = ids::decode_cart(&cart_id) else {
            return Ok(Self::refused(vec![cart_not_found()]));
        };
        if let Some(err) = check_list_len(ctx, lines.len(), "lines") {
            return Self::payload(ctx, &token, Err(err.into())).await;
        }
        let line_ids = match decode_ids(
            &lines,
            |l| &l.id,
            Kind::CartLine,
            |i| vec!["lines".into(), i.to_string(), "id".into()],
        ) {
            Ok(ids) => ids,
            Err(errors) => return Self::payload(ctx, &token, Err(errors.into())).await,
        };
        let updates = line_ids
            .into_iter()
            .zip(&lines)
            .map(|(line_id, l)| LineUpdate {
                line_id,
                quantity: l.quantity,
            })
            .collect();
        let state = state(ctx);
        let result = carts::update_lines(&state.db, &state.rules, &token, updates).await;
        Self::payload(ctx, &token, result).await
    }

    async fn cart_lines_remove(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        line_ids: Vec<ID>,
    ) -> Result<CartPayload> {
        let Some(token) = ids::decode_cart(&cart_id) else {
            return Ok(Self::refused(vec![cart_not_found()]));
        };
        if let Some(err) = check_list_len(ctx, line_ids.len(), "lineIds") {
            return Self::payload(ctx, &token, Err(err.into())).await;
        }
        let decoded = match decode_ids(
            &line_ids,
            |id| id,
            Kind::CartLine,
            |i| vec!["lineIds".into(), i.to_string()],
        ) {
            Ok(ids) => ids,
            Err(errors) => return Self::payload(ctx, &token, Err(errors.into())).await,
        };
        let result = carts::remove_lines(&state(ctx).db, &token, decoded).await;
        Self::payload(ctx, &token, result).await
    }

    /// Who is buying: the email for the confirmation and, optionally, a
    /// phone number for the courier.
    async fn cart_buyer_identity_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        buyer_identity: CartBuyerIdentityInput,
    ) -> Result<CartPayload> {
        let Some(token) = ids::decode_cart(&cart_id) else {
            return Ok(Self::refused(vec![cart_not_found()]));
        };
        let result = carts::update_buyer_identity(
            &state(ctx).db,
            &token,
            buyer_identity.email,
            buyer_identity.phone,
        )
        .await;
        Self::payload(ctx, &token, result).await
    }

    async fn cart_shipping_address_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        address: CartAddressInput,
    ) -> Result<CartPayload> {
        let Some(token) = ids::decode_cart(&cart_id) else {
            return Ok(Self::refused(vec![cart_not_found()]));
        };
        let result = match address {
            CartAddressInput::Address(input) => {
                carts::update_shipping_address(&state(ctx).db, &token, (*input).into()).await
            }
            CartAddressInput::SavedAddressId(_) => Err(UserError::at(
                &["address", "savedAddressId"],
                "Saved addresses need a customer account, which this store does not offer yet",
                UserErrorCode::NotAvailable,
            )
            .into()),
        };
        Self::payload(ctx, &token, result).await
    }

    /// Chooses one of `availableShippingMethods` by its handle.
    async fn cart_shipping_method_update(
        &self,
        ctx: &Context<'_>,
        cart_id: ID,
        handle: String,
    ) -> Result<CartPayload> {
        let Some(token) = ids::decode_cart(&cart_id) else {
            return Ok(Self::refused(vec![cart_not_found()]));
        };
        let state = state(ctx);
        let result = carts::update_shipping_method(&state.db, &state.rules, &token, &handle).await;
        Self::payload(ctx, &token, result).await
    }
}
