//! Decoder behaviour at the edges: garbage, memory limits, duplicates, late fragments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use lorafota::core::frag::{
    DecodeError, Decoder, Encoder, Failure, FragError, FragParams, Progress, Ts004Version,
};

fn block(len: usize, s: usize, r: usize) -> (Vec<u8>, lorafota::core::frag::EncodedBlock) {
    let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    let block = Encoder::new(data.clone(), s, Ts004Version::V1)
        .unwrap()
        .encode(r)
        .unwrap();
    (data, block)
}

#[test]
fn garbage_is_rejected_without_changing_state() {
    let (_, block) = block(500, 10, 10);
    let mut dec = Decoder::new_in_memory(block.params(), Ts004Version::V1, None);
    let f = block.fragment(3).unwrap();
    dec.push(f.counter, &f.payload).unwrap();
    let before = dec.status();
    let cases: [(u16, &[u8], FragError); 4] = [
        (0, &[0; 10], FragError::CounterZero),
        (16384, &[0; 10], FragError::CounterOutOfRange(16384)),
        (0xC005, &[0; 10], FragError::CounterOutOfRange(0xC005)),
        (
            4,
            &[0; 9],
            FragError::WrongPayloadSize {
                expected: 10,
                got: 9,
            },
        ),
    ];
    for (counter, payload, want) in cases {
        assert_eq!(dec.push(counter, payload), Err(DecodeError::Fragment(want)));
        assert_eq!(dec.status(), before);
    }
}

#[test]
fn too_many_lost_fails_and_never_completes() {
    let (_, block) = block(1000, 10, 60);
    let mut dec = Decoder::new_in_memory(block.params(), Ts004Version::V1, Some(5));
    let mut outcomes = vec![];
    for f in block.fragments().filter(|f| f.counter > 6) {
        outcomes.push(dec.push(f.counter, &f.payload).unwrap());
    }
    let failure = Failure::TooManyLost {
        lost: 6,
        max_lost: 5,
    };
    assert!(outcomes.contains(&Progress::Failed(failure)));
    assert!(!outcomes.contains(&Progress::Completed));
    assert_eq!(dec.status().failure, Some(failure));
    assert_eq!(dec.data(), None);
}

#[test]
fn no_loss_completes_on_the_last_uncoded_fragment_in_any_order() {
    let (data, block) = block(777, 50, 8);
    let mut dec = Decoder::new_in_memory(block.params(), Ts004Version::V1, Some(0));
    let order = [16u16, 1, 2, 3, 5, 4, 6, 7, 8, 9, 10, 11, 12, 13, 15, 14];
    for (i, c) in order.iter().enumerate() {
        let f = block.fragment(*c).unwrap();
        let want = if i == order.len() - 1 {
            Progress::Completed
        } else {
            Progress::Ongoing
        };
        assert_eq!(dec.push(f.counter, &f.payload).unwrap(), want);
    }
    assert_eq!(dec.data(), Some(&data[..]));
    let f = block.fragment(17).unwrap();
    assert_eq!(
        dec.push(f.counter, &f.payload).unwrap(),
        Progress::AlreadyCompleted
    );
}

#[test]
fn a_late_uncoded_fragment_is_used() {
    // Counter 4 arrives after the coded phase started: LoRaMac-node drops it (its decode then
    // needs more coded fragments); ours takes it as the equation it is.
    let (data, block) = block(100, 10, 10);
    let mut dec = Decoder::new_in_memory(block.params(), Ts004Version::V1, None);
    let mut order: Vec<u16> = (1..=10).filter(|c| *c != 4).collect();
    order.push(11);
    order.push(4);
    let mut last = Progress::Ongoing;
    for c in order {
        let f = block.fragment(c).unwrap();
        last = dec.push(f.counter, &f.payload).unwrap();
    }
    assert_eq!(last, Progress::Completed);
    assert_eq!(dec.data(), Some(&data[..]));
}

#[test]
fn state_memory_is_within_the_budget() {
    // Issue #2's bound: L(L+1)/16 + M/4 bytes + one fragment + a small constant.
    for (m, s, l) in [
        (10486u16, 50u8, 1049u16),
        (16383, 255, 3277),
        (1, 1, 1),
        (1311, 200, 263),
        (100, 10, 0),
    ] {
        let (mu, lu) = (usize::from(m), usize::from(l));
        let budget = lu * (lu + 1) / 16 + mu / 4 + usize::from(s) + 32;
        let used = Decoder::<lorafota::core::frag::RamStore<Vec<u8>>>::state_bytes(m, s, l);
        assert!(used <= budget, "M={m} S={s} L={l}: {used} > {budget}");
        let dec =
            Decoder::new_in_memory(FragParams::new(m, s, 0).unwrap(), Ts004Version::V1, Some(l));
        assert_eq!(dec.state_memory(), used, "M={m} S={s} L={l}");
    }
}

#[test]
fn status_answer_from_the_decoder() {
    use lorafota::core::ts004::{FragIndex, FragSessionStatusAnsV1, SessionProgress};
    let (_, block) = block(100, 10, 5);
    let mut dec = Decoder::new_in_memory(block.params(), Ts004Version::V1, None);
    for c in [1u16, 2, 4, 11] {
        let f = block.fragment(c).unwrap();
        dec.push(f.counter, &f.payload).unwrap();
    }
    let index = FragIndex::new(2).unwrap();
    let progress = SessionProgress::from_decoder(index, &dec.status());
    // 4 received; 7 uncoded lost at the first coded fragment, one equation gathered at most.
    assert_eq!(progress.nb_frag_received, 4);
    let status = dec.status();
    assert_eq!(status.lost, 7);
    assert_eq!(u16::from(progress.missing_frag), status.lost - status.rank);
    let mut buf = [0u8; 5];
    let n = FragSessionStatusAnsV1 {
        progress,
        memory_error: false,
    }
    .build_into(&mut buf)
    .unwrap();
    assert_eq!(&buf[..3], &[0x01, 0x04, 0x80]);
    assert_eq!(n, 5);
}
