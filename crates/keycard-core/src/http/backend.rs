//! Authentication backends: a transport paired with a strategy, under a name.

use std::sync::Arc;

use super::transport::Transport;
use crate::strategy::Strategy;

/// A way to authenticate: where the token travels ([`Transport`]) and what it is
/// ([`Strategy`]). Several backends can be mounted side by side; a request is
/// authenticated by the first one whose token resolves to a user.
///
/// ```
/// use std::time::Duration;
/// use keycard_core::http::{AuthBackend, Transport};
/// use keycard_core::strategy::DatabaseStrategy;
/// use keycard_core::MemoryStore;
///
/// let strategy = DatabaseStrategy::new(MemoryStore::new(), Some(Duration::from_secs(3600)));
/// let backend = AuthBackend::new("db", Transport::Bearer, strategy);
/// assert_eq!(backend.name(), "db");
/// ```
#[derive(Debug, Clone)]
pub struct AuthBackend {
    name: String,
    transport: Transport,
    strategy: Arc<dyn Strategy>,
}

impl AuthBackend {
    /// A backend named `name`.
    pub fn new(name: impl Into<String>, transport: Transport, strategy: impl Strategy) -> Self {
        Self {
            name: name.into(),
            transport,
            strategy: Arc::new(strategy),
        }
    }

    /// The backend's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The transport.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The strategy.
    pub fn strategy(&self) -> &dyn Strategy {
        self.strategy.as_ref()
    }
}
