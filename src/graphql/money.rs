use async_graphql::SimpleObject;
use rust_decimal::Decimal;

use crate::domain::money::{CurrencyCode, Minor};

/// An amount in a currency. `amount` is a decimal string such as "19.90":
/// never a float.
#[derive(Debug, Clone, SimpleObject)]
pub struct Money {
    pub amount: Decimal,
    pub currency_code: CurrencyCode,
}

impl Money {
    pub fn new(minor: Minor, currency_code: CurrencyCode) -> Self {
        Money {
            amount: minor.to_decimal(),
            currency_code,
        }
    }
}

/// The cheapest and the dearest variant of a product.
#[derive(Debug, Clone, SimpleObject)]
pub struct MoneyRange {
    pub min_variant_price: Money,
    pub max_variant_price: Money,
}

impl MoneyRange {
    /// The range of `amounts`, or `None` when there are none.
    pub fn of(amounts: impl IntoIterator<Item = i64>, currency: CurrencyCode) -> Option<Self> {
        let (min, max) =
            amounts
                .into_iter()
                .fold(None, |acc: Option<(i64, i64)>, a| match acc {
                    None => Some((a, a)),
                    Some((lo, hi)) => Some((lo.min(a), hi.max(a))),
                })?;
        Some(MoneyRange {
            min_variant_price: Money::new(Minor(min), currency),
            max_variant_price: Money::new(Minor(max), currency),
        })
    }
}
