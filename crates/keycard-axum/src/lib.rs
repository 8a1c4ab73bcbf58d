//! axum integration for keycard.
//!
//! keycard's whole HTTP API lives in [`keycard_core`] as a framework-neutral
//! [`tower::Service`]; this crate only adapts it:
//!
//! - [`KeycardRouterExt::keycard`] mounts the API's routes in an axum [`Router`] and adds
//!   [`KeycardLayer`], which makes the API available to the extractors, opens one tracing
//!   span per request (recording `user.id` once known) and marks `Authorization`,
//!   `Cookie` and `Set-Cookie` as sensitive so logging layers print no credentials;
//! - the extractors [`ActiveUser`], [`VerifiedUser`], [`Superuser`] and [`OptionalUser`]
//!   resolve the current user for your own handlers, answering 401 or 403 exactly as the
//!   API's routes do.
//!
//! # Example
//!
//! ```
//! use axum::{Router, routing::get};
//! use keycard_axum::{ActiveUser, KeycardRouterExt};
//! use keycard_core::http::Keycard;
//! use keycard_core::{MemoryStore, Secret};
//!
//! async fn hello(ActiveUser(user): ActiveUser) -> String {
//!     format!("hello {}", user.email)
//! }
//!
//! # fn main() -> Result<(), keycard_core::Error> {
//! let keycard = Keycard::builder(MemoryStore::new(), Secret::new("change me"))
//!     .bearer_backend("jwt")
//!     .standard_routes()
//!     .build()?;
//! let app: Router = Router::new().route("/hello", get(hello)).keycard(keycard);
//! # drop(app);
//! # Ok(())
//! # }
//! ```
//!
//! Supported Rust versions: the workspace's `rust-version` and newer.

mod extract;
mod layer;

use axum::Router;
use keycard_core::http::Keycard;

pub use extract::{ActiveUser, OptionalUser, Superuser, VerifiedUser};
pub use layer::{KeycardLayer, KeycardService};

/// Adds keycard to an axum [`Router`].
pub trait KeycardRouterExt {
    /// Mounts every route of the API and wraps the whole router in [`KeycardLayer`].
    ///
    /// Call it last, after your own routes, so the layer covers them too.
    #[must_use]
    fn keycard(self, keycard: Keycard) -> Self;
}

impl<S: Clone + Send + Sync + 'static> KeycardRouterExt for Router<S> {
    fn keycard(self, keycard: Keycard) -> Self {
        routes(&keycard)
            .merge(self)
            .layer(KeycardLayer::new(keycard))
    }
}

/// A fallback answering 404 `{"detail": "Not Found"}`, as the API does for unknown
/// paths: `Router::fallback(keycard_axum::not_found)`.
pub async fn not_found() -> axum::response::Response {
    json_detail(axum::http::StatusCode::NOT_FOUND, "Not Found")
}

/// A fallback answering 405 `{"detail": "Method Not Allowed"}`:
/// `Router::method_not_allowed_fallback(keycard_axum::method_not_allowed)`.
pub async fn method_not_allowed() -> axum::response::Response {
    json_detail(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "Method Not Allowed",
    )
}

fn json_detail(status: axum::http::StatusCode, detail: &'static str) -> axum::response::Response {
    use axum::response::IntoResponse;

    let body = format!(r#"{{"detail":"{detail}"}}"#);
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A router with only the API's routes, for mounting by hand (remember [`KeycardLayer`]
/// if you use the extractors).
pub fn routes<S: Clone + Send + Sync + 'static>(keycard: &Keycard) -> Router<S> {
    keycard
        .paths()
        .into_iter()
        .fold(Router::new(), |router, path| {
            router.route_service(&path, keycard.clone())
        })
}
