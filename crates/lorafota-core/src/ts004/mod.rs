//! TS004 Fragmented Data Block Transport wire messages, v1.0.0 and v2.0.0, both directions.
//!
//! * Every command is a plain struct with a `CID` constant and
//!   `build_into(&self, &mut [u8]) -> Result<usize, Error>`, which writes the CID and payload and
//!   returns the bytes written. Fields with a range are newtypes checked at construction
//!   ([`FragIndex`], [`McGroupBitMask`], [`BlockAckDelay`], [`FragAlgo`], [`FragCounter`]), so
//!   building fails only on a short buffer or an out-of-range plain integer.
//! * [`parse_downlink`] and [`parse_uplink`] walk a whole FPort payload (default
//!   [`DEFAULT_FPORT`]) and yield one `Result` per command, stopping after the first error. They
//!   never panic on any input. Fixed-size commands come out as owned `Copy` structs;
//!   [`DataFragment`] borrows its payload, takes the rest of the message and must be its first
//!   and only command.
//! * Multi-byte fields are little-endian; [`Descriptor`] and the MIC stay in wire order.
//! * The [`Ts004Version`] picks the layout: v1 for `V1`, v2 for `V2` and `V2Spec` (they differ only
//!   in parity rows). v1 and v2 FragSessionStatusAns are separate types because v2 reordered them;
//!   FragSessionSetupReq carries its v2 additions in an `Option`.
//! * RFU bits: downlink commands are requests a device acts on, so a set RFU bit is refused
//!   ([`Error::RfuBitsSet`]): a bit a later version gives meaning to (as v2 did with AckReception)
//!   must not be silently ignored. Uplink answers are read by servers that must cope with
//!   deployed devices, so their RFU bits are ignored.
//! * The v2 MIC (`data_block_mic`, feature `crypto`) and its keys, whose `Debug` is redacted.

mod downlink;
mod error;
mod fields;
#[cfg(feature = "crypto")]
mod mic;
mod uplink;

pub use crate::frag::Ts004Version;
pub use downlink::{
    DataFragment, DownlinkCommand, DownlinkCommands, FragDataBlockReceivedAns,
    FragSessionDeleteReq, FragSessionSetupReq, FragSessionStatusReq, PackageVersionReq,
    SetupReqV2Fields, parse_downlink,
};
pub use error::Error;
pub use fields::{BlockAckDelay, Descriptor, FragAlgo, FragCounter, FragIndex, McGroupBitMask};
#[cfg(feature = "crypto")]
pub use mic::{AppRootKey, DataBlockIntKey, data_block_int_key, data_block_mic};
pub use uplink::{
    FragDataBlockReceivedReq, FragSessionDeleteAns, FragSessionSetupAns, FragSessionStatusAnsV1,
    FragSessionStatusAnsV2, PackageVersionAns, SessionProgress, UplinkCommand, UplinkCommands,
    parse_uplink,
};

/// The TS004 package identifier, answered in PackageVersionAns.
pub const PACKAGE_IDENTIFIER: u8 = 3;

/// The FPort dedicated to TS004 unless a device profile says otherwise.
pub const DEFAULT_FPORT: u8 = 201;

/// The longest fixed-size command, CID included (v2 FragSessionSetupReq): a buffer this long
/// holds any command except a DataFragment.
pub const MAX_FIXED_COMMAND_LEN: usize = 17;
