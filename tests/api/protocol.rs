//! The HTTP and GraphQL protocol: limits, malformed requests, health, and
//! what production mode hides.

use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::TestApp;

async fn post(app: &TestApp, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let response = app
        .client
        .post(app.url())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A request refused before it ran: no data, this message, this code.
fn assert_refused(response: &Value, message: &str, code: &str) {
    assert_eq!(response["data"], Value::Null, "{response}");
    let text = response["errors"][0]["message"].as_str().unwrap_or("");
    assert!(text.contains(message), "{response}");
    assert_eq!(error_code(response), code, "{response}");
}

fn error_code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("")
}

async fn an_oversized_body_is_answered_413(app: &TestApp) {
    let padding = "x".repeat(129 * 1024);
    let body = json!({ "query": format!("{{ productTypes }} # {padding}") }).to_string();
    let (status, response) = post(app, body).await;
    assert_eq!(status, 413);
    assert_eq!(error_code(&response), "PAYLOAD_TOO_LARGE");
    // Without a Content-Length (chunked), the limit holds too.
    let chunks: Vec<Result<String, std::io::Error>> = vec![Ok(
        json!({ "query": format!("{{ productTypes }} # {padding}") }).to_string(),
    )];
    let stream = futures_util::stream::iter(chunks);
    let (status, _) = post(app, reqwest::Body::wrap_stream(stream)).await;
    assert_eq!(status, 413);
}

async fn malformed_requests_are_client_errors_not_crashes(app: &TestApp) {
    let (status, response) = post(app, "{ not json").await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&response), "BAD_USER_INPUT");

    let (status, response) = post(
        app,
        json!({ "query": "{ products(first: 1) { " }).to_string(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expected"),
        "{response}"
    );

    for (query, code) in [
        (
            "{ products(first: 101) { nodes { id } } }",
            "PAGE_SIZE_EXCEEDED",
        ),
        (
            "{ products(first: -1) { nodes { id } } }",
            "PAGE_SIZE_EXCEEDED",
        ),
        (
            r#"{ products(first: 1, after: "garbage") { nodes { id } } }"#,
            "BAD_USER_INPUT",
        ),
        (
            "{ products(first: 1, last: 1) { nodes { id } } }",
            "BAD_USER_INPUT",
        ),
        (
            r#"{ products(first: 1, filter: { price: { min: "-5" } }) { nodes { id } } }"#,
            "BAD_USER_INPUT",
        ),
        (
            r#"{ products(first: 1, filter: { price: { min: "abc" } }) { nodes { id } } }"#,
            "BAD_USER_INPUT",
        ),
        // A decimal near the type's maximum must not overflow anything.
        (
            r#"{ products(first: 1, filter: { price: { max: "79228162514264337593543950335" } }) { nodes { id } } }"#,
            "BAD_USER_INPUT",
        ),
        ("{ product { id } }", "BAD_USER_INPUT"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
    ] {
        let response = app.gql(query, json!({})).await;
        assert_eq!(error_code(&response), code, "{query}: {response}");
    }
    let response = app
        .gql(
            "query ($n: Int) { products(first: $n) { nodes { id } } }",
            json!({ "n": "ten" }),
        )
        .await;
    assert!(!error_code(&response).is_empty(), "{response}");

    // Every top-level error carries a code a client can branch on.
    let (status, response) = post(
        app,
        json!({ "query": "{ products(first: 1) { " }).to_string(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(error_code(&response), "GRAPHQL_PARSE_FAILED");

    // A JSON body that is not a GraphQL request names no internal type.
    for body in [r#"{"query": 1}"#, "null", r#""x""#, "[]"] {
        let (status, response) = post(app, body).await;
        assert_eq!(status, 400, "{body}");
        let message = response["errors"][0]["message"].as_str().unwrap();
        assert!(
            !message.contains("enum") && !message.contains("BatchRequest"),
            "{message}"
        );
    }

    // Forged cursors are refused, whatever their content.
    use base64::Engine;
    let forge = |json: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
    for (sort, cursor) in [
        ("TITLE", forge(r#"{"s":"Title","v":123,"i":1}"#)),
        ("PRICE", forge(r#"{"s":"Price","v":"abc","i":1}"#)),
        ("RELEVANCE", forge(r#"{"s":"Relevance","v":"x","i":1}"#)),
    ] {
        let response = app
            .gql(
                "query ($s: ProductSortKeys, $c: String) { products(first: 2, sortKey: $s, after: $c, query: \"o\") { nodes { id } } }",
                json!({ "s": sort, "c": cursor }),
            )
            .await;
        assert_eq!(
            error_code(&response),
            "BAD_USER_INPUT",
            "{sort}: {response}"
        );
    }
}

async fn queries_over_the_depth_or_complexity_limit_are_refused(app: &TestApp) {
    // 16 levels deep: product → variants → node → product → ...
    let mut deep = String::from("id");
    for _ in 0..4 {
        deep = format!("product {{ variants(first: 1) {{ nodes {{ {deep} }} }} }}");
    }
    let response = app
        .gql(&format!("{{ products(first: 1) {{ nodes {{ variants(first: 1) {{ nodes {{ {deep} }} }} }} }} }}"), json!({}))
        .await;
    assert_refused(&response, "nested too deep", "DEPTH_LIMIT_EXCEEDED");

    // 100 products of 100 variants of 10 fields: 100,000 > 20,000.
    let costly = "{ products(first: 100) { nodes { variants(first: 100) { nodes { id sku title price { amount } compareAtPrice { amount } availableForSale quantityAvailable } } } } }";
    let response = app.gql(costly, json!({})).await;
    assert_refused(&response, "complex", "COMPLEXITY_LIMIT_EXCEEDED");

    // `nodes` costs as many times its selection as it is given ids.
    let ids = vec!["Z2lkOi8vY29tcHRvaXIvUHJvZHVjdC8x"; 250];
    let deep_nodes = "query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Product { variants(first: 10) { nodes { product { variants(first: 10) { nodes { id } } } } } } } }";
    let response = app.gql(deep_nodes, json!({ "ids": ids })).await;
    assert_eq!(
        error_code(&response),
        "COMPLEXITY_LIMIT_EXCEEDED",
        "{response}"
    );

    // Huge page sizes on many aliases neither overflow nor slip through.
    let aliases: String = (0..50)
        .map(|i| format!("a{i}: products(first: 2147483647) {{ nodes {{ variants(first: 2147483647) {{ nodes {{ id }} }} }} }} "))
        .collect();
    let response = app.gql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_refused(&response, "complex", "COMPLEXITY_LIMIT_EXCEEDED");

    // The page a shop actually shows fits: 20 products of 20 variants.
    let page = "{ products(first: 20) { nodes { id title handle featuredImage { url altText } priceRange { minVariantPrice { amount currencyCode } } variants(first: 20) { nodes { id title sku availableForSale quantityAvailable price { amount currencyCode } selectedOptions { name value } } } } } }";
    let response = app.gql(page, json!({})).await;
    assert!(response.get("errors").is_none(), "{response}");
}

async fn batches_are_limited_in_size(app: &TestApp) {
    let op = json!({ "query": "{ productTypes }" });
    let (status, response) = post(app, Value::Array(vec![op.clone(); 2]).to_string()).await;
    assert_eq!(status, 200);
    assert_eq!(
        response,
        json!([{ "data": { "productTypes": [] } }, { "data": { "productTypes": [] } }])
    );
    let (status, response) = post(app, Value::Array(vec![op; 11]).to_string()).await;
    assert_eq!(status, 400);
    assert_eq!(error_code(&response), "BATCH_TOO_LARGE");
}

async fn health_graphiql_and_cors_answer(app: &TestApp) {
    let missing = app
        .client
        .get(format!("{}/nowhere", app.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 404);
    assert!(missing.headers().contains_key("x-request-id"));
    let health = app
        .client
        .get(format!("{}/health", app.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let graphiql = app.client.get(app.url()).send().await.unwrap();
    assert_eq!(graphiql.status().as_u16(), 200);
    assert!(graphiql.headers().contains_key("x-request-id"));
    assert!(graphiql.text().await.unwrap().contains("graphiql"));
    let preflight = app
        .client
        .request(reqwest::Method::OPTIONS, app.url())
        .header("origin", "https://shop.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status().as_u16(), 200);
    assert_eq!(
        preflight.headers()["access-control-allow-origin"]
            .to_str()
            .unwrap(),
        "https://shop.example"
    );
}

on_both_databases!(
    an_oversized_body_is_answered_413,
    malformed_requests_are_client_errors_not_crashes,
    queries_over_the_depth_or_complexity_limit_are_refused,
    batches_are_limited_in_size,
    health_graphiql_and_cors_answer,
);

#[tokio::test]
async fn production_mode_hides_graphiql_introspection_and_suggestions() {
    let app = TestApp::sqlite_with(|s| s.env = comptoir::config::Environment::Production).await;
    let graphiql = app.client.get(app.url()).send().await.unwrap();
    assert_eq!(graphiql.status().as_u16(), 404);
    let response = app.gql("{ __schema { types { name } } }", json!({})).await;
    assert_eq!(response["data"]["__schema"], Value::Null, "{response}");
    let response = app.gql("{ product { titel } }", json!({})).await;
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
}

#[tokio::test]
async fn health_answers_503_when_the_database_is_gone() {
    let app = TestApp::sqlite_with(|s| s.database.db_max_connections = 1).await;
    app.state().db.conn().clone().close().await.unwrap();
    let health = app
        .client
        .get(format!("{}/health", app.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status().as_u16(), 503);
    // A query now fails as INTERNAL, without internals in the message.
    let response = app.gql("{ productTypes }", json!({})).await;
    assert_eq!(error_code(&response), "INTERNAL");
    let text = response.to_string().to_lowercase();
    assert!(!text.contains("sql") && !text.contains("pool"), "{text}");
    assert!(response["errors"][0]["extensions"]["requestId"].is_string());
}
