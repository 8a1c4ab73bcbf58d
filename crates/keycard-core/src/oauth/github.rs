//! GitHub, whose profile hides private e-mail addresses.

use serde::Deserialize;

use super::builtin::builtin_provider;
use super::{ProviderAccount, ProviderTokens};
use crate::{Error, ProviderError};

const ACCEPT: &str = "application/vnd.github+json";

builtin_provider!(
    /// GitHub accounts: scopes `read:user user:email`, the account from `/user`.
    ///
    /// The e-mail address comes from `/user/emails` too: a private profile address is
    /// `null` in `/user`, so the primary verified address is used then; a public one is
    /// counted verified only when `/user/emails` says so.
    ///
    /// ```
    /// use keycard_core::Secret;
    /// use keycard_core::oauth::{GitHub, OAuthProvider};
    ///
    /// assert_eq!(GitHub::new("id", Secret::new("s")).name(), "github");
    /// ```
    GitHub, name: "github",
    endpoints: (
        "https://github.com/login/oauth/authorize",
        "https://github.com/login/oauth/access_token",
        "https://api.github.com/user"
    ),
    scopes: ["read:user", "user:email"],
    params: [],
);

#[derive(Deserialize)]
struct Profile {
    id: u64,
    email: Option<String>,
}

#[derive(Deserialize)]
struct Email {
    email: String,
    #[serde(default)]
    primary: bool,
    #[serde(default)]
    verified: bool,
}

impl GitHub {
    async fn read_account(&self, tokens: &ProviderTokens) -> Result<ProviderAccount, Error> {
        let profile: Profile = self.client.userinfo(tokens, ACCEPT).await?;
        let emails = self.emails(tokens).await;
        let (email, email_verified) = match profile.email.filter(|email| !email.is_empty()) {
            Some(email) => {
                let verified = emails
                    .unwrap_or_default()
                    .iter()
                    .any(|listed| listed.verified && listed.email.eq_ignore_ascii_case(&email));
                (Some(email), verified)
            }
            None => {
                let primary = emails?
                    .into_iter()
                    .find(|listed| listed.primary && listed.verified);
                let verified = primary.is_some();
                (primary.map(|listed| listed.email), verified)
            }
        };
        Ok(ProviderAccount {
            id: profile.id.to_string(),
            email,
            email_verified,
        })
    }

    /// The account's addresses; none when the `user:email` scope was not granted.
    async fn emails(&self, tokens: &ProviderTokens) -> Result<Vec<Email>, Error> {
        let url = format!(
            "{}/emails",
            self.client.endpoints.userinfo.trim_end_matches('/')
        );
        let http = &self.client.http;
        match http
            .get_json(&url, Some(&tokens.access_token), ACCEPT)
            .await
        {
            Err(Error::OAuthProvider(ProviderError::Status { status: 403 | 404 })) => {
                Ok(Vec::new())
            }
            other => other,
        }
    }
}
