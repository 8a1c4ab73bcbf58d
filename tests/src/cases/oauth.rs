//! `GET /auth/{name}/authorize` and `/callback`: signing in with the generic provider of
//! the `KEYCARD_OAUTH_*` variables, pointed at a provider double started per case.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use keycard_test_kit::oauth::{Account, Behaviour, ProviderDouble};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::FRESH;
use super::cookie::SetCookie;
use crate::tokens::{claims_of, now, sign, sign_with, unsigned};
use crate::{AppFactory, Call, Harness, OAUTH_HOST, OAUTH_NAME, OAuthAttempt, Reply, oauth_call};

/// `/auth/generic`.
fn login_prefix() -> String {
    format!("/auth/{OAUTH_NAME}")
}

/// A fresh sign-in attempt at `/auth/generic`.
async fn attempt(h: &Harness) -> OAuthAttempt {
    let path = format!("{}/authorize", login_prefix());
    h.oauth_authorize(&path, None).await
}

/// The provider's account with a verified address.
fn verified(sub: &str, email: &str) -> Account {
    Account::new(sub).email(email).email_verified(true)
}

/// Asserts a 400 `{"detail": code}` and that the double never saw a token request.
#[track_caller]
fn assert_refused_before_the_code(double: &ProviderDouble, reply: &Reply, code: &str) {
    reply.expect_detail(400, code);
    let sent = double.token_requests();
    assert!(sent.is_empty(), "{}: the code was redeemed", reply.request);
}

/// Asserts an answer that is the client's or the provider's fault, never the server's:
/// a 4xx or a 502, with `{"detail": "<CODE>"}`.
#[track_caller]
fn assert_not_a_server_fault(reply: &Reply, why: &str) {
    let status = reply.status.as_u16();
    assert!(
        (400..500).contains(&status) || status == 502,
        "{why}: {} answered {status} {}",
        reply.request,
        reply.text()
    );
    let detail = reply.json()["detail"].clone();
    let code = detail.as_str().unwrap_or_default();
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_uppercase() || c == '_'),
        "{why}: a stable code, not {detail}"
    );
}

/// The number of `event` lines so far.
fn count(h: &Harness, event: &str) -> usize {
    h.events()
        .iter()
        .filter(|line| line["event"] == event)
        .count()
}

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

    let attempt = attempt(&h).await;

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
        self::attempt(&h).await.csrf,
        "a token per attempt"
    );
    assert!(double.token_requests().is_empty());
}

/// The redirect URI follows the `Host` the client reached the application by.
pub async fn authorize_derives_the_callback_url_from_the_host(factory: AppFactory) {
    let (h, _double) = Harness::start_with_oauth(&factory).await;

    let path = format!("{}/authorize", login_prefix());
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

    let path = format!("{}/authorize?scopes=a&scopes=b", login_prefix());
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

    let attempt = attempt(&h).await;

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
        verified("c-1", "cy@example.com"),
    );
    let reply = h.oauth_callback(&login_prefix(), &forged, &code).await;
    assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_DECODE_ERROR");
    let reply = h.oauth_callback(&login_prefix(), &attempt, &code).await;
    assert_eq!(reply.expect(200).json()["token_type"], "bearer");
}

/// An unknown account signs up: the bearer login answer, a user with the provider's
/// address, unverified although the provider verified it (`is_verified_by_default` is
/// off), `register` then `login` in the events file, and the account stored with the
/// provider's tokens.
pub async fn callback_signs_up_a_new_user(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;

    let reply = h
        .oauth_sign_in(&double, verified("acc-1", "ola@example.com"))
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
    let id = sign_up(&h, &double, verified("acc-1", "pia@example.com")).await;
    let first = h.stored_oauth_accounts(&id);

    // The provider may report another address meanwhile; the account id decides.
    let reply = h
        .oauth_sign_in(&double, verified("acc-1", "pia@elsewhere.example"))
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
    let registered = count(&h, "register");

    let reply = h
        .oauth_sign_in(&double, verified("acc-1", "QIU@example.com"))
        .await;

    reply.expect_detail(400, "OAUTH_USER_ALREADY_EXISTS");
    assert!(h.stored_oauth_accounts(&user.id).is_empty());
    assert_eq!(count(&h, "register"), registered);
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
    let id = sign_up(&h, &double, verified("acc-1", "rex@example.com")).await;
    h.admin_patch(&id, &json!({ "is_active": false }))
        .await
        .expect(200);
    let before = h.stored_oauth_accounts(&id);

    let reply = h
        .oauth_sign_in(&double, verified("acc-1", "rex@example.com"))
        .await;

    reply.expect_detail(400, "LOGIN_BAD_CREDENTIALS");
    assert_eq!(h.stored_oauth_accounts(&id), before);
    assert_eq!(h.events_of("login", &id).len(), 1);
}

/// An account without an address, or with one that is not an e-mail address, is
/// refused with 400 `OAUTH_NOT_AVAILABLE_EMAIL` and creates no user.
pub async fn callback_refuses_accounts_without_an_email(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let registered = count(&h, "register");

    let none = h.oauth_sign_in(&double, Account::new("acc-1")).await;
    let garbage = Account::new("acc-2").email("not an address");
    let bad = h.oauth_sign_in(&double, garbage).await;

    none.expect_detail(400, "OAUTH_NOT_AVAILABLE_EMAIL");
    bad.expect_detail(400, "OAUTH_NOT_AVAILABLE_EMAIL");
    assert_eq!(count(&h, "register"), registered);
}

/// A state that is missing, not a JWT, tampered with, signed with another secret or for
/// another audience is 400 `ACCESS_TOKEN_DECODE_ERROR`, and the code is never redeemed.
pub async fn callback_refuses_a_bad_state(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = attempt(&h).await;
    let code = double.approve(&attempt.authorization_url);
    let claims = claims_of(&attempt.state);
    let mut auth_audience = claims.clone();
    auth_audience["aud"] = json!(["keycard:auth"]);
    let mut without_exp = claims.clone();
    without_exp
        .as_object_mut()
        .map(|object| object.remove("exp"));
    // The first character of the signature carries six of its bits.
    let mut tampered = attempt.state.clone();
    let at = tampered.rfind('.').expect("a JWT") + 1;
    let flipped = if tampered[at..].starts_with('A') {
        "B"
    } else {
        "A"
    };
    tampered.replace_range(at..=at, flipped);
    let states = [
        ("empty", String::new()),
        ("not a JWT", "not-a-jwt".to_owned()),
        ("tampered", tampered),
        ("unsigned", unsigned(&claims)),
        ("without exp", sign(&without_exp)),
        (
            "another secret",
            sign_with(jsonwebtoken::Algorithm::HS256, "another secret", &claims),
        ),
        ("the auth audience", sign(&auth_audience)),
    ];

    for (why, state) in states {
        let reply = h
            .oauth_callback(&login_prefix(), &attempt.with_state(&state), &code)
            .await;
        assert_eq!(reply.status.as_u16(), 400, "{why}: {}", reply.text());
        assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_DECODE_ERROR");
    }
    let cookie = h.csrf_cookie_name();
    let no_state = oauth_call(&format!("{}/callback?code={code}", login_prefix()));
    let reply = h.send(no_state.cookie(cookie, &attempt.csrf)).await;
    assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_DECODE_ERROR");
}

/// A state minted with the known secret for `keycard:oauth-state` but expired is 400
/// `ACCESS_TOKEN_ALREADY_EXPIRED`, and the code is never redeemed.
pub async fn callback_refuses_an_expired_state(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = attempt(&h).await;
    let code = double.approve(&attempt.authorization_url);
    let claims = json!({
        "csrftoken": attempt.csrf,
        "aud": ["keycard:oauth-state"],
        "exp": now() - 5,
    });

    let expired = attempt.with_state(&sign(&claims));
    let reply = h.oauth_callback(&login_prefix(), &expired, &code).await;

    assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_ALREADY_EXPIRED");
}

/// Without the CSRF cookie, with another attempt's, with an altered one or under
/// FastAPI Users' name, the callback is 400 `OAUTH_INVALID_STATE` and the code is never
/// redeemed; the genuine pair still signs in afterwards.
pub async fn callback_refuses_a_missing_or_mismatched_cookie(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = attempt(&h).await;
    let other = self::attempt(&h).await;
    let code = double.approve(&attempt.authorization_url);
    let query = format!("code={code}&state={}", attempt.state);
    let path = format!("{}/callback?{query}", login_prefix());
    let cookie = h.csrf_cookie_name();
    let altered = format!("{}x", attempt.csrf);
    let calls = [
        ("no cookie", oauth_call(&path)),
        (
            "another attempt's",
            oauth_call(&path).cookie(cookie, &other.csrf),
        ),
        ("altered", oauth_call(&path).cookie(cookie, &altered)),
        ("empty", oauth_call(&path).cookie(cookie, "")),
        (
            "other name",
            oauth_call(&path).cookie("fastapiusersoauthcsrf", &attempt.csrf),
        ),
    ];

    for (why, call) in calls {
        let reply = h.send(call).await;
        assert_eq!(reply.status.as_u16(), 400, "{why}: {}", reply.text());
        assert_refused_before_the_code(&double, &reply, "OAUTH_INVALID_STATE");
    }
    let reply = h.oauth_callback(&login_prefix(), &attempt, &code).await;
    reply.expect(200);
    assert_eq!(double.token_requests().len(), 1);
}

/// `?error=access_denied` from the provider, a missing code and an empty code are 400s,
/// even with a valid state and cookie; nothing reaches the provider.
pub async fn callback_refuses_provider_errors_and_missing_codes(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = attempt(&h).await;
    let cookie = h.csrf_cookie_name();
    let state = form_urlencoded::byte_serialize(attempt.state.as_bytes()).collect::<String>();
    let queries = [
        format!("error=access_denied&state={state}"),
        format!("state={state}"),
        format!("code=&state={state}"),
    ];

    for query in queries {
        let path = format!("{}/callback?{query}", login_prefix());
        let reply = h
            .send(oauth_call(&path).cookie(cookie, &attempt.csrf))
            .await;
        reply.expect(400);
        assert!(reply.json()["detail"].is_string(), "{}", reply.text());
    }
    assert!(double.token_requests().is_empty());
}

/// A code the provider refuses (never issued, already used, or refused outright) is a
/// 400 with a stable code, never a 500, and creates no user.
pub async fn callback_refuses_a_code_the_provider_refuses(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let registered = count(&h, "register");

    let first = attempt(&h).await;
    let never_issued = h
        .oauth_callback(&login_prefix(), &first, "never-issued")
        .await;
    let code = double.approve_as(&first.authorization_url, verified("a", "a@example.com"));
    double.refuse_codes(true);
    let refused = h.oauth_callback(&login_prefix(), &first, &code).await;
    double.refuse_codes(false);
    let second = attempt(&h).await;
    let code = double.approve_as(&second.authorization_url, verified("a", "a@example.com"));
    h.oauth_callback(&login_prefix(), &second, &code)
        .await
        .expect(200);
    let reused = h.oauth_callback(&login_prefix(), &second, &code).await;

    for (why, reply) in [
        ("never issued", never_issued),
        ("refused", refused),
        ("reused", reused),
    ] {
        assert_eq!(reply.status.as_u16(), 400, "{why}: {}", reply.text());
        assert_not_a_server_fault(&reply, why);
    }
    assert_eq!(
        count(&h, "register"),
        registered + 1,
        "only the genuine sign-up"
    );
    assert_eq!(double.token_requests().len(), 4);
}

/// A token or user-info endpoint answering 5xx, garbage, the wrong shape, a redirect,
/// an error, too much or nothing is a 4xx or a 502 with a code, never a 500, and
/// creates no user.
pub async fn provider_failures_are_never_500(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let registered = count(&h, "register");
    let failures = [
        Behaviour::ServerError,
        Behaviour::Unavailable,
        Behaviour::Garbage,
        Behaviour::WrongShape,
        Behaviour::Redirect,
        Behaviour::ErrorWith200,
        Behaviour::InvalidClient,
        Behaviour::Huge,
        Behaviour::HangUp,
    ];

    for (endpoint, behaviour) in failures
        .iter()
        .map(|b| ("token", *b))
        .chain(failures.iter().map(|b| ("userinfo", *b)))
    {
        double.set_token_behaviour(Behaviour::Normal);
        double.set_userinfo_behaviour(Behaviour::Normal);
        match endpoint {
            "token" => double.set_token_behaviour(behaviour),
            _ => double.set_userinfo_behaviour(behaviour),
        }
        let reply = h
            .oauth_sign_in(&double, verified("f", "fay@example.com"))
            .await;
        assert_not_a_server_fault(&reply, &format!("{endpoint} {behaviour:?}"));
    }
    assert_eq!(count(&h, "register"), registered);
}

/// A provider that cannot be reached at all is a 4xx or a 502 with a code, never a 500.
pub async fn unreachable_provider_is_never_500(factory: AppFactory) {
    let (mut h, _double) = Harness::start_with_oauth(&factory).await;
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let down = format!("http://127.0.0.1:{port}");
    h.set_var("KEYCARD_OAUTH_TOKEN_URL", &format!("{down}/token"));
    h.set_var("KEYCARD_OAUTH_USERINFO_URL", &format!("{down}/userinfo"));
    h.restart().await;

    let attempt = attempt(&h).await;
    let reply = h.oauth_callback(&login_prefix(), &attempt, "a-code").await;

    assert_not_a_server_fault(&reply, "unreachable");
}

/// The token request carries the client id and secret in the body, the redirect URI of
/// the authorization URL, and a PKCE verifier (RFC 7636 §4.1) whose S256 is the URL's
/// challenge; a code issued for another attempt's challenge is refused.
pub async fn pkce_verifier_matches_the_challenge(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let first = attempt(&h).await;
    let second = attempt(&h).await;
    assert_ne!(
        first.param("code_challenge"),
        second.param("code_challenge")
    );

    let code = double.approve(&first.authorization_url);
    h.oauth_callback(&login_prefix(), &first, &code)
        .await
        .expect(200);
    let code = double.approve(&first.authorization_url);
    let crossed = h.oauth_callback(&login_prefix(), &second, &code).await;

    let sent = double.token_requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].grant_type(), Some("authorization_code"));
    assert_eq!(sent[0].client_id(), Some(double.client_id()));
    assert_eq!(sent[0].client_secret(), Some(double.client_secret()));
    assert_eq!(sent[0].redirect_uri(), Some(first.param("redirect_uri")));
    let verifier = sent[0].code_verifier().expect("a code_verifier");
    let unreserved = |c: char| c.is_ascii_alphanumeric() || "-._~".contains(c);
    assert!((43..=128).contains(&verifier.len()) && verifier.chars().all(unreserved));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    assert_eq!(challenge, first.param("code_challenge"));
    assert_ne!(sent[1].code_verifier(), Some(verifier));
    assert_eq!(crossed.status.as_u16(), 400, "{}", crossed.text());
    assert_not_a_server_fault(&crossed, "another attempt's verifier");
}
