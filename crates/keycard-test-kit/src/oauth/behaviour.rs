//! The ways an endpoint of the double can misbehave, and the answers they give.

use bytes::Bytes;
use http::{Response, StatusCode, header};
use http_body_util::Full;
use serde_json::{Value, json};

/// How the token endpoint or the resource endpoints of a
/// [`ProviderDouble`](super::ProviderDouble) answer. Default: [`Behaviour::Normal`].
///
/// ```
/// use keycard_test_kit::oauth::Behaviour;
///
/// assert_eq!(Behaviour::default(), Behaviour::Normal);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Behaviour {
    /// As an honest provider does.
    #[default]
    Normal,
    /// 500 with an HTML page.
    ServerError,
    /// 503 with an HTML page, as a provider under maintenance answers.
    Unavailable,
    /// 200 with a body that is not JSON.
    Garbage,
    /// 200 with JSON that lacks the expected fields.
    WrongShape,
    /// 302 to another place.
    Redirect,
    /// 200 `{"error": "bad_verification_code"}`, as GitHub's token endpoint answers a
    /// refused code.
    ErrorWith200,
    /// 400 `{"error": "invalid_client"}`.
    InvalidClient,
    /// 200 with a JSON string of 2 MiB, more than keycard reads.
    Huge,
    /// Closes the connection without answering.
    HangUp,
}

pub(crate) type Answer = Response<Full<Bytes>>;

/// The answer of a misbehaving endpoint: `None` for [`Behaviour::Normal`], `Some(None)`
/// to hang up.
pub(crate) fn misbehave(behaviour: Behaviour) -> Option<Option<Answer>> {
    let html = |status| raw(status, "text/html", b"<html>oops</html>".to_vec());
    let answer = match behaviour {
        Behaviour::Normal => return None,
        Behaviour::HangUp => return Some(None),
        Behaviour::ServerError => html(StatusCode::INTERNAL_SERVER_ERROR),
        Behaviour::Unavailable => html(StatusCode::SERVICE_UNAVAILABLE),
        Behaviour::Garbage => raw(StatusCode::OK, "application/json", b"{not json".to_vec()),
        Behaviour::WrongShape => json_answer(StatusCode::OK, &json!({ "x": 1 })),
        Behaviour::Redirect => {
            let mut answer = raw(StatusCode::FOUND, "text/plain", Vec::new());
            let elsewhere = http::HeaderValue::from_static("http://127.0.0.1:9/elsewhere");
            answer.headers_mut().insert(header::LOCATION, elsewhere);
            answer
        }
        Behaviour::ErrorWith200 => {
            json_answer(StatusCode::OK, &json!({ "error": "bad_verification_code" }))
        }
        Behaviour::InvalidClient => oauth_error(StatusCode::BAD_REQUEST, "invalid_client"),
        Behaviour::Huge => {
            let body = format!("\"{}\"", "x".repeat(2 * 1024 * 1024));
            raw(StatusCode::OK, "application/json", body.into_bytes())
        }
    };
    Some(Some(answer))
}

/// An RFC 6749 §5.2 error answer.
pub(crate) fn oauth_error(status: StatusCode, error: &str) -> Answer {
    let body = json!({ "error": error, "error_description": "refused by the provider double" });
    json_answer(status, &body)
}

pub(crate) fn json_answer(status: StatusCode, body: &Value) -> Answer {
    raw(status, "application/json", body.to_string().into_bytes())
}

pub(crate) fn raw(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    *answer.status_mut() = status;
    let content_type = http::HeaderValue::from_static(content_type);
    answer
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type);
    answer
}
