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
