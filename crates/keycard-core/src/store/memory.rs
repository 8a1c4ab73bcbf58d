use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;
use uuid::Uuid;

use super::{AccessTokenStore, UserStore};
use crate::email::email_key;
use crate::{AccessTokenRecord, OAuthAccount, StoreError, Token, User, UserPatch};

/// The in-memory reference store: everything in one process, gone when it ends.
///
/// It is what doctests and unit tests use, and the model the conformance kit pins other
/// stores against. Clones share the same data.
///
/// ```
/// # tokio_test_block_on(async {
/// use keycard_core::{HashedPassword, MemoryStore, User, UserStore};
///
/// let store = MemoryStore::new();
/// let user = store.create(User::new("Ann@example.com", HashedPassword::new("h"))).await?;
/// let found = store.get_by_email("ann@EXAMPLE.com").await?;
/// assert_eq!(found.map(|u| u.id), Some(user.id));
/// # Ok::<(), keycard_core::StoreError>(())
/// # }).unwrap();
/// # fn tokio_test_block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Tables>>,
}

#[derive(Debug, Default)]
struct Tables {
    users: HashMap<Uuid, User>,
    by_email: HashMap<String, Uuid>,
    by_oauth: HashMap<(String, String), Uuid>,
    tokens: HashMap<String, AccessTokenRecord>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn tables(&self) -> MutexGuard<'_, Tables> {
        // A panic while holding the lock cannot leave a half-applied change: every write
        // below checks first and mutates last.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Tables {
    fn oauth_key(account: &OAuthAccount) -> (String, String) {
        (account.oauth_name.clone(), account.account_id.clone())
    }

    fn user(&self, id: Uuid) -> Result<&User, StoreError> {
        self.users.get(&id).ok_or(StoreError::NotFound)
    }

    fn email_taken(&self, email: &str, by_other_than: Option<Uuid>) -> bool {
        self.by_email
            .get(&email_key(email))
            .is_some_and(|owner| Some(*owner) != by_other_than)
    }
}

#[async_trait]
impl UserStore for MemoryStore {
    async fn get(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        Ok(self.tables().users.get(&id).cloned())
    }

    async fn get_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let tables = self.tables();
        let id = tables.by_email.get(&email_key(email));
        Ok(id.and_then(|id| tables.users.get(id)).cloned())
    }

    async fn get_by_oauth_account(
        &self,
        oauth_name: &str,
        account_id: &str,
    ) -> Result<Option<User>, StoreError> {
        let tables = self.tables();
        let id = tables
            .by_oauth
            .get(&(oauth_name.to_owned(), account_id.to_owned()));
        Ok(id.and_then(|id| tables.users.get(id)).cloned())
    }

    async fn create(&self, user: User) -> Result<User, StoreError> {
        let mut tables = self.tables();
        if tables.users.contains_key(&user.id) {
            return Err(StoreError::DuplicateId);
        }
        if tables.email_taken(&user.email, None) {
            return Err(StoreError::DuplicateEmail);
        }
        let mut keys: Vec<_> = user.oauth_accounts.iter().map(Tables::oauth_key).collect();
        let linked = keys.iter().any(|key| tables.by_oauth.contains_key(key));
        keys.sort();
        keys.dedup();
        if linked || keys.len() != user.oauth_accounts.len() {
            return Err(StoreError::DuplicateOAuthAccount);
        }

        tables.by_email.insert(email_key(&user.email), user.id);
        for key in keys {
            tables.by_oauth.insert(key, user.id);
        }
        tables.users.insert(user.id, user.clone());
        Ok(user)
    }

    async fn update(&self, id: Uuid, patch: &UserPatch) -> Result<User, StoreError> {
        let mut tables = self.tables();
        let old_email = tables.user(id)?.email.clone();
        if let Some(email) = &patch.email {
            if tables.email_taken(email, Some(id)) {
                return Err(StoreError::DuplicateEmail);
            }
            tables.by_email.remove(&email_key(&old_email));
            tables.by_email.insert(email_key(email), id);
        }

        let user = tables.users.get_mut(&id).ok_or(StoreError::NotFound)?;
        patch.apply_to(user);
        Ok(user.clone())
    }

    async fn delete(&self, id: Uuid) -> Result<(), StoreError> {
        let mut tables = self.tables();
        let user = tables.users.remove(&id).ok_or(StoreError::NotFound)?;
        tables.by_email.remove(&email_key(&user.email));
        for account in &user.oauth_accounts {
            tables.by_oauth.remove(&Tables::oauth_key(account));
        }
        tables.tokens.retain(|_, record| record.user_id != id);
        Ok(())
    }

    async fn add_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        let mut tables = self.tables();
        tables.user(user_id)?;
        let key = Tables::oauth_key(&account);
        if tables.by_oauth.contains_key(&key) {
            return Err(StoreError::DuplicateOAuthAccount);
        }

        tables.by_oauth.insert(key, user_id);
        let user = tables.users.get_mut(&user_id).ok_or(StoreError::NotFound)?;
        user.oauth_accounts.push(account);
        Ok(user.clone())
    }

    async fn update_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        let mut tables = self.tables();
        let user = tables.users.get(&user_id).ok_or(StoreError::NotFound)?;
        let index = user
            .oauth_accounts
            .iter()
            .position(|a| a.id == account.id)
            .ok_or(StoreError::NotFound)?;
        let old_key = Tables::oauth_key(&user.oauth_accounts[index]);
        let new_key = Tables::oauth_key(&account);
        if old_key != new_key && tables.by_oauth.contains_key(&new_key) {
            return Err(StoreError::DuplicateOAuthAccount);
        }

        tables.by_oauth.remove(&old_key);
        tables.by_oauth.insert(new_key, user_id);
        let user = tables.users.get_mut(&user_id).ok_or(StoreError::NotFound)?;
        user.oauth_accounts[index] = account;
        Ok(user.clone())
    }
}

#[async_trait]
impl AccessTokenStore for MemoryStore {
    async fn get_token(
        &self,
        token: &Token,
        max_age: Option<Duration>,
    ) -> Result<Option<AccessTokenRecord>, StoreError> {
        let tables = self.tables();
        let record = tables.tokens.get(token.expose_secret());
        Ok(record
            .filter(|record| max_age.is_none_or(|age| !is_older_than(record, age)))
            .cloned())
    }

    async fn create_token(
        &self,
        record: AccessTokenRecord,
    ) -> Result<AccessTokenRecord, StoreError> {
        let mut tables = self.tables();
        tables.user(record.user_id)?;
        let key = record.token.expose_secret().to_owned();
        if tables.tokens.contains_key(&key) {
            return Err(StoreError::DuplicateId);
        }
        tables.tokens.insert(key, record.clone());
        Ok(record)
    }

    async fn delete_token(&self, token: &Token) -> Result<(), StoreError> {
        self.tables().tokens.remove(token.expose_secret());
        Ok(())
    }

    async fn delete_user_tokens(&self, user_id: Uuid) -> Result<u64, StoreError> {
        let mut tables = self.tables();
        let before = tables.tokens.len();
        tables.tokens.retain(|_, record| record.user_id != user_id);
        Ok((before - tables.tokens.len()) as u64)
    }

    async fn purge_expired_tokens(&self, max_age: Duration) -> Result<u64, StoreError> {
        let mut tables = self.tables();
        let before = tables.tokens.len();
        tables
            .tokens
            .retain(|_, record| !is_older_than(record, max_age));
        Ok((before - tables.tokens.len()) as u64)
    }
}

fn is_older_than(record: &AccessTokenRecord, max_age: Duration) -> bool {
    OffsetDateTime::now_utc() - record.created_at > max_age
}
