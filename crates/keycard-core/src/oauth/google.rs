//! Google, through its OpenID Connect endpoints.

use serde_json::Value;

use super::builtin::builtin_provider;
use super::{ProviderAccount, ProviderTokens, UserInfoFields};
use crate::Error;

builtin_provider!(
    /// Google accounts: scopes `openid email profile`, offline access (a refresh token on
    /// first consent), and the OpenID Connect user-info answer `{"sub", "email",
    /// "email_verified"}`.
    ///
    /// ```
    /// use keycard_core::Secret;
    /// use keycard_core::oauth::{Google, OAuthProvider};
    ///
    /// let google = Google::new("id.apps.googleusercontent.com", Secret::new("s"));
    /// assert_eq!(google.name(), "google");
    /// ```
    Google, name: "google",
    endpoints: (
        "https://accounts.google.com/o/oauth2/v2/auth",
        "https://oauth2.googleapis.com/token",
        "https://openidconnect.googleapis.com/v1/userinfo"
    ),
    scopes: ["openid", "email", "profile"],
    params: [("access_type", "offline")],
);

impl Google {
    async fn read_account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        let info: Value = self.client.userinfo(tokens, "application/json").await?;
        UserInfoFields::default().read(&info)
    }
}
