//! User management and authentication for Rust web services, wire-compatible with
//! FastAPI Users.
//!
//! `keycard-core` knows no database and no web framework. It holds:
//!
//! - the [`User`] and [`OAuthAccount`] models and the [store traits](store) a storage
//!   crate implements ([`MemoryStore`] is the in-memory reference);
//! - [password hashing](password) (argon2id, bcrypt still verified, hashes run off the
//!   async runtime on a bounded pool) and signed [tokens](token);
//! - [authentication strategies](strategy) (stateless JWT, database tokens);
//! - the [`UserManager`](manager::UserManager) with the application's lifecycle
//!   [`hooks`];
//! - [OAuth 2.0 and OpenID Connect providers](oauth) (Google, GitHub, Microsoft, Discord,
//!   GitLab, generic, discovered) and the sign-in and linking flows built on them;
//! - the whole [HTTP API](http) as one framework-neutral `tower::Service`, which
//!   `keycard-axum` mounts in axum.
//!
//! # Example
//!
//! Build the API over a store and answer a request without any framework:
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use http_body_util::{BodyExt, Full};
//! use keycard_core::http::Keycard;
//! use keycard_core::{MemoryStore, Secret};
//!
//! let keycard = Keycard::builder(MemoryStore::new(), Secret::new("a long random secret"))
//!     .bearer_backend("jwt")
//!     .cookie_backend("cookie")
//!     .standard_routes()
//!     .build()?;
//!
//! let register = http::Request::post("/auth/register")
//!     .header("content-type", "application/json")
//!     .body(Full::new(r#"{"email": "ann@example.com", "password": "correct horse"}"#.into()))
//!     .unwrap();
//! assert_eq!(keycard.handle(register).await.status(), 201);
//!
//! let login = http::Request::post("/auth/jwt/login")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .body(Full::new("username=ann@example.com&password=correct+horse".into()))
//!     .unwrap();
//! let response = keycard.handle(login).await;
//! let body = response.into_body().collect().await.unwrap().to_bytes();
//! let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
//! assert_eq!(json["token_type"], "bearer");
//! # Ok::<(), keycard_core::Error>(())
//! # }).unwrap();
//! ```
//!
//! # Security
//!
//! Passwords, hashes, tokens and secrets are [redacted newtypes](secret) compared in
//! constant time; none reaches a log. Bad input gets a 4xx with a stable code. Defaults
//! are the secure ones: argon2id with OWASP's parameters, `HttpOnly; Secure;
//! SameSite=Lax` cookies, strict token validation (one algorithm, `exp` required, no
//! leeway).
//!
//! # Writing a store
//!
//! Implement [`UserStore`] (and [`AccessTokenStore`] for database tokens), then run the
//! conformance kit, `keycard-test-kit`, against it: it pins every behaviour the manager
//! relies on, such as case-insensitive e-mail uniqueness enforced at write time.
//!
//! Supported Rust versions: the workspace's `rust-version` (1.89) and newer.

pub mod email;
mod error;
pub mod hooks;
pub mod http;
pub mod manager;
mod model;
pub mod oauth;
pub mod password;
pub mod secret;
pub mod store;
pub mod strategy;
pub mod token;

pub use error::{BoxError, Error, ProviderError, StoreError};
pub use model::{AccessTokenRecord, Fields, OAuthAccount, User, UserPatch};
pub use secret::{HashedPassword, Password, Secret, Token};
pub use store::{AccessTokenStore, MemoryStore, UserStore};
