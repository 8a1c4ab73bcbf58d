//! Options of the OAuth routers, and what a mounted router resolves them to.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::{CookieSettings, config_error};
use crate::manager::OAuthSignIn;
use crate::oauth::OAuthProvider;
use crate::token::{JwtKeys, Names};
use crate::{Error, Secret};

/// How long a sign-in attempt may take, from `/authorize` to `/callback`: the lifetime of
/// the state token and of the CSRF cookie.
// FIXME: fixed at FastAPI Users' hour; no option sets it yet.
pub(crate) const STATE_LIFETIME: Duration = Duration::from_secs(3600);

type CookieEdit = Arc<dyn Fn(CookieSettings) -> CookieSettings + Send + Sync>;

/// Options of an OAuth router: the sign-in rules, the redirect URL and the CSRF cookie.
///
/// Defaults: no linking by e-mail, new users unverified, the redirect URL derived from
/// the request, and the CSRF cookie `HttpOnly; Max-Age=3600; Path=/; SameSite=lax;
/// Secure` named after [`Names::csrf_cookie`].
///
/// ```
/// use keycard_core::http::OAuthOptions;
///
/// let options = OAuthOptions::new()
///     .associate_by_email(true)
///     .is_verified_by_default(true)
///     .redirect_url("https://app.example.com/auth/google/callback")
///     .csrf_cookie(|cookie| cookie.domain(Some("example.com".into())));
/// assert!(format!("{options:?}").contains("associate_by_email: true"));
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct OAuthOptions {
    rules: OAuthSignIn,
    redirect_url: Option<String>,
    csrf_cookie: Option<CookieEdit>,
}

impl OAuthOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Links an unknown provider account to the user with its e-mail address, when the
    /// provider verified the address. Default: off, such a sign-in is refused with
    /// `OAUTH_USER_ALREADY_EXISTS`. See [`OAuthSignIn::associate_by_email`].
    pub fn associate_by_email(mut self, on: bool) -> Self {
        self.rules.associate_by_email = on;
        self
    }

    /// Marks users created through the provider verified when the provider verified
    /// their address. Default: off.
    pub fn is_verified_by_default(mut self, on: bool) -> Self {
        self.rules.is_verified_by_default = on;
        self
    }

    /// Sets the redirect URI sent to the provider, for deployments behind a proxy.
    /// Default: the absolute URL of the callback route as the client reached it (the
    /// request's scheme, or `http`, and its `Host` header).
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_url = Some(url.into());
        self
    }

    /// Adjusts the CSRF cookie's attributes.
    pub fn csrf_cookie(
        mut self,
        edit: impl Fn(CookieSettings) -> CookieSettings + Send + Sync + 'static,
    ) -> Self {
        self.csrf_cookie = Some(Arc::new(edit));
        self
    }
}

impl fmt::Debug for OAuthOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthOptions")
            .field("associate_by_email", &self.rules.associate_by_email)
            .field("is_verified_by_default", &self.rules.is_verified_by_default)
            .field("redirect_url", &self.redirect_url)
            .field("csrf_cookie_edited", &self.csrf_cookie.is_some())
            .finish()
    }
}

/// A mounted OAuth router, resolved at build time.
#[derive(Debug)]
pub(crate) struct OAuthRoute {
    pub(crate) provider: Arc<dyn OAuthProvider>,
    /// The mount prefix, for the derived redirect URI.
    pub(crate) prefix: String,
    /// The backend that answers a login; `None` for the associate router.
    pub(crate) backend: Option<usize>,
    pub(crate) rules: OAuthSignIn,
    pub(crate) redirect_url: Option<String>,
    pub(crate) csrf_cookie: CookieSettings,
    /// State tokens are HS256 with the secret, as FastAPI Users signs them.
    pub(crate) state_keys: JwtKeys,
    pub(crate) state_audience: String,
    /// The key of the PKCE verifiers.
    pub(crate) secret: Secret,
}

impl OAuthRoute {
    pub(crate) fn new(
        provider: Arc<dyn OAuthProvider>,
        prefix: String,
        backend: Option<usize>,
        options: OAuthOptions,
        names: &Names,
        secret: &Secret,
    ) -> Result<Self, Error> {
        if let Some(url) = &options.redirect_url {
            url::Url::parse(url)
                .map_err(|err| config_error(format!("invalid OAuth redirect URL: {err}")))?;
        }
        let cookie = CookieSettings::new(names.csrf_cookie.clone()).max_age(Some(STATE_LIFETIME));
        let csrf_cookie = match &options.csrf_cookie {
            Some(edit) => edit(cookie),
            None => cookie,
        };
        Ok(Self {
            provider,
            prefix,
            backend,
            rules: options.rules,
            redirect_url: options.redirect_url,
            csrf_cookie,
            state_keys: JwtKeys::hs256(secret)?,
            state_audience: names.state_audience.clone(),
            secret: secret.clone(),
        })
    }
}
