//! Pure parser for Shopify product CSV exports.
//!
//! A Shopify product file spreads one product over several rows sharing a
//! `Handle`: the first row carries the product-level fields, following rows add
//! variants and/or images. This module turns such a file into
//! [`ImportedProduct`]s plus a list of [`RowError`]s. It never touches the
//! database: validation problems are collected, not raised, so one broken
//! product does not prevent the rest of the file from being imported.
//!
//! Column meanings follow Shopify's "Using CSV files to import and export
//! products" help page. Columns are found by header name, so column order and
//! extra columns added by newer exports do not matter.

use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};

use csv::{ByteRecord, ReaderBuilder, StringRecord};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::domain::money::Minor;

/// Shopify supports at most three options per product.
const MAX_OPTIONS: usize = 3;
/// Option name/value Shopify uses for products without real options.
const DEFAULT_OPTION_NAME: &str = "Title";
const DEFAULT_OPTION_VALUE: &str = "Default Title";

/// Result of parsing one file: the valid products and every problem found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedFile {
    pub products: Vec<ImportedProduct>,
    pub errors: Vec<RowError>,
}

/// A validation problem tied to a CSV record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based physical line where the record starts; the header is line 1.
    pub line: u64,
    /// Handle of the row, when it has one (as written if it is not a valid slug).
    pub handle: Option<String>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.handle {
            Some(handle) => write!(f, "line {} ({}): {}", self.line, handle, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for RowError {}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProduct {
    /// Line of the product's first row.
    pub line: u64,
    /// Lowercased handle.
    pub handle: String,
    pub title: String,
    pub body_html: String,
    pub vendor: String,
    pub product_type: String,
    /// Split on ',', trimmed, empty entries dropped, duplicates removed
    /// (first occurrence kept).
    pub tags: Vec<String>,
    pub published: bool,
    /// Option names from the first row; `["Title"]` for option-less products.
    pub option_names: Vec<String>,
    pub variants: Vec<ImportedVariant>,
    /// Sorted by position.
    pub images: Vec<ImportedImage>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedVariant {
    pub line: u64,
    /// One value per entry of the product's `option_names`.
    pub option_values: Vec<String>,
    pub sku: Option<String>,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub inventory_tracked: bool,
    pub inventory_quantity: i64,
    pub allow_backorder: bool,
    pub grams: i64,
    pub image_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedImage {
    pub url: String,
    pub position: i32,
    pub alt_text: Option<String>,
}

/// Parses a Shopify product CSV.
///
/// Returns `Err` only when the file itself cannot be read: I/O failure, no
/// header row at all, or a header that is not valid UTF-8. Everything else
/// (including a header without a `Handle` column) is reported in
/// [`ParsedFile::errors`].
pub fn parse<R: Read>(reader: R) -> Result<ParsedFile, csv::Error> {
    // Flexible: spreadsheet tools often drop trailing empty cells, so rows may
    // be shorter (or longer) than the header. csv-core strips a leading UTF-8
    // BOM by itself. Values are trimmed by us (`Row::get`), not by the reader,
    // so that trimming is Unicode-aware on every path.
    let mut csv_reader = ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(LineTracker::new(reader));

    let headers = csv_reader.headers()?.clone();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(
            io::Error::new(io::ErrorKind::InvalidData, "Shopify CSV has no header row").into(),
        );
    }

    let columns = match Columns::from_headers(&headers) {
        Some(columns) => columns,
        None => {
            return Ok(ParsedFile {
                products: Vec::new(),
                errors: vec![RowError {
                    line: 1,
                    handle: None,
                    message: "missing required column \"Handle\"".to_owned(),
                }],
            })
        }
    };

    let mut importer = Importer::new(&columns);
    // Byte records rather than string records: an invalid UTF-8 sequence in a
    // data row must become a row error for that product, not abort the file.
    let mut record = ByteRecord::new();
    while csv_reader.read_byte_record(&mut record)? {
        let line = record
            .position()
            .map_or(0, |position| csv_reader.get_ref().line_at(position.byte()));
        importer.push_row(line, &record);
    }
    Ok(importer.finish())
}

/// Read adapter that remembers where line breaks are, to report the physical
/// line a record starts on.
///
/// `csv::Position::line()` cannot be used for that: csv records a position
/// where the previous record's parse stopped, which with CRLF endings (what
/// Shopify exports) is the LF of the previous line, and with blank lines is
/// before them; csv also does not count a lone CR as a line break. The byte
/// offset it records is exact, though, so we map it to a line here: it is
/// either the record's first byte or inside the run of CR/LF bytes just before
/// the record.
struct LineTracker<R> {
    inner: R,
    /// Offset of the next byte to be read.
    offset: u64,
    /// 1-based line of the next byte to be read.
    line: u64,
    prev_was_cr: bool,
    in_break_run: bool,
    /// One entry per maximal run of CR/LF bytes: (offset of its first byte,
    /// line number right after it). Sorted by offset.
    break_runs: Vec<(u64, u64)>,
}

impl<R> LineTracker<R> {
    fn new(inner: R) -> Self {
        Self {
            inner,
            offset: 0,
            line: 1,
            prev_was_cr: false,
            in_break_run: false,
            break_runs: Vec::new(),
        }
    }

    fn observe(&mut self, byte: u8) {
        if byte == b'\r' || byte == b'\n' {
            // CRLF is one break; a lone CR (classic Mac) or LF is one too.
            if !(byte == b'\n' && self.prev_was_cr) {
                self.line += 1;
            }
            match self.break_runs.last_mut() {
                Some(run) if self.in_break_run => run.1 = self.line,
                _ => self.break_runs.push((self.offset, self.line)),
            }
            self.in_break_run = true;
        } else {
            self.in_break_run = false;
        }
        self.prev_was_cr = byte == b'\r';
        self.offset += 1;
    }

    /// Line of the record whose csv position is `byte`.
    fn line_at(&self, byte: u64) -> u64 {
        // The last run starting at or before `byte`: either `byte` is inside it
        // (the record starts right after it) or past it with no break between.
        let runs_before = self.break_runs.partition_point(|&(start, _)| start <= byte);
        match runs_before.checked_sub(1) {
            Some(index) => self.break_runs[index].1,
            None => 1,
        }
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            self.observe(byte);
        }
        Ok(n)
    }
}

/// Index of every column we understand; `None` when the file lacks it.
struct Columns {
    handle: usize,
    title: Option<usize>,
    body_html: Option<usize>,
    vendor: Option<usize>,
    product_type: Option<usize>,
    tags: Option<usize>,
    published: Option<usize>,
    option_names: [Option<usize>; MAX_OPTIONS],
    option_values: [Option<usize>; MAX_OPTIONS],
    sku: Option<usize>,
    grams: Option<usize>,
    inventory_tracker: Option<usize>,
    inventory_qty: Option<usize>,
    inventory_policy: Option<usize>,
    price: Option<usize>,
    compare_at_price: Option<usize>,
    image_src: Option<usize>,
    image_position: Option<usize>,
    image_alt_text: Option<usize>,
    variant_image: Option<usize>,
}

impl Columns {
    /// Returns `None` when there is no `Handle` column: without it rows cannot
    /// be grouped into products at all.
    fn from_headers(headers: &StringRecord) -> Option<Self> {
        let names: Vec<&str> = headers
            .iter()
            // Defensive: csv-core only strips a BOM at the very start of the
            // input; a BOM that survived (e.g. doubled) must not hide "Handle".
            .map(|h| h.trim_start_matches('\u{feff}').trim())
            .collect();
        // First match wins if a header is repeated.
        let find = |name: &str| names.iter().position(|h| *h == name);
        Some(Self {
            handle: find("Handle")?,
            title: find("Title"),
            body_html: find("Body (HTML)"),
            vendor: find("Vendor"),
            product_type: find("Type"),
            tags: find("Tags"),
            published: find("Published"),
            option_names: [
                find("Option1 Name"),
                find("Option2 Name"),
                find("Option3 Name"),
            ],
            option_values: [
                find("Option1 Value"),
                find("Option2 Value"),
                find("Option3 Value"),
            ],
            sku: find("Variant SKU"),
            grams: find("Variant Grams"),
            inventory_tracker: find("Variant Inventory Tracker"),
            inventory_qty: find("Variant Inventory Qty"),
            inventory_policy: find("Variant Inventory Policy"),
            price: find("Variant Price"),
            compare_at_price: find("Variant Compare At Price"),
            image_src: find("Image Src"),
            image_position: find("Image Position"),
            image_alt_text: find("Image Alt Text"),
            variant_image: find("Variant Image"),
        })
    }
}

/// One decoded CSV record, with column lookup by [`Columns`] index.
struct Row {
    fields: Vec<String>,
}

impl Row {
    /// Decodes a record; the flag is false when some field was not valid UTF-8
    /// (it is then decoded lossily so the handle can still be reported).
    fn decode(record: &ByteRecord) -> (Self, bool) {
        let mut valid_utf8 = true;
        let fields = record
            .iter()
            .map(|bytes| match std::str::from_utf8(bytes) {
                Ok(s) => s.to_owned(),
                Err(_) => {
                    valid_utf8 = false;
                    String::from_utf8_lossy(bytes).into_owned()
                }
            })
            .collect();
        (Self { fields }, valid_utf8)
    }

    /// Trimmed value of a column; "" when the column is absent from the file or
    /// the record is shorter than the header.
    fn get(&self, column: Option<usize>) -> &str {
        column
            .and_then(|i| self.fields.get(i))
            .map_or("", |value| value.trim())
    }

    fn get_opt(&self, column: Option<usize>) -> Option<String> {
        Some(self.get(column))
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
    }

    fn is_blank(&self) -> bool {
        self.fields.iter().all(|field| field.trim().is_empty())
    }
}

/// Accumulates rows into products, in order of first appearance of a handle.
struct Importer<'c> {
    columns: &'c Columns,
    products: Vec<ProductBuilder>,
    index_by_handle: HashMap<String, usize>,
    errors: Vec<RowError>,
}

impl<'c> Importer<'c> {
    fn new(columns: &'c Columns) -> Self {
        Self {
            columns,
            products: Vec::new(),
            index_by_handle: HashMap::new(),
            errors: Vec::new(),
        }
    }

    fn push_row(&mut self, line: u64, record: &ByteRecord) {
        let (row, valid_utf8) = Row::decode(record);
        // Rows made only of separators (",,,,") are what spreadsheet editors
        // leave behind after deleting content; they carry no data at all.
        if row.is_blank() {
            return;
        }

        let raw_handle = row.get(Some(self.columns.handle));
        if raw_handle.is_empty() {
            self.errors.push(RowError {
                line,
                handle: None,
                message: "Handle is blank".to_owned(),
            });
            return;
        }
        if !is_valid_handle(raw_handle) {
            self.errors.push(RowError {
                line,
                handle: Some(raw_handle.to_owned()),
                message: format!(
                    "Handle \"{raw_handle}\" is not a valid slug \
                     (letters, digits, '-' and '_', starting with a letter or digit)"
                ),
            });
            return;
        }
        let handle = raw_handle.to_ascii_lowercase();

        let mut problems = Vec::new();
        if !valid_utf8 {
            problems.push("row contains invalid UTF-8".to_owned());
        }

        let index = match self.index_by_handle.get(&handle) {
            Some(&index) => index,
            None => {
                let product = ProductBuilder::from_first_row(
                    line,
                    handle.clone(),
                    &row,
                    self.columns,
                    &mut problems,
                );
                self.products.push(product);
                let index = self.products.len() - 1;
                self.index_by_handle.insert(handle, index);
                index
            }
        };
        let product = &mut self.products[index];
        product.add_row(line, &row, self.columns, &mut problems);

        if !problems.is_empty() {
            product.failed = true;
            self.errors
                .extend(problems.into_iter().map(|message| RowError {
                    line,
                    handle: Some(product.handle.clone()),
                    message,
                }));
        }
    }

    fn finish(mut self) -> ParsedFile {
        let mut products = Vec::with_capacity(self.products.len());
        for product in self.products {
            if product.variant_rows == 0 {
                self.errors.push(RowError {
                    line: product.line,
                    handle: Some(product.handle.clone()),
                    message: "product has no variant (no row with Option1 Value or Variant Price)"
                        .to_owned(),
                });
                continue;
            }
            if !product.failed {
                products.push(product.build());
            }
        }
        // Product-level errors are detected at the end; sort so the report reads
        // top to bottom like the file (stable: same-line errors keep their order).
        self.errors.sort_by_key(|error| error.line);
        ParsedFile {
            products,
            errors: self.errors,
        }
    }
}

struct ProductBuilder {
    line: u64,
    handle: String,
    title: String,
    body_html: String,
    vendor: String,
    product_type: String,
    tags: Vec<String>,
    published: bool,
    /// Option names as written; empty means Shopify's implicit
    /// "Title" / "Default Title" option.
    option_names: Vec<String>,
    variants: Vec<ImportedVariant>,
    /// Number of rows that were variant rows, parsed successfully or not; used
    /// to tell "no variant at all" from "variants that failed validation".
    variant_rows: usize,
    /// In file order; sorted by position in `build`.
    images: Vec<ImportedImage>,
    max_image_position: i32,
    failed: bool,
}

impl ProductBuilder {
    /// Reads the product-level fields, which Shopify only honours on the first
    /// row of a handle; later rows' values for these columns are ignored.
    fn from_first_row(
        line: u64,
        handle: String,
        row: &Row,
        columns: &Columns,
        problems: &mut Vec<String>,
    ) -> Self {
        let title = row.get(columns.title).to_owned();
        if title.is_empty() {
            problems.push("Title is required on the first row of a product".to_owned());
        }

        let published = match parse_published(row.get(columns.published)) {
            Ok(published) => published,
            Err(message) => {
                problems.push(message);
                true
            }
        };

        Self {
            line,
            handle,
            title,
            body_html: row.get(columns.body_html).to_owned(),
            vendor: row.get(columns.vendor).to_owned(),
            product_type: row.get(columns.product_type).to_owned(),
            tags: split_tags(row.get(columns.tags)),
            published,
            option_names: parse_option_names(row, columns, problems),
            variants: Vec::new(),
            variant_rows: 0,
            images: Vec::new(),
            max_image_position: 0,
            failed: false,
        }
    }

    /// Adds the variant and/or image a row carries. Problems are pushed to
    /// `problems`; the caller marks the product as failed.
    fn add_row(&mut self, line: u64, row: &Row, columns: &Columns, problems: &mut Vec<String>) {
        let is_variant_row =
            !row.get(columns.option_values[0]).is_empty() || !row.get(columns.price).is_empty();
        if is_variant_row {
            self.variant_rows += 1;
            if let Some(variant) = self.parse_variant(line, row, columns, problems) {
                self.variants.push(variant);
            }
        } else {
            // Variant fields on a row that is not a variant row would be
            // silently dropped; flag them so the merchant notices.
            let stray = [
                ("Option2 Value", columns.option_values[1]),
                ("Option3 Value", columns.option_values[2]),
                ("Variant SKU", columns.sku),
                ("Variant Grams", columns.grams),
                ("Variant Inventory Tracker", columns.inventory_tracker),
                ("Variant Inventory Qty", columns.inventory_qty),
                ("Variant Inventory Policy", columns.inventory_policy),
                ("Variant Compare At Price", columns.compare_at_price),
                ("Variant Image", columns.variant_image),
            ];
            let present: Vec<&str> = stray
                .iter()
                .filter(|(_, column)| !row.get(*column).is_empty())
                .map(|(name, _)| *name)
                .collect();
            if !present.is_empty() {
                problems.push(format!(
                    "row has variant data ({}) but neither Option1 Value nor Variant Price",
                    present.join(", ")
                ));
            }
        }

        self.add_image(row, columns, problems);
    }

    fn parse_variant(
        &self,
        line: u64,
        row: &Row,
        columns: &Columns,
        problems: &mut Vec<String>,
    ) -> Option<ImportedVariant> {
        let problems_before = problems.len();
        let option_values = self.parse_option_values(row, columns, problems);

        let price_raw = row.get(columns.price);
        let price_minor = if price_raw.is_empty() {
            problems.push("Variant Price is blank".to_owned());
            0
        } else {
            parse_money("Variant Price", price_raw).unwrap_or_else(|message| {
                problems.push(message);
                0
            })
        };

        let compare_at_raw = row.get(columns.compare_at_price);
        let compare_at_minor = if compare_at_raw.is_empty() {
            None
        } else {
            match parse_money("Variant Compare At Price", compare_at_raw) {
                Ok(minor) => Some(minor),
                Err(message) => {
                    problems.push(message);
                    None
                }
            }
        };

        let inventory_quantity =
            parse_quantity(row.get(columns.inventory_qty)).unwrap_or_else(|message| {
                problems.push(message);
                0
            });
        let allow_backorder = parse_inventory_policy(row.get(columns.inventory_policy))
            .unwrap_or_else(|message| {
                problems.push(message);
                false
            });
        let grams = parse_grams(row.get(columns.grams)).unwrap_or_else(|message| {
            problems.push(message);
            0
        });

        if let Some(existing) = self
            .variants
            .iter()
            .find(|variant| variant.option_values == option_values)
        {
            problems.push(format!(
                "duplicate variant: option values [{}] already used on line {}",
                option_values.join(" / "),
                existing.line
            ));
        }

        if problems.len() > problems_before {
            return None;
        }
        Some(ImportedVariant {
            line,
            option_values,
            sku: row.get_opt(columns.sku),
            price_minor,
            compare_at_minor,
            // Shopify writes "shopify" (or a fulfilment app's name) when it
            // tracks stock; blank means stock is not tracked.
            inventory_tracked: !row.get(columns.inventory_tracker).is_empty(),
            inventory_quantity,
            allow_backorder,
            grams,
            image_url: row.get_opt(columns.variant_image),
        })
    }

    fn parse_option_values(
        &self,
        row: &Row,
        columns: &Columns,
        problems: &mut Vec<String>,
    ) -> Vec<String> {
        if self.option_names.is_empty() {
            // Option-less product: every variant is Shopify's "Default Title".
            // Accept that value being written out, reject anything else since
            // it would have no option to belong to.
            for (i, column) in columns.option_values.iter().enumerate() {
                let value = row.get(*column);
                let is_default = i == 0 && value == DEFAULT_OPTION_VALUE;
                if !value.is_empty() && !is_default {
                    problems.push(format!(
                        "Option{n} Value \"{value}\" given but the product has no Option{n} Name",
                        n = i + 1
                    ));
                }
            }
            return vec![DEFAULT_OPTION_VALUE.to_owned()];
        }

        let mut values = Vec::with_capacity(self.option_names.len());
        for (i, column) in columns.option_values.iter().enumerate() {
            let value = row.get(*column);
            match self.option_names.get(i) {
                Some(name) if value.is_empty() => problems.push(format!(
                    "Option{} Value is blank (required for option \"{name}\")",
                    i + 1
                )),
                Some(_) => values.push(value.to_owned()),
                None if !value.is_empty() => problems.push(format!(
                    "Option{n} Value \"{value}\" given but the product has no Option{n} Name",
                    n = i + 1
                )),
                None => {}
            }
        }
        values
    }

    fn add_image(&mut self, row: &Row, columns: &Columns, problems: &mut Vec<String>) {
        let url = row.get(columns.image_src);
        let position_raw = row.get(columns.image_position);
        if url.is_empty() {
            if !position_raw.is_empty() || !row.get(columns.image_alt_text).is_empty() {
                problems
                    .push("Image Position or Image Alt Text given without Image Src".to_owned());
            }
            return;
        }

        let position = if position_raw.is_empty() {
            // Shopify appends images without a position after the ones seen so far.
            match self.max_image_position.checked_add(1) {
                Some(position) => position,
                None => {
                    problems.push("too many images".to_owned());
                    return;
                }
            }
        } else {
            match position_raw.parse::<i32>() {
                Ok(position) if position >= 1 => position,
                _ => {
                    problems.push(format!(
                        "Image Position \"{position_raw}\" is not a positive integer"
                    ));
                    return;
                }
            }
        };

        // Variant rows often repeat an image already listed; the first
        // occurrence decides its position and alt text.
        if self.images.iter().any(|image| image.url == url) {
            return;
        }
        self.max_image_position = self.max_image_position.max(position);
        self.images.push(ImportedImage {
            url: url.to_owned(),
            position,
            alt_text: row.get_opt(columns.image_alt_text),
        });
    }

    fn build(mut self) -> ImportedProduct {
        // Stable sort: images sharing a position keep their file order.
        self.images.sort_by_key(|image| image.position);
        let option_names = if self.option_names.is_empty() {
            vec![DEFAULT_OPTION_NAME.to_owned()]
        } else {
            self.option_names
        };
        ImportedProduct {
            line: self.line,
            handle: self.handle,
            title: self.title,
            body_html: self.body_html,
            vendor: self.vendor,
            product_type: self.product_type,
            tags: self.tags,
            published: self.published,
            option_names,
            variants: self.variants,
            images: self.images,
        }
    }
}

/// `^[a-z0-9][a-z0-9_-]*$`, case-insensitively. Shopify handles end up in
/// URLs (`/products/<handle>`), so spaces, dots and accents are rejected
/// rather than silently rewritten.
fn is_valid_handle(handle: &str) -> bool {
    let mut bytes = handle.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphanumeric())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Option names from Option1..3 Name, kept as written ("Color" and "Colour"
/// are different options to Shopify too).
fn parse_option_names(row: &Row, columns: &Columns, problems: &mut Vec<String>) -> Vec<String> {
    let raw: Vec<&str> = columns
        .option_names
        .iter()
        .map(|column| row.get(*column))
        .collect();
    // Option values are positional, so a gap (Option2 Name without Option1
    // Name) cannot be mapped to variants unambiguously.
    let count = raw
        .iter()
        .rposition(|name| !name.is_empty())
        .map_or(0, |i| i + 1);
    let mut names: Vec<String> = Vec::with_capacity(count);
    for (i, name) in raw.iter().take(count).enumerate() {
        if name.is_empty() {
            problems.push(format!(
                "Option{} Name is blank but a later option has a name",
                i + 1
            ));
        } else if names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            problems.push(format!("option name \"{name}\" is used twice"));
        } else {
            names.push((*name).to_owned());
        }
    }
    names
}

/// Shopify writes TRUE/FALSE, its sample files write true/false; blank means
/// published (documented behaviour of older imports).
fn parse_published(raw: &str) -> Result<bool, String> {
    if raw.is_empty() || raw.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if raw.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(format!("Published \"{raw}\" must be true, false or blank"))
    }
}

/// Tags live in one field as "a, b, c".
fn split_tags(raw: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for tag in raw.split(',').map(str::trim).filter(|tag| !tag.is_empty()) {
        if !tags.iter().any(|seen| seen == tag) {
            tags.push(tag.to_owned());
        }
    }
    tags
}

/// Converts a decimal amount ("42.99", "10", "85.5") to minor units.
fn parse_money(column: &str, raw: &str) -> Result<i64, String> {
    let invalid = || format!("{column} \"{raw}\" is not a valid amount");

    // Pre-check the shape ourselves: `Decimal::from_str` also accepts forms
    // such as "1_000" that are more likely data-entry mistakes than prices.
    let unsigned = raw.strip_prefix('-').unwrap_or(raw);
    let well_formed = unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && unsigned.bytes().filter(|&b| b == b'.').count() <= 1;
    if !well_formed {
        return Err(invalid());
    }
    Minor::parse(raw)
        .map(|minor| minor.0)
        .map_err(|e| format!("{column} \"{raw}\" {e}"))
}

/// Variant Inventory Qty: blank means 0. Negative values are legitimate
/// (oversold stock with the "continue" policy).
fn parse_quantity(raw: &str) -> Result<i64, String> {
    if raw.is_empty() {
        return Ok(0);
    }
    raw.parse()
        .map_err(|_| format!("Variant Inventory Qty \"{raw}\" is not an integer"))
}

/// Variant Inventory Policy: "continue" allows selling past zero stock.
fn parse_inventory_policy(raw: &str) -> Result<bool, String> {
    if raw.is_empty() || raw.eq_ignore_ascii_case("deny") {
        Ok(false)
    } else if raw.eq_ignore_ascii_case("continue") {
        Ok(true)
    } else {
        Err(format!(
            "Variant Inventory Policy \"{raw}\" must be deny, continue or blank"
        ))
    }
}

/// Variant Grams: blank means 0. Spreadsheets sometimes turn "28" into "28.0",
/// so integral decimals are accepted too.
fn parse_grams(raw: &str) -> Result<i64, String> {
    if raw.is_empty() {
        return Ok(0);
    }
    let invalid = || format!("Variant Grams \"{raw}\" is not a non-negative whole number");
    let grams = match raw.parse::<i64>() {
        Ok(grams) => grams,
        Err(_) => raw
            .parse::<Decimal>()
            .ok()
            .filter(|grams| grams.fract().is_zero())
            .and_then(|grams| grams.to_i64())
            .ok_or_else(invalid)?,
    };
    if grams < 0 {
        return Err(invalid());
    }
    Ok(grams)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(input: &str) -> ParsedFile {
        parse(input.as_bytes()).expect("fixture is readable")
    }

    fn product<'a>(parsed: &'a ParsedFile, handle: &str) -> &'a ImportedProduct {
        parsed
            .products
            .iter()
            .find(|p| p.handle == handle)
            .unwrap_or_else(|| panic!("product {handle} not parsed; errors: {:?}", parsed.errors))
    }

    fn error_lines(parsed: &ParsedFile) -> Vec<(u64, Option<&str>)> {
        parsed
            .errors
            .iter()
            .map(|e| (e.line, e.handle.as_deref()))
            .collect()
    }

    /// Column layout of Shopify's sample exports, trimmed to the columns we read
    /// plus a few we ignore ("Variant Fulfillment Service", "Gift Card").
    const FULL_HEADER: &str = "Handle,Title,Body (HTML),Vendor,Type,Tags,Published,\
Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,\
Variant SKU,Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,\
Variant Inventory Policy,Variant Fulfillment Service,Variant Price,\
Variant Compare At Price,Image Src,Image Position,Image Alt Text,Gift Card,Variant Image";

    /// CRLF record terminators with a bare LF inside a quoted Body (HTML), as in
    /// jewelery.csv, plus "Colour" on one product and "Color" on another.
    fn jewelery_like() -> String {
        [
            FULL_HEADER,
            "gemstone,Gemstone Necklace,\"<p>Gemstone pendant, in silver.</p>\n<ul>\n<li>Length, 12\"\" chain</li>\n</ul>\",Sterling Ltd,Necklace,\"Blue, Gem, Silver\",true,Colour,Blue,,,,,,0,,1,deny,manual,27.99,29.99,https://cdn.example/blue.jpg,1,,false,https://cdn.example/blue.jpg",
            "gemstone,,,,,,,,Purple,,,,,,0,,0,deny,manual,27.99,29.99,https://cdn.example/gem.jpg,2,,,https://cdn.example/purple.jpg",
            "gemstone,,,,,,,,,,,,,,,,,,,,,https://cdn.example/purple.jpg,3,,,",
            "chain-bracelet,7 Shakra Bracelet,\"7 chakra bracelet, in blue or black.\",Company 123,Bracelet,Beads,true,Color,Blue,,,,,,0,,1,deny,manual,42.99,44.99,https://cdn.example/chakra.jpg,1,,false,",
            "chain-bracelet,,,,,,,,Black,,,,,,0,,0,deny,manual,42.99,44.99,https://cdn.example/navy.jpg,2,,,",
        ]
        .join("\r\n")
    }

    #[test]
    fn parses_crlf_file_with_multiline_quoted_body() {
        let parsed = parse_str(&jewelery_like());
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        assert_eq!(parsed.products.len(), 2);

        let gem = product(&parsed, "gemstone");
        assert_eq!(gem.line, 2);
        assert_eq!(gem.title, "Gemstone Necklace");
        // Newlines, commas and doubled quotes inside the quoted field survive.
        assert_eq!(
            gem.body_html,
            "<p>Gemstone pendant, in silver.</p>\n<ul>\n<li>Length, 12\" chain</li>\n</ul>"
        );
        assert_eq!(gem.vendor, "Sterling Ltd");
        assert_eq!(gem.product_type, "Necklace");
        assert_eq!(gem.tags, ["Blue", "Gem", "Silver"]);
        // Body spans lines 2-5, so the second row starts on line 6.
        assert_eq!(gem.variants.len(), 2);
        assert_eq!(gem.variants[0].line, 2);
        assert_eq!(gem.variants[1].line, 6);
        assert_eq!(gem.variants[1].option_values, ["Purple"]);
        assert_eq!(
            gem.variants[1].image_url.as_deref(),
            Some("https://cdn.example/purple.jpg")
        );

        let bracelet = product(&parsed, "chain-bracelet");
        assert_eq!(bracelet.line, 8);
        assert_eq!(bracelet.variants[1].line, 9);
        assert_eq!(bracelet.variants[0].price_minor, 4299);
        assert_eq!(bracelet.variants[0].compare_at_minor, Some(4499));
    }

    #[test]
    fn line_numbers_are_physical_lines_for_lf_crlf_cr_and_blank_lines() {
        let rows = [
            "Handle,Title,Body (HTML),Variant Price",
            "a,A,,1",
            "b,B,\"two\nlines\",1",
            "",
            "c,C,,1",
        ];
        for terminator in ["\n", "\r\n", "\r"] {
            let parsed = parse_str(&rows.join(terminator));
            let lines: Vec<_> = parsed.products.iter().map(|p| p.line).collect();
            assert_eq!(lines, [2, 3, 6], "terminator {terminator:?}");
        }
        // Blank lines before a record, with CRLF and a BOM.
        let parsed = parse_str("\u{feff}Handle,Title,Variant Price\r\n\r\n\r\na,A,1\r\n");
        assert_eq!(parsed.products[0].line, 4);
    }

    /// Yields one byte per `read`, so CRLF pairs and line-break runs straddle
    /// read boundaries.
    struct OneByteReader<'a>(&'a [u8]);

    impl Read for OneByteReader<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((&byte, rest)), Some(slot)) => {
                    *slot = byte;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn line_numbers_do_not_depend_on_read_boundaries() {
        let input = jewelery_like();
        let whole = parse_str(&input);
        let trickled = parse(OneByteReader(input.as_bytes())).expect("fixture is readable");
        assert_eq!(whole, trickled);
    }

    #[test]
    fn option_names_are_kept_as_written() {
        let parsed = parse_str(&jewelery_like());
        assert_eq!(product(&parsed, "gemstone").option_names, ["Colour"]);
        assert_eq!(product(&parsed, "chain-bracelet").option_names, ["Color"]);
        let values: Vec<_> = product(&parsed, "chain-bracelet")
            .variants
            .iter()
            .map(|v| v.option_values.clone())
            .collect();
        assert_eq!(values, [["Blue"], ["Black"]]);
    }

    #[test]
    fn image_only_rows_add_images_but_no_variants() {
        let parsed = parse_str(&jewelery_like());
        let gem = product(&parsed, "gemstone");
        assert_eq!(gem.variants.len(), 2);
        let urls: Vec<_> = gem
            .images
            .iter()
            .map(|i| (i.url.as_str(), i.position))
            .collect();
        assert_eq!(
            urls,
            [
                ("https://cdn.example/blue.jpg", 1),
                ("https://cdn.example/gem.jpg", 2),
                ("https://cdn.example/purple.jpg", 3),
            ]
        );
        assert!(gem.images.iter().all(|i| i.alt_text.is_none()));
    }

    #[test]
    fn empty_sku_is_none_and_present_sku_is_kept() {
        let parsed = parse_str(
            "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price\n\
             shirt,Shirt,Size,S,,10\n\
             shirt,,,M,  SHIRT-M  ,10\n",
        );
        let shirt = product(&parsed, "shirt");
        assert_eq!(shirt.variants[0].sku, None);
        assert_eq!(shirt.variants[1].sku.as_deref(), Some("SHIRT-M"));
    }

    #[test]
    fn published_accepts_any_case_and_blank_means_published() {
        let parsed = parse_str(
            "Handle,Title,Published,Variant Price\n\
             a,A,true,1\n\
             b,B,TRUE,1\n\
             c,C,False,1\n\
             d,D,,1\n\
             e,E,yes,1\n",
        );
        assert!(product(&parsed, "a").published);
        assert!(product(&parsed, "b").published);
        assert!(!product(&parsed, "c").published);
        assert!(product(&parsed, "d").published);
        assert_eq!(parsed.products.len(), 4);
        assert_eq!(error_lines(&parsed), [(6, Some("e"))]);
        assert!(parsed.errors[0].message.contains("Published"));
    }

    #[test]
    fn bad_price_skips_only_that_product_with_line_counted_across_multiline_field() {
        let input = [
            "Handle,Title,Body (HTML),Option1 Name,Option1 Value,Variant Price",
            "first,First,\"line one\nline two\nline three\",Title,Default Title,10",
            "second,Second,plain,Size,Small,12.50",
            "second,,,,Large,12.999",
            "third,Third,,Title,Default Title,85",
        ]
        .join("\r\n");
        let parsed = parse_str(&input);
        let handles: Vec<_> = parsed.products.iter().map(|p| p.handle.as_str()).collect();
        assert_eq!(handles, ["first", "third"]);
        assert_eq!(product(&parsed, "first").variants[0].price_minor, 1000);
        assert_eq!(product(&parsed, "third").variants[0].price_minor, 8500);
        assert_eq!(product(&parsed, "third").line, 7);
        // Header = 1, "first" = 2..4, "second" = 5 and 6.
        assert_eq!(error_lines(&parsed), [(6, Some("second"))]);
        assert!(parsed.errors[0]
            .message
            .contains("more than 2 decimal places"));
    }

    #[test]
    fn untracked_and_tracked_inventory() {
        let parsed = parse_str(
            "Handle,Title,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,Variant Price\r\n\
             pot,Pot,,1,deny,10\r\n\
             cardboard-pots,Cardboard Pots,shopify,8,deny,10\r\n\
             preorder,Preorder,shopify,-2,continue,10\r\n\
             blank,Blank,,,,10\r\n",
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let pot = &product(&parsed, "pot").variants[0];
        assert!(!pot.inventory_tracked);
        assert_eq!(pot.inventory_quantity, 1);
        assert!(!pot.allow_backorder);

        let tracked = &product(&parsed, "cardboard-pots").variants[0];
        assert!(tracked.inventory_tracked);
        assert_eq!(tracked.inventory_quantity, 8);

        let preorder = &product(&parsed, "preorder").variants[0];
        assert!(preorder.allow_backorder);
        assert_eq!(preorder.inventory_quantity, -2);

        let blank = &product(&parsed, "blank").variants[0];
        assert!(!blank.inventory_tracked);
        assert_eq!(blank.inventory_quantity, 0);
        assert!(!blank.allow_backorder);
        assert_eq!(blank.grams, 0);
    }

    #[test]
    fn invalid_inventory_values_are_row_errors() {
        let parsed = parse_str(
            "Handle,Title,Variant Inventory Qty,Variant Inventory Policy,Variant Grams,Variant Price\n\
             a,A,1.5,deny,0,1\n\
             b,B,1,sometimes,0,1\n\
             c,C,1,deny,heavy,1\n\
             d,D,1,DENY,28.0,1\n",
        );
        assert_eq!(
            error_lines(&parsed),
            [(2, Some("a")), (3, Some("b")), (4, Some("c"))]
        );
        assert_eq!(product(&parsed, "d").variants[0].grams, 28);
    }

    #[test]
    fn prices_convert_to_minor_units() {
        assert_eq!(parse_money("p", "42.99"), Ok(4299));
        assert_eq!(parse_money("p", "10"), Ok(1000));
        assert_eq!(parse_money("p", "85"), Ok(8500));
        assert_eq!(parse_money("p", "9.9"), Ok(990));
        assert_eq!(parse_money("p", "42.990"), Ok(4299));
        assert_eq!(parse_money("p", "0"), Ok(0));
        assert_eq!(parse_money("p", "1000000.00"), Ok(100_000_000));
        for bad in [
            "1.999",
            "-1",
            "-0.01",
            "abc",
            "$10",
            "1,000",
            "1_000",
            "1e3",
            "",
            ".",
            "1.2.3",
            "1000000.01",
            "99999999999999999999999999999999",
        ] {
            assert!(parse_money("p", bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn compare_at_price_is_optional_but_validated() {
        let parsed = parse_str(
            "Handle,Title,Variant Price,Variant Compare At Price\n\
             a,A,59.99,75\n\
             b,B,59.99,\n\
             c,C,59.99,-5\n",
        );
        assert_eq!(
            product(&parsed, "a").variants[0].compare_at_minor,
            Some(7500)
        );
        assert_eq!(product(&parsed, "b").variants[0].compare_at_minor, None);
        assert_eq!(error_lines(&parsed), [(4, Some("c"))]);
    }

    #[test]
    fn tags_are_split_trimmed_and_deduplicated() {
        let parsed = parse_str(
            "Handle,Title,Tags,Variant Price\n\
             a,A,\" Pot, Plants ,,Pot,  plants\",1\n\
             b,B,,1\n",
        );
        assert_eq!(product(&parsed, "a").tags, ["Pot", "Plants", "plants"]);
        assert!(product(&parsed, "b").tags.is_empty());
    }

    #[test]
    fn default_title_option() {
        let parsed = parse_str(
            "Handle,Title,Option1 Name,Option1 Value,Variant Price\n\
             explicit,Explicit,Title,Default Title,50\n\
             implicit,Implicit,,,50\n\
             bad-value,Bad Value,,Small,50\n",
        );
        for handle in ["explicit", "implicit"] {
            let p = product(&parsed, handle);
            assert_eq!(p.option_names, ["Title"]);
            assert_eq!(p.variants.len(), 1);
            assert_eq!(p.variants[0].option_values, ["Default Title"]);
        }
        assert_eq!(error_lines(&parsed), [(4, Some("bad-value"))]);
    }

    #[test]
    fn multiple_options_require_every_value() {
        let parsed = parse_str(
            "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant Price\n\
             tee,Tee,Size,S,Color,Red,10\n\
             tee,,,S,,Blue,10\n\
             mug,Mug,Size,S,Color,Red,10\n\
             mug,,,M,,,10\n\
             cap,Cap,Size,S,,Red,10\n",
        );
        let tee = product(&parsed, "tee");
        assert_eq!(tee.option_names, ["Size", "Color"]);
        assert_eq!(tee.variants[1].option_values, ["S", "Blue"]);
        assert_eq!(error_lines(&parsed), [(5, Some("mug")), (6, Some("cap"))]);
    }

    #[test]
    fn option_name_gap_is_an_error() {
        let parsed = parse_str(
            "Handle,Title,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant Price\n\
             tee,Tee,,S,Color,Red,10\n",
        );
        assert!(parsed.products.is_empty());
        assert!(parsed
            .errors
            .iter()
            .any(|e| e.message.contains("Option1 Name is blank")));
    }

    #[test]
    fn duplicate_option_values_are_an_error() {
        let parsed = parse_str(
            "Handle,Title,Option1 Name,Option1 Value,Variant Price\n\
             tee,Tee,Size,S,10\n\
             tee,,,M,10\n\
             tee,,,S,12\n\
             ok,Ok,Size,S,10\n",
        );
        assert_eq!(parsed.products.len(), 1);
        assert_eq!(error_lines(&parsed), [(4, Some("tee"))]);
        assert!(parsed.errors[0].message.contains("line 2"));
    }

    #[test]
    fn product_without_variant_is_an_error() {
        let parsed = parse_str(
            "Handle,Title,Option1 Value,Variant Price,Image Src\n\
             lonely,Lonely,,,https://cdn.example/a.jpg\n\
             lonely,,,,https://cdn.example/b.jpg\n",
        );
        assert!(parsed.products.is_empty());
        assert_eq!(error_lines(&parsed), [(2, Some("lonely"))]);
        assert!(parsed.errors[0].message.contains("no variant"));
    }

    #[test]
    fn blank_title_on_first_row_is_an_error() {
        let parsed = parse_str(
            "Handle,Title,Variant Price\n\
             untitled,,10\n\
             titled,Titled,10\n",
        );
        assert_eq!(parsed.products.len(), 1);
        assert_eq!(error_lines(&parsed), [(2, Some("untitled"))]);
        assert!(parsed.errors[0].message.contains("Title"));
    }

    #[test]
    fn every_problem_of_a_failed_product_is_listed() {
        let parsed = parse_str(
            "Handle,Title,Published,Option1 Name,Option1 Value,Variant Price\n\
             broken,,maybe,Size,S,abc\n\
             broken,,,,M,-3\n\
             fine,Fine,,Size,S,3\n",
        );
        assert_eq!(parsed.products.len(), 1);
        assert_eq!(
            error_lines(&parsed),
            [
                (2, Some("broken")),
                (2, Some("broken")),
                (2, Some("broken")),
                (3, Some("broken")),
            ]
        );
    }

    #[test]
    fn missing_handle_column_is_a_file_error_at_line_1() {
        let parsed = parse_str("Title,Variant Price\nShirt,10\n");
        assert!(parsed.products.is_empty());
        assert_eq!(parsed.errors.len(), 1);
        assert_eq!(parsed.errors[0].line, 1);
        assert_eq!(parsed.errors[0].handle, None);
        assert!(parsed.errors[0].message.contains("Handle"));
    }

    #[test]
    fn column_order_extra_and_missing_columns_do_not_matter() {
        let parsed = parse_str(
            "Variant Price,Status,Title,Price / International,Handle,Option1 Value,Option1 Name\n\
             10,active,Shirt,12,shirt,S,Size\n\
             11,,,13,shirt,M,\n",
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let shirt = product(&parsed, "shirt");
        assert_eq!(shirt.option_names, ["Size"]);
        assert_eq!(shirt.variants[1].price_minor, 1100);
        assert_eq!(shirt.body_html, "");
        assert!(shirt.images.is_empty());
    }

    #[test]
    fn bom_trailing_whitespace_and_ragged_rows() {
        // Short rows (trailing cells dropped) and a long row, like hand-edited files.
        let input = "\u{feff}Handle,Title,Vendor,Variant Price,Image Src,Image Position\r\n\
                     shirt ,Shirt  ,  Acme ,10 ,https://cdn.example/a.jpg ,1 \r\n\
                     shirt,,,,https://cdn.example/b.jpg\r\n\
                     mug,Mug,Acme,5\r\n\
                     cup,Cup,Acme,5,,,surplus,cells\r\n\
                     ,,,,,\r\n";
        let parsed = parse_str(input);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let shirt = product(&parsed, "shirt");
        assert_eq!(shirt.title, "Shirt");
        assert_eq!(shirt.vendor, "Acme");
        assert_eq!(shirt.variants.len(), 1);
        assert_eq!(shirt.variants[0].price_minor, 1000);
        assert_eq!(shirt.images.len(), 2);
        assert_eq!(shirt.images[1].position, 2);
        assert_eq!(product(&parsed, "mug").variants[0].price_minor, 500);
        assert_eq!(parsed.products.len(), 3);
    }

    #[test]
    fn handle_validation() {
        let parsed = parse_str(
            "Handle,Title,Variant Price\n\
             Mixed-Case_Handle,Mixed,10\n\
             ,No Handle,10\n\
             has space,Space,10\n\
             -leading-dash,Dash,10\n\
             café,Accent,10\n\
             dot.ted,Dot,10\n",
        );
        let handles: Vec<_> = parsed.products.iter().map(|p| p.handle.as_str()).collect();
        assert_eq!(handles, ["mixed-case_handle"]);
        assert_eq!(
            error_lines(&parsed),
            [
                (3, None),
                (4, Some("has space")),
                (5, Some("-leading-dash")),
                (6, Some("café")),
                (7, Some("dot.ted")),
            ]
        );
    }

    #[test]
    fn rows_are_grouped_by_handle_even_when_not_adjacent() {
        let parsed = parse_str(
            "Handle,Title,Option1 Name,Option1 Value,Variant Price\n\
             tee,Tee,Size,S,10\n\
             mug,Mug,Title,Default Title,5\n\
             TEE,,,M,10\n",
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let handles: Vec<_> = parsed.products.iter().map(|p| p.handle.as_str()).collect();
        assert_eq!(handles, ["tee", "mug"]);
        let tee = product(&parsed, "tee");
        assert_eq!(tee.variants.len(), 2);
        assert_eq!(tee.variants[1].line, 4);
    }

    #[test]
    fn image_positions_sorting_and_duplicates() {
        let parsed = parse_str(
            "Handle,Title,Variant Price,Image Src,Image Position,Image Alt Text\n\
             lamp,Lamp,10,https://cdn.example/c.jpg,3,Third\n\
             lamp,,,https://cdn.example/a.jpg,1,\n\
             lamp,,,https://cdn.example/d.jpg,,No position\n\
             lamp,,,https://cdn.example/a.jpg,7,Duplicate\n\
             armchair,Armchair,750,https://cdn.example/x.jpg,,\n",
        );
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let lamp = product(&parsed, "lamp");
        let images: Vec<_> = lamp
            .images
            .iter()
            .map(|i| (i.url.as_str(), i.position, i.alt_text.as_deref()))
            .collect();
        assert_eq!(
            images,
            [
                ("https://cdn.example/a.jpg", 1, None),
                ("https://cdn.example/c.jpg", 3, Some("Third")),
                ("https://cdn.example/d.jpg", 4, Some("No position")),
            ]
        );
        // pink-armchair in the samples: first image without a position.
        assert_eq!(product(&parsed, "armchair").images[0].position, 1);
    }

    #[test]
    fn invalid_image_fields_are_row_errors() {
        let parsed = parse_str(
            "Handle,Title,Variant Price,Image Src,Image Position,Image Alt Text\n\
             a,A,10,https://cdn.example/a.jpg,first,\n\
             b,B,10,https://cdn.example/b.jpg,0,\n\
             c,C,10,,,Alt without image\n",
        );
        assert!(parsed.products.is_empty());
        assert_eq!(
            error_lines(&parsed),
            [(2, Some("a")), (3, Some("b")), (4, Some("c"))]
        );
    }

    #[test]
    fn variant_fields_on_non_variant_row_are_an_error() {
        let parsed = parse_str(
            "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Variant Price\n\
             tee,Tee,Size,S,TEE-S,10\n\
             tee,,,,TEE-M,\n",
        );
        assert!(parsed.products.is_empty());
        assert_eq!(error_lines(&parsed), [(3, Some("tee"))]);
        assert!(parsed.errors[0].message.contains("Variant SKU"));
    }

    #[test]
    fn invalid_utf8_in_a_data_row_skips_only_that_product() {
        let mut input = b"Handle,Title,Body (HTML),Variant Price\nbad,Bad,caf".to_vec();
        input.extend_from_slice(&[0xE9]); // Latin-1 "é"
        input.extend_from_slice(b",10\ngood,Good,,10\n");
        let parsed = parse(input.as_slice()).expect("header is readable");
        let handles: Vec<_> = parsed.products.iter().map(|p| p.handle.as_str()).collect();
        assert_eq!(handles, ["good"]);
        assert_eq!(error_lines(&parsed), [(2, Some("bad"))]);
        assert!(parsed.errors[0].message.contains("UTF-8"));
    }

    #[test]
    fn unreadable_files_are_errors() {
        assert!(parse(&b""[..]).is_err());
        assert!(parse(&b"\xef\xbb\xbf"[..]).is_err());
        assert!(parse(&b"Hand\xffle,Title\nx,X\n"[..]).is_err());
    }

    #[test]
    fn row_error_display() {
        let error = RowError {
            line: 4,
            handle: Some("tee".to_owned()),
            message: "bad".to_owned(),
        };
        assert_eq!(error.to_string(), "line 4 (tee): bad");
    }

    #[test]
    fn shopify_sample_files() {
        let dir = std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/data/shopify"
        ));
        if !dir.is_dir() {
            println!("skipped: ../shared/data/shopify not found");
            return;
        }
        let (mut products, mut variants, mut images) = (0, 0, 0);
        for name in ["apparel.csv", "home-and-garden.csv", "jewelery.csv"] {
            let file = std::fs::File::open(dir.join(name)).expect("sample file opens");
            let parsed = parse(file).expect("sample file is readable");
            assert!(parsed.errors.is_empty(), "{name}: {:?}", parsed.errors);
            products += parsed.products.len();
            variants += parsed
                .products
                .iter()
                .map(|p| p.variants.len())
                .sum::<usize>();
            images += parsed
                .products
                .iter()
                .map(|p| p.images.len())
                .sum::<usize>();
        }
        assert_eq!((products, variants, images), (60, 66, 82));
    }
}
