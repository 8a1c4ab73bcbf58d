//! What every keycard example application shares, whatever its framework and store.
//!
//! Each example reads the same `KEYCARD_*` variables ([`Config::from_env`]), writes the
//! same events file ([`ExampleHooks`]), applies the same password rule, seeds the same
//! superuser ([`seed_superuser`]) and mounts the same routes ([`keycard_builder`]), so
//! one external test harness can drive any of them.

mod config;
mod hooks;

use keycard_core::http::{Keycard, KeycardBuilder, OAuthOptions};
use keycard_core::manager::UserCreate;
use keycard_core::oauth::{Endpoints, GenericProvider, GitHub, Google};
use keycard_core::{Error, Password, UserStore};

pub use config::{Config, OAuthConfig};
pub use hooks::ExampleHooks;

/// The builder every example starts from: the contract's backends and routes.
///
/// - `jwt`: bearer transport at `/auth/jwt`;
/// - `cookie`: cookie transport at `/auth/cookie`;
/// - `/auth/jwt-verified`: the bearer backend again, refusing unverified users;
/// - register, reset and verify under `/auth`, users under `/users`.
///
/// - each configured OAuth provider (the generic one, Google, GitHub): sign-in with the
///   bearer backend at `/auth/{name}`, association at `/auth/associate/{name}`.
///
/// Both backends use JWTs living one hour.
///
/// # Errors
///
/// [`Error::Config`] for an invalid OAuth provider name or endpoint.
pub fn keycard_builder(store: impl UserStore, config: &Config) -> Result<KeycardBuilder, Error> {
    let mut builder = Keycard::builder(store, config.secret.clone())
        .hooks(ExampleHooks::new(config.events_file.clone()))
        .bearer_backend("jwt")
        .cookie_backend("cookie")
        .standard_routes()
        .auth_routes_requiring_verification("/auth/jwt-verified", "jwt");
    if config.fastapi_users_compat {
        builder = builder.fastapi_users_compat();
    }
    if let Some(oauth) = &config.oauth {
        let endpoints = Endpoints::new(&oauth.authorize_url, &oauth.token_url, &oauth.userinfo_url);
        let secret = oauth.client_secret.clone();
        let provider = GenericProvider::new(&oauth.name, &oauth.client_id, secret, endpoints)?;
        builder = builder.standard_oauth_routes(provider, "jwt", OAuthOptions::new());
    }
    if let Some((id, secret)) = &config.google {
        builder = builder.standard_oauth_routes(
            Google::new(id, secret.clone()),
            "jwt",
            OAuthOptions::new(),
        );
    }
    if let Some((id, secret)) = &config.github {
        builder = builder.standard_oauth_routes(
            GitHub::new(id, secret.clone()),
            "jwt",
            OAuthOptions::new(),
        );
    }
    Ok(builder)
}

/// Creates the configured superuser (active, verified) unless the address exists.
///
/// # Errors
///
/// When the password breaks the rule or the store fails.
pub async fn seed_superuser(keycard: &Keycard, config: &Config) -> Result<(), Error> {
    let Some((email, password)) = &config.superuser else {
        return Ok(());
    };
    let manager = keycard.manager();
    match manager.get_by_email(email).await {
        Ok(_) => return Ok(()),
        Err(Error::UserNotExists) => {}
        Err(err) => return Err(err),
    }
    let create = UserCreate::new(email.clone(), Password::new(password.expose_secret()))
        .flags(true, true, true);
    match manager.create(create, false, None).await {
        Ok(user) => {
            tracing::info!(user.id = %user.id, "superuser created");
            Ok(())
        }
        // Another instance seeded it first.
        Err(Error::UserAlreadyExists) => Ok(()),
        Err(err) => Err(err),
    }
}
