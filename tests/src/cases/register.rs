//! `POST /auth/register`.

use serde_json::json;

use super::{FRESH, HAS_EMAIL, TOO_SHORT, assert_password_rule, assert_user_read};
use crate::{AppFactory, Call, Harness, PASSWORD};

async fn post(h: &Harness, body: serde_json::Value) -> crate::Reply {
    h.send(Call::post("/auth/register").json(&body)).await
}

/// 201 with exactly the five `UserRead` keys, a lower-case UUID, and neither the
/// password nor its hash anywhere in the body.
pub async fn returns_user_read(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    let reply = post(
        &h,
        json!({ "email": "ann@example.com", "password": PASSWORD }),
    )
    .await;

    reply.expect(201);
    assert_user_read(&reply.json(), "ann@example.com", FRESH);
    let text = reply.text();
    assert!(
        !text.contains(PASSWORD) && !text.contains("$argon2"),
        "{text}"
    );
    assert!(!text.contains("password"), "{text}");
}

/// `id` and the `is_*` flags in the body are ignored: the new user is active,
/// unverified and no superuser, under an id of the server's choosing.
pub async fn ignores_id_and_flags(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let chosen = "00000000-0000-4000-8000-000000000001";

    let body = json!({
        "email": "eve@example.com", "password": PASSWORD, "id": chosen,
        "is_active": false, "is_superuser": true, "is_verified": true,
    });
    let reply = post(&h, body).await;

    let id = assert_user_read(&reply.expect(201).json(), "eve@example.com", FRESH);
    assert_ne!(id, chosen);
    let token = h.login("eve@example.com", PASSWORD).await;
    let admin_route = Call::get(&format!("/users/{id}")).bearer(&token);
    h.send(admin_route).await.expect_detail(403, "Forbidden");
}

/// Both reasons of the examples' password rule, as `REGISTER_INVALID_PASSWORD`.
pub async fn refuses_invalid_passwords(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    let short = post(
        &h,
        json!({ "email": "bob@example.com", "password": "1234567" }),
    )
    .await;
    assert_password_rule(&short, "REGISTER_INVALID_PASSWORD", TOO_SHORT);

    let body = json!({ "email": "bob@example.com", "password": "xx bob@example.com xx" });
    let with_email = post(&h, body).await;
    assert_password_rule(&with_email, "REGISTER_INVALID_PASSWORD", HAS_EMAIL);

    // Nothing was created: the address is still free.
    h.register("bob@example.com", PASSWORD).await;
}

/// A second account for the same address, in any letter case or with surrounding
/// spaces, is `REGISTER_USER_ALREADY_EXISTS`.
pub async fn refuses_duplicates_in_any_case(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    h.register("Carol@example.com", PASSWORD).await;

    for email in [
        "Carol@example.com",
        "carol@example.com",
        "CAROL@EXAMPLE.COM",
        "  carol@Example.com  ",
        "admin@KEYCARD.test",
    ] {
        let reply = post(&h, json!({ "email": email, "password": PASSWORD })).await;
        reply.expect_detail(400, "REGISTER_USER_ALREADY_EXISTS");
    }
}

/// The password rule is checked before the address's uniqueness.
pub async fn checks_password_before_duplicate(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    h.register("dan@example.com", PASSWORD).await;

    let reply = post(
        &h,
        json!({ "email": "DAN@example.com", "password": "short" }),
    )
    .await;

    assert_password_rule(&reply, "REGISTER_INVALID_PASSWORD", TOO_SHORT);
}

/// Missing or malformed fields are 422 with FastAPI's `loc`.
pub async fn validates_fields(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    let cases = [
        (json!({ "password": PASSWORD }), "email"),
        (json!({ "email": "fay@example.com" }), "password"),
        (
            json!({ "email": "not-an-address", "password": PASSWORD }),
            "email",
        ),
        (json!({ "email": "fay@", "password": PASSWORD }), "email"),
        (json!({ "email": 42, "password": PASSWORD }), "email"),
        (
            json!({ "email": "fay@example.com", "password": 12345678 }),
            "password",
        ),
        (
            json!({ "email": "fay@example.com", "password": null }),
            "password",
        ),
    ];
    for (body, field) in cases {
        post(&h, body).await.expect_validation(&["body", field]);
    }
    let empty = post(&h, json!({})).await;
    empty.expect_validation(&["body", "email"]);
    empty.expect_validation(&["body", "password"]);
}

/// The domain is lower-cased, the local part kept as typed, and login works with the
/// address in any letter case.
pub async fn normalizes_email_case(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    let reply = post(
        &h,
        json!({ "email": " Mixed.Case@Domain.COM ", "password": PASSWORD }),
    )
    .await;
    assert_user_read(&reply.expect(201).json(), "Mixed.Case@domain.com", FRESH);

    for login in [
        "Mixed.Case@domain.com",
        "mixed.case@DOMAIN.com",
        "MIXED.CASE@Domain.Com",
    ] {
        let token = h.login(login, PASSWORD).await;
        let me = h.me(&token).await;
        assert_eq!(me.expect(200).json()["email"], "Mixed.Case@domain.com");
    }
}
