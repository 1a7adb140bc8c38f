//! The two Galois fields of `reed-solomon-erasure`, seen the way the codec uses them.
//!
//! The codec only needs scalar arithmetic (for its coefficients) and one hot kernel,
//! `dst ^= c * src` over a shard. Shards are plain bytes: one byte per element in GF(2^8), a
//! `[hi, lo]` byte pair per element in GF(2^16), exactly as `reed-solomon-erasure` lays out its
//! `[u8; 2]` shards, so the two codecs agree byte for byte.

use reed_solomon_erasure::{Field, galois_8, galois_16};

use super::RsField;

/// A field the codec can run over.
pub(crate) trait Gf: Field<Elem: Send + Sync> + Send + Sync {
    /// The public name of the field.
    const FIELD: RsField;
    /// Bits of an element, which also bound the node indices (`0..2^BITS`).
    const BITS: usize;
    /// Bytes of an element in a shard.
    const BYTES: usize;
    /// A multiplier prepared for [`Gf::mul_add`] and [`Gf::scale`].
    type Mul: Copy + Default + Send + Sync;

    /// Node `n` of the code: `reed-solomon-erasure`'s `nth(n)`, without its panic (only the low
    /// `BITS` bits of `n` are used). Nodes add like their indices XOR.
    fn node(n: usize) -> Self::Elem;

    /// `1 / a`, with `1 / 0 = 0` so that no input can reach the library's division panic.
    fn inv(a: Self::Elem) -> Self::Elem {
        if a == Self::zero() {
            Self::zero()
        } else {
            Self::div(Self::one(), a)
        }
    }

    /// Prepares `c` for the slice kernels.
    fn prepare(c: Self::Elem) -> Self::Mul;

    /// `dst ^= c * src`, element by element, over the common whole-element length.
    fn mul_add(c: Self::Mul, src: &[u8], dst: &mut [u8]);

    /// `buf = c * buf`, element by element.
    fn scale(c: Self::Mul, buf: &mut [u8]);
}

impl Gf for galois_8::Field {
    const FIELD: RsField = RsField::Gf8;
    const BITS: usize = 8;
    const BYTES: usize = 1;
    type Mul = u8;

    fn node(n: usize) -> u8 {
        n as u8
    }

    fn prepare(c: u8) -> u8 {
        c
    }

    fn mul_add(c: u8, src: &[u8], dst: &mut [u8]) {
        // The library's table kernel asserts equal lengths: hand it equal lengths.
        let n = src.len().min(dst.len());
        galois_8::mul_slice_xor(c, &src[..n], &mut dst[..n]);
    }

    fn scale(c: u8, buf: &mut [u8]) {
        for b in buf {
            *b = galois_8::mul(c, *b);
        }
    }
}

/// In GF(2^16) = GF(2^8)[x] / (x^2 + ...), an element `[a0, a1]` is `a0 * x + a1` with `a0`, `a1`
/// in the subfield GF(2^8), so `c * a = a0 * (c * x) + a1 * c`, and multiplying an element by a
/// subfield scalar multiplies both of its bytes. With `c * x` computed once per multiplier, every
/// element then costs four GF(2^8) table look-ups instead of a full GF(2^16) product and
/// reduction.
/// `x * x` in `reed-solomon-erasure`'s GF(2^16): its extension polynomial is
/// `x^2 + 2x + 128` (checked against the library's product in the tests).
const X_SQUARED: [u8; 2] = [2, 128];

impl Gf for galois_16::Field {
    const FIELD: RsField = RsField::Gf16;
    const BITS: usize = 16;
    const BYTES: usize = 2;
    /// `[cx0, cx1, c0, c1]` for `c = [c0, c1]` and `c * x = [cx0, cx1]`.
    type Mul = [u8; 4];

    fn node(n: usize) -> [u8; 2] {
        [(n >> 8) as u8, n as u8]
    }

    fn prepare(c: [u8; 2]) -> [u8; 4] {
        // c * x = c0 * x^2 + c1 * x, with x^2 = X_SQUARED: two subfield look-ups, cheap enough
        // to prepare a multiplier for every shard it touches.
        let [c0, c1] = c;
        let [q0, q1] = X_SQUARED;
        [galois_8::mul(c0, q0) ^ c1, galois_8::mul(c0, q1), c0, c1]
    }

    fn mul_add(m: [u8; 4], src: &[u8], dst: &mut [u8]) {
        let [cx0, cx1, c0, c1] = m;
        for (d, s) in dst.chunks_exact_mut(2).zip(src.chunks_exact(2)) {
            d[0] ^= galois_8::mul(cx0, s[0]) ^ galois_8::mul(c0, s[1]);
            d[1] ^= galois_8::mul(cx1, s[0]) ^ galois_8::mul(c1, s[1]);
        }
    }

    fn scale(m: [u8; 4], buf: &mut [u8]) {
        let [cx0, cx1, c0, c1] = m;
        for d in buf.chunks_exact_mut(2) {
            let (a0, a1) = (d[0], d[1]);
            d[0] = galois_8::mul(cx0, a0) ^ galois_8::mul(c0, a1);
            d[1] = galois_8::mul(cx1, a0) ^ galois_8::mul(c1, a1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn nodes_are_the_library_nth_and_add_like_xor() {
        for n in [0usize, 1, 2, 77, 255] {
            assert_eq!(galois_8::Field::node(n), galois_8::Field::nth(n));
        }
        for n in [0usize, 1, 255, 256, 300, 16383, 65535] {
            assert_eq!(galois_16::Field::node(n), galois_16::Field::nth(n));
        }
        let (a, b) = (0x1234usize, 0x0f0f);
        assert_eq!(
            galois_16::Field::add(galois_16::Field::node(a), galois_16::Field::node(b)),
            galois_16::Field::node(a ^ b)
        );
    }

    #[test]
    fn x_squared_is_the_library_product() {
        assert_eq!(galois_16::Field::mul([1, 0], [1, 0]), X_SQUARED);
        for c in [[0u8, 0], [0, 1], [1, 0], [0x53, 0xa7], [0xff, 0xff]] {
            let m = galois_16::Field::prepare(c);
            assert_eq!([m[0], m[1]], galois_16::Field::mul(c, [1, 0]));
        }
    }

    #[test]
    fn gf16_kernels_match_the_library_product() {
        let src: Vec<u8> = (0..=255u8)
            .flat_map(|a| [a, a.wrapping_mul(29) ^ 0x5c])
            .collect();
        for c in [[0u8, 0], [0, 1], [1, 0], [0x53, 0xa7], [0xff, 0xff]] {
            let m = galois_16::Field::prepare(c);
            let mut dst: Vec<u8> = (0..src.len()).map(|i| i as u8).collect();
            let before = dst.clone();
            galois_16::Field::mul_add(m, &src, &mut dst);
            let mut scaled = src.clone();
            galois_16::Field::scale(m, &mut scaled);
            for i in (0..src.len()).step_by(2) {
                let p = galois_16::Field::mul(c, [src[i], src[i + 1]]);
                assert_eq!([scaled[i], scaled[i + 1]], p);
                assert_eq!([dst[i] ^ before[i], dst[i + 1] ^ before[i + 1]], p);
            }
        }
    }

    #[test]
    fn inverse_of_zero_is_zero_not_a_panic() {
        assert_eq!(galois_8::Field::inv(0), 0);
        assert_eq!(galois_16::Field::inv([0, 0]), [0, 0]);
        let a = [0x12, 0x34];
        assert_eq!(
            galois_16::Field::mul(a, galois_16::Field::inv(a)),
            galois_16::Field::one()
        );
    }
}
