//! The client against the in-process emulator over HTTPS with a pinned certificate.

use std::time::Duration;

use lorafota_core::Eui64;
use lorafota_core::units::TimeoutExponent;
use lorafota_emulator::config::{DeviceSpec, ScriptedOutcome};
use lorafota_emulator::{Fault, FaultRule};
use lorafota_gateway::api::monitor::{ApiShape, DeviceOutcome, Phase};
use lorafota_gateway::api::params::{
    DeviceEuis, FragDescriptor, GroupTarget, MessagePayload, MessagePort, MulticastGroupId,
    ParamError, ScheduleFilename,
};
use lorafota_gateway::api::schedule::{FotaJob, McmJob, Timing, TransmissionType};
use lorafota_gateway::{Error, GatewayClient, JobUpdate, RetryPolicy};

use crate::common::*;

fn group(id: i64) -> GroupTarget {
    GroupTarget::Id(MulticastGroupId::new(id).unwrap())
}

fn fota_job(file: &str, gid: i64) -> FotaJob {
    // Any EUI spelling goes in; the wire gets the dashed lower-case form.
    FotaJob::new(
        DeviceEuis::parse(["008000FF00000002", "00:80:00:00:0A:00:11:BA"]).unwrap(),
        group(gid),
        file,
    )
    .unwrap()
    .descriptor(FragDescriptor::parse_hex("0001020304").unwrap())
}

fn mcm_job(gid: i64) -> McmJob {
    McmJob::new(
        DeviceEuis::parse([DEV_A]).unwrap(),
        group(gid),
        MessagePayload::hex("48656c6c6f", 242).unwrap(),
        MessagePort::new(10).unwrap(),
        TimeoutExponent::new(5).unwrap(),
    )
}

fn in_an_hour() -> Timing {
    Timing {
        scheduled_at: Some(T0_S + 3600),
        ..Timing::default()
    }
}

#[tokio::test]
async fn every_endpoint_through_the_client() {
    let emu = start(config(ApiShape::Openapi)).await;
    let c = client(&emu);
    // Lazy login: the first call logs in.
    let me = c.whoami().await.unwrap();
    assert_eq!(me.user, "admin");
    assert_eq!(me.role(), Some(lorafota_gateway::api::auth::Role::Admin));
    assert!(c.commissioning_status().await.unwrap().commissioned);
    assert!(c.status().await.unwrap().network_server_running());
    assert!(c.devices().await.unwrap().iter().any(|d| d.deveui == DEV_A));

    let dir = tempfile::tempdir().unwrap();
    let fw = dir.path().join("fw.bin");
    std::fs::write(&fw, vec![9u8; 2000]).unwrap();
    let up = c.upload_fota_file(&fw).await.unwrap();
    assert_eq!((up.name.as_str(), up.len), ("fw.bin", 2000));
    let msg = dir.path().join("msg.bin");
    std::fs::write(&msg, b"hello").unwrap();
    c.upload_multicast_file(&msg).await.unwrap();
    c.upload_fota_bytes("mem.bin", vec![1, 2, 3]).await.unwrap();

    let name = c
        .schedule(fota_job("fw.bin", 0).timing(in_an_hour()))
        .await
        .unwrap();
    assert!(name.as_str().starts_with("lf_fota_"), "{name}");
    let list = c.schedule_list().await.unwrap();
    assert_eq!(list.shape, ApiShape::Openapi);
    let entry = &list.jobs[0];
    assert_eq!(entry.schedule_filename.as_deref(), Some(name.as_str()));
    assert_eq!(entry.devices, [DEV_A, DEV_B]);
    assert_eq!(entry.scheduled_time, Some(T0_S as i64 + 3600));
    assert_eq!(entry.transmission_type, Some(TransmissionType::Fota));
    // Both descriptor forms went out (the emulator refuses them if they disagree).
    let raw = Raw::admin(&emu).await;
    let stored = raw.get("/api/lora/fotaschedule").await.assert_ok()["result"][0].clone();
    assert_eq!(
        (
            stored["fragmentDesc"].as_str(),
            stored["fotaDescriptor"].as_u64()
        ),
        (Some("01020304"), Some(16_909_060))
    );
    assert!(matches!(
        c.locate(name.as_str()).await.unwrap(),
        Some(JobUpdate::Scheduled)
    ));
    c.cancel(&name).await.unwrap();
    assert!(c.schedule_list().await.unwrap().jobs.is_empty());
    let err = c.cancel(&name).await.unwrap_err();
    let g = err.gateway().unwrap();
    assert_eq!(
        (g.http_status, g.code, g.status.as_str(), g.message.as_str()),
        (404, 404, "fail", "Schedule file not found")
    );
    assert_eq!(
        g.body,
        r#"{"code":404,"status":"fail","error":"Schedule file not found"}"#
    );

    // A Binary multicast with our own name, then progress and results in the OpenAPI shape.
    let own = ScheduleFilename::new("my_job").unwrap();
    let bin = McmJob::new(
        DeviceEuis::parse([DEV_A]).unwrap(),
        group(1),
        MessagePayload::file("msg.bin").unwrap(),
        MessagePort::new(220).unwrap(),
        TimeoutExponent::MAX,
    )
    .schedule_filename(own.clone());
    assert_eq!(c.schedule(bin).await.unwrap(), own);
    let p = c.progress().await.unwrap();
    assert_eq!(p.shape, ApiShape::Openapi);
    let job = p.job("my_job").unwrap();
    assert_eq!(job.phase, Some(Phase::Setup));
    assert_eq!(job.input_filename.as_deref(), Some("msg.bin"));
    emu.advance_clock(Duration::from_secs(120));
    let r = c.results().await.unwrap();
    let op = r.find("my_job").unwrap();
    assert_eq!((op.success, op.failed, op.skipped), (1, 0, Some(0)));
    assert_eq!(op.devices[0].outcome(), DeviceOutcome::Success);
    assert_eq!(op.transmission_type, Some(TransmissionType::Message));

    c.logout().await.unwrap();
    // Logged out: the next call logs in again by itself.
    assert_eq!(c.whoami().await.unwrap().user, "admin");
}

#[tokio::test]
async fn run_fota_and_run_multicast_in_both_shapes() {
    for shape in [ApiShape::Seed, ApiShape::Openapi] {
        let emu = start(lorafota_emulator::EmulatorConfig {
            clock_speed: 2000.0,
            clock_start_ms: None,
            ..config(shape)
        })
        .await;
        emu.add_devices([
            DeviceSpec::new(Eui64::parse(DEV_B).unwrap()).with_outcome(ScriptedOutcome::Skipped)
        ]);
        let c = client(&emu);
        let dir = tempfile::tempdir().unwrap();
        let fw = dir.path().join("image.bin");
        std::fs::write(&fw, vec![1u8; 700]).unwrap();
        let fast = Timing {
            launch_delay: Some(Duration::from_secs(4)),
            ..Timing::default()
        };
        let r = c
            .run_fota(
                &fw,
                fota_job("image.bin", 0).timing(fast),
                Some(Duration::from_millis(10)),
                Some(Duration::from_secs(20)),
            )
            .await
            .unwrap();
        assert_eq!((r.success, r.failed), (1, 0), "{shape:?}");
        assert_eq!(r.skipped, Some(1));
        let m = c
            .run_multicast(
                mcm_job(2).timing(fast),
                None,
                Some(Duration::from_millis(10)),
                Some(Duration::from_secs(20)),
            )
            .await
            .unwrap();
        assert_eq!(m.success, 1);
        // A Binary payload needs its local file.
        let bin = McmJob::new(
            DeviceEuis::parse([DEV_A]).unwrap(),
            group(3),
            MessagePayload::file("m.bin").unwrap(),
            MessagePort::new(1).unwrap(),
            TimeoutExponent::new(0).unwrap(),
        );
        assert!(matches!(
            c.run_multicast(bin.clone(), None, None, None).await,
            Err(Error::InvalidArgument(_))
        ));
        let mfile = dir.path().join("m.bin");
        std::fs::write(&mfile, b"\x01\x02").unwrap();
        let m = c
            .run_multicast(
                bin.timing(fast),
                Some(&mfile),
                Some(Duration::from_millis(10)),
                None,
            )
            .await
            .unwrap();
        assert_eq!(m.success, 1);
        // The upload name must match the job's file.
        let wrong = c
            .run_fota(&fw, fota_job("other.bin", 0), None, None)
            .await
            .unwrap_err();
        assert!(
            matches!(wrong, Error::InvalidArgument(ParamError::FileName(_))),
            "{wrong}"
        );
    }
}

#[tokio::test]
async fn progress_watch_reports_every_stage() {
    let emu = start_seed().await;
    let c = client(&emu);
    c.upload_fota_bytes("fw.bin", vec![0; 500]).await.unwrap();
    let name = c
        .schedule(fota_job("fw.bin", 0).timing(Timing {
            scheduled_at: Some(T0_S + 10),
            ..Timing::default()
        }))
        .await
        .unwrap();
    let mut w = c.watch(&name, Some(Duration::from_millis(1)));
    assert!(matches!(w.next().await, Some(Ok(JobUpdate::Scheduled))));
    emu.advance_clock(Duration::from_secs(72));
    match w.next().await {
        Some(Ok(JobUpdate::Running(p))) => {
            assert_eq!(p.phase, Some(Phase::Broadcasting));
            assert_eq!(p.schedule_filename.as_deref(), Some(name.as_str()));
            assert_eq!(p.devices.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    emu.advance_clock(Duration::from_secs(600));
    assert!(matches!(w.next().await, Some(Ok(JobUpdate::Finished(r))) if r.success == 2));
    assert!(w.next().await.is_none());
    // A stream too; and a deadline that passes.
    let name2 = c.schedule(mcm_job(1).timing(in_an_hour())).await.unwrap();
    use futures_util::StreamExt as _;
    let first: Vec<_> = c
        .watch(&name2, Some(Duration::from_millis(1)))
        .into_stream()
        .take(2)
        .collect()
        .await;
    assert!(first.iter().all(|u| matches!(u, Ok(JobUpdate::Scheduled))));
    let late = c
        .wait_for(
            &name2,
            Some(Duration::from_millis(5)),
            Some(Duration::from_millis(30)),
        )
        .await
        .unwrap_err();
    assert!(matches!(late, Error::WaitTimedOut { .. }), "{late}");
    // A cancelled job is reported as gone.
    c.cancel(&name2).await.unwrap();
    assert!(matches!(
        c.wait_for(&name2, None, None).await,
        Err(Error::JobNotFound { .. })
    ));
}

#[tokio::test]
async fn relogin_once_on_401() {
    let emu = start_seed().await;
    let c = client(&emu);
    let first = c.login().await.unwrap();
    emu.expire_sessions(None);
    let again = c.whoami().await.unwrap();
    assert_ne!(first.token, again.token, "a new session was opened");
    // Concurrent requests after an expiry share one re-login.
    emu.expire_sessions(None);
    let (a, b) = tokio::join!(c.progress(), c.results());
    a.unwrap();
    b.unwrap();
}

#[tokio::test]
async fn auth_failures_are_typed() {
    let emu = start_seed().await;
    let wrong = GatewayClient::builder()
        .base_url(emu.url())
        .credentials("admin", "nope")
        .pin_certificate_sha256(&emu.fingerprint_hex().unwrap())
        .build()
        .unwrap();
    let e = wrong.status().await.unwrap_err();
    assert!(e.is_unauthorized(), "{e}");
    assert_eq!(e.gateway().unwrap().message, "Invalid username or password");
    // No credentials at all.
    let none = GatewayClient::builder()
        .base_url(emu.url())
        .pin_certificate_sha256_bytes(emu.fingerprint().unwrap())
        .build()
        .unwrap();
    if std::env::var(lorafota_gateway::ENV_USER).is_err() {
        assert!(matches!(
            none.status().await,
            Err(Error::MissingCredentials)
        ));
    }
    // The commissioning status needs no login.
    assert!(none.commissioning_status().await.unwrap().commissioned);
    // A file that is not there.
    let c = client(&emu);
    assert!(matches!(
        c.upload_fota_file("/nonexistent/fw.bin").await,
        Err(Error::File { .. })
    ));
    // Server-side validation errors come back whole.
    let e = c
        .schedule(fota_job("never-uploaded.bin", 0))
        .await
        .unwrap_err();
    let g = e.gateway().unwrap();
    assert_eq!(
        (g.code, g.message.as_str()),
        (404, "FOTA file not found. Upload file first.")
    );
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    let emu = start_seed().await;
    let c = client(&emu);
    let session = c.login().await.unwrap();
    let token = session.token.expose().to_owned();
    let password = emu.password().expose().to_owned();
    for text in [
        format!("{session:?}"),
        format!("{c:?}"),
        format!("{:?}", c.whoami().await.unwrap()),
    ] {
        assert!(
            !text.contains(&token) && !text.contains(&password),
            "{text}"
        );
    }
    let builder = GatewayClient::builder()
        .base_url(emu.url())
        .credentials("admin", password.as_str());
    assert!(!format!("{builder:?}").contains(&password));
    let e = c.schedule(fota_job("x.bin", 0)).await.unwrap_err();
    assert!(!format!("{e:?}{e}").contains(&token));
}

#[tokio::test]
async fn reads_retry_on_5xx_and_dropped_connections() {
    let emu = start_seed().await;
    let c = client(&emu);
    c.login().await.unwrap();
    let rule = |fault, count| FaultRule {
        method: Some("GET".into()),
        path: "/api/lora/fotaresults".into(),
        fault,
        count,
    };
    emu.inject_fault(rule(Fault::HttpError { status: 503 }, 2));
    c.results().await.unwrap();
    emu.inject_fault(rule(Fault::DropConnection, 1));
    c.results().await.unwrap();
    emu.inject_fault(rule(Fault::LoseAnswer, 2));
    c.results().await.unwrap();
    // More failures than attempts: the last answer comes back whole.
    emu.inject_fault(rule(Fault::HttpError { status: 502 }, 5));
    let e = c.results().await.unwrap_err();
    assert_eq!(e.http_status(), Some(502));
    assert_eq!(e.gateway().unwrap().message, "Bad Gateway");
    emu.clear_faults();
    // With retries off, one 503 is final.
    let once = GatewayClient::builder()
        .base_url(emu.url())
        .credentials(emu.username(), emu.password().clone())
        .pin_certificate_sha256_bytes(emu.fingerprint().unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    once.login().await.unwrap();
    emu.inject_fault(rule(Fault::HttpError { status: 503 }, 1));
    assert_eq!(once.results().await.unwrap_err().http_status(), Some(503));
}

#[tokio::test]
async fn schedules_are_never_resent_blindly() {
    let emu = start_seed().await;
    let c = client(&emu);
    c.login().await.unwrap();
    let post = |fault| FaultRule {
        method: Some("POST".into()),
        path: "/api/lora/mcm".into(),
        fault,
        count: 1,
    };
    // 5xx on a POST: not retried.
    emu.inject_fault(post(Fault::HttpError { status: 503 }));
    assert_eq!(
        c.schedule(mcm_job(0).timing(in_an_hour()))
            .await
            .unwrap_err()
            .http_status(),
        Some(503)
    );
    assert!(c.schedule_list().await.unwrap().jobs.is_empty());
    // The job lands but the answer is lost: the client finds it and does not send it again.
    emu.inject_fault(post(Fault::LoseAnswer));
    let name = c.schedule(mcm_job(0).timing(in_an_hour())).await.unwrap();
    let list = c.schedule_list().await.unwrap();
    assert_eq!(list.jobs.len(), 1);
    assert!(list.contains(name.as_str()));
    // Lost answer of an immediate job: it is already running, found in progress.
    emu.inject_fault(post(Fault::LoseAnswer));
    let now = c.schedule(mcm_job(1)).await.unwrap();
    assert!(matches!(
        c.locate(now.as_str()).await.unwrap(),
        Some(JobUpdate::Running(_))
    ));
    emu.advance_clock(Duration::from_secs(120));
    // The request never arrived (dropped before handling): not found anywhere, so sent once more.
    emu.inject_fault(post(Fault::DropConnection));
    let name2 = c
        .schedule(mcm_job(2).timing(Timing {
            scheduled_at: Some(T0_S + 7200),
            ..Timing::default()
        }))
        .await
        .unwrap();
    assert!(c.schedule_list().await.unwrap().contains(name2.as_str()));
    // If the gateway cannot be asked afterwards, the outcome is reported as unknown.
    emu.inject_fault(post(Fault::LoseAnswer));
    emu.inject_fault(FaultRule {
        method: Some("GET".into()),
        path: "/api/lora/fotaschedule".into(),
        fault: Fault::HttpError { status: 500 },
        count: 10,
    });
    let e = c
        .schedule(mcm_job(3).timing(Timing {
            scheduled_at: Some(T0_S + 9000),
            ..Timing::default()
        }))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::ScheduleOutcomeUnknown { .. }), "{e}");
}

#[tokio::test]
async fn tls_pinning_and_trust_modes() {
    let a = start_seed().await;
    let b = start_seed().await;
    let pinned_to_a = |url: &str| {
        GatewayClient::builder()
            .base_url(url)
            .credentials("admin", "x")
            .pin_certificate_sha256(&a.fingerprint_hex().unwrap())
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    };
    // Pinned to A, talking to B: a clear TLS error naming both fingerprints.
    let e = pinned_to_a(b.url()).status().await.unwrap_err();
    match &e {
        Error::Tls { message } => {
            assert!(message.contains("does not match the pinned"), "{message}");
            assert!(message.contains(&a.fingerprint_hex().unwrap()), "{message}");
            assert!(message.contains(&b.fingerprint_hex().unwrap()), "{message}");
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    assert!(e.to_string().starts_with("TLS error:"), "{e}");
    // Pinning by PEM, trusting the certificate as a CA, and the loud insecure mode all work.
    let base = || {
        GatewayClient::builder()
            .base_url(a.url())
            .credentials(a.username(), a.password().clone())
    };
    base()
        .pin_certificate_pem(a.cert_pem().unwrap().as_bytes().to_vec())
        .build()
        .unwrap()
        .status()
        .await
        .unwrap();
    base()
        .tls_ca_pem(a.cert_pem().unwrap().as_bytes().to_vec())
        .build()
        .unwrap()
        .status()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    a.write_cert_pem(&ca).unwrap();
    base()
        .tls_ca_file(&ca)
        .build()
        .unwrap()
        .status()
        .await
        .unwrap();
    base()
        .danger_accept_any_certificate_insecure()
        .build()
        .unwrap()
        .status()
        .await
        .unwrap();
    // B's certificate as CA does not vouch for A; system roots do not know a self-signed one.
    let e = base()
        .tls_ca_pem(b.cert_pem().unwrap().as_bytes().to_vec())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .status()
        .await;
    assert!(matches!(e, Err(Error::Tls { .. })), "{e:?}");
    match base().tls_system_roots().retry(RetryPolicy::none()).build() {
        Ok(c) => assert!(matches!(c.status().await, Err(Error::Tls { .. }))),
        Err(e) => assert!(matches!(e, Error::Config(_))),
    }
    // Configuration errors.
    assert!(matches!(
        base().pin_certificate_sha256("12:34").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        GatewayClient::builder().base_url("ftp://x").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        base().tls_ca_file("/nonexistent.pem").build(),
        Err(Error::File { .. })
    ));
    assert!(matches!(
        base().tls_ca_pem(b"not pem".to_vec()).build(),
        Err(Error::Config(_))
    ));
}

#[test]
fn blocking_facade() {
    // The emulator runs on its own runtime; the blocking client on the test thread.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(start_seed());
    let c = lorafota_gateway::blocking::GatewayClient::builder()
        .base_url(emu.url())
        .credentials(emu.username(), emu.password().clone())
        .pin_certificate_sha256(&emu.fingerprint_hex().unwrap())
        .build_blocking()
        .unwrap();
    assert_eq!(c.whoami().unwrap().user, "admin");
    c.status().unwrap();
    c.devices().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let fw = dir.path().join("fw.bin");
    std::fs::write(&fw, vec![5u8; 300]).unwrap();
    c.upload_fota_file(&fw).unwrap();
    let name = c.schedule(fota_job("fw.bin", 0)).unwrap();
    let mut updates = c.watch(&name, Some(Duration::from_millis(1)));
    assert!(matches!(updates.next(), Some(Ok(JobUpdate::Running(_)))));
    emu.advance_clock(Duration::from_secs(600));
    let last = updates.last().unwrap().unwrap();
    assert!(
        matches!(last, JobUpdate::Finished(ref r) if r.success == 2),
        "{last:?}"
    );
    assert_eq!(c.results().unwrap().operations.len(), 1);
    assert!(c.progress().unwrap().jobs[0].percent >= 100.0);
    assert!(c.schedule_list().unwrap().jobs.is_empty());
    c.logout().unwrap();
    // Inside a runtime it refuses instead of blocking an executor thread.
    let inside = rt.block_on(async { c.status() });
    assert!(matches!(inside, Err(Error::Config(_))));
    rt.block_on(emu.stop());
}

/// Run by [`env_vars_supply_url_and_credentials`] in a child process with the variables set
/// (setting them in this process would race the other tests).
#[tokio::test]
#[ignore = "run in a child process by env_vars_supply_url_and_credentials"]
async fn env_child() {
    let Ok(pin) = std::env::var("LORAFOTA_TEST_PIN") else {
        return;
    };
    let c = GatewayClient::builder()
        .pin_certificate_sha256(&pin)
        .build()
        .unwrap();
    assert_eq!(c.whoami().await.unwrap().user, "admin");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn env_vars_supply_url_and_credentials() {
    let emu = start_seed().await;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "client::env_child",
            "--ignored",
            "--test-threads",
            "1",
        ])
        .env(lorafota_gateway::ENV_URL, emu.url())
        .env(lorafota_gateway::ENV_USER, emu.username())
        .env(lorafota_gateway::ENV_PASSWORD, emu.password().expose())
        .env("LORAFOTA_TEST_PIN", emu.fingerprint_hex().unwrap())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
