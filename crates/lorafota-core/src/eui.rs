//! 64-bit extended unique identifiers (DevEUI, JoinEUI, multicast group EUI).
//!
//! Operators write EUIs in many ways: `0080000000000001`, `00:80:00:00:00:00:00:01`,
//! `00-80-00-00-00-00-00-01`, in either case. [`Eui64::parse`] accepts all of them;
//! [`Eui64::dashed`] renders the lower-case dashed form that MultiTech gateways expect, and
//! [`core::fmt::Display`] the plain 16-digit lower-case form.
//!
//! The value is kept most-significant byte first, as displayed. On the LoRaWAN air interface
//! EUIs travel little-endian: use [`Eui64::to_le_bytes`] / [`Eui64::from_le_bytes`] there.

use core::fmt;
use core::str::FromStr;

/// A 64-bit EUI, stored most-significant byte first (display order).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Eui64([u8; 8]);

/// Why a string is not an EUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EuiParseError {
    /// Not 16 hexadecimal digits after removing separators.
    WrongLength,
    /// A character that is neither a hex digit nor a consistent separator.
    InvalidCharacter,
    /// Separators mixed, or not between every byte.
    BadSeparators,
}

impl fmt::Display for EuiParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WrongLength => "an EUI has 16 hex digits (8 bytes)",
            Self::InvalidCharacter => {
                "an EUI may contain only hex digits and ':' or '-' between bytes"
            }
            Self::BadSeparators => "EUI separators must be one kind, between every byte",
        })
    }
}

impl core::error::Error for EuiParseError {}

impl Eui64 {
    /// From bytes in display order (most significant first).
    pub const fn from_be_bytes(bytes: [u8; 8]) -> Self {
        Self(bytes)
    }
    /// Bytes in display order (most significant first).
    pub const fn to_be_bytes(self) -> [u8; 8] {
        self.0
    }
    /// From bytes in LoRaWAN wire order (least significant first).
    pub const fn from_le_bytes(mut bytes: [u8; 8]) -> Self {
        let mut i = 0;
        while i < 4 {
            let t = bytes[i];
            bytes[i] = bytes[7 - i];
            bytes[7 - i] = t;
            i += 1;
        }
        Self(bytes)
    }
    /// Bytes in LoRaWAN wire order (least significant first).
    pub const fn to_le_bytes(self) -> [u8; 8] {
        Self::from_le_bytes(self.0).0
    }
    /// The value as an integer.
    pub const fn to_u64(self) -> u64 {
        u64::from_be_bytes(self.0)
    }
    /// From an integer.
    pub const fn from_u64(v: u64) -> Self {
        Self(v.to_be_bytes())
    }

    /// Parses `0080000000000001`, `00:80:00:00:00:00:00:01` or `00-80-00-00-00-00-00-01`
    /// (any case). Surrounding whitespace is ignored.
    pub fn parse(s: &str) -> Result<Self, EuiParseError> {
        let s = s.trim().as_bytes();
        let mut out = [0u8; 8];
        match s.len() {
            16 => {
                for (i, pair) in s.chunks_exact(2).enumerate() {
                    out[i] = hex_byte(pair[0], pair[1])?;
                }
            }
            23 => {
                let sep = s[2];
                if sep != b':' && sep != b'-' {
                    return Err(if sep.is_ascii_hexdigit() {
                        EuiParseError::WrongLength
                    } else {
                        EuiParseError::InvalidCharacter
                    });
                }
                for (i, group) in s.chunks(3).enumerate() {
                    if group.len() == 3 && group[2] != sep {
                        return Err(EuiParseError::BadSeparators);
                    }
                    out[i] = hex_byte(group[0], group[1])?;
                }
            }
            _ => {
                return Err(
                    if s.iter()
                        .all(|c| c.is_ascii_hexdigit() || *c == b':' || *c == b'-')
                    {
                        EuiParseError::WrongLength
                    } else {
                        EuiParseError::InvalidCharacter
                    },
                );
            }
        }
        Ok(Self(out))
    }

    /// The lower-case dashed form (`00-80-00-00-00-00-00-01`) used by MultiTech gateways.
    pub fn dashed(self) -> DashedEui {
        DashedEui(self)
    }
}

fn hex_byte(hi: u8, lo: u8) -> Result<u8, EuiParseError> {
    fn nib(c: u8) -> Result<u8, EuiParseError> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(EuiParseError::InvalidCharacter),
        }
    }
    Ok(nib(hi)? << 4 | nib(lo)?)
}

/// Display adapter returned by [`Eui64::dashed`].
#[derive(Clone, Copy)]
pub struct DashedEui(Eui64);

impl fmt::Display for DashedEui {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.0.iter().enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Eui64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Eui64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Eui64({self})")
    }
}

impl FromStr for Eui64 {
    type Err = EuiParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn accepts_every_common_spelling() {
        let want = Eui64::from_u64(0x0080_00ff_0000_0002);
        for s in [
            "008000ff00000002",
            "00:80:00:FF:00:00:00:02",
            "00-80-00-ff-00-00-00-02",
            " 008000FF00000002\n",
        ] {
            assert_eq!(Eui64::parse(s), Ok(want), "{s}");
        }
        assert_eq!(want.dashed().to_string(), "00-80-00-ff-00-00-00-02");
        assert_eq!(want.to_string(), "008000ff00000002");
    }

    #[test]
    fn rejects_garbage() {
        assert_eq!(
            Eui64::parse("008000ff0000000"),
            Err(EuiParseError::WrongLength)
        );
        assert_eq!(
            Eui64::parse("008000ff0000000g"),
            Err(EuiParseError::InvalidCharacter)
        );
        assert_eq!(
            Eui64::parse("00:80-00:ff:00:00:00:02"),
            Err(EuiParseError::BadSeparators)
        );
        assert_eq!(Eui64::parse(""), Err(EuiParseError::WrongLength));
    }

    #[test]
    fn byte_order_is_explicit() {
        let e = Eui64::from_be_bytes([1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(e.to_le_bytes(), [8, 7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(Eui64::from_le_bytes(e.to_le_bytes()), e);
    }
}
