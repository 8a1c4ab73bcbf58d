//! Serves keycard's main example: `cargo run -p example-axum-sqlite`.

use example_common::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), keycard_core::BoxError> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    // One process-wide TLS provider before any HTTPS client (OAuth) is built.
    keycard_core::oauth::install_crypto_provider();
    let config = Config::from_env()?;
    if config.secret_generated {
        tracing::warn!(
            "KEYCARD_SECRET is not set: using a random secret, tokens die with this process"
        );
    }
    let app = example_axum_sqlite::app(&config).await?;

    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "keycard example listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
