//! Every setting is a flag with an environment variable, so the same binary
//! runs on a laptop with no configuration and in production with only
//! environment variables.

use clap::{Args, ValueEnum};

use crate::domain::money::CurrencyCode;
use crate::services::shipping::ShippingMethodConfig;

#[derive(Debug, Clone, Args)]
pub struct DatabaseSettings {
    /// Database to use: `sqlite://FILE?mode=rwc` (embedded, the default) or
    /// `postgres://USER@HOST/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://comptoir.db?mode=rwc"
    )]
    pub database_url: String,

    /// Most connections held open to the database.
    #[arg(long, env = "COMPTOIR_DB_MAX_CONNECTIONS", default_value_t = 10)]
    pub db_max_connections: u32,

    /// Longest a single SQL statement may run on PostgreSQL, in milliseconds.
    #[arg(long, env = "COMPTOIR_STATEMENT_TIMEOUT_MS", default_value_t = 5000)]
    pub statement_timeout_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    #[command(flatten)]
    pub database: DatabaseSettings,

    /// Address and port the HTTP server listens on.
    #[arg(long, env = "COMPTOIR_BIND", default_value = "127.0.0.1:8000")]
    pub bind: String,

    /// `production` turns off GraphiQL, introspection and field suggestions
    /// unless they are switched back on below.
    #[arg(long, env = "COMPTOIR_ENV", value_enum, default_value = "development")]
    pub env: Environment,

    /// Serve GraphiQL on `GET /graphql` (default: on outside production).
    #[arg(long, env = "COMPTOIR_GRAPHIQL")]
    pub graphiql: Option<bool>,

    /// Answer introspection queries (default: on outside production).
    #[arg(long, env = "COMPTOIR_INTROSPECTION")]
    pub introspection: Option<bool>,

    /// Store currency (ISO 4217).
    #[arg(long, env = "COMPTOIR_CURRENCY", value_enum, default_value = "EUR")]
    pub currency: CurrencyCode,

    /// Browser origins allowed to call the API, comma-separated; `*` allows
    /// any origin (the API uses bearer tokens, never cookies).
    #[arg(long, env = "COMPTOIR_CORS_ORIGINS", default_value = "*")]
    pub cors_origins: String,

    #[command(flatten)]
    pub limits: Limits,

    #[command(flatten)]
    pub shop: ShopSettings,
}

#[derive(Debug, Clone, Args)]
pub struct ShopSettings {
    /// Most units of one variant in a cart line.
    #[arg(long, env = "COMPTOIR_MAX_LINE_QUANTITY", default_value_t = 99)]
    pub max_line_quantity: i32,

    /// Shipping methods offered at checkout, `handle:title:price` separated
    /// by `;` (price in the store currency).
    #[arg(
        long,
        env = "COMPTOIR_SHIPPING_METHODS",
        default_value = "standard:Standard delivery:4.90;express:Express delivery:9.90;pickup:Pickup in store:0"
    )]
    pub shipping_methods: ShippingMethodConfig,

    /// Merchandise subtotal from which `standard` shipping is free; empty
    /// for never.
    #[arg(
        long,
        env = "COMPTOIR_FREE_SHIPPING_THRESHOLD",
        default_value = "50.00"
    )]
    pub free_shipping_threshold: Option<rust_decimal::Decimal>,
}

/// Request limits that keep one client from exhausting the server.
#[derive(Debug, Clone, Args)]
pub struct Limits {
    /// Largest request body in bytes (413 beyond).
    #[arg(long, env = "COMPTOIR_MAX_BODY_BYTES", default_value_t = 128 * 1024)]
    pub max_body_bytes: usize,

    /// Deepest query nesting accepted.
    #[arg(long, env = "COMPTOIR_MAX_DEPTH", default_value_t = 15)]
    pub max_depth: usize,

    /// Highest query complexity: each field costs 1, a list field costs its
    /// page size times the cost of its children.
    #[arg(long, env = "COMPTOIR_MAX_COMPLEXITY", default_value_t = 20_000)]
    pub max_complexity: usize,

    /// Deepest recursion of fragments and nested values.
    #[arg(long, env = "COMPTOIR_MAX_RECURSION", default_value_t = 32)]
    pub max_recursion: usize,

    /// Most directives on one field.
    #[arg(long, env = "COMPTOIR_MAX_DIRECTIVES", default_value_t = 5)]
    pub max_directives: usize,

    /// Largest `first`/`last` of a connection.
    #[arg(long, env = "COMPTOIR_MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: usize,

    /// Most items in one input list (cart lines, ids).
    #[arg(long, env = "COMPTOIR_MAX_INPUT_LIST", default_value_t = 250)]
    pub max_input_list: usize,

    /// Most operations in one batched HTTP request.
    #[arg(long, env = "COMPTOIR_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,

    /// Longest a request may execute, in milliseconds.
    #[arg(long, env = "COMPTOIR_EXECUTION_TIMEOUT_MS", default_value_t = 10_000)]
    pub execution_timeout_ms: u64,
}

impl Settings {
    pub fn graphiql_enabled(&self) -> bool {
        self.graphiql.unwrap_or(self.env != Environment::Production)
    }

    pub fn introspection_enabled(&self) -> bool {
        self.introspection
            .unwrap_or(self.env != Environment::Production)
    }
}

#[derive(clap::Parser)]
struct SettingsOnly {
    #[command(flatten)]
    settings: Settings,
}

impl Settings {
    /// Every setting at its default, ignoring the environment: what the test
    /// suite starts from, so that a developer's `COMPTOIR_*` variables do not
    /// change what the tests see.
    pub fn defaults() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let command = SettingsOnly::command().mut_args(|arg| arg.env(None::<&str>));
        let matches = command
            .try_get_matches_from(["comptoir"])
            .expect("every setting has a default");
        SettingsOnly::from_arg_matches(&matches)
            .expect("defaults parse")
            .settings
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn defaults_need_no_flag_nor_environment() {
        let settings = super::Settings::defaults();
        assert_eq!(settings.bind, "127.0.0.1:8000");
        assert_eq!(settings.limits.max_page_size, 100);
        assert_eq!(settings.shop.shipping_methods.0.len(), 3);
    }
}
