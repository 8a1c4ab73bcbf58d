//! `/me` and `/{id}`.

use http::StatusCode;
use uuid::Uuid;

use super::Ctx;
use crate::http::current_user::CurrentUser;
use crate::http::reply::{self, Outcome};
use crate::manager::UserUpdate;
use crate::{Error, Password, User};

fn wanted(requires_verification: bool) -> CurrentUser {
    if requires_verification {
        CurrentUser::ACTIVE.verified()
    } else {
        CurrentUser::ACTIVE
    }
}

pub(super) async fn me(ctx: &Ctx<'_>, requires_verification: bool) -> Outcome {
    let current = ctx.current_user(wanted(requires_verification)).await?;
    ctx.user_response(&current.user)
}

pub(super) async fn update_me(ctx: &Ctx<'_>, requires_verification: bool) -> Outcome {
    let current = ctx.current_user(wanted(requires_verification)).await?;
    let update = read_update(ctx, &current.user, true)?;
    apply_update(ctx, update, &current.user, true).await
}

pub(super) async fn get_user(ctx: &Ctx<'_>, id: &str) -> Outcome {
    let user = superuser_target(ctx, id).await?;
    ctx.user_response(&user)
}

pub(super) async fn update_user(ctx: &Ctx<'_>, id: &str) -> Outcome {
    let user = superuser_target(ctx, id).await?;
    let update = read_update(ctx, &user, false)?;
    apply_update(ctx, update, &user, false).await
}

pub(super) async fn delete_user(ctx: &Ctx<'_>, id: &str) -> Outcome {
    let user = superuser_target(ctx, id).await?;
    match ctx.shared.manager.delete(&user, ctx.request()).await {
        Ok(()) => Ok(reply::empty(StatusCode::NO_CONTENT)),
        Err(Error::UserNotExists) => Err(reply::not_found()),
        Err(err) => Err(reply::internal(&err)),
    }
}

/// The user an administrator acts on: 401/403 before any 404, as FastAPI Users does.
async fn superuser_target(ctx: &Ctx<'_>, id: &str) -> Result<User, http::Response<reply::Body>> {
    ctx.current_user(CurrentUser::ACTIVE.superuser()).await?;
    let id = Uuid::parse_str(id).map_err(|_| reply::not_found())?;
    match ctx.shared.manager.get(id).await {
        Ok(user) => Ok(user),
        Err(Error::UserNotExists) => Err(reply::not_found()),
        Err(err) => Err(reply::internal(&err)),
    }
}

fn read_update(
    ctx: &Ctx<'_>,
    user: &User,
    safe: bool,
) -> Result<UserUpdate, http::Response<reply::Body>> {
    let mut input = ctx.json_input()?;
    let mut update = UserUpdate {
        email: input.optional_email("email"),
        password: input.optional_string("password").map(Password::new),
        ..UserUpdate::default()
    };
    if !safe {
        update.is_active = input.optional_bool("is_active");
        update.is_superuser = input.optional_bool("is_superuser");
        update.is_verified = input.optional_bool("is_verified");
    }
    let fields = input.custom_fields(|body| ctx.shared.fields.update(&user.fields, body));
    input.finish()?;
    update.fields = fields.unwrap_or_default();
    Ok(update)
}

async fn apply_update(ctx: &Ctx<'_>, update: UserUpdate, user: &User, safe: bool) -> Outcome {
    match ctx
        .shared
        .manager
        .update(update, user, safe, ctx.request())
        .await
    {
        Ok(user) => ctx.user_response(&user),
        Err(Error::UserAlreadyExists) => Err(reply::detail(
            StatusCode::BAD_REQUEST,
            "UPDATE_USER_EMAIL_ALREADY_EXISTS",
        )),
        Err(Error::InvalidPassword { reason }) => Err(reply::detail_with_reason(
            "UPDATE_USER_INVALID_PASSWORD",
            &reason,
        )),
        Err(Error::UserNotExists) => Err(reply::not_found()),
        Err(err) => Err(reply::internal(&err)),
    }
}
