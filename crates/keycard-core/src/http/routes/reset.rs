//! `POST /forgot-password` and `POST /reset-password`.

use http::StatusCode;
use serde_json::Value;

use super::Ctx;
use crate::http::reply::{self, Outcome};
use crate::{Error, Password};

pub(super) async fn forgot_password(ctx: &Ctx<'_>) -> Outcome {
    let mut input = ctx.json_input()?;
    let email = input.email("email");
    input.finish()?;

    let accepted = Ok(reply::json(StatusCode::ACCEPTED, &Value::Null));
    let Some(email) = email else {
        return accepted;
    };
    // The same answer whether or not the address has an account (OWASP Forgot Password
    // Cheat Sheet): only an active user gets a token.
    let manager = &ctx.shared.manager;
    match manager.get_by_email(&email).await {
        Ok(user) => match manager.forgot_password(&user, ctx.request()).await {
            Ok(_) | Err(Error::UserInactive) => accepted,
            Err(err) => Err(reply::internal(&err)),
        },
        Err(Error::UserNotExists) => accepted,
        Err(err) => Err(reply::internal(&err)),
    }
}

pub(super) async fn reset_password(ctx: &Ctx<'_>) -> Outcome {
    let mut input = ctx.json_input()?;
    let token = input.string("token");
    let password = input.string("password");
    input.finish()?;
    let (Some(token), Some(password)) = (token, password) else {
        return Err(reply::unprocessable(&[]));
    };

    let manager = &ctx.shared.manager;
    match manager
        .reset_password(&token, Password::new(password), ctx.request())
        .await
    {
        Ok(_) => Ok(reply::json(StatusCode::OK, &Value::Null)),
        Err(Error::InvalidResetPasswordToken | Error::UserNotExists | Error::UserInactive) => {
            tracing::warn!("reset refused: bad token");
            Err(reply::detail(
                StatusCode::BAD_REQUEST,
                "RESET_PASSWORD_BAD_TOKEN",
            ))
        }
        Err(Error::InvalidPassword { reason }) => Err(reply::detail_with_reason(
            "RESET_PASSWORD_INVALID_PASSWORD",
            &reason,
        )),
        Err(err) => Err(reply::internal(&err)),
    }
}
