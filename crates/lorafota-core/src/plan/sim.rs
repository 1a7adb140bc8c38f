//! How many coded fragments each device of a fleet needs: a symbolic TS004 decode.
//!
//! A device completes when the coded fragments it received have full rank over the uncoded
//! fragments it lost; the payload bytes play no part in that. So a simulated device draws its
//! loss pattern, keeps only the positions of its lost uncoded fragments, and runs GF(2)
//! elimination on the parity rows restricted to those columns — a few machine words per row.
//! The rows are the real TS004 rows (shared by the whole fleet, computed once), so the result is
//! what real decoders do, not a rule of thumb.
//!
//! Because coded fragment `k` does not depend on how many are sent (prefix property), one
//! simulation answers every redundancy at once: device `d` completes with redundancy `R` iff
//! it needed at most `R` coded fragments.

use alloc::vec;
use alloc::vec::Vec;

use super::channel::LossModel;
use crate::frag::fill_row;
use crate::frag::{MAX_COUNTER, Ts004Version};
use crate::rng::SplitMix64;

/// One simulated device.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimDevice {
    /// Its channel.
    pub loss: LossModel,
    /// The most lost uncoded fragments its decoder has memory for (`None`: no limit).
    pub max_lost: Option<u16>,
}

/// What one simulated device needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceOutcome {
    /// Uncoded fragments it lost.
    pub lost_uncoded: u16,
    /// The smallest redundancy with which it completes (0 when it lost no uncoded fragment),
    /// `None` when it cannot complete within the simulated redundancy or its memory.
    pub coded_needed: Option<u16>,
}

/// The outcome of every simulated device.
#[derive(Debug, Clone, PartialEq)]
pub struct FleetOutcome {
    max_redundancy: u16,
    devices: Vec<DeviceOutcome>,
}

impl FleetOutcome {
    /// Per-device outcomes, in device order.
    pub fn devices(&self) -> &[DeviceOutcome] {
        &self.devices
    }
    /// The largest redundancy simulated.
    pub fn max_redundancy(&self) -> u16 {
        self.max_redundancy
    }
    /// Share of devices that complete when `redundancy` coded fragments are sent.
    pub fn success_rate(&self, redundancy: u16) -> f64 {
        if self.devices.is_empty() {
            return 0.0;
        }
        let ok = self
            .devices
            .iter()
            .filter(|d| d.coded_needed.is_some_and(|k| k <= redundancy))
            .count();
        ok as f64 / self.devices.len() as f64
    }
    /// The smallest redundancy with which at least `target` of the devices complete, if the
    /// simulated range has one.
    pub fn redundancy_for(&self, target: f64) -> Option<u16> {
        let n = self.devices.len();
        if n == 0 {
            return None;
        }
        let mut needed: Vec<u16> = self.devices.iter().filter_map(|d| d.coded_needed).collect();
        needed.sort_unstable();
        // The k-th smallest need, k = ceil(target * n): that many devices complete with it.
        let k = ceil_to_usize(target * n as f64).max(1);
        needed.get(k - 1).copied()
    }
}

/// The parity rows of coded fragments `1..=R`, stored column-major: for column `c`, word `b`
/// holds whether rows `64b+1..=64b+64` include `c`. A device then reads the 64 rows of a block
/// restricted to its lost columns with one word per lost column.
struct ColumnTable {
    /// Words per column, `ceil(R / 64)`.
    blocks: usize,
    bits: Vec<u64>,
}

impl ColumnTable {
    fn new(version: Ts004Version, nb_frag: u16, redundancy: u16) -> Self {
        let blocks = usize::from(redundancy).div_ceil(64);
        let mut bits = vec![0u64; blocks * usize::from(nb_frag)];
        let mut row = vec![0u64; usize::from(nb_frag).div_ceil(64)];
        for k in 0..redundancy {
            fill_row(version, nb_frag, k + 1, &mut row);
            let (block, bit) = (usize::from(k) / 64, k % 64);
            for (w, &word) in row.iter().enumerate() {
                let mut word = word;
                while word != 0 {
                    let col = w * 64 + word.trailing_zeros() as usize;
                    if let Some(b) = bits.get_mut(col * blocks + block) {
                        *b |= 1 << bit;
                    }
                    word &= word - 1;
                }
            }
        }
        Self { blocks, bits }
    }
    #[inline]
    fn column_block(&self, col: u16, block: usize) -> u64 {
        self.bits
            .get(usize::from(col) * self.blocks + block)
            .copied()
            .unwrap_or(0)
    }
}

/// Transposes a 64 x 64 bit matrix in place (word `i` bit `j` <-> word `j` bit `i`), by
/// swapping ever smaller off-diagonal blocks.
fn transpose64(a: &mut [u64; 64]) {
    let mut width = 32;
    let mut mask: u64 = 0x0000_0000_FFFF_FFFF;
    while width != 0 {
        let mut k = 0;
        while k < 64 {
            for i in k..k + width {
                let t = ((a[i] >> width) ^ a[i + width]) & mask;
                a[i] ^= t << width;
                a[i + width] ^= t;
            }
            k += 2 * width;
        }
        width >>= 1;
        mask ^= mask << width;
    }
}

/// Simulates `devices` receiving one session of `nb_frag` uncoded and up to `max_redundancy`
/// coded fragments in counter order. Device `i` draws its channel from sub-stream `i` of `seed`,
/// so the result does not depend on the number of threads used.
pub fn simulate_fleet(
    version: Ts004Version,
    nb_frag: u16,
    max_redundancy: u16,
    devices: &[SimDevice],
    seed: u64,
) -> FleetOutcome {
    let max_redundancy = max_redundancy.min(MAX_COUNTER.saturating_sub(nb_frag));
    let columns = ColumnTable::new(version, nb_frag, max_redundancy);
    let mut outcomes = vec![
        DeviceOutcome {
            lost_uncoded: 0,
            coded_needed: None
        };
        devices.len()
    ];
    let run = |first: usize, out: &mut [DeviceOutcome]| {
        let mut work = DeviceWork::default();
        for (i, o) in out.iter_mut().enumerate() {
            let index = (first + i) as u64;
            *o = work.run(
                &columns,
                nb_frag,
                max_redundancy,
                &devices[first + i],
                SplitMix64::stream(seed, index),
            );
        }
    };
    #[cfg(feature = "std")]
    {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        if threads > 1 && devices.len() >= 64 {
            let per = devices.len().div_ceil(threads);
            std::thread::scope(|scope| {
                for (t, chunk) in outcomes.chunks_mut(per).enumerate() {
                    let run = &run;
                    scope.spawn(move || run(t * per, chunk));
                }
            });
            return FleetOutcome {
                max_redundancy,
                devices: outcomes,
            };
        }
    }
    run(0, &mut outcomes);
    FleetOutcome {
        max_redundancy,
        devices: outcomes,
    }
}

/// Per-thread scratch space, reused from device to device.
#[derive(Default)]
struct DeviceWork {
    lost: Vec<u16>,
    basis: Vec<u64>,
    has_pivot: Vec<bool>,
    /// 64 coded rows restricted to the lost columns: `rows[r * w + c]` = word `c` of row `r`.
    rows: Vec<u64>,
}

impl DeviceWork {
    fn run(
        &mut self,
        table: &ColumnTable,
        m: u16,
        r: u16,
        device: &SimDevice,
        rng: SplitMix64,
    ) -> DeviceOutcome {
        let mut channel = device.loss.channel(rng);
        self.lost.clear();
        self.lost.extend((0..m).filter(|_| channel.lose_next()));
        let l = self.lost.len();
        let lost_uncoded = l as u16;
        if l == 0 {
            return DeviceOutcome {
                lost_uncoded,
                coded_needed: Some(0),
            };
        }
        if device.max_lost.is_some_and(|max| lost_uncoded > max) {
            return DeviceOutcome {
                lost_uncoded,
                coded_needed: None,
            };
        }
        let w = l.div_ceil(64);
        self.basis.clear();
        self.basis.resize(l * w, 0);
        self.has_pivot.clear();
        self.has_pivot.resize(l, false);
        self.rows.resize(64 * w, 0);
        let mut rank = 0;
        for block in 0..table.blocks {
            let first_k = block * 64 + 1;
            let in_block = usize::from(r).saturating_sub(block * 64).min(64);
            // Which of this block's coded fragments arrive (the channel goes on in order).
            let mut received = 0u64;
            for i in 0..in_block {
                if !channel.lose_next() {
                    received |= 1 << i;
                }
            }
            // Lost columns x 64 rows, transposed 64 columns at a time into rows x lost columns.
            for c in 0..w {
                let mut square = [0u64; 64];
                for (j, word) in square.iter_mut().enumerate() {
                    if let Some(&col) = self.lost.get(c * 64 + j) {
                        *word = table.column_block(col, block) & received;
                    }
                }
                transpose64(&mut square);
                for (row, word) in square.iter().enumerate() {
                    self.rows[row * w + c] = *word;
                }
            }
            for i in 0..in_block {
                if received >> i & 1 == 0 {
                    continue;
                }
                let v = &mut self.rows[i * w..(i + 1) * w];
                while let Some(p) = first_set(v) {
                    if self.has_pivot[p] {
                        for (x, y) in v.iter_mut().zip(&self.basis[p * w..(p + 1) * w]) {
                            *x ^= *y;
                        }
                    } else {
                        self.basis[p * w..(p + 1) * w].copy_from_slice(v);
                        self.has_pivot[p] = true;
                        rank += 1;
                        break;
                    }
                }
                if rank == l {
                    return DeviceOutcome {
                        lost_uncoded,
                        coded_needed: Some((first_k + i) as u16),
                    };
                }
            }
        }
        DeviceOutcome {
            lost_uncoded,
            coded_needed: None,
        }
    }
}

/// `ceil(x)` for `x >= 0` without `std` (no float rounding functions in `core`).
fn ceil_to_usize(x: f64) -> usize {
    let floor = x as usize;
    if (floor as f64) < x { floor + 1 } else { floor }
}

fn first_set(v: &[u64]) -> Option<usize> {
    v.iter()
        .enumerate()
        .find(|(_, w)| **w != 0)
        .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_moves_every_bit() {
        let mut rng = SplitMix64::new(9);
        let mut a = [0u64; 64];
        for w in a.iter_mut() {
            *w = rng.next_u64();
        }
        let orig = a;
        transpose64(&mut a);
        for (i, row) in a.iter().enumerate() {
            for (j, col) in orig.iter().enumerate() {
                assert_eq!(row >> j & 1, col >> i & 1);
            }
        }
    }
}
