//! Turning a cart into an order: all of it in one transaction, or nothing.

use chrono::Utc;
use entity::{
    cart, cart_line, counter, order, order_access_token, order_line, product, product_variant,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    Set, SqlErr,
};

use crate::db::Db;
use crate::domain::money::{CurrencyCode, Minor};
use crate::error::{Error, Result, UserError, UserErrorCode};
use crate::services::cart::{self as carts, CartRules};
use crate::services::payment::{
    Authorization, Charge, PaymentError, PaymentMethod, PaymentProvider,
};
use crate::services::pricing::{
    merchandise, price_cart, PricedCart, Products, Variants, WarningCode,
};
use crate::services::secrets::{random_token, token_hash};

/// Order access tokens carry 256 random bits.
const ORDER_TOKEN_BYTES: usize = 32;
const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

pub struct CheckoutRequest {
    pub cart_token: String,
    pub idempotency_key: String,
    pub method: PaymentMethod,
    pub payment_token: Option<String>,
}

pub struct PlacedOrder {
    pub order: order::Model,
    /// The secret that lets a guest read this order.
    pub access_token: String,
}

pub struct Checkout<'a> {
    pub db: &'a Db,
    pub rules: &'a CartRules,
    pub currency: CurrencyCode,
    pub payments: &'a dyn PaymentProvider,
}

impl Checkout<'_> {
    pub async fn complete(&self, request: CheckoutRequest) -> Result<PlacedOrder> {
        let key = request.idempotency_key.trim().to_string();
        if key.is_empty() || key.len() > MAX_IDEMPOTENCY_KEY_LEN {
            return Err(UserError::at(
                &["idempotencyKey"],
                format!("The idempotency key must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} characters"),
                UserErrorCode::Invalid,
            )
            .into());
        }
        let cart = cart::Entity::find()
            .filter(cart::Column::Token.eq(request.cart_token.as_str()))
            .one(self.db.conn())
            .await?
            .ok_or_else(|| UserError::at(&["cartId"], "No such cart", UserErrorCode::NotFound))?;

        if let Some(placed) = self.replay(&key, &cart).await? {
            return Ok(placed);
        }
        if cart.status != carts::OPEN {
            return Err(cart_completed());
        }

        let (lines, variants, products) = load_merchandise(self.db.conn(), cart.id).await?;
        let priced = price_cart(&cart, &lines, &variants, &products, &self.rules.shipping);
        if !priced.checkout_ready() {
            return Err(not_ready(&priced));
        }

        let authorization = match request.method {
            PaymentMethod::CashOnDelivery => None,
            PaymentMethod::TestCard => {
                let token = request
                    .payment_token
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .ok_or_else(|| {
                        UserError::at(
                            &["payment", "token"],
                            "A card payment needs a payment token",
                            UserErrorCode::Required,
                        )
                    })?;
                let charge = Charge {
                    amount: priced.total,
                    currency: self.currency,
                    token: token.to_string(),
                };
                match self.payments.authorize(&charge).await {
                    Ok(auth) => Some(auth),
                    Err(PaymentError::Declined(message)) => {
                        return Err(UserError::at(
                            &["payment"],
                            message,
                            UserErrorCode::PaymentDeclined,
                        )
                        .into())
                    }
                    Err(err @ PaymentError::Unavailable(_)) => {
                        return Err(Error::Internal(err.into()))
                    }
                }
            }
        };

        let outcome = self
            .write_order(
                key.clone(),
                cart.id,
                request.method,
                priced.total,
                authorization.clone(),
            )
            .await;
        match outcome {
            Ok(placed) => Ok(placed),
            Err(err) => {
                if let Some(auth) = &authorization {
                    self.payments.void(auth).await;
                }
                // A concurrent request with the same key may have won.
                if let Some(placed) = self.replay(&key, &cart).await? {
                    return Ok(placed);
                }
                Err(err)
            }
        }
    }

    /// When `key` already placed an order: that order, with a fresh access
    /// token (the first answer may never have reached the client). A key
    /// used with another cart is refused.
    async fn replay(&self, key: &str, cart: &cart::Model) -> Result<Option<PlacedOrder>> {
        let Some(existing) = order::Entity::find()
            .filter(order::Column::IdempotencyKey.eq(key))
            .one(self.db.conn())
            .await?
        else {
            return Ok(None);
        };
        if existing.cart_id != cart.id {
            return Err(UserError::at(
                &["idempotencyKey"],
                "This idempotency key was already used for another cart",
                UserErrorCode::IdempotencyKeyReused,
            )
            .into());
        }
        let order_id = existing.id;
        let access_token = self
            .db
            .write(move |txn| Box::pin(async move { issue_access_token(txn, order_id).await }))
            .await?;
        Ok(Some(PlacedOrder {
            order: existing,
            access_token,
        }))
    }

    /// Writes the order in one transaction. The cart is claimed first, then
    /// read and priced again under that claim: what is written is what the
    /// cart holds now, and it must cost what was authorized.
    async fn write_order(
        &self,
        key: String,
        cart_id: i32,
        method: PaymentMethod,
        authorized_total: Minor,
        authorization: Option<Authorization>,
    ) -> Result<PlacedOrder> {
        let rules = self.rules.clone();
        let currency = self.currency;
        self.db
            .write(move |txn| {
                Box::pin(async move {
                    close_cart(txn, cart_id).await?;
                    let cart = cart::Entity::find_by_id(cart_id)
                        .one(txn)
                        .await?
                        .ok_or_else(|| anyhow::anyhow!("cart {cart_id} vanished"))?;
                    let (lines, variants, products) = load_merchandise(txn, cart_id).await?;
                    let priced = price_cart(&cart, &lines, &variants, &products, &rules.shipping);
                    if !priced.checkout_ready() {
                        return Err(not_ready(&priced));
                    }
                    if priced.total != authorized_total {
                        return Err(UserError::general(
                            "The cart changed during checkout; review it and try again",
                            UserErrorCode::CartNotReady,
                        )
                        .into());
                    }
                    let rows = OrderRows::new(&cart, &lines, &variants, &products, &priced);
                    for stock_move in &rows.stock_moves {
                        take_stock(txn, stock_move).await?;
                    }
                    let status = match method {
                        PaymentMethod::TestCard => "PAID",
                        PaymentMethod::CashOnDelivery => "PLACED",
                    };
                    let mut new_order = rows.order;
                    new_order.idempotency_key = Set(key);
                    new_order.status = Set(status.into());
                    new_order.currency = Set(format!("{currency:?}").to_uppercase());
                    new_order.payment_method = Set(method.as_str().into());
                    new_order.payment_reference = Set(authorization.map(|a| a.reference));
                    new_order.number = Set(next_order_number(txn).await?);
                    let order = new_order.insert(txn).await.map_err(|err| {
                        if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) {
                            Error::from(UserError::at(
                                &["idempotencyKey"],
                                "This idempotency key was already used",
                                UserErrorCode::IdempotencyKeyReused,
                            ))
                        } else {
                            err.into()
                        }
                    })?;
                    for mut line in rows.lines {
                        line.order_id = Set(order.id);
                        line.insert(txn).await?;
                    }
                    let access_token = issue_access_token(txn, order.id).await?;
                    Ok(PlacedOrder {
                        order,
                        access_token,
                    })
                })
            })
            .await
    }
}

/// Units leaving stock for one variant.
struct StockMove {
    variant_id: i32,
    quantity: i32,
    allow_backorder: bool,
    title: String,
}

/// The rows an order is made of: snapshots of the cart as priced.
struct OrderRows {
    order: order::ActiveModel,
    lines: Vec<order_line::ActiveModel>,
    /// In variant order, so that two checkouts sharing variants lock them in
    /// the same order and never deadlock.
    stock_moves: Vec<StockMove>,
}

impl OrderRows {
    fn new(
        cart: &cart::Model,
        lines: &[cart_line::Model],
        variants: &Variants,
        products: &Products,
        priced: &PricedCart,
    ) -> Self {
        let mut order_lines = Vec::with_capacity(lines.len());
        let mut stock_moves = Vec::new();
        for line in lines {
            let Some((variant, product)) = merchandise(line, variants, products) else {
                continue;
            };
            order_lines.push(order_line::ActiveModel {
                variant_id: Set(Some(variant.id)),
                title: Set(product.title.clone()),
                variant_title: Set(variant_title(&variant.option_values)),
                sku: Set(variant.sku.clone()),
                quantity: Set(line.quantity),
                unit_price: Set(variant.price),
                total_price: Set(variant.price * line.quantity as i64),
                ..Default::default()
            });
            if variant.inventory_tracked {
                stock_moves.push(StockMove {
                    variant_id: variant.id,
                    quantity: line.quantity,
                    allow_backorder: variant.allow_backorder,
                    title: product.title.clone(),
                });
            }
        }
        stock_moves.sort_by_key(|m| m.variant_id);
        let shipping = priced.selected_shipping.clone();
        let order = order::ActiveModel {
            cart_id: Set(cart.id),
            email: Set(cart.email.clone().unwrap_or_default()),
            phone: Set(cart.phone.clone()),
            subtotal: Set(priced.subtotal.0),
            discount_amount: Set(priced.discount.0),
            shipping_amount: Set(priced.shipping.0),
            loyalty_amount: Set(priced.loyalty.0),
            total: Set(priced.total.0),
            shipping_address: Set(cart.shipping_address.clone().unwrap_or_default()),
            shipping_method_handle: Set(shipping
                .as_ref()
                .map(|m| m.handle.clone())
                .unwrap_or_default()),
            shipping_method_title: Set(shipping.map(|m| m.title).unwrap_or_default()),
            loyalty_points_earned: Set(0),
            placed_at: Set(Utc::now()),
            ..Default::default()
        };
        OrderRows {
            order,
            lines: order_lines,
            stock_moves,
        }
    }
}

/// Why a cart cannot be bought: a line's stock or availability by its own
/// code, anything else as `CART_NOT_READY`.
fn not_ready(priced: &PricedCart) -> Error {
    let line_problems = priced
        .warnings
        .iter()
        .filter(|w| w.code.blocks_checkout())
        .map(|w| {
            let code = match w.code {
                WarningCode::OutOfStock => UserErrorCode::InsufficientStock,
                _ => UserErrorCode::VariantUnavailable,
            };
            UserError::general(w.message.clone(), code)
        });
    let missing = priced
        .missing
        .iter()
        .map(|m| UserError::general(m.clone(), UserErrorCode::CartNotReady));
    Error::User(line_problems.chain(missing).collect())
}

fn cart_completed() -> Error {
    UserError::at(
        &["cartId"],
        "An order was already placed from this cart",
        UserErrorCode::CartCompleted,
    )
    .into()
}

/// Marks the cart completed, first thing in the transaction: of two
/// concurrent checkouts of one cart, the second waits here and then finds
/// nothing to claim.
async fn close_cart(txn: &DatabaseTransaction, cart_id: i32) -> Result<()> {
    let claimed = cart::Entity::update_many()
        .col_expr(cart::Column::Status, Expr::value(carts::COMPLETED))
        .col_expr(cart::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(cart::Column::Id.eq(cart_id))
        .filter(cart::Column::Status.eq(carts::OPEN))
        .exec(txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(cart_completed());
    }
    Ok(())
}

/// Takes units out of stock with one conditional update: the database
/// checks and decrements together, so concurrent checkouts can never sell
/// more than there is.
async fn take_stock(txn: &DatabaseTransaction, stock_move: &StockMove) -> Result<()> {
    let StockMove {
        variant_id,
        quantity,
        allow_backorder,
        ref title,
    } = *stock_move;
    let mut update = product_variant::Entity::update_many()
        .col_expr(
            product_variant::Column::InventoryQuantity,
            Expr::col(product_variant::Column::InventoryQuantity).sub(quantity),
        )
        .filter(product_variant::Column::Id.eq(variant_id));
    if !allow_backorder {
        update = update.filter(product_variant::Column::InventoryQuantity.gte(quantity));
    }
    let taken = update.exec(txn).await?;
    if taken.rows_affected != 1 {
        return Err(UserError::general(
            format!("Not enough {title} left in stock for this order"),
            UserErrorCode::InsufficientStock,
        )
        .into());
    }
    Ok(())
}

/// The next order number. The counter row stays locked until the
/// transaction ends, so numbers are unique and leave no gaps.
async fn next_order_number(txn: &DatabaseTransaction) -> Result<i64> {
    counter::Entity::update_many()
        .col_expr(
            counter::Column::Value,
            Expr::col(counter::Column::Value).add(1),
        )
        .filter(counter::Column::Name.eq("order_number"))
        .exec(txn)
        .await?;
    let row = counter::Entity::find_by_id("order_number")
        .one(txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the order_number counter is missing"))?;
    Ok(row.value)
}

async fn issue_access_token(txn: &DatabaseTransaction, order_id: i32) -> Result<String> {
    let token = random_token(ORDER_TOKEN_BYTES);
    order_access_token::ActiveModel {
        order_id: Set(order_id),
        token_hash: Set(token_hash(&token)),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(token)
}

/// A variant's title as shoppers read it: its option values, or "Default
/// Title" for a product without options.
pub fn variant_title(option_values: &str) -> String {
    let values: Vec<&str> = option_values
        .split('\n')
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        "Default Title".into()
    } else {
        values.join(" / ")
    }
}

type Merchandise = (Vec<cart_line::Model>, Variants, Products);

/// A cart's lines with their variants and products, in three queries.
pub async fn load_merchandise<C: ConnectionTrait>(conn: &C, cart_id: i32) -> Result<Merchandise> {
    let lines = carts::lines_of(conn, cart_id).await?;
    let variants: Variants = product_variant::Entity::find()
        .filter(product_variant::Column::Id.is_in(lines.iter().map(|l| l.variant_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let products: Products = product::Entity::find()
        .filter(product::Column::Id.is_in(variants.values().map(|v| v.product_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    Ok((lines, variants, products))
}
