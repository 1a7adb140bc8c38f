//! Bit-range operations on `u64`-word bitsets (bit `i` = bit `i % 64` of word `i / 64`).
//!
//! The decoder keeps its triangle of pivot rows packed, so rows start at arbitrary bit offsets;
//! these helpers move 64 bits at a time between such offsets.

/// Reads up to 64 bits starting at bit `at` (missing words read as zero).
#[inline]
fn get64(words: &[u64], at: usize) -> u64 {
    let (i, s) = (at / 64, at % 64);
    let lo = words.get(i).copied().unwrap_or(0) >> s;
    if s == 0 {
        lo
    } else {
        lo | words.get(i + 1).copied().unwrap_or(0) << (64 - s)
    }
}

/// Applies `op(old, new)` to the `n <= 64` bits at `at`, taking them from the low bits of `v`.
#[inline]
fn apply64(words: &mut [u64], at: usize, v: u64, n: usize, op: impl Fn(u64, u64) -> u64) {
    let mask = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let v = v & mask;
    let (i, s) = (at / 64, at % 64);
    if let Some(w) = words.get_mut(i) {
        *w = (*w & !(mask << s)) | (op(*w >> s, v) & mask) << s;
    }
    if s != 0 && s + n > 64 {
        let spill = s + n - 64;
        let hi_mask = (1u64 << spill) - 1;
        if let Some(w) = words.get_mut(i + 1) {
            *w = (*w & !hi_mask) | (op(*w, v >> (64 - s)) & hi_mask);
        }
    }
}

/// `dst[dst_at..dst_at + len] ^= src[src_at..src_at + len]`.
pub(crate) fn xor_range(dst: &mut [u64], dst_at: usize, src: &[u64], src_at: usize, len: usize) {
    let mut done = 0;
    while done < len {
        let n = (len - done).min(64);
        apply64(
            dst,
            dst_at + done,
            get64(src, src_at + done),
            n,
            |old, new| old ^ new,
        );
        done += n;
    }
}

/// `dst[dst_at..dst_at + len] = src[src_at..src_at + len]`.
pub(crate) fn copy_range(dst: &mut [u64], dst_at: usize, src: &[u64], src_at: usize, len: usize) {
    let mut done = 0;
    while done < len {
        let n = (len - done).min(64);
        apply64(
            dst,
            dst_at + done,
            get64(src, src_at + done),
            n,
            |_, new| new,
        );
        done += n;
    }
}

/// Whether bit `i` is set.
#[inline]
pub(crate) fn test(words: &[u64], i: usize) -> bool {
    words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1)
}

/// Sets bit `i`.
#[inline]
pub(crate) fn set(words: &mut [u64], i: usize) {
    if let Some(w) = words.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// Clears bit `i`.
#[inline]
pub(crate) fn clear(words: &mut [u64], i: usize) {
    if let Some(w) = words.get_mut(i / 64) {
        *w &= !(1 << (i % 64));
    }
}

/// The first set bit at or after `from`, below `end`.
pub(crate) fn next_set(words: &[u64], from: usize, end: usize) -> Option<usize> {
    let mut i = from / 64;
    let mut w = words.get(i)? & (u64::MAX << (from % 64));
    loop {
        if w != 0 {
            let bit = i * 64 + w.trailing_zeros() as usize;
            return (bit < end).then_some(bit);
        }
        i += 1;
        if i * 64 >= end {
            return None;
        }
        w = *words.get(i)?;
    }
}

/// Finds the position of the `rank`-th set bit (0-based) for non-decreasing ranks, resuming
/// where the previous call stopped.
pub(crate) struct SelectCursor<'a> {
    words: &'a [u64],
    word: usize,
    /// Set bits in the words before `word`.
    before: usize,
}

impl<'a> SelectCursor<'a> {
    pub(crate) fn new(words: &'a [u64]) -> Self {
        Self {
            words,
            word: 0,
            before: 0,
        }
    }

    /// The position of set bit number `rank`; `rank` must not decrease between calls.
    pub(crate) fn select(&mut self, rank: usize) -> Option<usize> {
        loop {
            let w = *self.words.get(self.word)?;
            let ones = w.count_ones() as usize;
            if self.before + ones > rank {
                let mut w = w;
                for _ in 0..rank - self.before {
                    w &= w - 1;
                }
                return Some(self.word * 64 + w.trailing_zeros() as usize);
            }
            self.before += ones;
            self.word += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;
    use alloc::vec::Vec;

    fn to_bools(w: &[u64], n: usize) -> Vec<bool> {
        (0..n).map(|i| test(w, i)).collect()
    }

    #[test]
    fn ranges_match_a_bool_model() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut rnd = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..2000 {
            let src: Vec<u64> = (0..6).map(|_| rnd()).collect();
            let mut dst: Vec<u64> = (0..6).map(|_| rnd()).collect();
            let len = (rnd() % 200) as usize;
            let (sa, da) = ((rnd() % 180) as usize, (rnd() % 180) as usize);
            let len = len.min(384 - sa).min(384 - da);
            let (s_b, mut d_b) = (to_bools(&src, 384), to_bools(&dst, 384));
            if rnd() % 2 == 0 {
                xor_range(&mut dst, da, &src, sa, len);
                for i in 0..len {
                    d_b[da + i] ^= s_b[sa + i];
                }
            } else {
                copy_range(&mut dst, da, &src, sa, len);
                d_b[da..da + len].copy_from_slice(&s_b[sa..sa + len]);
            }
            assert_eq!(to_bools(&dst, 384), d_b);
        }
    }

    #[test]
    fn select_and_next_set() {
        let w = vec![0b1010u64, 0, 1 << 63, 5];
        let mut c = SelectCursor::new(&w);
        assert_eq!(c.select(0), Some(1));
        assert_eq!(c.select(1), Some(3));
        assert_eq!(c.select(2), Some(191));
        assert_eq!(c.select(4), Some(194));
        assert_eq!(c.select(5), None);
        assert_eq!(next_set(&w, 4, 256), Some(191));
        assert_eq!(next_set(&w, 4, 191), None);
        assert_eq!(next_set(&w, 195, 256), None);
    }
}
