//! `GET /callback`: state and cookie first, then the code, then the user.

use http::StatusCode;

use super::{Refusal, check_state, query, redirect_uri};
use crate::http::current_user::CurrentUser;
use crate::http::oauth::OAuthRoute;
use crate::http::reply::{self, Outcome};
use crate::http::routes::Ctx;
use crate::http::transport::with_cookie;
use crate::oauth::{PkceVerifier, ProviderAccount, ProviderTokens};
use crate::{Error, Token, User};

pub(in crate::http::routes) async fn callback(ctx: &Ctx<'_>, route: &OAuthRoute) -> Outcome {
    let current = match route.backend {
        Some(_) => None,
        None => Some(ctx.current_user(CurrentUser::ACTIVE).await?.user),
    };
    let params = query(&ctx.parts);
    let param = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    if let Some(error) = param("error") {
        tracing::debug!("oauth callback: the provider answered with an error");
        // Echoed as FastAPI Users does; JSON-encoded and cut, so it cannot do harm.
        let error: String = error.chars().take(256).collect();
        return Err(reply::detail(StatusCode::BAD_REQUEST, &error));
    }
    let Some(code) = param("code").filter(|code| !code.is_empty()) else {
        return Err(reply::detail(StatusCode::BAD_REQUEST, "Bad Request"));
    };

    // Only a state and cookie that match earn a request to the provider.
    let subject = current.as_ref().map(|user| user.id);
    let csrf_token = check_state(route, &ctx.parts, param("state"), subject)?;
    let redirect_uri = redirect_uri(route, &ctx.parts)?;
    let pkce = PkceVerifier::derive(&route.secret, &csrf_token);
    let provider = &route.provider;
    let tokens = provider
        .exchange_code(&Token::new(code), &redirect_uri, &pkce)
        .await
        .map_err(|err| provider_failure(route, &err))?;
    let account = provider
        .account(&tokens)
        .await
        .map_err(|err| provider_failure(route, &err))?;

    let response = match (current, route.backend) {
        (Some(user), _) => associate(ctx, route, &user, tokens, account).await?,
        (None, Some(backend)) => login(ctx, route, backend, tokens, account).await?,
        (None, None) => return Err(reply::unauthorized()),
    };
    Ok(with_cookie(response, &route.csrf_cookie.clear_cookie()))
}

async fn login(
    ctx: &Ctx<'_>,
    route: &OAuthRoute,
    backend: usize,
    tokens: ProviderTokens,
    account: ProviderAccount,
) -> Outcome {
    let manager = &ctx.shared.manager;
    let name = route.provider.name();
    let signed_in = manager
        .oauth_callback(name, tokens, account, route.rules, ctx.request())
        .await;
    let user = signed_in.map_err(flow_failure)?;

    ctx.sign_in(backend, &user).await
}

async fn associate(
    ctx: &Ctx<'_>,
    route: &OAuthRoute,
    user: &User,
    tokens: ProviderTokens,
    account: ProviderAccount,
) -> Outcome {
    let manager = &ctx.shared.manager;
    let name = route.provider.name();
    let linked = manager
        .oauth_associate_callback(user, name, tokens, account, ctx.request())
        .await;
    ctx.user_response(&linked.map_err(flow_failure)?)
}

/// A provider that refuses the code is the client's problem; one that is down or
/// answers garbage is a bad gateway, not a server fault of ours.
fn provider_failure(route: &OAuthRoute, err: &Error) -> Refusal {
    match err {
        Error::OAuthCodeRefused => {
            tracing::warn!("oauth callback refused: the provider refused the code");
            reply::detail(StatusCode::BAD_REQUEST, "OAUTH_INVALID_CODE")
        }
        Error::OAuthProvider(source) => {
            tracing::warn!(
                provider = route.provider.name(),
                error = %source,
                source = ?std::error::Error::source(source),
                "oauth provider failed"
            );
            reply::detail(StatusCode::BAD_GATEWAY, "OAUTH_PROVIDER_ERROR")
        }
        other => reply::internal(other),
    }
}

fn flow_failure(err: Error) -> Refusal {
    let code = match err {
        Error::OAuthEmailUnavailable => "OAUTH_NOT_AVAILABLE_EMAIL",
        Error::UserAlreadyExists | Error::OAuthAccountAlreadyLinked => "OAUTH_USER_ALREADY_EXISTS",
        Error::UserInactive => "LOGIN_BAD_CREDENTIALS",
        other => return reply::internal(&other),
    };
    tracing::warn!(code, "oauth callback refused");
    reply::detail(StatusCode::BAD_REQUEST, code)
}
