//! keycard's embedded store: users, their OAuth accounts and access tokens in one SQLite
//! file, in the table layout of FastAPI Users.
//!
//! [`SqliteStore`] implements keycard-core's [`UserStore`](keycard_core::UserStore) and
//! [`AccessTokenStore`](keycard_core::AccessTokenStore). It is the default store: nothing to
//! install or run, one file to back up. SQLite is compiled in (rusqlite's `bundled`).
//!
//! Supported Rust versions: the workspace's `rust-version`; this crate has no feature
//! flags.
//!
//! # Example
//!
//! ```
//! use keycard_core::{HashedPassword, User, UserStore};
//! use keycard_sqlite::SqliteStore;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! # rt.block_on(async {
//! // A file database is `SqliteStore::open("users.db").await?`.
//! let store = SqliteStore::open_in_memory()?;
//!
//! let hash = HashedPassword::new("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA");
//! let ann = store.create(User::new("Ann@example.com", hash)).await?;
//!
//! // E-mail look-ups ignore letter case.
//! let found = store.get_by_email("ann@EXAMPLE.com").await?;
//! assert_eq!(found.map(|user| user.id), Some(ann.id));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })
//! # }
//! ```
//!
//! # Opening a database
//!
//! - [`SqliteStore::open`] takes a file path; [`SqliteStore::connect`] takes a URL
//!   (`sqlite://data/users.db`, `sqlite:///var/lib/app/users.db`, `sqlite::memory:`) or a
//!   path; [`SqliteStore::open_in_memory`] gives a private database for tests.
//! - [`SqliteOptions`] sets the number of read connections and the busy timeout.
//!
//! Opening creates the file and the schema if missing, and upgrades a schema written by
//! an older keycard-sqlite in place, all in one transaction ([`SCHEMA_VERSION`]).
//!
//! # On disk
//!
//! FastAPI Users' tables, as its SQLAlchemy models create them:
//!
//! | table | columns | indexes |
//! |---|---|---|
//! | `user` | `id` CHAR(36) primary key, `email` VARCHAR(320), `hashed_password` VARCHAR(1024), `is_active`, `is_superuser`, `is_verified` BOOLEAN | `ix_user_email` unique on `email` |
//! | `oauth_account` | `id` CHAR(36) primary key, `oauth_name` VARCHAR(100), `access_token` VARCHAR(1024), `expires_at` INTEGER null, `refresh_token` VARCHAR(1024) null, `account_id` VARCHAR(320), `account_email` VARCHAR(320), `user_id` → `user.id` on delete cascade | `ix_oauth_account_oauth_name`, `ix_oauth_account_account_id` |
//! | `accesstoken` | `token` VARCHAR(43) primary key, `created_at` TIMESTAMP, `user_id` → `user.id` on delete cascade | `ix_accesstoken_created_at` |
//!
//! Values are written the way FastAPI Users writes them: ids as lower-case hyphenated
//! UUID text, booleans as 0 and 1, `expires_at` as Unix seconds, `created_at` as naive UTC
//! text `YYYY-MM-DD HH:MM:SS.ffffff` (always six digits, so text order is time order).
//!
//! keycard's own additions, which FastAPI Users ignores:
//!
//! - `keycard_ux_user_email_lower`, a unique index on `lower(email)`: the database
//!   itself refuses a second account whose address differs only in letter case, and
//!   e-mail look-ups use it;
//! - `keycard_ux_oauth_account_provider`, unique on `(oauth_name, account_id)`;
//! - `keycard_ix_oauth_account_user_id` and `keycard_ix_accesstoken_user_id`;
//! - `keycard_user_fields(user_id, fields)`: the application's custom fields of a user
//!   as a JSON object;
//! - `keycard_schema_version`: the schema version.
//!
//! # Sharing a database with FastAPI Users
//!
//! A FastAPI Users database opens unchanged: its tables, columns and indexes are created
//! only if missing and never altered, and what keycard writes reads back in FastAPI Users
//! (it looks rows up by the exact id text). Opening fails with a clear [`Error`], changing
//! nothing, when the existing data breaks keycard's stricter rules (two addresses that
//! differ only in letter case, one provider account linked twice) or uses integer ids.
//! Custom columns a FastAPI Users application added to `user` are not read; keycard keeps
//! custom fields in `keycard_user_fields`.
//!
//! # Concurrency and durability
//!
//! Every statement runs on a thread of the store's own, never on an async worker: each
//! connection is owned by one thread, a call sends its work to whichever is idle and
//! awaits the answer. One connection writes, in `BEGIN IMMEDIATE` transactions that
//! commit whole or not at all; several connections read beside it, since the file is in
//! write-ahead-log mode. With `synchronous = NORMAL`, a committed write survives a crash
//! of the process. Foreign keys are enforced. Calls must come from within a Tokio
//! runtime.
//!
//! # Implementing your own store
//!
//! Implement [`UserStore`](keycard_core::UserStore) and
//! [`AccessTokenStore`](keycard_core::AccessTokenStore), then run keycard-test-kit's
//! conformance suite against it, as this crate does in
//! `tests/sqlite_store_conforms.rs`. This crate's shape can serve as a template: raise
//! conflicts from unique indexes at write time, keep the driver's error as the typed
//! source of [`StoreError::Backend`](keycard_core::StoreError::Backend), and keep
//! blocking drivers off the async threads.

mod error;
mod options;
mod pool;
mod rows;
mod schema;
mod sql;
mod store;
mod tokens;
mod users;

pub use error::Error;
pub use options::SqliteOptions;
pub use schema::SCHEMA_VERSION;
pub use store::SqliteStore;
