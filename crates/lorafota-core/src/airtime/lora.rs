//! The LoRa time-on-air computation, in integer arithmetic.

use core::fmt;
use core::time::Duration;

use super::error::AirtimeError;
use super::params::{HeaderMode, LoraParams};

/// A number of symbols counted in quarter symbols, so that the 4.25 / 6.25 preamble overhead
/// stays exact.
///
/// `Display` writes it as a decimal (`35.25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Symbols(u32);

impl Symbols {
    /// `quarters` quarter symbols.
    pub const fn from_quarters(quarters: u32) -> Self {
        Self(quarters)
    }
    /// The count in quarter symbols (4 x the number of symbols).
    pub const fn quarters(self) -> u32 {
        self.0
    }
    /// The whole symbols, rounded down.
    pub const fn whole(self) -> u32 {
        self.0 / 4
    }
}

impl fmt::Display for Symbols {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let frac = match self.0 % 4 {
            0 => "",
            1 => ".25",
            2 => ".5",
            _ => ".75",
        };
        write!(f, "{}{frac}", self.0 / 4)
    }
}

/// The time on air of one LoRa packet and its parts.
///
/// All values are exact. The symbol time is a whole number of microseconds at every supported
/// bandwidth (see [`super::Bandwidth`]), so `t_sym_us` is an integer rather than a rational;
/// the total symbol count is kept in quarter symbols ([`Symbols`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LoraAirtime {
    toa_us: u64,
    t_sym_us: u32,
    preamble_symbols: u16,
    n_payload_symbols: u32,
    n_total_symbols: Symbols,
    ldro: bool,
}

impl LoraAirtime {
    /// Time on air in microseconds, exact.
    pub const fn toa_us(&self) -> u64 {
        self.toa_us
    }
    /// Time on air, exact.
    pub const fn toa(&self) -> Duration {
        Duration::from_micros(self.toa_us)
    }
    /// Time on air in whole milliseconds rounded up, what LoRaMac-node's `Radio.TimeOnAir`
    /// returns. Round only at such edges; keep [`toa_us`](Self::toa_us) for sums.
    pub const fn toa_ms_ceil(&self) -> u64 {
        self.toa_us.div_ceil(1000)
    }
    /// The symbol time 2^SF / BW in microseconds, exact.
    pub const fn t_sym_us(&self) -> u32 {
        self.t_sym_us
    }
    /// The symbol time, exact.
    pub const fn t_sym(&self) -> Duration {
        Duration::from_micros(self.t_sym_us as u64)
    }
    /// The preamble used, in symbols (the programmed one, at least 12 at SF5/SF6).
    pub const fn preamble_symbols(&self) -> u16 {
        self.preamble_symbols
    }
    /// Payload symbols: 8 + ceil(...) x (CR + 4), header included.
    pub const fn n_payload_symbols(&self) -> u32 {
        self.n_payload_symbols
    }
    /// All symbols: preamble + 4.25 (6.25 at SF5/SF6) + payload symbols.
    pub const fn n_total_symbols(&self) -> Symbols {
        self.n_total_symbols
    }
    /// Whether LDRO was on in the computation.
    pub const fn ldro(&self) -> bool {
        self.ldro
    }
}

impl LoraParams {
    /// The time on air of a packet of `payload_len` bytes handed to the radio. For LoRaWAN
    /// that is the whole PHYPayload, FRMPayload + [`super::PHY_PAYLOAD_OVERHEAD`].
    ///
    /// Fails only for a payload above 255 bytes.
    pub fn time_on_air(&self, payload_len: usize) -> Result<LoraAirtime, AirtimeError> {
        if payload_len > super::MAX_PHY_PAYLOAD {
            return Err(AirtimeError::PayloadTooLong(payload_len));
        }
        // Fits easily: 8 * 255 + 16 + 28 < 2^31.
        let pl = payload_len as i32;
        let sf = i32::from(self.spreading_factor().get());
        let ldro = self.ldro_enabled();
        let crc_bits = if self.crc() { 16 } else { 0 };
        let header_bits = match self.header() {
            HeaderMode::Explicit => 20,
            HeaderMode::Implicit => 0,
        };
        // SX127x datasheet / AN1200.13 for SF7..SF12: 8 bits of the payload ride in the first
        // 8 symbols (hence "+ 8", i.e. 28 - 20 IH in the usual form) and LDRO narrows each
        // later symbol to SF - 2 bits. SX126x SF5/SF6: no "+ 8", never LDRO, and 2 more
        // preamble symbols (6.25 instead of 4.25).
        let sf5_or_sf6 = sf <= 6;
        let (num, den, preamble_extra_quarters) = if sf5_or_sf6 {
            (8 * pl + crc_bits - 4 * sf + header_bits, 4 * sf, 25)
        } else {
            let bits_per_symbol = if ldro { sf - 2 } else { sf };
            (
                8 * pl + crc_bits - 4 * sf + 8 + header_bits,
                4 * bits_per_symbol,
                17,
            )
        };
        // max(ceil(num / den), 0) with num clamped first, as the drivers do: same value.
        let blocks = num.max(0).unsigned_abs().div_ceil(den.unsigned_abs());
        let n_payload_symbols = 8 + blocks * (4 + u32::from(self.coding_rate().index()));
        let preamble_symbols = self.effective_preamble();
        let quarters =
            4 * (u32::from(preamble_symbols) + n_payload_symbols) + preamble_extra_quarters;
        let t_sym_us = self.symbol_time_us();
        // t_sym_us = 2^SF x (8, 4 or 2) is a multiple of 4 (SF >= 5), so this is exact.
        let toa_us = u64::from(quarters) * u64::from(t_sym_us / 4);
        Ok(LoraAirtime {
            toa_us,
            t_sym_us,
            preamble_symbols,
            n_payload_symbols,
            n_total_symbols: Symbols::from_quarters(quarters),
            ldro,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::airtime::{Bandwidth, CodingRate, Ldro, SpreadingFactor};
    use alloc::string::ToString;

    #[test]
    fn symbols_display_exact_quarters() {
        assert_eq!(Symbols::from_quarters(141).to_string(), "35.25");
        assert_eq!(Symbols::from_quarters(142).to_string(), "35.5");
        assert_eq!(Symbols::from_quarters(143).to_string(), "35.75");
        assert_eq!(Symbols::from_quarters(140).to_string(), "35");
        assert_eq!(Symbols::from_quarters(141).whole(), 35);
    }

    #[test]
    fn ldro_auto_follows_the_drivers_at_16_384_ms() {
        let on = |sf, bw| LoraParams::downlink(sf, bw).ldro_enabled();
        assert!(on(SpreadingFactor::SF11, Bandwidth::Khz125));
        assert!(on(SpreadingFactor::SF12, Bandwidth::Khz250));
        assert!(!on(SpreadingFactor::SF10, Bandwidth::Khz125));
        assert!(!on(SpreadingFactor::SF11, Bandwidth::Khz250));
        assert!(!on(SpreadingFactor::SF12, Bandwidth::Khz500));
        // SF5/SF6 have no LDRO term, even when asked for.
        let forced =
            LoraParams::downlink(SpreadingFactor::SF6, Bandwidth::Khz125).with_ldro(Ldro::On);
        assert!(!forced.ldro_enabled());
    }

    #[test]
    fn payload_above_255_is_refused() {
        let p = LoraParams::uplink(SpreadingFactor::SF7, Bandwidth::Khz125);
        assert_eq!(p.time_on_air(256), Err(AirtimeError::PayloadTooLong(256)));
        assert!(p.time_on_air(255).is_ok());
    }

    #[test]
    fn sf5_and_sf6_raise_the_preamble_to_12() {
        let p = LoraParams::downlink(SpreadingFactor::SF5, Bandwidth::Khz125);
        let a = p.time_on_air(10).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.preamble_symbols(), 12);
        let p = p.with_preamble(16).with_coding_rate(CodingRate::Cr4_8);
        assert_eq!(p.effective_preamble(), 16);
    }

    #[test]
    fn extremes_do_not_overflow() {
        let p = LoraParams::uplink(SpreadingFactor::SF12, Bandwidth::Khz125)
            .with_preamble(u16::MAX)
            .with_coding_rate(CodingRate::Cr4_8)
            .with_ldro(Ldro::Off);
        let a = p.time_on_air(255).unwrap_or_else(|e| panic!("{e}"));
        assert!(a.toa_us() > 2_000_000_000);
    }
}
