//! A small seeded random generator for simulations (loss patterns, device fleets).
//!
//! The core does no I/O and takes no entropy from the system: every simulation takes a seed,
//! so a plan or a test run can be reproduced exactly. SplitMix64 is what the public reference
//! measurements used for their loss patterns (`reference-performance.md`), which lets our
//! simulations replay them.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, good enough for Monte-Carlo loss.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator started from `seed`.
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform number in `[0, 1)` from the top 53 bits.
    #[inline]
    pub fn next_unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.next_unit() < p
    }

    /// A generator for sub-stream `index` of this seed (device `index` of a fleet), independent
    /// of how many numbers other streams drew.
    pub fn stream(seed: u64, index: u64) -> Self {
        let mut mix = Self::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Self::new(mix.next_u64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_sequence() {
        // SplitMix64 seeded with 0 starts e220a8397b1dcdaf 6e789e6aa1b965f4 (published values).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn unit_interval() {
        let mut r = SplitMix64::new(7);
        let mean = (0..10_000).map(|_| r.next_unit()).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }
}
