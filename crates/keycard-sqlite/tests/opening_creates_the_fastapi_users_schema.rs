//! Opening a new file creates FastAPI Users' tables, columns and indexes exactly, plus
//! keycard's own; opening again changes nothing.

mod support;

use std::path::Path;

use keycard_core::{AccessTokenRecord, AccessTokenStore, HashedPassword, Token, User, UserStore};
use keycard_sqlite::{Error, SCHEMA_VERSION, SqliteStore};
use rusqlite::Connection;
use support::{schema_objects, temp_db};

/// `(name, declared type, not null, primary key position)` of each column.
fn columns(conn: &Connection, table: &str) -> Vec<(String, String, bool, i64)> {
    let mut stmt = conn
        .prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid")
        .expect("prepare");
    stmt.query_map([table], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

fn expected(columns: &[(&str, &str, bool, i64)]) -> Vec<(String, String, bool, i64)> {
    columns
        .iter()
        .map(|(name, ty, not_null, pk)| (name.to_string(), ty.to_string(), *not_null, *pk))
        .collect()
}

/// `(index name, unique, indexed columns or expressions)` of a table's named indexes.
fn indexes(conn: &Connection, table: &str) -> Vec<(String, bool, Vec<String>)> {
    let mut list = conn
        .prepare(
            "SELECT name, \"unique\" FROM pragma_index_list(?1)
             WHERE origin = 'c' ORDER BY name",
        )
        .expect("prepare");
    let named: Vec<(String, bool)> = list
        .query_map([table], |row| Ok((row.get(0)?, row.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    named
        .into_iter()
        .map(|(name, unique)| {
            let mut info = conn
                .prepare(
                    "SELECT coalesce(name, '<expr>') FROM pragma_index_info(?1) ORDER BY seqno",
                )
                .expect("prepare");
            let cols = info
                .query_map([&name], |row| row.get(0))
                .expect("query")
                .collect::<Result<_, _>>()
                .expect("rows");
            (name, unique, cols)
        })
        .collect()
}

fn index(name: &str, unique: bool, cols: &[&str]) -> (String, bool, Vec<String>) {
    (
        name.to_owned(),
        unique,
        cols.iter().map(|c| c.to_string()).collect(),
    )
}

#[tokio::test]
async fn a_new_file_gets_exactly_fastapi_users_columns() {
    let (_dir, path) = temp_db();
    let _store = SqliteStore::open(&path).await.expect("open");
    let conn = Connection::open(&path).expect("inspect");

    assert_eq!(
        columns(&conn, "user"),
        expected(&[
            ("id", "CHAR(36)", true, 1),
            ("email", "VARCHAR(320)", true, 0),
            ("hashed_password", "VARCHAR(1024)", true, 0),
            ("is_active", "BOOLEAN", true, 0),
            ("is_superuser", "BOOLEAN", true, 0),
            ("is_verified", "BOOLEAN", true, 0),
        ])
    );
    assert_eq!(
        columns(&conn, "oauth_account"),
        expected(&[
            ("id", "CHAR(36)", true, 1),
            ("oauth_name", "VARCHAR(100)", true, 0),
            ("access_token", "VARCHAR(1024)", true, 0),
            ("expires_at", "INTEGER", false, 0),
            ("refresh_token", "VARCHAR(1024)", false, 0),
            ("account_id", "VARCHAR(320)", true, 0),
            ("account_email", "VARCHAR(320)", true, 0),
            ("user_id", "CHAR(36)", true, 0),
        ])
    );
    assert_eq!(
        columns(&conn, "accesstoken"),
        expected(&[
            ("token", "VARCHAR(43)", true, 1),
            ("created_at", "TIMESTAMP", true, 0),
            ("user_id", "CHAR(36)", true, 0),
        ])
    );
}

#[tokio::test]
async fn a_new_file_gets_fastapi_users_indexes_and_keycards_own() {
    let (_dir, path) = temp_db();
    let _store = SqliteStore::open(&path).await.expect("open");
    let conn = Connection::open(&path).expect("inspect");

    assert_eq!(
        indexes(&conn, "user"),
        vec![
            index("ix_user_email", true, &["email"]),
            index("keycard_ux_user_email_lower", true, &["<expr>"]),
        ]
    );
    assert_eq!(
        indexes(&conn, "oauth_account"),
        vec![
            index("ix_oauth_account_account_id", false, &["account_id"]),
            index("ix_oauth_account_oauth_name", false, &["oauth_name"]),
            index("keycard_ix_oauth_account_user_id", false, &["user_id"]),
            index(
                "keycard_ux_oauth_account_provider",
                true,
                &["oauth_name", "account_id"]
            ),
        ]
    );
    assert_eq!(
        indexes(&conn, "accesstoken"),
        vec![
            index("ix_accesstoken_created_at", false, &["created_at"]),
            index("keycard_ix_accesstoken_user_id", false, &["user_id"]),
        ]
    );
}

#[tokio::test]
async fn a_new_file_has_cascading_foreign_keys_and_only_keycard_tables_besides() {
    let (_dir, path) = temp_db();
    let _store = SqliteStore::open(&path).await.expect("open");
    let conn = Connection::open(&path).expect("inspect");

    for table in ["oauth_account", "accesstoken", "keycard_user_fields"] {
        let fk: (String, String, String, String) = conn
            .query_row(
                "SELECT \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?1)",
                [table],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .expect("one foreign key");
        assert_eq!(
            fk,
            (
                "user".into(),
                "user_id".into(),
                "id".into(),
                "CASCADE".into()
            ),
            "{table}"
        );
    }

    let tables: Vec<String> = schema_objects(&path)
        .into_iter()
        .filter(|(ty, ..)| ty == "table")
        .map(|(_, name, ..)| name)
        .collect();
    assert_eq!(
        tables,
        [
            "accesstoken",
            "keycard_schema_version",
            "keycard_user_fields",
            "oauth_account",
            "user"
        ]
    );

    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[tokio::test]
async fn reopening_an_existing_database_changes_nothing() {
    let (_dir, path) = temp_db();
    let store = SqliteStore::open(&path).await.expect("open");
    let user = store
        .create(User::new(
            "ann@example.com",
            HashedPassword::new("$argon2id$h"),
        ))
        .await
        .expect("create");
    let token = AccessTokenRecord::new(Token::new("t1"), user.id);
    store.create_token(token.clone()).await.expect("token");
    drop(store);
    let before = schema_objects(&path);

    for _ in 0..2 {
        let store = SqliteStore::open(&path).await.expect("reopen");
        assert_eq!(store.get(user.id).await.expect("get"), Some(user.clone()));
        assert_eq!(
            store
                .get_token(&token.token, None)
                .await
                .expect("get token"),
            Some(token.clone())
        );
    }

    assert_eq!(schema_objects(&path), before);
    let conn = Connection::open(&path).expect("inspect");
    let version: i64 = conn
        .query_row("SELECT version FROM keycard_schema_version", [], |row| {
            row.get(0)
        })
        .expect("version");
    assert_eq!(version, SCHEMA_VERSION);
}

#[tokio::test]
async fn a_database_from_a_newer_keycard_is_refused() {
    let (_dir, path) = temp_db();
    drop(SqliteStore::open(&path).await.expect("open"));
    Connection::open(&path)
        .and_then(|conn| conn.execute("UPDATE keycard_schema_version SET version = 99", []))
        .expect("bump version");

    let err = SqliteStore::open(&path).await.expect_err("a newer schema");
    assert!(
        matches!(
            err,
            Error::SchemaTooNew {
                found: 99,
                supported: SCHEMA_VERSION
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn urls_and_paths_open_the_same_file() {
    let (_dir, path) = temp_db();
    let url = format!("sqlite://{}", path.display());
    assert!(Path::new(&path).is_absolute() && url.starts_with("sqlite:///"));

    let store = SqliteStore::connect(&url).await.expect("connect");
    assert_eq!(store.path(), Some(path.as_path()));
    let user = store
        .create(User::new("bob@example.com", HashedPassword::new("h")))
        .await
        .expect("create");
    drop(store);

    let store = SqliteStore::open(&path).await.expect("open");
    assert!(store.get(user.id).await.expect("get").is_some());
    let memory = SqliteStore::connect("sqlite::memory:")
        .await
        .expect("memory");
    assert_eq!(memory.path(), None);
}
