//! §8.4: every validation rule of `/api/lora/fota` and `/api/lora/mcm`, its exact answer, and
//! that only the first failure is reported.

use lorafota_emulator::config::UnknownDevicePolicy;
use lorafota_gateway::api::auth::Role;
use lorafota_gateway::api::monitor::ApiShape;
use serde_json::{Value, json};

use crate::common::*;

fn set(mut v: Value, path: &[&str], new: Value) -> Value {
    let mut cur = &mut v;
    for (i, k) in path.iter().enumerate() {
        if i + 1 == path.len() {
            cur[*k] = new.clone();
        } else {
            cur = &mut cur[*k];
        }
    }
    v
}

fn without(mut v: Value, path: &[&str]) -> Value {
    let mut cur = &mut v;
    for k in &path[..path.len() - 1] {
        cur = &mut cur[*k];
    }
    cur.as_object_mut().unwrap().remove(path[path.len() - 1]);
    v
}

#[tokio::test]
async fn fota_rules_in_order() {
    let emu = start_seed().await;
    let raw = Raw::admin(&emu).await;
    upload_fw(&raw).await;
    let b = fota_body;
    let nonneg = |f: &str| format!("{f} must be a non-negative integer");
    let cases: Vec<(Value, u16, String)> = vec![
        (json!([1, 2]), 400, "Invalid JSON".into()),
        (
            without(b(), &["transmission_type"]),
            400,
            "transmission_type must be FOTA".into(),
        ),
        (
            set(b(), &["transmission_type"], json!("Message")),
            400,
            "transmission_type must be FOTA".into(),
        ),
        (
            without(b(), &["endDeviceDeveuis"]),
            400,
            "endDeviceDeveuis must not be empty".into(),
        ),
        (
            set(b(), &["endDeviceDeveuis"], json!([])),
            400,
            "endDeviceDeveuis must not be empty".into(),
        ),
        (
            set(b(), &["endDeviceDeveuis"], json!(DEV_A)),
            400,
            "Invalid device EUI format".into(),
        ),
        (
            set(b(), &["endDeviceDeveuis"], json!(["008000ff00000002"])),
            400,
            "Invalid device EUI format".into(),
        ),
        (
            set(
                b(),
                &["endDeviceDeveuis"],
                json!(["00:80:00:ff:00:00:00:02"]),
            ),
            400,
            "Invalid device EUI format".into(),
        ),
        (
            set(b(), &["endDeviceDeveuis"], json!([2])),
            400,
            "Invalid device EUI format".into(),
        ),
        (
            set(
                b(),
                &["endDeviceDeveuis"],
                json!(["00-80-00-FF-00-00-00-02", DEV_A]),
            ),
            400,
            format!("Duplicate device EUI: {DEV_A}"),
        ),
        (
            set(
                b(),
                &["endDeviceDeveuis"],
                json!(["00-00-00-00-00-00-00-99"]),
            ),
            404,
            "Device not found: 00-00-00-00-00-00-00-99".into(),
        ),
        // First failure only: a bad EUI hides the bad group and the missing file.
        (
            set(
                set(without(b(), &["fotaFile"]), &["multicastGroupID"], json!(9)),
                &["endDeviceDeveuis"],
                json!(["x"]),
            ),
            400,
            "Invalid device EUI format".into(),
        ),
        (
            set(b(), &["multicastDeveui"], json!("aa-aa-aa-aa-aa-aa-aa-aa")),
            404,
            "Multicast group not found".into(),
        ),
        (
            without(b(), &["multicastGroupID"]),
            400,
            "Multicast group ID must be 0-3".into(),
        ),
        (
            set(b(), &["multicastGroupID"], json!(4)),
            400,
            "Multicast group ID must be 0-3".into(),
        ),
        (
            set(b(), &["multicastGroupID"], json!(-1)),
            400,
            "Multicast group ID must be 0-3".into(),
        ),
        (
            set(b(), &["multicastGroupID"], json!("0")),
            400,
            "Multicast group ID must be 0-3".into(),
        ),
        (
            set(b(), &["scheduledTimeSinceUnixEpoch"], json!(-5)),
            400,
            nonneg("scheduledTimeSinceUnixEpoch"),
        ),
        (
            set(b(), &["scheduledTimeSinceUnixEpoch"], json!("soon")),
            400,
            nonneg("scheduledTimeSinceUnixEpoch"),
        ),
        (
            set(b(), &["setupTimeFromScheduledTime"], json!(1.5)),
            400,
            nonneg("setupTimeFromScheduledTime"),
        ),
        (
            set(b(), &["launchTimeFromSetupTime"], json!(-60)),
            400,
            nonneg("launchTimeFromSetupTime"),
        ),
        (
            set(b(), &["schedule_filename"], json!("bad/name")),
            400,
            "Invalid schedule_filename".into(),
        ),
        (
            set(b(), &["schedule_filename"], json!("x".repeat(65))),
            400,
            "Invalid schedule_filename".into(),
        ),
        (
            set(b(), &["schedule_filename"], json!(7)),
            400,
            "Invalid schedule_filename".into(),
        ),
        (
            set(b(), &["keep_log"], json!("yes")),
            400,
            "keep_log must be boolean".into(),
        ),
        (
            set(b(), &["sleep_time"], json!(-1)),
            400,
            nonneg("sleep_time"),
        ),
        (
            set(b(), &["ssleep_time"], json!("1")),
            400,
            nonneg("ssleep_time"),
        ),
        (
            set(b(), &["psleep_time"], json!(0.5)),
            400,
            nonneg("psleep_time"),
        ),
        (
            set(b(), &["parity_fragments_per_session"], json!(-2)),
            400,
            nonneg("parity_fragments_per_session"),
        ),
        (
            set(b(), &["max_packet_size"], json!(true)),
            400,
            nonneg("max_packet_size"),
        ),
        (
            without(b(), &["fotaFile"]),
            400,
            "fotaFile is required".into(),
        ),
        (
            set(b(), &["fotaFile"], json!("")),
            400,
            "fotaFile is required".into(),
        ),
        (
            set(b(), &["fotaFile"], json!("other.bin")),
            404,
            "FOTA file not found. Upload file first.".into(),
        ),
        (
            set(b(), &["fotaFile"], json!("../fw.bin")),
            404,
            "FOTA file not found. Upload file first.".into(),
        ),
        (
            set(b(), &["fragmentDesc"], json!("0102030405")),
            400,
            "fragmentDesc must be a hex value of at most 4 bytes".into(),
        ),
        (
            set(b(), &["fragmentDesc"], json!("xyz")),
            400,
            "fragmentDesc must be a hex value of at most 4 bytes".into(),
        ),
        (
            set(b(), &["fragmentDesc"], json!(5)),
            400,
            "fragmentDesc must be a hex value of at most 4 bytes".into(),
        ),
        (
            set(b(), &["fotaDescriptor"], json!(4_294_967_296_u64)),
            400,
            "fotaDescriptor out of range".into(),
        ),
        (
            set(b(), &["fotaDescriptor"], json!(-1)),
            400,
            "fotaDescriptor out of range".into(),
        ),
        (
            set(
                set(b(), &["fragmentDesc"], json!("01")),
                &["fotaDescriptor"],
                json!(2),
            ),
            400,
            "fragmentDesc and fotaDescriptor disagree".into(),
        ),
    ];
    for (body, code, msg) in cases {
        let r = raw.post("/api/lora/fota", body.clone()).await;
        assert_eq!(
            (r.status, r.json()["error"].as_str().unwrap_or_default()),
            (code, msg.as_str()),
            "body {body}"
        );
        r.assert_error(code, &msg);
    }
    raw.post_bytes("/api/lora/fota", b"{not json")
        .await
        .assert_error(400, "Invalid JSON");
    // Nothing above was stored.
    assert_eq!(
        raw.get("/api/lora/fotaschedule").await.assert_ok()["result"],
        json!({"scheduled": []})
    );

    // The seed document's request (both descriptor forms, 10 hex digits) is accepted; the
    // answer is exactly the documented one.
    let doc = set(
        set(
            set(b(), &["fragmentDesc"], json!("0001020304")),
            &["fotaDescriptor"],
            json!(16_909_060),
        ),
        &["keep_log"],
        json!(true),
    );
    let r = raw.post("/api/lora/fota", doc).await;
    assert_eq!(
        r.json(),
        json!({"code": 200, "status": "success", "result": {"status": "success"}})
    );
    // Default name fota_<scheduled>_<setup> is now taken.
    raw.post("/api/lora/fota", set(b(), &["multicastGroupID"], json!(3)))
        .await
        .assert_error(409, "Schedule file already exists");
    // Same group, overlapping window.
    raw.post(
        "/api/lora/fota",
        set(b(), &["schedule_filename"], json!("other")),
    )
    .await
    .assert_error(409, "Operation already in progress");
    // Other group: fine. A known group EUI instead of an ID: fine.
    raw.post(
        "/api/lora/fota",
        set(
            set(b(), &["schedule_filename"], json!("g2")),
            &["multicastGroupID"],
            json!(2),
        ),
    )
    .await
    .assert_ok();
    emu.add_group(lorafota_core::Eui64::parse("aa-aa-aa-aa-aa-aa-aa-aa").unwrap());
    let by_eui = set(
        without(
            set(b(), &["schedule_filename"], json!("ge")),
            &["multicastGroupID"],
        ),
        &["multicastDeveui"],
        json!("AAAAAAAAAAAAAAAA"),
    );
    raw.post("/api/lora/fota", by_eui).await.assert_ok();
    // Absurd but well-formed times do not upset the server.
    let far = set(
        set(
            set(b(), &["schedule_filename"], json!("far")),
            &["scheduledTimeSinceUnixEpoch"],
            json!(u64::MAX),
        ),
        &["multicastGroupID"],
        json!(1),
    );
    raw.post(
        "/api/lora/fota",
        set(far, &["launchTimeFromSetupTime"], json!(u64::MAX)),
    )
    .await
    .assert_ok();
    raw.get("/api/lora/fotaschedule").await.assert_ok();
    // A running job makes every new schedule busy.
    emu.advance_clock(std::time::Duration::from_secs(3600));
    raw.post(
        "/api/lora/fota",
        set(
            set(b(), &["schedule_filename"], json!("late")),
            &["scheduledTimeSinceUnixEpoch"],
            json!(T0_S + 90_000),
        ),
    )
    .await
    .assert_error(409, "Operation already in progress");
}

#[tokio::test]
async fn mcm_rules_in_order() {
    let emu = start(lorafota_emulator::EmulatorConfig {
        max_upload_bytes: 1024,
        ..config(ApiShape::Openapi)
    })
    .await;
    let raw = Raw::admin(&emu).await;
    raw.upload(
        "/api/command/upload_lora_multicast",
        "messagefile",
        Some("big.bin"),
        vec![1; 300],
    )
    .await
    .assert_ok();
    raw.upload(
        "/api/command/upload_lora_multicast",
        "messagefile",
        Some("msg.bin"),
        vec![1; 20],
    )
    .await
    .assert_ok();
    let b = mcm_body;
    let m = |field: &str, v: Value| set(b(), &["multicastMessage", field], v);
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            set(b(), &["transmission_type"], json!("FOTA")),
            400,
            "transmission_type must be Message",
        ),
        (
            set(b(), &["multicastGroupID"], json!(7)),
            400,
            "Multicast group ID must be 0-3",
        ),
        (
            without(b(), &["multicastMessage"]),
            400,
            "multicastMessage is required",
        ),
        (
            set(b(), &["multicastMessage"], json!("48656c6c6f")),
            400,
            "multicastMessage is required",
        ),
        (
            m("messageFormat", json!("Text")),
            400,
            "Invalid messageFormat",
        ),
        (
            m("messageFormat", json!("hexadecimal")),
            400,
            "Invalid messageFormat",
        ),
        (
            m("messagePayload", json!("486")),
            400,
            "Invalid messagePayload for Hexadecimal",
        ),
        (
            m("messagePayload", json!("zz")),
            400,
            "Invalid messagePayload for Hexadecimal",
        ),
        (
            m("messagePayload", json!("")),
            400,
            "Invalid messagePayload for Hexadecimal",
        ),
        (
            without(b(), &["multicastMessage", "messagePayload"]),
            400,
            "Invalid messagePayload for Hexadecimal",
        ),
        (
            set(
                m("messageFormat", json!("Base64")),
                &["multicastMessage", "messagePayload"],
                json!("!!"),
            ),
            400,
            "Invalid messagePayload for Base64",
        ),
        (
            set(
                m("messageFormat", json!("Binary")),
                &["multicastMessage", "messagePayloadFile"],
                json!("nope.bin"),
            ),
            404,
            "Multicast message file not found. Upload file first.",
        ),
        (
            m("messagePayload", json!("00".repeat(243))),
            400,
            "Payload too large",
        ),
        (
            set(
                m("messageFormat", json!("Binary")),
                &["multicastMessage", "messagePayloadFile"],
                json!("big.bin"),
            ),
            400,
            "Payload too large",
        ),
        (m("messagePort", json!(0)), 400, "messagePort must be 1-220"),
        (
            m("messagePort", json!(221)),
            400,
            "messagePort must be 1-220",
        ),
        (
            without(b(), &["multicastMessage", "messagePort"]),
            400,
            "messagePort must be 1-220",
        ),
        (
            m("multicastSessionTimeout", json!(16)),
            400,
            "multicastSessionTimeout must be 0-15",
        ),
        (
            m("multicastSessionTimeout", json!(-1)),
            400,
            "multicastSessionTimeout must be 0-15",
        ),
    ];
    for (body, code, msg) in cases {
        raw.post("/api/lora/mcm", body.clone())
            .await
            .assert_error(code, msg);
    }
    // Accepted variants; the stored entries (OpenAPI list) have the defaults filled in.
    raw.post(
        "/api/lora/mcm",
        m("messagePayload", json!("00".repeat(242))),
    )
    .await
    .assert_ok();
    let b64 = set(
        set(
            set(
                m("messageFormat", json!("Base64")),
                &["multicastMessage", "messagePayload"],
                json!("SGVsbG8="),
            ),
            &["multicastGroupID"],
            json!(2),
        ),
        &["schedule_filename"],
        json!("b64"),
    );
    raw.post("/api/lora/mcm", b64).await.assert_ok();
    let bin = set(
        set(
            set(
                m("messageFormat", json!("Binary")),
                &["multicastMessage", "messagePayloadFile"],
                json!("msg.bin"),
            ),
            &["multicastGroupID"],
            json!(3),
        ),
        &["schedule_filename"],
        json!("bin"),
    );
    raw.post("/api/lora/mcm", bin).await.assert_ok();
    let list = raw.get("/api/lora/fotaschedule").await.assert_ok()["result"].clone();
    let first = &list[0];
    assert_eq!(first["schedule_filename"], format!("mcm_{}_0", T0_S + 3600));
    assert_eq!(first["schedule_source"], "Conduit");
    assert_eq!(first["launchTimeFromSetupTime"], 60);
    assert_eq!(first["setupTimeFromScheduledTime"], 0);
    assert_eq!(first["keep_log"], true);
    assert_eq!(first["multicastMessage"]["multicastSessionTimeout"], 15);
    assert_eq!(list.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn guard_rules_come_first() {
    let emu = start_seed().await;
    emu.add_user(lorafota_emulator::UserSpec::new("eve", "pw", Role::Guest));
    let mut guest = Raw::new(&emu);
    guest.login("eve", "pw").await.assert_ok();
    // Guest: 403 before even looking at the body.
    for path in ["/api/lora/fota", "/api/lora/mcm"] {
        guest
            .post_bytes(path, b"junk")
            .await
            .assert_error(403, "Forbidden");
    }
    guest
        .upload(
            "/api/command/upload_lora_fota_file",
            "fotafile",
            Some("a.bin"),
            vec![1],
        )
        .await
        .assert_error(403, "Forbidden");
    guest
        .delete("/api/lora/fotaschedule/x")
        .await
        .assert_error(403, "Forbidden");
    guest.get("/api/lora/fotaprogress").await.assert_ok();
    // Network server down: 500 on scheduling, PIDs 0 in status.
    let raw = Raw::admin(&emu).await;
    emu.set_network_server(false);
    raw.post("/api/lora/mcm", mcm_body())
        .await
        .assert_error(500, "LoRa network server is not running");
    let st = raw.get("/api/lora/status").await.assert_ok();
    assert_eq!(st["result"]["lora-network-server"], 0);
    emu.set_network_server(true);
    raw.post("/api/lora/mcm", mcm_body()).await.assert_ok();
    assert!(
        raw.get("/api/lora/status").await.assert_ok()["result"]["lora-network-server"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[tokio::test]
async fn unknown_devices_can_be_accepted_and_failed() {
    let emu = start(lorafota_emulator::EmulatorConfig {
        unknown_devices: UnknownDevicePolicy::AcceptAndFail,
        ..config(ApiShape::Seed)
    })
    .await;
    let raw = Raw::admin(&emu).await;
    let body = set(
        set(
            mcm_body(),
            &["endDeviceDeveuis"],
            json!([DEV_A, "00-00-00-00-00-00-00-99"]),
        ),
        &["scheduledTimeSinceUnixEpoch"],
        json!(0),
    );
    raw.post("/api/lora/mcm", body).await.assert_ok();
    emu.advance_clock(std::time::Duration::from_secs(600));
    let ops = raw.get("/api/lora/fotaresults").await.assert_ok()["result"]["operations"].clone();
    assert_eq!(ops[0]["success"], 1);
    assert_eq!(ops[0]["failed"], 1);
    assert_eq!(
        ops[0]["devices"][1],
        json!({"deveui": "00-00-00-00-00-00-00-99", "status": "failed", "reason": "unknown device"})
    );
}
