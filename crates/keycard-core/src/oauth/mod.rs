//! OAuth 2.0 and OpenID Connect providers: sign users in with an account elsewhere.
//!
//! One trait, [`OAuthProvider`], covers what keycard asks of a provider: the authorization
//! URL (state, scopes and a PKCE S256 challenge, RFC 7636), redeeming the code, the
//! account's id and e-mail address with whether the provider verified it, and refreshing
//! an access token. Built in: [`Google`], [`GitHub`], [`Microsoft`], [`Discord`],
//! [`GitLab`], a [`GenericProvider`] configured with its endpoints and user-info field
//! names, and an [`OidcProvider`] configured from its discovery document.
//!
//! Every provider talks HTTP through an [`HttpClient`] that never follows redirects, reads
//! at most [`MAX_RESPONSE_BYTES`] of an answer and gives up after a timeout, so a
//! provider that is down or answers garbage is an [`Error::OAuthProvider`], never a hang
//! or a panic. Client secrets are [`Secret`]s and provider tokens [`Token`]s: neither
//! prints in `Debug`.
//!
//! ```
//! use keycard_core::Secret;
//! use keycard_core::oauth::{GitHub, OAuthProvider};
//!
//! let github = GitHub::new("client-id", Secret::new("client-secret"));
//! assert_eq!(github.name(), "github");
//! assert!(!format!("{github:?}").contains("client-secret"));
//! ```
//!
//! # Writing a provider
//!
//! A provider is one trait implementation. Wrapping a [`GenericProvider`] leaves only the
//! user-info answer to read:
//!
//! ```
//! use async_trait::async_trait;
//! use keycard_core::oauth::{
//!     AuthorizationRequest, Endpoints, GenericProvider, OAuthProvider, PkceVerifier,
//!     ProviderAccount, ProviderTokens,
//! };
//! use keycard_core::{Error, Secret, Token};
//!
//! #[derive(Debug)]
//! struct Acme(GenericProvider);
//!
//! #[async_trait]
//! impl OAuthProvider for Acme {
//!     fn name(&self) -> &str {
//!         "acme"
//!     }
//!
//!     fn authorization_url(&self, request: AuthorizationRequest<'_>) -> Result<String, Error> {
//!         self.0.authorization_url(request)
//!     }
//!
//!     async fn exchange_code(
//!         &self,
//!         code: &Token,
//!         redirect_uri: &str,
//!         pkce: &PkceVerifier,
//!     ) -> Result<ProviderTokens, Error> {
//!         self.0.exchange_code(code, redirect_uri, pkce).await
//!     }
//!
//!     async fn account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
//!         let me = self.0.fetch_json("https://api.acme.example/me", tokens).await?;
//!         Ok(ProviderAccount {
//!             id: me["uid"].as_str().unwrap_or_default().to_owned(),
//!             email: me["mail"].as_str().map(str::to_owned),
//!             email_verified: false,
//!         })
//!     }
//! }
//!
//! let endpoints = Endpoints::new(
//!     "https://acme.example/authorize",
//!     "https://acme.example/token",
//!     "https://api.acme.example/me",
//! );
//! let acme = Acme(GenericProvider::new("acme", "id", Secret::new("secret"), endpoints)?);
//! assert_eq!(acme.name(), "acme");
//! # Ok::<(), Error>(())
//! ```

mod builtin;
mod client;
mod discord;
mod generic;
mod github;
mod gitlab;
mod google;
mod microsoft;
mod oidc;
mod pkce;
mod standard;

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

pub use client::{HttpClient, MAX_RESPONSE_BYTES, install_crypto_provider};
pub use discord::Discord;
pub(crate) use generic::validate_name;
pub use generic::{GenericProvider, UserInfoFields};
pub use github::GitHub;
pub use gitlab::GitLab;
pub use google::Google;
pub use microsoft::Microsoft;
pub use oidc::OidcProvider;
pub use pkce::PkceVerifier;
pub use standard::Endpoints;

#[cfg(doc)]
use crate::Secret;
use crate::{Error, Token};

/// An OAuth 2.0 provider keycard can sign users in with.
///
/// Implementations must not log or put into errors any token, code, verifier or secret.
#[async_trait]
pub trait OAuthProvider: fmt::Debug + Send + Sync + 'static {
    /// The provider's name, such as `google`: the `oauth_name` of linked accounts and the
    /// path segment of the standard routes.
    fn name(&self) -> &str;

    /// The URL to send the user to (RFC 6749 §4.1.1), with the state, the scopes (the
    /// provider's defaults when `request.scopes` is empty) and the PKCE S256 challenge.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when an endpoint or the redirect URI is not a valid URL.
    fn authorization_url(&self, request: AuthorizationRequest<'_>) -> Result<String, Error>;

    /// Redeems an authorization code at the token endpoint (RFC 6749 §4.1.3), sending the
    /// PKCE verifier.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthCodeRefused`] when the provider refuses the code,
    /// [`Error::OAuthProvider`] when it cannot be reached or answers garbage.
    async fn exchange_code(
        &self,
        code: &Token,
        redirect_uri: &str,
        pkce: &PkceVerifier,
    ) -> Result<ProviderTokens, Error>;

    /// Fetches the account the tokens belong to.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthProvider`] when the provider cannot be reached, refuses the token or
    /// answers without an account id.
    async fn account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error>;

    /// Gets fresh tokens with a refresh token (RFC 6749 §6). The default refuses.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthRefreshUnsupported`] by default, [`Error::OAuthRefreshRefused`] when
    /// the provider refuses the refresh token, [`Error::OAuthProvider`] when it cannot be
    /// reached or answers garbage.
    async fn refresh(&self, refresh_token: &Token) -> Result<ProviderTokens, Error> {
        let _ = refresh_token;
        Err(Error::OAuthRefreshUnsupported)
    }
}

#[async_trait]
impl<P: OAuthProvider + ?Sized> OAuthProvider for Arc<P> {
    fn name(&self) -> &str {
        (**self).name()
    }

    fn authorization_url(&self, request: AuthorizationRequest<'_>) -> Result<String, Error> {
        (**self).authorization_url(request)
    }

    async fn exchange_code(
        &self,
        code: &Token,
        redirect_uri: &str,
        pkce: &PkceVerifier,
    ) -> Result<ProviderTokens, Error> {
        (**self).exchange_code(code, redirect_uri, pkce).await
    }

    async fn account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        (**self).account(tokens).await
    }

    async fn refresh(&self, refresh_token: &Token) -> Result<ProviderTokens, Error> {
        (**self).refresh(refresh_token).await
    }
}

/// What goes into an authorization URL.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizationRequest<'a> {
    /// Where the provider sends the user back, exactly as the token request repeats it.
    pub redirect_uri: &'a str,
    /// The opaque state the provider hands back (RFC 6749 §10.12).
    pub state: &'a str,
    /// The scopes to ask for; empty for the provider's defaults.
    pub scopes: &'a [String],
    /// The PKCE verifier whose S256 challenge the URL carries.
    pub pkce: &'a PkceVerifier,
}

/// The tokens a provider issued, as [`OAuthAccount`](crate::OAuthAccount) stores them.
///
/// ```
/// use keycard_core::Token;
/// use keycard_core::oauth::ProviderTokens;
///
/// let tokens = ProviderTokens::new(Token::new("gho_secret"));
/// assert!(!format!("{tokens:?}").contains("gho_secret"));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ProviderTokens {
    /// The access token.
    pub access_token: Token,
    /// When the access token expires, in Unix seconds, if the provider said.
    pub expires_at: Option<i64>,
    /// The refresh token, if the provider issued one.
    pub refresh_token: Option<Token>,
}

impl ProviderTokens {
    /// An access token without expiry or refresh token.
    pub fn new(access_token: Token) -> Self {
        Self {
            access_token,
            expires_at: None,
            refresh_token: None,
        }
    }

    /// Sets the expiry, in Unix seconds.
    #[must_use]
    pub fn expires_at(mut self, expires_at: Option<i64>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// Sets the refresh token.
    #[must_use]
    pub fn refresh_token(mut self, refresh_token: Option<Token>) -> Self {
        self.refresh_token = refresh_token;
        self
    }
}

/// Who the tokens belong to at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderAccount {
    /// The account's stable identifier at the provider.
    pub id: String,
    /// The account's e-mail address, if the provider shares one.
    pub email: Option<String>,
    /// Whether the provider says it verified that the account owns the address.
    pub email_verified: bool,
}

#[cfg(test)]
mod tests;
