//! What the double's token endpoint received.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// One request to the token endpoint of a [`ProviderDouble`](super::ProviderDouble),
/// recorded before the double decides how to answer it, so refused and misbehaved
/// requests are there too.
///
/// ```
/// use keycard_test_kit::oauth::TokenRequest;
///
/// let request = TokenRequest::new(
///     [("grant_type", "authorization_code"), ("code_verifier", "v")],
///     Some("Basic aWQ6cyUzQWNyZXQ="),
/// );
/// assert_eq!(request.grant_type(), Some("authorization_code"));
/// assert_eq!(request.code_verifier(), Some("v"));
/// assert_eq!(request.client_secret(), None);
/// assert_eq!(request.basic_credentials(), Some(("id".to_owned(), "s:cret".to_owned())));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    form: BTreeMap<String, String>,
    authorization: Option<String>,
}

impl TokenRequest {
    /// A request with these form fields and `Authorization` header; the double builds
    /// them, this is for tests of code that reads them.
    pub fn new<'a>(
        form: impl IntoIterator<Item = (&'a str, &'a str)>,
        authorization: Option<&str>,
    ) -> Self {
        Self {
            form: form
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
            authorization: authorization.map(str::to_owned),
        }
    }

    /// Every form field of the body.
    pub fn form(&self) -> &BTreeMap<String, String> {
        &self.form
    }

    /// One form field of the body.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.form.get(name).map(String::as_str)
    }

    /// `grant_type`: `authorization_code` or `refresh_token`.
    pub fn grant_type(&self) -> Option<&str> {
        self.field("grant_type")
    }

    /// The authorization `code` redeemed.
    pub fn code(&self) -> Option<&str> {
        self.field("code")
    }

    /// The PKCE `code_verifier` (RFC 7636 §4.5).
    pub fn code_verifier(&self) -> Option<&str> {
        self.field("code_verifier")
    }

    /// The `redirect_uri`, which must equal the authorization request's (RFC 6749
    /// §4.1.3).
    pub fn redirect_uri(&self) -> Option<&str> {
        self.field("redirect_uri")
    }

    /// The `client_id` of the body, when the client authenticated there.
    pub fn client_id(&self) -> Option<&str> {
        self.field("client_id")
    }

    /// The `client_secret` of the body (`client_secret_post`, RFC 6749 §2.3.1).
    pub fn client_secret(&self) -> Option<&str> {
        self.field("client_secret")
    }

    /// The `Authorization` header, as sent.
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }

    /// The client id and secret of an `Authorization: Basic` header
    /// (`client_secret_basic`), each form-decoded as RFC 6749 §2.3.1 asks.
    pub fn basic_credentials(&self) -> Option<(String, String)> {
        let encoded = self.authorization.as_deref()?.strip_prefix("Basic ")?;
        let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
        let (id, secret) = decoded.split_once(':')?;
        Some((form_decode(id), form_decode(secret)))
    }
}

/// Decodes one `application/x-www-form-urlencoded` component: `+` is a space, `%XY` a
/// byte; a malformed escape stays as it is.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
                continue;
            }
            (b'+', None) => out.push(b' '),
            (byte, None) => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
