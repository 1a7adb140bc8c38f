//! The operator's commands end to end: `demo`, `fota` and `mcm` on the embedded emulator, and
//! the one-off queries against an `emulator serve` process.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_lorafota");

fn lorafota(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let d =
            std::env::temp_dir().join(format!("lorafota-cli-fota-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Self(d)
    }
    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn euis(n: u32) -> String {
    (1..=n)
        .map(|i| format!("00-80-00-ff-00-00-00-{i:02x}"))
        .collect::<Vec<_>>()
        .join(",")
}

fn firmware(dir: &TempDir, len: usize) -> PathBuf {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
    dir.file("fw.bin", &bytes)
}

#[test]
fn demo_runs_a_campaign_and_compares_with_the_plan() {
    let out = lorafota(&[
        "demo",
        "--devices",
        "30",
        "--size",
        "6000",
        "--seconds",
        "1",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "embedded emulator at https://",
        "devices by outcome",
        "plan predicted",
        "no answer to setup",
        "class A device",
    ] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn fota_on_the_embedded_emulator_reaches_twenty_devices_at_ten_percent_loss() {
    let dir = TempDir::new("ok");
    let fw = firmware(&dir, 10_000);
    let out = Command::new(BIN)
        .arg("fota")
        .arg(&fw)
        .args([
            "--devices",
            &euis(20),
            "--sim-loss",
            "0.1",
            "--loss",
            "0.1",
            "--target",
            "0.999",
        ])
        .args(["--launch", "5", "--speed", "2000", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("no --gateway: using an embedded emulator"),
        "{err}"
    );
    assert!(err.contains("plan: "), "{err}");
    let v = json(&out);
    assert_eq!(v["success"], 20, "{v}");
    assert_eq!(v["devices"].as_array().unwrap().len(), 20);
}

#[test]
fn fota_without_enough_redundancy_exits_1_with_reasons() {
    let dir = TempDir::new("short");
    let fw = firmware(&dir, 10_000);
    let out = Command::new(BIN)
        .arg("fota")
        .arg(&fw)
        .args([
            "--devices",
            &euis(5),
            "--sim-loss",
            "0.3",
            "--redundancy",
            "2",
        ])
        .args(["--launch", "5", "--speed", "2000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("failed"), "{text}");
    assert!(text.contains("could not rebuild the image"), "{text}");
}

#[test]
fn mcm_sends_a_hex_message() {
    let out = lorafota(&[
        "mcm",
        "--hex",
        "01020304",
        "--port",
        "10",
        "--timeout-exp",
        "6",
        "--devices",
        &euis(3),
        "--sim-loss",
        "0",
        "--launch",
        "5",
        "--speed",
        "500",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["success"], 3);
}

#[test]
fn bad_operator_input_is_one_line_and_exit_2() {
    let dir = TempDir::new("bad");
    let fw = firmware(&dir, 100);
    let fw = fw.to_str().unwrap();
    for args in [
        vec!["fota", fw, "--devices", "not-an-eui"],
        vec![
            "fota",
            "/nonexistent/fw.bin",
            "--devices",
            "0080000000000001",
        ],
        vec!["fota", fw, "--devices", "0080000000000001", "--group", "7"],
        vec!["fota", fw, "--devices", "0080000000000001", "--in", "soon"],
        vec![
            "fota",
            fw,
            "--devices",
            "0080000000000001",
            "--sim-loss",
            "2",
        ],
        vec![
            "mcm",
            "--hex",
            "zz",
            "--port",
            "10",
            "--devices",
            "0080000000000001",
        ],
        vec![
            "mcm",
            "--hex",
            "01",
            "--port",
            "0",
            "--devices",
            "0080000000000001",
        ],
        vec![
            "mcm",
            "--hex",
            "01",
            "--port",
            "10",
            "--timeout-exp",
            "16",
            "--devices",
            "0080000000000001",
        ],
        vec!["status"],
        vec![
            "progress",
            "--gateway",
            "https://127.0.0.1:1",
            "--user",
            "u",
            "--password-env",
            "LORAFOTA_TEST_UNSET_VAR",
        ],
    ] {
        let out = lorafota(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("lorafota: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// `emulator serve` in a child process, killed on drop.
struct Served {
    child: Child,
    url: String,
    pem: PathBuf,
}

impl Served {
    fn start(dir: &Path) -> Self {
        let pem = dir.join("cert.pem");
        let mut child = Command::new(BIN)
            .args([
                "emulator",
                "serve",
                "--user",
                "op",
                "--password",
                "s3cret",
                "--device-count",
                "3",
            ])
            .arg("--cert-out")
            .arg(&pem)
            .arg("--state-dir")
            .arg(dir.join("state"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let url = first.rsplit(' ').next().unwrap().to_owned();
        // Keep reading: a parent that closes the pipe must not be what stops the server.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, url, pem }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .args([
                "--gateway",
                &self.url,
                "--user",
                "op",
                "--password-env",
                "LORAFOTA_TEST_PW",
                "--ca",
            ])
            .arg(&self.pem)
            .env("LORAFOTA_TEST_PW", "s3cret")
            .output()
            .unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn one_off_queries_and_cancel_against_a_served_emulator() {
    let dir = TempDir::new("served");
    let fw = firmware(&dir, 2_000);
    let gw = Served::start(&dir.0);

    let status = gw.run(&["status", "--json"]);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    let _ = json(&status);

    let fw = fw.to_str().unwrap();
    let out = gw.run(&[
        "fota",
        fw,
        "--devices",
        &euis(3),
        "--in",
        "1h",
        "--no-wait",
        "--redundancy",
        "5",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let name = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(name.starts_with("lf_fota_"), "{name}");

    let list = gw.run(&["schedule", "list", "--json"]);
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert!(String::from_utf8_lossy(&list.stdout).contains(&name));

    for q in [["progress", "--json"], ["results", "--json"]] {
        let out = gw.run(&q);
        assert_eq!(out.status.code(), Some(0), "{q:?}: {}", stderr(&out));
        let _ = json(&out);
    }

    let cancel = gw.run(&["schedule", "cancel", &name]);
    assert_eq!(cancel.status.code(), Some(0), "{}", stderr(&cancel));
    let list = gw.run(&["schedule", "list", "--json"]);
    assert!(!String::from_utf8_lossy(&list.stdout).contains(&name));

    // A wrong password is an API error: one line, exit 2, and the password is not echoed.
    let out = Command::new(BIN)
        .args([
            "status",
            "--gateway",
            &gw.url,
            "--user",
            "op",
            "--password-env",
            "LORAFOTA_TEST_PW",
            "--ca",
        ])
        .arg(&gw.pem)
        .env("LORAFOTA_TEST_PW", "wrong-horse")
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("wrong-horse"), "{err}");
}
