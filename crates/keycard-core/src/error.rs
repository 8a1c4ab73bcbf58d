//! The errors of keycard's core.

use std::error::Error as StdError;

/// A boxed error from a store's driver, kept as a typed source so callers can downcast it.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What a store can fail with.
///
/// Uniqueness conflicts are their own variants, raised by the store itself at write time,
/// so callers can answer "already exists" without a racy check beforehand.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Another user already has this e-mail address (compared case-insensitively).
    #[error("a user with this e-mail address already exists")]
    DuplicateEmail,
    /// This provider account is already linked to a user.
    #[error("this OAuth account is already linked to a user")]
    DuplicateOAuthAccount,
    /// A record with this identifier already exists.
    #[error("a record with this identifier already exists")]
    DuplicateId,
    /// The user or record to change does not exist.
    #[error("record not found")]
    NotFound,
    /// A stored value could not be read back (for example a malformed UUID).
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// The database driver failed.
    #[error("store backend failed")]
    Backend(#[source] BoxError),
}

impl StoreError {
    /// Wraps a driver error, keeping it as the typed source.
    ///
    /// ```
    /// use keycard_core::StoreError;
    ///
    /// let err = StoreError::backend(std::io::Error::other("disk full"));
    /// let source = std::error::Error::source(&err).unwrap();
    /// assert!(source.downcast_ref::<std::io::Error>().is_some());
    /// ```
    pub fn backend(err: impl StdError + Send + Sync + 'static) -> Self {
        Self::Backend(Box::new(err))
    }
}

/// What went wrong talking to an OAuth provider.
///
/// It never carries a token, a code, a client secret or a raw response body: only the
/// status, the provider's standard error code, or where its answer stopped making sense.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// The provider could not be reached, the connection failed or timed out.
    #[error("request to the provider failed")]
    Request(#[source] BoxError),
    /// The provider answered with an unexpected status, such as a 5xx or a redirect
    /// (redirects are never followed).
    #[error("the provider answered with status {status}")]
    Status {
        /// The HTTP status code.
        status: u16,
    },
    /// The provider refused the request with an OAuth error code (RFC 6749 §5.2), such
    /// as `invalid_client`.
    #[error("the provider refused the request with error {error:?}")]
    Refused {
        /// The provider's error code, cut to 64 printable ASCII characters.
        error: String,
    },
    /// The provider's answer is not the JSON expected.
    #[error("the provider's answer is malformed at {path:?}")]
    Malformed {
        /// Where in the answer, as a path of field names (`.` for the whole answer).
        path: String,
    },
    /// The provider's answer is larger than keycard reads.
    #[error("the provider's answer is larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The OpenID Connect discovery document names another issuer than the one asked
    /// (OpenID Connect Discovery 1.0 §4.3).
    #[error("the discovery document names another issuer")]
    IssuerMismatch,
}

impl ProviderError {
    /// A provider's error code, kept short and printable so it is safe to log.
    pub(crate) fn refused(code: &str) -> Self {
        let error = code
            .chars()
            .filter(|c| c.is_ascii_graphic())
            .take(64)
            .collect();
        Self::Refused { error }
    }
}

/// keycard's error type.
///
/// Variants that a client caused map to a 4xx answer with a stable code; the others are
/// server faults.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Registration or an update used an e-mail address that is taken.
    #[error("a user with this e-mail address already exists")]
    UserAlreadyExists,
    /// No user matches.
    #[error("user does not exist")]
    UserNotExists,
    /// The user is deactivated.
    #[error("user is inactive")]
    UserInactive,
    /// The user is verified already.
    #[error("user is already verified")]
    UserAlreadyVerified,
    /// The password rule refused a password.
    #[error("invalid password: {reason}")]
    InvalidPassword {
        /// Why, in words meant for the user.
        reason: String,
    },
    /// The e-mail address is not valid.
    #[error(transparent)]
    InvalidEmail(#[from] crate::email::EmailError),
    /// A verify token is malformed, expired, signed with another key or out of date.
    #[error("invalid verify token")]
    InvalidVerifyToken,
    /// A reset-password token is malformed, expired, used or out of date.
    #[error("invalid reset-password token")]
    InvalidResetPasswordToken,
    /// A token's `exp` has passed.
    #[error("token expired")]
    TokenExpired,
    /// A token is malformed, signed with another key or algorithm, for another audience,
    /// not yet valid, or lacks a required claim.
    #[error("token invalid")]
    TokenInvalid,
    /// This provider account already belongs to another user.
    #[error("this OAuth account is already linked to another user")]
    OAuthAccountAlreadyLinked,
    /// The OAuth provider refused the authorization code: unknown, used, expired, issued
    /// to another client or redirect URI, or its PKCE verifier did not match.
    #[error("the provider refused the authorization code")]
    OAuthCodeRefused,
    /// The OAuth provider refused the refresh token.
    #[error("the provider refused the refresh token")]
    OAuthRefreshRefused,
    /// The OAuth provider does not refresh tokens.
    #[error("the provider does not refresh tokens")]
    OAuthRefreshUnsupported,
    /// The OAuth provider reported no usable e-mail address for the account.
    #[error("the provider reported no usable e-mail address")]
    OAuthEmailUnavailable,
    /// The OAuth provider could not be reached or answered something unusable.
    #[error("the oauth provider failed")]
    OAuthProvider(#[source] ProviderError),
    /// The API or manager was configured inconsistently.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The signing keys could not be used.
    #[error("invalid signing key")]
    InvalidKey(#[source] jsonwebtoken::errors::Error),
    /// Password hashing failed or its worker was lost.
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// The store failed.
    #[error("store failed")]
    Store(#[source] StoreError),
}

impl From<ProviderError> for Error {
    fn from(err: ProviderError) -> Self {
        Self::OAuthProvider(err)
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::DuplicateEmail => Self::UserAlreadyExists,
            StoreError::NotFound => Self::UserNotExists,
            StoreError::DuplicateOAuthAccount => Self::OAuthAccountAlreadyLinked,
            other => Self::Store(other),
        }
    }
}
