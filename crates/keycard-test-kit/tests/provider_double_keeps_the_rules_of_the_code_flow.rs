//! The provider double behaves as an authorization server should, and misbehaves only
//! when told to.

use std::time::Duration;

use keycard_core::oauth::{
    AuthorizationRequest, HttpClient, OAuthProvider, PkceVerifier, ProviderTokens,
};
use keycard_core::{Error, Secret, Token};
use keycard_test_kit::oauth::{Account, Behaviour, ProviderDouble};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const REDIRECT: &str = "http://app.test/callback?from=double";

fn pkce(attempt: &str) -> PkceVerifier {
    PkceVerifier::derive(&Secret::new("server secret"), attempt)
}

fn authorization_url(double: &ProviderDouble, verifier: &PkceVerifier) -> String {
    let request = AuthorizationRequest {
        redirect_uri: REDIRECT,
        state: "the state",
        scopes: &[],
        pkce: verifier,
    };
    double
        .generic_provider("acme")
        .authorization_url(request)
        .expect("url")
}

/// `GET` over a fresh connection; the status line and the `Location` header, if any.
async fn get(url: &str) -> (String, Option<String>) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (host, path) = rest.split_once('/').expect("a path");
    let mut stream = TcpStream::connect(host).await.expect("connect");
    let request = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("read");
    let status = answer.lines().next().unwrap_or_default().to_owned();
    let location = answer
        .lines()
        .find_map(|line| line.strip_prefix("location: "))
        .map(str::to_owned);
    (status, location)
}

async fn redeem(
    double: &ProviderDouble,
    code: &str,
    verifier: &PkceVerifier,
) -> Result<ProviderTokens, Error> {
    let provider = double.generic_provider("acme");
    provider
        .exchange_code(&Token::new(code), REDIRECT, verifier)
        .await
}

#[tokio::test]
async fn the_authorize_endpoint_consents_and_redirects_back_with_a_code() {
    let double = ProviderDouble::start().await;
    double.set_account(Account::new("7").email("bo@example.com"));
    let verifier = pkce("one");
    let (status, location) = get(&authorization_url(&double, &verifier)).await;
    assert!(status.contains(" 302 "), "{status}");
    let location = location.expect("a redirect");
    let query = location
        .strip_prefix("http://app.test/callback?from=double&")
        .expect("back to the redirect URI, its query kept");
    let params: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(params[0].0, "code");
    assert_eq!(params[1], ("state".to_owned(), "the state".to_owned()));

    let tokens = redeem(&double, &params[0].1, &verifier)
        .await
        .expect("tokens");
    let provider = double.generic_provider("acme");
    let account = provider.account(&tokens).await.expect("account");
    assert_eq!((account.id.as_str(), account.email_verified), ("7", false));

    double.deny_consent(true);
    let (_, location) = get(&authorization_url(&double, &verifier)).await;
    assert!(
        location
            .expect("a redirect")
            .contains("&error=access_denied&state=the+state")
    );
}

#[tokio::test]
async fn the_authorize_endpoint_never_redirects_for_an_unknown_client() {
    let double = ProviderDouble::start().await;
    let url = authorization_url(&double, &pkce("one")).replace("double-client", "stranger");
    let (status, location) = get(&url).await;
    assert!(status.contains(" 400 "), "{status}");
    assert_eq!(location, None);
}

#[tokio::test]
async fn a_code_redeems_once_and_only_with_its_verifier() {
    let double = ProviderDouble::start().await;
    let verifier = pkce("one");
    let code = double.approve(&authorization_url(&double, &verifier));
    let wrong = redeem(&double, &code, &pkce("two")).await;
    assert!(matches!(wrong, Err(Error::OAuthCodeRefused)), "{wrong:?}");
    let spent = redeem(&double, &code, &verifier).await;
    assert!(matches!(spent, Err(Error::OAuthCodeRefused)), "{spent:?}");

    let code = double.approve(&authorization_url(&double, &verifier));
    assert!(redeem(&double, &code, &verifier).await.is_ok());
    let sent = double.token_requests();
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[2].code(), Some(code.as_str()));
    assert_eq!(sent[2].code_verifier(), Some(verifier.expose_secret()));
    assert_eq!(sent[2].client_id(), Some("double-client"));
    assert_eq!(sent[2].client_secret(), Some("double-client-secret"));
}

#[tokio::test]
async fn refused_codes_and_misbehaviour_reach_the_client() {
    let double = ProviderDouble::builder()
        .client("own-client", "own-secret")
        .start()
        .await;
    let verifier = pkce("one");
    double.refuse_codes(true);
    let code = double.approve(&authorization_url(&double, &verifier));
    let refused = redeem(&double, &code, &verifier).await;
    assert!(
        matches!(refused, Err(Error::OAuthCodeRefused)),
        "{refused:?}"
    );

    double.refuse_codes(false);
    for behaviour in [
        Behaviour::Unavailable,
        Behaviour::HangUp,
        Behaviour::Garbage,
    ] {
        double.set_token_behaviour(behaviour);
        let code = double.approve(&authorization_url(&double, &verifier));
        let failed = redeem(&double, &code, &verifier).await;
        assert!(
            matches!(failed, Err(Error::OAuthProvider(_))),
            "{behaviour:?}: {failed:?}"
        );
    }
    assert_eq!(double.token_requests().len(), 4);
}

#[tokio::test]
async fn a_slow_double_outlasts_a_short_timeout() {
    let double = ProviderDouble::start().await;
    double.set_delay(Duration::from_millis(500));
    let client = HttpClient::with_timeout(Duration::from_millis(100)).expect("client");
    let provider = double.generic_provider("acme").http_client(client);
    let verifier = pkce("one");
    let code = double.approve(&authorization_url(&double, &verifier));
    let late = provider
        .exchange_code(&Token::new(code), REDIRECT, &verifier)
        .await;
    assert!(matches!(late, Err(Error::OAuthProvider(_))), "{late:?}");
}

#[test]
#[should_panic(expected = "refuses")]
fn approve_refuses_a_request_without_pkce() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let double = runtime.block_on(ProviderDouble::start());
    let url = format!(
        "{}?response_type=code&client_id=double-client&redirect_uri=http%3A%2F%2Fa.test%2F",
        double.authorize_url()
    );
    double.approve(&url);
}
