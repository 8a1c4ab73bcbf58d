//! `cargo xtask bench`: serves the axum example on loopback, loads it, and compares it
//! with its baselines in the same run. The crate root documents the phases.
//!
//! Each comparison alternates its two sides in short rounds (`--rounds`, the order
//! flipping every round) and sums them, so that load from other processes, which comes
//! and goes on a shared machine, falls on both sides alike.

mod argon2;
mod cpu;
mod http;
mod load;
mod phases;
mod report;
mod server;
mod stats;

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use report::Report;
use server::Server;

/// The error of a chore: a message for the terminal.
pub(crate) type Error = Box<dyn std::error::Error + Send + Sync>;

/// The seeded user the load logs in as.
const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "correct-horse-battery-staple";
/// Discarded at the start of every round.
const WARMUP: Duration = Duration::from_millis(500);
/// Paced `GET /users/me` probes: connections and the period of each.
const PROBES: usize = 4;
const PROBE_PERIOD: Duration = Duration::from_millis(20);

/// The task's flags.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Measured seconds per figure, split over the rounds.
    pub(crate) seconds: u64,
    /// Rounds each comparison alternates over.
    pub(crate) rounds: u32,
    /// Connections for the `GET /users/me` throughput comparison.
    pub(crate) connections: usize,
    /// Whether to run `cargo build --release` first.
    pub(crate) build: bool,
}

impl Options {
    /// Reads `--seconds N`, `--rounds N`, `--connections N` and `--no-build`.
    ///
    /// # Errors
    ///
    /// On an unknown flag or a value that is not a positive number.
    pub(crate) fn parse(args: &[String]) -> Result<Self, Error> {
        let mut options = Self {
            seconds: 8,
            rounds: 4,
            connections: 32,
            build: true,
        };
        let mut args = args.iter();
        while let Some(flag) = args.next() {
            let mut number = || -> Result<u64, Error> {
                let value = args.next().ok_or(format!("{flag} needs a value"))?;
                match value.parse() {
                    Ok(n) if n > 0 => Ok(n),
                    _ => Err(format!("{flag} wants a positive number, not `{value}`").into()),
                }
            };
            match flag.as_str() {
                "--seconds" => options.seconds = number()?,
                "--rounds" => options.rounds = u32::try_from(number()?)?,
                "--connections" => options.connections = usize::try_from(number()?)?,
                "--no-build" => options.build = false,
                other => return Err(format!("unknown flag `{other}`").into()),
            }
        }
        Ok(options)
    }

    fn window(&self) -> Duration {
        Duration::from_secs(self.seconds) / self.rounds
    }
}

/// Runs the benchmark and prints its report.
///
/// # Errors
///
/// When a build fails, a server does not start, or the example refuses to log in.
pub(crate) fn run(options: &Options) -> Result<(), Error> {
    let paths = Paths::discover()?;
    if options.build {
        paths.build()?;
    }
    std::fs::create_dir_all(&paths.out)?;
    let pool = std::thread::available_parallelism().map_or(1, usize::from);
    let mut report = Report::new(options, pool);
    println!("{}", report.heading());

    let example = start_example(&paths)?;
    let me = http::get("/users/me", Some(&log_in(&example)?));
    phases::throughput(options, &paths, &example, &me, &mut report)?;
    phases::logins(options, &paths, &example, pool, &mut report)?;
    phases::latency(options, &example, &me, pool, &mut report)?;

    println!("{}", report.table());
    let json = paths.out.join("report.json");
    std::fs::write(&json, report.json())?;
    println!("figures written to {}", json.display());
    Ok(())
}

/// Where things are.
#[derive(Debug)]
pub(crate) struct Paths {
    root: PathBuf,
    pub(crate) release: PathBuf,
    pub(crate) out: PathBuf,
}

impl Paths {
    fn discover() -> Result<Self, Error> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .ok_or("xtask has no parent directory")?
            .to_path_buf();
        let target =
            env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
        Ok(Self {
            release: target.join("release"),
            out: target.join("bench"),
            root,
        })
    }

    fn build(&self) -> Result<(), Error> {
        let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .current_dir(&self.root)
            .args(["build", "--release", "--bins"])
            .args(["-p", "example-axum-sqlite", "-p", "example-bench-baseline"])
            .status()?;
        if !status.success() {
            return Err(format!("the release build failed: {status}").into());
        }
        Ok(())
    }
}

/// The example on a fresh SQLite file, with the benchmark's user seeded.
fn start_example(paths: &Paths) -> Result<Server, Error> {
    let db = paths.out.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let db = db.to_str().ok_or("the target directory is not UTF-8")?;
    let env = [
        ("KEYCARD_DATABASE_URL", db),
        (
            "KEYCARD_SECRET",
            "bench-secret-not-for-production-0123456789",
        ),
        ("KEYCARD_SUPERUSER_EMAIL", EMAIL),
        ("KEYCARD_SUPERUSER_PASSWORD", PASSWORD),
    ];
    let binary = paths.release.join("example-axum-sqlite");
    let log = paths.out.join("example.log");
    Ok(Server::start("example-axum-sqlite", &binary, &env, &log)?)
}

/// The benchmark user's login form.
fn login_request() -> http::Request {
    http::post_form(
        "/auth/jwt/login",
        &format!("username={EMAIL}&password={PASSWORD}"),
    )
}

/// Logs in once and returns the access token.
fn log_in(example: &Server) -> Result<String, Error> {
    let mut connection = http::Connection::open(example.addr())?;
    let response = connection.send(&login_request())?;
    let body = String::from_utf8_lossy(&response.body);
    if response.status != 200 {
        return Err(format!("login answered {}: {body}", response.status).into());
    }
    // `{"access_token":"...","token_type":"bearer"}`: a JWT has no quotes to escape.
    let token = body
        .split_once(r#""access_token":"#)
        .and_then(|(_, rest)| rest.trim_start().strip_prefix('"'))
        .and_then(|rest| rest.split_once('"'))
        .map(|(token, _)| token.to_owned())
        .ok_or_else(|| format!("no access_token in {body}"))?;
    Ok(token)
}
