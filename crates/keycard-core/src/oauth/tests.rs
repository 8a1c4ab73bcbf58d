use super::*;
use crate::{ProviderError, Secret};

const SECRET: &str = "client-secret-value-xyz";

fn endpoints() -> Endpoints {
    Endpoints::new(
        "https://id.example/authorize",
        "https://id.example/token",
        "https://id.example/userinfo",
    )
}

#[test]
fn debug_of_every_provider_and_of_tokens_prints_no_secret() {
    let secret = || Secret::new(SECRET);
    let generic = GenericProvider::new("generic", "id", secret(), endpoints()).expect("generic");
    let printed = [
        format!("{:?}", Google::new("id", secret())),
        format!("{:?}", GitHub::new("id", secret())),
        format!("{:?}", Microsoft::new("id", secret())),
        format!("{:?}", Discord::new("id", secret())),
        format!("{:?}", GitLab::new("id", secret())),
        format!("{generic:?}"),
        format!("{:?}", Arc::new(generic.clone())),
        format!(
            "{:?}",
            ProviderTokens::new(Token::new(SECRET)).refresh_token(Some(Token::new(SECRET)))
        ),
        format!("{:?}", PkceVerifier::derive(&secret(), "csrf")),
    ];
    for text in &printed {
        assert!(!text.contains(SECRET), "{text} leaks the secret");
    }
    assert!(printed[0].contains("Secret([redacted])"), "{}", printed[0]);
}

#[test]
fn authorization_url_carries_state_scopes_and_s256_challenge() {
    let provider = GenericProvider::new("generic", "client-1", Secret::new(SECRET), endpoints())
        .expect("generic");
    let pkce = PkceVerifier::derive(&Secret::new("server"), "csrf");
    let request = AuthorizationRequest {
        redirect_uri: "https://app.example/auth/generic/callback",
        state: "the-state",
        scopes: &[],
        pkce: &pkce,
    };
    let url = url::Url::parse(&provider.authorization_url(request).expect("url")).expect("parse");
    let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(query["response_type"], "code");
    assert_eq!(query["client_id"], "client-1");
    assert_eq!(query["state"], "the-state");
    assert_eq!(query["scope"], "openid email");
    assert_eq!(query["code_challenge_method"], "S256");
    assert_eq!(query["code_challenge"], pkce.s256_challenge());
    assert_eq!(
        query["redirect_uri"],
        "https://app.example/auth/generic/callback"
    );
    assert!(!url.as_str().contains(SECRET));
    assert!(!url.as_str().contains(pkce.expose_secret()));

    let scopes = ["a".to_owned(), "b".to_owned()];
    let request = AuthorizationRequest {
        scopes: &scopes,
        ..request
    };
    let url = provider.authorization_url(request).expect("url");
    assert!(url.contains("scope=a+b"), "{url}");
}

#[test]
fn invalid_endpoints_and_names_are_configuration_errors() {
    let bad = Endpoints::new("not a url", "https://t", "https://u");
    assert!(matches!(
        GenericProvider::new("x", "id", Secret::new("s"), bad),
        Err(Error::Config(_))
    ));
    for name in ["", "a/b", "a b", &"x".repeat(101)] {
        assert!(GenericProvider::new(name, "id", Secret::new("s"), endpoints()).is_err());
    }
    let google = Google::new("id", Secret::new("s")).endpoints(Endpoints::new("nope", "", ""));
    let pkce = PkceVerifier::derive(&Secret::new("k"), "c");
    let request = AuthorizationRequest {
        redirect_uri: "https://app.example/cb",
        state: "s",
        scopes: &[],
        pkce: &pkce,
    };
    assert!(matches!(
        google.authorization_url(request),
        Err(Error::Config(_))
    ));
}

#[test]
fn user_info_fields_read_strings_numbers_and_nested_values() {
    let fields = UserInfoFields {
        id: "data.id".into(),
        email: "data.mail".into(),
        email_verified: Some("data.ok".into()),
    };
    let info = serde_json::json!({"data": {"id": 42, "mail": " a@b.c ", "ok": "true"}});
    let account = fields.read(&info).expect("account");
    assert_eq!(account.id, "42");
    assert_eq!(account.email.as_deref(), Some("a@b.c"));
    assert!(account.email_verified);

    let info = serde_json::json!({"sub": "x", "email": "", "email_verified": 1});
    let account = UserInfoFields::default().read(&info).expect("account");
    assert_eq!(account.email, None);
    assert!(!account.email_verified);

    let missing = UserInfoFields::default().read(&serde_json::json!({"email": "a@b.c"}));
    assert!(matches!(
        missing,
        Err(Error::OAuthProvider(ProviderError::Malformed { .. }))
    ));
}

#[test]
fn refused_error_codes_are_cut_and_printable() {
    let err = crate::ProviderError::refused(
        "bad\ncode with spaces and a very long tail that goes on and on and on",
    );
    let crate::ProviderError::Refused { error } = err else {
        panic!("refused");
    };
    assert!(error.len() <= 64);
    assert!(error.chars().all(|c| c.is_ascii_graphic()));
}
