//! Reading request bodies: a size limit, JSON objects and HTML forms.

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderMap, StatusCode};
use http_body::Body as HttpBody;
use http_body_util::{BodyExt, Limited};
use serde_json::{Map, Value, json};

use super::reply::{self, Body, ValidationError};
use http::Response;

/// Reads a whole body, refusing more than `limit` bytes with 413.
pub(crate) async fn collect<B>(body: B, limit: usize) -> Result<Bytes, Response<Body>>
where
    B: HttpBody<Data = Bytes> + Send,
    B::Error: Into<crate::BoxError>,
{
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(err)
            if err
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(reply::detail(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Payload Too Large",
            ))
        }
        Err(err) => {
            tracing::debug!(error = %err, "request body could not be read");
            Err(reply::detail(
                StatusCode::BAD_REQUEST,
                "There was an error parsing the body",
            ))
        }
    }
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    let essence = value.split(';').next().unwrap_or_default();
    Some(essence.trim().to_ascii_lowercase())
}

/// Parses a JSON object body the way FastAPI does: a missing content type counts as
/// JSON; any other content type, malformed JSON, or JSON that is not an object is a 422.
pub(crate) fn json_object(
    parts: &Parts,
    bytes: &[u8],
) -> Result<Map<String, Value>, Response<Body>> {
    let is_json = match media_type(&parts.headers) {
        None => true,
        Some(media) => media == "application/json" || media.ends_with("+json"),
    };
    if bytes.is_empty() {
        let error = ValidationError::body("missing", "Field required", Value::Null);
        return Err(reply::unprocessable(&[error]));
    }
    if !is_json {
        let input = json!(String::from_utf8_lossy(bytes));
        return Err(not_an_object(input));
    }
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(not_an_object(other)),
        Err(err) => Err(reply::unprocessable(&[ValidationError {
            kind: "json_invalid".into(),
            loc: vec![json!("body"), json!(byte_offset(bytes, &err))],
            msg: "JSON decode error".into(),
            input: json!({}),
            ctx: Some(json!({ "error": err.to_string() })),
        }])),
    }
}

fn not_an_object(input: Value) -> Response<Body> {
    reply::unprocessable(&[ValidationError::body(
        "model_attributes_type",
        "Input should be a valid dictionary or object to extract fields from",
        input,
    )])
}

fn byte_offset(bytes: &[u8], err: &serde_json::Error) -> usize {
    let line_start: usize = bytes
        .split(|b| *b == b'\n')
        .take(err.line().saturating_sub(1))
        .map(|line| line.len() + 1)
        .sum();
    line_start + err.column().saturating_sub(1)
}

/// Parses an `application/x-www-form-urlencoded` or `multipart/form-data` body into its
/// text fields. Other content types yield no fields, so required ones are reported
/// missing, as FastAPI does; an empty field counts as absent, as FastAPI reads forms.
pub(crate) fn form_fields(parts: &Parts, bytes: &[u8]) -> Map<String, Value> {
    let media = media_type(&parts.headers).unwrap_or_default();
    let pairs: Vec<(String, String)> = if media == "application/x-www-form-urlencoded" {
        form_urlencoded::parse(bytes).into_owned().collect()
    } else if media == "multipart/form-data" {
        boundary(&parts.headers).map_or_else(Vec::new, |b| multipart_fields(bytes, &b))
    } else {
        Vec::new()
    };
    // The last value of a repeated field wins, as in Starlette.
    let mut fields: Map<String, Value> = pairs
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    fields.retain(|_, value| value.as_str().is_some_and(|v| !v.is_empty()));
    fields
}

fn boundary(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(CONTENT_TYPE)?.to_str().ok()?;
    value.split(';').skip(1).find_map(|param| {
        let (name, value) = param.trim().split_once('=')?;
        name.eq_ignore_ascii_case("boundary")
            .then(|| value.trim_matches('"').to_owned())
    })
}

/// The text fields of a multipart body (RFC 7578); file parts are skipped.
fn multipart_fields(bytes: &[u8], boundary: &str) -> Vec<(String, String)> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let delimiter = format!("--{boundary}");
    text.split(delimiter.as_str())
        .filter_map(|part| {
            let part = part.strip_prefix("\r\n")?;
            let (head, value) = part.split_once("\r\n\r\n")?;
            let disposition = head.lines().find(|line| {
                line.to_ascii_lowercase()
                    .starts_with("content-disposition:")
            })?;
            if disposition.contains("filename=") {
                return None;
            }
            let name = disposition.split(';').find_map(|p| {
                p.trim()
                    .strip_prefix("name=")
                    .map(|n| n.trim_matches('"').to_owned())
            })?;
            Some((name, value.strip_suffix("\r\n").unwrap_or(value).to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(content_type: &str) -> Parts {
        let request = http::Request::builder()
            .header(CONTENT_TYPE, content_type)
            .body(())
            .expect("request");
        request.into_parts().0
    }

    #[test]
    fn reads_urlencoded_forms() {
        let fields = form_fields(
            &parts("application/x-www-form-urlencoded"),
            b"username=a%40b.c&password=p+w",
        );
        assert_eq!(fields["username"], "a@b.c");
        assert_eq!(fields["password"], "p w");
    }

    #[test]
    fn empty_form_fields_count_as_absent() {
        let fields = form_fields(
            &parts("application/x-www-form-urlencoded"),
            b"username=a&password=x&password=&grant_type=",
        );
        assert_eq!(fields.len(), 1);
        assert_eq!(fields["username"], "a");
    }

    #[test]
    fn reads_multipart_forms() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\na@b.c\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\nsecret\r\n--XyZ--\r\n";
        let fields = form_fields(&parts("multipart/form-data; boundary=XyZ"), body.as_bytes());
        assert_eq!(fields["username"], "a@b.c");
        assert_eq!(fields["password"], "secret");
    }

    #[test]
    fn json_parse_errors_are_unprocessable() {
        let response = json_object(&parts("application/json"), b"{\"a\":").expect_err("422");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = json_object(&parts("text/plain"), b"{}").expect_err("422");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let response = json_object(&parts("application/json"), b"[1]").expect_err("422");
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
}
