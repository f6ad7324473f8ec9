//! The database handle the services share: a connection pool, plus what it
//! takes to make SQLite behave under concurrent writers.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, TransactionTrait,
};
use tokio::sync::Mutex;

use crate::config::DatabaseSettings;
use crate::error::Error;

#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    /// SQLite allows one writer at a time and answers "busy" at once, without
    /// waiting, when a reading transaction tries to start writing. Queuing
    /// this process's write transactions here makes them wait their turn.
    /// PostgreSQL needs no such lock: its row locks do this job.
    sqlite_writer: Option<Arc<Mutex<()>>>,
    statements: Arc<AtomicU64>,
}

impl Db {
    pub async fn connect(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let mut options = ConnectOptions::new(settings.database_url.clone());
        options
            .max_connections(settings.db_max_connections)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10))
            .sqlx_logging(false);
        let statement_timeout = settings.statement_timeout_ms.to_string();
        options.map_sqlx_postgres_opts(move |pg| {
            pg.options([("statement_timeout", statement_timeout.as_str())])
        });
        options.map_sqlx_sqlite_opts(|sqlite| {
            sqlite
                .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
        });
        let mut conn = Database::connect(options).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        conn.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let sqlite_writer = (conn.get_database_backend() == DatabaseBackend::Sqlite)
            .then(|| Arc::new(Mutex::new(())));
        Ok(Db {
            conn,
            sqlite_writer,
            statements,
        })
    }

    pub async fn migrate(&self) -> anyhow::Result<()> {
        <migration::Migrator as migration::MigratorTrait>::up(&self.conn, None).await?;
        Ok(())
    }

    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn backend(&self) -> DatabaseBackend {
        self.conn.get_database_backend()
    }

    /// SQL statements run since start; the test suite reads it to prove that
    /// a page costs the same number of statements whatever its size.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// Runs `work` in one transaction: committed when it returns `Ok`, rolled
    /// back (nothing changes) when it returns `Err`.
    pub async fn write<T, F>(&self, work: F) -> Result<T, Error>
    where
        T: Send,
        F: for<'t> FnOnce(&'t DatabaseTransaction) -> BoxFuture<'t, Result<T, Error>> + Send,
    {
        let _turn = match &self.sqlite_writer {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let txn = self.conn.begin().await?;
        match work(&txn).await {
            Ok(value) => {
                txn.commit().await?;
                Ok(value)
            }
            Err(err) => {
                txn.rollback().await?;
                Err(err)
            }
        }
    }

    /// `true` when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.conn.ping().await.is_ok()
    }

    pub async fn execute_unprepared(&self, sql: &str) -> Result<(), sea_orm::DbErr> {
        self.conn.execute_unprepared(sql).await.map(|_| ())
    }
}
