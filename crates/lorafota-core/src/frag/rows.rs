//! TS004 parity rows: which uncoded fragments a coded fragment XORs together.
//!
//! Every reference builds a row by drawing `M / 2` column numbers from the PRBS23 sequence
//! `next(x) = x / 2 + ((x ^ (x >> 5)) & 1) * 2^22`, started at `x = 1 + 1001 * seed`, each
//! draw being `x mod M` (`x mod (M + 1)`, rejecting `M`, when `M` is a power of two). v1 keeps
//! duplicate draws (the row gets fewer than `M / 2` ones); v2 draws until `M / 2` distinct
//! columns are set.
//!
//! Two details make or break interoperability (see `SPEC_NOTES.md`): the step is an integer
//! *addition* on an unmasked state (seeds above 8383 start beyond 23 bits), and 1 counts as a
//! power of two. Once the state is below 2^23 it stays there and the step is a plain 23-bit
//! Fibonacci LFSR, whose next 18 states all follow from the current one by shifts: that is how
//! [`fill_row`] draws 18 columns per feedback computation instead of one.

use super::Ts004Version;

const LFSR_BITS: u32 = 23;
const LFSR_MASK: u32 = (1 << LFSR_BITS) - 1;
/// States that follow from one state without new feedback (taps at bits 0 and 5 of 23).
const BATCH: usize = (LFSR_BITS - 5) as usize;

/// One step of the TS004 PRBS23, exactly as the references compute it (addition, no mask).
#[inline]
pub const fn prbs23_next(x: u32) -> u32 {
    (x >> 1) + (((x ^ (x >> 5)) & 1) << 22)
}

/// The seed index of coded fragment `coded_index` (1-based, counter `M + coded_index`).
#[inline]
pub const fn row_seed(version: Ts004Version, nb_frag: u16, coded_index: u16) -> u32 {
    match version {
        Ts004Version::V1 | Ts004Version::V2 => coded_index as u32,
        Ts004Version::V2Spec => nb_frag as u32 + coded_index as u32,
    }
}

/// `x mod d` for `x < 2^24`, `d <= 2^15`, by Lemire's multiply-shift with 40 fractional bits
/// (enough for 24 + 15 bits): two multiplications instead of a division.
#[derive(Clone, Copy)]
struct FastMod {
    d: u64,
    magic: u64,
}

impl FastMod {
    const FRAC_BITS: u32 = 40;
    const FRAC_MASK: u64 = (1 << Self::FRAC_BITS) - 1;

    const fn new(d: u32) -> Self {
        let d = d as u64;
        Self {
            d,
            magic: (1u64 << Self::FRAC_BITS).div_ceil(d),
        }
    }
    #[inline(always)]
    const fn rem(self, x: u32) -> u32 {
        let frac = (self.magic * x as u64) & Self::FRAC_MASK;
        ((frac * self.d) >> Self::FRAC_BITS) as u32
    }
}

/// Where a row's drawn columns go: a bitset for the decoder (memory is what counts there), a
/// byte per column for the batch encoder (one store per draw is what counts there).
pub(crate) trait Columns {
    /// Marks column `col` (< M); returns whether it was clear before.
    fn mark(&mut self, col: usize) -> bool;
}

impl Columns for [u64] {
    #[inline(always)]
    fn mark(&mut self, col: usize) -> bool {
        let bit = 1u64 << (col & 63);
        match self.get_mut(col >> 6) {
            Some(w) => {
                let was_clear = *w & bit == 0;
                *w |= bit;
                was_clear
            }
            None => false,
        }
    }
}

/// One byte per possible column (the 14-bit counter bounds M): indexing through the mask needs
/// no bounds check, which matters at one store per draw.
pub(crate) type ColumnMarks = [u8; 1 << 14];

impl Columns for ColumnMarks {
    #[inline(always)]
    fn mark(&mut self, col: usize) -> bool {
        let b = &mut self[col & ((1 << 14) - 1)];
        let was_clear = *b == 0;
        *b = 1;
        was_clear
    }
}

/// Writes the parity row of coded fragment `coded_index` (1-based) for `nb_frag` uncoded
/// fragments into `row`, a bitset of at least `nb_frag` bits in `u64` words (bit `i` of word
/// `i / 64` = column `i`, 0-based). Returns the row weight.
///
/// `row` is cleared first; a `row` shorter than `ceil(nb_frag / 64)` words is left empty.
/// `nb_frag` must be at most 16383 (the 14-bit counter).
pub fn fill_row(version: Ts004Version, nb_frag: u16, coded_index: u16, row: &mut [u64]) -> u32 {
    let words = usize::from(nb_frag).div_ceil(64);
    let Some(row) = row.get_mut(..words) else {
        return 0;
    };
    row.fill(0);
    draw_row(version, nb_frag, coded_index, row);
    row.iter().map(|w| w.count_ones()).sum()
}

/// Draws the columns of a parity row into `cols` (which must start clear).
#[inline]
pub(crate) fn draw_row<C: Columns + ?Sized>(
    version: Ts004Version,
    nb_frag: u16,
    coded_index: u16,
    cols: &mut C,
) {
    let m = u32::from(nb_frag);
    let target = m / 2;
    if target == 0 {
        return;
    }
    let x = 1 + 1001 * row_seed(version, nb_frag, coded_index);
    let pow2 = m.is_power_of_two();
    match (version, pow2) {
        (Ts004Version::V1, false) => draw_every_state(x, m, target, cols),
        (Ts004Version::V1, true) => draw_checked::<false, true, C>(x, m, target, cols),
        (Ts004Version::V2 | Ts004Version::V2Spec, false) => {
            draw_checked::<true, false, C>(x, m, target, cols)
        }
        (Ts004Version::V2 | Ts004Version::V2Spec, true) => {
            draw_checked::<true, true, C>(x, m, target, cols)
        }
    }
}

/// v2 rows (`DISTINCT`: only new columns count) and power-of-two M (`REJECT`: the modulus is
/// M + 1 and a draw of M is discarded): draws are counted, and whole batches run without the
/// end test while they cannot overshoot.
#[inline(always)]
fn draw_checked<const DISTINCT: bool, const REJECT: bool, C: Columns + ?Sized>(
    mut x: u32,
    m: u32,
    target: u32,
    cols: &mut C,
) {
    let fm = FastMod::new(if REJECT { m + 1 } else { m });
    let mut offer = |state: u32| -> u32 {
        let r = fm.rem(state);
        if REJECT && r == m {
            return 0;
        }
        let new = cols.mark(r as usize);
        u32::from(new || !DISTINCT)
    };
    let mut count = 0;
    while x > LFSR_MASK {
        x = prbs23_next(x);
        count += offer(x);
        if count == target {
            return;
        }
    }
    loop {
        let states = next_states(x);
        if target - count >= BATCH as u32 {
            for s in states {
                count += offer(s);
            }
        } else {
            for s in states {
                count += offer(s);
                if count == target {
                    return;
                }
            }
        }
        if count == target {
            return;
        }
        x = states[BATCH - 1];
    }
}

/// The common case (v1, M not a power of two): every PRBS state is one draw, so exactly
/// `target` states are used and the loop needs no per-draw test.
#[inline(always)]
fn draw_every_state<C: Columns + ?Sized>(mut x: u32, m: u32, mut left: u32, cols: &mut C) {
    let fm = FastMod::new(m);
    // Seeds from 8384 on start above 23 bits; two exact steps always bring the state below.
    while x > LFSR_MASK && left > 0 {
        x = prbs23_next(x);
        cols.mark(fm.rem(x) as usize);
        left -= 1;
    }
    while left >= BATCH as u32 {
        let states = next_states(x);
        for s in states {
            cols.mark(fm.rem(s) as usize);
        }
        x = states[BATCH - 1];
        left -= BATCH as u32;
    }
    for _ in 0..left {
        x = prbs23_next(x);
        cols.mark(fm.rem(x) as usize);
    }
}

/// The next [`BATCH`] states of the 23-bit LFSR after `x` (`x < 2^23`), all from one feedback
/// computation. The feedback bits `f_i = x_i ^ x_(i+5)` only depend on `x` itself for
/// `i < 18`; stacked above `x` (bit 23 up) they form one word whose right shift by `j`, masked
/// to 23 bits, is exactly the state after `j` steps.
#[inline(always)]
fn next_states(x: u32) -> [u32; BATCH] {
    let feedback = (x ^ (x >> 5)) & ((1 << BATCH) - 1);
    let stacked = u64::from(x) | u64::from(feedback) << LFSR_BITS;
    core::array::from_fn(|j| (stacked >> (j + 1)) as u32 & LFSR_MASK)
}

/// The parity row as a plain reference implementation computes it, one exact step at a time.
/// Slow; kept as the oracle that [`fill_row`] is tested against.
#[cfg(test)]
pub(crate) fn reference_row(
    version: Ts004Version,
    nb_frag: u16,
    coded_index: u16,
) -> alloc::vec::Vec<bool> {
    let m = u32::from(nb_frag);
    let mm = u32::from(m.is_power_of_two());
    let mut row = alloc::vec![false; m as usize];
    let mut x = 1 + 1001 * row_seed(version, nb_frag, coded_index);
    let mut count = 0;
    while count < m / 2 {
        let mut r = 1 << 16;
        while r >= m {
            x = prbs23_next(x);
            r = x % (m + mm);
        }
        if matches!(version, Ts004Version::V1) || !row[r as usize] {
            count += 1;
        }
        row[r as usize] = true;
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn bits(row: &[u64], m: u16) -> alloc::vec::Vec<bool> {
        (0..m as usize)
            .map(|i| row[i / 64] >> (i % 64) & 1 == 1)
            .collect()
    }

    #[test]
    fn fast_rows_equal_the_plain_reference() {
        let mut row = vec![0u64; 16384 / 64];
        for version in [Ts004Version::V1, Ts004Version::V2, Ts004Version::V2Spec] {
            for m in [
                1u16, 2, 3, 4, 5, 7, 8, 10, 31, 32, 33, 64, 100, 127, 128, 1000, 1024, 4096, 5000,
            ] {
                for k in [1u16, 2, 3, 17, 100, 8383, 8384, 8385, 12000, 16383 - m] {
                    if u32::from(m) + u32::from(k) > 16383 || k == 0 {
                        continue;
                    }
                    let w = fill_row(version, m, k, &mut row);
                    let want = reference_row(version, m, k);
                    assert_eq!(bits(&row, m), want, "{version} M={m} k={k}");
                    assert_eq!(w as usize, want.iter().filter(|b| **b).count());
                }
            }
        }
    }

    #[test]
    fn fast_mod_is_exact_over_the_whole_domain_edges() {
        for d in [1u32, 2, 3, 7, 1000, 1025, 8193, 16383, 16384, 16385, 32768] {
            let fm = FastMod::new(d);
            for x in (0..(1u32 << 24))
                .step_by(997)
                .chain([(1 << 24) - 1, d.saturating_sub(1), d])
            {
                assert_eq!(fm.rem(x), x % d, "x={x} d={d}");
            }
        }
    }

    #[test]
    fn m1_rows_are_empty_and_v2_rows_have_half_weight() {
        let mut row = vec![0u64; 4];
        assert_eq!(fill_row(Ts004Version::V1, 1, 1, &mut row), 0);
        assert_eq!(fill_row(Ts004Version::V2, 200, 7, &mut row), 100);
    }
}
