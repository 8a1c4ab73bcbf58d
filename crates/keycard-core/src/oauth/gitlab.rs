//! GitLab, on gitlab.com or a self-hosted instance.

use serde::Deserialize;

use super::builtin::builtin_provider;
use super::{Endpoints, ProviderAccount, ProviderTokens};
use crate::Error;

builtin_provider!(
    /// GitLab accounts: scope `read_user`, the account from `/api/v4/user`, its e-mail
    /// address counted verified when GitLab reports `confirmed_at`.
    ///
    /// ```
    /// use keycard_core::Secret;
    /// use keycard_core::oauth::{GitLab, OAuthProvider};
    ///
    /// let gitlab = GitLab::new("id", Secret::new("s")).base_url("https://git.example.com/");
    /// assert_eq!(gitlab.name(), "gitlab");
    /// ```
    GitLab, name: "gitlab",
    endpoints: (
        "https://gitlab.com/oauth/authorize",
        "https://gitlab.com/oauth/token",
        "https://gitlab.com/api/v4/user"
    ),
    scopes: ["read_user"],
    params: [],
);

#[derive(Deserialize)]
struct User {
    id: u64,
    email: Option<String>,
    #[serde(default)]
    confirmed_at: Option<String>,
}

impl GitLab {
    /// Uses a self-hosted instance at `base` (such as `https://git.example.com`).
    #[must_use]
    pub fn base_url(self, base: &str) -> Self {
        let base = base.trim_end_matches('/');
        self.endpoints(Endpoints::new(
            format!("{base}/oauth/authorize"),
            format!("{base}/oauth/token"),
            format!("{base}/api/v4/user"),
        ))
    }

    async fn read_account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        let user: User = self.client.userinfo(tokens, "application/json").await?;
        Ok(ProviderAccount {
            id: user.id.to_string(),
            email: user.email.filter(|email| !email.is_empty()),
            email_verified: user.confirmed_at.is_some(),
        })
    }
}
