//! The authorization code flow every built-in provider shares, on the `oauth2` crate.

use oauth2::basic::{BasicClient, BasicErrorResponse, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, RedirectUrl, RefreshToken, RequestTokenError, Scope, TokenResponse, TokenUrl,
};
use serde::de::DeserializeOwned;

use super::client::{HttpClient, TokenEndpoint};
use super::{AuthorizationRequest, PkceVerifier, ProviderTokens};
use crate::token::now_unix;
use crate::{Error, ProviderError, Secret, Token};

/// A provider's three endpoints.
///
/// ```
/// use keycard_core::oauth::Endpoints;
///
/// let endpoints = Endpoints::new(
///     "https://id.example/authorize",
///     "https://id.example/token",
///     "https://id.example/userinfo",
/// );
/// assert_eq!(endpoints.token, "https://id.example/token");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// The authorization endpoint, where the user is sent (RFC 6749 §3.1).
    pub authorize: String,
    /// The token endpoint, where codes are redeemed (RFC 6749 §3.2).
    pub token: String,
    /// The endpoint that describes the account, read with the access token.
    pub userinfo: String,
}

impl Endpoints {
    /// Endpoints from three URLs.
    pub fn new(
        authorize: impl Into<String>,
        token: impl Into<String>,
        userinfo: impl Into<String>,
    ) -> Self {
        Self {
            authorize: authorize.into(),
            token: token.into(),
            userinfo: userinfo.into(),
        }
    }

    /// Checks that every endpoint is an absolute URL.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        for (what, value) in [
            ("authorization", &self.authorize),
            ("token", &self.token),
            ("userinfo", &self.userinfo),
        ] {
            url::Url::parse(value)
                .map_err(|err| Error::Config(format!("the {what} endpoint is invalid: {err}")))?;
        }
        Ok(())
    }
}

type Configured =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// Client id and secret, endpoints and defaults: the shared body of every provider.
#[derive(Debug, Clone)]
pub(crate) struct StandardClient {
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) endpoints: Endpoints,
    pub(crate) basic_auth: bool,
    pub(crate) scopes: Vec<String>,
    pub(crate) extra_params: Vec<(String, String)>,
    pub(crate) http: HttpClient,
}

impl StandardClient {
    pub(crate) fn new(client_id: String, client_secret: Secret, endpoints: Endpoints) -> Self {
        Self {
            client_id,
            client_secret,
            endpoints,
            basic_auth: false,
            scopes: Vec::new(),
            extra_params: Vec::new(),
            http: HttpClient::default(),
        }
    }

    fn configured(&self) -> Result<Configured, Error> {
        let auth_url = AuthUrl::new(self.endpoints.authorize.clone()).map_err(|err| {
            Error::Config(format!("the authorization endpoint is invalid: {err}"))
        })?;
        let token_url = TokenUrl::new(self.endpoints.token.clone())
            .map_err(|err| Error::Config(format!("the token endpoint is invalid: {err}")))?;
        let auth_type = if self.basic_auth {
            AuthType::BasicAuth
        } else {
            AuthType::RequestBody
        };
        Ok(BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_client_secret(ClientSecret::new(
                self.client_secret.expose_secret().to_owned(),
            ))
            .set_auth_uri(auth_url)
            .set_token_uri(token_url)
            .set_auth_type(auth_type))
    }

    pub(crate) fn authorization_url(
        &self,
        request: AuthorizationRequest<'_>,
    ) -> Result<String, Error> {
        let redirect = redirect_url(request.redirect_uri)?;
        let scopes = if request.scopes.is_empty() {
            &self.scopes
        } else {
            request.scopes
        };
        let state = request.state.to_owned();
        let client = self.configured()?.set_redirect_uri(redirect);
        let mut builder = client
            .authorize_url(move || CsrfToken::new(state))
            .add_scopes(scopes.iter().map(|scope| Scope::new(scope.clone())))
            .set_pkce_challenge(request.pkce.oauth2_challenge());
        for (name, value) in &self.extra_params {
            builder = builder.add_extra_param(name.as_str(), value.as_str());
        }
        Ok(builder.url().0.into())
    }

    pub(crate) async fn exchange_code(
        &self,
        code: &Token,
        redirect_uri: &str,
        pkce: &PkceVerifier,
    ) -> Result<ProviderTokens, Error> {
        let client = self
            .configured()?
            .set_redirect_uri(redirect_url(redirect_uri)?);
        let response = client
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .set_pkce_verifier(pkce.oauth2_verifier())
            .request_async(&TokenEndpoint(&self.http))
            .await;
        response
            .map(tokens)
            .map_err(|err| token_error(err, Error::OAuthCodeRefused))
    }

    pub(crate) async fn refresh(&self, refresh_token: &Token) -> Result<ProviderTokens, Error> {
        let client = self.configured()?;
        let secret = RefreshToken::new(refresh_token.expose_secret().to_owned());
        let response = client
            .exchange_refresh_token(&secret)
            .request_async(&TokenEndpoint(&self.http))
            .await;
        let mut fresh = response
            .map(tokens)
            .map_err(|err| token_error(err, Error::OAuthRefreshRefused))?;
        // A provider may keep the refresh token and issue none (RFC 6749 §6).
        fresh.refresh_token = fresh.refresh_token.or_else(|| Some(refresh_token.clone()));
        Ok(fresh)
    }

    /// Reads the user-info endpoint with the access token.
    pub(crate) async fn userinfo<T: DeserializeOwned>(
        &self,
        tokens: &ProviderTokens,
        accept: &'static str,
    ) -> Result<T, Error> {
        self.http
            .get_json(&self.endpoints.userinfo, Some(&tokens.access_token), accept)
            .await
    }
}

fn redirect_url(redirect_uri: &str) -> Result<RedirectUrl, Error> {
    RedirectUrl::new(redirect_uri.to_owned())
        .map_err(|err| Error::Config(format!("the redirect URI is invalid: {err}")))
}

fn tokens(response: BasicTokenResponse) -> ProviderTokens {
    let expires_at = response.expires_in().map(|lifetime| {
        let seconds = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
        now_unix().saturating_add(seconds)
    });
    ProviderTokens {
        access_token: Token::new(response.access_token().secret().clone()),
        expires_at,
        refresh_token: response
            .refresh_token()
            .map(|token| Token::new(token.secret().clone())),
    }
}

/// Maps an `oauth2` failure, dropping any raw body it kept (it may hold tokens).
fn token_error(err: RequestTokenError<ProviderError, BasicErrorResponse>, refused: Error) -> Error {
    match err {
        RequestTokenError::ServerResponse(response) => {
            let code = response.error().as_ref();
            // GitHub answers a bad code with its own `bad_verification_code`.
            if matches!(code, "invalid_grant" | "bad_verification_code") {
                refused
            } else {
                ProviderError::refused(code).into()
            }
        }
        RequestTokenError::Request(err) => err.into(),
        RequestTokenError::Parse(err, _body) => ProviderError::Malformed {
            path: err.path().to_string(),
        }
        .into(),
        RequestTokenError::Other(_) => ProviderError::Malformed { path: ".".into() }.into(),
    }
}
