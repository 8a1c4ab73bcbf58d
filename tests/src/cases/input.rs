//! Request bodies: authentication before validation, malformed and oversized bodies.

use serde_json::json;

use crate::{AppFactory, Call, Harness, PASSWORD};

/// Every JSON route, with a body that would otherwise succeed or fail validation.
const JSON_ROUTES: [&str; 5] = [
    "/auth/register",
    "/auth/forgot-password",
    "/auth/reset-password",
    "/auth/request-verify-token",
    "/auth/verify",
];

/// Protected routes answer 401 (or 403) before they look at the body.
pub async fn authentication_before_validation(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("kit@example.com").await;
    let garbage = || Call::patch("/users/me").raw(Some("application/json"), "{not json");

    h.send(garbage()).await.expect_detail(401, "Unauthorized");
    let call = Call::patch("/users/me").raw(Some("text/plain"), "\u{0}");
    h.send(call).await.expect_detail(401, "Unauthorized");
    let call = Call::patch(&format!("/users/{}", user.id)).raw(None, "[1, 2");
    h.send(call).await.expect_detail(401, "Unauthorized");
    let call = Call::patch(&format!("/users/{}", user.id))
        .bearer(&user.token)
        .raw(Some("application/json"), "{not json");
    h.send(call).await.expect_detail(403, "Forbidden");
    let call = Call::post("/auth/jwt/logout").raw(Some("application/json"), "{");
    h.send(call).await.expect_detail(401, "Unauthorized");

    // With credentials, the same garbage is a validation error.
    h.send(garbage().bearer(&user.token)).await.expect(422);
}

/// Malformed JSON, a non-JSON content type, JSON that is not an object, and an empty
/// body are all 422 in FastAPI's shape, on every JSON route.
pub async fn malformed_json_is_422(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let valid = json!({ "email": "lia@example.com", "password": PASSWORD }).to_string();

    let bodies: [(Option<&str>, &str); 10] = [
        (Some("application/json"), "{\"email\": "),
        (Some("application/json"), "{'email': 'a@b.co'}"),
        (Some("application/json"), "[]"),
        (Some("application/json"), "\"a string\""),
        (Some("application/json"), "42"),
        (Some("application/json"), "null"),
        (Some("application/json"), ""),
        (Some("text/plain"), &valid),
        (
            Some("application/x-www-form-urlencoded"),
            "email=lia%40example.com",
        ),
        (Some("application/xml"), "<email/>"),
    ];
    for path in JSON_ROUTES {
        for (content_type, body) in bodies {
            let reply = h.send(Call::post(path).raw(content_type, body)).await;
            reply.expect(422);
            let detail = reply.json()["detail"].clone();
            let first = &detail.as_array().expect("a list of errors")[0];
            assert_eq!(first["loc"][0], "body", "{path} {body:?}: {detail}");
        }
    }
    // No user was created by any of it.
    h.register("lia@example.com", PASSWORD).await;
}

/// A JSON body without a content type, or with a `+json` or parameterised one, is read
/// as JSON, as FastAPI does.
pub async fn json_content_type_variants(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    for (index, content_type) in [
        None,
        Some("application/json; charset=utf-8"),
        Some("Application/JSON"),
        Some("application/vnd.api+json"),
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("ct{index}@example.com");
        let body = json!({ "email": email, "password": PASSWORD }).to_string();
        let reply = h
            .send(Call::post("/auth/register").raw(content_type, body))
            .await;
        assert_eq!(reply.expect(201).json()["email"], email);
    }
}

/// A body over the limit is refused with 413, on public and protected routes.
pub async fn oversized_body_is_413(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("mia@example.com").await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let huge = json!({ "email": "big@example.com", "password": padding }).to_string();

    let reply = h
        .send(Call::post("/auth/register").raw(Some("application/json"), huge.clone()))
        .await;
    reply.expect(413);
    let login = format!("username=a%40b.co&password={padding}");
    let call = Call::post("/auth/jwt/login").raw(Some("application/x-www-form-urlencoded"), login);
    h.send(call).await.expect(413);
    let call = Call::patch("/users/me")
        .bearer(&user.token)
        .raw(Some("application/json"), huge);
    h.send(call).await.expect(413);
}
