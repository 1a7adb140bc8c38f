//! Radio quantities shared by the time-on-air formulas and the regional tables.
//!
//! A frequency is a [`Hz`] newtype rather than a bare integer, so a channel in Hz cannot be
//! mixed up with TS005's DLFreq (units of 100 Hz) or a bandwidth given in kHz.

use core::fmt;

/// A frequency in hertz: a channel's centre frequency, a bandwidth or a channel step.
///
/// `u32` holds every LoRa frequency up to 4.29 GHz (2.4 GHz LoRa included). `Display` picks the
/// unit an operator reads: `869.525 MHz`, `125 kHz`, `50 Hz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hz(u32);

impl Hz {
    /// A frequency of `hz` hertz.
    pub const fn new(hz: u32) -> Self {
        Self(hz)
    }
    /// The frequency in hertz.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl From<u32> for Hz {
    fn from(hz: u32) -> Self {
        Self(hz)
    }
}

impl fmt::Display for Hz {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Integer arithmetic only: the decimals are exact, trailing zeros dropped.
        let (unit, scale, digits) = match self.0 {
            1_000_000.. => ("MHz", 1_000_000, 6),
            1_000.. => ("kHz", 1_000, 3),
            _ => ("Hz", 1, 0),
        };
        let whole = self.0 / scale;
        let mut frac = self.0 % scale;
        if frac == 0 {
            return write!(f, "{whole} {unit}");
        }
        let mut width = digits;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        write!(f, "{whole}.{frac:0width$} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_picks_a_readable_unit() {
        assert_eq!(Hz::new(869_525_000).to_string(), "869.525 MHz");
        assert_eq!(Hz::new(923_300_000).to_string(), "923.3 MHz");
        assert_eq!(Hz::new(868_000_000).to_string(), "868 MHz");
        assert_eq!(Hz::new(505_300_001).to_string(), "505.300001 MHz");
        assert_eq!(Hz::new(125_000).to_string(), "125 kHz");
        assert_eq!(Hz::new(137_500).to_string(), "137.5 kHz");
        assert_eq!(Hz::new(50).to_string(), "50 Hz");
        assert_eq!(Hz::new(0).to_string(), "0 Hz");
    }
}
