//! The callback refuses a bad state or cookie before it spends the code at the provider.

mod support;

use std::time::Duration;

use http::StatusCode;
use keycard_core::Secret;
use keycard_core::http::OAuthOptions;
use keycard_core::token::{JwtKeys, claims_without_subject};
use keycard_test_kit::oauth::ProviderDouble;
use serde_json::json;
use support::{App, Attempt, SECRET, app, register_and_login, userinfo};

async fn setup() -> (ProviderDouble, App) {
    let double = ProviderDouble::start().await;
    let app = app(&double, OAuthOptions::new());
    (double, app)
}

fn keys(secret: &str) -> JwtKeys {
    JwtKeys::hs256(&Secret::new(secret)).expect("keys")
}

/// Asserts a 400 with `code` and that the provider never saw a token request.
fn assert_refused(double: &ProviderDouble, answer: &support::Answer, code: &str) {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.json);
    assert_eq!(answer.detail(), code);
    assert!(double.token_requests().is_empty(), "the code was redeemed");
}

async fn callback_with_state(
    app: &App,
    attempt: &Attempt,
    state: String,
    code: &str,
) -> support::Answer {
    let forged = Attempt {
        url: attempt.url.clone(),
        state,
        csrf: attempt.csrf.clone(),
        cookie_header: attempt.cookie_header.clone(),
        bearer: attempt.bearer.clone(),
    };
    app.callback("/auth/acme", &forged, code).await
}

#[tokio::test]
async fn a_tampered_state_is_a_decode_error() {
    let (double, app) = setup().await;
    let attempt = app.authorize("/auth/acme", None).await;
    let code = double.approve_as(&attempt.url, userinfo("a", Some("a@example.com"), true));
    let mut state = attempt.state.clone();
    state.replace_range(state.len() - 4.., "AAAA");
    let answer = callback_with_state(&app, &attempt, state, &code).await;
    assert_refused(&double, &answer, "ACCESS_TOKEN_DECODE_ERROR");

    let answer = callback_with_state(&app, &attempt, "not-a-jwt".into(), &code).await;
    assert_refused(&double, &answer, "ACCESS_TOKEN_DECODE_ERROR");
    let answer = app
        .get(
            &format!("/auth/acme/callback?code={code}"),
            &[("cookie", &format!("keycardoauthcsrf={}", attempt.csrf))],
        )
        .await;
    assert_refused(&double, &answer, "ACCESS_TOKEN_DECODE_ERROR");
}

#[tokio::test]
async fn a_state_signed_with_another_key_or_for_another_audience_is_a_decode_error() {
    let (double, app) = setup().await;
    let attempt = app.authorize("/auth/acme", None).await;
    let code = double.approve_as(&attempt.url, userinfo("a", Some("a@example.com"), true));
    let lifetime = Duration::from_secs(600);
    let mut claims = json!(claims_without_subject("keycard:oauth-state", lifetime));
    claims["csrftoken"] = json!(attempt.csrf);
    let other_key = keys("another secret").encode(&claims).expect("state");
    let answer = callback_with_state(&app, &attempt, other_key.into_secret(), &code).await;
    assert_refused(&double, &answer, "ACCESS_TOKEN_DECODE_ERROR");

    let mut claims = json!(claims_without_subject("keycard:auth", lifetime));
    claims["csrftoken"] = json!(attempt.csrf);
    let access_audience = keys(SECRET).encode(&claims).expect("state");
    let answer = callback_with_state(&app, &attempt, access_audience.into_secret(), &code).await;
    assert_refused(&double, &answer, "ACCESS_TOKEN_DECODE_ERROR");
}

#[tokio::test]
async fn an_expired_state_is_refused_as_expired() {
    let (double, app) = setup().await;
    let attempt = app.authorize("/auth/acme", None).await;
    let code = double.approve_as(&attempt.url, userinfo("a", Some("a@example.com"), true));
    let claims = json!({
        "csrftoken": attempt.csrf,
        "aud": ["keycard:oauth-state"],
        "exp": keycard_core::token::now_unix() - 5,
    });
    let expired = keys(SECRET).encode(&claims).expect("state");
    let answer = callback_with_state(&app, &attempt, expired.into_secret(), &code).await;
    assert_refused(&double, &answer, "ACCESS_TOKEN_ALREADY_EXPIRED");
}

#[tokio::test]
async fn a_missing_or_different_csrf_cookie_is_an_invalid_state() {
    let (double, app) = setup().await;
    let attempt = app.authorize("/auth/acme", None).await;
    let code = double.approve_as(&attempt.url, userinfo("a", Some("a@example.com"), true));
    let query = format!("code={code}&state={}", attempt.state);

    let answer = app.get(&format!("/auth/acme/callback?{query}"), &[]).await;
    assert_refused(&double, &answer, "OAUTH_INVALID_STATE");

    let other = app.authorize("/auth/acme", None).await;
    let cookie = format!("keycardoauthcsrf={}", other.csrf);
    let answer = app
        .get(
            &format!("/auth/acme/callback?{query}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_refused(&double, &answer, "OAUTH_INVALID_STATE");

    let cookie = format!("keycardoauthcsrf={}x", attempt.csrf);
    let answer = app
        .get(
            &format!("/auth/acme/callback?{query}"),
            &[("cookie", &cookie)],
        )
        .await;
    assert_refused(&double, &answer, "OAUTH_INVALID_STATE");

    // The genuine pair still works afterwards: nothing was spent.
    let answer = app.callback("/auth/acme", &attempt, &code).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
}

#[tokio::test]
async fn a_provider_error_or_a_missing_code_is_a_plain_400() {
    let (double, app) = setup().await;
    let answer = app
        .get("/auth/acme/callback?error=access_denied&state=x", &[])
        .await;
    assert_refused(&double, &answer, "access_denied");
    let answer = app.get("/auth/acme/callback?state=x", &[]).await;
    assert_refused(&double, &answer, "Bad Request");
    let answer = app.get("/auth/acme/callback?code=&state=x", &[]).await;
    assert_refused(&double, &answer, "Bad Request");
}

#[tokio::test]
async fn association_and_login_states_do_not_cross() {
    let (double, app) = setup().await;
    let ann = register_and_login(&app, "ann@example.com").await;
    let bob = register_and_login(&app, "bob@example.com").await;

    // A login state on the associate callback.
    let login = app.authorize("/auth/acme", None).await;
    let code = double.approve_as(&login.url, userinfo("a", Some("a@example.com"), true));
    let as_ann = Attempt {
        bearer: Some(ann.clone()),
        ..login
    };
    let answer = app.callback("/auth/associate/acme", &as_ann, &code).await;
    assert_refused(&double, &answer, "OAUTH_INVALID_STATE");

    // Ann's associate state on the login callback.
    let ann_attempt = app.authorize("/auth/associate/acme", Some(&ann)).await;
    let code = double.approve_as(&ann_attempt.url, userinfo("a", Some("a@example.com"), true));
    let anonymous = Attempt {
        bearer: None,
        url: ann_attempt.url.clone(),
        state: ann_attempt.state.clone(),
        csrf: ann_attempt.csrf.clone(),
        cookie_header: ann_attempt.cookie_header.clone(),
    };
    let answer = app.callback("/auth/acme", &anonymous, &code).await;
    assert_refused(&double, &answer, "OAUTH_INVALID_STATE");

    // Ann's associate state used by Bob.
    let as_bob = Attempt {
        bearer: Some(bob),
        ..ann_attempt
    };
    let answer = app.callback("/auth/associate/acme", &as_bob, &code).await;
    assert_refused(&double, &answer, "OAUTH_INVALID_STATE");
}

#[tokio::test]
async fn only_get_is_allowed() {
    let (_double, app) = setup().await;
    let request = http::Request::post("/auth/acme/authorize")
        .body(http_body_util::Full::new(bytes::Bytes::new()))
        .expect("request");
    let response = app.keycard.handle(request).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET");
}
