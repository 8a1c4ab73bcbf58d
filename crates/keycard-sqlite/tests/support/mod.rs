//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use tempfile::TempDir;

/// FastAPI Users' schema as SQLAlchemy emits it on SQLite for `SQLAlchemyBaseUserTableUUID`,
/// `SQLAlchemyBaseOAuthAccountTableUUID` and `SQLAlchemyBaseAccessTokenTableUUID`: mixin
/// columns first, `id` after them, `user` unquoted, `cascade` in lower case.
pub const FASTAPI_USERS_DDL: &str = "
CREATE TABLE user (
\temail VARCHAR(320) NOT NULL, 
\thashed_password VARCHAR(1024) NOT NULL, 
\tis_active BOOLEAN NOT NULL, 
\tis_superuser BOOLEAN NOT NULL, 
\tis_verified BOOLEAN NOT NULL, 
\tid CHAR(36) NOT NULL, 
\tPRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_user_email ON user (email);
CREATE TABLE oauth_account (
\toauth_name VARCHAR(100) NOT NULL, 
\taccess_token VARCHAR(1024) NOT NULL, 
\texpires_at INTEGER, 
\trefresh_token VARCHAR(1024), 
\taccount_id VARCHAR(320) NOT NULL, 
\taccount_email VARCHAR(320) NOT NULL, 
\tid CHAR(36) NOT NULL, 
\tuser_id CHAR(36) NOT NULL, 
\tPRIMARY KEY (id), 
\tFOREIGN KEY(user_id) REFERENCES user (id) ON DELETE cascade
);
CREATE INDEX ix_oauth_account_oauth_name ON oauth_account (oauth_name);
CREATE INDEX ix_oauth_account_account_id ON oauth_account (account_id);
CREATE TABLE accesstoken (
\ttoken VARCHAR(43) NOT NULL, 
\tcreated_at TIMESTAMP NOT NULL, 
\tuser_id CHAR(36) NOT NULL, 
\tPRIMARY KEY (token), 
\tFOREIGN KEY(user_id) REFERENCES user (id) ON DELETE cascade
);
CREATE INDEX ix_accesstoken_created_at ON accesstoken (created_at);
";

/// The id, e-mail and hash of the user [`insert_fastapi_user`] writes.
pub const FASTAPI_USER_ID: &str = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f";
pub const FASTAPI_USER_EMAIL: &str = "King.Arthur@camelot.bt";
pub const FASTAPI_USER_HASH: &str = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0c2FsdA$\
    ZXhhbXBsZS1oYXNoLWV4YW1wbGUtaGFzaC1leGFtcGxlLWg";

/// A temporary directory and a database path inside it.
pub fn temp_db() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("users.db");
    (dir, path)
}

/// Creates FastAPI Users' tables and writes one user, one OAuth account and one access
/// token the way FastAPI Users writes them.
pub fn create_fastapi_users_db(path: &Path) {
    let conn = Connection::open(path).expect("open");
    conn.execute_batch(FASTAPI_USERS_DDL)
        .expect("FastAPI Users DDL");
    insert_fastapi_user(&conn);
}

pub fn insert_fastapi_user(conn: &Connection) {
    conn.execute(
        "INSERT INTO user (email, hashed_password, is_active, is_superuser, is_verified, id)
         VALUES (?1, ?2, 1, 0, 1, ?3)",
        [FASTAPI_USER_EMAIL, FASTAPI_USER_HASH, FASTAPI_USER_ID],
    )
    .expect("insert user");
    conn.execute(
        "INSERT INTO oauth_account (oauth_name, access_token, expires_at, refresh_token,
             account_id, account_email, id, user_id)
         VALUES ('google', 'ya29.token', 1767225600, NULL, '1234567890',
             'arthur@gmail.com', 'a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d', ?1)",
        [FASTAPI_USER_ID],
    )
    .expect("insert oauth account");
    conn.execute(
        "INSERT INTO accesstoken (token, created_at, user_id)
         VALUES ('fastapi-users-token', '2030-01-02 03:04:05.123456', ?1)",
        [FASTAPI_USER_ID],
    )
    .expect("insert token");
}

/// Every schema object, as `(type, name, table, sql)`, ordered by name.
pub fn schema_objects(path: &Path) -> Vec<(String, String, String, Option<String>)> {
    let conn = Connection::open(path).expect("open");
    let mut stmt = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")
        .expect("prepare");
    stmt.query_map([], |row| {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// A runtime for tests that need one outside `#[tokio::test]`.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}
