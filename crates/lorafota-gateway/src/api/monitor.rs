//! Progress, results and schedule lists: both documented wire shapes, normalised into one model.
//!
//! MultiTech documents two shapes for each list (`gateway-api.md` §3.3):
//! - **seed** (`LORA-OPERATIONS-WORKFLOW.md`): one object per list —
//!   `{overall_percent_complete, devices:[…]}`, `{operations:[…]}`, `{scheduled:[…]}`;
//! - **OpenAPI** (`api-documentation.yaml`): arrays of job rows, counts as decimal strings.
//!
//! [`Progress`], [`Results`] and [`ScheduleList`] deserialise from either (see their `Deserialize`
//! impls) and keep only what both can express, with `Option` where one shape lacks a field. The
//! wire structs are public so the emulator can answer in either shape.
//!
//! Fields marked *emulator extension* are not documented by MultiTech; the emulator adds them
//! and the client uses them when present, never relying on them.

use serde::{Deserialize, Deserializer, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::schedule::TransmissionType;

/// Which documented shape a gateway uses for its lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiShape {
    /// Objects, as in the seed workflow document.
    #[default]
    Seed,
    /// Arrays, as in MultiTech's OpenAPI file.
    Openapi,
}

// ---- lenient scalars ----------------------------------------------------------------------

/// A number that real gateways may send as a JSON number or a decimal string.
fn lenient_f64<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        F(f64),
        S(String),
    }
    match N::deserialize(d)? {
        N::F(f) => Ok(f),
        N::S(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

/// Writes whole percentages as integers (`100`, not `100.0`): shell scripts such as the seed
/// document's `[ "$PROGRESS" = "100" ]` compare the text.
fn percent_out<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        s.serialize_i64(*v as i64)
    } else {
        s.serialize_f64(*v)
    }
}

fn lenient_u32<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum N {
        U(u32),
        S(String),
    }
    match N::deserialize(d)? {
        N::U(u) => Ok(u),
        N::S(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}

fn lenient_opt_u32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    lenient_u32(d).map(Some)
}

/// Unix seconds from an ISO-8601 (RFC 3339) string.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    OffsetDateTime::parse(s, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

/// ISO-8601 (RFC 3339, UTC, whole seconds) from Unix seconds; `None` when out of range.
pub fn format_iso8601(unix: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
}

// ---- progress -----------------------------------------------------------------------------

/// Seed-shape per-device progress row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedDeviceProgress {
    /// Device EUI.
    pub deveui: String,
    /// Percent complete for this device.
    #[serde(
        deserialize_with = "lenient_f64",
        serialize_with = "percent_out",
        default
    )]
    pub percent_complete: f64,
    /// Free-form status (`in_progress`, `success`, …).
    #[serde(default)]
    pub status: String,
}

/// Seed-shape progress (`result` of `fotaprogress`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedProgress {
    /// Overall percent complete.
    #[serde(
        deserialize_with = "lenient_f64",
        serialize_with = "percent_out",
        default
    )]
    pub overall_percent_complete: f64,
    /// Per-device rows.
    #[serde(default)]
    pub devices: Vec<SeedDeviceProgress>,
    /// *Emulator extension*: the job's schedule file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_filename: Option<String>,
    /// *Emulator extension*: the job's phase.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_phase: Option<String>,
    /// *Emulator extension*: `FOTA` or `Message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transmission_type: Option<String>,
}

/// OpenAPI-shape active job row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpenApiActiveJob {
    /// Multicast session EUI.
    #[serde(default)]
    pub multicast_eui: String,
    /// `FOTA` or `Message`.
    #[serde(default)]
    pub transmission_type: String,
    /// `fotaFile`, or empty for inline messages.
    #[serde(default)]
    pub input_filename: String,
    /// `SETUP`, `BROADCASTING`, `TEARDOWN`.
    #[serde(default)]
    pub current_phase: String,
    /// Overall percent complete.
    #[serde(
        deserialize_with = "lenient_f64",
        serialize_with = "percent_out",
        default
    )]
    pub overall_percent_complete: f64,
    /// *Emulator extension*: the job's schedule file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_filename: Option<String>,
    /// *Emulator extension*: per-device rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<Vec<SeedDeviceProgress>>,
}

/// A job's phase.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Setup downlinks are queued; waiting for answers and launch time.
    Setup,
    /// Fragments (or the message) are being broadcast.
    Broadcasting,
    /// The multicast session is being torn down.
    Teardown,
    /// A phase this client does not know, kept verbatim.
    Other(String),
}

impl Phase {
    /// Parses the wire name (case-insensitive).
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_uppercase().as_str() {
            "SETUP" => Self::Setup,
            "BROADCASTING" => Self::Broadcasting,
            "TEARDOWN" => Self::Teardown,
            _ => Self::Other(s.to_owned()),
        }
    }
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Setup => "SETUP",
            Self::Broadcasting => "BROADCASTING",
            Self::Teardown => "TEARDOWN",
            Self::Other(s) => s,
        }
    }
}

/// Per-device progress, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceProgress {
    /// Device EUI as the gateway wrote it.
    pub deveui: String,
    /// Percent complete, when reported.
    pub percent: Option<f64>,
    /// Status text as the gateway wrote it.
    pub status: String,
}

/// One active (or, in the seed shape, current) job, normalised.
#[derive(Debug, Clone, PartialEq)]
pub struct JobProgress {
    /// Schedule file name, when the gateway says (seed: emulator extension).
    pub schedule_filename: Option<String>,
    /// Multicast session EUI (OpenAPI shape only).
    pub multicast_eui: Option<String>,
    /// FOTA or message, when known.
    pub transmission_type: Option<TransmissionType>,
    /// Input file (OpenAPI shape only).
    pub input_filename: Option<String>,
    /// Phase, when known.
    pub phase: Option<Phase>,
    /// Overall percent complete.
    pub percent: f64,
    /// Per-device rows (seed shape; OpenAPI only as emulator extension).
    pub devices: Vec<DeviceProgress>,
}

/// `result` of `GET /api/lora/fotaprogress`, normalised from either shape.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "ProgressWire")]
pub struct Progress {
    /// The shape the gateway answered in.
    pub shape: ApiShape,
    /// Active jobs. The seed shape has one object, which this lists as one job unless it is
    /// the empty `{overall_percent_complete: 0, devices: []}` of an idle gateway.
    pub jobs: Vec<JobProgress>,
}

impl Progress {
    /// The job named `filename`, when the gateway reports names.
    pub fn job(&self, filename: &str) -> Option<&JobProgress> {
        self.jobs
            .iter()
            .find(|j| j.schedule_filename.as_deref() == Some(filename))
    }
}

/// Either progress shape on the wire.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ProgressWire {
    /// OpenAPI array.
    Openapi(Vec<OpenApiActiveJob>),
    /// Seed object.
    Seed(SeedProgress),
}

fn devices_of(rows: Vec<SeedDeviceProgress>) -> Vec<DeviceProgress> {
    rows.into_iter()
        .map(|d| DeviceProgress {
            deveui: d.deveui,
            percent: Some(d.percent_complete),
            status: d.status,
        })
        .collect()
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

impl From<ProgressWire> for Progress {
    fn from(w: ProgressWire) -> Self {
        match w {
            ProgressWire::Openapi(rows) => Self {
                shape: ApiShape::Openapi,
                jobs: rows
                    .into_iter()
                    .map(|r| JobProgress {
                        schedule_filename: r.schedule_filename,
                        multicast_eui: non_empty(r.multicast_eui),
                        transmission_type: TransmissionType::parse(&r.transmission_type),
                        input_filename: Some(r.input_filename),
                        phase: non_empty(r.current_phase).map(|p| Phase::parse(&p)),
                        percent: r.overall_percent_complete,
                        devices: devices_of(r.devices.unwrap_or_default()),
                    })
                    .collect(),
            },
            ProgressWire::Seed(s) => {
                let idle = s.devices.is_empty()
                    && s.overall_percent_complete == 0.0
                    && s.schedule_filename.is_none();
                let jobs = if idle {
                    Vec::new()
                } else {
                    vec![JobProgress {
                        schedule_filename: s.schedule_filename,
                        multicast_eui: None,
                        transmission_type: s
                            .transmission_type
                            .as_deref()
                            .and_then(TransmissionType::parse),
                        input_filename: None,
                        phase: s.current_phase.as_deref().map(Phase::parse),
                        percent: s.overall_percent_complete,
                        devices: devices_of(s.devices),
                    }]
                };
                Self {
                    shape: ApiShape::Seed,
                    jobs,
                }
            }
        }
    }
}

// ---- results ------------------------------------------------------------------------------

/// Per-device final result row (seed shape; OpenAPI shape as an optional addition).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceResult {
    /// Device EUI.
    pub deveui: String,
    /// `success`, `failed` or `skipped` (other values kept verbatim).
    pub status: String,
    /// Why it failed or was skipped, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl DeviceResult {
    /// The typed outcome.
    pub fn outcome(&self) -> DeviceOutcome {
        DeviceOutcome::parse(&self.status)
    }
}

/// A device's final outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DeviceOutcome {
    /// Received (and for FOTA verified) the data.
    Success,
    /// Did not.
    Failed,
    /// Was not attempted.
    Skipped,
    /// A status this client does not know, kept verbatim.
    Other(String),
}

impl DeviceOutcome {
    /// Parses the wire name (case-insensitive).
    pub fn parse(s: &str) -> Self {
        match s.to_ascii_lowercase().as_str() {
            "success" => Self::Success,
            "failed" | "failure" | "fail" => Self::Failed,
            "skipped" => Self::Skipped,
            _ => Self::Other(s.to_owned()),
        }
    }
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Success => "success",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
            Self::Other(s) => s,
        }
    }
}

/// Seed-shape completed operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedOperation {
    /// Schedule file name.
    pub filename: String,
    /// Completion time, ISO-8601.
    #[serde(default)]
    pub timestamp: String,
    /// Devices that succeeded.
    #[serde(deserialize_with = "lenient_u32", default)]
    pub success: u32,
    /// Devices that failed.
    #[serde(deserialize_with = "lenient_u32", default)]
    pub failed: u32,
    /// *Emulator extension*: devices skipped.
    #[serde(
        deserialize_with = "lenient_opt_u32",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub skipped: Option<u32>,
    /// *Emulator extension*: `FOTA` or `Message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transmission_type: Option<String>,
    /// Per-device rows.
    #[serde(default)]
    pub devices: Vec<DeviceResult>,
}

/// Seed-shape results (`result` of `fotaresults`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedResults {
    /// Completed operations.
    #[serde(default)]
    pub operations: Vec<SeedOperation>,
}

/// OpenAPI-shape completed job row (counts are decimal strings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenApiResult {
    /// Multicast session EUI.
    #[serde(default)]
    pub multicast_eui: String,
    /// `FOTA` or `Message`.
    #[serde(default)]
    pub transmission_type: String,
    /// Input file, or empty.
    #[serde(default)]
    pub input_filename: String,
    /// Who scheduled it.
    #[serde(default)]
    pub schedule_source: String,
    /// Completion time, ISO-8601.
    #[serde(default)]
    pub complete_time: String,
    /// Result (log) file name; the emulator uses the schedule file name.
    #[serde(default)]
    pub result_filename: String,
    /// Devices that succeeded.
    #[serde(deserialize_with = "lenient_u32", default)]
    pub success: u32,
    /// Devices that failed.
    #[serde(deserialize_with = "lenient_u32", default)]
    pub failed: u32,
    /// Devices skipped.
    #[serde(deserialize_with = "lenient_u32", default)]
    pub skipped: u32,
    /// Optional per-device rows (§8.5 addition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<Vec<DeviceResult>>,
}

/// OpenAPI result rows serialise their counts as strings, as the OpenAPI file shows.
impl OpenApiResult {
    /// The row as JSON with counts rendered as decimal strings.
    pub fn to_wire_json(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        if let Some(o) = v.as_object_mut() {
            for (k, n) in [
                ("success", self.success),
                ("failed", self.failed),
                ("skipped", self.skipped),
            ] {
                o.insert(k.to_owned(), serde_json::Value::String(n.to_string()));
            }
        }
        v
    }
}

/// A completed job, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationResult {
    /// Schedule file name (seed `filename`, OpenAPI `result_filename`).
    pub schedule_filename: Option<String>,
    /// Multicast session EUI (OpenAPI only).
    pub multicast_eui: Option<String>,
    /// FOTA or message, when known.
    pub transmission_type: Option<TransmissionType>,
    /// Input file (OpenAPI only).
    pub input_filename: Option<String>,
    /// Who scheduled it (OpenAPI only).
    pub schedule_source: Option<String>,
    /// Completion time as Unix seconds, when parseable.
    pub completed_at: Option<i64>,
    /// Devices that succeeded.
    pub success: u32,
    /// Devices that failed.
    pub failed: u32,
    /// Devices skipped, when reported.
    pub skipped: Option<u32>,
    /// Per-device rows; empty when the gateway gives only counts.
    pub devices: Vec<DeviceResult>,
}

/// Device counts of a finished job by outcome.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Devices that succeeded.
    pub success: usize,
    /// Devices that failed (unknown statuses count as failed: nothing proves they succeeded).
    pub failed: usize,
    /// Devices that were not attempted.
    pub skipped: usize,
}

impl Tally {
    /// All devices counted.
    pub fn total(&self) -> usize {
        self.success + self.failed + self.skipped
    }
}

impl OperationResult {
    /// Counts the per-device rows, or takes the gateway's counters when it lists no devices.
    pub fn tally(&self) -> Tally {
        if self.devices.is_empty() {
            let n = |v: u32| usize::try_from(v).unwrap_or(usize::MAX);
            return Tally {
                success: n(self.success),
                failed: n(self.failed),
                skipped: n(self.skipped.unwrap_or(0)),
            };
        }
        let mut t = Tally::default();
        for d in &self.devices {
            match d.outcome() {
                DeviceOutcome::Success => t.success += 1,
                DeviceOutcome::Skipped => t.skipped += 1,
                DeviceOutcome::Failed | DeviceOutcome::Other(_) => t.failed += 1,
            }
        }
        t
    }
}

/// `result` of `GET /api/lora/fotaresults`, normalised from either shape.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "ResultsWire")]
pub struct Results {
    /// The shape the gateway answered in.
    pub shape: ApiShape,
    /// Completed jobs.
    pub operations: Vec<OperationResult>,
}

impl Results {
    /// The completed job named `filename`.
    pub fn find(&self, filename: &str) -> Option<&OperationResult> {
        self.operations
            .iter()
            .find(|o| o.schedule_filename.as_deref() == Some(filename))
    }
}

/// Either results shape on the wire.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ResultsWire {
    /// OpenAPI array.
    Openapi(Vec<OpenApiResult>),
    /// Seed object.
    Seed(SeedResults),
}

impl From<ResultsWire> for Results {
    fn from(w: ResultsWire) -> Self {
        match w {
            ResultsWire::Openapi(rows) => Self {
                shape: ApiShape::Openapi,
                operations: rows
                    .into_iter()
                    .map(|r| OperationResult {
                        schedule_filename: non_empty(r.result_filename),
                        multicast_eui: non_empty(r.multicast_eui),
                        transmission_type: TransmissionType::parse(&r.transmission_type),
                        input_filename: Some(r.input_filename),
                        schedule_source: non_empty(r.schedule_source),
                        completed_at: parse_iso8601(&r.complete_time),
                        success: r.success,
                        failed: r.failed,
                        skipped: Some(r.skipped),
                        devices: r.devices.unwrap_or_default(),
                    })
                    .collect(),
            },
            ResultsWire::Seed(s) => Self {
                shape: ApiShape::Seed,
                operations: s
                    .operations
                    .into_iter()
                    .map(|o| OperationResult {
                        schedule_filename: Some(o.filename),
                        multicast_eui: None,
                        transmission_type: o
                            .transmission_type
                            .as_deref()
                            .and_then(TransmissionType::parse),
                        input_filename: None,
                        schedule_source: None,
                        completed_at: parse_iso8601(&o.timestamp),
                        success: o.success,
                        failed: o.failed,
                        skipped: o.skipped,
                        devices: o.devices,
                    })
                    .collect(),
            },
        }
    }
}

// ---- schedule list ------------------------------------------------------------------------

/// Seed-shape scheduled row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedScheduled {
    /// Schedule file name.
    pub filename: String,
    /// `FOTA` or `Message`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// Start time, ISO-8601.
    #[serde(default)]
    pub scheduled_time: String,
    /// Number of devices.
    #[serde(deserialize_with = "lenient_u32", default)]
    pub devices: u32,
}

/// Seed-shape schedule list (`result` of `fotaschedule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeedScheduleList {
    /// Scheduled jobs.
    #[serde(default)]
    pub scheduled: Vec<SeedScheduled>,
}

/// OpenAPI-shape schedule row: the stored request; read leniently (all optional).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OpenApiScheduled {
    /// The job's name.
    #[serde(default)]
    pub schedule_filename: Option<String>,
    /// `FOTA` or `Message`.
    #[serde(default)]
    pub transmission_type: Option<String>,
    /// Devices.
    #[serde(rename = "endDeviceDeveuis", default)]
    pub end_device_deveuis: Vec<String>,
    /// Unix seconds.
    #[serde(rename = "scheduledTimeSinceUnixEpoch", default)]
    pub scheduled_time_since_unix_epoch: Option<i64>,
    /// Group ID.
    #[serde(rename = "multicastGroupID", default)]
    pub multicast_group_id: Option<u8>,
}

/// A scheduled (not yet started) job, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledJob {
    /// The job's name.
    pub schedule_filename: Option<String>,
    /// FOTA or message, when known.
    pub transmission_type: Option<TransmissionType>,
    /// Scheduled time as Unix seconds, when given.
    pub scheduled_time: Option<i64>,
    /// Number of devices.
    pub device_count: usize,
    /// Device EUIs (OpenAPI shape only).
    pub devices: Vec<String>,
    /// Group ID (OpenAPI shape only).
    pub multicast_group_id: Option<u8>,
}

/// `result` of `GET /api/lora/fotaschedule`, normalised from either shape.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "ScheduleListWire")]
pub struct ScheduleList {
    /// The shape the gateway answered in.
    pub shape: ApiShape,
    /// Scheduled jobs.
    pub jobs: Vec<ScheduledJob>,
}

impl ScheduleList {
    /// True when a job named `filename` is scheduled.
    pub fn contains(&self, filename: &str) -> bool {
        self.jobs
            .iter()
            .any(|j| j.schedule_filename.as_deref() == Some(filename))
    }
}

/// Either schedule-list shape on the wire.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum ScheduleListWire {
    /// OpenAPI array.
    Openapi(Vec<OpenApiScheduled>),
    /// Seed object.
    Seed(SeedScheduleList),
}

impl From<ScheduleListWire> for ScheduleList {
    fn from(w: ScheduleListWire) -> Self {
        match w {
            ScheduleListWire::Openapi(rows) => Self {
                shape: ApiShape::Openapi,
                jobs: rows
                    .into_iter()
                    .map(|r| ScheduledJob {
                        schedule_filename: r.schedule_filename,
                        transmission_type: r
                            .transmission_type
                            .as_deref()
                            .and_then(TransmissionType::parse),
                        scheduled_time: r.scheduled_time_since_unix_epoch,
                        device_count: r.end_device_deveuis.len(),
                        devices: r.end_device_deveuis,
                        multicast_group_id: r.multicast_group_id,
                    })
                    .collect(),
            },
            ScheduleListWire::Seed(s) => Self {
                shape: ApiShape::Seed,
                jobs: s
                    .scheduled
                    .into_iter()
                    .map(|r| ScheduledJob {
                        schedule_filename: Some(r.filename),
                        transmission_type: TransmissionType::parse(&r.kind),
                        scheduled_time: parse_iso8601(&r.scheduled_time),
                        device_count: r.devices as usize,
                        devices: Vec::new(),
                        multicast_group_id: None,
                    })
                    .collect(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn seed_documents_examples_normalise() {
        let p: Progress = serde_json::from_value(json!({"overall_percent_complete": 45.5,
            "devices": [{"deveui": "00-80-00-ff-00-00-00-02", "percent_complete": 45.5, "status": "in_progress"}]}))
        .unwrap();
        assert_eq!(p.shape, ApiShape::Seed);
        assert_eq!(p.jobs.len(), 1);
        assert_eq!(p.jobs[0].devices[0].status, "in_progress");
        let r: Results =
            serde_json::from_value(json!({"operations": [{"filename": "fota_1734480000_300",
            "timestamp": "2025-12-17T20:00:00Z", "success": 2, "failed": 0,
            "devices": [{"deveui": "00-80-00-ff-00-00-00-02", "status": "success"}]}]}))
            .unwrap();
        let op = r.find("fota_1734480000_300").unwrap();
        assert_eq!(op.success, 2);
        assert_eq!(op.completed_at, Some(1_766_001_600));
        assert_eq!(op.devices[0].outcome(), DeviceOutcome::Success);
        let s: ScheduleList =
            serde_json::from_value(json!({"scheduled": [{"filename": "fota_1734480000_300",
            "type": "FOTA", "scheduled_time": "2025-12-17T20:00:00Z", "devices": 2}]}))
            .unwrap();
        assert!(s.contains("fota_1734480000_300"));
        assert_eq!(s.jobs[0].device_count, 2);
    }

    #[test]
    fn openapi_shapes_normalise() {
        let p: Progress = serde_json::from_value(json!([{"multicast_eui": "aa-bb", "transmission_type": "FOTA",
            "input_filename": "fw.bin", "current_phase": "SETUP", "overall_percent_complete": "10"}]))
        .unwrap();
        assert_eq!(p.shape, ApiShape::Openapi);
        assert_eq!(p.jobs[0].phase, Some(Phase::Setup));
        assert_eq!(p.jobs[0].percent, 10.0);
        let r: Results = serde_json::from_value(json!([{"multicast_eui": "aa", "transmission_type": "Message",
            "input_filename": "", "schedule_source": "Conduit", "complete_time": "2025-12-17T20:00:00Z",
            "result_filename": "mcm_1_0", "success": "1", "failed": "0", "skipped": "2"}]))
        .unwrap();
        assert_eq!(r.find("mcm_1_0").unwrap().skipped, Some(2));
        let empty: Progress =
            serde_json::from_value(json!({"overall_percent_complete": 0, "devices": []})).unwrap();
        assert!(empty.jobs.is_empty());
        let s: ScheduleList = serde_json::from_value(json!([])).unwrap();
        assert!(s.jobs.is_empty());
    }

    #[test]
    fn iso_round_trip() {
        assert_eq!(
            format_iso8601(1_766_001_600).unwrap(),
            "2025-12-17T20:00:00Z"
        );
    }
}
