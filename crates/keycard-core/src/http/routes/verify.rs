//! `POST /request-verify-token` and `POST /verify`.

use http::StatusCode;

use super::Ctx;
use crate::Error;
use crate::http::reply::{self, Outcome};

pub(super) async fn request_verify(ctx: &Ctx<'_>) -> Outcome {
    let manager = &ctx.shared.manager;
    super::issue_for_email(ctx, async |user| {
        manager.request_verify(user, ctx.request()).await
    })
    .await
}

pub(super) async fn verify(ctx: &Ctx<'_>) -> Outcome {
    let mut input = ctx.json_input()?;
    let token = input.string("token");
    input.finish()?;
    let Some(token) = token else {
        return Err(reply::unprocessable(&[]));
    };

    match ctx.shared.manager.verify(&token, ctx.request()).await {
        Ok(user) => ctx.user_response(&user),
        Err(Error::InvalidVerifyToken | Error::UserNotExists) => {
            tracing::warn!("verify refused: bad token");
            Err(reply::detail(
                StatusCode::BAD_REQUEST,
                "VERIFY_USER_BAD_TOKEN",
            ))
        }
        Err(Error::UserAlreadyVerified) => Err(reply::detail(
            StatusCode::BAD_REQUEST,
            "VERIFY_USER_ALREADY_VERIFIED",
        )),
        Err(err) => Err(reply::internal(&err)),
    }
}
