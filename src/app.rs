//! Building the application: shared by the binary and the test suite, which
//! binds port 0 and reads the port back.

use std::net::SocketAddr;
use std::sync::Arc;

use poem::listener::{Acceptor, Listener, TcpListener};
use poem::Server;

use crate::config::Settings;
use crate::db::Db;
use crate::domain::money::Minor;
use crate::graphql::{build_schema, AppSchema};
use crate::services::cart::CartRules;
use crate::services::payment::{PaymentProvider, TestPaymentProvider};
use crate::services::shipping::ShippingPolicy;

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub rules: CartRules,
    pub payments: Arc<dyn PaymentProvider>,
}

impl AppState {
    /// Connects to the database and brings its schema up to date.
    pub async fn connect(settings: Settings) -> anyhow::Result<Self> {
        let db = Db::connect(&settings.database).await?;
        db.migrate().await?;
        let free_standard_from = settings
            .shop
            .free_shipping_threshold
            .map(Minor::from_decimal)
            .transpose()
            .map_err(|e| anyhow::anyhow!("free shipping threshold {e}"))?;
        let rules = CartRules {
            max_line_quantity: settings.shop.max_line_quantity.max(1),
            shipping: ShippingPolicy {
                methods: settings.shop.shipping_methods.0.clone(),
                free_standard_from,
            },
        };
        Ok(AppState {
            db,
            settings: Arc::new(settings),
            rules,
            payments: Arc::new(TestPaymentProvider),
        })
    }

    pub fn schema(&self) -> AppSchema {
        build_schema(self.clone())
    }
}

/// A server accepting connections in the background.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("http://{}/graphql", self.addr)
    }

    /// Waits until the server stops (for `serve`, at Ctrl-C).
    pub async fn wait(self) -> anyhow::Result<()> {
        self.task.await??;
        Ok(())
    }
}

/// Binds `settings.bind` and serves the API until Ctrl-C (or until the
/// returned handle is dropped).
pub async fn start(state: AppState) -> anyhow::Result<RunningServer> {
    let acceptor = TcpListener::bind(state.settings.bind.clone())
        .into_acceptor()
        .await?;
    let addr = acceptor
        .local_addr()
        .first()
        .and_then(|a| a.as_socket_addr().copied())
        .ok_or_else(|| anyhow::anyhow!("the listener has no socket address"))?;
    let endpoint = crate::http::routes(state.clone());
    let task = tokio::spawn(async move {
        Server::new_with_acceptor(acceptor)
            .run_with_graceful_shutdown(
                endpoint,
                async {
                    let _ = tokio::signal::ctrl_c().await;
                },
                Some(std::time::Duration::from_secs(10)),
            )
            .await
    });
    Ok(RunningServer { addr, state, task })
}
