//! `rs_decoder`: the Reed-Solomon codec of `lorafota_core::rs` (feature `reed-solomon`). An
//! arbitrary session (M 1..=300, S 1..=64, padding, R 0..=M, so over GF(2^8) and GF(2^16), odd
//! and even S) is encoded with [`RsEncoder`], then an [`RsDecoder`] gets real fragments (any of
//! `1..=M+R`, and beyond R up to the field's last node, from a longer encoding of the same
//! block), whole streams of them (beyond R too) dropped, repeated and shuffled, forged payloads
//! of any length and counter, corrupted real ones, real ones one byte short or long, and
//! malformed counters.
//!
//! After every push it asserts, against a model that only counts distinct counters:
//!
//! * a malformed fragment (counter 0, above 16383, beyond the field's last node; a payload not
//!   S bytes for counters `1..=M`, not [`RsField::shard_len`] above) is refused with the
//!   matching [`RsDecodeError`], in every state, and leaves `status()` and `data()` unchanged;
//! * `Completed` comes exactly on the push that brings M distinct counters (the code is MDS), so
//!   never twice and never early or late; `AlreadyCompleted` after;
//! * `status()` agrees with the model (received, data fragments lost, coded fragments held);
//! * the completed block is the data sent, unless a forged or corrupted fragment was taken
//!   (then only the absence of panics and of a second completion is asserted).
//!
//! On the way, the encoder's own invariants: the field [`RsField::for_total`] picks, uncoded
//! fragments equal to the data, coded fragment sizes, and the longer encoding agreeing with the
//! shorter one on every fragment they share.

use std::collections::BTreeSet;

use arbitrary::Arbitrary;
use bytes::Bytes;
use lorafota_core::frag::{DecoderStatus, FragError, FragParams, MAX_COUNTER, Progress};
use lorafota_core::rs::{RsDecodeError, RsDecoder, RsEncodedBlock, RsEncoder, RsField};

use crate::model::{Rng, fragment_size, nb_frag};

/// One fuzz input of `rs_decoder`.
#[derive(Debug, Arbitrary)]
pub struct RsCase {
    /// M, 1..=300.
    #[arbitrary(with = nb_frag)]
    pub nb_frag: u16,
    /// S, 1..=64.
    #[arbitrary(with = fragment_size)]
    pub fragment_size: u8,
    /// Padding is this modulo S.
    pub padding: u8,
    /// R is this modulo (M + 1).
    pub redundancy: u16,
    /// Seed of the data block.
    pub data_seed: u64,
    /// What to push.
    pub ops: Vec<Op>,
}

/// One step of a decoder session.
#[derive(Debug, Arbitrary)]
pub enum Op {
    /// The real fragment `1 + n % (M + R)`.
    Real(u16),
    /// A real fragment beyond R: `M + R + 1 + n % (last - M - R)`, `last` being the field's
    /// last node over GF(2^8) and `M + R + 64` over GF(2^16) (when there is room).
    Beyond(u16),
    /// Any counter: its real payload when known, else one byte more than the right size.
    AnyCounter(u16),
    /// A payload of `len % 300` bytes (exactly the right size when `len` is 0) made from `fill`.
    Forged {
        /// Counter as sent.
        counter: u16,
        /// Length selector.
        len: u16,
        /// Pattern byte.
        fill: u8,
    },
    /// The real fragment `1 + n % (M + R)` with one byte flipped.
    Corrupt {
        /// Counter selector.
        counter: u16,
        /// Which byte (modulo its length).
        at: u8,
        /// XOR mask (made non-zero).
        mask: u8,
    },
    /// The real fragment `1 + n % (M + R)` one byte short (`longer` false) or long.
    BadLength {
        /// Counter selector.
        counter: u16,
        /// Add a byte rather than drop one.
        longer: bool,
    },
    /// Every fragment 1..=M+R+E shuffled, each dropped or repeated with the given odds; E is
    /// `extra` capped to the real fragments beyond R that [`Op::Beyond`] picks from.
    Stream {
        /// E, before the cap.
        extra: u8,
        /// Shuffle, loss and duplicate seed.
        seed: u64,
        /// Drop odds out of 256.
        drop: u8,
        /// Duplicate odds out of 256.
        dup: u8,
    },
}

/// What a case ended with, so the replay tests can check they reach every outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The block was rebuilt from genuine fragments only (and checked against the data).
    pub completed: bool,
    /// ...over GF(2^16).
    pub completed_gf16: bool,
    /// ...with a real fragment beyond R among them.
    pub completed_beyond: bool,
    /// A forged or corrupted fragment was taken.
    pub tainted: bool,
    /// A malformed fragment was refused.
    pub refused: bool,
    /// A counter beyond the field's last node was refused.
    pub beyond_field: bool,
}

/// The real fragments of a block: those of `block`, and beyond R those of a longer encoding of
/// the same data, made on first use.
struct Source {
    encoder: RsEncoder,
    block: RsEncodedBlock,
    longer: Option<RsEncodedBlock>,
    /// The last counter with a known real payload.
    last: u16,
}

impl Source {
    fn new(encoder: RsEncoder, redundancy: u16) -> Self {
        let block = encoder.encode(redundancy.into()).expect("valid redundancy");
        let m = block.params().nb_frag();
        let last = match block.field() {
            RsField::Gf8 => 256,
            RsField::Gf16 => (m + redundancy + 64).min(MAX_COUNTER),
        };
        Self {
            encoder,
            block,
            longer: None,
            last,
        }
    }

    /// The real payload of `counter`, if known.
    fn payload(&mut self, counter: u16) -> Option<Bytes> {
        if counter == 0 || counter > self.last {
            return None;
        }
        if let Some(f) = self.block.fragment(counter) {
            return Some(f.payload);
        }
        let longer = self.longer.get_or_insert_with(|| {
            let m = self.block.params().nb_frag();
            let longer = self
                .encoder
                .encode(usize::from(self.last - m))
                .expect("valid redundancy");
            assert_eq!(longer.field(), self.block.field(), "the field changed");
            for f in self.block.fragments() {
                assert_eq!(
                    longer.fragment(f.counter).map(|g| g.payload),
                    Some(f.payload),
                    "a longer encoding changed fragment {}",
                    f.counter
                );
            }
            longer
        });
        longer.fragment(counter).map(|f| f.payload)
    }
}

/// The decoder and its model.
struct Harness {
    params: FragParams,
    field: RsField,
    total: u16,
    data: Vec<u8>,
    decoder: RsDecoder,
    seen: BTreeSet<u16>,
    received: u32,
    tainted: bool,
    beyond: bool,
    outcome: Outcome,
}

impl Harness {
    fn status(&self) -> DecoderStatus {
        let m = self.params.nb_frag();
        let data = self.seen.range(..=m).count() as u16;
        let coded = self.seen.len() as u16 - data;
        DecoderStatus {
            received: self.received,
            lost: m - data,
            rank: coded,
            missing: (m - data).saturating_sub(coded),
            completed: self.seen.len() == usize::from(m),
            failure: None,
        }
    }

    /// Pushes one fragment and checks everything; `genuine` says whether `payload` is the real
    /// fragment of `counter`.
    fn push(&mut self, counter: u16, payload: &[u8], genuine: bool) {
        let before = self.decoder.status();
        let got = self.decoder.push(counter, payload);
        let _ = self.decoder.state_bytes();

        let m = self.params.nb_frag();
        let s = self.params.fragment_size();
        let max = self.field.max_fragments();
        let coded_len = self.field.shard_len(s);
        let malformed = if counter == 0 {
            Some(RsDecodeError::Fragment(FragError::CounterZero))
        } else if counter > MAX_COUNTER {
            Some(RsDecodeError::Fragment(FragError::CounterOutOfRange(
                counter,
            )))
        } else if counter > max {
            Some(RsDecodeError::CounterBeyondField { counter, max })
        } else if counter <= m && payload.len() != usize::from(s) {
            Some(RsDecodeError::Fragment(FragError::WrongPayloadSize {
                expected: s,
                got: payload.len(),
            }))
        } else if counter > m && payload.len() != coded_len {
            Some(RsDecodeError::CodedPayloadSize {
                expected: coded_len,
                got: payload.len(),
            })
        } else {
            None
        };
        if let Some(e) = malformed {
            assert_eq!(got, Err(e), "counter {counter}, {} bytes", payload.len());
            assert!(!e.to_string().is_empty());
            assert_eq!(
                self.decoder.status(),
                before,
                "a refused fragment changed the status"
            );
            assert_eq!(self.decoder.status(), self.status());
            self.outcome.refused = true;
            self.outcome.beyond_field |= matches!(e, RsDecodeError::CounterBeyondField { .. });
            return;
        }

        let complete = self.seen.len() == usize::from(m);
        let want = if complete {
            Progress::AlreadyCompleted
        } else {
            self.received += 1;
            if !self.seen.insert(counter) {
                Progress::Ongoing
            } else {
                self.tainted |= !genuine;
                self.beyond |= counter > self.total;
                if self.seen.len() == usize::from(m) {
                    Progress::Completed
                } else {
                    Progress::Ongoing
                }
            }
        };
        assert_eq!(
            got,
            Ok(want),
            "counter {counter}, {} distinct of M = {m}",
            self.seen.len()
        );
        let st = self.decoder.status();
        assert_eq!(st, self.status(), "status after counter {counter}");
        assert_eq!(self.decoder.is_complete(), st.completed);
        let data = self.decoder.data();
        assert_eq!(data.is_some(), st.completed);
        if want == Progress::Completed {
            let data = data.expect("data() once complete");
            assert_eq!(data.len(), self.params.data_len());
            if self.tainted {
                self.outcome.tainted = true;
            } else {
                assert!(
                    data == &self.data[..],
                    "the block differs from the data sent"
                );
                self.outcome.completed = true;
                self.outcome.completed_gf16 |= self.field == RsField::Gf16;
                self.outcome.completed_beyond |= self.beyond;
            }
        }
    }
}

/// Runs one `rs_decoder` case.
pub fn run(case: &RsCase) -> Outcome {
    let (m, s) = (case.nb_frag, case.fragment_size);
    let padding = case.padding % s;
    let r = case.redundancy % (m + 1);
    let data_len = usize::from(m) * usize::from(s) - usize::from(padding);
    let data = Rng::new(case.data_seed).bytes(data_len);
    let encoder = RsEncoder::new(data.clone(), s.into()).expect("valid parameters");
    let params = encoder.params();
    assert_eq!(
        params,
        FragParams::new(m, s, padding).expect("valid parameters")
    );
    assert_eq!(encoder.padded_block().len(), params.padded_len());
    let mut source = Source::new(encoder, r);
    let block = &source.block;
    let total = m + r;
    let field = RsField::for_total(total.into()).expect("at most 600 fragments");
    assert_eq!(block.field(), field);
    assert_eq!((block.len(), block.redundancy()), (total.into(), r));
    assert_eq!(block.coded_fragment_size(), field.shard_len(s));
    assert_eq!(block.uncoded_payloads()[..data_len], data[..]);
    assert!(block.uncoded_payloads()[data_len..].iter().all(|b| *b == 0));
    for f in block.fragments() {
        let want = if f.counter <= m {
            s.into()
        } else {
            field.shard_len(s)
        };
        assert_eq!(f.payload.len(), want, "fragment {}", f.counter);
    }
    assert_eq!(block.fragment(0), None);
    assert_eq!(block.fragment(total + 1), None);
    assert_eq!(RsDecoder::new(params, RsField::Gf8).is_err(), m > 256);

    let mut h = Harness {
        params,
        field,
        total,
        data,
        decoder: RsDecoder::new(params, field).expect("M fits the field"),
        seen: BTreeSet::new(),
        received: 0,
        tainted: false,
        beyond: false,
        outcome: Outcome::default(),
    };
    assert_eq!(h.decoder.status(), h.status());

    let near = |n: u16| 1 + n % total;
    // Bounds the work of one input: a Stream can push up to ~2(M + R + 255) fragments.
    let mut budget = 4 * usize::from(total) + 512;
    for op in &case.ops {
        if budget == 0 {
            break;
        }
        match *op {
            Op::Real(n) => {
                let c = near(n);
                h.push(c, &source.payload(c).expect("real"), true);
                budget -= 1;
            }
            Op::Beyond(n) => {
                if source.last > total {
                    let c = total + 1 + n % (source.last - total);
                    h.push(c, &source.payload(c).expect("real"), true);
                    budget -= 1;
                }
            }
            Op::AnyCounter(c) => {
                match source.payload(c) {
                    Some(p) => h.push(c, &p, true),
                    None => {
                        let len = if c <= m { s.into() } else { field.shard_len(s) };
                        h.push(c, &vec![0; len + 1], false);
                    }
                }
                budget -= 1;
            }
            Op::Forged { counter, len, fill } => {
                let real = source.payload(counter);
                let len = match len {
                    0 if counter <= m => usize::from(s),
                    0 => field.shard_len(s),
                    _ => usize::from(len % 300),
                };
                let payload: Vec<u8> = (0..len)
                    .map(|i| fill.wrapping_mul(i as u8 | 1) ^ (i >> 8) as u8)
                    .collect();
                let genuine = real.is_some_and(|p| p[..] == payload[..]);
                h.push(counter, &payload, genuine);
                budget -= 1;
            }
            Op::Corrupt { counter, at, mask } => {
                let c = near(counter);
                let mut payload = source.payload(c).expect("real").to_vec();
                let at = usize::from(at) % payload.len();
                payload[at] ^= mask | 1;
                h.push(c, &payload, false);
                budget -= 1;
            }
            Op::BadLength { counter, longer } => {
                let c = near(counter);
                let mut payload = source.payload(c).expect("real").to_vec();
                if longer {
                    payload.push(0);
                } else {
                    payload.pop();
                }
                h.push(c, &payload, false);
                budget -= 1;
            }
            Op::Stream {
                extra,
                seed,
                drop,
                dup,
            } => {
                let end = (total + u16::from(extra)).min(source.last.max(total));
                let mut rng = Rng::new(seed);
                let mut order: Vec<u16> = (1..=end).filter(|_| !rng.chance(drop)).collect();
                let dups: Vec<u16> = order.iter().copied().filter(|_| rng.chance(dup)).collect();
                order.extend(dups);
                rng.shuffle(&mut order);
                for c in order.into_iter().take(budget) {
                    h.push(c, &source.payload(c).expect("real"), true);
                    budget -= 1;
                }
            }
        }
    }
    h.outcome
}
