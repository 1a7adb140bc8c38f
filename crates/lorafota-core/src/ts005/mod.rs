//! TS005 Remote Multicast Setup wire messages (package 2, v1.0.0 and v2.0.0, both directions)
//! and the multicast key chain.
//!
//! * Every command is a plain struct with a `CID` constant and
//!   `build_into(&self, &mut [u8]) -> Result<usize, Error>`, which writes the CID and payload and
//!   returns the bytes written. Ranged fields are newtypes checked at construction
//!   ([`McGroupId`], [`McGroupMask`], [`DlFrequency`], [`PingSlotPeriodicity`], [`TimeToStart`],
//!   [`crate::units::TimeoutExponent`]), so building fails only on a short buffer or an answer
//!   whose fields contradict each other.
//! * [`parse_downlink`] and [`parse_uplink`] walk a whole FPort payload (default
//!   [`DEFAULT_FPORT`]) and yield one `Result` per command, stopping after the first error. They
//!   never panic on any input. Several commands may share a frame.
//! * v1 and v2 share every layout (v2 adds the StartMissed status bit and the 0xFFFFFF
//!   TimeToStart saturation, and requires Class B SessionTime to be a multiple of 128), so the
//!   parsers take no version; [`Ts005Version`] names the package version a device reports.
//! * Byte order: multi-byte fields are little-endian. [`McAddr`] keeps its displayed value and
//!   names the wire order explicitly. SessionTime is [`crate::gps::GpsSeconds32`]: GPS seconds
//!   (leap seconds included) modulo 2^32, made with [`crate::gps::GpsTime`], never from
//!   `unix − 315 964 800`.
//! * RFU bits: set in a downlink request they are refused ([`Error::RfuBitsSet`]), since a device
//!   must not act on a command it may misread; in answers they are ignored, except status bits
//!   6-7 of the session answers, which would change whether TimeToStart follows.
//! * The key chain (feature `crypto`): `mc_root_key`, `mc_ke_key`, `encrypt_mc_key` (server,
//!   AES *decrypt*), `decrypt_mc_key` (device, AES *encrypt*), `mc_app_s_key`, `mc_nwk_s_key`.
//!   Keys are types whose `Debug` is redacted.
//!
//! ```
//! use lorafota_core::gps::UnixTime;
//! use lorafota_core::ts005::{
//!     DlFrequency, DownlinkCommand, MAX_COMMAND_LEN, McClassCSessionReq, McGroupId, parse_downlink,
//! };
//! use lorafota_core::units::TimeoutExponent;
//!
//! // 2025-07-14T00:00:00Z, on EU868's RX2 channel; GPS time counts the 18 leap seconds.
//! let start = UnixTime::from_secs(1_752_451_200).to_gps()?;
//! let req = McClassCSessionReq {
//!     mc_group_id: McGroupId::new(0)?,
//!     session_time: start.into(),
//!     time_out: TimeoutExponent::new(12)?, // at most 2^12 s
//!     dl_frequency: DlFrequency::from_hz(869_525_000)?,
//!     dr: 0,
//! };
//! let mut buf = [0u8; MAX_COMMAND_LEN];
//! let n = req.build_into(&mut buf)?;
//! assert_eq!(buf[..n], [0x04, 0x00, 0x12, 0x0b, 0x9f, 0x55, 0x0c, 0xd2, 0xad, 0x84, 0x00]);
//! let parsed: Vec<_> = parse_downlink(&buf[..n]).collect();
//! assert_eq!(parsed, [Ok(DownlinkCommand::McClassCSessionReq(req))]);
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```

mod downlink;
mod error;
mod fields;
#[cfg(feature = "crypto")]
mod keys;
mod uplink;
mod wire;

use core::fmt;
use core::str::FromStr;

pub use downlink::{
    DownlinkCommand, DownlinkCommands, McClassBSessionReq, McClassCSessionReq, McGroupDeleteReq,
    McGroupSetupReq, McGroupStatusReq, PackageVersionReq, parse_downlink,
};
pub use error::Error;
pub use fields::{
    DlFrequency, McAddr, McGroupId, McGroupMask, McKeyEncrypted, PingSlotPeriodicity, TimeToStart,
};
#[cfg(feature = "crypto")]
pub use keys::{
    McAppSKey, McKEKey, McKey, McNwkSKey, McRootKey, RootKeyKind, decrypt_mc_key, encrypt_mc_key,
    mc_app_s_key, mc_ke_key, mc_nwk_s_key, mc_root_key,
};
pub use uplink::{
    McClassBSessionAns, McClassCSessionAns, McGroupDeleteAns, McGroupSetupAns, McGroupStatusAns,
    PackageVersionAns, UplinkCommand, UplinkCommands, parse_uplink,
};

/// The root key type the key chain starts from (GenAppKey or AppKey), shared with TS004.
#[cfg(feature = "crypto")]
pub use crate::ts004::AppRootKey;

/// The TS005 package identifier, answered in PackageVersionAns.
pub const PACKAGE_IDENTIFIER: u8 = 2;

/// The FPort dedicated to TS005 unless a device profile says otherwise.
pub const DEFAULT_FPORT: u8 = 200;

/// The longest command, CID included (McGroupSetupReq): a buffer this long holds any command.
pub const MAX_COMMAND_LEN: usize = 30;

/// The TS005 version a device runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ts005Version {
    /// TS005 v1.0.0 (LoRaMac-node, most deployed devices).
    #[default]
    V1,
    /// TS005 v2.0.0 (LoRa Basics Modem): StartMissed, TimeToStart saturation, aligned Class B.
    V2,
}

impl Ts005Version {
    /// The PackageVersion a device answers for this version (1 or 2).
    pub const fn package_version(self) -> u8 {
        match self {
            Self::V1 => 1,
            Self::V2 => 2,
        }
    }
    /// The version a PackageVersion number names, if known.
    pub const fn from_package_version(v: u8) -> Option<Self> {
        match v {
            1 => Some(Self::V1),
            2 => Some(Self::V2),
            _ => None,
        }
    }
    /// The name used on command lines and in JSON: `v1` or `v2`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::V1 => "v1",
            Self::V2 => "v2",
        }
    }
}

impl fmt::Display for Ts005Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Accepts `v1`, `1`, `1.0.0`, `v2`, `2`, `2.0.0`.
impl FromStr for Ts005Version {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "v1" | "1" | "1.0.0" => Ok(Self::V1),
            "v2" | "2" | "2.0.0" => Ok(Self::V2),
            _ => Err(Error::UnknownVersion),
        }
    }
}
