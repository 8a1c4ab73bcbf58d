//! `GET /authorize` and `GET /callback` of the OAuth login and associate routers.

mod authorize;
mod callback;

use http::StatusCode;
use http::header::HOST;
use http::request::Parts;
use http::uri::Authority;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub(super) use authorize::authorize;
pub(super) use callback::callback;

use crate::http::oauth::{OAuthRoute, STATE_LIFETIME};
use crate::http::reply::{self, Body};
use crate::token::{Claims, claims, claims_without_subject};
use crate::{Error, Token};

type Refusal = http::Response<Body>;

/// The state token: `{"csrftoken", "aud", "exp"}`, plus `"sub"` for association.
#[derive(Serialize)]
struct StateOut<'a> {
    #[serde(flatten)]
    claims: Claims,
    csrftoken: &'a str,
}

#[derive(Deserialize)]
struct StateIn {
    csrftoken: String,
    #[serde(default)]
    sub: Option<String>,
}

/// Signs a state token for a sign-in attempt, bound to the user `subject` when linking.
fn state_token(
    route: &OAuthRoute,
    subject: Option<Uuid>,
    csrf_token: &str,
) -> Result<Token, Error> {
    let audience = &route.state_audience;
    let claims = match subject {
        Some(id) => claims(id.to_string(), audience, STATE_LIFETIME),
        None => claims_without_subject(audience, STATE_LIFETIME),
    };
    route.state_keys.encode(&StateOut {
        claims,
        csrftoken: csrf_token,
    })
}

/// Checks the state and the CSRF cookie, and returns the attempt's CSRF token.
///
/// The state must be valid and unexpired, carry the cookie's CSRF token (compared in
/// constant time), and name the signed-in user exactly when linking (`subject`).
fn check_state(
    route: &OAuthRoute,
    parts: &Parts,
    state: Option<&str>,
    subject: Option<Uuid>,
) -> Result<String, Refusal> {
    let decoded = route
        .state_keys
        .decode::<StateIn>(state.unwrap_or_default(), &route.state_audience);
    let claims = decoded.map_err(|err| {
        tracing::warn!("oauth callback refused: bad state");
        let code = match err {
            Error::TokenExpired => "ACCESS_TOKEN_ALREADY_EXPIRED",
            _ => "ACCESS_TOKEN_DECODE_ERROR",
        };
        reply::detail(StatusCode::BAD_REQUEST, code)
    })?;

    let cookie = route.csrf_cookie.read(&parts.headers);
    let cookie_matches = cookie
        .is_some_and(|cookie| crate::secret::ct_eq(cookie.as_bytes(), claims.csrftoken.as_bytes()));
    let state_subject = claims.sub.as_deref().map(Uuid::parse_str);
    let subject_matches = match (state_subject, subject) {
        (None, None) => true,
        (Some(Ok(named)), Some(user)) => named == user,
        _ => false,
    };
    if !(cookie_matches && subject_matches) {
        tracing::warn!("oauth callback refused: state does not match");
        return Err(reply::detail(
            StatusCode::BAD_REQUEST,
            "OAUTH_INVALID_STATE",
        ));
    }
    Ok(claims.csrftoken)
}

/// The redirect URI: the configured one, else the callback route's absolute URL as the
/// client reached it.
fn redirect_uri(route: &OAuthRoute, parts: &Parts) -> Result<String, Refusal> {
    if let Some(url) = &route.redirect_url {
        return Ok(url.clone());
    }
    // `Forwarded` and `X-Forwarded-*` are not read: keycard cannot tell which proxy to
    // trust. Behind a TLS-terminating proxy, configure the redirect URL instead.
    let scheme = parts
        .uri
        .scheme_str()
        .filter(|scheme| *scheme == "https")
        .unwrap_or("http");
    let host = parts
        .headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .or_else(|| parts.uri.authority().map(Authority::as_str))
        .filter(|host| !host.contains('@') && host.parse::<Authority>().is_ok());
    match host {
        Some(host) => Ok(format!("{scheme}://{host}{}/callback", route.prefix)),
        None => {
            tracing::warn!("oauth request refused: no usable host");
            Err(reply::detail(StatusCode::BAD_REQUEST, "Bad Request"))
        }
    }
}

/// The query's parameters, in order.
fn query(parts: &Parts) -> Vec<(String, String)> {
    let query = parts.uri.query().unwrap_or_default();
    form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}
