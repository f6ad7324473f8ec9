//! Placed orders, as the shoppers who placed them may read them.

use entity::{order, order_access_token, order_line};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::Db;
use crate::domain::address::MailingAddress;
use crate::error::Result;
use crate::services::secrets::token_hash;

/// The order an access token opens. An unknown token and a made-up one look
/// the same: `None`.
pub async fn find_by_access_token(db: &Db, token: &str) -> Result<Option<order::Model>> {
    let token = token.trim();
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let Some(access) = order_access_token::Entity::find()
        .filter(order_access_token::Column::TokenHash.eq(token_hash(token)))
        .one(db.conn())
        .await?
    else {
        return Ok(None);
    };
    Ok(order::Entity::find_by_id(access.order_id)
        .one(db.conn())
        .await?)
}

pub async fn lines(db: &Db, order_id: i32) -> Result<Vec<order_line::Model>> {
    Ok(order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .order_by_asc(order_line::Column::Id)
        .all(db.conn())
        .await?)
}

pub fn shipping_address(order: &order::Model) -> Option<MailingAddress> {
    serde_json::from_str(&order.shipping_address).ok()
}
