//! What the double knows about the user who consents: the answers of its resource
//! endpoints.

use serde_json::{Value, json};

/// The account a [`ProviderDouble`](super::ProviderDouble) signs in: what its resource
/// endpoints answer to a bearer of the account's access token.
///
/// [`Account::new`] answers `GET /userinfo` in the OpenID Connect shape
/// `{"sub", "email", "email_verified"}`, which is what a
/// [`GenericProvider`](keycard_core::oauth::GenericProvider) reads. Providers that read
/// other paths (GitHub's `/user` and `/user/emails`, say) get theirs through
/// [`resource`](Self::resource).
///
/// ```
/// use keycard_test_kit::oauth::Account;
/// use serde_json::json;
///
/// let ann = Account::new("42").email("ann@example.com").email_verified(true);
/// assert_eq!(
///     ann.answer("/userinfo"),
///     Some(&json!({"sub": "42", "email": "ann@example.com", "email_verified": true}))
/// );
///
/// let octocat = Account::new("1").resource("/user", json!({"id": 1, "login": "octocat"}));
/// assert_eq!(octocat.answer("/user").map(|user| &user["login"]), Some(&json!("octocat")));
/// assert_eq!(octocat.answer("/elsewhere"), None);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    resources: Vec<(String, Value)>,
}

/// The path of the OpenID Connect style user-info answer.
const USERINFO: &str = "/userinfo";

impl Account {
    /// An account with the provider id `sub`, no e-mail address (`null`) and
    /// `email_verified: false`, answered at `/userinfo`.
    pub fn new(sub: impl Into<String>) -> Self {
        let userinfo = json!({ "sub": sub.into(), "email": null, "email_verified": false });
        Self {
            resources: vec![(USERINFO.to_owned(), userinfo)],
        }
    }

    /// Sets the `email` of the `/userinfo` answer. Default: `null`.
    pub fn email(self, email: impl Into<String>) -> Self {
        self.userinfo_field("email", Value::String(email.into()))
    }

    /// Sets the `email_verified` of the `/userinfo` answer. Default: `false`.
    pub fn email_verified(self, verified: bool) -> Self {
        self.userinfo_field("email_verified", Value::Bool(verified))
    }

    /// Answers `GET path` with `body`, replacing any answer the path had, `/userinfo`
    /// included.
    pub fn resource(mut self, path: impl Into<String>, body: Value) -> Self {
        let path = path.into();
        self.resources.retain(|(known, _)| *known != path);
        self.resources.push((path, body));
        self
    }

    /// What `GET path` answers for this account, if anything.
    pub fn answer(&self, path: &str) -> Option<&Value> {
        self.resources
            .iter()
            .find(|(known, _)| known == path)
            .map(|(_, body)| body)
    }

    fn userinfo_field(mut self, name: &str, value: Value) -> Self {
        let found = self.resources.iter_mut().find(|(path, _)| path == USERINFO);
        match found {
            Some((_, Value::Object(fields))) => {
                fields.insert(name.to_owned(), value);
            }
            // `/userinfo` was replaced by something else than an object: start afresh.
            _ => return self.resource(USERINFO, json!({ name: value })),
        }
        self
    }
}

impl Default for Account {
    /// `{"sub": "double-account", "email": "account@double.example", "email_verified":
    /// true}`.
    fn default() -> Self {
        Self::new("double-account")
            .email("account@double.example")
            .email_verified(true)
    }
}
