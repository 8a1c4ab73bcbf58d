//! The double's HTTP side: one hyper connection per accepted socket, and the endpoints.

use std::collections::HashMap;
use std::io;
use std::sync::Arc;

use bytes::Bytes;
use http::request::Parts;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;

use super::TokenRequest;
use super::behaviour::{Answer, json_answer, misbehave, oauth_error, raw};
use super::state::{Refusal, Shared};

/// Accepts connections until the runtime shuts down.
pub(super) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((stream, _)) = listener.accept().await {
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { answer(&shared, request).await }
            });
            // A client that hangs up, or a `HangUp` behaviour, ends the connection.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Answers one request; an error makes hyper drop the connection unanswered.
async fn answer(shared: &Shared, request: Request<Incoming>) -> Result<Answer, io::Error> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    // Recorded on arrival, so a client that gives up waiting still left its trace.
    let token_request = (parts.uri.path() == "/token").then(|| record(shared, &parts, &body));

    let delay = shared.state().delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let answer = match (parts.uri.path(), token_request) {
        (_, Some(request)) => token(shared, &request),
        ("/authorize", None) => Some(authorize(shared, &parts)),
        ("/.well-known/openid-configuration", None) => Some(discovery(shared)),
        (path, None) => resource(shared, path, &parts),
    };
    answer.ok_or_else(|| io::Error::other("the provider double hangs up"))
}

/// Reads and records a token request.
fn record(shared: &Shared, parts: &Parts, body: &[u8]) -> TokenRequest {
    let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let request = TokenRequest::new(
        form.iter()
            .map(|(name, value)| (name.as_str(), value.as_str())),
        authorization,
    );
    shared.state().token_requests.push(request.clone());
    request
}

/// `GET /authorize`: consent at once, and back to the client with a code or an error.
fn authorize(shared: &Shared, parts: &Parts) -> Answer {
    let query = query_of(parts.uri.query().unwrap_or_default());
    let (deny, account) = {
        let state = shared.state();
        (state.deny_consent, state.account.clone())
    };
    let outcome = match shared.grant(&query, account) {
        Ok(_) if deny => Err(shared.refusal(&query, "access_denied")),
        outcome => outcome,
    };
    match outcome {
        Ok(code) => redirect(&query["redirect_uri"], "code", &code, query.get("state")),
        Err(Refusal::Redirect { to, error }) => redirect(&to, "error", error, query.get("state")),
        Err(Refusal::Stop(error)) => oauth_error(StatusCode::BAD_REQUEST, error),
    }
}

fn redirect(to: &str, name: &str, value: &str, state: Option<&String>) -> Answer {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair(name, value);
    if let Some(state) = state {
        query.append_pair("state", state);
    }
    let separator = if to.contains('?') { '&' } else { '?' };
    let location = format!("{to}{separator}{}", query.finish());
    let mut answer = raw(StatusCode::FOUND, "text/plain", Vec::new());
    if let Ok(location) = http::HeaderValue::from_str(&location) {
        answer.headers_mut().insert(header::LOCATION, location);
    }
    answer
}

/// `POST /token`: redeems a code or a refresh token, after the client authenticated.
fn token(shared: &Shared, request: &TokenRequest) -> Option<Answer> {
    let mut state = shared.state();
    if let Some(answer) = misbehave(state.token_behaviour) {
        return answer;
    }
    if !shared.client_authenticated(request) {
        return Some(oauth_error(StatusCode::UNAUTHORIZED, "invalid_client"));
    }
    let account = match request.grant_type() {
        Some("authorization_code") if state.refuse_codes => None,
        Some("authorization_code") => {
            // A code works once, whatever the outcome.
            let grant = state.grants.remove(request.code().unwrap_or_default());
            grant
                .filter(|grant| grant.redeemable_by(request))
                .map(|grant| grant.account)
        }
        Some("refresh_token") => {
            let refresh = request.field("refresh_token").unwrap_or_default();
            state.refresh_tokens.remove(refresh)
        }
        _ => {
            let answer = oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
            return Some(answer);
        }
    };
    let Some(account) = account else {
        return Some(oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"));
    };

    let (access, refresh) = state.issue_tokens(account);
    let body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "refresh_token": refresh,
    });
    Some(json_answer(StatusCode::OK, &body))
}

/// `GET /.well-known/openid-configuration` (OpenID Connect Discovery §4).
fn discovery(shared: &Shared) -> Answer {
    let base = &shared.base_url;
    let body = json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/authorize"),
        "token_endpoint": format!("{base}/token"),
        "userinfo_endpoint": format!("{base}/userinfo"),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    });
    json_answer(StatusCode::OK, &body)
}

/// Any other `GET`: the account's answer at that path, for a valid bearer token.
fn resource(shared: &Shared, path: &str, parts: &Parts) -> Option<Answer> {
    let state = shared.state();
    if let Some(answer) = misbehave(state.userinfo_behaviour) {
        return answer;
    }
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some(account) = state.access_tokens.get(bearer) else {
        let body = json!({ "message": "Bad credentials" });
        return Some(json_answer(StatusCode::UNAUTHORIZED, &body));
    };
    Some(match account.answer(path) {
        Some(body) => json_answer(StatusCode::OK, body),
        None => json_answer(StatusCode::NOT_FOUND, &json!({ "message": "Not Found" })),
    })
}

/// The query's parameters; a repeated name keeps its first value.
pub(super) fn query_of(query: &str) -> HashMap<String, String> {
    let mut pairs = HashMap::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()).into_owned() {
        pairs.entry(name).or_insert(value);
    }
    pairs
}
