use core::fmt;

/// Why a TS004 message could not be parsed, built, or a field value made.
///
/// Byte counts in [`Truncated`](Self::Truncated) exclude the CID byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The CID is not a command in this direction and version (e.g. 0x04 under v1).
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
    /// A DataFragment came after other commands; it must be the only command of its message.
    DataFragmentNotAlone,
    /// A bit the spec marks RFU is set in a downlink command (see the module docs).
    RfuBitsSet {
        /// The command identifier.
        cid: u8,
    },
    /// FragIndex above 3.
    InvalidFragIndex(u8),
    /// A fragment counter of 0; counters start at 1.
    CounterZero,
    /// A 14-bit counter (fragment counter or NbFragReceived) above 16383.
    CounterOutOfRange(u16),
    /// McGroupBitMask above 0b1111.
    InvalidMcGroupBitMask(u8),
    /// BlockAckDelay above 7.
    InvalidBlockAckDelay(u8),
    /// FragAlgo above 7.
    InvalidFragAlgo(u8),
    /// A v2 FragSessionStatusAns without Received&Index/MissingFrag must have
    /// SessionDoesNotExist set: that is the only case where the spec lets the device omit them.
    MissingSessionProgress,
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
            Self::UnknownCid(cid) => write!(f, "unknown TS004 command 0x{cid:02x} for this direction and version"),
            Self::Truncated { cid, need, have } => {
                write!(f, "TS004 command 0x{cid:02x} needs {need} payload bytes, {have} left")
            }
            Self::DataFragmentNotAlone => f.write_str("a DataFragment must be the only command of its message"),
            Self::RfuBitsSet { cid } => write!(f, "RFU bits set in TS004 command 0x{cid:02x}"),
            Self::InvalidFragIndex(v) => write!(f, "FragIndex {v} is out of range 0..=3"),
            Self::CounterZero => f.write_str("fragment counter 0 is invalid (counters start at 1)"),
            Self::CounterOutOfRange(v) => write!(f, "14-bit counter {v} is above 16383"),
            Self::InvalidMcGroupBitMask(v) => write!(f, "McGroupBitMask 0x{v:02x} does not fit 4 bits"),
            Self::InvalidBlockAckDelay(v) => write!(f, "BlockAckDelay {v} is out of range 0..=7"),
            Self::InvalidFragAlgo(v) => write!(f, "FragAlgo {v} is out of range 0..=7"),
            Self::MissingSessionProgress => {
                f.write_str("a v2 FragSessionStatusAns may omit its counters only when SessionDoesNotExist is set")
            }
            Self::BufferTooSmall { need, have } => write!(f, "buffer of {have} bytes, the message needs {need}"),
        }
    }
}

impl core::error::Error for Error {}
