//! Servers under test: child processes on a free loopback port, killed through their own
//! handle when dropped.

use std::fs::File;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::cpu::Sample;

/// A running server.
#[derive(Debug)]
pub(crate) struct Server {
    name: &'static str,
    child: Child,
    addr: SocketAddr,
}

impl Server {
    /// Starts `binary` listening on a free port of 127.0.0.1 (passed as `KEYCARD_HOST`
    /// and `KEYCARD_PORT`) with `env`, logging to `log`, and waits until it accepts
    /// connections.
    ///
    /// # Errors
    ///
    /// When it cannot start, exits early, or does not listen within 30 seconds.
    pub(crate) fn start(
        name: &'static str,
        binary: &Path,
        env: &[(&str, &str)],
        log: &Path,
    ) -> Result<Self, String> {
        let port = free_port().map_err(|err| format!("no free port: {err}"))?;
        let log = File::create(log).map_err(|err| format!("{}: {err}", log.display()))?;
        let stderr = log.try_clone().map_err(|err| err.to_string())?;
        let child = Command::new(binary)
            .env_remove("RUST_LOG")
            .env("KEYCARD_HOST", "127.0.0.1")
            .env("KEYCARD_PORT", port.to_string())
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(stderr)
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", binary.display()))?;

        let mut server = Self {
            name,
            child,
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
        };
        server.wait_until_listening(Duration::from_secs(30))?;
        Ok(server)
    }

    /// Where it listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The CPU counters with this server as the measured process.
    pub(crate) fn cpu(&self) -> Option<Sample> {
        Sample::now(self.child.id())
    }

    fn wait_until_listening(&mut self, patience: Duration) -> Result<(), String> {
        let deadline = Instant::now() + patience;
        loop {
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("{} exited before listening: {status}", self.name));
            }
            if Instant::now() > deadline {
                return Err(format!("{} did not listen within {patience:?}", self.name));
            }
            thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Only this child, through its own handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port the kernel just handed out for 127.0.0.1; the listener is closed again so the
/// server can take it.
fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}
