//! Assembling the API.

mod oauth;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::routes::Router;
use super::{
    AuthBackend, CookieSettings, DEFAULT_BODY_LIMIT, FieldSchema, Keycard, NoFields, OAuthOptions,
    Shared, Transport, config_error,
};
use crate::hooks::Hooks;
use crate::manager::{DEFAULT_TOKEN_LIFETIME, UserManager};
use crate::oauth::OAuthProvider;
use crate::password::PasswordHelper;
use crate::strategy::JwtStrategy;
use crate::token::{JwtKeys, Names};
use crate::{Error, Secret, UserStore};

type CookieEdit = Box<dyn FnOnce(CookieSettings) -> CookieSettings + Send>;

enum BackendSpec {
    JwtBearer(String),
    JwtCookie(String, CookieEdit),
    Custom(AuthBackend),
}

impl BackendSpec {
    fn name(&self) -> &str {
        match self {
            Self::JwtBearer(name) | Self::JwtCookie(name, _) => name,
            Self::Custom(backend) => backend.name(),
        }
    }
}

enum MountSpec {
    Auth {
        backend: String,
        requires_verification: bool,
    },
    Fixed(Router),
    OAuth {
        provider: Arc<dyn OAuthProvider>,
        /// The backend that answers a login; `None` for the associate router.
        backend: Option<String>,
        options: OAuthOptions,
    },
}

/// Configures a [`Keycard`]; start with [`Keycard::builder`].
///
/// Defaults: keycard's own [`Names`], access tokens living one hour, reset and verify
/// tokens one hour, [`PasswordHelper::default`], no hooks, no custom fields, bodies up to
/// [`DEFAULT_BODY_LIMIT`].
#[must_use]
pub struct KeycardBuilder {
    store: Arc<dyn UserStore>,
    secret: Secret,
    keys: Option<JwtKeys>,
    names: Names,
    access_lifetime: Duration,
    reset_lifetime: Duration,
    verify_lifetime: Duration,
    hooks: Option<Arc<dyn Hooks>>,
    passwords: Option<PasswordHelper>,
    fields: Arc<dyn FieldSchema>,
    body_limit: usize,
    backends: Vec<BackendSpec>,
    mounts: Vec<(String, MountSpec)>,
    standard_routes: bool,
}

impl KeycardBuilder {
    pub(super) fn new(store: Arc<dyn UserStore>, secret: Secret) -> Self {
        Self {
            store,
            secret,
            keys: None,
            names: Names::keycard(),
            access_lifetime: Duration::from_secs(3600),
            reset_lifetime: DEFAULT_TOKEN_LIFETIME,
            verify_lifetime: DEFAULT_TOKEN_LIFETIME,
            hooks: None,
            passwords: None,
            fields: Arc::new(NoFields),
            body_limit: DEFAULT_BODY_LIMIT,
            backends: Vec::new(),
            mounts: Vec::new(),
            standard_routes: false,
        }
    }

    /// Uses FastAPI Users' audiences and cookie names, so tokens cross between the two
    /// systems when they share the secret.
    pub fn fastapi_users_compat(self) -> Self {
        self.names(Names::fastapi_users())
    }

    /// Sets the audiences and cookie names. Default: [`Names::keycard`].
    pub fn names(mut self, names: Names) -> Self {
        self.names = names;
        self
    }

    /// Signs tokens with these keys (RS256 or ES256, say) instead of HS256 with the
    /// secret.
    pub fn keys(mut self, keys: JwtKeys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// Sets the lifetime of access tokens and of the auth cookie. Default: one hour.
    pub fn access_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.access_lifetime = lifetime;
        self
    }

    /// Sets the lifetime of reset-password tokens. Default: one hour.
    pub fn reset_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.reset_lifetime = lifetime;
        self
    }

    /// Sets the lifetime of verify tokens. Default: one hour.
    pub fn verify_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.verify_lifetime = lifetime;
        self
    }

    /// Sets the lifecycle hooks. Default: none.
    pub fn hooks(mut self, hooks: impl Hooks) -> Self {
        self.hooks = Some(Arc::new(hooks));
        self
    }

    /// Sets the password hashing pool. Default: [`PasswordHelper::default`].
    pub fn passwords(mut self, passwords: PasswordHelper) -> Self {
        self.passwords = Some(passwords);
        self
    }

    /// Sets the custom user fields the API accepts and shows. Default: [`NoFields`].
    pub fn fields(mut self, fields: impl FieldSchema) -> Self {
        self.fields = Arc::new(fields);
        self
    }

    /// Sets the largest request body accepted. Default: [`DEFAULT_BODY_LIMIT`].
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Adds a backend named `name`: JWT access tokens in the `Authorization` header.
    pub fn bearer_backend(mut self, name: impl Into<String>) -> Self {
        self.backends.push(BackendSpec::JwtBearer(name.into()));
        self
    }

    /// Adds a backend named `name`: JWT access tokens in the auth cookie, with the secure
    /// defaults of [`CookieSettings`] and `Max-Age` equal to the token lifetime.
    pub fn cookie_backend(self, name: impl Into<String>) -> Self {
        self.cookie_backend_with(name, |cookie| cookie)
    }

    /// Adds a cookie backend and adjusts its cookie's attributes.
    ///
    /// ```
    /// use keycard_core::http::Keycard;
    /// use keycard_core::{MemoryStore, Secret};
    ///
    /// let keycard = Keycard::builder(MemoryStore::new(), Secret::new("s"))
    ///     .cookie_backend_with("cookie", |cookie| cookie.insecure().domain(Some("example.com".into())))
    ///     .standard_routes()
    ///     .build();
    /// assert!(keycard.is_ok());
    /// ```
    pub fn cookie_backend_with(
        mut self,
        name: impl Into<String>,
        edit: impl FnOnce(CookieSettings) -> CookieSettings + Send + 'static,
    ) -> Self {
        self.backends
            .push(BackendSpec::JwtCookie(name.into(), Box::new(edit)));
        self
    }

    /// Adds a backend of your own, such as database tokens.
    pub fn backend(mut self, backend: AuthBackend) -> Self {
        self.backends.push(BackendSpec::Custom(backend));
        self
    }

    /// Mounts `POST {prefix}/login` and `{prefix}/logout` of the backend named `backend`.
    pub fn auth_routes(self, prefix: &str, backend: &str) -> Self {
        self.mount_auth(prefix, backend, false)
    }

    /// Mounts login and logout of a backend that refuses unverified users.
    pub fn auth_routes_requiring_verification(self, prefix: &str, backend: &str) -> Self {
        self.mount_auth(prefix, backend, true)
    }

    /// Mounts `POST {prefix}/register`.
    pub fn register_routes(self, prefix: &str) -> Self {
        self.mount(prefix, Router::Register)
    }

    /// Mounts `POST {prefix}/forgot-password` and `{prefix}/reset-password`.
    pub fn reset_password_routes(self, prefix: &str) -> Self {
        self.mount(prefix, Router::ResetPassword)
    }

    /// Mounts `POST {prefix}/request-verify-token` and `{prefix}/verify`.
    pub fn verify_routes(self, prefix: &str) -> Self {
        self.mount(prefix, Router::Verify)
    }

    /// Mounts `{prefix}/me` and `{prefix}/{id}`.
    pub fn users_routes(self, prefix: &str) -> Self {
        self.mount(
            prefix,
            Router::Users {
                requires_verification: false,
            },
        )
    }

    /// Mounts the users routes for verified users only.
    pub fn users_routes_requiring_verification(self, prefix: &str) -> Self {
        self.mount(
            prefix,
            Router::Users {
                requires_verification: true,
            },
        )
    }

    /// Mounts FastAPI Users' conventional layout: each backend's login and logout under
    /// `/auth/{name}`, register, reset and verify under `/auth`, users under `/users`.
    pub fn standard_routes(mut self) -> Self {
        self.standard_routes = true;
        self
    }

    fn mount_auth(mut self, prefix: &str, backend: &str, requires_verification: bool) -> Self {
        let spec = MountSpec::Auth {
            backend: backend.to_owned(),
            requires_verification,
        };
        self.mounts.push((normalize_prefix(prefix), spec));
        self
    }

    fn mount(mut self, prefix: &str, router: Router) -> Self {
        self.mounts
            .push((normalize_prefix(prefix), MountSpec::Fixed(router)));
        self
    }

    /// Builds the API.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidKey`] for an empty secret, [`Error::Config`] for a route naming an
    /// unknown backend, two backends with one name, an OAuth provider whose name is not
    /// 1 to 100 letters, digits, `-` or `_`, or an invalid OAuth redirect URL.
    pub fn build(self) -> Result<Keycard, Error> {
        let keys = match self.keys {
            Some(keys) => keys,
            None => JwtKeys::hs256(&self.secret)?,
        };
        let mut manager = UserManager::builder(Arc::clone(&self.store), keys.clone())
            .names(self.names.clone())
            .reset_token_lifetime(self.reset_lifetime)
            .verify_token_lifetime(self.verify_lifetime);
        if let Some(hooks) = self.hooks {
            manager = manager.shared_hooks(hooks);
        }
        if let Some(passwords) = self.passwords {
            manager = manager.passwords(passwords);
        }

        let lifetime = self.access_lifetime;
        let jwt = JwtStrategy::new(keys, lifetime).audience(self.names.auth_audience.clone());
        let mut backends: Vec<AuthBackend> = Vec::new();
        for spec in self.backends {
            if backends.iter().any(|b| b.name() == spec.name()) {
                return Err(config_error(format!(
                    "two backends are named {:?}",
                    spec.name()
                )));
            }
            backends.push(match spec {
                BackendSpec::JwtBearer(name) => {
                    AuthBackend::new(name, Transport::Bearer, jwt.clone())
                }
                BackendSpec::JwtCookie(name, edit) => {
                    let cookie =
                        CookieSettings::new(self.names.auth_cookie.clone()).max_age(Some(lifetime));
                    AuthBackend::new(name, Transport::Cookie(edit(cookie)), jwt.clone())
                }
                BackendSpec::Custom(backend) => backend,
            });
        }

        let mut mounts = Vec::new();
        if self.standard_routes {
            for (index, backend) in backends.iter().enumerate() {
                let router = Router::Auth {
                    backend: index,
                    requires_verification: false,
                };
                mounts.push((format!("/auth/{}", backend.name()), router));
            }
            mounts.push(("/auth".to_owned(), Router::Register));
            mounts.push(("/auth".to_owned(), Router::ResetPassword));
            mounts.push(("/auth".to_owned(), Router::Verify));
            mounts.push((
                "/users".to_owned(),
                Router::Users {
                    requires_verification: false,
                },
            ));
        }
        let backend_index = |name: &str| {
            backends
                .iter()
                .position(|b| b.name() == name)
                .ok_or_else(|| config_error(format!("no backend is named {name:?}")))
        };
        for (prefix, spec) in self.mounts {
            let router = match spec {
                MountSpec::Fixed(router) => router,
                MountSpec::Auth {
                    backend,
                    requires_verification,
                } => Router::Auth {
                    backend: backend_index(&backend)?,
                    requires_verification,
                },
                MountSpec::OAuth {
                    provider,
                    backend,
                    options,
                } => {
                    let backend = backend.as_deref().map(backend_index).transpose()?;
                    let names = (&self.names, &self.secret);
                    oauth::router(provider, &prefix, backend, options, names)?
                }
            };
            mounts.push((prefix, router));
        }

        Ok(Keycard {
            shared: Arc::new(Shared {
                manager: manager.build(),
                backends,
                mounts,
                fields: self.fields,
                body_limit: self.body_limit,
            }),
        })
    }
}

fn normalize_prefix(prefix: &str) -> String {
    let trimmed = prefix.trim_end_matches('/');
    if trimmed.is_empty() || trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}

impl fmt::Debug for KeycardBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeycardBuilder")
            .field("names", &self.names)
            .field("access_lifetime", &self.access_lifetime)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}
