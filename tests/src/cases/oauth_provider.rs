//! What `GET /auth/{name}/callback` sends the provider (client credentials, redirect
//! URI, PKCE verifier), and how it takes a provider that refuses, fails or is down:
//! a 4xx or a 502 with a code, never a 500.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use keycard_test_kit::oauth::Behaviour;
use sha2::{Digest, Sha256};

use super::verified_account;
use crate::{AppFactory, Harness, OAUTH_LOGIN, Reply};

/// Asserts an answer that is the client's or the provider's fault, never the server's:
/// a 4xx or a 502, with `{"detail": "<CODE>"}`.
#[track_caller]
fn assert_not_a_server_fault(reply: &Reply, why: &str) {
    let status = reply.status.as_u16();
    assert!(
        (400..500).contains(&status) || status == 502,
        "{why}: {} answered {status} {}",
        reply.request,
        reply.text()
    );
    let detail = reply.json()["detail"].clone();
    let code = detail.as_str().unwrap_or_default();
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
        "{why}: a stable code, not {detail}"
    );
}

/// A code the provider refuses (never issued, already used, or refused outright) is a
/// 400 with a stable code, never a 500, and creates no user.
pub async fn callback_refuses_a_code_the_provider_refuses(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let registered = h.count_events("register");

    let first = h.oauth_attempt().await;
    let never_issued = h.oauth_callback(OAUTH_LOGIN, &first, "never-issued").await;
    let code = double.approve_as(
        &first.authorization_url,
        verified_account("a", "a@example.com"),
    );
    double.refuse_codes(true);
    let refused = h.oauth_callback(OAUTH_LOGIN, &first, &code).await;
    double.refuse_codes(false);
    let second = h.oauth_attempt().await;
    let code = double.approve_as(
        &second.authorization_url,
        verified_account("a", "a@example.com"),
    );
    h.oauth_callback(OAUTH_LOGIN, &second, &code)
        .await
        .expect(200);
    let reused = h.oauth_callback(OAUTH_LOGIN, &second, &code).await;

    for (why, reply) in [
        ("never issued", never_issued),
        ("refused", refused),
        ("reused", reused),
    ] {
        assert_eq!(reply.status.as_u16(), 400, "{why}: {}", reply.text());
        assert_not_a_server_fault(&reply, why);
    }
    assert_eq!(
        h.count_events("register"),
        registered + 1,
        "only the genuine sign-up"
    );
    assert_eq!(double.token_requests().len(), 4);
}

/// A token or user-info endpoint answering 5xx, garbage, the wrong shape, a redirect,
/// an error, too much or nothing is a 4xx or a 502 with a code, never a 500, and
/// creates no user.
pub async fn provider_failures_are_never_500(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let registered = h.count_events("register");
    let failures = [
        Behaviour::ServerError,
        Behaviour::Unavailable,
        Behaviour::Garbage,
        Behaviour::WrongShape,
        Behaviour::Redirect,
        Behaviour::ErrorWith200,
        Behaviour::InvalidClient,
        Behaviour::Huge,
        Behaviour::HangUp,
    ];

    for (endpoint, behaviour) in failures
        .iter()
        .map(|b| ("token", *b))
        .chain(failures.iter().map(|b| ("userinfo", *b)))
    {
        double.set_token_behaviour(Behaviour::Normal);
        double.set_userinfo_behaviour(Behaviour::Normal);
        match endpoint {
            "token" => double.set_token_behaviour(behaviour),
            _ => double.set_userinfo_behaviour(behaviour),
        }
        let reply = h
            .oauth_sign_in(&double, verified_account("f", "fay@example.com"))
            .await;
        assert_not_a_server_fault(&reply, &format!("{endpoint} {behaviour:?}"));
    }
    assert_eq!(h.count_events("register"), registered);
    assert_eq!(double.token_requests().len(), 2 * failures.len());
}

/// A provider that cannot be reached at all is a 4xx or a 502 with a code, never a 500.
pub async fn unreachable_provider_is_never_500(factory: AppFactory) {
    let (mut h, _double) = Harness::start_with_oauth(&factory).await;
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let down = format!("http://127.0.0.1:{port}");
    h.set_var("KEYCARD_OAUTH_TOKEN_URL", &format!("{down}/token"));
    h.set_var("KEYCARD_OAUTH_USERINFO_URL", &format!("{down}/userinfo"));
    h.restart().await;

    let attempt = h.oauth_attempt().await;
    let reply = h.oauth_callback(OAUTH_LOGIN, &attempt, "a-code").await;

    assert_not_a_server_fault(&reply, "unreachable");
}

/// The token request carries the client id and secret in the body, the redirect URI of
/// the authorization URL, and a PKCE verifier (RFC 7636 §4.1) whose S256 is the URL's
/// challenge; a code issued for another attempt's challenge is refused.
pub async fn pkce_verifier_matches_the_challenge(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let first = h.oauth_attempt().await;
    let second = h.oauth_attempt().await;
    assert_ne!(
        first.param("code_challenge"),
        second.param("code_challenge")
    );

    let code = double.approve(&first.authorization_url);
    h.oauth_callback(OAUTH_LOGIN, &first, &code)
        .await
        .expect(200);
    let code = double.approve(&first.authorization_url);
    let crossed = h.oauth_callback(OAUTH_LOGIN, &second, &code).await;

    let sent = double.token_requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].grant_type(), Some("authorization_code"));
    assert_eq!(sent[0].client_id(), Some(double.client_id()));
    assert_eq!(sent[0].client_secret(), Some(double.client_secret()));
    assert_eq!(sent[0].redirect_uri(), Some(first.param("redirect_uri")));
    let verifier = sent[0].code_verifier().expect("a code_verifier");
    let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
    assert!((43..=128).contains(&verifier.len()) && verifier.chars().all(unreserved));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    assert_eq!(challenge, first.param("code_challenge"));
    assert_ne!(sent[1].code_verifier(), Some(verifier));
    assert_eq!(crossed.status.as_u16(), 400, "{}", crossed.text());
    assert_not_a_server_fault(&crossed, "another attempt's verifier");
}
