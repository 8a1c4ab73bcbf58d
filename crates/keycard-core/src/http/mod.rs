//! keycard's whole HTTP API as one framework-neutral [`tower::Service`].
//!
//! [`Keycard`] answers FastAPI Users' routes with its bodies, status codes and error
//! codes; framework crates mount it and wrap [`Keycard::current_user`] in extractors.

// Handlers return early with the response to send; a response is built at most once per
// request, so boxing it would only add an allocation.
#![allow(clippy::result_large_err)]

mod backend;
mod body;
mod builder;
mod current_user;
mod fields;
mod input;
mod oauth;
mod reply;
mod routes;
mod transport;

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::header::{ALLOW, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode};

pub use backend::AuthBackend;
pub use builder::KeycardBuilder;
pub use current_user::CurrentUser;
pub use fields::{FieldSchema, NoFields, TypedFields};
pub use oauth::OAuthOptions;
pub use reply::{Body, ValidationError};
pub use transport::{CookieSettings, SameSite, Transport, read_cookie};

use crate::manager::UserManager;
use crate::{Error, User};
use current_user::Authenticated;
use routes::{Ctx, Match, Router};

/// The default limit on request bodies: 64 KiB.
pub const DEFAULT_BODY_LIMIT: usize = 64 * 1024;

/// The assembled API: a cheap-to-clone [`tower::Service`] over [`http::Request`] and
/// [`http::Response`]. Build one with [`Keycard::builder`].
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use keycard_core::http::Keycard;
/// use keycard_core::{MemoryStore, Secret};
///
/// let keycard = Keycard::builder(MemoryStore::new(), Secret::new("change me"))
///     .bearer_backend("jwt")
///     .standard_routes()
///     .build()?;
///
/// let body = r#"{"email": "a@example.com", "password": "secret password"}"#;
/// let request = http::Request::post("/auth/register")
///     .header("content-type", "application/json")
///     .body(http_body_util::Full::new(bytes::Bytes::from(body)))
///     .unwrap();
/// let response = keycard.handle(request).await;
/// assert_eq!(response.status(), 201);
/// # Ok::<(), keycard_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Keycard {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) manager: UserManager,
    pub(crate) backends: Vec<AuthBackend>,
    pub(crate) mounts: Vec<(String, Router)>,
    pub(crate) fields: Arc<dyn FieldSchema>,
    pub(crate) body_limit: usize,
}

impl Shared {
    pub(crate) async fn authenticate(
        &self,
        headers: &HeaderMap,
    ) -> Result<Option<Authenticated>, Response<Body>> {
        let users = self.manager.store();
        let found = current_user::authenticate(&self.backends, users, headers).await;
        found.map_err(|err| reply::internal(&err))
    }

    fn route(&self, path: &str, method: &Method) -> Match {
        let mut allowed = None;
        for (prefix, router) in &self.mounts {
            let Some(rest) = path.strip_prefix(prefix.as_str()) else {
                continue;
            };
            match router.route(rest, method) {
                Match::Found(endpoint) => return Match::Found(endpoint),
                Match::WrongMethod(methods) => allowed = allowed.or(Some(methods)),
                Match::None => {}
            }
        }
        allowed.map_or(Match::None, Match::WrongMethod)
    }
}

impl Keycard {
    /// Starts building the API over a store, signing every token with `secret` (HS256).
    pub fn builder(store: impl crate::UserStore, secret: crate::Secret) -> KeycardBuilder {
        KeycardBuilder::new(Arc::new(store), secret)
    }

    /// The user manager behind the API, for work outside HTTP such as seeding users.
    pub fn manager(&self) -> &UserManager {
        &self.shared.manager
    }

    /// The `UserRead` JSON of a user, with the custom fields the API shows.
    pub fn user_read(&self, user: &User) -> serde_json::Value {
        routes::user_read(user, self.shared.fields.read(&user.fields))
    }

    /// Resolves the current user from request headers, held to `wanted`.
    ///
    /// Framework crates wrap this in their extractors. `Ok(None)` only when `wanted` is
    /// optional.
    ///
    /// # Errors
    ///
    /// The response to send instead: 401, 403, or 500 when a store fails.
    pub async fn current_user(
        &self,
        headers: &HeaderMap,
        wanted: CurrentUser,
    ) -> Result<Option<User>, Response<Body>> {
        let found = self.shared.authenticate(headers).await?;
        Ok(current_user::require(found, wanted)?.map(|auth| auth.user))
    }

    /// Answers one request.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<Body>
    where
        B: http_body::Body<Data = Bytes> + Send,
        B::Error: Into<crate::BoxError>,
    {
        let (parts, body) = request.into_parts();
        let endpoint = match self.shared.route(parts.uri.path(), &parts.method) {
            Match::Found(endpoint) => endpoint,
            Match::WrongMethod(methods) => return method_not_allowed(methods),
            Match::None => return reply::not_found(),
        };
        let body = match body::collect(body, self.shared.body_limit).await {
            Ok(bytes) => bytes,
            Err(response) => return response,
        };
        let ctx = Ctx {
            shared: &self.shared,
            parts,
            body,
        };
        ctx.dispatch(endpoint).await
    }

    /// Every path the API serves, with `{name}` for a path parameter, for frameworks that
    /// route by path before handing requests over.
    ///
    /// ```
    /// use keycard_core::http::Keycard;
    /// use keycard_core::{MemoryStore, Secret};
    ///
    /// let keycard = Keycard::builder(MemoryStore::new(), Secret::new("s"))
    ///     .bearer_backend("jwt")
    ///     .standard_routes()
    ///     .build()?;
    /// assert!(keycard.paths().contains(&"/auth/jwt/login".to_owned()));
    /// assert!(keycard.paths().contains(&"/users/{id}".to_owned()));
    /// # Ok::<(), keycard_core::Error>(())
    /// ```
    pub fn paths(&self) -> Vec<String> {
        // Each path once, in mount order, even when two mounts overlap: a framework
        // refuses a path registered twice.
        let mut seen = std::collections::HashSet::new();
        self.shared
            .mounts
            .iter()
            .flat_map(|(prefix, router)| {
                router
                    .patterns()
                    .iter()
                    .map(move |p| format!("{prefix}{p}"))
            })
            .filter(|path| seen.insert(path.clone()))
            .collect()
    }

    /// Whether a path and method belong to the API, for frameworks that mount it next to
    /// their own routes.
    pub fn serves(&self, path: &str, method: &Method) -> bool {
        !matches!(self.shared.route(path, method), Match::None)
    }
}

fn method_not_allowed(methods: &[Method]) -> Response<Body> {
    let mut response = reply::detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed");
    let allow = methods
        .iter()
        .map(Method::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if let Ok(value) = HeaderValue::from_str(&allow) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

impl fmt::Debug for Keycard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mounts: Vec<_> = self
            .shared
            .mounts
            .iter()
            .map(|(prefix, _)| prefix)
            .collect();
        f.debug_struct("Keycard")
            .field("backends", &self.shared.backends)
            .field("mounts", &mounts)
            .finish_non_exhaustive()
    }
}

impl<B> tower::Service<Request<B>> for Keycard
where
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<crate::BoxError>,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let keycard = self.clone();
        Box::pin(async move { Ok(keycard.handle(request).await) })
    }
}

/// Builds-time problems are configuration errors.
pub(crate) fn config_error(message: impl Into<String>) -> Error {
    Error::Config(message.into())
}
