//! keycard core
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod email;
mod error;
pub mod hooks;
pub mod http;
pub mod manager;
mod model;
pub mod password;
pub mod secret;
pub mod store;
pub mod strategy;
pub mod token;

pub use error::{BoxError, Error, StoreError};
pub use model::{AccessTokenRecord, Fields, OAuthAccount, User, UserPatch};
pub use secret::{HashedPassword, Password, Secret, Token};
pub use store::{AccessTokenStore, MemoryStore, UserStore};
