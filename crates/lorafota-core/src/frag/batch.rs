//! The batch encoder kernel: all coded fragments of a block at once.
//!
//! A coded fragment is the XOR of about 0.4 M (v1) or 0.5 M (v2) uncoded fragments, so coding
//! R fragments one by one costs ~0.4 M R fragment XORs. Here the columns are taken eight at a
//! time (the "method of four Russians"): for each group of eight uncoded fragments a 256-entry
//! table of all their XOR combinations is built once (255 XORs), after which every row needs a
//! single table XOR for the group, picked by the row's byte. That is M/8 XORs per row instead of
//! ~0.4 M, plus M/8 * 255 for the tables. Payloads are handled as fixed-width `[u64; W]` words
//! (`W = ceil(S / 8)`) so every XOR is a short unrolled vector loop.

use alloc::boxed::Box;
use alloc::vec;
use alloc::vec::Vec;

use super::rows::{ColumnMarks, draw_row};
use super::{FragParams, Ts004Version};

/// Writes coded fragments `first..first + count` (1-based coded indices) into `out`
/// (`count * S` bytes, back to back).
pub(crate) fn encode_coded(
    version: Ts004Version,
    params: FragParams,
    block: &[u8],
    first: u16,
    count: u16,
    out: &mut [u8],
) {
    let s = usize::from(params.fragment_size());
    macro_rules! dispatch {
        ($($w:literal)*) => {
            match s.div_ceil(8) {
                $($w => Kernel::<$w>::new(params, block).run(version, first, count, out),)*
                _ => unreachable_fragment_size(),
            }
        };
    }
    dispatch!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32);
}

#[cold]
fn unreachable_fragment_size() {
    // FragParams caps S at 255 bytes = 32 words; nothing to do for an impossible width.
}

/// The uncoded fragments as `W`-word values, zero-extended.
struct Kernel<const W: usize> {
    params: FragParams,
    columns: Vec<[u64; W]>,
}

impl<const W: usize> Kernel<W> {
    fn new(params: FragParams, block: &[u8]) -> Self {
        let s = usize::from(params.fragment_size());
        let columns = block
            .chunks(s)
            .map(|frag| {
                let mut w = [0u64; W];
                for (word, bytes) in w.iter_mut().zip(frag.chunks(8)) {
                    let mut b = [0u8; 8];
                    b[..bytes.len()].copy_from_slice(bytes);
                    *word = u64::from_le_bytes(b);
                }
                w
            })
            .collect();
        Self { params, columns }
    }

    fn run(&self, version: Ts004Version, first: u16, count: u16, out: &mut [u8]) {
        #[cfg(feature = "std")]
        {
            let s = usize::from(self.params.fragment_size());
            let m = usize::from(self.params.nb_frag());
            let threads = std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(8);
            // Below ~4 M row bits a thread costs more than it saves.
            if threads > 1 && usize::from(count) * m >= 1 << 22 {
                let per = usize::from(count).div_ceil(threads);
                std::thread::scope(|scope| {
                    for (i, chunk) in out.chunks_mut(per * s).enumerate() {
                        let start = first + (i * per) as u16;
                        let n = (chunk.len() / s) as u16;
                        scope.spawn(move || self.run_chunk(version, start, n, chunk));
                    }
                });
                return;
            }
        }
        self.run_chunk(version, first, count, out);
    }

    fn run_chunk(&self, version: Ts004Version, first: u16, count: u16, out: &mut [u8]) {
        let count = usize::from(count);
        let groups = self.columns.len().div_ceil(8);
        // Row k's eight-column group g lives at `group_bytes[g * count + k]`: group-major, so
        // the XOR pass below reads it sequentially.
        let mut group_bytes = vec![0u8; groups * count];
        self.draw_rows(version, first, &mut group_bytes, count);

        let mut acc = vec![[0u64; W]; count];
        // Two 256-entry tables (two groups) per pass over the accumulators halves their
        // load/store traffic; two tables still fit in L1 for every fragment size. Fixed-size
        // tables indexed by a byte need no bounds checks.
        let mut tables: Box<[[[u64; W]; 256]; 2]> = Box::new([[[0u64; W]; 256]; 2]);
        let mut groups = self.columns.chunks(8).zip(group_bytes.chunks_exact(count));
        while let Some((first, first_rows)) = groups.next() {
            let [t0, t1] = &mut *tables;
            build_table(t0, first);
            match groups.next() {
                Some((second, second_rows)) => {
                    build_table(t1, second);
                    for ((a, &b0), &b1) in acc.iter_mut().zip(first_rows).zip(second_rows) {
                        let (x0, x1) = (&t0[usize::from(b0)], &t1[usize::from(b1)]);
                        for i in 0..W {
                            a[i] ^= x0[i] ^ x1[i];
                        }
                    }
                }
                None => {
                    for (a, &b0) in acc.iter_mut().zip(first_rows) {
                        let x0 = &t0[usize::from(b0)];
                        for i in 0..W {
                            a[i] ^= x0[i];
                        }
                    }
                }
            }
        }

        let s = usize::from(self.params.fragment_size());
        for (frag, a) in out.chunks_exact_mut(s).zip(&acc) {
            for (bytes, word) in frag.chunks_mut(8).zip(a) {
                bytes.copy_from_slice(&word.to_le_bytes()[..bytes.len()]);
            }
        }
    }

    /// Draws rows `first..first + count` and stores them group-major in `group_bytes`.
    fn draw_rows(&self, version: Ts004Version, first: u16, group_bytes: &mut [u8], count: usize) {
        const BLOCK: usize = 64;
        let m = self.params.nb_frag();
        let groups = usize::from(m).div_ceil(8);
        // One byte per column while drawing: a single store per draw.
        let mut marks: Box<ColumnMarks> = Box::new([0; 1 << 14]);
        // BLOCK rows packed row-major, then copied out group-major BLOCK bytes at a time.
        let mut block = vec![0u8; BLOCK * groups];
        for block_start in (0..count).step_by(BLOCK) {
            let rows = BLOCK.min(count - block_start);
            for (i, packed) in block.chunks_exact_mut(groups).take(rows).enumerate() {
                let coded_index = first + (block_start + i) as u16;
                draw_row(version, m, coded_index, &mut *marks);
                pack_marks(&mut marks[..], packed);
            }
            for g in 0..groups {
                let dst = &mut group_bytes[g * count + block_start..][..rows];
                for (i, d) in dst.iter_mut().enumerate() {
                    *d = block[i * groups + g];
                }
            }
        }
    }
}

/// `table[b]` = XOR of the group's fragments `i` with bit `i` of `b` set.
fn build_table<const W: usize>(table: &mut [[u64; W]; 256], group: &[[u64; W]]) {
    table[0] = [0; W];
    for bit in 0..8 {
        let step = 1 << bit;
        let col = group.get(bit).copied().unwrap_or([0; W]);
        for j in 0..step {
            let mut v = table[j];
            for (x, y) in v.iter_mut().zip(&col) {
                *x ^= *y;
            }
            table[step + j] = v;
        }
    }
}

/// Packs one-byte-per-column marks (0 or 1) into one bit per column, eight columns per
/// multiplication, and clears the marks for the next row.
fn pack_marks(marks: &mut [u8], packed: &mut [u8]) {
    // Byte i of a little-endian word holds column i's mark; the multiplier moves bit 8i to bit
    // 56 + i, and no two partial products overlap, so the top byte is the packed group.
    const GATHER: u64 = 0x0102_0408_1020_4080;
    for (p, eight) in packed.iter_mut().zip(marks.chunks_exact_mut(8)) {
        let mut b = [0u8; 8];
        b.copy_from_slice(eight);
        *p = (u64::from_le_bytes(b).wrapping_mul(GATHER) >> 56) as u8;
        eight.fill(0);
    }
}
