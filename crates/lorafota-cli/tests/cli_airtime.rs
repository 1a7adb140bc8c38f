//! `lorafota airtime` as an operator runs it: every shared vector through the CLI, the CRC
//! default, and bad input (exit 2, one line on stderr).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
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
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn vectors() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors/airtime/public.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

/// Exit code 2, nothing on stdout, exactly one line on stderr containing `needle`.
fn assert_bad_input(args: &[&str], needle: &str) {
    let out = lorafota(args);
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(out.stdout.is_empty(), "{args:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("lorafota: "), "{err}");
    assert!(err.contains(needle), "{args:?}: {err:?} lacks {needle:?}");
}

#[test]
fn every_lora_vector_through_the_cli() {
    let json = vectors();
    for v in json["lora_vectors"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        let s = |k: &str| v[k].to_string();
        let (sf, bw, cr, pl, pre) = (
            s("sf"),
            s("bw_hz"),
            v["coding_rate"].as_str().unwrap().to_string(),
            s("payload_len"),
            s("preamble_symbols"),
        );
        let mut args = vec![
            "airtime",
            "--sf",
            &sf,
            "--bw",
            &bw,
            "--cr",
            &cr,
            "--payload",
            &pl,
            "--preamble",
            &pre,
            "--json",
        ];
        args.push(if v["crc"].as_bool().unwrap() {
            "--crc"
        } else {
            "--no-crc"
        });
        if !v["explicit_header"].as_bool().unwrap() {
            args.push("--implicit-header");
        }
        args.extend([
            "--ldro",
            if v["ldro"].as_bool().unwrap() {
                "on"
            } else {
                "off"
            },
        ]);
        let got = json_out(&args);
        let e = &v["expected"];
        assert_eq!(got["toa_us"], e["toa_us"], "{id}");
        assert_eq!(got["t_sym_us"].as_f64(), e["t_sym_us"].as_f64(), "{id}");
        assert_eq!(got["n_payload_symbols"], e["n_payload_symbols"], "{id}");
        assert_eq!(
            got["n_total_symbols"].as_f64(),
            e["n_total_symbols"].as_f64(),
            "{id}"
        );
        assert_eq!(
            got.as_object().unwrap().len(),
            4,
            "{id}: exactly the four keys"
        );
    }
}

#[test]
fn every_fsk_vector_through_the_cli() {
    let json = vectors();
    for v in json["fsk_vectors"].as_array().unwrap() {
        let (rate, pl) = (v["bitrate_bps"].to_string(), v["payload_len"].to_string());
        let got = json_out(&[
            "airtime",
            "--fsk",
            "--bitrate",
            &rate,
            "--payload",
            &pl,
            "--json",
        ]);
        assert_eq!(got["bits"], v["expected"]["bits"]);
        assert_eq!(got["toa_us"].as_f64(), v["expected"]["toa_us"].as_f64());
        assert_eq!(got.as_object().unwrap().len(), 2);
    }
}

#[test]
fn crc_is_off_unless_asked_and_the_last_flag_wins() {
    let base = [
        "airtime",
        "--sf",
        "9",
        "--bw",
        "125k",
        "--payload",
        "13",
        "--json",
    ];
    let toa = |extra: &[&str]| {
        let mut a = base.to_vec();
        a.extend(extra);
        json_out(&a)["toa_us"].as_u64().unwrap()
    };
    // AN1200.13's SF9 example is an uplink: 164.864 ms with the CRC.
    assert_eq!(toa(&["--crc"]), 164_864);
    assert_eq!(toa(&[]), toa(&["--no-crc"]));
    assert!(toa(&[]) < 164_864);
    assert_eq!(toa(&["--crc", "--no-crc"]), toa(&[]));
    assert_eq!(toa(&["--no-crc", "--crc"]), 164_864);
    // Hz and kHz spellings are the same bandwidth; SF7 and 7 the same SF.
    let a = json_out(&[
        "airtime",
        "--sf",
        "SF7",
        "--bw",
        "125000",
        "--payload",
        "255",
        "--json",
    ]);
    let b = json_out(&[
        "airtime",
        "--sf",
        "7",
        "--bw",
        "125k",
        "--payload",
        "255",
        "--json",
    ]);
    assert_eq!(a, b);
    assert_eq!(a["toa_us"], 394_496);

    let help = lorafota(&["airtime", "--help"]);
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    assert!(text.contains("CRC is OFF unless --crc"), "{text}");
}

#[test]
fn readable_output_shows_ms_and_the_parts() {
    let out = lorafota(&["airtime", "--sf", "12", "--bw", "125k", "--payload", "13"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1155.072 ms"), "{text}");
    assert!(text.contains("32.768 ms"), "{text}");
    assert!(text.contains("= 35.25"), "{text}");
    assert!(text.contains("CRC off"), "{text}");
    assert!(text.contains("LDRO on (auto)"), "{text}");
    let out = lorafota(&["airtime", "--fsk", "--bitrate", "50000", "--payload", "13"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("3.840 ms") && text.contains("192"), "{text}");
}

fn lora<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["airtime"];
    a.extend(extra);
    a
}

#[test]
fn bad_input_exits_2_with_one_line() {
    assert_bad_input(
        &lora(&["--sf", "13", "--bw", "125k", "--payload", "1"]),
        "SF5..=SF12",
    );
    assert_bad_input(
        &lora(&["--sf", "7", "--bw", "200k", "--payload", "1"]),
        "200000 Hz",
    );
    assert_bad_input(
        &lora(&["--sf", "7", "--bw", "wide", "--payload", "1"]),
        "bandwidth",
    );
    assert_bad_input(
        &lora(&["--sf", "7", "--bw", "125k", "--payload", "256"]),
        "255",
    );
    assert_bad_input(
        &lora(&["--sf", "7", "--bw", "125k", "--payload=-1"]),
        "--payload",
    );
    assert_bad_input(
        &lora(&["--sf", "7", "--bw", "125k", "--cr", "4/9", "--payload", "1"]),
        "coding rate",
    );
    assert_bad_input(
        &lora(&[
            "--sf",
            "7",
            "--bw",
            "125k",
            "--ldro",
            "yes",
            "--payload",
            "1",
        ]),
        "auto, on or off",
    );
    assert_bad_input(&lora(&["--sf", "7", "--bw", "125k"]), "--payload");
    assert_bad_input(&lora(&["--payload", "1"]), "--sf");
    assert_bad_input(&lora(&["--fsk", "--payload", "1"]), "--bitrate");
    assert_bad_input(
        &lora(&["--fsk", "--bitrate", "0", "--payload", "1"]),
        "bit rate",
    );
    assert_bad_input(
        &lora(&["--fsk", "--bitrate", "50000", "--sf", "7", "--payload", "1"]),
        "--fsk",
    );
    assert_bad_input(
        &lora(&[
            "--bitrate",
            "50000",
            "--sf",
            "7",
            "--bw",
            "125k",
            "--payload",
            "1",
        ]),
        "--fsk",
    );
}
