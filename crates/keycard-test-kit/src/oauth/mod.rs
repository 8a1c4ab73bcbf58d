//! A provider double: a small OAuth 2.0 authorization server on a loopback port, for
//! testing sign-in code against something that checks what it is sent.
//!
//! [`ProviderDouble::start`] binds `127.0.0.1:0` and serves, on the running Tokio
//! runtime:
//!
//! | endpoint | what it does |
//! |---|---|
//! | `GET /authorize` | consents at once for the configured [`Account`]: `302` back to the `redirect_uri` with `code` and `state`, or with `error=access_denied` under [`ProviderDouble::deny_consent`] |
//! | `POST /token` | redeems a code once, for the same client and redirect URI and a PKCE verifier matching the S256 challenge (RFC 7636 §4.6), or a refresh token; the client authenticates with `client_secret_post` or `client_secret_basic` |
//! | `GET /userinfo` and any other path | the account's answer at that path, for a bearer of its access token |
//! | `GET /.well-known/openid-configuration` | OpenID Connect discovery, with the base URL as issuer |
//!
//! It records every token request ([`ProviderDouble::token_requests`]) before deciding
//! how to answer, and can be told to refuse codes, misbehave ([`Behaviour`]) or be
//! slow. Settings take effect for the next request; clones share one double.
//!
//! Tests without a browser skip the `/authorize` round trip with
//! [`ProviderDouble::approve`], which issues the code the endpoint would have.
//!
//! ```
//! use keycard_core::oauth::{AuthorizationRequest, OAuthProvider, PkceVerifier};
//! use keycard_core::{Secret, Token};
//! use keycard_test_kit::oauth::{Account, ProviderDouble};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let double = ProviderDouble::start().await;
//! double.set_account(Account::new("42").email("ann@example.com").email_verified(true));
//! let provider = double.generic_provider("acme");
//!
//! let pkce = PkceVerifier::derive(&Secret::new("server secret"), "csrf token");
//! let redirect_uri = "http://app.test/auth/acme/callback";
//! let url = provider.authorization_url(AuthorizationRequest {
//!     redirect_uri,
//!     state: "state",
//!     scopes: &[],
//!     pkce: &pkce,
//! })?;
//! let code = double.approve(&url);
//! let tokens = provider.exchange_code(&Token::new(code), redirect_uri, &pkce).await?;
//! let account = provider.account(&tokens).await?;
//! assert_eq!(account.id, "42");
//! assert_eq!(account.email.as_deref(), Some("ann@example.com"));
//!
//! let sent = double.token_requests();
//! assert_eq!(sent[0].code_verifier(), Some(pkce.expose_secret()));
//! assert_eq!(sent[0].client_secret(), Some(double.client_secret()));
//! # Ok::<(), keycard_core::Error>(())
//! # }).unwrap();
//! ```

mod account;
mod behaviour;
mod server;
mod state;
mod token_request;

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use keycard_core::Secret;
use keycard_core::oauth::{Endpoints, GenericProvider};
use tokio::net::TcpListener;

pub use account::Account;
pub use behaviour::Behaviour;
pub use token_request::TokenRequest;

use state::{Shared, State};

/// The client id a double accepts unless its builder sets another.
pub const DEFAULT_CLIENT_ID: &str = "double-client";
/// The client secret a double accepts unless its builder sets another.
pub const DEFAULT_CLIENT_SECRET: &str = "double-client-secret";

/// A loopback OAuth 2.0 provider for tests; see the [module documentation](self).
///
/// Cheap to clone; clones share the server and its settings. The server runs as long as
/// the Tokio runtime it was started on.
#[derive(Clone)]
pub struct ProviderDouble {
    shared: Arc<Shared>,
}

/// Options for a [`ProviderDouble`]; start with [`ProviderDouble::builder`].
#[derive(Debug)]
#[must_use]
pub struct ProviderDoubleBuilder {
    client_id: String,
    client_secret: String,
    account: Account,
}

impl ProviderDoubleBuilder {
    /// The one client the double knows. Default: [`DEFAULT_CLIENT_ID`] and
    /// [`DEFAULT_CLIENT_SECRET`].
    pub fn client(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.client_id = id.into();
        self.client_secret = secret.into();
        self
    }

    /// The account that consents. Default: [`Account::default`].
    pub fn account(mut self, account: Account) -> Self {
        self.account = account;
        self
    }

    /// Binds `127.0.0.1:0` and serves on the current Tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime with I/O enabled, or when no loopback port is free.
    pub async fn start(self) -> ProviderDouble {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the provider double binds a loopback port");
        let address = listener
            .local_addr()
            .expect("a bound listener has an address");
        let shared = Arc::new(Shared {
            base_url: format!("http://{address}"),
            client_id: self.client_id,
            client_secret: self.client_secret,
            state: Mutex::new(State {
                account: self.account,
                ..State::default()
            }),
        });
        tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        ProviderDouble { shared }
    }
}

impl ProviderDouble {
    /// Starts a double with the defaults of [`ProviderDoubleBuilder`].
    ///
    /// # Panics
    ///
    /// As [`ProviderDoubleBuilder::start`].
    pub async fn start() -> Self {
        Self::builder().start().await
    }

    /// Options for a double.
    pub fn builder() -> ProviderDoubleBuilder {
        ProviderDoubleBuilder {
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
            account: Account::default(),
        }
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash; also the OpenID issuer.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The authorization endpoint, `{base}/authorize`.
    pub fn authorize_url(&self) -> String {
        format!("{}/authorize", self.base_url())
    }

    /// The token endpoint, `{base}/token`.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url())
    }

    /// The user-info endpoint, `{base}/userinfo`.
    pub fn userinfo_url(&self) -> String {
        format!("{}/userinfo", self.base_url())
    }

    /// The three endpoints, for a keycard provider.
    pub fn endpoints(&self) -> Endpoints {
        Endpoints::new(self.authorize_url(), self.token_url(), self.userinfo_url())
    }

    /// A [`GenericProvider`] named `name` for this double and its client.
    ///
    /// # Panics
    ///
    /// When `name` is not a valid provider name.
    pub fn generic_provider(&self, name: &str) -> GenericProvider {
        let secret = Secret::new(self.client_secret());
        GenericProvider::new(name, self.client_id(), secret, self.endpoints())
            .expect("a valid provider name")
    }

    /// The client id the double accepts.
    pub fn client_id(&self) -> &str {
        &self.shared.client_id
    }

    /// The client secret the double accepts.
    pub fn client_secret(&self) -> &str {
        &self.shared.client_secret
    }

    /// The account that consents from now on; codes issued before keep theirs.
    pub fn set_account(&self, account: Account) {
        self.shared.state().account = account;
    }

    /// Makes `GET /authorize` refuse consent (`error=access_denied`). Default: consent.
    pub fn deny_consent(&self, deny: bool) {
        self.shared.state().deny_consent = deny;
    }

    /// Makes the token endpoint refuse every code with `invalid_grant`, as a provider
    /// does with an expired or forged one. Default: off.
    pub fn refuse_codes(&self, refuse: bool) {
        self.shared.state().refuse_codes = refuse;
    }

    /// How the token endpoint answers. Default: [`Behaviour::Normal`].
    pub fn set_token_behaviour(&self, behaviour: Behaviour) {
        self.shared.state().token_behaviour = behaviour;
    }

    /// How the user-info and other resource endpoints answer. Default:
    /// [`Behaviour::Normal`].
    pub fn set_userinfo_behaviour(&self, behaviour: Behaviour) {
        self.shared.state().userinfo_behaviour = behaviour;
    }

    /// Waits this long before answering any request. Default: no delay.
    pub fn set_delay(&self, delay: Duration) {
        self.shared.state().delay = delay;
    }

    /// Every token request so far, in order, including refused ones.
    pub fn token_requests(&self) -> Vec<TokenRequest> {
        self.shared.state().token_requests.clone()
    }

    /// What a user's consent at `GET /authorize` yields for the configured account: the
    /// code, bound to the URL's client, redirect URI and PKCE challenge.
    ///
    /// # Panics
    ///
    /// When the URL is not an authorization request the endpoint would grant: unknown
    /// client, no redirect URI, `response_type` other than `code`, or no S256 challenge.
    pub fn approve(&self, authorization_url: &str) -> String {
        let account = self.shared.state().account.clone();
        self.approve_as(authorization_url, account)
    }

    /// As [`approve`](Self::approve), for `account` instead of the configured one.
    ///
    /// # Panics
    ///
    /// As [`approve`](Self::approve).
    pub fn approve_as(&self, authorization_url: &str, account: Account) -> String {
        let query = authorization_url.split_once('?').map(|(_, query)| query);
        let query = server::query_of(query.unwrap_or_default());
        match self.shared.grant(&query, account) {
            Ok(code) => code,
            Err(refusal) => panic!("the provider double refuses {authorization_url}: {refusal:?}"),
        }
    }
}

impl fmt::Debug for ProviderDouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderDouble")
            .field("base_url", &self.shared.base_url)
            .field("client_id", &self.shared.client_id)
            .finish_non_exhaustive()
    }
}
