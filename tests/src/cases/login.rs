//! `POST /auth/jwt/login` and `/logout`: the bearer backend.

use serde_json::json;

use super::FRESH;
use crate::tokens::{claims_of, now};
use crate::{AppFactory, Call, Harness, PASSWORD, Reply};

async fn login(h: &Harness, fields: &[(&str, &str)]) -> Reply {
    h.send(Call::post("/auth/jwt/login").form(fields)).await
}

/// 200 `{"access_token", "token_type": "bearer"}`; the token is a JWT for the user's id
/// and `keycard:auth`, living one hour, and it opens `/users/me`.
pub async fn returns_bearer_token(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let read = h.register("gus@example.com", PASSWORD).await;

    let reply = login(
        &h,
        &[("username", "gus@example.com"), ("password", PASSWORD)],
    )
    .await;

    let body = reply.expect(200).json();
    let object = body.as_object().expect("an object");
    assert_eq!(object.len(), 2, "{body}");
    assert_eq!(body["token_type"], "bearer");
    let token = body["access_token"].as_str().expect("a token");
    let claims = claims_of(token);
    assert_eq!(claims["sub"], read["id"]);
    assert_eq!(claims["aud"], json!(["keycard:auth"]));
    let exp = claims["exp"].as_i64().expect("a numeric exp");
    assert!((exp - now() - 3600).abs() <= 5, "lives one hour: {claims}");
    let me = h.me(token).await;
    super::assert_user_read(&me.expect(200).json(), "gus@example.com", FRESH);
}

/// Wrong password, unknown user and inactive user all get `LOGIN_BAD_CREDENTIALS`.
pub async fn refuses_bad_credentials(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let hal = h.user("hal@example.com").await;
    let ida = h.user("ida@example.com").await;
    h.admin_patch(&ida.id, &json!({ "is_active": false }))
        .await
        .expect(200);

    let attempts = [
        ("hal@example.com", "wrong password"),
        ("HAL@example.com", "Correct Horse Battery"),
        ("nobody@example.com", PASSWORD),
        ("ida@example.com", PASSWORD),
        ("ida@example.com", "wrong password"),
    ];
    for (username, password) in attempts {
        let reply = login(&h, &[("username", username), ("password", password)]).await;
        reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    }
    // The right password still works for the active user.
    h.login(&hal.email, &hal.password).await;
}

/// Missing `username` or `password` is 422 at `["body", "<field>"]`; a JSON body is not
/// a form.
pub async fn validates_form(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    login(&h, &[("password", PASSWORD)])
        .await
        .expect_validation(&["body", "username"]);
    login(&h, &[("username", "a@example.com")])
        .await
        .expect_validation(&["body", "password"]);
    let empty = login(&h, &[]).await;
    empty.expect_validation(&["body", "username"]);
    empty.expect_validation(&["body", "password"]);
    // FastAPI reads an empty form field as a missing one.
    login(&h, &[("username", "a@example.com"), ("password", "")])
        .await
        .expect_validation(&["body", "password"]);
    login(&h, &[("username", ""), ("password", PASSWORD)])
        .await
        .expect_validation(&["body", "username"]);

    let json_body = json!({ "username": "a@example.com", "password": PASSWORD });
    let reply = h.send(Call::post("/auth/jwt/login").json(&json_body)).await;
    reply.expect_validation(&["body", "username"]);
}

/// `grant_type` other than `password` is 422; `password` itself, or an empty field
/// (which FastAPI reads as absent), is accepted.
pub async fn refuses_other_grant_types(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    h.register("jo@example.com", PASSWORD).await;
    let credentials = [("username", "jo@example.com"), ("password", PASSWORD)];

    for grant in ["client_credentials", "Password", "password ", "passwordx"] {
        let mut fields = credentials.to_vec();
        fields.push(("grant_type", grant));
        let reply = login(&h, &fields).await;
        reply.expect_validation(&["body", "grant_type"]);
    }
    for grant in ["password", ""] {
        let mut fields = credentials.to_vec();
        fields.push(("grant_type", grant));
        login(&h, &fields).await.expect(200);
    }
}

/// A `multipart/form-data` login works like a URL-encoded one.
pub async fn accepts_multipart_forms(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    h.register("kim@example.com", PASSWORD).await;

    let fields = [("username", "kim@example.com"), ("password", PASSWORD)];
    let reply = h
        .send(Call::post("/auth/jwt/login").multipart(&fields))
        .await;

    assert_eq!(reply.expect(200).json()["token_type"], "bearer");
    let wrong = [
        ("username", "kim@example.com"),
        ("password", "wrong password"),
    ];
    let reply = h
        .send(Call::post("/auth/jwt/login").multipart(&wrong))
        .await;
    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
}

/// Logout answers 204 with an empty body for a valid token, 401 without one.
pub async fn logout(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("lee@example.com").await;

    let reply = h
        .send(Call::post("/auth/jwt/logout").bearer(&user.token))
        .await;
    reply.expect(204);
    assert!(reply.body.is_empty(), "{}", reply.text());

    h.send(Call::post("/auth/jwt/logout"))
        .await
        .expect_detail(401, "Unauthorized");
    h.send(Call::post("/auth/jwt/logout").bearer("not-a-token"))
        .await
        .expect_detail(401, "Unauthorized");
}
