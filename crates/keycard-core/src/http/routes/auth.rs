//! `POST /login` and `POST /logout` of a backend.

use http::StatusCode;

use super::Ctx;
use crate::Password;
use crate::http::current_user::CurrentUser;
use crate::http::reply::{self, Outcome};

pub(super) async fn login(ctx: &Ctx<'_>, backend: usize, requires_verification: bool) -> Outcome {
    let mut form = ctx.form_input();
    let username = form.string("username");
    let password = form.string("password");
    if let Some(grant_type) = form.optional_string("grant_type")
        && grant_type != "password"
    {
        form.push_error(grant_type_error(grant_type));
    }
    form.finish()?;
    // `finish` answered 422 already when either field was missing.
    let (Some(username), Some(password)) = (username, password) else {
        return Err(reply::unprocessable(&[]));
    };

    let manager = &ctx.shared.manager;
    let found = manager
        .authenticate(&username, Password::new(password))
        .await;
    let user = match found.map_err(|err| reply::internal(&err))? {
        Some(user) if user.is_active => user,
        _ => {
            tracing::warn!("login refused: bad credentials");
            return Err(reply::detail(
                StatusCode::BAD_REQUEST,
                "LOGIN_BAD_CREDENTIALS",
            ));
        }
    };
    if requires_verification && !user.is_verified {
        return Err(reply::detail(
            StatusCode::BAD_REQUEST,
            "LOGIN_USER_NOT_VERIFIED",
        ));
    }

    ctx.sign_in(backend, &user).await
}

pub(super) async fn logout(ctx: &Ctx<'_>, backend: usize, requires_verification: bool) -> Outcome {
    let wanted = if requires_verification {
        CurrentUser::ACTIVE.verified()
    } else {
        CurrentUser::ACTIVE
    };
    let current = ctx.current_user(wanted).await?;

    let backend = &ctx.shared.backends[backend];
    let destroyed = backend
        .strategy()
        .destroy_token(&current.token, &current.user)
        .await;
    destroyed.map_err(|err| reply::internal(&err))?;
    Ok(backend.transport().logout_response())
}

fn grant_type_error(input: String) -> crate::http::ValidationError {
    let mut error = crate::http::ValidationError::body_field(
        "grant_type",
        "string_pattern_mismatch",
        "String should match pattern '^password$'",
        serde_json::Value::String(input),
    );
    error.ctx = Some(serde_json::json!({ "pattern": "^password$" }));
    error
}
