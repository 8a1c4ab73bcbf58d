//! `POST /auth/forgot-password` and `/auth/reset-password`.

use serde_json::{Value, json};

use super::{HAS_EMAIL, TOO_SHORT, assert_password_rule};
use crate::tokens::{claims_of, expired, sign};
use crate::{AppFactory, Call, Harness, Reply, TestUser};

const NEW_PASSWORD: &str = "a brand new password";

async fn forgot(h: &Harness, email: &str) -> Reply {
    let call = Call::post("/auth/forgot-password").json(&json!({ "email": email }));
    h.send(call).await
}

async fn reset(h: &Harness, token: &str, password: &str) -> Reply {
    let body = json!({ "token": token, "password": password });
    h.send(Call::post("/auth/reset-password").json(&body)).await
}

/// Asks for a reset token and reads it from the events file.
async fn reset_token(h: &Harness, user: &TestUser) -> String {
    forgot(h, &user.email).await.expect(202);
    h.last_token("forgot_password", &user.id)
}

#[track_caller]
fn assert_accepted(reply: &Reply) {
    reply.expect(202);
    assert_eq!(reply.json(), Value::Null, "{}", reply.request);
}

/// 202 `null` for unknown, inactive and active users alike; only the active user gets a
/// token, for the reset audience.
pub async fn forgot_password_always_accepts(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let active = h.user("amy@example.com").await;
    let inactive = h.user("ben@example.com").await;
    h.admin_patch(&inactive.id, &json!({ "is_active": false }))
        .await
        .expect(200);

    assert_accepted(&forgot(&h, "nobody@example.com").await);
    assert_accepted(&forgot(&h, "ben@example.com").await);
    assert_accepted(&forgot(&h, "AMY@Example.com").await);

    let issued: Vec<Value> = h
        .events()
        .into_iter()
        .filter(|line| line["event"] == "forgot_password")
        .collect();
    assert_eq!(issued.len(), 1, "{issued:?}");
    assert_eq!(issued[0]["user_id"], active.id);
    let claims = claims_of(issued[0]["token"].as_str().expect("a token"));
    assert_eq!(claims["sub"], active.id);
    assert_eq!(claims["aud"], json!(["keycard:reset"]));
}

/// 200 `null`; the old password then fails and the new one works.
pub async fn reset_sets_a_new_password(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("cy@example.com").await;
    let token = reset_token(&h, &user).await;

    let reply = reset(&h, &token, NEW_PASSWORD).await;

    reply.expect(200);
    assert_eq!(reply.json(), Value::Null);
    let old = [
        ("username", "cy@example.com"),
        ("password", user.password.as_str()),
    ];
    let login = h.send(Call::post("/auth/jwt/login").form(&old)).await;
    login.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    h.login("cy@example.com", NEW_PASSWORD).await;
    assert_eq!(h.events_of("reset_password", &user.id).len(), 1);
}

/// A token works once, and dies when the password changes another way.
pub async fn reset_token_is_single_use(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("di@example.com").await;
    let token = reset_token(&h, &user).await;
    reset(&h, &token, NEW_PASSWORD).await.expect(200);

    let again = reset(&h, &token, "yet another password").await;
    again.expect_detail(400, "RESET_PASSWORD_BAD_TOKEN");

    let token = reset_token(&h, &user).await;
    let patch = Call::patch("/users/me")
        .bearer(&user.token)
        .json(&json!({ "password": "changed on the profile" }));
    h.send(patch).await.expect(200);
    let reply = reset(&h, &token, "yet another password").await;
    reply.expect_detail(400, "RESET_PASSWORD_BAD_TOKEN");
}

/// Garbage, expired, re-signed with another secret, or minted for another audience:
/// `RESET_PASSWORD_BAD_TOKEN`. The genuine token still works afterwards.
pub async fn reset_refuses_bad_tokens(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("ed@example.com").await;
    let token = reset_token(&h, &user).await;
    let mut other_audience = claims_of(&token);
    other_audience["aud"] = json!(["keycard:verify"]);
    let wrong_secret = jsonwebtoken_hs256("another secret", &claims_of(&token));

    for bad in [
        "garbage".to_owned(),
        String::new(),
        expired(&token, 1),
        sign(&other_audience),
        wrong_secret,
        user.token.clone(),
    ] {
        let reply = reset(&h, &bad, NEW_PASSWORD).await;
        reply.expect_detail(400, "RESET_PASSWORD_BAD_TOKEN");
    }
    reset(&h, &token, NEW_PASSWORD).await.expect(200);
}

fn jsonwebtoken_hs256(secret: &str, claims: &Value) -> String {
    crate::tokens::sign_with(jsonwebtoken::Algorithm::HS256, secret, claims)
}

/// The token is checked before the password rule; a refused password leaves the token
/// usable.
pub async fn reset_checks_token_before_password(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("flo@example.com").await;
    let token = reset_token(&h, &user).await;

    let reply = reset(&h, "garbage", "short").await;
    reply.expect_detail(400, "RESET_PASSWORD_BAD_TOKEN");
    let reply = reset(&h, &token, "short").await;
    assert_password_rule(&reply, "RESET_PASSWORD_INVALID_PASSWORD", TOO_SHORT);
    let reply = reset(&h, &token, "my flo@example.com pass").await;
    assert_password_rule(&reply, "RESET_PASSWORD_INVALID_PASSWORD", HAS_EMAIL);

    reset(&h, &token, NEW_PASSWORD).await.expect(200);
}

/// A token for a user since deleted or deactivated is `RESET_PASSWORD_BAD_TOKEN`.
pub async fn reset_refuses_deleted_and_inactive_users(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let gone = h.user("gil@example.com").await;
    let idle = h.user("hana@example.com").await;
    let gone_token = reset_token(&h, &gone).await;
    let idle_token = reset_token(&h, &idle).await;

    let admin = h.admin().await;
    let delete = Call::delete(&format!("/users/{}", gone.id)).bearer(&admin);
    h.send(delete).await.expect(204);
    h.admin_patch(&idle.id, &json!({ "is_active": false }))
        .await
        .expect(200);

    for token in [gone_token, idle_token] {
        let reply = reset(&h, &token, NEW_PASSWORD).await;
        reply.expect_detail(400, "RESET_PASSWORD_BAD_TOKEN");
    }
}

/// Missing or mistyped fields are 422 on both routes.
pub async fn reset_routes_validate_fields(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let post = |path: &'static str, body: Value| h.send(Call::post(path).json(&body));

    let forgot_path = "/auth/forgot-password";
    let reply = post(forgot_path, json!({})).await;
    reply.expect_validation(&["body", "email"]);
    let reply = post(forgot_path, json!({ "email": "not-an-address" })).await;
    reply.expect_validation(&["body", "email"]);
    let reply = post(forgot_path, json!({ "email": null })).await;
    reply.expect_validation(&["body", "email"]);

    let reset_path = "/auth/reset-password";
    let reply = post(reset_path, json!({ "password": NEW_PASSWORD })).await;
    reply.expect_validation(&["body", "token"]);
    let reply = post(reset_path, json!({ "token": "t" })).await;
    reply.expect_validation(&["body", "password"]);
    let reply = post(reset_path, json!({ "token": 1, "password": NEW_PASSWORD })).await;
    reply.expect_validation(&["body", "token"]);
}
