//! The example's extractor routes, `/protected/verified` and `/protected/optional`, and
//! the answers for unknown routes and wrong methods.

use http::Method;
use serde_json::json;

use super::assert_user_read;
use crate::{AppFactory, Call, Harness};

/// 401 anonymous or with a bad token, 403 unverified, 200 `UserRead` verified, 401
/// again once the verified user is deactivated.
pub async fn verified_route(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let unverified = h.user("hal@example.com").await;
    let verified = h.verified_user("ian@example.com").await;
    let get = || Call::get("/protected/verified");

    h.send(get()).await.expect_detail(401, "Unauthorized");
    h.send(get().bearer("not-a-token"))
        .await
        .expect_detail(401, "Unauthorized");
    h.send(get().bearer(&unverified.token))
        .await
        .expect_detail(403, "Forbidden");
    let reply = h.send(get().bearer(&verified.token)).await;
    let read = reply.expect(200).json();
    assert_eq!(
        assert_user_read(&read, &verified.email, [true, false, true]),
        verified.id
    );
    let cookie = get().cookie("keycardauth", &verified.token);
    h.send(cookie).await.expect(200);

    h.admin_patch(&verified.id, &json!({ "is_active": false }))
        .await
        .expect(200);
    h.send(get().bearer(&verified.token))
        .await
        .expect_detail(401, "Unauthorized");
}

/// `{"user": null}` anonymous or with a bad token, never 401; the `UserRead` otherwise,
/// inactive users included.
pub async fn optional_route(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("jan@example.com").await;
    let get = || Call::get("/protected/optional");

    for call in [
        get(),
        get().bearer("not-a-token"),
        get().cookie("keycardauth", "not-a-token"),
    ] {
        let reply = h.send(call).await;
        assert_eq!(reply.expect(200).json(), json!({ "user": null }));
    }
    let reply = h.send(get().bearer(&user.token)).await;
    let body = reply.expect(200).json();
    assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    assert_user_read(&body["user"], &user.email, super::FRESH);

    h.admin_patch(&user.id, &json!({ "is_active": false }))
        .await
        .expect(200);
    let reply = h.send(get().bearer(&user.token)).await;
    let body = reply.expect(200).json();
    assert_user_read(&body["user"], &user.email, [false, false, false]);
}

/// Unknown paths are 404 `{"detail": "Not Found"}`, whatever the method.
pub async fn unknown_route_is_404(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    for (method, path) in [
        (Method::GET, "/"),
        (Method::GET, "/nope"),
        (Method::POST, "/auth/nope"),
        (Method::POST, "/auth/jwt"),
        (Method::POST, "/auth/jwt/login/extra"),
        (Method::POST, "/auth/bearer/login"),
        (Method::GET, "/users"),
        (Method::GET, "/users/"),
        (Method::GET, "/users/me/extra"),
        (Method::DELETE, "/protected"),
        (Method::GET, "/protected/verified/extra"),
    ] {
        let reply = h.send(Call::new(method, path)).await;
        reply.expect_detail(404, "Not Found");
    }
}

/// Known paths with a method they do not serve are 405 `{"detail": "Method Not
/// Allowed"}`.
pub async fn wrong_method_is_405(factory: AppFactory) {
    let h = Harness::start(&factory).await;

    for (method, path) in [
        (Method::GET, "/auth/register"),
        (Method::PUT, "/auth/register"),
        (Method::GET, "/auth/jwt/login"),
        (Method::GET, "/auth/jwt/logout"),
        (Method::GET, "/auth/cookie/login"),
        (Method::DELETE, "/auth/cookie/logout"),
        (Method::GET, "/auth/jwt-verified/login"),
        (Method::GET, "/auth/forgot-password"),
        (Method::GET, "/auth/reset-password"),
        (Method::GET, "/auth/request-verify-token"),
        (Method::GET, "/auth/verify"),
        (Method::POST, "/protected/verified"),
        (Method::POST, "/protected/optional"),
    ] {
        let reply = h.send(Call::new(method, path)).await;
        reply.expect_detail(405, "Method Not Allowed");
    }
}
