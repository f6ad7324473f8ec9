//! Shopify CSV import: the merchants' sample files, and fixtures that
//! reproduce each of their quirks.

use serde_json::{json, Value};

use crate::on_both_databases;
use crate::support::{fixture, shared_shopify_files, TestApp};

const PRODUCT_BY_HANDLE: &str = r#"
query ($handle: String!) {
  product(handle: $handle) {
    id title description descriptionHtml vendor productType tags
    options { name values }
    availableForSale
    images { url altText }
    variants(first: 10) { nodes {
      title sku quantityAvailable availableForSale
      price { amount } compareAtPrice { amount }
      selectedOptions { name value }
      image { url altText }
    } }
  }
}"#;

async fn product(app: &TestApp, handle: &str) -> Value {
    app.data(PRODUCT_BY_HANDLE, json!({ "handle": handle }))
        .await["product"]
        .clone()
}

async fn published_handles(app: &TestApp) -> Vec<String> {
    let data = app
        .data("{ products(first: 100) { nodes { handle } } }", json!({}))
        .await;
    data["products"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["handle"].as_str().unwrap().to_string())
        .collect()
}

async fn the_merchants_sample_files_import_exactly_and_reimport_in_place(app: &TestApp) {
    let Some(files) = shared_shopify_files() else {
        return;
    };
    let db = &app.state().db;
    let first = comptoir::import::import_shopify_files(db, &files)
        .await
        .unwrap();
    assert_eq!(first.problems, Vec::<String>::new());
    assert_eq!(
        (
            first.products_created,
            first.variants_created,
            first.images_created
        ),
        (60, 66, 82)
    );

    let second = comptoir::import::import_shopify_files(db, &files)
        .await
        .unwrap();
    assert_eq!(
        (
            second.products_created,
            second.variants_created,
            second.images_created
        ),
        (0, 0, 0)
    );
    assert_eq!(
        (
            second.products_updated,
            second.variants_updated,
            second.images_updated
        ),
        (60, 66, 82)
    );

    // Every product of the three files is published: the API serves 60.
    let handles = published_handles(app).await;
    assert_eq!(handles.len(), 60);

    // Jewelery's quirks: both spellings of the colour option, kept as written.
    let gemstone = product(app, "gemstone").await;
    assert_eq!(
        gemstone["options"],
        json!([{ "name": "Colour", "values": ["Blue", "Purple"] }])
    );
    let bracelet = product(app, "chain-bracelet").await;
    assert_eq!(
        bracelet["options"],
        json!([{ "name": "Color", "values": ["Blue", "Black"] }])
    );
    assert_eq!(bracelet["variants"]["nodes"][0]["price"]["amount"], "42.99");
    assert_eq!(
        bracelet["variants"]["nodes"][0]["compareAtPrice"]["amount"],
        "44.99"
    );
    // Stock is not tracked in these files: unlimited, so quantity is null.
    assert_eq!(
        bracelet["variants"]["nodes"][1]["quantityAvailable"],
        Value::Null
    );
    assert_eq!(bracelet["variants"]["nodes"][1]["sku"], Value::Null);

    // The one tracked variant of home-and-garden keeps its quantity.
    let pots = product(app, "biodegradable-cardboard-pots").await;
    assert_eq!(pots["variants"]["nodes"][0]["quantityAvailable"], 8);
}

async fn the_quirks_of_real_files_import_as_shopify_means_them(app: &TestApp) {
    let summary = app.import_csv("quirks.csv", &fixture("quirks.csv")).await;
    assert_eq!(summary.problems, Vec::<String>::new());
    assert_eq!(
        (
            summary.products_created,
            summary.variants_created,
            summary.images_created
        ),
        (4, 5, 4)
    );

    let shirt = product(app, "linen-shirt").await;
    // A quoted field with a CRLF inside stays one field.
    assert_eq!(
        shirt["descriptionHtml"],
        "<p>Washed linen, cut loose.</p>\r\n<p>Machine washable, 30°C.</p>"
    );
    assert_eq!(
        shirt["description"],
        "Washed linen, cut loose. Machine washable, 30°C."
    );
    assert_eq!(shirt["tags"], json!(["Linen", "Summer"]));
    assert_eq!(
        shirt["options"],
        json!([{ "name": "Colour", "values": ["Sand", "Navy"] }])
    );
    // The image-only row adds a third image.
    assert_eq!(
        shirt["images"],
        json!([
            { "url": "https://img.example/linen-sand.jpg", "altText": "Sand linen shirt" },
            { "url": "https://img.example/linen-navy.jpg", "altText": null },
            { "url": "https://img.example/linen-detail.jpg", "altText": "Collar detail" }
        ])
    );
    let navy = &shirt["variants"]["nodes"][1];
    assert_eq!(navy["title"], "Navy");
    assert_eq!(navy["sku"], Value::Null);
    assert_eq!(navy["compareAtPrice"]["amount"], "69.00");
    assert_eq!(navy["quantityAvailable"], Value::Null);
    assert_eq!(navy["availableForSale"], true);
    assert_eq!(navy["image"]["url"], "https://img.example/linen-navy.jpg");

    let ring = product(app, "silver-ring").await;
    assert_eq!(
        ring["options"],
        json!([{ "name": "Color", "values": ["Silver"] }])
    );
    let ring_variant = &ring["variants"]["nodes"][0];
    assert_eq!(ring_variant["sku"], "RING-001");
    assert_eq!(ring_variant["quantityAvailable"], 3);
    assert_eq!(ring_variant["price"]["amount"], "120.00");
    assert_eq!(
        ring_variant["selectedOptions"],
        json!([{ "name": "Color", "value": "Silver" }])
    );

    // Blank Published means published; `continue` sells at zero stock.
    let wrap = product(app, "gift-wrap").await;
    assert_eq!(wrap["productType"], "");
    assert_eq!(wrap["availableForSale"], true);
    assert_eq!(wrap["variants"]["nodes"][0]["title"], "Default Title");
    assert_eq!(wrap["variants"]["nodes"][0]["quantityAvailable"], 0);
    assert_eq!(wrap["variants"]["nodes"][0]["price"]["amount"], "3.50");

    // `false` hides the product from shoppers.
    assert_eq!(product(app, "draft-lamp").await, Value::Null);
    assert_eq!(
        published_handles(app).await,
        ["gift-wrap", "linen-shirt", "silver-ring"]
    );
}

async fn a_bad_row_skips_its_whole_product_and_names_its_line(app: &TestApp) {
    let summary = app
        .import_csv("bad_rows.csv", &fixture("bad_rows.csv"))
        .await;
    assert_eq!(summary.products_created, 2);
    assert_eq!(summary.products_skipped, 2);
    assert_eq!(summary.problems.len(), 2, "{:?}", summary.problems);
    // Line numbers count the physical lines of the quoted multi-line body.
    assert!(
        summary.problems[0].starts_with("bad_rows.csv:5: bad-price: "),
        "{}",
        summary.problems[0]
    );
    assert!(
        summary.problems[1].starts_with("bad_rows.csv:7: bad-stock: "),
        "{}",
        summary.problems[1]
    );
    assert_eq!(published_handles(app).await, ["good-bowl", "good-mug"]);
    // Nothing of the skipped product was written, not even its good first row.
    assert_eq!(product(app, "bad-stock").await, Value::Null);
}

async fn importing_a_changed_file_updates_products_in_place(app: &TestApp) {
    app.import_csv("quirks.csv", &fixture("quirks.csv")).await;
    let before = product(app, "silver-ring").await;

    let changed = fixture("quirks.csv").replace(
        "RING-001,5,shopify,3,deny,120,150",
        "RING-001,5,shopify,7,deny,99.5,150",
    );
    let summary = app.import_csv("quirks.csv", &changed).await;
    assert_eq!(
        (
            summary.products_created,
            summary.products_updated,
            summary.variants_created,
            summary.variants_updated
        ),
        (0, 4, 0, 5)
    );
    let after = product(app, "silver-ring").await;
    assert_eq!(after["id"], before["id"]);
    assert_eq!(after["variants"]["nodes"][0]["price"]["amount"], "99.50");
    assert_eq!(after["variants"]["nodes"][0]["quantityAvailable"], 7);
    assert_eq!(published_handles(app).await.len(), 3);
}

async fn the_import_command_reports_problems_and_fails_for_them(app: &TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("quirks.csv");
    let bad = dir.path().join("bad_rows.csv");
    std::fs::write(&good, fixture("quirks.csv")).unwrap();
    std::fs::write(&bad, fixture("bad_rows.csv")).unwrap();
    let run = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .args(["import", "shopify"])
            .arg(file)
            .env("DATABASE_URL", &app.database_url)
            .output()
            .expect("run comptoir import")
    };

    let ok = run(&good);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ok.stdout).trim(),
        "products: 4 created, 0 updated, 0 skipped; variants: 5 created, 0 updated; images: 4 created, 0 updated, 0 removed; 0 problem(s)"
    );

    let failed = run(&bad);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("bad_rows.csv:5: bad-price: "), "{stderr}");
    assert!(stderr.contains("bad_rows.csv:7: bad-stock: "), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&failed.stdout).trim(),
        "products: 2 created, 0 updated, 2 skipped; variants: 2 created, 0 updated; images: 0 created, 0 updated, 0 removed; 2 problem(s)"
    );
    assert_eq!(published_handles(app).await.len(), 5);
}

on_both_databases!(
    the_merchants_sample_files_import_exactly_and_reimport_in_place,
    the_quirks_of_real_files_import_as_shopify_means_them,
    a_bad_row_skips_its_whole_product_and_names_its_line,
    importing_a_changed_file_updates_products_in_place,
    the_import_command_reports_problems_and_fails_for_them,
);
