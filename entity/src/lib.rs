//! Database tables of comptoir, one module per table. Plain data: the rules
//! live in the server crate's services.

pub mod cart;
pub mod cart_line;
pub mod counter;
pub mod order;
pub mod order_access_token;
pub mod order_line;
pub mod product;
pub mod product_image;
pub mod product_tag;
pub mod product_variant;
