use http::request::Parts;

use super::UserManager;
use crate::email::{email_key, normalize_email};
use crate::hooks::PasswordContext;
use crate::{Error, Fields, OAuthAccount, Password, User, UserPatch};

/// What a registration carries.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserCreate {
    /// The e-mail address, as typed.
    pub email: String,
    /// The password, checked by [`Hooks::validate_password`](crate::hooks::Hooks).
    pub password: Password,
    /// The active flag (only without `safe`); default `true`.
    pub is_active: Option<bool>,
    /// The superuser flag (only without `safe`); default `false`.
    pub is_superuser: Option<bool>,
    /// The verified flag (only without `safe`); default `false`.
    pub is_verified: Option<bool>,
    /// Application-defined fields.
    pub fields: Fields,
    /// Provider accounts to link, inserted with the user in one step.
    pub oauth_accounts: Vec<OAuthAccount>,
}

impl UserCreate {
    /// A registration with default flags and no custom fields.
    pub fn new(email: impl Into<String>, password: Password) -> Self {
        Self {
            email: email.into(),
            password,
            is_active: None,
            is_superuser: None,
            is_verified: None,
            fields: Fields::new(),
            oauth_accounts: Vec::new(),
        }
    }

    /// Sets the flags (honoured only when creating without `safe`).
    pub fn flags(mut self, is_active: bool, is_superuser: bool, is_verified: bool) -> Self {
        self.is_active = Some(is_active);
        self.is_superuser = Some(is_superuser);
        self.is_verified = Some(is_verified);
        self
    }

    /// Sets the custom fields.
    pub fn fields(mut self, fields: Fields) -> Self {
        self.fields = fields;
        self
    }
}

/// A change a user or an administrator asks for: `None` keeps the value.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct UserUpdate {
    /// A new e-mail address; a different address resets `is_verified`.
    pub email: Option<String>,
    /// A new password, checked by the password rule and hashed.
    pub password: Option<Password>,
    /// A new active flag (only without `safe`).
    pub is_active: Option<bool>,
    /// A new superuser flag (only without `safe`).
    pub is_superuser: Option<bool>,
    /// A new verified flag (only without `safe`).
    pub is_verified: Option<bool>,
    /// Custom fields to set.
    pub fields: Fields,
}

impl UserUpdate {
    /// The names of the keys this update carries, sorted, as the update hook reports
    /// them: `email`, `password`, the flags and custom field names.
    pub fn field_names(&self, safe: bool) -> Vec<String> {
        let flags = [
            ("is_active", self.is_active.is_some()),
            ("is_superuser", self.is_superuser.is_some()),
            ("is_verified", self.is_verified.is_some()),
        ];
        let mut names: Vec<String> = [
            ("email", self.email.is_some()),
            ("password", self.password.is_some()),
        ]
        .into_iter()
        .chain(flags.into_iter().filter(|_| !safe))
        .filter(|(_, present)| *present)
        .map(|(name, _)| name.to_owned())
        .chain(self.fields.keys().cloned())
        .collect();
        names.sort();
        names
    }
}

impl UserManager {
    /// Updates a user. With `safe` (a user changing themself), the `is_*` flags are
    /// ignored.
    ///
    /// A different e-mail address resets `is_verified` unless the update sets it
    /// explicitly; changing only the letter case of one's own address is allowed and
    /// keeps it. A new password passes the password rule and is hashed.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidEmail`], [`Error::InvalidPassword`], [`Error::UserAlreadyExists`]
    /// when the address belongs to another user, [`Error::UserNotExists`], or a store or
    /// hashing failure.
    pub async fn update(
        &self,
        update: UserUpdate,
        user: &User,
        safe: bool,
        request: Option<&Parts>,
    ) -> Result<User, Error> {
        let fields = update.field_names(safe);
        let mut patch = UserPatch {
            fields: update.fields,
            ..UserPatch::default()
        };

        if let Some(email) = update.email {
            let email = normalize_email(&email)?;
            if email_key(&email) != email_key(&user.email) {
                // Checked before the password rule, as FastAPI Users does; the store
                // still enforces uniqueness at write time against races.
                if self.inner.users.get_by_email(&email).await?.is_some() {
                    return Err(Error::UserAlreadyExists);
                }
                patch.is_verified = Some(false);
            }
            if email != user.email {
                patch.email = Some(email);
            }
        }
        if let Some(password) = update.password {
            let email = patch.email.as_deref().unwrap_or(&user.email);
            let context = PasswordContext {
                email,
                user: Some(user),
            };
            self.validate_password(&password, context).await?;
            patch.hashed_password = Some(self.inner.passwords.hash(password).await?);
        }
        if !safe {
            patch.is_active = update.is_active;
            patch.is_superuser = update.is_superuser;
            patch.is_verified = update.is_verified.or(patch.is_verified);
        }

        let updated = if patch.is_empty() {
            user.clone()
        } else {
            self.inner.users.update(user.id, &patch).await?
        };
        tracing::debug!(user.id = %user.id, ?fields, "user updated");
        self.inner
            .hooks
            .on_after_update(&updated, &fields, request)
            .await;
        Ok(updated)
    }
}
