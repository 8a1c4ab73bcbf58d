//! A database FastAPI Users created opens without changing its tables, its rows read as
//! keycard users, and what keycard writes reads back the way FastAPI Users reads.

mod support;

use keycard_core::{
    AccessTokenRecord, AccessTokenStore, HashedPassword, OAuthAccount, StoreError, Token, User,
    UserPatch, UserStore,
};
use keycard_sqlite::{Error, SqliteStore};
use rusqlite::{Connection, OptionalExtension};
use support::{
    FASTAPI_USER_EMAIL, FASTAPI_USER_HASH, FASTAPI_USER_ID, FASTAPI_USERS_DDL,
    create_fastapi_users_db, schema_objects, temp_db,
};
use time::macros::datetime;
use uuid::Uuid;

#[tokio::test]
async fn its_tables_columns_and_indexes_stay_as_they_were() {
    let (_dir, path) = temp_db();
    create_fastapi_users_db(&path);
    let before = schema_objects(&path);

    let _store = SqliteStore::open(&path).await.expect("open");

    let after = schema_objects(&path);
    for object in &before {
        assert!(after.contains(object), "{object:?} changed or vanished");
    }
    for (_, name, ..) in after.iter().filter(|object| !before.contains(object)) {
        let ours = name.starts_with("keycard_") || name.starts_with("sqlite_autoindex_keycard_");
        assert!(ours, "unexpected new object {name}");
    }
}

#[tokio::test]
async fn its_users_are_found_by_email_in_any_case() {
    let (_dir, path) = temp_db();
    create_fastapi_users_db(&path);
    let store = SqliteStore::open(&path).await.expect("open");

    let user = store
        .get_by_email("KING.ARTHUR@Camelot.BT")
        .await
        .expect("look-up")
        .expect("the FastAPI Users user");

    assert_eq!(user.id, Uuid::parse_str(FASTAPI_USER_ID).expect("uuid"));
    assert_eq!(user.email, FASTAPI_USER_EMAIL);
    assert_eq!(user.hashed_password.expose_secret(), FASTAPI_USER_HASH);
    assert!(user.is_active && !user.is_superuser && user.is_verified);
    assert!(user.fields.is_empty());
    let account = user
        .oauth_account("google", "1234567890")
        .expect("the account");
    assert_eq!(account.expires_at, Some(1_767_225_600));
    assert_eq!(account.refresh_token, None);
    assert_eq!(account.access_token, Token::new("ya29.token"));
}

#[tokio::test]
async fn its_tokens_and_oauth_links_are_found() {
    let (_dir, path) = temp_db();
    create_fastapi_users_db(&path);
    let store = SqliteStore::open(&path).await.expect("open");

    let record = store
        .get_token(&Token::new("fastapi-users-token"), None)
        .await
        .expect("look-up")
        .expect("the token");
    assert_eq!(record.created_at, datetime!(2030-01-02 03:04:05.123456 UTC));
    assert_eq!(record.user_id.to_string(), FASTAPI_USER_ID);

    let linked = store
        .get_by_oauth_account("google", "1234567890")
        .await
        .expect("look-up");
    assert_eq!(
        linked.map(|u| u.id.to_string()).as_deref(),
        Some(FASTAPI_USER_ID)
    );
}

#[tokio::test]
async fn keycard_writes_read_back_by_exact_text_as_fastapi_users_reads() {
    let (_dir, path) = temp_db();
    create_fastapi_users_db(&path);
    let store = SqliteStore::open(&path).await.expect("open");
    let mut user = User::new(
        "Lancelot@camelot.bt",
        HashedPassword::new("$argon2id$v=19$x"),
    );
    user.id = Uuid::from_u128(0xABCD_EF01_2345_4678_9ABC_DEF0_1234_5678);
    let mut account = OAuthAccount::new("github", "42", "lance@example.com", Token::new("gho"));
    account.expires_at = Some(1_700_000_000);
    user.oauth_accounts.push(account);
    let user = store.create(user).await.expect("create");
    let token = AccessTokenRecord::new(Token::new("keycard-token"), user.id);
    store.create_token(token).await.expect("token");

    let conn = Connection::open(&path).expect("inspect");
    let id = "abcdef01-2345-4678-9abc-def012345678";
    let row: (String, String, String, i64, i64) = conn
        .query_row(
            "SELECT email, typeof(is_active), typeof(id), is_active, is_superuser
             FROM user WHERE id = ?1",
            [id],
            |row| {
                Ok((
                    row.get(0)?,
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                ))
            },
        )
        .expect("found by exact lower-case text");
    assert_eq!(
        row,
        (
            "Lancelot@camelot.bt".into(),
            "integer".into(),
            "text".into(),
            1,
            0
        )
    );

    let by_email: String = conn
        .query_row(
            "SELECT id FROM user WHERE lower(email) = lower(?1)",
            ["LANCELOT@camelot.bt"],
            |r| r.get(0),
        )
        .expect("FastAPI Users' e-mail look-up");
    assert_eq!(by_email, id);

    let account: (String, i64) = conn
        .query_row(
            "SELECT typeof(expires_at), expires_at FROM oauth_account WHERE user_id = ?1",
            [id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("account by exact user id");
    assert_eq!(account, ("integer".into(), 1_700_000_000));

    let created_at: String = conn
        .query_row(
            "SELECT created_at FROM accesstoken WHERE user_id = ?1",
            [id],
            |r| r.get(0),
        )
        .expect("token by exact user id");
    assert_created_at_format(&created_at);
}

fn assert_created_at_format(text: &str) {
    let shape: String = text
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99 99:99:99.999999", "{text}");
}

#[tokio::test]
async fn keycard_updates_and_deletes_leave_fastapi_users_rows_consistent() {
    let (_dir, path) = temp_db();
    create_fastapi_users_db(&path);
    let store = SqliteStore::open(&path).await.expect("open");
    let id = Uuid::parse_str(FASTAPI_USER_ID).expect("uuid");

    let patch = UserPatch {
        is_superuser: Some(true),
        ..UserPatch::default()
    };
    store.update(id, &patch).await.expect("update");
    let conn = Connection::open(&path).expect("inspect");
    let superuser: i64 = conn
        .query_row(
            "SELECT is_superuser FROM user WHERE id = ?1",
            [FASTAPI_USER_ID],
            |r| r.get(0),
        )
        .expect("row");
    assert_eq!(superuser, 1);

    store.delete(id).await.expect("delete");
    for table in ["oauth_account", "accesstoken"] {
        let left: Option<i64> = conn
            .query_row(
                &format!("SELECT 1 FROM {table} WHERE user_id = ?1"),
                [FASTAPI_USER_ID],
                |r| r.get(0),
            )
            .optional()
            .expect("query");
        assert_eq!(left, None, "{table} kept rows of a deleted user");
    }
}

#[tokio::test]
async fn addresses_that_differ_only_in_case_are_refused_and_nothing_changes() {
    let (_dir, path) = temp_db();
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch(FASTAPI_USERS_DDL).expect("DDL");
    for (id, email) in [
        ("11111111-1111-4111-8111-111111111111", "ann@example.com"),
        ("22222222-2222-4222-8222-222222222222", "Ann@example.com"),
    ] {
        conn.execute(
            "INSERT INTO user (email, hashed_password, is_active, is_superuser, is_verified, id)
             VALUES (?1, 'h', 1, 0, 0, ?2)",
            [email, id],
        )
        .expect("insert");
    }
    drop(conn);
    let before = schema_objects(&path);

    let err = SqliteStore::open(&path).await.expect_err("case duplicates");

    assert!(
        matches!(err, Error::CaseDuplicateEmails { count: 2 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("differ only in letter case"));
    assert_eq!(schema_objects(&path), before);
}

#[tokio::test]
async fn a_malformed_stored_id_is_reported_as_corrupt() {
    let (_dir, path) = temp_db();
    drop(SqliteStore::open(&path).await.expect("open"));
    Connection::open(&path)
        .and_then(|conn| {
            conn.execute(
                "INSERT INTO user (id, email, hashed_password, is_active, is_superuser, is_verified)
                 VALUES ('not-a-uuid', 'bad@example.com', 'h', 1, 0, 0)",
                [],
            )
        })
        .expect("insert");

    let store = SqliteStore::open(&path).await.expect("reopen");
    let err = store
        .get_by_email("bad@example.com")
        .await
        .expect_err("corrupt");
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
}

#[tokio::test]
async fn integer_user_ids_are_refused() {
    let (_dir, path) = temp_db();
    Connection::open(&path)
        .and_then(|conn| {
            conn.execute_batch(
                "CREATE TABLE user (id INTEGER NOT NULL, email VARCHAR(320) NOT NULL,
                    hashed_password VARCHAR(1024) NOT NULL, is_active BOOLEAN NOT NULL,
                    is_superuser BOOLEAN NOT NULL, is_verified BOOLEAN NOT NULL,
                    PRIMARY KEY (id))",
            )
        })
        .expect("DDL");

    let err = SqliteStore::open(&path).await.expect_err("integer ids");
    assert!(
        matches!(
            err,
            Error::IncompatibleSchema {
                table: "user",
                column: "id",
                ..
            }
        ),
        "{err:?}"
    );
}
