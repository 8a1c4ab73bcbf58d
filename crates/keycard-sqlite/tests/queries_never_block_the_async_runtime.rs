//! A query waiting on the database does not hold up the async runtime: on a runtime with
//! a single thread, other tasks run to completion while a write waits for a lock.

mod support;

use std::sync::mpsc;
use std::time::Duration;

use keycard_core::{HashedPassword, User, UserStore};
use keycard_sqlite::SqliteOptions;
use rusqlite::Connection;
use support::temp_db;

#[tokio::test(flavor = "current_thread")]
async fn other_tasks_run_while_a_write_waits_for_a_lock() {
    let (_dir, path) = temp_db();
    let store = SqliteOptions::new(&path)
        .busy_timeout(Duration::from_secs(60))
        .open()
        .await
        .expect("open");

    // Another connection takes the write lock and keeps it until told to let go (or, if
    // the store wrongly blocks this thread so nobody can tell it, for a while).
    let (release, released) = mpsc::channel::<()>();
    let (locked, is_locked) = mpsc::channel::<()>();
    let holder_path = path.clone();
    let holder = std::thread::spawn(move || {
        let conn = Connection::open(holder_path).expect("open");
        conn.execute_batch("BEGIN IMMEDIATE")
            .expect("take the write lock");
        locked.send(()).expect("report");
        let _ = released.recv_timeout(Duration::from_secs(20));
        conn.execute_batch("COMMIT").expect("release");
    });
    is_locked.recv().expect("the lock is held");

    let writer = store.clone();
    let write = tokio::spawn(async move {
        let user = User::new("waiting@example.com", HashedPassword::new("h"));
        writer.create(user).await
    });
    let other = tokio::spawn(async {
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
    });
    other.await.expect("the other task ran");

    assert!(
        !write.is_finished(),
        "the write finished while the lock was held"
    );
    release.send(()).expect("release the lock");
    let created = write
        .await
        .expect("join")
        .expect("create after the lock is gone");
    holder.join().expect("holder thread");
    assert!(store.get(created.id).await.expect("get").is_some());
}
