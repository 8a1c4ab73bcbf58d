//! The baselines `cargo xtask bench` measures keycard against.
//!
//! - [`app`]: a bare axum router whose `GET /users/me` returns a constant JSON body shaped
//!   like keycard's `UserRead`, with no authentication, store or tracing. It is what the
//!   example's `GET /users/me` would cost if keycard were free.
//! - [`verify_rate`]: how many argon2id verifications per second this machine does with
//!   keycard's parameters ([`Argon2Hasher`]'s constants), on as many threads as keycard's
//!   hashing pool has. A login is one such verification, so this is the ceiling of the
//!   example's login throughput.
//!
//! Two binaries serve them to the benchmark: `bench-baseline` listens on
//! `KEYCARD_HOST`:`KEYCARD_PORT` like the example apps, and `bench-argon2 --threads N`
//! answers each number of seconds it reads on standard input with one line of
//! `key=value` figures.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use http_body_util::BodyExt;
//! use tower::ServiceExt;
//!
//! let request = axum::http::Request::get("/users/me").body(axum::body::Body::empty())?;
//! let response = example_bench_baseline::app().oneshot(request).await?;
//! assert_eq!(response.status(), 200);
//! let body = response.into_body().collect().await?.to_bytes();
//! assert_eq!(body, example_bench_baseline::USER_READ.as_bytes());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

use std::thread;
use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};
use axum::Router;
use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use keycard_core::password::Argon2Hasher;
use password_hash::phc::PasswordHash;
use password_hash::{PasswordHasher as _, PasswordVerifier as _};

/// The constant body of the baseline's `GET /users/me`: a `UserRead` of the usual size.
pub const USER_READ: &str = concat!(
    r#"{"id":"5f0b6a4e-8c1d-4b7a-9e2f-3c4d5e6f7a8b","email":"bench@example.com","#,
    r#""is_active":true,"is_superuser":true,"is_verified":true}"#,
);

/// The bare axum router: `GET /users/me` answers [`USER_READ`] as `application/json`.
pub fn app() -> Router {
    Router::new().route(
        "/users/me",
        get(|| async { ([(CONTENT_TYPE, "application/json")], USER_READ) }),
    )
}

/// argon2id with exactly the parameters of [`Argon2Hasher::default`].
///
/// # Panics
///
/// Never with keycard's constants, which argon2 accepts.
pub fn argon2id() -> Argon2<'static> {
    let params = Params::new(
        Argon2Hasher::MEMORY_KIB,
        Argon2Hasher::ITERATIONS,
        Argon2Hasher::LANES,
        Some(Argon2Hasher::OUTPUT_LEN),
    )
    .expect("keycard's argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// What [`verify_rate`] measured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Threads verifying side by side.
    pub threads: usize,
    /// Verifications done in all.
    pub hashes: u64,
    /// Time spent verifying, summed over the threads.
    pub busy: Duration,
    /// Verifications per second, summed over the threads (each thread's count over the
    /// time it spent verifying).
    pub per_second: f64,
    /// Mean time of one verification, in milliseconds.
    pub mean_ms: f64,
}

/// Verifies one password against its argon2id PHC string on `threads` threads for about
/// `duration` (each thread finishes the verification it started), as a login does.
///
/// # Panics
///
/// If argon2 fails to hash with keycard's parameters, or a thread panics.
pub fn verify_rate(threads: usize, duration: Duration) -> Rate {
    let password = b"correct horse battery staple";
    let phc = argon2id()
        .hash_password(password)
        .expect("argon2id hashes")
        .to_string();
    let deadline = Instant::now() + duration;

    let per_thread: Vec<(u64, Duration)> = thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| scope.spawn(|| verify_until(password, &phc, deadline)))
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join().expect("verifying thread"))
            .collect()
    });

    let hashes = per_thread.iter().map(|(n, _)| n).sum::<u64>();
    let busy = per_thread.iter().map(|(_, busy)| *busy).sum::<Duration>();
    Rate {
        threads: per_thread.len(),
        hashes,
        busy,
        per_second: per_thread
            .iter()
            .map(|(n, busy)| *n as f64 / busy.as_secs_f64().max(f64::EPSILON))
            .sum(),
        mean_ms: busy.as_secs_f64() * 1e3 / hashes.max(1) as f64,
    }
}

fn verify_until(password: &[u8], phc: &str, deadline: Instant) -> (u64, Duration) {
    let argon2 = argon2id();
    let (mut hashes, mut busy) = (0, Duration::ZERO);
    while hashes == 0 || Instant::now() < deadline {
        let started = Instant::now();
        // Parsed each time, as keycard parses the stored hash on every login.
        let parsed = PasswordHash::new(phc).expect("own PHC string parses");
        let verified = argon2.verify_password(password, &parsed);
        busy += started.elapsed();
        assert!(verified.is_ok(), "the password verifies");
        hashes += 1;
    }
    (hashes, busy)
}

#[cfg(test)]
mod tests {
    use keycard_core::Password;
    use keycard_core::password::PasswordHasher as _;

    use super::*;

    #[test]
    fn baseline_uses_the_parameters_keycard_hashes_with() {
        let ours = argon2id().hash_password(b"pw").expect("hash").to_string();
        let keycard = Argon2Hasher::default()
            .hash(&Password::new("pw"))
            .expect("hash");
        let params = |phc: &str| phc.rsplitn(3, '$').nth(2).map(str::to_owned);
        assert_eq!(params(&ours), params(keycard.expose_secret()));
    }

    #[test]
    fn verify_rate_counts_at_least_one_hash_per_thread() {
        let rate = verify_rate(2, Duration::ZERO);
        assert_eq!(rate.threads, 2);
        assert!(rate.hashes >= 2);
        assert!(rate.per_second > 0.0 && rate.mean_ms > 0.0);
    }
}
