use std::task::{Context, Poll};

use axum::extract::Request;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE, PROXY_AUTHORIZATION, SET_COOKIE};
use keycard_core::http::Keycard;
use tower::{Layer, Service};
use tracing::Instrument;

/// Makes the API available to the extractors, opens one span per request and marks
/// credential headers as sensitive.
///
/// The span is `request` at INFO with `http.method`, `http.path` (never the query, which
/// can carry OAuth codes) and `user.id`, recorded by keycard once a user is known.
#[derive(Debug, Clone)]
pub struct KeycardLayer {
    keycard: Keycard,
}

impl KeycardLayer {
    /// A layer for this API.
    pub fn new(keycard: Keycard) -> Self {
        Self { keycard }
    }
}

impl<S> Layer<S> for KeycardLayer {
    type Service = KeycardService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        KeycardService {
            inner,
            keycard: self.keycard.clone(),
        }
    }
}

/// The service [`KeycardLayer`] wraps around a router.
#[derive(Debug, Clone)]
pub struct KeycardService<S> {
    inner: S,
    keycard: Keycard,
}

impl<S> Service<Request> for KeycardService<S>
where
    S: Service<Request, Response = axum::response::Response> + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = std::pin::Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        mark_sensitive(
            request.headers_mut(),
            &[AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE],
        );
        request.extensions_mut().insert(self.keycard.clone());
        let span = tracing::info_span!(
            "request",
            http.method = %request.method(),
            http.path = %request.uri().path(),
            user.id = tracing::field::Empty,
        );

        let future = self.inner.call(request);
        Box::pin(
            async move {
                let mut response = future.await?;
                mark_sensitive(response.headers_mut(), &[SET_COOKIE]);
                Ok(response)
            }
            .instrument(span),
        )
    }
}

fn mark_sensitive(headers: &mut HeaderMap, names: &[axum::http::HeaderName]) {
    for name in names {
        if let axum::http::header::Entry::Occupied(mut entry) = headers.entry(name) {
            for value in entry.iter_mut() {
                value.set_sensitive(true);
            }
        }
    }
}
