//! What shoppers can see of the catalog: published products, searched,
//! filtered and sorted, one keyset page at a time.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use entity::{product, product_tag, product_variant};
use sea_orm::sea_query::{Expr, LikeExpr, Query, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use crate::db::Db;
use crate::domain::money::Minor;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    Title,
    Price,
    CreatedAt,
    Relevance,
}

#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub product_type: Option<String>,
    pub vendor: Option<String>,
    pub tag: Option<String>,
    pub available: Option<bool>,
    pub price_min: Option<Minor>,
    pub price_max: Option<Minor>,
}

#[derive(Debug, Clone)]
pub struct ProductQuery {
    pub text: Option<String>,
    pub filter: ProductFilter,
    pub sort: SortKey,
    pub reverse: bool,
}

/// Which slice of the ordered list to return.
#[derive(Debug, Clone)]
pub enum PageRequest<C> {
    /// The `first` items after the cursor (or from the start).
    Forward { first: usize, after: Option<C> },
    /// The `last` items before the cursor (or up to the end).
    Backward { last: usize, before: Option<C> },
}

pub struct Page<T> {
    pub items: Vec<(T, String)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
}

/// Where a product sits in an ordering: its sort value and id. Cursors are
/// opaque to clients, and name their sort key so that a cursor from another
/// ordering is refused rather than misread.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCursor {
    #[serde(rename = "s")]
    sort: SortKey,
    #[serde(rename = "v")]
    value: SortValue,
    #[serde(rename = "i")]
    id: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
enum SortValue {
    Int(i64),
    Text(String),
}

impl ProductCursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// The cursor behind `cursor`, when it is well formed: its value must be
    /// of the kind its sort key orders by.
    pub fn decode(cursor: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        let cursor: Self = serde_json::from_slice(&bytes).ok()?;
        let fits = matches!(
            (cursor.sort, &cursor.value),
            (SortKey::Title, SortValue::Text(_))
                | (
                    SortKey::Price | SortKey::CreatedAt | SortKey::Relevance,
                    SortValue::Int(_)
                )
        );
        fits.then_some(cursor)
    }

    pub fn sort(&self) -> SortKey {
        self.sort
    }
}

/// Search words, lower-cased; blank input means no search.
fn search_terms(text: Option<&str>) -> Vec<String> {
    text.map(|t| {
        t.split_whitespace()
            .map(str::to_lowercase)
            .take(10)
            .collect()
    })
    .unwrap_or_default()
}

fn contains_pattern(term: &str) -> LikeExpr {
    LikeExpr::new(format!("%{}%", escape_like(term))).escape('\\')
}

fn prefix_pattern(term: &str) -> LikeExpr {
    LikeExpr::new(format!("{}%", escape_like(term))).escape('\\')
}

fn escape_like(term: &str) -> String {
    term.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Relevance of a product to the search words: a word in the title counts
/// ten, a title starting with it five more. Computed the same way in SQL
/// (for ordering) and here (for cursors).
fn relevance_sql(terms: &[String]) -> SimpleExpr {
    let mut score: SimpleExpr = Expr::value(0i64);
    for term in terms {
        let in_title = Expr::case(
            Expr::col(product::Column::SearchTitle).like(contains_pattern(term)),
            10i64,
        )
        .finally(0i64);
        let title_starts = Expr::case(
            Expr::col(product::Column::SearchTitle).like(prefix_pattern(term)),
            5i64,
        )
        .finally(0i64);
        score = score
            .add(SimpleExpr::Case(Box::new(in_title)))
            .add(SimpleExpr::Case(Box::new(title_starts)));
    }
    score
}

fn relevance_of(search_title: &str, terms: &[String]) -> i64 {
    terms
        .iter()
        .map(|term| {
            let mut score = 0;
            if search_title.contains(term.as_str()) {
                score += 10;
            }
            if search_title.starts_with(term.as_str()) {
                score += 5;
            }
            score
        })
        .sum()
}

fn filter_condition(query: &ProductQuery, terms: &[String]) -> Condition {
    let mut cond = Condition::all().add(product::Column::Published.eq(true));
    let filter = &query.filter;
    if let Some(product_type) = &filter.product_type {
        cond = cond.add(product::Column::ProductType.eq(product_type.as_str()));
    }
    if let Some(vendor) = &filter.vendor {
        cond = cond.add(product::Column::Vendor.eq(vendor.as_str()));
    }
    if let Some(tag) = &filter.tag {
        cond = cond.add(
            product::Column::Id.in_subquery(
                Query::select()
                    .column(product_tag::Column::ProductId)
                    .from(product_tag::Entity)
                    .and_where(product_tag::Column::Tag.eq(tag.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(available) = filter.available {
        let sellable = Query::select()
            .column(product_variant::Column::ProductId)
            .from(product_variant::Entity)
            .cond_where(sellable_variant())
            .to_owned();
        cond = cond.add(if available {
            product::Column::Id.in_subquery(sellable)
        } else {
            product::Column::Id.not_in_subquery(sellable)
        });
    }
    if filter.price_min.is_some() || filter.price_max.is_some() {
        let mut in_range = Condition::all();
        if let Some(min) = filter.price_min {
            in_range = in_range.add(product_variant::Column::Price.gte(min.0));
        }
        if let Some(max) = filter.price_max {
            in_range = in_range.add(product_variant::Column::Price.lte(max.0));
        }
        cond = cond.add(
            product::Column::Id.in_subquery(
                Query::select()
                    .column(product_variant::Column::ProductId)
                    .from(product_variant::Entity)
                    .cond_where(in_range)
                    .to_owned(),
            ),
        );
    }
    for term in terms {
        cond = cond.add(Expr::col(product::Column::SearchText).like(contains_pattern(term)));
    }
    cond
}

/// A variant that can be sold now: stock not tracked, backorders allowed,
/// or units left. The same rule as `pricing::sellable_units`, in SQL.
pub fn sellable_variant() -> Condition {
    Condition::any()
        .add(product_variant::Column::InventoryTracked.eq(false))
        .add(product_variant::Column::AllowBackorder.eq(true))
        .add(product_variant::Column::InventoryQuantity.gt(0))
}

pub async fn list_products(
    db: &Db,
    query: &ProductQuery,
    page: PageRequest<ProductCursor>,
) -> Result<Page<product::Model>> {
    let terms = search_terms(query.text.as_deref());
    let sort = match query.sort {
        SortKey::Relevance if terms.is_empty() => SortKey::CreatedAt,
        other => other,
    };
    let (key_sql, natural_descending): (SimpleExpr, bool) = match sort {
        SortKey::Title => (Expr::col(product::Column::SearchTitle).into(), false),
        SortKey::Price => (Expr::col(product::Column::MinPrice).into(), false),
        SortKey::CreatedAt => (Expr::col(product::Column::Id).into(), false),
        SortKey::Relevance => (relevance_sql(&terms), true),
    };
    let key_of = |p: &product::Model| match sort {
        SortKey::Title => SortValue::Text(p.search_title.clone()),
        SortKey::Price => SortValue::Int(p.min_price),
        SortKey::CreatedAt => SortValue::Int(p.id as i64),
        SortKey::Relevance => SortValue::Int(relevance_of(&p.search_title, &terms)),
    };

    let (limit, cursor, backward) = match page {
        PageRequest::Forward { first, after } => (first, after, false),
        PageRequest::Backward { last, before } => (last, before, true),
    };
    // Walking backwards is walking the reversed order forwards.
    let descending = natural_descending ^ query.reverse ^ backward;
    let order = if descending { Order::Desc } else { Order::Asc };

    let mut select = product::Entity::find().filter(filter_condition(query, &terms));
    if let Some(cursor) = &cursor {
        let value: SimpleExpr = match &cursor.value {
            SortValue::Int(v) => Expr::value(*v),
            SortValue::Text(v) => Expr::value(v.clone()),
        };
        let id = cursor.id;
        let (past_key, past_id) = if descending {
            (
                Expr::expr(key_sql.clone()).lt(value.clone()),
                product::Column::Id.lt(id),
            )
        } else {
            (
                Expr::expr(key_sql.clone()).gt(value.clone()),
                product::Column::Id.gt(id),
            )
        };
        select = select.filter(
            Condition::any().add(past_key).add(
                Condition::all()
                    .add(Expr::expr(key_sql.clone()).eq(value))
                    .add(past_id),
            ),
        );
    }
    let mut rows = select
        .order_by(key_sql, order.clone())
        .order_by(product::Column::Id, order)
        .limit(limit as u64 + 1)
        .all(db.conn())
        .await?;

    let more = rows.len() > limit;
    rows.truncate(limit);
    if backward {
        rows.reverse();
    }
    let items = rows
        .into_iter()
        .map(|p| {
            let cursor = ProductCursor {
                sort: query.sort,
                value: key_of(&p),
                id: p.id,
            };
            (p, cursor.encode())
        })
        .collect();
    let came_from_cursor = cursor.is_some();
    Ok(Page {
        items,
        has_previous_page: if backward { more } else { came_from_cursor },
        has_next_page: if backward { came_from_cursor } else { more },
    })
}

pub async fn published_product_by_id(db: &Db, id: i32) -> Result<Option<product::Model>> {
    Ok(product::Entity::find_by_id(id)
        .filter(product::Column::Published.eq(true))
        .one(db.conn())
        .await?)
}

pub async fn published_product_by_handle(db: &Db, handle: &str) -> Result<Option<product::Model>> {
    Ok(product::Entity::find()
        .filter(product::Column::Handle.eq(handle.trim().to_lowercase()))
        .filter(product::Column::Published.eq(true))
        .one(db.conn())
        .await?)
}

/// The distinct product types of published products, sorted.
pub async fn product_types(db: &Db) -> Result<Vec<String>> {
    distinct_product_column(db, product::Column::ProductType).await
}

/// The distinct vendors of published products, sorted.
pub async fn vendors(db: &Db) -> Result<Vec<String>> {
    distinct_product_column(db, product::Column::Vendor).await
}

async fn distinct_product_column(db: &Db, column: product::Column) -> Result<Vec<String>> {
    let values: Vec<String> = product::Entity::find()
        .select_only()
        .column(column)
        .distinct()
        .filter(product::Column::Published.eq(true))
        .filter(column.ne(""))
        .order_by_asc(column)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(values)
}

/// The distinct tags of published products, sorted.
pub async fn tags(db: &Db) -> Result<Vec<String>> {
    let tags: Vec<String> = product_tag::Entity::find()
        .select_only()
        .column(product_tag::Column::Tag)
        .distinct()
        .filter(
            product_tag::Column::ProductId.in_subquery(
                Query::select()
                    .column(product::Column::Id)
                    .from(product::Entity)
                    .and_where(product::Column::Published.eq(true))
                    .to_owned(),
            ),
        )
        .order_by_asc(product_tag::Column::Tag)
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = ProductCursor {
            sort: SortKey::Title,
            value: SortValue::Text("ocean blue shirt".into()),
            id: 7,
        };
        assert_eq!(ProductCursor::decode(&cursor.encode()), Some(cursor));
        let forged = ProductCursor {
            sort: SortKey::Price,
            value: SortValue::Text("abc".into()),
            id: 1,
        };
        assert_eq!(ProductCursor::decode(&forged.encode()), None);
        assert_eq!(ProductCursor::decode("not a cursor"), None);
        assert_eq!(ProductCursor::decode(""), None);
    }

    #[test]
    fn like_wildcards_in_search_words_are_taken_literally() {
        assert_eq!(escape_like("50%_off\\"), "50\\%\\_off\\\\");
    }

    #[test]
    fn relevance_favours_titles_that_start_with_the_word() {
        let terms = vec!["rose".to_string()];
        assert_eq!(relevance_of("rose bouquet", &terms), 15);
        assert_eq!(relevance_of("wild rose", &terms), 10);
        assert_eq!(relevance_of("tulips", &terms), 0);
    }
}
