//! Signing in with, and linking, accounts at OAuth providers.

use http::request::Parts;

use super::UserManager;
use crate::email::normalize_email;
use crate::oauth::{ProviderAccount, ProviderTokens};
use crate::password::generate_password;
use crate::{Error, OAuthAccount, User};

/// How [`UserManager::oauth_callback`] treats a provider account it does not know yet.
/// Both rules are off by default.
///
/// ```
/// use keycard_core::manager::OAuthSignIn;
///
/// let rules = OAuthSignIn::default();
/// assert!(!rules.associate_by_email && !rules.is_verified_by_default);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OAuthSignIn {
    /// Links the account to the user who has its e-mail address, instead of refusing.
    ///
    /// # Security
    ///
    /// Only addresses the provider says it verified are linked: otherwise anyone could
    /// register the victim's address at a lax provider and take over their account.
    pub associate_by_email: bool,
    /// Marks new users verified when the provider verified their address.
    pub is_verified_by_default: bool,
}

impl UserManager {
    /// Finds, links or creates the user of a provider account, after the provider
    /// redeemed a code.
    ///
    /// A known account signs its user in and its stored tokens are replaced (a refresh
    /// token is kept when the provider issued no new one). An unknown account whose
    /// e-mail address belongs to a user is linked to them only under
    /// [`OAuthSignIn::associate_by_email`] and a verified address. Otherwise a new user is
    /// created with the account, in one store write, with an unusable random password
    /// and `is_verified` from [`OAuthSignIn::is_verified_by_default`]; the after-register
    /// hook runs then.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use keycard_core::manager::{OAuthSignIn, UserManager};
    /// use keycard_core::oauth::{ProviderAccount, ProviderTokens};
    /// use keycard_core::token::JwtKeys;
    /// use keycard_core::{MemoryStore, Secret, Token};
    ///
    /// let manager = UserManager::builder(MemoryStore::new(), JwtKeys::hs256(&Secret::new("k"))?).build();
    /// let account = ProviderAccount {
    ///     id: "1234".into(),
    ///     email: Some("ann@example.com".into()),
    ///     email_verified: true,
    /// };
    /// let tokens = ProviderTokens::new(Token::new("access"));
    /// let rules = OAuthSignIn { is_verified_by_default: true, ..OAuthSignIn::default() };
    ///
    /// let user = manager.oauth_callback("acme", tokens.clone(), account.clone(), rules, None).await?;
    /// assert!(user.is_verified);
    /// assert_eq!(user.oauth_accounts[0].account_id, "1234");
    /// let again = manager.oauth_callback("acme", tokens, account, rules, None).await?;
    /// assert_eq!(again.id, user.id);
    /// # Ok::<(), keycard_core::Error>(())
    /// # }).unwrap();
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::OAuthEmailUnavailable`] without a usable address;
    /// [`Error::UserAlreadyExists`] when the address belongs to a user the account may
    /// not be linked to; [`Error::OAuthAccountAlreadyLinked`] when a concurrent callback
    /// linked the account first; [`Error::UserInactive`] for a deactivated user, before
    /// anything is written; or a store or hashing failure.
    pub async fn oauth_callback(
        &self,
        oauth_name: &str,
        tokens: ProviderTokens,
        account: ProviderAccount,
        rules: OAuthSignIn,
        request: Option<&Parts>,
    ) -> Result<User, Error> {
        let email = account_email(&account)?;
        let users = &self.inner.users;
        if let Some(user) = users.get_by_oauth_account(oauth_name, &account.id).await? {
            if !user.is_active {
                return Err(Error::UserInactive);
            }
            return self
                .store_tokens(&user, oauth_name, &account.id, tokens, email)
                .await;
        }

        let record = new_record(oauth_name, &account.id, tokens, &email);
        if let Some(user) = users.get_by_email(&email).await? {
            if !(rules.associate_by_email && account.email_verified) {
                return Err(Error::UserAlreadyExists);
            }
            if !user.is_active {
                return Err(Error::UserInactive);
            }
            let user = users.add_oauth_account(user.id, record).await?;
            tracing::debug!(user.id = %user.id, oauth_name, "oauth account linked by e-mail");
            return Ok(user);
        }

        let hash = self.inner.passwords.hash(generate_password()).await?;
        let mut user = User::new(email, hash);
        user.is_verified = rules.is_verified_by_default && account.email_verified;
        user.oauth_accounts = vec![record];
        let user = users.create(user).await?;
        tracing::debug!(user.id = %user.id, oauth_name, "user registered through oauth");
        self.inner.hooks.on_after_register(&user, request).await;
        Ok(user)
    }

    /// Links a provider account to a signed-in user, or refreshes its tokens when it is
    /// linked to them already, then runs the after-update hook with the field
    /// `oauth_accounts`.
    ///
    /// # Errors
    ///
    /// [`Error::OAuthEmailUnavailable`] without a usable address,
    /// [`Error::OAuthAccountAlreadyLinked`] when the account belongs to another user,
    /// [`Error::UserNotExists`], or a store failure.
    pub async fn oauth_associate_callback(
        &self,
        user: &User,
        oauth_name: &str,
        tokens: ProviderTokens,
        account: ProviderAccount,
        request: Option<&Parts>,
    ) -> Result<User, Error> {
        let email = account_email(&account)?;
        let users = &self.inner.users;
        let owner = users.get_by_oauth_account(oauth_name, &account.id).await?;
        let updated = match owner {
            Some(owner) if owner.id != user.id => return Err(Error::OAuthAccountAlreadyLinked),
            Some(owner) => {
                self.store_tokens(&owner, oauth_name, &account.id, tokens, email)
                    .await?
            }
            None => {
                let record = new_record(oauth_name, &account.id, tokens, &email);
                users.add_oauth_account(user.id, record).await?
            }
        };
        tracing::debug!(user.id = %user.id, oauth_name, "oauth account associated");
        let fields = ["oauth_accounts".to_owned()];
        let hooks = &self.inner.hooks;
        hooks.on_after_update(&updated, &fields, request).await;
        Ok(updated)
    }

    // FIXME: nothing refreshes stored provider tokens in place between sign-ins; an
    // application calls `OAuthProvider::refresh` and `UserStore::update_oauth_account`.

    /// Replaces the tokens and e-mail address of a linked account.
    async fn store_tokens(
        &self,
        user: &User,
        oauth_name: &str,
        account_id: &str,
        tokens: ProviderTokens,
        email: String,
    ) -> Result<User, Error> {
        let Some(stored) = user.oauth_account(oauth_name, account_id) else {
            return Err(Error::UserNotExists);
        };
        let record = OAuthAccount {
            access_token: tokens.access_token,
            expires_at: tokens.expires_at,
            refresh_token: tokens
                .refresh_token
                .or_else(|| stored.refresh_token.clone()),
            account_email: email,
            ..stored.clone()
        };
        let user = self
            .inner
            .users
            .update_oauth_account(user.id, record)
            .await?;
        tracing::debug!(user.id = %user.id, oauth_name, "oauth tokens updated");
        Ok(user)
    }
}

/// The account's address, normalised; an address keycard cannot use counts as none.
fn account_email(account: &ProviderAccount) -> Result<String, Error> {
    let email = account
        .email
        .as_deref()
        .ok_or(Error::OAuthEmailUnavailable)?;
    normalize_email(email).map_err(|_| Error::OAuthEmailUnavailable)
}

fn new_record(
    oauth_name: &str,
    account_id: &str,
    tokens: ProviderTokens,
    email: &str,
) -> OAuthAccount {
    let mut record = OAuthAccount::new(oauth_name, account_id, email, tokens.access_token);
    record.expires_at = tokens.expires_at;
    record.refresh_token = tokens.refresh_token;
    record
}
