//! keycard-sqlite keeps every rule of keycard-test-kit's conformance suite, on a real
//! database file (each case gets a fresh file in a temporary directory of its own) and on
//! the single-connection in-memory database.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use keycard_core::{
    AccessTokenRecord, AccessTokenStore, OAuthAccount, StoreError, Token, User, UserPatch,
    UserStore,
};
use keycard_sqlite::SqliteStore;
use tempfile::TempDir;
use uuid::Uuid;

mod file {
    keycard_test_kit::store_conformance_tests!(super::fresh_file_store());
}

mod in_memory {
    keycard_test_kit::store_conformance_tests!(async {
        keycard_sqlite::SqliteStore::open_in_memory().expect("an in-memory database")
    });
}

/// A store on a new file; the directory is removed once the last clone is dropped.
async fn fresh_file_store() -> FileStore {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = SqliteStore::open(dir.path().join("users.db"))
        .await
        .expect("open the database file");
    FileStore {
        store,
        _dir: Arc::new(dir),
    }
}

/// A [`SqliteStore`] that keeps its temporary directory alive; fields drop in order, so
/// the connections close before the directory goes.
#[derive(Debug, Clone)]
struct FileStore {
    store: SqliteStore,
    _dir: Arc<TempDir>,
}

#[async_trait]
impl UserStore for FileStore {
    async fn get(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        self.store.get(id).await
    }

    async fn get_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.store.get_by_email(email).await
    }

    async fn get_by_oauth_account(
        &self,
        oauth_name: &str,
        account_id: &str,
    ) -> Result<Option<User>, StoreError> {
        self.store
            .get_by_oauth_account(oauth_name, account_id)
            .await
    }

    async fn create(&self, user: User) -> Result<User, StoreError> {
        self.store.create(user).await
    }

    async fn update(&self, id: Uuid, patch: &UserPatch) -> Result<User, StoreError> {
        self.store.update(id, patch).await
    }

    async fn delete(&self, id: Uuid) -> Result<(), StoreError> {
        self.store.delete(id).await
    }

    async fn add_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        self.store.add_oauth_account(user_id, account).await
    }

    async fn update_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        self.store.update_oauth_account(user_id, account).await
    }
}

#[async_trait]
impl AccessTokenStore for FileStore {
    async fn get_token(
        &self,
        token: &Token,
        max_age: Option<Duration>,
    ) -> Result<Option<AccessTokenRecord>, StoreError> {
        self.store.get_token(token, max_age).await
    }

    async fn create_token(
        &self,
        record: AccessTokenRecord,
    ) -> Result<AccessTokenRecord, StoreError> {
        self.store.create_token(record).await
    }

    async fn delete_token(&self, token: &Token) -> Result<(), StoreError> {
        self.store.delete_token(token).await
    }

    async fn delete_user_tokens(&self, user_id: Uuid) -> Result<u64, StoreError> {
        self.store.delete_user_tokens(user_id).await
    }

    async fn purge_expired_tokens(&self, max_age: Duration) -> Result<u64, StoreError> {
        self.store.purge_expired_tokens(max_age).await
    }
}
