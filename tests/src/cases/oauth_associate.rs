//! `GET /auth/associate/{name}/authorize` and `/callback`: a signed-in user links their
//! account at the provider; states of one flow or user never serve another.

use serde_json::json;

use super::{FRESH, assert_refused_before_the_code, verified_account};
use crate::tokens::claims_of;
use crate::{
    AppFactory, Harness, OAUTH_ASSOCIATE, OAUTH_HOST, OAUTH_LOGIN, OAUTH_NAME, OAuthAttempt,
    TestUser,
};

/// A linking attempt by `user`.
async fn associate_attempt(h: &Harness, user: &TestUser) -> OAuthAttempt {
    let path = format!("{OAUTH_ASSOCIATE}/authorize");
    h.oauth_authorize(&path, Some(&user.token)).await
}

/// Both routes answer 401 `Unauthorized` without a user, with a forged token and for a
/// deactivated user.
pub async fn associate_requires_a_signed_in_user(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let user = h.user("ada@example.com").await;
    h.admin_patch(&user.id, &json!({ "is_active": false }))
        .await
        .expect(200);
    let authorize = format!("{OAUTH_ASSOCIATE}/authorize");
    let callback = format!("{OAUTH_ASSOCIATE}/callback?code=c&state=s");

    for path in [authorize, callback] {
        let call = || crate::oauth_call(&path);
        h.send(call()).await.expect_detail(401, "Unauthorized");
        let forged = h.send(call().bearer("not-a-token")).await;
        forged.expect_detail(401, "Unauthorized");
        let inactive = h.send(call().bearer(&user.token)).await;
        inactive.expect_detail(401, "Unauthorized");
    }
    assert!(double.token_requests().is_empty());
}

/// A signed-in user gets 200 `{"authorization_url"}` with the associate callback as
/// redirect URI, the CSRF cookie, and a state naming them in `sub`.
pub async fn associate_authorize_binds_the_state_to_the_user(factory: AppFactory) {
    let (h, _double) = Harness::start_with_oauth(&factory).await;
    let user = h.user("bea@example.com").await;

    let attempt = associate_attempt(&h, &user).await;

    let callback = format!("http://{OAUTH_HOST}/auth/associate/{OAUTH_NAME}/callback");
    assert_eq!(attempt.param("redirect_uri"), callback);
    assert_eq!(attempt.param("scope"), "openid email");
    let claims = claims_of(&attempt.state);
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["csrftoken"], attempt.csrf.as_str());
    let cookie = super::cookie::SetCookie::parse(&attempt.set_cookie);
    assert_eq!(cookie.name, "keycardoauthcsrf");
    cookie.assert_attributes("3600");
}

/// The callback links the account to the signed-in user whatever its address and
/// answers 200 with their `UserRead`, unchanged; `update` is written with the field
/// `oauth_accounts`. Signing in with that account afterwards logs into the same user.
pub async fn associate_callback_links_the_signed_in_user(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let user = h.user("cai@example.com").await;
    let attempt = associate_attempt(&h, &user).await;
    let code = double.approve_as(
        &attempt.authorization_url,
        verified_account("acc-9", "cai.at.provider@example.com"),
    );

    let reply = h.oauth_callback(OAUTH_ASSOCIATE, &attempt, &code).await;

    let read = reply.expect(200).json();
    let id = super::assert_user_read(&read, "cai@example.com", FRESH);
    assert_eq!(id, user.id);
    let updates = h.events_of("update", &user.id);
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(updates[0]["fields"], json!(["oauth_accounts"]));
    assert_eq!(updates[0]["email"], "cai@example.com");
    let stored = h.stored_oauth_accounts(&user.id);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["account_id"], "acc-9");
    assert_eq!(stored[0]["account_email"], "cai.at.provider@example.com");

    let registered = h
        .events()
        .iter()
        .filter(|l| l["event"] == "register")
        .count();
    let account = verified_account("acc-9", "cai.at.provider@example.com");
    let login = h.oauth_sign_in(&double, account).await;
    let token = login.expect(200).json()["access_token"].clone();
    let me = h.me(token.as_str().expect("a token")).await;
    assert_eq!(me.expect(200).json()["id"], user.id.as_str());
    let after = h
        .events()
        .iter()
        .filter(|l| l["event"] == "register")
        .count();
    assert_eq!(after, registered, "nobody signed up");
    assert_eq!(h.events_of("login", &user.id).len(), 2);
}

/// A state issued to one user, finished by another with the first one's cookie, is 400
/// `OAUTH_INVALID_STATE`; nothing is redeemed or linked.
pub async fn associate_refuses_a_state_of_another_user(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let dee = h.user("dee@example.com").await;
    let eli = h.user("eli@example.com").await;
    let attempt = associate_attempt(&h, &dee).await;
    let code = double.approve(&attempt.authorization_url);

    let as_eli = attempt.with_bearer(Some(&eli.token));
    let reply = h.oauth_callback(OAUTH_ASSOCIATE, &as_eli, &code).await;

    assert_refused_before_the_code(&double, &reply, "OAUTH_INVALID_STATE");
    assert!(h.stored_oauth_accounts(&dee.id).is_empty());
    assert!(h.stored_oauth_accounts(&eli.id).is_empty());
}

/// A login state (no `sub`) on the associate callback is 400 `OAUTH_INVALID_STATE`,
/// never a 500; nothing is redeemed.
pub async fn associate_refuses_a_login_state(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let user = h.user("fen@example.com").await;
    let path = format!("{OAUTH_LOGIN}/authorize");
    let login = h.oauth_authorize(&path, None).await;
    let code = double.approve(&login.authorization_url);

    let signed_in = login.with_bearer(Some(&user.token));
    let reply = h.oauth_callback(OAUTH_ASSOCIATE, &signed_in, &code).await;

    assert_refused_before_the_code(&double, &reply, "OAUTH_INVALID_STATE");
    assert!(h.stored_oauth_accounts(&user.id).is_empty());
}

/// An associate state (with `sub`) on the login callback is 400 `OAUTH_INVALID_STATE`,
/// with or without the user's token; nothing is redeemed.
pub async fn login_refuses_an_associate_state(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let user = h.user("gil@example.com").await;
    let attempt = associate_attempt(&h, &user).await;
    let code = double.approve(&attempt.authorization_url);

    let anonymous = attempt.with_bearer(None);
    let reply = h.oauth_callback(OAUTH_LOGIN, &anonymous, &code).await;
    assert_refused_before_the_code(&double, &reply, "OAUTH_INVALID_STATE");
    let reply = h.oauth_callback(OAUTH_LOGIN, &attempt, &code).await;
    assert_refused_before_the_code(&double, &reply, "OAUTH_INVALID_STATE");
}

/// An account already linked to another user is refused with 400
/// `OAUTH_USER_ALREADY_EXISTS`; it stays with its user.
pub async fn associate_refuses_an_account_linked_to_another_user(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let owner = h
        .oauth_sign_in(&double, verified_account("acc-1", "hal@example.com"))
        .await;
    let owner_token = owner.expect(200).json()["access_token"].clone();
    let owner_id = h.me(owner_token.as_str().expect("a token")).await.json()["id"].clone();
    let ivy = h.user("ivy@example.com").await;
    let attempt = associate_attempt(&h, &ivy).await;
    let code = double.approve_as(
        &attempt.authorization_url,
        verified_account("acc-1", "hal@example.com"),
    );

    let reply = h.oauth_callback(OAUTH_ASSOCIATE, &attempt, &code).await;

    reply.expect_detail(400, "OAUTH_USER_ALREADY_EXISTS");
    assert!(h.stored_oauth_accounts(&ivy.id).is_empty());
    let owner_id = owner_id.as_str().expect("an id");
    assert_eq!(h.stored_oauth_accounts(owner_id).len(), 1);
}
