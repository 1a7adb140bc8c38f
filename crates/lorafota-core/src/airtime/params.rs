//! LoRa radio settings, each a type with its range checked once.

use core::fmt;
use core::str::FromStr;

use super::error::{AirtimeError, Quantity};
use crate::radio::Hz;

/// A LoRa spreading factor, SF5..=SF12.
///
/// SF5 and SF6 exist on SX126x/LR11xx radios only and use their own time-on-air variant
/// (see the [module docs](super)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SpreadingFactor(u8);

impl SpreadingFactor {
    /// SF5 (SX126x only).
    pub const SF5: Self = Self(5);
    /// SF6 (SX126x only in the LoRaWAN sense).
    pub const SF6: Self = Self(6);
    /// SF7.
    pub const SF7: Self = Self(7);
    /// SF8.
    pub const SF8: Self = Self(8);
    /// SF9.
    pub const SF9: Self = Self(9);
    /// SF10.
    pub const SF10: Self = Self(10);
    /// SF11.
    pub const SF11: Self = Self(11);
    /// SF12.
    pub const SF12: Self = Self(12);

    /// Checks that `sf` is in 5..=12.
    pub const fn new(sf: u8) -> Result<Self, AirtimeError> {
        if 5 <= sf && sf <= 12 {
            Ok(Self(sf))
        } else {
            Err(AirtimeError::SpreadingFactorOutOfRange(sf))
        }
    }
    /// The spreading factor as a number, 5..=12.
    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for SpreadingFactor {
    type Error = AirtimeError;
    fn try_from(sf: u8) -> Result<Self, Self::Error> {
        Self::new(sf)
    }
}

impl fmt::Display for SpreadingFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SF{}", self.0)
    }
}

impl FromStr for SpreadingFactor {
    type Err = AirtimeError;
    /// `7`, `SF7` or `sf7`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let digits = s
            .strip_prefix("SF")
            .or_else(|| s.strip_prefix("sf"))
            .unwrap_or(s);
        let sf: u8 = digits
            .parse()
            .map_err(|_| AirtimeError::Unparsable(Quantity::SpreadingFactor))?;
        Self::new(sf)
    }
}

/// A LoRa bandwidth: the three that LoRaWAN uses below 1 GHz.
///
/// Each divides 10^6 Hz, so a symbol, 2^SF / BW, is always a whole number of microseconds and
/// time on air is exact in integer microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bandwidth {
    /// 125 kHz.
    Khz125,
    /// 250 kHz.
    Khz250,
    /// 500 kHz.
    Khz500,
}

impl Bandwidth {
    /// The bandwidth in hertz.
    pub const fn hz(self) -> Hz {
        Hz::new(match self {
            Self::Khz125 => 125_000,
            Self::Khz250 => 250_000,
            Self::Khz500 => 500_000,
        })
    }
    /// The bandwidth given in hertz; only 125 000, 250 000 and 500 000 are accepted.
    pub const fn from_hz(hz: u32) -> Result<Self, AirtimeError> {
        match hz {
            125_000 => Ok(Self::Khz125),
            250_000 => Ok(Self::Khz250),
            500_000 => Ok(Self::Khz500),
            _ => Err(AirtimeError::UnsupportedBandwidth(hz)),
        }
    }
    /// Microseconds per chip, 10^6 / BW: 8, 4 or 2.
    pub(crate) const fn us_per_chip(self) -> u32 {
        match self {
            Self::Khz125 => 8,
            Self::Khz250 => 4,
            Self::Khz500 => 2,
        }
    }
}

impl fmt::Display for Bandwidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.hz(), f)
    }
}

impl FromStr for Bandwidth {
    type Err = AirtimeError;
    /// Hertz (`125000`) or kilohertz with a suffix (`125k`, `125kHz`, `125 kHz`), any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = AirtimeError::Unparsable(Quantity::Bandwidth);
        let lower = s.trim().to_ascii_lowercase();
        let (digits, scale) = if let Some(k) = lower
            .strip_suffix("khz")
            .or_else(|| lower.strip_suffix('k'))
        {
            (k.trim_end(), 1_000)
        } else {
            (lower.strip_suffix("hz").unwrap_or(&lower).trim_end(), 1)
        };
        let n: u32 = digits.parse().map_err(|_| bad)?;
        Self::from_hz(n.checked_mul(scale).ok_or(bad)?)
    }
}

/// A LoRa coding rate, 4/5..=4/8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum CodingRate {
    /// 4/5, the LoRaWAN rate.
    #[default]
    Cr4_5,
    /// 4/6.
    Cr4_6,
    /// 4/7.
    Cr4_7,
    /// 4/8.
    Cr4_8,
}

impl CodingRate {
    /// The rate from its index CR = 1..=4 (the radio register value and the formula's `CR`).
    pub const fn from_index(index: u8) -> Result<Self, AirtimeError> {
        match index {
            1 => Ok(Self::Cr4_5),
            2 => Ok(Self::Cr4_6),
            3 => Ok(Self::Cr4_7),
            4 => Ok(Self::Cr4_8),
            _ => Err(AirtimeError::CodingRateOutOfRange(index)),
        }
    }
    /// The index CR = 1..=4; the rate is 4/(4 + CR).
    pub const fn index(self) -> u8 {
        match self {
            Self::Cr4_5 => 1,
            Self::Cr4_6 => 2,
            Self::Cr4_7 => 3,
            Self::Cr4_8 => 4,
        }
    }
}

impl fmt::Display for CodingRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "4/{}", 4 + self.index())
    }
}

impl FromStr for CodingRate {
    type Err = AirtimeError;
    /// `4/5` .. `4/8`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "4/5" => Ok(Self::Cr4_5),
            "4/6" => Ok(Self::Cr4_6),
            "4/7" => Ok(Self::Cr4_7),
            "4/8" => Ok(Self::Cr4_8),
            _ => Err(AirtimeError::Unparsable(Quantity::CodingRate)),
        }
    }
}

/// Low-data-rate optimisation (LowDataRateOptimize, "DE" in the formula).
///
/// Transmitter and receiver must agree on it. [`Auto`](Self::Auto) follows the Semtech drivers
/// (LoRaMac-node, LoRa Basics Modem) rather than the SX127x datasheet's "above 16 ms": on iff
/// Tsym >= 16.384 ms, i.e. SF11 and SF12 at 125 kHz and SF12 at 250 kHz. The two rules differ
/// only at exactly 16.384 ms, and the peer radios run those drivers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Ldro {
    /// On iff the symbol time is at least 16.384 ms.
    #[default]
    Auto,
    /// Forced on (SF7..=SF12 only: the SF5/SF6 formula has no LDRO term).
    On,
    /// Forced off.
    Off,
}

impl fmt::Display for Ldro {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::On => "on",
            Self::Off => "off",
        })
    }
}

impl FromStr for Ldro {
    type Err = AirtimeError;
    /// `auto`, `on` or `off`, any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "on" => Ok(Self::On),
            "off" => Ok(Self::Off),
            _ => Err(AirtimeError::Unparsable(Quantity::Ldro)),
        }
    }
}

/// Whether the LoRa packet carries the explicit header (LoRaWAN always does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum HeaderMode {
    /// Explicit header: length, coding rate and CRC flag sent on air.
    #[default]
    Explicit,
    /// Implicit header: both sides know them in advance (e.g. Class B beacons).
    Implicit,
}

/// The settings that decide a LoRa packet's time on air.
///
/// Start from [`downlink`](Self::downlink) or [`uplink`](Self::uplink), which carry the LoRaWAN
/// framing (explicit header, CR 4/5, 8 preamble symbols, LDRO auto), and change what differs
/// with the `with_*` methods:
///
/// ```
/// use lorafota_core::airtime::{Bandwidth, LoraParams, SpreadingFactor};
///
/// // EU868 DR5, a 255-byte downlink (no payload CRC).
/// let toa = LoraParams::downlink(SpreadingFactor::SF7, Bandwidth::Khz125).time_on_air(255)?;
/// assert_eq!(toa.toa_us(), 394_496);
/// # Ok::<(), lorafota_core::airtime::AirtimeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoraParams {
    sf: SpreadingFactor,
    bw: Bandwidth,
    cr: CodingRate,
    preamble: u16,
    header: HeaderMode,
    crc: bool,
    ldro: Ldro,
}

impl LoraParams {
    /// A LoRaWAN downlink: explicit header, **no payload CRC** (LoRaWAN 1.0.3 §3.2), CR 4/5,
    /// 8 preamble symbols, LDRO auto. Multicast fragments are downlinks.
    pub const fn downlink(sf: SpreadingFactor, bw: Bandwidth) -> Self {
        Self {
            sf,
            bw,
            cr: CodingRate::Cr4_5,
            preamble: super::LORAWAN_PREAMBLE_SYMBOLS,
            header: HeaderMode::Explicit,
            crc: false,
            ldro: Ldro::Auto,
        }
    }
    /// A LoRaWAN uplink: as [`downlink`](Self::downlink) but with the payload CRC on.
    pub const fn uplink(sf: SpreadingFactor, bw: Bandwidth) -> Self {
        Self::downlink(sf, bw).with_crc(true)
    }
    /// The same settings with another coding rate.
    pub const fn with_coding_rate(mut self, cr: CodingRate) -> Self {
        self.cr = cr;
        self
    }
    /// The same settings with another programmed preamble length, in symbols.
    ///
    /// At SF5/SF6 the time on air uses at least 12, as the drivers raise it to 12 there.
    pub const fn with_preamble(mut self, symbols: u16) -> Self {
        self.preamble = symbols;
        self
    }
    /// The same settings with the payload CRC on or off.
    pub const fn with_crc(mut self, crc: bool) -> Self {
        self.crc = crc;
        self
    }
    /// The same settings with another header mode.
    pub const fn with_header(mut self, header: HeaderMode) -> Self {
        self.header = header;
        self
    }
    /// The same settings with another low-data-rate-optimisation mode.
    pub const fn with_ldro(mut self, ldro: Ldro) -> Self {
        self.ldro = ldro;
        self
    }

    /// The spreading factor.
    pub const fn spreading_factor(&self) -> SpreadingFactor {
        self.sf
    }
    /// The bandwidth.
    pub const fn bandwidth(&self) -> Bandwidth {
        self.bw
    }
    /// The coding rate.
    pub const fn coding_rate(&self) -> CodingRate {
        self.cr
    }
    /// The programmed preamble length in symbols (before the SF5/SF6 minimum of 12).
    pub const fn preamble(&self) -> u16 {
        self.preamble
    }
    /// The header mode.
    pub const fn header(&self) -> HeaderMode {
        self.header
    }
    /// Whether the payload CRC is on.
    pub const fn crc(&self) -> bool {
        self.crc
    }
    /// The low-data-rate-optimisation mode as set.
    pub const fn ldro(&self) -> Ldro {
        self.ldro
    }

    /// The symbol time 2^SF / BW in microseconds: exact, from 64 (SF5/500 kHz) to 32 768
    /// (SF12/125 kHz).
    pub const fn symbol_time_us(&self) -> u32 {
        (1u32 << self.sf.get()) * self.bw.us_per_chip()
    }
    /// Whether LDRO is actually on: [`Ldro::Auto`] resolved by the drivers' rule, and never at
    /// SF5/SF6, whose formula has no LDRO term.
    pub const fn ldro_enabled(&self) -> bool {
        if self.sf.get() <= 6 {
            return false;
        }
        match self.ldro {
            Ldro::On => true,
            Ldro::Off => false,
            Ldro::Auto => self.symbol_time_us() >= super::LDRO_SYMBOL_TIME_US,
        }
    }
    /// The preamble the radio sends: the programmed one, raised to 12 at SF5/SF6.
    pub const fn effective_preamble(&self) -> u16 {
        if self.sf.get() <= 6 && self.preamble < super::SF5_SF6_MIN_PREAMBLE {
            super::SF5_SF6_MIN_PREAMBLE
        } else {
            self.preamble
        }
    }
}
