//! Typed steps of a shopper's journey, shared by the cart and checkout
//! tests.

use serde_json::{json, Value};

use crate::support::TestApp;

pub const CART_FIELDS: &str = r#"
  id totalQuantity email checkoutReady
  lines(first: 50) { nodes { id quantity merchandise { id sku } cost { amountPerQuantity { amount } subtotalAmount { amount } } } }
  shippingAddress { firstName lastName address1 city postalCode countryCode }
  availableShippingMethods { handle price { amount } }
  selectedShippingMethod { handle price { amount } }
  cost { subtotalAmount { amount currencyCode } shippingAmount { amount } discountAmount { amount } totalAmount { amount } }
  warnings { code message }
"#;

/// The id of the demo variant with this SKU.
pub async fn variant_id(app: &TestApp, sku: &str) -> String {
    let data = app
        .data(
            "{ products(first: 100) { nodes { variants(first: 10) { nodes { id sku } } } } }",
            json!({}),
        )
        .await;
    data["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["variants"]["nodes"].as_array().unwrap().clone())
        .find(|v| v["sku"] == sku)
        .unwrap_or_else(|| panic!("no variant {sku}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub async fn quantity_available(app: &TestApp, variant_id: &str) -> Value {
    app.data(
        "query ($id: ID!) { node(id: $id) { ... on ProductVariant { quantityAvailable } } }",
        json!({ "id": variant_id }),
    )
    .await["node"]["quantityAvailable"]
        .clone()
}

/// `cartCreate` with these `(variantId, quantity)` lines; the payload.
pub async fn create_cart(app: &TestApp, lines: &[(&str, i64)]) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(id, q)| json!({ "variantId": id, "quantity": q }))
        .collect();
    app.data(
        &format!(
            "mutation ($input: CartInput) {{ cartCreate(input: $input) {{ cart {{ {CART_FIELDS} }} userErrors {{ field message code }} }} }}"
        ),
        json!({ "input": { "lines": lines } }),
    )
    .await["cartCreate"]
        .clone()
}

pub async fn cart(app: &TestApp, cart_id: &str) -> Value {
    app.data(
        &format!("query ($id: ID!) {{ cart(id: $id) {{ {CART_FIELDS} }} }}"),
        json!({ "id": cart_id }),
    )
    .await["cart"]
        .clone()
}

/// Runs a cart mutation whose payload is `CartPayload`; returns the payload.
pub async fn cart_mutation(app: &TestApp, name: &str, args: &str, variables: Value) -> Value {
    let query = format!(
        "mutation ({args}) {{ {name}({call}) {{ cart {{ {CART_FIELDS} }} userErrors {{ field message code }} }} }}",
        call = args
            .split(',')
            .map(|a| {
                let var = a.split(':').next().unwrap().trim().trim_start_matches('$');
                format!("{var}: ${var}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    );
    app.data(&query, variables).await[name].clone()
}

pub fn address() -> Value {
    json!({
        "firstName": "Jeanne", "lastName": "Martin", "address1": "12 rue des Lilas",
        "city": "Lyon", "postalCode": "69003", "countryCode": "FR"
    })
}

/// Gives the cart an email, an address and the `standard` shipping method.
pub async fn make_ready(app: &TestApp, cart_id: &str) -> Value {
    cart_mutation(
        app,
        "cartBuyerIdentityUpdate",
        "$cartId: ID!, $buyerIdentity: CartBuyerIdentityInput!",
        json!({ "cartId": cart_id, "buyerIdentity": { "email": "jeanne@example.com" } }),
    )
    .await;
    cart_mutation(
        app,
        "cartShippingAddressUpdate",
        "$cartId: ID!, $address: CartAddressInput!",
        json!({ "cartId": cart_id, "address": { "address": address() } }),
    )
    .await;
    cart_mutation(
        app,
        "cartShippingMethodUpdate",
        "$cartId: ID!, $handle: String!",
        json!({ "cartId": cart_id, "handle": "standard" }),
    )
    .await["cart"]
        .clone()
}

/// A ready cart holding these lines; its id.
pub async fn ready_cart(app: &TestApp, lines: &[(&str, i64)]) -> String {
    let created = create_cart(app, lines).await;
    assert_eq!(created["userErrors"], json!([]), "{created:#}");
    let id = created["cart"]["id"].as_str().unwrap().to_string();
    let ready = make_ready(app, &id).await;
    assert_eq!(ready["checkoutReady"], true, "{ready:#}");
    id
}

pub const CHECKOUT: &str = r#"
mutation ($cartId: ID!, $key: String!, $payment: PaymentInput!) {
  checkoutComplete(cartId: $cartId, idempotencyKey: $key, payment: $payment) {
    order {
      id number email status
      lines { title variantTitle sku quantity unitPrice { amount } totalPrice { amount } variant { sku } }
      subtotal { amount } shippingAmount { amount } discountAmount { amount } total { amount currencyCode }
      shippingAddress { firstName city countryCode }
      shippingMethod { handle title price { amount } }
    }
    orderAccessToken
    userErrors { field message code }
  }
}"#;

pub async fn checkout(app: &TestApp, cart_id: &str, key: &str, card_token: &str) -> Value {
    app.data(
        CHECKOUT,
        json!({ "cartId": cart_id, "key": key, "payment": { "method": "TEST_CARD", "token": card_token } }),
    )
    .await["checkoutComplete"]
        .clone()
}

/// The codes of a payload's user errors.
pub fn codes(payload: &Value) -> Vec<String> {
    payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect()
}
