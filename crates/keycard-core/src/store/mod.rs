//! The storage traits every store implements, and the in-memory reference store.
//!
//! A store is a [`UserStore`] and, for the database token strategy, an
//! [`AccessTokenStore`]. `keycard-test-kit` pins their behaviour; run it against any
//! store you write.

mod memory;

use std::time::Duration;

use async_trait::async_trait;
use uuid::Uuid;

pub use memory::MemoryStore;

use crate::{AccessTokenRecord, OAuthAccount, StoreError, Token, User, UserPatch};

/// Where users and their OAuth accounts live.
///
/// E-mail addresses are unique under [`email_key`](crate::email::email_key): a store
/// compares and indexes them case-insensitively (ASCII letters), and raises
/// [`StoreError::DuplicateEmail`] itself when a write would break that, so concurrent
/// registrations of one address leave exactly one user. A provider account
/// (`oauth_name`, `account_id`) belongs to at most one user.
///
/// Every method that returns a [`User`] returns it with its OAuth accounts, ordered as
/// they were added.
#[async_trait]
pub trait UserStore: Send + Sync + 'static {
    /// Loads a user by id.
    ///
    /// # Errors
    ///
    /// Only when the store fails; a missing user is `Ok(None)`.
    async fn get(&self, id: Uuid) -> Result<Option<User>, StoreError>;

    /// Loads a user by e-mail address, compared case-insensitively.
    ///
    /// # Errors
    ///
    /// Only when the store fails.
    async fn get_by_email(&self, email: &str) -> Result<Option<User>, StoreError>;

    /// Loads the user who linked the account `account_id` at provider `oauth_name`.
    ///
    /// # Errors
    ///
    /// Only when the store fails.
    async fn get_by_oauth_account(
        &self,
        oauth_name: &str,
        account_id: &str,
    ) -> Result<Option<User>, StoreError>;

    /// Inserts a user together with the OAuth accounts it carries, atomically.
    ///
    /// # Errors
    ///
    /// [`StoreError::DuplicateEmail`], [`StoreError::DuplicateId`] or
    /// [`StoreError::DuplicateOAuthAccount`] on a conflict; nothing is written then.
    async fn create(&self, user: User) -> Result<User, StoreError>;

    /// Applies a patch to a user atomically and returns the user as stored afterwards.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown id, [`StoreError::DuplicateEmail`] when the
    /// new address belongs to another user; nothing is written then.
    async fn update(&self, id: Uuid, patch: &UserPatch) -> Result<User, StoreError>;

    /// Deletes a user with their OAuth accounts and access tokens.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown id.
    async fn delete(&self, id: Uuid) -> Result<(), StoreError>;

    /// Links an OAuth account to a user and returns the user.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for an unknown user, [`StoreError::DuplicateOAuthAccount`]
    /// when this provider account is linked to a user already.
    async fn add_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError>;

    /// Replaces the stored OAuth account with the same `id` (tokens, expiry, e-mail) and
    /// returns the user.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when the user has no account with that id.
    async fn update_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError>;
}

/// Where the database strategy keeps its opaque access tokens.
#[async_trait]
pub trait AccessTokenStore: Send + Sync + 'static {
    /// Loads a token, unless it is older than `max_age`.
    ///
    /// # Errors
    ///
    /// Only when the store fails; an unknown or expired token is `Ok(None)`.
    async fn get_token(
        &self,
        token: &Token,
        max_age: Option<Duration>,
    ) -> Result<Option<AccessTokenRecord>, StoreError>;

    /// Stores a new token.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] when the user does not exist, [`StoreError::DuplicateId`]
    /// when the token exists already.
    async fn create_token(
        &self,
        record: AccessTokenRecord,
    ) -> Result<AccessTokenRecord, StoreError>;

    /// Deletes a token; deleting an unknown token is not an error.
    ///
    /// # Errors
    ///
    /// Only when the store fails.
    async fn delete_token(&self, token: &Token) -> Result<(), StoreError>;

    /// Deletes every token of a user and returns how many there were.
    ///
    /// # Errors
    ///
    /// Only when the store fails.
    async fn delete_user_tokens(&self, user_id: Uuid) -> Result<u64, StoreError>;

    /// Deletes every token older than `max_age` and returns how many there were.
    ///
    /// # Errors
    ///
    /// Only when the store fails.
    async fn purge_expired_tokens(&self, max_age: Duration) -> Result<u64, StoreError>;
}

#[async_trait]
impl<S: UserStore + ?Sized> UserStore for std::sync::Arc<S> {
    async fn get(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        (**self).get(id).await
    }

    async fn get_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        (**self).get_by_email(email).await
    }

    async fn get_by_oauth_account(
        &self,
        oauth_name: &str,
        account_id: &str,
    ) -> Result<Option<User>, StoreError> {
        (**self).get_by_oauth_account(oauth_name, account_id).await
    }

    async fn create(&self, user: User) -> Result<User, StoreError> {
        (**self).create(user).await
    }

    async fn update(&self, id: Uuid, patch: &UserPatch) -> Result<User, StoreError> {
        (**self).update(id, patch).await
    }

    async fn delete(&self, id: Uuid) -> Result<(), StoreError> {
        (**self).delete(id).await
    }

    async fn add_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        (**self).add_oauth_account(user_id, account).await
    }

    async fn update_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        (**self).update_oauth_account(user_id, account).await
    }
}
