//! Time on air, exact in integer microseconds: LoRa (SF5..=SF12, 125/250/500 kHz) and FSK.
//!
//! * [`LoraParams`] holds the settings that matter (spreading factor, bandwidth, coding rate,
//!   preamble, header mode, payload CRC, low-data-rate optimisation) as checked types;
//!   [`LoraParams::downlink`] and [`LoraParams::uplink`] carry the LoRaWAN framing. The only
//!   difference between them is the payload CRC: LoRaWAN downlinks, multicast fragments
//!   included, have none (LoRaWAN 1.0.3 §3.2). Helpers written for device uplinks
//!   (LoRaMac-node's region `GetTimeOnAir`, brocaar/lorawan `airtime`) always add it.
//! * The formula is the SX127x datasheet / AN1200.13 one, in the integer form of the Semtech
//!   drivers: `ToA = (preamble + 4.25 + 8 + max(ceil((8 PL + 16 CRC - 4 SF + 28 - 20 IH) /
//!   (4 (SF - 2 DE))), 0) x (CR + 4)) x 2^SF / BW`. At SF5/SF6 (SX126x) the "+ 8" in the
//!   numerator (28 becomes 20) and the LDRO term go, and the preamble overhead is 6.25 symbols
//!   with a preamble of at least 12 (LoRaMac-node raises it to 12; see
//!   [`LoraParams::effective_preamble`]).
//! * No floating point: symbol counts are kept in quarter symbols ([`Symbols`]) and the symbol
//!   time is a whole number of microseconds at every supported bandwidth, so [`LoraAirtime`] is
//!   exact. Round only at the edge ([`LoraAirtime::toa_ms_ceil`] gives LoRaMac-node's ms).
//! * [`FskParams`] counts bits on air with LoRaWAN's FSK framing; [`FskAirtime`] is exact as
//!   `bits / bitrate` and says how each accessor rounds.
//! * The payload length is what the radio gets: for LoRaWAN the PHYPayload, FRMPayload +
//!   [`PHY_PAYLOAD_OVERHEAD`]; a TS004 fragment adds [`DATA_FRAGMENT_OVERHEAD`] more
//!   ([`data_fragment_phy_len`]).

mod error;
mod fsk;
mod lora;
mod params;

pub use error::{AirtimeError, Quantity};
pub use fsk::{FskAirtime, FskParams, LORAWAN_FSK_BITRATE_BPS};
pub use lora::{LoraAirtime, Symbols};
pub use params::{Bandwidth, CodingRate, HeaderMode, Ldro, LoraParams, SpreadingFactor};

/// Bytes a LoRaWAN frame adds around its FRMPayload when it has an FPort and no FOpts:
/// MHDR (1) + FHDR (DevAddr 4, FCtrl 1, FCnt 2) + FPort (1) + MIC (4) = 13.
///
/// FOpts, when present, add their length on top.
pub const PHY_PAYLOAD_OVERHEAD: usize = 13;

/// Bytes a TS004 DataFragment adds in front of the fragment inside the FRMPayload:
/// CID (1) + Index&N (2) = 3. A data rate's largest fragment is its max N minus this.
pub const DATA_FRAGMENT_OVERHEAD: usize = 3;

/// The largest payload the radio's one-byte length field carries.
pub const MAX_PHY_PAYLOAD: usize = 255;

/// The preamble length LoRaWAN programs in every region, in symbols.
pub const LORAWAN_PREAMBLE_SYMBOLS: u16 = 8;

/// The shortest preamble used at SF5/SF6, in symbols.
pub const SF5_SF6_MIN_PREAMBLE: u16 = 12;

/// The symbol time from which [`Ldro::Auto`] turns LDRO on, in microseconds (16.384 ms).
pub const LDRO_SYMBOL_TIME_US: u32 = 16_384;

/// The PHYPayload length of a TS004 DataFragment carrying `fragment_size` bytes:
/// `fragment_size` + [`DATA_FRAGMENT_OVERHEAD`] + [`PHY_PAYLOAD_OVERHEAD`].
pub const fn data_fragment_phy_len(fragment_size: usize) -> usize {
    fragment_size + DATA_FRAGMENT_OVERHEAD + PHY_PAYLOAD_OVERHEAD
}
