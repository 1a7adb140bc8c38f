use core::fmt;

/// What a time-on-air input was meant to be, for [`AirtimeError::Unparsable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quantity {
    /// A spreading factor: `7` or `SF7`.
    SpreadingFactor,
    /// A bandwidth: `125000`, `125k` or `125kHz`.
    Bandwidth,
    /// A coding rate: `4/5` .. `4/8`.
    CodingRate,
    /// A low-data-rate-optimisation mode: `auto`, `on` or `off`.
    Ldro,
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::SpreadingFactor => "spreading factor (5..=12, e.g. 7 or SF7)",
            Self::Bandwidth => "bandwidth (125000, 250000 or 500000 Hz, or 125k/250k/500k)",
            Self::CodingRate => "coding rate (4/5, 4/6, 4/7 or 4/8)",
            Self::Ldro => "low-data-rate optimisation mode (auto, on or off)",
        })
    }
}

/// Why a time on air could not be computed, or a radio parameter made.
///
/// Every SF5..=SF12 is valid at every supported bandwidth (SX126x), so there is no
/// "SF not allowed at this bandwidth" case; the bandwidth itself is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AirtimeError {
    /// The spreading factor is outside SF5..=SF12.
    SpreadingFactorOutOfRange(u8),
    /// The bandwidth, in Hz, is not 125, 250 or 500 kHz (the LoRaWAN sub-GHz bandwidths).
    UnsupportedBandwidth(u32),
    /// The coding-rate index is outside 1..=4 (4/5..=4/8).
    CodingRateOutOfRange(u8),
    /// The payload is longer than 255 bytes, which the radio's one-byte length cannot carry.
    PayloadTooLong(usize),
    /// An FSK bit rate of 0 b/s.
    BitrateZero,
    /// A text is not a valid value of this quantity.
    Unparsable(Quantity),
    /// The modulation has no time-on-air formula here (LR-FHSS, uplink only, never multicast).
    UnsupportedModulation,
}

impl fmt::Display for AirtimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::SpreadingFactorOutOfRange(sf) => {
                write!(f, "spreading factor SF{sf} is out of range SF5..=SF12")
            }
            Self::UnsupportedBandwidth(hz) => write!(
                f,
                "bandwidth {hz} Hz is not supported (125000, 250000 or 500000 Hz)"
            ),
            Self::CodingRateOutOfRange(i) => {
                write!(f, "coding rate index {i} is out of range 1..=4 (4/5..=4/8)")
            }
            Self::PayloadTooLong(n) => write!(
                f,
                "payload of {n} bytes is longer than 255 bytes, the most the radio's length byte allows"
            ),
            Self::BitrateZero => f.write_str("FSK bit rate must be above 0 b/s"),
            Self::Unparsable(q) => write!(f, "not a valid {q}"),
            Self::UnsupportedModulation => {
                f.write_str("no time-on-air formula for this modulation (LR-FHSS)")
            }
        }
    }
}

impl core::error::Error for AirtimeError {}
