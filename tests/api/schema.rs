//! `schema.graphql` is the public contract front-ends generate clients
//! from: it must be exactly what the code serves.

#[test]
fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    let generated = comptoir::graphql::sdl();
    if committed != generated {
        if std::env::var("COMPTOIR_UPDATE_SCHEMA").is_ok_and(|v| v == "1") {
            std::fs::write(path, &generated).expect("write schema.graphql");
            return;
        }
        panic!(
            "schema.graphql differs from the code's schema. If the change is intended, run \
             `cargo run -- schema > schema.graphql` (or COMPTOIR_UPDATE_SCHEMA=1 cargo test schema) \
             and commit it."
        );
    }
}

#[test]
fn the_schema_keeps_the_names_front_ends_rely_on() {
    // Compared with whitespace normalized, as the SDL printer wraps lines.
    let sdl = comptoir::graphql::sdl()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")");
    for expected in [
        "products(first: Int, after: String, last: Int, before: String, query: String, filter: ProductFilter, sortKey: ProductSortKeys = TITLE, reverse: Boolean = false): ProductConnection!",
        "product(id: ID, handle: String): Product",
        "cart(id: ID!): Cart",
        "orderByToken(token: String!): Order",
        "checkoutComplete(cartId: ID!, idempotencyKey: String!, payment: PaymentInput!): CheckoutCompletePayload!",
        "cartShippingAddressUpdate(cartId: ID!, address: CartAddressInput!): CartPayload!",
        "input CartAddressInput @oneOf",
        "quantityAvailable: Int",
        "scalar Decimal",
        "scalar URL",
        "scalar HTML",
        "type ProductVariant implements Node",
        "type CartLine implements Node",
    ] {
        assert!(sdl.contains(expected), "schema lacks `{expected}`");
    }
}
