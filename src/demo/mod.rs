//! The demo shop: a florist's catalog (bouquets in sizes, plants, vases),
//! written for comptoir and imported through the same Shopify CSV path a
//! merchant uses.

use entity::product;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::db::Db;
use crate::import::{import_shopify, ImportSummary};

const FLORIST_CSV: &str = include_str!("florist.csv");

/// Loads the demo catalog into a database that has no products; leaves any
/// other database alone.
pub async fn load_if_empty(db: &Db) -> anyhow::Result<Option<ImportSummary>> {
    if product::Entity::find().count(db.conn()).await? > 0 {
        return Ok(None);
    }
    let mut summary = ImportSummary::default();
    import_shopify(db, "demo/florist.csv", FLORIST_CSV.as_bytes(), &mut summary).await?;
    Ok(Some(summary))
}
