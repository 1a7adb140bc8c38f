//! The simulated radio and devices: what [`SimRadio`] makes of a job when it enters SETUP.
//!
//! - Setup (§4 of `gateway-api.md`): every device that can take part gets the setup downlinks
//!   a gateway would queue, built with lorafota-core's messages: TS003 `ForceDeviceResyncReq`
//!   (port 202), TS005 `McGroupSetupReq` + `McClassCSessionReq` (port 200), TS004
//!   `FragSessionSetupReq` (port 201). Unknown, unjoined, not-Class-C, other-group and silent
//!   devices do not join the session and fail with a reason.
//! - Broadcast: the image is split by our [`Encoder`]: the uncoded then `R` coded fragments, in
//!   counter order. `R` is `parity_fragments_per_session` when the job gives it, else
//!   [`DEFAULT_REDUNDANCY_PERCENT`] % of the uncoded count (at least 1). Each device loses
//!   fragments through its own [`LossModel`] channel drawn from `SplitMix64::stream(seed, i)`
//!   (`i` = the device's position in the job), exactly as `plan::simulate_fleet` draws, and
//!   runs our real TS004 [`Decoder`] (with its memory limit) on the bytes it received.
//!   It succeeds only if the rebuilt block hashes (SHA-256) to the image's hash, as the
//!   gateway's CRC verification step would.
//! - Frames: every device parses the DataFragment commands as they go on air and feeds its
//!   decoder from them. Counters are the spec's 1-based ones: MultiTech is said to number from
//!   0 (`gateway-api.md` §4 step 4), but on the wire that would be counter 0, which the spec and
//!   our parser refuse; until a capture settles it the emulator stays with the spec.
//! - Pacing: `sleep_time` (default 1500 ms) after each uncoded fragment, `psleep_time`
//!   (default 3000 ms) after each coded one: MultiTech's documented defaults (§4.5).
//! - Everything is decided at once (the outcome is a pure function of the job, the devices and
//!   the seed), and the timeline (when each device completed) is kept in the plan, so progress
//!   can be replayed at any virtual time and a restart resumes unchanged.

use std::path::PathBuf;

use lorafota_core::frag::{Decoder, EncodedBlock, Encoder, Progress, Ts004Version};
use lorafota_core::plan::LossModel;
use lorafota_core::rng::SplitMix64;
use lorafota_core::ts004::{DataFragment, DownlinkCommand, FragCounter, FragIndex, parse_downlink};
use lorafota_gateway::api::monitor::DeviceResult;
use lorafota_gateway::api::schedule::{ScheduleRequest, TransmissionType};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::config::{DeviceSpec, ScriptedOutcome};
use crate::jobs::{DeviceTrace, JobSpec, Radio, RadioPlan};

/// Coded fragments as a percentage of the uncoded ones when the job does not say
/// (`parity_fragments_per_session` absent).
pub const DEFAULT_REDUNDANCY_PERCENT: u64 = 10;
/// Default gap after an uncoded fragment (MultiTech: ≈1.5 s per data frame).
pub const DEFAULT_SLEEP_MS: u64 = 1500;
/// Default gap after a coded fragment (MultiTech: ≈3 s per parity frame).
pub const DEFAULT_PSLEEP_MS: u64 = 3000;
const TEARDOWN_MS: i64 = 10_000;
const SETUP_ANSWERS_MAX_MS: i64 = 30_000;

/// The radio/device simulation (the emulator's default radio).
#[derive(Debug, Clone, Default)]
pub struct SimRadio {
    seed: u64,
    frame_dump: Option<PathBuf>,
}

/// Frames a real gateway would send for one job, as written to the dump directory
/// (`<schedule_filename>.frames.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameDump {
    /// Setup downlinks per device: `(deveui, fport, hex payload)`.
    pub setup: Vec<(String, u8, String)>,
    /// Broadcast frames in order: `(fport, hex payload)`; FOTA frames are TS004 DataFragment
    /// commands (CID 0x08, Index&N little-endian, fragment).
    pub broadcast: Vec<(u8, String)>,
}

impl SimRadio {
    /// A simulation drawing its losses from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            frame_dump: None,
        }
    }

    /// Also writes every job's frames to `dir/<schedule_filename>.frames.json`.
    pub fn with_frame_dump(mut self, dir: impl Into<PathBuf>) -> Self {
        self.frame_dump = Some(dir.into());
        self
    }

    fn dump(&self, filename: &str, dump: &FrameDump) {
        let Some(dir) = &self.frame_dump else { return };
        let path = dir.join(format!("{filename}.frames.json"));
        let written = std::fs::create_dir_all(dir).and_then(|()| {
            let bytes = serde_json::to_vec(dump).map_err(std::io::Error::other)?;
            std::fs::write(&path, bytes)
        });
        if let Err(e) = written {
            tracing::warn!("emulator: cannot write frame dump {}: {e}", path.display());
        }
    }
}

/// Fragment size and counts for a FOTA job.
fn fragment_size(request: &ScheduleRequest) -> usize {
    // max_packet_size is the FRMPayload; 3 bytes go to the DataFragment header.
    let s = request.max_packet_size.unwrap_or(242).saturating_sub(3);
    usize::try_from(s).unwrap_or(255).clamp(1, 255)
}

/// Coded fragments to send for `nb_frag` uncoded ones.
pub fn redundancy_for(request: &ScheduleRequest, nb_frag: u64) -> u64 {
    request
        .parity_fragments_per_session
        .unwrap_or_else(|| (nb_frag * DEFAULT_REDUNDANCY_PERCENT).div_ceil(100).max(1))
}

fn to_ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn broadcast_ms(request: &ScheduleRequest, data: u64, parity: u64) -> i64 {
    let sleep = to_ms(request.sleep_time.unwrap_or(DEFAULT_SLEEP_MS));
    let psleep = to_ms(request.psleep_time.unwrap_or(DEFAULT_PSLEEP_MS));
    to_ms(data)
        .saturating_mul(sleep)
        .saturating_add(to_ms(parity).saturating_mul(psleep))
}

/// The loss model of a device (i.i.d. unless it has a burst length).
fn loss_model(d: &DeviceSpec) -> LossModel {
    let p = if d.loss.is_finite() {
        d.loss.clamp(0.0, 1.0)
    } else {
        0.0
    };
    match d.burst {
        Some(b) if p < 1.0 => LossModel::bursty(p, b).unwrap_or(LossModel::Iid { p }),
        _ => LossModel::Iid { p },
    }
}

/// Why a device cannot take part, if it cannot.
fn setup_refusal(
    request: &ScheduleRequest,
    d: Option<&DeviceSpec>,
) -> Option<(&'static str, String)> {
    let Some(d) = d else {
        return Some(("failed", "unknown device".to_owned()));
    };
    match d.outcome {
        ScriptedOutcome::Skipped => return Some(("skipped", "not attempted".to_owned())),
        ScriptedOutcome::NoAnswer => return Some(("failed", "no answer to setup".to_owned())),
        ScriptedOutcome::Success | ScriptedOutcome::Failed => {}
    }
    if !d.joined {
        return Some(("failed", "not joined to the network".to_owned()));
    }
    if !d.class.eq_ignore_ascii_case("C") {
        return Some((
            "failed",
            format!("class {} device cannot join a Class C session", d.class),
        ));
    }
    if let (Some(g), Some(want)) = (d.group, request.multicast_group_id)
        && g != want
    {
        return Some(("failed", format!("not in multicast group {want}")));
    }
    if !d.answers_setup {
        return Some(("failed", "no answer to setup".to_owned()));
    }
    None
}

/// The McKEKey of a device provisioned the way Conduits default to: derived from an all-zero
/// GenAppKey (`gateway-api.md` §4 step 3).
fn conduit_mc_ke_key() -> lorafota_core::ts005::McKEKey {
    use lorafota_core::ts005::{AppRootKey, RootKeyKind, mc_ke_key, mc_root_key};
    mc_ke_key(&mc_root_key(
        &AppRootKey::from_bytes([0; 16]),
        RootKeyKind::GenAppKey,
    ))
}

/// The job's multicast group key: the first 16 bytes of SHA-256 over its schedule file name, so
/// a dump is reproducible (a real gateway draws it at random).
fn job_mc_key(request: &ScheduleRequest) -> lorafota_core::ts005::McKey {
    let digest = Sha256::digest(request.schedule_filename.as_deref().unwrap_or_default());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    lorafota_core::ts005::McKey::from_bytes(key)
}

/// The setup downlinks of one device (§4 steps 2–4).
fn setup_frames(
    eui: &str,
    request: &ScheduleRequest,
    launch_ms: i64,
    block: Option<&EncodedBlock>,
    out: &mut Vec<(String, u8, String)>,
) {
    use lorafota_core::{ts003, ts004, ts005};
    let mut buf = [0u8; 64];
    let group = request.multicast_group_id.unwrap_or(0);
    if let Ok(n) = (ts003::ForceDeviceResyncReq::default()).build_into(&mut buf) {
        out.push((eui.to_owned(), 202, hex::encode(&buf[..n])));
    }
    let session_time = u64::try_from(launch_ms.max(0) / 1000)
        .ok()
        .map(lorafota_core::gps::UnixTime::from_secs)
        .and_then(|t| lorafota_core::gps::GpsTime::from_unix(t).ok())
        .map_or(0, |g| g.session_time_u32());
    let (Ok(group_id), Ok(time_out), Ok(freq)) = (
        ts005::McGroupId::new(group),
        lorafota_core::units::TimeoutExponent::new(
            request
                .multicast_message
                .as_ref()
                .and_then(|m| m.multicast_session_timeout)
                .unwrap_or(13),
        ),
        ts005::DlFrequency::from_hz(869_525_000),
    ) else {
        return;
    };
    let mut n = 0;
    let mc_addr = ts005::McAddr::from_value(0x0100_0000 | u32::from(group));
    let setup = ts005::McGroupSetupReq {
        mc_group_id: group_id,
        mc_addr,
        mc_key_encrypted: ts005::encrypt_mc_key(&conduit_mc_ke_key(), &job_mc_key(request)),
        min_mc_fcnt: 0,
        // Room for every frame of the session (a message is one frame).
        max_mc_fcnt: block.map_or(1, |b| u32::try_from(b.len()).unwrap_or(u32::MAX)),
    };
    if let Ok(k) = setup.build_into(&mut buf) {
        n += k;
    }
    let session = ts005::McClassCSessionReq {
        mc_group_id: group_id,
        session_time: lorafota_core::gps::GpsSeconds32::new(session_time),
        time_out,
        dl_frequency: freq,
        dr: 0,
    };
    if let Ok(k) = session.build_into(&mut buf[n..]) {
        n += k;
    }
    out.push((eui.to_owned(), 200, hex::encode(&buf[..n])));
    if let Some(block) = block {
        let p = block.params();
        let descriptor = request.fota_descriptor.unwrap_or(0).to_le_bytes();
        let req = ts004::FragSessionSetupReq {
            nb_frag: p.nb_frag(),
            frag_size: p.fragment_size(),
            padding: p.padding(),
            mc_group_bit_mask: ts004::McGroupBitMask::new(1 << group).unwrap_or_default(),
            descriptor: ts004::Descriptor::from_wire_bytes(descriptor),
            ..Default::default()
        };
        if let Ok(k) = req.build_into(&mut buf) {
            out.push((eui.to_owned(), 201, hex::encode(&buf[..k])));
        }
    }
}

/// FPort of the TS004 fragmentation package.
const FOTA_PORT: u8 = 201;

/// The broadcast as it goes on air: one TS004 DataFragment command (CID 0x08, Index&N
/// little-endian, fragment) per fragment, uncoded then coded.
fn air_frames(block: &EncodedBlock) -> Vec<Vec<u8>> {
    let header = 3;
    block
        .fragments()
        .filter_map(|f| {
            let counter = FragCounter::new(f.counter).ok()?;
            let cmd = DataFragment {
                frag_index: FragIndex::default(),
                counter,
                payload: &f.payload,
            };
            let mut buf = vec![0u8; header + f.payload.len()];
            let n = cmd.build_into(&mut buf).ok()?;
            buf.truncate(n);
            Some(buf)
        })
        .collect()
}

/// The FOTA part: encode, then every joining device receives and decodes.
fn run_fota(
    seed: u64,
    job: &JobSpec<'_>,
    joining: &[(usize, &DeviceSpec)],
    traces: &mut [DeviceTrace],
    outcomes: &mut [DeviceResult],
    dump: Option<&mut FrameDump>,
) -> Option<(u64, u64)> {
    let payload = job.payload?;
    let encoder = Encoder::new(
        payload.to_vec(),
        fragment_size(job.request),
        Ts004Version::V1,
    )
    .ok()?;
    let params = encoder.params();
    let m = u64::from(params.nb_frag());
    let max_r = u64::from(lorafota_core::frag::MAX_COUNTER.saturating_sub(params.nb_frag()));
    let r = redundancy_for(job.request, m).min(max_r);
    let block = encoder.encode(usize::try_from(r).unwrap_or(0)).ok()?;
    let image_hash = Sha256::digest(payload);
    let frames = air_frames(&block);
    if let Some(d) = dump {
        d.broadcast
            .extend(frames.iter().map(|f| (FOTA_PORT, hex::encode(f))));
        for (_, spec) in joining {
            setup_frames(
                &spec.deveui.dashed().to_string(),
                job.request,
                job.launch_at_ms,
                Some(&block),
                &mut d.setup,
            );
        }
    }
    for &(i, spec) in joining {
        let mut channel = loss_model(spec).channel(SplitMix64::stream(seed, i as u64));
        let mut decoder = Decoder::new_in_memory(params, Ts004Version::V1, spec.max_lost);
        let mut failure = None;
        let trace = &mut traces[i];
        for (k, frame) in frames.iter().enumerate() {
            if channel.lose_next() {
                continue;
            }
            trace.received += 1;
            // The device's side: parse the command it heard, feed the decoder.
            let pushed = match parse_downlink(Ts004Version::V1, frame).next() {
                Some(Ok(DownlinkCommand::DataFragment(f))) => decoder
                    .push(f.counter.get(), f.payload)
                    .map_err(|e| e.to_string()),
                Some(Err(e)) => Err(e.to_string()),
                _ => Err("not a DataFragment".to_owned()),
            };
            match pushed {
                Ok(Progress::Completed) => trace.completed_frame = Some(k as u32 + 1),
                Ok(Progress::Failed(e)) => {
                    failure.get_or_insert_with(|| e.to_string());
                }
                Ok(_) => {}
                Err(e) => {
                    failure.get_or_insert(e);
                }
            }
        }
        let status = decoder.status();
        trace.needed = u32::from(params.nb_frag());
        let (ok, reason) = match decoder.data() {
            Some(data) if Sha256::digest(data) == image_hash => {
                if spec.outcome == ScriptedOutcome::Failed {
                    (false, "image verification failed (scripted)".to_owned())
                } else {
                    (true, String::new())
                }
            }
            Some(_) => (false, "image verification failed: hash mismatch".to_owned()),
            None => (
                false,
                failure.unwrap_or_else(|| {
                    format!(
                        "could not rebuild the image: {} of {} lost fragments still missing after {} coded",
                        status.missing, status.lost, r
                    )
                }),
            ),
        };
        if !ok {
            trace.completed_frame = None;
        }
        outcomes[i] = DeviceResult {
            deveui: outcomes[i].deveui.clone(),
            status: if ok { "success" } else { "failed" }.to_owned(),
            reason: (!ok).then_some(reason),
        };
    }
    Some((m, r))
}

impl Radio for SimRadio {
    fn plan(&self, job: &JobSpec<'_>) -> RadioPlan {
        let seed = self.seed;
        let mut outcomes = Vec::with_capacity(job.devices.len());
        let mut traces = Vec::with_capacity(job.devices.len());
        let mut joining = Vec::new();
        for (i, (eui, spec)) in job.devices.iter().enumerate() {
            traces.push(DeviceTrace::default());
            match setup_refusal(job.request, spec.as_ref()) {
                Some((status, reason)) => outcomes.push(DeviceResult {
                    deveui: eui.clone(),
                    status: status.to_owned(),
                    reason: Some(reason),
                }),
                None => {
                    outcomes.push(DeviceResult {
                        deveui: eui.clone(),
                        status: "failed".to_owned(),
                        reason: Some("no data".to_owned()),
                    });
                    if let Some(s) = spec {
                        joining.push((i, s));
                    }
                }
            }
        }
        let answered: Vec<String> = joining
            .iter()
            .map(|(i, _)| job.devices[*i].0.clone())
            .collect();
        let mut dump = self.frame_dump.as_ref().map(|_| FrameDump::default());
        let (frames, broadcast) = match job.request.transmission_type {
            TransmissionType::Fota => {
                match run_fota(
                    seed,
                    job,
                    &joining,
                    &mut traces,
                    &mut outcomes,
                    dump.as_mut(),
                ) {
                    Some((m, r)) => (m + r, broadcast_ms(job.request, m, r)),
                    None => {
                        for &(i, _) in &joining {
                            outcomes[i].reason =
                                Some("the image could not be read or split".to_owned());
                        }
                        (0, 0)
                    }
                }
            }
            TransmissionType::Message => {
                for &(i, spec) in &joining {
                    let mut channel = loss_model(spec).channel(SplitMix64::stream(seed, i as u64));
                    let got = !channel.lose_next();
                    traces[i].needed = 1;
                    if got {
                        traces[i].received = 1;
                        traces[i].completed_frame = Some(1);
                        traces[i].payload_hex = job.payload.map(hex::encode);
                    }
                    outcomes[i] = DeviceResult {
                        deveui: outcomes[i].deveui.clone(),
                        status: if got { "success" } else { "failed" }.to_owned(),
                        reason: (!got).then(|| "message not received".to_owned()),
                    };
                }
                if let Some(d) = dump.as_mut() {
                    let port = job
                        .request
                        .multicast_message
                        .as_ref()
                        .map_or(1, |m| m.message_port);
                    d.broadcast
                        .push((port, job.payload.map(hex::encode).unwrap_or_default()));
                    for (_, spec) in &joining {
                        setup_frames(
                            &spec.deveui.dashed().to_string(),
                            job.request,
                            job.launch_at_ms,
                            None,
                            &mut d.setup,
                        );
                    }
                }
                (1, to_ms(job.request.sleep_time.unwrap_or(DEFAULT_SLEEP_MS)))
            }
        };
        if let (Some(d), Some(name)) = (dump.as_ref(), job.request.schedule_filename.as_deref()) {
            self.dump(name, d);
        }
        let setup_span = job.launch_at_ms.saturating_sub(job.setup_at_ms).max(0);
        RadioPlan {
            answers_in_ms: (setup_span / 2).min(SETUP_ANSWERS_MAX_MS),
            answered,
            broadcast_ms: broadcast,
            teardown_ms: TEARDOWN_MS,
            outcomes,
            frames: u32::try_from(frames).unwrap_or(u32::MAX),
            devices: traces,
        }
    }

    fn estimate_ms(&self, request: &ScheduleRequest, payload_len: u64) -> i64 {
        let broadcast = match request.transmission_type {
            TransmissionType::Message => to_ms(request.sleep_time.unwrap_or(DEFAULT_SLEEP_MS)),
            TransmissionType::Fota => {
                let s = fragment_size(request) as u64;
                let m = payload_len.div_ceil(s).max(1);
                broadcast_ms(request, m, redundancy_for(request, m))
            }
        };
        broadcast.saturating_add(TEARDOWN_MS)
    }
}
