use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use keycard_core::hooks::{Hooks, PasswordContext, RequestParts as Parts};
use keycard_core::{Password, Token, User};
use serde_json::{Map, Value, json};
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// The examples' hooks: the password rule, and one JSON line a lifecycle event in the
/// events file, written before the response is sent.
///
/// Lines look like `{"event", "user_id", "email", "time", ...}` with `time` in Unix
/// seconds. The file is only ever appended to.
#[derive(Debug, Clone)]
pub struct ExampleHooks {
    events: Option<Arc<Mutex<PathBuf>>>,
}

impl ExampleHooks {
    /// Hooks writing events to `events_file`, if any.
    pub fn new(events_file: Option<PathBuf>) -> Self {
        Self {
            events: events_file.map(|path| Arc::new(Mutex::new(path))),
        }
    }

    async fn record(&self, event: &str, user: &User, extra: Map<String, Value>) {
        let Some(path) = &self.events else {
            return;
        };
        let mut line = json!({
            "event": event,
            "user_id": user.id.to_string(),
            "email": user.email,
            "time": time::OffsetDateTime::now_utc().unix_timestamp_nanos() as f64 / 1e9,
        });
        if let Value::Object(object) = &mut line {
            object.extend(extra);
        }
        let mut bytes = line.to_string().into_bytes();
        bytes.push(b'\n');

        // One writer at a time, one write per line: lines never interleave.
        let path = path.lock().await;
        let written = async {
            let mut file = tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&*path)
                .await?;
            file.write_all(&bytes).await?;
            file.flush().await
        };
        if let Err(err) = written.await {
            tracing::error!(error = %err, event, "events file could not be written");
        }
    }

    /// The examples' password rule: shorter than 8 characters, or containing the e-mail
    /// address, is refused.
    ///
    /// ```
    /// use example_common::ExampleHooks;
    ///
    /// assert_eq!(
    ///     ExampleHooks::check_password("short", "a@b.co"),
    ///     Err("Password should be at least 8 characters".to_owned())
    /// );
    /// assert!(ExampleHooks::check_password("long enough", "a@b.co").is_ok());
    /// ```
    ///
    /// # Errors
    ///
    /// The reason shown to the user.
    pub fn check_password(password: &str, email: &str) -> Result<(), String> {
        if password.chars().count() < 8 {
            return Err("Password should be at least 8 characters".into());
        }
        if password.contains(email) {
            return Err("Password should not contain e-mail".into());
        }
        Ok(())
    }
}

fn token_field(token: &Token) -> Map<String, Value> {
    Map::from_iter([(
        "token".to_owned(),
        Value::String(token.expose_secret().to_owned()),
    )])
}

#[async_trait]
impl Hooks for ExampleHooks {
    async fn validate_password(
        &self,
        password: &Password,
        context: PasswordContext<'_>,
    ) -> Result<(), String> {
        Self::check_password(password.expose_secret(), context.email)
    }

    async fn on_after_register(&self, user: &User, _: Option<&Parts>) {
        self.record("register", user, Map::new()).await;
    }

    async fn on_after_login(&self, user: &User, _: Option<&Parts>) {
        self.record("login", user, Map::new()).await;
    }

    async fn on_after_update(&self, user: &User, fields: &[String], _: Option<&Parts>) {
        let mut names = fields.to_vec();
        names.sort();
        let extra = Map::from_iter([("fields".to_owned(), json!(names))]);
        self.record("update", user, extra).await;
    }

    async fn on_after_forgot_password(&self, user: &User, token: &Token, _: Option<&Parts>) {
        self.record("forgot_password", user, token_field(token))
            .await;
    }

    async fn on_after_request_verify(&self, user: &User, token: &Token, _: Option<&Parts>) {
        self.record("request_verify", user, token_field(token))
            .await;
    }

    async fn on_after_reset_password(&self, user: &User, _: Option<&Parts>) {
        self.record("reset_password", user, Map::new()).await;
    }

    async fn on_after_verify(&self, user: &User, _: Option<&Parts>) {
        self.record("verify", user, Map::new()).await;
    }

    async fn on_after_delete(&self, user: &User, _: Option<&Parts>) {
        self.record("delete", user, Map::new()).await;
    }
}
