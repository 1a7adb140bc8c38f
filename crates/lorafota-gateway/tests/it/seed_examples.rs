//! The seed document's own curl and Python `requests` examples, run unchanged (apart from the
//! documented placeholders) against a running emulator. See `tests/fixtures/seed/SOURCE.md`.
//!
//! Needs `curl`, `jq` and a Python with `requests` (`LORAFOTA_PYTHON`, else `python3`). A
//! missing tool fails the test with what to install, unless `LORAFOTA_SKIP_EXTERNAL=1`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use lorafota_emulator::EmulatorHandle;
use lorafota_gateway::api::params::ScheduleFilename;
use lorafota_gateway::api::schedule::Timing;
use serde_json::{Value, json};

use crate::common::*;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn skip_external() -> bool {
    std::env::var("LORAFOTA_SKIP_EXTERNAL").is_ok_and(|v| v == "1")
}

/// Panics with an install hint when `program args` does not run successfully.
fn require(program: &str, args: &[&str], hint: &str) {
    let ok = Command::new(program)
        .args(args)
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "`{program} {}` failed: this test needs it. Install: {hint}. (Set LORAFOTA_SKIP_EXTERNAL=1 to skip the seed-document example tests.)",
        args.join(" ")
    );
}

/// Substitutes the document's placeholders; refuses to run anything still aimed elsewhere.
fn localise(text: &str, emu: &EmulatorHandle, token: Option<&str>) -> String {
    let mut t = text
        .replace("https://gateway-ip", emu.url())
        .replace("https://172.16.33.111", emu.url());
    if let Some(tok) = token {
        t = t.replace("your-session-token", tok);
    }
    assert!(
        !t.contains("gateway-ip") && !t.contains("172.16.") && !t.contains("your-session-token"),
        "an example still names a non-loopback host or placeholder:\n{t}"
    );
    t
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{what} failed: {}\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn curl_example(name: &str, emu: &EmulatorHandle, cwd: &Path) -> String {
    let script = localise(&fixture(name), emu, None);
    run(
        Command::new("bash").arg("-c").arg(&script).current_dir(cwd),
        name,
    )
}

fn curl_json(name: &str, emu: &EmulatorHandle, cwd: &Path) -> Value {
    let out = curl_example(name, emu, cwd);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {out}"))
}

fn example_files(dir: &Path) {
    std::fs::write(dir.join("firmware_v2.0.bin"), vec![0xA5u8; 2000]).unwrap();
    std::fs::write(dir.join("payload.bin"), b"Hello, devices!").unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn curl_examples_run_unchanged() {
    if skip_external() {
        return;
    }
    require("curl", &["--version"], "apt-get install -y curl");
    require("jq", &["--version"], "apt-get install -y jq");
    let emu = start_seed().await;
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    example_files(cwd);
    // The login that stores the cookie the examples read with `-b cookies.txt`.
    let login =
        json!({"username": emu.username(), "password": emu.password().expose()}).to_string();
    let url = format!("{}/api/login", emu.url());
    let out = run(
        Command::new("curl")
            .args([
                "-k",
                "-s",
                "-c",
                "cookies.txt",
                "-X",
                "POST",
                &url,
                "-H",
                "Content-Type: application/json",
                "-d",
                &login,
            ])
            .current_dir(cwd),
        "login",
    );
    assert!(out.contains("\"status\":\"success\""), "{out}");

    let ok_empty = json!({"code": 200, "status": "success"});
    let ok_scheduled = json!({"code": 200, "status": "success", "result": {"status": "success"}});
    assert_eq!(curl_json("curl_01_upload_fota.sh", &emu, cwd), ok_empty);
    assert_eq!(
        curl_json("curl_02_schedule_fota.sh", &emu, cwd),
        ok_scheduled
    );
    let p = curl_json("curl_03_progress.sh", &emu, cwd);
    assert_eq!(p["result"]["devices"][0]["deveui"], DEV_A);
    assert!(p["result"]["overall_percent_complete"].is_number());
    emu.advance_clock(Duration::from_secs(600));
    let r = curl_json("curl_04_results.sh", &emu, cwd);
    let op = &r["result"]["operations"][0];
    assert_eq!(op["filename"], format!("fota_{T0_S}_0"));
    assert_eq!(
        (op["success"].as_u64(), op["failed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        op["devices"][0],
        json!({"deveui": DEV_A, "status": "success"})
    );
    assert_eq!(
        curl_json("curl_05_upload_multicast.sh", &emu, cwd),
        ok_empty
    );
    assert_eq!(
        curl_json("curl_06_schedule_mcm.sh", &emu, cwd),
        ok_scheduled
    );
    emu.advance_clock(Duration::from_secs(600));

    // The cancel example names `fota_1734480000_300`: schedule a job of that name in the future.
    let c = client(&emu);
    c.upload_fota_bytes("firmware_v2.0.bin", vec![1; 100])
        .await
        .unwrap();
    let job = lorafota_gateway::api::schedule::FotaJob::new(
        lorafota_gateway::api::params::DeviceEuis::parse([DEV_A]).unwrap(),
        lorafota_gateway::api::params::GroupTarget::Id(
            lorafota_gateway::api::params::MulticastGroupId::new(0).unwrap(),
        ),
        "firmware_v2.0.bin",
    )
    .unwrap()
    .timing(Timing {
        scheduled_at: Some(T0_S + 7200),
        setup_delay: Some(Duration::from_secs(300)),
        ..Timing::default()
    })
    .schedule_filename(ScheduleFilename::new("fota_1734480000_300").unwrap());
    c.schedule(job).await.unwrap();
    let list = curl_json("curl_07_schedule_list.sh", &emu, cwd);
    assert_eq!(
        list["result"]["scheduled"][0]["filename"],
        "fota_1734480000_300"
    );
    assert_eq!(list["result"]["scheduled"][0]["devices"], 1);
    assert_eq!(curl_json("curl_08_cancel.sh", &emu, cwd), ok_empty);
    assert_eq!(
        curl_json("curl_07_schedule_list.sh", &emu, cwd)["result"],
        json!({"scheduled": []})
    );

    // Example 1, the whole immediate-FOTA script with its polling loop: run the virtual clock
    // fast so the job is done by the first poll.
    emu.set_clock(None, Some(1_000_000.0));
    let out = curl_example("curl_09_workflow_fota.sh", &emu, cwd);
    assert!(out.contains("Progress: 100%"), "{out}");
    assert!(out.contains("\"status\": \"success\""), "{out}");
    assert_eq!(out.matches("\"filename\": \"fota_").count(), 2, "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_examples_run_unchanged() {
    if skip_external() {
        return;
    }
    let python = std::env::var("LORAFOTA_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    require(
        &python,
        &["-c", "import requests"],
        "a Python with `requests` (e.g. `python3 -m venv .venv && .venv/bin/pip install requests`, then export LORAFOTA_PYTHON=.venv/bin/python)",
    );
    // Real-time clock: the scheduled example computes "one hour from now" from the wall clock.
    let emu = start(lorafota_emulator::EmulatorConfig {
        clock_start_ms: None,
        clock_speed: 1.0,
        ..config(lorafota_gateway::api::monitor::ApiShape::Seed)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    example_files(cwd);
    // The login whose token the examples' `cookies = {'token': …}` carries.
    let token = client(&emu).login().await.unwrap().token;
    let py = |name: &str| {
        let script = localise(&fixture(name), &emu, Some(token.expose()));
        run(
            Command::new(&python)
                .arg("-c")
                .arg(&script)
                .current_dir(cwd),
            name,
        )
    };
    assert_eq!(
        py("py_01_upload_fota.py").trim(),
        "{'code': 200, 'status': 'success'}"
    );
    assert!(
        emu.state_dir()
            .join("uploads/fota/firmware_v2.0.bin")
            .is_file()
    );
    assert_eq!(
        py("py_02_upload_multicast.py").trim(),
        "{'code': 200, 'status': 'success'}"
    );
    assert_eq!(
        std::fs::read(emu.state_dir().join("uploads/multicast/payload.bin")).unwrap(),
        b"Hello, devices!"
    );
    let out = py("py_03_scheduled_multicast.py");
    assert!(
        out.contains(
            "Scheduled: {'code': 200, 'status': 'success', 'result': {'status': 'success'}}"
        ),
        "{out}"
    );
    assert!(
        out.contains("'filename': 'mcm_") && out.contains("'type': 'Message'"),
        "{out}"
    );
}
