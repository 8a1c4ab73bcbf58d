//! The raw argon2id baseline: `bench-argon2`, kept running between rounds.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use super::Error;
use super::cpu::{Sample, Usage};

/// What the helper measured, summed over rounds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct RawRate {
    pub(crate) rounds: u32,
    pub(crate) threads: usize,
    pub(crate) hashes: u64,
    /// Time spent verifying, summed over threads and rounds.
    pub(crate) busy: Duration,
    /// Wall time of the rounds.
    pub(crate) elapsed: Duration,
    /// CPU use during the rounds (the helper's, and other processes'), where the
    /// platform tells.
    pub(crate) usage: Option<Usage>,
}

impl RawRate {
    /// Verifications per second on all threads together.
    pub(crate) fn per_second(&self) -> f64 {
        self.threads as f64 * self.hashes as f64 / self.busy.as_secs_f64()
    }

    /// Mean time of one verification, in milliseconds.
    pub(crate) fn mean_ms(&self) -> f64 {
        self.busy.as_secs_f64() * 1e3 / self.hashes as f64
    }

    /// CPU time of one verification, in microseconds.
    pub(crate) fn cpu_us(&self) -> Option<f64> {
        Some(self.usage?.measured.as_secs_f64() * 1e6 / self.hashes as f64)
    }

    /// Cores other processes kept busy on average.
    pub(crate) fn other_cores(&self) -> Option<f64> {
        Some(self.usage?.others.as_secs_f64() / self.elapsed.as_secs_f64())
    }
}

/// A running `bench-argon2`, killed through its own handle when dropped.
#[derive(Debug)]
pub(crate) struct Helper {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    threads: usize,
}

impl Helper {
    /// Starts the helper with `threads` verifying threads.
    pub(crate) fn start(binary: &Path, threads: usize) -> Result<Self, Error> {
        let mut child = Command::new(binary)
            .args(["--threads", &threads.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", binary.display()))?;
        let input = child.stdin.take().ok_or("bench-argon2 has no stdin")?;
        let output = child.stdout.take().ok_or("bench-argon2 has no stdout")?;
        Ok(Self {
            child,
            input,
            output: BufReader::new(output),
            threads,
        })
    }

    /// Verifies for `window` and adds the round's figures to `total`.
    pub(crate) fn round(&mut self, window: Duration, total: &mut RawRate) -> Result<(), Error> {
        let before = Sample::now(self.child.id());
        let started = Instant::now();
        writeln!(self.input, "{}", window.as_secs_f64())?;
        let mut line = String::new();
        self.output.read_line(&mut line)?;
        let elapsed = started.elapsed();
        let after = Sample::now(self.child.id());

        let field = |name: &str| -> Result<f64, Error> {
            line.split_whitespace()
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .and_then(|value| value.parse().ok())
                .ok_or_else(|| format!("bench-argon2 answered no {name}: {line:?}").into())
        };
        let first = total.rounds == 0;
        total.rounds += 1;
        total.threads = self.threads;
        total.hashes += field("hashes")? as u64;
        total.busy += Duration::from_secs_f64(field("busy_seconds")?);
        total.elapsed += elapsed;
        let usage = after
            .zip(before)
            .map(|(after, before)| after.since(&before));
        total.usage = if first {
            usage
        } else {
            total.usage.zip(usage).map(|(sum, more)| sum + more)
        };
        Ok(())
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        // Only this child, through its own handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
