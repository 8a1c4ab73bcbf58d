//! What the server and the handle share: the settings, the codes and tokens issued,
//! and the token requests received.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use super::{Account, Behaviour, TokenRequest};

/// What the server and the handle share.
pub(super) struct Shared {
    pub(super) base_url: String,
    pub(super) client_id: String,
    pub(super) client_secret: String,
    pub(super) state: Mutex<State>,
}

#[derive(Default)]
pub(super) struct State {
    pub(super) account: Account,
    pub(super) deny_consent: bool,
    pub(super) refuse_codes: bool,
    pub(super) token_behaviour: Behaviour,
    pub(super) userinfo_behaviour: Behaviour,
    pub(super) delay: Duration,
    pub(super) grants: HashMap<String, Grant>,
    pub(super) access_tokens: HashMap<String, Account>,
    pub(super) refresh_tokens: HashMap<String, Account>,
    pub(super) issued: u64,
    pub(super) token_requests: Vec<TokenRequest>,
}

/// Why an authorization request is refused (RFC 6749 §4.1.2.1).
#[derive(Debug)]
pub(super) enum Refusal {
    /// The client or its redirect URI cannot be trusted: no redirect.
    Stop(&'static str),
    /// Back to the client's redirect URI with `?error=`.
    Redirect { to: String, error: &'static str },
}

/// What one code was issued for.
#[derive(Debug, Clone)]
pub(super) struct Grant {
    pub(super) client_id: String,
    pub(super) redirect_uri: String,
    pub(super) challenge: String,
    pub(super) account: Account,
}

impl Shared {
    pub(super) fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves usable data behind.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Checks an authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3) and issues a
    /// code for `account`.
    pub(super) fn grant(
        &self,
        query: &HashMap<String, String>,
        account: Account,
    ) -> Result<String, Refusal> {
        let param = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
        if param("client_id") != self.client_id {
            return Err(Refusal::Stop("invalid_client"));
        }
        if param("redirect_uri").is_empty() {
            return Err(Refusal::Stop("invalid_request"));
        }
        if param("response_type") != "code" {
            return Err(self.refusal(query, "unsupported_response_type"));
        }
        if param("code_challenge").is_empty() || param("code_challenge_method") != "S256" {
            return Err(self.refusal(query, "invalid_request"));
        }

        let grant = Grant {
            client_id: self.client_id.clone(),
            redirect_uri: param("redirect_uri").to_owned(),
            challenge: param("code_challenge").to_owned(),
            account,
        };
        let mut state = self.state();
        state.issued += 1;
        let code = format!("code-{}", state.issued);
        state.grants.insert(code.clone(), grant);
        Ok(code)
    }

    /// A refusal sent back to the request's redirect URI.
    pub(super) fn refusal(&self, query: &HashMap<String, String>, error: &'static str) -> Refusal {
        let to = query.get("redirect_uri").cloned().unwrap_or_default();
        Refusal::Redirect { to, error }
    }

    /// Whether the token request authenticates the client (RFC 6749 §2.3.1).
    pub(super) fn client_authenticated(&self, request: &TokenRequest) -> bool {
        let ours = |id: &str, secret: &str| id == self.client_id && secret == self.client_secret;
        let in_body = match (request.client_id(), request.client_secret()) {
            (Some(id), Some(secret)) => ours(id, secret),
            _ => false,
        };
        let basic = request
            .basic_credentials()
            .is_some_and(|(id, secret)| ours(&id, &secret));
        in_body || basic
    }
}

impl State {
    /// Issues an access and a refresh token for `account`.
    pub(super) fn issue_tokens(&mut self, account: Account) -> (String, String) {
        self.issued += 1;
        let access = format!("access-{}", self.issued);
        let refresh = format!("refresh-{}", self.issued);
        self.access_tokens.insert(access.clone(), account.clone());
        self.refresh_tokens.insert(refresh.clone(), account);
        (access, refresh)
    }
}

impl Grant {
    /// The same client and redirect URI, and a verifier whose S256 is the challenge
    /// (RFC 6749 §4.1.3, RFC 7636 §4.6).
    pub(super) fn redeemable_by(&self, request: &TokenRequest) -> bool {
        let verifier = request.code_verifier().unwrap_or_default();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let client_id = request
            .client_id()
            .map(str::to_owned)
            .or_else(|| request.basic_credentials().map(|(id, _)| id));
        challenge == self.challenge
            && request.redirect_uri() == Some(self.redirect_uri.as_str())
            && client_id.as_deref() == Some(self.client_id.as_str())
    }
}
