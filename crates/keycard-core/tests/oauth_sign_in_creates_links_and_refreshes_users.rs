//! The OAuth login callback against a provider double: sign-up, sign-in, linking rules.

mod support;

use http::StatusCode;
use keycard_core::http::OAuthOptions;
use keycard_core::{Password, Token};
use keycard_test_kit::oauth::ProviderDouble;
use support::{App, HOST, app, app_with, register_and_login, userinfo};

async fn setup(options: OAuthOptions) -> (ProviderDouble, App) {
    let double = ProviderDouble::start().await;
    let app = app(&double, options);
    (double, app)
}

#[tokio::test]
async fn authorize_returns_the_provider_url_and_sets_the_csrf_cookie() {
    let (double, app) = setup(OAuthOptions::new()).await;
    let attempt = app.authorize("/auth/acme", None).await;

    let url = url::Url::parse(&attempt.url).expect("url");
    assert!(
        attempt
            .url
            .starts_with(&format!("{}/authorize?", double.base_url()))
    );
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], double.client_id());
    assert_eq!(
        query["redirect_uri"],
        format!("http://{HOST}/auth/acme/callback")
    );
    assert_eq!(query["scope"], "openid email");
    assert_eq!(query["code_challenge"], attempt.verifier().s256_challenge());
    assert_eq!(attempt.csrf.len(), 43);
    assert_eq!(
        attempt.cookie_header,
        format!(
            "keycardoauthcsrf={}; HttpOnly; Max-Age=3600; Path=/; SameSite=lax; Secure",
            attempt.csrf
        )
    );

    // The state is a JWT for the state audience carrying the cookie's CSRF token.
    let keys = keycard_core::token::JwtKeys::hs256(&keycard_core::Secret::new(support::SECRET))
        .expect("keys");
    let claims: serde_json::Value = keys
        .decode(&attempt.state, "keycard:oauth-state")
        .expect("state");
    assert_eq!(claims["csrftoken"], attempt.csrf.as_str());
    assert!(claims.get("sub").is_none());
}

#[tokio::test]
async fn authorize_takes_scopes_a_configured_redirect_url_and_cookie_edits() {
    let double = ProviderDouble::start().await;
    let options = OAuthOptions::new()
        .redirect_url("https://public.example/auth/acme/callback")
        .csrf_cookie(|cookie| cookie.insecure().domain(Some("public.example".into())));
    let app = app(&double, options);

    let answer = app.get("/auth/acme/authorize?scopes=a&scopes=b", &[]).await;
    let url = answer.json["authorization_url"].as_str().expect("url");
    assert!(url.contains("scope=a+b"), "{url}");
    assert!(url.contains("redirect_uri=https%3A%2F%2Fpublic.example%2Fauth%2Facme%2Fcallback"));
    let cookie = answer.set_cookie("keycardoauthcsrf").expect("cookie");
    assert!(cookie.contains("Domain=public.example") && !cookie.contains("Secure"));
}

#[tokio::test]
async fn the_derived_redirect_uri_needs_a_usable_host() {
    let (_double, app) = setup(OAuthOptions::new()).await;
    let answer = app
        .get("/auth/acme/authorize", &[("host", "bad host/")])
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = app
        .get("/auth/acme/authorize", &[("host", "user@evil.example")])
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = app
        .get("/auth/acme/authorize", &[("host", "other.example:8443")])
        .await;
    let url = answer.json["authorization_url"].as_str().expect("url");
    assert!(
        url.contains("redirect_uri=http%3A%2F%2Fother.example%3A8443%2Fauth%2Facme%2Fcallback")
    );
}

#[tokio::test]
async fn compat_mode_uses_fastapi_users_cookie_and_audience() {
    let double = ProviderDouble::start().await;
    let app = app_with(&double, OAuthOptions::new(), |b| b.fastapi_users_compat());
    let answer = app.get("/auth/acme/authorize", &[]).await;
    assert!(answer.set_cookie("fastapiusersoauthcsrf").is_some());
    let url = answer.json["authorization_url"].as_str().expect("url");
    let state = url::Url::parse(url)
        .expect("url")
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("state");
    let keys = keycard_core::token::JwtKeys::hs256(&keycard_core::Secret::new(support::SECRET))
        .expect("keys");
    let claims: Result<serde_json::Value, _> = keys.decode(&state, "fastapi-users:oauth-state");
    assert!(claims.is_ok());
}

#[tokio::test]
async fn a_new_account_signs_up_with_an_unusable_password_and_the_register_hook() {
    let (double, app) = setup(OAuthOptions::new()).await;
    let answer = app
        .sign_in(&double, userinfo("acc-1", Some("Ann@Example.COM"), true))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    assert_eq!(answer.json["token_type"], "bearer");
    let token = answer.json["access_token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert!(
        answer
            .set_cookie("keycardoauthcsrf")
            .expect("cleared")
            .contains("Max-Age=0")
    );

    let user = app.user("ann@example.com").await;
    assert_eq!(user.email, "Ann@example.com");
    assert!(user.is_active && !user.is_verified && !user.is_superuser);
    let account = &user.oauth_accounts[0];
    assert_eq!(
        (account.oauth_name.as_str(), account.account_id.as_str()),
        ("acme", "acc-1")
    );
    assert_eq!(account.access_token, Token::new("access-2"));
    assert_eq!(account.refresh_token, Some(Token::new("refresh-2")));
    assert!(
        account
            .expires_at
            .is_some_and(|at| at > keycard_core::token::now_unix())
    );
    let manager = app.keycard.manager();
    for guess in ["", "password", "a long password"] {
        let found = manager
            .authenticate(&user.email, Password::new(guess))
            .await;
        assert!(found.expect("authenticate").is_none());
    }

    assert_eq!(
        app.events.all(),
        [
            "register Ann@example.com request=true",
            "login Ann@example.com request=true"
        ]
    );
    let me = app
        .get(
            "/users/me",
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_eq!(me.json["id"], user.id.to_string());
}

#[tokio::test]
async fn new_users_are_verified_only_by_default_and_with_a_verified_email() {
    let (double, app) = setup(OAuthOptions::new().is_verified_by_default(true)).await;
    app.sign_in(&double, userinfo("v", Some("v@example.com"), true))
        .await;
    app.sign_in(&double, userinfo("u", Some("u@example.com"), false))
        .await;
    assert!(app.user("v@example.com").await.is_verified);
    assert!(!app.user("u@example.com").await.is_verified);
}

#[tokio::test]
async fn a_known_account_signs_in_and_its_tokens_are_updated() {
    let (double, app) = setup(OAuthOptions::new()).await;
    app.sign_in(&double, userinfo("acc-1", Some("ann@example.com"), true))
        .await;
    let first = app.user("ann@example.com").await;

    let answer = app
        .sign_in(&double, userinfo("acc-1", Some("ann@example.com"), true))
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    let again = app.user("ann@example.com").await;
    assert_eq!(again.id, first.id);
    assert_eq!(again.oauth_accounts.len(), 1);
    assert_eq!(again.oauth_accounts[0].id, first.oauth_accounts[0].id);
    assert_ne!(
        again.oauth_accounts[0].access_token,
        first.oauth_accounts[0].access_token
    );
    assert_eq!(
        app.events
            .all()
            .iter()
            .filter(|e| e.starts_with("register"))
            .count(),
        1
    );
    assert_eq!(
        app.events
            .all()
            .iter()
            .filter(|e| e.starts_with("login"))
            .count(),
        2
    );
}

#[tokio::test]
async fn the_cookie_backend_answers_with_its_cookie() {
    let (double, app) = setup(OAuthOptions::new()).await;
    let attempt = app.authorize("/auth/acme-cookie", None).await;
    let code = double.approve_as(&attempt.url, userinfo("c", Some("c@example.com"), true));
    let answer = app.callback("/auth/acme-cookie", &attempt, &code).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert!(answer.set_cookie("keycardauth").is_some());
}

#[tokio::test]
async fn an_email_of_an_existing_user_is_refused_without_associate_by_email() {
    let (double, app) = setup(OAuthOptions::new()).await;
    register_and_login(&app, "ann@example.com").await;
    let answer = app
        .sign_in(&double, userinfo("acc-1", Some("ANN@example.com"), true))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.detail(), "OAUTH_USER_ALREADY_EXISTS");
    assert!(app.user("ann@example.com").await.oauth_accounts.is_empty());
}

#[tokio::test]
async fn associate_by_email_links_only_verified_addresses() {
    let (double, app) = setup(OAuthOptions::new().associate_by_email(true)).await;
    register_and_login(&app, "ann@example.com").await;

    let answer = app
        .sign_in(&double, userinfo("acc-1", Some("ann@example.com"), false))
        .await;
    assert_eq!(answer.detail(), "OAUTH_USER_ALREADY_EXISTS");

    let answer = app
        .sign_in(&double, userinfo("acc-1", Some("ann@example.com"), true))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
    let user = app.user("ann@example.com").await;
    assert_eq!(user.oauth_accounts.len(), 1);
    assert!(!user.is_verified);
    assert!(
        !app.events
            .all()
            .iter()
            .any(|e| e.starts_with("register Ann"))
    );
}

#[tokio::test]
async fn inactive_users_get_bad_credentials_and_nothing_is_written() {
    let (double, app) = setup(OAuthOptions::new().associate_by_email(true)).await;
    app.sign_in(&double, userinfo("acc-1", Some("ann@example.com"), true))
        .await;
    let user = app.user("ann@example.com").await;
    let patch = keycard_core::UserPatch {
        is_active: Some(false),
        ..Default::default()
    };
    keycard_core::UserStore::update(&app.store, user.id, &patch)
        .await
        .expect("deactivate");

    let answer = app
        .sign_in(&double, userinfo("acc-1", Some("ann@example.com"), true))
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.detail(), "LOGIN_BAD_CREDENTIALS");
    let after = app.user("ann@example.com").await;
    assert_eq!(after.oauth_accounts, user.oauth_accounts);

    let answer = app
        .sign_in(&double, userinfo("acc-2", Some("ann@example.com"), true))
        .await;
    assert_eq!(answer.detail(), "LOGIN_BAD_CREDENTIALS");
    assert_eq!(app.user("ann@example.com").await.oauth_accounts.len(), 1);
}

#[tokio::test]
async fn the_pkce_verifier_and_redirect_uri_reach_the_token_endpoint() {
    let (double, app) = setup(OAuthOptions::new()).await;
    let attempt = app.authorize("/auth/acme", None).await;
    let code = double.approve_as(&attempt.url, userinfo("p", Some("p@example.com"), true));
    let answer = app.callback("/auth/acme", &attempt, &code).await;
    assert_eq!(answer.status, StatusCode::OK);

    let requests = double.token_requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(
        sent.code_verifier(),
        Some(attempt.verifier().expose_secret())
    );
    let redirect_uri = format!("http://{HOST}/auth/acme/callback");
    assert_eq!(sent.redirect_uri(), Some(redirect_uri.as_str()));
    assert_eq!(sent.client_id(), Some(double.client_id()));
    assert_eq!(sent.client_secret(), Some(double.client_secret()));
    assert_eq!(sent.grant_type(), Some("authorization_code"));
}

#[tokio::test]
async fn a_verifier_that_does_not_match_the_challenge_is_refused_by_the_provider() {
    let (double, app) = setup(OAuthOptions::new()).await;
    let first = app.authorize("/auth/acme", None).await;
    let second = app.authorize("/auth/acme", None).await;
    // The code was issued for the first attempt's challenge; redeeming it with the
    // second attempt's state and cookie sends the second attempt's verifier.
    let code = double.approve_as(&first.url, userinfo("x", Some("x@example.com"), true));
    let answer = app.callback("/auth/acme", &second, &code).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.detail(), "OAUTH_INVALID_CODE");
}
