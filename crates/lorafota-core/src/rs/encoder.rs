//! The Reed-Solomon encoder (network side).

use alloc::vec;
use alloc::vec::Vec;

use bytes::Bytes;
use reed_solomon_erasure::{galois_8, galois_16};

use super::RsField;
use super::code::Code;
use super::gf::Gf;
use crate::frag::{FragError, FragParams, Fragment};

/// Splits a data block into fragments and codes Reed-Solomon parity fragments from it.
///
/// The counterpart of [`frag::Encoder`](crate::frag::Encoder): the same parameters, the same
/// numbering (counters `1..=M` carry the data unchanged, `M+1..=M+R` the coded fragments), but
/// any `M` distinct fragments rebuild the block.
///
/// ```
/// use lorafota_core::rs::{RsEncoder, RsField};
/// let enc = RsEncoder::new(&b"firmware image bytes"[..], 8)?;
/// assert_eq!((enc.params().nb_frag(), enc.params().padding()), (3, 4));
/// let block = enc.encode(2)?;
/// assert_eq!((block.len(), block.field()), (5, RsField::Gf8));
/// # Ok::<(), lorafota_core::frag::FragError>(())
/// ```
#[derive(Debug, Clone)]
pub struct RsEncoder {
    params: FragParams,
    /// The data zero-padded to `M * S` bytes.
    block: Bytes,
}

impl RsEncoder {
    /// Takes the data (not copied when its length is a multiple of `fragment_size`) and checks
    /// the parameters, as [`frag::Encoder::new`](crate::frag::Encoder::new) does.
    pub fn new(data: impl Into<Bytes>, fragment_size: usize) -> Result<Self, FragError> {
        let data = data.into();
        let params = FragParams::for_data(data.len(), fragment_size)?;
        let block = if params.padding() == 0 {
            data
        } else {
            crate::frag::pad(&data, params)
        };
        Ok(Self { params, block })
    }

    /// Copies `data` once, padded (see [`crate::frag::Encoder::from_slice`]).
    pub fn from_slice(data: &[u8], fragment_size: usize) -> Result<Self, FragError> {
        let params = FragParams::for_data(data.len(), fragment_size)?;
        Ok(Self {
            params,
            block: crate::frag::pad(data, params),
        })
    }

    /// The session parameters (M, S, padding).
    pub fn params(&self) -> FragParams {
        self.params
    }

    /// The zero-padded block, `M * S` bytes.
    pub fn padded_block(&self) -> &Bytes {
        &self.block
    }

    /// Codes `redundancy` parity fragments, over GF(2^8) when `M + R <= 256` and GF(2^16)
    /// otherwise. With the `std` feature large blocks are coded on every core.
    ///
    /// Fails with [`FragError::TooManyFragments`] when `M + R` exceeds 16383, the 14-bit
    /// fragment counter (GF(2^16) itself would allow 65536).
    pub fn encode(&self, redundancy: usize) -> Result<RsEncodedBlock, FragError> {
        let r = self.params.check_redundancy(redundancy)?;
        let m = self.params.nb_frag();
        let too_many = FragError::TooManyFragments {
            nb_frag: m.into(),
            redundancy,
        };
        let field = RsField::for_total(usize::from(m) + usize::from(r)).ok_or(too_many)?;
        let coded = match field {
            RsField::Gf8 => encode_coded::<galois_8::Field>(self.params, &self.block, r.into()),
            RsField::Gf16 => encode_coded::<galois_16::Field>(self.params, &self.block, r.into()),
        };
        Ok(RsEncodedBlock {
            params: self.params,
            field,
            redundancy: r,
            block: self.block.clone(),
            coded: Bytes::from(coded),
        })
    }
}

/// The coded shards `M..M+r` (node indices), back to back, each `shard_len` bytes.
fn encode_coded<G: Gf>(params: FragParams, block: &[u8], r: usize) -> Vec<u8> {
    let k = usize::from(params.nb_frag());
    let s = usize::from(params.fragment_size());
    let stride = G::FIELD.shard_len(params.fragment_size());
    if r == 0 {
        return Vec::new();
    }
    let code = Code::<G>::new(k, k + r);
    // Pre-scaling each data shard by its weight leaves one table look-up per coefficient in the
    // inner loop (see `code.rs`); the odd-size pad byte, if any, stays zero before scaling.
    let mut scaled = vec![0u8; k * stride];
    for (j, (dst, src)) in scaled
        .chunks_exact_mut(stride)
        .zip(block.chunks_exact(s))
        .enumerate()
    {
        for (d, v) in dst.iter_mut().zip(src) {
            *d = *v;
        }
        G::scale(G::prepare(code.weight(j)), dst);
    }
    let mut out = vec![0u8; r * stride];
    let (code, scaled) = (&code, &scaled[..]);
    #[cfg(feature = "std")]
    {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8);
        // Below a few million byte products a thread costs more than it saves.
        if threads > 1 && r * k * stride >= 1 << 22 {
            let per = r.div_ceil(threads);
            std::thread::scope(|scope| {
                for (i, chunk) in out.chunks_mut(per * stride).enumerate() {
                    scope.spawn(move || code_rows::<G>(code, scaled, stride, k + i * per, chunk));
                }
            });
            return out;
        }
    }
    code_rows::<G>(code, scaled, stride, k, &mut out);
    out
}

/// Coded shards computed together: their accumulators stay in L1 while each weighted data shard
/// is read once per group rather than once per coded shard, which matters once the block
/// outgrows the L2 cache (a 512 KiB block does on many cores).
const ROWS_PER_PASS: usize = 16;

/// Writes coded shards `first, first + 1, ...` (node indices) into `out`: shard `z` is
/// `P(z) * sum_j e_j / node(z ^ j)` over the weighted data shards `e_j`.
fn code_rows<G: Gf>(code: &Code<G>, scaled: &[u8], stride: usize, first: usize, out: &mut [u8]) {
    for (pass, rows) in out.chunks_mut(ROWS_PER_PASS * stride).enumerate() {
        let z0 = first + pass * ROWS_PER_PASS;
        for (j, e) in scaled.chunks_exact(stride).enumerate() {
            for (i, acc) in rows.chunks_exact_mut(stride).enumerate() {
                G::mul_add(code.inv_node((z0 + i) ^ j), e, acc);
            }
        }
        for (i, acc) in rows.chunks_exact_mut(stride).enumerate() {
            G::scale(G::prepare(code.p_at(z0 + i)), acc);
        }
    }
}

/// Every fragment of a block, computed at once by [`RsEncoder::encode`].
///
/// Holds two shared buffers, the padded block and the coded payloads back to back; each
/// [`Fragment`] is a zero-copy slice of one of them. Uncoded fragments are `S` bytes, coded ones
/// [`coded_fragment_size`](Self::coded_fragment_size) bytes: also `S`, except over GF(2^16)
/// with an odd `S`, where they are `S + 1` (see the [module docs](super)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RsEncodedBlock {
    params: FragParams,
    field: RsField,
    redundancy: u16,
    block: Bytes,
    coded: Bytes,
}

impl RsEncodedBlock {
    /// The session parameters.
    pub fn params(&self) -> FragParams {
        self.params
    }
    /// The field the block was coded over; the decoder needs it.
    pub fn field(&self) -> RsField {
        self.field
    }
    /// Coded fragments (R).
    pub fn redundancy(&self) -> u16 {
        self.redundancy
    }
    /// Number of fragments, `M + R`.
    pub fn len(&self) -> usize {
        usize::from(self.params.nb_frag()) + usize::from(self.redundancy)
    }
    /// Always false: a block has at least one fragment.
    pub fn is_empty(&self) -> bool {
        false
    }
    /// Bytes of each coded fragment: [`RsField::shard_len`] of the fragment size.
    pub fn coded_fragment_size(&self) -> usize {
        self.field.shard_len(self.params.fragment_size())
    }
    /// The padded data block: uncoded payloads 1..=M back to back.
    pub fn uncoded_payloads(&self) -> &Bytes {
        &self.block
    }
    /// Coded payloads M+1..=M+R back to back.
    pub fn coded_payloads(&self) -> &Bytes {
        &self.coded
    }
    /// The fragment with 1-based `counter`, if it exists.
    pub fn fragment(&self, counter: u16) -> Option<Fragment> {
        let i = usize::from(counter.checked_sub(1)?);
        (i < self.len()).then(|| self.nth(i))
    }
    /// All fragments in counter order.
    pub fn fragments(&self) -> impl ExactSizeIterator<Item = Fragment> + '_ {
        (0..self.len()).map(|i| self.nth(i))
    }

    /// Fragment `i` (0-based), `i < len()`.
    fn nth(&self, i: usize) -> Fragment {
        let s = usize::from(self.params.fragment_size());
        let m = usize::from(self.params.nb_frag());
        let payload = if i < m {
            self.block.slice(i * s..(i + 1) * s)
        } else {
            let c = self.coded_fragment_size();
            self.coded.slice((i - m) * c..(i - m + 1) * c)
        };
        Fragment {
            counter: (i + 1) as u16,
            payload,
        }
    }
}
