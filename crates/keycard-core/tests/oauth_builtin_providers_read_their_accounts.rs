//! Each built-in provider, pointed at the double, reads its provider's account answer;
//! OIDC discovery and token refresh work against it too.

mod support;

use keycard_core::oauth::{
    AuthorizationRequest, Discord, Endpoints, GitHub, GitLab, Google, Microsoft, OAuthProvider,
    OidcProvider, PkceVerifier, ProviderAccount,
};
use keycard_core::{Error, ProviderError, Secret, Token};
use keycard_test_kit::oauth::{
    Account, DEFAULT_CLIENT_ID as CLIENT_ID, DEFAULT_CLIENT_SECRET as CLIENT_SECRET, ProviderDouble,
};
use serde_json::json;

fn secret() -> Secret {
    Secret::new(CLIENT_SECRET)
}

/// An account that answers these paths.
fn answers<const N: usize>(resources: [(&str, serde_json::Value); N]) -> Account {
    let account = Account::new("unused");
    resources
        .into_iter()
        .fold(account, |account, (path, body)| {
            account.resource(path, body)
        })
}

/// Runs the code flow against the double and returns the account the provider reads.
async fn account_of(
    double: &ProviderDouble,
    provider: &dyn OAuthProvider,
    account: Account,
) -> Result<ProviderAccount, Error> {
    let pkce = PkceVerifier::derive(&Secret::new("server"), "csrf");
    let redirect = "http://app.test/cb";
    let url = provider.authorization_url(AuthorizationRequest {
        redirect_uri: redirect,
        state: "s",
        scopes: &[],
        pkce: &pkce,
    })?;
    let code = double.approve_as(&url, account);
    let tokens = provider
        .exchange_code(&Token::new(code), redirect, &pkce)
        .await?;
    provider.account(&tokens).await
}

fn at(double: &ProviderDouble, userinfo_path: &str) -> Endpoints {
    let userinfo = format!("{}{userinfo_path}", double.base_url());
    Endpoints::new(double.authorize_url(), double.token_url(), userinfo)
}

#[tokio::test]
async fn github_reads_the_primary_verified_address_when_the_profile_hides_it() {
    let double = ProviderDouble::start().await;
    let github = GitHub::new(CLIENT_ID, secret()).endpoints(at(&double, "/user"));
    let private = answers([
        (
            "/user",
            json!({"id": 583231, "login": "octocat", "email": null}),
        ),
        (
            "/user/emails",
            json!([
                {"email": "old@example.com", "primary": false, "verified": true},
                {"email": "octo@example.com", "primary": true, "verified": true},
            ]),
        ),
    ]);
    let account = account_of(&double, &github, private)
        .await
        .expect("account");
    assert_eq!(account.id, "583231");
    assert_eq!(account.email.as_deref(), Some("octo@example.com"));
    assert!(account.email_verified);

    let public_unverified = answers([
        ("/user", json!({"id": 1, "email": "pub@example.com"})),
        (
            "/user/emails",
            json!([{"email": "pub@example.com", "primary": true, "verified": false}]),
        ),
    ]);
    let account = account_of(&double, &github, public_unverified)
        .await
        .expect("account");
    assert_eq!(account.email.as_deref(), Some("pub@example.com"));
    assert!(!account.email_verified);

    // Without the `user:email` scope `/user/emails` is a 404: no address then.
    let no_scope = answers([("/user", json!({"id": 2, "email": null}))]);
    let account = account_of(&double, &github, no_scope)
        .await
        .expect("account");
    assert_eq!(account.email, None);
}

#[tokio::test]
async fn google_discord_gitlab_and_microsoft_read_their_fields() {
    let double = ProviderDouble::start().await;
    let google = Google::new(CLIENT_ID, secret()).endpoints(at(&double, "/v1/userinfo"));
    let info = answers([(
        "/v1/userinfo",
        json!({"sub": "g1", "email": "g@example.com", "email_verified": true}),
    )]);
    let account = account_of(&double, &google, info).await.expect("google");
    assert_eq!((account.id.as_str(), account.email_verified), ("g1", true));

    let discord = Discord::new(CLIENT_ID, secret()).endpoints(at(&double, "/api/users/@me"));
    let info = answers([(
        "/api/users/@me",
        json!({"id": "80351110224678912", "email": "d@example.com", "verified": true}),
    )]);
    let account = account_of(&double, &discord, info).await.expect("discord");
    assert_eq!(account.id, "80351110224678912");
    assert!(account.email_verified);

    let gitlab = GitLab::new(CLIENT_ID, secret()).endpoints(at(&double, "/api/v4/user"));
    let info = answers([(
        "/api/v4/user",
        json!({"id": 7, "email": "l@example.com", "confirmed_at": null}),
    )]);
    let account = account_of(&double, &gitlab, info).await.expect("gitlab");
    assert_eq!((account.id.as_str(), account.email_verified), ("7", false));

    let microsoft = Microsoft::new(CLIENT_ID, secret()).endpoints(at(&double, "/v1.0/me"));
    let info = answers([("/v1.0/me", json!({"id": "m-1", "mail": "m@example.com"}))]);
    let account = account_of(&double, &microsoft, info)
        .await
        .expect("microsoft");
    assert_eq!(account.email.as_deref(), Some("m@example.com"));
    assert!(
        !account.email_verified,
        "Microsoft's mail is never counted verified"
    );
}

#[tokio::test]
async fn oidc_discovery_reads_the_endpoints_and_the_auth_method() {
    let double = ProviderDouble::start().await;
    let provider = OidcProvider::discover(
        "double",
        &format!("{}/", double.base_url()),
        CLIENT_ID,
        secret(),
    )
    .await
    .expect("discovery");
    assert_eq!(provider.issuer(), double.base_url());
    assert_eq!(
        provider.endpoints().token,
        format!("{}/token", double.base_url())
    );
    let account = account_of(
        &double,
        &provider,
        support::userinfo("o", Some("o@example.com"), true),
    )
    .await
    .expect("account");
    assert_eq!(account.id, "o");
    // The double supports only `client_secret_post`: the secret went in the body.
    assert_eq!(
        double.token_requests()[0].client_secret(),
        Some(CLIENT_SECRET)
    );

    // The same server under another name is another issuer (Discovery §4.3).
    let alias = double.base_url().replace("127.0.0.1", "localhost");
    let wrong_issuer = OidcProvider::discover("double", &alias, CLIENT_ID, secret()).await;
    assert!(matches!(
        wrong_issuer,
        Err(Error::OAuthProvider(ProviderError::IssuerMismatch))
    ));
    let unreachable =
        OidcProvider::discover("double", "http://127.0.0.1:1", CLIENT_ID, secret()).await;
    assert!(matches!(
        unreachable,
        Err(Error::OAuthProvider(ProviderError::Request(_)))
    ));
}

#[tokio::test]
async fn refresh_gets_new_tokens_and_a_refused_refresh_token_is_reported() {
    let double = ProviderDouble::start().await;
    let provider = support::generic(&double);
    let pkce = PkceVerifier::derive(&Secret::new("server"), "csrf");
    let url = provider
        .authorization_url(AuthorizationRequest {
            redirect_uri: "http://app.test/cb",
            state: "s",
            scopes: &[],
            pkce: &pkce,
        })
        .expect("url");
    let code = double.approve_as(&url, support::userinfo("r", Some("r@example.com"), true));
    let tokens = provider
        .exchange_code(&Token::new(code), "http://app.test/cb", &pkce)
        .await
        .expect("tokens");
    let refresh = tokens.refresh_token.clone().expect("refresh token");

    let fresh = provider.refresh(&refresh).await.expect("refreshed");
    assert_ne!(fresh.access_token, tokens.access_token);
    assert!(provider.account(&fresh).await.is_ok());
    assert!(matches!(
        provider.refresh(&refresh).await,
        Err(Error::OAuthRefreshRefused)
    ));
}
