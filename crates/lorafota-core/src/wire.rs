//! Byte-level helpers shared by the TS003, TS004 and TS005 command codecs.
//!
//! Each package keeps its own error enum (the variants name that package's limits); they all
//! have the three cases these helpers raise, which [`WireError`] names.

/// The error cases every command codec shares.
pub(crate) trait WireError {
    /// The caller's buffer cannot hold the message.
    fn buffer_too_small(need: usize, have: usize) -> Self;
    /// A command's fixed-length payload is cut short.
    fn truncated(cid: u8, need: u8, have: u8) -> Self;
    /// RFU bits are set where a device must refuse them.
    fn rfu_bits_set(cid: u8) -> Self;
}

/// Copies a finished message into the caller's buffer.
pub(crate) fn put<E: WireError>(buf: &mut [u8], msg: &[u8]) -> Result<usize, E> {
    let have = buf.len();
    let out = buf
        .get_mut(..msg.len())
        .ok_or_else(|| E::buffer_too_small(msg.len(), have))?;
    out.copy_from_slice(msg);
    Ok(msg.len())
}

/// Splits a fixed-length command payload off `body`.
pub(crate) fn take<const N: usize, E: WireError>(
    cid: u8,
    body: &[u8],
) -> Result<(&[u8; N], &[u8]), E> {
    body.split_first_chunk::<N>()
        .ok_or_else(|| truncated(cid, N, body))
}

/// The error for a command whose `need` payload bytes are not all in `body`.
pub(crate) fn truncated<E: WireError>(cid: u8, need: usize, body: &[u8]) -> E {
    let small = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
    E::truncated(cid, small(need), small(body.len()))
}

/// Moves a command iterator past one command, or to the end after an error so it stops there.
pub(crate) fn advance<'a, T, E>(
    rest: &mut &'a [u8],
    parsed: Result<(T, &'a [u8]), E>,
) -> Result<T, E> {
    let (result, next) = match parsed {
        Ok((cmd, next)) => (Ok(cmd), next),
        Err(e) => (Err(e), &[][..]),
    };
    *rest = next;
    result
}

/// Rejects a byte whose RFU bits (`rfu_mask`) are set.
pub(crate) fn no_rfu<E: WireError>(cid: u8, byte: u8, rfu_mask: u8) -> Result<u8, E> {
    if byte & rfu_mask == 0 {
        Ok(byte)
    } else {
        Err(E::rfu_bits_set(cid))
    }
}

/// Implements [`WireError`] for a package's error enum, whose variants have the shared names.
macro_rules! impl_wire_error {
    ($error:ty) => {
        impl $crate::wire::WireError for $error {
            fn buffer_too_small(need: usize, have: usize) -> Self {
                Self::BufferTooSmall { need, have }
            }
            fn truncated(cid: u8, need: u8, have: u8) -> Self {
                Self::Truncated { cid, need, have }
            }
            fn rfu_bits_set(cid: u8) -> Self {
                Self::RfuBitsSet { cid }
            }
        }
    };
}
pub(crate) use impl_wire_error;

/// A package's monomorphic front to these helpers: call sites that end in `?` cannot infer the
/// error type of a generic function, so each package names its own.
macro_rules! package_wire {
    ($error:ty) => {
        #[allow(unused_imports)]
        pub(crate) use $crate::wire::{advance, put};

        /// Splits a fixed-length command payload off `body`.
        pub(crate) fn take<const N: usize>(
            cid: u8,
            body: &[u8],
        ) -> Result<(&[u8; N], &[u8]), $error> {
            $crate::wire::take(cid, body)
        }
        /// The error for a command whose `need` payload bytes are not all in `body`.
        #[allow(dead_code)]
        pub(crate) fn truncated(cid: u8, need: usize, body: &[u8]) -> $error {
            $crate::wire::truncated(cid, need, body)
        }
        /// Rejects a byte whose RFU bits (`rfu_mask`) are set.
        #[allow(dead_code)]
        pub(crate) fn no_rfu(cid: u8, byte: u8, rfu_mask: u8) -> Result<u8, $error> {
            $crate::wire::no_rfu(cid, byte, rfu_mask)
        }
    };
}
pub(crate) use package_wire;
