//! How to open a store: where the database lives and how many connections serve it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{Error, SqliteStore};

/// Where a store keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// A database file, created if missing.
    File(PathBuf),
    /// A private in-memory database, gone when the last clone of the store is dropped.
    Memory,
}

/// Options for opening a [`SqliteStore`], built step by step.
///
/// ```
/// use std::time::Duration;
///
/// use keycard_sqlite::SqliteOptions;
///
/// let options = SqliteOptions::new("users.db")
///     .pool_size(8)
///     .busy_timeout(Duration::from_secs(10));
/// assert!(format!("{options:?}").contains("pool_size: 8"));
/// ```
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    pub(crate) location: Location,
    pub(crate) pool_size: usize,
    pub(crate) busy_timeout: Duration,
}

impl SqliteOptions {
    /// How many connections serve reads unless [`pool_size`](Self::pool_size) says otherwise.
    pub const DEFAULT_POOL_SIZE: usize = 4;

    /// How long a statement waits for another connection's lock unless
    /// [`busy_timeout`](Self::busy_timeout) says otherwise.
    pub const DEFAULT_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

    /// Options for a database file at `path`, created with its schema if missing.
    pub fn new(path: impl AsRef<Path>) -> Self {
        Self::at(Location::File(path.as_ref().to_owned()))
    }

    /// Options for a private in-memory database.
    ///
    /// It lives on one connection, so [`pool_size`](Self::pool_size) has no effect.
    pub fn in_memory() -> Self {
        Self::at(Location::Memory)
    }

    /// Options from a connection URL or a plain path.
    ///
    /// Accepted forms: `sqlite::memory:`; `sqlite://relative/path.db`;
    /// `sqlite:///absolute/path.db`; `sqlite:path.db`; and a plain file path. A URL with
    /// another scheme (such as `postgres://`) is refused rather than taken for a file name.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidUrl`] for another scheme, an empty path or query parameters
    /// (none are supported).
    ///
    /// ```
    /// use keycard_sqlite::SqliteOptions;
    ///
    /// assert!(SqliteOptions::from_url("sqlite:///var/lib/app/users.db").is_ok());
    /// assert!(SqliteOptions::from_url("sqlite::memory:").is_ok());
    /// assert!(SqliteOptions::from_url("users.db").is_ok());
    /// assert!(SqliteOptions::from_url("postgres://db/users").is_err());
    /// ```
    pub fn from_url(url: &str) -> Result<Self, Error> {
        parse_url(url).map(Self::at)
    }

    /// Sets how many connections serve reads; writes always go through one more,
    /// dedicated connection, since SQLite runs one write at a time anyway.
    ///
    /// Defaults to [`DEFAULT_POOL_SIZE`](Self::DEFAULT_POOL_SIZE); zero counts as one.
    pub fn pool_size(mut self, connections: usize) -> Self {
        self.pool_size = connections.max(1);
        self
    }

    /// Sets how long a statement waits for a lock held by another connection or process
    /// before it fails.
    ///
    /// Defaults to [`DEFAULT_BUSY_TIMEOUT`](Self::DEFAULT_BUSY_TIMEOUT).
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// Opens the store, creating the file and its schema if missing and upgrading an
    /// older schema in place.
    ///
    /// # Errors
    ///
    /// [`Error::Sqlite`] when the file cannot be opened or written;
    /// [`Error::CaseDuplicateEmails`], [`Error::DuplicateOAuthAccounts`],
    /// [`Error::IncompatibleSchema`] or [`Error::SchemaTooNew`] when an existing database
    /// cannot take keycard's schema. Nothing in the database is changed then.
    ///
    /// # Panics
    ///
    /// When called outside a Tokio runtime.
    pub async fn open(self) -> Result<SqliteStore, Error> {
        SqliteStore::open_with(self).await
    }

    fn at(location: Location) -> Self {
        Self {
            location,
            pool_size: Self::DEFAULT_POOL_SIZE,
            busy_timeout: Self::DEFAULT_BUSY_TIMEOUT,
        }
    }
}

fn parse_url(url: &str) -> Result<Location, Error> {
    let invalid = |reason| Err(Error::InvalidUrl { reason });
    let path = match url.strip_prefix("sqlite:") {
        Some(rest) => rest.strip_prefix("//").unwrap_or(rest),
        None if url.contains("://") => return invalid("only the `sqlite:` scheme is supported"),
        None => url,
    };

    if path == ":memory:" {
        return Ok(Location::Memory);
    }
    if path.is_empty() {
        return invalid("the path is empty");
    }
    if url.starts_with("sqlite:") && path.contains('?') {
        return invalid("query parameters are not supported");
    }
    Ok(Location::File(PathBuf::from(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> Location {
        Location::File(PathBuf::from(path))
    }

    #[test]
    fn parses_the_documented_url_forms() {
        let cases = [
            ("sqlite::memory:", Location::Memory),
            ("sqlite://:memory:", Location::Memory),
            ("sqlite://data/users.db", file("data/users.db")),
            ("sqlite:///var/lib/users.db", file("/var/lib/users.db")),
            ("sqlite:users.db", file("users.db")),
            ("/tmp/users.db", file("/tmp/users.db")),
            ("users.db", file("users.db")),
        ];
        for (url, expected) in cases {
            assert_eq!(parse_url(url).ok(), Some(expected), "{url}");
        }
    }

    #[test]
    fn refuses_other_schemes_empty_paths_and_parameters() {
        for url in [
            "postgres://u@h/db",
            "sqlite://",
            "sqlite:",
            "",
            "sqlite://a.db?mode=ro",
        ] {
            assert!(
                matches!(parse_url(url), Err(Error::InvalidUrl { .. })),
                "{url}"
            );
        }
    }

    #[test]
    fn pool_size_is_at_least_one() {
        assert_eq!(SqliteOptions::in_memory().pool_size(0).pool_size, 1);
    }
}
