//! The TS004 v2.0.0 data-block MIC (feature `crypto`).

use core::fmt;

use aes::Aes128;
use aes::cipher::{BlockEncrypt, KeyInit, generic_array::GenericArray};
use cmac::{Cmac, Mac};

use super::{Descriptor, FragIndex};

/// The root key the application-layer packages derive from: GenAppKey on LoRaWAN 1.0.x devices,
/// AppKey on LoRaWAN 1.1 devices. `Debug` never shows it.
#[derive(Clone)]
pub struct AppRootKey([u8; 16]);

/// DataBlockIntKey, the key of the data-block MIC, derived by [`data_block_int_key`].
/// `Debug` never shows it.
#[derive(Clone)]
pub struct DataBlockIntKey([u8; 16]);

impl AppRootKey {
    /// From the key bytes as provisioned (the order AES uses).
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
    /// The key bytes, for storage or another derivation.
    pub const fn expose_secret(&self) -> &[u8; 16] {
        &self.0
    }
}

impl DataBlockIntKey {
    /// From stored key bytes.
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }
    /// The key bytes, for storage.
    pub const fn expose_secret(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Debug for AppRootKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Debug for DataBlockIntKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// DataBlockIntKey = AES128-encrypt(root key, `0x30 | 0^15`).
pub fn data_block_int_key(root_key: &AppRootKey) -> DataBlockIntKey {
    let mut block = GenericArray::from([0u8; 16]);
    block[0] = 0x30;
    Aes128::new(&GenericArray::from(root_key.0)).encrypt_block(&mut block);
    DataBlockIntKey(block.into())
}

/// The MIC of FragSessionSetupReq v2: the first 4 bytes of AES-CMAC(key, B0 | block), in the
/// order they go on the wire, with
/// B0 = `0x49 | SessionCnt (2, LE) | FragIndex | Descriptor (4) | 0x00000000 | len(block) (4, LE)`.
///
/// `block` is the data block *without* padding. TS004 cannot carry a block longer than
/// 16383 x 255 bytes, so the 32-bit length never overflows in practice; it saturates if it would.
pub fn data_block_mic(
    key: &DataBlockIntKey,
    session_cnt: u16,
    frag_index: FragIndex,
    descriptor: Descriptor,
    block: &[u8],
) -> [u8; 4] {
    let mut b0 = [0u8; 16];
    b0[0] = 0x49;
    b0[1..3].copy_from_slice(&session_cnt.to_le_bytes());
    b0[3] = frag_index.get();
    b0[4..8].copy_from_slice(descriptor.as_wire_bytes());
    b0[12..16].copy_from_slice(&u32::try_from(block.len()).unwrap_or(u32::MAX).to_le_bytes());

    let mut mac = <Cmac<Aes128> as KeyInit>::new(&GenericArray::from(key.0));
    mac.update(&b0);
    mac.update(block);
    let tag = mac.finalize().into_bytes();
    [tag[0], tag[1], tag[2], tag[3]]
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn keys_never_print() {
        let root = AppRootKey::from_bytes([0x2b; 16]);
        assert_eq!(format!("{root:?}"), "[redacted]");
        assert_eq!(format!("{:?}", data_block_int_key(&root)), "[redacted]");
    }

    // Known answers computed independently with OpenSSL 3.0 (`openssl enc -aes-128-ecb` for the
    // key, `openssl mac ... CMAC` over B0 | block for the MIC).
    #[test]
    fn known_answers_from_openssl() {
        let root = AppRootKey::from_bytes(core::array::from_fn(|i| i as u8));
        let key = data_block_int_key(&root);
        let want_key = [
            0x01, 0x7a, 0x8b, 0xd9, 0xec, 0xd1, 0x02, 0xba, 0x4b, 0xb7, 0x94, 0x6d, 0x3d, 0x87,
            0x07, 0xe0,
        ];
        assert_eq!(key.expose_secret(), &want_key);
        let block: [u8; 10] = core::array::from_fn(|i| i as u8);
        let mic = data_block_mic(
            &key,
            128,
            FragIndex::new(3).unwrap(),
            Descriptor::from_wire_bytes([1, 2, 3, 4]),
            &block,
        );
        assert_eq!(mic, [0x11, 0x22, 0xad, 0x8b]);
    }
}
