use core::fmt;

/// Why a TS005 message could not be parsed, built, or a field value made.
///
/// Byte counts in [`Truncated`](Self::Truncated) exclude the CID byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Error {
    /// The CID is not a TS005 command in this direction.
    UnknownCid(u8),
    /// The command's payload ends before its length.
    Truncated {
        /// The command identifier.
        cid: u8,
        /// Payload bytes the command needs.
        need: u8,
        /// Payload bytes that were left.
        have: u8,
    },
    /// A bit the spec marks RFU is set where it cannot be ignored: in a downlink request, or in
    /// a session answer's status (where it would decide whether TimeToStart follows).
    RfuBitsSet {
        /// The command identifier.
        cid: u8,
    },
    /// McGroupID above 3.
    InvalidMcGroupId(u8),
    /// A group mask (ReqGroupMask / AnsGroupMask) above 0b1111.
    InvalidMcGroupMask(u8),
    /// NbTotalGroups above 7 (it is a 3-bit field).
    InvalidNbTotalGroups(u8),
    /// Class B ping-slot Periodicity above 7.
    InvalidPeriodicity(u8),
    /// A DLFreq that is not a multiple of 100 Hz or does not fit 24 bits of 100 Hz
    /// (the value given, in Hz, or the raw field value when built from one).
    InvalidFrequency(u32),
    /// TimeToStart above 0xFFFFFF s (it is a 24-bit field).
    InvalidTimeToStart(u32),
    /// A McGroupStatusAns entry names a group its AnsGroupMask does not list, or lists twice.
    GroupStatusMismatch {
        /// The McGroupID of the entry.
        mc_group_id: u8,
    },
    /// A session answer must carry TimeToStart exactly when no status bit is set.
    TimeToStartMismatch {
        /// The command identifier.
        cid: u8,
    },
    /// A McAddr string is not 8 hexadecimal digits.
    InvalidMcAddr,
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
                write!(f, "unknown TS005 command 0x{cid:02x} for this direction")
            }
            Self::Truncated { cid, need, have } => {
                write!(
                    f,
                    "TS005 command 0x{cid:02x} needs {need} payload bytes, {have} left"
                )
            }
            Self::RfuBitsSet { cid } => write!(f, "RFU bits set in TS005 command 0x{cid:02x}"),
            Self::InvalidMcGroupId(v) => write!(f, "McGroupID {v} is out of range 0..=3"),
            Self::InvalidMcGroupMask(v) => write!(f, "group mask 0x{v:02x} does not fit 4 bits"),
            Self::InvalidNbTotalGroups(v) => write!(f, "NbTotalGroups {v} is out of range 0..=7"),
            Self::InvalidPeriodicity(v) => {
                write!(f, "ping-slot Periodicity {v} is out of range 0..=7")
            }
            Self::InvalidFrequency(v) => write!(
                f,
                "DLFreq {v} is not a multiple of 100 Hz that fits 24 bits (at most 1 677 721 500 Hz)"
            ),
            Self::InvalidTimeToStart(v) => write!(f, "TimeToStart {v} s does not fit 24 bits"),
            Self::GroupStatusMismatch { mc_group_id } => write!(
                f,
                "McGroupStatusAns entry for group {mc_group_id} does not match its AnsGroupMask"
            ),
            Self::TimeToStartMismatch { cid } => write!(
                f,
                "TS005 answer 0x{cid:02x} must carry TimeToStart exactly when no status bit is set"
            ),
            Self::InvalidMcAddr => {
                f.write_str("a McAddr is 8 hexadecimal digits, most significant first")
            }
            Self::UnknownVersion => f.write_str("unknown TS005 version (expected v1 or v2)"),
            Self::BufferTooSmall { need, have } => {
                write!(f, "buffer of {have} bytes, the message needs {need}")
            }
        }
    }
}

impl core::error::Error for Error {}
