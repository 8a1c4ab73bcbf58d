//! Shared by the OAuth tests: an app with the provider double mounted as `acme`, and
//! driving keycard without a socket. The double is the test kit's.

#![allow(dead_code, unreachable_pub)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use http::request::Parts;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use keycard_core::hooks::Hooks;
use keycard_core::http::{Keycard, KeycardBuilder, OAuthOptions};
use keycard_core::oauth::{GenericProvider, PkceVerifier};
use keycard_core::{MemoryStore, Secret, User};
use keycard_test_kit::oauth::{Account, ProviderDouble};
use serde_json::Value;

pub const SECRET: &str = "keycard-test-secret";
pub const HOST: &str = "app.test";

/// Records hook calls as `"<event> <email> request=<bool> [fields]"`.
#[derive(Clone, Default)]
pub struct Events(Arc<Mutex<Vec<String>>>);

impl Events {
    pub fn all(&self) -> Vec<String> {
        self.0.lock().expect("lock").clone()
    }

    fn push(&self, event: &str, user: &User, request: Option<&Parts>) {
        let line = format!("{event} {} request={}", user.email, request.is_some());
        self.0.lock().expect("lock").push(line);
    }
}

#[async_trait]
impl Hooks for Events {
    async fn on_after_register(&self, user: &User, request: Option<&Parts>) {
        self.push("register", user, request);
    }

    async fn on_after_login(&self, user: &User, request: Option<&Parts>) {
        self.push("login", user, request);
    }

    async fn on_after_update(&self, user: &User, fields: &[String], request: Option<&Parts>) {
        self.push(&format!("update[{}]", fields.join(",")), user, request);
    }
}

pub struct App {
    pub keycard: Keycard,
    pub store: MemoryStore,
    pub events: Events,
}

/// The OpenID-style account `{"sub": id, "email", "email_verified"}`.
pub fn userinfo(id: &str, email: Option<&str>, verified: bool) -> Account {
    let account = Account::new(id).email_verified(verified);
    match email {
        Some(email) => account.email(email),
        None => account,
    }
}

pub fn generic(double: &ProviderDouble) -> GenericProvider {
    double.generic_provider("acme")
}

/// An app with a bearer and a cookie backend, the standard routes and the double as
/// provider `acme` at `/auth/acme` and `/auth/associate/acme`.
pub fn app(double: &ProviderDouble, options: OAuthOptions) -> App {
    app_with(double, options, |builder| builder)
}

pub fn app_with(
    double: &ProviderDouble,
    options: OAuthOptions,
    edit: impl FnOnce(KeycardBuilder) -> KeycardBuilder,
) -> App {
    let store = MemoryStore::new();
    let events = Events::default();
    let builder = Keycard::builder(store.clone(), Secret::new(SECRET))
        .hooks(events.clone())
        .bearer_backend("jwt")
        .cookie_backend("cookie")
        .standard_routes()
        .standard_oauth_routes(generic(double), "jwt", options.clone())
        .oauth_routes("/auth/acme-cookie", generic(double), "cookie", options);
    let keycard = edit(builder).build().expect("keycard");
    App {
        keycard,
        store,
        events,
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Answer {
    pub fn detail(&self) -> &Value {
        &self.json["detail"]
    }

    /// The value a `Set-Cookie` header sets for `name`, with its attributes.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

impl App {
    pub async fn get(&self, uri: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::get(uri);
        if !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("host"))
        {
            request = request.header("host", HOST);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(bytes::Bytes::new()))
            .expect("request");
        let response = self.keycard.handle(request).await;
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("body").to_bytes();
        Answer {
            status: parts.status,
            headers: parts.headers,
            json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        }
    }

    /// Starts a sign-in attempt at `prefix`, as the user `bearer` when given.
    pub async fn authorize(&self, prefix: &str, bearer: Option<&str>) -> Attempt {
        let auth = bearer.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> =
            auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let answer = self.get(&format!("{prefix}/authorize"), &headers).await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.json);
        let url = answer.json["authorization_url"]
            .as_str()
            .expect("url")
            .to_owned();
        let cookie = answer.set_cookie("keycardoauthcsrf").expect("csrf cookie");
        let csrf = cookie
            .split(';')
            .next()
            .and_then(|pair| pair.split_once('='))
            .map(|(_, value)| value.to_owned())
            .expect("cookie value");
        let query: std::collections::HashMap<_, _> = url::Url::parse(&url)
            .expect("url")
            .query_pairs()
            .into_owned()
            .collect();
        Attempt {
            state: query["state"].clone(),
            url,
            csrf,
            cookie_header: cookie,
            bearer: bearer.map(str::to_owned),
        }
    }

    /// Finishes an attempt at `prefix` with a code, sending the attempt's cookie.
    pub async fn callback(&self, prefix: &str, attempt: &Attempt, code: &str) -> Answer {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", code)
            .append_pair("state", &attempt.state)
            .finish();
        let cookie = format!("keycardoauthcsrf={}", attempt.csrf);
        let auth = attempt.bearer.as_ref().map(|t| format!("Bearer {t}"));
        let mut headers = vec![("cookie", cookie.as_str())];
        if let Some(auth) = &auth {
            headers.push(("authorization", auth.as_str()));
        }
        self.get(&format!("{prefix}/callback?{query}"), &headers)
            .await
    }

    /// Signs in at `/auth/acme` with a fresh attempt and returns the answer.
    pub async fn sign_in(&self, double: &ProviderDouble, account: Account) -> Answer {
        let attempt = self.authorize("/auth/acme", None).await;
        let code = double.approve_as(&attempt.url, account);
        self.callback("/auth/acme", &attempt, &code).await
    }

    pub async fn user(&self, email: &str) -> User {
        use keycard_core::UserStore;
        self.store
            .get_by_email(email)
            .await
            .expect("store")
            .expect("user exists")
    }
}

pub struct Attempt {
    pub url: String,
    pub state: String,
    pub csrf: String,
    pub cookie_header: String,
    pub bearer: Option<String>,
}

impl Attempt {
    /// The verifier keycard will send for this attempt.
    pub fn verifier(&self) -> PkceVerifier {
        PkceVerifier::derive(&Secret::new(SECRET), &self.csrf)
    }
}

/// Registers a user with a password and returns their bearer token.
pub async fn register_and_login(app: &App, email: &str) -> String {
    let body = serde_json::json!({ "email": email, "password": "a long password" }).to_string();
    let request = Request::post("/auth/register")
        .header("content-type", "application/json")
        .body(Full::new(bytes::Bytes::from(body)))
        .expect("request");
    assert_eq!(
        app.keycard.handle(request).await.status(),
        StatusCode::CREATED
    );
    let form = format!(
        "username={}&password=a+long+password",
        email.replace('@', "%40")
    );
    let request = Request::post("/auth/jwt/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(bytes::Bytes::from(form)))
        .expect("request");
    let response = app.keycard.handle(request).await;
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json: Value = serde_json::from_slice(&bytes).expect("json");
    json["access_token"].as_str().expect("token").to_owned()
}
