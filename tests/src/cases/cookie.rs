//! `POST /auth/cookie/login` and `/logout`, and the bearer backend at
//! `/auth/jwt-verified` that requires verification.

use serde_json::json;

use super::FRESH;
use crate::tokens::claims_of;
use crate::{AppFactory, Call, Harness, PASSWORD, Reply};

/// A parsed `Set-Cookie`: name, value and attributes with lower-cased names.
#[derive(Debug)]
pub struct SetCookie {
    /// The cookie's name.
    pub name: String,
    /// Its value, without surrounding quotes.
    pub value: String,
    /// `(lower-cased name, value)` of each attribute; flags have an empty value.
    pub attributes: Vec<(String, String)>,
}

impl SetCookie {
    /// Parses one `Set-Cookie` header value (RFC 6265 §5.2).
    ///
    /// # Panics
    ///
    /// When it has no `name=value` pair.
    pub fn parse(header: &str) -> Self {
        let mut parts = header.split(';').map(str::trim);
        let pair = parts.next().expect("a name=value pair");
        let (name, value) = pair.split_once('=').expect("a name=value pair");
        let attributes = parts
            .filter(|part| !part.is_empty())
            .map(|part| {
                let (key, value) = part.split_once('=').unwrap_or((part, ""));
                (key.trim().to_ascii_lowercase(), value.trim().to_owned())
            })
            .collect();
        Self {
            name: name.trim().to_owned(),
            value: value.trim().trim_matches('"').to_owned(),
            attributes,
        }
    }

    /// Asserts the contract's attributes, and no others: `HttpOnly; Max-Age=<max_age>;
    /// Path=/; SameSite=lax; Secure`.
    ///
    /// # Panics
    ///
    /// When an attribute is missing, differs or is extra.
    #[track_caller]
    pub fn assert_attributes(&self, max_age: &str) {
        let mut attributes = self.attributes.clone();
        attributes.sort();
        let names: Vec<&str> = attributes.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            ["httponly", "max-age", "path", "samesite", "secure"],
            "{self:?}"
        );
        let value = |name: &str| &attributes[names.iter().position(|n| *n == name).unwrap_or(0)].1;
        assert_eq!(value("max-age"), max_age, "{self:?}");
        assert_eq!(value("path"), "/", "{self:?}");
        assert!(value("samesite").eq_ignore_ascii_case("lax"), "{self:?}");
        assert!(value("httponly").is_empty() && value("secure").is_empty());
    }
}

/// The only `Set-Cookie` of a reply, parsed.
///
/// # Panics
///
/// Unless there is exactly one.
#[track_caller]
pub fn only_cookie(reply: &Reply) -> SetCookie {
    let cookies = reply.set_cookies();
    assert_eq!(cookies.len(), 1, "{}: {cookies:?}", reply.request);
    SetCookie::parse(&cookies[0])
}

async fn cookie_login(h: &Harness, email: &str, password: &str) -> Reply {
    let form = [("username", email), ("password", password)];
    h.send(Call::post("/auth/cookie/login").form(&form)).await
}

/// 204 with an empty body and `keycardauth=<jwt>; HttpOnly; Max-Age=3600; Path=/;
/// SameSite=lax; Secure`, no `Domain`; the cookie then authenticates `/users/me`.
pub async fn login_sets_the_auth_cookie(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let read = h.register("mo@example.com", PASSWORD).await;

    let reply = cookie_login(&h, "mo@example.com", PASSWORD).await;

    reply.expect(204);
    assert!(reply.body.is_empty(), "{}", reply.text());
    let cookie = only_cookie(&reply);
    assert_eq!(cookie.name, "keycardauth");
    cookie.assert_attributes("3600");
    assert_eq!(claims_of(&cookie.value)["sub"], read["id"]);
    let me = h
        .send(Call::get("/users/me").cookie("keycardauth", &cookie.value))
        .await;
    super::assert_user_read(&me.expect(200).json(), "mo@example.com", FRESH);
}

/// Logout answers 204 and clears the cookie (empty value, `Max-Age=0`, same
/// attributes); without the cookie it is 401.
pub async fn logout_clears_the_cookie(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    h.register("ned@example.com", PASSWORD).await;
    let login = cookie_login(&h, "ned@example.com", PASSWORD).await;
    let token = only_cookie(&login).value;

    let reply = h
        .send(Call::post("/auth/cookie/logout").cookie("keycardauth", &token))
        .await;

    reply.expect(204);
    assert!(reply.body.is_empty(), "{}", reply.text());
    let cleared = only_cookie(&reply);
    assert_eq!(cleared.name, "keycardauth");
    assert_eq!(cleared.value, "", "{cleared:?}");
    cleared.assert_attributes("0");
    h.send(Call::post("/auth/cookie/logout"))
        .await
        .expect_detail(401, "Unauthorized");
}

/// Cookie login refuses what bearer login refuses, and sets no cookie when it does.
pub async fn login_errors_set_no_cookie(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    h.register("ola@example.com", PASSWORD).await;

    let reply = cookie_login(&h, "ola@example.com", "wrong password").await;
    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    assert!(reply.set_cookies().is_empty());
    let reply = cookie_login(&h, "nobody@example.com", PASSWORD).await;
    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    let missing = Call::post("/auth/cookie/login").form(&[("username", "ola@example.com")]);
    let reply = h.send(missing).await;
    reply.expect_validation(&["body", "password"]);
    assert!(reply.set_cookies().is_empty());
}

/// With both a bearer header and a cookie, the first valid credential wins.
pub async fn first_valid_credential_wins(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let user = h.user("pat@example.com").await;

    let bad_bearer = Call::get("/users/me")
        .bearer("not-a-token")
        .cookie("keycardauth", &user.token);
    assert_eq!(h.send(bad_bearer).await.expect(200).json()["id"], user.id);
    let bad_cookie = Call::get("/users/me")
        .bearer(&user.token)
        .cookie("keycardauth", "not-a-token");
    assert_eq!(h.send(bad_cookie).await.expect(200).json()["id"], user.id);
}

/// `/auth/jwt-verified/login` checks credentials first (`LOGIN_BAD_CREDENTIALS`), then
/// answers `LOGIN_USER_NOT_VERIFIED` for an unverified user, and a token once verified.
pub async fn verified_login_refuses_unverified_users(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let quinn = h.user("quinn@example.com").await;
    let path = "/auth/jwt-verified/login";
    let login = |email: &'static str, password: &'static str| {
        h.send(Call::post(path).form(&[("username", email), ("password", password)]))
    };

    let reply = login("quinn@example.com", PASSWORD).await;
    reply.expect_detail(400, "LOGIN_USER_NOT_VERIFIED");
    let reply = login("quinn@example.com", "wrong password").await;
    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    let reply = login("nobody@example.com", PASSWORD).await;
    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");

    let verified = json!({ "is_verified": true });
    h.admin_patch(&quinn.id, &verified).await.expect(200);
    let reply = login("quinn@example.com", PASSWORD).await;
    assert_eq!(reply.expect(200).json()["token_type"], "bearer");

    let inactive = json!({ "is_active": false });
    h.admin_patch(&quinn.id, &inactive).await.expect(200);
    let reply = login("quinn@example.com", PASSWORD).await;
    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
}

/// `/auth/jwt-verified/logout` is 403 for an unverified user, 401 anonymous, 204
/// verified.
pub async fn verified_logout_requires_verification(factory: AppFactory) {
    let h = Harness::start(&factory).await;
    let unverified = h.user("rex@example.com").await;
    let verified = h.verified_user("sue@example.com").await;
    let logout = |token: &str| Call::post("/auth/jwt-verified/logout").bearer(token);

    h.send(logout(&unverified.token))
        .await
        .expect_detail(403, "Forbidden");
    h.send(Call::post("/auth/jwt-verified/logout"))
        .await
        .expect_detail(401, "Unauthorized");
    h.send(logout(&verified.token)).await.expect(204);
}
