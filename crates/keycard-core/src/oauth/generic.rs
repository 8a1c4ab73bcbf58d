//! A provider configured with its endpoints and the names of its user-info fields.

use async_trait::async_trait;
use serde_json::Value;

use super::client::HttpClient;
use super::standard::{Endpoints, StandardClient};
use super::{AuthorizationRequest, OAuthProvider, PkceVerifier, ProviderAccount, ProviderTokens};
use crate::{Error, ProviderError, Secret, Token};

/// Where a user-info answer keeps the account's id, e-mail address and whether the
/// address is verified. A name with dots (`data.email`) reaches into nested objects.
///
/// The default reads OpenID Connect's claims (OpenID Connect Core §5.1):
///
/// ```
/// use keycard_core::oauth::UserInfoFields;
///
/// let fields = UserInfoFields::default();
/// assert_eq!((fields.id.as_str(), fields.email.as_str()), ("sub", "email"));
/// assert_eq!(fields.email_verified.as_deref(), Some("email_verified"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserInfoFields {
    /// The account id: a string or a number.
    pub id: String,
    /// The e-mail address.
    pub email: String,
    /// Whether the address is verified: `true` or `"true"`. `None` when the provider
    /// never says, so no address counts as verified.
    pub email_verified: Option<String>,
}

impl Default for UserInfoFields {
    fn default() -> Self {
        Self {
            id: "sub".into(),
            email: "email".into(),
            email_verified: Some("email_verified".into()),
        }
    }
}

impl UserInfoFields {
    /// Reads an account out of a user-info answer.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthProvider`] when the id is missing or neither a string nor a number.
    pub fn read(&self, info: &Value) -> Result<ProviderAccount, Error> {
        let id = match lookup(info, &self.id) {
            Some(Value::String(id)) if !id.is_empty() => id.clone(),
            Some(Value::Number(id)) => id.to_string(),
            _ => {
                return Err(ProviderError::Malformed {
                    path: self.id.clone(),
                }
                .into());
            }
        };
        let email = lookup(info, &self.email)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|email| !email.is_empty())
            .map(str::to_owned);
        let email_verified = self
            .email_verified
            .as_deref()
            .and_then(|name| lookup(info, name))
            .is_some_and(is_true);
        Ok(ProviderAccount {
            id,
            email,
            email_verified,
        })
    }
}

fn lookup<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(value, |value, key| value.get(key))
}

fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(flag) => *flag,
        Value::String(text) => text.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// A generic OAuth 2.0 provider: its endpoints, client id and secret, default scopes
/// `openid email`, and the user-info field names of [`UserInfoFields`].
///
/// The client secret goes in the token request's body (RFC 6749 §2.3.1) unless
/// [`basic_auth`](Self::basic_auth) is called.
///
/// ```
/// use keycard_core::Secret;
/// use keycard_core::oauth::{Endpoints, GenericProvider, OAuthProvider, UserInfoFields};
///
/// let endpoints = Endpoints::new(
///     "https://id.example/authorize",
///     "https://id.example/token",
///     "https://id.example/userinfo",
/// );
/// let provider = GenericProvider::new("example", "client-id", Secret::new("s3cr3t"), endpoints)?
///     .scopes(["openid", "email", "profile"])
///     .fields(UserInfoFields { id: "user_id".into(), ..UserInfoFields::default() });
/// assert_eq!(provider.name(), "example");
/// assert!(GenericProvider::new("bad name", "id", Secret::new("s"), provider.endpoints().clone()).is_err());
/// # Ok::<(), keycard_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct GenericProvider {
    name: String,
    client: StandardClient,
    fields: UserInfoFields,
}

impl GenericProvider {
    /// A provider named `name` (1 to 100 ASCII letters, digits, `-` or `_`).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an invalid name or an endpoint that is not an absolute URL.
    pub fn new(
        name: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: Secret,
        endpoints: Endpoints,
    ) -> Result<Self, Error> {
        let name = name.into();
        validate_name(&name)?;
        endpoints.validate()?;
        let mut client = StandardClient::new(client_id.into(), client_secret, endpoints);
        client.scopes = vec!["openid".into(), "email".into()];
        Ok(Self {
            name,
            client,
            fields: UserInfoFields::default(),
        })
    }

    /// Sets the default scopes. Default: `openid email`.
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.client.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets where the user-info answer keeps its fields. Default: [`UserInfoFields::default`].
    #[must_use]
    pub fn fields(mut self, fields: UserInfoFields) -> Self {
        self.fields = fields;
        self
    }

    /// Sends the client id and secret with HTTP Basic authentication instead of in the
    /// request body. Default: in the body.
    #[must_use]
    pub fn basic_auth(mut self) -> Self {
        self.client.basic_auth = true;
        self
    }

    /// Adds a parameter to every authorization URL, such as `prompt=consent`.
    #[must_use]
    pub fn authorize_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.client.extra_params.push((name.into(), value.into()));
        self
    }

    /// Sets the HTTP client. Default: [`HttpClient::default`].
    #[must_use]
    pub fn http_client(mut self, http: HttpClient) -> Self {
        self.client.http = http;
        self
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.client.endpoints
    }

    /// `GET url` with the access token, reading JSON: for providers that wrap this one
    /// and read their own account answer.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthProvider`] for a failed request, a status other than 200, or an
    /// answer that is not JSON.
    pub async fn fetch_json(&self, url: &str, tokens: &ProviderTokens) -> Result<Value, Error> {
        let http = &self.client.http;
        http.get_json(url, Some(&tokens.access_token), "application/json")
            .await
    }
}

pub(crate) fn validate_name(name: &str) -> Result<(), Error> {
    let valid = (1..=100).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Error::Config(format!("invalid provider name {name:?}")))
    }
}

#[async_trait]
impl OAuthProvider for GenericProvider {
    fn name(&self) -> &str {
        &self.name
    }

    fn authorization_url(&self, request: AuthorizationRequest<'_>) -> Result<String, Error> {
        self.client.authorization_url(request)
    }

    async fn exchange_code(
        &self,
        code: &Token,
        redirect_uri: &str,
        pkce: &PkceVerifier,
    ) -> Result<ProviderTokens, Error> {
        self.client.exchange_code(code, redirect_uri, pkce).await
    }

    async fn account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        let info: Value = self.client.userinfo(tokens, "application/json").await?;
        self.fields.read(&info)
    }

    async fn refresh(&self, refresh_token: &Token) -> Result<ProviderTokens, Error> {
        self.client.refresh(refresh_token).await
    }
}
