//! Redacted newtypes for every secret keycard handles.
//!
//! Passwords, password hashes, tokens and signing secrets never print: their `Debug`
//! shows `Name([redacted])`, they implement no `Display`, and reading the value takes an
//! explicit [`expose_secret`](Password::expose_secret) call that is easy to find in review.
//! Equality runs in constant time ([OWASP ASVS V2.4, V3.5]) so comparing a secret leaks
//! nothing about where it first differs.
//!
//! [OWASP ASVS V2.4, V3.5]: https://owasp.org/www-project-application-security-verification-standard/

use std::fmt;

use subtle::ConstantTimeEq;

macro_rules! secret_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// Returns the secret value.
            ///
            /// # Security
            ///
            /// The value must not reach a log, an error message or a response body other
            /// than the one it is meant for.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }

            /// Consumes the wrapper and returns the secret value.
            ///
            /// # Security
            ///
            /// See [`expose_secret`](Self::expose_secret).
            pub fn into_secret(self) -> String {
                self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }

        impl PartialEq for $name {
            /// Compares in constant time with respect to the contents.
            fn eq(&self, other: &Self) -> bool {
                ct_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl Eq for $name {}

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

secret_type!(
    /// A plain-text password, as typed by a user.
    ///
    /// ```
    /// use keycard_core::Password;
    ///
    /// let password = Password::new("correct horse");
    /// assert_eq!(format!("{password:?}"), "Password([redacted])");
    /// assert_eq!(password.expose_secret(), "correct horse");
    /// ```
    Password
);

secret_type!(
    /// A password hash in PHC string form (`$argon2id$...`) or a bcrypt hash (`$2b$...`).
    ///
    /// ```
    /// use keycard_core::HashedPassword;
    ///
    /// let hash = HashedPassword::new("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA");
    /// assert_eq!(format!("{hash:?}"), "HashedPassword([redacted])");
    /// ```
    HashedPassword
);

secret_type!(
    /// A bearer token: an access JWT, an opaque database token, a reset or verify token,
    /// or a token issued by an OAuth provider.
    ///
    /// ```
    /// use keycard_core::Token;
    ///
    /// assert_eq!(format!("{:?}", Token::new("eyJ...")), "Token([redacted])");
    /// assert_eq!(Token::new("a"), Token::new("a"));
    /// assert_ne!(Token::new("a"), Token::new("b"));
    /// ```
    Token
);

secret_type!(
    /// A signing secret for HMAC-signed tokens, or a client secret of an OAuth provider.
    ///
    /// ```
    /// use keycard_core::Secret;
    ///
    /// let secret = Secret::new("s3cr3t");
    /// assert_eq!(format!("{secret:?}"), "Secret([redacted])");
    /// ```
    Secret
);

/// Compares two byte strings in constant time with respect to their contents.
///
/// Strings of different lengths compare unequal; only the length can be learned from the
/// timing, never the position of the first difference.
///
/// ```
/// assert!(keycard_core::secret::ct_eq(b"abc", b"abc"));
/// assert!(!keycard_core::secret::ct_eq(b"abc", b"abd"));
/// assert!(!keycard_core::secret::ct_eq(b"abc", b"ab"));
/// ```
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_is_redacted_for_every_secret_type() {
        let value = "hunter2-super-secret";
        let printed = [
            format!("{:?}", Password::new(value)),
            format!("{:?}", HashedPassword::new(value)),
            format!("{:?}", Token::new(value)),
            format!("{:?}", Secret::new(value)),
        ];
        for text in &printed {
            assert!(!text.contains(value), "{text} leaks the secret");
            assert!(text.ends_with("([redacted])"), "{text}");
        }
        assert_eq!(printed[0], "Password([redacted])");
    }

    #[test]
    fn redaction_holds_inside_derived_debug_of_containers() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            password: Option<Password>,
        }
        let text = format!(
            "{:?}",
            Holder {
                password: Some(Password::new("pw-123"))
            }
        );
        assert!(!text.contains("pw-123"));
    }

    #[test]
    fn equality_compares_contents() {
        assert_eq!(Secret::new("abc"), Secret::new("abc"));
        assert_ne!(Secret::new("abc"), Secret::new("abd"));
        assert_ne!(Secret::new("abc"), Secret::new("abcd"));
    }
}
