use core::fmt;

use super::{DataRate, Direction, PayloadVariant, Region};
use crate::radio::Hz;

/// A regional default that some region has no single value for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefaultSetting {
    /// The RX2 channel.
    Rx2,
    /// The Class C multicast channel.
    ClassCMulticast,
    /// The Class B beacon and ping-slot channels.
    ClassB,
}

impl fmt::Display for DefaultSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Rx2 => "RX2 channel",
            Self::ClassCMulticast => "Class C multicast channel",
            Self::ClassB => "Class B channel",
        })
    }
}

/// Why a regional look-up failed. Every variant names the region and the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegionError {
    /// The data rate is not defined in that direction (e.g. US915 DR8 uplink).
    DataRateNotDefined {
        /// The region.
        region: Region,
        /// The data rate asked for.
        dr: DataRate,
        /// The direction asked for.
        direction: Direction,
    },
    /// The max-payload table marks the data rate as not allowed under this variant.
    PayloadNotAllowed {
        /// The region.
        region: Region,
        /// The data rate.
        dr: DataRate,
        /// The direction.
        direction: Direction,
        /// The table variant.
        variant: PayloadVariant,
    },
    /// The sources give no max payload for this data rate under this variant.
    PayloadNotListed {
        /// The region.
        region: Region,
        /// The data rate.
        dr: DataRate,
        /// The direction.
        direction: Direction,
        /// The table variant.
        variant: PayloadVariant,
    },
    /// An FRMPayload longer than the data rate's max N.
    FrmPayloadTooLong {
        /// The region.
        region: Region,
        /// The data rate.
        dr: DataRate,
        /// The direction.
        direction: Direction,
        /// The table variant.
        variant: PayloadVariant,
        /// FRMPayload bytes asked for.
        len: usize,
        /// The limit N.
        max_n: u8,
    },
    /// The region has no single value for this default (CN470: it depends on the channel
    /// plan; see [`super::cn470_rp002`]).
    NoFixedDefault {
        /// The region.
        region: Region,
        /// The setting.
        setting: DefaultSetting,
    },
    /// The frequency lies in none of the region's duty-cycle sub-bands.
    NoSubBand {
        /// The region.
        region: Region,
        /// The frequency asked about.
        frequency: Hz,
    },
    /// The RX1 data-rate offset is beyond the region's table.
    Rx1OffsetOutOfRange {
        /// The region.
        region: Region,
        /// The uplink data rate.
        dr: DataRate,
        /// The offset asked for.
        offset: u8,
        /// The largest offset the table has.
        max: u8,
    },
    /// No downlink data rate is allowed under this variant and the caller's condition.
    NoDownlinkDataRate {
        /// The region.
        region: Region,
        /// The table variant.
        variant: PayloadVariant,
    },
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::DataRateNotDefined {
                region,
                dr,
                direction,
            } => write!(f, "{dr} is not defined for {direction} in {region}"),
            Self::PayloadNotAllowed {
                region,
                dr,
                direction,
                variant,
            } => write!(
                f,
                "{region} {direction} {dr} is not allowed with the {variant} max-payload table"
            ),
            Self::PayloadNotListed {
                region,
                dr,
                direction,
                variant,
            } => write!(
                f,
                "no {variant} max payload is known for {region} {direction} {dr}"
            ),
            Self::FrmPayloadTooLong {
                region,
                dr,
                direction,
                variant,
                len,
                max_n,
            } => write!(
                f,
                "FRMPayload of {len} bytes exceeds the maximum N = {max_n} bytes of {region} {direction} {dr} ({variant})"
            ),
            Self::NoFixedDefault { region, setting } => write!(
                f,
                "{region} has no single default {setting}: it depends on the channel plan"
            ),
            Self::NoSubBand { region, frequency } => write!(
                f,
                "{frequency} is in none of the {region} duty-cycle sub-bands"
            ),
            Self::Rx1OffsetOutOfRange {
                region,
                dr,
                offset,
                max,
            } => write!(
                f,
                "RX1 data-rate offset {offset} is out of range 0..={max} for {region} uplink {dr}"
            ),
            Self::NoDownlinkDataRate { region, variant } => write!(
                f,
                "no {region} downlink data rate qualifies with the {variant} max-payload table"
            ),
        }
    }
}

impl core::error::Error for RegionError {}
