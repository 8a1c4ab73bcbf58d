//! Lifecycle hooks: the application's say in what the user manager does.

use async_trait::async_trait;
use http::request::Parts;

use crate::{Password, Token, User};

/// The head of the HTTP request an event came from, as hooks receive it.
pub type RequestParts = Parts;

/// Callbacks the [`UserManager`](crate::manager::UserManager) runs around each
/// lifecycle event. Every method has a no-op default, so an application implements only
/// the ones it needs.
///
/// Hooks receive the HTTP request's head when the event came from one (`None` when the
/// manager is called directly). A hook that fails should log and carry on: the event it
/// reports has already happened.
///
/// ```
/// use async_trait::async_trait;
/// use keycard_core::{Password, User};
/// use keycard_core::hooks::{Hooks, PasswordContext};
///
/// struct MinLength;
///
/// #[async_trait]
/// impl Hooks for MinLength {
///     async fn validate_password(
///         &self,
///         password: &Password,
///         _context: PasswordContext<'_>,
///     ) -> Result<(), String> {
///         if password.expose_secret().chars().count() < 8 {
///             return Err("Password should be at least 8 characters".into());
///         }
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait Hooks: Send + Sync + 'static {
    /// Checks a password against the application's rule; `Err` carries the reason shown
    /// to the user. Runs on register, on both update routes and on reset.
    async fn validate_password(
        &self,
        _password: &Password,
        _context: PasswordContext<'_>,
    ) -> Result<(), String> {
        Ok(())
    }

    /// After a user was created (registration, OAuth sign-up, seeding).
    async fn on_after_register(&self, _user: &User, _request: Option<&Parts>) {}

    /// After a user was changed; `fields` names the keys the update carried (never their
    /// values), such as `email`, `password` or a custom field.
    async fn on_after_update(&self, _user: &User, _fields: &[String], _request: Option<&Parts>) {}

    /// After a successful login.
    async fn on_after_login(&self, _user: &User, _request: Option<&Parts>) {}

    /// After a verify token was issued; deliver it to the user's mailbox.
    ///
    /// # Security
    ///
    /// The token proves ownership of the address: send it only to that address.
    async fn on_after_request_verify(
        &self,
        _user: &User,
        _token: &Token,
        _request: Option<&Parts>,
    ) {
    }

    /// After a user verified their e-mail address.
    async fn on_after_verify(&self, _user: &User, _request: Option<&Parts>) {}

    /// After a reset-password token was issued; deliver it to the user's mailbox.
    ///
    /// # Security
    ///
    /// The token lets its holder set a new password: send it only to the user's address.
    async fn on_after_forgot_password(
        &self,
        _user: &User,
        _token: &Token,
        _request: Option<&Parts>,
    ) {
    }

    /// After a user reset their password.
    async fn on_after_reset_password(&self, _user: &User, _request: Option<&Parts>) {}

    /// Before a user is deleted.
    async fn on_before_delete(&self, _user: &User, _request: Option<&Parts>) {}

    /// After a user was deleted.
    async fn on_after_delete(&self, _user: &User, _request: Option<&Parts>) {}
}

/// Whose password [`Hooks::validate_password`] checks.
#[derive(Debug, Clone, Copy)]
pub struct PasswordContext<'a> {
    /// The e-mail address of the user, or of the registration.
    pub email: &'a str,
    /// The stored user, or `None` during registration.
    pub user: Option<&'a User>,
}

/// Hooks that do nothing and accept every password.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoHooks;

impl Hooks for NoHooks {}
