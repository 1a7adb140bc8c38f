//! §8.1-8.3, 8.5: envelope, auth, uploads, monitoring, persistence, control surface — checked
//! with raw HTTPS requests so the exact bytes are visible.

use std::time::Duration;

use lorafota_emulator::config::{LockoutAnswer, LockoutPolicy, ScriptedOutcome};
use lorafota_emulator::{EmulatorConfig, TlsSetup, UserSpec};
use lorafota_gateway::api::auth::Role;
use lorafota_gateway::api::monitor::ApiShape;
use reqwest::Method;
use serde_json::json;

use crate::common::*;

const PROTECTED_GETS: [&str; 7] = [
    "/api/whoami",
    "/api/lora/fotaprogress",
    "/api/lora/fotaresults",
    "/api/lora/fotaschedule",
    "/api/lora/status",
    "/api/lora/devices",
    "/api/logout",
];

#[tokio::test]
async fn envelope_404_405_and_method_override() {
    let emu = start_seed().await;
    let raw = Raw::admin(&emu).await;
    raw.get("/api/nope").await.assert_error(404, "Not Found");
    raw.get("/").await.assert_error(404, "Not Found");
    raw.send(Method::PUT, "/api/lora/fota", None)
        .await
        .assert_error(405, "Method Not Allowed");
    raw.get("/api/lora/mcm")
        .await
        .assert_error(405, "Method Not Allowed");
    // Control surface is a 404 unless enabled.
    let off = start(EmulatorConfig {
        control_surface: false,
        ..config(ApiShape::Seed)
    })
    .await;
    Raw::new(&off)
        .get("/__emulator/clock")
        .await
        .assert_error(404, "Not Found");
    // ?method=POST&data=… schedules; ?method=DELETE cancels.
    let data = mcm_body().to_string();
    Raw::reply(
        raw.request(Method::GET, "/api/lora/mcm")
            .query(&[("method", "POST"), ("data", data.as_str())]),
    )
    .await
    .assert_ok();
    let name = format!("mcm_{}_0", T0_S + 3600);
    assert_eq!(
        raw.get("/api/lora/fotaschedule").await.assert_ok()["result"]["scheduled"][0]["filename"],
        name
    );
    raw.get(&format!("/api/lora/fotaschedule/{name}?method=DELETE"))
        .await
        .assert_ok();
    assert_eq!(
        raw.get("/api/lora/fotaschedule").await.assert_ok()["result"]["scheduled"],
        json!([])
    );
}

#[tokio::test]
async fn login_answers_and_token_transport() {
    let emu = start_seed().await;
    let mut raw = Raw::new(&emu);
    for path in PROTECTED_GETS {
        raw.get(path).await.assert_error(401, "Unauthorized");
    }
    raw.post("/api/lora/fota", fota_body())
        .await
        .assert_error(401, "Unauthorized");
    raw.upload(
        "/api/command/upload_lora_fota_file",
        "fotafile",
        Some("a"),
        vec![1],
    )
    .await
    .assert_error(401, "Unauthorized");
    raw.delete("/api/lora/fotaschedule/x")
        .await
        .assert_error(401, "Unauthorized");

    raw.post("/api/login", json!({"username": "admin"}))
        .await
        .assert_error(400, "Missing username or password");
    raw.post("/api/login", json!({}))
        .await
        .assert_error(400, "Missing username or password");
    raw.login("admin", "wrong")
        .await
        .assert_error(401, "Invalid username or password");
    raw.login("nobody", "x")
        .await
        .assert_error(401, "Invalid username or password");
    let r = raw.login(emu.username(), emu.password().expose()).await;
    let v = r.assert_ok();
    let res = &v["result"];
    let token = res["token"].as_str().unwrap();
    assert_eq!(token.len(), 32);
    assert!(
        token
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
    );
    assert_eq!(res["user"], "admin");
    assert_eq!(res["permission"], "admin");
    assert_eq!(res["address"], "127.0.0.1");
    assert!(res["port"].as_str().unwrap().parse::<u16>().is_ok());
    assert_eq!(res["timestamp"], "2027-01-14T08:00:00Z");
    assert_eq!(
        r.headers.get("set-cookie").unwrap(),
        &format!("token={token}; Path=/; SameSite=Strict; Secure; HttpOnly")
    );
    assert_eq!(raw.get("/api/whoami").await.assert_ok()["result"], *res);

    // Legacy logins: GET with query parameters, POST with query parameters.
    let q = format!("username=admin&password={}", emu.password().expose());
    Raw::reply(raw.http.get(format!("{}/api/login?{q}", emu.url())))
        .await
        .assert_ok();
    Raw::reply(raw.http.post(format!("{}/api/login?{q}", emu.url())))
        .await
        .assert_ok();

    // ?token= works; the cookie wins when both are given.
    let plain = raw_http(&emu);
    Raw::reply(plain.get(format!("{}/api/whoami?token={token}", emu.url())))
        .await
        .assert_ok();
    Raw::reply(
        plain
            .get(format!("{}/api/whoami?token=BAD", emu.url()))
            .header("cookie", format!("token={token}")),
    )
    .await
    .assert_ok();
    Raw::reply(
        plain
            .get(format!("{}/api/whoami?token={token}", emu.url()))
            .header("cookie", "token=BAD"),
    )
    .await
    .assert_error(401, "Unauthorized");

    // Logout clears the cookie and kills the token.
    let out = raw.post("/api/logout", json!({})).await;
    out.assert_ok();
    assert_eq!(out.json(), json!({"code": 200, "status": "success"}));
    assert!(
        out.headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    raw.get("/api/whoami")
        .await
        .assert_error(401, "Unauthorized");
    raw.get("/api/logout")
        .await
        .assert_error(401, "Unauthorized");
}

#[tokio::test]
async fn lockout_then_recovery() {
    let emu = start_seed().await;
    let mut raw = Raw::new(&emu);
    for _ in 0..3 {
        raw.login("admin", "wrong")
            .await
            .assert_error(401, "Invalid username or password");
    }
    // Locked: even the right password is refused.
    raw.login(emu.username(), emu.password().expose())
        .await
        .assert_error(403, "Too many failed login attempts");
    emu.clear_lockouts();
    raw.login(emu.username(), emu.password().expose())
        .await
        .assert_ok();

    // Drop-connection flavour; expires after the lockout window.
    let lockout = LockoutPolicy {
        fail_attempts: 2,
        lockout: Duration::from_millis(300),
        answer: LockoutAnswer::DropConnection,
    };
    let emu = start(EmulatorConfig {
        lockout,
        ..config(ApiShape::Seed)
    })
    .await;
    let mut raw = Raw::new(&emu);
    raw.login("admin", "x")
        .await
        .assert_error(401, "Invalid username or password");
    raw.login("admin", "x")
        .await
        .assert_error(401, "Invalid username or password");
    let body = json!({"username": "admin", "password": emu.password().expose()}).to_string();
    let dropped = raw
        .http
        .post(format!("{}/api/login", emu.url()))
        .body(body)
        .send()
        .await;
    assert!(
        dropped.is_err(),
        "locked-out login must lose its connection: {dropped:?}"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    raw.login(emu.username(), emu.password().expose())
        .await
        .assert_ok();
}

#[tokio::test]
async fn commissioning_and_single_address_rule() {
    let emu = start(EmulatorConfig {
        commissioned: false,
        single_address_login: true,
        ..config(ApiShape::Seed)
    })
    .await;
    let mut raw = Raw::new(&emu);
    assert_eq!(
        raw.get("/api/commissioning").await.assert_ok()["result"],
        json!({"commissioned": false})
    );
    raw.login(emu.username(), emu.password().expose())
        .await
        .assert_error(409, "Device is not commissioned");
    raw.post("/api/commissioning", json!({}))
        .await
        .assert_error(400, "Missing password");
    raw.post(
        "/api/commissioning",
        json!({"username": "admin", "password": "first-pw"}),
    )
    .await
    .assert_ok();
    raw.post("/api/commissioning", json!({"password": "again"}))
        .await
        .assert_error(409, "commissioning is finished");
    assert_eq!(
        raw.get("/api/commissioning").await.assert_ok()["result"],
        json!({"commissioned": true})
    );
    raw.login("admin", "first-pw").await.assert_ok();
    // Same user from another loopback address while the first session lives: 409.
    let mut other = Raw {
        http: raw_http_from(&emu, Some("127.0.0.2".parse().unwrap())),
        base: emu.url().to_owned(),
        token: None,
    };
    other
        .login("admin", "first-pw")
        .await
        .assert_error(409, "User already logged in from another address");
    raw.post("/api/logout", json!({})).await.assert_ok();
    let r = other.login("admin", "first-pw").await;
    r.assert_ok();
    assert_eq!(r.json()["result"]["address"], "127.0.0.2");
}

#[tokio::test]
async fn inactivity_expiry_and_inactivity_flag() {
    let emu = start(EmulatorConfig {
        session_timeout: Duration::from_millis(600),
        ..config(ApiShape::Seed)
    })
    .await;
    let a = Raw::admin(&emu).await;
    let b = Raw::admin(&emu).await;
    tokio::time::sleep(Duration::from_millis(350)).await;
    a.get("/api/lora/status").await.assert_ok(); // refreshes a
    b.get("/api/lora/status?inactivity=true").await.assert_ok(); // does not refresh b
    tokio::time::sleep(Duration::from_millis(350)).await;
    a.get("/api/lora/status").await.assert_ok();
    b.get("/api/lora/status")
        .await
        .assert_error(401, "Unauthorized");
    // Forced expiry through the control surface.
    let ctl = Raw::new(&emu);
    assert_eq!(
        ctl.post("/__emulator/expire_tokens", json!({"username": "admin"}))
            .await
            .assert_ok()["result"]["expired"],
        1
    );
    a.get("/api/lora/status")
        .await
        .assert_error(401, "Unauthorized");
}

#[tokio::test]
async fn upload_rules() {
    let emu = start(EmulatorConfig {
        max_upload_bytes: 1024,
        ..config(ApiShape::Seed)
    })
    .await;
    let raw = Raw::admin(&emu).await;
    let up = "/api/command/upload_lora_fota_file";
    raw.post(up, json!({"fotafile": "x"}))
        .await
        .assert_error(400, "Expected multipart/form-data");
    raw.upload(up, "file", Some("a.bin"), vec![1])
        .await
        .assert_error(400, "No file uploaded");
    raw.upload(up, "messagefile", Some("a.bin"), vec![1])
        .await
        .assert_error(400, "No file uploaded");
    raw.upload(up, "fotafile", None, vec![1])
        .await
        .assert_error(400, "Invalid file name");
    for bad in ["../a.bin", "a/b", "a\\b", "..", &"n".repeat(256)] {
        raw.upload(up, "fotafile", Some(bad), vec![1])
            .await
            .assert_error(400, "Invalid file name");
    }
    raw.upload(up, "fotafile", Some("a.bin"), vec![])
        .await
        .assert_error(400, "Uploaded file is empty");
    raw.upload(up, "fotafile", Some("a.bin"), vec![0; 1025])
        .await
        .assert_error(413, "File too large");
    raw.upload(up, "fotafile", Some("a.bin"), vec![0; 300_000])
        .await
        .assert_error(413, "File too large");
    raw.upload(up, "fotafile", Some("a.bin"), vec![1; 1024])
        .await
        .assert_ok();
    // Re-upload replaces; stored under the base name in the state directory.
    let r = raw.upload(up, "fotafile", Some("a.bin"), vec![2; 10]).await;
    assert_eq!(r.json(), json!({"code": 200, "status": "success"}));
    assert_eq!(
        std::fs::read(emu.state_dir().join("uploads/fota/a.bin")).unwrap(),
        vec![2; 10]
    );
    raw.upload(
        "/api/command/upload_lora_multicast",
        "messagefile",
        Some("m.bin"),
        vec![3; 5],
    )
    .await
    .assert_ok();
    assert!(emu.state_dir().join("uploads/multicast/m.bin").is_file());
    // The lenient switch accepts the other documented part name.
    let lenient = start(EmulatorConfig {
        lenient_upload_field: true,
        ..config(ApiShape::Seed)
    })
    .await;
    Raw::admin(&lenient)
        .await
        .upload(up, "file", Some("a.bin"), vec![1])
        .await
        .assert_ok();
}

#[tokio::test]
async fn job_lifecycle_seed_shape() {
    let emu = start_seed().await;
    emu.add_devices([lorafota_emulator::config::DeviceSpec::new(
        lorafota_core::Eui64::parse(DEV_C).unwrap(),
    )
    .with_outcome(ScriptedOutcome::Failed)]);
    let raw = Raw::admin(&emu).await;
    // Idle gateway.
    assert_eq!(
        raw.get("/api/lora/fotaprogress").await.assert_ok()["result"],
        json!({"overall_percent_complete": 0, "devices": []})
    );
    assert_eq!(
        raw.get("/api/lora/fotaresults").await.assert_ok()["result"],
        json!({"operations": []})
    );
    upload_fw(&raw).await;
    let body = json!({"transmission_type": "FOTA", "endDeviceDeveuis": [DEV_A, DEV_C], "multicastGroupID": 0,
        "fotaFile": "fw.bin", "scheduledTimeSinceUnixEpoch": T0_S + 100, "setupTimeFromScheduledTime": 20,
        "schedule_filename": "job1"});
    raw.post("/api/lora/fota", body).await.assert_ok();
    let list = raw.get("/api/lora/fotaschedule").await.assert_ok();
    assert_eq!(
        list["result"],
        json!({"scheduled": [{"filename": "job1", "type": "FOTA", "scheduled_time": "2027-01-14T08:01:40Z", "devices": 2}]})
    );
    let p = raw.get("/api/lora/fotaprogress").await.assert_ok()["result"].clone();
    assert_eq!(p["overall_percent_complete"], 0);
    assert_eq!(p["devices"][0]["status"], "pending");
    // Setup starts at +120 s: off the schedule list, SETUP 0 %, then 10 % once answers are in.
    emu.advance_clock(Duration::from_secs(120));
    assert_eq!(
        raw.get("/api/lora/fotaschedule").await.assert_ok()["result"],
        json!({"scheduled": []})
    );
    raw.delete("/api/lora/fotaschedule/job1")
        .await
        .assert_error(409, "Operation already started");
    let p = raw.get("/api/lora/fotaprogress").await.assert_ok()["result"].clone();
    assert_eq!(
        (
            p["current_phase"].as_str(),
            p["overall_percent_complete"].as_f64()
        ),
        (Some("SETUP"), Some(0.0))
    );
    emu.advance_clock(Duration::from_secs(31));
    assert_eq!(
        raw.get("/api/lora/fotaprogress").await.assert_ok()["result"]["overall_percent_complete"],
        10
    );
    // Launch at +60 s after setup: broadcasting between 10 and 90 %.
    emu.advance_clock(Duration::from_secs(31));
    let p = raw.get("/api/lora/fotaprogress").await.assert_ok()["result"].clone();
    assert_eq!(p["current_phase"], "BROADCASTING");
    let pct = p["overall_percent_complete"].as_f64().unwrap();
    assert!((10.0..90.0).contains(&pct), "{pct}");
    assert_eq!(p["devices"][0]["status"], "in_progress");
    // 1000 bytes = 5 fragments (1.5 s) + 1 parity (3 s) = 10.5 s; then 10 s teardown.
    emu.advance_clock(Duration::from_secs(12));
    let p = raw.get("/api/lora/fotaprogress").await.assert_ok()["result"].clone();
    assert_eq!(
        (
            p["current_phase"].as_str(),
            p["overall_percent_complete"].as_f64()
        ),
        (Some("TEARDOWN"), Some(90.0))
    );
    emu.advance_clock(Duration::from_secs(10));
    let r = raw.get("/api/lora/fotaresults").await.assert_ok()["result"].clone();
    let op = &r["operations"][0];
    assert_eq!(op["filename"], "job1");
    assert_eq!(
        (op["success"].as_u64(), op["failed"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        op["devices"][0],
        json!({"deveui": DEV_A, "status": "success"})
    );
    // Seed progress shows the last finished job at 100 % so the document's polling loop ends.
    assert_eq!(
        raw.get("/api/lora/fotaprogress").await.assert_ok()["result"]["overall_percent_complete"],
        100
    );
    raw.delete("/api/lora/fotaschedule/job1")
        .await
        .assert_error(409, "Operation already started");
    raw.delete("/api/lora/fotaschedule/nope")
        .await
        .assert_error(404, "Schedule file not found");
}

#[tokio::test]
async fn job_lifecycle_openapi_shape_and_no_answer() {
    let emu = start(config(ApiShape::Openapi)).await;
    emu.add_devices([lorafota_emulator::config::DeviceSpec::new(
        lorafota_core::Eui64::parse(DEV_B).unwrap(),
    )
    .with_outcome(ScriptedOutcome::NoAnswer)]);
    let raw = Raw::admin(&emu).await;
    assert_eq!(
        raw.get("/api/lora/fotaprogress").await.assert_ok()["result"],
        json!([])
    );
    assert_eq!(
        raw.get("/api/lora/fotaschedule").await.assert_ok()["result"],
        json!([])
    );
    let body = json!({"transmission_type": "Message", "endDeviceDeveuis": [DEV_B], "multicastGroupID": 2,
        "multicastMessage": {"messageFormat": "Hexadecimal", "messagePayload": "0102", "messagePort": 5}});
    raw.post("/api/lora/mcm", body).await.assert_ok();
    let p = raw.get("/api/lora/fotaprogress").await.assert_ok()["result"].clone();
    assert_eq!(p[0]["current_phase"], "SETUP");
    assert_eq!(p[0]["transmission_type"], "Message");
    assert_eq!(p[0]["input_filename"], "");
    assert_eq!(p[0]["multicast_eui"], "ff-ff-ff-ff-ff-ff-ff-02");
    // Nobody answered setup: straight from SETUP to TEARDOWN at launch.
    emu.advance_clock(Duration::from_secs(61));
    assert_eq!(
        raw.get("/api/lora/fotaprogress").await.assert_ok()["result"][0]["current_phase"],
        "TEARDOWN"
    );
    emu.advance_clock(Duration::from_secs(10));
    let r = raw.get("/api/lora/fotaresults").await.assert_ok()["result"].clone();
    assert_eq!(r[0]["success"], "0");
    assert_eq!(r[0]["failed"], "1");
    assert_eq!(r[0]["skipped"], "0");
    assert_eq!(r[0]["schedule_source"], "Conduit");
    assert_eq!(r[0]["result_filename"], format!("mcm_{T0_S}_0"));
    assert_eq!(r[0]["complete_time"], "2027-01-14T08:01:10Z");
    assert_eq!(r[0]["devices"][0]["reason"], "no answer to setup");
}

#[tokio::test]
async fn status_devices_and_control_surface() {
    let emu = start_seed().await;
    let raw = Raw::admin(&emu).await;
    let st = raw.get("/api/lora/status").await.assert_ok()["result"].clone();
    for k in [
        "lora-network-server",
        "lora-packet-forwarder",
        "lora-cloud-connector",
        "lora-basic-station",
        "lora-lens-server",
    ] {
        assert!(st.get(k).is_some(), "{k}");
    }
    let ctl = Raw::new(&emu);
    ctl.post(
        "/__emulator/devices",
        json!([{"deveui": "0011223344556677", "class": "A", "name": "pump"}]),
    )
    .await
    .assert_ok();
    ctl.post(
        "/__emulator/devices",
        json!({"deveui": "00:11:22:33:44:55:66:88"}),
    )
    .await
    .assert_ok();
    let devs = raw.get("/api/lora/devices").await.assert_ok()["result"].clone();
    assert!(
        devs.as_array()
            .unwrap()
            .contains(&json!({"deveui": "00-11-22-33-44-55-66-77", "name": "pump", "class": "A"}))
    );
    assert!(
        devs.as_array()
            .unwrap()
            .contains(&json!({"deveui": "00-11-22-33-44-55-66-88", "class": "C"}))
    );
    ctl.post(
        "/__emulator/users",
        json!({"username": "op", "password": "pw", "permission": "user"}),
    )
    .await
    .assert_ok();
    ctl.post(
        "/__emulator/users",
        json!({"username": "op", "password": "pw", "permission": "root"}),
    )
    .await
    .assert_error(400, "permission must be admin, user or guest");
    let mut op = Raw::new(&emu);
    assert_eq!(
        op.login("op", "pw").await.assert_ok()["result"]["permission"],
        "user"
    );
    ctl.post(
        "/__emulator/groups",
        json!({"groupeui": "bb-bb-bb-bb-bb-bb-bb-bb"}),
    )
    .await
    .assert_ok();
    let c = ctl
        .post("/__emulator/clock", json!({"advance_seconds": 10}))
        .await
        .assert_ok();
    assert_eq!(c["result"]["now_ms"], T0_MS + 10_000);
    assert_eq!(
        ctl.get("/__emulator/clock").await.assert_ok()["result"]["speed"],
        0.0
    );
    ctl.post("/__emulator/network_server", json!({"running": false}))
        .await
        .assert_ok();
    assert_eq!(
        raw.get("/api/lora/status").await.assert_ok()["result"]["lora-network-server"],
        0
    );
    ctl.post("/__emulator/faults", json!({"path": "/api/lora/devices", "fault": {"kind": "http_error", "status": 503}, "count": 2})).await.assert_ok();
    raw.get("/api/lora/devices")
        .await
        .assert_error(503, "Service Unavailable");
    ctl.delete("/__emulator/faults").await.assert_ok();
    raw.get("/api/lora/devices").await.assert_ok();
    ctl.post("/__emulator/lockouts/clear", json!({}))
        .await
        .assert_ok();
    ctl.post(
        "/__emulator/clock",
        json!({"nonsense": true, "advance_seconds": -1}),
    )
    .await
    .assert_error(400, "advance_seconds must be >= 0");
}

#[tokio::test]
async fn state_survives_restart() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = || EmulatorConfig {
        state_dir: Some(dir.path().to_owned()),
        users: vec![UserSpec::new("admin", "pw", Role::Admin)],
        ..config(ApiShape::Seed)
    };
    let emu = start(cfg()).await;
    let raw = Raw::admin(&emu).await;
    upload_fw(&raw).await;
    raw.post("/api/lora/fota", fota_body()).await.assert_ok();
    let now = json!({"transmission_type": "Message", "endDeviceDeveuis": [DEV_A], "multicastGroupID": 3, "schedule_filename": "done1",
        "multicastMessage": {"messageFormat": "Base64", "messagePayload": "AQI=", "messagePort": 3}});
    raw.post("/api/lora/mcm", now).await.assert_ok();
    emu.advance_clock(Duration::from_secs(300));
    emu.add_devices([lorafota_emulator::config::DeviceSpec::new(
        lorafota_core::Eui64::from_u64(0x42),
    )]);
    emu.stop().await;
    for f in ["jobs.json", "results.json", "devices.json"] {
        assert!(dir.path().join(f).is_file(), "{f}");
    }
    // Same directory, fresh process state: schedules, results, uploads and devices are back.
    let emu = start(EmulatorConfig {
        clock_start_ms: Some(T0_MS + 300_000),
        ..cfg()
    })
    .await;
    let raw = Raw::admin(&emu).await;
    assert_eq!(
        raw.get("/api/lora/fotaschedule").await.assert_ok()["result"]["scheduled"][0]["filename"],
        format!("fota_{}_0", T0_S + 3600)
    );
    assert_eq!(
        raw.get("/api/lora/fotaresults").await.assert_ok()["result"]["operations"][0]["filename"],
        "done1"
    );
    assert!(
        raw.get("/api/lora/devices")
            .await
            .text
            .contains("00-00-00-00-00-00-00-42")
    );
    // The upload persisted too: a second job on it is accepted.
    let again = json!({"transmission_type": "FOTA", "endDeviceDeveuis": [DEV_A], "multicastGroupID": 1, "fotaFile": "fw.bin",
        "scheduledTimeSinceUnixEpoch": T0_S + 7200});
    raw.post("/api/lora/fota", again).await.assert_ok();
}

#[tokio::test]
async fn plain_http_option() {
    let emu = start(EmulatorConfig {
        tls: TlsSetup::PlainHttp,
        ..config(ApiShape::Seed)
    })
    .await;
    assert!(emu.url().starts_with("http://"));
    assert!(emu.cert_pem().is_none() && emu.fingerprint().is_none());
    let mut raw = Raw::new(&emu);
    let r = raw.login(emu.username(), emu.password().expose()).await;
    r.assert_ok();
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(!cookie.contains("Secure"), "{cookie}");
    raw.get("/api/lora/status").await.assert_ok();
    // The client speaks plain HTTP too (no trust store needed).
    let c = lorafota_gateway::GatewayClient::builder()
        .base_url(emu.url())
        .credentials(emu.username(), emu.password().clone())
        .build()
        .unwrap();
    assert!(c.status().await.unwrap().network_server_running());
}
