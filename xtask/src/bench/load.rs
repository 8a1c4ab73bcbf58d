//! The load generator: one std thread per keep-alive connection, a warm-up, then a
//! measured window of fixed length.

use std::io;
use std::net::SocketAddr;
use std::thread;
use std::time::{Duration, Instant};

use super::cpu::{Sample, Usage};
use super::http::Connection;
use super::stats::Latencies;

/// How each connection paces its requests.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Pace {
    /// The next request leaves as soon as the response arrives.
    Closed,
    /// One request per period, on a fixed schedule. Latency counts from the scheduled
    /// time, so a stalled server is not hidden by requests that were never sent.
    Every(Duration),
}

/// One load: what to send, where, how hard and for how long.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan<'a> {
    pub(crate) addr: SocketAddr,
    pub(crate) request: &'a [u8],
    pub(crate) expect_status: u16,
    pub(crate) connections: usize,
    pub(crate) pace: Pace,
    pub(crate) warmup: Duration,
    pub(crate) window: Duration,
}

/// What one load measured in its window.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// Responses with the expected status completed inside the window.
    pub(crate) ok: u64,
    /// Other statuses and I/O errors, over the whole run.
    pub(crate) failed: u64,
    /// The window's length.
    pub(crate) window: Duration,
    /// Latencies of the `ok` responses.
    pub(crate) latencies: Latencies,
    /// CPU use over the window, where the platform tells.
    pub(crate) cpu: Option<Usage>,
}

impl Outcome {
    /// Nothing measured yet; [`absorb`](Self::absorb) rounds into it.
    pub(crate) fn empty() -> Self {
        Self {
            ok: 0,
            failed: 0,
            window: Duration::ZERO,
            latencies: Latencies::default(),
            cpu: Some(Usage::default()),
        }
    }

    /// Adds another round of the same load.
    pub(crate) fn absorb(&mut self, round: Self) {
        self.ok += round.ok;
        self.failed += round.failed;
        self.window += round.window;
        self.latencies.extend(round.latencies.into_micros());
        self.cpu = self.cpu.zip(round.cpu).map(|(sum, more)| sum + more);
    }

    /// Completed requests per second.
    pub(crate) fn per_second(&self) -> f64 {
        self.ok as f64 / self.window.as_secs_f64()
    }

    /// Server CPU time per request, in microseconds.
    pub(crate) fn cpu_us_per_request(&self) -> Option<f64> {
        let cpu = self.cpu?.measured;
        (self.ok > 0).then(|| cpu.as_secs_f64() * 1e6 / self.ok as f64)
    }

    /// Cores other processes kept busy on average during the window.
    pub(crate) fn other_cores(&self) -> Option<f64> {
        Some(self.cpu?.others.as_secs_f64() / self.window.as_secs_f64())
    }
}

/// Runs `plan`, reading the CPU counters with `sample` at the window's edges.
///
/// # Errors
///
/// When a connection cannot be opened at the start.
pub(crate) fn run(
    plan: &Plan<'_>,
    sample: &(dyn Fn() -> Option<Sample> + Sync),
) -> io::Result<Outcome> {
    let connections = (0..plan.connections)
        .map(|_| Connection::open(plan.addr))
        .collect::<io::Result<Vec<_>>>()?;
    // Every thread schedules from the same instant, a moment after they all exist.
    let start = Instant::now() + Duration::from_millis(50);
    let window_start = start + plan.warmup;

    thread::scope(|scope| {
        let workers: Vec<_> = connections
            .into_iter()
            .enumerate()
            .map(|(index, connection)| scope.spawn(move || drive(plan, index, connection, start)))
            .collect();

        sleep_until(window_start);
        let before = sample();
        sleep_until(window_start + plan.window);
        let after = sample();

        let mut outcome = Outcome {
            window: plan.window,
            cpu: after
                .zip(before)
                .map(|(after, before)| after.since(&before)),
            ..Outcome::empty()
        };
        for worker in workers {
            let tally = worker.join().unwrap_or_default();
            outcome.ok += tally.ok;
            outcome.failed += tally.failed;
            outcome.latencies.extend(tally.latencies_us);
        }
        Ok(outcome)
    })
}

#[derive(Debug, Default)]
struct Tally {
    ok: u64,
    failed: u64,
    latencies_us: Vec<u32>,
}

fn drive(plan: &Plan<'_>, index: usize, mut connection: Connection, start: Instant) -> Tally {
    let window_start = start + plan.warmup;
    let window_end = window_start + plan.window;
    let mut tally = Tally::default();
    let mut scheduled = match plan.pace {
        Pace::Closed => start,
        // Connections spread evenly over one period.
        Pace::Every(period) => start + period.mul_f64(index as f64 / plan.connections as f64),
    };

    sleep_until(start);
    while scheduled < window_end {
        let from = match plan.pace {
            Pace::Closed => Instant::now(),
            Pace::Every(_) => {
                sleep_until(scheduled);
                scheduled
            }
        };
        let answer = connection.send(plan.request);
        let done = Instant::now();

        match answer {
            Ok(response) if response.status == plan.expect_status => {
                if done >= window_start && done <= window_end {
                    tally.ok += 1;
                    let micros = (done - from).as_micros();
                    tally
                        .latencies_us
                        .push(u32::try_from(micros).unwrap_or(u32::MAX));
                }
            }
            Ok(_) => tally.failed += 1,
            Err(_) => {
                tally.failed += 1;
                match Connection::open(plan.addr) {
                    Ok(fresh) => connection = fresh,
                    Err(_) => return tally,
                }
            }
        }
        scheduled = match plan.pace {
            Pace::Closed => done,
            Pace::Every(period) => scheduled + period,
        };
    }
    tally
}

fn sleep_until(instant: Instant) {
    let now = Instant::now();
    if instant > now {
        thread::sleep(instant - now);
    }
}
