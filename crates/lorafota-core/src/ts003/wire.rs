//! Byte-level helpers shared by the TS003 commands.

use super::Error;

/// Copies a finished message into the caller's buffer.
pub(crate) fn put(buf: &mut [u8], msg: &[u8]) -> Result<usize, Error> {
    let have = buf.len();
    let out = buf.get_mut(..msg.len()).ok_or(Error::BufferTooSmall {
        need: msg.len(),
        have,
    })?;
    out.copy_from_slice(msg);
    Ok(msg.len())
}

/// Splits a fixed-length command payload off `body`.
pub(crate) fn take<const N: usize>(cid: u8, body: &[u8]) -> Result<(&[u8; N], &[u8]), Error> {
    body.split_first_chunk::<N>()
        .ok_or_else(|| truncated(cid, N, body))
}

/// The error for a command whose `need` payload bytes are not all in `body`.
pub(crate) fn truncated(cid: u8, need: usize, body: &[u8]) -> Error {
    let small = |n: usize| u8::try_from(n).unwrap_or(u8::MAX);
    Error::Truncated {
        cid,
        need: small(need),
        have: small(body.len()),
    }
}

/// Moves a command iterator past one command, or to the end after an error so it stops there.
pub(crate) fn advance<'a, T>(
    rest: &mut &'a [u8],
    parsed: Result<(T, &'a [u8]), Error>,
) -> Result<T, Error> {
    let (result, next) = match parsed {
        Ok((cmd, next)) => (Ok(cmd), next),
        Err(e) => (Err(e), &[][..]),
    };
    *rest = next;
    result
}

/// Rejects a byte whose RFU bits (`rfu_mask`) are set.
pub(crate) const fn no_rfu(cid: u8, byte: u8, rfu_mask: u8) -> Result<u8, Error> {
    if byte & rfu_mask == 0 {
        Ok(byte)
    } else {
        Err(Error::RfuBitsSet { cid })
    }
}
