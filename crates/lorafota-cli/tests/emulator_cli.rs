//! `lorafota emulator serve`: starts, prints what a client needs, and refuses bad input with
//! one line and exit code 2.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_lorafota");

#[test]
fn serve_prints_url_credentials_and_fingerprint() {
    let dir = std::env::temp_dir().join(format!("lorafota-cli-test-{}", std::process::id()));
    let pem = dir.join("cert.pem");
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new(BIN)
        .args([
            "emulator",
            "serve",
            "--user",
            "op",
            "--password",
            "secret",
            "--device-count",
            "3",
            "--cert-out",
        ])
        .arg(&pem)
        .arg("--state-dir")
        .arg(dir.join("state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = Vec::new();
    for _ in 0..5 {
        seen.push(lines.next().unwrap().unwrap());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        seen[0].starts_with("lorafota emulator listening on https://127.0.0.1:"),
        "{seen:?}"
    );
    assert!(
        seen[1].ends_with(" op") && seen[2].ends_with(" secret"),
        "{seen:?}"
    );
    let fp = seen[3].split_whitespace().last().unwrap();
    assert_eq!(fp.len(), 95, "{seen:?}"); // 32 bytes as AA:BB:…
    assert!(
        std::fs::read_to_string(&pem)
            .unwrap()
            .contains("BEGIN CERTIFICATE")
    );
    assert!(dir.join("state/devices.json").is_file() || dir.join("state/uploads").is_dir());
    let _ignored = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    for args in [
        vec!["emulator", "serve", "--api-shape", "xml"],
        vec![
            "emulator",
            "serve",
            "--devices",
            "/nonexistent/devices.json",
        ],
        vec!["emulator", "serve", "--user", "only-user"],
        vec!["emulator", "serve", "--clock-speed", "-3"],
        vec![
            "emulator",
            "serve",
            "--bind",
            "127.0.0.1",
            "--port",
            "99999",
        ],
    ] {
        let out = Command::new(BIN).args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    }
}

/// A parent that lets stdout go (reads nothing, or only the URL) must not stop the server: the
/// banner used to be `println!`s, and the first one after the pipe closed panicked.
#[test]
fn serve_outlives_a_closed_stdout() {
    let dir = std::env::temp_dir().join(format!("lorafota-cli-epipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pem = dir.join("cert.pem");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(BIN)
        .args(["emulator", "serve", "--user", "op", "--password", "secret"])
        .args(["--port", &port.to_string(), "--cert-out"])
        .arg(&pem)
        .arg("--state-dir")
        .arg(dir.join("state"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // closed before the child can print its banner
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !pem.is_file() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    let alive = child.try_wait().unwrap().is_none();
    let status = Command::new(BIN)
        .args([
            "status",
            "--json",
            "--gateway",
            &format!("https://127.0.0.1:{port}"),
        ])
        .args(["--user", "op", "--password-env", "LORAFOTA_TEST_PW", "--ca"])
        .arg(&pem)
        .env("LORAFOTA_TEST_PW", "secret")
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let _ignored = std::fs::remove_dir_all(&dir);
    assert!(alive, "the emulator exited when its stdout closed");
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}
