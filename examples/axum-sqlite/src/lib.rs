//! keycard's main example: the whole API on axum and an SQLite file.
//!
//! [`app`] builds the application from a [`Config`] so tests can drive it without a
//! socket; `main` only reads the environment and serves it.

use axum::routing::get;
use axum::{Json, Router};
use example_common::{Config, keycard_builder, seed_superuser};
use keycard_axum::{KeycardRouterExt, OptionalUser, VerifiedUser};
use keycard_core::BoxError;
use keycard_core::http::Keycard;
use keycard_sqlite::SqliteStore;
use serde_json::{Value, json};

/// The SQLite file used when `KEYCARD_DATABASE_URL` is not set.
pub const DEFAULT_DATABASE: &str = "keycard.db";

/// Opens the store, builds the API, seeds the superuser and assembles the router.
///
/// # Errors
///
/// When the database cannot be opened or the configuration is inconsistent.
pub async fn app(config: &Config) -> Result<Router, BoxError> {
    let url = config.database_url.as_deref().unwrap_or(DEFAULT_DATABASE);
    let store = open_store(url).await?;
    let keycard = keycard_builder(store, config)?.build()?;
    seed_superuser(&keycard, config).await?;
    Ok(router(keycard))
}

/// Opens `sqlite://path`, `sqlite::memory:` or a plain file path, creating the file and
/// its schema if missing.
///
/// # Errors
///
/// When the database cannot be opened.
pub async fn open_store(url: &str) -> Result<SqliteStore, BoxError> {
    let store = if url.starts_with("sqlite:") {
        SqliteStore::connect(url).await?
    } else {
        SqliteStore::open(url).await?
    };
    Ok(store)
}

/// The API plus the routes showing the current-user extractors.
pub fn router(keycard: Keycard) -> Router {
    Router::new()
        .route("/protected/verified", get(verified))
        .route("/protected/optional", get(optional))
        .with_state(keycard.clone())
        .method_not_allowed_fallback(keycard_axum::method_not_allowed)
        .fallback(keycard_axum::not_found)
        .keycard(keycard)
}

async fn verified(
    axum::extract::State(keycard): axum::extract::State<Keycard>,
    VerifiedUser(user): VerifiedUser,
) -> Json<Value> {
    Json(keycard.user_read(&user))
}

async fn optional(
    axum::extract::State(keycard): axum::extract::State<Keycard>,
    OptionalUser(user): OptionalUser,
) -> Json<Value> {
    Json(json!({ "user": user.map(|user| keycard.user_read(&user)) }))
}
