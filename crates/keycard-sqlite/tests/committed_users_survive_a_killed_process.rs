//! A user whose `create` returned is on disk: a child process writes users until it is
//! killed with SIGKILL, and every user it reported is there when the file is reopened.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use keycard_core::{HashedPassword, User, UserStore};
use keycard_sqlite::SqliteStore;
use rusqlite::Connection;
use support::{runtime, temp_db};
use uuid::Uuid;

/// Set in the child process to the database path.
const CHILD_DB: &str = "KEYCARD_SQLITE_DURABILITY_DB";
/// Prefix of the line the child prints after each committed user.
const COMMITTED: &str = "committed ";
/// How many committed users the parent waits for before it kills the child.
const WAIT_FOR: usize = 40;

#[test]
#[ignore = "the child process of committed_users_survive_sigkill, started by it"]
fn child_writes_users_until_killed() {
    let Ok(path) = std::env::var(CHILD_DB) else {
        return;
    };
    runtime().block_on(async {
        let store = SqliteStore::open(&path).await.expect("open");
        let mut out = std::io::stdout();
        for n in 0_u64.. {
            let user = User::new(format!("user{n}@example.com"), HashedPassword::new("h"));
            let user = store.create(user).await.expect("create");
            writeln!(out, "{COMMITTED}{}", user.id).expect("report");
            out.flush().expect("flush");
        }
    });
}

#[test]
fn committed_users_survive_sigkill() {
    let (_dir, path) = temp_db();
    let mut child = Command::new(std::env::current_exe().expect("this test binary"))
        .args(["--ignored", "--exact", "child_writes_users_until_killed"])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD_DB, &path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the child");

    let lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
    let committed: Vec<Uuid> = lines
        .map(|line| line.expect("read the child's output"))
        .filter_map(|line| line.strip_prefix(COMMITTED).map(str::to_owned))
        .map(|id| Uuid::parse_str(&id).expect("a reported id"))
        .take(WAIT_FOR)
        .collect();
    // `kill` sends SIGKILL on Unix: no destructor, no checkpoint, no clean close.
    child.kill().expect("kill the child");
    child.wait().expect("reap the child");
    assert_eq!(committed.len(), WAIT_FOR, "the child stopped early");

    let integrity: String = Connection::open(&path)
        .and_then(|conn| conn.query_row("PRAGMA integrity_check", [], |row| row.get(0)))
        .expect("integrity check");
    assert_eq!(integrity, "ok");
    runtime().block_on(async {
        let store = SqliteStore::open(&path).await.expect("reopen");
        for id in committed {
            assert!(
                store.get(id).await.expect("get").is_some(),
                "user {id} was lost"
            );
        }
    });
}
