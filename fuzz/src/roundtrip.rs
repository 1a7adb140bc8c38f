//! `ts004_roundtrip`: the lossy round trip. Encode arbitrary data, drop a random subset of the
//! fragments, shuffle (and sometimes repeat) the rest, decode; a block that completes must be
//! the data exactly, and one whose fragments have full rank must complete.
//!
//! On the way, the three ways of producing fragments must agree: the batch kernel
//! ([`Encoder::encode`]), the lazy one-row-at-a-time path ([`Encoder::fragments`]) and the
//! XOR of the independently drawn reference rows of [`crate::model`].

use arbitrary::{Arbitrary, Result, Unstructured};
use lorafota_core::frag::{Encoder, FragError, Ts004Version};

use crate::decoder::{Harness, Outcome};
use crate::model::{Rng, max_lost, reference_row, version};

/// The largest M a round trip uses, to keep one input to a few milliseconds.
pub const MAX_NB_FRAG: usize = 512;

fn fragment_size(u: &mut Unstructured<'_>) -> Result<u8> {
    u.int_in_range(1..=255)
}

/// One fuzz input of `ts004_roundtrip`.
#[derive(Debug, Arbitrary)]
pub struct RoundtripCase {
    /// S, 1..=255.
    #[arbitrary(with = fragment_size)]
    pub fragment_size: u8,
    /// Parity-row rule.
    #[arbitrary(with = version)]
    pub version: Ts004Version,
    /// R is this modulo (M + 1).
    pub redundancy: u16,
    /// The decoder's loss budget (`None` = M).
    #[arbitrary(with = max_lost)]
    pub max_lost: Option<u16>,
    /// Loss odds out of 256.
    pub loss: u8,
    /// Duplicate odds out of 256.
    pub dup: u8,
    /// Shuffle, loss and duplicate seed.
    pub seed: u64,
    /// The data (truncated to [`MAX_NB_FRAG`] fragments).
    pub data: Vec<u8>,
}

/// Runs one `ts004_roundtrip` case.
pub fn run(case: &RoundtripCase) -> Outcome {
    let s = usize::from(case.fragment_size);
    let data = &case.data[..case.data.len().min(MAX_NB_FRAG * s)];
    let encoder = match Encoder::new(data.to_vec(), s, case.version) {
        Ok(e) => e,
        Err(e) => {
            assert!(data.is_empty(), "{e}");
            assert_eq!(e, FragError::EmptyData);
            return Outcome::default();
        }
    };
    let params = encoder.params();
    let m = params.nb_frag();
    assert_eq!(usize::from(m), data.len().div_ceil(s));
    assert_eq!(params.data_len(), data.len());
    assert_eq!(&encoder.padded_block()[..data.len()], data);
    assert!(encoder.padded_block()[data.len()..].iter().all(|b| *b == 0));

    let r = case.redundancy % (m + 1);
    let block = encoder.encode(r.into()).expect("R <= M fits the counter");
    assert_eq!(block.len(), usize::from(m + r));
    let lazy: Vec<_> = encoder.fragments(r.into()).expect("same R").collect();
    let batch: Vec<_> = block.fragments().collect();
    assert_eq!(batch, lazy, "batch and lazy encoders differ");
    for f in &batch[usize::from(m)..] {
        let row = reference_row(case.version, m, f.counter - m);
        let mut want = vec![0u8; s];
        for col in 0..usize::from(m) {
            if row[col / 64] >> (col % 64) & 1 == 1 {
                let frag = &encoder.padded_block()[col * s..(col + 1) * s];
                want.iter_mut().zip(frag).for_each(|(a, b)| *a ^= b);
            }
        }
        assert_eq!(
            f.payload[..],
            want[..],
            "coded fragment {} differs",
            f.counter
        );
        assert_eq!(block.fragment(f.counter).as_ref(), Some(f));
    }
    assert_eq!(block.fragment(0), None);
    assert_eq!(block.fragment(m + r + 1), None);

    let mut rng = Rng::new(case.seed);
    let mut order: Vec<usize> = (0..batch.len())
        .filter(|_| !rng.chance(case.loss))
        .collect();
    let dups: Vec<usize> = order
        .iter()
        .copied()
        .filter(|_| rng.chance(case.dup))
        .collect();
    order.extend(dups);
    rng.shuffle(&mut order);

    let mut h = Harness::new(params, case.version, case.max_lost, data.to_vec(), None);
    for i in order {
        h.push(batch[i].counter, &batch[i].payload, true);
    }
    h.outcome()
}
