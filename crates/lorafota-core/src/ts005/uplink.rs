//! Device -> server answers.

use core::iter::FusedIterator;

use super::wire::{advance, put, take, truncated};
use super::{Error, McAddr, McGroupId, McGroupMask, PACKAGE_IDENTIFIER, TimeToStart, Ts005Version};
use crate::gps::GpsTime;

/// PackageVersionAns (CID 0x00, 2 bytes).
///
/// The identifier is not checked when parsing: a server reports what the device says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackageVersionAns {
    /// 2 for TS005.
    pub package_identifier: u8,
    /// 1 for TS005 v1.0.0, 2 for v2.0.0.
    pub package_version: u8,
}

impl PackageVersionAns {
    /// Command identifier.
    pub const CID: u8 = 0x00;

    /// The answer a device running `version` gives.
    pub const fn for_version(version: Ts005Version) -> Self {
        Self {
            package_identifier: PACKAGE_IDENTIFIER,
            package_version: version.package_version(),
        }
    }

    /// Writes the command; returns the bytes written (3).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(
            buf,
            &[Self::CID, self.package_identifier, self.package_version],
        )
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[package_identifier, package_version], rest) = take::<2>(Self::CID, body)?;
        Ok((
            Self {
                package_identifier,
                package_version,
            },
            rest,
        ))
    }
}

/// McGroupStatusAns (CID 0x01, 1 + 5 x groups bytes): the defined groups among those asked for.
///
/// On the air: Status (AnsGroupMask in bits 0-3, NbTotalGroups in bits 4-6), then McGroupID +
/// McAddr (4, LE) per group of the mask. Here the mask is not stored separately: it is the set
/// of `Some` entries of [`groups`](Self::groups), so the two cannot disagree. Entries are
/// written in group order; parsing accepts any order but refuses an entry whose group is not in
/// the mask or comes twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupStatusAns {
    /// NbTotalGroups, how many groups the device has defined (3 bits, 0..=7).
    pub nb_total_groups: u8,
    /// The address of each group answered for, indexed by McGroupID.
    pub groups: [Option<McAddr>; 4],
}

impl McGroupStatusAns {
    /// Command identifier.
    pub const CID: u8 = 0x01;
    /// The longest answer, CID included (all four groups).
    pub const MAX_LEN: usize = 2 + 4 * 5;

    /// AnsGroupMask: the groups with an address.
    pub fn ans_group_mask(&self) -> McGroupMask {
        self.entries()
            .fold(McGroupMask::EMPTY, |mask, (id, _)| mask.with(id))
    }

    /// The groups answered for, in group order.
    pub fn entries(&self) -> impl Iterator<Item = (McGroupId, McAddr)> + '_ {
        self.groups
            .iter()
            .zip(0u8..)
            .filter_map(|(addr, id)| Some((McGroupId::from_low_bits(id), (*addr)?)))
    }

    /// Writes the command; returns the bytes written (2 + 5 per group).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        if self.nb_total_groups > 7 {
            return Err(Error::InvalidNbTotalGroups(self.nb_total_groups));
        }
        let mut m = [0u8; Self::MAX_LEN];
        m[0] = Self::CID;
        m[1] = self.nb_total_groups << 4 | self.ans_group_mask().bits();
        let mut len = 2;
        for (id, addr) in self.entries() {
            let [a, b, c, d] = addr.to_le_bytes();
            for (slot, byte) in m[len..].iter_mut().zip([id.get(), a, b, c, d]) {
                *slot = byte;
            }
            len += 5;
        }
        put(buf, &m[..len])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[status], rest) = take::<1>(Self::CID, body)?;
        // Bit 7 is RFU and ignored, as in every answer.
        let mask = McGroupMask::from_low_bits(status);
        let need = 5 * mask.len();
        let (items, rest) = rest
            .split_at_checked(need)
            .ok_or_else(|| truncated(Self::CID, 1 + need, body))?;
        let mut ans = Self {
            nb_total_groups: status >> 4 & 0b111,
            groups: [None; 4],
        };
        let (items, _) = items.as_chunks::<5>();
        for &[id, a, b, c, d] in items {
            // McGroupID bits 2-7 are RFU.
            let id = McGroupId::from_low_bits(id);
            let slot = ans.groups.get_mut(usize::from(id.get()));
            match slot {
                Some(slot @ None) if mask.contains(id) => {
                    *slot = Some(McAddr::from_wire_bytes([a, b, c, d]));
                }
                _ => {
                    return Err(Error::GroupStatusMismatch {
                        mc_group_id: id.get(),
                    });
                }
            }
        }
        Ok((ans, rest))
    }
}

/// McGroupSetupAns (CID 0x02, 1 byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupSetupAns {
    /// The group the answer is about.
    pub mc_group_id: McGroupId,
    /// Bit 2: the device does not support this group id; the group was not defined.
    pub id_error: bool,
}

impl McGroupSetupAns {
    /// Command identifier.
    pub const CID: u8 = 0x02;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(
            buf,
            &[
                Self::CID,
                u8::from(self.id_error) << 2 | self.mc_group_id.get(),
            ],
        )
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        Ok((
            Self {
                mc_group_id: McGroupId::from_low_bits(b),
                id_error: b & 0b100 != 0,
            },
            rest,
        ))
    }
}

/// McGroupDeleteAns (CID 0x03, 1 byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupDeleteAns {
    /// The group the answer is about.
    pub mc_group_id: McGroupId,
    /// Bit 2: there was no such group.
    pub mc_group_undefined: bool,
}

impl McGroupDeleteAns {
    /// Command identifier.
    pub const CID: u8 = 0x03;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(
            buf,
            &[
                Self::CID,
                u8::from(self.mc_group_undefined) << 2 | self.mc_group_id.get(),
            ],
        )
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        Ok((
            Self {
                mc_group_id: McGroupId::from_low_bits(b),
                mc_group_undefined: b & 0b100 != 0,
            },
            rest,
        ))
    }
}

/// Status bits 2..=7 of a session answer: any of them set means "refused, no TimeToStart".
const SESSION_STATUS_BITS: u8 = 0b1111_1100;
/// The status bits no version defines (6 and 7).
const SESSION_RFU_BITS: u8 = 0b1100_0000;

/// The two session answers share one layout; this writes both.
macro_rules! session_ans {
    ($name:ident, $cid:literal, $class:literal) => {
        #[doc = concat!(
            "Mc", $class, "SessionAns (CID ", stringify!($cid), ", 1 or 4 bytes): Status&McGroupID, ",
            "then TimeToStart (3, LE) only when status bits 2-7 are all 0.\n\n",
            "That presence rule is TS005-2.0.0's and is applied to v1 answers too (see `SPEC_NOTES.md`). ",
            "StartMissed (bit 5) is a v2 bit, but LoRa Basics Modem's v1 package sends it as well, so it is ",
            "read in both versions. Bits 6-7 are RFU; since a set one would also suppress TimeToStart, ",
            "an answer carrying them is refused rather than read as an unexplained refusal."
        )]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            /// The group the answer is about.
            pub mc_group_id: McGroupId,
            /// Bit 2: the data rate is not supported.
            pub dr_error: bool,
            /// Bit 3: the frequency is not acceptable.
            pub freq_error: bool,
            /// Bit 4: the group is not defined.
            pub mc_group_undefined: bool,
            /// Bit 5 (v2): the session start was already in the past.
            pub start_missed: bool,
            /// Seconds from this uplink to the session start; `Some` exactly when no status bit
            /// is set.
            pub time_to_start: Option<TimeToStart>,
        }

        impl $name {
            /// Command identifier.
            pub const CID: u8 = $cid;

            /// The answer of a device that accepted the session.
            pub const fn accepted(mc_group_id: McGroupId, time_to_start: TimeToStart) -> Self {
                Self {
                    mc_group_id,
                    dr_error: false,
                    freq_error: false,
                    mc_group_undefined: false,
                    start_missed: false,
                    time_to_start: Some(time_to_start),
                }
            }

            /// Whether the device accepted the session (no status bit set).
            pub const fn is_accepted(&self) -> bool {
                !(self.dr_error || self.freq_error || self.mc_group_undefined || self.start_missed)
            }

            /// When the device expects the session to start, given when this answer's uplink
            /// was received: `None` if refused, or if TimeToStart is saturated (the device's
            /// clock is too far off to tell).
            pub fn start_time(&self, uplink_received: GpsTime) -> Option<GpsTime> {
                let t = self.time_to_start.filter(|t| !t.is_saturated())?;
                Some(uplink_received.saturating_add(t.as_duration()))
            }

            /// Writes the command; returns the bytes written (5 when accepted, else 2).
            pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
                let status = self.mc_group_id.get()
                    | u8::from(self.dr_error) << 2
                    | u8::from(self.freq_error) << 3
                    | u8::from(self.mc_group_undefined) << 4
                    | u8::from(self.start_missed) << 5;
                match (self.is_accepted(), self.time_to_start) {
                    (true, Some(t)) => {
                        let [a, b, c] = t.to_le_bytes();
                        put(buf, &[Self::CID, status, a, b, c])
                    }
                    (false, None) => put(buf, &[Self::CID, status]),
                    _ => Err(Error::TimeToStartMismatch { cid: Self::CID }),
                }
            }

            fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
                let (&[status], rest) = take::<1>(Self::CID, body)?;
                if status & SESSION_RFU_BITS != 0 {
                    return Err(Error::RfuBitsSet { cid: Self::CID });
                }
                let mut ans = Self {
                    mc_group_id: McGroupId::from_low_bits(status),
                    dr_error: status & 1 << 2 != 0,
                    freq_error: status & 1 << 3 != 0,
                    mc_group_undefined: status & 1 << 4 != 0,
                    start_missed: status & 1 << 5 != 0,
                    time_to_start: None,
                };
                if status & SESSION_STATUS_BITS != 0 {
                    return Ok((ans, rest));
                }
                let (&t, rest) =
                    take::<3>(Self::CID, rest).map_err(|_| truncated(Self::CID, 4, body))?;
                ans.time_to_start = Some(TimeToStart::from_le_bytes(t));
                Ok((ans, rest))
            }
        }
    };
}

session_ans!(McClassCSessionAns, 0x04, "ClassC");
session_ans!(McClassBSessionAns, 0x05, "ClassB");

/// One device -> server command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UplinkCommand {
    /// CID 0x00.
    PackageVersionAns(PackageVersionAns),
    /// CID 0x01.
    McGroupStatusAns(McGroupStatusAns),
    /// CID 0x02.
    McGroupSetupAns(McGroupSetupAns),
    /// CID 0x03.
    McGroupDeleteAns(McGroupDeleteAns),
    /// CID 0x04.
    McClassCSessionAns(McClassCSessionAns),
    /// CID 0x05.
    McClassBSessionAns(McClassBSessionAns),
}

impl UplinkCommand {
    /// The command identifier.
    pub const fn cid(&self) -> u8 {
        match self {
            Self::PackageVersionAns(_) => PackageVersionAns::CID,
            Self::McGroupStatusAns(_) => McGroupStatusAns::CID,
            Self::McGroupSetupAns(_) => McGroupSetupAns::CID,
            Self::McGroupDeleteAns(_) => McGroupDeleteAns::CID,
            Self::McClassCSessionAns(_) => McClassCSessionAns::CID,
            Self::McClassBSessionAns(_) => McClassBSessionAns::CID,
        }
    }

    /// Writes the command (CID and payload); returns the bytes written.
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        match self {
            Self::PackageVersionAns(c) => c.build_into(buf),
            Self::McGroupStatusAns(c) => c.build_into(buf),
            Self::McGroupSetupAns(c) => c.build_into(buf),
            Self::McGroupDeleteAns(c) => c.build_into(buf),
            Self::McClassCSessionAns(c) => c.build_into(buf),
            Self::McClassBSessionAns(c) => c.build_into(buf),
        }
    }
}

/// Parses an uplink FPort payload into its commands, in order; see [`UplinkCommands`].
pub fn parse_uplink(payload: &[u8]) -> UplinkCommands<'_> {
    UplinkCommands { rest: payload }
}

/// Iterator over the commands of an uplink payload, from [`parse_uplink`].
///
/// Yields one `Result` per command and ends after the first error.
#[derive(Debug, Clone)]
pub struct UplinkCommands<'a> {
    rest: &'a [u8],
}

impl Iterator for UplinkCommands<'_> {
    type Item = Result<UplinkCommand, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&cid, body) = self.rest.split_first()?;
        let parsed =
            match cid {
                PackageVersionAns::CID => PackageVersionAns::parse(body)
                    .map(|(c, r)| (UplinkCommand::PackageVersionAns(c), r)),
                McGroupStatusAns::CID => McGroupStatusAns::parse(body)
                    .map(|(c, r)| (UplinkCommand::McGroupStatusAns(c), r)),
                McGroupSetupAns::CID => McGroupSetupAns::parse(body)
                    .map(|(c, r)| (UplinkCommand::McGroupSetupAns(c), r)),
                McGroupDeleteAns::CID => McGroupDeleteAns::parse(body)
                    .map(|(c, r)| (UplinkCommand::McGroupDeleteAns(c), r)),
                McClassCSessionAns::CID => McClassCSessionAns::parse(body)
                    .map(|(c, r)| (UplinkCommand::McClassCSessionAns(c), r)),
                McClassBSessionAns::CID => McClassBSessionAns::parse(body)
                    .map(|(c, r)| (UplinkCommand::McClassBSessionAns(c), r)),
                _ => Err(Error::UnknownCid(cid)),
            };
        Some(advance(&mut self.rest, parsed))
    }
}

impl FusedIterator for UplinkCommands<'_> {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn all(bytes: &[u8]) -> Vec<Result<UplinkCommand, Error>> {
        parse_uplink(bytes).collect()
    }

    fn id(v: u8) -> McGroupId {
        McGroupId::new(v).unwrap()
    }

    #[test]
    fn start_missed_has_no_time_to_start() {
        // lrwn's decoder would want 3 more bytes here (it masks only bits 2-4).
        let ans = McClassCSessionAns {
            start_missed: true,
            time_to_start: None,
            ..McClassCSessionAns::accepted(id(0), TimeToStart::default())
        };
        assert_eq!(
            all(&[0x04, 0x20]),
            [Ok(UplinkCommand::McClassCSessionAns(ans))]
        );
        // ...and the next command starts right after it.
        let del = McGroupDeleteAns {
            mc_group_id: id(1),
            mc_group_undefined: false,
        };
        assert_eq!(
            all(&[0x04, 0x20, 0x03, 0x01]),
            [
                Ok(UplinkCommand::McClassCSessionAns(ans)),
                Ok(UplinkCommand::McGroupDeleteAns(del))
            ]
        );
    }

    #[test]
    fn session_ans_rfu_bits_are_refused() {
        assert_eq!(all(&[0x05, 0x40]), [Err(Error::RfuBitsSet { cid: 5 })]);
        assert_eq!(
            all(&[0x04, 0x80, 0, 0, 0]),
            [Err(Error::RfuBitsSet { cid: 4 })]
        );
    }

    #[test]
    fn session_ans_build_checks_time_to_start_presence() {
        let refused_with_time = McClassBSessionAns {
            dr_error: true,
            ..McClassBSessionAns::accepted(id(2), TimeToStart::default())
        };
        assert_eq!(
            refused_with_time.build_into(&mut [0u8; 8]),
            Err(Error::TimeToStartMismatch { cid: 5 })
        );
        let accepted_without = McClassCSessionAns {
            time_to_start: None,
            ..McClassCSessionAns::accepted(id(2), TimeToStart::default())
        };
        assert_eq!(
            accepted_without.build_into(&mut [0u8; 8]),
            Err(Error::TimeToStartMismatch { cid: 4 })
        );
    }

    #[test]
    fn accepted_session_tells_the_start() {
        let ans = McClassCSessionAns::accepted(id(1), TimeToStart::new(100).unwrap());
        let rx = GpsTime::from_secs(1_000);
        assert_eq!(ans.start_time(rx), Some(GpsTime::from_secs(1_100)));
        let far = McClassCSessionAns::accepted(id(1), TimeToStart::SATURATED);
        assert_eq!(far.start_time(rx), None);
        assert_eq!(
            all(&[0x04, 0x00, 0x01]),
            [Err(Error::Truncated {
                cid: 4,
                need: 4,
                have: 2
            })]
        );
    }

    #[test]
    fn group_status_entries_follow_the_mask() {
        let mut ans = McGroupStatusAns {
            nb_total_groups: 3,
            groups: [None; 4],
        };
        ans.groups[1] = Some(McAddr::from_value(0x0102_0304));
        ans.groups[3] = Some(McAddr::from_value(0xaabb_ccdd));
        let mut buf = [0u8; McGroupStatusAns::MAX_LEN];
        let n = ans.build_into(&mut buf).unwrap();
        let wire = [
            0x01, 0x3a, 0x01, 0x04, 0x03, 0x02, 0x01, 0x03, 0xdd, 0xcc, 0xbb, 0xaa,
        ];
        assert_eq!(&buf[..n], &wire);
        assert_eq!(all(&wire), [Ok(UplinkCommand::McGroupStatusAns(ans))]);
        assert_eq!(ans.ans_group_mask().bits(), 0b1010);

        // Entries in reverse order are still read; an unlisted or repeated group is refused.
        let reversed = [
            0x01, 0x3a, 0x03, 0xdd, 0xcc, 0xbb, 0xaa, 0x01, 0x04, 0x03, 0x02, 0x01,
        ];
        assert_eq!(all(&reversed), [Ok(UplinkCommand::McGroupStatusAns(ans))]);
        let unlisted = [0x01, 0x01, 0x02, 0, 0, 0, 0];
        assert_eq!(
            all(&unlisted),
            [Err(Error::GroupStatusMismatch { mc_group_id: 2 })]
        );
        let twice = [0x01, 0x03, 0x00, 0, 0, 0, 0, 0x00, 0, 0, 0, 0];
        assert_eq!(
            all(&twice),
            [Err(Error::GroupStatusMismatch { mc_group_id: 0 })]
        );
        assert_eq!(
            all(&[0x01, 0x03, 0x00, 0, 0, 0, 0]),
            [Err(Error::Truncated {
                cid: 1,
                need: 11,
                have: 6
            })]
        );
        let too_many = McGroupStatusAns {
            nb_total_groups: 8,
            groups: [None; 4],
        };
        assert_eq!(
            too_many.build_into(&mut buf),
            Err(Error::InvalidNbTotalGroups(8))
        );
    }
}
