//! `GET /authorize`: the provider's authorization URL and the CSRF cookie.

use http::StatusCode;
use serde_json::json;

use super::{query, redirect_uri, state_token};
use crate::http::current_user::CurrentUser;
use crate::http::oauth::OAuthRoute;
use crate::http::reply::{self, Outcome};
use crate::http::routes::Ctx;
use crate::http::transport::with_cookie;
use crate::oauth::{AuthorizationRequest, PkceVerifier};
use crate::password::random_url_safe;

pub(in crate::http::routes) async fn authorize(ctx: &Ctx<'_>, route: &OAuthRoute) -> Outcome {
    let subject = match route.backend {
        Some(_) => None,
        None => Some(ctx.current_user(CurrentUser::ACTIVE).await?.user.id),
    };
    let scopes: Vec<String> = query(&ctx.parts)
        .into_iter()
        .filter(|(name, _)| name == "scopes")
        .map(|(_, scope)| scope)
        .collect();
    let redirect_uri = redirect_uri(route, &ctx.parts)?;

    let csrf_token = random_url_safe(32);
    let state = state_token(route, subject, &csrf_token).map_err(|err| reply::internal(&err))?;
    let pkce = PkceVerifier::derive(&route.secret, &csrf_token);
    let request = AuthorizationRequest {
        redirect_uri: &redirect_uri,
        state: state.expose_secret(),
        scopes: &scopes,
        pkce: &pkce,
    };
    let url = route
        .provider
        .authorization_url(request)
        .map_err(|err| reply::internal(&err))?;

    let response = reply::json(StatusCode::OK, &json!({ "authorization_url": url }));
    Ok(with_cookie(
        response,
        &route.csrf_cookie.set_cookie(&csrf_token),
    ))
}
