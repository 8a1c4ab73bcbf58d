use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{Argon2Hasher, PasswordHasher, Verification};
use crate::{Error, HashedPassword, Password};

/// Runs a [`PasswordHasher`] on tokio's blocking threads, at most `concurrency` hashes at
/// a time.
///
/// Each argon2id hash takes 64 MiB and tens of milliseconds of CPU. Running it inline
/// would stall every request sharing the worker thread; running it unbounded would let a
/// burst of logins take all memory and CPU. Requests over the bound wait their turn
/// asynchronously, so the runtime keeps serving everything else.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use keycard_core::Password;
/// use keycard_core::password::PasswordHelper;
///
/// let helper = PasswordHelper::default();
/// let hash = helper.hash(Password::new("correct horse")).await?;
/// assert!(helper.verify(Password::new("correct horse"), hash).await?.is_valid());
/// # Ok::<(), keycard_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct PasswordHelper {
    hasher: Arc<dyn PasswordHasher>,
    permits: Arc<Semaphore>,
    concurrency: usize,
}

impl PasswordHelper {
    /// A helper running `hasher` with at most `concurrency` hashes at once (at least 1).
    pub fn new(hasher: impl PasswordHasher, concurrency: usize) -> Self {
        let concurrency = concurrency.max(1);
        Self {
            hasher: Arc::new(hasher),
            permits: Arc::new(Semaphore::new(concurrency)),
            concurrency,
        }
    }

    /// The number of hashes that may run at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Hashes a password.
    ///
    /// # Errors
    ///
    /// [`Error::Hashing`] when the hasher fails or its thread is lost.
    pub async fn hash(&self, password: Password) -> Result<HashedPassword, Error> {
        self.run(move |hasher| hasher.hash(&password)).await?
    }

    /// Verifies a password against a hash.
    ///
    /// # Errors
    ///
    /// [`Error::Hashing`] when the hashing thread is lost.
    pub async fn verify(
        &self,
        password: Password,
        hash: HashedPassword,
    ) -> Result<Verification, Error> {
        self.run(move |hasher| hasher.verify(&password, &hash))
            .await
    }

    // FIXME: hashes share tokio's blocking pool at normal priority; on a small machine a
    // saturated pool delays request handling (benchmark: p99 of /users/me 0.9 ms alone,
    // 5-9 ms with logins saturating). Dedicated lower-priority threads would isolate it.
    async fn run<T, F>(&self, job: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&dyn PasswordHasher) -> T + Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| Error::Hashing("hashing pool closed".into()))?;
        let hasher = Arc::clone(&self.hasher);
        let outcome = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            job(hasher.as_ref())
        })
        .await;
        outcome.map_err(|err| Error::Hashing(format!("hashing task failed: {err}")))
    }
}

impl Default for PasswordHelper {
    /// [`Argon2Hasher::default`] with one hash per available core.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::new(Argon2Hasher::default(), cores)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[derive(Debug, Default)]
    struct Counting {
        running: AtomicUsize,
        peak: AtomicUsize,
    }

    impl PasswordHasher for Arc<Counting> {
        fn hash(&self, password: &Password) -> Result<HashedPassword, Error> {
            let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            self.running.fetch_sub(1, Ordering::SeqCst);
            Ok(HashedPassword::new(password.expose_secret()))
        }

        fn verify(&self, _: &Password, _: &HashedPassword) -> Verification {
            Verification::Invalid
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn never_runs_more_hashes_than_its_bound() {
        let counting = Arc::new(Counting::default());
        let helper = PasswordHelper::new(Arc::clone(&counting), 2);
        let jobs: Vec<_> = (0..12)
            .map(|i| {
                let helper = helper.clone();
                tokio::spawn(async move { helper.hash(Password::new(format!("p{i}"))).await })
            })
            .collect();
        for job in jobs {
            job.await.expect("join").expect("hash");
        }
        assert_eq!(counting.peak.load(Ordering::SeqCst), 2);
    }

    #[derive(Debug)]
    struct Gated {
        started: AtomicUsize,
        release: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
    }

    impl PasswordHasher for Arc<Gated> {
        fn hash(&self, password: &Password) -> Result<HashedPassword, Error> {
            self.started.fetch_add(1, Ordering::SeqCst);
            let release = self.release.lock().expect("lock");
            // Bounded, so a regression fails the test instead of hanging it.
            release
                .recv_timeout(Duration::from_secs(5))
                .map_err(|_| Error::Hashing("never released".into()))?;
            Ok(HashedPassword::new(password.expose_secret()))
        }

        fn verify(&self, _: &Password, _: &HashedPassword) -> Verification {
            Verification::Invalid
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn hashing_leaves_the_runtime_thread_free() {
        let (release, gate) = std::sync::mpsc::channel();
        let gated = Arc::new(Gated {
            started: AtomicUsize::new(0),
            release: std::sync::Mutex::new(gate),
        });
        let helper = PasswordHelper::new(Arc::clone(&gated), 1);
        let hashing = tokio::spawn(async move { helper.hash(Password::new("p")).await });

        // The runtime's only thread sees the hash start and then releases it: were the
        // hash running on this thread, it could do neither.
        let mut spins = 0;
        while gated.started.load(Ordering::SeqCst) == 0 && spins < 1_000_000 {
            tokio::task::yield_now().await;
            spins += 1;
        }
        assert_eq!(gated.started.load(Ordering::SeqCst), 1);
        release.send(()).expect("hasher waits for release");
        hashing.await.expect("join").expect("hash");
    }
}
