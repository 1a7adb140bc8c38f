//! The systematic code of `reed-solomon-erasure`, in closed form.
//!
//! `reed-solomon-erasure` builds its coding matrix as `V * inverse(top k rows of V)` for the
//! Vandermonde matrix `V[r][c] = node(r)^c`. Row `z` of that matrix maps the data `d_0..d_k-1`
//! to `f(node(z))`, where `f` is the polynomial of degree `< k` with `f(node(j)) = d_j`: node `z`
//! of the codeword is a Lagrange interpolation. Written out, coded shard `z >= k` is
//!
//! ```text
//! c_z = P(z) * sum_j d_j * w_j / (node(z) + node(j))
//! P(z) = prod_{m < k} (node(z) + node(m)),   w_j = 1 / prod_{m < k, m != j} (node(j) + node(m))
//! ```
//!
//! (addition is subtraction in characteristic 2). This gives the library's matrix entry for
//! entry, but without its `O(n k^2 + k^3)` construction, which takes hours for k = 10 000.
//!
//! Nodes add like their indices XOR, so `node(z) + node(j) = node(z ^ j)`: every `1 / (node(z) +
//! node(j))` comes from one table of `1 / node(t)`. `P` and `w` come from the binary expansion of
//! `k`: `0..k` is a union of aligned runs `a..a + 2^t`, and over a run the product
//! `prod_{v < 2^t} (y + node(v))` is the subspace polynomial `L_t(y)`, which is GF(2)-linear in
//! `y` and obeys `L_t(y) = L_{t-1}(y) * (L_{t-1}(y) + L_{t-1}(node(2^(t-1))))`. Tabulating
//! `L_t(node(2^b))` once makes `L_t` of any node a handful of XORs, and `P` or `1 / w_j` a product
//! over at most 15 runs.

use alloc::vec;
use alloc::vec::Vec;

use super::gf::Gf;

/// The code for `k` data shards over field `G`, with what both the encoder and the decoder need.
#[derive(Debug, Clone)]
pub(crate) struct Code<G: Gf> {
    /// The aligned runs `start..start + 2^t` that make up `0..k`, largest first.
    runs: Vec<(usize, usize)>,
    /// `basis[t][b] = L_t(node(2^b))`.
    basis: Vec<Vec<G::Elem>>,
    /// `w_j`, for the data shards.
    weights: Vec<G::Elem>,
    /// `1 / node(t)`, for every `t` two node indices can XOR to.
    inverses: Vec<G::Elem>,
}

impl<G: Gf> Code<G> {
    /// The code for `k` data shards whose node indices stay below `nodes`.
    pub(crate) fn new(k: usize, nodes: usize) -> Self {
        let mut runs = Vec::new();
        let mut start = 0;
        for t in (0..=G::BITS).rev() {
            if k & (1 << t) != 0 {
                runs.push((start, t));
                start += 1 << t;
            }
        }
        let top = runs.first().map_or(0, |&(_, t)| t);

        let mut basis: Vec<Vec<G::Elem>> = Vec::with_capacity(top + 1);
        basis.push((0..G::BITS).map(|b| G::node(1 << b)).collect());
        for t in 1..=top {
            let prev = &basis[t - 1];
            let shift = prev[t - 1];
            let next = prev.iter().map(|&l| G::mul(l, G::add(l, shift))).collect();
            basis.push(next);
        }
        // `own[t] = prod_{0 < v < 2^t} node(v)`: what a run contributes to `1 / w_j` for its
        // own members (the factor `L_t` would be zero there: `j` is one of its roots).
        let mut own = vec![G::one(); top + 1];
        for t in 1..=top {
            own[t] = G::mul(own[t - 1], basis[t - 1][t - 1]);
        }

        let mut code = Self {
            runs,
            basis,
            weights: Vec::new(),
            inverses: Vec::new(),
        };
        code.weights = (0..k)
            .map(|j| {
                let mut denom = G::one();
                for &(a, t) in &code.runs {
                    let factor = if j >= a && j - a < 1 << t {
                        own[t]
                    } else {
                        code.subspace(t, j ^ a)
                    };
                    denom = G::mul(denom, factor);
                }
                G::inv(denom)
            })
            .collect();
        code.cover(nodes.max(k));
        code
    }

    /// Makes the inverse table cover every node index below `nodes`: two such indices XOR to
    /// less than the next power of two. Growing on demand keeps a decoder's table to the
    /// counters it has seen (4 KiB for 1500 fragments, not 32 KiB for all 16383).
    pub(crate) fn cover(&mut self, nodes: usize) {
        let table = nodes.max(1).next_power_of_two();
        let have = self.inverses.len();
        if table > have {
            self.inverses
                .extend((have..table).map(|t| G::inv(G::node(t))));
        }
    }

    /// `L_t(node(z))`: only the bits of `z` at or above `t` count, `node(v)` for `v < 2^t` being
    /// the roots.
    fn subspace(&self, t: usize, z: usize) -> G::Elem {
        let Some(row) = self.basis.get(t) else {
            return G::zero();
        };
        let mut acc = G::zero();
        let mut bits = z >> t;
        let mut b = t;
        while bits != 0 {
            if bits & 1 != 0 {
                acc = G::add(acc, row.get(b).copied().unwrap_or_else(G::zero));
            }
            bits >>= 1;
            b += 1;
        }
        acc
    }

    /// `P(z) = prod_{m < k} (node(z) + node(m))`, non-zero exactly when `z >= k`.
    pub(crate) fn p_at(&self, z: usize) -> G::Elem {
        self.runs.iter().fold(G::one(), |acc, &(a, t)| {
            G::mul(acc, self.subspace(t, z ^ a))
        })
    }

    /// `w_j`.
    pub(crate) fn weight(&self, j: usize) -> G::Elem {
        self.weights.get(j).copied().unwrap_or_else(G::zero)
    }

    /// `1 / node(t)`, prepared for the kernels (zero for `t = 0` or beyond the table, which no
    /// caller asks for).
    #[inline]
    pub(crate) fn inv_node(&self, t: usize) -> G::Mul {
        G::prepare(self.inverses.get(t).copied().unwrap_or_else(G::zero))
    }

    /// Heap bytes held.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.runs.capacity() * core::mem::size_of::<(usize, usize)>()
            + self
                .basis
                .iter()
                .map(|row| row.capacity() * G::BYTES)
                .sum::<usize>()
            + self.weights.capacity() * G::BYTES
            + self.inverses.capacity() * G::BYTES
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reed_solomon_erasure::{galois_8, galois_16};

    fn check<G: Gf>(k: usize, extra: usize) {
        let code = Code::<G>::new(k, k + extra);
        for j in 0..k {
            let mut d = G::one();
            for m in (0..k).filter(|&m| m != j) {
                d = G::mul(d, G::add(G::node(j), G::node(m)));
            }
            assert_eq!(code.weight(j), G::inv(d), "w_{j}, k = {k}");
        }
        for z in 0..k + extra {
            let mut p = G::one();
            for m in 0..k {
                p = G::mul(p, G::add(G::node(z), G::node(m)));
            }
            assert_eq!(code.p_at(z), p, "P({z}), k = {k}");
            assert_eq!(p == G::zero(), z < k);
        }
    }

    #[test]
    fn closed_forms_match_the_products() {
        for k in 1..=40 {
            check::<galois_8::Field>(k, 256 - k.max(40));
        }
        check::<galois_8::Field>(255, 1);
        check::<galois_8::Field>(256, 0);
        for k in [1, 2, 3, 64, 100, 257, 300, 613] {
            check::<galois_16::Field>(k, 40);
        }
    }
}
