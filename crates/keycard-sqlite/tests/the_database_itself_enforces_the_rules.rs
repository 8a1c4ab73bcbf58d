//! Uniqueness is enforced by the database file, not by one process's memory: separate
//! store handles (as separate processes would be) and plain SQL are held to it too, and
//! driver failures keep the driver's error as their source.

mod support;

use keycard_core::{HashedPassword, OAuthAccount, StoreError, Token, User, UserStore};
use keycard_sqlite::SqliteStore;
use rusqlite::Connection;
use support::temp_db;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_handles_on_one_file_cannot_both_take_an_address() {
    let (_dir, path) = temp_db();
    let first = SqliteStore::open(&path).await.expect("open");
    let second = SqliteStore::open(&path).await.expect("open again");

    let (a, b) = tokio::join!(
        first.create(User::new("Ann@example.com", HashedPassword::new("h"))),
        second.create(User::new("ann@EXAMPLE.com", HashedPassword::new("h"))),
    );

    let outcomes = [a.is_ok(), b.is_ok()];
    assert_eq!(outcomes.iter().filter(|ok| **ok).count(), 1, "{a:?} {b:?}");
    let refused = if a.is_err() { a } else { b };
    assert!(
        matches!(refused, Err(StoreError::DuplicateEmail)),
        "{refused:?}"
    );
}

#[tokio::test]
async fn plain_sql_cannot_insert_a_case_variant_or_link_an_account_twice() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).await.expect("open");
    let mut user = User::new("Bob@example.com", HashedPassword::new("h"));
    user.oauth_accounts
        .push(OAuthAccount::new("github", "7", "b@x.io", Token::new("t")));
    store.create(user).await.expect("create");

    let conn = Connection::open(&path).expect("open");
    let email = conn.execute(
        "INSERT INTO user (id, email, hashed_password, is_active, is_superuser, is_verified)
         VALUES ('0e0e0e0e-0000-4000-8000-000000000000', 'BOB@example.com', 'h', 1, 0, 0)",
        [],
    );
    assert!(email.is_err(), "a case variant was inserted");
    let account = conn.execute(
        "INSERT INTO oauth_account (id, oauth_name, access_token, account_id, account_email,
             user_id)
         SELECT '0f0f0f0f-0000-4000-8000-000000000000', 'github', 't', '7', 'b@x.io', user_id
         FROM oauth_account",
        [],
    );
    assert!(account.is_err(), "a provider account was linked twice");
}

#[tokio::test]
async fn a_driver_failure_keeps_the_rusqlite_error_as_its_source() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).await.expect("open");
    Connection::open(&path)
        .and_then(|conn| conn.execute_batch("DROP TABLE keycard_user_fields"))
        .expect("break the schema");

    let err = store
        .get_by_email("x@example.com")
        .await
        .expect_err("no such table");

    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
    let source = std::error::Error::source(&err).expect("a source");
    assert!(
        source.downcast_ref::<rusqlite::Error>().is_some(),
        "{source:?}"
    );
}

#[tokio::test]
async fn debug_output_shows_no_secrets() {
    let store = SqliteStore::open_in_memory().expect("open");
    let printed = format!("{store:?}");
    assert!(printed.starts_with("SqliteStore {"), "{printed}");
    assert!(printed.contains("path: None"), "{printed}");
}
