//! Word-wide XOR of fragment payloads.

/// `dst ^= src` over the common length, eight bytes at a time (the compiler turns the chunk
/// loop into vector instructions).
#[inline]
pub fn xor_bytes(dst: &mut [u8], src: &[u8]) {
    let n = dst.len().min(src.len());
    let (dst, src) = (&mut dst[..n], &src[..n]);
    let mut d_chunks = dst.chunks_exact_mut(8);
    let mut s_chunks = src.chunks_exact(8);
    for (d, s) in (&mut d_chunks).zip(&mut s_chunks) {
        let mut a = [0u8; 8];
        a.copy_from_slice(d);
        let mut b = [0u8; 8];
        b.copy_from_slice(s);
        d.copy_from_slice(&(u64::from_ne_bytes(a) ^ u64::from_ne_bytes(b)).to_ne_bytes());
    }
    for (d, s) in d_chunks
        .into_remainder()
        .iter_mut()
        .zip(s_chunks.remainder())
    {
        *d ^= *s;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xor_matches_bytewise_for_every_length() {
        for n in 0..40 {
            let a: alloc::vec::Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(37)).collect();
            let b: alloc::vec::Vec<u8> = (0..n as u8).map(|i| i.wrapping_mul(11) ^ 0x5a).collect();
            let mut d = a.clone();
            xor_bytes(&mut d, &b);
            let want: alloc::vec::Vec<u8> = a.iter().zip(&b).map(|(x, y)| x ^ y).collect();
            assert_eq!(d, want);
        }
    }
}
