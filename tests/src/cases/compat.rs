//! `KEYCARD_COMPAT=fastapi-users`: FastAPI Users' audiences and cookie names, so tokens
//! cross between the two systems.

use serde_json::json;

use super::cookie::only_cookie;
use crate::tokens::{access_claims, claims_of, sign};
use crate::{AppFactory, Call, Harness, PASSWORD};

async fn compat(factory: &AppFactory) -> Harness {
    Harness::builder(factory).compat().start().await
}

/// The auth cookie is `fastapiusersauth`, with the same attributes; `keycardauth` is
/// not read.
pub async fn compat_uses_fastapi_users_cookie(factory: AppFactory) {
    let h = compat(&factory).await;
    h.register("una@example.com", PASSWORD).await;
    let form = [("username", "una@example.com"), ("password", PASSWORD)];

    let reply = h.send(Call::post("/auth/cookie/login").form(&form)).await;

    let cookie = only_cookie(reply.expect(204));
    assert_eq!(cookie.name, "fastapiusersauth");
    cookie.assert_attributes("3600");
    let me = Call::get("/users/me").cookie("fastapiusersauth", &cookie.value);
    h.send(me).await.expect(200);
    let wrong = Call::get("/users/me").cookie("keycardauth", &cookie.value);
    h.send(wrong).await.expect_detail(401, "Unauthorized");
    let logout = Call::post("/auth/cookie/logout").cookie("fastapiusersauth", &cookie.value);
    let cleared = only_cookie(h.send(logout).await.expect(204));
    assert_eq!(
        (cleared.name.as_str(), cleared.value.as_str()),
        ("fastapiusersauth", "")
    );
}

/// Access tokens are issued for `fastapi-users:auth`; tokens minted for it, as FastAPI
/// Users mints them, are accepted, and `keycard:auth` ones refused.
pub async fn compat_accepts_fastapi_users_tokens(factory: AppFactory) {
    let h = compat(&factory).await;
    let user = h.user("vi@example.com").await;

    assert_eq!(claims_of(&user.token)["aud"], json!(["fastapi-users:auth"]));
    let theirs = sign(&access_claims(&user.id, "fastapi-users:auth", 600));
    assert_eq!(h.me(&theirs).await.expect(200).json()["id"], user.id);
    let ours = sign(&access_claims(&user.id, "keycard:auth", 600));
    h.me(&ours).await.expect_detail(401, "Unauthorized");
}

/// Reset and verify tokens carry `fastapi-users:reset` and `fastapi-users:verify`, and
/// ones minted for keycard's audiences are refused.
pub async fn compat_reset_and_verify_audiences(factory: AppFactory) {
    let h = compat(&factory).await;
    let user = h.user("wu@example.com").await;

    let forgot = Call::post("/auth/forgot-password").json(&json!({ "email": user.email }));
    h.send(forgot).await.expect(202);
    let reset = h.last_token("forgot_password", &user.id);
    let mut claims = claims_of(&reset);
    assert_eq!(claims["aud"], json!(["fastapi-users:reset"]));
    claims["aud"] = json!(["keycard:reset"]);
    let body = json!({ "token": sign(&claims), "password": "another password" });
    let reply = h.send(Call::post("/auth/reset-password").json(&body)).await;
    reply.expect_detail(400, "RESET_PASSWORD_BAD_TOKEN");
    let body = json!({ "token": reset, "password": "another password" });
    h.send(Call::post("/auth/reset-password").json(&body))
        .await
        .expect(200);

    let request = Call::post("/auth/request-verify-token").json(&json!({ "email": user.email }));
    h.send(request).await.expect(202);
    let verify = h.last_token("request_verify", &user.id);
    let mut claims = claims_of(&verify);
    assert_eq!(claims["aud"], json!(["fastapi-users:verify"]));
    claims["aud"] = json!(["keycard:verify"]);
    let reply = h
        .send(Call::post("/auth/verify").json(&json!({ "token": sign(&claims) })))
        .await;
    reply.expect_detail(400, "VERIFY_USER_BAD_TOKEN");
    let reply = h
        .send(Call::post("/auth/verify").json(&json!({ "token": verify })))
        .await;
    assert_eq!(reply.expect(200).json()["is_verified"], true);
}
