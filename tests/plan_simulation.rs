//! The fleet simulation against the real decoder and against the reference measurements.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lorafota::core::frag::{Decoder, Encoder, Progress, Ts004Version};
use lorafota::core::plan::{DeviceOutcome, LossModel, SimDevice, simulate_fleet};
use lorafota::core::rng::SplitMix64;

/// The symbolic decode gives, device by device, exactly the completion point of the real
/// decoder fed the same loss pattern.
#[test]
fn symbolic_decode_equals_the_real_decoder() {
    for (version, len, s, pct, loss) in [
        (
            Ts004Version::V1,
            5000usize,
            20usize,
            30usize,
            LossModel::iid(0.1).unwrap(),
        ),
        (
            Ts004Version::V2,
            2048,
            8,
            40,
            LossModel::bursty(0.15, 4.0).unwrap(),
        ),
        (
            Ts004Version::V2Spec,
            999,
            9,
            60,
            LossModel::iid(0.3).unwrap(),
        ),
    ] {
        let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
        let enc = Encoder::new(data.clone(), s, version).unwrap();
        let m = enc.params().nb_frag();
        let r = (usize::from(m) * pct / 100) as u16;
        let block = enc.encode(r.into()).unwrap();
        let devices = vec![
            SimDevice {
                loss,
                max_lost: None
            };
            40
        ];
        let seed = 77;
        let fleet = simulate_fleet(version, m, r, &devices, seed);
        for (i, outcome) in fleet.devices().iter().enumerate() {
            let mut channel = loss.channel(SplitMix64::stream(seed, i as u64));
            let mut dec = Decoder::new_in_memory(block.params(), version, None);
            let mut done = None;
            for f in block.fragments() {
                if channel.lose_next() {
                    continue;
                }
                if dec.push(f.counter, &f.payload).unwrap() == Progress::Completed {
                    done = Some(f.counter.saturating_sub(m));
                    break;
                }
            }
            assert_eq!(outcome.coded_needed, done, "{version} device {i}");
            if done.is_some() {
                assert_eq!(dec.data(), Some(&data[..]));
            }
        }
    }
}

/// P(done) by loss and redundancy as measured with the public reference decoders
/// (reference-performance.md, table (c), 200 trials per cell, v1): ours must agree within
/// sampling error.
#[test]
fn reproduces_the_reference_success_table() {
    // (M, loss, [P(done) at R = 5 %, 10 %, 20 %, 50 %])
    let table: [(u16, f64, [f64; 4]); 12] = [
        (200, 0.05, [0.300, 0.990, 1.000, 1.000]),
        (200, 0.10, [0.000, 0.240, 1.000, 1.000]),
        (200, 0.20, [0.000, 0.000, 0.040, 1.000]),
        (200, 0.30, [0.000, 0.000, 0.000, 0.885]),
        (1000, 0.05, [0.300, 1.000, 1.000, 1.000]),
        (1000, 0.10, [0.000, 0.115, 1.000, 1.000]),
        (1000, 0.20, [0.000, 0.000, 0.000, 1.000]),
        (1000, 0.30, [0.000, 0.000, 0.000, 1.000]),
        (1024, 0.05, [0.410, 1.000, 1.000, 1.000]),
        (1024, 0.10, [0.000, 0.170, 1.000, 1.000]),
        (1024, 0.20, [0.000, 0.000, 0.000, 1.000]),
        (1024, 0.30, [0.000, 0.000, 0.000, 1.000]),
    ];
    let trials = 1000;
    for (m, loss, expected) in table {
        let devices = vec![
            SimDevice {
                loss: LossModel::iid(loss).unwrap(),
                max_lost: None
            };
            trials
        ];
        let fleet = simulate_fleet(
            Ts004Version::V1,
            m,
            m,
            &devices,
            u64::from(m) * 1000 + (loss * 100.0) as u64,
        );
        for (pct, want) in [5u32, 10, 20, 50].into_iter().zip(expected) {
            let r = (u32::from(m) * pct).div_ceil(100) as u16;
            let got = fleet.success_rate(r);
            // 4 sigma of both samples' binomial noise, plus a little for the reference's rounding.
            let p = (got + want) / 2.0;
            let sigma = (p * (1.0 - p) * (1.0 / 200.0 + 1.0 / trials as f64)).sqrt();
            assert!(
                (got - want).abs() <= 4.0 * sigma + 0.02,
                "M={m} loss={loss} R={pct}%: ours {got:.3}, reference {want:.3}"
            );
        }
    }
}

#[test]
fn redundancy_for_a_target_and_memory_limits() {
    let devices = vec![
        SimDevice {
            loss: LossModel::iid(0.1).unwrap(),
            max_lost: None
        };
        500
    ];
    let fleet = simulate_fleet(Ts004Version::V1, 500, 250, &devices, 5);
    let r = fleet.redundancy_for(0.99).unwrap();
    assert!(fleet.success_rate(r) >= 0.99);
    assert!(fleet.success_rate(r - 1) < 0.99);
    assert!((55..=110).contains(&r), "{r}");
    // A decoder with room for 50 lost fragments fails whenever it loses more.
    let small = vec![
        SimDevice {
            loss: LossModel::iid(0.1).unwrap(),
            max_lost: Some(50)
        };
        200
    ];
    let fleet = simulate_fleet(Ts004Version::V1, 500, 250, &small, 5);
    let (too_lossy, completed): (Vec<&DeviceOutcome>, Vec<&DeviceOutcome>) =
        fleet.devices().iter().partition(|d| d.lost_uncoded > 50);
    assert!(!too_lossy.is_empty() && !completed.is_empty());
    assert!(too_lossy.iter().all(|d| d.coded_needed.is_none()));
    assert!(completed.iter().all(|d| d.coded_needed.is_some()));
}
