//! `GET /auth/{name}/authorize` and the happy and refused sign-ins of `/callback`, with
//! the generic provider of the `KEYCARD_OAUTH_*` variables pointed at a provider double
//! started per case.

use keycard_test_kit::oauth::{Account, ProviderDouble};
use serde_json::{Value, json};

use super::cookie::SetCookie;
use super::{FRESH, assert_refused_before_the_code, verified_account};
use crate::tokens::{claims_of, now, sign};
use crate::{AppFactory, Call, Harness, OAUTH_HOST, OAUTH_LOGIN, OAUTH_NAME};

/// Signs up `account` and returns the new user's id.
async fn sign_up(h: &Harness, double: &ProviderDouble, account: Account) -> String {
    let reply = h.oauth_sign_in(double, account).await;
    let token = reply.expect(200).json()["access_token"].clone();
    let me = h.me(token.as_str().expect("an access token")).await;
    me.expect(200).json()["id"]
        .as_str()
        .expect("an id")
        .to_owned()
}

/// 200 `{"authorization_url"}` at the double's authorization endpoint with
/// `response_type=code`, the client id, the callback URL as reached (`http://<Host>`),
/// `scope=openid email`, an S256 code challenge and a state JWT for
/// `keycard:oauth-state` naming no user and carrying the CSRF cookie's token; the
/// cookie is `keycardoauthcsrf` with `HttpOnly; Max-Age=3600; Path=/; SameSite=lax;
/// Secure`.
pub async fn authorize_returns_the_provider_url(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;

    let attempt = h.oauth_attempt().await;

    let base = format!("{}?", double.authorize_url());
    assert!(attempt.authorization_url.starts_with(&base), "{attempt:?}");
    assert_eq!(attempt.param("response_type"), "code");
    assert_eq!(attempt.param("client_id"), double.client_id());
    let callback = format!("http://{OAUTH_HOST}/auth/{OAUTH_NAME}/callback");
    assert_eq!(attempt.param("redirect_uri"), callback);
    assert_eq!(attempt.param("scope"), "openid email");
    assert_eq!(attempt.param("code_challenge_method"), "S256");
    assert_eq!(attempt.param("code_challenge").len(), 43, "{attempt:?}");
    let claims = claims_of(&attempt.state);
    assert_eq!(claims["csrftoken"], attempt.csrf.as_str());
    assert!(claims.get("sub").is_none(), "a login state names no user");
    let audience = &claims["aud"];
    assert!(audience == "keycard:oauth-state" || *audience == json!(["keycard:oauth-state"]));
    let lifetime = claims["exp"].as_i64().expect("exp") - now();
    assert!(
        (3500..=3600).contains(&lifetime),
        "an hour to sign in: {claims}"
    );
    let cookie = SetCookie::parse(&attempt.set_cookie);
    assert_eq!(cookie.name, "keycardoauthcsrf");
    assert!(cookie.value.len() >= 32, "{cookie:?}");
    cookie.assert_attributes("3600");

    assert_ne!(
        attempt.csrf,
        h.oauth_attempt().await.csrf,
        "a token per attempt"
    );
    assert!(double.token_requests().is_empty());
}

/// The redirect URI follows the `Host` the client reached the application by.
pub async fn authorize_derives_the_callback_url_from_the_host(factory: AppFactory) {
    let (h, _double) = Harness::start_with_oauth(&factory).await;

    let path = format!("{OAUTH_LOGIN}/authorize");
    let call = Call::get(&path).header("host", b"other.example:9000");
    let reply = h.send(call).await;

    let url = reply.expect(200).json()["authorization_url"].clone();
    let redirect = "redirect_uri=http%3A%2F%2Fother.example%3A9000%2Fauth%2Fgeneric%2Fcallback";
    let url = url.as_str().expect("a URL");
    assert!(url.contains(redirect), "{url}");
}

/// `?scopes=a&scopes=b` replaces the default scopes: `scope=a b`.
pub async fn authorize_takes_scopes(factory: AppFactory) {
    let (h, _double) = Harness::start_with_oauth(&factory).await;

    let path = format!("{OAUTH_LOGIN}/authorize?scopes=a&scopes=b");
    let attempt = h.oauth_authorize(&path, None).await;

    assert_eq!(attempt.param("scope"), "a b");
}

/// In compatibility mode the CSRF cookie is `fastapiusersoauthcsrf` and the state's
/// audience `fastapi-users:oauth-state`; a sign-in works with them, and a state minted
/// for keycard's audience is refused.
pub async fn authorize_in_compat_mode_uses_fastapi_users_names(factory: AppFactory) {
    let double = ProviderDouble::start().await;
    let h = Harness::builder(&factory)
        .compat()
        .oauth(&double)
        .start()
        .await;

    let attempt = h.oauth_attempt().await;

    let cookie = SetCookie::parse(&attempt.set_cookie);
    assert_eq!(cookie.name, "fastapiusersoauthcsrf");
    cookie.assert_attributes("3600");
    let claims = claims_of(&attempt.state);
    let audience = &claims["aud"];
    let compat = "fastapi-users:oauth-state";
    assert!(
        audience == compat || *audience == json!([compat]),
        "{claims}"
    );
    let keycard =
        json!({ "csrftoken": attempt.csrf, "aud": ["keycard:oauth-state"], "exp": now() + 600 });
    let forged = attempt.with_state(&sign(&keycard));
    let code = double.approve_as(
        &attempt.authorization_url,
        verified_account("c-1", "cy@example.com"),
    );
    let reply = h.oauth_callback(OAUTH_LOGIN, &forged, &code).await;
    assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_DECODE_ERROR");
    let reply = h.oauth_callback(OAUTH_LOGIN, &attempt, &code).await;
    assert_eq!(reply.expect(200).json()["token_type"], "bearer");
}

/// An unknown account signs up: the bearer login answer, a user with the provider's
/// address, unverified although the provider verified it (`is_verified_by_default` is
/// off), `register` then `login` in the events file, and the account stored with the
/// provider's tokens.
pub async fn callback_signs_up_a_new_user(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;

    let reply = h
        .oauth_sign_in(&double, verified_account("acc-1", "ola@example.com"))
        .await;

    let body = reply.expect(200).json();
    let keys: Vec<&String> = body.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["access_token", "token_type"], "{body}");
    assert_eq!(body["token_type"], "bearer");
    let token = body["access_token"].as_str().expect("a token");
    let me = h.me(token).await;
    let id = super::assert_user_read(&me.expect(200).json(), "ola@example.com", FRESH);
    let names: Vec<Value> = h
        .events()
        .iter()
        .map(|line| line["event"].clone())
        .collect();
    assert_eq!(
        names[names.len() - 2..],
        [json!("register"), json!("login")]
    );
    assert_eq!(h.events_of("register", &id)[0]["email"], "ola@example.com");
    assert_eq!(h.events_of("login", &id).len(), 1);

    let stored = h.stored_oauth_accounts(&id);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["oauth_name"], OAUTH_NAME);
    assert_eq!(stored[0]["account_id"], "acc-1");
    assert_eq!(stored[0]["account_email"], "ola@example.com");
    assert!(
        stored[0]["access_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(stored[0]["refresh_token"].is_string());
    assert!(
        stored[0]["expires_at"]
            .as_i64()
            .is_some_and(|at| at > now())
    );
}

/// A known account signs its user in again: the same user, one stored account whose
/// tokens are the new ones, a second `login` and no second `register`.
pub async fn callback_signs_in_a_known_account(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let id = sign_up(&h, &double, verified_account("acc-1", "pia@example.com")).await;
    let first = h.stored_oauth_accounts(&id);

    // The provider may report another address meanwhile; the account id decides.
    let reply = h
        .oauth_sign_in(&double, verified_account("acc-1", "pia@elsewhere.example"))
        .await;

    let token = reply.expect(200).json()["access_token"].clone();
    let me = h.me(token.as_str().expect("a token")).await;
    super::assert_user_read(&me.expect(200).json(), "pia@example.com", FRESH);
    let stored = h.stored_oauth_accounts(&id);
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_ne!(
        stored[0]["access_token"], first[0]["access_token"],
        "tokens updated"
    );
    assert_ne!(stored[0]["refresh_token"], first[0]["refresh_token"]);
    assert_eq!(h.events_of("register", &id).len(), 1);
    assert_eq!(h.events_of("login", &id).len(), 2);
}

/// An unknown account whose address belongs to a user, in any letter case, is refused
/// with 400 `OAUTH_USER_ALREADY_EXISTS` (`associate_by_email` is off, even for a verified
/// address); nothing is linked or created.
pub async fn callback_refuses_the_email_of_an_existing_user(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let user = h.user("qiu@example.com").await;
    let registered = h.count_events("register");

    let reply = h
        .oauth_sign_in(&double, verified_account("acc-1", "QIU@example.com"))
        .await;

    reply.expect_detail(400, "OAUTH_USER_ALREADY_EXISTS");
    assert!(h.stored_oauth_accounts(&user.id).is_empty());
    assert_eq!(h.count_events("register"), registered);
    assert_eq!(
        h.events_of("login", &user.id).len(),
        1,
        "only the password login"
    );
}

/// The provider account of a deactivated user gets 400 `LOGIN_BAD_CREDENTIALS`; its
/// stored tokens stay as they were and no `login` is written.
pub async fn callback_refuses_inactive_users(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let id = sign_up(&h, &double, verified_account("acc-1", "rex@example.com")).await;
    h.admin_patch(&id, &json!({ "is_active": false }))
        .await
        .expect(200);
    let before = h.stored_oauth_accounts(&id);

    let reply = h
        .oauth_sign_in(&double, verified_account("acc-1", "rex@example.com"))
        .await;

    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    assert_eq!(h.stored_oauth_accounts(&id), before);
    assert_eq!(h.events_of("login", &id).len(), 1);
}

/// An account without an address, or with one that is not an e-mail address, is
/// refused with 400 `OAUTH_NOT_AVAILABLE_EMAIL` and creates no user.
pub async fn callback_refuses_accounts_without_an_email(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let registered = h.count_events("register");

    let none = h.oauth_sign_in(&double, Account::new("acc-1")).await;
    let garbage = Account::new("acc-2").email("not an address");
    let bad = h.oauth_sign_in(&double, garbage).await;

    none.expect_detail(400, "OAUTH_NOT_AVAILABLE_EMAIL");
    bad.expect_detail(400, "OAUTH_NOT_AVAILABLE_EMAIL");
    assert_eq!(h.count_events("register"), registered);
}
