//! Behaviours of the HTTP service that the example apps do not exercise: database
//! tokens, custom fields, mounting under other prefixes, body limits.

use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use keycard_core::http::{AuthBackend, Keycard, Transport, TypedFields};
use keycard_core::password::{Argon2Hasher, PasswordHelper};
use keycard_core::strategy::DatabaseStrategy;
use keycard_core::{MemoryStore, Secret};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Profile {
    nickname: Option<String>,
    age: u8,
}

fn fast_passwords() -> PasswordHelper {
    PasswordHelper::new(Argon2Hasher::with_params(1024, 1, 1).expect("params"), 2)
}

fn keycard(store: MemoryStore) -> Keycard {
    let strategy = DatabaseStrategy::new(store.clone(), Some(Duration::from_secs(60)));
    Keycard::builder(store, Secret::new("secret"))
        .passwords(fast_passwords())
        .backend(AuthBackend::new("db", Transport::Bearer, strategy))
        .fields(TypedFields::<Profile>::new())
        .body_limit(1024)
        .auth_routes("/api/auth/db", "db")
        .register_routes("/api/auth")
        .users_routes("/api/users/")
        .build()
        .expect("valid configuration")
}

async fn send(keycard: &Keycard, request: Request<Full<Bytes>>) -> (StatusCode, Value) {
    let response = keycard.handle(request).await;
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("json")
    };
    (status, json)
}

fn json_request(
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: &Value,
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("request")
}

async fn register_and_login(keycard: &Keycard) -> String {
    let body = json!({"email": "ann@example.com", "password": "long password", "nickname": "Ann", "age": 7});
    let (status, user) = send(
        keycard,
        json_request("POST", "/api/auth/register", None, &body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{user}");
    let login = Request::post("/api/auth/db/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from(
            "username=ann@example.com&password=long+password",
        )))
        .expect("request");
    let (status, token) = send(keycard, login).await;
    assert_eq!(status, StatusCode::OK);
    token["access_token"].as_str().expect("token").to_owned()
}

#[tokio::test]
async fn database_tokens_are_43_characters_and_revoked_at_logout() {
    let keycard = keycard(MemoryStore::new());
    let token = register_and_login(&keycard).await;
    assert_eq!(token.len(), 43);

    let (status, _) = send(
        &keycard,
        json_request("GET", "/api/users/me", Some(&token), &Value::Null),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let logout = json_request("POST", "/api/auth/db/logout", Some(&token), &Value::Null);
    assert_eq!(send(&keycard, logout).await.0, StatusCode::NO_CONTENT);
    let (status, body) = send(
        &keycard,
        json_request("GET", "/api/users/me", Some(&token), &Value::Null),
    )
    .await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, json!({"detail": "Unauthorized"}))
    );
}

#[tokio::test]
async fn custom_fields_are_validated_stored_and_shown() {
    let keycard = keycard(MemoryStore::new());
    let token = register_and_login(&keycard).await;
    let (_, me) = send(
        &keycard,
        json_request("GET", "/api/users/me", Some(&token), &Value::Null),
    )
    .await;
    assert_eq!(me["nickname"], "Ann");
    assert_eq!(me["age"], 7);

    let bad = json_request(
        "PATCH",
        "/api/users/me",
        Some(&token),
        &json!({"age": "old"}),
    );
    assert_eq!(
        send(&keycard, bad).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let good = json_request("PATCH", "/api/users/me", Some(&token), &json!({"age": 8}));
    let (status, me) = send(&keycard, good).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (me["nickname"].clone(), me["age"].clone()),
        (json!("Ann"), json!(8))
    );
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_with_413() {
    let keycard = keycard(MemoryStore::new());
    let body = json!({"email": "a@example.com", "password": "x".repeat(4096)});
    let (status, detail) = send(
        &keycard,
        json_request("POST", "/api/auth/register", None, &body),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(detail, json!({"detail": "Payload Too Large"}));
}

#[tokio::test]
async fn unknown_backend_names_are_configuration_errors() {
    let built = Keycard::builder(MemoryStore::new(), Secret::new("s"))
        .auth_routes("/auth/x", "x")
        .build();
    assert!(matches!(built, Err(keycard_core::Error::Config(_))));
    let empty = Keycard::builder(MemoryStore::new(), Secret::new("")).build();
    assert!(matches!(empty, Err(keycard_core::Error::InvalidKey(_))));
}

#[tokio::test]
async fn overlapping_mounts_list_each_path_once() {
    let keycard = Keycard::builder(MemoryStore::new(), Secret::new("s"))
        .bearer_backend("jwt")
        .standard_routes()
        .register_routes("/auth")
        .auth_routes("/auth/jwt", "jwt")
        .build()
        .expect("valid configuration");
    let paths = keycard.paths();
    let mut unique = paths.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(paths.len(), unique.len(), "{paths:?}");
    assert!(paths.contains(&"/auth/register".to_owned()));
}
