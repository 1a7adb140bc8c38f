//! The fuzz targets' assertions on stable CI: each target's logic (in `fuzz/src/`, included
//! here file by file) replays a few hundred deterministic pseudo-random inputs, decoded from
//! bytes through `arbitrary` exactly as libFuzzer's inputs are. See `fuzz/README.md`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../fuzz/src/decoder.rs"]
mod decoder;
#[path = "../../../fuzz/src/eui.rs"]
mod eui;
#[path = "../../../fuzz/src/messages.rs"]
mod messages;
#[path = "../../../fuzz/src/model.rs"]
mod model;
#[path = "../../../fuzz/src/roundtrip.rs"]
mod roundtrip;
// The root package enables `reed-solomon`, so `cargo test --workspace` runs this one too.
#[cfg(feature = "reed-solomon")]
#[path = "../../../fuzz/src/rs_decoder.rs"]
mod rs_decoder;
#[path = "../../../fuzz/src/ts003.rs"]
mod ts003;
#[path = "../../../fuzz/src/ts005.rs"]
mod ts005;

use arbitrary::{Arbitrary, Unstructured};
use model::Rng;

/// Input `i` of a replay: up to `max_len` pseudo-random bytes.
fn input(target: u64, i: u64, max_len: usize) -> Vec<u8> {
    let mut rng = Rng::new(target << 32 | i);
    let len = rng.below(max_len + 1);
    rng.bytes(len)
}

/// Decodes input bytes into a case the way `fuzz_target!` does.
fn case<'a, T: Arbitrary<'a>>(bytes: &'a [u8]) -> Option<T> {
    T::arbitrary_take_rest(Unstructured::new(bytes)).ok()
}

#[test]
fn ts004_decoder_replay() {
    let mut seen = decoder::Outcome::default();
    for i in 0..300 {
        let bytes = input(1, i, 160);
        let Some(c) = case::<decoder::DecoderCase>(&bytes) else {
            continue;
        };
        let out = decoder::run(&c);
        seen.completed |= out.completed;
        seen.too_many_lost |= out.too_many_lost;
        seen.store_failed |= out.store_failed;
        seen.tainted |= out.tainted;
    }
    assert_eq!(
        seen,
        decoder::Outcome {
            completed: true,
            too_many_lost: true,
            store_failed: true,
            tainted: true
        },
        "the replay no longer reaches every outcome"
    );
}

#[test]
fn ts004_roundtrip_replay() {
    let (mut completed, mut runs) = (0, 0);
    for i in 0..300 {
        let bytes = input(2, i, 600);
        let Some(c) = case::<roundtrip::RoundtripCase>(&bytes) else {
            continue;
        };
        runs += 1;
        completed += usize::from(roundtrip::run(&c).completed);
    }
    assert!(
        runs > 200 && completed > 20,
        "{completed} of {runs} round trips completed"
    );
}

#[test]
fn ts004_messages_replay() {
    let mut seen = messages::Outcome::default();
    for i in 0..600 {
        // Mostly small CIDs, as real messages have, so that commands follow one another.
        let mut bytes = input(3, i, 40);
        for b in bytes.iter_mut().step_by(3) {
            *b %= 9;
        }
        let out = messages::run(&bytes);
        seen.commands += out.commands;
        seen.errors += out.errors;
    }
    assert!(
        seen.commands > 1000 && seen.errors > 100,
        "{seen:?}: the replay no longer exercises both paths"
    );
}

#[test]
fn eui_parse_replay() {
    let mut rng = Rng::new(4);
    let mut parsed = 0;
    for _ in 0..2000 {
        // Mostly hex digits and separators, with a little of anything else.
        let len = [16, 23, 24, rng.below(30)][rng.below(4)];
        let text: String = (0..len)
            .map(|_| match rng.below(24) {
                0 => ':',
                1 => '-',
                2 => ' ',
                3 => char::from(rng.below(128) as u8),
                _ => char::from(b"0123456789abcdefABCDEF"[rng.below(22)]),
            })
            .collect();
        parsed += usize::from(eui::run(text.as_bytes()));
        // The same digits in each documented spelling.
        let digits: String = text
            .chars()
            .filter(char::is_ascii_hexdigit)
            .take(16)
            .collect();
        if digits.len() == 16 {
            let pairs: Vec<&str> = (0..8).map(|i| &digits[2 * i..2 * i + 2]).collect();
            for s in [digits.clone(), pairs.join(":"), pairs.join("-")] {
                assert!(eui::run(s.as_bytes()), "{s}");
                // And with one character replaced by any printable one.
                let mut near = s.into_bytes();
                let at = rng.below(near.len());
                near[at] = b' ' + rng.below(95) as u8;
                eui::run(&near);
            }
        }
    }
    assert!(parsed > 0, "no random string parsed");
}

/// A message of a few commands of about the right lengths (`lens[cid]` payload bytes), their
/// bytes often masked so that RFU bits are clear, now and then an unknown CID, a byte too many
/// or a cut at the end.
fn message(target: u64, i: u64, lens: &[usize]) -> Vec<u8> {
    let mut rng = Rng::new(target << 32 | i);
    let mut bytes = Vec::new();
    for _ in 0..rng.below(6) {
        let cid = rng.below(lens.len() + 1);
        bytes.push(if cid < lens.len() {
            cid as u8
        } else {
            rng.next_u64() as u8
        });
        let len = lens.get(cid).copied().unwrap_or(3) + usize::from(rng.chance(8));
        for _ in 0..len {
            let b = rng.next_u64() as u8;
            bytes.push([b, b & 0x0F, b & 0x03][rng.below(3)]);
        }
    }
    if rng.chance(64) {
        bytes.truncate(rng.below(bytes.len() + 1));
    }
    bytes
}

#[test]
fn ts005_messages_replay() {
    let mut seen = ts005::Outcome::default();
    for i in 0..2000 {
        // Downlink and uplink layouts in turn.
        let lens: &[usize] = if i % 2 == 0 {
            &[0, 1, 29, 1, 10, 10]
        } else {
            &[2, 1 + 5 * (i as usize / 2 % 5), 1, 1, 4, 1]
        };
        let out = ts005::run(&message(5, i, lens));
        seen.commands += out.commands;
        seen.errors += out.errors;
        seen.keys += out.keys;
    }
    let keys = if cfg!(feature = "crypto") { 2000 } else { 0 };
    assert!(
        seen.commands > 1500 && seen.errors > 1500 && seen.keys > keys,
        "{seen:?}: the replay no longer exercises every path"
    );
}

#[test]
fn ts003_messages_replay() {
    let mut seen = ts003::Outcome::default();
    for i in 0..2000 {
        let lens: &[usize] = if i % 2 == 0 {
            &[0, 5, 1, 1]
        } else {
            &[2, 5, 5]
        };
        let mut bytes = message(6, i, lens);
        // Now and then a device clock close to the network's.
        if i % 3 == 0 && bytes.len() >= 16 {
            let (secs, rest) = bytes.split_at_mut(8);
            rest[4..8].copy_from_slice(&secs[..4]);
            rest[4] ^= secs[5];
        }
        let out = ts003::run(&bytes);
        seen.commands += out.commands;
        seen.errors += out.errors;
        seen.saturated += out.saturated;
        seen.exact += out.exact;
    }
    assert!(
        seen.commands > 1500 && seen.errors > 1500 && seen.saturated > 200 && seen.exact > 2000,
        "{seen:?}: the replay no longer exercises every path"
    );
}

#[cfg(feature = "reed-solomon")]
#[test]
fn rs_decoder_replay() {
    let mut seen = rs_decoder::Outcome::default();
    for i in 0..300 {
        let bytes = input(7, i, 160);
        let Some(c) = case::<rs_decoder::RsCase>(&bytes) else {
            continue;
        };
        let out = rs_decoder::run(&c);
        seen.completed |= out.completed;
        seen.completed_gf16 |= out.completed_gf16;
        seen.completed_beyond |= out.completed_beyond;
        seen.tainted |= out.tainted;
        seen.refused |= out.refused;
        seen.beyond_field |= out.beyond_field;
    }
    assert_eq!(
        seen,
        rs_decoder::Outcome {
            completed: true,
            completed_gf16: true,
            completed_beyond: true,
            tainted: true,
            refused: true,
            beyond_field: true,
        },
        "the replay no longer reaches every outcome"
    );
}
