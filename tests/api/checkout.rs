//! Guest checkout: one transaction, idempotent, never overselling.

use serde_json::{json, Value};

use crate::on_both_databases;
use crate::shop::{
    cart, checkout, codes, create_cart, quantity_available, ready_cart, variant_id, CHECKOUT,
};
use crate::support::TestApp;

const ORDER_BY_TOKEN: &str = r#"query ($token: String!) { orderByToken(token: $token) {
    number email status total { amount } lines { title sku quantity } shippingAddress { city } } }"#;

async fn a_guest_buys_and_reads_the_order_with_its_token(app: &TestApp) {
    app.load_demo().await;
    let roses = variant_id(app, "BQ-ROSE-L").await; // 65.00, 3 in stock
    let vase = variant_id(app, "VS-GLASS-20").await; // 32.00, 5 in stock
    let cart_id = ready_cart(app, &[(&roses, 2), (&vase, 1)]).await;

    let placed = checkout(app, &cart_id, "key-1", "tok_visa").await;
    assert_eq!(placed["userErrors"], json!([]));
    let order = &placed["order"];
    assert_eq!(order["number"], "1001");
    assert_eq!(order["email"], "jeanne@example.com");
    assert_eq!(order["status"], "PAID");
    assert_eq!(
        order["lines"],
        json!([
            { "title": "Bouquet of Garden Roses", "variantTitle": "Large", "sku": "BQ-ROSE-L", "quantity": 2,
              "unitPrice": { "amount": "65.00" }, "totalPrice": { "amount": "130.00" }, "variant": { "sku": "BQ-ROSE-L" } },
            { "title": "Hand-blown Glass Vase", "variantTitle": "20 cm", "sku": "VS-GLASS-20", "quantity": 1,
              "unitPrice": { "amount": "32.00" }, "totalPrice": { "amount": "32.00" }, "variant": { "sku": "VS-GLASS-20" } }
        ])
    );
    assert_eq!(order["subtotal"]["amount"], "162.00");
    assert_eq!(order["shippingAmount"]["amount"], "0.00");
    assert_eq!(
        order["total"],
        json!({ "amount": "162.00", "currencyCode": "EUR" })
    );
    assert_eq!(
        order["shippingAddress"],
        json!({ "firstName": "Jeanne", "city": "Lyon", "countryCode": "FR" })
    );
    assert_eq!(order["shippingMethod"]["handle"], "standard");

    // Stock went down by what was bought.
    assert_eq!(quantity_available(app, &roses).await, 1);
    assert_eq!(quantity_available(app, &vase).await, 4);
    // The cart is closed.
    assert_eq!(
        app.data(
            "query ($id: ID!) { cart(id: $id) { id } }",
            json!({ "id": cart_id })
        )
        .await["cart"],
        Value::Null
    );

    // The token opens the order; it carries 256 bits.
    let token = placed["orderAccessToken"].as_str().unwrap();
    assert_eq!(token.len(), 43);
    let read = app.data(ORDER_BY_TOKEN, json!({ "token": token })).await;
    assert_eq!(read["orderByToken"]["number"], "1001");
    assert_eq!(read["orderByToken"]["lines"][0]["sku"], "BQ-ROSE-L");

    // A second order gets the next number; cash on delivery is PLACED.
    let tulips = variant_id(app, "TUL-YEL").await;
    let second_cart = ready_cart(app, &[(&tulips, 1)]).await;
    let second = app
        .data(CHECKOUT, json!({ "cartId": second_cart, "key": "key-2", "payment": { "method": "CASH_ON_DELIVERY" } }))
        .await["checkoutComplete"]
        .clone();
    assert_eq!(second["order"]["number"], "1002");
    assert_eq!(second["order"]["status"], "PLACED");
    assert_eq!(second["order"]["total"]["amount"], "22.90");
}

async fn made_up_order_tokens_read_nothing(app: &TestApp) {
    app.load_demo().await;
    let tulips = variant_id(app, "TUL-RED").await;
    let cart_id = ready_cart(app, &[(&tulips, 1)]).await;
    let placed = checkout(app, &cart_id, "k", "tok_visa").await;
    let token = placed["orderAccessToken"].as_str().unwrap().to_string();
    let mut altered = token.clone();
    altered.replace_range(0..1, if token.starts_with('A') { "B" } else { "A" });
    for guess in [
        altered.as_str(),
        "",
        "1001",
        "' OR 1=1 --",
        &"x".repeat(10_000),
    ] {
        let read = app.data(ORDER_BY_TOKEN, json!({ "token": guess })).await;
        assert_eq!(read["orderByToken"], Value::Null, "{guess}");
    }
    // Orders are not reachable by node id either.
    let by_node = app
        .data(
            "query ($id: ID!) { node(id: $id) { id } }",
            json!({ "id": "Z2lkOi8vY29tcHRvaXIvT3JkZXIvMQ" }),
        )
        .await;
    assert_eq!(by_node["node"], Value::Null);
}

async fn replaying_an_idempotency_key_returns_the_same_order(app: &TestApp) {
    app.load_demo().await;
    let orchid = variant_id(app, "PL-ORCH").await; // 10 in stock
    let cart_id = ready_cart(app, &[(&orchid, 2)]).await;
    let first = checkout(app, &cart_id, "retry-me", "tok_visa").await;
    let again = checkout(app, &cart_id, "retry-me", "tok_visa").await;
    assert_eq!(again["userErrors"], json!([]));
    assert_eq!(again["order"]["id"], first["order"]["id"]);
    assert_eq!(again["order"]["number"], "1001");
    // Stock was taken once.
    assert_eq!(quantity_available(app, &orchid).await, 8);
    // Either token opens the order.
    for token in [&first["orderAccessToken"], &again["orderAccessToken"]] {
        let read = app.data(ORDER_BY_TOKEN, json!({ "token": token })).await;
        assert_eq!(read["orderByToken"]["number"], "1001");
    }
    // A new key on the completed cart places nothing.
    let other_key = checkout(app, &cart_id, "another-key", "tok_visa").await;
    assert_eq!(codes(&other_key), ["CART_COMPLETED"]);
    // The same key on another cart is refused.
    let other_cart = ready_cart(app, &[(&orchid, 1)]).await;
    let reused = checkout(app, &other_cart, "retry-me", "tok_visa").await;
    assert_eq!(codes(&reused), ["IDEMPOTENCY_KEY_REUSED"]);
    assert_eq!(quantity_available(app, &orchid).await, 8);
    // A blank key is refused.
    assert_eq!(
        codes(&checkout(app, &other_cart, "  ", "tok_visa").await),
        ["INVALID"]
    );
}

async fn a_declined_payment_changes_nothing(app: &TestApp) {
    app.load_demo().await;
    let monstera = variant_id(app, "PL-MONS-14").await; // 6 in stock
    let cart_id = ready_cart(app, &[(&monstera, 2)]).await;
    let declined = checkout(app, &cart_id, "pay-1", "tok_declined").await;
    assert_eq!(codes(&declined), ["PAYMENT_DECLINED"]);
    assert_eq!(declined["order"], Value::Null);
    assert_eq!(declined["orderAccessToken"], Value::Null);
    assert_eq!(quantity_available(app, &monstera).await, 6);
    let still_open = cart(app, &cart_id).await;
    assert_eq!(still_open["totalQuantity"], 2);
    assert_eq!(still_open["checkoutReady"], true);

    // A card payment needs a token.
    let tokenless = app
        .data(
            CHECKOUT,
            json!({ "cartId": cart_id, "key": "pay-2", "payment": { "method": "TEST_CARD" } }),
        )
        .await["checkoutComplete"]
        .clone();
    assert_eq!(codes(&tokenless), ["REQUIRED"]);

    // The shopper tries another card: the order is the first one.
    let paid = checkout(app, &cart_id, "pay-3", "tok_visa").await;
    assert_eq!(paid["order"]["number"], "1001");
    assert_eq!(quantity_available(app, &monstera).await, 4);
}

async fn a_cart_that_is_not_ready_cannot_check_out(app: &TestApp) {
    app.load_demo().await;
    let olive = variant_id(app, "PL-OLIVE").await;
    let created = create_cart(app, &[(&olive, 1)]).await;
    let cart_id = created["cart"]["id"].as_str().unwrap();
    let refused = checkout(app, cart_id, "early", "tok_visa").await;
    assert_eq!(
        codes(&refused),
        ["CART_NOT_READY", "CART_NOT_READY", "CART_NOT_READY"]
    );
    assert_eq!(
        refused["userErrors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [
            "An email address is needed for the order confirmation",
            "A shipping address is needed",
            "A shipping method is needed"
        ]
    );
    let unknown = checkout(app, "Z2lkOi8vY29tcHRvaXIvQ2FydC9ub3Bl", "x", "tok_visa").await;
    assert_eq!(codes(&unknown), ["NOT_FOUND"]);
}

async fn fifty_parallel_checkouts_of_ten_in_stock_sell_exactly_ten(app: &TestApp) {
    app.load_demo().await;
    let tulips = variant_id(app, "TUL-RED").await;
    // The merchant sets the red tulips to 10 in stock.
    app.import_csv(
        "tulips.csv",
        "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Tracker,Variant Inventory Qty\n\
         tulip-bunch,Bunch of Tulips,Colour,Red,TUL-RED,18.00,shopify,10\n",
    )
    .await;
    assert_eq!(quantity_available(app, &tulips).await, 10);
    let mut carts = Vec::new();
    for _ in 0..50 {
        carts.push(ready_cart(app, &[(&tulips, 1)]).await);
    }
    let attempts = carts.iter().enumerate().map(|(i, cart_id)| {
        let key = format!("race-{i}");
        async move { checkout(app, cart_id, &key, "tok_visa").await }
    });
    let results = futures_util::future::join_all(attempts).await;
    let placed: Vec<&Value> = results.iter().filter(|r| r["order"].is_object()).collect();
    let refused: Vec<Vec<String>> = results
        .iter()
        .filter(|r| r["order"].is_null())
        .map(codes)
        .collect();
    assert_eq!(placed.len(), 10);
    assert_eq!(refused.len(), 40);
    assert!(
        refused.iter().all(|c| c == &["INSUFFICIENT_STOCK"]),
        "{refused:?}"
    );
    assert_eq!(quantity_available(app, &tulips).await, 0);
    let mut numbers: Vec<i64> = placed
        .iter()
        .map(|r| r["order"]["number"].as_str().unwrap().parse().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1001..=1010).collect::<Vec<_>>());
}

on_both_databases!(
    a_guest_buys_and_reads_the_order_with_its_token,
    made_up_order_tokens_read_nothing,
    replaying_an_idempotency_key_returns_the_same_order,
    a_declined_payment_changes_nothing,
    a_cart_that_is_not_ready_cannot_check_out,
    fifty_parallel_checkouts_of_ten_in_stock_sell_exactly_ten,
);

async fn a_placed_order_survives_the_server_being_killed(app: &TestApp) {
    app.load_demo().await;
    let olive = variant_id(app, "PL-OLIVE").await; // 2 in stock
    let server = crate::support::ServerProcess::start(&app.database_url);
    let client = reqwest::Client::new();
    let gql = |query: &'static str, variables: Value| {
        let (client, url) = (client.clone(), server.url.clone());
        async move {
            let response: Value = client
                .post(url)
                .json(&json!({ "query": query, "variables": variables }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(response.get("errors").is_none(), "{response}");
            response["data"].clone()
        }
    };
    let created = gql(
        "mutation ($v: ID!) { cartCreate(input: { lines: [{ variantId: $v, quantity: 1 }], email: \"kill@example.com\" }) { cart { id } } }",
        json!({ "v": olive }),
    )
    .await;
    let cart_id = created["cartCreate"]["cart"]["id"].clone();
    gql(
        "mutation ($c: ID!, $a: MailingAddressInput!) { cartShippingAddressUpdate(cartId: $c, address: { address: $a }) { userErrors { code } } cartShippingMethodUpdate(cartId: $c, handle: \"pickup\") { userErrors { code } } }",
        json!({ "c": cart_id, "a": crate::shop::address() }),
    )
    .await;
    let placed = gql(
        "mutation ($c: ID!) { checkoutComplete(cartId: $c, idempotencyKey: \"crash\", payment: { method: CASH_ON_DELIVERY }) { order { number } orderAccessToken userErrors { code } } }",
        json!({ "c": cart_id }),
    )
    .await;
    let token = placed["checkoutComplete"]["orderAccessToken"].clone();
    assert_eq!(placed["checkoutComplete"]["order"]["number"], "1001");

    // The process dies the moment the answer is out.
    server.kill_hard();

    let read = app.data(ORDER_BY_TOKEN, json!({ "token": token })).await;
    assert_eq!(read["orderByToken"]["number"], "1001");
    assert_eq!(read["orderByToken"]["email"], "kill@example.com");
    assert_eq!(quantity_available(app, &olive).await, 1);
}

on_both_databases!(a_placed_order_survives_the_server_being_killed);

async fn concurrent_checkouts_of_one_cart_place_one_order(app: &TestApp) {
    app.load_demo().await;
    let orchid = variant_id(app, "PL-ORCH").await; // 10 in stock
                                                   // Ten double-clicks with one key: one order, ten answers naming it.
    let cart_id = ready_cart(app, &[(&orchid, 1)]).await;
    let same_key = (0..10).map(|_| checkout(app, &cart_id, "double-click", "tok_visa"));
    let results = futures_util::future::join_all(same_key).await;
    for result in &results {
        assert_eq!(result["userErrors"], json!([]), "{result}");
        assert_eq!(result["order"]["number"], "1001");
    }
    // Ten keys on one cart: one order, nine refusals.
    let cart_id = ready_cart(app, &[(&orchid, 1)]).await;
    let keys: Vec<String> = (0..10).map(|i| format!("tab-{i}")).collect();
    let results =
        futures_util::future::join_all(keys.iter().map(|k| checkout(app, &cart_id, k, "tok_visa")))
            .await;
    let placed: Vec<_> = results.iter().filter(|r| r["order"].is_object()).collect();
    assert_eq!(placed.len(), 1);
    assert_eq!(placed[0]["order"]["number"], "1002");
    assert!(results
        .iter()
        .filter(|r| r["order"].is_null())
        .all(|r| codes(r) == ["CART_COMPLETED"]));
    assert_eq!(quantity_available(app, &orchid).await, 8);
}

on_both_databases!(concurrent_checkouts_of_one_cart_place_one_order);

async fn an_order_keeps_its_currency_when_the_store_changes_its_own(app: &TestApp) {
    app.load_demo().await;
    let tulips = variant_id(app, "TUL-RED").await;
    let cart_id = ready_cart(app, &[(&tulips, 1)]).await;
    let token = checkout(app, &cart_id, "eur", "tok_visa").await["orderAccessToken"].clone();
    let usd = app
        .another_server(|s| s.currency = comptoir::domain::money::CurrencyCode::Usd)
        .await;
    let read = usd
        .data(
            "query ($t: String!) { orderByToken(token: $t) { total { amount currencyCode } lines { unitPrice { currencyCode } } } }",
            json!({ "t": token }),
        )
        .await;
    assert_eq!(
        read["orderByToken"]["total"],
        json!({ "amount": "22.90", "currencyCode": "EUR" })
    );
    assert_eq!(
        read["orderByToken"]["lines"][0]["unitPrice"]["currencyCode"],
        "EUR"
    );
}

on_both_databases!(an_order_keeps_its_currency_when_the_store_changes_its_own);
