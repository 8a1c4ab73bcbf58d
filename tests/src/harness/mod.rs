//! One application per case, over its own temporary SQLite file and events file.

mod oauth;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use example_common::Config;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::{AppFactory, Call, Reply, TestApp};

pub use oauth::{OAUTH_ASSOCIATE, OAUTH_HOST, OAUTH_LOGIN, OAUTH_NAME, OAuthAttempt, oauth_call};

/// The `KEYCARD_SECRET` every harness uses, so cases can mint their own tokens.
pub const SECRET: &str = "keycard-e2e-secret-known-to-the-tests";
/// The superuser seeded by default (`KEYCARD_SUPERUSER_EMAIL`).
pub const ADMIN_EMAIL: &str = "admin@keycard.test";
/// Its password (`KEYCARD_SUPERUSER_PASSWORD`).
pub const ADMIN_PASSWORD: &str = "admin password 1";
/// The password [`Harness::user`] registers with: it passes the examples' rule.
pub const PASSWORD: &str = "correct horse battery";

/// A registered user with a fresh bearer token.
#[derive(Debug, Clone)]
pub struct TestUser {
    /// The id, as the API shows it.
    pub id: String,
    /// The e-mail address, as stored.
    pub email: String,
    /// The password.
    pub password: String,
    /// An access token from `/auth/jwt/login`.
    pub token: String,
}

/// Options for a [`Harness`]; start with [`Harness::builder`].
///
/// Defaults: keycard's names, the superuser [`ADMIN_EMAIL`] seeded, the known
/// [`SECRET`].
#[derive(Debug)]
#[must_use]
pub struct HarnessBuilder {
    factory: AppFactory,
    vars: BTreeMap<String, String>,
}

impl HarnessBuilder {
    /// Sets `KEYCARD_COMPAT=fastapi-users`.
    pub fn compat(self) -> Self {
        self.var("KEYCARD_COMPAT", "fastapi-users")
    }

    /// Seeds another superuser instead of [`ADMIN_EMAIL`].
    pub fn superuser(self, email: &str, password: &str) -> Self {
        self.var("KEYCARD_SUPERUSER_EMAIL", email)
            .var("KEYCARD_SUPERUSER_PASSWORD", password)
    }

    /// Seeds no superuser.
    pub fn no_superuser(mut self) -> Self {
        self.vars.remove("KEYCARD_SUPERUSER_EMAIL");
        self.vars.remove("KEYCARD_SUPERUSER_PASSWORD");
        self
    }

    /// Sets any `KEYCARD_*` variable.
    pub fn var(mut self, name: &str, value: &str) -> Self {
        self.vars.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Creates the directory and starts the application.
    ///
    /// # Panics
    ///
    /// When the directory cannot be created or the configuration does not parse.
    pub async fn start(self) -> Harness {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut vars = self.vars;
        let database = dir.path().join("keycard.db");
        let events = dir.path().join("events.jsonl");
        vars.insert("KEYCARD_DATABASE_URL".into(), path_text(&database));
        vars.insert("KEYCARD_EVENTS_FILE".into(), path_text(&events));

        let mut harness = Harness {
            dir,
            factory: self.factory,
            vars,
            app: None,
            admin_token: RefCell::new(None),
        };
        harness.restart().await;
        harness
    }
}

fn path_text(path: &std::path::Path) -> String {
    path.to_str().expect("a UTF-8 temporary path").to_owned()
}

/// A running application with its own database and events file.
pub struct Harness {
    dir: TempDir,
    factory: AppFactory,
    vars: BTreeMap<String, String>,
    app: Option<Box<dyn TestApp>>,
    admin_token: RefCell<Option<String>>,
}

impl std::fmt::Debug for Harness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Harness")
            .field("dir", &self.dir.path())
            .field("vars", &self.vars)
            .finish_non_exhaustive()
    }
}

impl Harness {
    /// A harness with the defaults of [`HarnessBuilder`].
    pub async fn start(factory: &AppFactory) -> Self {
        Self::builder(factory).start().await
    }

    /// Options for a harness.
    pub fn builder(factory: &AppFactory) -> HarnessBuilder {
        HarnessBuilder {
            factory: factory.clone(),
            vars: BTreeMap::new(),
        }
        .var("KEYCARD_SECRET", SECRET)
        .superuser(ADMIN_EMAIL, ADMIN_PASSWORD)
    }

    /// The configuration, read through [`Config::from_lookup`] as the example reads its
    /// environment.
    ///
    /// # Panics
    ///
    /// When a variable does not parse.
    pub fn config(&self) -> Config {
        Config::from_lookup(|name| self.vars.get(name).cloned()).expect("a valid configuration")
    }

    /// Drops the running application and starts it again over the same files, as a
    /// restarted process would.
    pub async fn restart(&mut self) {
        self.app = None;
        self.admin_token.replace(None);
        self.app = Some(self.factory.build(self.config()).await);
    }

    /// Sets a `KEYCARD_*` variable for the next [`restart`](Self::restart).
    pub fn set_var(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_owned(), value.to_owned());
    }

    /// The events file's path.
    pub fn events_path(&self) -> PathBuf {
        self.dir.path().join("events.jsonl")
    }

    /// Sends a request.
    ///
    /// # Panics
    ///
    /// When the request cannot be built.
    pub async fn send(&self, call: Call) -> Reply {
        let request = call.into_request();
        let label = format!("{} {}", request.method(), request.uri().path());
        let app = self.app.as_ref().expect("the application is running");
        Reply::new(label, app.send(request).await)
    }

    /// The events file's text; empty when nothing was written yet.
    pub fn events_text(&self) -> String {
        std::fs::read_to_string(self.events_path()).unwrap_or_default()
    }

    /// Every line of the events file, parsed.
    ///
    /// # Panics
    ///
    /// When a line is not a JSON object.
    pub fn events(&self) -> Vec<Value> {
        self.events_text()
            .lines()
            .map(|line| {
                let value: Value = serde_json::from_str(line).expect("an events line is JSON");
                assert!(value.is_object(), "an events line is an object: {line}");
                value
            })
            .collect()
    }

    /// The events named `event` about the user with this id.
    pub fn events_of(&self, event: &str, user_id: &str) -> Vec<Value> {
        self.events()
            .into_iter()
            .filter(|line| line["event"] == event && line["user_id"] == user_id)
            .collect()
    }

    /// How many `event` lines there are, about anyone.
    pub fn count_events(&self, event: &str) -> usize {
        let lines = self.events();
        lines.iter().filter(|line| line["event"] == event).count()
    }

    /// The `token` of the last `event` line about the user with this id.
    ///
    /// # Panics
    ///
    /// When there is none.
    pub fn last_token(&self, event: &str, user_id: &str) -> String {
        let lines = self.events_of(event, user_id);
        let line = lines.last().unwrap_or_else(|| panic!("no {event} event"));
        line["token"].as_str().expect("a token").to_owned()
    }

    /// Registers a user and returns its `UserRead`.
    ///
    /// # Panics
    ///
    /// Unless the answer is 201.
    pub async fn register(&self, email: &str, password: &str) -> Value {
        let body = json!({ "email": email, "password": password });
        let reply = self.send(Call::post("/auth/register").json(&body)).await;
        reply.expect(201).json()
    }

    /// Logs in at `/auth/jwt/login` and returns the access token.
    ///
    /// # Panics
    ///
    /// Unless the answer is 200 with a token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let form = [("username", email), ("password", password)];
        let reply = self.send(Call::post("/auth/jwt/login").form(&form)).await;
        let body = reply.expect(200).json();
        body["access_token"].as_str().expect("a token").to_owned()
    }

    /// Registers `email` with [`PASSWORD`] and logs in.
    pub async fn user(&self, email: &str) -> TestUser {
        let read = self.register(email, PASSWORD).await;
        let token = self.login(email, PASSWORD).await;
        TestUser {
            id: read["id"].as_str().expect("an id").to_owned(),
            email: read["email"].as_str().expect("an email").to_owned(),
            password: PASSWORD.to_owned(),
            token,
        }
    }

    /// Registers `email`, has the superuser verify it, and logs in.
    pub async fn verified_user(&self, email: &str) -> TestUser {
        let user = self.user(email).await;
        self.admin_patch(&user.id, &json!({ "is_verified": true }))
            .await
            .expect(200);
        user
    }

    /// The seeded superuser's access token (logged in once per run of the app).
    pub async fn admin(&self) -> String {
        if let Some(token) = self.admin_token.borrow().clone() {
            return token;
        }
        let token = self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        self.admin_token.replace(Some(token.clone()));
        token
    }

    /// `PATCH /users/{id}` as the superuser.
    pub async fn admin_patch(&self, id: &str, body: &Value) -> Reply {
        let token = self.admin().await;
        let call = Call::patch(&format!("/users/{id}"))
            .bearer(&token)
            .json(body);
        self.send(call).await
    }

    /// `GET /users/me` with a bearer token.
    pub async fn me(&self, token: &str) -> Reply {
        self.send(Call::get("/users/me").bearer(token)).await
    }
}
