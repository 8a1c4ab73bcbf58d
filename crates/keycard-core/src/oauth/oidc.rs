//! A provider configured from its OpenID Connect discovery document.

use async_trait::async_trait;
use serde::Deserialize;

use super::client::HttpClient;
use super::generic::GenericProvider;
use super::standard::Endpoints;
use super::{AuthorizationRequest, OAuthProvider, PkceVerifier, ProviderAccount, ProviderTokens};
use crate::{Error, ProviderError, Secret, Token};

/// An OpenID Connect provider, configured from
/// `{issuer}/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4).
///
/// It uses the document's authorization, token and user-info endpoints, reads the
/// user-info claims `sub`, `email` and `email_verified`, asks for the scopes `openid
/// email` by default, and authenticates at the token endpoint with HTTP Basic unless
/// the provider supports only `client_secret_post`.
///
/// ```no_run
/// # async fn run() -> Result<(), keycard_core::Error> {
/// use keycard_core::Secret;
/// use keycard_core::oauth::{OAuthProvider, OidcProvider};
///
/// let provider =
///     OidcProvider::discover("acme", "https://id.acme.example", "client", Secret::new("s"))
///         .await?;
/// assert_eq!(provider.name(), "acme");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct OidcProvider {
    inner: GenericProvider,
    issuer: String,
}

#[derive(Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    userinfo_endpoint: Option<String>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

impl OidcProvider {
    /// Fetches the discovery document of `issuer` and configures a provider named `name`.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthProvider`] when the document cannot be fetched, is malformed, has no
    /// user-info endpoint or names another issuer; [`Error::Config`] for an invalid name
    /// or endpoint.
    pub async fn discover(
        name: impl Into<String>,
        issuer: &str,
        client_id: impl Into<String>,
        client_secret: Secret,
    ) -> Result<Self, Error> {
        Self::discover_with(
            name,
            issuer,
            client_id,
            client_secret,
            HttpClient::default(),
        )
        .await
    }

    /// As [`discover`](Self::discover), through a given HTTP client.
    ///
    /// # Errors
    ///
    /// As [`discover`](Self::discover).
    pub async fn discover_with(
        name: impl Into<String>,
        issuer: &str,
        client_id: impl Into<String>,
        client_secret: Secret,
        http: HttpClient,
    ) -> Result<Self, Error> {
        // FIXME: the document is read once; a provider that moves its endpoints needs a
        // new `OidcProvider` (a restart), as there is no periodic re-discovery.
        let issuer = issuer.trim_end_matches('/');
        let url = format!("{issuer}/.well-known/openid-configuration");
        let document: Discovery = http.get_json(&url, None, "application/json").await?;
        if document.issuer.trim_end_matches('/') != issuer {
            return Err(ProviderError::IssuerMismatch.into());
        }
        let userinfo = document
            .userinfo_endpoint
            .ok_or_else(|| ProviderError::Malformed {
                path: "userinfo_endpoint".into(),
            })?;
        let endpoints = Endpoints::new(
            document.authorization_endpoint,
            document.token_endpoint,
            userinfo,
        );

        let mut inner =
            GenericProvider::new(name, client_id, client_secret, endpoints)?.http_client(http);
        let methods = document.token_endpoint_auth_methods_supported;
        // Without the list, `client_secret_basic` is the default (Discovery §3).
        let post_only = methods.is_some_and(|methods| {
            !methods.iter().any(|m| m == "client_secret_basic")
                && methods.iter().any(|m| m == "client_secret_post")
        });
        if !post_only {
            inner = inner.basic_auth();
        }
        Ok(Self {
            inner,
            issuer: document.issuer,
        })
    }

    /// Sets the default scopes. Default: `openid email`.
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.inner = self.inner.scopes(scopes);
        self
    }

    /// The issuer, as the discovery document names it.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The discovered endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        self.inner.endpoints()
    }
}

// FIXME: the ID token the token endpoint returns is not validated; the account is read
// from the user-info endpoint with the access token instead (OpenID Connect Core §5.3),
// which costs one request more but needs no JWKS handling.
#[async_trait]
impl OAuthProvider for OidcProvider {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn authorization_url(&self, request: AuthorizationRequest<'_>) -> Result<String, Error> {
        self.inner.authorization_url(request)
    }

    async fn exchange_code(
        &self,
        code: &Token,
        redirect_uri: &str,
        pkce: &PkceVerifier,
    ) -> Result<ProviderTokens, Error> {
        self.inner.exchange_code(code, redirect_uri, pkce).await
    }

    async fn account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        self.inner.account(tokens).await
    }

    async fn refresh(&self, refresh_token: &Token) -> Result<ProviderTokens, Error> {
        self.inner.refresh(refresh_token).await
    }
}
