//! The TS004 encoder (network side).

use bytes::{Bytes, BytesMut};

use super::batch::encode_coded;
use super::rows::fill_row;
use super::xor::xor_bytes;
use super::{FragError, FragParams, Ts004Version};
use alloc::vec;

/// `data` zero-padded to `M * S` bytes, in one allocation (both codecs' encoders use it).
pub(crate) fn pad(data: &[u8], params: FragParams) -> Bytes {
    let mut b = BytesMut::with_capacity(params.padded_len());
    b.extend_from_slice(data);
    b.resize(params.padded_len(), 0);
    b.freeze()
}

/// One fragment ready to send: its 1-based spec counter and its payload (without the Index&N
/// header). Payloads share the encoder's buffers: cloning one is a reference-count bump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    /// 1-based counter N (1..=M uncoded, M+k coded fragment k).
    pub counter: u16,
    /// `fragment_size` bytes.
    pub payload: Bytes,
}

/// Splits a data block into TS004 fragments and codes parity fragments from it.
///
/// Build it once from the data and the fragment size; then take fragments lazily
/// ([`fragments`](Self::fragments), [`coded_into`](Self::coded_into)) or all at once with the
/// fast batch path [`encode`](Self::encode).
///
/// ```
/// use lorafota_core::frag::{Encoder, Ts004Version};
/// let enc = Encoder::new(&b"firmware image bytes"[..], 8, Ts004Version::V1)?;
/// assert_eq!((enc.params().nb_frag(), enc.params().padding()), (3, 4));
/// let block = enc.encode(2)?;
/// assert_eq!(block.fragments().count(), 5);
/// # Ok::<(), lorafota_core::frag::FragError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Encoder {
    params: FragParams,
    version: Ts004Version,
    /// The data zero-padded to `M * S` bytes.
    block: Bytes,
}

impl Encoder {
    /// Takes the data (not copied when its length is a multiple of `fragment_size`) and checks
    /// the parameters.
    pub fn new(
        data: impl Into<Bytes>,
        fragment_size: usize,
        version: Ts004Version,
    ) -> Result<Self, FragError> {
        let data = data.into();
        let params = FragParams::for_data(data.len(), fragment_size)?;
        let block = if params.padding() == 0 {
            data
        } else {
            pad(&data, params)
        };
        Ok(Self {
            params,
            version,
            block,
        })
    }

    /// Copies `data` once, padded, into a block of its own: for callers that hold a borrowed
    /// slice (a Python `bytes`, a memory-mapped file), where [`new`](Self::new) would copy it
    /// and then copy it again to pad it.
    pub fn from_slice(
        data: &[u8],
        fragment_size: usize,
        version: Ts004Version,
    ) -> Result<Self, FragError> {
        let params = FragParams::for_data(data.len(), fragment_size)?;
        Ok(Self {
            params,
            version,
            block: pad(data, params),
        })
    }

    /// The session parameters (M, S, padding) for the FragSessionSetupReq.
    pub fn params(&self) -> FragParams {
        self.params
    }
    /// The parity-row rule in use.
    pub fn version(&self) -> Ts004Version {
        self.version
    }
    /// The zero-padded block, `M * S` bytes.
    pub fn padded_block(&self) -> &Bytes {
        &self.block
    }

    /// Uncoded fragment `counter` (1..=M), without copying.
    pub fn uncoded(&self, counter: u16) -> Option<Bytes> {
        let s = usize::from(self.params.fragment_size());
        let i = usize::from(counter.checked_sub(1)?);
        (i < usize::from(self.params.nb_frag())).then(|| self.block.slice(i * s..(i + 1) * s))
    }

    /// Computes coded fragment `coded_index` (1-based; counter `M + coded_index`) into `out`,
    /// one fragment at a time. For many fragments [`encode`](Self::encode) is much faster.
    pub fn coded_into(&self, coded_index: u16, out: &mut [u8]) -> Result<(), FragError> {
        let s = usize::from(self.params.fragment_size());
        let m = self.params.nb_frag();
        if coded_index == 0 {
            return Err(FragError::CounterZero);
        }
        self.params.check_redundancy(usize::from(coded_index))?;
        let out = out.get_mut(..s).ok_or(FragError::BufferTooSmall)?;
        out.fill(0);
        let mut row = vec![0u64; usize::from(m).div_ceil(64)];
        fill_row(self.version, m, coded_index, &mut row);
        for_each_set_bit(&row, |col| {
            xor_bytes(out, &self.block[col * s..(col + 1) * s])
        });
        Ok(())
    }

    /// Coded fragment `coded_index` as a new buffer (see [`coded_into`](Self::coded_into)).
    pub fn coded(&self, coded_index: u16) -> Result<Bytes, FragError> {
        let mut out = BytesMut::zeroed(usize::from(self.params.fragment_size()));
        self.coded_into(coded_index, &mut out)?;
        Ok(out.freeze())
    }

    /// All `M + redundancy` fragments in counter order, computed lazily one at a time.
    pub fn fragments(&self, redundancy: usize) -> Result<Fragments<'_>, FragError> {
        let r = self.params.check_redundancy(redundancy)?;
        Ok(Fragments {
            encoder: self,
            next: 1,
            end: self.params.nb_frag() + r,
        })
    }

    /// Encodes all `redundancy` coded fragments at once with the batch kernel (and, with the
    /// `std` feature, on every core for large blocks).
    pub fn encode(&self, redundancy: usize) -> Result<EncodedBlock, FragError> {
        let r = self.params.check_redundancy(redundancy)?;
        let s = usize::from(self.params.fragment_size());
        let mut coded = BytesMut::zeroed(usize::from(r) * s);
        if r > 0 {
            encode_coded(self.version, self.params, &self.block, 1, r, &mut coded);
        }
        Ok(EncodedBlock {
            params: self.params,
            version: self.version,
            redundancy: r,
            block: self.block.clone(),
            coded: coded.freeze(),
        })
    }
}

/// Calls `f` with the index of every set bit of a bitset, in increasing order.
pub(crate) fn for_each_set_bit(words: &[u64], mut f: impl FnMut(usize)) {
    for (i, &w) in words.iter().enumerate() {
        let mut w = w;
        while w != 0 {
            f(i * 64 + w.trailing_zeros() as usize);
            w &= w - 1;
        }
    }
}

/// Lazy iterator over an encoder's fragments (see [`Encoder::fragments`]).
#[derive(Debug, Clone)]
pub struct Fragments<'a> {
    encoder: &'a Encoder,
    next: u16,
    end: u16,
}

impl Iterator for Fragments<'_> {
    type Item = Fragment;
    fn next(&mut self) -> Option<Fragment> {
        if self.next > self.end {
            return None;
        }
        let counter = self.next;
        self.next += 1;
        let m = self.encoder.params.nb_frag();
        let payload = if counter <= m {
            self.encoder.uncoded(counter)?
        } else {
            self.encoder.coded(counter - m).ok()?
        };
        Some(Fragment { counter, payload })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = usize::from((self.end + 1).saturating_sub(self.next));
        (n, Some(n))
    }
}

impl ExactSizeIterator for Fragments<'_> {}

/// Every fragment of a block, computed at once by [`Encoder::encode`].
///
/// Holds two shared buffers, the padded block and the coded payloads back to back; each
/// [`Fragment`] is a zero-copy slice of one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedBlock {
    params: FragParams,
    version: Ts004Version,
    redundancy: u16,
    block: Bytes,
    coded: Bytes,
}

impl EncodedBlock {
    /// The session parameters.
    pub fn params(&self) -> FragParams {
        self.params
    }
    /// The parity-row rule used.
    pub fn version(&self) -> Ts004Version {
        self.version
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
        let s = usize::from(self.params.fragment_size());
        let m = self.params.nb_frag();
        let i = usize::from(counter.checked_sub(1)?);
        let payload = if counter <= m {
            self.block.slice(i * s..(i + 1) * s)
        } else if counter - m <= self.redundancy {
            let k = usize::from(counter - m - 1);
            self.coded.slice(k * s..(k + 1) * s)
        } else {
            return None;
        };
        Some(Fragment { counter, payload })
    }
    /// All fragments in counter order.
    pub fn fragments(&self) -> impl ExactSizeIterator<Item = Fragment> + '_ {
        let s = usize::from(self.params.fragment_size());
        let m = usize::from(self.params.nb_frag());
        (0..self.len()).map(move |i| {
            let payload = if i < m {
                self.block.slice(i * s..(i + 1) * s)
            } else {
                self.coded.slice((i - m) * s..(i - m + 1) * s)
            };
            Fragment {
                counter: i as u16 + 1,
                payload,
            }
        })
    }
}
