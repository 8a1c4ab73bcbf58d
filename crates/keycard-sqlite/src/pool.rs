//! A few SQLite connections, each used by one blocking thread at a time.
//!
//! A caller first waits, asynchronously, for a permit of the pool's semaphore; a permit
//! guarantees an idle connection. The connection then moves to Tokio's blocking thread
//! pool with the work, so no statement ever runs on an async worker thread.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use keycard_core::StoreError;
use rusqlite::Connection;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Idle connections and one permit per connection.
#[derive(Debug)]
pub(crate) struct Pool {
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    size: usize,
}

/// A connection taken from the pool; dropping the lease puts it back, also when the work
/// panicked (an open transaction has been rolled back by then).
struct Lease {
    pool: Arc<Pool>,
    conn: Option<Connection>,
    _permit: OwnedSemaphorePermit,
}

impl Pool {
    /// A pool of these connections.
    pub(crate) fn new(connections: Vec<Connection>) -> Arc<Self> {
        Arc::new(Self {
            permits: Arc::new(Semaphore::new(connections.len())),
            size: connections.len(),
            idle: Mutex::new(connections),
        })
    }

    /// How many connections the pool holds.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Runs `work` on a connection of the pool, on a blocking thread.
    ///
    /// If the caller stops waiting, the work still runs to its end and the connection
    /// returns to the pool: a transaction is never cut off half-way by a dropped future.
    pub(crate) async fn run<T, F>(self: &Arc<Self>, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let lease = self.lease().await?;
        let task = tokio::task::spawn_blocking(move || {
            let mut lease = lease;
            let conn = lease
                .conn
                .as_mut()
                .expect("a lease holds its connection until it is dropped");
            work(conn)
        });
        task.await.map_err(StoreError::backend)?
    }

    async fn lease(self: &Arc<Self>) -> Result<Lease, StoreError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(StoreError::backend)?;
        let conn = self.idle().pop().ok_or_else(|| {
            StoreError::backend(std::io::Error::other("no idle connection behind a permit"))
        })?;
        Ok(Lease {
            pool: Arc::clone(self),
            conn: Some(conn),
            _permit: permit,
        })
    }

    fn idle(&self) -> MutexGuard<'_, Vec<Connection>> {
        // Only push and pop run under this lock; neither can leave the list half-changed.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        // The permit is released after this body, so the connection is back first.
        if let Some(conn) = self.conn.take() {
            self.pool.idle().push(conn);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_task_returns_its_connection() {
        let pool = Pool::new(vec![Connection::open_in_memory().expect("open")]);

        let failed = pool
            .run(|_| -> Result<(), StoreError> { panic!("boom") })
            .await;
        assert!(matches!(failed, Err(StoreError::Backend(_))));

        let answer = pool
            .run(|conn| {
                conn.query_row("SELECT 42", [], |row| row.get::<_, i64>(0))
                    .map_err(StoreError::backend)
            })
            .await;
        assert_eq!(answer.ok(), Some(42));
    }
}
