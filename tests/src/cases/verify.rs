//! `POST /auth/request-verify-token` and `/auth/verify`.

use serde_json::{Value, json};

use super::assert_user_read;
use crate::tokens::{claims_of, expired, sign};
use crate::{AppFactory, Call, Harness, Reply, TestUser};

async fn request(h: &Harness, email: &str) -> Reply {
    let call = Call::post("/auth/request-verify-token").json(&json!({ "email": email }));
    h.send(call).await
}

async fn verify(h: &Harness, token: &str) -> Reply {
    let call = Call::post("/auth/verify").json(&json!({ "token": token }));
    h.send(call).await
}

/// Asks for a verify token and reads it from the events file.
async fn verify_token(h: &Harness, user: &TestUser) -> String {
    request(h, &user.email).await.expect(202);
    h.last_token("request_verify", &user.id)
}

/// 202 `null` for unknown, verified, inactive and unverified users; a token only for
/// the active, unverified one, carrying its address and the verify audience.
pub async fn request_always_accepts(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let fresh = h.user("ivy@example.com").await;
    h.verified_user("jay@example.com").await;
    let idle = h.user("kai@example.com").await;
    h.admin_patch(&idle.id, &json!({ "is_active": false }))
        .await
        .expect(200);

    for email in [
        "nobody@example.com",
        "jay@example.com",
        "kai@example.com",
        "IVY@example.com",
    ] {
        let reply = request(&h, email).await;
        reply.expect(202);
        assert_eq!(reply.json(), Value::Null);
    }

    let issued: Vec<Value> = h
        .events()
        .into_iter()
        .filter(|line| line["event"] == "request_verify")
        .collect();
    assert_eq!(issued.len(), 1, "{issued:?}");
    assert_eq!(issued[0]["user_id"], fresh.id);
    let claims = claims_of(issued[0]["token"].as_str().expect("a token"));
    assert_eq!(claims["sub"], fresh.id);
    assert_eq!(claims["email"], "ivy@example.com");
    assert_eq!(claims["aud"], json!(["keycard:verify"]));
}

/// 200 with the `UserRead`, now verified; a second use is
/// `VERIFY_USER_ALREADY_VERIFIED`.
pub async fn verify_marks_the_user_verified(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("lou@example.com").await;
    let token = verify_token(&h, &user).await;

    let reply = verify(&h, &token).await;

    let id = assert_user_read(&reply.expect(200).json(), &user.email, [true, false, true]);
    assert_eq!(id, user.id);
    let me = h.me(&user.token).await;
    assert_eq!(me.expect(200).json()["is_verified"], true);
    assert_eq!(h.events_of("verify", &user.id).len(), 1);
    verify(&h, &token)
        .await
        .expect_detail(400, "VERIFY_USER_ALREADY_VERIFIED");
}

/// Garbage, expired, wrongly signed, reset or access tokens: `VERIFY_USER_BAD_TOKEN`.
/// The genuine token still works afterwards.
pub async fn verify_refuses_bad_tokens(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("max@example.com").await;
    let token = verify_token(&h, &user).await;
    let forgot = Call::post("/auth/forgot-password").json(&json!({ "email": user.email }));
    h.send(forgot).await.expect(202);
    let reset_token = h.last_token("forgot_password", &user.id);
    let mut other_subject = claims_of(&token);
    other_subject["sub"] = json!("not-a-uuid");
    let wrong_secret = crate::tokens::sign_with(
        jsonwebtoken::Algorithm::HS256,
        "another secret",
        &claims_of(&token),
    );

    for bad in [
        "garbage".to_owned(),
        expired(&token, 1),
        wrong_secret,
        sign(&other_subject),
        reset_token,
        user.token.clone(),
    ] {
        verify(&h, &bad)
            .await
            .expect_detail(400, "VERIFY_USER_BAD_TOKEN");
    }
    verify(&h, &token).await.expect(200);
}

/// A token dies when the address it was sent to changes.
pub async fn verify_refuses_token_after_email_change(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("ned@example.com").await;
    let token = verify_token(&h, &user).await;

    let patch = Call::patch("/users/me")
        .bearer(&user.token)
        .json(&json!({ "email": "ned.new@example.com" }));
    h.send(patch).await.expect(200);

    verify(&h, &token)
        .await
        .expect_detail(400, "VERIFY_USER_BAD_TOKEN");
}

/// A token for a user since deleted or deactivated is `VERIFY_USER_BAD_TOKEN`.
pub async fn verify_refuses_deleted_and_inactive_users(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let gone = h.user("oz@example.com").await;
    let idle = h.user("pia@example.com").await;
    let gone_token = verify_token(&h, &gone).await;
    let idle_token = verify_token(&h, &idle).await;

    let admin = h.admin().await;
    let delete = Call::delete(&format!("/users/{}", gone.id)).bearer(&admin);
    h.send(delete).await.expect(204);
    h.admin_patch(&idle.id, &json!({ "is_active": false }))
        .await
        .expect(200);

    for token in [gone_token, idle_token] {
        verify(&h, &token)
            .await
            .expect_detail(400, "VERIFY_USER_BAD_TOKEN");
    }
}

/// Missing or mistyped fields are 422 on both routes.
pub async fn verify_routes_validate_fields(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let post = |path: &'static str, body: Value| h.send(Call::post(path).json(&body));

    let reply = post("/auth/request-verify-token", json!({})).await;
    reply.expect_validation(&["body", "email"]);
    let reply = post("/auth/request-verify-token", json!({ "email": "nope" })).await;
    reply.expect_validation(&["body", "email"]);
    let reply = post("/auth/verify", json!({})).await;
    reply.expect_validation(&["body", "token"]);
    let reply = post("/auth/verify", json!({ "token": ["a"] })).await;
    reply.expect_validation(&["body", "token"]);
}
