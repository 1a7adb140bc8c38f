//! TS003 Application Layer Clock Synchronization wire messages (package 1, v1.0.0 and v2.0.0,
//! both directions) and the server's correction arithmetic.
//!
//! * Every command is a plain struct with a `CID` constant and
//!   `build_into(&self, &mut [u8]) -> Result<usize, Error>`. Ranged fields are newtypes checked
//!   at construction ([`Token`], [`AppTimePeriod`], [`NbTransmissions`]); DeviceTime is
//!   [`crate::gps::GpsSeconds32`], GPS seconds (leap seconds included) modulo 2^32.
//! * [`parse_downlink`] and [`parse_uplink`] walk a whole FPort payload (default
//!   [`DEFAULT_FPORT`]) and yield one `Result` per command, stopping after the first error. They
//!   never panic on any input.
//! * v1 and v2 share every layout; v2 renames ForceDeviceResyncReq to ForceDeviceResyncCmd
//!   ([`ForceDeviceResyncCmd`] is an alias) and makes TimeCorrection saturate. So the parsers
//!   take no version; [`time_correction`] does.
//! * RFU bits: refused in downlink commands ([`Error::RfuBitsSet`]), ignored in uplinks, as in
//!   the TS004 and TS005 modules.
//! * The exchange: the device sends [`AppTimeReq`]; the server answers with
//!   [`AppTimeAns::answer`] when [`AppTimeReq::needs_answer`]; the device applies an answer
//!   whose token matches ([`AppTimeAns::answers`]) and moves to [`Token::next`].
//!
//! ```
//! use lorafota_core::gps::{GpsSeconds32, GpsTime};
//! use lorafota_core::ts003::{AppTimeAns, AppTimeReq, Token, Ts003Version};
//!
//! // A device whose clock ignores the 18 leap seconds asks; the network heard it at `now`.
//! let req = AppTimeReq {
//!     device_time: GpsSeconds32::new(1_436_486_400),
//!     token_req: Token::new(0)?,
//!     ans_required: false,
//! };
//! let now = GpsTime::from_secs(1_436_486_418);
//! let ans = AppTimeAns::answer(&req, now, Ts003Version::V2);
//! assert!(req.needs_answer(ans.time_correction));
//! assert_eq!((ans.time_correction, ans.answers(req.token_req)), (18, true));
//! # Ok::<(), lorafota_core::ts003::Error>(())
//! ```

mod correction;
mod downlink;
mod error;
mod fields;
mod uplink;
mod wire;

use core::fmt;
use core::str::FromStr;

pub use correction::time_correction;
pub use downlink::{
    AppTimeAns, DeviceAppTimePeriodicityReq, DownlinkCommand, DownlinkCommands,
    ForceDeviceResyncCmd, ForceDeviceResyncReq, PackageVersionReq, parse_downlink,
};
pub use error::Error;
pub use fields::{AppTimePeriod, NbTransmissions, Token};
pub use uplink::{
    AppTimeReq, DeviceAppTimePeriodicityAns, PackageVersionAns, UplinkCommand, UplinkCommands,
    parse_uplink,
};

/// The TS003 package identifier, answered in PackageVersionAns.
pub const PACKAGE_IDENTIFIER: u8 = 1;

/// The FPort dedicated to TS003 unless a device profile says otherwise.
pub const DEFAULT_FPORT: u8 = 202;

/// The longest command, CID included (AppTimeReq / AppTimeAns / DeviceAppTimePeriodicityAns).
pub const MAX_COMMAND_LEN: usize = 6;

/// The TS003 version a device runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ts003Version {
    /// TS003 v1.0.0.
    #[default]
    V1,
    /// TS003 v2.0.0: TimeCorrection saturates at ±(2^31 − 1).
    V2,
}

impl Ts003Version {
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

impl fmt::Display for Ts003Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Accepts `v1`, `1`, `1.0.0`, `v2`, `2`, `2.0.0`.
impl FromStr for Ts003Version {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        match s {
            "v1" | "1" | "1.0.0" => Ok(Self::V1),
            "v2" | "2" | "2.0.0" => Ok(Self::V2),
            _ => Err(Error::UnknownVersion),
        }
    }
}
