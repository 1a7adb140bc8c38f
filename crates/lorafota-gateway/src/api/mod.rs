//! The mPower gateway API as serde models, shared by the client and the emulator.
//!
//! - Builds without reqwest or tokio (the `client` feature is off for the emulator).
//! - Wire structs keep the gateway's own field names (`endDeviceDeveuis`, `multicastGroupID`,
//!   …) through `#[serde(rename)]`; every optional field is `Option` and unknown fields are
//!   ignored, because MultiTech's documents disagree about shapes (see
//!   `shared/spec/gateway-api.md` §7).
//! - [`monitor`] reads both documented shapes of the progress, results and schedule lists and
//!   normalises them into one typed model.
//! - [`params`] holds validated parameter types (group, port, descriptor, payload, EUIs):
//!   the client validates before sending, the emulator reuses the same checks.

pub mod auth;
pub mod envelope;
pub mod lora;
pub mod monitor;
pub mod params;
pub mod schedule;

pub use envelope::{Envelope, ErrorEnvelope, Status};

/// Request paths of the endpoints, relative to the gateway's base URL.
pub mod paths {
    /// `POST` (or legacy `GET`) log in.
    pub const LOGIN: &str = "/api/login";
    /// `POST`/`GET` log out.
    pub const LOGOUT: &str = "/api/logout";
    /// `GET` the current session.
    pub const WHOAMI: &str = "/api/whoami";
    /// `GET`/`POST` first-boot commissioning.
    pub const COMMISSIONING: &str = "/api/commissioning";
    /// `POST` multipart upload of a FOTA image (part `fotafile`).
    pub const UPLOAD_FOTA: &str = "/api/command/upload_lora_fota_file";
    /// `POST` multipart upload of a multicast message file (part `messagefile`).
    pub const UPLOAD_MULTICAST: &str = "/api/command/upload_lora_multicast";
    /// `POST` schedule a FOTA job.
    pub const FOTA: &str = "/api/lora/fota";
    /// `POST` schedule a multicast message.
    pub const MCM: &str = "/api/lora/mcm";
    /// `GET` progress of active jobs.
    pub const PROGRESS: &str = "/api/lora/fotaprogress";
    /// `GET` results of finished jobs.
    pub const RESULTS: &str = "/api/lora/fotaresults";
    /// `GET` scheduled jobs; `DELETE …/{filename}` cancels one.
    pub const SCHEDULE: &str = "/api/lora/fotaschedule";
    /// `GET` LoRa process status (PIDs).
    pub const STATUS: &str = "/api/lora/status";
    /// `GET` the device table.
    pub const DEVICES: &str = "/api/lora/devices";
}

/// The multipart part name of a FOTA image upload.
pub const FOTA_UPLOAD_PART: &str = "fotafile";
/// The multipart part name of a multicast message file upload.
pub const MULTICAST_UPLOAD_PART: &str = "messagefile";
/// The cookie that carries the session token.
pub const TOKEN_COOKIE: &str = "token";
