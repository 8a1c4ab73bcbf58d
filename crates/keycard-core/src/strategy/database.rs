use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::Strategy;
use crate::password::random_url_safe;
use crate::{AccessTokenRecord, AccessTokenStore, Error, Token, User, UserStore};

/// Opaque access tokens kept in an [`AccessTokenStore`]: 43 URL-safe characters (256
/// random bits), expiring `lifetime` after issue, revoked at logout.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::Duration;
/// use keycard_core::strategy::{DatabaseStrategy, Strategy};
/// use keycard_core::{HashedPassword, MemoryStore, User, UserStore};
///
/// let store = MemoryStore::new();
/// let user = store.create(User::new("a@example.com", HashedPassword::new("h"))).await?;
/// let strategy = DatabaseStrategy::new(store.clone(), Some(Duration::from_secs(3600)));
///
/// let token = strategy.write_token(&user).await?;
/// assert_eq!(token.expose_secret().len(), 43);
/// strategy.destroy_token(token.expose_secret(), &user).await?;
/// assert!(strategy.read_token(token.expose_secret(), &store).await?.is_none());
/// # Ok::<(), keycard_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct DatabaseStrategy {
    tokens: Arc<dyn AccessTokenStore>,
    lifetime: Option<Duration>,
}

impl DatabaseStrategy {
    /// Tokens kept in `tokens`, valid for `lifetime` (`None`: until logout).
    pub fn new(tokens: impl AccessTokenStore, lifetime: Option<Duration>) -> Self {
        Self {
            tokens: Arc::new(tokens),
            lifetime,
        }
    }

    /// How long a token lives, if it expires.
    pub fn lifetime(&self) -> Option<Duration> {
        self.lifetime
    }
}

impl fmt::Debug for DatabaseStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseStrategy")
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Strategy for DatabaseStrategy {
    async fn read_token(&self, token: &str, users: &dyn UserStore) -> Result<Option<User>, Error> {
        let token = Token::new(token);
        let Some(record) = self.tokens.get_token(&token, self.lifetime).await? else {
            return Ok(None);
        };
        Ok(users.get(record.user_id).await?)
    }

    async fn write_token(&self, user: &User) -> Result<Token, Error> {
        let record = AccessTokenRecord::new(Token::new(random_url_safe(32)), user.id);
        let record = self.tokens.create_token(record).await?;
        Ok(record.token)
    }

    async fn destroy_token(&self, token: &str, _user: &User) -> Result<(), Error> {
        Ok(self.tokens.delete_token(&Token::new(token)).await?)
    }
}
