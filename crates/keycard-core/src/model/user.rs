use serde_json::{Map, Value};
use uuid::Uuid;

use super::OAuthAccount;
use crate::HashedPassword;

/// Application-defined fields of a user, by name.
///
/// Stores keep them as a JSON object so that any application's fields round-trip through
/// any store; [`crate::http::FieldSchema`] turns them into a typed struct at the API's edge.
pub type Fields = Map<String, Value>;

/// A stored user.
///
/// `Debug` never shows the password hash:
///
/// ```
/// use keycard_core::{HashedPassword, User};
///
/// let user = User::new("a@example.com", HashedPassword::new("$argon2id$secret"));
/// assert!(!format!("{user:?}").contains("secret"));
/// assert!(user.is_active && !user.is_superuser && !user.is_verified);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// The user's identifier.
    pub id: Uuid,
    /// The e-mail address as typed, domain lower-cased.
    pub email: String,
    /// The password hash in PHC (or bcrypt) form.
    pub hashed_password: HashedPassword,
    /// Whether the user may sign in.
    pub is_active: bool,
    /// Whether the user administers other users.
    pub is_superuser: bool,
    /// Whether the user proved they own the e-mail address.
    pub is_verified: bool,
    /// Accounts at OAuth providers linked to this user.
    pub oauth_accounts: Vec<OAuthAccount>,
    /// Application-defined fields.
    pub fields: Fields,
}

impl User {
    /// A new active, unverified, non-superuser user with a random id and no custom fields.
    pub fn new(email: impl Into<String>, hashed_password: HashedPassword) -> Self {
        Self {
            id: Uuid::new_v4(),
            email: email.into(),
            hashed_password,
            is_active: true,
            is_superuser: false,
            is_verified: false,
            oauth_accounts: Vec::new(),
            fields: Fields::new(),
        }
    }

    /// Finds the linked account at a provider, by provider name and account id.
    pub fn oauth_account(&self, oauth_name: &str, account_id: &str) -> Option<&OAuthAccount> {
        self.oauth_accounts
            .iter()
            .find(|a| a.oauth_name == oauth_name && a.account_id == account_id)
    }
}

/// A change to a user: `None` leaves a column as it is.
///
/// A store applies the whole patch atomically, or none of it.
///
/// ```
/// use keycard_core::UserPatch;
///
/// let patch = UserPatch { is_verified: Some(true), ..UserPatch::default() };
/// assert!(!patch.is_empty());
/// assert!(UserPatch::default().is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserPatch {
    /// A new e-mail address, already normalised.
    pub email: Option<String>,
    /// A new password hash.
    pub hashed_password: Option<HashedPassword>,
    /// A new active flag.
    pub is_active: Option<bool>,
    /// A new superuser flag.
    pub is_superuser: Option<bool>,
    /// A new verified flag.
    pub is_verified: Option<bool>,
    /// Custom fields to set; fields not named here keep their value.
    pub fields: Fields,
}

impl UserPatch {
    /// Whether the patch changes nothing.
    pub fn is_empty(&self) -> bool {
        self.email.is_none()
            && self.hashed_password.is_none()
            && self.is_active.is_none()
            && self.is_superuser.is_none()
            && self.is_verified.is_none()
            && self.fields.is_empty()
    }

    /// Applies the patch to an in-memory user, as a store does to its row.
    pub fn apply_to(&self, user: &mut User) {
        if let Some(email) = &self.email {
            user.email.clone_from(email);
        }
        if let Some(hash) = &self.hashed_password {
            user.hashed_password = hash.clone();
        }
        if let Some(flag) = self.is_active {
            user.is_active = flag;
        }
        if let Some(flag) = self.is_superuser {
            user.is_superuser = flag;
        }
        if let Some(flag) = self.is_verified {
            user.is_verified = flag;
        }
        for (name, value) in &self.fields {
            user.fields.insert(name.clone(), value.clone());
        }
    }
}
