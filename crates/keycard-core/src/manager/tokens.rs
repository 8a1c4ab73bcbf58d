//! Forgot and reset password, request verify and verify: the flows driven by tokens
//! sent to the user's mailbox.

use http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::UserManager;
use crate::hooks::PasswordContext;
use crate::token::{Claims, JwtKeys, claims};
use crate::{Error, HashedPassword, Password, Token, User, UserPatch};

#[derive(Serialize)]
struct ResetClaimsOut<'a> {
    #[serde(flatten)]
    claims: Claims,
    password_fgpt: &'a str,
}

/// A decoded token's subject with the claims of its kind.
#[derive(Deserialize)]
struct Subject<C> {
    sub: String,
    #[serde(flatten)]
    claims: C,
}

#[derive(Deserialize)]
struct ResetClaimsIn {
    password_fgpt: String,
}

#[derive(Serialize)]
struct VerifyClaimsOut<'a> {
    #[serde(flatten)]
    claims: Claims,
    email: &'a str,
}

#[derive(Deserialize)]
struct VerifyClaimsIn {
    email: String,
}

impl UserManager {
    /// Issues a reset-password token and hands it to
    /// [`Hooks::on_after_forgot_password`](crate::hooks::Hooks::on_after_forgot_password).
    ///
    /// The token carries a fingerprint of the current password hash, so it works once:
    /// any password change, this reset included, kills it.
    ///
    /// # Errors
    ///
    /// [`Error::UserInactive`], or a hashing or signing failure.
    pub async fn forgot_password(
        &self,
        user: &User,
        request: Option<&Parts>,
    ) -> Result<Token, Error> {
        if !user.is_active {
            return Err(Error::UserInactive);
        }
        let fingerprint = self.fingerprint(&user.hashed_password).await?;
        let claims = ResetClaimsOut {
            claims: claims(
                user.id.to_string(),
                &self.inner.names.reset_audience,
                self.inner.reset_lifetime,
            ),
            password_fgpt: fingerprint.expose_secret(),
        };
        let token = self.inner.reset_keys.encode(&claims)?;
        self.inner
            .hooks
            .on_after_forgot_password(user, &token, request)
            .await;
        Ok(token)
    }

    /// Sets a new password with a reset token.
    ///
    /// The token is checked first (signature, expiry, user, fingerprint, active user),
    /// then the password rule.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResetPasswordToken`], [`Error::UserInactive`],
    /// [`Error::InvalidPassword`], or a store or hashing failure.
    pub async fn reset_password(
        &self,
        token: &str,
        password: Password,
        request: Option<&Parts>,
    ) -> Result<User, Error> {
        let keys = &self.inner.reset_keys;
        let audience = &self.inner.names.reset_audience;
        let invalid = || Error::InvalidResetPasswordToken;
        let (claims, user) = self
            .token_user::<ResetClaimsIn>(keys, token, audience, invalid)
            .await?;

        let stored = Password::new(user.hashed_password.expose_secret());
        let fingerprint = HashedPassword::new(claims.password_fgpt);
        if !self
            .inner
            .passwords
            .verify(stored, fingerprint)
            .await?
            .is_valid()
        {
            return Err(Error::InvalidResetPasswordToken);
        }
        if !user.is_active {
            return Err(Error::UserInactive);
        }

        let context = PasswordContext {
            email: &user.email,
            user: Some(&user),
        };
        self.validate_password(&password, context).await?;
        let patch = UserPatch {
            hashed_password: Some(self.inner.passwords.hash(password).await?),
            ..UserPatch::default()
        };
        let user = self.inner.users.update(user.id, &patch).await?;
        self.inner
            .hooks
            .on_after_reset_password(&user, request)
            .await;
        Ok(user)
    }

    /// Issues a verify token and hands it to
    /// [`Hooks::on_after_request_verify`](crate::hooks::Hooks::on_after_request_verify).
    ///
    /// The token carries the address it was sent to, so it dies when the address changes.
    ///
    /// # Errors
    ///
    /// [`Error::UserInactive`], [`Error::UserAlreadyVerified`], or a signing failure.
    pub async fn request_verify(
        &self,
        user: &User,
        request: Option<&Parts>,
    ) -> Result<Token, Error> {
        if !user.is_active {
            return Err(Error::UserInactive);
        }
        if user.is_verified {
            return Err(Error::UserAlreadyVerified);
        }
        let claims = VerifyClaimsOut {
            claims: claims(
                user.id.to_string(),
                &self.inner.names.verify_audience,
                self.inner.verify_lifetime,
            ),
            email: &user.email,
        };
        let token = self.inner.verify_keys.encode(&claims)?;
        self.inner
            .hooks
            .on_after_request_verify(user, &token, request)
            .await;
        Ok(token)
    }

    /// Marks a user verified with a verify token.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidVerifyToken`] for a bad or expired token, a token issued for
    /// another address than the user's current one, or a deleted or inactive user;
    /// [`Error::UserAlreadyVerified`]; or a store failure.
    pub async fn verify(&self, token: &str, request: Option<&Parts>) -> Result<User, Error> {
        let keys = &self.inner.verify_keys;
        let audience = &self.inner.names.verify_audience;
        let invalid = || Error::InvalidVerifyToken;
        let (claims, user) = self
            .token_user::<VerifyClaimsIn>(keys, token, audience, invalid)
            .await?;
        if user.email != claims.email || !user.is_active {
            return Err(Error::InvalidVerifyToken);
        }
        if user.is_verified {
            return Err(Error::UserAlreadyVerified);
        }

        let patch = UserPatch {
            is_verified: Some(true),
            ..UserPatch::default()
        };
        let user = self.inner.users.update(user.id, &patch).await?;
        self.inner.hooks.on_after_verify(&user, request).await;
        Ok(user)
    }

    /// The reset-token fingerprint of a password hash: an argon2id hash of the hash
    /// string, verified like a password, as FastAPI Users computes it.
    async fn fingerprint(&self, hash: &HashedPassword) -> Result<HashedPassword, Error> {
        self.inner
            .passwords
            .hash(Password::new(hash.expose_secret()))
            .await
    }

    /// Decodes a token of one kind and loads the user its `sub` names. Every failure
    /// but a store fault is `invalid()`.
    async fn token_user<C: DeserializeOwned>(
        &self,
        keys: &JwtKeys,
        token: &str,
        audience: &str,
        invalid: fn() -> Error,
    ) -> Result<(C, User), Error> {
        let decoded: Subject<C> = keys.decode(token, audience).map_err(|_| invalid())?;
        let id = Uuid::parse_str(&decoded.sub).map_err(|_| invalid())?;
        let user = self.inner.users.get(id).await?.ok_or_else(invalid)?;
        Ok((decoded.claims, user))
    }
}
