/// The audiences and cookie names keycard uses, in one place so one call can switch all
/// of them to FastAPI Users' names.
///
/// ```
/// use keycard_core::token::Names;
///
/// assert_eq!(Names::keycard().auth_audience, "keycard:auth");
/// assert_eq!(Names::fastapi_users().auth_cookie, "fastapiusersauth");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// Audience of access tokens.
    pub auth_audience: String,
    /// Audience of reset-password tokens.
    pub reset_audience: String,
    /// Audience of verify tokens.
    pub verify_audience: String,
    /// Audience of OAuth state tokens.
    pub state_audience: String,
    /// Name of the authentication cookie.
    pub auth_cookie: String,
    /// Name of the OAuth CSRF cookie.
    pub csrf_cookie: String,
}

impl Names {
    /// keycard's own names: `keycard:auth`, `keycard:reset`, `keycard:verify`,
    /// `keycard:oauth-state`, cookies `keycardauth` and `keycardoauthcsrf`.
    pub fn keycard() -> Self {
        Self::with_prefix("keycard")
    }

    /// FastAPI Users' names, so tokens and cookies cross between the two systems when
    /// they share a secret.
    pub fn fastapi_users() -> Self {
        Self::with_prefix("fastapi-users")
    }

    fn with_prefix(prefix: &str) -> Self {
        let compact = prefix.replace('-', "");
        Self {
            auth_audience: format!("{prefix}:auth"),
            reset_audience: format!("{prefix}:reset"),
            verify_audience: format!("{prefix}:verify"),
            state_audience: format!("{prefix}:oauth-state"),
            auth_cookie: format!("{compact}auth"),
            csrf_cookie: format!("{compact}oauthcsrf"),
        }
    }
}

impl Default for Names {
    fn default() -> Self {
        Self::keycard()
    }
}
