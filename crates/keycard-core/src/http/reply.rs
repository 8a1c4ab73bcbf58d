//! Building responses: JSON bodies, `{"detail": ...}` errors and FastAPI's 422 shape.

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;
use serde_json::{Value, json};

/// The response body type of keycard's service.
pub type Body = Full<Bytes>;

/// What a route handler returns: a response either way, with `?` for early errors.
pub(crate) type Outcome = Result<Response<Body>, Response<Body>>;

/// A JSON response.
pub(crate) fn json(status: StatusCode, value: &impl Serialize) -> Response<Body> {
    let bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec());
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// An empty response, such as 204.
pub(crate) fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::default());
    *response.status_mut() = status;
    response
}

/// `{"detail": "<code>"}`.
pub(crate) fn detail(status: StatusCode, code: &str) -> Response<Body> {
    json(status, &json!({ "detail": code }))
}

/// `{"detail": {"code": "<code>", "reason": "<reason>"}}`, for password-rule failures.
pub(crate) fn detail_with_reason(code: &str, reason: &str) -> Response<Body> {
    json(
        StatusCode::BAD_REQUEST,
        &json!({ "detail": { "code": code, "reason": reason } }),
    )
}

/// 401 `{"detail": "Unauthorized"}`.
pub(crate) fn unauthorized() -> Response<Body> {
    detail(StatusCode::UNAUTHORIZED, "Unauthorized")
}

/// 403 `{"detail": "Forbidden"}`.
pub(crate) fn forbidden() -> Response<Body> {
    detail(StatusCode::FORBIDDEN, "Forbidden")
}

/// 404 `{"detail": "Not Found"}`.
pub(crate) fn not_found() -> Response<Body> {
    detail(StatusCode::NOT_FOUND, "Not Found")
}

/// 500 for a server fault; the cause goes to the log, never to the client.
pub(crate) fn internal(err: &crate::Error) -> Response<Body> {
    tracing::error!(error = %err, source = ?std::error::Error::source(err), "request failed");
    detail(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
}

/// One entry of a 422 answer, in FastAPI's (Pydantic 2's) shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValidationError {
    /// The error type, such as `missing` or `string_type`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Where the error is, such as `["body", "email"]`.
    pub loc: Vec<Value>,
    /// A message for people.
    pub msg: String,
    /// The offending input.
    pub input: Value,
    /// Extra context, when the error type has some.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ctx: Option<Value>,
}

impl ValidationError {
    /// An error at `["body", field]`.
    pub fn body_field(field: &str, kind: &str, msg: impl Into<String>, input: Value) -> Self {
        Self {
            kind: kind.to_owned(),
            loc: vec![json!("body"), json!(field)],
            msg: msg.into(),
            input,
            ctx: None,
        }
    }

    /// An error about the body as a whole, at `["body"]`.
    pub fn body(kind: &str, msg: impl Into<String>, input: Value) -> Self {
        Self {
            kind: kind.to_owned(),
            loc: vec![json!("body")],
            msg: msg.into(),
            input,
            ctx: None,
        }
    }
}

/// 422 `{"detail": [errors]}`.
pub(crate) fn unprocessable(errors: &[ValidationError]) -> Response<Body> {
    json(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({ "detail": errors }),
    )
}
