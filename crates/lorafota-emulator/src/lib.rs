//! # lorafota-emulator
//!
//! A MultiTech mPower gateway's FOTA/multicast HTTP API, faithful to
//! `shared/spec/gateway-api.md` §8, so every lorafota test runs against a real server over
//! real HTTPS on loopback.
//!
//! - [`Emulator::start`] serves on `127.0.0.1:0` (HTTPS with a fresh self-signed certificate
//!   by default) and returns an [`EmulatorHandle`]: URL, credentials, certificate PEM and
//!   SHA-256 fingerprint, control methods, and [`EmulatorHandle::stop`].
//! - State (uploads, schedules, results, device table) lives in a state directory as JSON
//!   written atomically, and survives a restart on the same directory.
//! - Jobs follow a virtual clock ([`clock`]); the radio is a plug ([`jobs::Radio`]); the
//!   default is [`SimRadio`] ([`sim`]): setup messages, our TS004 encoder, simulated devices
//!   with loss and memory limits running our real decoder.
//! - The test control surface `/__emulator/…` (off unless
//!   [`EmulatorConfig::control_surface`]) adds devices and users, steps the clock, expires
//!   sessions and injects faults; the same operations are methods of [`EmulatorHandle`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), lorafota_emulator::StartError> {
//! use lorafota_emulator::{Emulator, EmulatorConfig, config::seed_document_devices};
//! let emu = Emulator::start(EmulatorConfig { devices: seed_document_devices(), ..Default::default() }).await?;
//! println!("{} pin {}", emu.url(), emu.fingerprint_hex().unwrap_or_default());
//! emu.stop().await;
//! # Ok(()) }
//! ```

pub mod background;
pub mod clock;
pub mod config;
mod http;
pub mod jobs;
mod ops;
mod server;
pub mod sim;
mod state;
mod store;
mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lorafota_core::Eui64;
use lorafota_gateway::Secret;
use lorafota_gateway::api::auth::Role;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use background::BackgroundEmulator;
pub use config::{EmulatorConfig, TlsSetup, UserSpec};
pub use jobs::{DeviceProgress, PlaceholderRadio, Radio};
pub use sim::SimRadio;
pub use state::{Fault, FaultRule};
pub use tls::fingerprint_colon_hex;

/// Why the emulator could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// The listen address could not be bound.
    Bind(std::io::Error),
    /// Certificate generation or loading failed.
    Tls(String),
    /// The state directory could not be created or read.
    State(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bind(e) => write!(f, "cannot listen: {e}"),
            Self::Tls(e) => write!(f, "TLS setup failed: {e}"),
            Self::State(e) => write!(f, "state directory: {e}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind(e) | Self::State(e) => Some(e),
            Self::Tls(_) => None,
        }
    }
}

/// Entry point.
#[derive(Debug, Clone, Copy)]
pub struct Emulator;

impl Emulator {
    /// Starts with the simulated radio and devices ([`SimRadio`], seed 1). Must be called
    /// inside a tokio runtime.
    pub async fn start(cfg: EmulatorConfig) -> Result<EmulatorHandle, StartError> {
        Self::start_with_radio(cfg, Box::new(SimRadio::new(1))).await
    }

    /// Starts with a custom radio model.
    pub async fn start_with_radio(
        mut cfg: EmulatorConfig,
        radio: Box<dyn Radio>,
    ) -> Result<EmulatorHandle, StartError> {
        let (state_dir, temp) = match &cfg.state_dir {
            Some(d) => (d.clone(), None),
            None => {
                let d = std::env::temp_dir().join(format!(
                    "lorafota-emulator-{}-{}",
                    std::process::id(),
                    random_hex(6)
                ));
                (d.clone(), Some(TempDir(d)))
            }
        };
        let store = store::Store::open(&state_dir).map_err(StartError::State)?;
        if cfg.users.is_empty() {
            cfg.users
                .push(UserSpec::new("admin", random_hex(8), Role::Admin));
        }
        let login = cfg
            .users
            .iter()
            .find(|u| u.role == Role::Admin)
            .or(cfg.users.first())
            .cloned();
        let (cert, acceptor) = match &cfg.tls {
            TlsSetup::PlainHttp => (None, None),
            TlsSetup::Generate => {
                let c = tls::ServerCert::generate()?;
                let a = tokio_rustls::TlsAcceptor::from(c.server_config()?);
                (Some(c), Some(a))
            }
            TlsSetup::Provided { cert_pem, key_pem } => {
                let c = tls::ServerCert::from_pem(cert_pem, key_pem.expose())?;
                let a = tokio_rustls::TlsAcceptor::from(c.server_config()?);
                (Some(c), Some(a))
            }
        };
        let listener = TcpListener::bind(cfg.bind)
            .await
            .map_err(StartError::Bind)?;
        let addr = listener.local_addr().map_err(StartError::Bind)?;
        let https = acceptor.is_some();
        let app = Arc::new(state::App::new(cfg, store, radio, https).map_err(StartError::State)?);
        let router = http::router(app.clone());
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(server::accept_loop(
            listener,
            acceptor,
            app.clone(),
            router,
            stop_rx,
        ));
        let scheme = if https { "https" } else { "http" };
        Ok(EmulatorHandle {
            url: format!("{scheme}://{addr}"),
            addr,
            username: login.as_ref().map(|u| u.name.clone()).unwrap_or_default(),
            password: login.map(|u| u.password).unwrap_or_default(),
            cert_pem: cert.as_ref().map(|c| c.pem.clone()),
            fingerprint: cert.as_ref().map(tls::ServerCert::fingerprint),
            state_dir,
            app,
            stop_tx,
            task: Some(task),
            _temp: temp,
        })
    }
}

fn random_hex(bytes: usize) -> String {
    use ring::rand::SecureRandom as _;
    let mut b = vec![0u8; bytes];
    // On the rare failure of the system RNG fall back to the clock: these values name a temp
    // directory and a throwaway test password, not keys.
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        b = t
            .to_le_bytes()
            .iter()
            .copied()
            .cycle()
            .take(bytes)
            .collect();
    }
    hex::encode(b)
}

/// Removes an automatically created state directory.
#[derive(Debug)]
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ignored = std::fs::remove_dir_all(&self.0);
    }
}

/// A running emulator. Dropping it stops the server (in the background); [`Self::stop`]
/// stops it and waits.
#[derive(Debug)]
pub struct EmulatorHandle {
    url: String,
    addr: SocketAddr,
    username: String,
    password: Secret,
    cert_pem: Option<String>,
    fingerprint: Option<[u8; 32]>,
    state_dir: PathBuf,
    app: Arc<state::App>,
    stop_tx: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    _temp: Option<TempDir>,
}

impl EmulatorHandle {
    /// Base URL, e.g. `https://127.0.0.1:40123`.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// Bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// The admin account's user name.
    pub fn username(&self) -> &str {
        &self.username
    }
    /// The admin account's password.
    pub fn password(&self) -> &Secret {
        &self.password
    }
    /// The server certificate, PEM (`None` on plain HTTP).
    pub fn cert_pem(&self) -> Option<&str> {
        self.cert_pem.as_deref()
    }
    /// SHA-256 of the server certificate (`None` on plain HTTP).
    pub fn fingerprint(&self) -> Option<[u8; 32]> {
        self.fingerprint
    }
    /// The fingerprint as `AA:BB:…`.
    pub fn fingerprint_hex(&self) -> Option<String> {
        self.fingerprint.as_ref().map(fingerprint_colon_hex)
    }
    /// Writes the certificate PEM to `path` (for `curl --cacert` or a client's CA file).
    pub fn write_cert_pem(&self, path: &Path) -> std::io::Result<()> {
        match &self.cert_pem {
            Some(pem) => std::fs::write(path, pem),
            None => Err(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "plain HTTP has no certificate",
            )),
        }
    }
    /// The state directory.
    pub fn state_dir(&self) -> &Path {
        &self.state_dir
    }

    /// Adds or replaces devices.
    pub fn add_devices(&self, devices: impl IntoIterator<Item = config::DeviceSpec>) {
        self.app.add_devices(devices);
    }
    /// Adds a multicast group EUI.
    pub fn add_group(&self, eui: Eui64) {
        self.app.add_group(eui);
    }
    /// Adds or replaces an account.
    pub fn add_user(&self, user: UserSpec) {
        self.app.add_user(user);
    }
    /// Steps the virtual clock.
    pub fn advance_clock(&self, d: Duration) {
        self.app.advance_clock(d);
    }
    /// Sets the virtual clock (Unix ms) and/or its speed.
    pub fn set_clock(&self, unix_ms: Option<i64>, speed: Option<f64>) {
        self.app.set_clock(unix_ms, speed);
    }
    /// Per-device progress of the running (or set-up) jobs, by schedule filename.
    pub fn device_progress(&self) -> Vec<(String, Vec<DeviceProgress>)> {
        self.app.with(|inner, now| {
            inner
                .jobs
                .iter()
                .map(|j| (j.filename.clone(), j.device_progress(now)))
                .collect()
        })
    }
    /// Current virtual Unix time, ms.
    pub fn now_ms(&self) -> i64 {
        self.app.clock.now_ms()
    }
    /// Ends sessions of `user` (all when `None`); returns how many.
    pub fn expire_sessions(&self, user: Option<&str>) -> usize {
        self.app.expire_sessions(user)
    }
    /// Clears login lockouts.
    pub fn clear_lockouts(&self) {
        self.app.clear_lockouts();
    }
    /// Queues a fault.
    pub fn inject_fault(&self, rule: FaultRule) {
        self.app.inject_fault(rule);
    }
    /// Drops pending faults.
    pub fn clear_faults(&self) {
        self.app.clear_faults();
    }
    /// Starts or stops the pretend network server.
    pub fn set_network_server(&self, running: bool) {
        self.app.set_network_server(running);
    }

    /// Stops serving and waits for the accept loop to end.
    pub async fn stop(mut self) {
        let _ignored = self.stop_tx.send(true);
        if let Some(t) = self.task.take() {
            let _ignored = t.await;
        }
    }

    /// Serves until `signal` completes, then stops.
    pub async fn serve_until(self, signal: impl std::future::Future<Output = ()>) {
        signal.await;
        self.stop().await;
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ignored = self.stop_tx.send(true);
    }
}
