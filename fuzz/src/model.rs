//! Independent models the fuzz targets check `lorafota-core` against, and the small input
//! helpers they share.
//!
//! * [`reference_row`]: the TS004 parity row drawn one PRBS23 step at a time, straight from the
//!   spec's description, with none of the batching or fast modulo of `frag::fill_row`.
//! * [`Gf2System`]: a plain GF(2) linear system over the M uncoded fragments, with payloads. An
//!   equation is kept exactly when it is independent of those kept before it, which is what a
//!   streaming decoder must do, so the solution it gives once the rank is M is the one the
//!   decoder must produce, even when some fragments were forged.
//! * [`Rng`]: a tiny deterministic generator for data blocks, loss patterns and shuffles.

use arbitrary::{Result, Unstructured};
use lorafota_core::frag::Ts004Version;

/// SplitMix64: enough randomness for data, losses and shuffles, and reproducible from a seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`; the tiny modulo bias does not matter here).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `true` with probability `per_256 / 256`.
    pub fn chance(&mut self, per_256: u8) -> bool {
        (self.next_u64() & 0xff) < u64::from(per_256)
    }

    /// `len` random bytes.
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// Fisher-Yates shuffle.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// Any of the three parity-row rules.
pub fn version(u: &mut Unstructured<'_>) -> Result<Ts004Version> {
    Ok(match u.int_in_range(0u8..=2)? {
        0 => Ts004Version::V1,
        1 => Ts004Version::V2,
        _ => Ts004Version::V2Spec,
    })
}

/// A session's M, 1..=300: large enough for every decoder path, small enough to run fast.
pub fn nb_frag(u: &mut Unstructured<'_>) -> Result<u16> {
    u.int_in_range(1..=300)
}

/// A session's S, 1..=64 (odd and even, for GF(2^16)'s rounding).
pub fn fragment_size(u: &mut Unstructured<'_>) -> Result<u8> {
    u.int_in_range(1..=64)
}

/// A decoder loss budget: none (= M), a small one that real losses exceed, or any value
/// (mostly above M, which the decoder must cap).
pub fn max_lost(u: &mut Unstructured<'_>) -> Result<Option<u16>> {
    Ok(match u.int_in_range(0u8..=2)? {
        0 => None,
        1 => Some(u.int_in_range(0..=32)?),
        _ => Some(u.arbitrary()?),
    })
}

/// The PRBS23 step of the TS004 appendix: a shift plus the feedback bit at bit 22, added
/// (not masked) to the state.
fn prbs23(x: u32) -> u32 {
    let feedback = (x ^ (x >> 5)) & 1;
    (x >> 1) + (feedback << 22)
}

/// The parity row of coded fragment `coded_index` (1-based) over `nb_frag` columns, as a
/// bitset of `ceil(M / 64)` words, computed one draw at a time:
/// draw `x mod M` (or `x mod (M + 1)`, redrawing M, when M is a power of two) until `M / 2`
/// draws are counted; v1 counts every draw, v2 only draws of a column not yet set.
pub fn reference_row(version: Ts004Version, nb_frag: u16, coded_index: u16) -> Vec<u64> {
    let m = u32::from(nb_frag);
    let mut row = vec![0u64; usize::from(nb_frag).div_ceil(64)];
    let seed = match version {
        Ts004Version::V1 | Ts004Version::V2 => u32::from(coded_index),
        Ts004Version::V2Spec => m + u32::from(coded_index),
    };
    let modulus = if m.is_power_of_two() { m + 1 } else { m };
    let distinct_only = !matches!(version, Ts004Version::V1);
    let mut x = 1 + 1001 * seed;
    let mut counted = 0;
    while counted < m / 2 {
        let col = loop {
            x = prbs23(x);
            let r = x % modulus;
            if r < m {
                break r as usize;
            }
        };
        let was_set = row[col / 64] >> (col % 64) & 1 == 1;
        row[col / 64] |= 1 << (col % 64);
        if !distinct_only || !was_set {
            counted += 1;
        }
    }
    row
}

/// The unit row of uncoded fragment `counter` (1-based).
pub fn unit_row(nb_frag: u16, counter: u16) -> Vec<u64> {
    let mut row = vec![0u64; usize::from(nb_frag).div_ceil(64)];
    let col = usize::from(counter - 1);
    row[col / 64] |= 1 << (col % 64);
    row
}

/// The lowest set bit of a bitset.
fn lowest_bit(row: &[u64]) -> Option<usize> {
    row.iter()
        .enumerate()
        .find(|(_, w)| **w != 0)
        .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
}

/// A GF(2) system over `M` unknown fragments of `S` bytes, kept in echelon form: the pivot of
/// column `c` is a row whose lowest set bit is `c`.
#[derive(Debug, Clone)]
pub struct Gf2System {
    nb_frag: usize,
    pivots: Vec<Option<(Vec<u64>, Vec<u8>)>>,
    rank: usize,
}

impl Gf2System {
    /// An empty system for `nb_frag` unknowns.
    pub fn new(nb_frag: u16) -> Self {
        Self {
            nb_frag: nb_frag.into(),
            pivots: vec![None; nb_frag.into()],
            rank: 0,
        }
    }

    /// Independent equations so far.
    pub fn rank(&self) -> usize {
        self.rank
    }

    /// Adds the equation `row . x = payload`; returns whether it was independent (kept).
    pub fn add(&mut self, row: &[u64], payload: &[u8]) -> bool {
        let mut row = row.to_vec();
        let mut payload = payload.to_vec();
        while let Some(c) = lowest_bit(&row) {
            match &self.pivots[c] {
                Some((pivot, value)) => {
                    row.iter_mut().zip(pivot).for_each(|(a, b)| *a ^= b);
                    payload.iter_mut().zip(value).for_each(|(a, b)| *a ^= b);
                }
                None => {
                    self.pivots[c] = Some((row, payload));
                    self.rank += 1;
                    return true;
                }
            }
        }
        false
    }

    /// The `M * S` solution bytes once the rank is `M`.
    pub fn solve(&self) -> Option<Vec<u8>> {
        if self.rank < self.nb_frag {
            return None;
        }
        let mut solved: Vec<Vec<u8>> = vec![Vec::new(); self.nb_frag];
        // Every other bit of pivot `c` is above `c`: solve from the last column down.
        for c in (0..self.nb_frag).rev() {
            let (row, payload) = self.pivots[c].as_ref()?;
            let mut value = payload.clone();
            for (j, sol) in solved.iter().enumerate().skip(c + 1) {
                if row[j / 64] >> (j % 64) & 1 == 1 {
                    value.iter_mut().zip(sol).for_each(|(a, b)| *a ^= b);
                }
            }
            solved[c] = value;
        }
        Some(solved.concat())
    }
}

/// Checks that a builder needing `need` bytes refuses shorter buffers with `too_small(need, have)`.
pub fn check_short_buffers<E: PartialEq + core::fmt::Debug>(
    need: usize,
    build: impl Fn(&mut [u8]) -> Result<usize, E>,
    too_small: impl Fn(usize, usize) -> E,
) {
    for have in [0, need / 2, need - 1] {
        let mut buf = vec![0u8; have];
        assert_eq!(build(&mut buf), Err(too_small(need, have)));
    }
}

/// The `Ok` results of a message parser, after checking that at most one error came, last.
pub fn split_results<T, E>(results: &[Result<T, E>]) -> &[Result<T, E>] {
    let errors = results.iter().filter(|r| r.is_err()).count();
    assert!(errors <= 1, "the iterator went on after an error");
    if errors == 1 {
        assert!(
            results.last().is_some_and(Result::is_err),
            "an error must end the iterator"
        );
        &results[..results.len() - 1]
    } else {
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_system() {
        let mut sys = Gf2System::new(3);
        assert!(sys.add(&[0b011], &[1 ^ 2]));
        assert!(sys.add(&[0b110], &[2 ^ 3]));
        assert!(!sys.add(&[0b101], &[1 ^ 3]));
        assert!(sys.solve().is_none());
        assert!(sys.add(&[0b100], &[3]));
        assert_eq!(sys.solve(), Some(vec![1, 2, 3]));
    }
}
