//! Signed tokens: access JWTs, reset and verify tokens, OAuth state.
//!
//! Every token is a JWT with an audience that names its purpose, so a token minted for
//! one purpose is refused for another even under the same key. Decoding is strict: one
//! algorithm only (never `none`), `exp` required with no leeway, `nbf` honoured, the
//! audience checked whether the token lists it or gives it as a string (RFC 7519 §4.1.3).

mod names;

use std::fmt;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use names::Names;

use crate::{Error, Secret, Token};

/// The keys tokens are signed and checked with, and their one algorithm.
///
/// ```
/// use std::time::Duration;
/// use keycard_core::Secret;
/// use keycard_core::token::{JwtKeys, claims};
///
/// let keys = JwtKeys::hs256(&Secret::new("a long random secret"))?;
/// let token = keys.encode(&claims("user-1", "keycard:auth", Duration::from_secs(60)))?;
/// let decoded: serde_json::Value = keys.decode(token.expose_secret(), "keycard:auth")?;
/// assert_eq!(decoded["sub"], "user-1");
/// assert!(keys.decode::<serde_json::Value>(token.expose_secret(), "keycard:reset").is_err());
/// # Ok::<(), keycard_core::Error>(())
/// ```
#[derive(Clone)]
pub struct JwtKeys {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    /// HMAC-SHA256 with a shared secret: the default.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for an empty secret.
    pub fn hs256(secret: &Secret) -> Result<Self, Error> {
        let bytes = secret.expose_secret().as_bytes();
        if bytes.is_empty() {
            return Err(Error::InvalidKey(ErrorKind::InvalidKeyFormat.into()));
        }
        Ok(Self {
            algorithm: Algorithm::HS256,
            encoding: EncodingKey::from_secret(bytes).map_err(Error::InvalidKey)?,
            decoding: DecodingKey::from_secret(bytes).map_err(Error::InvalidKey)?,
        })
    }

    /// RSA-SHA256 with a PEM private key (PKCS#1 or PKCS#8) and its PEM public key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when a key does not parse.
    pub fn rs256_pem(private_pem: &[u8], public_pem: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            algorithm: Algorithm::RS256,
            encoding: EncodingKey::from_rsa_pem(private_pem).map_err(Error::InvalidKey)?,
            decoding: DecodingKey::from_rsa_pem(public_pem).map_err(Error::InvalidKey)?,
        })
    }

    /// ECDSA P-256 with SHA-256, with a PEM private key (PKCS#8) and its PEM public key.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when a key does not parse.
    pub fn es256_pem(private_pem: &[u8], public_pem: &[u8]) -> Result<Self, Error> {
        Ok(Self {
            algorithm: Algorithm::ES256,
            encoding: EncodingKey::from_ec_pem(private_pem).map_err(Error::InvalidKey)?,
            decoding: DecodingKey::from_ec_pem(public_pem).map_err(Error::InvalidKey)?,
        })
    }

    /// The name of the signing algorithm, such as `HS256`.
    pub fn algorithm(&self) -> &'static str {
        match self.algorithm {
            Algorithm::RS256 => "RS256",
            Algorithm::ES256 => "ES256",
            _ => "HS256",
        }
    }

    /// Signs a set of claims.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] when signing fails.
    ///
    /// # Security
    ///
    /// The returned token is a bearer credential.
    pub fn encode(&self, claims: &impl Serialize) -> Result<Token, Error> {
        jsonwebtoken::encode(&Header::new(self.algorithm), claims, &self.encoding)
            .map(Token::new)
            .map_err(Error::InvalidKey)
    }

    /// Checks a token's signature, algorithm, audience, `exp` and `nbf`, and returns its
    /// claims.
    ///
    /// # Errors
    ///
    /// [`Error::TokenExpired`] when `exp` has passed, [`Error::TokenInvalid`] for anything
    /// else wrong.
    pub fn decode<C: DeserializeOwned>(&self, token: &str, audience: &str) -> Result<C, Error> {
        let mut validation = Validation::new(self.algorithm);
        validation.leeway = 0;
        validation.validate_nbf = true;
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "aud"]);

        match jsonwebtoken::decode::<C>(token, &self.decoding, &validation) {
            Ok(data) => Ok(data.claims),
            Err(err) if matches!(err.kind(), ErrorKind::ExpiredSignature) => {
                Err(Error::TokenExpired)
            }
            Err(_) => Err(Error::TokenInvalid),
        }
    }
}

impl fmt::Debug for JwtKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKeys")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

/// The registered claims every keycard token carries: `sub`, `aud` (as a list) and
/// `exp` now plus `lifetime`.
///
/// Extra claims are added by serialising a struct that flattens this one.
#[derive(Debug, Clone, Serialize)]
pub struct Claims {
    /// The subject, usually a user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// The audiences.
    pub aud: Vec<String>,
    /// Expiry in Unix seconds.
    pub exp: i64,
}

/// Builds [`Claims`] for `sub` and one audience, expiring after `lifetime`.
pub fn claims(sub: impl Into<String>, audience: &str, lifetime: Duration) -> Claims {
    Claims {
        sub: Some(sub.into()),
        ..claims_without_subject(audience, lifetime)
    }
}

/// Builds [`Claims`] without a subject, for tokens such as OAuth state.
pub fn claims_without_subject(audience: &str, lifetime: Duration) -> Claims {
    let lifetime = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
    Claims {
        sub: None,
        aud: vec![audience.to_owned()],
        exp: now_unix().saturating_add(lifetime),
    }
}

/// The current time in Unix seconds.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

#[cfg(test)]
mod tests;
