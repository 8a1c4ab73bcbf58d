//! keycard's end-to-end HTTP suite: the wire contract (`WIRE-CONTRACT.md`), written once
//! and run against every example application, whatever its framework and store.
//!
//! An application plugs in through two things:
//!
//! - a [`TestApp`]: something that answers one [`http::Request`] with one
//!   [`http::Response`], both with plain byte bodies. [`TowerApp`] adapts any
//!   [`tower::Service`] (an axum `Router`, say) without a socket;
//! - a factory: an `async` function turning an [`example_common::Config`] into that app,
//!   as the example's own `main` would. [`Harness`] calls it with a fresh temporary
//!   directory (SQLite file, events file), a known `KEYCARD_SECRET` and per-case
//!   overrides, and again on [`Harness::restart`].
//!
//! [`http_suite!`] then expands to one `#[test]` per case of [`cases`]:
//!
//! ```
//! use example_common::Config;
//! use keycard_e2e::TowerApp;
//!
//! async fn app(config: Config) -> TowerApp<axum::Router> {
//!     TowerApp::new(example_axum_sqlite::app(&config).await.expect("app builds"))
//! }
//!
//! keycard_e2e::http_suite!(app);
//! # fn main() {
//! #     assert!(keycard_e2e::CASE_NAMES.contains(&"register::returns_user_read"));
//! # }
//! ```
//!
//! The OAuth cases need a provider: each starts its own
//! [`ProviderDouble`](keycard_test_kit::oauth::ProviderDouble) from the test kit on a
//! loopback port and points the `KEYCARD_OAUTH_*` variables at it
//! ([`Harness::start_with_oauth`]), so the application mounts its generic provider,
//! [`OAUTH_NAME`], at [`OAUTH_LOGIN`] and [`OAUTH_ASSOCIATE`]. The application
//! reaches the double over a loopback socket; the cases reach the application without
//! one.
//!
//! Each test runs on its own single-threaded tokio runtime inside a
//! [`tokio::task::LocalSet`], so applications whose services are not `Send` (actix-web's)
//! can be driven the same way, and the calling crate needs no tokio macros.
//!
//! Supported Rust versions: the workspace's `rust-version` and newer.

pub mod cases;
mod client;
mod harness;
mod suite;
pub mod tokens;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};

pub use client::{Call, Reply};
pub use harness::{
    ADMIN_EMAIL, ADMIN_PASSWORD, Harness, HarnessBuilder, OAUTH_ASSOCIATE, OAUTH_HOST, OAUTH_LOGIN,
    OAUTH_NAME, OAuthAttempt, PASSWORD, SECRET, TestUser, oauth_call,
};
pub use suite::CASE_NAMES;

/// An application under test: answers one request at a time, without a socket.
///
/// Futures need not be `Send`, so a single-threaded framework can implement it directly.
#[async_trait(?Send)]
pub trait TestApp {
    /// Answers one request. Transport failures are bugs of the adapter: panic.
    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>>;
}

type BoxedApp = Pin<Box<dyn Future<Output = Box<dyn TestApp>>>>;

/// Turns a [`example_common::Config`] into a running [`TestApp`]; cheap to clone.
#[derive(Clone)]
pub struct AppFactory {
    make: Rc<dyn Fn(example_common::Config) -> BoxedApp>,
}

impl AppFactory {
    /// Wraps an `async fn(Config) -> impl TestApp`.
    ///
    /// ```
    /// use keycard_e2e::{AppFactory, TestApp};
    ///
    /// struct Teapot;
    ///
    /// #[async_trait::async_trait(?Send)]
    /// impl TestApp for Teapot {
    ///     async fn send(&self, _: http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    ///         http::Response::builder().status(418).body(Vec::new()).unwrap()
    ///     }
    /// }
    ///
    /// let factory = AppFactory::new(|_config| async { Teapot });
    /// assert!(format!("{factory:?}").contains("AppFactory"));
    /// ```
    pub fn new<F, Fut, A>(make: F) -> Self
    where
        F: Fn(example_common::Config) -> Fut + 'static,
        Fut: Future<Output = A> + 'static,
        A: TestApp + 'static,
    {
        let make = Rc::new(move |config| {
            let app = make(config);
            Box::pin(async move { Box::new(app.await) as Box<dyn TestApp> }) as BoxedApp
        });
        Self { make }
    }

    /// Builds an app for `config`.
    pub async fn build(&self, config: example_common::Config) -> Box<dyn TestApp> {
        (self.make)(config).await
    }
}

impl fmt::Debug for AppFactory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppFactory").finish_non_exhaustive()
    }
}

/// A [`TestApp`] over any [`tower::Service`] taking `Request<Full<Bytes>>`, such as an
/// axum `Router`; each request goes through a fresh clone with `oneshot`.
#[derive(Debug, Clone)]
pub struct TowerApp<S> {
    service: S,
}

impl<S> TowerApp<S> {
    /// Wraps a service.
    pub fn new(service: S) -> Self {
        Self { service }
    }
}

#[async_trait(?Send)]
impl<S, B> TestApp for TowerApp<S>
where
    S: tower::Service<Request<Full<Bytes>>, Response = Response<B>> + Clone,
    S::Error: fmt::Debug,
    B: http_body::Body,
    B::Error: fmt::Debug,
{
    async fn send(&self, request: Request<Vec<u8>>) -> Response<Vec<u8>> {
        use tower::ServiceExt;

        let request = request.map(|body| Full::new(Bytes::from(body)));
        let response = self.service.clone().oneshot(request).await;
        let (parts, body) = response.expect("the service answers").into_parts();
        let bytes = body.collect().await.expect("the body is readable");
        Response::from_parts(parts, bytes.to_bytes().to_vec())
    }
}

/// Runs one case on a fresh single-threaded runtime; what [`http_suite!`] calls.
///
/// # Panics
///
/// When the case fails, or the runtime cannot be built.
pub fn run_case<F, Fut>(factory: AppFactory, case: F)
where
    F: FnOnce(AppFactory) -> Fut,
    Fut: Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, case(factory));
}
