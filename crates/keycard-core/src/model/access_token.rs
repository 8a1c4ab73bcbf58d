use time::OffsetDateTime;
use uuid::Uuid;

use crate::Token;

/// An opaque access token kept in a store, for the database strategy.
///
/// ```
/// use keycard_core::{AccessTokenRecord, Token};
///
/// let record = AccessTokenRecord::new(Token::new("t"), uuid::Uuid::new_v4());
/// assert_eq!(record.created_at.nanosecond() % 1_000, 0);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AccessTokenRecord {
    /// The token itself (43 URL-safe characters when keycard issues it).
    pub token: Token,
    /// The user the token signs in.
    pub user_id: Uuid,
    /// When the token was issued, UTC, truncated to microseconds as SQL stores keep it.
    pub created_at: OffsetDateTime,
}

impl AccessTokenRecord {
    /// A record issued now.
    pub fn new(token: Token, user_id: Uuid) -> Self {
        Self {
            token,
            user_id,
            created_at: now_micros(),
        }
    }
}

/// The current UTC time, truncated to whole microseconds.
pub(crate) fn now_micros() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    let micros = now.nanosecond() / 1_000 * 1_000;
    now.replace_nanosecond(micros).unwrap_or(now)
}
