//! Products and variants as shoppers browse them.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{product, product_image, product_variant};
use rust_decimal::Decimal;

use super::ids::{self, Kind};
use super::money::{Money, MoneyRange};
use super::pagination::{page_cost, paginate_in_memory, PageArgs};
use super::scalars::{Html, Url};
use super::{internal, loaders, state};
use crate::domain::money::Minor;
use crate::error::{client_error, codes};
use crate::services::catalog::{self, ProductCursor, SortKey};
use crate::services::checkout::variant_title;
use crate::services::pricing::sellable_units;

pub struct Product(pub product::Model);

impl Product {
    async fn variant_models(
        &self,
        ctx: &Context<'_>,
    ) -> Result<std::sync::Arc<Vec<product_variant::Model>>> {
        Ok(loaders(ctx)
            .variants_of_product
            .load_one(self.0.id)
            .await
            .map_err(|e| internal(ctx, e))?
            .unwrap_or_default())
    }

    async fn image_models(
        &self,
        ctx: &Context<'_>,
    ) -> Result<std::sync::Arc<Vec<product_image::Model>>> {
        images_of(ctx, self.0.id).await
    }
}

async fn images_of(
    ctx: &Context<'_>,
    product_id: i32,
) -> Result<std::sync::Arc<Vec<product_image::Model>>> {
    Ok(loaders(ctx)
        .images_of_product
        .load_one(product_id)
        .await
        .map_err(|e| internal(ctx, e))?
        .unwrap_or_default())
}

fn option_names(product: &product::Model) -> Vec<String> {
    product
        .option_names
        .split('\n')
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// A product of the catalog: what is sold, in one or more variants.
#[Object]
impl Product {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::Product, self.0.id)
    }

    /// The URL slug, unique in the store: `/products/<handle>`.
    async fn handle(&self) -> &str {
        &self.0.handle
    }

    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The description as plain text.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The description as the merchant wrote it, in HTML.
    async fn description_html(&self) -> Html {
        Html(self.0.body_html.clone())
    }

    async fn vendor(&self) -> &str {
        &self.0.vendor
    }

    async fn product_type(&self) -> &str {
        &self.0.product_type
    }

    async fn tags(&self) -> Vec<String> {
        split_tags(&self.0.tags)
    }

    /// The options shoppers choose between (e.g. Size), each with its values
    /// in the order of the variants.
    async fn options(&self, ctx: &Context<'_>) -> Result<Vec<ProductOption>> {
        let variants = self.variant_models(ctx).await?;
        let names = option_names(&self.0);
        Ok(names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let mut values: Vec<String> = Vec::new();
                for variant in variants.iter() {
                    if let Some(value) = variant.option_values.split('\n').nth(i) {
                        if !values.iter().any(|v| v == value) {
                            values.push(value.to_string());
                        }
                    }
                }
                ProductOption { name, values }
            })
            .collect())
    }

    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn variants(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Connection<String, ProductVariant>> {
        let variants = self.variant_models(ctx).await?;
        paginate_in_memory(
            ctx,
            variants.iter().cloned().collect(),
            PageArgs::new(first, after, last, before),
            ProductVariant,
        )
    }

    /// The first image, the one to show in a list.
    async fn featured_image(&self, ctx: &Context<'_>) -> Result<Option<Image>> {
        Ok(self.image_models(ctx).await?.first().map(Image::from))
    }

    async fn images(&self, ctx: &Context<'_>) -> Result<Vec<Image>> {
        Ok(self
            .image_models(ctx)
            .await?
            .iter()
            .map(Image::from)
            .collect())
    }

    /// The cheapest and dearest variant prices.
    async fn price_range(&self, ctx: &Context<'_>) -> Result<MoneyRange> {
        let currency = state(ctx).settings.currency;
        let variants = self.variant_models(ctx).await?;
        Ok(MoneyRange::of(variants.iter().map(|v| v.price), currency)
            .unwrap_or_else(|| MoneyRange::of([0], currency).expect("one amount")))
    }

    /// The range of "was" prices, or null when no variant has one.
    async fn compare_at_price_range(&self, ctx: &Context<'_>) -> Result<Option<MoneyRange>> {
        let currency = state(ctx).settings.currency;
        let variants = self.variant_models(ctx).await?;
        Ok(MoneyRange::of(
            variants.iter().filter_map(|v| v.compare_at_price),
            currency,
        ))
    }

    /// Whether at least one variant can be bought now.
    async fn available_for_sale(&self, ctx: &Context<'_>) -> Result<bool> {
        let variants = self.variant_models(ctx).await?;
        Ok(self.0.published && variants.iter().any(variant_in_stock))
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

fn split_tags(tags: &str) -> Vec<String> {
    tags.split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn variant_in_stock(variant: &product_variant::Model) -> bool {
    sellable_units(variant).is_none_or(|units| units > 0)
}

/// One purchasable version of a product (a size, a colour).
pub struct ProductVariant(pub product_variant::Model);

impl ProductVariant {
    async fn product_model(&self, ctx: &Context<'_>) -> Result<product::Model> {
        loaders(ctx)
            .product
            .load_one(self.0.product_id)
            .await
            .map_err(|e| internal(ctx, e))?
            .ok_or_else(|| internal(ctx, anyhow::anyhow!("variant {} has no product", self.0.id)))
    }
}

#[Object]
impl ProductVariant {
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ProductVariant, self.0.id)
    }

    async fn sku(&self) -> Option<&str> {
        self.0.sku.as_deref()
    }

    /// The option values joined by " / ", or "Default Title".
    async fn title(&self) -> String {
        variant_title(&self.0.option_values)
    }

    async fn selected_options(&self, ctx: &Context<'_>) -> Result<Vec<SelectedOption>> {
        let product = self.product_model(ctx).await?;
        Ok(option_names(&product)
            .into_iter()
            .zip(self.0.option_values.split('\n'))
            .map(|(name, value)| SelectedOption {
                name,
                value: value.to_string(),
            })
            .collect())
    }

    async fn price(&self, ctx: &Context<'_>) -> Money {
        Money::new(Minor(self.0.price), state(ctx).settings.currency)
    }

    /// The "was" price shown struck through, when the variant is on sale.
    async fn compare_at_price(&self, ctx: &Context<'_>) -> Option<Money> {
        self.0
            .compare_at_price
            .map(|p| Money::new(Minor(p), state(ctx).settings.currency))
    }

    async fn available_for_sale(&self, ctx: &Context<'_>) -> Result<bool> {
        Ok(self.product_model(ctx).await?.published && variant_in_stock(&self.0))
    }

    /// Units in stock; null when the store does not track this variant's
    /// stock.
    async fn quantity_available(&self) -> Option<i32> {
        self.0
            .inventory_tracked
            .then_some(self.0.inventory_quantity.max(0))
    }

    /// Whether the variant can be ordered when out of stock.
    async fn allows_backorder(&self) -> bool {
        self.0.allow_backorder
    }

    /// Weight in grams, for shipping.
    async fn weight_grams(&self) -> i32 {
        self.0.grams
    }

    async fn image(&self, ctx: &Context<'_>) -> Result<Option<Image>> {
        let Some(url) = &self.0.image_url else {
            return Ok(None);
        };
        let images = images_of(ctx, self.0.product_id).await?;
        Ok(Some(match images.iter().find(|i| &i.url == url) {
            Some(image) => Image::from(image),
            None => Image {
                url: Url(url.clone()),
                alt_text: None,
                width: None,
                height: None,
            },
        }))
    }

    async fn product(&self, ctx: &Context<'_>) -> Result<Product> {
        Ok(Product(self.product_model(ctx).await?))
    }
}

#[derive(SimpleObject)]
pub struct Image {
    pub url: Url,
    /// Text for screen readers and for when the image does not load.
    pub alt_text: Option<String>,
    /// Pixels, when known.
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl From<&product_image::Model> for Image {
    fn from(image: &product_image::Model) -> Self {
        Image {
            url: Url(image.url.clone()),
            alt_text: image.alt_text.clone(),
            width: None,
            height: None,
        }
    }
}

#[derive(SimpleObject)]
pub struct ProductOption {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(SimpleObject)]
pub struct SelectedOption {
    pub name: String,
    pub value: String,
}

#[derive(InputObject, Default)]
pub struct PriceRangeFilter {
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

/// Narrows `products`; every given field must match.
#[derive(InputObject, Default)]
pub struct ProductFilter {
    pub product_type: Option<String>,
    pub vendor: Option<String>,
    pub tag: Option<String>,
    /// `true`: only products with a variant in stock; `false`: only sold-out
    /// products.
    pub available: Option<bool>,
    /// Products with at least one variant priced within the range.
    pub price: Option<PriceRangeFilter>,
}

#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum ProductSortKeys {
    Title,
    /// By the cheapest variant's price.
    Price,
    CreatedAt,
    /// Best match of `query` first; without `query`, like `CREATED_AT`.
    Relevance,
}

impl From<ProductSortKeys> for SortKey {
    fn from(key: ProductSortKeys) -> Self {
        match key {
            ProductSortKeys::Title => SortKey::Title,
            ProductSortKeys::Price => SortKey::Price,
            ProductSortKeys::CreatedAt => SortKey::CreatedAt,
            ProductSortKeys::Relevance => SortKey::Relevance,
        }
    }
}

fn price_bound(value: Option<Decimal>, name: &str) -> Result<Option<Minor>> {
    value
        .map(|v| {
            Minor::from_decimal(v).map_err(|e| {
                client_error(format!("filter.price.{name} {e}"), codes::BAD_USER_INPUT)
            })
        })
        .transpose()
}

/// Fields of `Product` that read its variants, and those that read its
/// images.
const NEEDS_VARIANTS: [&str; 5] = [
    "variants",
    "options",
    "priceRange",
    "compareAtPriceRange",
    "availableForSale",
];
const NEEDS_IMAGES: [&str; 3] = ["images", "featuredImage", "variants"];

/// Loads what the selection will ask of a page of products in one query per
/// kind, up front. Left to the loaders' timers, a large page could be split
/// into several batches; loaded here, a page of 50 costs what a page of 5
/// does.
async fn prefetch_page<'a>(
    ctx: &Context<'_>,
    products: impl Iterator<Item = &'a product::Model>,
) -> Result<()> {
    let products: Vec<product::Model> = products.cloned().collect();
    let ids: Vec<i32> = products.iter().map(|p| p.id).collect();
    let loaders = loaders(ctx);
    let look_ahead = ctx.look_ahead();
    let selected = |fields: &[&str]| {
        [
            look_ahead.field("nodes"),
            look_ahead.field("edges").field("node"),
        ]
        .iter()
        .any(|node| fields.iter().any(|f| node.field(f).exists()))
    };
    if selected(&NEEDS_VARIANTS) {
        loaders
            .variants_of_product
            .load_many(ids.iter().copied())
            .await
            .map_err(|e| internal(ctx, e))?;
    }
    if selected(&NEEDS_IMAGES) {
        loaders
            .images_of_product
            .load_many(ids.iter().copied())
            .await
            .map_err(|e| internal(ctx, e))?;
    }
    loaders
        .product
        .feed_many(products.into_iter().map(|p| (p.id, p)))
        .await;
    Ok(())
}

#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Published products, a page at a time. `query` holds words to find in
    /// the title, description, vendor, type or tags; every word must match.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "page_cost(first, last, child_complexity)")]
    async fn products(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        query: Option<String>,
        filter: Option<ProductFilter>,
        #[graphql(default_with = "Some(ProductSortKeys::Title)")] sort_key: Option<ProductSortKeys>,
        #[graphql(default_with = "Some(false)")] reverse: Option<bool>,
    ) -> Result<Connection<String, Product>> {
        let sort: SortKey = sort_key.unwrap_or(ProductSortKeys::Title).into();
        let filter = filter.unwrap_or_default();
        let price = filter.price.unwrap_or_default();
        let search = catalog::ProductQuery {
            text: query.filter(|q| !q.trim().is_empty()),
            filter: catalog::ProductFilter {
                product_type: filter.product_type,
                vendor: filter.vendor,
                tag: filter.tag,
                available: filter.available,
                price_min: price_bound(price.min, "min")?,
                price_max: price_bound(price.max, "max")?,
            },
            sort,
            reverse: reverse.unwrap_or(false),
        };
        let request = PageArgs::new(first, after, last, before).request(ctx, |raw| {
            ProductCursor::decode(raw).filter(|c| c.sort() == sort)
        })?;
        let page = catalog::list_products(&state(ctx).db, &search, request)
            .await
            .map_err(|e| internal(ctx, e))?;
        prefetch_page(ctx, page.items.iter().map(|(p, _)| p)).await?;
        let mut connection = Connection::new(page.has_previous_page, page.has_next_page);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|(product, cursor)| Edge::new(cursor, Product(product))),
        );
        Ok(connection)
    }

    /// One published product, by `id` or by `handle`.
    async fn product(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        handle: Option<String>,
    ) -> Result<Option<Product>> {
        let db = &state(ctx).db;
        let found = match (id, handle) {
            (Some(id), None) => match ids::decode_int(&id, Kind::Product) {
                Some(id) => catalog::published_product_by_id(db, id).await,
                None => return Ok(None),
            },
            (None, Some(handle)) => catalog::published_product_by_handle(db, &handle).await,
            _ => {
                return Err(client_error(
                    "Pass either `id` or `handle`",
                    codes::BAD_USER_INPUT,
                ))
            }
        };
        Ok(found.map_err(|e| internal(ctx, e))?.map(Product))
    }

    /// Every product type in the catalog, sorted.
    async fn product_types(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        catalog::product_types(&state(ctx).db)
            .await
            .map_err(|e| internal(ctx, e))
    }

    /// Every vendor in the catalog, sorted.
    async fn vendors(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        catalog::vendors(&state(ctx).db)
            .await
            .map_err(|e| internal(ctx, e))
    }

    /// Every tag in the catalog, sorted.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        catalog::tags(&state(ctx).db)
            .await
            .map_err(|e| internal(ctx, e))
    }
}
