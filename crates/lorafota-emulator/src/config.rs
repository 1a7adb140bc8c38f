//! Emulator configuration: users, devices, limits, switches.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use lorafota_core::Eui64;
use lorafota_gateway::Secret;
use lorafota_gateway::api::auth::Role;
use lorafota_gateway::api::monitor::ApiShape;
use serde::{Deserialize, Serialize};

/// A login account.
#[derive(Debug, Clone)]
pub struct UserSpec {
    /// User name.
    pub name: String,
    /// Password.
    pub password: Secret,
    /// Permission level.
    pub role: Role,
}

impl UserSpec {
    /// A user with the given role.
    pub fn new(name: impl Into<String>, password: impl Into<Secret>, role: Role) -> Self {
        Self {
            name: name.into(),
            password: password.into(),
            role,
        }
    }
}

/// What the placeholder radio makes of a device (the next issue replaces this with a
/// simulation; see [`crate::jobs`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScriptedOutcome {
    /// Answers setup and receives everything.
    #[default]
    Success,
    /// Answers setup but fails the transfer.
    Failed,
    /// Not attempted.
    Skipped,
    /// Never answers setup (fails; if no device answers, the job skips to TEARDOWN).
    NoAnswer,
}

/// A row of the emulator's device table; also the format of the `--devices FILE` JSON array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceSpec {
    /// Device EUI, any spelling (stored dashed lower-case).
    #[serde(with = "eui_serde")]
    pub deveui: Eui64,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// LoRaWAN class, `A`, `B` or `C` (default `C`).
    #[serde(default = "default_class")]
    pub class: String,
    /// A scripted outcome that overrides the simulation (`success` = simulate normally;
    /// `failed` = fails the image verification; `skipped`; `no_answer`).
    #[serde(default)]
    pub outcome: ScriptedOutcome,
    /// Mean fragment loss, `0.0..=1.0` (default 0).
    #[serde(default)]
    pub loss: f64,
    /// Mean burst length in fragments: set = bursty (Gilbert-Elliott) loss, absent = i.i.d.
    #[serde(default)]
    pub burst: Option<f64>,
    /// Whether it answers the setup downlinks (default true).
    #[serde(default = "yes")]
    pub answers_setup: bool,
    /// Whether it has joined the network (default true).
    #[serde(default = "yes")]
    pub joined: bool,
    /// The multicast group it is provisioned for (absent = any).
    #[serde(default)]
    pub group: Option<u8>,
    /// The most lost uncoded fragments its decoder has memory for (absent = no limit).
    #[serde(default)]
    pub max_lost: Option<u16>,
}

fn yes() -> bool {
    true
}

fn default_class() -> String {
    "C".to_owned()
}

impl DeviceSpec {
    /// A class C device that succeeds.
    pub fn new(deveui: Eui64) -> Self {
        Self {
            deveui,
            name: None,
            class: default_class(),
            outcome: ScriptedOutcome::Success,
            loss: 0.0,
            burst: None,
            answers_setup: true,
            joined: true,
            group: None,
            max_lost: None,
        }
    }
    /// Sets i.i.d. loss.
    pub fn with_loss(mut self, loss: f64) -> Self {
        self.loss = loss;
        self
    }
    /// Sets the class (`A`, `B`, `C`).
    pub fn with_class(mut self, class: impl Into<String>) -> Self {
        self.class = class.into();
        self
    }
    /// Sets the scripted outcome.
    pub fn with_outcome(mut self, outcome: ScriptedOutcome) -> Self {
        self.outcome = outcome;
        self
    }
}

/// Serde for `Eui64` as a string in any spelling (dashed lower-case out).
pub mod eui_serde {
    use lorafota_core::Eui64;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the dashed lower-case form.
    pub fn serialize<S: Serializer>(e: &Eui64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&e.dashed())
    }
    /// Reads any spelling `Eui64::parse` accepts.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Eui64, D::Error> {
        let s = String::deserialize(d)?;
        Eui64::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The device EUIs used by the seed document's examples, so they run against a default
/// emulator: `00-80-00-ff-00-00-00-02`, `00-80-00-00-0a-00-11-ba`, `70-b3-d5-32-60-00-12-34`.
pub fn seed_document_devices() -> Vec<DeviceSpec> {
    [
        0x0080_00ff_0000_0002_u64,
        0x0080_0000_0a00_11ba,
        0x70b3_d532_6000_1234,
    ]
    .into_iter()
    .map(|v| DeviceSpec::new(Eui64::from_u64(v)))
    .collect()
}

/// `count` class C devices `00-80-00-ff-00-00-00-01` upwards (so the seed document's
/// `00-80-00-ff-00-00-00-02` is among them when `count >= 2`).
pub fn numbered_devices(count: u32) -> Vec<DeviceSpec> {
    (1..=u64::from(count))
        .map(|i| DeviceSpec::new(Eui64::from_u64(0x0080_00ff_0000_0000 + i)))
        .collect()
}

/// How the server answers a login from a locked-out address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LockoutAnswer {
    /// `403 "Too many failed login attempts"`.
    #[default]
    Forbidden,
    /// Close the connection without an answer (some firewalls do this).
    DropConnection,
}

/// Brute-force prevention (`remoteAccess.bruteForcePrevention`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Failed logins from one address before it is locked out (0 disables lockout).
    pub fail_attempts: u32,
    /// How long the lockout lasts.
    pub lockout: Duration,
    /// The answer while locked out.
    pub answer: LockoutAnswer,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            fail_attempts: 3,
            lockout: Duration::from_secs(300),
            answer: LockoutAnswer::Forbidden,
        }
    }
}

/// What `/fota` and `/mcm` do with an EUI missing from the device table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UnknownDevicePolicy {
    /// `404 "Device not found: <eui>"`.
    #[default]
    Reject,
    /// Accept the job and mark the device failed in its results.
    AcceptAndFail,
}

/// Transport.
#[derive(Debug, Clone, Default)]
pub enum TlsSetup {
    /// HTTPS with a self-signed certificate generated at start (for `localhost` and `127.0.0.1`).
    #[default]
    Generate,
    /// HTTPS with the given PEM certificate chain and private key.
    Provided {
        /// Certificate chain, PEM.
        cert_pem: String,
        /// Private key, PEM.
        key_pem: Secret,
    },
    /// Plain HTTP (unit tests; the on-gateway loopback API).
    PlainHttp,
}

/// Everything the emulator can be told at start.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Listen address; `127.0.0.1:0` picks a free port.
    pub bind: SocketAddr,
    /// HTTPS or HTTP.
    pub tls: TlsSetup,
    /// Where uploads, schedules and results persist; `None` = a fresh temporary directory,
    /// removed when the emulator stops.
    pub state_dir: Option<PathBuf>,
    /// Shape of the progress/results/schedule lists.
    pub api_shape: ApiShape,
    /// Accounts; empty = one `admin` with a generated password.
    pub users: Vec<UserSpec>,
    /// Device table.
    pub devices: Vec<DeviceSpec>,
    /// Known multicast group EUIs (for `multicastDeveui`).
    pub groups: Vec<Eui64>,
    /// Session inactivity timeout (default 300 s).
    pub session_timeout: Duration,
    /// Login lockout.
    pub lockout: LockoutPolicy,
    /// Legacy rule: a user logged in from one address cannot log in from another (409).
    pub single_address_login: bool,
    /// False = first boot: login answers 409 until `POST /api/commissioning`.
    pub commissioned: bool,
    /// Upload limit (default 4 MiB).
    pub max_upload_bytes: u64,
    /// Multicast payload limit (default 242 bytes).
    pub max_mc_payload: usize,
    /// Also accept upload part name `file` (MultiTech's documents disagree).
    pub lenient_upload_field: bool,
    /// EUIs missing from the device table.
    pub unknown_devices: UnknownDevicePolicy,
    /// Serve `/__emulator/…` (off by default).
    pub control_surface: bool,
    /// Virtual clock start (Unix ms); `None` = wall clock.
    pub clock_start_ms: Option<i64>,
    /// Virtual clock rate (1.0 = real time).
    pub clock_speed: f64,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls: TlsSetup::Generate,
            state_dir: None,
            api_shape: ApiShape::Seed,
            users: Vec::new(),
            devices: Vec::new(),
            groups: Vec::new(),
            session_timeout: Duration::from_secs(300),
            lockout: LockoutPolicy::default(),
            single_address_login: false,
            commissioned: true,
            max_upload_bytes: 4 * 1024 * 1024,
            max_mc_payload: lorafota_gateway::api::params::DEFAULT_MAX_MC_PAYLOAD,
            lenient_upload_field: false,
            unknown_devices: UnknownDevicePolicy::Reject,
            control_surface: false,
            clock_start_ms: None,
            clock_speed: 1.0,
        }
    }
}
