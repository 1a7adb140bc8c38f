//! Job lifecycle: scheduled → SETUP → BROADCASTING → TEARDOWN → result, on the virtual clock.
//!
//! - The lifecycle is a pure function of a job's times, its [`RadioPlan`] and "now": nothing
//!   runs in the background, every request first brings the jobs up to date
//!   (`state::App::with` runs the tick), so a clock step of an hour is handled in one go.
//! - **The seam for the radio**: when a job reaches its setup time, the [`Radio`] is asked
//!   for a [`RadioPlan`] (who answered setup, how long broadcasting and teardown last, each
//!   device's outcome). The plan is stored with the job, so a restart resumes it unchanged.
//! - [`PlaceholderRadio`] is the stand-in until the radio/device simulation lands (next
//!   issue): it reads each device's [`ScriptedOutcome`] and derives durations from the image
//!   size and pacing fields. Nothing else in the emulator depends on how a plan was made.

use lorafota_gateway::api::monitor::DeviceResult;
use lorafota_gateway::api::schedule::{ScheduleRequest, TransmissionType};
use serde::{Deserialize, Serialize};

use crate::config::{DeviceSpec, ScriptedOutcome};

/// What a job needs from the radio model, decided once when the job enters SETUP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadioPlan {
    /// Time from setup start until the setup answers are in (ms).
    pub answers_in_ms: i64,
    /// Devices (dashed EUIs) that answered setup; empty = skip straight to TEARDOWN.
    pub answered: Vec<String>,
    /// Broadcast duration (ms).
    pub broadcast_ms: i64,
    /// Teardown duration (ms).
    pub teardown_ms: i64,
    /// Final outcome of every device of the job.
    pub outcomes: Vec<DeviceResult>,
    /// Frames broadcast (FOTA: uncoded + coded fragments; message: 1).
    #[serde(default)]
    pub frames: u32,
    /// Per-device timeline, in job order (empty for radios that do not trace).
    #[serde(default)]
    pub devices: Vec<DeviceTrace>,
}

/// What one device of a job received, for per-device progress.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceTrace {
    /// Frames it received.
    pub received: u32,
    /// Frames it needs at the least (FOTA: the uncoded count; message: 1).
    pub needed: u32,
    /// The 1-based broadcast frame after which it had everything, if it ever did.
    pub completed_frame: Option<u32>,
    /// Message jobs: the payload it received, hex.
    #[serde(default)]
    pub payload_hex: Option<String>,
}

/// Progress of one device of a running job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceProgress {
    /// Dashed EUI.
    pub deveui: String,
    /// Percent of what it needs received so far (100 once it rebuilt the image).
    pub percent: f64,
    /// Whether it has everything.
    pub complete: bool,
}

/// A job as the radio sees it.
#[derive(Debug, Clone, Copy)]
pub struct JobSpec<'a> {
    /// The stored request (defaults filled in).
    pub request: &'a ScheduleRequest,
    /// The job's devices in request order, with their table row when known.
    pub devices: &'a [(String, Option<DeviceSpec>)],
    /// Payload size in bytes (image or message).
    pub payload_len: u64,
    /// The payload itself (image or message), when it could be read.
    pub payload: Option<&'a [u8]>,
    /// Setup start, virtual Unix ms.
    pub setup_at_ms: i64,
    /// Launch (broadcast start), virtual Unix ms.
    pub launch_at_ms: i64,
}

/// The plug for a radio/device simulation.
pub trait Radio: Send + Sync + 'static {
    /// Decides how the job goes. Called once, when the job enters SETUP. Must not block.
    fn plan(&self, job: &JobSpec<'_>) -> RadioPlan;

    /// Expected broadcast + teardown length (ms) before a plan exists, for the "busy"
    /// overlap check of new schedules.
    fn estimate_ms(&self, request: &ScheduleRequest, payload_len: u64) -> i64;
}

/// The placeholder radio (replaced by the next issue's simulation).
///
/// Rules: a device's outcome is its [`ScriptedOutcome`] (unknown devices fail with reason
/// `unknown device`); `no_answer` devices do not answer setup and fail. Setup answers are in
/// halfway to launch (at most 30 s). FOTA broadcasting lasts data fragments × `sleep_time`
/// (default 1500 ms) + parity fragments × `psleep_time` (default 3000 ms), with fragments of
/// `max_packet_size - 3` bytes (default 239) and parity = `parity_fragments_per_session`
/// (default a tenth of the data fragments, at least 1). A message broadcasts one frame
/// (`sleep_time`). Teardown lasts 10 s.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlaceholderRadio;

const TEARDOWN_MS: i64 = 10_000;

fn frames(request: &ScheduleRequest, payload_len: u64) -> (u64, u64) {
    let frag = request
        .max_packet_size
        .unwrap_or(242)
        .saturating_sub(3)
        .max(1);
    let data = payload_len.div_ceil(frag).max(1);
    let parity = request
        .parity_fragments_per_session
        .unwrap_or_else(|| data.div_ceil(10).max(1));
    (data, parity)
}

fn to_ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Radio for PlaceholderRadio {
    fn plan(&self, job: &JobSpec<'_>) -> RadioPlan {
        let mut answered = Vec::new();
        let mut outcomes = Vec::new();
        for (eui, spec) in job.devices {
            let (status, reason) = match spec.as_ref().map(|d| d.outcome) {
                None => ("failed", Some("unknown device")),
                Some(ScriptedOutcome::Success) => ("success", None),
                Some(ScriptedOutcome::Failed) => ("failed", Some("transfer failed")),
                Some(ScriptedOutcome::Skipped) => ("skipped", Some("not attempted")),
                Some(ScriptedOutcome::NoAnswer) => ("failed", Some("no answer to setup")),
            };
            if matches!(
                spec.as_ref().map(|d| d.outcome),
                Some(ScriptedOutcome::Success | ScriptedOutcome::Failed)
            ) {
                answered.push(eui.clone());
            }
            outcomes.push(DeviceResult {
                deveui: eui.clone(),
                status: status.to_owned(),
                reason: reason.map(str::to_owned),
            });
        }
        let setup_span = job.launch_at_ms.saturating_sub(job.setup_at_ms).max(0);
        RadioPlan {
            answers_in_ms: (setup_span / 2).min(30_000),
            answered,
            broadcast_ms: self.estimate_ms(job.request, job.payload_len) - TEARDOWN_MS,
            teardown_ms: TEARDOWN_MS,
            outcomes,
            frames: 0,
            devices: Vec::new(),
        }
    }

    fn estimate_ms(&self, request: &ScheduleRequest, payload_len: u64) -> i64 {
        let sleep = to_ms(request.sleep_time.unwrap_or(1500));
        let broadcast = match request.transmission_type {
            TransmissionType::Message => sleep,
            TransmissionType::Fota => {
                let (data, parity) = frames(request, payload_len);
                let psleep = to_ms(request.psleep_time.unwrap_or(3000));
                to_ms(data)
                    .saturating_mul(sleep)
                    .saturating_add(to_ms(parity).saturating_mul(psleep))
            }
        };
        broadcast.saturating_add(TEARDOWN_MS)
    }
}

/// A scheduled or running job, as persisted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The stored request with defaults filled in.
    pub request: ScheduleRequest,
    /// `schedule_filename`.
    pub filename: String,
    /// Setup start, virtual Unix ms.
    pub setup_at_ms: i64,
    /// Launch, virtual Unix ms.
    pub launch_at_ms: i64,
    /// Payload size in bytes.
    pub payload_len: u64,
    /// Multicast session EUI reported in progress/results.
    pub multicast_eui: String,
    /// `fotaFile`, message file, or empty.
    pub input_filename: String,
    /// Set when the job enters SETUP.
    pub plan: Option<RadioPlan>,
}

/// Where a job is at a given time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum JobState {
    /// Before setup time.
    Scheduled,
    /// Running: phase and overall percent.
    Active {
        /// `SETUP`, `BROADCASTING` or `TEARDOWN`.
        phase: &'static str,
        /// Overall percent.
        percent: f64,
    },
    /// Finished at this virtual Unix ms.
    Done {
        /// Completion time.
        at_ms: i64,
    },
}

impl JobRecord {
    /// The job's kind.
    pub fn kind(&self) -> TransmissionType {
        self.request.transmission_type
    }

    /// The end of broadcast + teardown, once planned.
    pub fn end_ms(&self) -> Option<i64> {
        self.plan.as_ref().map(|p| {
            let broadcast = if p.answered.is_empty() {
                0
            } else {
                p.broadcast_ms
            };
            self.launch_at_ms
                .saturating_add(broadcast)
                .saturating_add(p.teardown_ms)
        })
    }

    /// The state at `now_ms` (the job must have been planned if `now_ms >= setup_at_ms`).
    pub fn state_at(&self, now_ms: i64) -> JobState {
        let Some(plan) = self.plan.as_ref().filter(|_| now_ms >= self.setup_at_ms) else {
            return JobState::Scheduled;
        };
        let fota = self.kind() == TransmissionType::Fota;
        let end = self.end_ms().unwrap_or(self.launch_at_ms);
        if now_ms >= end {
            return JobState::Done { at_ms: end };
        }
        if now_ms < self.launch_at_ms {
            let answers_in = now_ms >= self.setup_at_ms.saturating_add(plan.answers_in_ms);
            let percent = if fota && answers_in && !plan.answered.is_empty() {
                10.0
            } else {
                0.0
            };
            return JobState::Active {
                phase: "SETUP",
                percent,
            };
        }
        let broadcast_end = self.launch_at_ms.saturating_add(plan.broadcast_ms);
        if !plan.answered.is_empty() && now_ms < broadcast_end {
            let percent = if fota {
                let frac = (now_ms - self.launch_at_ms) as f64 / plan.broadcast_ms.max(1) as f64;
                10.0 + 80.0 * frac
            } else {
                100.0
            };
            return JobState::Active {
                phase: "BROADCASTING",
                percent,
            };
        }
        JobState::Active {
            phase: "TEARDOWN",
            percent: if fota { 90.0 } else { 100.0 },
        }
    }
}

impl JobRecord {
    /// Per-device progress at `now_ms` (empty before SETUP or without a trace): frames are
    /// taken as evenly spread over the broadcast, and a device's received frames as evenly
    /// spread over those.
    pub fn device_progress(&self, now_ms: i64) -> Vec<DeviceProgress> {
        let Some(plan) = self.plan.as_ref().filter(|_| now_ms >= self.setup_at_ms) else {
            return Vec::new();
        };
        let elapsed = now_ms.saturating_sub(self.launch_at_ms).max(0) as f64;
        let frac = if plan.answered.is_empty() {
            0.0
        } else {
            (elapsed / plan.broadcast_ms.max(1) as f64).min(1.0)
        };
        let sent = (f64::from(plan.frames) * frac).floor() as u32;
        plan.outcomes
            .iter()
            .zip(&plan.devices)
            .map(|(o, t)| {
                let complete = t.completed_frame.is_some_and(|f| f <= sent);
                let got = f64::from(t.received) * frac;
                let percent = if complete {
                    100.0
                } else if t.needed == 0 {
                    0.0
                } else {
                    (100.0 * got / f64::from(t.needed)).min(99.0)
                };
                DeviceProgress {
                    deveui: o.deveui.clone(),
                    percent,
                    complete,
                }
            })
            .collect()
    }
}

/// A finished job, as persisted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultRecord {
    /// `schedule_filename`.
    pub filename: String,
    /// FOTA or message.
    pub kind: TransmissionType,
    /// Multicast session EUI.
    pub multicast_eui: String,
    /// Input file or empty.
    pub input_filename: String,
    /// `schedule_source`.
    pub schedule_source: String,
    /// Completion, virtual Unix ms.
    pub complete_ms: i64,
    /// Per-device outcomes.
    pub devices: Vec<DeviceResult>,
}

impl ResultRecord {
    /// Counts of success / failed / skipped.
    pub fn counts(&self) -> (u32, u32, u32) {
        let mut c = (0u32, 0u32, 0u32);
        for d in &self.devices {
            match d.status.as_str() {
                "success" => c.0 += 1,
                "skipped" => c.2 += 1,
                _ => c.1 += 1,
            }
        }
        c
    }
}
