//! [`GatewayClientBuilder`]: URL, credentials, timeouts, TLS trust, retry policy.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::error::Error;
use super::tls::{TlsTrust, client_config, parse_fingerprint};
use super::{GatewayClient, Inner, RetryPolicy};
use crate::Secret;

/// Env var naming the gateway's base URL (e.g. `https://192.168.2.1`).
pub const ENV_URL: &str = "LORAFOTA_GATEWAY_URL";
/// Env var naming the user.
pub const ENV_USER: &str = "LORAFOTA_USER";
/// Env var holding the password.
pub const ENV_PASSWORD: &str = "LORAFOTA_PASSWORD";

/// Default timeout of ordinary requests.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default timeout of uploads (MultiTech recommends 10 minutes for large images).
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default progress polling interval.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Configures a [`GatewayClient`]. Anything not set falls back to the environment
/// ([`ENV_URL`], [`ENV_USER`], [`ENV_PASSWORD`]) and then to the documented defaults.
#[derive(Debug, Clone, Default)]
pub struct GatewayClientBuilder {
    base_url: Option<String>,
    user: Option<String>,
    password: Option<Secret>,
    timeout: Option<Duration>,
    upload_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    poll_interval: Option<Duration>,
    trust: TlsTrust,
    pin_error: Option<String>,
    retry: RetryPolicy,
    user_agent: Option<String>,
}

impl GatewayClientBuilder {
    /// Base URL, e.g. `https://192.168.2.1` (default: `$LORAFOTA_GATEWAY_URL`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
    /// User name and password (default: `$LORAFOTA_USER`, `$LORAFOTA_PASSWORD`).
    pub fn credentials(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.user = Some(user.into());
        self.password = Some(password.into());
        self
    }
    /// Timeout of ordinary requests (default 30 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// Timeout of uploads (default 10 minutes).
    pub fn upload_timeout(mut self, d: Duration) -> Self {
        self.upload_timeout = Some(d);
        self
    }
    /// Connect timeout (default 10 s).
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }
    /// Default interval of progress polling (default 5 s).
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.poll_interval = Some(d);
        self
    }
    /// Retries of idempotent reads.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// `User-Agent` header (default `lorafota-gateway/<version>`).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }
    /// Trust the operating system's root certificates (the default).
    pub fn tls_system_roots(mut self) -> Self {
        self.trust = TlsTrust::SystemRoots;
        self
    }
    /// Trust the CA certificates in a PEM file.
    pub fn tls_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.trust = TlsTrust::CaFile(path.into());
        self
    }
    /// Trust the CA certificates in PEM text.
    pub fn tls_ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.trust = TlsTrust::CaPem(pem.into());
        self
    }
    /// Accept exactly the certificate with this SHA-256 fingerprint (`AA:BB:…` or plain hex),
    /// as printed by the emulator or `openssl x509 -fingerprint -sha256`.
    pub fn pin_certificate_sha256(mut self, fingerprint: &str) -> Self {
        match parse_fingerprint(fingerprint) {
            Ok(fp) => self.trust = TlsTrust::PinnedSha256(fp),
            Err(e) => self.pin_error = Some(e.to_string()),
        }
        self
    }
    /// Accept exactly the certificate with this SHA-256 (raw bytes).
    pub fn pin_certificate_sha256_bytes(mut self, fingerprint: [u8; 32]) -> Self {
        self.trust = TlsTrust::PinnedSha256(fingerprint);
        self
    }
    /// Accept exactly this certificate (PEM).
    pub fn pin_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.trust = TlsTrust::PinnedCertPem(pem.into());
        self
    }
    /// **Insecure**: accept any server certificate, so anyone on the network path can
    /// impersonate the gateway and read the password. Logged as a warning when the client is
    /// built. Prefer [`Self::pin_certificate_sha256`].
    pub fn danger_accept_any_certificate_insecure(mut self) -> Self {
        self.trust = TlsTrust::DangerAcceptAnyCertificate;
        self
    }
    /// Sets the trust mode directly.
    pub fn tls_trust(mut self, trust: TlsTrust) -> Self {
        self.trust = trust;
        self
    }

    /// Builds the client. Fails on a missing or malformed URL or a bad TLS setting; missing
    /// credentials are only an error at the first request that needs them.
    pub fn build(self) -> Result<GatewayClient, Error> {
        if let Some(e) = self.pin_error {
            return Err(Error::Config(e));
        }
        let raw_url = match self.base_url {
            Some(u) => u,
            None => std::env::var(ENV_URL).map_err(|_| {
                Error::Config(format!("no gateway URL: call base_url() or set {ENV_URL}"))
            })?,
        };
        let base = reqwest::Url::parse(raw_url.trim_end_matches('/'))
            .map_err(|e| Error::Config(format!("gateway URL {raw_url:?}: {e}")))?;
        if !matches!(base.scheme(), "https" | "http") {
            return Err(Error::Config(format!(
                "gateway URL {raw_url:?} must start with https:// or http://"
            )));
        }
        if base.scheme() == "https" && matches!(self.trust, TlsTrust::DangerAcceptAnyCertificate) {
            tracing::warn!(
                "lorafota-gateway: TLS certificate checks are OFF for {base}; anyone on the path can \
                 impersonate the gateway. Pin its certificate instead."
            );
        }
        let user = self.user.or_else(|| std::env::var(ENV_USER).ok());
        let password = self
            .password
            .or_else(|| std::env::var(ENV_PASSWORD).ok().map(Secret::new));
        let credentials = match (user, password) {
            (Some(u), Some(p)) => Some((u, p)),
            _ => None,
        };
        // Plain HTTP never uses TLS, and redirects are not followed (below), so a gateway on
        // `http://` needs no trust store even where the system has none.
        let trust = if base.scheme() == "http" {
            TlsTrust::DangerAcceptAnyCertificate
        } else {
            self.trust
        };
        let tls = client_config(&trust)?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            // A redirect would carry the session cookie to wherever it points; the API never
            // redirects, so none is followed.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .user_agent(
                self.user_agent
                    .unwrap_or_else(|| format!("lorafota-gateway/{}", env!("CARGO_PKG_VERSION"))),
            )
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(GatewayClient {
            inner: Arc::new(Inner {
                http,
                base,
                credentials,
                token: tokio::sync::Mutex::new(None),
                upload_timeout: self.upload_timeout.unwrap_or(DEFAULT_UPLOAD_TIMEOUT),
                poll_interval: self.poll_interval.unwrap_or(DEFAULT_POLL_INTERVAL),
                retry: self.retry,
            }),
        })
    }
}
