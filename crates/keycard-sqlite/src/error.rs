//! What opening a store can fail with, and how driver errors become
//! [`StoreError`]s.

use std::os::raw::c_int;

use keycard_core::StoreError;
use rusqlite::{ErrorCode, ffi};

/// Why a [`SqliteStore`](crate::SqliteStore) could not be opened.
///
/// Once open, the store reports failures as [`keycard_core::StoreError`]; this type
/// converts into one (as [`StoreError::Backend`]) so `?` works in code that only knows the
/// core's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The connection URL is not one [`SqliteOptions::from_url`] understands.
    ///
    /// [`SqliteOptions::from_url`]: crate::SqliteOptions::from_url
    #[error("invalid sqlite url: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The existing `user` table holds addresses that are equal when compared
    /// case-insensitively, so keycard's unique index on `lower(email)` cannot be built.
    #[error(
        "the user table holds {count} e-mail addresses that differ only in letter case; \
         merge or rename those accounts before opening the database with keycard"
    )]
    CaseDuplicateEmails {
        /// How many rows take part in a collision.
        count: u64,
    },
    /// The existing `oauth_account` table links one provider account more than once, so
    /// keycard's unique index on `(oauth_name, account_id)` cannot be built.
    #[error(
        "the oauth_account table links {count} rows to provider accounts that are linked \
         more than once; remove the duplicates before opening the database with keycard"
    )]
    DuplicateOAuthAccounts {
        /// How many rows take part in a collision.
        count: u64,
    },
    /// An existing table does not have the shape keycard needs.
    #[error("existing table `{table}` is not compatible: column `{column}` {reason}")]
    IncompatibleSchema {
        /// The table.
        table: &'static str,
        /// The column at fault.
        column: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The database was upgraded by a newer keycard-sqlite.
    #[error(
        "database schema version {found} is newer than version {supported}, the newest this keycard-sqlite knows"
    )]
    SchemaTooNew {
        /// The version recorded in the database.
        found: i64,
        /// The newest version this crate knows ([`SCHEMA_VERSION`](crate::SCHEMA_VERSION)).
        supported: i64,
    },
    /// SQLite failed.
    #[error("sqlite failed")]
    Sqlite(#[source] rusqlite::Error),
    /// The blocking thread that opened the database was lost.
    #[error("database worker thread failed")]
    Worker(#[source] tokio::task::JoinError),
    /// A connection's thread could not be started.
    #[error("database thread could not be started")]
    Thread(#[source] std::io::Error),
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        Self::Sqlite(err)
    }
}

impl From<Error> for StoreError {
    fn from(err: Error) -> Self {
        StoreError::backend(err)
    }
}

/// Maps a driver error onto the core's error: constraint violations become the conflict
/// variants, unreadable values become [`StoreError::Corrupt`], the rest stays typed under
/// [`StoreError::Backend`].
pub(crate) fn store_error(err: rusqlite::Error) -> StoreError {
    use rusqlite::Error as E;

    match &err {
        E::SqliteFailure(failure, message) if failure.code == ErrorCode::ConstraintViolation => {
            constraint_error(failure.extended_code, message.as_deref())
                .unwrap_or_else(|| StoreError::backend(err))
        }
        E::InvalidColumnType(..)
        | E::FromSqlConversionFailure(..)
        | E::IntegralValueOutOfRange(..)
        | E::Utf8Error(..) => StoreError::Corrupt(err.to_string()),
        _ => StoreError::backend(err),
    }
}

/// Turns a driver result into a store result with [`store_error`].
pub(crate) trait SqlResultExt<T> {
    /// Maps the error with [`store_error`].
    fn or_store_error(self) -> Result<T, StoreError>;
}

impl<T> SqlResultExt<T> for rusqlite::Result<T> {
    fn or_store_error(self) -> Result<T, StoreError> {
        self.map_err(store_error)
    }
}

/// Names a constraint violation by the index or columns SQLite reports.
fn constraint_error(extended_code: c_int, message: Option<&str>) -> Option<StoreError> {
    match extended_code {
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(StoreError::NotFound),
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            let failed = message?.strip_prefix("UNIQUE constraint failed: ")?;
            unique_error(failed)
        }
        _ => None,
    }
}

fn unique_error(failed: &str) -> Option<StoreError> {
    match failed {
        "user.email" | "index 'keycard_ux_user_email_lower'" => Some(StoreError::DuplicateEmail),
        "oauth_account.oauth_name, oauth_account.account_id" => {
            Some(StoreError::DuplicateOAuthAccount)
        }
        "user.id" | "oauth_account.id" | "accesstoken.token" | "keycard_user_fields.user_id" => {
            Some(StoreError::DuplicateId)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(extended_code: c_int, message: &str) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(extended_code), Some(message.to_owned()))
    }

    #[test]
    fn unique_violations_name_the_conflict() {
        let cases = [
            ("UNIQUE constraint failed: user.email", "DuplicateEmail"),
            (
                "UNIQUE constraint failed: index 'keycard_ux_user_email_lower'",
                "DuplicateEmail",
            ),
            (
                "UNIQUE constraint failed: oauth_account.oauth_name, oauth_account.account_id",
                "DuplicateOAuthAccount",
            ),
            ("UNIQUE constraint failed: accesstoken.token", "DuplicateId"),
        ];
        for (message, expected) in cases {
            let err = store_error(failure(ffi::SQLITE_CONSTRAINT_UNIQUE, message));
            assert!(
                format!("{err:?}").starts_with(expected),
                "{message}: {err:?}"
            );
        }
    }

    #[test]
    fn foreign_key_violation_is_not_found() {
        let err = store_error(failure(
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY,
            "FOREIGN KEY constraint failed",
        ));
        assert!(matches!(err, StoreError::NotFound));
    }

    #[test]
    fn other_failures_keep_the_driver_error_as_source() {
        let err = store_error(failure(
            ffi::SQLITE_CONSTRAINT_NOTNULL,
            "NOT NULL constraint failed: user.email",
        ));
        let source = std::error::Error::source(&err).expect("a source");
        assert!(source.downcast_ref::<rusqlite::Error>().is_some());
    }
}
