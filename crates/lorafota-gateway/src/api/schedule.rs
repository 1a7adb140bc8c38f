//! `POST /api/lora/fota` and `POST /api/lora/mcm`: the wire request, and typed builders that can
//! only produce valid ones.

use core::fmt;
use core::time::Duration;

use lorafota_core::units::TimeoutExponent;
use serde::{Deserialize, Serialize};

use super::params::{
    DeviceEuis, FragDescriptor, GroupTarget, MessagePayload, MessagePort, ParamError,
    ScheduleFilename, check_upload_name,
};

/// `transmission_type` of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TransmissionType {
    /// A firmware update (`/api/lora/fota`).
    #[serde(rename = "FOTA")]
    Fota,
    /// A multicast message (`/api/lora/mcm`).
    Message,
}

impl TransmissionType {
    /// The wire name (`FOTA`, `Message`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fota => "FOTA",
            Self::Message => "Message",
        }
    }
    /// Parses the wire name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "FOTA" => Some(Self::Fota),
            "Message" => Some(Self::Message),
            _ => None,
        }
    }
}

impl fmt::Display for TransmissionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `multicastMessage` object of `/api/lora/mcm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MulticastMessage {
    /// `Hexadecimal`, `Base64` or `Binary` (kept as text: a wire struct must carry what it got).
    #[serde(rename = "messageFormat")]
    pub message_format: String,
    /// Inline payload (hex or base64).
    #[serde(
        rename = "messagePayload",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub message_payload: Option<String>,
    /// Uploaded multicast file (`Binary`).
    #[serde(
        rename = "messagePayloadFile",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub message_payload_file: Option<String>,
    /// Application port 1-220.
    #[serde(rename = "messagePort")]
    pub message_port: u8,
    /// TS005 session timeout exponent 0-15 (2^n seconds).
    #[serde(
        rename = "multicastSessionTimeout",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub multicast_session_timeout: Option<u8>,
}

/// The body of `/api/lora/fota` and `/api/lora/mcm`, and the stored schedule entry the gateway
/// lists in the OpenAPI shape (with defaults filled in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleRequest {
    /// `FOTA` or `Message`.
    pub transmission_type: TransmissionType,
    /// Dashed lower-case device EUIs.
    #[serde(rename = "endDeviceDeveuis")]
    pub end_device_deveuis: Vec<String>,
    /// Group ID 0-3 (seed document).
    #[serde(
        rename = "multicastGroupID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub multicast_group_id: Option<u8>,
    /// Group EUI (UI-captured body); an alternative to the ID.
    #[serde(
        rename = "multicastDeveui",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub multicast_deveui: Option<String>,
    /// Unix seconds; absent means now.
    #[serde(
        rename = "scheduledTimeSinceUnixEpoch",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub scheduled_time_since_unix_epoch: Option<u64>,
    /// Seconds from the scheduled time to setup.
    #[serde(
        rename = "setupTimeFromScheduledTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub setup_time_from_scheduled_time: Option<u64>,
    /// Seconds from setup to launch (broadcast start).
    #[serde(
        rename = "launchTimeFromSetupTime",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub launch_time_from_setup_time: Option<u64>,
    /// FOTA: the descriptor as hex.
    #[serde(
        rename = "fragmentDesc",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fragment_desc: Option<String>,
    /// FOTA: the descriptor as an integer.
    #[serde(
        rename = "fotaDescriptor",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fota_descriptor: Option<u32>,
    /// FOTA: the uploaded image's file name.
    #[serde(rename = "fotaFile", default, skip_serializing_if = "Option::is_none")]
    pub fota_file: Option<String>,
    /// Message: the payload.
    #[serde(
        rename = "multicastMessage",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub multicast_message: Option<MulticastMessage>,
    /// Keep the job's log on the gateway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_log: Option<bool>,
    /// The job's name; the client always chooses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_filename: Option<String>,
    /// Who scheduled it (`Conduit` for the UI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_source: Option<String>,
    /// Pacing between data fragments, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sleep_time: Option<u64>,
    /// Pacing between setup frames, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssleep_time: Option<u64>,
    /// Pacing between parity fragments, ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub psleep_time: Option<u64>,
    /// Parity fragments per session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parity_fragments_per_session: Option<u64>,
    /// Maximum packet size, bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_packet_size: Option<u64>,
}

/// `result` of a successful schedule: `{"status":"success"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleAck {
    /// `success` (the OpenAPI file also lists `failure`).
    pub status: String,
}

/// When a job runs: the gateway starts setup at `scheduled + setup` and broadcasts at
/// `scheduled + setup + launch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    /// Unix seconds; `None` = now.
    pub scheduled_at: Option<u64>,
    /// Delay from the scheduled time to setup; `None` = gateway default (0).
    pub setup_delay: Option<Duration>,
    /// Delay from setup to launch; `None` = gateway default (60 s on the UI).
    pub launch_delay: Option<Duration>,
}

/// Optional fragment pacing (milliseconds) and sizes; `None` leaves the gateway default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pacing {
    /// Between data fragments.
    pub sleep_time: Option<Duration>,
    /// Between setup frames.
    pub setup_sleep_time: Option<Duration>,
    /// Between parity fragments.
    pub parity_sleep_time: Option<Duration>,
    /// Parity fragments per session.
    pub parity_fragments: Option<u32>,
    /// Maximum packet size in bytes.
    pub max_packet_size: Option<u16>,
}

fn ms(d: Option<Duration>) -> Option<u64> {
    d.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Fields both job kinds share.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Common {
    devices: DeviceEuis,
    group: GroupTarget,
    timing: Timing,
    pacing: Pacing,
    keep_log: bool,
    schedule_filename: Option<ScheduleFilename>,
}

impl Common {
    fn request(&self, kind: TransmissionType) -> ScheduleRequest {
        let (multicast_group_id, multicast_deveui) = match self.group {
            GroupTarget::Id(id) => (Some(id.get()), None),
            GroupTarget::Eui(e) => (None, Some(e.dashed().to_string())),
        };
        ScheduleRequest {
            transmission_type: kind,
            end_device_deveuis: self.devices.to_wire(),
            multicast_group_id,
            multicast_deveui,
            scheduled_time_since_unix_epoch: self.timing.scheduled_at,
            setup_time_from_scheduled_time: self.timing.setup_delay.map(|d| d.as_secs()),
            launch_time_from_setup_time: self.timing.launch_delay.map(|d| d.as_secs()),
            fragment_desc: None,
            fota_descriptor: None,
            fota_file: None,
            multicast_message: None,
            keep_log: Some(self.keep_log),
            schedule_filename: self
                .schedule_filename
                .as_ref()
                .map(|s| s.as_str().to_owned()),
            schedule_source: None,
            sleep_time: ms(self.pacing.sleep_time),
            ssleep_time: ms(self.pacing.setup_sleep_time),
            psleep_time: ms(self.pacing.parity_sleep_time),
            parity_fragments_per_session: self.pacing.parity_fragments.map(u64::from),
            max_packet_size: self.pacing.max_packet_size.map(u64::from),
        }
    }
}

macro_rules! common_setters {
    () => {
        /// Sets when the job runs.
        pub fn timing(mut self, timing: Timing) -> Self {
            self.common.timing = timing;
            self
        }
        /// Sets fragment pacing.
        pub fn pacing(mut self, pacing: Pacing) -> Self {
            self.common.pacing = pacing;
            self
        }
        /// Keep the job's log on the gateway (default true).
        pub fn keep_log(mut self, keep: bool) -> Self {
            self.common.keep_log = keep;
            self
        }
        /// Names the job; the client picks a unique name when none is set.
        pub fn schedule_filename(mut self, name: ScheduleFilename) -> Self {
            self.common.schedule_filename = Some(name);
            self
        }
        /// The job's name, if chosen.
        pub fn schedule_filename_ref(&self) -> Option<&ScheduleFilename> {
            self.common.schedule_filename.as_ref()
        }
        /// The devices of the job.
        pub fn devices(&self) -> &DeviceEuis {
            &self.common.devices
        }
    };
}

/// A validated FOTA job (`POST /api/lora/fota`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FotaJob {
    common: Common,
    fota_file: String,
    descriptor: FragDescriptor,
}

impl FotaJob {
    /// A job sending the uploaded image `fota_file` to `devices` over `group`. The descriptor
    /// defaults to 0, like the gateway UI.
    pub fn new(
        devices: DeviceEuis,
        group: GroupTarget,
        fota_file: &str,
    ) -> Result<Self, ParamError> {
        check_upload_name(fota_file)?;
        Ok(Self {
            common: Common {
                devices,
                group,
                timing: Timing::default(),
                pacing: Pacing::default(),
                keep_log: true,
                schedule_filename: None,
            },
            fota_file: fota_file.to_owned(),
            descriptor: FragDescriptor::default(),
        })
    }

    /// Sets the TS004 descriptor (sent as both `fragmentDesc` and `fotaDescriptor`).
    pub fn descriptor(mut self, d: FragDescriptor) -> Self {
        self.descriptor = d;
        self
    }

    /// The image file name.
    pub fn fota_file(&self) -> &str {
        &self.fota_file
    }

    common_setters!();

    /// The wire body.
    pub fn to_request(&self) -> ScheduleRequest {
        let mut r = self.common.request(TransmissionType::Fota);
        r.fota_file = Some(self.fota_file.clone());
        r.fragment_desc = Some(self.descriptor.to_hex());
        r.fota_descriptor = Some(self.descriptor.value());
        r
    }
}

/// A validated multicast message job (`POST /api/lora/mcm`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct McmJob {
    common: Common,
    payload: MessagePayload,
    port: MessagePort,
    timeout: TimeoutExponent,
}

impl McmJob {
    /// A job sending `payload` on `port` to `devices` over `group`, with a Class C session
    /// of 2^`timeout` seconds.
    pub fn new(
        devices: DeviceEuis,
        group: GroupTarget,
        payload: MessagePayload,
        port: MessagePort,
        timeout: TimeoutExponent,
    ) -> Self {
        Self {
            common: Common {
                devices,
                group,
                timing: Timing::default(),
                pacing: Pacing::default(),
                keep_log: true,
                schedule_filename: None,
            },
            payload,
            port,
            timeout,
        }
    }

    /// The payload.
    pub fn payload(&self) -> &MessagePayload {
        &self.payload
    }

    common_setters!();

    /// The wire body.
    pub fn to_request(&self) -> ScheduleRequest {
        let mut r = self.common.request(TransmissionType::Message);
        let (message_payload, message_payload_file) = match &self.payload {
            MessagePayload::Inline { encoded, .. } => (Some(encoded.clone()), None),
            MessagePayload::File(name) => (None, Some(name.clone())),
        };
        r.multicast_message = Some(MulticastMessage {
            message_format: self.payload.format().as_str().to_owned(),
            message_payload,
            message_payload_file,
            message_port: self.port.get(),
            multicast_session_timeout: Some(self.timeout.exponent()),
        });
        r
    }
}

/// A job of either kind, for code that handles both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    /// A firmware update.
    Fota(FotaJob),
    /// A multicast message.
    Message(McmJob),
}

impl Job {
    /// The wire body.
    pub fn to_request(&self) -> ScheduleRequest {
        match self {
            Self::Fota(j) => j.to_request(),
            Self::Message(j) => j.to_request(),
        }
    }
    /// The transmission type.
    pub fn kind(&self) -> TransmissionType {
        match self {
            Self::Fota(_) => TransmissionType::Fota,
            Self::Message(_) => TransmissionType::Message,
        }
    }
}

impl From<FotaJob> for Job {
    fn from(j: FotaJob) -> Self {
        Self::Fota(j)
    }
}

impl From<McmJob> for Job {
    fn from(j: McmJob) -> Self {
        Self::Message(j)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::api::params::MulticastGroupId;

    #[test]
    fn fota_body_has_both_descriptor_forms() {
        let j = FotaJob::new(
            DeviceEuis::parse(["0080:00ff:0000:0002"].map(|s| s.replace(':', ""))).unwrap(),
            GroupTarget::Id(MulticastGroupId::new(0).unwrap()),
            "firmware_v2.0.bin",
        )
        .unwrap()
        .descriptor(FragDescriptor::parse_hex("0001020304").unwrap());
        let v = serde_json::to_value(j.to_request()).unwrap();
        assert_eq!(v["transmission_type"], "FOTA");
        assert_eq!(v["endDeviceDeveuis"][0], "00-80-00-ff-00-00-00-02");
        assert_eq!(v["multicastGroupID"], 0);
        assert_eq!(v["fragmentDesc"], "01020304");
        assert_eq!(v["fotaDescriptor"], 16_909_060);
        assert!(v.get("multicastDeveui").is_none());
    }
}
