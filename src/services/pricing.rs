//! What a cart costs and whether it can be bought, computed from the current
//! catalog every time it is read. Pure functions: the callers fetch.

use std::collections::HashMap;

use entity::{cart, cart_line, product, product_variant};

use crate::domain::money::Minor;
use crate::services::shipping::{ShippingMethod, ShippingPolicy};

/// Why a cart line needs the shopper's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, async_graphql::Enum)]
#[graphql(name = "CartWarningCode")]
pub enum WarningCode {
    /// The price changed since the line was added or last changed.
    PriceChanged,
    /// The quantity was lowered to what is in stock.
    QuantityReduced,
    /// Fewer units are in stock than the line asks for.
    OutOfStock,
    /// The product is no longer sold.
    MerchandiseRemoved,
}

impl WarningCode {
    /// Whether the line must change before the cart can be bought.
    pub fn blocks_checkout(self) -> bool {
        matches!(
            self,
            WarningCode::OutOfStock | WarningCode::MerchandiseRemoved
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
    /// The cart line concerned, when there is one.
    pub line_id: Option<i32>,
}

/// The catalog's current variants and products, by id.
pub type Variants = HashMap<i32, product_variant::Model>;
pub type Products = HashMap<i32, product::Model>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedLine {
    pub line_id: i32,
    pub unit_price: Minor,
    pub subtotal: Minor,
}

#[derive(Debug, Clone)]
pub struct PricedCart {
    pub lines: Vec<PricedLine>,
    pub subtotal: Minor,
    pub discount: Minor,
    pub loyalty: Minor,
    pub shipping_offers: Vec<ShippingMethod>,
    pub selected_shipping: Option<ShippingMethod>,
    pub shipping: Minor,
    pub total: Minor,
    pub warnings: Vec<Warning>,
    /// What the cart lacks before checkout (email, address...), each a
    /// sentence for the shopper; line problems are in `warnings`.
    pub missing: Vec<String>,
}

impl PricedCart {
    pub fn checkout_ready(&self) -> bool {
        self.missing.is_empty() && !self.warnings.iter().any(|w| w.code.blocks_checkout())
    }

    /// Everything that stands between this cart and an order, as sentences.
    pub fn blockers(&self) -> Vec<String> {
        self.warnings
            .iter()
            .filter(|w| w.code.blocks_checkout())
            .map(|w| w.message.clone())
            .chain(self.missing.iter().cloned())
            .collect()
    }
}

/// Units of a variant that may still be sold: `None` when there is no limit
/// (stock not tracked, or backorders allowed).
pub fn sellable_units(variant: &product_variant::Model) -> Option<i32> {
    (variant.inventory_tracked && !variant.allow_backorder)
        .then_some(variant.inventory_quantity.max(0))
}

/// The variant and product a cart line refers to, or `None` when either is
/// gone from the catalog.
pub fn merchandise<'a>(
    line: &cart_line::Model,
    variants: &'a Variants,
    products: &'a Products,
) -> Option<(&'a product_variant::Model, &'a product::Model)> {
    let variant = variants.get(&line.variant_id)?;
    Some((variant, products.get(&variant.product_id)?))
}

/// Prices `lines` at the current catalog prices of `variants` (and their
/// `products`); a line whose variant is missing from them is gone from the
/// catalog.
pub fn price_cart(
    cart: &cart::Model,
    lines: &[cart_line::Model],
    variants: &Variants,
    products: &Products,
    shipping: &ShippingPolicy,
) -> PricedCart {
    let mut priced = Vec::with_capacity(lines.len());
    let mut warnings = Vec::new();
    let mut missing = Vec::new();
    for line in lines {
        let Some((variant, product)) = merchandise(line, variants, products) else {
            warnings.push(Warning {
                code: WarningCode::MerchandiseRemoved,
                message: "An item in the cart is no longer sold; remove it to check out".into(),
                line_id: Some(line.id),
            });
            continue;
        };
        let name = product.title.as_str();
        let unit_price = Minor(variant.price);
        priced.push(PricedLine {
            line_id: line.id,
            unit_price,
            subtotal: unit_price * line.quantity as i64,
        });
        if !product.published {
            warnings.push(Warning {
                code: WarningCode::MerchandiseRemoved,
                message: format!("{name} is no longer sold; remove it to check out"),
                line_id: Some(line.id),
            });
        } else if let Some(units) = sellable_units(variant).filter(|u| *u < line.quantity) {
            warnings.push(Warning {
                code: WarningCode::OutOfStock,
                message: if units == 0 {
                    format!("{name} is sold out; remove it to check out")
                } else {
                    format!(
                        "Only {units} of {name} left; lower the quantity from {} to check out",
                        line.quantity
                    )
                },
                line_id: Some(line.id),
            });
        }
        if line.seen_price != variant.price {
            warnings.push(Warning {
                code: WarningCode::PriceChanged,
                message: format!(
                    "The price of {name} changed from {} to {}",
                    Minor(line.seen_price).to_decimal(),
                    unit_price.to_decimal()
                ),
                line_id: Some(line.id),
            });
        }
    }

    let subtotal: Minor = priced.iter().map(|l| l.subtotal).sum();
    let shipping_offers = shipping.offers(subtotal);
    let selected_shipping = cart
        .shipping_method
        .as_deref()
        .and_then(|handle| shipping.offer(handle, subtotal));
    let shipping_amount = selected_shipping.as_ref().map_or(Minor(0), |m| m.price);
    let discount = Minor(0);
    let loyalty = Minor(0);

    if lines.is_empty() {
        missing.push("The cart is empty".into());
    }
    if cart.email.is_none() {
        missing.push("An email address is needed for the order confirmation".into());
    }
    if cart.shipping_address.is_none() {
        missing.push("A shipping address is needed".into());
    }
    if selected_shipping.is_none() {
        missing.push("A shipping method is needed".into());
    }

    PricedCart {
        lines: priced,
        subtotal,
        discount,
        loyalty,
        shipping_offers,
        selected_shipping,
        shipping: shipping_amount,
        total: subtotal - discount - loyalty + shipping_amount,
        warnings,
        missing,
    }
}
