//! The fragmentation codecs: TS004 (default) and Reed-Solomon, encoder and device-side decoder.

use lorafota_core::codec::{Block, BlockDecoder, Codec};
use lorafota_core::frag::{self, CounterBase, FragParams, Progress, Ts004Version};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyList, PySlice};

use crate::errors::{Kind, error, parameter, py_param};

/// Parses a `ts004=` argument.
pub(crate) fn version(name: &str) -> PyResult<Ts004Version> {
    name.parse()
        .map_err(|e| parameter(format!("ts004={name:?}: {e}")))
}

fn counter_base(base: u8) -> PyResult<CounterBase> {
    match base {
        1 => Ok(CounterBase::One),
        0 => Ok(CounterBase::Zero),
        _ => Err(parameter(format!(
            "counter_base={base}: must be 1 (TS004) or 0 (MultiTech gateways)"
        ))),
    }
}

fn codec(name: &str) -> PyResult<Codec> {
    name.parse()
        .map_err(|e| parameter(format!("codec={name:?}: {e}")))
}

/// Every fragment of an encoded block, in counter order: a sequence of `(counter, payload)`.
#[pyclass(frozen, module = "lorafota._lorafota")]
pub struct Fragments {
    block: Block,
    version: Ts004Version,
    base: CounterBase,
}

impl Fragments {
    fn item(&self, py: Python<'_>, index: usize) -> Option<(u16, Py<PyBytes>)> {
        let counter = u16::try_from(index + 1).ok()?;
        let payload = self.block.fragment(counter)?.payload;
        let wire = self.base.to_wire(counter)?;
        Some((wire, PyBytes::new(py, &payload).unbind()))
    }
}

#[pymethods]
impl Fragments {
    /// M, the uncoded fragments (FragSessionSetupReq NbFrag).
    #[getter]
    fn nb_frag(&self) -> u16 {
        self.block.params().nb_frag()
    }
    /// S, bytes per fragment.
    #[getter]
    fn fragment_size(&self) -> u8 {
        self.block.params().fragment_size()
    }
    /// Zero bytes appended to the data to fill the last fragment.
    #[getter]
    fn padding(&self) -> u8 {
        self.block.params().padding()
    }
    /// R, the coded fragments after the M uncoded ones.
    #[getter]
    fn redundancy(&self) -> u16 {
        self.block.redundancy()
    }
    /// Length of the data before padding.
    #[getter]
    fn data_len(&self) -> usize {
        self.block.params().data_len()
    }
    /// The parity rule: "v1", "v2" or "v2-spec".
    #[getter]
    fn ts004(&self) -> &'static str {
        self.version.name()
    }
    /// "ts004" or "rs".
    #[getter]
    fn codec(&self) -> &'static str {
        self.block.codec().name()
    }
    /// 1 (TS004) or 0 (MultiTech gateways): the number of the first fragment.
    #[getter]
    fn counter_base(&self) -> u8 {
        match self.base {
            CounterBase::One => 1,
            CounterBase::Zero => 0,
        }
    }
    /// The payload of fragment `counter` (numbered in this block's counter base).
    fn payload<'py>(&self, py: Python<'py>, counter: u16) -> PyResult<Bound<'py, PyBytes>> {
        self.base
            .from_wire(counter)
            .and_then(|c| self.block.fragment(c))
            .map(|f| PyBytes::new(py, &f.payload))
            .ok_or_else(|| {
                pyo3::exceptions::PyIndexError::new_err(format!("no fragment {counter}"))
            })
    }
    /// Every payload back to back in counter order (what `lorafota encode --format bin` writes).
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let (uncoded, coded) = (self.block.uncoded_payloads(), self.block.coded_payloads());
        // Written straight into the Python object: no intermediate copy.
        PyBytes::new_with(py, uncoded.len() + coded.len(), |out| {
            let (head, tail) = out.split_at_mut(uncoded.len());
            head.copy_from_slice(uncoded);
            tail.copy_from_slice(coded);
            Ok(())
        })
    }
    fn __len__(&self) -> usize {
        self.block.len()
    }
    fn __getitem__<'py>(&self, py: Python<'py>, index: &Bound<'py, PyAny>) -> PyResult<Py<PyAny>> {
        let len = self.block.len();
        if let Ok(slice) = index.cast::<PySlice>() {
            let indices = slice.indices(isize::try_from(len).unwrap_or(isize::MAX))?;
            let list = PyList::empty(py);
            let mut i = indices.start;
            for _ in 0..indices.slicelength {
                if let Some(item) = usize::try_from(i).ok().and_then(|i| self.item(py, i)) {
                    list.append(item)?;
                }
                i += indices.step;
            }
            return Ok(list.into_any().unbind());
        }
        let i: isize = index.extract()?;
        let resolved = if i < 0 { i + len as isize } else { i };
        usize::try_from(resolved)
            .ok()
            .and_then(|i| self.item(py, i))
            .map(|item| item.into_pyobject(py).map(|t| t.into_any().unbind()))
            .transpose()?
            .ok_or_else(|| pyo3::exceptions::PyIndexError::new_err("fragment index out of range"))
    }
    fn __iter__(slf: Bound<'_, Self>) -> FragmentsIter {
        FragmentsIter {
            fragments: slf.unbind(),
            next: 0,
        }
    }
    fn __repr__(&self) -> String {
        format!(
            "Fragments(codec={:?}, ts004={:?}, nb_frag={}, fragment_size={}, padding={}, redundancy={})",
            self.block.codec().name(),
            self.version.name(),
            self.nb_frag(),
            self.fragment_size(),
            self.padding(),
            self.redundancy()
        )
    }
}

/// Iterator over [`Fragments`].
#[pyclass(module = "lorafota._lorafota")]
pub struct FragmentsIter {
    fragments: Py<Fragments>,
    next: usize,
}

#[pymethods]
impl FragmentsIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __next__(&mut self, py: Python<'_>) -> Option<(u16, Py<PyBytes>)> {
        let item = self.fragments.get().item(py, self.next)?;
        self.next += 1;
        Some(item)
    }
}

/// Encodes `data` into `M` uncoded and `redundancy` coded fragments.
#[pyfunction]
#[pyo3(signature = (data, fragment_size, redundancy, *, ts004 = "v1", codec = "ts004", counter_base = 1))]
fn encode(
    py: Python<'_>,
    data: PyBackedBytes,
    fragment_size: usize,
    redundancy: usize,
    ts004: &str,
    codec: &str,
    counter_base: u8,
) -> PyResult<Fragments> {
    let version = version(ts004)?;
    let codec = self::codec(codec)?;
    let base = self::counter_base(counter_base)?;
    let block = py
        .detach(|| Block::encode(codec, &data, fragment_size, version, redundancy))
        .map_err(py_param)?;
    Ok(Fragments {
        block,
        version,
        base,
    })
}

/// The parity row of coded fragment `coded_index` (1-based): the 0-based columns it XORs.
#[pyfunction]
#[pyo3(signature = (nb_frag, coded_index, *, ts004 = "v1"))]
fn parity_row(nb_frag: u16, coded_index: u16, ts004: &str) -> PyResult<Vec<usize>> {
    let version = version(ts004)?;
    if nb_frag == 0 || nb_frag > frag::MAX_COUNTER {
        return Err(parameter(format!(
            "nb_frag={nb_frag}: must be 1..={}",
            frag::MAX_COUNTER
        )));
    }
    if coded_index == 0 {
        return Err(parameter(
            "coded_index is 1-based: 0 is not a coded fragment",
        ));
    }
    let mut row = vec![0u64; usize::from(nb_frag).div_ceil(64)];
    frag::fill_row(version, nb_frag, coded_index, &mut row);
    let mut cols = Vec::new();
    for (w, word) in row.iter().enumerate() {
        let mut bits = *word;
        while bits != 0 {
            cols.push(w * 64 + bits.trailing_zeros() as usize);
            bits &= bits - 1;
        }
    }
    Ok(cols)
}

/// A device-side decoder: fragments in any order, duplicates and late ones accepted.
#[pyclass(module = "lorafota._lorafota")]
pub struct Decoder {
    inner: BlockDecoder,
    version: Ts004Version,
    base: CounterBase,
    completed_at: Option<u16>,
}

fn progress_name(p: Progress) -> &'static str {
    match p {
        Progress::Ongoing => "ongoing",
        Progress::Completed => "completed",
        Progress::AlreadyCompleted => "already_completed",
        Progress::Failed(_) => "failed",
    }
}

impl Decoder {
    fn status(&self) -> frag::DecoderStatus {
        self.inner.status()
    }
    /// One fragment, GIL-free: the counter in this decoder's base.
    fn push_one(&mut self, counter: u16, payload: &[u8]) -> Result<Progress, String> {
        let spec = self
            .base
            .from_wire(counter)
            .ok_or_else(|| format!("counter {counter} is out of range"))?;
        let progress = self.inner.push(spec, payload).map_err(|e| e.to_string())?;
        if progress == Progress::Completed {
            self.completed_at = Some(counter);
        }
        Ok(progress)
    }
}

#[pymethods]
impl Decoder {
    #[new]
    #[pyo3(signature = (nb_frag, fragment_size, padding = 0, *, ts004 = "v1", max_lost = None, codec = "ts004", redundancy = None, counter_base = 1))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        nb_frag: u16,
        fragment_size: u8,
        padding: u8,
        ts004: &str,
        max_lost: Option<u16>,
        codec: &str,
        redundancy: Option<u16>,
        counter_base: u8,
    ) -> PyResult<Self> {
        let version = version(ts004)?;
        let params = FragParams::new(nb_frag, fragment_size, padding).map_err(py_param)?;
        let codec = self::codec(codec)?;
        if codec == Codec::ReedSolomon && redundancy.is_none() {
            return Err(parameter(
                "codec=\"rs\" needs redundancy= (it selects the Galois field)",
            ));
        }
        let inner = BlockDecoder::new(codec, params, version, max_lost, redundancy.unwrap_or(0))
            .map_err(py_param)?;
        Ok(Self {
            inner,
            version,
            base: self::counter_base(counter_base)?,
            completed_at: None,
        })
    }

    /// Takes one fragment; returns "ongoing", "completed" (exactly once, on the fragment that
    /// completed the block), "already_completed" or "failed". A rejected fragment raises
    /// `DecodeError` and changes nothing.
    fn push(&mut self, counter: u16, payload: &[u8]) -> PyResult<&'static str> {
        self.push_one(counter, payload)
            .map(progress_name)
            .map_err(|m| error(Kind::Decode, m))
    }

    /// Takes many `(counter, payload)` fragments with the GIL released; returns the counter on
    /// which the block completed, or None. Stops at the first invalid fragment (raises).
    fn push_all(&mut self, py: Python<'_>, fragments: &Bound<'_, PyAny>) -> PyResult<Option<u16>> {
        let mut batch: Vec<(u16, PyBackedBytes)> = Vec::new();
        for item in fragments.try_iter()? {
            batch.push(item?.extract()?);
        }
        py.detach(|| {
            for (counter, payload) in &batch {
                self.push_one(*counter, payload)?;
            }
            Ok(self.completed_at)
        })
        .map_err(|m: String| error(Kind::Decode, m))
    }

    /// Whether the block is rebuilt.
    #[getter]
    fn completed(&self) -> bool {
        self.status().completed
    }
    /// The counter on which completion was reported, if it was.
    #[getter]
    fn completed_at(&self) -> Option<u16> {
        self.completed_at
    }
    /// The rebuilt data (padding stripped), or None before completion.
    #[getter]
    fn data<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        self.inner.data().map(|d| PyBytes::new(py, d))
    }
    /// Fragments accepted so far, duplicates included (FragSessionStatusAns NbFragReceived).
    #[getter]
    fn received(&self) -> u32 {
        self.status().received
    }
    /// Fragments still needed at the very least (FragSessionStatusAns MissingFrag).
    #[getter]
    fn missing(&self) -> u16 {
        self.status().missing
    }
    /// Uncoded fragments lost (fixed once the first coded fragment arrives).
    #[getter]
    fn lost(&self) -> u16 {
        self.status().lost
    }
    /// Why the session cannot complete (e.g. more lost than `max_lost`), or None.
    #[getter]
    fn failure(&self) -> Option<String> {
        self.status().failure.map(|f| f.to_string())
    }
    /// True when more fragments were lost than the decoder has memory for
    /// (FragSessionStatusAns "not enough matrix memory").
    #[getter]
    fn out_of_memory(&self) -> bool {
        matches!(
            self.status().failure,
            Some(frag::Failure::TooManyLost { .. })
        )
    }
    /// Bytes of decoder state beyond the data block.
    #[getter]
    fn state_memory(&self) -> usize {
        self.inner.state_memory()
    }
    /// The parity rule in use.
    #[getter]
    fn ts004(&self) -> &'static str {
        self.version.name()
    }
    fn __repr__(&self) -> String {
        let s = self.status();
        format!(
            "Decoder(received={}, lost={}, missing={}, completed={})",
            s.received,
            s.lost,
            s.missing,
            if s.completed { "True" } else { "False" }
        )
    }
}

/// Adds the codec to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Fragments>()?;
    m.add_class::<FragmentsIter>()?;
    m.add_class::<Decoder>()?;
    m.add_function(wrap_pyfunction!(encode, m)?)?;
    m.add_function(wrap_pyfunction!(parity_row, m)?)?;
    Ok(())
}
