use std::env;
use std::net::SocketAddr;
use std::path::PathBuf;

use keycard_core::password::generate_password;
use keycard_core::{Password, Secret};

/// An example app's configuration, read from the contract's `KEYCARD_*` variables.
#[derive(Debug, Clone)]
pub struct Config {
    /// `KEYCARD_HOST`:`KEYCARD_PORT`, default `127.0.0.1:8000`.
    pub addr: SocketAddr,
    /// `KEYCARD_DATABASE_URL`, or the example's default.
    pub database_url: Option<String>,
    /// `KEYCARD_SECRET`, or a random one (tokens then die with the process).
    pub secret: Secret,
    /// Whether the secret was generated.
    pub secret_generated: bool,
    /// `KEYCARD_COMPAT=fastapi-users`.
    pub fastapi_users_compat: bool,
    /// `KEYCARD_EVENTS_FILE`.
    pub events_file: Option<PathBuf>,
    /// `KEYCARD_SUPERUSER_EMAIL` and `KEYCARD_SUPERUSER_PASSWORD`.
    pub superuser: Option<(String, Password)>,
    /// The generic provider of the `KEYCARD_OAUTH_*` variables.
    pub oauth: Option<OAuthConfig>,
    /// `KEYCARD_GOOGLE_CLIENT_ID` and `KEYCARD_GOOGLE_CLIENT_SECRET`.
    pub google: Option<(String, Secret)>,
    /// `KEYCARD_GITHUB_CLIENT_ID` and `KEYCARD_GITHUB_CLIENT_SECRET`.
    pub github: Option<(String, Secret)>,
}

/// A generic OAuth2 provider: `KEYCARD_OAUTH_NAME`, `KEYCARD_OAUTH_CLIENT_ID`,
/// `KEYCARD_OAUTH_CLIENT_SECRET`, `KEYCARD_OAUTH_AUTHORIZE_URL`, `KEYCARD_OAUTH_TOKEN_URL`
/// and `KEYCARD_OAUTH_USERINFO_URL`, all required once one is set.
#[derive(Debug, Clone)]
pub struct OAuthConfig {
    /// The provider's name, which is also its path segment.
    pub name: String,
    /// The client id.
    pub client_id: String,
    /// The client secret, sent in the token request body.
    pub client_secret: Secret,
    /// The authorization endpoint.
    pub authorize_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The user-info endpoint, read as `{"sub", "email", "email_verified"}`.
    pub userinfo_url: String,
}

const OAUTH_VARIABLES: [&str; 6] = [
    "KEYCARD_OAUTH_NAME",
    "KEYCARD_OAUTH_CLIENT_ID",
    "KEYCARD_OAUTH_CLIENT_SECRET",
    "KEYCARD_OAUTH_AUTHORIZE_URL",
    "KEYCARD_OAUTH_TOKEN_URL",
    "KEYCARD_OAUTH_USERINFO_URL",
];

impl OAuthConfig {
    fn from_lookup(lookup: &impl Fn(&str) -> Option<String>) -> Result<Option<Self>, String> {
        let values: Vec<Option<String>> = OAUTH_VARIABLES.iter().map(|name| lookup(name)).collect();
        if values.iter().all(Option::is_none) {
            return Ok(None);
        }
        let Some([name, id, secret, authorize, token, userinfo]) = values
            .into_iter()
            .collect::<Option<Vec<_>>>()
            .and_then(|v| <[String; 6]>::try_from(v).ok())
        else {
            return Err(format!("set all of {} or none", OAUTH_VARIABLES.join(", ")));
        };
        Ok(Some(Self {
            name,
            client_id: id,
            client_secret: Secret::new(secret),
            authorize_url: authorize,
            token_url: token,
            userinfo_url: userinfo,
        }))
    }
}

/// Reads a client id and secret pair, both or neither.
fn client_pair(
    lookup: &impl Fn(&str) -> Option<String>,
    provider: &str,
) -> Result<Option<(String, Secret)>, String> {
    let id = format!("KEYCARD_{provider}_CLIENT_ID");
    let secret = format!("KEYCARD_{provider}_CLIENT_SECRET");
    match (lookup(&id), lookup(&secret)) {
        (Some(id), Some(secret)) => Ok(Some((id, Secret::new(secret)))),
        (None, None) => Ok(None),
        _ => Err(format!("set both {id} and {secret}")),
    }
}

impl Config {
    /// Reads the environment.
    ///
    /// # Errors
    ///
    /// A message naming the variable that does not parse.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| env::var(name).ok().filter(|v| !v.is_empty()))
    }

    /// Reads the configuration through `lookup`, for tests.
    ///
    /// # Errors
    ///
    /// A message naming the variable that does not parse.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let host = lookup("KEYCARD_HOST").unwrap_or_else(|| "127.0.0.1".into());
        let port = lookup("KEYCARD_PORT").unwrap_or_else(|| "8000".into());
        let addr = format!("{host}:{port}")
            .parse()
            .or_else(|_| format!("[{host}]:{port}").parse())
            .map_err(|_| {
                format!("KEYCARD_HOST/KEYCARD_PORT do not form an address: {host}:{port}")
            })?;
        let (secret, secret_generated) = match lookup("KEYCARD_SECRET") {
            Some(secret) => (Secret::new(secret), false),
            None => (Secret::new(generate_password().expose_secret()), true),
        };
        let compat = lookup("KEYCARD_COMPAT");
        if compat.as_deref().is_some_and(|c| c != "fastapi-users") {
            return Err("KEYCARD_COMPAT accepts only `fastapi-users`".into());
        }
        let superuser = match (
            lookup("KEYCARD_SUPERUSER_EMAIL"),
            lookup("KEYCARD_SUPERUSER_PASSWORD"),
        ) {
            (Some(email), Some(password)) => Some((email, Password::new(password))),
            (None, None) => None,
            _ => {
                return Err(
                    "set both KEYCARD_SUPERUSER_EMAIL and KEYCARD_SUPERUSER_PASSWORD".into(),
                );
            }
        };
        Ok(Self {
            addr,
            database_url: lookup("KEYCARD_DATABASE_URL"),
            secret,
            secret_generated,
            fastapi_users_compat: compat.is_some(),
            events_file: lookup("KEYCARD_EVENTS_FILE").map(PathBuf::from),
            superuser,
            oauth: OAuthConfig::from_lookup(&lookup)?,
            google: client_pair(&lookup, "GOOGLE")?,
            github: client_pair(&lookup, "GITHUB")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_on_loopback_with_a_random_secret() {
        let config = Config::from_lookup(|_| None).expect("config");
        assert_eq!(config.addr.to_string(), "127.0.0.1:8000");
        assert!(config.secret_generated);
        assert_eq!(config.secret.expose_secret().len(), 43);
        assert!(!config.fastapi_users_compat);
    }

    #[test]
    fn refuses_half_a_superuser_and_unknown_compat() {
        let half =
            Config::from_lookup(|n| (n == "KEYCARD_SUPERUSER_EMAIL").then(|| "a@b.co".into()));
        assert!(half.is_err());
        let compat = Config::from_lookup(|n| (n == "KEYCARD_COMPAT").then(|| "django".into()));
        assert!(compat.is_err());
    }

    #[test]
    fn oauth_variables_come_all_or_none() {
        let all =
            Config::from_lookup(|n| n.starts_with("KEYCARD_OAUTH_").then(|| format!("v-{n}")))
                .expect("config");
        let oauth = all.oauth.expect("provider");
        assert_eq!(oauth.name, "v-KEYCARD_OAUTH_NAME");
        assert_eq!(oauth.userinfo_url, "v-KEYCARD_OAUTH_USERINFO_URL");
        let some = Config::from_lookup(|n| (n == "KEYCARD_OAUTH_NAME").then(|| "x".into()));
        assert!(some.is_err());
    }

    #[test]
    fn debug_never_prints_the_secret_or_superuser_password() {
        let config = Config::from_lookup(|n| match n {
            "KEYCARD_SECRET" => Some("top-secret-value".into()),
            "KEYCARD_SUPERUSER_EMAIL" => Some("root@example.com".into()),
            "KEYCARD_SUPERUSER_PASSWORD" => Some("root-password-value".into()),
            "KEYCARD_GITHUB_CLIENT_ID" => Some("gh-id".into()),
            "KEYCARD_GITHUB_CLIENT_SECRET" => Some("gh-client-secret-value".into()),
            _ => None,
        })
        .expect("config");
        let text = format!("{config:?}");
        for secret in [
            "top-secret-value",
            "root-password-value",
            "gh-client-secret-value",
        ] {
            assert!(!text.contains(secret), "{secret} leaked");
        }
    }
}
