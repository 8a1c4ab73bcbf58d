//! Builders for the records the cases store, and the checks they share.

use std::time::Duration;

use keycard_core::{
    AccessTokenRecord, AccessTokenStore, Fields, HashedPassword, OAuthAccount, StoreError, Token,
    User, UserStore,
};
use serde_json::Value;
use uuid::Uuid;

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// A plausible argon2id hash that differs with `seed`.
pub(crate) fn hash(seed: &str) -> HashedPassword {
    HashedPassword::new(format!(
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaA{seed}"
    ))
}

/// A new user with this address and a hash of its own.
pub(crate) fn user(email: &str) -> User {
    User::new(email, hash(email))
}

/// An OAuth account at `oauth_name` with a random access token.
pub(crate) fn account(oauth_name: &str, account_id: &str) -> OAuthAccount {
    let email = format!("{account_id}@{oauth_name}.example");
    OAuthAccount::new(oauth_name, account_id, email, token())
}

/// A random token shaped like the ones keycard issues: 43 URL-safe characters.
pub(crate) fn token() -> Token {
    let bytes = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()].map(|id| id.into_bytes());
    let text: String = bytes
        .concat()
        .iter()
        .take(43)
        .map(|byte| char::from(URL_SAFE[usize::from(byte % 64)]))
        .collect();
    Token::new(text)
}

/// An access-token record for `user_id` issued `age` ago, to the whole microsecond.
pub(crate) fn record_aged(user_id: Uuid, age: time::Duration) -> AccessTokenRecord {
    let mut record = AccessTokenRecord::new(token(), user_id);
    record.created_at -= age;
    record
}

/// An hour, the age limit the token cases query with.
pub(crate) const HOUR: Duration = Duration::from_secs(3600);

/// Stores a token record, which must succeed.
pub(crate) async fn store_token<S: AccessTokenStore>(store: &S, record: &AccessTokenRecord) {
    let result = store.create_token(record.clone()).await;
    let outcome = outcome(&result);
    assert!(result.is_ok(), "create_token should succeed, got {outcome}");
}

/// The record `get_token` finds for `token` with no age limit.
pub(crate) async fn find_token<S: AccessTokenStore>(
    store: &S,
    token: &Token,
) -> Option<AccessTokenRecord> {
    let found = store.get_token(token, None).await;
    found.expect("get_token should not fail")
}

/// Creates a user to hold tokens, and returns its id.
pub(crate) async fn holder<S: UserStore>(store: &S, email: &str) -> Uuid {
    create(store, user(email)).await.id
}

/// Turns a JSON object literal into custom fields.
pub(crate) fn fields(value: Value) -> Fields {
    match value {
        Value::Object(map) => map,
        other => panic!("custom fields must be a JSON object, not {other}"),
    }
}

/// Creates a user that the case needs in place.
pub(crate) async fn create<S: UserStore>(store: &S, user: User) -> User {
    let email = user.email.clone();
    match store.create(user).await {
        Ok(created) => created,
        Err(err) => panic!("create of a new user <{email}> should succeed, got {err:?}"),
    }
}

/// Loads a user that must exist.
pub(crate) async fn load<S: UserStore>(store: &S, id: Uuid) -> User {
    store
        .get(id)
        .await
        .expect("get should not fail")
        .expect("get should find a user that was stored")
}

/// Whether the user with this id is absent.
pub(crate) async fn is_absent<S: UserStore>(store: &S, id: Uuid) -> bool {
    store.get(id).await.expect("get should not fail").is_none()
}

/// The id of the user `get_by_email` finds, if any.
pub(crate) async fn id_by_email<S: UserStore>(store: &S, email: &str) -> Option<Uuid> {
    let found = store.get_by_email(email).await;
    found.expect("get_by_email should not fail").map(|u| u.id)
}

/// The id of the user `get_by_oauth_account` finds, if any.
pub(crate) async fn id_by_oauth<S: UserStore>(store: &S, name: &str, id: &str) -> Option<Uuid> {
    let found = store.get_by_oauth_account(name, id).await;
    found
        .expect("get_by_oauth_account should not fail")
        .map(|u| u.id)
}

/// Asserts that a store call failed with the typed error `pattern`, naming the attempt.
macro_rules! assert_err {
    ($result:expr, $pattern:pat, $($attempt:tt)+) => {{
        let result = $result;
        assert!(
            matches!(result, Err($pattern)),
            "{}: expected Err({}), got {}",
            format_args!($($attempt)+),
            stringify!($pattern),
            $crate::fixture::outcome(&result),
        );
    }};
}

pub(crate) use assert_err;

/// How a store call ended, for failure messages; never prints a returned record.
pub(crate) fn outcome<T>(result: &Result<T, StoreError>) -> String {
    match result {
        Ok(_) => "Ok".to_owned(),
        Err(err) => format!("Err({err:?})"),
    }
}

/// Asserts two users are equal, naming the secret column that differs if one does.
///
/// `Debug` redacts hashes and tokens, so a plain `assert_eq!` would print two identical
/// users when only a secret differs.
pub(crate) fn assert_same_user(actual: &User, expected: &User, what: &str) {
    assert!(
        actual.hashed_password == expected.hashed_password,
        "{what}: hashed_password differs"
    );
    let (got, want) = (&actual.oauth_accounts, &expected.oauth_accounts);
    assert_eq!(got.len(), want.len(), "{what}: number of OAuth accounts");
    for (got, want) in got.iter().zip(want) {
        let name = &want.oauth_name;
        assert!(
            got.access_token == want.access_token,
            "{what}: access_token of the {name} account differs"
        );
        assert!(
            got.refresh_token == want.refresh_token,
            "{what}: refresh_token of the {name} account differs"
        );
    }
    assert_eq!(actual, expected, "{what}");
}
