use core::time::Duration;

use super::Error;

/// Which of the four fragmentation sessions (0..=3) a command is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FragIndex(u8);

impl FragIndex {
    /// Checks that `index` is 0..=3.
    pub const fn new(index: u8) -> Result<Self, Error> {
        if index <= 3 {
            Ok(Self(index))
        } else {
            Err(Error::InvalidFragIndex(index))
        }
    }
    /// The index, 0..=3.
    pub const fn get(self) -> u8 {
        self.0
    }
    /// Keeps the low 2 bits: for wire fields the caller has already shifted into place.
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0b11)
    }
}

/// The multicast groups (bit x = group x, 0..=3) allowed to feed a session; unicast always is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupBitMask(u8);

impl McGroupBitMask {
    /// No multicast group: the session is fed by unicast only.
    pub const UNICAST_ONLY: Self = Self(0);

    /// Checks that `bits` fits in 4 bits.
    pub const fn new(bits: u8) -> Result<Self, Error> {
        if bits <= 0b1111 {
            Ok(Self(bits))
        } else {
            Err(Error::InvalidMcGroupBitMask(bits))
        }
    }
    /// The 4-bit mask.
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Keeps the low 4 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0b1111)
    }
    /// Whether multicast group `group` may feed the session (false for a group above 3).
    pub const fn contains(self, group: u8) -> bool {
        group < 4 && self.0 & (1 << group) != 0
    }
}

/// The exponent of the random answer delay: up to 2^(BlockAckDelay + 4) seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct BlockAckDelay(u8);

impl BlockAckDelay {
    /// Checks that `exponent` is 0..=7.
    pub const fn new(exponent: u8) -> Result<Self, Error> {
        if exponent <= 7 {
            Ok(Self(exponent))
        } else {
            Err(Error::InvalidBlockAckDelay(exponent))
        }
    }
    /// The 3-bit field value.
    pub const fn exponent(self) -> u8 {
        self.0
    }
    /// Keeps the low 3 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0b111)
    }
    /// The upper bound of the uniformly random delay, 16 s (0) to 2048 s (7).
    pub const fn max_delay(self) -> Duration {
        Duration::from_secs(1 << (self.0 + 4))
    }
}

/// The fragmentation algorithm (v1 "FragmentationMatrix"); only 0, the TS004 parity code, is
/// implemented by any known device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragAlgo(u8);

impl FragAlgo {
    /// The TS004 appendix parity code, the only one devices implement.
    pub const PARITY: Self = Self(0);

    /// Checks that `value` fits the 3-bit field.
    pub const fn new(value: u8) -> Result<Self, Error> {
        if value <= 7 {
            Ok(Self(value))
        } else {
            Err(Error::InvalidFragAlgo(value))
        }
    }
    /// The 3-bit field value.
    pub const fn get(self) -> u8 {
        self.0
    }
    /// Keeps the low 3 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0b111)
    }
}

/// The 1-based fragment number N of a DataFragment (1..=16383): 1..=M uncoded, M+k coded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FragCounter(u16);

impl FragCounter {
    /// The first counter.
    pub const MIN: Self = Self(1);
    /// The largest counter the 14-bit field holds.
    pub const MAX: Self = Self(MAX_14_BIT);

    /// Checks that `n` is 1..=16383.
    pub const fn new(n: u16) -> Result<Self, Error> {
        match n {
            0 => Err(Error::CounterZero),
            1..=MAX_14_BIT => Ok(Self(n)),
            _ => Err(Error::CounterOutOfRange(n)),
        }
    }
    /// The counter value.
    pub const fn get(self) -> u16 {
        self.0
    }
}

/// Four opaque application bytes of FragSessionSetupReq (often a firmware version), kept in
/// wire order: the spec gives them no integer meaning, so no byte order is imposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Descriptor([u8; 4]);

impl Descriptor {
    /// From the four bytes as they travel.
    pub const fn from_wire_bytes(bytes: [u8; 4]) -> Self {
        Self(bytes)
    }
    /// The four bytes as they travel.
    pub const fn as_wire_bytes(&self) -> &[u8; 4] {
        &self.0
    }
}

pub(crate) const MAX_14_BIT: u16 = 0x3FFF;

/// Packs the shared "FragIndex in bits 15:14, 14-bit count below" field (DataFragment Index&N,
/// FragSessionStatusAns Received&Index). The count must already be checked to fit 14 bits.
pub(crate) const fn index_and_n_to_le(index: FragIndex, n: u16) -> [u8; 2] {
    ((index.0 as u16) << 14 | (n & MAX_14_BIT)).to_le_bytes()
}

/// Inverse of [`index_and_n_to_le`]; every bit pattern is a valid pair.
pub(crate) const fn index_and_n_from_le(bytes: [u8; 2]) -> (FragIndex, u16) {
    let v = u16::from_le_bytes(bytes);
    (FragIndex::from_low_bits((v >> 14) as u8), v & MAX_14_BIT)
}

// The byte-level helpers shared with TS003 and TS005, typed with this package's `Error`.
crate::wire::impl_wire_error!(Error);
crate::wire::package_wire!(Error);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn constructors_enforce_ranges() {
        assert_eq!(FragIndex::new(4), Err(Error::InvalidFragIndex(4)));
        assert_eq!(
            McGroupBitMask::new(0x10),
            Err(Error::InvalidMcGroupBitMask(0x10))
        );
        assert_eq!(BlockAckDelay::new(8), Err(Error::InvalidBlockAckDelay(8)));
        assert_eq!(FragAlgo::new(8), Err(Error::InvalidFragAlgo(8)));
        assert_eq!(FragCounter::new(0), Err(Error::CounterZero));
        assert_eq!(
            FragCounter::new(16384),
            Err(Error::CounterOutOfRange(16384))
        );
        assert_eq!(FragCounter::new(16383), Ok(FragCounter::MAX));
    }

    #[test]
    fn block_ack_delay_spans_16_to_2048_seconds() {
        assert_eq!(
            BlockAckDelay::new(0).unwrap().max_delay(),
            Duration::from_secs(16)
        );
        assert_eq!(
            BlockAckDelay::new(7).unwrap().max_delay(),
            Duration::from_secs(2048)
        );
    }

    #[test]
    fn index_and_n_is_little_endian_with_index_on_top() {
        let i2 = FragIndex::new(2).unwrap();
        assert_eq!(index_and_n_to_le(i2, 1024), [0x00, 0x84]);
        assert_eq!(
            index_and_n_from_le([0xff, 0xff]),
            (FragIndex::new(3).unwrap(), 16383)
        );
    }

    #[test]
    fn mask_membership() {
        let m = McGroupBitMask::new(0b0101).unwrap();
        assert!(
            m.contains(0) && !m.contains(1) && m.contains(2) && !m.contains(3) && !m.contains(9)
        );
    }
}
