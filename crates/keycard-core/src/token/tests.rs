use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::*;

const AUD: &str = "keycard:auth";

fn keys() -> JwtKeys {
    JwtKeys::hs256(&Secret::new("test-secret")).expect("keys")
}

fn encode_raw(header: &Value, claims: &Value, secret: &str) -> String {
    let other = JwtKeys::hs256(&Secret::new(secret)).expect("keys");
    let signed = other.encode(claims).expect("encode");
    let parts: Vec<&str> = signed.expose_secret().split('.').collect();
    let header = URL_SAFE_NO_PAD.encode(header.to_string());
    format!("{header}.{}.{}", parts[1], parts[2])
}

#[test]
fn round_trips_claims_with_list_audience() {
    let token = keys()
        .encode(&claims("u1", AUD, Duration::from_secs(60)))
        .expect("encode");
    let decoded: Value = keys().decode(token.expose_secret(), AUD).expect("decode");
    assert_eq!(decoded["sub"], "u1");
    assert_eq!(decoded["aud"], json!([AUD]));
}

#[test]
fn accepts_audience_given_as_a_string() {
    let token = keys()
        .encode(&json!({"sub": "u1", "aud": AUD, "exp": now_unix() + 60}))
        .expect("encode");
    assert!(keys().decode::<Value>(token.expose_secret(), AUD).is_ok());
}

#[test]
fn refuses_wrong_audience_wrong_secret_and_garbage() {
    let token = keys()
        .encode(&claims("u1", AUD, Duration::from_secs(60)))
        .expect("encode");
    let token = token.expose_secret();
    let other = JwtKeys::hs256(&Secret::new("other")).expect("keys");
    assert!(matches!(
        keys().decode::<Value>(token, "keycard:reset"),
        Err(Error::TokenInvalid)
    ));
    assert!(matches!(
        other.decode::<Value>(token, AUD),
        Err(Error::TokenInvalid)
    ));
    for garbage in ["", "abc", "a.b.c", "....", "é.é.é"] {
        assert!(matches!(
            keys().decode::<Value>(garbage, AUD),
            Err(Error::TokenInvalid)
        ));
    }
}

#[test]
fn refuses_expired_tokens_without_leeway() {
    let token = keys()
        .encode(&json!({"sub": "u1", "aud": [AUD], "exp": now_unix() - 2}))
        .expect("encode");
    assert!(matches!(
        keys().decode::<Value>(token.expose_secret(), AUD),
        Err(Error::TokenExpired)
    ));
}

#[test]
fn refuses_tokens_without_exp_or_aud() {
    for claims in [
        json!({"sub": "u1", "aud": [AUD]}),
        json!({"sub": "u1", "exp": now_unix() + 60}),
    ] {
        let token = keys().encode(&claims).expect("encode");
        assert!(matches!(
            keys().decode::<Value>(token.expose_secret(), AUD),
            Err(Error::TokenInvalid)
        ));
    }
}

#[test]
fn honours_not_before() {
    let token = keys()
        .encode(
            &json!({"sub": "u1", "aud": [AUD], "exp": now_unix() + 600, "nbf": now_unix() + 300}),
        )
        .expect("encode");
    assert!(keys().decode::<Value>(token.expose_secret(), AUD).is_err());
}

#[test]
fn refuses_alg_none_and_other_algorithms() {
    let claims = json!({"sub": "u1", "aud": [AUD], "exp": now_unix() + 60});
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{header}.{payload}.");
    assert!(keys().decode::<Value>(&unsigned, AUD).is_err());

    let hs512 = encode_raw(
        &json!({"alg": "HS512", "typ": "JWT"}),
        &claims,
        "test-secret",
    );
    assert!(keys().decode::<Value>(&hs512, AUD).is_err());
}

#[test]
fn empty_secrets_are_refused() {
    assert!(JwtKeys::hs256(&Secret::new("")).is_err());
}

#[test]
fn debug_never_prints_key_material() {
    let text = format!("{:?}", keys());
    assert!(text.contains("HS256") && !text.contains("test-secret"));
}

/// A fixed P-256 key pair, made at test time so no private key is committed.
fn es256_keys() -> JwtKeys {
    use p256::pkcs8::{EncodePrivateKey as _, EncodePublicKey as _, LineEnding};

    let secret = p256::SecretKey::from_slice(&[7u8; 32]).expect("scalar in range");
    let private = secret.to_pkcs8_pem(LineEnding::LF).expect("pkcs8");
    let public = secret
        .public_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("spki");
    JwtKeys::es256_pem(private.as_bytes(), public.as_bytes()).expect("es256 keys")
}

#[test]
fn es256_keys_sign_and_verify_and_refuse_hs256_tokens() {
    let es256 = es256_keys();
    assert_eq!(es256.algorithm(), "ES256");
    let token = es256
        .encode(&claims("u1", AUD, Duration::from_secs(60)))
        .expect("encode");
    let decoded: Value = es256.decode(token.expose_secret(), AUD).expect("decode");
    assert_eq!(decoded["sub"], "u1");

    let hs256 = keys()
        .encode(&claims("u1", AUD, Duration::from_secs(60)))
        .expect("encode");
    assert!(matches!(
        es256.decode::<Value>(hs256.expose_secret(), AUD),
        Err(Error::TokenInvalid)
    ));
}

#[test]
fn malformed_pem_keys_are_refused() {
    assert!(JwtKeys::es256_pem(b"not a key", b"not a key").is_err());
    assert!(JwtKeys::rs256_pem(b"not a key", b"not a key").is_err());
}
