//! Carts: created by anyone, reached only through their secret token, and
//! changed only by rules that keep them buyable (quantities within limits
//! and within stock).

use chrono::Utc;
use entity::{cart, cart_line, product, product_variant};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use crate::db::Db;
use crate::domain::address::{AddressInput, MailingAddress};
use crate::domain::email::Email;
use crate::domain::phone;
use crate::domain::quantity::Quantity;
use crate::error::{Error, Result, UserError, UserErrorCode};
use crate::services::pricing::sellable_units;
use crate::services::secrets::random_token;
use crate::services::shipping::ShippingPolicy;

pub const OPEN: &str = "open";
pub const COMPLETED: &str = "completed";

/// Cart ids carry 192 random bits.
const CART_TOKEN_BYTES: usize = 24;

/// The shop rules a cart obeys.
#[derive(Debug, Clone)]
pub struct CartRules {
    pub max_line_quantity: i32,
    pub shipping: ShippingPolicy,
}

#[derive(Debug, Clone)]
pub struct LineRequest {
    pub variant_id: i32,
    pub quantity: i32,
}

#[derive(Debug, Clone)]
pub struct LineUpdate {
    pub line_id: i32,
    pub quantity: i32,
}

pub struct NewCart {
    pub lines: Vec<LineRequest>,
    pub email: Option<String>,
}

pub async fn create(db: &Db, rules: &CartRules, new: NewCart) -> Result<cart::Model> {
    let email = match new.email.as_deref() {
        Some(raw) => Some(parse_email(raw, &["input", "email"])?),
        None => None,
    };
    let rules = rules.clone();
    db.write(move |txn| {
        Box::pin(async move {
            let now = Utc::now();
            let cart = cart::ActiveModel {
                token: Set(random_token(CART_TOKEN_BYTES)),
                status: Set(OPEN.into()),
                email: Set(email.map(Email::into_string)),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            add_lines_in(txn, &rules, &cart, &new.lines, &["input", "lines"]).await?;
            Ok(cart)
        })
    })
    .await
}

/// The open cart behind a token, or `None` (unknown and completed carts look
/// the same from outside).
pub async fn find_open(db: &Db, token: &str) -> Result<Option<cart::Model>> {
    Ok(cart::Entity::find()
        .filter(cart::Column::Token.eq(token))
        .filter(cart::Column::Status.eq(OPEN))
        .one(db.conn())
        .await?)
}

pub async fn lines(db: &Db, cart_id: i32) -> Result<Vec<cart_line::Model>> {
    lines_of(db.conn(), cart_id).await
}

pub async fn lines_of<C: ConnectionTrait>(conn: &C, cart_id: i32) -> Result<Vec<cart_line::Model>> {
    Ok(cart_line::Entity::find()
        .filter(cart_line::Column::CartId.eq(cart_id))
        .order_by_asc(cart_line::Column::Id)
        .all(conn)
        .await?)
}

pub async fn add_lines(
    db: &Db,
    rules: &CartRules,
    token: &str,
    lines: Vec<LineRequest>,
) -> Result<cart::Model> {
    let (rules, token) = (rules.clone(), token.to_string());
    db.write(move |txn| {
        Box::pin(async move {
            let cart = open_cart_for_update(txn, &token).await?;
            add_lines_in(txn, &rules, &cart, &lines, &["lines"]).await?;
            touch(txn, cart).await
        })
    })
    .await
}

pub async fn update_lines(
    db: &Db,
    rules: &CartRules,
    token: &str,
    updates: Vec<LineUpdate>,
) -> Result<cart::Model> {
    let (rules, token) = (rules.clone(), token.to_string());
    db.write(move |txn| {
        Box::pin(async move {
            let cart = open_cart_for_update(txn, &token).await?;
            let existing = lines_of(txn, cart.id).await?;
            let mut errors = Vec::new();
            let mut changes = Vec::new();
            for (i, update) in updates.iter().enumerate() {
                let index = i.to_string();
                if updates[..i].iter().any(|u| u.line_id == update.line_id) {
                    errors.push(UserError::at(
                        &["lines", &index, "id"],
                        "This line appears twice in the request",
                        UserErrorCode::Invalid,
                    ));
                    continue;
                }
                let Some(line) = existing.iter().find(|l| l.id == update.line_id) else {
                    errors.push(UserError::at(
                        &["lines", &index, "id"],
                        "No such line in this cart",
                        UserErrorCode::NotFound,
                    ));
                    continue;
                };
                if update.quantity == 0 {
                    changes.push((line.clone(), None));
                    continue;
                }
                let Some(quantity) = Quantity::parse(update.quantity, rules.max_line_quantity)
                else {
                    errors.push(quantity_out_of_range(
                        &["lines", &index, "quantity"],
                        &rules,
                        true,
                    ));
                    continue;
                };
                let Some(variant) = product_variant::Entity::find_by_id(line.variant_id)
                    .one(txn)
                    .await?
                else {
                    errors.push(UserError::at(
                        &["lines", &index, "id"],
                        "This item is no longer sold",
                        UserErrorCode::VariantUnavailable,
                    ));
                    continue;
                };
                if let Err(err) =
                    check_stock(&variant, quantity.get(), &["lines", &index, "quantity"])
                {
                    errors.push(err);
                    continue;
                }
                changes.push((line.clone(), Some((quantity, variant.price))));
            }
            if !errors.is_empty() {
                return Err(Error::User(errors));
            }
            let now = Utc::now();
            for (line, change) in changes {
                match change {
                    None => {
                        cart_line::Entity::delete_by_id(line.id).exec(txn).await?;
                    }
                    Some((quantity, price)) => {
                        let mut active: cart_line::ActiveModel = line.into();
                        active.quantity = Set(quantity.get());
                        active.seen_price = Set(price);
                        active.updated_at = Set(now);
                        active.update(txn).await?;
                    }
                }
            }
            touch(txn, cart).await
        })
    })
    .await
}

pub async fn remove_lines(db: &Db, token: &str, line_ids: Vec<i32>) -> Result<cart::Model> {
    let token = token.to_string();
    db.write(move |txn| {
        Box::pin(async move {
            let cart = open_cart_for_update(txn, &token).await?;
            let existing = lines_of(txn, cart.id).await?;
            let errors: Vec<_> = line_ids
                .iter()
                .enumerate()
                .filter(|(_, id)| !existing.iter().any(|l| l.id == **id))
                .map(|(i, _)| {
                    UserError::at(
                        &["lineIds", &i.to_string()],
                        "No such line in this cart",
                        UserErrorCode::NotFound,
                    )
                })
                .collect();
            if !errors.is_empty() {
                return Err(Error::User(errors));
            }
            cart_line::Entity::delete_many()
                .filter(cart_line::Column::CartId.eq(cart.id))
                .filter(cart_line::Column::Id.is_in(line_ids))
                .exec(txn)
                .await?;
            touch(txn, cart).await
        })
    })
    .await
}

/// Contact details of the buyer; a field left out stays as it was, an empty
/// string clears it.
pub async fn update_buyer_identity(
    db: &Db,
    token: &str,
    email: Option<String>,
    phone: Option<String>,
) -> Result<cart::Model> {
    let email = match email.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => Some(Some(parse_email(raw, &["buyerIdentity", "email"])?)),
    };
    let phone = match phone.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => Some(Some(parse_phone(raw, &["buyerIdentity", "phone"])?)),
    };
    let token = token.to_string();
    db.write(move |txn| {
        Box::pin(async move {
            let cart = open_cart_for_update(txn, &token).await?;
            let mut active: cart::ActiveModel = cart.into();
            if let Some(email) = email {
                active.email = Set(email.map(Email::into_string));
            }
            if let Some(phone) = phone {
                active.phone = Set(phone);
            }
            active.updated_at = Set(Utc::now());
            Ok(active.update(txn).await?)
        })
    })
    .await
}

pub async fn update_shipping_address(
    db: &Db,
    token: &str,
    input: AddressInput,
) -> Result<cart::Model> {
    let address = MailingAddress::parse(input, &["address", "address"])?;
    let json = serde_json::to_string(&address).map_err(anyhow::Error::from)?;
    let token = token.to_string();
    db.write(move |txn| {
        Box::pin(async move {
            let cart = open_cart_for_update(txn, &token).await?;
            let mut active: cart::ActiveModel = cart.into();
            active.shipping_address = Set(Some(json));
            active.updated_at = Set(Utc::now());
            Ok(active.update(txn).await?)
        })
    })
    .await
}

pub async fn update_shipping_method(
    db: &Db,
    rules: &CartRules,
    token: &str,
    handle: &str,
) -> Result<cart::Model> {
    let handle = handle.trim().to_string();
    if !rules.shipping.exists(&handle) {
        return Err(UserError::at(
            &["handle"],
            format!("\"{handle}\" is not a shipping method of this store"),
            UserErrorCode::ShippingMethodUnavailable,
        )
        .into());
    }
    let token = token.to_string();
    db.write(move |txn| {
        Box::pin(async move {
            let cart = open_cart_for_update(txn, &token).await?;
            let mut active: cart::ActiveModel = cart.into();
            active.shipping_method = Set(Some(handle));
            active.updated_at = Set(Utc::now());
            Ok(active.update(txn).await?)
        })
    })
    .await
}

/// The shipping address stored on a cart.
pub fn shipping_address(cart: &cart::Model) -> Option<MailingAddress> {
    cart.shipping_address
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
}

fn parse_email(raw: &str, field: &[&str]) -> Result<Email> {
    Email::parse(raw).ok_or_else(|| {
        UserError::at(
            field,
            "This is not a valid email address",
            UserErrorCode::InvalidEmail,
        )
        .into()
    })
}

fn parse_phone(raw: &str, field: &[&str]) -> Result<String> {
    if phone::is_valid(raw) {
        Ok(raw.to_string())
    } else {
        Err(UserError::at(
            field,
            "This is not a valid phone number",
            UserErrorCode::Invalid,
        )
        .into())
    }
}

/// The open cart behind `token`, for a change. Finding it completed is a
/// refusal of its own, so that a front-end can tell the shopper why. The row
/// stays locked until the transaction ends (on PostgreSQL; SQLite has one
/// writer anyway), so concurrent changes to one cart take turns.
async fn open_cart_for_update(txn: &DatabaseTransaction, token: &str) -> Result<cart::Model> {
    let cart = cart::Entity::find()
        .filter(cart::Column::Token.eq(token))
        .lock_exclusive()
        .one(txn)
        .await?;
    match cart {
        None => Err(UserError::at(&["cartId"], "No such cart", UserErrorCode::NotFound).into()),
        Some(cart) if cart.status != OPEN => Err(UserError::at(
            &["cartId"],
            "An order was already placed from this cart",
            UserErrorCode::CartCompleted,
        )
        .into()),
        Some(cart) => Ok(cart),
    }
}

async fn touch(txn: &DatabaseTransaction, cart: cart::Model) -> Result<cart::Model> {
    let mut active: cart::ActiveModel = cart.into();
    active.updated_at = Set(Utc::now());
    Ok(active.update(txn).await?)
}

fn quantity_out_of_range(field: &[&str], rules: &CartRules, zero_allowed: bool) -> UserError {
    let low = if zero_allowed { 0 } else { 1 };
    UserError::at(
        field,
        format!(
            "Quantity must be between {low} and {}",
            rules.max_line_quantity
        ),
        UserErrorCode::QuantityOutOfRange,
    )
}

fn check_stock(
    variant: &product_variant::Model,
    wanted: i32,
    field: &[&str],
) -> std::result::Result<(), UserError> {
    match sellable_units(variant) {
        Some(0) => Err(UserError::at(
            field,
            "This item is sold out",
            UserErrorCode::InsufficientStock,
        )),
        Some(units) if units < wanted => Err(UserError::at(
            field,
            format!("Only {units} left in stock"),
            UserErrorCode::InsufficientStock,
        )),
        _ => Ok(()),
    }
}

/// Adds each requested line, merging with a line of the same variant; all
/// or nothing.
async fn add_lines_in(
    txn: &DatabaseTransaction,
    rules: &CartRules,
    cart: &cart::Model,
    requests: &[LineRequest],
    prefix: &[&str],
) -> Result<()> {
    let existing = lines_of(txn, cart.id).await?;
    let mut errors = Vec::new();
    // Quantities per variant after this change, so that the same variant
    // twice in one request is checked as one line.
    let mut planned: Vec<(i32, i32, i64)> = Vec::new();
    for (i, request) in requests.iter().enumerate() {
        let index = i.to_string();
        let path = |leaf: &'static str| -> Vec<&str> {
            prefix
                .iter()
                .copied()
                .chain([index.as_str(), leaf])
                .collect()
        };
        if Quantity::parse(request.quantity, rules.max_line_quantity).is_none() {
            errors.push(quantity_out_of_range(&path("quantity"), rules, false));
            continue;
        }
        let found = product_variant::Entity::find_by_id(request.variant_id)
            .find_also_related(product::Entity)
            .one(txn)
            .await?;
        let Some((variant, Some(product))) = found else {
            errors.push(UserError::at(
                &path("variantId"),
                "No such product variant",
                UserErrorCode::NotFound,
            ));
            continue;
        };
        if !product.published {
            errors.push(UserError::at(
                &path("variantId"),
                format!("{} is not for sale", product.title),
                UserErrorCode::VariantUnavailable,
            ));
            continue;
        }
        let already = planned
            .iter()
            .find(|(id, _, _)| *id == variant.id)
            .map(|(_, q, _)| *q)
            .or_else(|| {
                existing
                    .iter()
                    .find(|l| l.variant_id == variant.id)
                    .map(|l| l.quantity)
            })
            .unwrap_or(0);
        let total = already.saturating_add(request.quantity);
        if Quantity::parse(total, rules.max_line_quantity).is_none() {
            errors.push(UserError::at(
                &path("quantity"),
                format!(
                    "A cart line holds at most {} units; this one would hold {total}",
                    rules.max_line_quantity
                ),
                UserErrorCode::QuantityOutOfRange,
            ));
            continue;
        }
        if let Err(err) = check_stock(&variant, total, &path("quantity")) {
            errors.push(err);
            continue;
        }
        planned.retain(|(id, _, _)| *id != variant.id);
        planned.push((variant.id, total, variant.price));
    }
    if !errors.is_empty() {
        return Err(Error::User(errors));
    }
    let now = Utc::now();
    for (variant_id, quantity, price) in planned {
        match existing.iter().find(|l| l.variant_id == variant_id) {
            Some(line) => {
                let mut active: cart_line::ActiveModel = line.clone().into();
                active.quantity = Set(quantity);
                active.seen_price = Set(price);
                active.updated_at = Set(now);
                active.update(txn).await?;
            }
            None => {
                cart_line::ActiveModel {
                    cart_id: Set(cart.id),
                    variant_id: Set(variant_id),
                    quantity: Set(quantity),
                    seen_price: Set(price),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
            }
        }
    }
    Ok(())
}
