//! `POST /forgot-password` and `POST /reset-password`.

use http::StatusCode;
use serde_json::Value;

use super::Ctx;
use crate::http::reply::{self, Outcome};
use crate::{Error, Password};

pub(super) async fn forgot_password(ctx: &Ctx<'_>) -> Outcome {
    let manager = &ctx.shared.manager;
    super::issue_for_email(ctx, async |user| {
        manager.forgot_password(user, ctx.request()).await
    })
    .await
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
