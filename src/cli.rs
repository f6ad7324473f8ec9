//! The command line: `serve`, `migrate`, `import shopify`, `schema`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::{self, AppState};
use crate::config::{DatabaseSettings, Settings};
use crate::db::Db;
use crate::import;

#[derive(Debug, Parser)]
#[command(
    name = "comptoir",
    version,
    about = "A headless storefront: a GraphQL API for shop front-ends"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending migrations and serve the API (GraphiQL on GET /graphql).
    Serve {
        #[command(flatten)]
        settings: Box<Settings>,
        /// Load the demo florist's catalog when the database has no products.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(flatten)]
        database: DatabaseSettings,
    },
    /// Import a catalog.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
    /// Print the GraphQL schema (SDL); `schema.graphql` is this output.
    Schema,
}

#[derive(Debug, Subcommand)]
enum ImportSource {
    /// Shopify product CSV files; importing a file again updates in place.
    Shopify {
        #[command(flatten)]
        database: DatabaseSettings,
        /// The CSV files, imported in order.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

pub async fn run(cli: Cli) -> ExitCode {
    init_tracing();
    match execute(cli.command).await {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn execute(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve { settings, demo } => {
            let state = AppState::connect(*settings).await?;
            if demo {
                if let Some(summary) = crate::demo::load_if_empty(&state.db).await? {
                    tracing::info!("demo catalog loaded: {}", summary.line());
                }
            }
            let server = app::start(state).await?;
            tracing::info!(
                "comptoir is serving {} (GraphiQL in a browser)",
                server.url()
            );
            server.wait().await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { database } => {
            Db::connect(&database).await?.migrate().await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Import {
            source: ImportSource::Shopify { database, files },
        } => {
            let db = Db::connect(&database).await?;
            db.migrate().await?;
            let summary = import::import_shopify_files(&db, &files).await?;
            for problem in &summary.problems {
                eprintln!("{problem}");
            }
            println!("{}", summary.line());
            Ok(if summary.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}
