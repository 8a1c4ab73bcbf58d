//! Serves the bare axum baseline on `KEYCARD_HOST`:`KEYCARD_PORT` (default
//! 127.0.0.1:8000), with the same runtime as the example apps.

use std::env;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let host = env::var("KEYCARD_HOST").unwrap_or_else(|_| "127.0.0.1".into());
    let port = env::var("KEYCARD_PORT").unwrap_or_else(|_| "8000".into());
    let listener = tokio::net::TcpListener::bind(format!("{host}:{port}")).await?;
    axum::serve(listener, example_bench_baseline::app()).await
}
