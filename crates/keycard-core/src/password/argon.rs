use argon2::{Algorithm, Argon2, Params, Version};
use password_hash::phc::PasswordHash;
use password_hash::{PasswordHasher as _, PasswordVerifier as _};

use super::{PasswordHasher, Verification};
use crate::{Error, HashedPassword, Password};

/// The default hasher: argon2id with the contract's parameters; verifies bcrypt hashes
/// too.
///
/// ```
/// use keycard_core::Password;
/// use keycard_core::password::{Argon2Hasher, PasswordHasher, Verification};
///
/// let hasher = Argon2Hasher::default();
/// let hash = hasher.hash(&Password::new("correct horse"))?;
/// assert!(hash.expose_secret().starts_with("$argon2id$v=19$m=65536,t=3,p=4$"));
/// assert_eq!(hasher.verify(&Password::new("correct horse"), &hash), Verification::Valid);
/// assert_eq!(hasher.verify(&Password::new("wrong"), &hash), Verification::Invalid);
/// # Ok::<(), keycard_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Argon2Hasher {
    params: Params,
}

impl Argon2Hasher {
    /// Memory cost in KiB: 64 MiB.
    pub const MEMORY_KIB: u32 = 65_536;
    /// Number of passes.
    pub const ITERATIONS: u32 = 3;
    /// Degree of parallelism (lanes).
    pub const LANES: u32 = 4;
    /// Length of the hash output in bytes.
    pub const OUTPUT_LEN: usize = 32;

    /// A hasher with custom argon2id costs; hashes made with other costs then verify as
    /// [`Verification::ValidNeedsRehash`].
    ///
    /// # Errors
    ///
    /// [`Error::Hashing`] when argon2 refuses the parameters.
    pub fn with_params(memory_kib: u32, iterations: u32, lanes: u32) -> Result<Self, Error> {
        let params = Params::new(memory_kib, iterations, lanes, Some(Self::OUTPUT_LEN))
            .map_err(|err| Error::Hashing(err.to_string()))?;
        Ok(Self { params })
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    fn verify_argon2(&self, password: &Password, hash: &str) -> Verification {
        let Ok(parsed) = PasswordHash::new(hash) else {
            return Verification::Invalid;
        };
        // The hash's own algorithm, version and costs drive verification.
        if self
            .argon2()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_err()
        {
            return Verification::Invalid;
        }
        if self.is_current(&parsed) {
            Verification::Valid
        } else {
            Verification::ValidNeedsRehash
        }
    }

    fn is_current(&self, parsed: &PasswordHash) -> bool {
        let Ok(params) = Params::try_from(parsed) else {
            return false;
        };
        parsed.algorithm.as_str() == "argon2id"
            && parsed.version == Some(Version::V0x13.into())
            && params.m_cost() == self.params.m_cost()
            && params.t_cost() == self.params.t_cost()
            && params.p_cost() == self.params.p_cost()
            && params.output_len() == self.params.output_len()
            && parsed.salt.is_some_and(|salt| salt.len() >= 16)
    }
}

impl Default for Argon2Hasher {
    fn default() -> Self {
        Self {
            params: Params::new(
                Self::MEMORY_KIB,
                Self::ITERATIONS,
                Self::LANES,
                Some(Self::OUTPUT_LEN),
            )
            .unwrap_or(Params::DEFAULT),
        }
    }
}

// FIXME: every hash allocates and faults in a fresh 64 MiB block array (about 20% of a
// verification's time in the benchmark); reusing one zeroed array per hashing thread via
// `Argon2::hash_password_into_with_memory` would need a verify path of our own.
impl PasswordHasher for Argon2Hasher {
    fn hash(&self, password: &Password) -> Result<HashedPassword, Error> {
        let hash = self
            .argon2()
            .hash_password(password.expose_secret().as_bytes())
            .map_err(|err| Error::Hashing(err.to_string()))?;
        Ok(HashedPassword::new(hash.to_string()))
    }

    fn verify(&self, password: &Password, hash: &HashedPassword) -> Verification {
        let hash = hash.expose_secret();
        if hash.starts_with("$2") {
            return match bcrypt::verify(password.expose_secret(), hash) {
                Ok(true) => Verification::ValidNeedsRehash,
                _ => Verification::Invalid,
            };
        }
        self.verify_argon2(password, hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> Argon2Hasher {
        Argon2Hasher::with_params(1024, 1, 1).expect("valid params")
    }

    #[test]
    fn default_hash_uses_contract_parameters_and_salt_length() {
        let hash = Argon2Hasher::default()
            .hash(&Password::new("pw"))
            .expect("hash");
        let parsed = PasswordHash::new(hash.expose_secret()).expect("phc");
        assert_eq!(parsed.algorithm.as_str(), "argon2id");
        assert_eq!(parsed.salt.map(|s| s.len()), Some(16));
        assert_eq!(parsed.hash.map(|h| h.len()), Some(32));
        assert!(
            hash.expose_secret()
                .starts_with("$argon2id$v=19$m=65536,t=3,p=4$")
        );
    }

    #[test]
    fn hashes_with_other_costs_verify_but_need_rehash() {
        let old = fast().hash(&Password::new("pw")).expect("hash");
        let verdict = Argon2Hasher::default().verify(&Password::new("pw"), &old);
        assert_eq!(verdict, Verification::ValidNeedsRehash);
        let wrong = Argon2Hasher::default().verify(&Password::new("px"), &old);
        assert_eq!(wrong, Verification::Invalid);
    }

    #[test]
    fn argon2i_hashes_need_rehash() {
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::DEFAULT)
            .hash_password(b"pw")
            .expect("hash")
            .to_string();
        let verdict = fast().verify(&Password::new("pw"), &HashedPassword::new(argon2i));
        assert_eq!(verdict, Verification::ValidNeedsRehash);
    }

    #[test]
    fn bcrypt_hashes_verify_and_need_rehash() {
        let hash = bcrypt::hash("pw", 4).expect("bcrypt");
        assert!(hash.starts_with("$2b$"));
        let hash = HashedPassword::new(hash);
        assert_eq!(
            fast().verify(&Password::new("pw"), &hash),
            Verification::ValidNeedsRehash
        );
        assert_eq!(
            fast().verify(&Password::new("px"), &hash),
            Verification::Invalid
        );
    }

    #[test]
    fn garbage_hashes_never_verify() {
        for garbage in ["", "plain", "$argon2id$", "$2b$04$short", "$unknown$v=1$x"] {
            let verdict = fast().verify(&Password::new(""), &HashedPassword::new(garbage));
            assert_eq!(verdict, Verification::Invalid, "{garbage}");
        }
    }
}
