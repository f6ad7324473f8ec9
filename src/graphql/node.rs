use async_graphql::{Context, Interface, Object, Result, ID};

use super::cart::{check_list_len, Cart, CartLine};
use super::catalog::{Product, ProductVariant};
use super::ids::{self, Kind};
use super::orders::Order;
use super::{internal, loaders};
use crate::error::{client_error, codes};

/// An object with a global id, which `node` and `nodes` fetch.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Product(Product),
    ProductVariant(ProductVariant),
    Cart(Cart),
    CartLine(CartLine),
    Order(Order),
}

#[derive(Default)]
pub struct NodeQuery;

impl NodeQuery {
    /// The object behind a global id, with the same rules as the direct
    /// queries: products must be published, a cart id is its own key, and
    /// orders are read only through `orderByToken`.
    async fn resolve(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
        let Some((kind, key)) = ids::decode(id) else {
            return Ok(None);
        };
        match kind {
            Kind::Product => {
                let Ok(id) = key.parse() else { return Ok(None) };
                let product = loaders(ctx)
                    .product
                    .load_one(id)
                    .await
                    .map_err(|e| internal(ctx, e))?;
                Ok(product
                    .filter(|p| p.published)
                    .map(|p| Node::Product(Product(p))))
            }
            Kind::ProductVariant => {
                let Ok(id) = key.parse() else { return Ok(None) };
                let loaders = loaders(ctx);
                let Some(variant) = loaders
                    .variant
                    .load_one(id)
                    .await
                    .map_err(|e| internal(ctx, e))?
                else {
                    return Ok(None);
                };
                let published = loaders
                    .product
                    .load_one(variant.product_id)
                    .await
                    .map_err(|e| internal(ctx, e))?
                    .is_some_and(|p| p.published);
                Ok(published.then(|| Node::ProductVariant(ProductVariant(variant))))
            }
            Kind::Cart => Ok(Cart::find(ctx, id).await?.map(Node::Cart)),
            Kind::CartLine | Kind::Order => Ok(None),
        }
    }
}

#[Object]
impl NodeQuery {
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        Self::resolve(ctx, &id).await
    }

    #[graphql(complexity = "ids.len().max(1).saturating_mul(child_complexity)")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<Node>>> {
        if let Some(err) = check_list_len(ctx, ids.len(), "ids") {
            return Err(client_error(err.message, codes::BAD_USER_INPUT));
        }
        // Resolved together, so that the loaders batch their queries.
        futures_util::future::try_join_all(ids.iter().map(|id| Self::resolve(ctx, id))).await
    }
}
