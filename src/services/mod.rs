//! The rules of the shop and the transactions that apply them. Services take
//! plain values and return plain values; they know nothing of GraphQL.

pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod orders;
pub mod payment;
pub mod pricing;
pub mod secrets;
pub mod shipping;
