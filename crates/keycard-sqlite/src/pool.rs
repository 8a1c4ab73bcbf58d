//! A few SQLite connections, each owned by a thread of its own.
//!
//! A query is sent to the pool's threads as a job; whichever thread is idle runs it on its
//! connection and sends the answer back through a oneshot channel that the caller awaits.
//! No statement ever runs on an async worker thread, and the threads live as long as the
//! pool, so a query costs no thread start and no task allocation of tokio's blocking pool.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use keycard_core::StoreError;
use rusqlite::Connection;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// The sending end of the pool's job queue; its threads stop once it is dropped.
#[derive(Debug)]
pub(crate) struct Pool {
    jobs: Sender<Job>,
    size: usize,
}

impl Pool {
    /// A pool with one thread per connection.
    ///
    /// # Errors
    ///
    /// When the operating system refuses a thread.
    pub(crate) fn new(connections: Vec<Connection>) -> std::io::Result<Arc<Self>> {
        let (jobs, queue) = mpsc::channel();
        let queue = Arc::new(Mutex::new(queue));
        let size = connections.len();
        for (index, conn) in connections.into_iter().enumerate() {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("keycard-sqlite-{index}"))
                .spawn(move || serve(&queue, conn))?;
        }
        Ok(Arc::new(Self { jobs, size }))
    }

    /// How many connections the pool holds.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Runs `work` on a connection of the pool, on the pool's own threads.
    ///
    /// If the caller stops waiting, the work still runs to its end: a transaction is
    /// never cut off half-way by a dropped future.
    pub(crate) async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // The caller may have stopped waiting; the work is done either way.
            let _ = reply.send(work(conn));
        });
        self.jobs
            .send(job)
            .map_err(|_| worker_lost("the store's threads have stopped"))?;
        answer
            .await
            .map_err(|_| worker_lost("a store query panicked"))?
    }
}

/// One thread's life: take the next job, run it on this thread's connection.
fn serve(queue: &Mutex<Receiver<Job>>, mut conn: Connection) {
    loop {
        // Only one idle thread waits inside `recv`; the others wait for the lock.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return;
        };
        // A panicking job has rolled back its transaction while unwinding (rusqlite's
        // `Transaction` does on drop), so the connection stays usable for the next job.
        if catch_unwind(AssertUnwindSafe(|| job(&mut conn))).is_err() {
            tracing::error!("a store query panicked; its connection serves on");
        }
    }
}

fn worker_lost(what: &'static str) -> StoreError {
    StoreError::backend(std::io::Error::other(what))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_job_leaves_its_connection_usable() {
        let pool = Pool::new(vec![Connection::open_in_memory().expect("open")]).expect("pool");

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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_connection_serves_at_once() {
        let conns = (0..3).map(|_| Connection::open_in_memory().expect("open"));
        let pool = Pool::new(conns.collect()).expect("pool");
        let barrier = Arc::new(std::sync::Barrier::new(3));

        // Three jobs that each wait for the other two can only finish on three threads.
        let mut jobs = tokio::task::JoinSet::new();
        for _ in 0..3 {
            let (pool, barrier) = (Arc::clone(&pool), Arc::clone(&barrier));
            jobs.spawn(async move {
                pool.run(move |_| {
                    barrier.wait();
                    Ok(())
                })
                .await
            });
        }
        while let Some(outcome) = jobs.join_next().await {
            assert!(outcome.expect("join").is_ok());
        }
    }
}
