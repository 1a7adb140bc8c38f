//! Properties of the TS004 codec that compare two independent paths:
//! ours vs ChirpStack's lrwn encoder, batch vs lazy encoding, and the streaming decoder vs a
//! plain GF(2) rank model, for random sizes, loss patterns, arrival orders and duplicates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lorafota::core::frag::{Decoder, Encoder, Fragment, Progress, Ts004Version};
use proptest::prelude::*;

fn version() -> impl Strategy<Value = Ts004Version> {
    prop_oneof![
        Just(Ts004Version::V1),
        Just(Ts004Version::V2),
        Just(Ts004Version::V2Spec)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Our encoder produces exactly lrwn's fragments (v1, and v2 = the LBM-aligned lrwn >= 4.12).
    #[test]
    fn encoder_equals_lrwn(
        data in proptest::collection::vec(any::<u8>(), 1..3000),
        s in 1usize..=64,
        r in 0usize..40,
        v2 in any::<bool>(),
    ) {
        let version = if v2 { Ts004Version::V2 } else { Ts004Version::V1 };
        let enc = Encoder::new(data.clone(), s, version).unwrap();
        prop_assume!(usize::from(enc.params().nb_frag()) + r <= 16383);
        let ours: Vec<Vec<u8>> = enc.encode(r).unwrap().fragments().map(|f| f.payload.to_vec()).collect();
        // lrwn wants the block already padded to a multiple of S.
        let mut padded = data;
        padded.resize(enc.params().padded_len(), 0);
        let theirs = if v2 {
            lrwn::applayer::fragmentation::v2::encode(&padded, s, r).unwrap()
        } else {
            lrwn::applayer::fragmentation::v1::encode(&padded, s, r).unwrap()
        };
        prop_assert_eq!(ours, theirs);
    }

    /// The batch kernel and the one-fragment-at-a-time path agree, for every version.
    #[test]
    fn batch_equals_lazy(
        data in proptest::collection::vec(any::<u8>(), 1..4000),
        s in 1usize..=255,
        r in 0usize..60,
        version in version(),
    ) {
        let enc = Encoder::new(data, s, version).unwrap();
        let batch: Vec<Fragment> = enc.encode(r).unwrap().fragments().collect();
        let lazy: Vec<Fragment> = enc.fragments(r).unwrap().collect();
        prop_assert_eq!(batch, lazy);
    }

    /// Whatever arrives, in whatever order and with duplicates, the decoder completes on exactly
    /// the fragment after which a plain GF(2) rank model reaches full rank, with the exact data,
    /// and never completes otherwise.
    #[test]
    fn decoder_matches_rank_model(
        data in proptest::collection::vec(any::<u8>(), 1..2500),
        s in 1usize..=40,
        extra in 0usize..30,
        version in version(),
        loss in 0.0f64..0.6,
        seed in any::<u64>(),
        shuffle in any::<bool>(),
    ) {
        let enc = Encoder::new(data.clone(), s, version).unwrap();
        let m = usize::from(enc.params().nb_frag());
        let r = (m / 3 + extra).min(16383 - m);
        let block = enc.encode(r).unwrap();
        let mut rng = seed | 1;
        let mut next = move || { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; rng };
        let mut arrivals: Vec<Fragment> = block
            .fragments()
            .filter(|_| (next() % 1000) as f64 >= loss * 1000.0)
            .collect();
        // Some duplicates, then maybe a shuffle.
        for i in 0..arrivals.len() / 8 {
            let f = arrivals[(next() as usize + i) % arrivals.len()].clone();
            arrivals.push(f);
        }
        if shuffle {
            for i in (1..arrivals.len()).rev() {
                arrivals.swap(i, next() as usize % (i + 1));
            }
        }

        let mut model = RankModel::new(m);
        let expected_at = arrivals.iter().position(|f| model.add(&plain_row(version, m, f.counter)));

        let mut dec = Decoder::new_in_memory(block.params(), version, None);
        let mut completed_at = None;
        for (i, f) in arrivals.iter().enumerate() {
            match dec.push(f.counter, &f.payload).unwrap() {
                Progress::Completed => {
                    prop_assert!(completed_at.is_none(), "completed twice");
                    completed_at = Some(i);
                }
                Progress::Ongoing => prop_assert!(completed_at.is_none()),
                Progress::AlreadyCompleted => prop_assert!(completed_at.is_some()),
                Progress::Failed(f) => prop_assert!(false, "failed: {f}"),
            }
        }
        prop_assert_eq!(completed_at, expected_at);
        match completed_at {
            Some(_) => prop_assert_eq!(dec.data(), Some(&data[..])),
            None => prop_assert_eq!(dec.data(), None),
        }
    }
}

/// The equation a fragment gives over the M uncoded fragments, computed the plain way: a unit
/// vector for an uncoded counter, the spec's row-drawing loop for a coded one.
fn plain_row(version: Ts004Version, m: usize, counter: u16) -> Vec<bool> {
    let mut row = vec![false; m];
    let counter = usize::from(counter);
    if counter <= m {
        row[counter - 1] = true;
        return row;
    }
    let k = counter - m;
    let seed = if version == Ts004Version::V2Spec {
        counter
    } else {
        k
    };
    let modulus = if m.is_power_of_two() { m + 1 } else { m };
    let mut x = 1 + 1001 * seed as u64;
    let mut count = 0;
    while count < m / 2 {
        let mut r = usize::MAX;
        while r >= m {
            x = x / 2 + ((x ^ (x >> 5)) & 1) * (1 << 22);
            r = (x % modulus as u64) as usize;
        }
        if version == Ts004Version::V1 || !row[r] {
            count += 1;
        }
        row[r] = true;
    }
    row
}

/// Gaussian elimination over GF(2), one equation at a time.
struct RankModel {
    pivots: Vec<Option<Vec<bool>>>,
    rank: usize,
}

impl RankModel {
    fn new(m: usize) -> Self {
        Self {
            pivots: vec![None; m],
            rank: 0,
        }
    }
    /// Adds an equation; returns true when this one brings the rank to M.
    fn add(&mut self, row: &[bool]) -> bool {
        if self.rank == self.pivots.len() {
            return false;
        }
        let mut row = row.to_vec();
        while let Some(p) = row.iter().position(|b| *b) {
            match &self.pivots[p] {
                Some(pivot) => row.iter_mut().zip(pivot).for_each(|(a, b)| *a ^= *b),
                None => {
                    self.pivots[p] = Some(row);
                    self.rank += 1;
                    return self.rank == self.pivots.len();
                }
            }
        }
        false
    }
}
