//! A provider that refuses, is down or answers garbage is a 400 or a 502 with a code,
//! never a 500 or a panic.

mod support;

use http::StatusCode;
use keycard_core::http::OAuthOptions;
use keycard_core::oauth::{Endpoints, GenericProvider, HttpClient};
use keycard_core::{Secret, UserStore};
use keycard_test_kit::oauth::{Account, Behaviour, ProviderDouble};
use serde_json::json;
use support::{App, app, app_with, userinfo};

async fn setup() -> (ProviderDouble, App) {
    let double = ProviderDouble::start().await;
    let app = app(&double, OAuthOptions::new());
    (double, app)
}

async fn sign_in_with(token: Behaviour, info: Behaviour) -> support::Answer {
    let (double, app) = setup().await;
    double.set_token_behaviour(token);
    double.set_userinfo_behaviour(info);
    let answer = app
        .sign_in(&double, userinfo("a", Some("a@example.com"), true))
        .await;
    assert!(
        app.store
            .get_by_email("a@example.com")
            .await
            .expect("store")
            .is_none()
    );
    answer
}

fn assert_answer(answer: &support::Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{:?}", answer.json);
    assert_eq!(answer.detail(), code);
}

#[tokio::test]
async fn a_refused_code_is_an_invalid_code() {
    let (double, app) = setup().await;
    let attempt = app.authorize("/auth/acme", None).await;
    let answer = app.callback("/auth/acme", &attempt, "never-issued").await;
    assert_answer(&answer, StatusCode::BAD_REQUEST, "OAUTH_INVALID_CODE");

    // A code works once.
    let code = double.approve_as(&attempt.url, userinfo("a", Some("a@example.com"), true));
    assert_eq!(
        app.callback("/auth/acme", &attempt, &code).await.status,
        StatusCode::OK
    );
    let answer = app.callback("/auth/acme", &attempt, &code).await;
    assert_answer(&answer, StatusCode::BAD_REQUEST, "OAUTH_INVALID_CODE");
}

#[tokio::test]
async fn github_style_errors_with_status_200_are_an_invalid_code() {
    let answer = sign_in_with(Behaviour::ErrorWith200, Behaviour::Normal).await;
    assert_answer(&answer, StatusCode::BAD_REQUEST, "OAUTH_INVALID_CODE");
}

#[tokio::test]
async fn token_endpoint_failures_are_a_bad_gateway() {
    for mode in [
        Behaviour::ServerError,
        Behaviour::Garbage,
        Behaviour::WrongShape,
        Behaviour::Redirect,
        Behaviour::InvalidClient,
        Behaviour::Huge,
        Behaviour::Unavailable,
        Behaviour::HangUp,
    ] {
        let answer = sign_in_with(mode, Behaviour::Normal).await;
        assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
    }
}

#[tokio::test]
async fn user_info_failures_are_a_bad_gateway() {
    for mode in [
        Behaviour::ServerError,
        Behaviour::Garbage,
        Behaviour::WrongShape,
        Behaviour::Redirect,
        Behaviour::Huge,
        Behaviour::HangUp,
    ] {
        let answer = sign_in_with(Behaviour::Normal, mode).await;
        assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
    }
}

#[tokio::test]
async fn an_unreachable_provider_is_a_bad_gateway() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let endpoints = Endpoints::new(
        format!("{base}/authorize"),
        format!("{base}/token"),
        format!("{base}/userinfo"),
    );
    let client = HttpClient::with_timeout(std::time::Duration::from_secs(5)).expect("client");
    let provider = GenericProvider::new("down", "id", Secret::new("s"), endpoints)
        .expect("provider")
        .http_client(client);
    let double = ProviderDouble::start().await;
    let app = app_with(&double, OAuthOptions::new(), |builder| {
        builder.oauth_routes("/auth/down", provider, "jwt", OAuthOptions::new())
    });
    let attempt = app.authorize("/auth/down", None).await;
    let answer = app.callback("/auth/down", &attempt, "code").await;
    assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
}

#[tokio::test]
async fn a_provider_slower_than_the_timeout_is_a_bad_gateway() {
    let double = ProviderDouble::start().await;
    let client = HttpClient::with_timeout(std::time::Duration::from_millis(200)).expect("client");
    let provider = double.generic_provider("slow").http_client(client);
    let app = app_with(&double, OAuthOptions::new(), |builder| {
        builder.oauth_routes("/auth/slow", provider, "jwt", OAuthOptions::new())
    });
    let attempt = app.authorize("/auth/slow", None).await;
    let code = double.approve_as(&attempt.url, userinfo("a", Some("a@example.com"), true));
    double.set_delay(std::time::Duration::from_secs(1));
    let answer = app.callback("/auth/slow", &attempt, &code).await;
    assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
    assert_eq!(
        double.token_requests().len(),
        1,
        "the request was made, and given up"
    );
}

#[tokio::test]
async fn an_account_without_a_usable_email_is_refused() {
    let (double, app) = setup().await;
    let answer = app.sign_in(&double, userinfo("a", None, true)).await;
    assert_answer(
        &answer,
        StatusCode::BAD_REQUEST,
        "OAUTH_NOT_AVAILABLE_EMAIL",
    );
    let answer = app
        .sign_in(&double, userinfo("a", Some("not an address"), true))
        .await;
    assert_answer(
        &answer,
        StatusCode::BAD_REQUEST,
        "OAUTH_NOT_AVAILABLE_EMAIL",
    );
    let no_id = Account::new("a").resource("/userinfo", json!({"email": "a@example.com"}));
    let answer = app.sign_in(&double, no_id).await;
    assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
}
