//! PKCE (RFC 7636) without server-side storage.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use oauth2::{PkceCodeChallenge, PkceCodeVerifier};
use sha2::Sha256;

use crate::Secret;

/// A PKCE code verifier (RFC 7636 §4.1), derived from the server secret and the CSRF
/// token of one sign-in attempt, so nothing needs storing between the authorize and the
/// callback requests.
///
/// The verifier is base64url(HMAC-SHA256(server secret, CSRF token)): 43 characters, 256
/// bits. The CSRF token travels in the state and in an `HttpOnly` cookie, but without the
/// server secret nobody who intercepts the callback URL can compute the verifier, which
/// is what PKCE defends against (RFC 7636 §1).
///
/// ```
/// use keycard_core::Secret;
/// use keycard_core::oauth::PkceVerifier;
///
/// let verifier = PkceVerifier::derive(&Secret::new("server secret"), "csrf-token");
/// assert_eq!(verifier.expose_secret().len(), 43);
/// assert_eq!(verifier, PkceVerifier::derive(&Secret::new("server secret"), "csrf-token"));
/// assert_eq!(format!("{verifier:?}"), "PkceVerifier([redacted])");
/// assert_eq!(verifier.s256_challenge().len(), 43);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PkceVerifier(Secret);

impl PkceVerifier {
    /// Derives the verifier of the sign-in attempt that carries `csrf_token`.
    pub fn derive(server_secret: &Secret, csrf_token: &str) -> Self {
        // HMAC accepts keys of any length, so this cannot fail; an empty key still gives
        // a well-formed (if guessable) verifier rather than a panic.
        let digest = Hmac::<Sha256>::new_from_slice(server_secret.expose_secret().as_bytes())
            .map(|mac| {
                mac.chain_update(csrf_token.as_bytes())
                    .finalize()
                    .into_bytes()
            })
            .map(|bytes| URL_SAFE_NO_PAD.encode(bytes))
            .unwrap_or_else(|_| URL_SAFE_NO_PAD.encode([0u8; 32]));
        Self(Secret::new(digest))
    }

    /// The S256 code challenge: base64url(SHA-256(verifier)) (RFC 7636 §4.2).
    pub fn s256_challenge(&self) -> String {
        self.oauth2_challenge().as_str().to_owned()
    }

    /// Returns the verifier, for the token request.
    ///
    /// # Security
    ///
    /// Send it only to the provider's token endpoint.
    pub fn expose_secret(&self) -> &str {
        self.0.expose_secret()
    }

    pub(crate) fn oauth2_verifier(&self) -> PkceCodeVerifier {
        PkceCodeVerifier::new(self.expose_secret().to_owned())
    }

    pub(crate) fn oauth2_challenge(&self) -> PkceCodeChallenge {
        // Always 43 characters, inside the 43..=128 that the constructor asserts.
        PkceCodeChallenge::from_code_verifier_sha256(&self.oauth2_verifier())
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use sha2::Digest as _;

    use super::*;

    #[test]
    fn challenge_is_the_sha256_of_the_verifier() {
        let verifier = PkceVerifier::derive(&Secret::new("k"), "t");
        let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose_secret()));
        assert_eq!(verifier.s256_challenge(), expected);
    }

    #[test]
    fn verifier_depends_on_secret_and_token() {
        let a = PkceVerifier::derive(&Secret::new("k1"), "t");
        assert_ne!(a, PkceVerifier::derive(&Secret::new("k2"), "t"));
        assert_ne!(a, PkceVerifier::derive(&Secret::new("k1"), "u"));
        assert!(
            a.expose_secret()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
