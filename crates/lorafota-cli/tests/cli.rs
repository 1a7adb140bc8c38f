//! The `lorafota` binary as an operator runs it: files in, JSON out, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn lorafota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lorafota"))
        .args(args)
        .output()
        .unwrap()
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let p = std::env::temp_dir().join(format!("lorafota-cli-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn firmware(dir: &TempDir, len: usize) -> PathBuf {
    let p = dir.path("fw.bin");
    std::fs::write(
        &p,
        (0..len).map(|i| (i * 131 % 256) as u8).collect::<Vec<_>>(),
    )
    .unwrap();
    p
}

#[test]
fn encode_then_decode_any_subset_in_any_order() {
    let dir = TempDir::new("roundtrip");
    let fw = firmware(&dir, 1024);
    let frags = dir.path("f.json");
    let out = lorafota(&[
        "encode",
        s(&fw),
        "--fragment-size",
        "50",
        "--redundancy",
        "5",
        "-o",
        s(&frags),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut file: Value = serde_json::from_slice(&std::fs::read(&frags).unwrap()).unwrap();
    assert_eq!(file["nb_frag"], 21);
    assert_eq!(file["padding"], 26);
    assert_eq!(file["redundancy"], 5);
    assert_eq!(file["fragments"].as_array().unwrap().len(), 26);
    assert_eq!(file["fragments"][0]["counter"], 1);

    // Lose uncoded 4 and 11, deliver the rest backwards.
    let list = file["fragments"].as_array_mut().unwrap();
    list.retain(|f| f["counter"] != 4 && f["counter"] != 11);
    list.reverse();
    let lossy = dir.path("lossy.json");
    std::fs::write(&lossy, serde_json::to_vec(&file).unwrap()).unwrap();
    let rebuilt = dir.path("rebuilt.bin");
    let out = lorafota(&["decode", s(&lossy), "-o", s(&rebuilt)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["completed"], true);
    assert_eq!(report["lost_uncoded"], 2);
    assert_eq!(report["data_sha256"], file["data_sha256"]);
    assert_eq!(std::fs::read(rebuilt).unwrap(), std::fs::read(fw).unwrap());
}

#[test]
fn decode_reports_the_reference_completion_counter_and_fails_with_exit_1() {
    let dir = TempDir::new("short");
    let fw = firmware(&dir, 100);
    let frags = dir.path("f.json");
    assert!(
        lorafota(&["encode", s(&fw), "-s", "10", "-r", "10", "-o", s(&frags)])
            .status
            .success()
    );
    let mut file: Value = serde_json::from_slice(&std::fs::read(&frags).unwrap()).unwrap();
    // The vector `counting_lose_2_5` shape: lose 2 and 5, completes at counter 13.
    let list = file["fragments"].as_array_mut().unwrap();
    list.retain(|f| f["counter"] != 2 && f["counter"] != 5);
    std::fs::write(&frags, serde_json::to_vec(&file).unwrap()).unwrap();
    let report: Value = serde_json::from_slice(&lorafota(&["decode", s(&frags)]).stdout).unwrap();
    assert_eq!(report["completed_at_counter"], 13);
    assert_eq!(report["received_count"], 11);

    // Only uncoded fragments, two missing: cannot complete -> exit 1, completed false.
    let list = file["fragments"].as_array_mut().unwrap();
    list.retain(|f| f["counter"].as_u64().unwrap() <= 10);
    std::fs::write(&frags, serde_json::to_vec(&file).unwrap()).unwrap();
    let out = lorafota(&["decode", s(&frags)]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["completed"], false);
    assert_eq!(report["data_sha256"], Value::Null);
}

#[test]
fn bin_format_is_the_payloads_back_to_back() {
    let dir = TempDir::new("bin");
    let fw = firmware(&dir, 1000);
    let out = lorafota(&[
        "encode",
        s(&fw),
        "-s",
        "100",
        "-r",
        "20%",
        "--format",
        "bin",
    ]);
    assert!(out.status.success());
    assert_eq!(out.stdout.len(), (10 + 2) * 100);
    assert_eq!(&out.stdout[..1000], &std::fs::read(fw).unwrap()[..]);
}

#[test]
fn zero_based_counters_round_trip() {
    let dir = TempDir::new("base0");
    let fw = firmware(&dir, 300);
    let frags = dir.path("f.json");
    let out = lorafota(&[
        "encode",
        s(&fw),
        "-s",
        "30",
        "-r",
        "3",
        "--counter-base",
        "0",
        "--ts004",
        "v2",
        "-o",
        s(&frags),
    ]);
    assert!(out.status.success());
    let file: Value = serde_json::from_slice(&std::fs::read(&frags).unwrap()).unwrap();
    assert_eq!(file["fragments"][0]["counter"], 0);
    assert_eq!(file["ts004"], "v2");
    let out = lorafota(&["decode", s(&frags)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn bad_input_is_one_line_on_stderr_and_exit_2() {
    let dir = TempDir::new("bad");
    let fw = firmware(&dir, 100);
    let bad_json = dir.path("bad.json");
    std::fs::write(&bad_json, "{\"ts004\": \"v1\"}").unwrap();
    let garbage = dir.path("garbage.json");
    std::fs::write(&garbage, "\u{0}\u{1}not json").unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["encode", s(&fw), "-s", "0", "-r", "1"],
        vec!["encode", s(&fw), "-s", "256", "-r", "1"],
        vec!["encode", s(&fw), "-s", "10"],
        vec!["encode", s(&fw), "-s", "1", "-r", "16383"],
        vec!["encode", s(&fw), "-s", "10", "-r", "1", "--ts004", "v3"],
        vec!["encode", "/nonexistent/fw.bin", "-s", "10", "-r", "1"],
        vec!["decode", s(&bad_json)],
        vec!["decode", s(&garbage)],
        vec!["frobnicate"],
    ];
    for args in cases {
        let out = lorafota(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("lorafota: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn reed_solomon_round_trips_with_exactly_r_lost() {
    let dir = TempDir::new("rs");
    // 3000 bytes / 10 = 300 fragments + 30 coded: GF(2^16); S = 11 odd on purpose as well.
    for (len, s_frag) in [(3000usize, "10"), (1000, "11"), (500, "50")] {
        let fw = firmware(&dir, len);
        let frags = dir.path("rs.json");
        let out = lorafota(&[
            "encode",
            s(&fw),
            "-s",
            s_frag,
            "-r",
            "10%",
            "--codec",
            "rs",
            "-o",
            s(&frags),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut file: Value = serde_json::from_slice(&std::fs::read(&frags).unwrap()).unwrap();
        assert_eq!(file["codec"], "rs");
        let r = file["redundancy"].as_u64().unwrap();
        // Lose exactly R uncoded fragments: an MDS code still rebuilds the block.
        let list = file["fragments"].as_array_mut().unwrap();
        list.retain(|f| f["counter"].as_u64().unwrap() > r);
        list.reverse();
        std::fs::write(&frags, serde_json::to_vec(&file).unwrap()).unwrap();
        let rebuilt = dir.path("rs.bin");
        let out = lorafota(&["decode", s(&frags), "-o", s(&rebuilt)]);
        assert!(
            out.status.success(),
            "{len}/{s_frag}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            std::fs::read(&rebuilt).unwrap(),
            std::fs::read(&fw).unwrap()
        );
    }
}
