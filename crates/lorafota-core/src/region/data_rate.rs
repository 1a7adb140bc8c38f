//! Data rates: index, direction, modulation and payload limits.

use core::fmt;
use core::time::Duration;

use super::{Region, RegionError};
use crate::airtime::{
    AirtimeError, Bandwidth, CodingRate, FskParams, LoraParams, PHY_PAYLOAD_OVERHEAD,
    SpreadingFactor,
};
use crate::radio::Hz;

/// A data-rate index (DR0, DR1, ...). What it means depends on the region and, in US915 and
/// AU915, on the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DataRate(u8);

impl DataRate {
    /// The data rate with index `index`.
    pub const fn new(index: u8) -> Self {
        Self(index)
    }
    /// The index.
    pub const fn index(self) -> u8 {
        self.0
    }
}

impl From<u8> for DataRate {
    fn from(index: u8) -> Self {
        Self(index)
    }
}

impl fmt::Display for DataRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DR{}", self.0)
    }
}

/// Uplink (device to network) or downlink (network to device).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Device to network.
    Uplink,
    /// Network to device; multicast fragments are downlinks.
    Downlink,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Uplink => "uplink",
            Self::Downlink => "downlink",
        })
    }
}

/// The LR-FHSS coding rate (lrwn writes 1/3 as "2/6" and 2/3 as "4/6").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LrFhssCodingRate {
    /// CR 1/3 (EU868 DR8/DR10).
    OneThird,
    /// CR 2/3 (EU868 DR9/DR11).
    TwoThirds,
}

impl fmt::Display for LrFhssCodingRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OneThird => "1/3",
            Self::TwoThirds => "2/3",
        })
    }
}

/// How a data rate modulates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Modulation {
    /// LoRa chirp spread spectrum.
    Lora {
        /// Spreading factor.
        sf: SpreadingFactor,
        /// Bandwidth.
        bw: Bandwidth,
        /// Coding rate (4/5 in every LoRaWAN region).
        coding_rate: CodingRate,
    },
    /// (G)FSK.
    Fsk {
        /// Bit rate in bits per second (50 000 in LoRaWAN).
        bitrate_bps: u32,
    },
    /// LR-FHSS (uplink only).
    LrFhss {
        /// Coding rate.
        coding_rate: LrFhssCodingRate,
        /// Occupied channel width.
        occupied_channel_width: Hz,
    },
}

impl Modulation {
    /// The spreading factor of a LoRa data rate.
    pub const fn spreading_factor(&self) -> Option<SpreadingFactor> {
        match self {
            Self::Lora { sf, .. } => Some(*sf),
            _ => None,
        }
    }
}

impl fmt::Display for Modulation {
    /// `SF7/125 kHz`, `FSK 50000 b/s`, `LR-FHSS CR 1/3, 137 kHz`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Lora { sf, bw, .. } => write!(f, "{sf}/{bw}"),
            Self::Fsk { bitrate_bps } => write!(f, "FSK {bitrate_bps} b/s"),
            Self::LrFhss {
                coding_rate,
                occupied_channel_width,
            } => write!(f, "LR-FHSS CR {coding_rate}, {occupied_channel_width}"),
        }
    }
}

/// A data rate's largest MACPayload `M`, and what follows from it.
///
/// `N = M - 8` (FHDR 7 + FPort 1, no FOpts) always holds here: the tables are generated with
/// N recomputed, because sources carry typos (lrwn lists EU868 DR4 as M = 250, N = 222).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaxPayload {
    m: u8,
}

impl MaxPayload {
    /// From the largest MACPayload `m` (at least 8 in every table).
    pub(crate) const fn from_m(m: u8) -> Self {
        Self { m }
    }
    /// M, the largest MACPayload in bytes.
    pub const fn m(self) -> u8 {
        self.m
    }
    /// N = M - 8, the largest FRMPayload in bytes (no FOpts).
    pub const fn n(self) -> u8 {
        self.m.saturating_sub(8)
    }
    /// The largest PHYPayload in bytes, N + 13 = M + 5.
    pub const fn max_phy_payload(self) -> usize {
        self.n() as usize + PHY_PAYLOAD_OVERHEAD
    }
    /// The largest TS004 fragment, N - 3 bytes (CID and Index&N take 3).
    pub const fn max_fragment_size(self) -> u8 {
        self.n()
            .saturating_sub(crate::airtime::DATA_FRAGMENT_OVERHEAD as u8)
    }
}

/// Which max-payload table applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadVariant {
    /// No repeater between gateway and device (the usual case).
    NoRepeater,
    /// Repeater compatible: M capped at 230 (N 222) on the fast data rates. Use it if a
    /// repeater may be in the path.
    RepeaterCompatible,
    /// 400 ms dwell time in force (AS923/AU915 DwellTime = 1), no repeater. AU915 uplinks:
    /// LoRaMac-node's UplinkDwellTime = 1 table.
    Dwell400msNoRepeater,
    /// 400 ms dwell time in force, repeater compatible.
    Dwell400msRepeaterCompatible,
}

impl PayloadVariant {
    /// Every variant, in table order.
    pub const ALL: [Self; 4] = [
        Self::NoRepeater,
        Self::RepeaterCompatible,
        Self::Dwell400msNoRepeater,
        Self::Dwell400msRepeaterCompatible,
    ];
    /// The name used on command lines and in JSON.
    pub const fn name(self) -> &'static str {
        match self {
            Self::NoRepeater => "no_repeater",
            Self::RepeaterCompatible => "repeater_compatible",
            Self::Dwell400msNoRepeater => "dwell_400ms_no_repeater",
            Self::Dwell400msRepeaterCompatible => "dwell_400ms_repeater_compatible",
        }
    }
    const fn slot(self) -> usize {
        match self {
            Self::NoRepeater => 0,
            Self::RepeaterCompatible => 1,
            Self::Dwell400msNoRepeater => 2,
            Self::Dwell400msRepeaterCompatible => 3,
        }
    }
}

impl fmt::Display for PayloadVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoRepeater => "no repeater",
            Self::RepeaterCompatible => "repeater compatible",
            Self::Dwell400msNoRepeater => "400 ms dwell, no repeater",
            Self::Dwell400msRepeaterCompatible => "400 ms dwell, repeater compatible",
        })
    }
}

/// One entry of a max-payload table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadLimit {
    /// Allowed, up to this size.
    Max(MaxPayload),
    /// The table lists the data rate as not allowed under this variant (e.g. AS923 DR0 with
    /// the 400 ms dwell time).
    NotAllowed,
    /// The sources give no value for this variant.
    NotListed,
}

/// An RP002 revision, for data rates that only later revisions define.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rp002Revision {
    /// RP002-1.0.0.
    V1_0_0,
    /// RP002-1.0.1.
    V1_0_1,
    /// RP002-1.0.2.
    V1_0_2,
    /// RP002-1.0.3.
    V1_0_3,
    /// RP002-1.0.4 (the baseline of these tables).
    V1_0_4,
    /// RP002-1.0.5 (SF5/SF6 data rates; taken from lrwn, not checked against the spec text).
    V1_0_5,
}

impl fmt::Display for Rp002Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::V1_0_0 => "RP002-1.0.0",
            Self::V1_0_1 => "RP002-1.0.1",
            Self::V1_0_2 => "RP002-1.0.2",
            Self::V1_0_3 => "RP002-1.0.3",
            Self::V1_0_4 => "RP002-1.0.4",
            Self::V1_0_5 => "RP002-1.0.5",
        })
    }
}

/// One data rate of one region in one direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataRateInfo {
    pub(crate) region: Region,
    pub(crate) dr: DataRate,
    pub(crate) direction: Direction,
    pub(crate) modulation: Modulation,
    pub(crate) limits: [PayloadLimit; 4],
    pub(crate) since: Option<Rp002Revision>,
}

impl DataRateInfo {
    /// The region.
    pub const fn region(&self) -> Region {
        self.region
    }
    /// The data-rate index.
    pub const fn dr(&self) -> DataRate {
        self.dr
    }
    /// The direction this entry describes.
    pub const fn direction(&self) -> Direction {
        self.direction
    }
    /// The modulation.
    pub const fn modulation(&self) -> Modulation {
        self.modulation
    }
    /// The first RP002 revision that defines this data rate, or `None` for the long-standing
    /// ones. A planner should skip [`Rp002Revision::V1_0_5`] rates unless the devices are known
    /// to support SF5/SF6.
    pub const fn since(&self) -> Option<Rp002Revision> {
        self.since
    }
    /// The raw table entry for `variant`.
    pub const fn payload_limit(&self, variant: PayloadVariant) -> PayloadLimit {
        self.limits[variant.slot()]
    }
    /// The max payload under `variant`, or an error naming region, data rate, direction and
    /// variant when that variant does not allow or does not list this data rate.
    pub const fn max_payload(&self, variant: PayloadVariant) -> Result<MaxPayload, RegionError> {
        match self.payload_limit(variant) {
            PayloadLimit::Max(m) => Ok(m),
            PayloadLimit::NotAllowed => Err(RegionError::PayloadNotAllowed {
                region: self.region,
                dr: self.dr,
                direction: self.direction,
                variant,
            }),
            PayloadLimit::NotListed => Err(RegionError::PayloadNotListed {
                region: self.region,
                dr: self.dr,
                direction: self.direction,
                variant,
            }),
        }
    }
    /// Checks that an FRMPayload of `len` bytes (no FOpts) fits under `variant`.
    pub const fn check_frm_payload(
        &self,
        variant: PayloadVariant,
        len: usize,
    ) -> Result<MaxPayload, RegionError> {
        match self.max_payload(variant) {
            Ok(max) if len > max.n() as usize => Err(RegionError::FrmPayloadTooLong {
                region: self.region,
                dr: self.dr,
                direction: self.direction,
                variant,
                len,
                max_n: max.n(),
            }),
            other => other,
        }
    }
    /// The radio settings for a LoRa data rate, with this direction's LoRaWAN framing (payload
    /// CRC on uplinks, off on downlinks).
    pub const fn lora_params(&self) -> Option<LoraParams> {
        match self.modulation {
            Modulation::Lora {
                sf,
                bw,
                coding_rate,
            } => {
                let p = match self.direction {
                    Direction::Uplink => LoraParams::uplink(sf, bw),
                    Direction::Downlink => LoraParams::downlink(sf, bw),
                };
                Some(p.with_coding_rate(coding_rate))
            }
            _ => None,
        }
    }
    /// The time on air of a PHYPayload of `phy_len` bytes at this data rate and direction.
    ///
    /// Exact for LoRa; FSK is rounded up to the nanosecond (exact at 50 kb/s). LR-FHSS is
    /// [`AirtimeError::UnsupportedModulation`].
    pub fn time_on_air(&self, phy_len: usize) -> Result<Duration, AirtimeError> {
        match self.modulation {
            Modulation::Lora { .. } => match self.lora_params() {
                Some(p) => p.time_on_air(phy_len).map(|a| a.toa()),
                None => Err(AirtimeError::UnsupportedModulation),
            },
            Modulation::Fsk { bitrate_bps } => FskParams::lorawan(bitrate_bps)
                .time_on_air(phy_len)
                .map(|a| a.toa()),
            Modulation::LrFhss { .. } => Err(AirtimeError::UnsupportedModulation),
        }
    }
}

/// A downlink data rate with its largest frame, as a planner compares them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DownlinkOption {
    /// The data rate.
    pub info: &'static DataRateInfo,
    /// Its max payload under the variant asked for.
    pub max: MaxPayload,
    /// The time on air of its largest frame (PHYPayload N + 13, no payload CRC).
    pub full_frame_toa: Duration,
}

impl DownlinkOption {
    /// FRMPayload bytes per second of airtime when every frame is full: N / ToA(N + 13).
    pub fn frm_bytes_per_second(&self) -> u64 {
        let ns = self.full_frame_toa.as_nanos().max(1);
        let bytes_ns = u128::from(self.max.n()) * 1_000_000_000;
        u64::try_from(bytes_ns / ns).unwrap_or(u64::MAX)
    }
    /// Whether `self` carries more FRMPayload per second of airtime than `other` (exact:
    /// cross-multiplied, no division).
    pub fn is_faster_than(&self, other: &Self) -> bool {
        u128::from(self.max.n()) * other.full_frame_toa.as_nanos()
            > u128::from(other.max.n()) * self.full_frame_toa.as_nanos()
    }
}
