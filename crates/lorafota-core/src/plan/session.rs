//! The session planner: from an image and a fleet to fragment size, redundancy, airtime,
//! session length, TimeOut and start time.
//!
//! Everything is computed, nothing guessed: the fragment size is the data rate's max FRMPayload
//! minus the DataFragment header, the airtime is the exact downlink time on air
//! ([`crate::airtime`]), the pacing is the gateway's gap or the duty cycle of the chosen
//! frequency ([`crate::region`]), and the redundancy comes from a symbolic decode of a simulated
//! fleet ([`super::simulate_fleet`]) with the real TS004 rows.

use alloc::vec::Vec;
use core::fmt;
use core::time::Duration;

use super::channel::{LossModel, LossModelError};
use super::sim::{SimDevice, simulate_fleet};
use crate::airtime::{AirtimeError, DATA_FRAGMENT_OVERHEAD, data_fragment_phy_len};
use crate::frag::{FragError, FragParams, MAX_COUNTER, Ts004Version};
use crate::gps::{GpsError, GpsTime, UnixTime};
use crate::radio::Hz;
use crate::region::{DataRate, DataRateInfo, DutyCycle, PayloadVariant, Region, RegionError};
use crate::units::TimeoutExponent;

/// Which downlink data rate carries the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataRateChoice {
    /// This one.
    Fixed(DataRate),
    /// The fastest one every device hears: each device is described by the fastest data rate
    /// it is known to receive (its ADR data rate, say); the session uses the slowest of those
    /// (ranked by FRMPayload per second of airtime). An empty list means "the fastest LoRa data
    /// rate of the region" (SF5/SF6 excluded: few devices have them).
    FastestReaching(Vec<DataRate>),
}

/// How the gateway spaces the fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// The duty cycle of the chosen frequency where the region sets one, else back to back.
    Auto,
    /// This idle time after every fragment (MultiTech's `sleep_time`).
    Gap(Duration),
    /// One fragment every this long, start to start (ChirpStack's Class C margin), or back to
    /// back when the airtime is longer.
    Interval(Duration),
    /// Each fragment followed by the silence this duty cycle requires.
    DutyCycle(DutyCycle),
}

/// How many coded fragments to send.
#[derive(Debug, Clone, PartialEq)]
pub enum RedundancyChoice {
    /// Exactly this many.
    Count(u16),
    /// `ceil(M * percent / 100)` (ChirpStack's rule).
    Percent(u32),
    /// The fewest with which at least `target` of the fleet completes.
    ForTarget {
        /// Share of devices that must complete, e.g. 0.99.
        target: f64,
    },
}

/// The fleet the session is planned for.
#[derive(Debug, Clone, PartialEq)]
pub struct Fleet {
    /// One entry per device, or per device type: the simulation cycles through the list.
    pub devices: Vec<SimDevice>,
    /// Devices to simulate (at least the list's length).
    pub simulated: usize,
    /// The simulation's seed: the same seed gives the same plan.
    pub seed: u64,
}

impl Fleet {
    /// Devices (or device types) losing `loss_rates` of the fragments, in bursts of
    /// `mean_burst` when given, each holding at most `max_lost` lost fragments; `simulated`
    /// devices drawn with `seed`.
    pub fn from_loss_rates(
        loss_rates: &[f64],
        mean_burst: Option<f64>,
        max_lost: Option<u16>,
        simulated: usize,
        seed: u64,
    ) -> Result<Self, LossModelError> {
        let devices = loss_rates
            .iter()
            .map(|&p| LossModel::new(p, mean_burst).map(|loss| SimDevice { loss, max_lost }))
            .collect::<Result<_, _>>()?;
        Ok(Self {
            devices,
            simulated,
            seed,
        })
    }
}

/// When the gateway runs the job (MultiTech's scheduling fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    /// `scheduledTimeSinceUnixEpoch`.
    pub scheduled: UnixTime,
    /// `setupTimeFromScheduledTime`: until the setup messages are queued.
    pub setup: Duration,
    /// `launchTimeFromSetupTime`: until broadcasting starts.
    pub launch: Duration,
}

/// Everything the planner needs.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanRequest {
    /// Bytes of the image (or any data block).
    pub image_size: usize,
    /// The region.
    pub region: Region,
    /// The data rate.
    pub data_rate: DataRateChoice,
    /// Which max-payload table applies (repeater-compatible when repeaters may relay).
    pub payload_variant: PayloadVariant,
    /// A fragment size below the data rate's maximum (e.g. for devices with small buffers);
    /// `None`: max N - 3. Above the maximum is [`RegionError::FrmPayloadTooLong`].
    pub fragment_size: Option<u8>,
    /// The frequency (default: the region's Class C multicast default).
    pub frequency: Option<Hz>,
    /// Fragment spacing.
    pub pacing: Pacing,
    /// Redundancy.
    pub redundancy: RedundancyChoice,
    /// The fleet (needed for [`RedundancyChoice::ForTarget`], and to predict success).
    pub fleet: Option<Fleet>,
    /// TS004 parity rule.
    pub version: Ts004Version,
    /// The most uncoded fragments the devices accept (their NbFrag limit).
    pub device_max_fragments: Option<u16>,
    /// When the job runs.
    pub schedule: Option<Schedule>,
}

impl PlanRequest {
    /// A request with the usual defaults: no-repeater payloads, the region's multicast
    /// frequency, automatic pacing, TS004 v1, no device limits, no schedule.
    pub fn new(
        image_size: usize,
        region: Region,
        data_rate: DataRateChoice,
        redundancy: RedundancyChoice,
    ) -> Self {
        Self {
            image_size,
            region,
            data_rate,
            payload_variant: PayloadVariant::NoRepeater,
            fragment_size: None,
            frequency: None,
            pacing: Pacing::Auto,
            redundancy,
            fleet: None,
            version: Ts004Version::V1,
            device_max_fragments: None,
            schedule: None,
        }
    }
}

/// A planned session.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The region.
    pub region: Region,
    /// The downlink data rate.
    pub data_rate: DataRate,
    /// The frequency.
    pub frequency: Hz,
    /// Bytes per fragment (max N - 3).
    pub fragment_size: u8,
    /// Uncoded fragments (M).
    pub nb_frag: u16,
    /// Zero bytes in the last uncoded fragment.
    pub padding: u8,
    /// Coded fragments (R).
    pub redundancy: u16,
    /// Share of the simulated fleet that completes, when a fleet was given.
    pub expected_success: Option<f64>,
    /// Time on air of one fragment frame.
    pub toa_per_fragment: Duration,
    /// Time on air of all `M + R` fragments.
    pub airtime: Duration,
    /// From the first fragment to the end of the last one's spacing.
    pub duration: Duration,
    /// The smallest Class C TimeOut that covers the transfer.
    pub timeout: TimeoutExponent,
    /// Start and end, when a schedule was given.
    pub times: Option<SessionTimes>,
}

/// When the session runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimes {
    /// Broadcast start: scheduled + setup + launch.
    pub start: UnixTime,
    /// The same instant in GPS time (what McClassCSessionReq carries, mod 2^32).
    pub start_gps: GpsTime,
    /// Start + duration.
    pub end: UnixTime,
}

/// Why a session cannot be planned. Each variant names the limit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PlanError {
    /// A regional limit (unknown DR in that direction, no default frequency, no sub-band).
    Region(RegionError),
    /// The data rate has no airtime formula (LR-FHSS).
    Airtime(AirtimeError),
    /// The fragmentation parameters (too many fragments for the 14-bit counter, ...).
    Fragmentation(FragError),
    /// The image needs more uncoded fragments than the devices accept.
    TooManyFragmentsForDevices {
        /// Fragments needed.
        nb_frag: u16,
        /// Devices' limit.
        device_max: u16,
    },
    /// A target needs a fleet to simulate.
    NoFleet,
    /// The target is not a share in `0..=1`.
    InvalidTarget(f64),
    /// Even the most redundancy the counter allows does not reach the target.
    TargetUnreachable {
        /// The target.
        target: f64,
        /// What the most redundancy reaches.
        best: f64,
        /// That redundancy.
        max_redundancy: u16,
    },
    /// The transfer does not fit one Class C session (2^15 s).
    SessionTooLong {
        /// The transfer time.
        duration: Duration,
        /// The TimeOut exponent it would need.
        needed_exponent: u32,
        /// The slowest data rate with which it fits, if any.
        slowest_fitting: Option<DataRate>,
    },
    /// The schedule is before the GPS epoch.
    Gps(GpsError),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Region(e) => e.fmt(f),
            Self::Airtime(e) => e.fmt(f),
            Self::Fragmentation(e) => e.fmt(f),
            Self::TooManyFragmentsForDevices {
                nb_frag,
                device_max,
            } => {
                write!(
                    f,
                    "the image needs {nb_frag} fragments; the devices accept at most {device_max}"
                )
            }
            Self::NoFleet => {
                f.write_str("a success target needs a loss model (a fleet) to simulate")
            }
            Self::InvalidTarget(t) => write!(f, "target {t} is not a share between 0 and 1"),
            Self::TargetUnreachable {
                target,
                best,
                max_redundancy,
            } => write!(
                f,
                "no redundancy reaches {:.1} % of devices: {max_redundancy} coded fragments (the most the 14-bit counter allows) reach {:.1} %",
                target * 100.0,
                best * 100.0
            ),
            Self::SessionTooLong {
                duration,
                needed_exponent,
                slowest_fitting,
            } => {
                write!(
                    f,
                    "the transfer takes {} s and needs TimeOut 2^{needed_exponent} s: it cannot fit one Class C session (at most 2^15 s)",
                    duration.as_secs()
                )?;
                match slowest_fitting {
                    Some(dr) => write!(f, "; the slowest data rate that fits is {dr}"),
                    None => f.write_str("; no data rate of the region fits"),
                }
            }
            Self::Gps(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for PlanError {}

impl From<RegionError> for PlanError {
    fn from(e: RegionError) -> Self {
        Self::Region(e)
    }
}
impl From<AirtimeError> for PlanError {
    fn from(e: AirtimeError) -> Self {
        Self::Airtime(e)
    }
}
impl From<FragError> for PlanError {
    fn from(e: FragError) -> Self {
        Self::Fragmentation(e)
    }
}
impl From<GpsError> for PlanError {
    fn from(e: GpsError) -> Self {
        Self::Gps(e)
    }
}

/// The smallest `n` with `2^n s >= d` (unbounded: above 15 it does not fit a Class C session).
pub fn class_c_exponent_for(d: Duration) -> u32 {
    let mut n = 0;
    while Duration::from_secs(1u64 << n.min(63)) < d && n < 64 {
        n += 1;
    }
    n
}

/// The transfer time of `fragments` frames of `toa` each under `pacing` on `frequency`.
pub fn transfer_duration(
    region: Region,
    frequency: Hz,
    pacing: Pacing,
    toa: Duration,
    fragments: u32,
) -> Result<Duration, PlanError> {
    let per_fragment = match pacing {
        Pacing::Gap(gap) => toa + gap,
        Pacing::Interval(interval) => interval.max(toa),
        Pacing::DutyCycle(dc) => toa + dc.min_off_time(toa).unwrap_or(Duration::MAX / 2),
        Pacing::Auto => match region.duty_cycle_for(frequency)? {
            Some(dc) => toa + dc.min_off_time(toa).unwrap_or(Duration::MAX / 2),
            None => toa,
        },
    };
    Ok(per_fragment.saturating_mul(fragments))
}

/// Plans one session.
pub fn plan_session(req: &PlanRequest) -> Result<Plan, PlanError> {
    let info = choose_data_rate(req)?;
    let frequency = match req.frequency {
        Some(f) => f,
        None => req.region.class_c_multicast_default()?.frequency,
    };
    let fragment_size = match req.fragment_size {
        Some(s) => {
            info.check_frm_payload(req.payload_variant, usize::from(s) + DATA_FRAGMENT_OVERHEAD)?;
            s
        }
        None => info
            .max_payload(req.payload_variant)?
            .n()
            .saturating_sub(DATA_FRAGMENT_OVERHEAD as u8),
    };
    let params = FragParams::for_data(req.image_size, fragment_size.into())?;
    let m = params.nb_frag();
    if let Some(device_max) = req.device_max_fragments.filter(|max| m > *max) {
        return Err(PlanError::TooManyFragmentsForDevices {
            nb_frag: m,
            device_max,
        });
    }
    let room = MAX_COUNTER - m;

    let fleet_outcome = match &req.fleet {
        Some(fleet) => {
            let n = fleet.simulated.max(fleet.devices.len());
            let devices: Vec<SimDevice> = fleet.devices.iter().copied().cycle().take(n).collect();
            Some(simulate_fleet(req.version, m, room, &devices, fleet.seed))
        }
        None => None,
    };
    let redundancy = match req.redundancy {
        RedundancyChoice::Count(r) => params.check_redundancy(r.into())?,
        RedundancyChoice::Percent(pct) => {
            let r = (u64::from(m) * u64::from(pct)).div_ceil(100);
            params.check_redundancy(usize::try_from(r).unwrap_or(usize::MAX))?
        }
        RedundancyChoice::ForTarget { target } => {
            if !(0.0..=1.0).contains(&target) {
                return Err(PlanError::InvalidTarget(target));
            }
            let outcome = fleet_outcome.as_ref().ok_or(PlanError::NoFleet)?;
            outcome
                .redundancy_for(target)
                .ok_or(PlanError::TargetUnreachable {
                    target,
                    best: outcome.success_rate(room),
                    max_redundancy: room,
                })?
        }
    };
    let expected_success = fleet_outcome.as_ref().map(|o| o.success_rate(redundancy));

    let toa = info.time_on_air(data_fragment_phy_len(fragment_size.into()))?;
    let fragments = u32::from(m) + u32::from(redundancy);
    let airtime = toa.saturating_mul(fragments);
    let duration = transfer_duration(req.region, frequency, req.pacing, toa, fragments)?;
    let needed_exponent = class_c_exponent_for(duration);
    let Some(timeout) = u8::try_from(needed_exponent)
        .ok()
        .and_then(|n| TimeoutExponent::new(n).ok())
    else {
        return Err(PlanError::SessionTooLong {
            duration,
            needed_exponent,
            slowest_fitting: slowest_fitting_dr(
                req,
                frequency,
                f64::from(redundancy) / f64::from(m),
            ),
        });
    };

    let times = match req.schedule {
        Some(s) => {
            let start = s.scheduled.saturating_add(s.setup).saturating_add(s.launch);
            Some(SessionTimes {
                start,
                start_gps: start.to_gps()?,
                end: start.saturating_add(duration),
            })
        }
        None => None,
    };
    Ok(Plan {
        region: req.region,
        data_rate: info.dr(),
        frequency,
        fragment_size,
        nb_frag: m,
        padding: params.padding(),
        redundancy,
        expected_success,
        toa_per_fragment: toa,
        airtime,
        duration,
        timeout,
        times,
    })
}

fn choose_data_rate(req: &PlanRequest) -> Result<&'static DataRateInfo, PlanError> {
    match &req.data_rate {
        DataRateChoice::Fixed(dr) => Ok(req.region.downlink(*dr)?),
        DataRateChoice::FastestReaching(devices) => {
            let options = req.region.downlink_options(req.payload_variant);
            let usable = |o: &&crate::region::DownlinkOption| {
                o.info.since().is_none() && o.info.modulation().spreading_factor().is_some()
            };
            if devices.is_empty() {
                return options
                    .iter()
                    .find(usable)
                    .map(|o| o.info)
                    .ok_or(PlanError::Region(RegionError::NoDownlinkDataRate {
                        region: req.region,
                        variant: req.payload_variant,
                    }));
            }
            // Options are ranked fastest first: the last one any device names is the slowest.
            let mut slowest = None;
            for dr in devices {
                let rank = options.iter().position(|o| o.info.dr() == *dr).ok_or(
                    RegionError::DataRateNotDefined {
                        region: req.region,
                        dr: *dr,
                        direction: crate::region::Direction::Downlink,
                    },
                )?;
                slowest = Some(slowest.map_or(rank, |s: usize| s.max(rank)));
            }
            slowest
                .and_then(|r| options.get(r))
                .map(|o| o.info)
                .ok_or(PlanError::NoFleet)
        }
    }
}

/// The slowest LoRa data rate with which the same image, at the same redundancy ratio, fits
/// one Class C session.
fn slowest_fitting_dr(req: &PlanRequest, frequency: Hz, ratio: f64) -> Option<DataRate> {
    let mut options = req.region.downlink_options(req.payload_variant);
    options.reverse(); // slowest first
    options
        .into_iter()
        .filter(|o| o.info.since().is_none())
        .find_map(|o| {
            let s = o.max.n().saturating_sub(DATA_FRAGMENT_OVERHEAD as u8);
            let params = FragParams::for_data(req.image_size, s.into()).ok()?;
            let m = u32::from(params.nb_frag());
            let r = (f64::from(m) * ratio) as u32 + 1;
            if m + r > u32::from(MAX_COUNTER) {
                return None;
            }
            let toa = o.info.time_on_air(data_fragment_phy_len(s.into())).ok()?;
            let d = transfer_duration(req.region, frequency, req.pacing, toa, m + r).ok()?;
            (class_c_exponent_for(d) <= 15).then_some(o.info.dr())
        })
}
