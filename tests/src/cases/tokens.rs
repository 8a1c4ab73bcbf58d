//! Access tokens forged with the known secret: only a genuine HS256 token for the auth
//! audience, unexpired, naming an existing active user, opens a protected route.

use jsonwebtoken::Algorithm;
use serde_json::{Value, json};

use crate::tokens::{access_claims, claims_of, now, sign, sign_with, unsigned};
use crate::{AppFactory, Call, Harness, SECRET};

/// Asserts that `token` is refused on `/users/me`, as a bearer token and as the cookie.
async fn assert_refused(h: &Harness, token: &str, why: &str) {
    let bearer = h.me(token).await;
    assert_eq!(bearer.status.as_u16(), 401, "{why}: {}", bearer.text());
    assert_eq!(bearer.json(), json!({ "detail": "Unauthorized" }), "{why}");
    let cookie = h
        .send(Call::get("/users/me").cookie("keycardauth", token))
        .await;
    assert_eq!(cookie.status.as_u16(), 401, "{why} (cookie)");
}

/// Asserts that `token` opens `/users/me` as the user with this id.
async fn assert_accepted(h: &Harness, token: &str, id: &str, why: &str) {
    let reply = h.me(token).await;
    assert_eq!(reply.status.as_u16(), 200, "{why}: {}", reply.text());
    assert_eq!(reply.json()["id"], id, "{why}");
}

/// Re-signing the genuine claims with the known secret works, so every refusal below is
/// about the one thing changed.
pub async fn forged_tokens_are_refused(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("pam@example.com").await;
    let other = h.user("quo@example.com").await;
    let genuine = claims_of(&user.token);
    assert_accepted(&h, &sign(&genuine), &user.id, "re-signed genuine claims").await;

    let with = |key: &str, value: Value| {
        let mut claims = genuine.clone();
        claims[key] = value;
        claims
    };
    let without = |key: &str| {
        let mut claims = genuine.clone();
        claims.as_object_mut().map(|object| object.remove(key));
        claims
    };
    let email = json!({ "email": user.email });
    let forgot = Call::post("/auth/forgot-password").json(&email);
    h.send(forgot).await.expect(202);
    let request = Call::post("/auth/request-verify-token").json(&email);
    h.send(request).await.expect(202);
    let mut tampered = user.token.split('.').map(str::to_owned).collect::<Vec<_>>();
    tampered[1] = other.token.split('.').nth(1).unwrap_or_default().to_owned();

    let forged: Vec<(&str, String)> = vec![
        (
            "wrong secret",
            sign_with(Algorithm::HS256, "not the secret", &genuine),
        ),
        ("alg none", unsigned(&genuine)),
        ("HS512", sign_with(Algorithm::HS512, SECRET, &genuine)),
        ("HS384", sign_with(Algorithm::HS384, SECRET, &genuine)),
        ("a reset token", h.last_token("forgot_password", &user.id)),
        ("a verify token", h.last_token("request_verify", &user.id)),
        (
            "reset audience",
            sign(&with("aud", json!(["keycard:reset"]))),
        ),
        (
            "verify audience",
            sign(&with("aud", json!(["keycard:verify"]))),
        ),
        (
            "FastAPI Users audience",
            sign(&with("aud", json!(["fastapi-users:auth"]))),
        ),
        ("no audience", sign(&without("aud"))),
        ("no exp", sign(&without("exp"))),
        ("exp as text", sign(&with("exp", json!("never")))),
        ("expired a second ago", sign(&with("exp", json!(now() - 1)))),
        ("expired long ago", sign(&with("exp", json!(1)))),
        ("nbf in the future", sign(&with("nbf", json!(now() + 600)))),
        (
            "sub not a uuid",
            sign(&with("sub", json!("pam@example.com"))),
        ),
        ("sub a number", sign(&with("sub", json!(42)))),
        ("no sub", sign(&without("sub"))),
        (
            "unknown sub",
            sign(&with("sub", json!(uuid::Uuid::new_v4().to_string()))),
        ),
        ("payload swapped", tampered.join(".")),
        (
            "signature dropped",
            user.token
                .rsplit_once('.')
                .map(|(h, _)| format!("{h}."))
                .unwrap_or_default(),
        ),
    ];
    for (why, token) in forged {
        assert_refused(&h, &token, why).await;
    }
    assert_accepted(&h, &user.token, &user.id, "the genuine token").await;
}

/// `aud` given as a string is accepted, as are an `nbf` in the past, extra claims and a
/// `sub` in upper case (a UUID all the same).
pub async fn lenient_where_the_standard_allows(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("ros@example.com").await;

    let mut claims = access_claims(&user.id, "keycard:auth", 600);
    assert_accepted(&h, &sign(&claims), &user.id, "aud as a list").await;
    claims["aud"] = json!("keycard:auth");
    assert_accepted(&h, &sign(&claims), &user.id, "aud as a string").await;
    claims["aud"] = json!(["other", "keycard:auth"]);
    assert_accepted(&h, &sign(&claims), &user.id, "one of two audiences").await;
    claims["nbf"] = json!(now() - 60);
    claims["iat"] = json!(now());
    claims["jti"] = json!("extra");
    assert_accepted(&h, &sign(&claims), &user.id, "nbf in the past").await;
    let upper = access_claims(&user.id.to_uppercase(), "keycard:auth", 600);
    assert_accepted(&h, &sign(&upper), &user.id, "sub in upper case").await;
}

/// Deactivating or deleting a user refuses their existing token at once; reactivating
/// restores it.
pub async fn tokens_follow_the_stored_user(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("sol@example.com").await;
    let gone = h.user("tom@example.com").await;

    h.admin_patch(&user.id, &json!({ "is_active": false }))
        .await
        .expect(200);
    assert_refused(&h, &user.token, "deactivated").await;
    let logout = Call::post("/auth/jwt/logout").bearer(&user.token);
    h.send(logout).await.expect_detail(401, "Unauthorized");
    h.admin_patch(&user.id, &json!({ "is_active": true }))
        .await
        .expect(200);
    assert_accepted(&h, &user.token, &user.id, "reactivated").await;

    let admin = h.admin().await;
    let delete = Call::delete(&format!("/users/{}", gone.id)).bearer(&admin);
    h.send(delete).await.expect(204);
    assert_refused(&h, &gone.token, "deleted").await;
    let minted = sign(&access_claims(&gone.id, "keycard:auth", 600));
    assert_refused(&h, &minted, "minted for a deleted user").await;
}
