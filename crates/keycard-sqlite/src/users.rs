//! [`UserStore`] for [`SqliteStore`].

use async_trait::async_trait;
use keycard_core::email::email_key;
use keycard_core::{Fields, OAuthAccount, StoreError, User, UserPatch, UserStore};
use rusqlite::{Connection, OptionalExtension, ToSql, params};
use uuid::Uuid;

use crate::error::SqlResultExt;
use crate::rows::{AccountRow, UserRow, id_text};
use crate::{SqliteStore, sql};

#[async_trait]
impl UserStore for SqliteStore {
    async fn get(&self, id: Uuid) -> Result<Option<User>, StoreError> {
        self.read(move |conn| load_user(conn, sql::USER_BY_ID, &id_text(id)))
            .await
    }

    async fn get_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let key = email_key(email);
        self.read(move |conn| load_user(conn, sql::USER_BY_EMAIL, &key))
            .await
    }

    async fn get_by_oauth_account(
        &self,
        oauth_name: &str,
        account_id: &str,
    ) -> Result<Option<User>, StoreError> {
        let (oauth_name, account_id) = (oauth_name.to_owned(), account_id.to_owned());
        self.read(move |conn| {
            let user_id: Option<String> = conn
                .prepare_cached(sql::USER_ID_BY_ACCOUNT)
                .and_then(|mut stmt| {
                    stmt.query_row([&oauth_name, &account_id], |row| row.get(0))
                        .optional()
                })
                .or_store_error()?;
            match user_id {
                Some(user_id) => load_user(conn, sql::USER_BY_ID, &user_id),
                None => Ok(None),
            }
        })
        .await
    }

    async fn create(&self, user: User) -> Result<User, StoreError> {
        self.write(move |conn| {
            insert_user(conn, &user)?;
            Ok(user)
        })
        .await
    }

    async fn update(&self, id: Uuid, patch: &UserPatch) -> Result<User, StoreError> {
        let patch = patch.clone();
        self.write(move |conn| update_user(conn, id, &patch)).await
    }

    async fn delete(&self, id: Uuid) -> Result<(), StoreError> {
        self.write(move |conn| delete_user(conn, id)).await
    }

    async fn add_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        let user_id = id_text(user_id);
        self.write(move |conn| {
            require_user(conn, &user_id)?;
            insert_account(conn, &user_id, &account)?;
            load_user(conn, sql::USER_BY_ID, &user_id)?.ok_or(StoreError::NotFound)
        })
        .await
    }

    async fn update_oauth_account(
        &self,
        user_id: Uuid,
        account: OAuthAccount,
    ) -> Result<User, StoreError> {
        let user_id = id_text(user_id);
        self.write(move |conn| {
            let changed = execute(
                conn,
                sql::UPDATE_ACCOUNT,
                params![
                    id_text(account.id),
                    user_id,
                    account.oauth_name,
                    account.access_token.expose_secret(),
                    account.expires_at,
                    account.refresh_token.as_ref().map(|t| t.expose_secret()),
                    account.account_id,
                    account.account_email,
                ],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound);
            }
            load_user(conn, sql::USER_BY_ID, &user_id)?.ok_or(StoreError::NotFound)
        })
        .await
    }
}

/// Runs a cached statement and returns how many rows it changed.
pub(crate) fn execute(
    conn: &Connection,
    sql: &str,
    params: &[&dyn ToSql],
) -> Result<usize, StoreError> {
    conn.prepare_cached(sql)
        .and_then(|mut stmt| stmt.execute(params))
        .or_store_error()
}

/// Fails with [`StoreError::NotFound`] unless the user exists.
pub(crate) fn require_user(conn: &Connection, id: &str) -> Result<(), StoreError> {
    let found = conn
        .prepare_cached(sql::USER_EXISTS)
        .and_then(|mut stmt| stmt.exists([id]))
        .or_store_error()?;
    if found {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Loads the user a query finds, with their custom fields and OAuth accounts.
fn load_user(conn: &Connection, query: &str, key: &str) -> Result<Option<User>, StoreError> {
    let row = conn
        .prepare_cached(query)
        .and_then(|mut stmt| stmt.query_row([key], UserRow::read).optional())
        .or_store_error()?;
    let Some(row) = row else {
        return Ok(None);
    };

    let accounts = conn
        .prepare_cached(sql::ACCOUNTS_OF_USER)
        .and_then(|mut stmt| {
            stmt.query_map([row.id()], AccountRow::read)?
                .collect::<Result<Vec<_>, _>>()
        })
        .or_store_error()?;
    let accounts = accounts
        .into_iter()
        .map(AccountRow::into_account)
        .collect::<Result<_, _>>()?;
    row.into_user(accounts).map(Some)
}

fn insert_user(conn: &Connection, user: &User) -> Result<(), StoreError> {
    let id = id_text(user.id);
    // Checked first so that a clash of both id and e-mail reports the id, as the
    // reference store does.
    if require_user(conn, &id).is_ok() {
        return Err(StoreError::DuplicateId);
    }

    execute(
        conn,
        sql::INSERT_USER,
        params![
            id,
            user.email,
            user.hashed_password.expose_secret(),
            user.is_active,
            user.is_superuser,
            user.is_verified,
        ],
    )?;
    if !user.fields.is_empty() {
        save_fields(conn, &id, &user.fields)?;
    }
    for account in &user.oauth_accounts {
        insert_account(conn, &id, account)?;
    }
    Ok(())
}

fn update_user(conn: &Connection, id: Uuid, patch: &UserPatch) -> Result<User, StoreError> {
    let id = id_text(id);
    let mut user = load_user(conn, sql::USER_BY_ID, &id)?.ok_or(StoreError::NotFound)?;
    if patch.is_empty() {
        return Ok(user);
    }
    patch.apply_to(&mut user);

    execute(
        conn,
        sql::UPDATE_USER,
        params![
            id,
            user.email,
            user.hashed_password.expose_secret(),
            user.is_active,
            user.is_superuser,
            user.is_verified,
        ],
    )?;
    if !patch.fields.is_empty() {
        save_fields(conn, &id, &user.fields)?;
    }
    Ok(user)
}

/// Deletes the user's rows in every table, children first, so it also works on a
/// database whose foreign keys do not cascade.
fn delete_user(conn: &Connection, id: Uuid) -> Result<(), StoreError> {
    let id = id_text(id);
    for child in [
        sql::DELETE_USER_TOKENS,
        sql::DELETE_USER_ACCOUNTS,
        sql::DELETE_USER_FIELDS,
    ] {
        execute(conn, child, &[&id])?;
    }

    match execute(conn, sql::DELETE_USER, &[&id])? {
        0 => Err(StoreError::NotFound),
        _ => Ok(()),
    }
}

fn insert_account(
    conn: &Connection,
    user_id: &str,
    account: &OAuthAccount,
) -> Result<(), StoreError> {
    execute(
        conn,
        sql::INSERT_ACCOUNT,
        params![
            id_text(account.id),
            account.oauth_name,
            account.access_token.expose_secret(),
            account.expires_at,
            account.refresh_token.as_ref().map(|t| t.expose_secret()),
            account.account_id,
            account.account_email,
            user_id,
        ],
    )?;
    Ok(())
}

fn save_fields(conn: &Connection, user_id: &str, fields: &Fields) -> Result<(), StoreError> {
    let json = serde_json::to_string(fields).map_err(StoreError::backend)?;
    execute(conn, sql::UPSERT_FIELDS, params![user_id, json])?;
    Ok(())
}
