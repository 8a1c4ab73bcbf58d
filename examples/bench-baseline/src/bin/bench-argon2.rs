//! Measures the raw argon2id verification rate with keycard's parameters.
//!
//! `bench-argon2 --threads N` reads a number of seconds per line from standard input,
//! verifies on `N` threads for that long, and answers one line of `key=value` figures;
//! it exits when its input closes. Staying alive between rounds lets the caller
//! interleave these rounds with its own measurements and read the process's CPU time.
//!
//! ```text
//! $ echo 5 | bench-argon2 --threads 2
//! threads=2 hashes=58 busy_seconds=10.0213 per_second=11.5762 mean_ms=172.781
//! ```

// A benchmark binary reports on standard output.
#![allow(clippy::print_stdout)]

use std::io::{self, BufRead as _, Write as _};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let threads = match (args.next().as_deref(), args.next().map(|n| n.parse())) {
        (Some("--threads"), Some(Ok(threads))) => threads,
        (None, None) => 1,
        _ => {
            eprintln!("usage: bench-argon2 [--threads N], then seconds per line on stdin");
            return ExitCode::FAILURE;
        }
    };

    for line in io::stdin().lock().lines() {
        let Ok(seconds) = line.map(|line| line.trim().parse::<f64>()) else {
            return ExitCode::FAILURE;
        };
        let Ok(seconds) = seconds else {
            eprintln!("bench-argon2: expected a number of seconds");
            return ExitCode::FAILURE;
        };
        let rate = example_bench_baseline::verify_rate(threads, Duration::from_secs_f64(seconds));
        println!(
            "threads={} hashes={} busy_seconds={:.4} per_second={:.4} mean_ms={:.3}",
            rate.threads,
            rate.hashes,
            rate.busy.as_secs_f64(),
            rate.per_second,
            rate.mean_ms
        );
        let _ = io::stdout().flush();
    }
    ExitCode::SUCCESS
}
