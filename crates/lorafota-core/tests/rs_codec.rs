//! The Reed-Solomon codec (`lorafota_core::rs`): round trips over both fields with losses up to
//! R, more losses than R, completion on exactly the M-th distinct fragment, odd fragment sizes
//! over GF(2^16), input errors, and byte-for-byte agreement with `reed-solomon-erasure`'s own
//! `ReedSolomon` (encode and batch reconstruct).
//!
//! Timing (not a test): `cargo test -p lorafota-core --release --features reed-solomon --test
//! rs_codec -- --ignored --nocapture rs_timing`.
#![cfg(feature = "reed-solomon")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lorafota_core::frag::{FragError, FragParams, Progress};
use lorafota_core::rs::{RsDecodeError, RsDecoder, RsEncodedBlock, RsEncoder, RsField};
use proptest::prelude::*;
use reed_solomon_erasure::{galois_8, galois_16};

/// SplitMix64: reproducible randomness without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// The fragments that survive losing `lost` random ones, in random order, with `dups` random
/// duplicates mixed in.
fn arrivals(
    block: &RsEncodedBlock,
    lost: usize,
    dups: usize,
    rng: &mut Rng,
) -> Vec<(u16, Vec<u8>)> {
    let mut all: Vec<(u16, Vec<u8>)> = block
        .fragments()
        .map(|f| (f.counter, f.payload.to_vec()))
        .collect();
    rng.shuffle(&mut all);
    all.truncate(all.len() - lost);
    for _ in 0..dups.min(all.len()) {
        let again = all[rng.below(all.len())].clone();
        let at = rng.below(all.len() + 1);
        all.insert(at, again);
    }
    all
}

/// Pushes every arrival; returns at which distinct fragment `Completed` came (checking it comes
/// at most once and that everything after it is `AlreadyCompleted`) and how many pushes were
/// accepted before the block was complete.
fn feed(dec: &mut RsDecoder, arrivals: &[(u16, Vec<u8>)]) -> (Option<usize>, usize) {
    let mut distinct = std::collections::HashSet::new();
    let mut completed_at = None;
    let mut accepted = 0;
    for (counter, payload) in arrivals {
        accepted += usize::from(completed_at.is_none());
        let fresh = distinct.insert(*counter);
        match dec.push(*counter, payload).unwrap() {
            Progress::Completed => {
                assert!(completed_at.is_none(), "completed twice");
                assert!(fresh, "a duplicate completed the block");
                completed_at = Some(distinct.len());
            }
            Progress::AlreadyCompleted => assert!(completed_at.is_some()),
            Progress::Ongoing => assert!(completed_at.is_none()),
            Progress::Failed(f) => panic!("an RS session cannot fail: {f}"),
        }
    }
    (completed_at, accepted)
}

/// Encodes random data, loses `lost` fragments, decodes in random order with duplicates.
fn round_trip(len: usize, s: usize, r: usize, lost: usize, seed: u64) {
    let mut rng = Rng(seed);
    let data = rng.bytes(len);
    let block = RsEncoder::new(data.clone(), s).unwrap().encode(r).unwrap();
    let m = usize::from(block.params().nb_frag());
    assert_eq!(block.field(), RsField::for_total(m + r).unwrap());
    let arrivals = arrivals(&block, lost, 5, &mut rng);
    let mut dec = RsDecoder::new(block.params(), block.field()).unwrap();
    let (done, accepted) = feed(&mut dec, &arrivals);
    let status = dec.status();
    if lost <= r {
        assert_eq!(done, Some(m), "len {len} S {s} R {r} lost {lost}");
        assert_eq!(
            dec.data(),
            Some(&data[..]),
            "len {len} S {s} R {r} lost {lost}"
        );
        assert!(status.completed && status.missing == 0 && status.rank == status.lost);
    } else {
        assert_eq!(done, None);
        assert_eq!(dec.data(), None);
        assert!(!status.completed);
        assert_eq!(usize::from(status.missing), lost - r);
    }
    assert_eq!(status.received as usize, accepted);
    assert_eq!(status.failure, None);
}

#[test]
fn gf8_round_trips_with_up_to_r_lost() {
    for (i, &(len, s, r)) in [
        (1, 1, 0),
        (1, 1, 1),
        (10, 3, 4),
        (200, 20, 2),
        (777, 50, 16),
        (2000, 10, 56), // M + R = 256: the last GF(2^8) block
        (4000, 17, 0),
    ]
    .iter()
    .enumerate()
    {
        for lost in 0..=r {
            round_trip(len, s, r, lost, 100 * i as u64 + lost as u64);
        }
    }
}

#[test]
fn gf16_round_trips_with_up_to_r_lost() {
    for (i, &(len, s, r)) in [
        (500, 2, 8),       // M = 250, M + R = 258
        (2400, 8, 60),     // M = 300
        (30_000, 24, 250), // M = 1250, every run size from 1024 down
        (20, 20, 256),     // M = 1, all coded
    ]
    .iter()
    .enumerate()
    {
        for lost in [0, 1, r / 3, r - 1, r] {
            round_trip(len, s, r, lost, 1000 + 100 * i as u64 + lost as u64);
        }
    }
}

#[test]
fn gf16_odd_fragment_sizes_pad_each_shard_by_one_byte() {
    for (i, &(len, s, r)) in [
        (300, 1, 10),   // M = 300, S = 1: two-byte coded fragments
        (1500, 5, 40),  // M = 300
        (7000, 25, 30), // M = 280, with padding in the last fragment
        (70_000, 255, 20),
    ]
    .iter()
    .enumerate()
    {
        let block = RsEncoder::new(vec![7u8; len], s)
            .unwrap()
            .encode(r)
            .unwrap();
        assert_eq!(block.field(), RsField::Gf16);
        assert_eq!(block.coded_fragment_size(), s + 1);
        assert_eq!(block.coded_payloads().len(), r * (s + 1));
        let m = usize::from(block.params().nb_frag());
        assert!(block.fragments().all(|f| f.payload.len()
            == if usize::from(f.counter) <= m {
                s
            } else {
                s + 1
            }));
        for lost in [0, 1, r / 2, r] {
            round_trip(len, s, r, lost, 2000 + 100 * i as u64 + lost as u64);
        }
    }
    // Even sizes and GF(2^8) keep coded fragments at S bytes.
    let block = RsEncoder::new(vec![1u8; 1800], 6)
        .unwrap()
        .encode(10)
        .unwrap();
    assert_eq!(
        (block.field(), block.coded_fragment_size()),
        (RsField::Gf16, 6)
    );
    let block = RsEncoder::new(vec![1u8; 600], 5)
        .unwrap()
        .encode(10)
        .unwrap();
    assert_eq!(
        (block.field(), block.coded_fragment_size()),
        (RsField::Gf8, 5)
    );
}

#[test]
fn more_than_r_lost_never_completes_nor_returns_data() {
    round_trip(200, 20, 2, 3, 1);
    round_trip(777, 50, 16, 17, 2);
    round_trip(777, 50, 16, 30, 3);
    round_trip(2400, 8, 60, 61, 4);
    round_trip(1500, 5, 40, 41, 5); // GF(2^16), odd S
    round_trip(1500, 5, 40, 340, 6); // every fragment lost
}

#[test]
fn completes_on_exactly_the_mth_distinct_fragment_whichever_they_are() {
    // All data, no coded; all coded and the missing data; coded first, then data.
    let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    for r in [10, 300] {
        let block = RsEncoder::new(data.clone(), 10).unwrap().encode(r).unwrap();
        let m = usize::from(block.params().nb_frag());
        let frags: Vec<_> = block.fragments().collect();
        let orders: [Vec<usize>; 3] = [
            (0..m).collect(),
            (0..10).chain(m..m + (m - 10).min(r)).collect(),
            (m..m + 10).rev().chain((0..m).rev()).collect(),
        ];
        for order in orders {
            let mut dec = RsDecoder::new(block.params(), block.field()).unwrap();
            let mut completed_at = None;
            for (n, &i) in order.iter().enumerate() {
                let f = &frags[i];
                let p = dec.push(f.counter, &f.payload).unwrap();
                if p == Progress::Completed {
                    completed_at = Some(n + 1);
                }
                if n + 1 < m {
                    assert_eq!(p, Progress::Ongoing);
                    assert_eq!(usize::from(dec.status().missing), m - n - 1);
                }
            }
            if order.len() >= m {
                assert_eq!(completed_at, Some(m));
                assert_eq!(dec.data(), Some(&data[..]));
                assert_eq!(
                    dec.push(frags[0].counter, &frags[0].payload),
                    Ok(Progress::AlreadyCompleted)
                );
            }
        }
    }
}

#[test]
fn status_tracks_lost_and_held_coded_fragments() {
    let block = RsEncoder::new(vec![3u8; 100], 10)
        .unwrap()
        .encode(5)
        .unwrap();
    let mut dec = RsDecoder::new(block.params(), block.field()).unwrap();
    let f = |c: u16| block.fragment(c).unwrap().payload;
    dec.push(12, &f(12)).unwrap(); // coded
    dec.push(12, &f(12)).unwrap(); // duplicate
    dec.push(1, &f(1)).unwrap();
    let s = dec.status();
    assert_eq!((s.received, s.lost, s.rank, s.missing), (3, 9, 1, 8));
    for c in 2..=8 {
        dec.push(c, &f(c)).unwrap();
    }
    assert_eq!(dec.push(13, &f(13)), Ok(Progress::Completed));
    let s = dec.status();
    assert_eq!((s.lost, s.rank, s.missing, s.completed), (2, 2, 0, true));
    assert_eq!(dec.data(), Some(&[3u8; 100][..]));
}

#[test]
fn bad_input_is_rejected_and_leaves_the_decoder_unchanged() {
    let block = RsEncoder::new(vec![9u8; 95], 10)
        .unwrap()
        .encode(3)
        .unwrap();
    let mut dec = RsDecoder::new(block.params(), RsField::Gf8).unwrap();
    let before = dec.status();
    assert_eq!(dec.push(0, &[0; 10]), Err(FragError::CounterZero.into()));
    assert_eq!(
        dec.push(16384, &[0; 10]),
        Err(FragError::CounterOutOfRange(16384).into())
    );
    assert_eq!(
        dec.push(257, &[0; 10]),
        Err(RsDecodeError::CounterBeyondField {
            counter: 257,
            max: 256
        })
    );
    assert_eq!(
        dec.push(1, &[0; 9]),
        Err(FragError::WrongPayloadSize {
            expected: 10,
            got: 9
        }
        .into())
    );
    assert_eq!(
        dec.push(11, &[0; 11]),
        Err(RsDecodeError::CodedPayloadSize {
            expected: 10,
            got: 11
        })
    );
    assert_eq!(dec.status(), before);
    assert!(
        RsDecodeError::CodedPayloadSize {
            expected: 4,
            got: 3
        }
        .to_string()
        .contains("coded")
    );

    // GF(2^16), odd S: coded fragments must be S + 1 bytes, data fragments S.
    let params = FragParams::new(300, 5, 0).unwrap();
    let mut dec = RsDecoder::new(params, RsField::Gf16).unwrap();
    assert!(dec.push(1, &[0; 6]).is_err());
    assert!(dec.push(301, &[0; 5]).is_err());
    assert_eq!(dec.push(16383, &[0; 6]), Ok(Progress::Ongoing));
    assert_eq!(dec.push(1, &[0; 5]), Ok(Progress::Ongoing));

    // Too many fragments for the counter, or for GF(2^8).
    let enc = RsEncoder::new(vec![0u8; 10_000], 1).unwrap();
    assert_eq!(
        enc.encode(16384 - 10_000).unwrap_err(),
        FragError::TooManyFragments {
            nb_frag: 10_000,
            redundancy: 6384
        }
    );
    assert!(matches!(
        RsDecoder::new(FragParams::new(257, 1, 0).unwrap(), RsField::Gf8),
        Err(FragError::TooManyFragments { nb_frag: 257, .. })
    ));
    assert!(RsDecoder::new(FragParams::new(256, 1, 0).unwrap(), RsField::Gf8).is_ok());
    assert_eq!(
        RsEncoder::new(Vec::new(), 10).unwrap_err(),
        FragError::EmptyData
    );
}

#[test]
fn field_rule_and_sizes() {
    assert_eq!(RsField::for_total(1), Some(RsField::Gf8));
    assert_eq!(RsField::for_total(256), Some(RsField::Gf8));
    assert_eq!(RsField::for_total(257), Some(RsField::Gf16));
    assert_eq!(RsField::for_total(16383), Some(RsField::Gf16));
    assert_eq!(RsField::for_total(16384), None);
    assert_eq!(RsField::Gf8.shard_len(255), 255);
    assert_eq!(RsField::Gf16.shard_len(255), 256);
    assert_eq!(RsField::Gf16.shard_len(50), 50);
    assert_eq!(RsField::Gf16.to_string(), "GF(2^16)");
}

#[test]
fn encoded_block_accessors() {
    let data: Vec<u8> = (0..95u8).collect();
    let block = RsEncoder::new(data.clone(), 10).unwrap().encode(4).unwrap();
    assert_eq!(
        (block.len(), block.redundancy(), block.is_empty()),
        (14, 4, false)
    );
    assert_eq!(&block.uncoded_payloads()[..95], &data[..]);
    assert_eq!(block.fragment(0), None);
    assert_eq!(block.fragment(15), None);
    assert_eq!(block.fragment(3).unwrap().payload, &data[20..30]);
    assert_eq!(
        block.fragment(12).unwrap().payload,
        &block.coded_payloads()[10..20]
    );
    let all: Vec<_> = block.fragments().collect();
    assert_eq!(all.len(), 14);
    assert!(
        all.iter()
            .enumerate()
            .all(|(i, f)| usize::from(f.counter) == i + 1)
    );
    let again = RsEncoder::new(data, 10).unwrap().encode(4).unwrap();
    assert_eq!(again, block);
}

// ---------------------------------------------------------------------------------------------
// Against reed-solomon-erasure's own ReedSolomon

/// The block's data shards as the library wants them: `S` bytes padded to the shard length.
fn lib_shards(block: &RsEncodedBlock) -> Vec<Vec<u8>> {
    let shard = block.coded_fragment_size();
    block
        .fragments()
        .map(|f| {
            let mut v = f.payload.to_vec();
            v.resize(shard, 0);
            v
        })
        .collect()
}

fn pairs(bytes: &[u8]) -> Vec<[u8; 2]> {
    bytes.chunks(2).map(|c| [c[0], c[1]]).collect()
}

/// The library's parity for the block's data shards, and its batch reconstruction of the data
/// shards from the fragments in `present`.
fn library(block: &RsEncodedBlock, present: &[bool]) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let m = usize::from(block.params().nb_frag());
    let r = usize::from(block.redundancy());
    let mut shards = lib_shards(block);
    for p in &mut shards[m..] {
        p.fill(0);
    }
    match block.field() {
        RsField::Gf8 => {
            let rs = galois_8::ReedSolomon::new(m, r).unwrap();
            rs.encode(&mut shards).unwrap();
            let mut opt: Vec<Option<Vec<u8>>> = shards
                .iter()
                .zip(present)
                .map(|(s, &p)| p.then(|| s.clone()))
                .collect();
            rs.reconstruct_data(&mut opt).unwrap();
            let data = opt[..m].iter().map(|s| s.clone().unwrap()).collect();
            (shards[m..].to_vec(), data)
        }
        RsField::Gf16 => {
            let rs = galois_16::ReedSolomon::new(m, r).unwrap();
            let mut elems: Vec<Vec<[u8; 2]>> = shards.iter().map(|s| pairs(s)).collect();
            rs.encode(&mut elems).unwrap();
            let mut opt: Vec<Option<Vec<[u8; 2]>>> = elems
                .iter()
                .zip(present)
                .map(|(s, &p)| p.then(|| s.clone()))
                .collect();
            rs.reconstruct_data(&mut opt).unwrap();
            let flat = |s: &Vec<[u8; 2]>| s.iter().flatten().copied().collect::<Vec<u8>>();
            let data = opt[..m].iter().map(|s| flat(s.as_ref().unwrap())).collect();
            (elems[m..].iter().map(flat).collect(), data)
        }
    }
}

fn compare_with_library(len: usize, s: usize, r: usize, lost_seed: u64, data_seed: u64) {
    let mut rng = Rng(data_seed);
    let data = rng.bytes(len);
    let block = RsEncoder::new(data.clone(), s).unwrap().encode(r).unwrap();
    let m = usize::from(block.params().nb_frag());
    let n = m + r;
    let mut rng = Rng(lost_seed);
    let lost = rng.below(r + 1);
    let mut present = vec![true; n];
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    for &i in &order[..lost] {
        present[i] = false;
    }
    let (parity, lib_data) = library(&block, &present);

    // The encoders agree byte for byte.
    let c = block.coded_fragment_size();
    for (k, p) in parity.iter().enumerate() {
        assert_eq!(
            &block.coded_payloads()[k * c..(k + 1) * c],
            &p[..],
            "coded {k}"
        );
    }
    // Streaming decode in random order, duplicates included, equals the batch reconstruction.
    let mut arrivals: Vec<usize> = order[lost..].to_vec();
    arrivals.extend(order[lost..].iter().take(3));
    rng.shuffle(&mut arrivals);
    let mut dec = RsDecoder::new(block.params(), block.field()).unwrap();
    for &i in &arrivals {
        let f = block.fragment(i as u16 + 1).unwrap();
        dec.push(f.counter, &f.payload).unwrap();
    }
    let out = dec.data().expect("at most R lost");
    assert_eq!(out, &data[..]);
    let lib_block: Vec<u8> = lib_data.iter().flat_map(|d| d[..s].to_vec()).collect();
    assert_eq!(&lib_block[..len], out);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn gf8_streaming_matches_library(
        m in 1usize..=60, r in 1usize..=40, s in 1usize..=24, short in 0usize..24,
        lost_seed: u64, data_seed: u64,
    ) {
        let len = (m * s).saturating_sub(short % s).max(1);
        compare_with_library(len, s, r, lost_seed, data_seed);
    }
}

proptest! {
    // The library's GF(2^16) ReedSolomon::new is cubic in M and slow unoptimised: keep M small
    // and R large (M + R > 256 is what selects GF(2^16)).
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn gf16_streaming_matches_library(
        m in 1usize..=24, extra in 1usize..=40, s in 1usize..=9, short in 0usize..9,
        lost_seed: u64, data_seed: u64,
    ) {
        let r = 256 - m + extra;
        let len = (m * s).saturating_sub(short % s).max(1);
        compare_with_library(len, s, r, lost_seed, data_seed);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever arrives, the decoder answers without panicking, and a rejected fragment leaves
    /// it unchanged.
    #[test]
    fn arbitrary_pushes_never_panic(
        m in 1u16..=300, s in 1u8..=9, gf16: bool,
        pushes in prop::collection::vec((0u16..=16400, 0usize..=11, any::<u8>()), 0..80),
    ) {
        let field = if gf16 || m > 256 { RsField::Gf16 } else { RsField::Gf8 };
        let mut dec = RsDecoder::new(FragParams::new(m, s, 0).unwrap(), field).unwrap();
        for (counter, len, fill) in pushes {
            let before = dec.status();
            match dec.push(counter, &vec![fill; len]) {
                Ok(_) => prop_assert!(dec.status().received >= before.received),
                Err(_) => prop_assert_eq!(dec.status(), before),
            }
            prop_assert_eq!(dec.data().is_some(), dec.status().completed);
        }
    }
}

#[test]
fn gf16_matches_library_with_several_runs() {
    // M = 150 = 128 + 16 + 4 + 2: four runs; odd and even S.
    compare_with_library(1500, 10, 120, 1, 2);
    compare_with_library(1450, 11, 120, 3, 4);
}

// ---------------------------------------------------------------------------------------------
// Timing

/// The best of three runs of `f` (the machine may be shared), and its last result.
fn best_of_3<T>(mut f: impl FnMut() -> T) -> (T, f64) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let v = f();
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        out = Some(v);
    }
    (out.unwrap(), best)
}

#[test]
#[ignore = "timing: run in release with --ignored --nocapture"]
fn rs_timing() {
    use lorafota_core::frag::{Decoder, Encoder, RamStore, Ts004Version};
    for (len, s) in [(256 * 1024, 200), (512 * 1024, 50)] {
        let data = Rng(7).bytes(len);
        let enc = RsEncoder::new(data.clone(), s).unwrap();
        let m = usize::from(enc.params().nb_frag());
        let r = m / 5;
        let (block, t_enc) = best_of_3(|| enc.encode(r).unwrap());
        // 10 % of all fragments lost at random, the rest pushed in counter order.
        let mut rng = Rng(11);
        let mut keep = vec![true; m + r];
        let mut idx: Vec<usize> = (0..m + r).collect();
        rng.shuffle(&mut idx);
        for &i in &idx[..(m + r) / 10] {
            keep[i] = false;
        }
        let kept = |f: &lorafota_core::frag::Fragment| keep[usize::from(f.counter) - 1];
        let frags: Vec<_> = block.fragments().filter(kept).collect();
        let ((dec, last, peak), t_dec) = best_of_3(|| {
            let mut dec = RsDecoder::new(block.params(), block.field()).unwrap();
            let (mut last, mut peak) = (0.0, 0);
            for f in &frags {
                let t = std::time::Instant::now();
                let p = dec.push(f.counter, &f.payload).unwrap();
                peak = peak.max(dec.state_bytes());
                if p == Progress::Completed {
                    last = t.elapsed().as_secs_f64() * 1e3;
                    break;
                }
            }
            (dec, last, peak)
        });
        assert_eq!(dec.data(), Some(&data[..]));
        println!(
            "RS {} KiB S={s} M={m} R={r} {}: encode {t_enc:.1} ms; decode, 10% lost \
             (L={}): {t_dec:.1} ms, completing push {last:.1} ms; peak state {peak} B",
            len / 1024,
            block.field(),
            dec.status().lost,
        );

        let ts = Encoder::new(data.clone(), s, Ts004Version::V2).unwrap();
        let (tblock, t_tenc) = best_of_3(|| ts.encode(r).unwrap());
        let (tdec, t_tdec) = best_of_3(|| {
            let mut tdec = Decoder::new_in_memory(tblock.params(), Ts004Version::V2, None);
            let done = tblock
                .fragments()
                .filter(kept)
                .any(|f| tdec.push(f.counter, &f.payload).unwrap() == Progress::Completed);
            assert!(done);
            tdec
        });
        let lost = tdec.status().lost;
        println!(
            "TS004 v2, same block and losses: encode {t_tenc:.1} ms; decode {t_tdec:.1} ms; \
             state bound {} B",
            Decoder::<RamStore<Vec<u8>>>::state_bytes(m as u16, s as u8, lost),
        );
    }
}
