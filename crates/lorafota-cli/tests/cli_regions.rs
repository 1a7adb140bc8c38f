//! `lorafota regions`: the summary, one region's tables, JSON, and unknown names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use serde_json::Value;

fn lorafota(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lorafota"))
        .args(args)
        .output()
        .unwrap()
}

fn json_out(args: &[&str]) -> Value {
    let out = lorafota(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const NAMES: [&str; 11] = [
    "EU868", "US915", "AU915", "AS923", "AS923-2", "AS923-3", "AS923-4", "IN865", "KR920", "CN470",
    "RU864",
];

#[test]
fn summary_lists_every_region() {
    let out = lorafota(&["regions"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for name in NAMES {
        assert!(
            text.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{text}"
        );
    }
    assert!(text.contains("869.525 MHz DR0"), "{text}");
    let all = json_out(&["regions", "--json"]);
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, NAMES);
}

#[test]
fn one_region_in_text_and_json() {
    for name in NAMES {
        let out = lorafota(&["regions", &name.to_lowercase()]);
        assert!(out.status.success(), "{name}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.starts_with(name), "{text}");
        for part in [
            "Downlink data rates",
            "Uplink data rates",
            "RX2 default",
            "Class C multicast",
            "Class B",
            "Duty cycle",
            "Dwell time",
            "LBT",
        ] {
            assert!(text.contains(part), "{name}: {part}");
        }
    }
    let eu = json_out(&["regions", "EU868", "--json"]);
    assert_eq!(eu["name"], "EU868");
    let dr5 = eu["downlink"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["dr"] == 5)
        .unwrap();
    assert_eq!(dr5["sf"], 7);
    assert_eq!(dr5["bw_hz"], 125_000);
    assert_eq!(dr5["max_payload"]["no_repeater"]["N"], 242);
    assert_eq!(dr5["max_payload"]["repeater_compatible"]["N"], 222);
    assert_eq!(eu["class_c_multicast_default"]["frequency_hz"], 869_525_000);
    let p = eu["duty_cycle"]["sub_bands"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["percent"] == "10%")
        .unwrap();
    assert_eq!(p["min_hz"], 869_400_000);

    // AS923-1 is AS923; its DR0 is not allowed with the 400 ms dwell.
    let as923 = json_out(&["regions", "AS923-1", "--json"]);
    assert_eq!(as923["name"], "AS923");
    assert!(as923["downlink"][0]["max_payload"]["dwell_400ms_no_repeater"]["M"].is_null());
    assert_eq!(as923["lbt"]["rssi_threshold_dbm"], -80);

    // US915 downlinks start at DR8 (plus the RP002-1.0.5 DR0), uplinks end at DR4 (+LR-FHSS...).
    let us = json_out(&["regions", "us915", "--json"]);
    assert!(
        us["downlink"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["dr"] == 8 && d["sf"] == 12 && d["bw_hz"] == 500_000)
    );
    assert_eq!(us["class_b"]["beacon"]["hopping"]["channels"], 8);
    let cn = json_out(&["regions", "CN470", "--json"]);
    assert!(cn["rx2"].is_null());
    assert_eq!(cn["rp002_plan_dependent"]["rx2_dr"], 1);
}

#[test]
fn unknown_region_exits_2_with_one_line() {
    let out = lorafota(&["regions", "EU433"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("\"EU433\"") && err.contains("unknown region") && err.contains("EU868"),
        "{err}"
    );
}
