//! Carts: lines within stock and limits, costs from the catalog, and every
//! refusal leaving the cart as it was.

use serde_json::{json, Value};

use crate::on_both_databases;
use crate::shop::{address, cart, cart_mutation, codes, create_cart, make_ready, variant_id};
use crate::support::TestApp;

fn amount(cart: &Value, path: &str) -> String {
    cart["cost"][path]["amount"].as_str().unwrap().to_string()
}

async fn the_cart_prices_lines_and_shipping_from_the_catalog(app: &TestApp) {
    app.load_demo().await;
    let roses = variant_id(app, "BQ-ROSE-S").await;
    let tulips = variant_id(app, "TUL-RED").await;
    let created = create_cart(app, &[(&roses, 2), (&tulips, 1)]).await;
    assert_eq!(created["userErrors"], json!([]));
    let c = &created["cart"];
    assert_eq!(c["totalQuantity"], 3);
    assert_eq!(
        c["lines"]["nodes"][0]["cost"]["amountPerQuantity"]["amount"],
        "29.00"
    );
    assert_eq!(
        c["lines"]["nodes"][0]["cost"]["subtotalAmount"]["amount"],
        "58.00"
    );
    assert_eq!(amount(c, "subtotalAmount"), "76.00");
    assert_eq!(c["cost"]["subtotalAmount"]["currencyCode"], "EUR");
    // Standard shipping is free from 50.00 of merchandise.
    assert_eq!(
        c["availableShippingMethods"],
        json!([
            { "handle": "standard", "price": { "amount": "0.00" } },
            { "handle": "express", "price": { "amount": "9.90" } },
            { "handle": "pickup", "price": { "amount": "0.00" } }
        ])
    );
    assert_eq!(c["checkoutReady"], false);
    let id = c["id"].as_str().unwrap();

    // Adding a variant already in the cart adds to its line.
    let added = cart_mutation(
        app,
        "cartLinesAdd",
        "$cartId: ID!, $lines: [CartLineInput!]!",
        json!({ "cartId": id, "lines": [{ "variantId": roses, "quantity": 1 }] }),
    )
    .await;
    assert_eq!(added["userErrors"], json!([]));
    assert_eq!(added["cart"]["lines"]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(added["cart"]["lines"]["nodes"][0]["quantity"], 3);
    assert_eq!(amount(&added["cart"], "subtotalAmount"), "105.00");

    let ready = make_ready(app, id).await;
    assert_eq!(ready["checkoutReady"], true);
    assert_eq!(ready["email"], "jeanne@example.com");
    assert_eq!(ready["shippingAddress"]["countryCode"], "FR");
    assert_eq!(ready["selectedShippingMethod"]["handle"], "standard");
    assert_eq!(amount(&ready, "shippingAmount"), "0.00");
    assert_eq!(amount(&ready, "totalAmount"), "105.00");

    // Below the threshold standard shipping costs 4.90; express always 9.90.
    let line_id = ready["lines"]["nodes"][0]["id"].clone();
    let smaller = cart_mutation(
        app,
        "cartLinesRemove",
        "$cartId: ID!, $lineIds: [ID!]!",
        json!({ "cartId": id, "lineIds": [line_id] }),
    )
    .await["cart"]
        .clone();
    assert_eq!(amount(&smaller, "subtotalAmount"), "18.00");
    assert_eq!(amount(&smaller, "shippingAmount"), "4.90");
    assert_eq!(amount(&smaller, "totalAmount"), "22.90");
    let express = cart_mutation(
        app,
        "cartShippingMethodUpdate",
        "$cartId: ID!, $handle: String!",
        json!({ "cartId": id, "handle": "express" }),
    )
    .await["cart"]
        .clone();
    assert_eq!(amount(&express, "totalAmount"), "27.90");

    // Quantity 0 removes a line.
    let tulip_line = express["lines"]["nodes"][0]["id"].clone();
    let emptied = cart_mutation(
        app,
        "cartLinesUpdate",
        "$cartId: ID!, $lines: [CartLineUpdateInput!]!",
        json!({ "cartId": id, "lines": [{ "id": tulip_line, "quantity": 0 }] }),
    )
    .await["cart"]
        .clone();
    assert_eq!(emptied["totalQuantity"], 0);
    assert_eq!(emptied["checkoutReady"], false);
    assert_eq!(amount(&emptied, "totalAmount"), "9.90");
}

async fn quantities_out_of_range_or_stock_are_refused_and_change_nothing(app: &TestApp) {
    app.load_demo().await;
    let olive = variant_id(app, "PL-OLIVE").await; // 2 in stock
    let created = create_cart(app, &[(&olive, 1)]).await;
    let id = created["cart"]["id"].as_str().unwrap().to_string();
    let add = |quantity: i64| {
        let (app, id, olive) = (app, id.clone(), olive.clone());
        async move {
            cart_mutation(
                app,
                "cartLinesAdd",
                "$cartId: ID!, $lines: [CartLineInput!]!",
                json!({ "cartId": id, "lines": [{ "variantId": olive, "quantity": quantity }] }),
            )
            .await
        }
    };
    for (quantity, code) in [
        (0, "QUANTITY_OUT_OF_RANGE"),
        (-1, "QUANTITY_OUT_OF_RANGE"),
        (100, "QUANTITY_OUT_OF_RANGE"),
        (2_147_483_647, "QUANTITY_OUT_OF_RANGE"),
        (2, "INSUFFICIENT_STOCK"),
    ] {
        let refused = add(quantity).await;
        assert_eq!(codes(&refused), [code], "quantity {quantity}");
        assert_eq!(
            refused["userErrors"][0]["field"],
            json!(["lines", "0", "quantity"])
        );
        // The cart comes back unchanged.
        assert_eq!(refused["cart"]["totalQuantity"], 1, "quantity {quantity}");
    }
    let refused = add(2).await;
    assert_eq!(refused["userErrors"][0]["message"], "Only 2 left in stock");
    assert_eq!(add(1).await["cart"]["totalQuantity"], 2);

    // A quantity beyond the 32-bit range is a GraphQL error, not a crash.
    let huge = app
        .gql(
            "mutation ($id: ID!, $v: ID!) { cartLinesAdd(cartId: $id, lines: [{ variantId: $v, quantity: 99999999999 }]) { userErrors { code } } }",
            json!({ "id": id, "v": olive }),
        )
        .await;
    assert!(
        huge["errors"].as_array().is_some_and(|e| !e.is_empty()),
        "{huge}"
    );
    assert_eq!(cart(app, &id).await["totalQuantity"], 2);

    // Several lines: one bad line refuses the whole change.
    let roses = variant_id(app, "BQ-ROSE-S").await;
    let mixed = cart_mutation(
        app,
        "cartLinesAdd",
        "$cartId: ID!, $lines: [CartLineInput!]!",
        json!({ "cartId": id, "lines": [{ "variantId": roses, "quantity": 1 }, { "variantId": olive, "quantity": 5 }] }),
    )
    .await;
    assert_eq!(codes(&mixed), ["INSUFFICIENT_STOCK"]);
    assert_eq!(
        mixed["userErrors"][0]["field"],
        json!(["lines", "1", "quantity"])
    );
    assert_eq!(cart(app, &id).await["totalQuantity"], 2);

    // Updating a line to beyond stock is refused too.
    let line = cart(app, &id).await["lines"]["nodes"][0]["id"].clone();
    let update = cart_mutation(
        app,
        "cartLinesUpdate",
        "$cartId: ID!, $lines: [CartLineUpdateInput!]!",
        json!({ "cartId": id, "lines": [{ "id": line, "quantity": 3 }] }),
    )
    .await;
    assert_eq!(codes(&update), ["INSUFFICIENT_STOCK"]);
    assert_eq!(update["cart"]["totalQuantity"], 2);
}

async fn unknown_unavailable_and_malformed_input_get_coded_errors(app: &TestApp) {
    app.load_demo().await;
    let peony = variant_id(app, "BQ-PEONY-M").await; // sold out
    let sold_out = create_cart(app, &[(&peony, 1)]).await;
    assert_eq!(codes(&sold_out), ["INSUFFICIENT_STOCK"]);
    assert_eq!(sold_out["cart"], Value::Null);
    assert_eq!(
        sold_out["userErrors"][0]["message"],
        "This item is sold out"
    );

    let unknown = create_cart(
        app,
        &[("Z2lkOi8vY29tcHRvaXIvUHJvZHVjdFZhcmlhbnQvOTk5OQ", 1)],
    )
    .await;
    assert_eq!(codes(&unknown), ["NOT_FOUND"]);
    assert_eq!(
        unknown["userErrors"][0]["field"],
        json!(["input", "lines", "0", "variantId"])
    );
    let garbage = create_cart(app, &[("not-an-id", 1)]).await;
    assert_eq!(codes(&garbage), ["NOT_FOUND"]);

    let created = create_cart(app, &[]).await;
    let id = created["cart"]["id"].as_str().unwrap().to_string();
    let invalid_email = cart_mutation(
        app,
        "cartBuyerIdentityUpdate",
        "$cartId: ID!, $buyerIdentity: CartBuyerIdentityInput!",
        json!({ "cartId": id, "buyerIdentity": { "email": "jeanne@" } }),
    )
    .await;
    assert_eq!(codes(&invalid_email), ["INVALID_EMAIL"]);
    assert_eq!(invalid_email["cart"]["email"], Value::Null);

    let mut bad_address = address();
    bad_address["countryCode"] = json!("XZ");
    bad_address["city"] = json!("  ");
    let refused = cart_mutation(
        app,
        "cartShippingAddressUpdate",
        "$cartId: ID!, $address: CartAddressInput!",
        json!({ "cartId": id, "address": { "address": bad_address } }),
    )
    .await;
    assert_eq!(codes(&refused), ["REQUIRED", "INVALID_COUNTRY_CODE"]);
    assert_eq!(
        refused["userErrors"][1]["field"],
        json!(["address", "address", "countryCode"])
    );
    assert_eq!(refused["cart"]["shippingAddress"], Value::Null);

    let saved = cart_mutation(
        app,
        "cartShippingAddressUpdate",
        "$cartId: ID!, $address: CartAddressInput!",
        json!({ "cartId": id, "address": { "savedAddressId": "abc" } }),
    )
    .await;
    assert_eq!(codes(&saved), ["NOT_AVAILABLE"]);

    let method = cart_mutation(
        app,
        "cartShippingMethodUpdate",
        "$cartId: ID!, $handle: String!",
        json!({ "cartId": id, "handle": "teleport" }),
    )
    .await;
    assert_eq!(codes(&method), ["SHIPPING_METHOD_UNAVAILABLE"]);

    // A made-up cart id reads nothing and changes nothing.
    let made_up = "Z2lkOi8vY29tcHRvaXIvQ2FydC9ndWVzc2Vk";
    assert_eq!(
        app.data(
            "query ($id: ID!) { cart(id: $id) { id } }",
            json!({ "id": made_up })
        )
        .await["cart"],
        Value::Null
    );
    let foreign = cart_mutation(
        app,
        "cartShippingMethodUpdate",
        "$cartId: ID!, $handle: String!",
        json!({ "cartId": made_up, "handle": "standard" }),
    )
    .await;
    assert_eq!(codes(&foreign), ["NOT_FOUND"]);
}

async fn cart_ids_are_long_random_secrets(app: &TestApp) {
    let a = create_cart(app, &[]).await["cart"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = create_cart(app, &[]).await["cart"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(a, b);
    use base64::Engine;
    for id in [a, b] {
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(&id)
            .unwrap();
        let decoded = String::from_utf8(decoded).unwrap();
        let secret = decoded.strip_prefix("gid://comptoir/Cart/").unwrap();
        // 24 random bytes in URL-safe base64: 192 bits.
        assert_eq!(secret.len(), 32, "{secret}");
    }
}

async fn a_price_change_after_adding_is_pointed_out(app: &TestApp) {
    app.load_demo().await;
    let orchid = variant_id(app, "PL-ORCH").await;
    let id = create_cart(app, &[(&orchid, 1)]).await["cart"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The merchant re-imports the orchid at a new price, and less stock.
    app.import_csv(
        "orchid.csv",
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Tracker,Variant Inventory Qty\n\
         orchid,White Phalaenopsis Orchid,Title,Default Title,PL-ORCH,39.00,shopify,0\n",
    )
    .await;
    let c = cart(app, &id).await;
    assert_eq!(amount(&c, "subtotalAmount"), "39.00");
    assert_eq!(
        c["warnings"],
        json!([
            { "code": "OUT_OF_STOCK", "message": "White Phalaenopsis Orchid is sold out; remove it to check out" },
            { "code": "PRICE_CHANGED", "message": "The price of White Phalaenopsis Orchid changed from 35.00 to 39.00" }
        ])
    );
    let ready = make_ready(app, &id).await;
    assert_eq!(ready["checkoutReady"], false);
}

on_both_databases!(
    the_cart_prices_lines_and_shipping_from_the_catalog,
    quantities_out_of_range_or_stock_are_refused_and_change_nothing,
    unknown_unavailable_and_malformed_input_get_coded_errors,
    cart_ids_are_long_random_secrets,
    a_price_change_after_adding_is_pointed_out,
);

async fn a_product_taken_off_sale_cannot_be_added_and_is_flagged_in_carts(app: &TestApp) {
    app.load_demo().await;
    let wildflowers = variant_id(app, "BQ-WILD-S").await;
    let id = create_cart(app, &[(&wildflowers, 1)]).await["cart"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The merchant unpublishes the wildflowers.
    app.import_csv(
        "wild.csv",
        "Handle,Title,Published,Option1 Name,Option1 Value,Variant SKU,Variant Price\n\
         wildflower-bouquet,Wildflower Bouquet,false,Size,Small,BQ-WILD-S,24.00\n",
    )
    .await;
    let refused = create_cart(app, &[(&wildflowers, 1)]).await;
    assert_eq!(codes(&refused), ["VARIANT_UNAVAILABLE"]);
    let c = cart(app, &id).await;
    assert_eq!(c["warnings"][0]["code"], "MERCHANDISE_REMOVED");
    assert_eq!(make_ready(app, &id).await["checkoutReady"], false);
}

async fn input_lists_longer_than_the_limit_are_refused(app: &TestApp) {
    app.load_demo().await;
    let roses = variant_id(app, "BQ-ROSE-S").await;
    let lines: Vec<(&str, i64)> = (0..251).map(|_| (roses.as_str(), 1)).collect();
    let refused = create_cart(app, &lines).await;
    assert_eq!(codes(&refused), ["TOO_MANY_ITEMS"]);
    assert_eq!(
        refused["userErrors"][0]["message"],
        "At most 250 items per request"
    );
}

on_both_databases!(
    a_product_taken_off_sale_cannot_be_added_and_is_flagged_in_carts,
    input_lists_longer_than_the_limit_are_refused,
);

async fn a_line_named_twice_in_one_update_is_refused(app: &TestApp) {
    app.load_demo().await;
    let roses = variant_id(app, "BQ-ROSE-S").await;
    let created = create_cart(app, &[(&roses, 1)]).await;
    let id = created["cart"]["id"].as_str().unwrap();
    let line = created["cart"]["lines"]["nodes"][0]["id"].clone();
    let refused = cart_mutation(
        app,
        "cartLinesUpdate",
        "$cartId: ID!, $lines: [CartLineUpdateInput!]!",
        json!({ "cartId": id, "lines": [{ "id": line, "quantity": 0 }, { "id": line, "quantity": 2 }] }),
    )
    .await;
    assert_eq!(codes(&refused), ["INVALID"]);
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["lines", "1", "id"])
    );
    assert_eq!(refused["cart"]["totalQuantity"], 1);

    // Paging a product's variants from an absurd cursor is an empty page.
    let page = app
        .data(
            r#"{ product(handle: "rose-bouquet") { variants(first: 2, after: "aTE4NDQ2NzQ0MDczNzA5NTUxNjE1") { nodes { title } pageInfo { hasPreviousPage hasNextPage } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        page["product"]["variants"],
        json!({ "nodes": [], "pageInfo": { "hasPreviousPage": true, "hasNextPage": false } })
    );

    // Too many lines keep the cart in the refusal.
    let many: Vec<Value> = (0..251)
        .map(|_| json!({ "variantId": roses, "quantity": 1 }))
        .collect();
    let too_many = cart_mutation(
        app,
        "cartLinesAdd",
        "$cartId: ID!, $lines: [CartLineInput!]!",
        json!({ "cartId": id, "lines": many }),
    )
    .await;
    assert_eq!(codes(&too_many), ["TOO_MANY_ITEMS"]);
    assert_eq!(too_many["cart"]["totalQuantity"], 1);

    // The address's phone is checked like the buyer's.
    let mut with_phone = address();
    with_phone["phone"] = json!("not a phone <b>");
    let refused = cart_mutation(
        app,
        "cartShippingAddressUpdate",
        "$cartId: ID!, $address: CartAddressInput!",
        json!({ "cartId": id, "address": { "address": with_phone } }),
    )
    .await;
    assert_eq!(codes(&refused), ["INVALID"]);
    assert_eq!(
        refused["userErrors"][0]["field"],
        json!(["address", "address", "phone"])
    );
}

on_both_databases!(a_line_named_twice_in_one_update_is_refused);
