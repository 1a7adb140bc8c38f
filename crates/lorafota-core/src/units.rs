//! Units that the LoRaWAN application-layer specs encode as exponents.
//!
//! A raw `u8` "timeout" means 2^n seconds in one message, 128 x 2^n seconds in another and
//! minutes in a vendor's documentation; a type per meaning keeps them apart.

use core::fmt;
use core::time::Duration;

/// A TS005 session `TimeOut` field: a 4-bit exponent `n` (0..=15).
///
/// A Class C multicast session lasts at most 2^n seconds ([`Self::class_c_duration`]); a Class B
/// session 128 x 2^n seconds ([`Self::class_b_duration`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeoutExponent(u8);

/// The exponent is above 15 (it must fit the 4-bit TimeOut field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeoutExponentOutOfRange(pub u8);

impl fmt::Display for TimeoutExponentOutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "session timeout exponent {} is out of range 0..=15",
            self.0
        )
    }
}

impl core::error::Error for TimeoutExponentOutOfRange {}

impl TimeoutExponent {
    /// The largest exponent, 15 (Class C: 32 768 s, about 9.1 h).
    pub const MAX: Self = Self(15);

    /// Checks that `n` fits the 4-bit field.
    pub const fn new(n: u8) -> Result<Self, TimeoutExponentOutOfRange> {
        if n <= 15 {
            Ok(Self(n))
        } else {
            Err(TimeoutExponentOutOfRange(n))
        }
    }
    /// The exponent `n` as sent on the wire (low 4 bits of the TimeOut byte).
    pub const fn exponent(self) -> u8 {
        self.0
    }
    /// The Class C session length, 2^n seconds.
    pub const fn class_c_duration(self) -> Duration {
        Duration::from_secs(1u64 << self.0)
    }
    /// The Class B session length, 128 x 2^n seconds.
    pub const fn class_b_duration(self) -> Duration {
        Duration::from_secs(128u64 << self.0)
    }
    /// The smallest exponent whose Class C session lasts at least `d`, or `None` when even
    /// 2^15 s is too short.
    pub fn covering_class_c(d: Duration) -> Option<Self> {
        (0..=15u8).map(Self).find(|t| t.class_c_duration() >= d)
    }
    /// The smallest exponent whose Class B session lasts at least `d`.
    pub fn covering_class_b(d: Duration) -> Option<Self> {
        (0..=15u8).map(Self).find(|t| t.class_b_duration() >= d)
    }
}

impl TryFrom<u8> for TimeoutExponent {
    type Error = TimeoutExponentOutOfRange;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Self::new(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponent_is_not_seconds() {
        let t = TimeoutExponent::new(15).unwrap_or(TimeoutExponent::MAX);
        assert_eq!(t.class_c_duration(), Duration::from_secs(32_768));
        assert_eq!(t.class_b_duration(), Duration::from_secs(128 * 32_768));
        assert_eq!(TimeoutExponent::new(16), Err(TimeoutExponentOutOfRange(16)));
    }

    #[test]
    fn covering_picks_the_smallest() {
        assert_eq!(
            TimeoutExponent::covering_class_c(Duration::from_secs(1)).map(|t| t.exponent()),
            Some(0)
        );
        assert_eq!(
            TimeoutExponent::covering_class_c(Duration::from_secs(257)).map(|t| t.exponent()),
            Some(9)
        );
        assert_eq!(
            TimeoutExponent::covering_class_c(Duration::from_secs(32_769)),
            None
        );
        assert_eq!(
            TimeoutExponent::covering_class_b(Duration::from_secs(129)).map(|t| t.exponent()),
            Some(1)
        );
    }
}
