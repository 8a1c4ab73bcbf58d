use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use keycard_core::User;
use keycard_core::http::{CurrentUser, Keycard};

async fn resolve(parts: &Parts, wanted: CurrentUser) -> Result<Option<User>, Response> {
    let Some(keycard) = parts.extensions.get::<Keycard>() else {
        tracing::error!("keycard extractor used on a route without KeycardLayer");
        return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
    };
    let found = keycard.current_user(&parts.headers, wanted).await;
    found.map_err(IntoResponse::into_response)
}

async fn required(parts: &Parts, wanted: CurrentUser) -> Result<User, Response> {
    resolve(parts, wanted)
        .await?
        .ok_or_else(|| StatusCode::UNAUTHORIZED.into_response())
}

macro_rules! user_extractor {
    ($(#[$meta:meta])* $name:ident, $wanted:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name(pub User);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Response;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
                required(parts, $wanted).await.map(Self)
            }
        }
    };
}

user_extractor!(
    /// The current user, who must be active; 401 otherwise.
    ActiveUser,
    CurrentUser::ACTIVE
);

user_extractor!(
    /// The current user, who must be active (401 otherwise) and verified (403 otherwise).
    VerifiedUser,
    CurrentUser::ACTIVE.verified()
);

user_extractor!(
    /// The current user, who must be active (401 otherwise) and a superuser (403
    /// otherwise).
    Superuser,
    CurrentUser::ACTIVE.superuser()
);

/// The current user if a valid token names one, active or not; never a rejection for
/// a missing or bad token.
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<User>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        resolve(parts, CurrentUser::OPTIONAL).await.map(Self)
    }
}
