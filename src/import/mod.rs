//! Catalog import. Parsing (`shopify_csv`) knows the file format; this
//! module writes what was parsed, one product per transaction so that a
//! product is never half-imported.

pub mod shopify_csv;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::Utc;
use entity::{product, product_image, product_tag, product_variant};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set, TryIntoModel,
};

use crate::db::Db;
use crate::error::Error;
use shopify_csv::ImportedProduct;

/// What an import did, counted per kind.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub products_created: usize,
    pub products_updated: usize,
    pub products_skipped: usize,
    pub variants_created: usize,
    pub variants_updated: usize,
    pub images_created: usize,
    pub images_updated: usize,
    pub images_removed: usize,
    /// One line per problem: `file:line: handle: message`.
    pub problems: Vec<String>,
}

impl ImportSummary {
    pub fn line(&self) -> String {
        format!(
            "products: {} created, {} updated, {} skipped; variants: {} created, {} updated; images: {} created, {} updated, {} removed; {} problem(s)",
            self.products_created,
            self.products_updated,
            self.products_skipped,
            self.variants_created,
            self.variants_updated,
            self.images_created,
            self.images_updated,
            self.images_removed,
            self.problems.len()
        )
    }
}

pub async fn import_shopify_files(db: &Db, files: &[PathBuf]) -> anyhow::Result<ImportSummary> {
    let mut summary = ImportSummary::default();
    for path in files {
        match std::fs::File::open(path) {
            Ok(file) => import_shopify(db, &path.display().to_string(), file, &mut summary).await?,
            Err(err) => summary
                .problems
                .push(format!("{}: cannot be read: {err}", path.display())),
        }
    }
    Ok(summary)
}

/// Imports one Shopify CSV, adding to `summary`. Problems with the data are
/// recorded in the summary; only database failures are errors.
pub async fn import_shopify(
    db: &Db,
    name: &str,
    reader: impl Read,
    summary: &mut ImportSummary,
) -> anyhow::Result<()> {
    let parsed = match shopify_csv::parse(reader) {
        Ok(parsed) => parsed,
        Err(err) => {
            summary
                .problems
                .push(format!("{name}: not a readable CSV file: {err}"));
            return Ok(());
        }
    };
    let mut skipped_handles: Vec<&str> = Vec::new();
    for error in &parsed.errors {
        summary.problems.push(format!(
            "{name}:{}: {}{}",
            error.line,
            error
                .handle
                .as_deref()
                .map(|h| format!("{h}: "))
                .unwrap_or_default(),
            error.message
        ));
        if let Some(handle) = error.handle.as_deref() {
            if !skipped_handles.contains(&handle) {
                skipped_handles.push(handle);
            }
        }
    }
    summary.products_skipped += skipped_handles.len();

    let progress = ProgressBar::new(parsed.products.len() as u64).with_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} products")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    progress.set_message(
        Path::new(name)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default(),
    );
    // Products are written a batch per transaction: a product is never
    // half-written (a failing batch rolls back whole and stops the import),
    // and a large catalog does not pay one commit per product.
    let mut products = parsed.products.into_iter().peekable();
    while products.peek().is_some() {
        let batch: Vec<ImportedProduct> =
            products.by_ref().take(PRODUCTS_PER_TRANSACTION).collect();
        let batch_len = batch.len() as u64;
        let counts = db
            .write(move |txn| {
                Box::pin(async move {
                    let mut counts = Vec::with_capacity(batch.len());
                    for incoming in batch {
                        counts.push(upsert_product(txn, incoming).await?);
                    }
                    Ok(counts)
                })
            })
            .await
            .map_err(|e| match e {
                Error::Internal(err) => err,
                Error::User(errors) => anyhow::anyhow!("{errors:?}"),
            })?;
        for counts in counts {
            summary.products_created += counts.product_created as usize;
            summary.products_updated += (!counts.product_created) as usize;
            summary.variants_created += counts.variants_created;
            summary.variants_updated += counts.variants_updated;
            summary.images_created += counts.images_created;
            summary.images_updated += counts.images_updated;
            summary.images_removed += counts.images_removed;
        }
        progress.inc(batch_len);
    }
    progress.finish_and_clear();
    Ok(())
}

const PRODUCTS_PER_TRANSACTION: usize = 200;

#[derive(Default)]
struct ProductCounts {
    product_created: bool,
    variants_created: usize,
    variants_updated: usize,
    images_created: usize,
    images_updated: usize,
    images_removed: usize,
}

/// Creates or updates one product, matched by handle, its variants matched
/// by option values and its images by URL. Variants missing from the file
/// are kept (carts and orders may point at them); images missing from it are
/// removed.
async fn upsert_product(
    txn: &DatabaseTransaction,
    incoming: ImportedProduct,
) -> Result<ProductCounts, Error> {
    let now = Utc::now();
    let mut counts = ProductCounts::default();
    let description = html_to_text(&incoming.body_html);
    let search_title = incoming.title.to_lowercase();
    let search_text = [
        incoming.title.as_str(),
        description.as_str(),
        incoming.vendor.as_str(),
        incoming.product_type.as_str(),
        &incoming.tags.join(" "),
    ]
    .join(" ")
    .to_lowercase();
    let prices: Vec<i64> = incoming.variants.iter().map(|v| v.price_minor).collect();
    let existing = product::Entity::find()
        .filter(product::Column::Handle.eq(incoming.handle.as_str()))
        .one(txn)
        .await?;
    let mut active = match &existing {
        Some(found) => found.clone().into(),
        None => {
            counts.product_created = true;
            product::ActiveModel {
                handle: Set(incoming.handle.clone()),
                created_at: Set(now),
                ..Default::default()
            }
        }
    };
    active.title = Set(incoming.title.clone());
    active.body_html = Set(incoming.body_html.clone());
    active.description = Set(description);
    active.vendor = Set(incoming.vendor.clone());
    active.product_type = Set(incoming.product_type.clone());
    active.tags = Set(incoming.tags.join(","));
    active.option_names = Set(incoming.option_names.join("\n"));
    active.published = Set(incoming.published);
    active.search_title = Set(search_title);
    active.search_text = Set(search_text);
    active.min_price = Set(prices.iter().copied().min().unwrap_or(0));
    active.max_price = Set(prices.iter().copied().max().unwrap_or(0));
    active.updated_at = Set(now);
    let saved = active.save(txn).await?;
    let product_id = saved.try_into_model()?.id;

    // Variants, matched by their option values.
    let mut existing_variants: HashMap<String, product_variant::Model> =
        product_variant::Entity::find()
            .filter(product_variant::Column::ProductId.eq(product_id))
            .all(txn)
            .await?
            .into_iter()
            .map(|v| (v.option_values.clone(), v))
            .collect();
    for (position, variant) in incoming.variants.iter().enumerate() {
        let key = variant.option_values.join("\n");
        let mut active = match existing_variants.remove(&key) {
            Some(found) => {
                counts.variants_updated += 1;
                found.into()
            }
            None => {
                counts.variants_created += 1;
                product_variant::ActiveModel {
                    product_id: Set(product_id),
                    option_values: Set(key),
                    created_at: Set(now),
                    ..Default::default()
                }
            }
        };
        active.position = Set(position as i32 + 1);
        active.sku = Set(variant.sku.clone());
        active.price = Set(variant.price_minor);
        active.compare_at_price = Set(variant.compare_at_minor);
        active.inventory_tracked = Set(variant.inventory_tracked);
        active.inventory_quantity = Set(clamp_i32(variant.inventory_quantity));
        active.allow_backorder = Set(variant.allow_backorder);
        active.grams = Set(clamp_i32(variant.grams));
        active.image_url = Set(variant.image_url.clone());
        active.updated_at = Set(now);
        active.save(txn).await?;
    }
    // The cheapest and dearest price must cover variants kept from before.
    let kept_prices = existing_variants.values().map(|v| v.price);
    let all_prices: Vec<i64> = prices.iter().copied().chain(kept_prices).collect();
    if !existing_variants.is_empty() {
        product::Entity::update_many()
            .col_expr(
                product::Column::MinPrice,
                sea_orm::sea_query::Expr::value(all_prices.iter().copied().min().unwrap_or(0)),
            )
            .col_expr(
                product::Column::MaxPrice,
                sea_orm::sea_query::Expr::value(all_prices.iter().copied().max().unwrap_or(0)),
            )
            .filter(product::Column::Id.eq(product_id))
            .exec(txn)
            .await?;
    }

    // Images, matched by URL.
    let mut existing_images: HashMap<String, product_image::Model> = product_image::Entity::find()
        .filter(product_image::Column::ProductId.eq(product_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|i| (i.url.clone(), i))
        .collect();
    for image in &incoming.images {
        let mut active = match existing_images.remove(&image.url) {
            Some(found) => {
                counts.images_updated += 1;
                found.into()
            }
            None => {
                counts.images_created += 1;
                product_image::ActiveModel {
                    product_id: Set(product_id),
                    url: Set(image.url.clone()),
                    ..Default::default()
                }
            }
        };
        active.position = Set(image.position);
        active.alt_text = Set(image.alt_text.clone());
        active.save(txn).await?;
    }
    if !existing_images.is_empty() {
        counts.images_removed = existing_images.len();
        product_image::Entity::delete_many()
            .filter(product_image::Column::Id.is_in(existing_images.values().map(|i| i.id)))
            .exec(txn)
            .await?;
    }

    product_tag::Entity::delete_many()
        .filter(product_tag::Column::ProductId.eq(product_id))
        .exec(txn)
        .await?;
    if !incoming.tags.is_empty() {
        product_tag::Entity::insert_many(incoming.tags.iter().map(|tag| {
            product_tag::ActiveModel {
                product_id: Set(product_id),
                tag: Set(tag.clone()),
            }
        }))
        .exec(txn)
        .await?;
    }
    Ok(counts)
}

fn clamp_i32(value: i64) -> i32 {
    value.clamp(i32::MIN as i64, i32::MAX as i64) as i32
}

/// The text of an HTML fragment: tags dropped, the common entities decoded,
/// whitespace collapsed. Product descriptions are simple markup, so this
/// small pass is enough for search and for plain-text display.
pub fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn markup_is_dropped_and_entities_decoded() {
        assert_eq!(
            html_to_text("<p>Roses &amp; <b>peonies</b></p>\n<p>fresh</p>"),
            "Roses & peonies fresh"
        );
        assert_eq!(html_to_text("plain text"), "plain text");
    }
}
