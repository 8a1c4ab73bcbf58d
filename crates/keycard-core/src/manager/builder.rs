use std::sync::Arc;
use std::time::Duration;

use super::{Inner, UserManager};
use crate::UserStore;
use crate::hooks::{Hooks, NoHooks};
use crate::password::PasswordHelper;
use crate::token::{JwtKeys, Names};

/// Configures a [`UserManager`]; see [`UserManager::builder`].
#[must_use]
pub struct UserManagerBuilder {
    users: Arc<dyn UserStore>,
    hooks: Option<Arc<dyn Hooks>>,
    passwords: Option<PasswordHelper>,
    reset_keys: JwtKeys,
    verify_keys: JwtKeys,
    names: Names,
    reset_lifetime: Duration,
    verify_lifetime: Duration,
}

impl std::fmt::Debug for UserManagerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserManagerBuilder")
            .field("names", &self.names)
            .field("reset_lifetime", &self.reset_lifetime)
            .field("verify_lifetime", &self.verify_lifetime)
            .finish_non_exhaustive()
    }
}

/// One hour, the default lifetime of reset and verify tokens.
pub(crate) const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

impl UserManagerBuilder {
    pub(super) fn new(users: Arc<dyn UserStore>, keys: JwtKeys) -> Self {
        Self {
            users,
            hooks: None,
            passwords: None,
            reset_keys: keys.clone(),
            verify_keys: keys,
            names: Names::keycard(),
            reset_lifetime: DEFAULT_TOKEN_LIFETIME,
            verify_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }

    /// Sets the lifecycle hooks. Default: [`NoHooks`].
    pub fn hooks(mut self, hooks: impl Hooks) -> Self {
        self.hooks = Some(Arc::new(hooks));
        self
    }

    /// Sets the hooks from a shared handle.
    pub fn shared_hooks(mut self, hooks: Arc<dyn Hooks>) -> Self {
        self.hooks = Some(hooks);
        self
    }

    /// Sets the password hashing pool. Default: [`PasswordHelper::default`].
    pub fn passwords(mut self, passwords: PasswordHelper) -> Self {
        self.passwords = Some(passwords);
        self
    }

    /// Signs reset-password tokens with other keys. Default: the builder's keys.
    pub fn reset_keys(mut self, keys: JwtKeys) -> Self {
        self.reset_keys = keys;
        self
    }

    /// Signs verify tokens with other keys. Default: the builder's keys.
    pub fn verify_keys(mut self, keys: JwtKeys) -> Self {
        self.verify_keys = keys;
        self
    }

    /// Sets the token audiences. Default: [`Names::keycard`].
    pub fn names(mut self, names: Names) -> Self {
        self.names = names;
        self
    }

    /// Sets how long reset-password tokens live. Default: one hour.
    pub fn reset_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.reset_lifetime = lifetime;
        self
    }

    /// Sets how long verify tokens live. Default: one hour.
    pub fn verify_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.verify_lifetime = lifetime;
        self
    }

    /// Builds the manager.
    pub fn build(self) -> UserManager {
        UserManager {
            inner: Arc::new(Inner {
                users: self.users,
                hooks: self.hooks.unwrap_or_else(|| Arc::new(NoHooks)),
                passwords: self.passwords.unwrap_or_default(),
                reset_keys: self.reset_keys,
                verify_keys: self.verify_keys,
                names: self.names,
                reset_lifetime: self.reset_lifetime,
                verify_lifetime: self.verify_lifetime,
            }),
        }
    }
}
