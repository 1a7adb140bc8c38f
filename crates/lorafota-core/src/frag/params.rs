//! Checked session parameters and the errors of the fragmentation codec.

use core::fmt;

/// The largest fragment counter: Index&N carries it in 14 bits.
pub const MAX_COUNTER: u16 = (1 << 14) - 1;

/// Errors of the fragmentation encoder and decoder. Every variant says which limit was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FragError {
    /// The fragment size is 0 (TS004 FragSize is 1..=255 bytes).
    FragmentSizeZero,
    /// The fragment size is above 255 bytes (FragSize is one byte).
    FragmentSizeTooLarge(usize),
    /// There is nothing to send.
    EmptyData,
    /// `nb_frag + redundancy` exceeds the 14-bit counter (16383).
    TooManyFragments {
        /// Uncoded fragments (M).
        nb_frag: usize,
        /// Coded fragments asked for (R).
        redundancy: usize,
    },
    /// The padding is not smaller than the fragment size.
    PaddingTooLarge {
        /// Padding bytes declared.
        padding: u8,
        /// Fragment size.
        fragment_size: u8,
    },
    /// A fragment counter of 0 (counters start at 1).
    CounterZero,
    /// A counter above 16383, i.e. with the FragIndex bits set.
    CounterOutOfRange(u16),
    /// A payload whose length is not the session's fragment size.
    WrongPayloadSize {
        /// The session's fragment size.
        expected: u8,
        /// The payload length received.
        got: usize,
    },
    /// A caller's buffer is shorter than the fragment size.
    BufferTooSmall,
}

impl fmt::Display for FragError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::FragmentSizeZero => f.write_str("fragment size must be 1..=255 bytes, got 0"),
            Self::FragmentSizeTooLarge(s) => {
                write!(f, "fragment size must be 1..=255 bytes, got {s}")
            }
            Self::EmptyData => f.write_str("the data block is empty"),
            Self::TooManyFragments {
                nb_frag,
                redundancy,
            } => write!(
                f,
                "{nb_frag} uncoded + {redundancy} coded fragments exceed the 14-bit fragment counter (at most {MAX_COUNTER} in all)"
            ),
            Self::PaddingTooLarge {
                padding,
                fragment_size,
            } => {
                write!(
                    f,
                    "padding {padding} must be smaller than the fragment size {fragment_size}"
                )
            }
            Self::CounterZero => f.write_str("fragment counter 0 is invalid (counters start at 1)"),
            Self::CounterOutOfRange(c) => write!(f, "fragment counter {c} is above {MAX_COUNTER}"),
            Self::WrongPayloadSize { expected, got } => {
                write!(
                    f,
                    "fragment payload is {got} bytes, the session's fragment size is {expected}"
                )
            }
            Self::BufferTooSmall => f.write_str("output buffer is shorter than one fragment"),
        }
    }
}

impl core::error::Error for FragError {}

/// The shape of a fragmentation session: what a FragSessionSetupReq announces.
///
/// Built only through [`FragParams::new`] or [`FragParams::for_data`], so every value is within
/// TS004's limits: `1 <= nb_frag <= 16383`, `1 <= fragment_size <= 255`,
/// `padding < fragment_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FragParams {
    nb_frag: u16,
    fragment_size: u8,
    padding: u8,
}

impl FragParams {
    /// Checks explicit parameters (as read from a FragSessionSetupReq).
    pub fn new(nb_frag: u16, fragment_size: u8, padding: u8) -> Result<Self, FragError> {
        if fragment_size == 0 {
            return Err(FragError::FragmentSizeZero);
        }
        if nb_frag == 0 {
            return Err(FragError::EmptyData);
        }
        if nb_frag > MAX_COUNTER {
            return Err(FragError::TooManyFragments {
                nb_frag: nb_frag.into(),
                redundancy: 0,
            });
        }
        if padding >= fragment_size {
            return Err(FragError::PaddingTooLarge {
                padding,
                fragment_size,
            });
        }
        Ok(Self {
            nb_frag,
            fragment_size,
            padding,
        })
    }

    /// The parameters for sending `data_len` bytes in fragments of `fragment_size` bytes:
    /// `nb_frag = ceil(len / S)`, the last fragment zero-padded.
    pub fn for_data(data_len: usize, fragment_size: usize) -> Result<Self, FragError> {
        let s = u8::try_from(fragment_size)
            .map_err(|_| FragError::FragmentSizeTooLarge(fragment_size))?;
        if s == 0 {
            return Err(FragError::FragmentSizeZero);
        }
        if data_len == 0 {
            return Err(FragError::EmptyData);
        }
        let nb_frag = data_len.div_ceil(fragment_size);
        let m = u16::try_from(nb_frag)
            .ok()
            .filter(|m| *m <= MAX_COUNTER)
            .ok_or(FragError::TooManyFragments {
                nb_frag,
                redundancy: 0,
            })?;
        // Lossless: the padding is below the fragment size, itself a u8.
        let padding = (nb_frag * fragment_size - data_len) as u8;
        Self::new(m, s, padding)
    }

    /// Checks that `redundancy` coded fragments fit the 14-bit counter after the uncoded ones.
    pub fn check_redundancy(&self, redundancy: usize) -> Result<u16, FragError> {
        let total = usize::from(self.nb_frag) + redundancy;
        if total > usize::from(MAX_COUNTER) {
            return Err(FragError::TooManyFragments {
                nb_frag: self.nb_frag.into(),
                redundancy,
            });
        }
        Ok(redundancy as u16)
    }

    /// Uncoded fragments (M, the setup's NbFrag).
    pub const fn nb_frag(&self) -> u16 {
        self.nb_frag
    }
    /// Bytes per fragment (S, the setup's FragSize).
    pub const fn fragment_size(&self) -> u8 {
        self.fragment_size
    }
    /// Zero bytes appended to the data to fill the last fragment.
    pub const fn padding(&self) -> u8 {
        self.padding
    }
    /// Bytes of the padded block, `M * S`.
    pub const fn padded_len(&self) -> usize {
        self.nb_frag as usize * self.fragment_size as usize
    }
    /// Bytes of the data block itself, `M * S - padding`.
    pub const fn data_len(&self) -> usize {
        self.padded_len() - self.padding as usize
    }
}

/// How a fragment counter is numbered on the wire.
///
/// TS004 numbers fragments from 1. MultiTech Conduit gateways number them from 0 (see
/// `gateway-api.md` §4); use [`CounterBase::Zero`] only to talk to such a gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CounterBase {
    /// 1-based, as the specification says.
    #[default]
    One,
    /// 0-based, as MultiTech gateways do.
    Zero,
}

impl CounterBase {
    /// The number shown or sent for the 1-based spec counter `counter`; `None` for the invalid
    /// counter 0.
    pub const fn to_wire(self, counter: u16) -> Option<u16> {
        match self {
            _ if counter == 0 => None,
            Self::One => Some(counter),
            Self::Zero => Some(counter - 1),
        }
    }
    /// The 1-based spec counter for a number shown or sent in this base.
    pub const fn from_wire(self, wire: u16) -> Option<u16> {
        match self {
            Self::One => Some(wire),
            Self::Zero => wire.checked_add(1),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn padding_and_counts() {
        let p = FragParams::for_data(777, 50).unwrap();
        assert_eq!((p.nb_frag(), p.padding(), p.data_len()), (16, 23, 777));
        assert_eq!(FragParams::for_data(0, 50), Err(FragError::EmptyData));
        assert_eq!(
            FragParams::for_data(10, 0),
            Err(FragError::FragmentSizeZero)
        );
        assert_eq!(
            FragParams::for_data(10, 256),
            Err(FragError::FragmentSizeTooLarge(256))
        );
        assert!(FragParams::for_data(16383, 1).is_ok());
        assert!(matches!(
            FragParams::for_data(16384, 1),
            Err(FragError::TooManyFragments { .. })
        ));
        assert!(p.check_redundancy(16383 - 16).is_ok());
        assert!(p.check_redundancy(16383 - 15).is_err());
        assert_eq!(
            FragParams::new(3, 5, 5),
            Err(FragError::PaddingTooLarge {
                padding: 5,
                fragment_size: 5
            })
        );
    }
}
