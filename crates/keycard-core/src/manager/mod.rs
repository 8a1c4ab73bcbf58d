//! The user manager: every lifecycle operation, once, for every store and framework.

mod builder;
mod oauth;
mod tokens;
mod update;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::request::Parts;
use uuid::Uuid;

pub(crate) use builder::DEFAULT_TOKEN_LIFETIME;
pub use builder::UserManagerBuilder;
pub use oauth::OAuthSignIn;
pub use update::{UserCreate, UserUpdate};

use crate::email::normalize_email;
use crate::hooks::{Hooks, PasswordContext};
use crate::password::{PasswordHelper, Verification};
use crate::token::{JwtKeys, Names};
use crate::{Error, Password, User, UserPatch, UserStore};

/// Registers, authenticates, updates, verifies and deletes users, running the
/// application's [`Hooks`] around each step.
///
/// Cheap to clone; clones share the store, hooks and hashing pool.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use keycard_core::manager::{UserCreate, UserManager};
/// use keycard_core::token::JwtKeys;
/// use keycard_core::{MemoryStore, Password, Secret};
///
/// let keys = JwtKeys::hs256(&Secret::new("secret"))?;
/// let manager = UserManager::builder(MemoryStore::new(), keys).build();
///
/// let user = manager
///     .create(UserCreate::new("King.Arthur@Camelot.BT", Password::new("guinevere")), true, None)
///     .await?;
/// assert_eq!(user.email, "King.Arthur@camelot.bt");
///
/// let found = manager.authenticate("king.arthur@camelot.bt", Password::new("guinevere")).await?;
/// assert_eq!(found.map(|u| u.id), Some(user.id));
/// # Ok::<(), keycard_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct UserManager {
    inner: Arc<Inner>,
}

struct Inner {
    users: Arc<dyn UserStore>,
    hooks: Arc<dyn Hooks>,
    passwords: PasswordHelper,
    reset_keys: JwtKeys,
    verify_keys: JwtKeys,
    names: Names,
    reset_lifetime: Duration,
    verify_lifetime: Duration,
}

impl UserManager {
    /// Starts a manager over `users`, signing reset and verify tokens with `keys`.
    pub fn builder(users: impl UserStore, keys: JwtKeys) -> UserManagerBuilder {
        UserManagerBuilder::new(Arc::new(users), keys)
    }

    /// The store.
    pub fn store(&self) -> &dyn UserStore {
        self.inner.users.as_ref()
    }

    /// The hooks.
    pub fn hooks(&self) -> &dyn Hooks {
        self.inner.hooks.as_ref()
    }

    /// The password hashing pool.
    pub fn passwords(&self) -> &PasswordHelper {
        &self.inner.passwords
    }

    /// The audiences and cookie names in use.
    pub fn names(&self) -> &Names {
        &self.inner.names
    }

    /// Loads a user by id.
    ///
    /// # Errors
    ///
    /// [`Error::UserNotExists`], or a store failure.
    pub async fn get(&self, id: Uuid) -> Result<User, Error> {
        self.inner.users.get(id).await?.ok_or(Error::UserNotExists)
    }

    /// Loads a user by e-mail address, compared case-insensitively.
    ///
    /// # Errors
    ///
    /// [`Error::UserNotExists`], or a store failure.
    pub async fn get_by_email(&self, email: &str) -> Result<User, Error> {
        let users = &self.inner.users;
        users
            .get_by_email(email.trim())
            .await?
            .ok_or(Error::UserNotExists)
    }

    /// Loads the user linked to a provider account.
    ///
    /// # Errors
    ///
    /// [`Error::UserNotExists`], or a store failure.
    pub async fn get_by_oauth_account(
        &self,
        oauth_name: &str,
        account_id: &str,
    ) -> Result<User, Error> {
        let users = &self.inner.users;
        let found = users.get_by_oauth_account(oauth_name, account_id).await?;
        found.ok_or(Error::UserNotExists)
    }

    /// Creates a user. With `safe`, the `is_*` flags of `create` are ignored and the new
    /// user is active, unverified and not a superuser.
    ///
    /// The password rule runs first, then the e-mail's uniqueness is enforced by the
    /// store at insert time, so concurrent registrations cannot both succeed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPassword`], [`Error::InvalidEmail`], [`Error::UserAlreadyExists`],
    /// or a store or hashing failure.
    pub async fn create(
        &self,
        create: UserCreate,
        safe: bool,
        request: Option<&Parts>,
    ) -> Result<User, Error> {
        let email = normalize_email(&create.email)?;
        let context = PasswordContext {
            email: &email,
            user: None,
        };
        self.validate_password(&create.password, context).await?;

        let mut user = User::new(email, self.inner.passwords.hash(create.password).await?);
        user.fields = create.fields;
        user.oauth_accounts = create.oauth_accounts;
        if !safe {
            user.is_active = create.is_active.unwrap_or(true);
            user.is_superuser = create.is_superuser.unwrap_or(false);
            user.is_verified = create.is_verified.unwrap_or(false);
        }

        let user = self.inner.users.create(user).await?;
        tracing::debug!(user.id = %user.id, "user registered");
        self.inner.hooks.on_after_register(&user, request).await;
        Ok(user)
    }

    /// Checks credentials and returns the user they belong to, active or not.
    ///
    /// An unknown address still costs one password hash, so response times do not tell
    /// which addresses have accounts (OWASP Authentication Cheat Sheet, "Authentication
    /// Responses"). A hash made with outdated parameters is upgraded on success.
    ///
    /// # Errors
    ///
    /// Only store or hashing failures; wrong credentials are `Ok(None)`.
    pub async fn authenticate(
        &self,
        email: &str,
        password: Password,
    ) -> Result<Option<User>, Error> {
        let passwords = &self.inner.passwords;
        let Some(user) = self.inner.users.get_by_email(email.trim()).await? else {
            passwords.hash(password).await?;
            return Ok(None);
        };

        let verdict = passwords
            .verify(password.clone(), user.hashed_password.clone())
            .await?;
        match verdict {
            Verification::Invalid => Ok(None),
            Verification::Valid => Ok(Some(user)),
            Verification::ValidNeedsRehash => {
                let patch = UserPatch {
                    hashed_password: Some(passwords.hash(password).await?),
                    ..UserPatch::default()
                };
                tracing::debug!(user.id = %user.id, "password hash upgraded");
                Ok(Some(self.inner.users.update(user.id, &patch).await?))
            }
        }
    }

    /// Deletes a user, running the before- and after-delete hooks.
    ///
    /// # Errors
    ///
    /// [`Error::UserNotExists`], or a store failure.
    pub async fn delete(&self, user: &User, request: Option<&Parts>) -> Result<(), Error> {
        let hooks = &self.inner.hooks;
        hooks.on_before_delete(user, request).await;
        self.inner.users.delete(user.id).await?;
        tracing::debug!(user.id = %user.id, "user deleted");
        hooks.on_after_delete(user, request).await;
        Ok(())
    }

    /// Runs the after-login hook; the HTTP service calls it after every successful login.
    pub async fn on_after_login(&self, user: &User, request: Option<&Parts>) {
        self.inner.hooks.on_after_login(user, request).await;
    }

    async fn validate_password(
        &self,
        password: &Password,
        context: PasswordContext<'_>,
    ) -> Result<(), Error> {
        let verdict = self.inner.hooks.validate_password(password, context).await;
        verdict.map_err(|reason| Error::InvalidPassword { reason })
    }
}

impl fmt::Debug for UserManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserManager")
            .field("names", &self.inner.names)
            .field("passwords", &self.inner.passwords)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
