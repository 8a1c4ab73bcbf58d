//! Microsoft accounts and Entra ID, through Microsoft Graph.

use serde::Deserialize;

use super::builtin::builtin_provider;
use super::{Endpoints, ProviderAccount, ProviderTokens};
use crate::Error;

builtin_provider!(
    /// Microsoft accounts (personal, work or school, tenant `common` unless
    /// [`tenant`](Self::tenant) says otherwise): scopes `openid email offline_access
    /// User.Read`, the account from Microsoft Graph's `/me`.
    ///
    /// # Security
    ///
    /// Microsoft does not vouch for the `mail` of an account: a tenant administrator can
    /// set any address. Its e-mail addresses are therefore never counted as verified, so
    /// [`associate_by_email`](crate::manager::OAuthSignIn::associate_by_email) never links
    /// by them.
    ///
    /// ```
    /// use keycard_core::Secret;
    /// use keycard_core::oauth::{Microsoft, OAuthProvider};
    ///
    /// let microsoft = Microsoft::new("id", Secret::new("s")).tenant("contoso.onmicrosoft.com");
    /// assert_eq!(microsoft.name(), "microsoft");
    /// ```
    Microsoft, name: "microsoft",
    endpoints: (
        "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        "https://graph.microsoft.com/v1.0/me"
    ),
    scopes: ["openid", "email", "offline_access", "User.Read"],
    params: [],
);

#[derive(Deserialize)]
struct Me {
    id: String,
    mail: Option<String>,
}

impl Microsoft {
    /// Signs in accounts of one tenant (its id or domain), or `organizations` or
    /// `consumers`. Default: `common`.
    #[must_use]
    pub fn tenant(self, tenant: &str) -> Self {
        let base = format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0");
        let userinfo = self.client.endpoints.userinfo.clone();
        self.endpoints(Endpoints::new(
            format!("{base}/authorize"),
            format!("{base}/token"),
            userinfo,
        ))
    }

    async fn read_account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        let me: Me = self.client.userinfo(tokens, "application/json").await?;
        Ok(ProviderAccount {
            id: me.id,
            email: me.mail.filter(|mail| !mail.is_empty()),
            email_verified: false,
        })
    }
}
