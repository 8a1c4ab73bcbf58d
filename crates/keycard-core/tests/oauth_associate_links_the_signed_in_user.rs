//! The associate router: signed-in users only, the account linked to them.

mod support;

use http::StatusCode;
use keycard_core::http::OAuthOptions;
use keycard_test_kit::oauth::ProviderDouble;
use support::{App, app, register_and_login, userinfo};

async fn setup() -> (ProviderDouble, App) {
    let double = ProviderDouble::start().await;
    let app = app(&double, OAuthOptions::new());
    (double, app)
}

#[tokio::test]
async fn both_routes_need_a_signed_in_user() {
    let (_double, app) = setup().await;
    let answer = app.get("/auth/associate/acme/authorize", &[]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let answer = app
        .get("/auth/associate/acme/callback?code=c&state=s", &[])
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.detail(), "Unauthorized");
}

#[tokio::test]
async fn the_state_names_the_user_and_the_callback_returns_them_linked() {
    let (double, app) = setup().await;
    let token = register_and_login(&app, "ann@example.com").await;
    let ann = app.user("ann@example.com").await;

    let attempt = app.authorize("/auth/associate/acme", Some(&token)).await;
    let keys = keycard_core::token::JwtKeys::hs256(&keycard_core::Secret::new(support::SECRET))
        .expect("keys");
    let claims: serde_json::Value = keys
        .decode(&attempt.state, "keycard:oauth-state")
        .expect("state");
    assert_eq!(claims["sub"], ann.id.to_string());

    // The provider's address need not match the user's.
    let code = double.approve_as(
        &attempt.url,
        userinfo("acc-9", Some("other@example.com"), false),
    );
    let answer = app.callback("/auth/associate/acme", &attempt, &code).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    assert_eq!(answer.json["id"], ann.id.to_string());
    assert_eq!(answer.json["email"], "ann@example.com");
    assert!(answer.json.get("oauth_accounts").is_none());

    let linked = app.user("ann@example.com").await;
    assert_eq!(linked.oauth_accounts.len(), 1);
    assert_eq!(linked.oauth_accounts[0].account_email, "other@example.com");
    let events = app.events.all();
    assert_eq!(
        events.last().map(String::as_str),
        Some("update[oauth_accounts] ann@example.com request=true")
    );

    // Signing in with the linked account now signs Ann in.
    let answer = app
        .sign_in(&double, userinfo("acc-9", Some("other@example.com"), false))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let again = app.user("ann@example.com").await;
    assert_eq!(again.oauth_accounts.len(), 1);
}

#[tokio::test]
async fn an_account_linked_to_someone_else_is_refused() {
    let (double, app) = setup().await;
    app.sign_in(&double, userinfo("acc-1", Some("bob@example.com"), true))
        .await;
    let token = register_and_login(&app, "ann@example.com").await;

    let attempt = app.authorize("/auth/associate/acme", Some(&token)).await;
    let code = double.approve_as(
        &attempt.url,
        userinfo("acc-1", Some("bob@example.com"), true),
    );
    let answer = app.callback("/auth/associate/acme", &attempt, &code).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.detail(), "OAUTH_USER_ALREADY_EXISTS");
    assert!(app.user("ann@example.com").await.oauth_accounts.is_empty());
}

#[tokio::test]
async fn linking_the_same_account_twice_refreshes_its_tokens() {
    let (double, app) = setup().await;
    let token = register_and_login(&app, "ann@example.com").await;
    for _ in 0..2 {
        let attempt = app.authorize("/auth/associate/acme", Some(&token)).await;
        let code = double.approve_as(&attempt.url, userinfo("acc-1", Some("a@x.example"), true));
        let answer = app.callback("/auth/associate/acme", &attempt, &code).await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    let user = app.user("ann@example.com").await;
    assert_eq!(user.oauth_accounts.len(), 1);
}
