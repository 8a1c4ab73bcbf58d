//! Signing in through the OAuth routers, against a provider double started per case.

use std::collections::BTreeMap;

use keycard_test_kit::oauth::{Account, ProviderDouble};
use rusqlite::{Connection, OpenFlags};
use serde_json::{Value, json};

use super::{Harness, HarnessBuilder};
use crate::{AppFactory, Call, Reply};

/// The name of the generic provider the harness configures (`KEYCARD_OAUTH_NAME`), so
/// its routers sit at `/auth/generic` and `/auth/associate/generic`.
pub const OAUTH_NAME: &str = "generic";

/// The login router of [`OAUTH_NAME`].
pub const OAUTH_LOGIN: &str = "/auth/generic";

/// The associate router of [`OAUTH_NAME`].
pub const OAUTH_ASSOCIATE: &str = "/auth/associate/generic";

/// The `Host` header of every OAuth request: the callback URL the application derives
/// is `http://{OAUTH_HOST}/auth/{name}/callback`.
pub const OAUTH_HOST: &str = "app.keycard.test:8000";

/// One sign-in attempt: what `GET {prefix}/authorize` answered.
#[derive(Debug, Clone)]
pub struct OAuthAttempt {
    /// The `authorization_url` of the answer.
    pub authorization_url: String,
    /// Its query parameters.
    pub params: BTreeMap<String, String>,
    /// The `state` parameter.
    pub state: String,
    /// The CSRF cookie's value.
    pub csrf: String,
    /// The whole `Set-Cookie` header of the CSRF cookie.
    pub set_cookie: String,
    /// The access token the attempt was started with, sent again on the callback.
    pub bearer: Option<String>,
}

impl OAuthAttempt {
    /// A query parameter of the authorization URL.
    ///
    /// # Panics
    ///
    /// When the URL lacks it.
    #[track_caller]
    pub fn param(&self, name: &str) -> &str {
        let value = self.params.get(name);
        value.unwrap_or_else(|| panic!("{name} missing from {}", self.authorization_url))
    }

    /// The same attempt with another state.
    pub fn with_state(&self, state: &str) -> Self {
        let mut attempt = self.clone();
        attempt.state = state.to_owned();
        attempt
    }

    /// The same attempt, finished with another access token or none.
    pub fn with_bearer(&self, bearer: Option<&str>) -> Self {
        let mut attempt = self.clone();
        attempt.bearer = bearer.map(str::to_owned);
        attempt
    }
}

/// `GET path` with `Host: {OAUTH_HOST}`.
pub fn oauth_call(path: &str) -> Call {
    Call::get(path).header("host", OAUTH_HOST.as_bytes())
}

impl HarnessBuilder {
    /// Sets the `KEYCARD_OAUTH_*` variables: a generic provider named [`OAUTH_NAME`] at
    /// `double`'s endpoints, with its client id and secret.
    pub fn oauth(self, double: &ProviderDouble) -> Self {
        self.var("KEYCARD_OAUTH_NAME", OAUTH_NAME)
            .var("KEYCARD_OAUTH_CLIENT_ID", double.client_id())
            .var("KEYCARD_OAUTH_CLIENT_SECRET", double.client_secret())
            .var("KEYCARD_OAUTH_AUTHORIZE_URL", &double.authorize_url())
            .var("KEYCARD_OAUTH_TOKEN_URL", &double.token_url())
            .var("KEYCARD_OAUTH_USERINFO_URL", &double.userinfo_url())
    }
}

impl Harness {
    /// Starts a provider double, then an application with the defaults of
    /// [`HarnessBuilder`] whose generic provider is that double.
    pub async fn start_with_oauth(factory: &AppFactory) -> (Self, ProviderDouble) {
        let double = ProviderDouble::start().await;
        let harness = Self::builder(factory).oauth(&double).start().await;
        (harness, double)
    }

    /// The CSRF cookie's name: `keycardoauthcsrf`, or `fastapiusersoauthcsrf` in
    /// compatibility mode.
    pub fn csrf_cookie_name(&self) -> &'static str {
        if self.config().fastapi_users_compat {
            "fastapiusersoauthcsrf"
        } else {
            "keycardoauthcsrf"
        }
    }

    /// `GET {prefix}/authorize[?query]`, as the user `bearer` when given.
    ///
    /// # Panics
    ///
    /// Unless the answer is 200 with an `authorization_url` and exactly one cookie, the
    /// CSRF cookie.
    pub async fn oauth_authorize(&self, path: &str, bearer: Option<&str>) -> OAuthAttempt {
        let mut call = oauth_call(path);
        if let Some(token) = bearer {
            call = call.bearer(token);
        }
        let reply = self.send(call).await;
        let body = reply.expect(200).json();
        let url = body["authorization_url"]
            .as_str()
            .expect("an authorization_url");
        let query = url
            .split_once('?')
            .map(|(_, query)| query)
            .unwrap_or_default();
        let params: BTreeMap<String, String> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();

        let cookies = reply.set_cookies();
        assert_eq!(cookies.len(), 1, "{}: {cookies:?}", reply.request);
        let prefix = format!("{}=", self.csrf_cookie_name());
        let csrf = cookies[0].strip_prefix(&prefix).expect("the CSRF cookie");
        OAuthAttempt {
            authorization_url: url.to_owned(),
            state: params.get("state").cloned().unwrap_or_default(),
            params,
            csrf: csrf.split(';').next().unwrap_or_default().to_owned(),
            set_cookie: cookies[0].clone(),
            bearer: bearer.map(str::to_owned),
        }
    }

    /// `GET {prefix}/callback?code&state`, with the attempt's CSRF cookie and access
    /// token.
    pub async fn oauth_callback(&self, prefix: &str, attempt: &OAuthAttempt, code: &str) -> Reply {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("code", code)
            .append_pair("state", &attempt.state)
            .finish();
        let mut call = oauth_call(&format!("{prefix}/callback?{query}"))
            .cookie(self.csrf_cookie_name(), &attempt.csrf);
        if let Some(token) = &attempt.bearer {
            call = call.bearer(token);
        }
        self.send(call).await
    }

    /// A fresh, anonymous sign-in attempt at [`OAUTH_LOGIN`].
    ///
    /// # Panics
    ///
    /// As [`oauth_authorize`](Self::oauth_authorize).
    pub async fn oauth_attempt(&self) -> OAuthAttempt {
        let path = format!("{OAUTH_LOGIN}/authorize");
        self.oauth_authorize(&path, None).await
    }

    /// Signs in at [`OAUTH_LOGIN`] as `account`: a fresh attempt that the double
    /// approves, and its callback.
    pub async fn oauth_sign_in(&self, double: &ProviderDouble, account: Account) -> Reply {
        let attempt = self.oauth_attempt().await;
        let code = double.approve_as(&attempt.authorization_url, account);
        self.oauth_callback(OAUTH_LOGIN, &attempt, &code).await
    }

    /// The user's rows of the `oauth_account` table, read from the SQLite file in the
    /// contract's layout, oldest first: `{"oauth_name", "account_id", "account_email",
    /// "access_token", "expires_at", "refresh_token"}`.
    ///
    /// # Panics
    ///
    /// When the file or the table cannot be read.
    pub fn stored_oauth_accounts(&self, user_id: &str) -> Vec<Value> {
        let path = self.dir.path().join("keycard.db");
        let db = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("the SQLite file opens");
        let sql = "SELECT oauth_name, account_id, account_email, access_token, expires_at, \
                   refresh_token FROM oauth_account WHERE user_id = ?1 ORDER BY rowid";
        let mut query = db.prepare(sql).expect("the contract's oauth_account table");
        let rows = query.query_map([user_id], |row| {
            Ok(json!({
                "oauth_name": row.get::<_, String>(0)?,
                "account_id": row.get::<_, String>(1)?,
                "account_email": row.get::<_, String>(2)?,
                "access_token": row.get::<_, String>(3)?,
                "expires_at": row.get::<_, Option<i64>>(4)?,
                "refresh_token": row.get::<_, Option<String>>(5)?,
            }))
        });
        let rows = rows.expect("the query runs");
        rows.map(|row| row.expect("a readable row")).collect()
    }
}
