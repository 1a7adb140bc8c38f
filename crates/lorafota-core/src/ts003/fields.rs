use core::time::Duration;

use super::Error;

/// The 4-bit token that pairs an AppTimeAns with its AppTimeReq (TokenReq / TokenAns).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Token(u8);

impl Token {
    /// Checks that `token` is 0..=15.
    pub const fn new(token: u8) -> Result<Self, Error> {
        if token <= 15 {
            Ok(Self(token))
        } else {
            Err(Error::InvalidToken(token))
        }
    }
    /// The token, 0..=15.
    pub const fn get(self) -> u8 {
        self.0
    }
    /// The token a device uses after applying a matching answer: `+ 1` modulo 16.
    pub const fn next(self) -> Self {
        Self((self.0 + 1) & 0x0F)
    }
    /// Keeps the low 4 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0x0F)
    }
}

/// The Period of DeviceAppTimePeriodicityReq: an exponent `n` (0..=15) for an AppTimeReq every
/// 128 x 2^n seconds (about 2 minutes to 48.5 days). Devices may add a little jitter (LoRa
/// Basics Modem adds up to ±30 s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct AppTimePeriod(u8);

impl AppTimePeriod {
    /// Checks that `n` fits the 4-bit field.
    pub const fn new(n: u8) -> Result<Self, Error> {
        if n <= 15 {
            Ok(Self(n))
        } else {
            Err(Error::InvalidPeriod(n))
        }
    }
    /// The exponent `n` as sent on the wire.
    pub const fn exponent(self) -> u8 {
        self.0
    }
    /// The period, 128 x 2^n seconds.
    pub const fn duration(self) -> Duration {
        Duration::from_secs(128u64 << self.0)
    }
    /// The smallest exponent whose period is at least `d`, or `None` beyond 128 x 2^15 s.
    pub fn covering(d: Duration) -> Option<Self> {
        (0..=15u8).map(Self).find(|p| p.duration() >= d)
    }
    /// Keeps the low 4 bits (wire field already in place).
    pub(crate) const fn from_low_bits(bits: u8) -> Self {
        Self(bits & 0x0F)
    }
}

/// NbTransmissions of ForceDeviceResyncReq/Cmd (0..=7): how many AppTimeReq the device sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct NbTransmissions(u8);

impl NbTransmissions {
    /// Checks that `n` is 0..=7.
    pub const fn new(n: u8) -> Result<Self, Error> {
        if n <= 7 {
            Ok(Self(n))
        } else {
            Err(Error::InvalidNbTransmissions(n))
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn constructors_enforce_ranges() {
        assert_eq!(Token::new(16), Err(Error::InvalidToken(16)));
        assert_eq!(AppTimePeriod::new(16), Err(Error::InvalidPeriod(16)));
        assert_eq!(
            NbTransmissions::new(8),
            Err(Error::InvalidNbTransmissions(8))
        );
    }

    #[test]
    fn token_wraps() {
        assert_eq!(Token::new(15).unwrap().next(), Token::new(0).unwrap());
        assert_eq!(Token::new(3).unwrap().next().get(), 4);
    }

    #[test]
    fn period_is_128_times_a_power_of_two() {
        assert_eq!(
            AppTimePeriod::new(0).unwrap().duration(),
            Duration::from_secs(128)
        );
        assert_eq!(
            AppTimePeriod::new(15).unwrap().duration(),
            Duration::from_secs(128 * 32_768)
        );
        assert_eq!(
            AppTimePeriod::covering(Duration::from_secs(3_600)).map(AppTimePeriod::exponent),
            Some(5)
        );
        assert_eq!(
            AppTimePeriod::covering(Duration::from_secs(128 * 32_768 + 1)),
            None
        );
    }
}
