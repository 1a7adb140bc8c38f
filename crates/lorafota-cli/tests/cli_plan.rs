//! `lorafota plan` as an operator runs it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use serde_json::Value;

fn lorafota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lorafota"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn plan_json_has_every_field() {
    let out = lorafota(&[
        "plan",
        "--size",
        "102400",
        "--region",
        "EU868",
        "--dr",
        "5",
        "--loss",
        "0.1",
        "--target",
        "0.99",
        "--simulate",
        "2000",
        "--scheduled",
        "1767225600",
        "--setup",
        "300",
        "--launch",
        "60",
        "--json",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["fragment_size"], 239);
    assert_eq!(p["nb_frag"], 429);
    assert_eq!(p["padding"], 131);
    assert_eq!(p["toa_per_fragment_us"], 394_496);
    assert!(p["expected_success"].as_f64().unwrap() >= 0.99);
    let r = p["redundancy"].as_u64().unwrap();
    assert!((50..=110).contains(&r), "{r}");
    // 10 % duty cycle at 869.525 MHz: each fragment takes ten times its airtime.
    let d = p["duration_s"].as_f64().unwrap();
    assert!((d - (429 + r) as f64 * 3.94496).abs() < 1e-6, "{d}");
    assert_eq!(p["timeout_exponent"], 11);
    assert_eq!(p["start_unix"], 1_767_225_960);
    assert_eq!(p["start_gps"], 1_767_225_960u64 - 315_964_800 + 18);
    assert_eq!(p["end_unix"], 1_767_225_960 + d as u64);
}

#[test]
fn readable_summary_and_fixed_redundancy() {
    let out = lorafota(&[
        "plan",
        "--size",
        "102400",
        "--region",
        "US915",
        "--dr",
        "13",
        "--redundancy",
        "10%",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("429 uncoded fragments of 239 bytes (padding 131) + 43 coded"),
        "{text}"
    );
    assert!(text.contains("TimeOut 6"), "{text}");
}

#[test]
fn impossible_plans_fail_with_the_limit_named() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "plan",
                "--size",
                "1000",
                "--region",
                "EU868",
                "--dr",
                "0",
                "--fragment-size",
                "49",
                "--redundancy",
                "1",
            ],
            "max",
        ),
        (
            &[
                "plan",
                "--size",
                "102400",
                "--region",
                "EU868",
                "--dr",
                "0",
                "--redundancy",
                "10%",
            ],
            "slowest data rate that fits is DR2",
        ),
        (
            &[
                "plan",
                "--size",
                "1000",
                "--region",
                "US915",
                "--dr",
                "2",
                "--redundancy",
                "1",
            ],
            "not defined for downlink",
        ),
        (
            &[
                "plan",
                "--size",
                "1000",
                "--region",
                "MARS",
                "--redundancy",
                "1",
            ],
            "unknown region",
        ),
        (
            &[
                "plan", "--size", "1000", "--region", "EU868", "--target", "0.9",
            ],
            "loss model",
        ),
        (
            &[
                "plan", "--size", "1000", "--region", "EU868", "--loss", "1.5", "--target", "0.9",
            ],
            "not a probability",
        ),
    ];
    for (args, needle) in cases {
        let out = lorafota(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
