//! `ts004_decoder`: a [`Decoder`] fed real, forged, corrupted and malformed fragments in any
//! order, checked push by push against the GF(2) model of [`crate::model`].
//!
//! The [`Harness`] is shared with `ts004_roundtrip`. After every push it asserts:
//!
//! * a malformed fragment (counter 0 or above 16383, wrong length) is refused with the matching
//!   [`FragError`] and leaves [`Decoder::status`] unchanged;
//! * `Completed` is returned exactly on the push that brings the rank of the equations received
//!   (unit rows for uncoded fragments, independently drawn parity rows for coded ones) to M,
//!   so never twice, never early and never late (full rank implies completion);
//! * `Failed(TooManyLost)` exactly when the first coded fragment finds more than `max_lost`
//!   uncoded fragments missing; `AlreadyCompleted` / `Failed` afterwards;
//! * `status()` agrees with the model (received count, lost, rank, missing, flags);
//! * on completion `data()` is the model's solution of the equations it kept, which is the
//!   encoded data exactly unless a forged fragment was accepted;
//! * a second decoder over a store that implements only `read`/`write`, starts full of junk and
//!   may fail at any operation, answers the same until its store fails, then reports
//!   `Err(Store)` once and `Failed(Storage)` after, and ends with the same block.

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use bytes::Bytes;
use lorafota_core::frag::{
    DecodeError, Decoder, Encoder, Failure, FragError, FragParams, FragmentStore, MAX_COUNTER,
    Progress, Ts004Version,
};

use crate::model::{
    Gf2System, Rng, fragment_size, max_lost, nb_frag, reference_row, unit_row, version,
};

/// One fuzz input of `ts004_decoder`.
#[derive(Debug, Arbitrary)]
pub struct DecoderCase {
    /// M, 1..=300.
    #[arbitrary(with = nb_frag)]
    pub nb_frag: u16,
    /// S, 1..=64.
    #[arbitrary(with = fragment_size)]
    pub fragment_size: u8,
    /// Padding is this modulo S.
    pub padding: u8,
    /// Parity-row rule.
    #[arbitrary(with = version)]
    pub version: Ts004Version,
    /// The decoder's loss budget (`None` = M).
    #[arbitrary(with = max_lost)]
    pub max_lost: Option<u16>,
    /// Seed of the data block.
    pub data_seed: u64,
    /// The operation of the second decoder's store that fails, if any.
    pub store_fails_at: Option<u16>,
    /// What to push.
    pub ops: Vec<Op>,
}

/// One step of a decoder session.
#[derive(Debug, Arbitrary)]
pub enum Op {
    /// The real fragment `1 + n % (2M + 16)`.
    Real(u16),
    /// The real fragment of any counter, or a malformed counter (0, above 16383).
    AnyCounter(u16),
    /// A payload of `len % 300` bytes (exactly S when `len` is 0) made from `fill`.
    Garbage {
        /// Counter as sent.
        counter: u16,
        /// Length selector.
        len: u16,
        /// Pattern byte.
        fill: u8,
    },
    /// The real fragment `1 + n % (2M + 16)` with one byte flipped.
    Corrupt {
        /// Counter selector.
        counter: u16,
        /// Which byte (modulo S).
        at: u8,
        /// XOR mask (made non-zero).
        mask: u8,
    },
    /// Every fragment 1..=M+R shuffled, each dropped or repeated with the given odds.
    Stream {
        /// Shuffle, loss and duplicate seed.
        seed: u64,
        /// R is this modulo (M + M/2 + 1).
        redundancy: u16,
        /// Drop odds out of 256.
        drop: u8,
        /// Duplicate odds out of 256.
        dup: u8,
    },
}

/// What a case ended with, so the replay tests can check they reach every outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// The block was rebuilt.
    pub completed: bool,
    /// The loss budget was exceeded.
    pub too_many_lost: bool,
    /// The second decoder's store failed.
    pub store_failed: bool,
    /// A forged or corrupted fragment was accepted.
    pub tainted: bool,
}

/// The store fault of [`FlakyStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFault;

/// A store with only the two required methods (so the decoder runs the default `xor_into`),
/// junk in every slot at the start, and an optional failure at operation `fail_at`.
#[derive(Debug)]
struct FlakyStore {
    buf: Vec<u8>,
    s: usize,
    ops: u32,
    fail_at: Option<u32>,
    failed: bool,
}

impl FlakyStore {
    fn tick(&mut self) -> core::result::Result<(), StoreFault> {
        self.ops += 1;
        if self.fail_at == Some(self.ops) {
            self.failed = true;
            return Err(StoreFault);
        }
        Ok(())
    }
}

impl FragmentStore for FlakyStore {
    type Error = StoreFault;

    fn write(&mut self, slot: u16, data: &[u8]) -> core::result::Result<(), StoreFault> {
        self.tick()?;
        assert_eq!(data.len(), self.s, "write of a partial slot");
        let at = usize::from(slot) * self.s;
        self.buf[at..at + self.s].copy_from_slice(data);
        Ok(())
    }

    fn read(
        &mut self,
        slot: u16,
        offset: usize,
        out: &mut [u8],
    ) -> core::result::Result<(), StoreFault> {
        self.tick()?;
        assert!(offset + out.len() <= self.s, "read past the slot");
        let at = usize::from(slot) * self.s + offset;
        out.copy_from_slice(&self.buf[at..at + out.len()]);
        Ok(())
    }
}

/// The real fragments of one block, for any counter, cached.
pub struct Source {
    encoder: Encoder,
    coded: BTreeMap<u16, Bytes>,
}

impl Source {
    /// Fragments of `encoder`'s block.
    pub fn new(encoder: Encoder) -> Self {
        Self {
            encoder,
            coded: BTreeMap::new(),
        }
    }

    /// The real payload of `counter` (1..=16383).
    pub fn payload(&mut self, counter: u16) -> Bytes {
        let m = self.encoder.params().nb_frag();
        if counter <= m {
            return self.encoder.uncoded(counter).expect("uncoded counter");
        }
        let enc = &self.encoder;
        self.coded
            .entry(counter)
            .or_insert_with(|| enc.coded(counter - m).expect("coded counter"))
            .clone()
    }
}

/// Model state of one decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Uncoded,
    Coded { lost: u16 },
    Completed,
    Failed { lost: u16 },
}

/// Two decoders and the model they are checked against.
pub struct Harness {
    params: FragParams,
    version: Ts004Version,
    max_lost: u16,
    data: Vec<u8>,
    primary: Decoder<lorafota_core::frag::RamStore<Vec<u8>>>,
    flaky: Decoder<FlakyStore>,
    flaky_failed: bool,
    system: Gf2System,
    rows: BTreeMap<u16, Vec<u64>>,
    phase: Phase,
    received: u32,
    outcome: Outcome,
}

impl Harness {
    /// Decoders for `data` sent with `params`.
    pub fn new(
        params: FragParams,
        version: Ts004Version,
        max_lost: Option<u16>,
        data: Vec<u8>,
        store_fails_at: Option<u16>,
    ) -> Self {
        let store = FlakyStore {
            buf: vec![0xA5; params.padded_len()],
            s: params.fragment_size().into(),
            ops: 0,
            fail_at: store_fails_at.map(u32::from),
            failed: false,
        };
        Self {
            params,
            version,
            max_lost: max_lost.map_or(params.nb_frag(), |l| l.min(params.nb_frag())),
            data,
            primary: Decoder::new_in_memory(params, version, max_lost),
            flaky: Decoder::new(params, version, max_lost, store),
            flaky_failed: false,
            system: Gf2System::new(params.nb_frag()),
            rows: BTreeMap::new(),
            phase: Phase::Uncoded,
            received: 0,
            outcome: Outcome::default(),
        }
    }

    /// What happened so far.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    fn row(&mut self, counter: u16) -> Vec<u64> {
        let m = self.params.nb_frag();
        if counter <= m {
            return unit_row(m, counter);
        }
        let version = self.version;
        self.rows
            .entry(counter)
            .or_insert_with(|| reference_row(version, m, counter - m))
            .clone()
    }

    /// Pushes one fragment into both decoders and checks everything; `genuine` says whether
    /// `payload` is the real fragment of `counter`.
    pub fn push(&mut self, counter: u16, payload: &[u8], genuine: bool) {
        let before = self.primary.status();
        let flaky_before = self.flaky.status();
        let got = self.primary.push(counter, payload);
        let store_was_failed = self.flaky.store().failed;
        let flaky_got = self.flaky.push(counter, payload);

        // Malformed: refused, nothing changes, in every state.
        let s = self.params.fragment_size();
        let malformed = if counter == 0 {
            Some(FragError::CounterZero)
        } else if counter > MAX_COUNTER {
            Some(FragError::CounterOutOfRange(counter))
        } else if payload.len() != usize::from(s) {
            Some(FragError::WrongPayloadSize {
                expected: s,
                got: payload.len(),
            })
        } else {
            None
        };
        if let Some(e) = malformed {
            assert_eq!(got, Err(DecodeError::Fragment(e)));
            assert_eq!(flaky_got, Err(DecodeError::Fragment(e)));
            assert_eq!(
                self.primary.status(),
                before,
                "a refused fragment changed the status"
            );
            assert_eq!(self.flaky.status(), flaky_before);
            return;
        }

        let want = self.expect(counter, payload, genuine);
        assert_eq!(
            got,
            Ok(want),
            "counter {counter}, model phase {:?}",
            self.phase
        );
        self.check_status();
        self.check_flaky(want, flaky_got, store_was_failed);
    }

    /// Advances the model by one well-formed fragment; returns what the decoder must answer.
    fn expect(&mut self, counter: u16, payload: &[u8], genuine: bool) -> Progress {
        let m = self.params.nb_frag();
        match self.phase {
            Phase::Completed => return Progress::AlreadyCompleted,
            Phase::Failed { lost } => {
                return Progress::Failed(Failure::TooManyLost {
                    lost,
                    max_lost: self.max_lost,
                });
            }
            Phase::Uncoded | Phase::Coded { .. } => {}
        }
        self.received += 1;
        if self.phase == Phase::Uncoded && counter > m {
            // The first coded fragment fixes the lost set; the rank so far counts received
            // uncoded fragments.
            let lost = m - self.system.rank() as u16;
            if lost > self.max_lost {
                self.phase = Phase::Failed { lost };
                self.outcome.too_many_lost = true;
                return Progress::Failed(Failure::TooManyLost {
                    lost,
                    max_lost: self.max_lost,
                });
            }
            self.phase = Phase::Coded { lost };
        }
        let row = self.row(counter);
        let kept = self.system.add(&row, payload);
        if kept && !genuine {
            self.outcome.tainted = true;
        }
        if self.system.rank() == usize::from(m) {
            self.phase = Phase::Completed;
            self.outcome.completed = true;
            self.check_block();
            Progress::Completed
        } else {
            Progress::Ongoing
        }
    }

    fn check_block(&self) {
        let solution = self.system.solve().expect("full rank");
        let data_len = self.params.data_len();
        let got = self.primary.data().expect("data() once complete");
        assert_eq!(got, &solution[..data_len], "block differs from the model");
        if !self.outcome.tainted {
            assert_eq!(got, &self.data[..], "block differs from the data sent");
        }
    }

    fn check_status(&self) {
        let st = self.primary.status();
        let m = self.params.nb_frag();
        let rank = self.system.rank() as u16;
        assert_eq!(st.received, self.received, "received");
        assert_eq!(st.completed, self.phase == Phase::Completed);
        assert_eq!(self.primary.is_complete(), st.completed);
        assert_eq!(self.primary.data().is_some(), st.completed);
        match self.phase {
            Phase::Uncoded => {
                assert_eq!((st.lost, st.rank, st.missing), (m - rank, 0, m - rank));
                assert_eq!(st.failure, None);
            }
            Phase::Coded { lost } => {
                let pivots = rank - (m - lost);
                assert_eq!(
                    (st.lost, st.rank, st.missing),
                    (lost, pivots, lost - pivots)
                );
                assert_eq!(st.failure, None);
            }
            Phase::Completed => {
                assert_eq!((st.rank, st.missing), (st.lost, 0));
                assert_eq!(st.failure, None);
            }
            Phase::Failed { lost } => {
                assert_eq!((st.lost, st.rank, st.missing), (lost, 0, lost));
                let f = Failure::TooManyLost {
                    lost,
                    max_lost: self.max_lost,
                };
                assert_eq!(st.failure, Some(f));
            }
        }
    }

    fn check_flaky(
        &mut self,
        want: Progress,
        got: core::result::Result<Progress, DecodeError<StoreFault>>,
        store_was_failed: bool,
    ) {
        if self.flaky_failed {
            assert_eq!(got, Ok(Progress::Failed(Failure::Storage)));
        } else if self.flaky.store().failed && !store_was_failed {
            // The fault happened in this push: reported once, then the session is dead.
            assert_eq!(got, Err(DecodeError::Store(StoreFault)));
            self.flaky_failed = true;
            self.outcome.store_failed = true;
        } else {
            assert_eq!(got, Ok(want), "the flaky-store decoder diverged");
        }
        let st = self.flaky.status();
        if self.flaky_failed {
            assert_eq!(st.failure, Some(Failure::Storage));
            assert!(!st.completed && !self.flaky.is_complete());
        } else {
            assert_eq!(
                st,
                self.primary.status(),
                "the flaky-store decoder's status diverged"
            );
            if want == Progress::Completed {
                let data_len = self.params.data_len();
                let block = &self.flaky.store().buf[..data_len];
                assert_eq!(Some(block), self.primary.data());
            }
        }
    }
}

/// Runs one `ts004_decoder` case.
pub fn run(case: &DecoderCase) -> Outcome {
    let (m, s) = (case.nb_frag, case.fragment_size);
    let padding = case.padding % s;
    let data_len = usize::from(m) * usize::from(s) - usize::from(padding);
    let data = Rng::new(case.data_seed).bytes(data_len);
    let encoder = Encoder::new(data.clone(), s.into(), case.version).expect("valid parameters");
    let params = encoder.params();
    assert_eq!(
        params,
        FragParams::new(m, s, padding).expect("valid parameters")
    );
    let mut source = Source::new(encoder);
    let mut h = Harness::new(
        params,
        case.version,
        case.max_lost,
        data,
        case.store_fails_at,
    );

    let near = |n: u16| 1 + n % (2 * m + 16);
    // Bounds the work of one input: a Stream can push up to ~2M fragments.
    let mut budget = 4 * usize::from(m) + 64;
    for op in &case.ops {
        if budget == 0 {
            break;
        }
        match *op {
            Op::Real(n) => {
                let c = near(n);
                h.push(c, &source.payload(c), true);
                budget -= 1;
            }
            Op::AnyCounter(c) => {
                let payload = if (1..=MAX_COUNTER).contains(&c) {
                    source.payload(c)
                } else {
                    Bytes::from(vec![0; s.into()])
                };
                h.push(c, &payload, true);
                budget -= 1;
            }
            Op::Garbage { counter, len, fill } => {
                let len = if len == 0 {
                    usize::from(s)
                } else {
                    usize::from(len % 300)
                };
                let payload: Vec<u8> = (0..len)
                    .map(|i| fill.wrapping_mul(i as u8 | 1) ^ (i >> 8) as u8)
                    .collect();
                let genuine = (1..=MAX_COUNTER).contains(&counter)
                    && payload.len() == usize::from(s)
                    && source.payload(counter)[..] == payload[..];
                h.push(counter, &payload, genuine);
                budget -= 1;
            }
            Op::Corrupt { counter, at, mask } => {
                let c = near(counter);
                let mut payload = source.payload(c).to_vec();
                payload[usize::from(at) % usize::from(s)] ^= mask | 1;
                h.push(c, &payload, false);
                budget -= 1;
            }
            Op::Stream {
                seed,
                redundancy,
                drop,
                dup,
            } => {
                let r = redundancy % (m + m / 2 + 1);
                let mut rng = Rng::new(seed);
                let mut order: Vec<u16> = (1..=m + r).filter(|_| !rng.chance(drop)).collect();
                let dups: Vec<u16> = order.iter().copied().filter(|_| rng.chance(dup)).collect();
                order.extend(dups);
                rng.shuffle(&mut order);
                for c in order.into_iter().take(budget) {
                    h.push(c, &source.payload(c), true);
                    budget -= 1;
                }
            }
        }
    }
    h.outcome()
}
