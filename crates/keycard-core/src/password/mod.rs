//! Password hashing: argon2id by default, bcrypt hashes still verified, every hash run
//! off the async runtime on a bounded pool.
//!
//! The defaults follow the contract and OWASP's Password Storage Cheat Sheet: argon2id,
//! 64 MiB of memory, 3 passes, 4 lanes, a 16-byte salt and a 32-byte output, stored as a
//! PHC string. A hash made with other parameters, or with bcrypt, still verifies and is
//! reported as needing a re-hash so the next successful login can upgrade it.

mod argon;
mod pool;

use std::fmt::Debug;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;

pub use argon::Argon2Hasher;
pub use pool::PasswordHelper;

use crate::{Error, HashedPassword, Password};

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// The password does not match, or the hash is not one this hasher reads.
    Invalid,
    /// The password matches and the hash is current.
    Valid,
    /// The password matches but the hash uses another algorithm or other parameters:
    /// store a fresh hash.
    ValidNeedsRehash,
}

impl Verification {
    /// Whether the password matched.
    pub fn is_valid(self) -> bool {
        !matches!(self, Self::Invalid)
    }
}

/// A password hashing scheme. Implementations are CPU-bound and synchronous;
/// [`PasswordHelper`] runs them off the async runtime.
pub trait PasswordHasher: Debug + Send + Sync + 'static {
    /// Hashes a password with a fresh random salt.
    ///
    /// # Errors
    ///
    /// [`Error::Hashing`] when the hashing function fails.
    fn hash(&self, password: &Password) -> Result<HashedPassword, Error>;

    /// Checks a password against a stored hash, in time independent of where they differ.
    fn verify(&self, password: &Password, hash: &HashedPassword) -> Verification;
}

/// Generates a random password of 43 URL-safe characters (256 bits), for accounts that
/// sign in only through an OAuth provider.
///
/// ```
/// let password = keycard_core::password::generate_password();
/// assert_eq!(password.expose_secret().len(), 43);
/// ```
pub fn generate_password() -> Password {
    Password::new(random_url_safe(32))
}

/// Returns `bytes` random bytes from the operating system's generator, base64url-encoded
/// without padding.
pub(crate) fn random_url_safe(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}
