//! Building requests and reading responses.

use http::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Response, StatusCode};
use serde_json::Value;

/// A request under construction: `Call::post("/auth/register").json(&body)`.
///
/// ```
/// use keycard_e2e::Call;
///
/// let request = Call::post("/auth/jwt/login")
///     .form(&[("username", "a@b.co"), ("password", "p w")])
///     .into_request();
/// assert_eq!(request.body(), b"username=a%40b.co&password=p+w");
/// ```
#[derive(Debug, Clone)]
pub struct Call {
    method: Method,
    path: String,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Vec<u8>,
}

impl Call {
    /// A request with any method.
    pub fn new(method: Method, path: &str) -> Self {
        Self {
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// `GET path`.
    pub fn get(path: &str) -> Self {
        Self::new(Method::GET, path)
    }

    /// `POST path`.
    pub fn post(path: &str) -> Self {
        Self::new(Method::POST, path)
    }

    /// `PATCH path`.
    pub fn patch(path: &str) -> Self {
        Self::new(Method::PATCH, path)
    }

    /// `DELETE path`.
    pub fn delete(path: &str) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// A JSON body with `Content-Type: application/json`.
    pub fn json(self, body: &Value) -> Self {
        self.raw(Some("application/json"), body.to_string().into_bytes())
    }

    /// A URL-encoded form body.
    pub fn form(self, fields: &[(&str, &str)]) -> Self {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.raw(Some("application/x-www-form-urlencoded"), body.into_bytes())
    }

    /// A `multipart/form-data` body of text fields (RFC 7578).
    pub fn multipart(self, fields: &[(&str, &str)]) -> Self {
        let boundary = "keycard-e2e-boundary";
        let mut body = String::new();
        for (name, value) in fields {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            ));
        }
        body.push_str(&format!("--{boundary}--\r\n"));
        let content_type = format!("multipart/form-data; boundary={boundary}");
        self.raw(Some(&content_type), body.into_bytes())
    }

    /// Any body, with a content type if given.
    pub fn raw(mut self, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Self {
        if let Some(content_type) = content_type {
            self = self.header(CONTENT_TYPE.as_str(), content_type.as_bytes());
        }
        self.body = body.into();
        self
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header(AUTHORIZATION.as_str(), format!("Bearer {token}").as_bytes())
    }

    /// `Cookie: <name>=<value>`.
    pub fn cookie(self, name: &str, value: &str) -> Self {
        self.header(COOKIE.as_str(), format!("{name}={value}").as_bytes())
    }

    /// Any header; the value may hold any bytes a header can carry, valid UTF-8 or not.
    ///
    /// # Panics
    ///
    /// When the name or value could never appear in a request (a control character).
    pub fn header(mut self, name: &str, value: &[u8]) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("a header name");
        let value = HeaderValue::from_bytes(value).expect("a header value");
        self.headers.push((name, value));
        self
    }

    /// The finished request.
    ///
    /// # Panics
    ///
    /// When the path is not a valid request target.
    pub fn into_request(self) -> Request<Vec<u8>> {
        let mut builder = Request::builder().method(self.method).uri(&self.path);
        for (name, value) in self.headers {
            builder = builder.header(name, value);
        }
        builder.body(self.body).expect("a valid request")
    }
}

/// A response, with assertions that print the body when they fail.
#[derive(Debug, Clone)]
pub struct Reply {
    /// The status code.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
    /// `METHOD path` of the request, for failure messages.
    pub request: String,
}

impl Reply {
    pub(crate) fn new(request: String, response: Response<Vec<u8>>) -> Self {
        let (parts, body) = response.into_parts();
        Self {
            status: parts.status,
            headers: parts.headers,
            body,
            request,
        }
    }

    /// The body as text (lossy), for messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "{}: body is not JSON ({err}): {:?}",
                self.request,
                self.text()
            )
        })
    }

    /// Asserts the status code and returns `self`.
    ///
    /// # Panics
    ///
    /// When the status differs.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}: unexpected status, body {:?}",
            self.request,
            self.text()
        );
        self
    }

    /// Asserts the status and that the body is exactly `{"detail": detail}`.
    ///
    /// # Panics
    ///
    /// When either differs.
    #[track_caller]
    pub fn expect_detail(&self, status: u16, detail: &str) -> &Self {
        self.expect(status);
        assert_eq!(
            self.json(),
            serde_json::json!({ "detail": detail }),
            "{}",
            self.request
        );
        self
    }

    /// Asserts a 422 whose `detail` list has an entry at `loc`, in FastAPI's shape.
    ///
    /// # Panics
    ///
    /// When the status, the shape or the location differs.
    #[track_caller]
    pub fn expect_validation(&self, loc: &[&str]) -> &Self {
        self.expect(422);
        let errors = self.json()["detail"].clone();
        let errors = errors.as_array().cloned().unwrap_or_default();
        assert!(!errors.is_empty(), "{}: 422 without errors", self.request);
        for error in &errors {
            for key in ["type", "loc", "msg", "input"] {
                assert!(error.get(key).is_some(), "{}: {key} missing", self.request);
            }
        }
        let wanted: Vec<Value> = loc.iter().map(|part| Value::from(*part)).collect();
        assert!(
            errors
                .iter()
                .any(|error| error["loc"] == Value::from(wanted.clone())),
            "{}: no error at {loc:?} in {errors:?}",
            self.request
        );
        self
    }

    /// One header as text, if present.
    pub fn header(&self, name: &str) -> Option<String> {
        let value = self.headers.get(name)?;
        Some(String::from_utf8_lossy(value.as_bytes()).into_owned())
    }

    /// Every `Set-Cookie` header.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect()
    }
}
