//! The OAuth routers' builder calls.

use std::sync::Arc;

use super::{KeycardBuilder, MountSpec, normalize_prefix};
use crate::http::OAuthOptions;
use crate::http::oauth::OAuthRoute;
use crate::http::routes::Router;
use crate::oauth::OAuthProvider;
use crate::token::Names;
use crate::{Error, Secret};

impl KeycardBuilder {
    /// Mounts `GET {prefix}/authorize` and `GET {prefix}/callback`: signing in with
    /// `provider`, answered by the backend named `backend` as its login route answers.
    ///
    /// ```
    /// use keycard_core::http::{Keycard, OAuthOptions};
    /// use keycard_core::oauth::GitHub;
    /// use keycard_core::{MemoryStore, Secret};
    ///
    /// let keycard = Keycard::builder(MemoryStore::new(), Secret::new("s"))
    ///     .bearer_backend("jwt")
    ///     .oauth_routes("/auth/github", GitHub::new("id", Secret::new("cs")), "jwt", OAuthOptions::new())
    ///     .build()?;
    /// assert!(keycard.serves("/auth/github/authorize", &http::Method::GET));
    /// # Ok::<(), keycard_core::Error>(())
    /// ```
    pub fn oauth_routes(
        self,
        prefix: &str,
        provider: impl OAuthProvider,
        backend: &str,
        options: OAuthOptions,
    ) -> Self {
        self.mount_oauth(prefix, Arc::new(provider), Some(backend), options)
    }

    /// Mounts `GET {prefix}/authorize` and `GET {prefix}/callback` for signed-in users to
    /// link their account at `provider`; the callback answers with the user.
    pub fn oauth_associate_routes(
        self,
        prefix: &str,
        provider: impl OAuthProvider,
        options: OAuthOptions,
    ) -> Self {
        self.mount_oauth(prefix, Arc::new(provider), None, options)
    }

    /// Mounts both OAuth routers at FastAPI Users' places: signing in at
    /// `/auth/{provider name}` through the backend named `backend`, linking at
    /// `/auth/associate/{provider name}`.
    ///
    /// ```
    /// use keycard_core::http::{Keycard, OAuthOptions};
    /// use keycard_core::oauth::Google;
    /// use keycard_core::{MemoryStore, Secret};
    ///
    /// let keycard = Keycard::builder(MemoryStore::new(), Secret::new("s"))
    ///     .bearer_backend("jwt")
    ///     .standard_oauth_routes(Google::new("id", Secret::new("cs")), "jwt", OAuthOptions::new())
    ///     .build()?;
    /// assert!(keycard.serves("/auth/google/callback", &http::Method::GET));
    /// assert!(keycard.serves("/auth/associate/google/authorize", &http::Method::GET));
    /// # Ok::<(), keycard_core::Error>(())
    /// ```
    pub fn standard_oauth_routes(
        self,
        provider: impl OAuthProvider,
        backend: &str,
        options: OAuthOptions,
    ) -> Self {
        let provider: Arc<dyn OAuthProvider> = Arc::new(provider);
        let name = provider.name().to_owned();
        let login = format!("/auth/{name}");
        let associate = format!("/auth/associate/{name}");
        self.mount_oauth(
            &login,
            Arc::clone(&provider),
            Some(backend),
            options.clone(),
        )
        .mount_oauth(&associate, provider, None, options)
    }

    fn mount_oauth(
        mut self,
        prefix: &str,
        provider: Arc<dyn OAuthProvider>,
        backend: Option<&str>,
        options: OAuthOptions,
    ) -> Self {
        let spec = MountSpec::OAuth {
            provider,
            backend: backend.map(str::to_owned),
            options,
        };
        self.mounts.push((normalize_prefix(prefix), spec));
        self
    }
}

/// Resolves an OAuth mount once the backends are known.
pub(super) fn router(
    provider: Arc<dyn OAuthProvider>,
    prefix: &str,
    backend: Option<usize>,
    options: OAuthOptions,
    (names, secret): (&Names, &Secret),
) -> Result<Router, Error> {
    crate::oauth::validate_name(provider.name())?;
    let route = OAuthRoute::new(provider, prefix.to_owned(), backend, options, names, secret)?;
    Ok(Router::OAuth(Arc::new(route)))
}
