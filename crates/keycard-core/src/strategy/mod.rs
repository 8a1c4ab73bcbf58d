//! Authentication strategies: how an access token maps to a user.

mod database;
mod jwt;

use std::fmt::Debug;

use async_trait::async_trait;

pub use database::DatabaseStrategy;
pub use jwt::JwtStrategy;

use crate::{Error, Token, User, UserStore};

/// Turns users into access tokens and back.
///
/// Reading a token always loads the user from the store, so a deleted or deactivated
/// user loses access at once, whatever tokens they still hold.
#[async_trait]
pub trait Strategy: Debug + Send + Sync + 'static {
    /// Resolves a token to its user; `Ok(None)` for a token that is unknown, expired,
    /// tampered with, or whose user is gone.
    ///
    /// # Errors
    ///
    /// Only when a store fails.
    async fn read_token(&self, token: &str, users: &dyn UserStore) -> Result<Option<User>, Error>;

    /// Issues a token for a user.
    ///
    /// # Errors
    ///
    /// When signing or storing the token fails.
    async fn write_token(&self, user: &User) -> Result<Token, Error>;

    /// Revokes a token at logout. Stateless strategies cannot, and do nothing.
    ///
    /// # Errors
    ///
    /// When the store fails.
    async fn destroy_token(&self, token: &str, user: &User) -> Result<(), Error>;
}
