//! [`AccessTokenStore`] for [`SqliteStore`].

use std::time::Duration;

use async_trait::async_trait;
use keycard_core::{AccessTokenRecord, AccessTokenStore, StoreError, Token};
use rusqlite::{OptionalExtension, params};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::SqlResultExt;
use crate::rows::{TokenRow, id_text, parse_timestamp, timestamp_text};
use crate::users::{execute, require_user};
use crate::{SqliteStore, sql};

#[async_trait]
impl AccessTokenStore for SqliteStore {
    async fn get_token(
        &self,
        token: &Token,
        max_age: Option<Duration>,
    ) -> Result<Option<AccessTokenRecord>, StoreError> {
        let token = token.expose_secret().to_owned();
        let since = max_age.map(oldest_allowed).transpose()?.flatten();
        self.read(move |conn| {
            let row = match &since {
                Some(since) => conn.prepare_cached(sql::TOKEN_SINCE).and_then(|mut stmt| {
                    stmt.query_row([&token, since], TokenRow::read).optional()
                }),
                None => conn
                    .prepare_cached(sql::TOKEN)
                    .and_then(|mut stmt| stmt.query_row([&token], TokenRow::read).optional()),
            };
            row.or_store_error()?.map(TokenRow::into_record).transpose()
        })
        .await
    }

    async fn create_token(
        &self,
        record: AccessTokenRecord,
    ) -> Result<AccessTokenRecord, StoreError> {
        let created_at = timestamp_text(record.created_at)?;
        // What a later read returns: UTC, whole microseconds.
        let stored = AccessTokenRecord {
            created_at: parse_timestamp(&created_at)?,
            ..record
        };
        let user_id = id_text(stored.user_id);

        self.write(move |conn| {
            require_user(conn, &user_id)?;
            execute(
                conn,
                sql::INSERT_TOKEN,
                params![stored.token.expose_secret(), created_at, user_id],
            )?;
            Ok(stored)
        })
        .await
    }

    async fn delete_token(&self, token: &Token) -> Result<(), StoreError> {
        let token = token.expose_secret().to_owned();
        self.write(move |conn| execute(conn, sql::DELETE_TOKEN, &[&token]).map(drop))
            .await
    }

    async fn delete_user_tokens(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let user_id = id_text(user_id);
        self.write(move |conn| execute(conn, sql::DELETE_USER_TOKENS, &[&user_id]).map(count))
            .await
    }

    async fn purge_expired_tokens(&self, max_age: Duration) -> Result<u64, StoreError> {
        let Some(since) = oldest_allowed(max_age)? else {
            return Ok(0);
        };
        self.write(move |conn| execute(conn, sql::PURGE_TOKENS, &[&since]).map(count))
            .await
    }
}

/// The `created_at` text of a token exactly `max_age` old; `None` when that lies before
/// the year 1, so that every stored token is young enough.
fn oldest_allowed(max_age: Duration) -> Result<Option<String>, StoreError> {
    let Ok(max_age) = time::Duration::try_from(max_age) else {
        return Ok(None);
    };
    match OffsetDateTime::now_utc().checked_sub(max_age) {
        Some(at) if at.year() >= 1 => timestamp_text(at).map(Some),
        _ => Ok(None),
    }
}

fn count(rows: usize) -> u64 {
    u64::try_from(rows).unwrap_or(u64::MAX)
}
