//! `GET /auth/{name}/callback` checks the state and the CSRF cookie before it spends
//! the code at the provider: every refusal here leaves the provider double without a
//! token request.

use serde_json::json;

use super::assert_refused_before_the_code;
use crate::tokens::{claims_of, now, sign, sign_with, unsigned};
use crate::{AppFactory, Harness, OAUTH_LOGIN, oauth_call};

/// A state that is missing, not a JWT, tampered with, signed with another secret or for
/// another audience is 400 `ACCESS_TOKEN_DECODE_ERROR`, and the code is never redeemed.
pub async fn callback_refuses_a_bad_state(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = h.oauth_attempt().await;
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
            .oauth_callback(OAUTH_LOGIN, &attempt.with_state(&state), &code)
            .await;
        assert_eq!(reply.status.as_u16(), 400, "{why}: {}", reply.text());
        assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_DECODE_ERROR");
    }
    let cookie = h.csrf_cookie_name();
    let no_state = oauth_call(&format!("{OAUTH_LOGIN}/callback?code={code}"));
    let reply = h.send(no_state.cookie(cookie, &attempt.csrf)).await;
    assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_DECODE_ERROR");
}

/// A state minted with the known secret for `keycard:oauth-state` but expired is 400
/// `ACCESS_TOKEN_ALREADY_EXPIRED`, and the code is never redeemed.
pub async fn callback_refuses_an_expired_state(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = h.oauth_attempt().await;
    let code = double.approve(&attempt.authorization_url);
    let claims = json!({
        "csrftoken": attempt.csrf,
        "aud": ["keycard:oauth-state"],
        "exp": now() - 5,
    });

    let expired = attempt.with_state(&sign(&claims));
    let reply = h.oauth_callback(OAUTH_LOGIN, &expired, &code).await;

    assert_refused_before_the_code(&double, &reply, "ACCESS_TOKEN_ALREADY_EXPIRED");
}

/// Without the CSRF cookie, with another attempt's, with an altered one or under
/// FastAPI Users' name, the callback is 400 `OAUTH_INVALID_STATE` and the code is never
/// redeemed; the genuine pair still signs in afterwards.
pub async fn callback_refuses_a_missing_or_mismatched_cookie(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = h.oauth_attempt().await;
    let other = h.oauth_attempt().await;
    let code = double.approve(&attempt.authorization_url);
    let query = format!("code={code}&state={}", attempt.state);
    let path = format!("{OAUTH_LOGIN}/callback?{query}");
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
    let reply = h.oauth_callback(OAUTH_LOGIN, &attempt, &code).await;
    reply.expect(200);
    assert_eq!(double.token_requests().len(), 1);
}

/// `?error=access_denied` from the provider, a missing code and an empty code are 400s,
/// even with a valid state and cookie; nothing reaches the provider.
pub async fn callback_refuses_provider_errors_and_missing_codes(factory: AppFactory) {
    let (h, double) = Harness::start_with_oauth(&factory).await;
    let attempt = h.oauth_attempt().await;
    let cookie = h.csrf_cookie_name();
    let state = form_urlencoded::byte_serialize(attempt.state.as_bytes()).collect::<String>();
    let queries = [
        format!("error=access_denied&state={state}"),
        format!("state={state}"),
        format!("code=&state={state}"),
    ];

    for query in queries {
        let path = format!("{OAUTH_LOGIN}/callback?{query}");
        let reply = h
            .send(oauth_call(&path).cookie(cookie, &attempt.csrf))
            .await;
        reply.expect(400);
        assert!(reply.json()["detail"].is_string(), "{}", reply.text());
    }
    assert!(double.token_requests().is_empty());
}
