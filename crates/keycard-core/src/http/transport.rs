//! Transports: where a client carries its access token, and how login and logout answer.

use std::time::Duration;

use http::header::{AUTHORIZATION, COOKIE, HeaderValue, SET_COOKIE};
use http::{HeaderMap, Response, StatusCode};
use serde_json::json;

use super::reply::{self, Body};
use crate::Token;

/// The `SameSite` attribute of a cookie (RFC 6265bis §4.1.2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SameSite {
    /// Sent on top-level navigations and same-site requests: the default.
    #[default]
    Lax,
    /// Sent on same-site requests only.
    Strict,
    /// Sent everywhere; requires `Secure`.
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            Self::Lax => "lax",
            Self::Strict => "strict",
            Self::None => "none",
        }
    }
}

/// Attributes of a cookie keycard sets. Secure defaults: `HttpOnly`, `Secure`,
/// `SameSite=Lax`, `Path=/`, no `Domain` (OWASP Session Management Cheat Sheet, "Cookies").
///
/// ```
/// use std::time::Duration;
/// use keycard_core::http::CookieSettings;
///
/// let cookie = CookieSettings::new("keycardauth").max_age(Some(Duration::from_secs(3600)));
/// assert_eq!(
///     cookie.set_cookie("v"),
///     "keycardauth=v; HttpOnly; Max-Age=3600; Path=/; SameSite=lax; Secure"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieSettings {
    /// The cookie's name.
    pub name: String,
    /// `Max-Age`; `None` makes a session cookie.
    pub max_age: Option<Duration>,
    /// `Path`; default `/`.
    pub path: String,
    /// `Domain`; default none (this host only).
    pub domain: Option<String>,
    /// `Secure`; default `true`.
    pub secure: bool,
    /// `HttpOnly`; default `true`.
    pub http_only: bool,
    /// `SameSite`; default `Lax`.
    pub same_site: SameSite,
}

impl CookieSettings {
    /// A cookie named `name` with the secure defaults and no `Max-Age`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            max_age: None,
            path: "/".into(),
            domain: None,
            secure: true,
            http_only: true,
            same_site: SameSite::Lax,
        }
    }

    /// Sets `Max-Age`.
    #[must_use]
    pub fn max_age(mut self, max_age: Option<Duration>) -> Self {
        self.max_age = max_age;
        self
    }

    /// Sets `Path`.
    #[must_use]
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = path.into();
        self
    }

    /// Sets `Domain`.
    #[must_use]
    pub fn domain(mut self, domain: Option<String>) -> Self {
        self.domain = domain;
        self
    }

    /// Turns `Secure` off, for plain-HTTP development only.
    #[must_use]
    pub fn insecure(mut self) -> Self {
        self.secure = false;
        self
    }

    /// Turns `HttpOnly` off, letting scripts read the cookie.
    #[must_use]
    pub fn readable_by_scripts(mut self) -> Self {
        self.http_only = false;
        self
    }

    /// Sets `SameSite`.
    #[must_use]
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = same_site;
        self
    }

    /// The `Set-Cookie` value that stores `value`.
    pub fn set_cookie(&self, value: &str) -> String {
        self.render(value, self.max_age.map(|age| age.as_secs()))
    }

    /// The `Set-Cookie` value that clears the cookie: empty value, `Max-Age=0`.
    pub fn clear_cookie(&self) -> String {
        self.render("", Some(0))
    }

    fn render(&self, value: &str, max_age: Option<u64>) -> String {
        let mut cookie = format!("{}={value}", self.name);
        if let Some(domain) = &self.domain {
            cookie.push_str(&format!("; Domain={domain}"));
        }
        if self.http_only {
            cookie.push_str("; HttpOnly");
        }
        if let Some(age) = max_age {
            cookie.push_str(&format!("; Max-Age={age}"));
        }
        cookie.push_str(&format!(
            "; Path={}; SameSite={}",
            self.path,
            self.same_site.as_str()
        ));
        if self.secure {
            cookie.push_str("; Secure");
        }
        cookie
    }

    /// Reads this cookie's value from a request's `Cookie` headers.
    pub fn read(&self, headers: &HeaderMap) -> Option<String> {
        read_cookie(headers, &self.name)
    }
}

/// Reads a cookie's value from a request's `Cookie` headers (RFC 6265 §5.4).
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| key.trim() == name)
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
        .filter(|value| !value.is_empty())
}

/// How a backend carries tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// `Authorization: Bearer <token>`; login answers `{"access_token", "token_type"}`.
    Bearer,
    /// A cookie; login answers 204 with `Set-Cookie`, logout clears it.
    Cookie(CookieSettings),
}

impl Transport {
    /// The token a request carries for this transport.
    pub fn read_token(&self, headers: &HeaderMap) -> Option<String> {
        match self {
            Self::Bearer => bearer_token(headers),
            Self::Cookie(cookie) => cookie.read(headers),
        }
    }

    pub(crate) fn login_response(&self, token: &Token) -> Response<Body> {
        match self {
            Self::Bearer => reply::json(
                StatusCode::OK,
                &json!({ "access_token": token.expose_secret(), "token_type": "bearer" }),
            ),
            Self::Cookie(cookie) => with_cookie(
                reply::empty(StatusCode::NO_CONTENT),
                &cookie.set_cookie(token.expose_secret()),
            ),
        }
    }

    pub(crate) fn logout_response(&self) -> Response<Body> {
        let response = reply::empty(StatusCode::NO_CONTENT);
        match self {
            Self::Bearer => response,
            Self::Cookie(cookie) => with_cookie(response, &cookie.clear_cookie()),
        }
    }
}

/// Adds a `Set-Cookie` header.
pub(crate) fn with_cookie(mut response: Response<Body>, cookie: &str) -> Response<Body> {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}
