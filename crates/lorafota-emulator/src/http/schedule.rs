//! `POST /api/lora/fota` and `POST /api/lora/mcm`, validated in the order of §8.4.
//!
//! The body is read as untyped JSON so each rule can be checked in its place and only the
//! first failure reported; the accepted request is then stored as a typed
//! [`ScheduleRequest`] with defaults filled in.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use lorafota_core::Eui64;
use lorafota_core::units::TimeoutExponent;
use lorafota_gateway::api::params::{
    MessageFormat, check_upload_name, decode_base64_payload, decode_hex_payload, is_dashed_eui,
    is_valid_schedule_filename, parse_descriptor_hex,
};
use lorafota_gateway::api::schedule::{
    MulticastMessage, ScheduleAck, ScheduleRequest, TransmissionType,
};
use serde_json::{Map, Value};

use super::{ApiError, AppState, Authed, ok};
use crate::config::UnknownDevicePolicy;
use crate::jobs::{JobRecord, JobState};
use crate::state::Inner;
use crate::store::UploadKind;

type Obj = Map<String, Value>;

/// Default `launchTimeFromSetupTime` (the gateway UI's 60 s).
const DEFAULT_LAUNCH_S: u64 = 60;

/// Schedule a FOTA job.
pub(super) async fn schedule_fota(
    State(app): State<AppState>,
    auth: Authed,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    schedule(&app, &auth, body, TransmissionType::Fota)
}

/// Schedule a multicast message.
pub(super) async fn schedule_mcm(
    State(app): State<AppState>,
    auth: Authed,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    schedule(&app, &auth, body, TransmissionType::Message)
}

fn schedule(
    app: &AppState,
    auth: &Authed,
    body: Result<Bytes, BytesRejection>,
    kind: TransmissionType,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let body =
        body.map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large"))?;
    app.with(|inner, now_ms| {
        if !inner.network_server_up {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "LoRa network server is not running",
            ));
        }
        let value: Value =
            serde_json::from_slice(&body).map_err(|_| ApiError::bad_request("Invalid JSON"))?;
        let obj = value
            .as_object()
            .ok_or_else(|| ApiError::bad_request("Invalid JSON"))?;
        let job = validate(app, inner, now_ms, obj, kind)?;
        inner.jobs.push(job);
        inner.jobs_changed();
        Ok(ok(ScheduleAck {
            status: "success".to_owned(),
        }))
    })
}

fn present<'a>(obj: &'a Obj, field: &str) -> Option<&'a Value> {
    obj.get(field).filter(|v| !v.is_null())
}

fn non_negative(obj: &Obj, field: &str) -> Result<Option<u64>, ApiError> {
    match present(obj, field) {
        None => Ok(None),
        Some(v) => v.as_u64().map(Some).ok_or_else(|| {
            ApiError::bad_request(format!("{field} must be a non-negative integer"))
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    Id(u8),
    Eui(Eui64),
}

impl Group {
    fn of(r: &ScheduleRequest) -> Option<Self> {
        match (&r.multicast_deveui, r.multicast_group_id) {
            (Some(e), _) => Eui64::parse(e).ok().map(Self::Eui),
            (None, Some(id)) => Some(Self::Id(id)),
            (None, None) => None,
        }
    }
    /// The session EUI reported in progress and results: the group's own EUI, or (E) a fixed
    /// `ff-ff-ff-ff-ff-ff-ff-0<id>` for numbered groups.
    fn session_eui(self) -> String {
        match self {
            Self::Eui(e) => e.dashed().to_string(),
            Self::Id(id) => Eui64::from_u64(0xffff_ffff_ffff_ff00 | u64::from(id))
                .dashed()
                .to_string(),
        }
    }
}

/// Step 4: the device list.
fn devices(app: &AppState, inner: &Inner, obj: &Obj) -> Result<Vec<String>, ApiError> {
    let empty = || ApiError::bad_request("endDeviceDeveuis must not be empty");
    let list = match present(obj, "endDeviceDeveuis") {
        None => return Err(empty()),
        Some(Value::Array(a)) if a.is_empty() => return Err(empty()),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(ApiError::bad_request("Invalid device EUI format")),
    };
    let mut euis = Vec::with_capacity(list.len());
    for d in list {
        let s = d
            .as_str()
            .filter(|s| is_dashed_eui(s))
            .ok_or_else(|| ApiError::bad_request("Invalid device EUI format"))?;
        euis.push(s.to_ascii_lowercase());
    }
    let mut seen = HashSet::new();
    for e in &euis {
        if !seen.insert(e.as_str()) {
            return Err(ApiError::bad_request(format!("Duplicate device EUI: {e}")));
        }
    }
    if app.cfg.unknown_devices == UnknownDevicePolicy::Reject {
        for e in &euis {
            let known = Eui64::parse(e)
                .ok()
                .is_some_and(|k| inner.devices.contains_key(&k));
            if !known {
                return Err(ApiError::not_found(format!("Device not found: {e}")));
            }
        }
    }
    Ok(euis)
}

/// Step 5: the group.
fn group(inner: &Inner, obj: &Obj) -> Result<Group, ApiError> {
    if let Some(v) = present(obj, "multicastDeveui") {
        return v
            .as_str()
            .and_then(|s| Eui64::parse(s).ok())
            .filter(|g| inner.groups.contains(g))
            .map(Group::Eui)
            .ok_or_else(|| ApiError::not_found("Multicast group not found"));
    }
    present(obj, "multicastGroupID")
        .and_then(Value::as_u64)
        .filter(|g| *g <= 3)
        .map(|g| Group::Id(g as u8))
        .ok_or_else(|| ApiError::bad_request("Multicast group ID must be 0-3"))
}

/// Best-effort payload size for the busy check (step 8), before the payload is validated.
fn payload_guess(app: &AppState, obj: &Obj, kind: TransmissionType) -> u64 {
    match kind {
        TransmissionType::Fota => present(obj, "fotaFile")
            .and_then(Value::as_str)
            .filter(|n| check_upload_name(n).is_ok())
            .and_then(|n| app.upload_len(UploadKind::Fota, n))
            .unwrap_or(0),
        TransmissionType::Message => present(obj, "multicastMessage")
            .and_then(|m| m.get("messagePayload"))
            .and_then(Value::as_str)
            .map_or(0, |s| s.len() as u64 / 2),
    }
}

fn overlaps(a: (i64, i64), b: (i64, i64)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

/// Steps 10-11 (FOTA): image and descriptor. Returns (file, size, fragmentDesc, fotaDescriptor).
fn fota_fields(app: &AppState, obj: &Obj) -> Result<(String, u64, String, u32), ApiError> {
    let file = present(obj, "fotaFile")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::bad_request("fotaFile is required"))?;
    let len = (check_upload_name(file).is_ok())
        .then(|| app.upload_len(UploadKind::Fota, file))
        .flatten()
        .ok_or_else(|| ApiError::not_found("FOTA file not found. Upload file first."))?;
    let desc_hex = match present(obj, "fragmentDesc") {
        None => None,
        Some(v) => {
            let s = v.as_str().ok_or_else(|| {
                ApiError::bad_request("fragmentDesc must be a hex value of at most 4 bytes")
            })?;
            let n = parse_descriptor_hex(s).ok_or_else(|| {
                ApiError::bad_request("fragmentDesc must be a hex value of at most 4 bytes")
            })?;
            Some((s.to_owned(), n))
        }
    };
    let desc_int = match present(obj, "fotaDescriptor") {
        None => None,
        Some(v) => Some(
            v.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| ApiError::bad_request("fotaDescriptor out of range"))?,
        ),
    };
    let (hex, value) = match (desc_hex, desc_int) {
        (Some((_, a)), Some(b)) if a != b => {
            return Err(ApiError::bad_request(
                "fragmentDesc and fotaDescriptor disagree",
            ));
        }
        (Some((s, a)), _) => (s, a),
        (None, Some(b)) => (format!("{b:08x}"), b),
        (None, None) => ("00000000".to_owned(), 0),
    };
    Ok((file.to_owned(), len, hex, value))
}

/// Steps 10-14 (message). Returns the message with defaults, payload size and input file.
fn message_fields(app: &AppState, obj: &Obj) -> Result<(MulticastMessage, u64, String), ApiError> {
    let msg = present(obj, "multicastMessage")
        .and_then(Value::as_object)
        .ok_or_else(|| ApiError::bad_request("multicastMessage is required"))?;
    let format = msg
        .get("messageFormat")
        .and_then(Value::as_str)
        .and_then(MessageFormat::parse)
        .ok_or_else(|| ApiError::bad_request("Invalid messageFormat"))?;
    let invalid =
        || ApiError::bad_request(format!("Invalid messagePayload for {}", format.as_str()));
    let payload_str = msg.get("messagePayload").and_then(Value::as_str);
    let (len, payload, file) = match format {
        MessageFormat::Hexadecimal => {
            let s = payload_str.ok_or_else(invalid)?;
            (
                decode_hex_payload(s).ok_or_else(invalid)?.len() as u64,
                Some(s.to_owned()),
                None,
            )
        }
        MessageFormat::Base64 => {
            let s = payload_str.ok_or_else(invalid)?;
            (
                decode_base64_payload(s).ok_or_else(invalid)?.len() as u64,
                Some(s.to_owned()),
                None,
            )
        }
        MessageFormat::Binary => {
            let name = msg
                .get("messagePayloadFile")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let len = (check_upload_name(name).is_ok())
                .then(|| app.upload_len(UploadKind::Multicast, name))
                .flatten()
                .ok_or_else(|| {
                    ApiError::not_found("Multicast message file not found. Upload file first.")
                })?;
            (len, None, Some(name.to_owned()))
        }
    };
    if len > app.cfg.max_mc_payload as u64 {
        return Err(ApiError::bad_request("Payload too large"));
    }
    let port = msg
        .get("messagePort")
        .and_then(Value::as_u64)
        .filter(|p| (1..=220).contains(p))
        .ok_or_else(|| ApiError::bad_request("messagePort must be 1-220"))?;
    let timeout = match msg.get("multicastSessionTimeout").filter(|v| !v.is_null()) {
        None => TimeoutExponent::MAX,
        Some(v) => v
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .and_then(|n| TimeoutExponent::new(n).ok())
            .ok_or_else(|| ApiError::bad_request("multicastSessionTimeout must be 0-15"))?,
    };
    let input = file.clone().unwrap_or_default();
    let message = MulticastMessage {
        message_format: format.as_str().to_owned(),
        message_payload: payload,
        message_payload_file: file,
        message_port: port as u8,
        multicast_session_timeout: Some(timeout.exponent()),
    };
    Ok((message, len, input))
}

fn validate(
    app: &AppState,
    inner: &Inner,
    now_ms: i64,
    obj: &Obj,
    kind: TransmissionType,
) -> Result<JobRecord, ApiError> {
    // 3. transmission type
    if present(obj, "transmission_type").and_then(Value::as_str) != Some(kind.as_str()) {
        return Err(ApiError::bad_request(format!(
            "transmission_type must be {}",
            kind.as_str()
        )));
    }
    // 4. devices, 5. group
    let euis = devices(app, inner, obj)?;
    let group = group(inner, obj)?;
    // 6. timing
    let now_s = u64::try_from(now_ms.div_euclid(1000)).unwrap_or(0);
    let scheduled = non_negative(obj, "scheduledTimeSinceUnixEpoch")?.unwrap_or(now_s);
    let setup = non_negative(obj, "setupTimeFromScheduledTime")?.unwrap_or(0);
    let launch = non_negative(obj, "launchTimeFromSetupTime")?.unwrap_or(DEFAULT_LAUNCH_S);
    let secs_ms = |s: u64| {
        i64::try_from(s)
            .unwrap_or(i64::MAX / 2)
            .saturating_mul(1000)
    };
    // A past scheduled time means "start now".
    let setup_at_ms = secs_ms(scheduled)
        .max(now_ms)
        .saturating_add(secs_ms(setup));
    let launch_at_ms = setup_at_ms.saturating_add(secs_ms(launch));
    // 7. schedule file name
    let filename = match present(obj, "schedule_filename") {
        None => {
            let prefix = if kind == TransmissionType::Fota {
                "fota"
            } else {
                "mcm"
            };
            format!("{prefix}_{scheduled}_{setup}")
        }
        Some(v) => v
            .as_str()
            .filter(|s| is_valid_schedule_filename(s))
            .ok_or_else(|| ApiError::bad_request("Invalid schedule_filename"))?
            .to_owned(),
    };
    if inner.jobs.iter().any(|j| j.filename == filename) {
        return Err(ApiError::conflict("Schedule file already exists"));
    }
    // 8. busy: a running job, or an overlapping window on the same group
    let probe = ScheduleRequest {
        transmission_type: kind,
        sleep_time: non_negative(obj, "sleep_time").ok().flatten(),
        psleep_time: non_negative(obj, "psleep_time").ok().flatten(),
        parity_fragments_per_session: non_negative(obj, "parity_fragments_per_session")
            .ok()
            .flatten(),
        max_packet_size: non_negative(obj, "max_packet_size").ok().flatten(),
        ..empty_request(kind)
    };
    let window = (
        setup_at_ms,
        launch_at_ms.saturating_add(app.radio.estimate_ms(&probe, payload_guess(app, obj, kind))),
    );
    let busy = inner.jobs.iter().any(|j| {
        if matches!(j.state_at(now_ms), JobState::Active { .. }) {
            return true;
        }
        let end = j.end_ms().unwrap_or_else(|| {
            j.launch_at_ms
                .saturating_add(app.radio.estimate_ms(&j.request, j.payload_len))
        });
        Group::of(&j.request) == Some(group) && overlaps(window, (j.setup_at_ms, end))
    });
    if busy {
        return Err(ApiError::conflict("Operation already in progress"));
    }
    // 9. keep_log and pacing
    let keep_log = match present(obj, "keep_log") {
        None => true,
        Some(v) => v
            .as_bool()
            .ok_or_else(|| ApiError::bad_request("keep_log must be boolean"))?,
    };
    let sleep_time = non_negative(obj, "sleep_time")?;
    let ssleep_time = non_negative(obj, "ssleep_time")?;
    let psleep_time = non_negative(obj, "psleep_time")?;
    let parity = non_negative(obj, "parity_fragments_per_session")?;
    let max_packet_size = non_negative(obj, "max_packet_size")?;
    // 10-14: kind-specific
    let mut request = ScheduleRequest {
        transmission_type: kind,
        end_device_deveuis: euis,
        multicast_group_id: match group {
            Group::Id(id) => Some(id),
            Group::Eui(_) => None,
        },
        multicast_deveui: match group {
            Group::Eui(e) => Some(e.dashed().to_string()),
            Group::Id(_) => None,
        },
        scheduled_time_since_unix_epoch: Some(scheduled),
        setup_time_from_scheduled_time: Some(setup),
        launch_time_from_setup_time: Some(launch),
        keep_log: Some(keep_log),
        schedule_filename: Some(filename.clone()),
        schedule_source: Some(
            present(obj, "schedule_source")
                .and_then(Value::as_str)
                .unwrap_or("Conduit")
                .to_owned(),
        ),
        sleep_time,
        ssleep_time,
        psleep_time,
        parity_fragments_per_session: parity,
        max_packet_size,
        ..empty_request(kind)
    };
    let (payload_len, input_filename) = match kind {
        TransmissionType::Fota => {
            let (file, len, hex, value) = fota_fields(app, obj)?;
            request.fota_file = Some(file.clone());
            request.fragment_desc = Some(hex);
            request.fota_descriptor = Some(value);
            (len, file)
        }
        TransmissionType::Message => {
            let (message, len, input) = message_fields(app, obj)?;
            request.multicast_message = Some(message);
            (len, input)
        }
    };
    Ok(JobRecord {
        request,
        filename,
        setup_at_ms,
        launch_at_ms,
        payload_len,
        multicast_eui: group.session_eui(),
        input_filename,
        plan: None,
    })
}

fn empty_request(kind: TransmissionType) -> ScheduleRequest {
    ScheduleRequest {
        transmission_type: kind,
        end_device_deveuis: Vec::new(),
        multicast_group_id: None,
        multicast_deveui: None,
        scheduled_time_since_unix_epoch: None,
        setup_time_from_scheduled_time: None,
        launch_time_from_setup_time: None,
        fragment_desc: None,
        fota_descriptor: None,
        fota_file: None,
        multicast_message: None,
        keep_log: None,
        schedule_filename: None,
        schedule_source: None,
        sleep_time: None,
        ssleep_time: None,
        psleep_time: None,
        parity_fragments_per_session: None,
        max_packet_size: None,
    }
}
