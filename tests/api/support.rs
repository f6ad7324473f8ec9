//! The test harness: each test gets the real server on a fresh database
//! (a temporary SQLite file, or a new PostgreSQL database) and talks
//! GraphQL to it over HTTP.

use std::path::PathBuf;

use comptoir::app::{self, AppState, RunningServer};
use comptoir::config::Settings;
use comptoir::import::{import_shopify, ImportSummary};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{json, Value};

pub struct TestApp {
    pub server: RunningServer,
    pub client: reqwest::Client,
    pub database_url: String,
    _dir: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

fn test_settings(database_url: &str) -> Settings {
    let mut settings = Settings::defaults();
    settings.database.database_url = database_url.to_string();
    settings.bind = "127.0.0.1:0".into();
    settings
}

const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

impl TestApp {
    pub async fn sqlite() -> Self {
        Self::sqlite_with(|_| {}).await
    }

    pub async fn sqlite_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("comptoir.db").display()
        );
        let mut settings = test_settings(&url);
        configure(&mut settings);
        let mut app = Self::start(settings).await;
        app._dir = Some(dir);
        app
    }

    /// A server on a new PostgreSQL database, or `None` (with a line saying
    /// so) when no PostgreSQL answers. `COMPTOIR_TEST_REQUIRE_POSTGRES=1`
    /// turns that skip into a failure, as CI sets it.
    pub async fn postgres() -> Option<Self> {
        let admin_url = std::env::var("COMPTOIR_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| POSTGRES_ADMIN_URL.to_string());
        let admin = match Database::connect(&admin_url).await {
            Ok(admin) => admin,
            Err(err) => {
                if std::env::var("COMPTOIR_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                    panic!("PostgreSQL is required but {admin_url} does not answer: {err}");
                }
                eprintln!("PostgreSQL half skipped: {admin_url} does not answer ({err})");
                return None;
            }
        };
        let name = format!("comptoir_test_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        let (base, _) = admin_url.rsplit_once('/').expect("a database in the URL");
        let url = format!("{base}/{name}");
        let mut app = Self::start(test_settings(&url)).await;
        app.postgres = Some((admin_url, name));
        Some(app)
    }

    async fn start(settings: Settings) -> Self {
        let database_url = settings.database.database_url.clone();
        let state = AppState::connect(settings)
            .await
            .expect("connect and migrate");
        let server = app::start(state).await.expect("start the server");
        TestApp {
            server,
            client: reqwest::Client::new(),
            database_url,
            _dir: None,
            postgres: None,
        }
    }

    /// A second server on this test's database, configured differently (a
    /// merchant restarting with new settings).
    pub async fn another_server(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = test_settings(&self.database_url);
        configure(&mut settings);
        Self::start(settings).await
    }

    /// Drops the test's PostgreSQL database once the test has passed.
    pub async fn finish(self) {
        let Some((admin_url, name)) = self.postgres.clone() else {
            return;
        };
        drop(self);
        if let Ok(admin) = Database::connect(&admin_url).await {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    pub fn state(&self) -> &AppState {
        &self.server.state
    }

    /// The full JSON response to a GraphQL request.
    pub async fn gql(&self, query: &str, variables: Value) -> Value {
        self.client
            .post(self.url())
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("a JSON response")
    }

    /// The `data` of a response that must have no errors.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.gql(query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    pub fn statements_executed(&self) -> u64 {
        self.state().db.statements_executed()
    }

    /// Imports a CSV text through the same code path as `comptoir import`.
    pub async fn import_csv(&self, name: &str, csv: &str) -> ImportSummary {
        let mut summary = ImportSummary::default();
        import_shopify(&self.state().db, name, csv.as_bytes(), &mut summary)
            .await
            .expect("import");
        summary
    }

    pub async fn load_demo(&self) {
        comptoir::demo::load_if_empty(&self.state().db)
            .await
            .expect("demo catalog")
            .expect("an empty database");
    }
}

/// A fixture of this repository.
pub fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The merchants' sample files in `../shared/data/shopify`, or `None` (with
/// a line saying the test skipped) in a clone that has no `../shared`.
pub fn shared_shopify_files() -> Option<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/shopify");
    let files: Vec<PathBuf> = ["apparel.csv", "home-and-garden.csv", "jewelery.csv"]
        .iter()
        .map(|f| dir.join(f))
        .collect();
    if files.iter().all(|f| f.exists()) {
        Some(files)
    } else {
        eprintln!(
            "skipped: {} not found (a clone without ../shared)",
            dir.display()
        );
        None
    }
}

/// Runs each named test against SQLite and PostgreSQL: `name::sqlite` and
/// `name::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let app = $crate::support::TestApp::sqlite().await;
                    super::$name(&app).await;
                    app.finish().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    if let Some(app) = $crate::support::TestApp::postgres().await {
                        super::$name(&app).await;
                        app.finish().await;
                    }
                }
            }
        )*
    };
}

/// The `comptoir serve` binary as its own process on the same database, for
/// tests that kill it.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub url: String,
}

impl ServerProcess {
    pub fn start(database_url: &str) -> Self {
        use std::io::{BufRead, BufReader};
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_comptoir"))
            .arg("serve")
            .env("DATABASE_URL", database_url)
            .env("COMPTOIR_BIND", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start comptoir serve");
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("the server stopped before serving")
                .expect("a log line");
            if let Some(rest) = line.split("comptoir is serving ").nth(1) {
                break rest.split_whitespace().next().unwrap().to_string();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        ServerProcess { child, url }
    }

    /// SIGKILL: no shutdown, no flushing, as in a crash.
    pub fn kill_hard(mut self) {
        self.child.kill().expect("kill -9");
        self.child.wait().expect("reaped");
    }
}
