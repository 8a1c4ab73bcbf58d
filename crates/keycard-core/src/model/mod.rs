//! The records keycard keeps: users, their OAuth accounts and access tokens.

mod access_token;
mod oauth_account;
mod user;

pub use access_token::AccessTokenRecord;
pub use oauth_account::OAuthAccount;
pub use user::{Fields, User, UserPatch};
