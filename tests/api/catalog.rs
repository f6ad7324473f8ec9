//! Browsing the demo florist's catalog: pages, filters, search and sorting.

use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::TestApp;

const PAGE: &str = r#"
query ($first: Int, $after: String, $last: Int, $before: String, $query: String,
       $filter: ProductFilter, $sortKey: ProductSortKeys, $reverse: Boolean) {
  products(first: $first, after: $after, last: $last, before: $before, query: $query,
           filter: $filter, sortKey: $sortKey, reverse: $reverse) {
    edges { cursor node { handle } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"#;

async fn page(app: &TestApp, variables: Value) -> Value {
    app.data(PAGE, variables).await["products"].clone()
}

fn handles(page: &Value) -> Vec<String> {
    page["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["handle"].as_str().unwrap().to_string())
        .collect()
}

/// Every published demo product, by title.
const BY_TITLE: [&str; 10] = [
    "rose-bouquet",       // Bouquet of Garden Roses
    "tulip-bunch",        // Bunch of Tulips
    "glass-vase",         // Hand-blown Glass Vase
    "monstera",           // Monstera Deliciosa
    "olive-tree",         // Olive Tree
    "peony-bouquet",      // Peony Bouquet
    "stoneware-vase",     // Stoneware Bud Vase
    "succulent-trio",     // Succulent Trio
    "orchid",             // White Phalaenopsis Orchid
    "wildflower-bouquet", // Wildflower Bouquet
];

async fn paging_forward_and_backward_visits_each_product_once(app: &TestApp) {
    app.load_demo().await;
    for sort in ["TITLE", "PRICE", "CREATED_AT"] {
        let mut forward = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let p = page(app, json!({ "first": 3, "after": after, "sortKey": sort })).await;
            forward.extend(handles(&p));
            if p["pageInfo"]["hasNextPage"] == false {
                break;
            }
            after = p["pageInfo"]["endCursor"].as_str().map(str::to_string);
        }
        let mut backward = Vec::new();
        let mut before: Option<String> = None;
        loop {
            let p = page(app, json!({ "last": 4, "before": before, "sortKey": sort })).await;
            let mut h = handles(&p);
            h.extend(backward);
            backward = h;
            if p["pageInfo"]["hasPreviousPage"] == false {
                break;
            }
            before = p["pageInfo"]["startCursor"].as_str().map(str::to_string);
        }
        assert_eq!(forward.len(), 10, "{sort}: {forward:?}");
        assert_eq!(forward, backward, "{sort}");
        let mut unique = forward.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 10, "{sort}: duplicates in {forward:?}");
    }
    let by_title = page(app, json!({ "first": 3 })).await;
    assert_eq!(handles(&by_title), BY_TITLE[..3]);
    assert_eq!(by_title["pageInfo"]["hasPreviousPage"], false);
    assert_eq!(by_title["pageInfo"]["hasNextPage"], true);
    let next = page(
        app,
        json!({ "first": 3, "after": by_title["pageInfo"]["endCursor"] }),
    )
    .await;
    assert_eq!(handles(&next), BY_TITLE[3..6]);
}

async fn sorting_by_each_key_and_reversed(app: &TestApp) {
    app.load_demo().await;
    assert_eq!(handles(&page(app, json!({ "first": 10 })).await), BY_TITLE);
    let mut reversed = BY_TITLE.to_vec();
    reversed.reverse();
    assert_eq!(
        handles(&page(app, json!({ "first": 10, "reverse": true })).await),
        reversed
    );
    // By the cheapest variant; equal prices (24.00) by creation.
    assert_eq!(
        handles(&page(app, json!({ "first": 10, "sortKey": "PRICE" })).await),
        [
            "tulip-bunch",
            "succulent-trio",
            "stoneware-vase",
            "wildflower-bouquet",
            "monstera",
            "rose-bouquet",
            "glass-vase",
            "orchid",
            "peony-bouquet",
            "olive-tree"
        ]
    );
    assert_eq!(
        handles(
            &page(
                app,
                json!({ "first": 3, "sortKey": "PRICE", "reverse": true })
            )
            .await
        ),
        ["olive-tree", "peony-bouquet", "orchid"]
    );
    assert_eq!(
        handles(&page(app, json!({ "first": 3, "sortKey": "CREATED_AT" })).await),
        ["rose-bouquet", "peony-bouquet", "wildflower-bouquet"]
    );
}

async fn search_matches_every_word_and_ranks_title_matches_first(app: &TestApp) {
    app.load_demo().await;
    let search = |q: &'static str, sort: &'static str| async move {
        handles(&page(app, json!({ "first": 20, "query": q, "sortKey": sort })).await)
    };
    assert_eq!(
        search("vase", "TITLE").await,
        ["glass-vase", "stoneware-vase"]
    );
    // Words match title, description, vendor, type and tags, in any case.
    assert_eq!(search("WHITE orchid", "TITLE").await, ["orchid"]);
    assert_eq!(
        search("pivoine", "TITLE").await,
        ["rose-bouquet", "peony-bouquet", "wildflower-bouquet"]
    );
    assert_eq!(search("mediterranean", "TITLE").await, ["olive-tree"]);
    // A title starting with the word first, then titles containing it, then
    // the rest (here: matched by product type).
    assert_eq!(
        search("bouquet", "RELEVANCE").await,
        [
            "rose-bouquet",
            "wildflower-bouquet",
            "peony-bouquet",
            "tulip-bunch"
        ]
    );
    // LIKE wildcards are plain characters.
    assert_eq!(search("%", "TITLE").await, Vec::<String>::new());
    assert_eq!(
        search("nothing-like-this", "TITLE").await,
        Vec::<String>::new()
    );
    // The unpublished subscription is never found.
    assert_eq!(search("subscription", "TITLE").await, Vec::<String>::new());
}

async fn filters_narrow_by_type_vendor_tag_stock_and_price(app: &TestApp) {
    app.load_demo().await;
    let filtered = |filter: Value| async move {
        handles(&page(app, json!({ "first": 20, "filter": filter })).await)
    };
    assert_eq!(
        filtered(json!({ "productType": "Plant" })).await,
        ["monstera", "olive-tree", "succulent-trio", "orchid"]
    );
    assert_eq!(
        filtered(json!({ "vendor": "Verrerie Lumen" })).await,
        ["glass-vase", "stoneware-vase"]
    );
    assert_eq!(
        filtered(json!({ "tag": "Gift" })).await,
        [
            "rose-bouquet",
            "glass-vase",
            "peony-bouquet",
            "succulent-trio",
            "orchid"
        ]
    );
    // Peonies are out of season: every variant sold out, no backorders.
    assert_eq!(
        filtered(json!({ "available": false })).await,
        ["peony-bouquet"]
    );
    assert_eq!(filtered(json!({ "available": true })).await.len(), 9);
    // A product matches when one of its variants is priced in the range.
    assert_eq!(
        filtered(json!({ "price": { "min": "40", "max": "50" } })).await,
        ["rose-bouquet", "glass-vase", "monstera", "peony-bouquet"]
    );
    assert_eq!(
        filtered(json!({ "productType": "Bouquet", "price": { "max": "20.00" } })).await,
        ["tulip-bunch"]
    );
    let data = app.data("{ productTypes vendors tags }", json!({})).await;
    assert_eq!(data["productTypes"], json!(["Bouquet", "Plant", "Vase"]));
    assert_eq!(
        data["vendors"],
        json!(["Atelier Pivoine", "Les Serres du Nord", "Verrerie Lumen"])
    );
    assert_eq!(data["tags"].as_array().unwrap().len(), 13);
}

async fn a_product_reads_by_handle_id_and_node_with_its_prices(app: &TestApp) {
    app.load_demo().await;
    let by_handle = app
        .data(
            r#"{ product(handle: "rose-bouquet") {
                id title vendor productType tags availableForSale
                options { name values }
                priceRange { minVariantPrice { amount currencyCode } maxVariantPrice { amount } }
                compareAtPriceRange { minVariantPrice { amount } maxVariantPrice { amount } }
                featuredImage { altText }
                variants(first: 2) { nodes { title sku quantityAvailable price { amount } } pageInfo { hasNextPage } }
            } }"#,
            json!({}),
        )
        .await["product"]
        .clone();
    assert_eq!(by_handle["title"], "Bouquet of Garden Roses");
    assert_eq!(by_handle["tags"], json!(["Roses", "Gift", "Bestseller"]));
    assert_eq!(
        by_handle["options"],
        json!([{ "name": "Size", "values": ["Small", "Medium", "Large"] }])
    );
    assert_eq!(
        by_handle["priceRange"],
        json!({ "minVariantPrice": { "amount": "29.00", "currencyCode": "EUR" }, "maxVariantPrice": { "amount": "65.00" } })
    );
    assert_eq!(
        by_handle["compareAtPriceRange"],
        json!({ "minVariantPrice": { "amount": "75.00" }, "maxVariantPrice": { "amount": "75.00" } })
    );
    assert_eq!(
        by_handle["featuredImage"]["altText"],
        "Garden roses tied with twine"
    );
    assert_eq!(
        by_handle["variants"],
        json!({ "nodes": [
            { "title": "Small", "sku": "BQ-ROSE-S", "quantityAvailable": 12, "price": { "amount": "29.00" } },
            { "title": "Medium", "sku": "BQ-ROSE-M", "quantityAvailable": 8, "price": { "amount": "45.00" } }
        ], "pageInfo": { "hasNextPage": true } })
    );

    let id = by_handle["id"].clone();
    let by_id = app
        .data("query ($id: ID!) { product(id: $id) { handle } node(id: $id) { id ... on Product { handle } } }", json!({ "id": id }))
        .await;
    assert_eq!(by_id["product"]["handle"], "rose-bouquet");
    assert_eq!(by_id["node"]["handle"], "rose-bouquet");

    let missing = app
        .data(
            r#"query ($ids: [ID!]!) { nodes(ids: $ids) { id } product(handle: "flower-subscription") { id } }"#,
            json!({ "ids": [id, "bm9wZQ", "Z2lkOi8vY29tcHRvaXIvUHJvZHVjdC85OTk5"] }),
        )
        .await;
    assert_eq!(missing["nodes"], json!([{ "id": id }, null, null]));
    assert_eq!(missing["product"], Value::Null);
}

async fn a_page_of_50_costs_as_many_statements_as_a_page_of_5(app: &TestApp) {
    // Sixty products of two variants and two images each.
    let mut csv = String::from(
        "Handle,Title,Option1 Name,Option1 Value,Variant Price,Variant Inventory Tracker,Variant Inventory Qty,Image Src,Image Position\n",
    );
    for i in 0..60 {
        csv.push_str(&format!(
            "p{i:02},Product {i:02},Size,S,{i}.50,shopify,5,https://img.example/p{i}-1.jpg,1\n"
        ));
        csv.push_str(&format!(
            "p{i:02},,,L,{i}.90,shopify,5,https://img.example/p{i}-2.jpg,2\n"
        ));
    }
    let summary = app.import_csv("generated.csv", &csv).await;
    assert_eq!(summary.products_created, 60, "{:?}", summary.problems);

    let query = r#"query ($first: Int!) { products(first: $first) { nodes {
        title featuredImage { url } images { url altText } priceRange { minVariantPrice { amount } }
        availableForSale options { name values }
        variants(first: 10) { nodes { title sku price { amount } quantityAvailable image { url } selectedOptions { name value } product { handle } } }
    } } }"#;
    let mut costs = Vec::new();
    for first in [5, 50] {
        let before = app.statements_executed();
        let data = app.data(query, json!({ "first": first })).await;
        costs.push(app.statements_executed() - before);
        assert_eq!(data["products"]["nodes"].as_array().unwrap().len(), first);
    }
    assert_eq!(
        costs[0], costs[1],
        "statements for 5 vs 50 products: {costs:?}"
    );
    // The page, its variants and its images.
    assert_eq!(costs[0], 3);
}

on_both_databases!(
    paging_forward_and_backward_visits_each_product_once,
    sorting_by_each_key_and_reversed,
    search_matches_every_word_and_ranks_title_matches_first,
    filters_narrow_by_type_vendor_tag_stock_and_price,
    a_product_reads_by_handle_id_and_node_with_its_prices,
    a_page_of_50_costs_as_many_statements_as_a_page_of_5,
);
