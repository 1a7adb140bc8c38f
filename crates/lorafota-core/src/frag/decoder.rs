//! The TS004 decoder (device side): fragments in any order -> the data block.
//!
//! Design (see `SPEC_NOTES.md` for how it relates to the reference decoders):
//!
//! * Until the first coded fragment, uncoded fragments go straight to their slots, in any order.
//! * The first coded fragment fixes the set of lost uncoded fragments (`L` of them) and ranks
//!   them `0..L` by position. From then on every fragment is an equation over those `L`
//!   unknowns: a coded fragment's row, with the received columns XORed out of its payload, or a
//!   late uncoded fragment, a unit row.
//! * Equations are reduced against an upper-triangular set of pivot rows kept packed in
//!   `L(L+1)/2` bits (row `p` holds columns `p..L`); a new pivot's reduced payload is parked in
//!   the slot of the lost fragment it pivots on. A row that reduces to zero adds nothing.
//! * Rank `L` means the received fragments determine the block: back-substitution then rewrites
//!   the lost slots, and completion is reported on exactly that fragment, as the references do.
//!
//! State beyond the block: the lost bitmap (M bits), one row (M bits), the triangle for the
//! configured `max_lost` and one fragment of scratch: see [`Decoder::state_bytes`].

use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use super::bits::{self, SelectCursor};
use super::rows::draw_row;
use super::store::{FragmentStore, RamStore};
use super::{FragError, FragParams, MAX_COUNTER, Ts004Version};

/// What a fragment changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// More fragments are needed.
    Ongoing,
    /// This fragment completed the block (reported exactly once).
    Completed,
    /// The block was already complete; the fragment was ignored.
    AlreadyCompleted,
    /// The session cannot complete; the fragment was ignored.
    Failed(Failure),
}

/// Why a session cannot complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// More uncoded fragments were lost than the decoder was configured to recover (the
    /// FragSessionStatusAns "not enough matrix memory" case).
    TooManyLost {
        /// Uncoded fragments lost.
        lost: u16,
        /// The configured limit.
        max_lost: u16,
    },
    /// The fragment store failed; the block in it cannot be trusted.
    Storage,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooManyLost { lost, max_lost } => {
                write!(
                    f,
                    "{lost} uncoded fragments lost, more than the {max_lost} this decoder can recover"
                )
            }
            Self::Storage => f.write_str("the fragment store failed"),
        }
    }
}

/// Errors of [`Decoder::push`]. A rejected fragment leaves the decoder unchanged, except for
/// [`DecodeError::Store`] which also marks the session [`Failure::Storage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError<E> {
    /// The fragment itself is invalid (counter 0 or above 16383, wrong payload size).
    Fragment(FragError),
    /// The fragment store failed.
    Store(E),
}

impl<E: fmt::Debug> fmt::Display for DecodeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Fragment(e) => e.fmt(f),
            Self::Store(e) => write!(f, "fragment store error: {e:?}"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for DecodeError<E> {}

impl<E> From<FragError> for DecodeError<E> {
    fn from(e: FragError) -> Self {
        Self::Fragment(e)
    }
}

/// What a FragSessionStatusAns reports, and a little more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderStatus {
    /// Fragments accepted so far, duplicates included (NbFragReceived).
    pub received: u32,
    /// Uncoded fragments lost: those still missing before the first coded fragment, the fixed
    /// `L` after it.
    pub lost: u16,
    /// Independent equations gathered over the lost fragments.
    pub rank: u16,
    /// Fragments still needed at the very least (MissingFrag): `lost - rank`, 0 once complete.
    pub missing: u16,
    /// Whether the block is rebuilt.
    pub completed: bool,
    /// The failure, if the session cannot complete (a memory error for TooManyLost).
    pub failure: Option<Failure>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Only uncoded fragments so far; `lost` bits mark those not yet received.
    Uncoded {
        received: u16,
    },
    /// Solving for `lost` unknowns, `rank` pivots found.
    Coded {
        lost: u16,
        rank: u16,
    },
    Completed {
        lost: u16,
    },
    Failed(Failure, u16),
}

/// A TS004 device-side decoder over a [`FragmentStore`].
///
/// ```
/// use lorafota_core::frag::{Decoder, Encoder, Progress, Ts004Version};
/// let data: Vec<u8> = (0..200u8).collect();
/// let block = Encoder::new(data.clone(), 20, Ts004Version::V1)?.encode(6)?;
/// let mut dec = Decoder::new_in_memory(block.params(), Ts004Version::V1, None);
/// let mut done_at = None;
/// for f in block.fragments().filter(|f| f.counter != 3 && f.counter != 7) {
///     if dec.push(f.counter, &f.payload)? == Progress::Completed {
///         done_at = Some(f.counter);
///     }
/// }
/// assert!(done_at.is_some());
/// assert_eq!(dec.data(), Some(&data[..]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Decoder<S> {
    params: FragParams,
    version: Ts004Version,
    max_lost: u16,
    store: S,
    /// Before the coded phase: 1 = not received yet. After: 1 = unknown (ranked) column.
    lost: Vec<u64>,
    /// A parity row, then (compacted in place) its reduction over the lost columns.
    row: Vec<u64>,
    /// Pivot rows, packed: row `p` = bits `p..L` at offset `p*L - p(p-1)/2`. The diagonal bit
    /// of row `p` is set exactly when pivot `p` exists.
    triangle: Vec<u64>,
    /// The payload of the equation being reduced.
    scratch: Vec<u8>,
    phase: Phase,
    received: u32,
}

impl Decoder<RamStore<Vec<u8>>> {
    /// A decoder with its block on the heap. `max_lost` bounds the triangle's memory
    /// (`None` = `M`: decode whenever the fragments allow).
    pub fn new_in_memory(params: FragParams, version: Ts004Version, max_lost: Option<u16>) -> Self {
        Self::new(params, version, max_lost, RamStore::for_params(params))
    }
}

impl<B: AsRef<[u8]> + AsMut<[u8]>> Decoder<RamStore<B>> {
    /// The data block without padding, once complete.
    pub fn data(&self) -> Option<&[u8]> {
        matches!(self.phase, Phase::Completed { .. })
            .then(|| &self.store.as_bytes()[..self.params.data_len()])
    }
}

impl<S: FragmentStore> Decoder<S> {
    /// A decoder over `store`. `max_lost` (capped at `M`; `None` = `M`) is the most lost
    /// uncoded fragments it can recover; memory for that is allocated here, once.
    pub fn new(params: FragParams, version: Ts004Version, max_lost: Option<u16>, store: S) -> Self {
        let m = usize::from(params.nb_frag());
        let max_lost = max_lost.map_or(params.nb_frag(), |l| l.min(params.nb_frag()));
        let words = m.div_ceil(64);
        let mut lost = vec![u64::MAX; words];
        if m % 64 != 0
            && let Some(last) = lost.last_mut()
        {
            *last = (1u64 << (m % 64)) - 1;
        }
        Self {
            params,
            version,
            max_lost,
            store,
            lost,
            row: vec![0; words],
            triangle: vec![0; triangle_bits(max_lost).div_ceil(64)],
            scratch: vec![0; params.fragment_size().into()],
            phase: Phase::Uncoded { received: 0 },
            received: 0,
        }
    }

    /// Bytes of decoder state beyond the block itself, for `M` fragments of `S` bytes and up to
    /// `max_lost` lost: `ceil(L(L+1)/2 / 64) * 8 + 2 * ceil(M/64) * 8 + S`.
    pub const fn state_bytes(nb_frag: u16, fragment_size: u8, max_lost: u16) -> usize {
        let words = (nb_frag as usize).div_ceil(64);
        triangle_bits(max_lost).div_ceil(64) * 8 + 2 * words * 8 + fragment_size as usize
    }

    /// Bytes of state this decoder actually holds beyond the block (its allocations); equal to
    /// [`Self::state_bytes`] for its parameters.
    pub fn state_memory(&self) -> usize {
        (self.lost.capacity() + self.row.capacity() + self.triangle.capacity()) * 8
            + self.scratch.capacity()
    }

    /// The session parameters.
    pub fn params(&self) -> FragParams {
        self.params
    }
    /// The store, e.g. to read the block after completion.
    pub fn store(&self) -> &S {
        &self.store
    }
    /// Gives the store back.
    pub fn into_store(self) -> S {
        self.store
    }
    /// Whether the block is rebuilt.
    pub fn is_complete(&self) -> bool {
        matches!(self.phase, Phase::Completed { .. })
    }

    /// The counters of the FragSessionStatusAns and the decoder's state.
    pub fn status(&self) -> DecoderStatus {
        let (lost, rank, completed, failure) = match self.phase {
            Phase::Uncoded { received } => (self.params.nb_frag() - received, 0, false, None),
            Phase::Coded { lost, rank } => (lost, rank, false, None),
            Phase::Completed { lost } => (lost, lost, true, None),
            Phase::Failed(f, lost) => (lost, 0, false, Some(f)),
        };
        let missing = if completed { 0 } else { lost - rank };
        DecoderStatus {
            received: self.received,
            lost,
            rank,
            missing,
            completed,
            failure,
        }
    }

    /// Takes one fragment: `counter` is the 1-based DataFragment N, `payload` its
    /// `fragment_size` bytes. Any order; duplicates and late uncoded fragments are fine.
    pub fn push(
        &mut self,
        counter: u16,
        payload: &[u8],
    ) -> Result<Progress, DecodeError<S::Error>> {
        if counter == 0 {
            return Err(FragError::CounterZero.into());
        }
        if counter > MAX_COUNTER {
            return Err(FragError::CounterOutOfRange(counter).into());
        }
        let s = self.params.fragment_size();
        if payload.len() != usize::from(s) {
            return Err(FragError::WrongPayloadSize {
                expected: s,
                got: payload.len(),
            }
            .into());
        }
        match self.phase {
            Phase::Completed { .. } => return Ok(Progress::AlreadyCompleted),
            Phase::Failed(f, _) => return Ok(Progress::Failed(f)),
            _ => {}
        }
        self.received = self.received.saturating_add(1);
        let result = self.take(counter, payload);
        if result.is_err() {
            self.phase = Phase::Failed(Failure::Storage, self.status().lost);
        }
        result.map_err(DecodeError::Store)
    }

    fn take(&mut self, counter: u16, payload: &[u8]) -> Result<Progress, S::Error> {
        let m = self.params.nb_frag();
        let slot = counter - 1;
        if let Phase::Uncoded { received } = self.phase {
            if counter <= m {
                if bits::test(&self.lost, slot.into()) {
                    self.store.write(slot, payload)?;
                    bits::clear(&mut self.lost, slot.into());
                    let received = received + 1;
                    self.phase = if received == m {
                        Phase::Completed { lost: 0 }
                    } else {
                        Phase::Uncoded { received }
                    };
                    if received == m {
                        return Ok(Progress::Completed);
                    }
                }
                return Ok(Progress::Ongoing);
            }
            let lost = m - received;
            if lost > self.max_lost {
                let f = Failure::TooManyLost {
                    lost,
                    max_lost: self.max_lost,
                };
                self.phase = Phase::Failed(f, lost);
                return Ok(Progress::Failed(f));
            }
            self.phase = Phase::Coded { lost, rank: 0 };
        }
        let Phase::Coded { lost, .. } = self.phase else {
            return Ok(Progress::Ongoing);
        };
        self.scratch.copy_from_slice(payload);
        self.row.fill(0);
        if counter <= m {
            if !bits::test(&self.lost, slot.into()) {
                return Ok(Progress::Ongoing); // a duplicate of a received uncoded fragment
            }
            // A late uncoded fragment: the unit equation of its lost column.
            let rank = rank_of(&self.lost, slot.into());
            bits::set(&mut self.row, rank);
        } else {
            draw_row(self.version, m, counter - m, &mut self.row[..]);
            self.reduce_row_over_lost()?;
        }
        self.eliminate(lost)
    }

    /// Turns the row in `self.row` (over all M columns) into an equation over the lost ones:
    /// received columns are XORed out of the payload, lost column `c` becomes bit `rank(c)`,
    /// compacted in place (a rank never exceeds its column, so writes trail the reads).
    fn reduce_row_over_lost(&mut self) -> Result<(), S::Error> {
        let mut lost_before = 0usize;
        for i in 0..self.row.len() {
            let row_word = core::mem::take(&mut self.row[i]);
            let lost_word = self.lost[i];
            let mut received = row_word & !lost_word;
            while received != 0 {
                let col = i * 64 + received.trailing_zeros() as usize;
                self.store.xor_into(col as u16, &mut self.scratch)?;
                received &= received - 1;
            }
            let mut unknown = row_word & lost_word;
            while unknown != 0 {
                let b = unknown.trailing_zeros();
                let rank = lost_before + (lost_word & ((1u64 << b) - 1)).count_ones() as usize;
                bits::set(&mut self.row, rank);
                unknown &= unknown - 1;
            }
            lost_before += lost_word.count_ones() as usize;
        }
        Ok(())
    }

    /// Reduces the equation (`self.row` over `lost` unknowns, payload in `self.scratch`) against
    /// the pivots; stores it as a new pivot if anything is left.
    fn eliminate(&mut self, lost: u16) -> Result<Progress, S::Error> {
        let l = usize::from(lost);
        let mut columns = SelectCursor::new(&self.lost);
        let mut from = 0;
        while let Some(p) = bits::next_set(&self.row, from, l) {
            let offset = triangle_offset(l, p);
            let col = columns.select(p).unwrap_or(0) as u16;
            if bits::test(&self.triangle, offset) {
                bits::xor_range(&mut self.row, p, &self.triangle, offset, l - p);
                self.store.xor_into(col, &mut self.scratch)?;
                from = p + 1;
            } else {
                bits::copy_range(&mut self.triangle, offset, &self.row, p, l - p);
                self.store.write(col, &self.scratch)?;
                let Phase::Coded { rank, .. } = &mut self.phase else {
                    return Ok(Progress::Ongoing);
                };
                *rank += 1;
                if *rank < lost {
                    return Ok(Progress::Ongoing);
                }
                self.back_substitute(l)?;
                self.phase = Phase::Completed { lost };
                return Ok(Progress::Completed);
            }
        }
        Ok(Progress::Ongoing) // the equation added nothing new
    }

    /// With all `l` pivots present, solves from the last unknown up: slot(p) ^= slot(q) for
    /// every q > p in pivot row p.
    fn back_substitute(&mut self, l: usize) -> Result<(), S::Error> {
        for p in (0..l).rev() {
            let offset = triangle_offset(l, p);
            let col_p = column_of_rank(&self.lost, p);
            self.store.read(col_p, 0, &mut self.scratch)?;
            let mut columns = SelectCursor::new(&self.lost);
            let mut from = offset + 1;
            while let Some(bit) = bits::next_set(&self.triangle, from, offset + (l - p)) {
                let q = p + (bit - offset);
                let col_q = columns.select(q).unwrap_or(0) as u16;
                self.store.xor_into(col_q, &mut self.scratch)?;
                from = bit + 1;
            }
            self.store.write(col_p, &self.scratch)?;
        }
        Ok(())
    }
}

/// Bits of a packed triangle for `l` unknowns.
const fn triangle_bits(l: u16) -> usize {
    let l = l as usize;
    l * (l + 1) / 2
}

/// Where pivot row `p` starts in the packed triangle for `l` unknowns.
fn triangle_offset(l: usize, p: usize) -> usize {
    p * l - p * p.saturating_sub(1) / 2
}

/// Number of set bits before position `i`.
fn rank_of(words: &[u64], i: usize) -> usize {
    let full: usize = words[..i / 64]
        .iter()
        .map(|w| w.count_ones() as usize)
        .sum();
    full + words
        .get(i / 64)
        .map_or(0, |w| (w & ((1u64 << (i % 64)) - 1)).count_ones() as usize)
}

/// Position of set bit number `rank`.
fn column_of_rank(words: &[u64], rank: usize) -> u16 {
    SelectCursor::new(words).select(rank).unwrap_or(0) as u16
}
