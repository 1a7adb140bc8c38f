//! `ts004_messages`: [`parse_downlink`] and [`parse_uplink`] under every version over arbitrary
//! bytes. For every command that parses, `build_into` must give bytes that parse back to the
//! same command; downlink bytes must come back exactly (downlink RFU bits are refused, so a
//! parsed command determines its bytes), uplink bytes may differ only where RFU bits were
//! ignored, so the length and the re-parse must match. Iterators end after their first error,
//! V2 and V2Spec parse identically, and short buffers are refused without a partial write
//! mattering.

use crate::model::{check_short_buffers, split_results};
use lorafota_core::ts004::{
    DownlinkCommand, Error, MAX_FIXED_COMMAND_LEN, Ts004Version, UplinkCommand, parse_downlink,
    parse_uplink,
};

const VERSIONS: [Ts004Version; 3] = [Ts004Version::V1, Ts004Version::V2, Ts004Version::V2Spec];

/// What a message parsed to, so the replay tests can check they reach both outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Commands parsed, all versions and directions together.
    pub commands: usize,
    /// Parse errors met.
    pub errors: usize,
}

/// The error a builder gives for a buffer of `have` bytes when it needs `need`.
fn too_small(need: usize, have: usize) -> Error {
    Error::BufferTooSmall { need, have }
}

fn build_down(cmd: &DownlinkCommand<'_>, room: usize) -> Vec<u8> {
    let mut buf = vec![0u8; room];
    let n = cmd.build_into(&mut buf).expect("a parsed command builds");
    buf.truncate(n);
    buf
}

fn build_up(cmd: &UplinkCommand) -> Vec<u8> {
    let mut buf = [0u8; MAX_FIXED_COMMAND_LEN];
    let n = cmd.build_into(&mut buf).expect("a parsed command builds");
    buf[..n].to_vec()
}

fn check_downlink(version: Ts004Version, bytes: &[u8], out: &mut Outcome) {
    let results: Vec<_> = parse_downlink(version, bytes).collect();
    let oks = split_results(&results);
    let mut at = 0;
    for (i, cmd) in oks.iter().enumerate() {
        let cmd = cmd.as_ref().expect("split_results keeps Ok");
        let built = build_down(cmd, MAX_FIXED_COMMAND_LEN + bytes.len());
        assert_eq!(built[0], cmd.cid());
        assert_eq!(
            built[..],
            bytes[at..at + built.len()],
            "downlink bytes differ"
        );
        let again: Vec<_> = parse_downlink(version, &built).collect();
        assert_eq!(again, [Ok(*cmd)]);
        check_short_buffers(built.len(), |b| cmd.build_into(b), too_small);
        if let DownlinkCommand::DataFragment(f) = cmd {
            assert_eq!(i, 0, "a DataFragment parsed after another command");
            assert_eq!(f.payload, &bytes[3..]);
        }
        at += built.len();
        out.commands += 1;
    }
    match results.last() {
        Some(Err(e)) => {
            assert!(at < bytes.len(), "an error with no byte left");
            assert!(!e.to_string().is_empty());
            out.errors += 1;
        }
        _ => assert_eq!(at, bytes.len(), "commands did not cover the message"),
    }
}

fn check_uplink(version: Ts004Version, bytes: &[u8], out: &mut Outcome) {
    let results: Vec<_> = parse_uplink(version, bytes).collect();
    let oks = split_results(&results);
    let mut rebuilt = Vec::new();
    for cmd in oks {
        let cmd = cmd.as_ref().expect("split_results keeps Ok");
        let built = build_up(cmd);
        assert_eq!(built[0], cmd.cid());
        assert_eq!(bytes[rebuilt.len()], cmd.cid());
        let again: Vec<_> = parse_uplink(version, &built).collect();
        assert_eq!(again, [Ok(*cmd)], "uplink {built:02x?} from {bytes:02x?}");
        assert_eq!(build_up(cmd), built, "building is not deterministic");
        check_short_buffers(built.len(), |b| cmd.build_into(b), too_small);
        rebuilt.extend_from_slice(&built);
        out.commands += 1;
    }
    // Same lengths at the same places: the rebuilt commands followed by the unparsed rest parse
    // to the same results, error included.
    match results.last() {
        Some(Err(e)) => {
            assert!(rebuilt.len() < bytes.len(), "an error with no byte left");
            assert!(!e.to_string().is_empty());
            out.errors += 1;
        }
        _ => assert_eq!(
            rebuilt.len(),
            bytes.len(),
            "commands did not cover the message"
        ),
    }
    rebuilt.extend_from_slice(&bytes[rebuilt.len()..]);
    let again: Vec<_> = parse_uplink(version, &rebuilt).collect();
    assert_eq!(again, results, "the rebuilt uplink parses differently");
}

/// Runs one `ts004_messages` input.
pub fn run(bytes: &[u8]) -> Outcome {
    let mut out = Outcome::default();
    for version in VERSIONS {
        check_downlink(version, bytes, &mut out);
        check_uplink(version, bytes, &mut out);
    }
    // V2Spec differs from V2 only in parity rows, never on the wire.
    let down = |v| parse_downlink(v, bytes).collect::<Vec<_>>();
    assert_eq!(down(Ts004Version::V2), down(Ts004Version::V2Spec));
    let up = |v| parse_uplink(v, bytes).collect::<Vec<_>>();
    assert_eq!(up(Ts004Version::V2), up(Ts004Version::V2Spec));
    out
}
