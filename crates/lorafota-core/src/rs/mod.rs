//! A Reed-Solomon erasure codec with the shape of the TS004 one in [`frag`](crate::frag), to
//! compare the two or to serve devices that are not bound to TS004.
//!
//! * [`RsEncoder`] / [`RsEncodedBlock`]: like [`frag::Encoder`](crate::frag::Encoder) /
//!   [`frag::EncodedBlock`](crate::frag::EncodedBlock), same
//!   [`FragParams`](crate::frag::FragParams), same [`Fragment`](crate::frag::Fragment)s
//!   numbered `1..=M+R`, counters `1..=M` being the data itself (the code is systematic).
//! * [`RsDecoder`]: like [`frag::Decoder`](crate::frag::Decoder), fragments in any order,
//!   duplicates ignored, reporting [`Progress`](crate::frag::Progress) and
//!   [`DecoderStatus`](crate::frag::DecoderStatus). The code is MDS: the block is complete on the
//!   fragment that brings `M` distinct ones, whichever they are. TS004 usually needs a few more.
//!
//! # The code
//!
//! It is `reed-solomon-erasure`'s code, byte for byte (its `ReedSolomon::encode` and
//! `reconstruct` interoperate with this module; the tests check both): over GF(2^8)
//! ([`RsField::Gf8`]) when `M + R <= 256`, over GF(2^16) ([`RsField::Gf16`], the library's
//! `galois_16`, two bytes per element) above that, up to the 16383 fragments the TS004 counter
//! allows. Fragment with counter `c` is the value at node `c - 1` of the polynomial that takes the
//! data fragments' values at nodes `0..M`.
//!
//! Only the library's field arithmetic is used, not its `ReedSolomon` type: that builds an
//! `(M+R) x M` Vandermonde matrix and inverts an `M x M` one, `O(M^3)` work (12 s for M = 800
//! over GF(2^16), hours for M = 10 000), and reconstructs by inverting another `M x M` matrix.
//! Here the same matrix entries come in closed form (see `code.rs`), the encoder costs
//! `R * M` shard multiply-adds and the decoder `O(L * M)` of them for `L` lost data fragments.
//!
//! # Odd fragment sizes over GF(2^16)
//!
//! A GF(2^16) element is two bytes, so an odd fragment size `S` gets one zero byte of internal
//! padding per shard. For the data fragments that byte is known and never sent. A coded
//! fragment's last element, though, mixes the data and the padding: its second byte carries
//! information, and an `S`-byte coded fragment cannot hold it. (Coding that last byte position
//! on its own instead would take an MDS code over bytes longer than 257 symbols, which does not
//! exist.) So over
//! GF(2^16) with an odd `S`, coded fragments are `S + 1` bytes:
//! [`RsEncodedBlock::coded_fragment_size`], [`RsField::shard_len`]. Where every fragment must
//! have the same size (a TS004 FragSize), use an even `S` when `M + R > 256`.
//!
//! # Memory, against TS004
//!
//! Like the in-memory TS004 decoder, [`RsDecoder`] keeps the block in RAM: `M` slots of
//! [`RsField::shard_len`] bytes while decoding (one byte more per slot over GF(2^16) with an odd
//! `S`). Unlike it, it must also keep every coded fragment that arrives while data fragments are
//! missing, as any of them may be among the `M` it ends up solving with: up to `L` of them, `L`
//! being the data fragments lost (at most R), `L * shard_len` bytes. Add `M` field elements of
//! weights, one field element per node index up to the next power of two above the largest
//! counter seen (at most 256 bytes over GF(2^8), 32 KiB over GF(2^16)) and a bit per possible
//! counter; [`RsDecoder::state_bytes`] reports the total. The TS004 decoder needs `L(L+1)/2`
//! bits for its pivot triangle, `2M` bits and one fragment
//! ([`frag::Decoder::state_bytes`](crate::frag::Decoder::state_bytes)), and can keep the block in
//! flash through a [`FragmentStore`](crate::frag::FragmentStore); this decoder has no store
//! abstraction. So the RS overhead grows as `L * S` bytes and the TS004 one as `L^2 / 16`: with
//! 10 % of the fragments lost, a 512 KiB block in 50-byte fragments (L = 1043) peaks at 110 KB
//! here against 69 KB for TS004, a 256 KiB block in 200-byte fragments (L = 129) at 34 KB
//! against 1.6 KB.

mod code;
mod decoder;
mod encoder;
mod gf;

use core::fmt;

use crate::frag::{FragError, MAX_COUNTER};

pub use decoder::RsDecoder;
pub use encoder::{RsEncodedBlock, RsEncoder};

/// The Galois field a block is coded over. Both ends must use the same one:
/// [`RsEncodedBlock::field`] on the encoding side, [`RsField::for_total`] for `M + R` on a
/// receiver that knows R.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RsField {
    /// GF(2^8): at most 256 fragments in all, coded fragments of `S` bytes.
    Gf8,
    /// GF(2^16): at most 16383 fragments (the 14-bit counter), coded fragments of `S` bytes
    /// rounded up to even.
    Gf16,
}

impl RsField {
    /// The field [`RsEncoder::encode`] uses for `total = M + R` fragments: GF(2^8) up to 256,
    /// GF(2^16) up to 16383, `None` above.
    pub const fn for_total(total: usize) -> Option<Self> {
        if total <= 256 {
            Some(Self::Gf8)
        } else if total <= MAX_COUNTER as usize {
            Some(Self::Gf16)
        } else {
            None
        }
    }

    /// The most fragments a block can have over this field, i.e. the largest counter.
    pub const fn max_fragments(self) -> u16 {
        match self {
            Self::Gf8 => 256,
            Self::Gf16 => MAX_COUNTER,
        }
    }

    /// Bytes of a shard, and so of a coded fragment, for fragments of `fragment_size` bytes:
    /// `S`, or `S + 1` over GF(2^16) when `S` is odd.
    pub const fn shard_len(self, fragment_size: u8) -> usize {
        let s = fragment_size as usize;
        match self {
            Self::Gf8 => s,
            Self::Gf16 => s + s % 2,
        }
    }
}

impl fmt::Display for RsField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Gf8 => "GF(2^8)",
            Self::Gf16 => "GF(2^16)",
        })
    }
}

/// Errors of [`RsDecoder::push`]. A rejected fragment leaves the decoder unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RsDecodeError {
    /// Counter 0 or above 16383, or an uncoded fragment whose payload is not `S` bytes.
    Fragment(FragError),
    /// A counter beyond the field's last node (256 for GF(2^8)).
    CounterBeyondField {
        /// The counter received.
        counter: u16,
        /// The field's largest counter.
        max: u16,
    },
    /// A coded fragment whose payload is not [`RsField::shard_len`] bytes.
    CodedPayloadSize {
        /// The session's coded fragment size.
        expected: usize,
        /// The payload length received.
        got: usize,
    },
}

impl fmt::Display for RsDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Fragment(e) => e.fmt(f),
            Self::CounterBeyondField { counter, max } => write!(
                f,
                "fragment counter {counter} is beyond the field's last fragment {max}"
            ),
            Self::CodedPayloadSize { expected, got } => write!(
                f,
                "coded fragment payload is {got} bytes, the session's coded fragments have {expected}"
            ),
        }
    }
}

impl core::error::Error for RsDecodeError {}

impl From<FragError> for RsDecodeError {
    fn from(e: FragError) -> Self {
        Self::Fragment(e)
    }
}
