//! # lorafota-gateway
//!
//! Talk to a MultiTech mPower gateway's FOTA and multicast API.
//!
//! - [`api`]: serde models of every request and response, the envelope, validated parameters,
//!   and one typed model for the two documented shapes of progress/results/schedule lists.
//!   Always built; needs neither reqwest nor tokio.
//! - `client` feature (default): [`GatewayClient`] (async) and [`blocking::GatewayClient`],
//!   rustls with the ring provider, certificate pinning for self-signed gateways, lazy login,
//!   re-login on 401, retries of idempotent reads, and never a blind re-send of a schedule.
//! - [`Secret`]: passwords and tokens, redacted in every `Debug`/`Display`.
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn demo() -> Result<(), lorafota_gateway::Error> {
//! use lorafota_gateway::GatewayClient;
//! use lorafota_gateway::api::params::{DeviceEuis, FragDescriptor, GroupTarget, MulticastGroupId};
//! use lorafota_gateway::api::schedule::FotaJob;
//!
//! // URL and credentials may also come from LORAFOTA_GATEWAY_URL / LORAFOTA_USER / LORAFOTA_PASSWORD.
//! let gw = GatewayClient::builder()
//!     .base_url("https://192.168.2.1")
//!     .credentials("admin", "secret")
//!     .pin_certificate_sha256("AB:CD:…") // the gateway's self-signed certificate
//!     .build()?;
//! let job = FotaJob::new(
//!     DeviceEuis::parse(["00:80:00:ff:00:00:00:02", "008000000A0011BA"])?,
//!     GroupTarget::Id(MulticastGroupId::new(0)?),
//!     "firmware_v2.0.bin",
//! )?
//! .descriptor(FragDescriptor::from_u32(0x0102_0304));
//! let result = gw.run_fota("build/firmware_v2.0.bin", job, None, None).await?;
//! println!("{} succeeded, {} failed", result.success, result.failed);
//! # Ok(()) }
//! ```

pub mod api;
mod secret;

pub use secret::Secret;

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
pub use client::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT,
    ENV_PASSWORD, ENV_URL, ENV_USER, Error, GatewayClient, GatewayClientBuilder, GatewayError,
    JobUpdate, PinnedCertVerifier, ProgressWatch, RetryPolicy, TlsTrust, UploadedFile, blocking,
    parse_fingerprint,
};
