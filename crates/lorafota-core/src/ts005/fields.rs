use core::fmt;
use core::str::FromStr;
use core::time::Duration;

use super::Error;
use crate::gps::GpsTime;

/// Which of the four multicast groups (0..=3) a command is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct McGroupId(u8);

impl McGroupId {
    /// Checks that `id` is 0..=3.
    pub const fn new(id: u8) -> Result<Self, Error> {
        if id <= 3 {
            Ok(Self(id))
        } else {
            Err(Error::InvalidMcGroupId(id))
        }
    }
    /// The id, 0..=3.
    pub const fn get(self) -> u8 {
        self.0
    }
    /// Keeps the low 2 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0b11)
    }
}

/// A set of multicast groups, bit x = group x: McGroupStatusReq's ReqGroupMask and
/// McGroupStatusAns's AnsGroupMask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupMask(u8);

impl McGroupMask {
    /// No group.
    pub const EMPTY: Self = Self(0);
    /// All four groups.
    pub const ALL: Self = Self(0b1111);

    /// Checks that `bits` fits in 4 bits.
    pub const fn new(bits: u8) -> Result<Self, Error> {
        if bits <= 0b1111 {
            Ok(Self(bits))
        } else {
            Err(Error::InvalidMcGroupMask(bits))
        }
    }
    /// The 4-bit mask.
    pub const fn bits(self) -> u8 {
        self.0
    }
    /// Whether `group` is in the set.
    pub const fn contains(self, group: McGroupId) -> bool {
        self.0 & (1 << group.0) != 0
    }
    /// The set with `group` added.
    pub const fn with(self, group: McGroupId) -> Self {
        Self(self.0 | 1 << group.0)
    }
    /// How many groups are in the set.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Keeps the low 4 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0b1111)
    }
}

/// A multicast group address (a DevAddr-like 32-bit value).
///
/// The value is what operators write, most significant byte first (`01020304`). On the air and
/// in the McAppSKey/McNwkSKey derivation blocks it travels **little-endian** (`04 03 02 01`):
/// use [`Self::from_wire_bytes`] / [`Self::to_le_bytes`] there, never the display bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct McAddr(u32);

impl McAddr {
    /// From the value as displayed (most significant byte first when written in hex).
    pub const fn from_value(value: u32) -> Self {
        Self(value)
    }
    /// The value as displayed.
    pub const fn value(self) -> u32 {
        self.0
    }
    /// From the four bytes in display order (most significant first).
    pub const fn from_be_bytes(bytes: [u8; 4]) -> Self {
        Self(u32::from_be_bytes(bytes))
    }
    /// The four bytes in display order (most significant first).
    pub const fn to_be_bytes(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }
    /// From the four bytes as they travel (little-endian).
    pub const fn from_wire_bytes(bytes: [u8; 4]) -> Self {
        Self(u32::from_le_bytes(bytes))
    }
    /// The four bytes as they travel and as they enter the key derivation (little-endian).
    pub const fn to_le_bytes(self) -> [u8; 4] {
        self.0.to_le_bytes()
    }
    /// Same as [`Self::to_le_bytes`], named for symmetry with [`Self::from_wire_bytes`].
    pub const fn to_wire_bytes(self) -> [u8; 4] {
        self.to_le_bytes()
    }
}

impl fmt::Debug for McAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "McAddr({:08x})", self.0)
    }
}

/// Eight lower-case hex digits, most significant first (`01020304`).
impl fmt::Display for McAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08x}", self.0)
    }
}

/// Parses eight hex digits in display order (either case; surrounding whitespace ignored).
impl FromStr for McAddr {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let s = s.trim();
        // from_str_radix alone would accept a sign and fewer digits.
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidMcAddr);
        }
        u32::from_str_radix(s, 16)
            .map(Self)
            .map_err(|_| Error::InvalidMcAddr)
    }
}

/// McKey_encrypted of McGroupSetupReq, kept in wire order. It is the group key under the
/// device's McKEKey (see `encrypt_mc_key` / `decrypt_mc_key`, feature `crypto`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McKeyEncrypted([u8; 16]);

impl McKeyEncrypted {
    /// From the sixteen bytes as they travel.
    pub const fn from_wire_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
    /// The sixteen bytes as they travel.
    pub const fn as_wire_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

/// The session downlink frequency, DLFreq: 24 bits in units of 100 Hz, little-endian on the air
/// (the NewChannelReq coding). Covers 0 to 1 677 721 500 Hz; the 2.4 GHz 200 Hz coding is not
/// supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct DlFrequency(u32);

impl DlFrequency {
    const MAX_FIELD: u32 = 0xFF_FFFF;

    /// From a frequency in Hz; it must be a multiple of 100 Hz that fits the field.
    pub const fn from_hz(hz: u32) -> Result<Self, Error> {
        if hz.is_multiple_of(100) && hz / 100 <= Self::MAX_FIELD {
            Ok(Self(hz / 100))
        } else {
            Err(Error::InvalidFrequency(hz))
        }
    }
    /// From the raw field value (units of 100 Hz), at most 0xFFFFFF.
    pub const fn from_field(field: u32) -> Result<Self, Error> {
        if field <= Self::MAX_FIELD {
            Ok(Self(field))
        } else {
            Err(Error::InvalidFrequency(field))
        }
    }
    /// The frequency in Hz.
    pub const fn hz(self) -> u32 {
        self.0 * 100
    }
    /// The raw field value, units of 100 Hz.
    pub const fn field(self) -> u32 {
        self.0
    }
    /// The three bytes as they travel.
    pub(crate) const fn to_le_bytes(self) -> [u8; 3] {
        let [a, b, c, _] = self.0.to_le_bytes();
        [a, b, c]
    }
    /// From the three bytes as they travel; every value is valid.
    pub(crate) const fn from_le_bytes([a, b, c]: [u8; 3]) -> Self {
        Self(u32::from_le_bytes([a, b, c, 0]))
    }
}

/// Class B ping-slot Periodicity `k` (0..=7) of McClassBSessionReq: one ping slot every
/// 2^(5 + k) slots of 30 ms, i.e. 2^(7 − k) ping slots per 128 s beacon period (k = 0: about
/// every second; k = 7: once per beacon period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PingSlotPeriodicity(u8);

impl PingSlotPeriodicity {
    /// Checks that `k` is 0..=7.
    pub const fn new(k: u8) -> Result<Self, Error> {
        if k <= 7 {
            Ok(Self(k))
        } else {
            Err(Error::InvalidPeriodicity(k))
        }
    }
    /// The 3-bit field value `k`.
    pub const fn get(self) -> u8 {
        self.0
    }
    /// Ping slots per beacon period, pingNb = 2^(7 − k).
    pub const fn ping_nb(self) -> u8 {
        1 << (7 - self.0)
    }
    /// The ping period in 30 ms slots, 2^(5 + k) (32 slots = 0.96 s at k = 0).
    pub const fn ping_period_slots(self) -> u16 {
        1 << (5 + self.0)
    }
    /// The ping period, 2^(5 + k) x 30 ms.
    pub const fn ping_period(self) -> Duration {
        Duration::from_millis(30 * self.ping_period_slots() as u64)
    }
    /// Keeps the low 3 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0b111)
    }
}

/// TimeToStart of a session answer: whole seconds from the answer's uplink to the session start,
/// 24 bits. TS005 v2 devices send 0xFFFFFF ([`Self::SATURATED`]) when the start is further away,
/// which a server should read as a device clock out of sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TimeToStart(u32);

impl TimeToStart {
    /// The largest value, sent by v2 devices when the start is 2^24 − 1 s or more away.
    pub const SATURATED: Self = Self(0xFF_FFFF);

    /// Checks that `secs` fits 24 bits.
    pub const fn new(secs: u32) -> Result<Self, Error> {
        if secs <= Self::SATURATED.0 {
            Ok(Self(secs))
        } else {
            Err(Error::InvalidTimeToStart(secs))
        }
    }
    /// The v2 device rule: `secs`, or 0xFFFFFF when it does not fit.
    pub const fn saturating_from_secs(secs: u64) -> Self {
        if secs < Self::SATURATED.0 as u64 {
            Self(secs as u32)
        } else {
            Self::SATURATED
        }
    }
    /// What a device answers at `now` for a session starting at `start`: the whole seconds
    /// between them (saturated), or `None` when the start is not in the future, the case where
    /// a v2 device sets StartMissed (and LoRaMac-node's v1 package McGroupUndefined).
    pub const fn until(now: GpsTime, start: GpsTime) -> Option<Self> {
        match start.as_secs().checked_sub(now.as_secs()) {
            Some(0) | None => None,
            Some(secs) => Some(Self::saturating_from_secs(secs)),
        }
    }
    /// The seconds, 0..=0xFFFFFF.
    pub const fn get(self) -> u32 {
        self.0
    }
    /// As a duration.
    pub const fn as_duration(self) -> Duration {
        Duration::from_secs(self.0 as u64)
    }
    /// Whether this is the v2 "too far away" value 0xFFFFFF.
    pub const fn is_saturated(self) -> bool {
        self.0 == Self::SATURATED.0
    }
    /// The three bytes as they travel.
    pub(crate) const fn to_le_bytes(self) -> [u8; 3] {
        let [a, b, c, _] = self.0.to_le_bytes();
        [a, b, c]
    }
    /// From the three bytes as they travel; every value is valid.
    pub(crate) const fn from_le_bytes([a, b, c]: [u8; 3]) -> Self {
        Self(u32::from_le_bytes([a, b, c, 0]))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn constructors_enforce_ranges() {
        assert_eq!(McGroupId::new(4), Err(Error::InvalidMcGroupId(4)));
        assert_eq!(McGroupMask::new(0x10), Err(Error::InvalidMcGroupMask(0x10)));
        assert_eq!(
            PingSlotPeriodicity::new(8),
            Err(Error::InvalidPeriodicity(8))
        );
        assert_eq!(
            TimeToStart::new(1 << 24),
            Err(Error::InvalidTimeToStart(1 << 24))
        );
        assert_eq!(
            DlFrequency::from_hz(868_100_050),
            Err(Error::InvalidFrequency(868_100_050))
        );
        assert_eq!(
            DlFrequency::from_hz(1_677_721_600),
            Err(Error::InvalidFrequency(1_677_721_600))
        );
        assert_eq!(
            DlFrequency::from_hz(1_677_721_500).unwrap().field(),
            0xFF_FFFF
        );
        assert_eq!(
            DlFrequency::from_field(1 << 24),
            Err(Error::InvalidFrequency(1 << 24))
        );
    }

    #[test]
    fn mc_addr_byte_orders() {
        let a: McAddr = "01020304".parse().unwrap();
        assert_eq!(a.value(), 0x0102_0304);
        assert_eq!(a.to_be_bytes(), [1, 2, 3, 4]);
        assert_eq!(a.to_le_bytes(), [4, 3, 2, 1]);
        assert_eq!(McAddr::from_wire_bytes([4, 3, 2, 1]), a);
        assert_eq!(format!("{a} {a:?}"), "01020304 McAddr(01020304)");
        for bad in ["0102030", "010203040", "+1020304", "0102030g", ""] {
            assert_eq!(bad.parse::<McAddr>(), Err(Error::InvalidMcAddr), "{bad}");
        }
        assert_eq!(" F0DA492F ".parse::<McAddr>().unwrap().value(), 0xf0da_492f);
    }

    #[test]
    fn periodicity_units() {
        let p = PingSlotPeriodicity::new(0).unwrap();
        assert_eq!(
            (p.ping_nb(), p.ping_period()),
            (128, Duration::from_millis(960))
        );
        let p = PingSlotPeriodicity::new(7).unwrap();
        assert_eq!(
            (p.ping_nb(), p.ping_period()),
            (1, Duration::from_millis(122_880))
        );
    }

    #[test]
    fn time_to_start_saturates_and_misses() {
        let now = GpsTime::from_secs(1_000);
        assert_eq!(TimeToStart::until(now, GpsTime::from_secs(1_000)), None);
        assert_eq!(TimeToStart::until(now, GpsTime::from_secs(999)), None);
        assert_eq!(
            TimeToStart::until(now, GpsTime::from_secs(2_024)).map(TimeToStart::get),
            Some(1_024)
        );
        let far = GpsTime::from_secs(1_000 + (1 << 24));
        assert_eq!(TimeToStart::until(now, far), Some(TimeToStart::SATURATED));
        assert!(TimeToStart::saturating_from_secs(u64::MAX).is_saturated());
        assert_eq!(
            TimeToStart::saturating_from_secs(0xFF_FFFE).get(),
            0xFF_FFFE
        );
    }

    #[test]
    fn mask_set_operations() {
        let m = McGroupMask::EMPTY
            .with(McGroupId::new(0).unwrap())
            .with(McGroupId::new(2).unwrap());
        assert_eq!((m.bits(), m.len()), (0b0101, 2));
        assert!(m.contains(McGroupId::new(2).unwrap()) && !m.contains(McGroupId::new(1).unwrap()));
        assert!(McGroupMask::EMPTY.is_empty() && !McGroupMask::ALL.is_empty());
    }
}
