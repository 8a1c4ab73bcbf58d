//! The schema: FastAPI Users' tables, keycard's own additions, and upgrades in place.
//!
//! FastAPI Users' tables are written as SQLAlchemy emits them for its models, with
//! `IF NOT EXISTS`, so opening one of its databases leaves every table, column and index
//! of it as it was. keycard adds indexes and tables of its own only, and records how far
//! it has upgraded in `keycard_schema_version`.

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::Error;

/// The schema version this crate creates and upgrades to.
///
/// Opening a database records it in the table `keycard_schema_version`; a database with
/// a higher version is refused with [`Error::SchemaTooNew`].
pub const SCHEMA_VERSION: i64 = 1;

/// FastAPI Users' tables and indexes, as SQLAlchemy creates them on SQLite.
pub(crate) const FASTAPI_USERS_DDL: &str = r#"
CREATE TABLE IF NOT EXISTS "user" (
    id CHAR(36) NOT NULL,
    email VARCHAR(320) NOT NULL,
    hashed_password VARCHAR(1024) NOT NULL,
    is_active BOOLEAN NOT NULL,
    is_superuser BOOLEAN NOT NULL,
    is_verified BOOLEAN NOT NULL,
    PRIMARY KEY (id)
);
CREATE UNIQUE INDEX IF NOT EXISTS ix_user_email ON "user" (email);

CREATE TABLE IF NOT EXISTS oauth_account (
    id CHAR(36) NOT NULL,
    oauth_name VARCHAR(100) NOT NULL,
    access_token VARCHAR(1024) NOT NULL,
    expires_at INTEGER,
    refresh_token VARCHAR(1024),
    account_id VARCHAR(320) NOT NULL,
    account_email VARCHAR(320) NOT NULL,
    user_id CHAR(36) NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_oauth_account_oauth_name ON oauth_account (oauth_name);
CREATE INDEX IF NOT EXISTS ix_oauth_account_account_id ON oauth_account (account_id);

CREATE TABLE IF NOT EXISTS accesstoken (
    token VARCHAR(43) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    user_id CHAR(36) NOT NULL,
    PRIMARY KEY (token),
    FOREIGN KEY (user_id) REFERENCES "user" (id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS ix_accesstoken_created_at ON accesstoken (created_at);
"#;

/// keycard's own indexes and tables of schema version 1.
const KEYCARD_V1_DDL: &str = r#"
CREATE UNIQUE INDEX IF NOT EXISTS keycard_ux_user_email_lower ON "user" (lower(email));
CREATE UNIQUE INDEX IF NOT EXISTS keycard_ux_oauth_account_provider
    ON oauth_account (oauth_name, account_id);
CREATE INDEX IF NOT EXISTS keycard_ix_oauth_account_user_id ON oauth_account (user_id);
CREATE INDEX IF NOT EXISTS keycard_ix_accesstoken_user_id ON accesstoken (user_id);

CREATE TABLE IF NOT EXISTS keycard_user_fields (
    user_id CHAR(36) NOT NULL PRIMARY KEY REFERENCES "user" (id) ON DELETE CASCADE,
    fields TEXT NOT NULL CHECK (json_valid(fields))
);
"#;

const VERSION_DDL: &str = "
CREATE TABLE IF NOT EXISTS keycard_schema_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
";

/// The columns keycard reads and writes, by table.
const REQUIRED_COLUMNS: [(&str, &[&str]); 3] = [
    (
        "user",
        &[
            "id",
            "email",
            "hashed_password",
            "is_active",
            "is_superuser",
            "is_verified",
        ],
    ),
    (
        "oauth_account",
        &[
            "id",
            "oauth_name",
            "access_token",
            "expires_at",
            "refresh_token",
            "account_id",
            "account_email",
            "user_id",
        ],
    ),
    ("accesstoken", &["token", "created_at", "user_id"]),
];

/// Creates or upgrades the schema in one transaction: it all happens, or nothing does.
///
/// Returns the version found before, 0 for a database keycard never opened.
pub(crate) fn migrate(conn: &mut Connection) -> Result<i64, Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute_batch(VERSION_DDL)?;
    let found = recorded_version(&tx)?;
    if found > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }

    tx.execute_batch(FASTAPI_USERS_DDL)?;
    check_columns(&tx)?;
    if found < 1 {
        upgrade_to_v1(&tx)?;
    }

    if found != SCHEMA_VERSION {
        tx.execute(
            "INSERT INTO keycard_schema_version (id, version) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version",
            [SCHEMA_VERSION],
        )?;
    }
    tx.commit()?;
    Ok(found)
}

fn recorded_version(tx: &Transaction<'_>) -> Result<i64, Error> {
    let version = tx
        .query_row(
            "SELECT version FROM keycard_schema_version WHERE id = 1",
            [],
            |row| row.get(0),
        )
        .optional()?;
    Ok(version.unwrap_or(0))
}

/// Checks first what would make a unique index fail, to say why in words.
fn upgrade_to_v1(tx: &Transaction<'_>) -> Result<(), Error> {
    let email_clashes = count(
        tx,
        r#"SELECT count(*) FROM "user" WHERE lower(email) IN
           (SELECT lower(email) FROM "user" GROUP BY lower(email) HAVING count(*) > 1)"#,
    )?;
    if email_clashes > 0 {
        return Err(Error::CaseDuplicateEmails {
            count: email_clashes,
        });
    }

    let account_clashes = count(
        tx,
        "SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM oauth_account
         GROUP BY oauth_name, account_id HAVING count(*) > 1)",
    )?;
    if account_clashes > 0 {
        return Err(Error::DuplicateOAuthAccounts {
            count: account_clashes,
        });
    }

    tx.execute_batch(KEYCARD_V1_DDL)?;
    Ok(())
}

fn count(tx: &Transaction<'_>, sql: &str) -> Result<u64, Error> {
    let n: i64 = tx.query_row(sql, [], |row| row.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Refuses a pre-existing table that lacks a column keycard uses, or that keys users by
/// integer (FastAPI Users' `SQLAlchemyBaseUserTable[int]`).
fn check_columns(tx: &Transaction<'_>) -> Result<(), Error> {
    let mut stmt = tx.prepare(
        r#"SELECT name, type, "notnull" AND dflt_value IS NULL FROM pragma_table_info(?1)"#,
    )?;
    for (table, required) in REQUIRED_COLUMNS {
        let columns = stmt
            .query_map([table], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
            .collect::<Result<Vec<(String, String, bool)>, _>>()?;

        for &column in required {
            let declared = columns
                .iter()
                .find(|(name, ..)| name.eq_ignore_ascii_case(column));
            let Some((_, declared_type, _)) = declared else {
                return Err(Error::IncompatibleSchema {
                    table,
                    column,
                    reason: "is missing",
                });
            };
            if column == "id" && declared_type.to_ascii_uppercase().contains("INT") {
                return Err(Error::IncompatibleSchema {
                    table,
                    column,
                    reason: "holds integers; keycard needs UUIDs stored as text",
                });
            }
        }
        warn_about_extra_columns(table, required, &columns);
    }
    Ok(())
}

// FIXME: columns a FastAPI Users application added to its tables (its custom user
// fields) are neither read nor written; keycard keeps custom fields in
// `keycard_user_fields`. Mapping such columns onto `User::fields` needs a column list from
// the application.
fn warn_about_extra_columns(table: &str, required: &[&str], columns: &[(String, String, bool)]) {
    let blocking = columns
        .iter()
        .filter(|(name, _, required_without_default)| {
            *required_without_default && !required.iter().any(|r| r.eq_ignore_ascii_case(name))
        })
        .map(|(name, ..)| name.as_str())
        .collect::<Vec<_>>();
    if !blocking.is_empty() {
        tracing::warn!(
            table,
            columns = ?blocking,
            "existing table has NOT NULL columns without a default that keycard does not \
             write; inserting into it will fail"
        );
    }
}
