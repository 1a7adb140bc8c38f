//! `ts005_messages`: the TS005 [`parse_downlink`] and [`parse_uplink`] over arbitrary bytes.
//!
//! * Neither panics; each iterator ends after its first error, and the commands before it
//!   cover the bytes before it exactly.
//! * Every parsed command `build_into`s (in a [`MAX_COMMAND_LEN`] buffer) bytes that parse back
//!   to the same command. Downlink RFU bits are refused, so downlink bytes come back exactly;
//!   uplink RFU bits are ignored (and McGroupStatusAns entries may come in any order), so an
//!   uplink rebuilds to the same length and the same re-parse, to its own bytes once those RFU
//!   bits are cleared and the entries sorted, and the rebuilt message followed by the unparsed
//!   rest parses to the same results, error included.
//! * Which commands parse and which errors come is checked against a plain model of the
//!   layouts (lengths, RFU masks, the TimeToStart presence rule, the group-mask entries).
//! * Short buffers give `BufferTooSmall` with the right sizes.
//! * Feature `crypto`: the key chain round trip, `decrypt_mc_key(ke, encrypt_mc_key(ke, k)) == k`
//!   for keys taken from the input, and the other way round for every McKey_encrypted parsed.

use crate::model::{check_short_buffers, split_results};
use lorafota_core::ts005::{
    DownlinkCommand, Error, MAX_COMMAND_LEN, McGroupStatusAns, UplinkCommand, parse_downlink,
    parse_uplink,
};

/// What a message parsed to, so the replay tests can check they reach every outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Commands parsed, both directions together.
    pub commands: usize,
    /// Parse errors met.
    pub errors: usize,
    /// Key-chain round trips checked.
    pub keys: usize,
}

/// The error a builder gives for a buffer of `have` bytes when it needs `need`.
fn too_small(need: usize, have: usize) -> Error {
    Error::BufferTooSmall { need, have }
}

fn build(build_into: impl Fn(&mut [u8]) -> Result<usize, Error>) -> Vec<u8> {
    let mut buf = [0u8; MAX_COMMAND_LEN];
    let n = build_into(&mut buf).expect("a parsed command builds");
    check_short_buffers(n, &build_into, too_small);
    buf[..n].to_vec()
}

/// The at most 255 the `Truncated` counts can carry.
fn small(n: usize) -> u8 {
    u8::try_from(n).unwrap_or(u8::MAX)
}

fn truncated(cid: u8, need: usize, body: &[u8]) -> Error {
    Error::Truncated {
        cid,
        need: small(need),
        have: small(body.len()),
    }
}

/// The model of one downlink command at the start of `msg` (non-empty): its length, CID
/// included, or the error it must give.
fn model_downlink(msg: &[u8]) -> Result<usize, Error> {
    let (cid, body) = (msg[0], &msg[1..]);
    // Payload length and the RFU mask of each payload byte (missing: none).
    let (len, rfu): (usize, &[(usize, u8)]) = match cid {
        0 => (0, &[]),
        1 => (1, &[(0, 0xF0)]),
        2 => (29, &[(0, 0xFC)]),
        3 => (1, &[(0, 0xFC)]),
        4 => (10, &[(0, 0xFC), (5, 0xF0)]),
        5 => (10, &[(0, 0xFC), (5, 0x80)]),
        _ => return Err(Error::UnknownCid(cid)),
    };
    if body.len() < len {
        return Err(truncated(cid, len, body));
    }
    if rfu.iter().any(|&(at, mask)| body[at] & mask != 0) {
        return Err(Error::RfuBitsSet { cid });
    }
    Ok(1 + len)
}

/// The model of one uplink command at the start of `msg` (non-empty).
fn model_uplink(msg: &[u8]) -> Result<usize, Error> {
    let (cid, body) = (msg[0], &msg[1..]);
    let need = |len: usize| {
        if body.len() < len {
            Err(truncated(cid, len, body))
        } else {
            Ok(1 + len)
        }
    };
    match cid {
        0 => need(2),
        2 | 3 => need(1),
        1 => {
            let &status = body.first().ok_or_else(|| truncated(cid, 1, body))?;
            let mask = status & 0x0F;
            let len = need(1 + 5 * mask.count_ones() as usize)?;
            let mut seen = 0u8;
            for entry in body[1..len - 1].chunks(5) {
                let id = entry[0] & 0b11;
                if mask & !seen & 1 << id == 0 {
                    return Err(Error::GroupStatusMismatch { mc_group_id: id });
                }
                seen |= 1 << id;
            }
            Ok(len)
        }
        4 | 5 => {
            let &status = body.first().ok_or_else(|| truncated(cid, 1, body))?;
            if status & 0xC0 != 0 {
                Err(Error::RfuBitsSet { cid })
            } else if status & 0xFC != 0 {
                Ok(2)
            } else {
                need(4)
            }
        }
        _ => Err(Error::UnknownCid(cid)),
    }
}

/// The bytes an uplink command at the start of `msg` (`len` bytes, parsed) rebuilds to: its
/// own, with the RFU bits it ignores cleared and McGroupStatusAns entries in group order.
fn uplink_rebuilt(msg: &[u8], len: usize) -> Vec<u8> {
    let msg = &msg[..len];
    match msg[0] {
        1 => {
            let mut out = vec![1, msg[1] & 0x7F];
            for id in 0..4 {
                let entry = msg[2..].chunks(5).find(|e| e[0] & 0b11 == id);
                if let Some(e) = entry {
                    out.push(id);
                    out.extend_from_slice(&e[1..]);
                }
            }
            out
        }
        2 | 3 => vec![msg[0], msg[1] & 0x07],
        _ => msg.to_vec(),
    }
}

/// Checks the error that ended a message at `at` (or that none did), against the model.
fn check_end<T>(
    results: &[Result<T, Error>],
    bytes: &[u8],
    at: usize,
    model: fn(&[u8]) -> Result<usize, Error>,
    out: &mut Outcome,
) {
    match results.last() {
        Some(Err(e)) => {
            assert!(at < bytes.len(), "an error with no byte left");
            assert_eq!(model(&bytes[at..]), Err(*e), "at {at} of {bytes:02x?}");
            assert!(!e.to_string().is_empty());
            out.errors += 1;
        }
        _ => assert_eq!(at, bytes.len(), "commands did not cover the message"),
    }
}

#[cfg(feature = "crypto")]
fn check_keys(bytes: &[u8], down: &[Result<DownlinkCommand, Error>], out: &mut Outcome) {
    use lorafota_core::ts005::{McKEKey, McKey, decrypt_mc_key, encrypt_mc_key};

    let mut key = [[0u8; 16]; 2];
    for (k, b) in key.iter_mut().flatten().zip(bytes) {
        *k = *b;
    }
    let ke = McKEKey::from_bytes(key[0]);
    let mc_key = McKey::from_bytes(key[1]);
    let sent = encrypt_mc_key(&ke, &mc_key);
    assert_eq!(decrypt_mc_key(&ke, &sent), mc_key, "the device lost McKey");
    out.keys += 1;
    // Whatever a McGroupSetupReq carries, the server could have sent it.
    for cmd in down.iter().flatten() {
        if let DownlinkCommand::McGroupSetupReq(req) = cmd {
            let got = decrypt_mc_key(&ke, &req.mc_key_encrypted);
            assert_eq!(encrypt_mc_key(&ke, &got), req.mc_key_encrypted);
            out.keys += 1;
        }
    }
}

#[cfg(not(feature = "crypto"))]
fn check_keys(_: &[u8], _: &[Result<DownlinkCommand, Error>], _: &mut Outcome) {}

fn check_downlink(bytes: &[u8], out: &mut Outcome) -> Vec<Result<DownlinkCommand, Error>> {
    let results: Vec<_> = parse_downlink(bytes).collect();
    let mut at = 0;
    for cmd in split_results(&results) {
        let cmd = cmd.as_ref().expect("split_results keeps Ok");
        let built = build(|b| cmd.build_into(b));
        assert_eq!(built[0], cmd.cid());
        assert_eq!(model_downlink(&bytes[at..]), Ok(built.len()));
        assert_eq!(
            built[..],
            bytes[at..at + built.len()],
            "downlink bytes differ"
        );
        let again: Vec<_> = parse_downlink(&built).collect();
        assert_eq!(again, [Ok(*cmd)]);
        at += built.len();
        out.commands += 1;
    }
    check_end(&results, bytes, at, model_downlink, out);
    results
}

fn check_uplink(bytes: &[u8], out: &mut Outcome) {
    let results: Vec<_> = parse_uplink(bytes).collect();
    let mut rebuilt = Vec::new();
    for cmd in split_results(&results) {
        let cmd = cmd.as_ref().expect("split_results keeps Ok");
        let built = build(|b| cmd.build_into(b));
        assert_eq!(built[0], cmd.cid());
        let here = &bytes[rebuilt.len()..];
        assert_eq!(model_uplink(here), Ok(built.len()));
        assert_eq!(built, uplink_rebuilt(here, built.len()), "uplink rebuilt");
        let again: Vec<_> = parse_uplink(&built).collect();
        assert_eq!(again, [Ok(*cmd)], "uplink {built:02x?} from {bytes:02x?}");
        match cmd {
            UplinkCommand::McClassCSessionAns(a) => {
                assert_eq!(a.time_to_start.is_some(), a.is_accepted());
            }
            UplinkCommand::McClassBSessionAns(a) => {
                assert_eq!(a.time_to_start.is_some(), a.is_accepted());
            }
            UplinkCommand::McGroupStatusAns(a) => {
                let status = bytes[rebuilt.len() + 1];
                assert_eq!(a.ans_group_mask().bits(), status & 0x0F);
                assert_eq!(a.nb_total_groups, status >> 4 & 0b111);
                assert!(built.len() <= McGroupStatusAns::MAX_LEN);
            }
            _ => {}
        }
        rebuilt.extend_from_slice(&built);
        out.commands += 1;
    }
    check_end(&results, bytes, rebuilt.len(), model_uplink, out);
    rebuilt.extend_from_slice(&bytes[rebuilt.len()..]);
    let again: Vec<_> = parse_uplink(&rebuilt).collect();
    assert_eq!(again, results, "the rebuilt uplink parses differently");
}

/// Runs one `ts005_messages` input.
pub fn run(bytes: &[u8]) -> Outcome {
    let mut out = Outcome::default();
    let down = check_downlink(bytes, &mut out);
    check_uplink(bytes, &mut out);
    check_keys(bytes, &down, &mut out);
    out
}
