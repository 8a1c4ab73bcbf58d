//! Rows as SQLite returns them, and their conversion to keycard's models.
//!
//! A row is first read into plain values, so the driver's errors stay the driver's; turning
//! those values into models is where malformed data becomes [`StoreError::Corrupt`].

use keycard_core::{
    AccessTokenRecord, Fields, HashedPassword, OAuthAccount, StoreError, Token, User,
};
use rusqlite::Row;
use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
use uuid::Uuid;

/// How `accesstoken.created_at` is written: naive UTC, always six fractional digits, so
/// text order is time order.
const CREATED_AT_FORMAT: &[FormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:6]");

/// What `created_at` is read as: the written form, or with any number of fractional
/// digits, or none.
const CREATED_AT_INPUT: &[FormatItem<'_>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second][optional [.[subsecond]]]");

/// The text form of an id: lower case with hyphens, as FastAPI Users looks it up.
pub(crate) fn id_text(id: Uuid) -> String {
    id.hyphenated().to_string()
}

/// The text form of a point in time for `accesstoken.created_at`, truncated to
/// microseconds.
pub(crate) fn timestamp_text(at: OffsetDateTime) -> Result<String, StoreError> {
    at.to_offset(UtcOffset::UTC)
        .format(CREATED_AT_FORMAT)
        .map_err(StoreError::backend)
}

fn parse_id(column: &str, text: &str) -> Result<Uuid, StoreError> {
    Uuid::parse_str(text)
        .map_err(|_| StoreError::Corrupt(format!("{column} {text:?} is not a UUID")))
}

pub(crate) fn parse_timestamp(text: &str) -> Result<OffsetDateTime, StoreError> {
    PrimitiveDateTime::parse(text, CREATED_AT_INPUT)
        .map(PrimitiveDateTime::assume_utc)
        .map_err(|_| {
            StoreError::Corrupt(format!(
                "accesstoken.created_at {text:?} is not a timestamp"
            ))
        })
}

/// The columns of `user` with the user's custom fields, in the order of
/// [`sql::USER_COLUMNS`](crate::sql::USER_COLUMNS).
pub(crate) struct UserRow {
    id: String,
    email: String,
    hashed_password: String,
    is_active: bool,
    is_superuser: bool,
    is_verified: bool,
    fields: Option<String>,
}

impl UserRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            email: row.get(1)?,
            hashed_password: row.get(2)?,
            is_active: row.get(3)?,
            is_superuser: row.get(4)?,
            is_verified: row.get(5)?,
            fields: row.get(6)?,
        })
    }

    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn into_user(self, oauth_accounts: Vec<OAuthAccount>) -> Result<User, StoreError> {
        let fields = match self.fields.as_deref() {
            None => Fields::new(),
            Some(json) => serde_json::from_str(json).map_err(|_| {
                StoreError::Corrupt(format!(
                    "keycard_user_fields of user {} is not a JSON object",
                    self.id
                ))
            })?,
        };
        Ok(User {
            id: parse_id("user.id", &self.id)?,
            email: self.email,
            hashed_password: HashedPassword::new(self.hashed_password),
            is_active: self.is_active,
            is_superuser: self.is_superuser,
            is_verified: self.is_verified,
            oauth_accounts,
            fields,
        })
    }
}

/// The columns of `oauth_account`, in the order of
/// [`sql::ACCOUNT_COLUMNS`](crate::sql::ACCOUNT_COLUMNS).
pub(crate) struct AccountRow {
    id: String,
    oauth_name: String,
    access_token: String,
    expires_at: Option<i64>,
    refresh_token: Option<String>,
    account_id: String,
    account_email: String,
}

impl AccountRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: row.get(0)?,
            oauth_name: row.get(1)?,
            access_token: row.get(2)?,
            expires_at: row.get(3)?,
            refresh_token: row.get(4)?,
            account_id: row.get(5)?,
            account_email: row.get(6)?,
        })
    }

    pub(crate) fn into_account(self) -> Result<OAuthAccount, StoreError> {
        Ok(OAuthAccount {
            id: parse_id("oauth_account.id", &self.id)?,
            oauth_name: self.oauth_name,
            access_token: Token::new(self.access_token),
            expires_at: self.expires_at,
            refresh_token: self.refresh_token.map(Token::new),
            account_id: self.account_id,
            account_email: self.account_email,
        })
    }
}

/// The columns of `accesstoken`: token, created_at, user_id.
pub(crate) struct TokenRow {
    token: String,
    created_at: String,
    user_id: String,
}

impl TokenRow {
    pub(crate) fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            token: row.get(0)?,
            created_at: row.get(1)?,
            user_id: row.get(2)?,
        })
    }

    pub(crate) fn into_record(self) -> Result<AccessTokenRecord, StoreError> {
        Ok(AccessTokenRecord {
            token: Token::new(self.token),
            user_id: parse_id("accesstoken.user_id", &self.user_id)?,
            created_at: parse_timestamp(&self.created_at)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn timestamps_are_naive_utc_with_six_digits() {
        let at = datetime!(2024-03-05 06:07:08.000_009_999 +02:00);
        assert_eq!(
            timestamp_text(at).ok().as_deref(),
            Some("2024-03-05 04:07:08.000009")
        );
        let whole = datetime!(2024-03-05 06:07:08 UTC);
        assert_eq!(
            timestamp_text(whole).ok().as_deref(),
            Some("2024-03-05 06:07:08.000000")
        );
    }

    #[test]
    fn timestamps_read_back_with_any_precision() {
        for (text, expected) in [
            (
                "2024-03-05 04:07:08.000009",
                datetime!(2024-03-05 04:07:08.000_009 UTC),
            ),
            (
                "2024-03-05 04:07:08.5",
                datetime!(2024-03-05 04:07:08.5 UTC),
            ),
            ("2024-03-05 04:07:08", datetime!(2024-03-05 04:07:08 UTC)),
        ] {
            assert_eq!(parse_timestamp(text).ok(), Some(expected), "{text}");
        }
        assert!(matches!(
            parse_timestamp("yesterday"),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn ids_are_lower_case_and_hyphenated() {
        let id = Uuid::from_u128(0xABCD_EF01_2345_6789_ABCD_EF01_2345_6789);
        assert_eq!(id_text(id), "abcdef01-2345-6789-abcd-ef0123456789");
        assert!(matches!(
            parse_id("user.id", "nope"),
            Err(StoreError::Corrupt(_))
        ));
    }
}
