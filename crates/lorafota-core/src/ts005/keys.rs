//! The TS005 multicast key chain (feature `crypto`).
//!
//! ```text
//! McRootKey = aes128_encrypt(GenAppKey, 0x00 | 0^15)          LoRaWAN 1.0.x
//! McRootKey = aes128_encrypt(AppKey,    0x20 | 0^15)          LoRaWAN 1.1
//! McKEKey   = aes128_encrypt(McRootKey, 0x00 | 0^15)
//! McKey_encrypted = aes128_decrypt(McKEKey, McKey)            server: the DECRYPT primitive
//! McKey           = aes128_encrypt(McKEKey, McKey_encrypted)  device: the ENCRYPT primitive
//! McAppSKey = aes128_encrypt(McKey, 0x01 | McAddr (4, LE) | 0^11)
//! McNwkSKey = aes128_encrypt(McKey, 0x02 | McAddr (4, LE) | 0^11)
//! ```
//!
//! The direction of the McKey step is the trap: TS005 has the server *decrypt* so that a device
//! needs only the AES encrypt block its radio stack already has. Using encrypt on the server
//! produces a key that looks fine and that no device can use (see `SPEC_NOTES.md`).

use core::fmt;

use aes::Aes128;
use aes::cipher::{BlockDecrypt, BlockEncrypt, KeyInit, generic_array::GenericArray};

use super::{McAddr, McKeyEncrypted};
use crate::ts004::AppRootKey;

macro_rules! secret_key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` never shows it.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name([u8; 16]);

        impl $name {
            /// From the key bytes (the order AES uses).
            pub const fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(bytes)
            }
            /// The key bytes, for storage or handing to a radio stack.
            pub const fn expose_secret(&self) -> &[u8; 16] {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }
    };
}

secret_key!(
    /// McRootKey, from the device's root key by [`mc_root_key`].
    McRootKey
);
secret_key!(
    /// McKEKey, the key-encryption key that protects McKey in McGroupSetupReq ([`mc_ke_key`]).
    McKEKey
);
secret_key!(
    /// McKey, the group key the server picks (at random) for a multicast group.
    McKey
);
secret_key!(
    /// McAppSKey, the group's application session key ([`mc_app_s_key`]).
    McAppSKey
);
secret_key!(
    /// McNwkSKey, the group's network session key ([`mc_nwk_s_key`]).
    McNwkSKey
);

/// Which root key a device holds, which picks the McRootKey derivation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RootKeyKind {
    /// GenAppKey of a LoRaWAN 1.0.x device: block prefix 0x00. MultiTech Conduits default it to
    /// all zeroes.
    GenAppKey,
    /// AppKey of a LoRaWAN 1.1 device: block prefix 0x20.
    AppKey,
}

impl RootKeyKind {
    const fn prefix(self) -> u8 {
        match self {
            Self::GenAppKey => 0x00,
            Self::AppKey => 0x20,
        }
    }
}

fn aes_encrypt(key: &[u8; 16], block: [u8; 16]) -> [u8; 16] {
    let mut block = GenericArray::from(block);
    Aes128::new(&GenericArray::from(*key)).encrypt_block(&mut block);
    block.into()
}

fn prefixed_block(prefix: u8, addr: Option<McAddr>) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0] = prefix;
    if let Some(addr) = addr {
        b[1..5].copy_from_slice(&addr.to_le_bytes());
    }
    b
}

/// McRootKey = AES-encrypt(root, prefix | 0^15), the prefix by `kind` (0x00 GenAppKey, 0x20 AppKey).
pub fn mc_root_key(root: &AppRootKey, kind: RootKeyKind) -> McRootKey {
    McRootKey(aes_encrypt(
        root.expose_secret(),
        prefixed_block(kind.prefix(), None),
    ))
}

/// McKEKey = AES-encrypt(McRootKey, 0^16).
pub fn mc_ke_key(root: &McRootKey) -> McKEKey {
    McKEKey(aes_encrypt(&root.0, [0u8; 16]))
}

/// Server side: McKey_encrypted = AES-**decrypt**(McKEKey, McKey), for McGroupSetupReq.
pub fn encrypt_mc_key(ke_key: &McKEKey, mc_key: &McKey) -> McKeyEncrypted {
    let mut block = GenericArray::from(mc_key.0);
    Aes128::new(&GenericArray::from(ke_key.0)).decrypt_block(&mut block);
    McKeyEncrypted::from_wire_bytes(block.into())
}

/// Device side: McKey = AES-**encrypt**(McKEKey, McKey_encrypted), the inverse of
/// [`encrypt_mc_key`].
pub fn decrypt_mc_key(ke_key: &McKEKey, encrypted: &McKeyEncrypted) -> McKey {
    McKey(aes_encrypt(&ke_key.0, *encrypted.as_wire_bytes()))
}

/// McAppSKey = AES-encrypt(McKey, 0x01 | McAddr (LE) | 0^11).
pub fn mc_app_s_key(mc_key: &McKey, mc_addr: McAddr) -> McAppSKey {
    McAppSKey(aes_encrypt(&mc_key.0, prefixed_block(0x01, Some(mc_addr))))
}

/// McNwkSKey = AES-encrypt(McKey, 0x02 | McAddr (LE) | 0^11).
pub fn mc_nwk_s_key(mc_key: &McKey, mc_addr: McAddr) -> McNwkSKey {
    McNwkSKey(aes_encrypt(&mc_key.0, prefixed_block(0x02, Some(mc_addr))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn keys_never_print() {
        let key = McKey::from_bytes([7; 16]);
        let ke = mc_ke_key(&mc_root_key(
            &AppRootKey::from_bytes([1; 16]),
            RootKeyKind::AppKey,
        ));
        let addr = McAddr::from_value(1);
        assert_eq!(
            format!(
                "{key:?} {ke:?} {:?} {:?}",
                mc_app_s_key(&key, addr),
                mc_nwk_s_key(&key, addr)
            ),
            "[redacted] [redacted] [redacted] [redacted]"
        );
    }

    #[test]
    fn device_recovers_what_the_server_sends() {
        let ke = McKEKey::from_bytes([0x5a; 16]);
        let key = McKey::from_bytes(core::array::from_fn(|i| i as u8));
        let sent = encrypt_mc_key(&ke, &key);
        assert_ne!(sent.as_wire_bytes(), key.expose_secret());
        assert_eq!(decrypt_mc_key(&ke, &sent), key);
    }
}
