//! End to end: the gateway client against the emulator with simulated devices.
//!
//! Every test runs an emulator on its own runtime with a frozen virtual clock, schedules
//! through the public client, steps the clock, and reads what a real gateway would report.
//! Outcomes are a pure function of the devices and the seed, so each test is deterministic.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use lorafota::core::frag::{Decoder, FragParams, Ts004Version};
use lorafota::core::plan::{
    DataRateChoice, Fleet, LossModel, Plan, PlanRequest, RedundancyChoice, SimDevice, plan_session,
};
use lorafota::core::region::{DataRate, Region};
use lorafota::core::rng::SplitMix64;
use lorafota::core::{Eui64, ts004, ts005};
use lorafota::emulator::config::DeviceSpec;
use lorafota::emulator::sim::FrameDump;
use lorafota::emulator::{BackgroundEmulator, EmulatorConfig, SimRadio};
use lorafota::gateway::api::monitor::{DeviceOutcome, OperationResult};
use lorafota::gateway::api::params::{
    DeviceEuis, GroupTarget, MessagePayload, MessagePort, MulticastGroupId, ScheduleFilename,
    session_timeout,
};
use lorafota::gateway::api::schedule::{FotaJob, McmJob, Pacing, Timing};
use lorafota::gateway::{Error, blocking};

/// Virtual start of every emulator here: 2027-01-14T08:00:00Z.
const T0_MS: i64 = 1_799_913_600_000;
const T0_S: u64 = (T0_MS / 1000) as u64;
/// Far enough to finish any job of these tests (fragments paced 1.5 s / 3 s by default).
const LONG_ENOUGH: Duration = Duration::from_secs(6 * 3600);

fn eui(i: u32) -> Eui64 {
    Eui64::from_u64(0x0080_00ff_0000_0000 + u64::from(i))
}

fn fleet(n: u32, loss: f64) -> Vec<DeviceSpec> {
    (1..=n)
        .map(|i| DeviceSpec::new(eui(i)).with_loss(loss))
        .collect()
}

/// A scratch directory removed at the end of the test.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Self {
        let mut rng = SplitMix64::new(u64::from(std::process::id()) ^ T0_S);
        let dir = std::env::temp_dir().join(format!(
            "lorafota-e2e-{tag}-{}-{:x}",
            std::process::id(),
            rng.next_u64()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An emulator with a frozen clock at [`T0_MS`] and a client pinned to its certificate.
struct Rig {
    emu: BackgroundEmulator,
    client: blocking::GatewayClient,
}

impl Rig {
    fn start(devices: Vec<DeviceSpec>, radio: SimRadio, state_dir: Option<&Path>) -> Self {
        let cfg = EmulatorConfig {
            devices,
            clock_start_ms: Some(T0_MS),
            clock_speed: 0.0,
            state_dir: state_dir.map(Path::to_path_buf),
            ..EmulatorConfig::default()
        };
        let emu = BackgroundEmulator::start(cfg, Box::new(radio)).unwrap();
        let h = emu.handle();
        let client = blocking::GatewayClient::builder()
            .base_url(h.url())
            .credentials(h.username(), h.password().clone())
            .pin_certificate_sha256_bytes(h.fingerprint().unwrap())
            .poll_interval(Duration::from_millis(10))
            .build_blocking()
            .unwrap();
        Self { emu, client }
    }

    fn advance(&self, d: Duration) {
        self.emu.handle().advance_clock(d);
    }

    /// Steps the clock to the end and returns the job's result.
    fn finish(&self, name: &ScheduleFilename) -> OperationResult {
        self.advance(LONG_ENOUGH);
        self.client
            .results()
            .unwrap()
            .find(name.as_str())
            .cloned()
            .unwrap_or_else(|| panic!("no result for {name}"))
    }
}

fn image(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    (0..len).map(|_| rng.next_u64() as u8).collect()
}

/// The planner's session for `size` bytes at EU868 DR5 with `fragment_size`-byte fragments.
fn plan(size: usize, fragment_size: u8, redundancy: RedundancyChoice, fleet: Fleet) -> Plan {
    let mut req = PlanRequest::new(
        size,
        Region::Eu868,
        DataRateChoice::Fixed(DataRate::new(5)),
        redundancy,
    );
    req.fragment_size = Some(fragment_size);
    req.version = Ts004Version::V1;
    req.fleet = Some(fleet);
    plan_session(&req).unwrap()
}

/// A FOTA job for `devices` that starts now: setup at once, broadcast 30 s later.
fn fota_job(devices: &[DeviceSpec], file: &str, p: &Plan) -> FotaJob {
    let euis = DeviceEuis::new(devices.iter().map(|d| d.deveui).collect()).unwrap();
    FotaJob::new(
        euis,
        GroupTarget::Id(MulticastGroupId::new(0).unwrap()),
        file,
    )
    .unwrap()
    .timing(Timing {
        scheduled_at: None,
        setup_delay: Some(Duration::ZERO),
        launch_delay: Some(Duration::from_secs(30)),
    })
    .pacing(Pacing {
        parity_fragments: Some(u32::from(p.redundancy)),
        max_packet_size: Some(u16::from(p.fragment_size) + 3),
        ..Pacing::default()
    })
}

fn outcome_of(r: &OperationResult, e: Eui64) -> &lorafota::gateway::api::monitor::DeviceResult {
    let name = e.dashed().to_string();
    r.devices.iter().find(|d| d.deveui == name).unwrap()
}

#[test]
fn planned_redundancy_brings_twenty_devices_at_ten_percent_loss_home() {
    let scratch = Scratch::new("fota20");
    let devices = fleet(20, 0.10);
    let fw = scratch.path("fw-20.bin");
    std::fs::write(&fw, image(12_000, 7)).unwrap();
    let p = plan(
        12_000,
        100,
        RedundancyChoice::ForTarget { target: 0.999 },
        Fleet {
            devices: vec![SimDevice {
                loss: LossModel::iid(0.10).unwrap(),
                max_lost: None,
            }],
            simulated: 2000,
            seed: 99,
        },
    );
    assert_eq!(p.nb_frag, 120);
    assert!(
        p.redundancy > 12,
        "10 % loss needs more than 10 % redundancy: {}",
        p.redundancy
    );

    let rig = Rig::start(devices.clone(), SimRadio::new(3), None);
    rig.client.upload_fota_file(&fw).unwrap();
    let name = rig
        .client
        .schedule(fota_job(&devices, "fw-20.bin", &p))
        .unwrap();

    // Half way through the broadcast every device has part of the image and none all of it.
    rig.advance(Duration::from_secs(30 + 120 * 3 / 4));
    let progress = rig.client.progress().unwrap();
    let job = progress.job(name.as_str()).unwrap();
    assert_eq!(job.phase.as_ref().map(|p| p.as_str()), Some("BROADCASTING"));
    assert_eq!(job.devices.len(), 20);
    for d in &job.devices {
        let pct = d.percent.unwrap();
        assert!(
            (20.0..100.0).contains(&pct),
            "{}: {pct} % half way",
            d.deveui
        );
    }

    let result = rig.finish(&name);
    let t = result.tally();
    assert_eq!((t.success, t.failed, t.skipped), (20, 0, 0), "{result:#?}");
}

#[test]
fn a_device_with_too_much_loss_fails_with_a_reason_and_the_others_succeed() {
    let scratch = Scratch::new("lossy");
    let mut devices = fleet(10, 0.05);
    devices[3] = DeviceSpec::new(eui(4)).with_loss(0.5);
    let fw = scratch.path("fw-lossy.bin");
    std::fs::write(&fw, image(5_000, 8)).unwrap();
    let p = plan(
        5_000,
        50,
        RedundancyChoice::Count(30),
        Fleet {
            devices: vec![SimDevice {
                loss: LossModel::iid(0.05).unwrap(),
                max_lost: None,
            }],
            simulated: 500,
            seed: 1,
        },
    );
    let rig = Rig::start(devices.clone(), SimRadio::new(5), None);
    rig.client.upload_fota_file(&fw).unwrap();
    let name = rig
        .client
        .schedule(fota_job(&devices, "fw-lossy.bin", &p))
        .unwrap();
    let result = rig.finish(&name);
    let t = result.tally();
    assert_eq!((t.success, t.failed), (9, 1), "{result:#?}");
    let bad = outcome_of(&result, eui(4));
    assert_eq!(bad.outcome(), DeviceOutcome::Failed);
    let reason = bad.reason.as_deref().unwrap_or_default();
    assert!(reason.contains("could not rebuild the image"), "{reason}");
}

#[test]
fn the_broadcast_frames_are_ts004_data_fragments_that_rebuild_the_image() {
    let scratch = Scratch::new("frames");
    let devices = fleet(3, 0.0);
    let data = image(3_000, 9);
    let fw = scratch.path("fw-frames.bin");
    std::fs::write(&fw, &data).unwrap();
    let p = plan(
        3_000,
        60,
        RedundancyChoice::Count(10),
        Fleet {
            devices: vec![SimDevice {
                loss: LossModel::iid(0.0).unwrap(),
                max_lost: None,
            }],
            simulated: 10,
            seed: 1,
        },
    );
    let dump_dir = scratch.path("frames");
    let rig = Rig::start(
        devices.clone(),
        SimRadio::new(1).with_frame_dump(&dump_dir),
        None,
    );
    rig.client.upload_fota_file(&fw).unwrap();
    let name = rig
        .client
        .schedule(fota_job(&devices, "fw-frames.bin", &p))
        .unwrap();
    assert_eq!(rig.finish(&name).tally().success, 3);

    let dump: FrameDump = serde_json::from_slice(
        &std::fs::read(dump_dir.join(format!("{name}.frames.json"))).unwrap(),
    )
    .unwrap();
    // Setup: resync (202), multicast group + Class C session (200), fragmentation setup (201).
    let ports: Vec<u8> = dump
        .setup
        .iter()
        .filter(|s| s.0 == "00-80-00-ff-00-00-00-01")
        .map(|s| s.1)
        .collect();
    assert_eq!(ports, [202, 200, 201]);
    let (_, _, setup_hex) = dump.setup.iter().find(|s| s.1 == 201).unwrap();
    let setup_bytes = hex::decode(setup_hex).unwrap();
    let mut commands = ts004::parse_downlink(Ts004Version::V1, &setup_bytes);
    let Some(Ok(ts004::DownlinkCommand::FragSessionSetupReq(setup))) = commands.next() else {
        panic!("not a FragSessionSetupReq: {setup_hex}");
    };
    assert_eq!((setup.nb_frag, setup.frag_size, setup.padding), (50, 60, 0));

    // Multicast setup: a device holding the Conduit's default all-zero GenAppKey recovers the
    // job's McKey (SHA-256 of the schedule name, first 16 bytes) with the device-side primitive.
    let (_, _, mc_hex) = dump.setup.iter().find(|s| s.1 == 200).unwrap();
    let mc_bytes = hex::decode(mc_hex).unwrap();
    let Some(Ok(ts005::DownlinkCommand::McGroupSetupReq(mc))) =
        ts005::parse_downlink(&mc_bytes).next()
    else {
        panic!("not a McGroupSetupReq: {mc_hex}");
    };
    let ke = ts005::mc_ke_key(&ts005::mc_root_key(
        &ts005::AppRootKey::from_bytes([0; 16]),
        ts005::RootKeyKind::GenAppKey,
    ));
    let mc_key = ts005::decrypt_mc_key(&ke, &mc.mc_key_encrypted);
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(name.as_str());
    assert_eq!(mc_key.expose_secret()[..], digest[..16]);
    assert_eq!(mc.max_mc_fcnt, 60);

    // Broadcast: M + R DataFragment commands that a device-side decoder turns back into the image.
    assert_eq!(dump.broadcast.len(), 60);
    let params = FragParams::new(setup.nb_frag, setup.frag_size, setup.padding).unwrap();
    let mut decoder = Decoder::new_in_memory(params, Ts004Version::V1, None);
    // Drop every tenth uncoded fragment: the coded ones must make up for them.
    let mut first_wire_counter = None;
    for (port, frame) in &dump.broadcast {
        assert_eq!(*port, 201);
        let bytes = hex::decode(frame).unwrap();
        let mut commands = ts004::parse_downlink(Ts004Version::V1, &bytes);
        let Some(Ok(ts004::DownlinkCommand::DataFragment(f))) = commands.next() else {
            panic!("not a DataFragment: {frame}");
        };
        let counter = f.counter.get();
        first_wire_counter.get_or_insert(f.counter.get());
        if counter <= 50 && counter % 10 == 0 {
            continue;
        }
        decoder.push(counter, f.payload).unwrap();
    }
    assert_eq!(first_wire_counter, Some(1));
    assert_eq!(decoder.data(), Some(data.as_slice()));
}

#[test]
fn a_pending_job_can_be_cancelled_and_never_runs() {
    let scratch = Scratch::new("cancel");
    let devices = fleet(2, 0.0);
    let fw = scratch.path("fw-cancel.bin");
    std::fs::write(&fw, image(1_000, 1)).unwrap();
    let rig = Rig::start(devices.clone(), SimRadio::new(1), None);
    rig.client.upload_fota_file(&fw).unwrap();
    let p = plan(
        1_000,
        100,
        RedundancyChoice::Count(2),
        Fleet {
            devices: vec![],
            simulated: 0,
            seed: 0,
        },
    );
    let job = fota_job(&devices, "fw-cancel.bin", &p).timing(Timing {
        scheduled_at: Some(T0_S + 3600),
        setup_delay: Some(Duration::ZERO),
        launch_delay: Some(Duration::from_secs(30)),
    });
    let name = rig.client.schedule(job).unwrap();
    assert!(rig.client.schedule_list().unwrap().contains(name.as_str()));
    rig.client.cancel(&name).unwrap();
    assert!(rig.client.schedule_list().unwrap().jobs.is_empty());
    rig.advance(LONG_ENOUGH);
    assert!(rig.client.results().unwrap().find(name.as_str()).is_none());
}

#[test]
fn text_and_file_multicast_messages_reach_the_listening_devices() {
    let scratch = Scratch::new("mcm");
    let devices = fleet(5, 0.0);
    let dump_dir = scratch.path("frames");
    let rig = Rig::start(
        devices.clone(),
        SimRadio::new(1).with_frame_dump(&dump_dir),
        None,
    );
    let euis = DeviceEuis::new(devices.iter().map(|d| d.deveui).collect()).unwrap();
    let group = GroupTarget::Id(MulticastGroupId::new(1).unwrap());

    let text = McmJob::new(
        euis.clone(),
        group,
        MessagePayload::hex("c0ffee", 242).unwrap(),
        MessagePort::new(10).unwrap(),
        session_timeout(8).unwrap(),
    );
    let name = rig.client.schedule(text).unwrap();
    let result = rig.finish(&name);
    assert_eq!(result.tally().success, 5, "{result:#?}");
    let dump: FrameDump = serde_json::from_slice(
        &std::fs::read(dump_dir.join(format!("{name}.frames.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(dump.broadcast, [(10, "c0ffee".to_owned())]);

    let msg = scratch.path("config.bin");
    std::fs::write(&msg, [1u8, 2, 3, 4, 5]).unwrap();
    rig.client.upload_multicast_file(&msg).unwrap();
    let file = McmJob::new(
        euis,
        group,
        MessagePayload::file("config.bin").unwrap(),
        MessagePort::new(20).unwrap(),
        session_timeout(8).unwrap(),
    );
    let name = rig.client.schedule(file).unwrap();
    let result = rig.finish(&name);
    assert_eq!(result.tally().success, 5, "{result:#?}");
    let dump: FrameDump = serde_json::from_slice(
        &std::fs::read(dump_dir.join(format!("{name}.frames.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(dump.broadcast, [(20, "0102030405".to_owned())]);
}

#[test]
fn a_second_job_is_refused_while_one_runs_and_accepted_after() {
    let scratch = Scratch::new("busy");
    let devices = fleet(3, 0.0);
    let fw = scratch.path("fw-busy.bin");
    std::fs::write(&fw, image(4_000, 2)).unwrap();
    let rig = Rig::start(devices.clone(), SimRadio::new(1), None);
    rig.client.upload_fota_file(&fw).unwrap();
    let p = plan(
        4_000,
        100,
        RedundancyChoice::Count(4),
        Fleet {
            devices: vec![],
            simulated: 0,
            seed: 0,
        },
    );
    let first = rig
        .client
        .schedule(fota_job(&devices, "fw-busy.bin", &p))
        .unwrap();
    rig.advance(Duration::from_secs(40));

    let err = rig
        .client
        .schedule(fota_job(&devices, "fw-busy.bin", &p))
        .unwrap_err();
    match &err {
        Error::Api(e) => {
            assert_eq!(e.code, 409, "{e:?}");
            assert!(e.message.contains("in progress"), "{e:?}");
        }
        other => panic!("expected the busy refusal, got {other:?}"),
    }
    assert_eq!(rig.finish(&first).tally().success, 3);
    let second = rig
        .client
        .schedule(fota_job(&devices, "fw-busy.bin", &p))
        .unwrap();
    assert_eq!(rig.finish(&second).tally().success, 3);
}

#[test]
fn a_restart_in_the_middle_of_a_pending_schedule_keeps_it() {
    let scratch = Scratch::new("restart");
    let state = scratch.path("state");
    let devices = fleet(4, 0.02);
    let fw = scratch.path("fw-restart.bin");
    std::fs::write(&fw, image(2_000, 3)).unwrap();
    let p = plan(
        2_000,
        100,
        RedundancyChoice::Count(10),
        Fleet {
            devices: vec![],
            simulated: 0,
            seed: 0,
        },
    );
    let name = {
        let rig = Rig::start(devices.clone(), SimRadio::new(1), Some(&state));
        rig.client.upload_fota_file(&fw).unwrap();
        let job = fota_job(&devices, "fw-restart.bin", &p).timing(Timing {
            scheduled_at: Some(T0_S + 600),
            setup_delay: Some(Duration::from_secs(10)),
            launch_delay: Some(Duration::from_secs(30)),
        });
        rig.client.schedule(job).unwrap()
    };
    let rig = Rig::start(devices, SimRadio::new(1), Some(&state));
    let pending = rig.client.schedule_list().unwrap();
    assert!(pending.contains(name.as_str()), "{pending:#?}");
    let result = rig.finish(&name);
    assert_eq!(result.tally().success, 4, "{result:#?}");
}

/// The planner predicts from its own simulation; the emulator decodes real fragments with other
/// random draws. Over 400 devices the two success rates must agree within sampling error.
#[test]
fn the_planners_prediction_matches_what_the_emulator_observes() {
    const DEVICES: u32 = 400;
    let scratch = Scratch::new("predict");
    let devices: Vec<DeviceSpec> = (1..=DEVICES)
        .map(|i| {
            let d = DeviceSpec::new(eui(i));
            match i % 4 {
                0 => DeviceSpec {
                    burst: Some(3.0),
                    ..d.with_loss(0.10)
                },
                k => d.with_loss([0.0, 0.05, 0.10, 0.15][k as usize]),
            }
        })
        .collect();
    let sim: Vec<SimDevice> = devices
        .iter()
        .map(|d| SimDevice {
            loss: match d.burst {
                Some(b) => LossModel::bursty(d.loss, b).unwrap(),
                None => LossModel::iid(d.loss).unwrap(),
            },
            max_lost: None,
        })
        .collect();
    // A redundancy deliberately short of what the lossiest devices need, so the expected success
    // is well inside (0, 1) and the comparison means something.
    let p = plan(
        8_000,
        100,
        RedundancyChoice::Count(12),
        Fleet {
            devices: sim,
            simulated: 20_000,
            seed: 4242,
        },
    );
    let expected = p.expected_success.unwrap();
    assert!(
        (0.5..0.95).contains(&expected),
        "expected success {expected}"
    );

    let fw = scratch.path("fw-predict.bin");
    std::fs::write(&fw, image(8_000, 4)).unwrap();
    let rig = Rig::start(devices.clone(), SimRadio::new(777), None);
    rig.client.upload_fota_file(&fw).unwrap();
    let name = rig
        .client
        .schedule(fota_job(&devices, "fw-predict.bin", &p))
        .unwrap();
    let observed = rig.finish(&name).tally().success as f64 / f64::from(DEVICES);
    eprintln!("planner {expected:.3}, emulator {observed:.3}");
    // Binomial standard error of the observed share; the planner's own error is ~7x smaller.
    let sigma = (expected * (1.0 - expected) / f64::from(DEVICES)).sqrt();
    assert!(
        (observed - expected).abs() < 4.0 * sigma,
        "planner {expected:.3}, emulator {observed:.3}, sigma {sigma:.3}"
    );
}
