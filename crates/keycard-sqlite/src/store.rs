//! The store handle, and how its connections are opened and configured.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use keycard_core::StoreError;
use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::error::store_error;
use crate::options::Location;
use crate::pool::Pool;
use crate::{Error, SqliteOptions, schema};

/// keycard's SQLite store: a [`UserStore`](keycard_core::UserStore) and an
/// [`AccessTokenStore`](keycard_core::AccessTokenStore) over one database file.
///
/// Cloning is cheap; clones share the connections. The connections close when the last
/// clone is dropped.
///
/// ```
/// # fn main() -> Result<(), keycard_sqlite::Error> {
/// let store = keycard_sqlite::SqliteStore::open_in_memory()?;
/// assert_eq!(store.path(), None);
/// assert!(format!("{store:?}").starts_with("SqliteStore"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    location: Location,
    /// The one connection that writes; SQLite runs one write transaction at a time.
    writer: Arc<Pool>,
    /// The connections that read. For an in-memory database, the writer itself.
    readers: Arc<Pool>,
}

impl SqliteStore {
    /// Opens the database file at `path` with default [`SqliteOptions`], creating the
    /// file and its schema if missing and upgrading an older schema in place.
    ///
    /// # Errors
    ///
    /// As [`SqliteOptions::open`].
    ///
    /// # Panics
    ///
    /// When called outside a Tokio runtime.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        SqliteOptions::new(path).open().await
    }

    /// Opens the database a URL names, with default [`SqliteOptions`]; see
    /// [`SqliteOptions::from_url`] for the accepted forms.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`], or as [`SqliteOptions::open`].
    ///
    /// # Panics
    ///
    /// When called outside a Tokio runtime.
    pub async fn connect(url: &str) -> Result<Self, Error> {
        SqliteOptions::from_url(url)?.open().await
    }

    /// Opens a new, private in-memory database with keycard's schema.
    ///
    /// Every call gives a separate database; clones of the returned store share it. It
    /// lives on a single connection, which is what doctests and unit tests need.
    ///
    /// # Errors
    ///
    /// [`Error::Sqlite`] if SQLite cannot allocate the database.
    pub fn open_in_memory() -> Result<Self, Error> {
        open_blocking(SqliteOptions::in_memory())
    }

    /// The database file, or `None` for an in-memory database.
    pub fn path(&self) -> Option<&Path> {
        match &self.inner.location {
            Location::File(path) => Some(path),
            Location::Memory => None,
        }
    }

    pub(crate) async fn open_with(options: SqliteOptions) -> Result<Self, Error> {
        match options.location {
            Location::Memory => open_blocking(options),
            Location::File(_) => tokio::task::spawn_blocking(move || open_blocking(options))
                .await
                .map_err(Error::Worker)?,
        }
    }

    /// Runs `work` in a read transaction, which sees one consistent snapshot.
    pub(crate) async fn read<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.inner
            .readers
            .run(move |conn| {
                let tx = conn.transaction().map_err(store_error)?;
                let out = work(&tx)?;
                tx.commit().map_err(store_error)?;
                Ok(out)
            })
            .await
    }

    /// Runs `work` in a `BEGIN IMMEDIATE` transaction, committed only if `work` succeeds:
    /// a failed write leaves nothing behind.
    pub(crate) async fn write<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        self.inner
            .writer
            .run(move |conn| {
                let tx = conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(store_error)?;
                let out = work(&tx)?;
                tx.commit().map_err(store_error)?;
                Ok(out)
            })
            .await
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path())
            .field("read_connections", &self.inner.readers.size())
            .finish_non_exhaustive()
    }
}

/// Opens every connection and brings the schema up to date; runs on a blocking thread.
fn open_blocking(options: SqliteOptions) -> Result<SqliteStore, Error> {
    let (writer, readers) = match &options.location {
        Location::Memory => {
            let mut conn = Connection::open_in_memory()?;
            configure(&conn, options.busy_timeout)?;
            schema::migrate(&mut conn)?;
            let pool = Pool::new(vec![conn]).map_err(Error::Thread)?;
            (Arc::clone(&pool), pool)
        }
        Location::File(path) => open_file(path, &options)?,
    };

    Ok(SqliteStore {
        inner: Arc::new(Inner {
            location: options.location,
            writer,
            readers,
        }),
    })
}

fn open_file(path: &Path, options: &SqliteOptions) -> Result<(Arc<Pool>, Arc<Pool>), Error> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut writer = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_CREATE)?;
    configure(&writer, options.busy_timeout)?;
    enable_wal(&writer, path)?;
    let found = schema::migrate(&mut writer)?;
    tracing::debug!(
        path = %path.display(),
        from_version = found,
        to_version = schema::SCHEMA_VERSION,
        "opened sqlite store"
    );

    let readers = (0..options.pool_size)
        .map(|_| {
            let conn = Connection::open_with_flags(path, flags)?;
            configure(&conn, options.busy_timeout)?;
            // Reads only: a bug that writes through a reader fails instead of racing the
            // writer.
            conn.pragma_update(None, "query_only", true)?;
            Ok(conn)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let writer = Pool::new(vec![writer]).map_err(Error::Thread)?;
    Ok((writer, Pool::new(readers).map_err(Error::Thread)?))
}

/// Settings every connection needs; none of them persists in the file.
fn configure(conn: &Connection, busy_timeout: Duration) -> Result<(), Error> {
    conn.busy_timeout(busy_timeout)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // In WAL mode a commit at NORMAL survives a crash of the process (not of the
    // machine): https://www.sqlite.org/pragma.html#pragma_synchronous
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.set_prepared_statement_cache_capacity(32);
    // Keep a cached statement's plan when its parameters are re-bound. Without this,
    // SQLite treats `col = ?1` as plan-dependent and re-prepares the statement on every
    // use, which more than doubled the CPU cost of loading a user.
    // https://www.sqlite.org/c3ref/c_dbconfig_defensive.html#sqlitedbconfigenableqpsg
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

/// Switches the file to write-ahead logging, which lets readers run beside the writer;
/// the mode is stored in the file, so it holds for later connections too.
fn enable_wal(conn: &Connection, path: &Path) -> Result<(), Error> {
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(
            path = %path.display(),
            journal_mode = %mode,
            "sqlite refused write-ahead logging; reads now wait for writes"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;

    #[test]
    fn cached_statements_are_never_prepared_again() {
        let mut conn = Connection::open_in_memory().expect("open");
        configure(&conn, Duration::from_secs(1)).expect("configure");
        crate::schema::migrate(&mut conn).expect("schema");

        for id in ["a", "b", "c"] {
            let mut stmt = conn
                .prepare_cached(crate::sql::USER_BY_ID)
                .expect("prepare");
            let mut rows = stmt.query([id]).expect("query");
            assert!(rows.next().expect("step").is_none());
        }
        let stmt = conn
            .prepare_cached(crate::sql::USER_BY_ID)
            .expect("prepare");
        assert_eq!(stmt.get_status(StatementStatus::RePrepare), 0);
    }
}
