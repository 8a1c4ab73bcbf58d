//! A provider double: an OAuth 2.0 authorization server on a loopback port that checks
//! what keycard sends it (client credentials, redirect URI, PKCE verifier) and can be
//! told to misbehave.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

pub const CLIENT_ID: &str = "double-client";
pub const CLIENT_SECRET: &str = "double-client-secret";

/// How the token or user-info endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Normal,
    /// 500 with an HTML page.
    ServerError,
    /// 200 with a body that is not JSON.
    Garbage,
    /// 200 with JSON missing the fields expected.
    WrongShape,
    /// 302 to another place.
    Redirect,
    /// 200 `{"error": "bad_verification_code"}`, as GitHub answers.
    ErrorWith200,
    /// 400 `{"error": "invalid_client"}`.
    InvalidClient,
    /// A body larger than keycard reads.
    Huge,
}

/// What one GET path answers for an account: `(path, JSON)`.
pub type Account = Vec<(String, Value)>;

/// The usual OpenID-style account at `/userinfo`.
pub fn userinfo(id: &str, email: Option<&str>, verified: bool) -> Account {
    vec![(
        "/userinfo".into(),
        json!({ "sub": id, "email": email, "email_verified": verified }),
    )]
}

#[derive(Debug, Clone)]
struct Grant {
    challenge: String,
    redirect_uri: String,
    client_id: String,
    account: Account,
}

#[derive(Debug, Default)]
pub struct State {
    grants: HashMap<String, Grant>,
    tokens: HashMap<String, Account>,
    refresh: HashMap<String, Account>,
    issued: u32,
    /// Every token request's form fields (plus `authorization` when sent).
    pub token_requests: Vec<HashMap<String, String>>,
    pub token_mode: Mode,
    pub userinfo_mode: Mode,
}

#[derive(Clone)]
pub struct Double {
    pub base: String,
    state: Arc<Mutex<State>>,
}

impl Double {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let double = Self { base, state };
        let server = double.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let server = server.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let server = server.clone();
                        async move { Ok::<_, Infallible>(server.answer(request).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        double
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().expect("lock")
    }

    pub fn endpoints(&self) -> keycard_core::oauth::Endpoints {
        keycard_core::oauth::Endpoints::new(
            format!("{}/authorize", self.base),
            format!("{}/token", self.base),
            format!("{}/userinfo", self.base),
        )
    }

    /// What a user's consent at the provider yields: a code for the attempt that
    /// `authorization_url` starts, bound to its PKCE challenge and redirect URI.
    pub fn approve(&self, authorization_url: &str, account: Account) -> String {
        let url = url::Url::parse(authorization_url).expect("authorization URL");
        let query: HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(query["response_type"], "code");
        assert_eq!(query["code_challenge_method"], "S256");
        let mut state = self.state();
        state.issued += 1;
        let code = format!("code-{}", state.issued);
        let grant = Grant {
            challenge: query["code_challenge"].clone(),
            redirect_uri: query["redirect_uri"].clone(),
            client_id: query["client_id"].clone(),
            account,
        };
        state.grants.insert(code.clone(), grant);
        code
    }

    async fn answer(&self, request: Request<Incoming>) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let body = body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let path = parts.uri.path().to_owned();
        if path == "/token" {
            let mut fields: HashMap<String, String> =
                form_urlencoded::parse(&body).into_owned().collect();
            if let Some(auth) = parts.headers.get("authorization") {
                fields.insert("authorization".into(), auth.to_str().unwrap_or("").into());
            }
            return self.token(fields);
        }
        if path == "/.well-known/openid-configuration" {
            let base = &self.base;
            return json_response(
                StatusCode::OK,
                &json!({
                    "issuer": base,
                    "authorization_endpoint": format!("{base}/authorize"),
                    "token_endpoint": format!("{base}/token"),
                    "userinfo_endpoint": format!("{base}/userinfo"),
                    "token_endpoint_auth_methods_supported": ["client_secret_post"],
                }),
            );
        }
        let bearer = parts
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_owned();
        self.resource(&path, &bearer)
    }

    fn token(&self, fields: HashMap<String, String>) -> Response<Full<Bytes>> {
        let mut state = self.state();
        state.token_requests.push(fields.clone());
        if let Some(response) = misbehave(state.token_mode) {
            return response;
        }
        if !client_authenticated(&fields) {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
        }
        let account = match fields.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {
                let code = fields.get("code").cloned().unwrap_or_default();
                // A code works once, whatever the outcome.
                let Some(grant) = state.grants.remove(&code) else {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
                };
                let verifier = fields.get("code_verifier").cloned().unwrap_or_default();
                let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                let redirect = fields.get("redirect_uri").cloned().unwrap_or_default();
                if challenge != grant.challenge
                    || redirect != grant.redirect_uri
                    || grant.client_id != CLIENT_ID
                {
                    return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
                }
                grant.account
            }
            Some("refresh_token") => {
                let token = fields.get("refresh_token").cloned().unwrap_or_default();
                match state.refresh.remove(&token) {
                    Some(account) => account,
                    None => return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant"),
                }
            }
            _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
        };
        state.issued += 1;
        let access = format!("access-{}", state.issued);
        let refresh = format!("refresh-{}", state.issued);
        state.tokens.insert(access.clone(), account.clone());
        state.refresh.insert(refresh.clone(), account);
        json_response(
            StatusCode::OK,
            &json!({
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": 3600,
                "refresh_token": refresh,
            }),
        )
    }

    fn resource(&self, path: &str, bearer: &str) -> Response<Full<Bytes>> {
        let state = self.state();
        if let Some(response) = misbehave(state.userinfo_mode) {
            return response;
        }
        let Some(account) = state.tokens.get(bearer) else {
            return json_response(
                StatusCode::UNAUTHORIZED,
                &json!({"message": "Bad credentials"}),
            );
        };
        match account.iter().find(|(p, _)| p == path) {
            Some((_, value)) => json_response(StatusCode::OK, value),
            None => json_response(StatusCode::NOT_FOUND, &json!({"message": "Not Found"})),
        }
    }
}

fn client_authenticated(fields: &HashMap<String, String>) -> bool {
    let in_body = fields.get("client_id").map(String::as_str) == Some(CLIENT_ID)
        && fields.get("client_secret").map(String::as_str) == Some(CLIENT_SECRET);
    let basic = format!(
        "Basic {}",
        STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"))
    );
    in_body || fields.get("authorization") == Some(&basic)
}

fn misbehave(mode: Mode) -> Option<Response<Full<Bytes>>> {
    let response = |status: StatusCode, content_type: &str, body: Vec<u8>| {
        Response::builder()
            .status(status)
            .header("content-type", content_type)
            .header("location", "http://127.0.0.1:9/elsewhere")
            .body(Full::new(Bytes::from(body)))
            .expect("response")
    };
    Some(match mode {
        Mode::Normal => return None,
        Mode::ServerError => response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html",
            b"<html>oops</html>".to_vec(),
        ),
        Mode::Garbage => response(StatusCode::OK, "application/json", b"{not json".to_vec()),
        Mode::WrongShape => response(StatusCode::OK, "application/json", b"{\"x\": 1}".to_vec()),
        Mode::Redirect => response(StatusCode::FOUND, "text/plain", Vec::new()),
        Mode::ErrorWith200 => response(
            StatusCode::OK,
            "application/json",
            br#"{"error": "bad_verification_code"}"#.to_vec(),
        ),
        Mode::InvalidClient => oauth_error(StatusCode::BAD_REQUEST, "invalid_client"),
        Mode::Huge => response(
            StatusCode::OK,
            "application/json",
            format!("\"{}\"", "x".repeat(2 * 1024 * 1024)).into_bytes(),
        ),
    })
}

fn oauth_error(status: StatusCode, error: &str) -> Response<Full<Bytes>> {
    json_response(
        status,
        &json!({ "error": error, "error_description": "refused by the double" }),
    )
}

fn json_response(status: StatusCode, value: &Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(value.to_string())))
        .expect("response")
}
