//! The cases, one `pub async fn` each, grouped by route family. Each takes the
//! application's [`AppFactory`](crate::AppFactory) and starts its own
//! [`Harness`](crate::Harness); [`http_suite!`](crate::http_suite) turns each into a test.

pub mod admin;
pub mod compat;
pub mod cookie;
pub mod events;
pub mod garbage;
pub mod input;
pub mod login;
pub mod me;
pub mod oauth;
pub mod oauth_associate;
pub mod oauth_provider;
pub mod oauth_state;
pub mod protected;
pub mod register;
pub mod reset;
pub mod tokens;
pub mod verify;

use keycard_test_kit::oauth::{Account, ProviderDouble};
use serde_json::Value;

/// Asserts that `value` is exactly a `UserRead` for `email` with these flags
/// (`[is_active, is_superuser, is_verified]`), and returns its id.
///
/// # Panics
///
/// When any key is missing or extra, the id is not a lower-case UUID, or a value differs.
#[track_caller]
pub fn assert_user_read(value: &Value, email: &str, flags: [bool; 3]) -> String {
    let object = value.as_object().expect("UserRead is an object");
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["email", "id", "is_active", "is_superuser", "is_verified"],
        "UserRead has exactly its five keys: {value}"
    );
    let id = value["id"].as_str().expect("id is a string");
    assert_lower_uuid(id);
    assert_eq!(value["email"], email, "{value}");
    assert_eq!(value["is_active"], flags[0], "is_active: {value}");
    assert_eq!(value["is_superuser"], flags[1], "is_superuser: {value}");
    assert_eq!(value["is_verified"], flags[2], "is_verified: {value}");
    id.to_owned()
}

/// Flags of a fresh registration: active, not a superuser, unverified.
pub const FRESH: [bool; 3] = [true, false, false];

/// Asserts that `id` is a hyphenated, lower-case UUID.
///
/// # Panics
///
/// When it is not.
#[track_caller]
pub fn assert_lower_uuid(id: &str) {
    let parsed = uuid::Uuid::parse_str(id).unwrap_or_else(|_| panic!("{id:?} is not a UUID"));
    assert_eq!(id, parsed.hyphenated().to_string(), "ids are lower case");
}

/// Asserts a 400 password-rule answer: `{"detail": {"code", "reason"}}`.
///
/// # Panics
///
/// When the reply differs.
#[track_caller]
pub fn assert_password_rule(reply: &crate::Reply, code: &str, reason: &str) {
    reply.expect(400);
    let wanted = serde_json::json!({ "detail": { "code": code, "reason": reason } });
    assert_eq!(reply.json(), wanted, "{}", reply.request);
}

/// The examples' reason for a short password.
pub const TOO_SHORT: &str = "Password should be at least 8 characters";
/// The examples' reason for a password containing the e-mail address.
pub const HAS_EMAIL: &str = "Password should not contain e-mail";

/// A provider account with this id and a verified address.
pub fn verified_account(sub: &str, email: &str) -> Account {
    Account::new(sub).email(email).email_verified(true)
}

/// Asserts a 400 `{"detail": code}` and that the provider double never saw a token
/// request: the callback refused before it spent the code.
///
/// # Panics
///
/// When the reply differs or a token request was made.
#[track_caller]
pub fn assert_refused_before_the_code(double: &ProviderDouble, reply: &crate::Reply, code: &str) {
    reply.expect_detail(400, code);
    let sent = double.token_requests();
    assert!(sent.is_empty(), "{}: the code was redeemed", reply.request);
}
