use uuid::Uuid;

use crate::Token;

/// A user's account at an OAuth provider, with the provider's tokens.
///
/// ```
/// use keycard_core::{OAuthAccount, Token};
///
/// let account = OAuthAccount::new("github", "12345", "a@example.com", Token::new("gho_x"));
/// assert!(!format!("{account:?}").contains("gho_x"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct OAuthAccount {
    /// This record's identifier.
    pub id: Uuid,
    /// The provider's name, such as `google`.
    pub oauth_name: String,
    /// The provider's access token.
    pub access_token: Token,
    /// When the access token expires, in Unix seconds.
    pub expires_at: Option<i64>,
    /// The provider's refresh token.
    pub refresh_token: Option<Token>,
    /// The account's identifier at the provider.
    pub account_id: String,
    /// The e-mail address the provider reported.
    pub account_email: String,
}

impl OAuthAccount {
    /// A new account record with a random id, no expiry and no refresh token.
    pub fn new(
        oauth_name: impl Into<String>,
        account_id: impl Into<String>,
        account_email: impl Into<String>,
        access_token: Token,
    ) -> Self {
        Self {
            id: Uuid::new_v4(),
            oauth_name: oauth_name.into(),
            access_token,
            expires_at: None,
            refresh_token: None,
            account_id: account_id.into(),
            account_email: account_email.into(),
        }
    }
}
