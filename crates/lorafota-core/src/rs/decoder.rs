//! The Reed-Solomon decoder (device side): fragments in any order -> the data block.
//!
//! Work is spread over the fragments as they arrive, so that completion is cheap:
//!
//! * A data fragment `j` is stored scaled by its weight, `e_j = w_j * d_j` (see `code.rs`).
//! * A coded fragment `z` satisfies `c_z / P(z) = sum_j e_j / node(z ^ j)`. It is kept as its
//!   syndrome `sigma_z = c_z / P(z) - sum over received j of e_j / node(z ^ j)`, and every data
//!   fragment that arrives later is taken out of every syndrome held. What is left is
//!   `sigma_z = sum over lost j of e_j / node(z ^ j)`: a Cauchy system in the lost `e_j`.
//! * On the `M`-th distinct fragment there are exactly as many syndromes as lost data fragments
//!   (`L`), and the Cauchy system has a closed-form inverse: with `a(y) = prod_z (y + node(z))`
//!   and `b(y) = prod_{lost j} (y + node(j))`,
//!   `e_j = a(j) / b'(j) * sum_z sigma_z * (b(z) / a'(z)) / node(z ^ j)`,
//!   `O(L^2)` scalars and `L^2` shard multiply-adds, no elimination. Then `d_j = e_j / w_j`.

use alloc::vec;
use alloc::vec::Vec;

use reed_solomon_erasure::{galois_8, galois_16};

use super::code::Code;
use super::gf::Gf;
use super::{RsDecodeError, RsField};
use crate::frag::{DecoderStatus, FragError, FragParams, MAX_COUNTER, Progress};

/// A Reed-Solomon decoder, the counterpart of the in-memory
/// [`frag::Decoder`](crate::frag::Decoder).
///
/// It completes on exactly the fragment that brings `M` distinct fragments, in any order,
/// whatever mix of data and coded fragments they are. Memory: see the [module docs](super) and
/// [`state_bytes`](Self::state_bytes).
///
/// ```
/// use lorafota_core::frag::Progress;
/// use lorafota_core::rs::{RsDecoder, RsEncoder};
/// let data: Vec<u8> = (0..200u8).collect();
/// let block = RsEncoder::new(data.clone(), 20)?.encode(2)?;
/// let mut dec = RsDecoder::new(block.params(), block.field())?;
/// let mut done_at = None;
/// for f in block.fragments().filter(|f| f.counter != 3 && f.counter != 7) {
///     if dec.push(f.counter, &f.payload)? == Progress::Completed {
///         done_at = Some(f.counter);
///     }
/// }
/// assert_eq!(done_at, Some(12)); // the 10th distinct fragment
/// assert_eq!(dec.data(), Some(&data[..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RsDecoder {
    params: FragParams,
    field: RsField,
    solver: Solver,
    /// Fragments accepted, duplicates included.
    received: u32,
}

#[derive(Debug, Clone)]
enum Solver {
    Gf8(Cauchy<galois_8::Field>),
    Gf16(Cauchy<galois_16::Field>),
}

/// Runs `$body` with `$s` bound to the solver, whichever its field.
macro_rules! with_solver {
    ($solver:expr, $s:ident => $body:expr) => {
        match $solver {
            Solver::Gf8($s) => $body,
            Solver::Gf16($s) => $body,
        }
    };
}

impl RsDecoder {
    /// A decoder for a block of `params` coded over `field`.
    ///
    /// Fails with [`FragError::TooManyFragments`] when `M` does not fit the field (more than 256
    /// data fragments over GF(2^8)).
    pub fn new(params: FragParams, field: RsField) -> Result<Self, FragError> {
        if params.nb_frag() > field.max_fragments() {
            return Err(FragError::TooManyFragments {
                nb_frag: params.nb_frag().into(),
                redundancy: 0,
            });
        }
        let solver = match field {
            RsField::Gf8 => Solver::Gf8(Cauchy::new(params)),
            RsField::Gf16 => Solver::Gf16(Cauchy::new(params)),
        };
        Ok(Self {
            params,
            field,
            solver,
            received: 0,
        })
    }

    /// The session parameters.
    pub fn params(&self) -> FragParams {
        self.params
    }
    /// The field the block is coded over.
    pub fn field(&self) -> RsField {
        self.field
    }
    /// Whether the block is rebuilt.
    pub fn is_complete(&self) -> bool {
        with_solver!(&self.solver, s => s.complete)
    }

    /// The data block without padding, once complete.
    pub fn data(&self) -> Option<&[u8]> {
        with_solver!(&self.solver, s => s.data(self.params.data_len()))
    }

    /// The decoder's state in the terms of [`frag::Decoder::status`](crate::frag::Decoder::status):
    /// `lost` counts the data fragments not received, `rank` the coded fragments held for them,
    /// `missing` the distinct fragments still needed (exactly, here), and `failure` is always
    /// `None`: a Reed-Solomon session cannot fail, it only waits for fragments.
    pub fn status(&self) -> DecoderStatus {
        let (data, coded, completed) =
            with_solver!(&self.solver, s => (s.data_received, s.coded_nodes.len(), s.complete));
        let m = usize::from(self.params.nb_frag());
        // Lossless: both are at most M <= 16383.
        let lost = m.saturating_sub(data) as u16;
        let rank = coded as u16;
        DecoderStatus {
            received: self.received,
            lost,
            rank,
            missing: lost.saturating_sub(rank),
            completed,
            failure: None,
        }
    }

    /// Heap bytes held besides the block itself: the coded fragments kept while data fragments
    /// are missing (`L * shard_len` bytes at most), the code's weights and inverse table and the
    /// bitmap of counters seen. The block takes `M * shard_len` bytes while decoding.
    pub fn state_bytes(&self) -> usize {
        with_solver!(&self.solver, s => s.state_bytes())
    }

    /// Takes one fragment: `counter` is the 1-based fragment counter, `payload` its `S` bytes
    /// (data, counters `1..=M`) or [`RsField::shard_len`] bytes (coded). Any order; duplicates
    /// are counted and ignored.
    pub fn push(&mut self, counter: u16, payload: &[u8]) -> Result<Progress, RsDecodeError> {
        if counter == 0 {
            return Err(FragError::CounterZero.into());
        }
        if counter > MAX_COUNTER {
            return Err(FragError::CounterOutOfRange(counter).into());
        }
        let max = self.field.max_fragments();
        if counter > max {
            return Err(RsDecodeError::CounterBeyondField { counter, max });
        }
        let s = self.params.fragment_size();
        if counter <= self.params.nb_frag() {
            if payload.len() != usize::from(s) {
                return Err(FragError::WrongPayloadSize {
                    expected: s,
                    got: payload.len(),
                }
                .into());
            }
        } else {
            let expected = self.field.shard_len(s);
            if payload.len() != expected {
                return Err(RsDecodeError::CodedPayloadSize {
                    expected,
                    got: payload.len(),
                });
            }
        }
        if self.is_complete() {
            return Ok(Progress::AlreadyCompleted);
        }
        self.received = self.received.saturating_add(1);
        let completed =
            with_solver!(&mut self.solver, s => s.take(usize::from(counter - 1), payload));
        Ok(if completed {
            Progress::Completed
        } else {
            Progress::Ongoing
        })
    }
}

/// The decoding state over one field.
#[derive(Debug, Clone)]
struct Cauchy<G: Gf> {
    code: Code<G>,
    /// Data fragments (M).
    k: usize,
    /// Fragment size (S).
    s: usize,
    /// Shard size: `S`, or `S + 1` over GF(2^16) with an odd `S`.
    stride: usize,
    /// `M` slots of `stride` bytes: `e_j` for the received data fragments, zero for the others;
    /// the data, packed to `S` bytes a fragment, once complete.
    slots: Vec<u8>,
    /// One bit per node index: the data fragments received and the coded fragments held.
    seen: Vec<u64>,
    data_received: usize,
    /// The node index (`counter - 1`) of each coded fragment held, in arrival order.
    coded_nodes: Vec<u16>,
    /// Their syndromes, `stride` bytes each, in the same order.
    syndromes: Vec<u8>,
    complete: bool,
}

impl<G: Gf> Cauchy<G> {
    fn new(params: FragParams) -> Self {
        let k = usize::from(params.nb_frag());
        let nodes = usize::from(G::FIELD.max_fragments());
        let stride = G::FIELD.shard_len(params.fragment_size());
        Self {
            code: Code::new(k, k),
            k,
            s: params.fragment_size().into(),
            stride,
            slots: vec![0; k * stride],
            seen: vec![0; nodes.div_ceil(64)],
            data_received: 0,
            coded_nodes: Vec::new(),
            syndromes: Vec::new(),
            complete: false,
        }
    }

    /// Takes the fragment at `node` (its payload size checked); true if it completed the block.
    fn take(&mut self, node: usize, payload: &[u8]) -> bool {
        if self.complete || bit(&self.seen, node) {
            return false;
        }
        if let Some(w) = self.seen.get_mut(node / 64) {
            *w |= 1 << (node % 64);
        }
        if node < self.k {
            self.take_data(node, payload);
        } else {
            self.take_coded(node, payload);
        }
        if self.data_received + self.coded_nodes.len() == self.k {
            self.solve();
            self.complete = true;
        }
        self.complete
    }

    fn take_data(&mut self, j: usize, payload: &[u8]) {
        let Some(slot) = self.slots.get_mut(j * self.stride..(j + 1) * self.stride) else {
            return;
        };
        // The slot is still all zero, so an odd-size pad byte stays zero.
        for (d, v) in slot.iter_mut().zip(payload) {
            *d = *v;
        }
        G::scale(G::prepare(self.code.weight(j)), slot);
        for (&z, sigma) in self
            .coded_nodes
            .iter()
            .zip(self.syndromes.chunks_exact_mut(self.stride))
        {
            G::mul_add(self.code.inv_node(usize::from(z) ^ j), slot, sigma);
        }
        self.data_received += 1;
    }

    fn take_coded(&mut self, z: usize, payload: &[u8]) {
        self.code.cover(z + 1);
        let start = self.syndromes.len();
        if self.syndromes.capacity() < start + self.stride {
            // Double as usual, but never past one syndrome per data fragment still lost: fewer
            // than that can be held before the block completes.
            let bound = (self.k - self.data_received) * self.stride;
            let more = start.max(self.stride).min(bound.saturating_sub(start));
            self.syndromes.reserve_exact(more.max(self.stride));
        }
        self.syndromes.extend_from_slice(payload);
        let Some(sigma) = self.syndromes.get_mut(start..) else {
            return;
        };
        G::scale(G::prepare(G::inv(self.code.p_at(z))), sigma);
        for (j, e) in self.slots.chunks_exact(self.stride).enumerate() {
            if bit(&self.seen, j) {
                G::mul_add(self.code.inv_node(z ^ j), e, sigma);
            }
        }
        // Lossless: node indices are below the field's 16383 counters.
        self.coded_nodes.push(z as u16);
    }

    /// Solves the Cauchy system for the lost data fragments, unscales every slot and packs the
    /// block to `S` bytes a fragment.
    fn solve(&mut self) {
        let lost: Vec<usize> = (0..self.k).filter(|&j| !bit(&self.seen, j)).collect();
        let held: Vec<usize> = self.coded_nodes.iter().map(|&z| usize::from(z)).collect();
        let stride = self.stride;

        // sigma_z *= b(z) / a'(z)
        for (&z, sigma) in held.iter().zip(self.syndromes.chunks_exact_mut(stride)) {
            let b = product::<G>(lost.iter().map(|&j| z ^ j));
            let da = product::<G>(held.iter().filter(|&&y| y != z).map(|&y| z ^ y));
            G::scale(G::prepare(G::mul(b, G::inv(da))), sigma);
        }
        // e_j = a(j) / b'(j) * sum_z sigma_z / node(z ^ j), then d_j = e_j / w_j
        for &j in &lost {
            let Some(slot) = self.slots.get_mut(j * stride..(j + 1) * stride) else {
                continue;
            };
            for (&z, sigma) in held.iter().zip(self.syndromes.chunks_exact(stride)) {
                G::mul_add(self.code.inv_node(z ^ j), sigma, slot);
            }
            let a = product::<G>(held.iter().map(|&z| z ^ j));
            let db = product::<G>(lost.iter().filter(|&&y| y != j).map(|&y| j ^ y));
            let w = self.code.weight(j);
            G::scale(G::prepare(G::mul(a, G::inv(G::mul(db, w)))), slot);
        }
        for (j, slot) in self.slots.chunks_exact_mut(stride).enumerate() {
            if bit(&self.seen, j) {
                G::scale(G::prepare(G::inv(self.code.weight(j))), slot);
            }
        }
        if stride != self.s {
            // Drop the pad byte of every slot: moving left, front to back, never overwrites a
            // slot not yet moved.
            for j in 1..self.k {
                self.slots
                    .copy_within(j * stride..j * stride + self.s, j * self.s);
            }
        }
        self.slots.truncate(self.k * self.s);
        self.syndromes = Vec::new();
    }

    fn data(&self, len: usize) -> Option<&[u8]> {
        self.complete.then(|| self.slots.get(..len)).flatten()
    }

    fn state_bytes(&self) -> usize {
        self.code.heap_bytes()
            + self.seen.capacity() * 8
            + self.coded_nodes.capacity() * 2
            + self.syndromes.capacity()
    }
}

/// Bit `i` of a bitset.
fn bit(words: &[u64], i: usize) -> bool {
    words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// `prod node(t)` over the node indices `t`. Four interleaved partial products: a GF(2^16)
/// product is a chain of dependent table look-ups, and independent chains overlap.
fn product<G: Gf>(ts: impl Iterator<Item = usize>) -> G::Elem {
    let mut acc = [G::one(); 4];
    for (i, t) in ts.enumerate() {
        acc[i % 4] = G::mul(acc[i % 4], G::node(t));
    }
    G::mul(G::mul(acc[0], acc[1]), G::mul(acc[2], acc[3]))
}
