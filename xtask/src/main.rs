//! keycard's project chores, run as `cargo xtask <task>` (the alias lives in
//! `.cargo/config.toml`).
//!
//! The crate uses the standard library only, so it compiles in seconds; anything heavy it
//! needs is built by Cargo as a separate release binary.
//!
//! # Tasks
//!
//! ## `bench [--seconds N] [--rounds N] [--connections N] [--no-build]`
//!
//! Builds keycard's main example (`example-axum-sqlite`) and the baselines
//! (`example-bench-baseline`) in release mode, serves them on free loopback ports with a
//! fresh SQLite file, and drives them with a load generator written here (one std thread
//! per keep-alive HTTP/1.1 connection). Every figure is measured in the same run, over
//! `--seconds` (default 8) split into `--rounds` (default 4) rounds that alternate the
//! two sides of each comparison, each round after a half-second warm-up:
//!
//! 1. `GET /users/me` with a bearer JWT at `--connections` (default 32) connections,
//!    closed loop, against a bare axum handler returning a constant JSON body
//!    (`bench-baseline`): requests per second, p50, p99, and the server's CPU time per
//!    request. Target: a throughput ratio of at least 0.5.
//! 2. `POST /auth/jwt/login` with four logins per hashing thread in flight, against the
//!    raw argon2id verification rate with the same parameters on as many threads as the
//!    example's hashing pool (`bench-argon2`; the pool is one thread per available
//!    core). Target: a ratio of at least 0.95.
//! 3. `GET /users/me` from four connections paced at 50 requests per second each,
//!    latency counted from the scheduled send time, first alone, then while logins
//!    saturate the hashing pool. Target: p99 under 10 ms with the pool saturated.
//!
//! The table goes to standard output and the same figures to `target/bench/report.json`,
//! with the share of the machine other processes took during each phase and two
//! cross-checks from CPU time, which such load hardly moves. A missed target is
//! reported, never an error: the benchmark measures, CI does not gate on it. See
//! `docs/benchmarks.md` for what the figures mean and their caveats.

// A chore runner reports on standard output.
#![allow(clippy::print_stdout)]

mod bench;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let task = args.next();
    let rest: Vec<String> = args.collect();

    let outcome = match task.as_deref() {
        Some("bench") => bench::Options::parse(&rest).and_then(|options| bench::run(&options)),
        Some("help" | "--help" | "-h") | None => {
            print_usage();
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown task `{other}`").into()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: {err}");
            ExitCode::FAILURE
        }
    }
}

fn print_usage() {
    println!("usage: cargo xtask <task>");
    println!();
    println!("tasks:");
    println!("  bench [--seconds N] [--rounds N] [--connections N] [--no-build]");
    println!("      serve the axum example on loopback, load it, print ratios to targets");
    println!("      (defaults: 8 s per figure in 4 alternating rounds, 32 connections)");
}
