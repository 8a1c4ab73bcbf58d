//! The HTTP client providers talk through, and its adapter to the `oauth2` crate.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use http::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use crate::{Error, ProviderError, Token};

/// The most keycard reads of one provider answer: 1 MiB.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// How long one provider request may take, connection included, by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// Installs rustls' ring crypto provider as the process default, unless one is installed
/// already. Safe to call any number of times, from any thread.
///
/// keycard calls it before building any TLS client; call it in `main` too if your
/// application builds TLS clients of its own (reqwest with `rustls-no-provider` panics
/// without a default provider).
///
/// ```
/// keycard_core::oauth::install_crypto_provider();
/// keycard_core::oauth::install_crypto_provider();
/// assert!(rustls::crypto::CryptoProvider::get_default().is_some());
/// ```
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread is fine: a provider is installed either way.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The HTTP client providers use: rustls, no redirects followed, a timeout per request,
/// answers read up to [`MAX_RESPONSE_BYTES`].
///
/// Not following redirects matters for security: a token request or a bearer-token
/// request must reach the configured endpoint or fail, never be replayed elsewhere.
///
/// The default is one client per process, built on first use and shared, so providers
/// share its connection pool.
///
/// ```
/// use std::time::Duration;
/// use keycard_core::oauth::HttpClient;
///
/// let client = HttpClient::with_timeout(Duration::from_secs(5))?;
/// assert!(format!("{client:?}").starts_with("HttpClient"));
/// # Ok::<(), keycard_core::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct HttpClient {
    dedicated: Option<reqwest::Client>,
}

impl HttpClient {
    /// A dedicated client whose requests give up after `timeout`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the TLS backend cannot be set up.
    pub fn with_timeout(timeout: Duration) -> Result<Self, Error> {
        Ok(Self {
            dedicated: Some(build(timeout)?),
        })
    }

    /// The reqwest client behind this one.
    fn client(&self) -> Result<reqwest::Client, Error> {
        static SHARED: OnceLock<reqwest::Client> = OnceLock::new();
        if let Some(client) = &self.dedicated {
            return Ok(client.clone());
        }
        if let Some(client) = SHARED.get() {
            return Ok(client.clone());
        }
        let client = build(DEFAULT_TIMEOUT)?;
        Ok(SHARED.get_or_init(|| client).clone())
    }

    /// Sends an `oauth2` request and reads the answer, for the token endpoint.
    ///
    /// Statuses other than 200, 400 and 401 (the ones RFC 6749 §5.2 gives OAuth error
    /// bodies) are errors here already, so a 5xx page or a redirect never reaches the
    /// token-response parser. A 200 whose JSON carries `error` and no `access_token` (as
    /// GitHub answers a bad code) is turned into a 400 so it reads as the error it is.
    pub(crate) async fn send_token_request(
        &self,
        request: oauth2::HttpRequest,
    ) -> Result<oauth2::HttpResponse, ProviderError> {
        let client = self
            .client()
            .map_err(|err| ProviderError::Request(err.into()))?;
        let request = reqwest::Request::try_from(request)
            .map_err(|err| ProviderError::Request(err.into()))?;
        let response = client
            .execute(request)
            .await
            .map_err(|err| ProviderError::Request(err.into()))?;

        let status = response.status();
        if !matches!(status.as_u16(), 200 | 400 | 401) {
            return Err(ProviderError::Status {
                status: status.as_u16(),
            });
        }
        let mut builder = http::Response::builder().status(status);
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let body = read_limited(response).await?;
        let status = if status == StatusCode::OK && is_error_body(&body) {
            StatusCode::BAD_REQUEST
        } else {
            status
        };
        let mut answer = builder
            .body(body)
            .map_err(|err| ProviderError::Request(err.into()))?;
        *answer.status_mut() = status;
        Ok(answer)
    }

    /// `GET url` with the access token as a bearer credential (RFC 6750 §2.1), reading a
    /// JSON answer.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthProvider`] for a failed request, a status other than 200, an answer
    /// too large or not the JSON `T` expects.
    pub(crate) async fn get_json<T: DeserializeOwned>(
        &self,
        url: &str,
        access_token: Option<&Token>,
        accept: &'static str,
    ) -> Result<T, Error> {
        let client = self.client()?;
        let mut request = client
            .request(Method::GET, url)
            .header(ACCEPT, HeaderValue::from_static(accept));
        if let Some(token) = access_token {
            let value = HeaderValue::from_str(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| ProviderError::Malformed {
                    path: "access_token".into(),
                })?;
            request = request.header(AUTHORIZATION, value);
        }
        let response = request
            .send()
            .await
            .map_err(|err| ProviderError::Request(err.into()))?;
        if response.status() != StatusCode::OK {
            return Err(ProviderError::Status {
                status: response.status().as_u16(),
            }
            .into());
        }
        let body = read_limited(response).await?;
        Ok(parse_json(&body)?)
    }
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("dedicated", &self.dedicated.is_some())
            .finish()
    }
}

/// The token endpoint as the `oauth2` crate calls it: the adapter from its requests to
/// reqwest.
pub(crate) struct TokenEndpoint<'a>(pub(crate) &'a HttpClient);

impl<'c> oauth2::AsyncHttpClient<'c> for TokenEndpoint<'_> {
    type Error = ProviderError;
    type Future =
        Pin<Box<dyn Future<Output = Result<oauth2::HttpResponse, ProviderError>> + Send + 'c>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(self.0.send_token_request(request))
    }
}

fn build(timeout: Duration) -> Result<reqwest::Client, Error> {
    install_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        // Sign-ins are rare and the client is shared by the whole process, possibly across
        // runtimes: a pooled connection whose runtime has ended would fail the next
        // sign-in, so none is kept. The cost is one handshake per provider request.
        .pool_max_idle_per_host(0)
        .user_agent(concat!("keycard/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|err| Error::Config(format!("the HTTP client cannot be built: {err}")))
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, ProviderError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|err| ProviderError::Request(err.into()))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ProviderError::TooLarge {
                limit: MAX_RESPONSE_BYTES,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn is_error_body(body: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(object)) = serde_json::from_slice(body) else {
        return false;
    };
    object.contains_key("error") && !object.contains_key("access_token")
}

/// Parses JSON, reporting only where it went wrong, never the values it saw.
pub(crate) fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ProviderError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| ProviderError::Malformed {
        path: err.path().to_string(),
    })
}
