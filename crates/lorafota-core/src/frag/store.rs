//! Where a decoder keeps the block it rebuilds.
//!
//! The decoder writes each uncoded fragment into its slot (`counter - 1`) and, like the
//! LoRaMac-node reference, parks the reduced payload of each pivot row in the slot of the lost
//! fragment it solves, rewriting those slots during the final back-substitution. A store must
//! therefore allow rewriting the slots of lost fragments (a flash backend can keep those in a
//! small RAM cache, as Zephyr does). [`RamStore`] is the plain in-memory store.

use alloc::vec::Vec;
use core::convert::Infallible;

use super::xor::xor_bytes;
use super::{FragError, FragParams};

/// Storage for the `M` fragment slots of a block being decoded.
///
/// Slots are 0-based (`counter - 1`) and `fragment_size` bytes long. Implementations for flash
/// or external memory only need [`read`](Self::read) and [`write`](Self::write);
/// [`xor_into`](Self::xor_into) has a default built on `read` with a 32-byte stack buffer.
pub trait FragmentStore {
    /// The backend's error (for RAM, [`Infallible`]).
    type Error: core::fmt::Debug;

    /// Writes a whole slot.
    fn write(&mut self, slot: u16, data: &[u8]) -> Result<(), Self::Error>;

    /// Reads `out.len()` bytes of slot `slot` starting at byte `offset`.
    fn read(&mut self, slot: u16, offset: usize, out: &mut [u8]) -> Result<(), Self::Error>;

    /// `acc ^= slot` over `acc.len()` bytes.
    fn xor_into(&mut self, slot: u16, acc: &mut [u8]) -> Result<(), Self::Error> {
        let mut buf = [0u8; 32];
        for (i, chunk) in acc.chunks_mut(buf.len()).enumerate() {
            let part = &mut buf[..chunk.len()];
            self.read(slot, i * 32, part)?;
            xor_bytes(chunk, part);
        }
        Ok(())
    }
}

/// A block held in memory: any byte buffer of at least `M * S` bytes (a `Vec<u8>`, a
/// `&mut [u8]`, a static array).
#[derive(Debug, Clone)]
pub struct RamStore<B> {
    buf: B,
    fragment_size: usize,
}

impl RamStore<Vec<u8>> {
    /// A zeroed heap buffer of `M * S` bytes.
    pub fn for_params(params: FragParams) -> Self {
        Self {
            buf: alloc::vec![0; params.padded_len()],
            fragment_size: params.fragment_size().into(),
        }
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> RamStore<B> {
    /// Wraps a caller's buffer; it must hold at least `M * S` bytes.
    pub fn new(buf: B, params: FragParams) -> Result<Self, FragError> {
        if buf.as_ref().len() < params.padded_len() {
            return Err(FragError::BufferTooSmall);
        }
        Ok(Self {
            buf,
            fragment_size: params.fragment_size().into(),
        })
    }
    /// The whole buffer (the padded block once decoding completed).
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.as_ref()
    }
    /// Gives the buffer back.
    pub fn into_inner(self) -> B {
        self.buf
    }
    fn slot(&self, slot: u16) -> core::ops::Range<usize> {
        let start = usize::from(slot) * self.fragment_size;
        start..start + self.fragment_size
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> FragmentStore for RamStore<B> {
    type Error = Infallible;

    fn write(&mut self, slot: u16, data: &[u8]) -> Result<(), Infallible> {
        let range = self.slot(slot);
        if let Some(dst) = self.buf.as_mut().get_mut(range) {
            let n = dst.len().min(data.len());
            dst[..n].copy_from_slice(&data[..n]);
        }
        Ok(())
    }

    fn read(&mut self, slot: u16, offset: usize, out: &mut [u8]) -> Result<(), Infallible> {
        let range = self.slot(slot);
        if let Some(src) = self
            .buf
            .as_ref()
            .get(range)
            .and_then(|s| s.get(offset..offset + out.len()))
        {
            out.copy_from_slice(src);
        }
        Ok(())
    }

    fn xor_into(&mut self, slot: u16, acc: &mut [u8]) -> Result<(), Infallible> {
        let range = self.slot(slot);
        if let Some(src) = self.buf.as_ref().get(range) {
            xor_bytes(acc, src);
        }
        Ok(())
    }
}
