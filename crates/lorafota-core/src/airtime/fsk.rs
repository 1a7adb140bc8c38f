//! FSK time on air, as LoRaWAN frames it (EU868/AS923/... DR7, 50 kb/s).

use core::time::Duration;

use super::error::AirtimeError;

/// The bit rate of LoRaWAN's FSK data rate (DR7 where defined).
pub const LORAWAN_FSK_BITRATE_BPS: u32 = 50_000;

/// The framing of an FSK packet: preamble, sync word, length byte, payload, CRC.
///
/// [`lorawan`](Self::lorawan) is what LoRaWAN radios send: 5 preamble bytes, a 3-byte sync
/// word (0xC194C1), a length byte and a 2-byte CRC (LoRaMac-node `RadioGetGfskTimeOnAirNumerator`
/// with the region's settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FskParams {
    bitrate_bps: u32,
    preamble_bytes: u16,
    sync_word_bytes: u8,
    length_byte: bool,
    crc: bool,
}

impl FskParams {
    /// LoRaWAN FSK framing at `bitrate_bps` bits per second.
    pub const fn lorawan(bitrate_bps: u32) -> Self {
        Self {
            bitrate_bps,
            preamble_bytes: 5,
            sync_word_bytes: 3,
            length_byte: true,
            crc: true,
        }
    }
    /// The same framing with another preamble length, in bytes.
    pub const fn with_preamble_bytes(mut self, bytes: u16) -> Self {
        self.preamble_bytes = bytes;
        self
    }
    /// The same framing with another sync-word length, in bytes.
    pub const fn with_sync_word_bytes(mut self, bytes: u8) -> Self {
        self.sync_word_bytes = bytes;
        self
    }
    /// The same framing with or without the length byte (variable- vs fixed-length packets).
    pub const fn with_length_byte(mut self, on: bool) -> Self {
        self.length_byte = on;
        self
    }
    /// The same framing with or without the 2-byte CRC.
    pub const fn with_crc(mut self, on: bool) -> Self {
        self.crc = on;
        self
    }
    /// The bit rate in bits per second.
    pub const fn bitrate_bps(&self) -> u32 {
        self.bitrate_bps
    }

    /// The time on air of a packet of `payload_len` bytes (for LoRaWAN, the PHYPayload).
    ///
    /// Fails for a payload above 255 bytes or a bit rate of 0.
    pub fn time_on_air(&self, payload_len: usize) -> Result<FskAirtime, AirtimeError> {
        if payload_len > super::MAX_PHY_PAYLOAD {
            return Err(AirtimeError::PayloadTooLong(payload_len));
        }
        if self.bitrate_bps == 0 {
            return Err(AirtimeError::BitrateZero);
        }
        let bytes = u32::from(self.preamble_bytes)
            + u32::from(self.sync_word_bytes)
            + u32::from(self.length_byte)
            + payload_len as u32
            + if self.crc { 2 } else { 0 };
        Ok(FskAirtime {
            bits: 8 * bytes,
            bitrate_bps: self.bitrate_bps,
        })
    }
}

/// The time on air of one FSK packet: `bits / bitrate` seconds.
///
/// The exact value is that fraction; it is a whole number of microseconds at 50 kb/s, not at
/// every bit rate, so the accessors say how they round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FskAirtime {
    bits: u32,
    bitrate_bps: u32,
}

impl FskAirtime {
    /// Bits on air, preamble to CRC.
    pub const fn bits(&self) -> u32 {
        self.bits
    }
    /// The bit rate it was computed for.
    pub const fn bitrate_bps(&self) -> u32 {
        self.bitrate_bps
    }
    /// Time on air in nanoseconds, rounded up (exact at 50 kb/s and every divisor of 10^9).
    pub const fn toa_ns(&self) -> u64 {
        (self.bits as u64 * 1_000_000_000).div_ceil(self.bitrate_bps as u64)
    }
    /// Time on air rounded up to the nanosecond.
    pub const fn toa(&self) -> Duration {
        Duration::from_nanos(self.toa_ns())
    }
    /// Time on air in microseconds when that is a whole number, else `None`.
    pub const fn toa_us_exact(&self) -> Option<u64> {
        let num = self.bits as u64 * 1_000_000;
        if num.is_multiple_of(self.bitrate_bps as u64) {
            Some(num / self.bitrate_bps as u64)
        } else {
            None
        }
    }
    /// Time on air in whole microseconds, rounded up.
    pub const fn toa_us_ceil(&self) -> u64 {
        (self.bits as u64 * 1_000_000).div_ceil(self.bitrate_bps as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lorawan_framing_and_rounding() {
        let a = FskParams::lorawan(LORAWAN_FSK_BITRATE_BPS)
            .time_on_air(13)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.bits(), 192);
        assert_eq!(a.toa_us_exact(), Some(3840));
        let odd = FskParams::lorawan(7_000)
            .time_on_air(13)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(odd.toa_us_exact(), None);
        assert_eq!(odd.toa_us_ceil(), 27_429); // 27 428.571... us
        assert_eq!(odd.toa_ns(), 27_428_572);
        let odd = FskParams::lorawan(7)
            .time_on_air(0)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            odd.toa_ns(),
            (odd.bits() as u64 * 1_000_000_000).div_ceil(7)
        );
        assert_eq!(
            FskParams::lorawan(0).time_on_air(1),
            Err(AirtimeError::BitrateZero)
        );
        assert_eq!(
            FskParams::lorawan(50_000).time_on_air(256),
            Err(AirtimeError::PayloadTooLong(256))
        );
    }
}
