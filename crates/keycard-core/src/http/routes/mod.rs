//! The route table and the handlers behind it.

mod auth;
mod oauth;
mod register;
mod reset;
mod users;
mod verify;

use std::sync::Arc;

use bytes::Bytes;
use http::request::Parts;
use http::{Method, Response};
use serde_json::{Map, Value};

use super::Shared;
use super::body;
use super::current_user::{self, Authenticated, CurrentUser};
use super::input::Input;
use super::oauth::OAuthRoute;
use super::reply::{self, Body, Outcome};
use crate::{Error, Token, User};

/// A group of routes mounted under a prefix, as FastAPI Users' routers are.
#[derive(Debug, Clone)]
pub(crate) enum Router {
    /// `POST /login`, `POST /logout` of one backend.
    Auth {
        backend: usize,
        requires_verification: bool,
    },
    /// `POST /register`.
    Register,
    /// `POST /forgot-password`, `POST /reset-password`.
    ResetPassword,
    /// `POST /request-verify-token`, `POST /verify`.
    Verify,
    /// `/me` and `/{id}`.
    Users { requires_verification: bool },
    /// `GET /authorize`, `GET /callback` of one provider, for login or association.
    OAuth(Arc<OAuthRoute>),
}

/// One handler, with what the path carried.
#[derive(Debug)]
pub(crate) enum Endpoint {
    Login {
        backend: usize,
        requires_verification: bool,
    },
    Logout {
        backend: usize,
        requires_verification: bool,
    },
    Register,
    ForgotPassword,
    ResetPassword,
    RequestVerify,
    Verify,
    Me {
        requires_verification: bool,
    },
    UpdateMe {
        requires_verification: bool,
    },
    GetUser(String),
    UpdateUser(String),
    DeleteUser(String),
    OAuthAuthorize(Arc<OAuthRoute>),
    OAuthCallback(Arc<OAuthRoute>),
}

/// What a path and method matched.
#[derive(Debug)]
pub(crate) enum Match {
    Found(Endpoint),
    WrongMethod(&'static [Method]),
    None,
}

impl Router {
    /// The path patterns below the mount prefix, with `{name}` for a parameter.
    pub(crate) fn patterns(&self) -> &'static [&'static str] {
        match self {
            Self::Auth { .. } => &["/login", "/logout"],
            Self::Register => &["/register"],
            Self::ResetPassword => &["/forgot-password", "/reset-password"],
            Self::Verify => &["/request-verify-token", "/verify"],
            Self::Users { .. } => &["/me", "/{id}"],
            Self::OAuth(_) => &["/authorize", "/callback"],
        }
    }

    /// Matches the path below the mount prefix.
    pub(crate) fn route(&self, rest: &str, method: &Method) -> Match {
        match (self, rest) {
            (
                Self::Auth {
                    backend,
                    requires_verification,
                },
                "/login" | "/logout",
            ) => {
                let (backend, requires_verification) = (*backend, *requires_verification);
                post_only(method, || match rest {
                    "/login" => Endpoint::Login {
                        backend,
                        requires_verification,
                    },
                    _ => Endpoint::Logout {
                        backend,
                        requires_verification,
                    },
                })
            }
            (Self::Register, "/register") => post_only(method, || Endpoint::Register),
            (Self::ResetPassword, "/forgot-password") => {
                post_only(method, || Endpoint::ForgotPassword)
            }
            (Self::ResetPassword, "/reset-password") => {
                post_only(method, || Endpoint::ResetPassword)
            }
            (Self::Verify, "/request-verify-token") => {
                post_only(method, || Endpoint::RequestVerify)
            }
            (Self::Verify, "/verify") => post_only(method, || Endpoint::Verify),
            (
                Self::Users {
                    requires_verification,
                },
                "/me",
            ) if *method == Method::GET || *method == Method::PATCH => {
                // Other methods fall through to `/{id}` with the id `me`, as in FastAPI
                // Users' route order: DELETE /me answers 401, 403 or 404.
                let requires_verification = *requires_verification;
                match *method {
                    Method::GET => Match::Found(Endpoint::Me {
                        requires_verification,
                    }),
                    _ => Match::Found(Endpoint::UpdateMe {
                        requires_verification,
                    }),
                }
            }
            (Self::OAuth(route), "/authorize") => {
                get_only(method, || Endpoint::OAuthAuthorize(Arc::clone(route)))
            }
            (Self::OAuth(route), "/callback") => {
                get_only(method, || Endpoint::OAuthCallback(Arc::clone(route)))
            }
            (Self::Users { .. }, rest) => match rest.strip_prefix('/') {
                Some(id) if !id.is_empty() && !id.contains('/') => {
                    let id = id.to_owned();
                    match *method {
                        Method::GET => Match::Found(Endpoint::GetUser(id)),
                        Method::PATCH => Match::Found(Endpoint::UpdateUser(id)),
                        Method::DELETE => Match::Found(Endpoint::DeleteUser(id)),
                        _ => Match::WrongMethod(&[Method::GET, Method::PATCH, Method::DELETE]),
                    }
                }
                _ => Match::None,
            },
            _ => Match::None,
        }
    }
}

fn post_only(method: &Method, endpoint: impl FnOnce() -> Endpoint) -> Match {
    if method == Method::POST {
        Match::Found(endpoint())
    } else {
        Match::WrongMethod(&[Method::POST])
    }
}

fn get_only(method: &Method, endpoint: impl FnOnce() -> Endpoint) -> Match {
    if method == Method::GET {
        Match::Found(endpoint())
    } else {
        Match::WrongMethod(&[Method::GET])
    }
}

/// Everything a handler works with.
pub(crate) struct Ctx<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) parts: Parts,
    pub(crate) body: Bytes,
}

impl Ctx<'_> {
    /// Runs the endpoint.
    pub(crate) async fn dispatch(&self, endpoint: Endpoint) -> Response<Body> {
        let outcome = match endpoint {
            Endpoint::Login {
                backend,
                requires_verification,
            } => auth::login(self, backend, requires_verification).await,
            Endpoint::Logout {
                backend,
                requires_verification,
            } => auth::logout(self, backend, requires_verification).await,
            Endpoint::Register => register::register(self).await,
            Endpoint::ForgotPassword => reset::forgot_password(self).await,
            Endpoint::ResetPassword => reset::reset_password(self).await,
            Endpoint::RequestVerify => verify::request_verify(self).await,
            Endpoint::Verify => verify::verify(self).await,
            Endpoint::Me {
                requires_verification,
            } => users::me(self, requires_verification).await,
            Endpoint::UpdateMe {
                requires_verification,
            } => users::update_me(self, requires_verification).await,
            Endpoint::GetUser(id) => users::get_user(self, &id).await,
            Endpoint::UpdateUser(id) => users::update_user(self, &id).await,
            Endpoint::DeleteUser(id) => users::delete_user(self, &id).await,
            Endpoint::OAuthAuthorize(route) => oauth::authorize(self, &route).await,
            Endpoint::OAuthCallback(route) => oauth::callback(self, &route).await,
        };
        outcome.unwrap_or_else(|response| response)
    }

    /// The request head, for hooks.
    pub(crate) fn request(&self) -> Option<&Parts> {
        Some(&self.parts)
    }

    /// The current user, held to `wanted`; 401/403 otherwise.
    pub(crate) async fn current_user(
        &self,
        wanted: CurrentUser,
    ) -> Result<Authenticated, Response<Body>> {
        let found = self.shared.authenticate(&self.parts.headers).await?;
        current_user::require(found, wanted)?.ok_or_else(reply::unauthorized)
    }

    /// Issues an access token for `user` on a backend, runs the after-login hook and
    /// answers with the backend's login response.
    pub(crate) async fn sign_in(&self, backend: usize, user: &User) -> Outcome {
        let backend = &self.shared.backends[backend];
        let token = backend.strategy().write_token(user).await;
        let token = token.map_err(|err| reply::internal(&err))?;
        tracing::Span::current().record("user.id", tracing::field::display(user.id));
        self.shared
            .manager
            .on_after_login(user, self.request())
            .await;
        Ok(backend.transport().login_response(&token))
    }

    /// The body as a JSON object, ready for field reads.
    pub(crate) fn json_input(&self) -> Result<Input, Response<Body>> {
        body::json_object(&self.parts, &self.body).map(Input::new)
    }

    /// The body as form fields, ready for field reads.
    pub(crate) fn form_input(&self) -> Input {
        Input::new(body::form_fields(&self.parts, &self.body))
    }

    /// The `UserRead` of a user.
    pub(crate) fn user_read(&self, user: &User) -> Value {
        user_read(user, self.shared.fields.read(&user.fields))
    }

    /// 200 with the `UserRead` of a user.
    pub(crate) fn user_response(&self, user: &User) -> Outcome {
        Ok(reply::json(http::StatusCode::OK, &self.user_read(user)))
    }
}

/// Reads `{"email"}` and issues a token to that user with `issue`, answering 202 `null`
/// whether or not the address has an account and whether or not a token was issued
/// (OWASP Forgot Password Cheat Sheet): callers learn nothing about accounts.
pub(crate) async fn issue_for_email(
    ctx: &Ctx<'_>,
    issue: impl AsyncFnOnce(&User) -> Result<Token, Error>,
) -> Outcome {
    let mut input = ctx.json_input()?;
    let email = input.email("email");
    input.finish()?;

    let accepted = Ok(reply::json(http::StatusCode::ACCEPTED, &Value::Null));
    let Some(email) = email else {
        return accepted;
    };
    let user = match ctx.shared.manager.get_by_email(&email).await {
        Ok(user) => user,
        Err(Error::UserNotExists) => return accepted,
        Err(err) => return Err(reply::internal(&err)),
    };
    match issue(&user).await {
        Ok(_) | Err(Error::UserInactive | Error::UserAlreadyVerified) => accepted,
        Err(err) => Err(reply::internal(&err)),
    }
}

/// `{"id", "email", "is_active", "is_superuser", "is_verified", ...custom}`.
pub(crate) fn user_read(user: &User, custom: Map<String, Value>) -> Value {
    let mut object = custom;
    object.insert("id".into(), Value::String(user.id.to_string()));
    object.insert("email".into(), Value::String(user.email.clone()));
    object.insert("is_active".into(), Value::Bool(user.is_active));
    object.insert("is_superuser".into(), Value::Bool(user.is_superuser));
    object.insert("is_verified".into(), Value::Bool(user.is_verified));
    Value::Object(object)
}
