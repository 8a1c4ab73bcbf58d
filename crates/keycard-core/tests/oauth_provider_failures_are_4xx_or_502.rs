//! A provider that refuses, is down or answers garbage is a 400 or a 502 with a code,
//! never a 500 or a panic.

mod support;

use http::StatusCode;
use keycard_core::http::OAuthOptions;
use keycard_core::oauth::{Endpoints, GenericProvider, HttpClient};
use keycard_core::{Secret, UserStore};
use serde_json::json;
use support::{App, Double, Mode, app, app_with, userinfo};

async fn setup() -> (Double, App) {
    let double = Double::start().await;
    let app = app(&double, OAuthOptions::new());
    (double, app)
}

async fn sign_in_with(token: Mode, info: Mode) -> support::Answer {
    let (double, app) = setup().await;
    double.state().token_mode = token;
    double.state().userinfo_mode = info;
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
    let code = double.approve(&attempt.url, userinfo("a", Some("a@example.com"), true));
    assert_eq!(
        app.callback("/auth/acme", &attempt, &code).await.status,
        StatusCode::OK
    );
    let answer = app.callback("/auth/acme", &attempt, &code).await;
    assert_answer(&answer, StatusCode::BAD_REQUEST, "OAUTH_INVALID_CODE");
}

#[tokio::test]
async fn github_style_errors_with_status_200_are_an_invalid_code() {
    let answer = sign_in_with(Mode::ErrorWith200, Mode::Normal).await;
    assert_answer(&answer, StatusCode::BAD_REQUEST, "OAUTH_INVALID_CODE");
}

#[tokio::test]
async fn token_endpoint_failures_are_a_bad_gateway() {
    for mode in [
        Mode::ServerError,
        Mode::Garbage,
        Mode::WrongShape,
        Mode::Redirect,
        Mode::InvalidClient,
        Mode::Huge,
    ] {
        let answer = sign_in_with(mode, Mode::Normal).await;
        assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
    }
}

#[tokio::test]
async fn user_info_failures_are_a_bad_gateway() {
    for mode in [
        Mode::ServerError,
        Mode::Garbage,
        Mode::WrongShape,
        Mode::Redirect,
        Mode::Huge,
    ] {
        let answer = sign_in_with(Mode::Normal, mode).await;
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
    let double = Double::start().await;
    let app = app_with(&double, OAuthOptions::new(), |builder| {
        builder.oauth_routes("/auth/down", provider, "jwt", OAuthOptions::new())
    });
    let attempt = app.authorize("/auth/down", None).await;
    let answer = app.callback("/auth/down", &attempt, "code").await;
    assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
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
    let no_id = vec![("/userinfo".to_owned(), json!({"email": "a@example.com"}))];
    let answer = app.sign_in(&double, no_id).await;
    assert_answer(&answer, StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR");
}
