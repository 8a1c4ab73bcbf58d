//! Discord.

use serde::Deserialize;

use super::builtin::builtin_provider;
use super::{ProviderAccount, ProviderTokens};
use crate::Error;

builtin_provider!(
    /// Discord accounts: scopes `identify email`, the account from `/users/@me` with its
    /// `verified` flag.
    ///
    /// ```
    /// use keycard_core::Secret;
    /// use keycard_core::oauth::{Discord, OAuthProvider};
    ///
    /// assert_eq!(Discord::new("id", Secret::new("s")).name(), "discord");
    /// ```
    Discord, name: "discord",
    endpoints: (
        "https://discord.com/oauth2/authorize",
        "https://discord.com/api/oauth2/token",
        "https://discord.com/api/users/@me"
    ),
    scopes: ["identify", "email"],
    params: [],
);

#[derive(Deserialize)]
struct Me {
    id: String,
    email: Option<String>,
    #[serde(default)]
    verified: Option<bool>,
}

impl Discord {
    async fn read_account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        let me: Me = self.client.userinfo(tokens, "application/json").await?;
        Ok(ProviderAccount {
            id: me.id,
            email: me.email.filter(|email| !email.is_empty()),
            email_verified: me.verified.unwrap_or(false),
        })
    }
}
