//! GPS time as LoRaWAN uses it: seconds since 1980-01-06T00:00:00Z with leap seconds counted.
//!
//! * [`GpsTime`] and [`UnixTime`] are distinct types so that "seconds" never silently means the
//!   wrong epoch. Both hold a [`Duration`] since their epoch, sub-second part included.
//! * Conversions use the 18-entry leap-second table of brocaar/lorawan `gps.go` and ChirpStack
//!   `gpstime.rs` ([`LEAP_SECOND_ENTRIES`]): each entry is 23:59:59 UTC on the insertion day and
//!   counts for every instant strictly after it. This is one second earlier than the real leap
//!   second, so GPS time jumps by 2 s between 23:59:59 and 00:00:00 on those nights
//!   (2012-06-30T23:59:59Z is 1 025 136 014, 2012-07-01T00:00:00Z is 1 025 136 016). We follow it
//!   because the network servers devices talk to do.
//! * [`GpsSeconds32`] is the 32-bit form on the air (TS005 SessionTime, TS003 DeviceTime, the
//!   Class B beacon Time): whole GPS seconds modulo 2^32, resolved back with a reference time.
//! * Class B sessions start on 128 s boundaries. [`GpsTime::class_b_aligned_up`] keeps a start in
//!   the future; [`GpsTime::class_b_aligned_down`] is what ChirpStack does.
//! * No clock is read here: callers pass the current time in.
//!
//! Arithmetic that could leave `Duration`'s range (beyond 2^64 s, about 5.8 x 10^11 years)
//! saturates instead of panicking; no real instant gets there.

use core::fmt;
use core::time::Duration;

/// The Unix time of the GPS epoch, 1980-01-06T00:00:00Z, in seconds.
pub const GPS_EPOCH_UNIX_SECS: u64 = 315_964_800;

/// LoRaMac-node's `UNIX_GPS_EPOCH_OFFSET`: the number its devices add to GPS seconds to keep a
/// "Unix" clock (`src/system/systime.h`).
///
/// **Warning:** this is [`GPS_EPOCH_UNIX_SECS`] with *no* leap seconds, so such a device clock
/// runs 18 s ahead of true Unix time (since 2017). That is harmless inside the device, which only
/// converts back to GPS, but wrong anywhere real Unix time is expected: subtracting it from a
/// server's Unix clock to make a SessionTime starts the session 18 s late. Convert with
/// [`UnixTime::to_gps`] instead, and use this constant only through
/// [`GpsTime::from_loramac_unix_secs`] / [`GpsTime::to_loramac_unix_secs`] when talking to
/// such a clock.
pub const LORAMAC_UNIX_GPS_EPOCH_OFFSET: u64 = GPS_EPOCH_UNIX_SECS;

/// The Class B beacon period, to which TS005 v2 aligns Class B SessionTime.
pub const CLASS_B_BEACON_PERIOD: Duration = Duration::from_secs(CLASS_B_PERIOD_SECS);

const CLASS_B_PERIOD_SECS: u64 = 128;

/// The leap-second table: 23:59:59 UTC on each day a leap second was inserted, 1981 to 2016.
///
/// An entry counts for instants strictly after it (`entry < t`), as in brocaar/lorawan and
/// ChirpStack. GPS − UTC has been 18 s since 2017-01-01; no leap second was announced after.
pub const LEAP_SECOND_ENTRIES: [UnixTime; 18] = [
    UnixTime::from_secs(362_793_599),   // 1981-06-30
    UnixTime::from_secs(394_329_599),   // 1982-06-30
    UnixTime::from_secs(425_865_599),   // 1983-06-30
    UnixTime::from_secs(489_023_999),   // 1985-06-30
    UnixTime::from_secs(567_993_599),   // 1987-12-31
    UnixTime::from_secs(631_151_999),   // 1989-12-31
    UnixTime::from_secs(662_687_999),   // 1990-12-31
    UnixTime::from_secs(709_948_799),   // 1992-06-30
    UnixTime::from_secs(741_484_799),   // 1993-06-30
    UnixTime::from_secs(773_020_799),   // 1994-06-30
    UnixTime::from_secs(820_454_399),   // 1995-12-31
    UnixTime::from_secs(867_715_199),   // 1997-06-30
    UnixTime::from_secs(915_148_799),   // 1998-12-31
    UnixTime::from_secs(1_136_073_599), // 2005-12-31
    UnixTime::from_secs(1_230_767_999), // 2008-12-31
    UnixTime::from_secs(1_341_100_799), // 2012-06-30
    UnixTime::from_secs(1_435_708_799), // 2015-06-30
    UnixTime::from_secs(1_483_228_799), // 2016-12-31
];

/// Why a time could not be converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GpsError {
    /// The instant is before the GPS epoch (1980-01-06T00:00:00Z), which GPS time cannot express.
    BeforeGpsEpoch,
}

impl fmt::Display for GpsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BeforeGpsEpoch => {
                f.write_str("time is before the GPS epoch 1980-01-06T00:00:00Z")
            }
        }
    }
}

impl core::error::Error for GpsError {}

/// An instant as POSIX Unix time: time since 1970-01-01T00:00:00Z, leap seconds not counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixTime(Duration);

impl UnixTime {
    /// From whole Unix seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self(Duration::from_secs(secs))
    }
    /// From the time elapsed since the Unix epoch.
    pub const fn from_duration(since_epoch: Duration) -> Self {
        Self(since_epoch)
    }
    /// The time elapsed since the Unix epoch.
    pub const fn since_epoch(self) -> Duration {
        self.0
    }
    /// Whole Unix seconds (the sub-second part dropped).
    pub const fn as_secs(self) -> u64 {
        self.0.as_secs()
    }
    /// GPS − UTC at this instant by the table: the entries strictly before it (0 to 18).
    pub fn leap_seconds(self) -> u32 {
        // The table is sorted, so the count is the partition point.
        LEAP_SECOND_ENTRIES.partition_point(|e| *e < self) as u32
    }
    /// The same instant in GPS time; fails before 1980-01-06.
    pub fn to_gps(self) -> Result<GpsTime, GpsError> {
        GpsTime::from_unix(self)
    }
    /// `self + d`, saturating at the end of the representable range.
    pub fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(d))
    }
}

/// An instant as GPS time: time since 1980-01-06T00:00:00Z, leap seconds counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GpsTime(Duration);

impl GpsTime {
    /// The GPS epoch, 1980-01-06T00:00:00Z.
    pub const EPOCH: Self = Self(Duration::ZERO);

    /// From whole GPS seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self(Duration::from_secs(secs))
    }
    /// From the time elapsed since the GPS epoch.
    pub const fn from_duration(since_epoch: Duration) -> Self {
        Self(since_epoch)
    }
    /// The time elapsed since the GPS epoch.
    pub const fn since_epoch(self) -> Duration {
        self.0
    }
    /// Whole GPS seconds (the sub-second part dropped).
    pub const fn as_secs(self) -> u64 {
        self.0.as_secs()
    }
    /// `self + d`, saturating at the end of the representable range.
    pub fn saturating_add(self, d: Duration) -> Self {
        Self(self.0.saturating_add(d))
    }

    /// Converts a Unix instant: `unix − 315 964 800 s + leap seconds before it`.
    pub fn from_unix(t: UnixTime) -> Result<Self, GpsError> {
        let since =
            t.0.checked_sub(Duration::from_secs(GPS_EPOCH_UNIX_SECS))
                .ok_or(GpsError::BeforeGpsEpoch)?;
        Ok(Self(since.saturating_add(Duration::from_secs(u64::from(
            t.leap_seconds(),
        )))))
    }

    /// Converts back to Unix time; the exact inverse of [`Self::from_unix`] on its image.
    ///
    /// With the table's convention each leap second leaves a one-second hole in GPS time that no
    /// Unix instant maps into (between 23:59:59 and 00:00:00 the GPS count moves by 2). An
    /// instant in that hole, `(entry's GPS time, + 1 s]`, converts to the entry itself
    /// (23:59:59 UTC), as brocaar/lorawan and ChirpStack do for the whole second in it.
    pub fn to_unix(self) -> UnixTime {
        let mut skipped = 0u64;
        for (i, entry) in LEAP_SECOND_ENTRIES.iter().enumerate() {
            // GPS time of the entry itself: the i entries before it are already counted.
            let entry_gps = entry
                .0
                .saturating_sub(Duration::from_secs(GPS_EPOCH_UNIX_SECS))
                .saturating_add(Duration::from_secs(i as u64));
            if self.0 <= entry_gps {
                break;
            }
            if self.0 <= entry_gps.saturating_add(Duration::from_secs(1)) {
                return *entry;
            }
            skipped += 1;
        }
        UnixTime(
            self.0
                .saturating_add(Duration::from_secs(GPS_EPOCH_UNIX_SECS))
                .saturating_sub(Duration::from_secs(skipped)),
        )
    }

    /// The 32-bit wire form: whole GPS seconds modulo 2^32 (TS005 SessionTime, TS003
    /// DeviceTime). It wraps in February 2116.
    pub const fn session_time_u32(self) -> u32 {
        GpsSeconds32::from_gps(self).get()
    }

    /// The instant whose [`Self::session_time_u32`] is `value`, nearest to `reference`
    /// (within 2^31 s, about 68 years, either side); see [`GpsSeconds32::resolve`].
    pub fn from_session_time_u32(value: u32, reference: GpsTime) -> Self {
        GpsSeconds32::new(value).resolve(reference)
    }

    /// The first 128 s (beacon period) boundary at or after `self`: a Class B SessionTime that
    /// cannot fall before the start the caller asked for. Any sub-second part rounds up too.
    ///
    /// This is the rounding lorafota uses. ChirpStack rounds *down*
    /// ([`Self::class_b_aligned_down`]), which can put the start up to 127 s before the time
    /// it budgeted for the devices' answers (see `SPEC_NOTES.md`).
    pub fn class_b_aligned_up(self) -> Self {
        let down = self.class_b_aligned_down();
        if down == self {
            down
        } else {
            down.saturating_add(CLASS_B_BEACON_PERIOD)
        }
    }

    /// The last 128 s boundary at or before `self`, as ChirpStack computes a Class B
    /// SessionTime. Prefer [`Self::class_b_aligned_up`] for a start that must stay in the future.
    pub const fn class_b_aligned_down(self) -> Self {
        let secs = self.0.as_secs();
        Self::from_secs(secs - secs % CLASS_B_PERIOD_SECS)
    }

    /// Whether `self` is a whole multiple of 128 s, as a TS005 v2 Class B SessionTime must be.
    pub const fn is_class_b_aligned(self) -> bool {
        self.0.subsec_nanos() == 0 && self.0.as_secs().is_multiple_of(CLASS_B_PERIOD_SECS)
    }

    /// Reads a LoRaMac-node style "Unix" device clock (GPS + 315 964 800 s, no leap seconds;
    /// see [`LORAMAC_UNIX_GPS_EPOCH_OFFSET`]). Fails for values before the offset.
    pub const fn from_loramac_unix_secs(secs: u64) -> Result<Self, GpsError> {
        match secs.checked_sub(LORAMAC_UNIX_GPS_EPOCH_OFFSET) {
            Some(gps) => Ok(Self::from_secs(gps)),
            None => Err(GpsError::BeforeGpsEpoch),
        }
    }

    /// This instant on a LoRaMac-node style "Unix" device clock: whole GPS seconds +
    /// 315 964 800. **Not** Unix time: 18 s ahead of it since 2017 (use [`Self::to_unix`]).
    pub const fn to_loramac_unix_secs(self) -> u64 {
        self.0
            .as_secs()
            .saturating_add(LORAMAC_UNIX_GPS_EPOCH_OFFSET)
    }
}

/// Whole GPS seconds modulo 2^32: the 4-byte time of TS005 SessionTime, TS003 DeviceTime and
/// the Class B beacon. Little-endian on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct GpsSeconds32(u32);

impl GpsSeconds32 {
    /// From the field value.
    pub const fn new(value: u32) -> Self {
        Self(value)
    }
    /// The field value.
    pub const fn get(self) -> u32 {
        self.0
    }
    /// From an instant: its whole GPS seconds modulo 2^32.
    pub const fn from_gps(t: GpsTime) -> Self {
        // Truncation is the encoding: the field carries GPS seconds modulo 2^32.
        Self(t.0.as_secs() as u32)
    }
    /// The four bytes as they travel.
    pub const fn to_le_bytes(self) -> [u8; 4] {
        self.0.to_le_bytes()
    }
    /// From the four bytes as they travel.
    pub const fn from_le_bytes(bytes: [u8; 4]) -> Self {
        Self(u32::from_le_bytes(bytes))
    }
    /// Whether the value is a multiple of 128, as a TS005 v2 Class B SessionTime must be
    /// (2^32 is a multiple of 128, so the wrap keeps the alignment).
    pub const fn is_class_b_aligned(self) -> bool {
        self.0.is_multiple_of(128)
    }

    /// The instant with these low 32 bits nearest to `reference`, from 2^31 s before it to
    /// 2^31 − 1 s after (never before the GPS epoch). A receiver uses its own clock as the
    /// reference; a server uses the time the message was sent or received.
    pub fn resolve(self, reference: GpsTime) -> GpsTime {
        let r = reference.as_secs();
        // Signed distance from the reference's low 32 bits, in -2^31..2^31.
        let delta = i64::from(self.0.wrapping_sub(r as u32) as i32);
        let wrap = 1u64 << 32;
        let secs = match r.checked_add_signed(delta) {
            Some(s) => s,
            // Before the epoch: the next turn of the counter is the nearest valid instant.
            None if delta < 0 => r.wrapping_add_signed(delta).wrapping_add(wrap),
            // Past u64::MAX: the previous turn.
            None => r.wrapping_add_signed(delta).wrapping_sub(wrap),
        };
        GpsTime::from_secs(secs)
    }
}

impl From<GpsTime> for GpsSeconds32 {
    fn from(t: GpsTime) -> Self {
        Self::from_gps(t)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm), to
    /// check the table against the dates written beside it.
    fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    #[test]
    fn table_entries_are_235959_on_the_insertion_days() {
        let days = [
            (1981, 6, 30),
            (1982, 6, 30),
            (1983, 6, 30),
            (1985, 6, 30),
            (1987, 12, 31),
            (1989, 12, 31),
            (1990, 12, 31),
            (1992, 6, 30),
            (1993, 6, 30),
            (1994, 6, 30),
            (1995, 12, 31),
            (1997, 6, 30),
            (1998, 12, 31),
            (2005, 12, 31),
            (2008, 12, 31),
            (2012, 6, 30),
            (2015, 6, 30),
            (2016, 12, 31),
        ];
        for (entry, (y, m, d)) in LEAP_SECOND_ENTRIES.iter().zip(days) {
            let secs = days_from_civil(y, m, d) * 86_400 + 86_399;
            assert_eq!(entry.as_secs(), secs as u64, "{y}-{m}-{d}");
        }
        assert_eq!(
            days_from_civil(1980, 1, 6) * 86_400,
            GPS_EPOCH_UNIX_SECS as i64
        );
    }

    #[test]
    fn the_2012_edge_jumps_by_two() {
        let before = UnixTime::from_secs(1_341_100_799).to_gps().unwrap();
        let after = UnixTime::from_secs(1_341_100_800).to_gps().unwrap();
        assert_eq!(before.as_secs(), 1_025_136_014);
        assert_eq!(after.as_secs(), 1_025_136_016);
        // The hole between them converts to the entry, like the references.
        assert_eq!(
            GpsTime::from_secs(1_025_136_015).to_unix().as_secs(),
            1_341_100_799
        );
        assert_eq!(before.to_unix().as_secs(), 1_341_100_799);
        assert_eq!(after.to_unix().as_secs(), 1_341_100_800);
    }

    #[test]
    fn before_the_epoch_is_an_error() {
        assert_eq!(
            UnixTime::from_secs(GPS_EPOCH_UNIX_SECS - 1).to_gps(),
            Err(GpsError::BeforeGpsEpoch)
        );
        assert_eq!(
            UnixTime::from_secs(GPS_EPOCH_UNIX_SECS).to_gps(),
            Ok(GpsTime::EPOCH)
        );
        assert_eq!(
            GpsTime::from_loramac_unix_secs(5),
            Err(GpsError::BeforeGpsEpoch)
        );
    }

    #[test]
    fn sub_seconds_survive_both_ways() {
        let u = UnixTime::from_duration(Duration::new(1_752_451_200, 123_456_789));
        let g = u.to_gps().unwrap();
        assert_eq!(g.since_epoch(), Duration::new(1_436_486_418, 123_456_789));
        assert_eq!(g.to_unix(), u);
    }

    #[test]
    fn class_b_rounding_both_ways() {
        let t = GpsTime::from_secs(1_436_486_418);
        assert_eq!(t.class_b_aligned_down().as_secs(), 1_436_486_400);
        assert_eq!(t.class_b_aligned_up().as_secs(), 1_436_486_528);
        let aligned = GpsTime::from_secs(1_436_486_400);
        assert_eq!(aligned.class_b_aligned_up(), aligned);
        assert!(aligned.is_class_b_aligned());
        let just_after = GpsTime::from_duration(Duration::new(1_436_486_400, 1));
        assert_eq!(just_after.class_b_aligned_up().as_secs(), 1_436_486_528);
        assert!(!just_after.is_class_b_aligned());
        let last = GpsTime::from_duration(Duration::MAX);
        assert!(last.class_b_aligned_up() <= last);
    }

    #[test]
    fn session_time_resolves_near_the_reference() {
        let start = GpsTime::from_secs(5_000_000_000);
        let wire = start.session_time_u32();
        assert_eq!(u64::from(wire), 5_000_000_000 - (1 << 32));
        for offset in [0u64, 1, 1 << 30, (1 << 31) - 1] {
            let reference = GpsTime::from_secs(5_000_000_000 - offset);
            assert_eq!(GpsTime::from_session_time_u32(wire, reference), start);
            let reference = GpsTime::from_secs(5_000_000_000 + offset);
            assert_eq!(GpsTime::from_session_time_u32(wire, reference), start);
        }
        // Never before the epoch, never past the end.
        assert_eq!(
            GpsTime::from_session_time_u32(u32::MAX, GpsTime::EPOCH).as_secs(),
            u64::from(u32::MAX)
        );
        let end = GpsTime::from_secs(u64::MAX);
        let r = GpsTime::from_session_time_u32(0, end);
        assert_eq!(r.session_time_u32(), 0);
    }

    #[test]
    fn loramac_clock_is_ahead_of_unix() {
        let unix = UnixTime::from_secs(1_752_451_200);
        let gps = unix.to_gps().unwrap();
        assert_eq!(gps.to_loramac_unix_secs(), 1_752_451_218);
        assert_eq!(GpsTime::from_loramac_unix_secs(1_752_451_218), Ok(gps));
    }
}
