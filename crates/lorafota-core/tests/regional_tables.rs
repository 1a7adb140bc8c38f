//! The compiled regional tables against ../shared/vectors/regional/regional.json, entry by
//! entry: every region, data rate, direction and max-payload variant, the defaults and the rules.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use lorafota_core::Hz;
use lorafota_core::airtime::{Bandwidth, CodingRate};
use lorafota_core::region::*;
use serde_json::Value;

fn regional() -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors/regional/regional.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn u(v: &Value) -> u64 {
    v.as_u64()
        .unwrap_or_else(|| panic!("not an unsigned integer: {v}"))
}

fn u8_of(v: &Value) -> u8 {
    u8::try_from(u(v)).unwrap()
}

fn hz(v: &Value) -> Hz {
    Hz::new(u32::try_from(u(v)).unwrap())
}

fn regions(json: &Value) -> Vec<(Region, &Value)> {
    json["regions"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let r: Region = k.parse().unwrap_or_else(|e| panic!("{k}: {e}"));
            assert_eq!(r.name(), k, "Display round-trips the JSON name");
            assert_eq!(r.to_string(), *k);
            (r, v)
        })
        .collect()
}

/// JSON max_payload key -> variant. AU915's uplink dwell tables are the no-repeater variants.
fn variant_of(key: &str) -> PayloadVariant {
    match key {
        "no_repeater" | "uplink_dwell_0" => PayloadVariant::NoRepeater,
        "repeater_compatible" => PayloadVariant::RepeaterCompatible,
        "dwell_400ms_no_repeater" | "uplink_dwell_400ms" => PayloadVariant::Dwell400msNoRepeater,
        "dwell_400ms_repeater_compatible" => PayloadVariant::Dwell400msRepeaterCompatible,
        other => panic!("unknown max_payload variant {other}"),
    }
}

fn check_modulation(info: &DataRateInfo, e: &Value, at: &str) {
    match (info.modulation(), e["modulation"].as_str().unwrap()) {
        (
            Modulation::Lora {
                sf,
                bw,
                coding_rate,
            },
            "LORA",
        ) => {
            assert_eq!(u64::from(sf.get()), u(&e["sf"]), "{at} sf");
            assert_eq!(
                bw,
                Bandwidth::from_hz(u32::try_from(u(&e["bw_hz"])).unwrap()).unwrap(),
                "{at} bw"
            );
            assert_eq!(
                coding_rate,
                e["coding_rate"]
                    .as_str()
                    .unwrap()
                    .parse::<CodingRate>()
                    .unwrap(),
                "{at} cr"
            );
        }
        (Modulation::Fsk { bitrate_bps }, "FSK") => {
            assert_eq!(u64::from(bitrate_bps), u(&e["bitrate_bps"]), "{at} bitrate");
        }
        (
            Modulation::LrFhss {
                coding_rate,
                occupied_channel_width,
            },
            "LR_FHSS",
        ) => {
            let cr = match e["coding_rate"].as_str().unwrap() {
                "2/6" => LrFhssCodingRate::OneThird,
                "4/6" => LrFhssCodingRate::TwoThirds,
                other => panic!("{at}: LR-FHSS coding rate {other}"),
            };
            assert_eq!(coding_rate, cr, "{at} LR-FHSS cr");
            assert_eq!(
                occupied_channel_width,
                hz(&e["occupied_channel_width_hz"]),
                "{at} ocw"
            );
        }
        (m, j) => panic!("{at}: compiled {m:?}, JSON {j}"),
    }
}

fn check_payloads(info: &DataRateInfo, e: &Value, at: &str) {
    let empty = serde_json::Map::new();
    let given = e["max_payload"].as_object().unwrap_or(&empty);
    let mut listed = Vec::new();
    for (key, mp) in given {
        let variant = variant_of(key);
        listed.push(variant);
        match mp["M"].as_u64() {
            None => {
                assert!(mp["N"].is_null(), "{at} {key}: N without M");
                assert_eq!(
                    info.payload_limit(variant),
                    PayloadLimit::NotAllowed,
                    "{at} {key}"
                );
                let err = info.max_payload(variant).unwrap_err();
                assert!(
                    matches!(err, RegionError::PayloadNotAllowed { .. }),
                    "{at} {key}"
                );
            }
            Some(m) => {
                let max = info.max_payload(variant).unwrap();
                assert_eq!(u64::from(max.m()), m, "{at} {key} M");
                // The errata rule: N is M - 8 whatever a source said; the JSON already applies it.
                assert_eq!(max.n(), max.m() - 8, "{at} {key} N = M - 8");
                assert_eq!(u64::from(max.n()), u(&mp["N"]), "{at} {key} N");
                assert_eq!(
                    max.max_phy_payload(),
                    usize::from(max.m()) + 5,
                    "{at} {key}"
                );
                let n = usize::from(max.n());
                assert_eq!(info.check_frm_payload(variant, n), Ok(max));
                let too_long = info.check_frm_payload(variant, n + 1).unwrap_err();
                let msg = too_long.to_string();
                assert!(
                    msg.contains(&format!("N = {n} bytes")) && msg.contains(info.region().name()),
                    "{at}: {msg}"
                );
            }
        }
    }
    for variant in PayloadVariant::ALL {
        if !listed.contains(&variant) {
            assert_eq!(
                info.payload_limit(variant),
                PayloadLimit::NotListed,
                "{at} {variant:?}"
            );
            assert!(matches!(
                info.max_payload(variant),
                Err(RegionError::PayloadNotListed { .. })
            ));
        }
    }
}

fn check_since(info: &DataRateInfo, e: &Value, at: &str) {
    let want = e["since"].as_str().map(|s| {
        let digit = s
            .strip_prefix("RP002-1.0.")
            .and_then(|r| r.chars().next())
            .unwrap();
        match digit {
            '0' => Rp002Revision::V1_0_0,
            '1' => Rp002Revision::V1_0_1,
            '2' => Rp002Revision::V1_0_2,
            '3' => Rp002Revision::V1_0_3,
            '4' => Rp002Revision::V1_0_4,
            '5' => Rp002Revision::V1_0_5,
            _ => panic!("{at}: since {s}"),
        }
    });
    assert_eq!(info.since(), want, "{at} since");
}

#[test]
fn every_data_rate_of_every_region_matches_the_json() {
    let json = regional();
    let all = regions(&json);
    assert_eq!(all.len(), Region::ALL.len());
    let mut checked = 0;
    for (region, r) in &all {
        assert_eq!(region.rp002_name(), r["rp002_name"].as_str().unwrap());
        assert_eq!(
            region.frequency_offset_hz().map(i64::from),
            r.get("frequency_offset_hz").and_then(Value::as_i64)
        );
        let rows = r["data_rates"].as_array().unwrap();
        let mut counts = [0usize; 2];
        for row in rows {
            let dr = u8_of(&row["dr"]);
            for (i, direction) in [Direction::Uplink, Direction::Downlink]
                .into_iter()
                .enumerate()
            {
                let at = format!("{region} DR{dr} {direction}");
                let e = &row[direction.to_string()];
                let got = region.data_rate(dr, direction);
                if e.is_null() {
                    let err = got.unwrap_err();
                    assert_eq!(
                        err,
                        RegionError::DataRateNotDefined {
                            region: *region,
                            dr: DataRate::new(dr),
                            direction
                        }
                    );
                    let msg = err.to_string();
                    assert!(
                        msg.contains(region.name())
                            && msg.contains(&format!("DR{dr}"))
                            && msg.contains(&direction.to_string()),
                        "{msg}"
                    );
                    continue;
                }
                let info = got.unwrap();
                counts[i] += 1;
                assert_eq!(info.region(), *region);
                assert_eq!(info.dr(), DataRate::new(dr));
                assert_eq!(info.direction(), direction);
                check_modulation(info, e, &at);
                check_payloads(info, e, &at);
                check_since(info, e, &at);
                checked += 1;
            }
            check_rx1(*region, row);
        }
        // Nothing compiled that the JSON does not have.
        assert_eq!(region.uplinks().count(), counts[0], "{region} uplinks");
        assert_eq!(region.downlinks().count(), counts[1], "{region} downlinks");
        for dr in 0..=255u8 {
            if !rows.iter().any(|row| u(&row["dr"]) == u64::from(dr)) {
                assert!(
                    region.uplink(dr).is_err() && region.downlink(dr).is_err(),
                    "{region} DR{dr}"
                );
            }
        }
    }
    assert!(checked > 150, "only {checked} entries checked");
}

fn check_rx1(region: Region, row: &Value) {
    let dr = u8_of(&row["dr"]);
    for (key, dwell) in [
        ("rx1_dr_by_offset", false),
        ("rx1_dr_by_offset_dwell_400ms", true),
    ] {
        let Some(table) = row.get(key).and_then(Value::as_array) else {
            continue;
        };
        for (offset, want) in table.iter().enumerate() {
            let offset = u8::try_from(offset).unwrap();
            assert_eq!(
                region.rx1_downlink_dr(dr, offset, dwell),
                Ok(DataRate::new(u8_of(want))),
                "{region} DR{dr} {key}[{offset}]"
            );
        }
        let past = u8::try_from(table.len()).unwrap();
        assert!(matches!(
            region.rx1_downlink_dr(dr, past, dwell),
            Err(RegionError::Rx1OffsetOutOfRange { .. })
        ));
    }
    if row["rx1_dr_by_offset"].is_null() {
        assert!(
            region.rx1_downlink_dr(dr, 0, false).is_err(),
            "{region} DR{dr} has no RX1 table"
        );
    }
}

fn channel(freq: &Value, dr: &Value) -> Channel {
    Channel {
        frequency: hz(freq),
        dr: DataRate::new(u8_of(dr)),
    }
}

fn secs(v: &Value) -> Duration {
    Duration::from_secs(u(v))
}

#[test]
fn defaults_and_class_b_match_the_json() {
    let json = regional();
    for (region, r) in regions(&json) {
        let defaults = r.get("defaults").unwrap_or(&r["defaults_lrwn_legacy"]);
        let delays = region.rx_delays();
        assert_eq!(delays.rx1, secs(&defaults["rx1_delay_s"]));
        assert_eq!(delays.rx2, secs(&defaults["rx2_delay_s"]));
        assert_eq!(delays.join_accept1, secs(&defaults["join_accept_delay1_s"]));
        assert_eq!(delays.join_accept2, secs(&defaults["join_accept_delay2_s"]));

        match r.get("defaults") {
            Some(d) => assert_eq!(
                region.rx2_default(),
                Ok(channel(&d["rx2_freq_hz"], &d["rx2_dr"]))
            ),
            None => assert_eq!(
                region.rx2_default(),
                Err(RegionError::NoFixedDefault {
                    region,
                    setting: DefaultSetting::Rx2
                })
            ),
        }
        let mc = &r["class_c_multicast_default"];
        if mc["freq_hz"].is_null() {
            let err = region.class_c_multicast_default().unwrap_err();
            assert_eq!(
                err,
                RegionError::NoFixedDefault {
                    region,
                    setting: DefaultSetting::ClassCMulticast
                }
            );
        } else {
            let c = region.class_c_multicast_default().unwrap();
            assert_eq!(c, channel(&mc["freq_hz"], &mc["dr"]), "{region}");
            // Every default channel is a defined downlink data rate of its region.
            assert!(region.downlink(c.dr).is_ok(), "{region} {c}");
        }

        match r.get("class_b") {
            None => assert!(region.class_b().is_err()),
            Some(cb) => {
                let got = region.class_b().unwrap();
                assert_eq!(got.beacon_dr, DataRate::new(u8_of(&cb["beacon_dr"])));
                assert_eq!(got.ping_slot_dr, DataRate::new(u8_of(&cb["ping_slot_dr"])));
                check_class_b_channel(got.beacon, cb, "beacon");
                check_class_b_channel(got.ping_slot, cb, "ping_slot");
            }
        }
    }
}

fn check_class_b_channel(got: ClassBChannel, cb: &Value, kind: &str) {
    match got {
        ClassBChannel::Fixed(f) => assert_eq!(f, hz(&cb[format!("{kind}_freq_hz")])),
        ClassBChannel::Hopping {
            first,
            step,
            channels,
        } => {
            // "923.3 MHz + 600 kHz * (... mod 8)"
            let text = cb[format!("{kind}_channel")].as_str().unwrap();
            let want = format!(
                "{} MHz + {} kHz * ",
                f64::from(first.get()) / 1e6,
                step.get() / 1000
            );
            assert!(text.starts_with(&want), "{text} vs {want}");
            assert!(text.ends_with(&format!("mod {channels})")), "{text}");
        }
    }
}

#[test]
fn cn470_rp002_plans_match_the_json() {
    let json = regional();
    let d = &json["regions"]["CN470"]["defaults_rp002"];
    let legacy = &json["regions"]["CN470"]["defaults_lrwn_legacy"];
    let c = cn470_rp002();
    assert_eq!(c.rx2_dr, DataRate::new(u8_of(&d["rx2_dr"])));
    assert_eq!(c.beacon_dr, DataRate::new(u8_of(&d["beacon_dr"])));
    assert_eq!(c.ping_slot_dr, DataRate::new(u8_of(&d["ping_slot_dr"])));
    assert_eq!(c.beacon_26mhz_a, hz(&d["beacon_freq_hz_26MHz_A"]));
    assert_eq!(c.beacon_26mhz_b, hz(&d["beacon_freq_hz_26MHz_B"]));
    assert_eq!(
        c.lrwn_legacy_rx2,
        channel(&legacy["rx2_freq_hz"], &legacy["rx2_dr"])
    );
    let plans = d["rx2_freq_hz_by_plan"].as_object().unwrap();
    assert_eq!(c.rx2_by_plan.len(), plans.len());
    for (plan, freqs) in plans {
        let got = c.rx2_by_plan.iter().find(|p| p.plan == plan).unwrap();
        let want: Vec<Hz> = match freqs.as_array() {
            Some(list) => list.iter().map(hz).collect(),
            None => vec![hz(freqs)],
        };
        assert_eq!(got.frequencies, want.as_slice(), "{plan}");
    }
}

#[test]
fn duty_cycle_dwell_and_lbt_match_the_json() {
    let json = regional();
    for (region, r) in regions(&json) {
        let dc = &r["duty_cycle"];
        match region.duty_cycle_rule() {
            DutyCycleRule::None => assert!(dc.is_null(), "{region}"),
            DutyCycleRule::SubBands(bands) => {
                let want = dc["sub_bands"].as_array().unwrap();
                assert_eq!(bands.len(), want.len());
                for (b, w) in bands.iter().zip(want) {
                    assert_eq!(b.name, w["name"].as_str().unwrap());
                    assert_eq!(b.min, hz(&w["min_hz"]));
                    assert_eq!(b.max, hz(&w["max_hz"]));
                    let fraction = w["duty_cycle"].as_f64().unwrap();
                    assert_eq!(
                        f64::from(b.duty_cycle.ppm()),
                        (fraction * 1e6).round(),
                        "{}",
                        b.name
                    );
                    // Inside the band, the look-up finds this band's limit.
                    let mid = Hz::new((b.min.get() + b.max.get()) / 2);
                    assert_eq!(
                        region.duty_cycle_for(mid),
                        Ok(Some(b.duty_cycle)),
                        "{}",
                        b.name
                    );
                }
            }
            DutyCycleRule::Uniform(limit) => {
                let note = dc["note"].as_str().unwrap();
                assert!(
                    note.contains(&format!("single {limit} band")),
                    "{region}: {note}"
                );
            }
            DutyCycleRule::CountrySpecific(note) => {
                assert_eq!(note, dc["note"].as_str().unwrap(), "{region}");
            }
        }

        let dwell = &r["dwell_time"];
        match region.dwell_time() {
            None => assert!(dwell.is_null(), "{region}"),
            Some(d) => {
                let ms = |key: &str| {
                    dwell
                        .get(key)
                        .and_then(Value::as_u64)
                        .map(Duration::from_millis)
                };
                assert_eq!(d.uplink, ms("uplink_ms"), "{region}");
                assert_eq!(d.downlink, ms("downlink_ms"), "{region}");
                assert_eq!(
                    d.when_signalled,
                    dwell.get("applies_when").is_some(),
                    "{region}"
                );
                assert!(!d.note.is_empty());
            }
        }

        let lbt = &r["lbt"];
        match region.lbt() {
            None => assert!(lbt.is_null(), "{region}"),
            Some(l) => {
                assert_eq!(
                    i64::from(l.rssi_threshold_dbm),
                    lbt["rssi_threshold_dbm"].as_i64().unwrap()
                );
                assert_eq!(
                    l.carrier_sense_time,
                    Duration::from_millis(u(&lbt["carrier_sense_time_ms"]))
                );
                assert_eq!(l.scan_bandwidth, hz(&lbt["scan_bandwidth_hz"]));
                assert_eq!(l.required_in, lbt["required_in"].as_str());
            }
        }
    }
}

#[test]
fn eu868_duty_cycle_facts() {
    let dc = |f: u32| Region::Eu868.duty_cycle_for(Hz::new(f)).unwrap().unwrap();
    // RX2 / typical multicast channel: 10 %, 360 s per hour.
    assert_eq!(dc(869_525_000), DutyCycle::from_ppm(100_000));
    assert_eq!(
        dc(869_525_000).max_airtime_in(Duration::from_secs(3600)),
        Duration::from_secs(360)
    );
    // The default channels: 1 %.
    assert_eq!(dc(868_100_000).to_string(), "1%");
    // Shared edge 865 MHz goes to the upper (1 %) band; 863 is still 0.1 %.
    assert_eq!(dc(865_000_000).to_string(), "1%");
    assert_eq!(dc(863_000_000).to_string(), "0.1%");
    let err = Region::Eu868
        .duty_cycle_for(Hz::new(869_300_000))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "869.3 MHz is in none of the EU868 duty-cycle sub-bands"
    );
}

#[test]
fn errata_n_is_m_minus_8() {
    let json = regional();
    let errata = json["common"]["known_source_errata"].as_array().unwrap();
    assert!(errata.iter().any(|e| {
        let e = e.as_str().unwrap().to_ascii_uppercase();
        e.contains("EU868") && e.contains("DR4") && e.contains("N=222")
    }));
    // lrwn says M = 250, N = 222 for EU868 DR4; the tables say N = 242.
    for direction in [Direction::Uplink, Direction::Downlink] {
        let max = Region::Eu868
            .data_rate(4, direction)
            .unwrap()
            .max_payload(PayloadVariant::NoRepeater)
            .unwrap();
        assert_eq!((max.m(), max.n()), (250, 242));
        assert_eq!(max.max_fragment_size(), 239);
    }
    // Repeater-compatible tables cap the fast rates at M = 230, N = 222.
    let rep = Region::Eu868
        .downlink(5)
        .unwrap()
        .max_payload(PayloadVariant::RepeaterCompatible)
        .unwrap();
    assert_eq!((rep.m(), rep.n()), (230, 222));
}

#[test]
fn downlink_airtime_and_the_fastest_data_rate() {
    // EU868 DR5, a full 255-byte downlink (airtime vector pub-007).
    let dr5 = Region::Eu868.downlink(5).unwrap();
    assert_eq!(dr5.time_on_air(255), Ok(Duration::from_micros(394_496)));
    // The same DR as an uplink has a payload CRC (vector pub-009 shape: 13 B).
    assert_eq!(
        Region::Eu868.uplink(5).unwrap().time_on_air(13),
        Ok(Duration::from_micros(46_336))
    );
    // US915 DR8 downlink, max N = 53 (pub-012).
    let dr8 = Region::Us915.downlink(8).unwrap();
    let max = dr8.max_payload(PayloadVariant::NoRepeater).unwrap();
    assert_eq!(
        dr8.time_on_air(max.max_phy_payload()),
        Ok(Duration::from_micros(616_448))
    );
    // LR-FHSS has no formula here.
    assert!(Region::Eu868.uplink(8).unwrap().time_on_air(20).is_err());

    for region in Region::ALL {
        let options = region.downlink_options(PayloadVariant::NoRepeater);
        for pair in options.windows(2) {
            assert!(!pair[1].is_faster_than(&pair[0]), "{region}: not sorted");
        }
        for o in &options {
            assert_eq!(o.info.direction(), Direction::Downlink);
            assert_eq!(
                Ok(o.full_frame_toa),
                o.info.time_on_air(usize::from(o.max.n()) + 13)
            );
        }
    }

    let classic = |dr: &DataRateInfo| dr.since().is_none();
    // EU868: FSK DR7 carries the most per second, then SF7/250.
    let best = Region::Eu868
        .fastest_downlink_dr(PayloadVariant::NoRepeater, classic)
        .unwrap();
    assert_eq!(best.info.dr(), DataRate::new(7));
    let lora_only = |dr: &DataRateInfo| classic(dr) && dr.modulation().spreading_factor().is_some();
    let best = Region::Eu868
        .fastest_downlink_dr(PayloadVariant::NoRepeater, lora_only)
        .unwrap();
    assert_eq!(best.info.dr(), DataRate::new(6));
    // Devices that need SF9 or slower.
    let far = |dr: &DataRateInfo| {
        classic(dr)
            && dr
                .modulation()
                .spreading_factor()
                .is_some_and(|sf| sf.get() >= 9)
    };
    assert_eq!(
        Region::Eu868
            .fastest_downlink_dr(PayloadVariant::NoRepeater, far)
            .unwrap()
            .info
            .dr(),
        DataRate::new(3)
    );
    assert_eq!(
        Region::Us915
            .fastest_downlink_dr(PayloadVariant::NoRepeater, classic)
            .unwrap()
            .info
            .dr(),
        DataRate::new(13)
    );
    // AS923 with the 400 ms dwell: DR0/DR1 are not allowed, so SF12 devices have nothing.
    let sf12 = |dr: &DataRateInfo| {
        dr.modulation()
            .spreading_factor()
            .is_some_and(|sf| sf.get() == 12)
    };
    assert_eq!(
        Region::As923.fastest_downlink_dr(PayloadVariant::Dwell400msNoRepeater, sf12),
        Err(RegionError::NoDownlinkDataRate {
            region: Region::As923,
            variant: PayloadVariant::Dwell400msNoRepeater
        })
    );
}
