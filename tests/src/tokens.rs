//! Minting and reading JWTs with the harness's known secret, to forge what an attacker
//! or another system could send.

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::SECRET;

/// The current time in Unix seconds.
///
/// # Panics
///
/// When the clock is before 1970.
pub fn now() -> i64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH);
    i64::try_from(elapsed.expect("a clock after 1970").as_secs()).expect("a sane clock")
}

/// Signs `claims` with HS256 and [`SECRET`], as the application would.
///
/// ```
/// use keycard_e2e::tokens::{claims_of, sign};
///
/// let token = sign(&serde_json::json!({ "sub": "x" }));
/// assert_eq!(claims_of(&token)["sub"], "x");
/// ```
pub fn sign(claims: &Value) -> String {
    sign_with(Algorithm::HS256, SECRET, claims)
}

/// Signs `claims` with any HMAC algorithm and secret.
///
/// # Panics
///
/// When signing fails.
pub fn sign_with(algorithm: Algorithm, secret: &str, claims: &Value) -> String {
    let key = EncodingKey::from_secret(secret.as_bytes()).expect("an HMAC key");
    jsonwebtoken::encode(&Header::new(algorithm), claims, &key).expect("a signed token")
}

/// An unsecured JWT (`"alg": "none"`, empty signature; RFC 7519 §6).
pub fn unsigned(claims: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(json!({ "alg": "none", "typ": "JWT" }).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{header}.{payload}.")
}

/// The claims of a token, read without checking its signature.
///
/// # Panics
///
/// When the token is not a JWT.
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT has a payload");
    let bytes = URL_SAFE_NO_PAD.decode(payload).expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// Access-token claims for a user: `sub`, `aud` as a list, `exp` `expires_in` seconds
/// from now (negative for a past expiry).
pub fn access_claims(user_id: &str, audience: &str, expires_in: i64) -> Value {
    json!({ "sub": user_id, "aud": [audience], "exp": now() + expires_in })
}

/// The same claims with `exp` moved `seconds` into the past, re-signed with [`SECRET`].
///
/// # Panics
///
/// When the token is not a JWT.
pub fn expired(token: &str, seconds: i64) -> String {
    let mut claims = claims_of(token);
    claims["exp"] = json!(now() - seconds);
    sign(&claims)
}
