//! Validated request parameters and the shared checks behind them.
//!
//! Each type can only hold a value the gateway accepts, so a request built from them cannot
//! fail the gateway's own format checks (§8.4 of `gateway-api.md`). The free functions at the
//! bottom are the raw checks; the emulator uses them too, so client and emulator agree.

use core::fmt;
use std::collections::HashSet;

use base64::Engine as _;
use lorafota_core::Eui64;
use lorafota_core::eui::EuiParseError;
use lorafota_core::units::{TimeoutExponent, TimeoutExponentOutOfRange};

/// Why a parameter was refused before anything was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamError {
    /// A string is not an EUI in any accepted spelling.
    InvalidEui {
        /// The string as given.
        input: String,
        /// What is wrong with it.
        reason: EuiParseError,
    },
    /// The same device appears twice (after normalisation).
    DuplicateEui(String),
    /// The device list is empty.
    NoDevices,
    /// Multicast group ID outside 0-3.
    GroupId(i64),
    /// Message port outside 1-220.
    Port(i64),
    /// Session timeout exponent outside 0-15.
    Timeout(TimeoutExponentOutOfRange),
    /// Not an even-length hexadecimal string.
    InvalidHex,
    /// Not valid standard base64.
    InvalidBase64,
    /// The payload is empty.
    EmptyPayload,
    /// The decoded payload is longer than allowed.
    PayloadTooLarge {
        /// Decoded length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// A fragmentation descriptor that is not a hex value of at most 4 bytes.
    Descriptor(String),
    /// A schedule file name outside `[A-Za-z0-9_.-]{1,64}`.
    ScheduleFilename(String),
    /// An uploaded file name the gateway would refuse (empty, path separators, `..`, NUL, > 255 bytes).
    FileName(String),
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidEui { input, reason } => write!(f, "invalid EUI {input:?}: {reason}"),
            Self::DuplicateEui(e) => write!(f, "device {e} is listed twice"),
            Self::NoDevices => f.write_str("the device list is empty"),
            Self::GroupId(g) => write!(f, "multicast group ID {g} is outside 0-3"),
            Self::Port(p) => write!(f, "message port {p} is outside 1-220"),
            Self::Timeout(e) => write!(f, "{e}"),
            Self::InvalidHex => f.write_str("payload is not an even-length hexadecimal string"),
            Self::InvalidBase64 => f.write_str("payload is not valid standard base64"),
            Self::EmptyPayload => f.write_str("payload is empty"),
            Self::PayloadTooLarge { len, max } => {
                write!(f, "payload is {len} bytes, more than the {max}-byte limit")
            }
            Self::Descriptor(s) => {
                write!(
                    f,
                    "fragmentation descriptor {s:?} is not a hex value of at most 4 bytes"
                )
            }
            Self::ScheduleFilename(s) => {
                write!(
                    f,
                    "schedule file name {s:?} must be 1-64 characters of A-Z a-z 0-9 _ . -"
                )
            }
            Self::FileName(s) => write!(f, "file name {s:?} would be refused by the gateway"),
        }
    }
}

impl std::error::Error for ParamError {}

/// A non-empty list of distinct device EUIs, sent in the dashed lower-case form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceEuis(Vec<Eui64>);

impl DeviceEuis {
    /// Parses EUIs in any spelling `Eui64::parse` accepts (`0080…`, `00:80:…`, `00-80-…`, any
    /// case) and refuses an empty list or duplicates.
    pub fn parse<I, S>(euis: I) -> Result<Self, ParamError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut out = Vec::new();
        for s in euis {
            let s = s.as_ref();
            let eui = Eui64::parse(s).map_err(|reason| ParamError::InvalidEui {
                input: s.to_owned(),
                reason,
            })?;
            out.push(eui);
        }
        Self::new(out)
    }

    /// From already-parsed EUIs; refuses an empty list or duplicates.
    pub fn new(euis: Vec<Eui64>) -> Result<Self, ParamError> {
        if euis.is_empty() {
            return Err(ParamError::NoDevices);
        }
        let mut seen = HashSet::new();
        for e in &euis {
            if !seen.insert(*e) {
                return Err(ParamError::DuplicateEui(e.dashed().to_string()));
            }
        }
        Ok(Self(euis))
    }

    /// The EUIs in the order given.
    pub fn as_slice(&self) -> &[Eui64] {
        &self.0
    }

    /// The wire form: dashed lower-case strings.
    pub fn to_wire(&self) -> Vec<String> {
        self.0.iter().map(|e| e.dashed().to_string()).collect()
    }
}

/// A multicast group ID, 0-3 (TS005's 2-bit McGroupID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MulticastGroupId(u8);

impl MulticastGroupId {
    /// Checks the range 0-3.
    pub fn new(id: i64) -> Result<Self, ParamError> {
        match u8::try_from(id) {
            Ok(v) if v <= 3 => Ok(Self(v)),
            _ => Err(ParamError::GroupId(id)),
        }
    }
    /// The ID.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Which multicast group a job uses: an ID 0-3 (seed document) or the EUI of a group created on
/// the gateway (UI-captured body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupTarget {
    /// `multicastGroupID`.
    Id(MulticastGroupId),
    /// `multicastDeveui`.
    Eui(Eui64),
}

/// A LoRaWAN application port for multicast messages, 1-220 (the gateway UI's limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessagePort(u8);

impl MessagePort {
    /// Checks the range 1-220.
    pub fn new(port: i64) -> Result<Self, ParamError> {
        match u8::try_from(port) {
            Ok(v) if (1..=220).contains(&v) => Ok(Self(v)),
            _ => Err(ParamError::Port(port)),
        }
    }
    /// The port number.
    pub fn get(self) -> u8 {
        self.0
    }
}

/// Checks a session timeout exponent (the `multicastSessionTimeout` field, TS005 2^n seconds).
pub fn session_timeout(n: u8) -> Result<TimeoutExponent, ParamError> {
    TimeoutExponent::new(n).map_err(ParamError::Timeout)
}

/// A TS004 fragmentation-session descriptor: 4 bytes, sent both as `fragmentDesc` (hex) and
/// `fotaDescriptor` (integer) so every gateway version finds the form it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragDescriptor(u32);

impl FragDescriptor {
    /// From the integer value.
    pub const fn from_u32(v: u32) -> Self {
        Self(v)
    }
    /// From the 4 bytes, most significant first (as the hex form is written).
    pub const fn from_be_bytes(b: [u8; 4]) -> Self {
        Self(u32::from_be_bytes(b))
    }
    /// Parses a hex string whose value fits 32 bits; leading zeros are allowed, so the seed
    /// document's `0001020304` is accepted.
    pub fn parse_hex(s: &str) -> Result<Self, ParamError> {
        parse_descriptor_hex(s)
            .map(Self)
            .ok_or_else(|| ParamError::Descriptor(s.to_owned()))
    }
    /// The integer (`fotaDescriptor`).
    pub const fn value(self) -> u32 {
        self.0
    }
    /// The hex form (`fragmentDesc`): 8 lower-case digits.
    pub fn to_hex(self) -> String {
        format!("{:08x}", self.0)
    }
}

/// How a multicast payload travels in `/api/lora/mcm`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MessageFormat {
    /// `messagePayload` holds hex digits.
    Hexadecimal,
    /// `messagePayload` holds standard base64.
    Base64,
    /// `messagePayloadFile` names an uploaded multicast file.
    Binary,
}

impl MessageFormat {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hexadecimal => "Hexadecimal",
            Self::Base64 => "Base64",
            Self::Binary => "Binary",
        }
    }
    /// Parses the wire name (exact spelling).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "Hexadecimal" => Some(Self::Hexadecimal),
            "Base64" => Some(Self::Base64),
            "Binary" => Some(Self::Binary),
            _ => None,
        }
    }
}

/// The gateway's default limit of a multicast payload (bytes), from the 242-byte max LoRaWAN
/// payload at the fastest data rates.
pub const DEFAULT_MAX_MC_PAYLOAD: usize = 242;

/// A checked multicast message payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessagePayload {
    /// Inline payload: the format and its encoded text.
    Inline {
        /// `Hexadecimal` or `Base64`.
        format: MessageFormat,
        /// The encoded text sent as `messagePayload`.
        encoded: String,
        /// Decoded length in bytes.
        len: usize,
    },
    /// `Binary`: the name of a file uploaded with `upload_lora_multicast`.
    File(String),
}

impl MessagePayload {
    /// Checks a hex payload (non-empty, even length, hex digits, at most `max` bytes decoded).
    pub fn hex(s: &str, max: usize) -> Result<Self, ParamError> {
        let bytes = decode_hex_payload(s).ok_or(ParamError::InvalidHex)?;
        Self::inline(MessageFormat::Hexadecimal, s, bytes.len(), max)
    }
    /// Checks a base64 payload (standard alphabet with padding, non-empty, at most `max` bytes).
    pub fn base64(s: &str, max: usize) -> Result<Self, ParamError> {
        let bytes = decode_base64_payload(s).ok_or(ParamError::InvalidBase64)?;
        Self::inline(MessageFormat::Base64, s, bytes.len(), max)
    }
    /// Encodes raw bytes as hex.
    pub fn from_bytes(bytes: &[u8], max: usize) -> Result<Self, ParamError> {
        Self::inline(
            MessageFormat::Hexadecimal,
            &hex::encode(bytes),
            bytes.len(),
            max,
        )
    }
    /// A `Binary` payload read from an uploaded file.
    pub fn file(name: &str) -> Result<Self, ParamError> {
        check_upload_name(name)?;
        Ok(Self::File(name.to_owned()))
    }
    fn inline(format: MessageFormat, s: &str, len: usize, max: usize) -> Result<Self, ParamError> {
        if len == 0 {
            return Err(ParamError::EmptyPayload);
        }
        if len > max {
            return Err(ParamError::PayloadTooLarge { len, max });
        }
        Ok(Self::Inline {
            format,
            encoded: s.to_owned(),
            len,
        })
    }
    /// The wire `messageFormat`.
    pub fn format(&self) -> MessageFormat {
        match self {
            Self::Inline { format, .. } => *format,
            Self::File(_) => MessageFormat::Binary,
        }
    }
}

/// A schedule file name the client chooses itself, so it can find and cancel its job.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ScheduleFilename(String);

impl ScheduleFilename {
    /// Checks `^[A-Za-z0-9_.-]{1,64}$`.
    pub fn new(s: impl Into<String>) -> Result<Self, ParamError> {
        let s = s.into();
        if is_valid_schedule_filename(&s) {
            Ok(Self(s))
        } else {
            Err(ParamError::ScheduleFilename(s))
        }
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ScheduleFilename {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

// ---- raw checks shared with the emulator -------------------------------------------------

/// True for exactly `xx-xx-xx-xx-xx-xx-xx-xx` with hex digits of either case (the gateway's
/// accepted wire form; the client normalises before sending).
pub fn is_dashed_eui(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 23
        && b.iter().enumerate().all(|(i, c)| {
            if i % 3 == 2 {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// The value of a hex string that fits 32 bits (leading zeros allowed), else `None`.
pub fn parse_descriptor_hex(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let significant = s.trim_start_matches('0');
    if significant.len() > 8 {
        return None;
    }
    if significant.is_empty() {
        return Some(0);
    }
    u32::from_str_radix(significant, 16).ok()
}

/// Decodes a non-empty, even-length hex payload.
pub fn decode_hex_payload(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    hex::decode(s).ok()
}

/// Decodes a non-empty standard-alphabet base64 payload (padding required).
pub fn decode_base64_payload(s: &str) -> Option<Vec<u8>> {
    if s.is_empty() {
        return None;
    }
    base64::engine::general_purpose::STANDARD.decode(s).ok()
}

/// True for `^[A-Za-z0-9_.-]{1,64}$`.
pub fn is_valid_schedule_filename(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// Checks an uploaded file's base name the way the gateway does: non-empty, at most 255
/// bytes, no `/`, `\`, `..` or NUL.
pub fn check_upload_name(name: &str) -> Result<(), ParamError> {
    if name.is_empty()
        || name.len() > 255
        || name.contains(['/', '\\', '\0'])
        || name.contains("..")
    {
        Err(ParamError::FileName(name.to_owned()))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn euis_any_spelling_to_dashed() {
        let d = DeviceEuis::parse([
            "0080000000000001",
            "00:80:00:00:00:00:00:02",
            "00-80-00-FF-00-00-00-03",
        ])
        .unwrap();
        assert_eq!(
            d.to_wire(),
            [
                "00-80-00-00-00-00-00-01",
                "00-80-00-00-00-00-00-02",
                "00-80-00-ff-00-00-00-03"
            ]
        );
        assert_eq!(
            DeviceEuis::parse(["0080000000000001", "00-80-00-00-00-00-00-01"]),
            Err(ParamError::DuplicateEui("00-80-00-00-00-00-00-01".into()))
        );
        assert_eq!(
            DeviceEuis::parse(Vec::<&str>::new()),
            Err(ParamError::NoDevices)
        );
        assert!(matches!(
            DeviceEuis::parse(["xyz"]),
            Err(ParamError::InvalidEui { .. })
        ));
    }

    #[test]
    fn ranges() {
        assert!(MulticastGroupId::new(3).is_ok());
        assert_eq!(MulticastGroupId::new(4), Err(ParamError::GroupId(4)));
        assert_eq!(MulticastGroupId::new(-1), Err(ParamError::GroupId(-1)));
        assert!(MessagePort::new(220).is_ok());
        assert_eq!(MessagePort::new(0), Err(ParamError::Port(0)));
        assert_eq!(MessagePort::new(221), Err(ParamError::Port(221)));
        assert!(session_timeout(15).is_ok());
        assert!(session_timeout(16).is_err());
    }

    #[test]
    fn descriptor_both_forms() {
        let d = FragDescriptor::parse_hex("0001020304").unwrap();
        assert_eq!(d.value(), 16_909_060);
        assert_eq!(d.to_hex(), "01020304");
        assert!(FragDescriptor::parse_hex("0102030405").is_err());
        assert!(FragDescriptor::parse_hex("").is_err());
        assert!(FragDescriptor::parse_hex("0x01").is_err());
        assert_eq!(FragDescriptor::parse_hex("0000000000").unwrap().value(), 0);
    }

    #[test]
    fn payloads() {
        assert!(MessagePayload::hex("48656c6c6f", 242).is_ok());
        assert_eq!(MessagePayload::hex("486", 242), Err(ParamError::InvalidHex));
        assert_eq!(MessagePayload::hex("zz", 242), Err(ParamError::InvalidHex));
        assert!(MessagePayload::base64("SGVsbG8=", 242).is_ok());
        assert_eq!(
            MessagePayload::base64("SGVsbG8", 242),
            Err(ParamError::InvalidBase64)
        );
        assert_eq!(
            MessagePayload::hex("0000", 1),
            Err(ParamError::PayloadTooLarge { len: 2, max: 1 })
        );
        assert!(MessagePayload::file("../x").is_err());
    }

    #[test]
    fn names_and_dashed() {
        assert!(is_dashed_eui("00-80-00-FF-00-00-00-02"));
        assert!(!is_dashed_eui("00:80:00:ff:00:00:00:02"));
        assert!(!is_dashed_eui("0080-00ff-0000-0002-00"));
        assert!(ScheduleFilename::new("fota_1_2").is_ok());
        assert!(ScheduleFilename::new("a/b").is_err());
        assert!(ScheduleFilename::new("").is_err());
        assert!(check_upload_name("fw.bin").is_ok());
        assert!(check_upload_name("a..b").is_err());
    }
}
