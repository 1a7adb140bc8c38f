//! `--gateway URL --user U (--password-env VAR|--password-file F) (--ca FILE|--pin SHA256|--insecure)`:
//! the connection options every gateway command shares.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use lorafota_gateway::{Secret, blocking};

/// How to reach a real gateway (or a running emulator).
#[derive(Debug, Clone, Args)]
pub struct GatewayArgs {
    /// Gateway base URL, e.g. `https://192.168.2.1`.
    #[arg(long)]
    pub gateway: Option<String>,
    /// User name.
    #[arg(long, requires = "gateway")]
    pub user: Option<String>,
    /// Name of the environment variable holding the password.
    #[arg(long, conflicts_with = "password_file", requires = "gateway")]
    pub password_env: Option<String>,
    /// File holding the password (first line).
    #[arg(long, requires = "gateway")]
    pub password_file: Option<PathBuf>,
    /// Trust this CA / self-signed certificate (PEM).
    #[arg(long, conflicts_with_all = ["pin", "insecure"], requires = "gateway")]
    pub ca: Option<PathBuf>,
    /// Pin the server certificate by its SHA-256 fingerprint (hex, colons allowed).
    #[arg(long, conflicts_with = "insecure", requires = "gateway")]
    pub pin: Option<String>,
    /// Accept any certificate (testing only).
    #[arg(long, requires = "gateway")]
    pub insecure: bool,
}

impl GatewayArgs {
    /// The password from `--password-env` or `--password-file`; never echoed.
    fn password(&self) -> Result<Secret> {
        if let Some(var) = &self.password_env {
            let v = std::env::var(var)
                .with_context(|| format!("environment variable {var} is not set"))?;
            return Ok(Secret::new(v));
        }
        if let Some(path) = &self.password_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            return Ok(Secret::new(text.lines().next().unwrap_or_default()));
        }
        bail!("give --password-env VAR or --password-file FILE")
    }

    /// A client for `--gateway`, `None` when no gateway was given.
    pub fn client(&self) -> Result<Option<blocking::GatewayClient>> {
        let Some(url) = &self.gateway else {
            return Ok(None);
        };
        let user = self.user.clone().context("--gateway needs --user")?;
        let mut b = blocking::GatewayClient::builder()
            .base_url(url.clone())
            .credentials(user, self.password()?)
            .poll_interval(Duration::from_secs(2));
        if let Some(ca) = &self.ca {
            b = b.tls_ca_file(ca.clone());
        } else if let Some(pin) = &self.pin {
            b = b.pin_certificate_sha256(pin);
        } else if self.insecure {
            eprintln!(
                "lorafota: WARNING: --insecure: the gateway's certificate is NOT verified; anyone on the path can read the password and change the firmware"
            );
            b = b.danger_accept_any_certificate_insecure();
        }
        Ok(Some(b.build_blocking()?))
    }

    /// A client for `--gateway`, required (one-off queries).
    pub fn require_client(&self) -> Result<blocking::GatewayClient> {
        self.client()?
            .context("give --gateway URL (and --user, a password option)")
    }
}
