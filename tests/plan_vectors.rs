//! The planner against ../shared/vectors/timing/fuota_duration.json, row for row, and its
//! errors at the limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use lorafota::core::gps::UnixTime;
use lorafota::core::plan::{
    DataRateChoice, Fleet, LossModel, Pacing, PlanError, PlanRequest, RedundancyChoice, Schedule,
    SimDevice, class_c_exponent_for, plan_session,
};
use lorafota::core::region::{DataRate, DutyCycle, Region};

fn request(region: Region, dr: u8, pct: u32, pacing: Pacing) -> PlanRequest {
    let mut req = PlanRequest::new(
        100 * 1024,
        region,
        DataRateChoice::Fixed(DataRate::new(dr)),
        RedundancyChoice::Percent(pct),
    );
    req.pacing = pacing;
    req
}

#[test]
fn reproduces_the_duration_table_row_for_row() {
    let v = common::load_json("timing/fuota_duration.json");
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 10);
    for row in rows {
        let region: Region = row["region"].as_str().unwrap().parse().unwrap();
        let dr: u8 = row["dr"]
            .as_str()
            .unwrap()
            .trim_start_matches("DR")
            .parse()
            .unwrap();
        let pct = row["redundancy_percent"].as_u64().unwrap() as u32;
        let name = format!("{region} DR{dr} {pct}%");
        let dc_exponent = row["min_class_c_timeout_exponent_for_dc_schedule"]
            .as_u64()
            .unwrap() as u32;

        // Auto pacing: EU868's RX2 channel is in the 10 % sub-band, US915 has no duty cycle.
        match plan_session(&request(region, dr, pct, Pacing::Auto)) {
            Ok(p) => {
                assert_eq!(
                    u64::from(p.fragment_size),
                    row["fragment_size"].as_u64().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    u64::from(p.padding),
                    row["padding"].as_u64().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    u64::from(p.nb_frag),
                    row["data_fragments"].as_u64().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    u64::from(p.redundancy),
                    row["redundant_fragments"].as_u64().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    p.toa_per_fragment.as_micros() as u64,
                    row["toa_per_fragment_us"].as_u64().unwrap(),
                    "{name}"
                );
                assert_eq!(
                    p.airtime.as_micros() as u64,
                    row["airtime_us"].as_u64().unwrap(),
                    "{name}"
                );
                if let Some(want) = row["duration_10pct_dc_spaced_s"].as_f64() {
                    assert!(
                        (p.duration.as_secs_f64() - want).abs() < 1e-3,
                        "{name}: {:?} vs {want}",
                        p.duration
                    );
                } else {
                    assert_eq!(p.duration, p.airtime, "{name}: no duty cycle, back to back");
                }
                assert_eq!(u32::from(p.timeout.exponent()), dc_exponent, "{name}");
            }
            Err(PlanError::SessionTooLong {
                needed_exponent,
                slowest_fitting,
                ..
            }) => {
                assert_eq!(needed_exponent, dc_exponent, "{name}");
                assert!(dc_exponent > 15, "{name}");
                // EU868 at 10 %: DR2 (SF10, 48-byte fragments, 698 ms each: 2348 x 6.98 s =
                // 16 400 s at 10 %) is the slowest that fits 2^15 s.
                assert_eq!(slowest_fitting, Some(DataRate::new(2)), "{name}");
            }
            Err(e) => panic!("{name}: {e}"),
        }

        // 1 % duty cycle and ChirpStack's 5 s spacing.
        if let Some(want) = row["duration_1pct_dc_spaced_s"].as_f64() {
            let d = lorafota::core::plan::transfer_duration(
                region,
                lorafota::core::radio::Hz::new(868_100_000),
                Pacing::DutyCycle(DutyCycle::from_ppm(10_000)),
                Duration::from_micros(row["toa_per_fragment_us"].as_u64().unwrap()),
                row["total_fragments"].as_u64().unwrap() as u32,
            )
            .unwrap();
            assert!(
                (d.as_secs_f64() - want).abs() < 1e-3,
                "{name}: {d:?} vs {want}"
            );
        }
        let five = request(region, dr, pct, Pacing::Interval(Duration::from_secs(5)));
        let want = row["duration_chirpstack_5s_margin_s"].as_f64().unwrap();
        let want_exp = row["min_class_c_timeout_exponent_for_5s_schedule"]
            .as_u64()
            .unwrap() as u32;
        match plan_session(&five) {
            Ok(p) => {
                assert!((p.duration.as_secs_f64() - want).abs() < 1e-6, "{name} 5 s");
                assert_eq!(u32::from(p.timeout.exponent()), want_exp, "{name} 5 s");
            }
            Err(e) => panic!("{name} 5 s: {e}"),
        }
        assert_eq!(
            class_c_exponent_for(Duration::from_secs_f64(want)),
            want_exp,
            "{name}"
        );
    }
}

#[test]
fn target_drives_the_redundancy_and_the_schedule_drives_the_start() {
    let mut req = PlanRequest::new(
        100 * 1024,
        Region::Eu868,
        DataRateChoice::Fixed(DataRate::new(5)),
        RedundancyChoice::ForTarget { target: 0.99 },
    );
    req.fleet = Some(Fleet {
        devices: vec![SimDevice {
            loss: LossModel::iid(0.1).unwrap(),
            max_lost: None,
        }],
        simulated: 2000,
        seed: 3,
    });
    req.schedule = Some(Schedule {
        scheduled: UnixTime::from_secs(1_767_225_600), // 2026-01-01T00:00:00Z
        setup: Duration::from_secs(300),
        launch: Duration::from_secs(60),
    });
    let p = plan_session(&req).unwrap();
    assert_eq!((p.nb_frag, p.fragment_size), (429, 239));
    // 10 % loss over 429 + R: about 0.1 * 429 + spread + decode overhead.
    assert!((60..=110).contains(&p.redundancy), "{}", p.redundancy);
    assert!(p.expected_success.unwrap() >= 0.99);
    let t = p.times.unwrap();
    assert_eq!(t.start.as_secs(), 1_767_225_600 + 360);
    // GPS = Unix - 315964800 + 18 leap seconds.
    assert_eq!(t.start_gps.as_secs(), 1_767_225_960 - 315_964_800 + 18);
    assert_eq!(t.end, t.start.saturating_add(p.duration));

    // The same fleet with devices that can hold only 20 lost fragments cannot reach 99 %.
    req.fleet = Some(Fleet {
        devices: vec![SimDevice {
            loss: LossModel::iid(0.1).unwrap(),
            max_lost: Some(20),
        }],
        simulated: 500,
        seed: 3,
    });
    assert!(matches!(
        plan_session(&req),
        Err(PlanError::TargetUnreachable { .. })
    ));
}

#[test]
fn fastest_reaching_picks_the_slowest_device() {
    let req = PlanRequest::new(
        10_000,
        Region::Eu868,
        DataRateChoice::FastestReaching(vec![DataRate::new(5), DataRate::new(3), DataRate::new(4)]),
        RedundancyChoice::Percent(20),
    );
    assert_eq!(plan_session(&req).unwrap().data_rate, DataRate::new(3));
    let req = PlanRequest::new(
        10_000,
        Region::Us915,
        DataRateChoice::FastestReaching(vec![]),
        RedundancyChoice::Count(5),
    );
    assert_eq!(plan_session(&req).unwrap().data_rate, DataRate::new(13));
}

#[test]
fn bad_requests_name_their_limit() {
    let uplink_only = PlanRequest::new(
        1000,
        Region::Us915,
        DataRateChoice::Fixed(DataRate::new(2)),
        RedundancyChoice::Count(1),
    );
    let e = plan_session(&uplink_only).unwrap_err();
    assert!(
        e.to_string().contains("DR2") && e.to_string().contains("downlink"),
        "{e}"
    );
    let mut no_fleet = PlanRequest::new(
        1000,
        Region::Eu868,
        DataRateChoice::Fixed(DataRate::new(5)),
        RedundancyChoice::ForTarget { target: 0.9 },
    );
    assert_eq!(plan_session(&no_fleet).unwrap_err(), PlanError::NoFleet);
    no_fleet.redundancy = RedundancyChoice::ForTarget { target: 1.5 };
    assert!(matches!(
        plan_session(&no_fleet),
        Err(PlanError::InvalidTarget(_))
    ));
    let mut big = PlanRequest::new(
        10_000_000,
        Region::Eu868,
        DataRateChoice::Fixed(DataRate::new(5)),
        RedundancyChoice::Count(1),
    );
    assert!(matches!(
        plan_session(&big),
        Err(PlanError::Fragmentation(_))
    ));
    big.image_size = 100_000;
    big.device_max_fragments = Some(100);
    assert!(matches!(
        plan_session(&big),
        Err(PlanError::TooManyFragmentsForDevices {
            nb_frag: 419,
            device_max: 100
        })
    ));
}
