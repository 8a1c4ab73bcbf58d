//! `POST /register`.

use http::StatusCode;

use super::Ctx;
use crate::http::reply::{self, Outcome};
use crate::manager::UserCreate;
use crate::{Error, Password};

pub(super) async fn register(ctx: &Ctx<'_>) -> Outcome {
    let mut input = ctx.json_input()?;
    let email = input.email("email");
    let password = input.string("password");
    let fields = input.custom_fields(|body| ctx.shared.fields.create(body));
    input.finish()?;
    // `finish` answered 422 already when anything was missing or wrong.
    let (Some(email), Some(password), Some(fields)) = (email, password, fields) else {
        return Err(reply::unprocessable(&[]));
    };

    let create = UserCreate::new(email, Password::new(password)).fields(fields);
    create_user(ctx, create).await
}

async fn create_user(ctx: &Ctx<'_>, create: UserCreate) -> Outcome {
    match ctx.shared.manager.create(create, true, ctx.request()).await {
        Ok(user) => Ok(reply::json(StatusCode::CREATED, &ctx.user_read(&user))),
        Err(Error::InvalidPassword { reason }) => Err(reply::detail_with_reason(
            "REGISTER_INVALID_PASSWORD",
            &reason,
        )),
        Err(Error::UserAlreadyExists) => Err(reply::detail(
            StatusCode::BAD_REQUEST,
            "REGISTER_USER_ALREADY_EXISTS",
        )),
        Err(err) => Err(reply::internal(&err)),
    }
}
