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
