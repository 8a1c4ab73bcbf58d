use std::time::Duration;

use async_trait::async_trait;
use serde::Deserialize;
use uuid::Uuid;

use super::Strategy;
use crate::token::{JwtKeys, Names, claims};
use crate::{Error, Token, User, UserStore};

/// Stateless access tokens: a signed JWT `{"sub", "aud", "exp"}`.
///
/// Logout cannot revoke such a token; it lives until `exp`. Keep lifetimes short.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::Duration;
/// use keycard_core::strategy::{JwtStrategy, Strategy};
/// use keycard_core::token::JwtKeys;
/// use keycard_core::{HashedPassword, MemoryStore, Secret, User, UserStore};
///
/// let store = MemoryStore::new();
/// let user = store.create(User::new("a@example.com", HashedPassword::new("h"))).await?;
/// let keys = JwtKeys::hs256(&Secret::new("secret"))?;
/// let strategy = JwtStrategy::new(keys, Duration::from_secs(3600));
///
/// let token = strategy.write_token(&user).await?;
/// let found = strategy.read_token(token.expose_secret(), &store).await?;
/// assert_eq!(found.map(|u| u.id), Some(user.id));
/// # Ok::<(), keycard_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct JwtStrategy {
    keys: JwtKeys,
    lifetime: Duration,
    audience: String,
}

#[derive(Deserialize)]
struct AccessClaims {
    sub: String,
}

impl JwtStrategy {
    /// Tokens signed with `keys`, valid for `lifetime`, for audience `keycard:auth`.
    pub fn new(keys: JwtKeys, lifetime: Duration) -> Self {
        Self {
            keys,
            lifetime,
            audience: Names::keycard().auth_audience,
        }
    }

    /// Sets the audience tokens are issued for and accepted from. Default `keycard:auth`.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = audience.into();
        self
    }

    /// How long a token lives.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }
}

#[async_trait]
impl Strategy for JwtStrategy {
    async fn read_token(&self, token: &str, users: &dyn UserStore) -> Result<Option<User>, Error> {
        let Ok(claims) = self.keys.decode::<AccessClaims>(token, &self.audience) else {
            return Ok(None);
        };
        let Ok(id) = Uuid::parse_str(&claims.sub) else {
            return Ok(None);
        };
        Ok(users.get(id).await?)
    }

    async fn write_token(&self, user: &User) -> Result<Token, Error> {
        self.keys
            .encode(&claims(user.id.to_string(), &self.audience, self.lifetime))
    }

    async fn destroy_token(&self, _token: &str, _user: &User) -> Result<(), Error> {
        Ok(())
    }
}
