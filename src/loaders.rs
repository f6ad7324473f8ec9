//! Per-request data loaders: every product, variant and image a response
//! needs is fetched in one `WHERE … IN (…)` query per kind, however many
//! products the page holds.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use entity::{product, product_image, product_variant};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::db::Db;

/// Built fresh for each request, so nothing cached outlives it.
pub struct Loaders {
    pub product: DataLoader<ProductById, HashMapCache>,
    pub variant: DataLoader<VariantById, HashMapCache>,
    pub variants_of_product: DataLoader<VariantsOfProduct, HashMapCache>,
    pub images_of_product: DataLoader<ImagesOfProduct, HashMapCache>,
}

fn cached<T: Loader<i32>>(loader: T) -> DataLoader<T, HashMapCache> {
    DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
}

impl Loaders {
    pub fn new(db: &Db) -> Self {
        Loaders {
            product: cached(ProductById(db.clone())),
            variant: cached(VariantById(db.clone())),
            variants_of_product: cached(VariantsOfProduct(db.clone())),
            images_of_product: cached(ImagesOfProduct(db.clone())),
        }
    }
}

pub type LoadError = Arc<DbErr>;

pub struct ProductById(Db);

impl Loader<i32> for ProductById {
    type Value = product::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = product::Entity::find()
            .filter(product::Column::Id.is_in(ids.iter().copied()))
            .all(self.0.conn())
            .await?;
        Ok(rows.into_iter().map(|p| (p.id, p)).collect())
    }
}

pub struct VariantById(Db);

impl Loader<i32> for VariantById {
    type Value = product_variant::Model;
    type Error = LoadError;

    async fn load(&self, ids: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = product_variant::Entity::find()
            .filter(product_variant::Column::Id.is_in(ids.iter().copied()))
            .all(self.0.conn())
            .await?;
        Ok(rows.into_iter().map(|v| (v.id, v)).collect())
    }
}

pub struct VariantsOfProduct(Db);

impl Loader<i32> for VariantsOfProduct {
    type Value = Arc<Vec<product_variant::Model>>;
    type Error = LoadError;

    async fn load(&self, product_ids: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = product_variant::Entity::find()
            .filter(product_variant::Column::ProductId.is_in(product_ids.iter().copied()))
            .order_by_asc(product_variant::Column::ProductId)
            .order_by_asc(product_variant::Column::Position)
            .order_by_asc(product_variant::Column::Id)
            .all(self.0.conn())
            .await?;
        Ok(group_by(rows, |v| v.product_id))
    }
}

pub struct ImagesOfProduct(Db);

impl Loader<i32> for ImagesOfProduct {
    type Value = Arc<Vec<product_image::Model>>;
    type Error = LoadError;

    async fn load(&self, product_ids: &[i32]) -> Result<HashMap<i32, Self::Value>, Self::Error> {
        let rows = product_image::Entity::find()
            .filter(product_image::Column::ProductId.is_in(product_ids.iter().copied()))
            .order_by_asc(product_image::Column::ProductId)
            .order_by_asc(product_image::Column::Position)
            .order_by_asc(product_image::Column::Id)
            .all(self.0.conn())
            .await?;
        Ok(group_by(rows, |i| i.product_id))
    }
}

fn group_by<T>(rows: Vec<T>, key: impl Fn(&T) -> i32) -> HashMap<i32, Arc<Vec<T>>> {
    let mut groups: HashMap<i32, Vec<T>> = HashMap::new();
    for row in rows {
        groups.entry(key(&row)).or_default().push(row);
    }
    groups.into_iter().map(|(k, v)| (k, Arc::new(v))).collect()
}
