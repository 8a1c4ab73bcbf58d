//! `GET`, `PATCH` and `DELETE /users/{id}`, and the superuser seeded at start-up.

use http::Method;
use serde_json::json;

use super::{FRESH, TOO_SHORT, assert_password_rule, assert_user_read};
use crate::{ADMIN_EMAIL, ADMIN_PASSWORD, AppFactory, Call, Harness, PASSWORD};

const UNKNOWN_ID: &str = "7f1e3c52-0d4b-4c55-9a51-5b0f6f0e9a11";

/// The three methods on one id, with a JSON body for `PATCH`.
fn calls(id: &str) -> [Call; 3] {
    let path = format!("/users/{id}");
    [
        Call::get(&path),
        Call::patch(&path).json(&json!({ "is_superuser": true })),
        Call::delete(&path),
    ]
}

/// Anonymous: 401 for any id, even unknown or malformed ones.
pub async fn users_id_requires_authentication(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("abe@example.com").await;

    for id in [user.id.as_str(), UNKNOWN_ID, "not-a-uuid"] {
        for call in calls(id) {
            h.send(call).await.expect_detail(401, "Unauthorized");
        }
    }
}

/// A non-superuser: 403 even for their own id, and before any 404.
pub async fn users_id_forbids_non_superusers(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.verified_user("bea@example.com").await;

    for id in [user.id.as_str(), UNKNOWN_ID, "not-a-uuid", "123"] {
        for call in calls(id) {
            let reply = h.send(call.bearer(&user.token)).await;
            reply.expect_detail(403, "Forbidden");
        }
    }
    let me = h.me(&user.token).await;
    assert_eq!(me.expect(200).json()["is_superuser"], false);
}

/// A superuser: 404 `Not Found` for unknown and malformed ids.
pub async fn users_id_not_found(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let admin = h.admin().await;

    for id in [UNKNOWN_ID, "not-a-uuid", "123", "7f1e3c52-0d4b-4c55-9a51"] {
        for call in calls(id) {
            let reply = h.send(call.bearer(&admin)).await;
            reply.expect_detail(404, "Not Found");
        }
    }
}

/// `GET` answers the `UserRead`, for the id in lower or upper case.
pub async fn users_id_get(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("cal@example.com").await;
    let admin = h.admin().await;

    for id in [user.id.clone(), user.id.to_uppercase()] {
        let reply = h
            .send(Call::get(&format!("/users/{id}")).bearer(&admin))
            .await;
        let read = reply.expect(200).json();
        assert_eq!(assert_user_read(&read, &user.email, FRESH), user.id);
    }
}

/// `PATCH` sets every field, the `is_*` flags included; a new superuser can then use
/// the route, a new password logs in, an unverified e-mail change resets `is_verified`.
pub async fn users_id_patch_sets_flags(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("deb@example.com").await;

    let flags = json!({ "is_superuser": true, "is_verified": true });
    let reply = h.admin_patch(&user.id.to_uppercase(), &flags).await;
    assert_user_read(&reply.expect(200).json(), &user.email, [true, true, true]);
    let own = Call::get(&format!("/users/{}", user.id)).bearer(&user.token);
    h.send(own).await.expect(200);

    let body = json!({ "email": "deb2@example.com", "password": "a new admin-set password" });
    let reply = h.admin_patch(&user.id, &body).await;
    assert_user_read(
        &reply.expect(200).json(),
        "deb2@example.com",
        [true, true, false],
    );
    h.login("deb2@example.com", "a new admin-set password")
        .await;
    // An explicit flag wins over the reset that a new address implies.
    let body = json!({ "email": "deb3@example.com", "is_verified": true });
    let reply = h.admin_patch(&user.id, &body).await;
    assert_user_read(
        &reply.expect(200).json(),
        "deb3@example.com",
        [true, true, true],
    );

    let body = json!({ "is_active": false, "is_superuser": false, "is_verified": true });
    let reply = h.admin_patch(&user.id, &body).await;
    assert_user_read(
        &reply.expect(200).json(),
        "deb3@example.com",
        [false, false, true],
    );
    h.me(&user.token).await.expect_detail(401, "Unauthorized");
}

/// `PATCH` refuses a taken address, a password breaking the rule and malformed fields.
pub async fn users_id_patch_errors(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("eli@example.com").await;
    h.register("Other@example.com", PASSWORD).await;

    let reply = h
        .admin_patch(&user.id, &json!({ "email": "OTHER@example.com" }))
        .await;
    reply.expect_detail(400, "UPDATE_USER_EMAIL_ALREADY_EXISTS");
    let reply = h
        .admin_patch(&user.id, &json!({ "password": "short" }))
        .await;
    assert_password_rule(&reply, "UPDATE_USER_INVALID_PASSWORD", TOO_SHORT);
    let cases = [
        (json!({ "email": null }), "email"),
        (json!({ "is_active": "maybe" }), "is_active"),
        (json!({ "is_superuser": [] }), "is_superuser"),
        (json!({ "is_verified": 2 }), "is_verified"),
    ];
    for (body, field) in cases {
        let reply = h.admin_patch(&user.id, &body).await;
        reply.expect_validation(&["body", field]);
    }
    assert_user_read(
        &h.me(&user.token).await.expect(200).json(),
        &user.email,
        FRESH,
    );
}

/// `DELETE` answers 204 with no body; the user is then gone: 404 on every method,
/// their token refused, their login refused.
pub async fn users_id_delete(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("fox@example.com").await;
    let admin = h.admin().await;

    let delete = Call::delete(&format!("/users/{}", user.id)).bearer(&admin);
    let reply = h.send(delete).await;
    reply.expect(204);
    assert!(reply.body.is_empty(), "{}", reply.text());

    for call in calls(&user.id) {
        h.send(call.bearer(&admin))
            .await
            .expect_detail(404, "Not Found");
    }
    h.me(&user.token).await.expect_detail(401, "Unauthorized");
    let form = [("username", user.email.as_str()), ("password", PASSWORD)];
    let login = h.send(Call::post("/auth/jwt/login").form(&form)).await;
    login.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    // The address is free again.
    h.register(&user.email, PASSWORD).await;
}

/// The superuser from `KEYCARD_SUPERUSER_*` is active, verified and a superuser.
pub async fn superuser_is_seeded(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    let admin = h.admin().await;

    let me = h.me(&admin).await;
    let id = assert_user_read(&me.expect(200).json(), ADMIN_EMAIL, [true, true, true]);
    let registered = h.events_of("register", &id);
    assert_eq!(registered.len(), 1, "seeding is a registration");
    let verified = h
        .send(Call::get("/protected/verified").bearer(&admin))
        .await;
    verified.expect(200);
}

/// Starting again over the same database seeds nothing twice, and an existing user
/// named as superuser is left as it is.
pub async fn seeding_twice_is_harmless(factory: AppFactory) {
    let mut h = Harness::start(&factory).await;
    let first = h.me(&h.admin().await).await.expect(200).json();
    h.user("gia@example.com").await;

    h.restart().await;
    let again = h.me(&h.admin().await).await.expect(200).json();
    assert_eq!(again, first);
    let admin_id = first["id"].as_str().expect("an id");
    assert_eq!(h.events_of("register", admin_id).len(), 1);

    // Naming an ordinary user as the superuser does not promote them.
    h.set_var("KEYCARD_SUPERUSER_EMAIL", "GIA@example.com");
    h.set_var("KEYCARD_SUPERUSER_PASSWORD", ADMIN_PASSWORD);
    h.restart().await;
    let gia = h.login("gia@example.com", PASSWORD).await;
    assert_user_read(
        &h.me(&gia).await.expect(200).json(),
        "gia@example.com",
        FRESH,
    );
    let refused = [
        ("username", "gia@example.com"),
        ("password", ADMIN_PASSWORD),
    ];
    let reply = h.send(Call::post("/auth/jwt/login").form(&refused)).await;
    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
}

/// Methods a route does not serve are 405, not routed to another handler.
pub async fn users_routes_wrong_methods(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let admin = h.admin().await;

    for (method, path) in [
        (Method::PUT, "/users/me".to_owned()),
        (Method::POST, "/users/me".to_owned()),
        (Method::POST, format!("/users/{UNKNOWN_ID}")),
        (Method::PUT, format!("/users/{UNKNOWN_ID}")),
    ] {
        let reply = h.send(Call::new(method, &path).bearer(&admin)).await;
        reply.expect_detail(405, "Method Not Allowed");
    }
}

/// `DELETE /users/me` is `/users/{id}` with the id `me`, as FastAPI Users routes it:
/// 401 anonymous, 403 for a non-superuser, 404 for a superuser; nobody is deleted.
pub async fn delete_users_me_is_an_id_route(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.verified_user("dee@example.com").await;
    let admin = h.admin().await;

    h.send(Call::delete("/users/me"))
        .await
        .expect_detail(401, "Unauthorized");
    let reply = h.send(Call::delete("/users/me").bearer(&user.token)).await;
    reply.expect_detail(403, "Forbidden");
    let reply = h.send(Call::delete("/users/me").bearer(&admin)).await;
    reply.expect_detail(404, "Not Found");
    h.me(&user.token).await.expect(200);
}
