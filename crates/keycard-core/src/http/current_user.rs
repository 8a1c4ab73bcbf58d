//! Resolving the current user from request headers.

use http::{HeaderMap, Response};

use super::backend::AuthBackend;
use super::reply::{self, Body};
use crate::{Error, User, UserStore};

/// What a route asks of the current user.
///
/// Without a user, or with an inactive one where `active` is asked, the answer is 401;
/// with a user lacking `verified` or `superuser`, 403. With `optional`, every such case
/// yields no user instead of an error.
///
/// ```
/// use keycard_core::http::CurrentUser;
///
/// let admin = CurrentUser::ACTIVE.superuser();
/// assert!(admin.active && admin.superuser && !admin.optional);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurrentUser {
    /// The user must be active.
    pub active: bool,
    /// The user must be verified.
    pub verified: bool,
    /// The user must be a superuser.
    pub superuser: bool,
    /// A missing or unqualified user is `None` rather than an error.
    pub optional: bool,
}

impl CurrentUser {
    /// Any authenticated user, active or not.
    pub const ANY: Self = Self {
        active: false,
        verified: false,
        superuser: false,
        optional: false,
    };
    /// An active user: what most routes ask.
    pub const ACTIVE: Self = Self {
        active: true,
        ..Self::ANY
    };
    /// An optional user of any kind.
    pub const OPTIONAL: Self = Self {
        optional: true,
        ..Self::ANY
    };

    /// Also requires a verified user.
    #[must_use]
    pub const fn verified(self) -> Self {
        Self {
            verified: true,
            ..self
        }
    }

    /// Also requires a superuser.
    #[must_use]
    pub const fn superuser(self) -> Self {
        Self {
            superuser: true,
            ..self
        }
    }

    /// Makes the user optional.
    #[must_use]
    pub const fn optional(self) -> Self {
        Self {
            optional: true,
            ..self
        }
    }
}

/// A user with the token that authenticated them.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated {
    pub(crate) user: User,
    pub(crate) token: String,
}

/// Tries each backend in order; the first token that resolves to a user wins.
pub(crate) async fn authenticate(
    backends: &[AuthBackend],
    users: &dyn UserStore,
    headers: &HeaderMap,
) -> Result<Option<Authenticated>, Error> {
    for backend in backends {
        let Some(token) = backend.transport().read_token(headers) else {
            continue;
        };
        if let Some(user) = backend.strategy().read_token(&token, users).await? {
            tracing::Span::current().record("user.id", tracing::field::display(user.id));
            return Ok(Some(Authenticated { user, token }));
        }
    }
    Ok(None)
}

/// Applies a [`CurrentUser`] requirement to the outcome of [`authenticate`].
pub(crate) fn require(
    found: Option<Authenticated>,
    wanted: CurrentUser,
) -> Result<Option<Authenticated>, Response<Body>> {
    let refusal = match &found {
        None => Some(reply::unauthorized()),
        Some(auth) if wanted.active && !auth.user.is_active => Some(reply::unauthorized()),
        Some(auth) if wanted.verified && !auth.user.is_verified => Some(reply::forbidden()),
        Some(auth) if wanted.superuser && !auth.user.is_superuser => Some(reply::forbidden()),
        Some(_) => None,
    };
    match refusal {
        None => Ok(found),
        Some(_) if wanted.optional => Ok(None),
        Some(response) => Err(response),
    }
}
