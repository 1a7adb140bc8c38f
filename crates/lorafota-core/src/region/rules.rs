//! Channels, timing defaults and the regulatory rules: duty cycle, dwell time, LBT.

use core::fmt;
use core::time::Duration;

use super::DataRate;
use crate::radio::Hz;

/// A frequency and a data rate, e.g. the RX2 default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Channel {
    /// Centre frequency.
    pub frequency: Hz,
    /// Data rate.
    pub dr: DataRate,
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.frequency, self.dr)
    }
}

/// The receive-window and join-accept delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RxDelays {
    /// RECEIVE_DELAY1.
    pub rx1: Duration,
    /// RECEIVE_DELAY2.
    pub rx2: Duration,
    /// JOIN_ACCEPT_DELAY1.
    pub join_accept1: Duration,
    /// JOIN_ACCEPT_DELAY2.
    pub join_accept2: Duration,
}

/// Where a Class B beacon or ping slot is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClassBChannel {
    /// Always this frequency.
    Fixed(Hz),
    /// `first + step x (hop mod channels)` (US915, AU915). For beacons `hop` is
    /// floor(beacon_time / 128); for ping slots DevAddr + floor(beacon_time / 128).
    Hopping {
        /// Channel 0.
        first: Hz,
        /// Spacing between channels.
        step: Hz,
        /// Number of channels.
        channels: u8,
    },
}

impl ClassBChannel {
    /// The frequency for hop counter `hop` (ignored by a fixed channel).
    pub const fn frequency(&self, hop: u32) -> Hz {
        match *self {
            Self::Fixed(f) => f,
            Self::Hopping {
                first,
                step,
                channels,
            } => {
                let k = if channels == 0 {
                    0
                } else {
                    hop % channels as u32
                };
                Hz::new(first.get().saturating_add(step.get().saturating_mul(k)))
            }
        }
    }
}

impl fmt::Display for ClassBChannel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fixed(hz) => write!(f, "{hz}"),
            Self::Hopping {
                first,
                step,
                channels,
            } => write!(f, "{first} + {step} x k (k = 0..{channels}, hopping)"),
        }
    }
}

/// Class B defaults: beacon and ping-slot channels and data rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClassB {
    /// Beacon channel.
    pub beacon: ClassBChannel,
    /// Beacon data rate.
    pub beacon_dr: DataRate,
    /// Default ping-slot channel.
    pub ping_slot: ClassBChannel,
    /// Default ping-slot data rate.
    pub ping_slot_dr: DataRate,
}

/// A duty-cycle limit: the share of time a transmitter may be on air, in parts per million.
///
/// 1 % = 10 000 ppm: 36 s of airtime per hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DutyCycle(u32);

impl DutyCycle {
    /// `ppm` parts per million (1 000 000 = always on).
    pub const fn from_ppm(ppm: u32) -> Self {
        Self(ppm)
    }
    /// The limit in parts per million.
    pub const fn ppm(self) -> u32 {
        self.0
    }
    /// The most airtime allowed within `window` (e.g. 360 s per hour at 10 %), rounded down
    /// to the nanosecond.
    pub fn max_airtime_in(self, window: Duration) -> Duration {
        let ns = window.as_nanos() * u128::from(self.0) / 1_000_000;
        duration_from_nanos(ns)
    }
    /// The shortest silence after a transmission of `toa` that keeps to the limit:
    /// `toa x (1 / dc - 1)`, rounded up to the nanosecond (LoRaMac-node's Toff). `None` at
    /// 0 ppm, where nothing may be sent.
    pub fn min_off_time(self, toa: Duration) -> Option<Duration> {
        if self.0 == 0 {
            return None;
        }
        let period = (toa.as_nanos() * 1_000_000).div_ceil(u128::from(self.0));
        Some(duration_from_nanos(period.saturating_sub(toa.as_nanos())))
    }
}

fn duration_from_nanos(ns: u128) -> Duration {
    let secs = u64::try_from(ns / 1_000_000_000).unwrap_or(u64::MAX);
    // The remainder is below 10^9, so it fits.
    let sub = u32::try_from(ns % 1_000_000_000).unwrap_or(0);
    Duration::new(secs, sub)
}

impl fmt::Display for DutyCycle {
    /// As a percentage: `10%`, `1%`, `0.1%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 10_000;
        let mut frac = self.0 % 10_000;
        if frac == 0 {
            return write!(f, "{whole}%");
        }
        let mut width = 4;
        while frac.is_multiple_of(10) {
            frac /= 10;
            width -= 1;
        }
        write!(f, "{whole}.{frac:0width$}%")
    }
}

/// A frequency range with its own duty-cycle limit (EU868, ETSI EN 300 220 / EC 2017/1483).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubBand {
    /// The name (ETSI letter and LoRaMac-node band).
    pub name: &'static str,
    /// Lowest centre frequency, inclusive.
    pub min: Hz,
    /// Highest centre frequency, inclusive.
    pub max: Hz,
    /// The limit.
    pub duty_cycle: DutyCycle,
}

impl SubBand {
    /// Whether `frequency` lies in `min..=max`.
    pub const fn contains(&self, frequency: Hz) -> bool {
        self.min.get() <= frequency.get() && frequency.get() <= self.max.get()
    }
}

/// How a region limits duty cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DutyCycleRule {
    /// No duty-cycle limit in the regional parameters (US915, AU915, ...).
    None,
    /// Per sub-band limits that bind every transmitter, gateways included (EU868).
    SubBands(&'static [SubBand]),
    /// One limit on every channel (RU864: 1 %, LoRaMac-node's single band).
    Uniform(DutyCycle),
    /// Set by each country (AS923); the note says more.
    CountrySpecific(&'static str),
}

/// A dwell-time limit: the longest a single transmission may last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DwellTime {
    /// Limit on uplinks, if any.
    pub uplink: Option<Duration>,
    /// Limit on downlinks, if any.
    pub downlink: Option<Duration>,
    /// `true` when it applies only once signalled (TxParamSetupReq UplinkDwellTime /
    /// DownlinkDwellTime: AS923, AU915); `false` when it always applies (US915 125 kHz uplinks).
    pub when_signalled: bool,
    /// Where and when it applies, as the sources say it.
    pub note: &'static str,
}

/// Listen-before-talk: sense the channel before each transmission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Lbt {
    /// The channel counts as free below this RSSI, in dBm.
    pub rssi_threshold_dbm: i16,
    /// How long to sense.
    pub carrier_sense_time: Duration,
    /// Bandwidth sensed.
    pub scan_bandwidth: Hz,
    /// Where it is required, when not in the whole region (AS923: Japan and others).
    pub required_in: Option<&'static str>,
}

/// CN470's RP002 defaults, which depend on the channel plan (20 or 26 MHz antenna, A or B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cn470Rp002 {
    /// RX2 data rate in every plan.
    pub rx2_dr: DataRate,
    /// RX2 frequencies per plan (OTAA plans list one per join channel group).
    pub rx2_by_plan: &'static [Cn470PlanRx2],
    /// Class B beacon data rate.
    pub beacon_dr: DataRate,
    /// Class B ping-slot data rate.
    pub ping_slot_dr: DataRate,
    /// Beacon frequency in the 26 MHz plan A.
    pub beacon_26mhz_a: Hz,
    /// Beacon frequency in the 26 MHz plan B.
    pub beacon_26mhz_b: Hz,
    /// The older LoRaWAN 1.0.x plan that ChirpStack's lrwn still uses: RX2 505.3 MHz DR0.
    pub lrwn_legacy_rx2: Channel,
}

/// The RX2 frequencies of one CN470 channel plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cn470PlanRx2 {
    /// Plan name as in the source tables, e.g. `26MHz_A`.
    pub plan: &'static str,
    /// One frequency, or one per join channel group.
    pub frequencies: &'static [Hz],
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn duty_cycle_arithmetic() {
        let ten = DutyCycle::from_ppm(100_000);
        assert_eq!(ten.to_string(), "10%");
        assert_eq!(DutyCycle::from_ppm(1_000).to_string(), "0.1%");
        assert_eq!(DutyCycle::from_ppm(10_000).to_string(), "1%");
        assert_eq!(DutyCycle::from_ppm(1).to_string(), "0.0001%");
        assert_eq!(
            ten.max_airtime_in(Duration::from_secs(3600)),
            Duration::from_secs(360)
        );
        let toa = Duration::from_micros(394_496);
        assert_eq!(ten.min_off_time(toa), Some(toa * 9));
        assert_eq!(DutyCycle::from_ppm(0).min_off_time(toa), None);
        assert_eq!(
            DutyCycle::from_ppm(1_000_000).min_off_time(toa),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn hopping_class_b_channel() {
        let c = ClassBChannel::Hopping {
            first: Hz::new(923_300_000),
            step: Hz::new(600_000),
            channels: 8,
        };
        assert_eq!(c.frequency(0), Hz::new(923_300_000));
        assert_eq!(c.frequency(9), Hz::new(923_900_000));
        assert_eq!(c.frequency(7), Hz::new(927_500_000));
    }
}
