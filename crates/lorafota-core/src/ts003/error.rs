use core::fmt;

/// Why a TS003 message could not be parsed, built, or a field value made.
///
/// Byte counts in [`Truncated`](Self::Truncated) exclude the CID byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The CID is not a TS003 command in this direction.
    UnknownCid(u8),
    /// The command's payload ends before its fixed length.
    Truncated {
        /// The command identifier.
        cid: u8,
        /// Payload bytes the command needs.
        need: u8,
        /// Payload bytes that were left.
        have: u8,
    },
    /// A bit the spec marks RFU is set in a downlink command (see the module docs).
    RfuBitsSet {
        /// The command identifier.
        cid: u8,
    },
    /// TokenReq / TokenAns above 15.
    InvalidToken(u8),
    /// A DeviceAppTimePeriodicityReq Period exponent above 15.
    InvalidPeriod(u8),
    /// NbTransmissions above 7.
    InvalidNbTransmissions(u8),
    /// A version name is none of `v1`, `v2`, `1.0.0`, `2.0.0`.
    UnknownVersion,
    /// The output buffer is shorter than the message.
    BufferTooSmall {
        /// Bytes the message needs, CID included.
        need: usize,
        /// Bytes the buffer has.
        have: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::UnknownCid(cid) => {
                write!(f, "unknown TS003 command 0x{cid:02x} for this direction")
            }
            Self::Truncated { cid, need, have } => {
                write!(
                    f,
                    "TS003 command 0x{cid:02x} needs {need} payload bytes, {have} left"
                )
            }
            Self::RfuBitsSet { cid } => write!(f, "RFU bits set in TS003 command 0x{cid:02x}"),
            Self::InvalidToken(v) => write!(f, "token {v} is out of range 0..=15"),
            Self::InvalidPeriod(v) => write!(f, "Period exponent {v} is out of range 0..=15"),
            Self::InvalidNbTransmissions(v) => {
                write!(f, "NbTransmissions {v} is out of range 0..=7")
            }
            Self::UnknownVersion => f.write_str("unknown TS003 version (expected v1 or v2)"),
            Self::BufferTooSmall { need, have } => {
                write!(f, "buffer of {have} bytes, the message needs {need}")
            }
        }
    }
}

impl core::error::Error for Error {}
