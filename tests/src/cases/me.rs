//! `GET /users/me` and `PATCH /users/me`.

use serde_json::{Value, json};

use super::{FRESH, HAS_EMAIL, TOO_SHORT, assert_password_rule, assert_user_read};
use crate::{AppFactory, Call, Harness, Reply, TestUser};

async fn patch(h: &Harness, user: &TestUser, body: Value) -> Reply {
    let call = Call::patch("/users/me").bearer(&user.token).json(&body);
    h.send(call).await
}

/// 200 with the `UserRead`; 401 `Unauthorized` anonymous, with a bad token, or for an
/// inactive user.
pub async fn get_me(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("quin@example.com").await;

    let me = h.me(&user.token).await;
    assert_eq!(
        assert_user_read(&me.expect(200).json(), &user.email, FRESH),
        user.id
    );

    h.send(Call::get("/users/me"))
        .await
        .expect_detail(401, "Unauthorized");
    h.me("not-a-token").await.expect_detail(401, "Unauthorized");
    h.admin_patch(&user.id, &json!({ "is_active": false }))
        .await
        .expect(200);
    h.me(&user.token).await.expect_detail(401, "Unauthorized");
}

/// A new address is stored and resets `is_verified`; login then uses the new address.
pub async fn patch_me_changes_email(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.verified_user("ray@example.com").await;

    let reply = patch(&h, &user, json!({ "email": "Ray.New@Example.com" })).await;

    let flags = [true, false, false];
    assert_user_read(&reply.expect(200).json(), "Ray.New@example.com", flags);
    h.login("ray.new@example.com", &user.password).await;
    let old = [
        ("username", "ray@example.com"),
        ("password", user.password.as_str()),
    ];
    let login = h.send(Call::post("/auth/jwt/login").form(&old)).await;
    login.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
}

/// Another user's address, in any letter case, is `UPDATE_USER_EMAIL_ALREADY_EXISTS`.
pub async fn patch_me_refuses_taken_email(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("sam@example.com").await;
    h.register("Taken@example.com", crate::PASSWORD).await;

    for email in [
        "Taken@example.com",
        "taken@EXAMPLE.com",
        "ADMIN@keycard.test",
    ] {
        let reply = patch(&h, &user, json!({ "email": email })).await;
        reply.expect_detail(400, "UPDATE_USER_EMAIL_ALREADY_EXISTS");
    }
    let me = h.me(&user.token).await;
    assert_eq!(me.expect(200).json()["email"], "sam@example.com");
}

/// Changing only the letter case of one's own address is allowed and keeps
/// `is_verified`; sending the same address is a no-op.
pub async fn patch_me_allows_own_email_case_change(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.verified_user("tia@example.com").await;

    let reply = patch(&h, &user, json!({ "email": "tia@example.com" })).await;
    assert_user_read(
        &reply.expect(200).json(),
        "tia@example.com",
        [true, false, true],
    );
    let reply = patch(&h, &user, json!({ "email": "Tia@EXAMPLE.com" })).await;
    assert_user_read(
        &reply.expect(200).json(),
        "Tia@example.com",
        [true, false, true],
    );
    h.login("tia@example.com", &user.password).await;
}

/// A new password passes the rule (`UPDATE_USER_INVALID_PASSWORD` with its reason),
/// then replaces the old one for login.
pub async fn patch_me_changes_password(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("uma@example.com").await;

    let reply = patch(&h, &user, json!({ "password": "short" })).await;
    assert_password_rule(&reply, "UPDATE_USER_INVALID_PASSWORD", TOO_SHORT);
    let reply = patch(&h, &user, json!({ "password": "uma@example.com!" })).await;
    assert_password_rule(&reply, "UPDATE_USER_INVALID_PASSWORD", HAS_EMAIL);
    // The rule sees the new address when both change at once.
    let body = json!({ "email": "uma2@example.com", "password": "uma2@example.com!" });
    let reply = patch(&h, &user, body).await;
    assert_password_rule(&reply, "UPDATE_USER_INVALID_PASSWORD", HAS_EMAIL);

    let reply = patch(&h, &user, json!({ "password": "a much better password" })).await;
    assert_user_read(&reply.expect(200).json(), "uma@example.com", FRESH);
    h.login("uma@example.com", "a much better password").await;
    let old = [
        ("username", "uma@example.com"),
        ("password", user.password.as_str()),
    ];
    let login = h.send(Call::post("/auth/jwt/login").form(&old)).await;
    login.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
}

/// `id` and the `is_*` flags are ignored on `/users/me`.
pub async fn patch_me_ignores_flags(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("vic@example.com").await;

    let body = json!({
        "id": "00000000-0000-4000-8000-000000000001",
        "is_active": false, "is_superuser": true, "is_verified": true,
    });
    let reply = patch(&h, &user, body).await;

    let id = assert_user_read(&reply.expect(200).json(), &user.email, FRESH);
    assert_eq!(id, user.id);
    let admin_route = Call::get(&format!("/users/{id}")).bearer(&user.token);
    h.send(admin_route).await.expect_detail(403, "Forbidden");
    assert_user_read(
        &h.me(&user.token).await.expect(200).json(),
        &user.email,
        FRESH,
    );
}

/// `"email": null`, a malformed address, mistyped fields and non-object bodies are
/// 422; `{}` changes nothing.
pub async fn patch_me_validates_fields(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("wes@example.com").await;

    let cases = [
        (json!({ "email": null }), "email"),
        (json!({ "email": "nope" }), "email"),
        (json!({ "email": 7 }), "email"),
        (json!({ "password": 12345678 }), "password"),
        (json!({ "password": ["a"] }), "password"),
    ];
    for (body, field) in cases {
        let reply = patch(&h, &user, body).await;
        reply.expect_validation(&["body", field]);
    }
    patch(&h, &user, json!([])).await.expect(422);

    let reply = patch(&h, &user, json!({})).await;
    assert_user_read(&reply.expect(200).json(), &user.email, FRESH);
    // A null password means "unchanged", as in FastAPI Users' optional fields.
    let reply = patch(&h, &user, json!({ "password": null })).await;
    reply.expect(200);
    h.login(&user.email, &user.password).await;
}
