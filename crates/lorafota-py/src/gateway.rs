//! The gateway client (`GatewayClient`): every call runs on a worker thread while the calling
//! thread waits with the GIL released, checking for Ctrl-C every 100 ms, so a long upload or a
//! watch on a slow gateway can always be interrupted.

use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lorafota_core::Eui64;
use lorafota_gateway::api::monitor::{JobProgress, OperationResult, Progress, ScheduledJob};
use lorafota_gateway::api::params::{
    DEFAULT_MAX_MC_PAYLOAD, DeviceEuis, FragDescriptor, GroupTarget, MessagePayload, MessagePort,
    MulticastGroupId, ScheduleFilename, session_timeout,
};
use lorafota_gateway::api::schedule::{FotaJob, Job, McmJob, Pacing, Timing};
use lorafota_gateway::blocking::{BlockingWatch, GatewayClient as Blocking};
use lorafota_gateway::{Error as GwError, JobUpdate, Secret};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::{parameter, py_gw, py_param};
use crate::timing::to_py;

/// How often a waiting call checks for Ctrl-C.
const SIGNAL_CHECK: Duration = Duration::from_millis(100);

/// Runs `f` on a worker thread; waits for it without the GIL, raising `KeyboardInterrupt`
/// (and abandoning the worker's answer) if the user interrupts.
pub(crate) fn interruptible<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("lorafota-call".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| {
            pyo3::exceptions::PyRuntimeError::new_err(format!("cannot start a thread: {e}"))
        })?;
    // A Mutex makes the receiver shareable with the GIL-free closure; only this thread locks it.
    let rx = Mutex::new(rx);
    loop {
        let received = py.detach(|| match rx.lock() {
            Ok(r) => r.recv_timeout(SIGNAL_CHECK),
            Err(_) => Err(mpsc::RecvTimeoutError::Disconnected),
        });
        match received {
            Ok(v) => return Ok(v),
            Err(mpsc::RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "the gateway call's worker thread died",
                ));
            }
        }
    }
}

fn secs(name: &str, s: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(s)
        .map_err(|_| parameter(format!("{name}={s}: not a duration in seconds")))
}

fn progress_dict<'py>(py: Python<'py>, p: &JobProgress) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("schedule_filename", p.schedule_filename.as_deref())?;
    d.set_item("multicast_eui", p.multicast_eui.as_deref())?;
    d.set_item("transmission_type", p.transmission_type.map(|t| t.as_str()))?;
    d.set_item("input_filename", p.input_filename.as_deref())?;
    d.set_item("phase", p.phase.as_ref().map(|x| x.as_str()))?;
    d.set_item("percent", p.percent)?;
    let devices = PyList::empty(py);
    for dev in &p.devices {
        let row = PyDict::new(py);
        row.set_item("deveui", &dev.deveui)?;
        row.set_item("percent", dev.percent)?;
        row.set_item("status", &dev.status)?;
        devices.append(row)?;
    }
    d.set_item("devices", devices)?;
    Ok(d)
}

fn all_progress<'py>(py: Python<'py>, p: &Progress) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(
        "shape",
        match p.shape {
            lorafota_gateway::api::monitor::ApiShape::Seed => "seed",
            lorafota_gateway::api::monitor::ApiShape::Openapi => "openapi",
        },
    )?;
    let jobs = PyList::empty(py);
    for j in &p.jobs {
        jobs.append(progress_dict(py, j)?)?;
    }
    d.set_item("jobs", jobs)?;
    Ok(d)
}

fn result_dict<'py>(py: Python<'py>, r: &OperationResult) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("schedule_filename", r.schedule_filename.as_deref())?;
    d.set_item("multicast_eui", r.multicast_eui.as_deref())?;
    d.set_item("transmission_type", r.transmission_type.map(|t| t.as_str()))?;
    d.set_item("input_filename", r.input_filename.as_deref())?;
    d.set_item("schedule_source", r.schedule_source.as_deref())?;
    d.set_item("completed_at", r.completed_at)?;
    let t = r.tally();
    d.set_item("success", t.success)?;
    d.set_item("failed", t.failed)?;
    d.set_item("skipped", t.skipped)?;
    let devices = PyList::empty(py);
    for dev in &r.devices {
        let row = PyDict::new(py);
        row.set_item("deveui", &dev.deveui)?;
        row.set_item("status", &dev.status)?;
        row.set_item("outcome", dev.outcome().as_str())?;
        row.set_item("reason", dev.reason.as_deref())?;
        devices.append(row)?;
    }
    d.set_item("devices", devices)?;
    Ok(d)
}

fn scheduled_dict<'py>(py: Python<'py>, j: &ScheduledJob) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("schedule_filename", j.schedule_filename.as_deref())?;
    d.set_item("transmission_type", j.transmission_type.map(|t| t.as_str()))?;
    d.set_item("scheduled_time", j.scheduled_time)?;
    d.set_item("device_count", j.device_count)?;
    d.set_item("devices", &j.devices)?;
    d.set_item("multicast_group_id", j.multicast_group_id)?;
    Ok(d)
}

fn update_dict<'py>(py: Python<'py>, u: &JobUpdate) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    match u {
        JobUpdate::Scheduled => d.set_item("kind", "scheduled")?,
        JobUpdate::Running(p) => {
            d.set_item("kind", "running")?;
            d.set_item("progress", progress_dict(py, p)?)?;
        }
        JobUpdate::Finished(r) => {
            d.set_item("kind", "finished")?;
            d.set_item("result", result_dict(py, r)?)?;
        }
    }
    Ok(d)
}

fn euis(devices: Vec<String>) -> PyResult<DeviceEuis> {
    DeviceEuis::parse(devices.iter().map(String::as_str)).map_err(py_param)
}

/// A group ID 0-3 or a group EUI; group 0 when not given.
fn group(group: Option<&Bound<'_, PyAny>>) -> PyResult<GroupTarget> {
    let Some(group) = group else {
        return MulticastGroupId::new(0)
            .map(GroupTarget::Id)
            .map_err(py_param);
    };
    if let Ok(id) = group.extract::<i64>() {
        return MulticastGroupId::new(id)
            .map(GroupTarget::Id)
            .map_err(py_param);
    }
    let s: String = group.extract()?;
    Eui64::parse(&s)
        .map(GroupTarget::Eui)
        .map_err(|e| parameter(format!("group {s:?}: {e}")))
}

fn timing(at: Option<u64>, setup: Option<f64>, launch: Option<f64>) -> PyResult<Timing> {
    Ok(Timing {
        scheduled_at: at,
        setup_delay: setup.map(|s| secs("setup", s)).transpose()?,
        launch_delay: launch.map(|s| secs("launch", s)).transpose()?,
    })
}

fn schedule_name(name: Option<String>) -> PyResult<Option<ScheduleFilename>> {
    name.map(ScheduleFilename::new)
        .transpose()
        .map_err(py_param)
}

/// A client of one gateway (blocking, GIL released while it waits).
#[pyclass(frozen, module = "lorafota._lorafota")]
pub struct GatewayClient {
    client: Blocking,
    url: String,
}

#[pymethods]
impl GatewayClient {
    #[new]
    #[pyo3(signature = (url = None, user = None, password = None, *, ca = None, pin = None, insecure = false, timeout = 30.0, upload_timeout = 600.0, connect_timeout = 10.0, poll_interval = 5.0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        url: Option<String>,
        user: Option<String>,
        password: Option<String>,
        ca: Option<PathBuf>,
        pin: Option<String>,
        insecure: bool,
        timeout: f64,
        upload_timeout: f64,
        connect_timeout: f64,
        poll_interval: f64,
    ) -> PyResult<Self> {
        let mut b = Blocking::builder()
            .timeout(secs("timeout", timeout)?)
            .upload_timeout(secs("upload_timeout", upload_timeout)?)
            .connect_timeout(secs("connect_timeout", connect_timeout)?)
            .poll_interval(secs("poll_interval", poll_interval)?);
        if let Some(u) = url {
            b = b.base_url(u);
        }
        match (user, password) {
            (Some(u), Some(p)) => b = b.credentials(u, Secret::new(p)),
            (None, None) => {}
            _ => {
                return Err(parameter(
                    "give both user and password, or neither (then LORAFOTA_USER / LORAFOTA_PASSWORD)",
                ));
            }
        }
        match (ca, pin, insecure) {
            (Some(ca), None, false) => b = b.tls_ca_file(ca),
            (None, Some(pin), false) => b = b.pin_certificate_sha256(&pin),
            (None, None, true) => b = b.danger_accept_any_certificate_insecure(),
            (None, None, false) => {}
            _ => return Err(parameter("give at most one of ca=, pin= and insecure=True")),
        }
        let client = b.build_blocking().map_err(py_gw)?;
        let url = client.as_async().base_url().to_owned();
        Ok(Self { client, url })
    }

    /// The gateway's base URL.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Logs in now (otherwise the first call does); returns the session info.
    fn login<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.client.clone();
        let info = interruptible(py, move || c.login())?.map_err(py_gw)?;
        to_py(py, &serde_json::to_value(&info).unwrap_or_default())
    }

    /// Logs out (the token is forgotten).
    fn logout(&self, py: Python<'_>) -> PyResult<()> {
        let c = self.client.clone();
        interruptible(py, move || c.logout())?.map_err(py_gw)
    }

    /// Uploads a FOTA image from a path; returns the name it is stored under.
    fn upload_fota_file(&self, py: Python<'_>, path: PathBuf) -> PyResult<String> {
        let c = self.client.clone();
        Ok(interruptible(py, move || c.upload_fota_file(path))?
            .map_err(py_gw)?
            .name)
    }

    /// Uploads a FOTA image from memory under `name`.
    fn upload_fota_bytes(&self, py: Python<'_>, name: String, data: Vec<u8>) -> PyResult<String> {
        let c = self.client.clone();
        Ok(interruptible(py, move || c.upload_fota_bytes(&name, data))?
            .map_err(py_gw)?
            .name)
    }

    /// Uploads a multicast message file from a path (for `Binary` messages).
    fn upload_multicast_file(&self, py: Python<'_>, path: PathBuf) -> PyResult<String> {
        let c = self.client.clone();
        Ok(interruptible(py, move || c.upload_multicast_file(path))?
            .map_err(py_gw)?
            .name)
    }

    /// Uploads a multicast message file from memory under `name`.
    fn upload_multicast_bytes(
        &self,
        py: Python<'_>,
        name: String,
        data: Vec<u8>,
    ) -> PyResult<String> {
        let c = self.client.clone();
        Ok(
            interruptible(py, move || c.upload_multicast_bytes(&name, data))?
                .map_err(py_gw)?
                .name,
        )
    }

    /// Schedules a FOTA job of the uploaded `file`; returns its schedule file name.
    #[pyo3(signature = (devices, file, group = None, *, at = None, setup = None, launch = None, descriptor = 0, parity_fragments = None, max_packet_size = None, sleep_ms = None, parity_sleep_ms = None, setup_sleep_ms = None, keep_log = true, name = None))]
    #[allow(clippy::too_many_arguments)]
    fn schedule_fota(
        &self,
        py: Python<'_>,
        devices: Vec<String>,
        file: &str,
        group: Option<&Bound<'_, PyAny>>,
        at: Option<u64>,
        setup: Option<f64>,
        launch: Option<f64>,
        descriptor: u32,
        parity_fragments: Option<u32>,
        max_packet_size: Option<u16>,
        sleep_ms: Option<u64>,
        parity_sleep_ms: Option<u64>,
        setup_sleep_ms: Option<u64>,
        keep_log: bool,
        name: Option<String>,
    ) -> PyResult<String> {
        let target = self::group(group)?;
        let mut job = FotaJob::new(euis(devices)?, target, file)
            .map_err(py_param)?
            .descriptor(FragDescriptor::from_u32(descriptor))
            .timing(timing(at, setup, launch)?)
            .pacing(Pacing {
                sleep_time: sleep_ms.map(Duration::from_millis),
                setup_sleep_time: setup_sleep_ms.map(Duration::from_millis),
                parity_sleep_time: parity_sleep_ms.map(Duration::from_millis),
                parity_fragments,
                max_packet_size,
            })
            .keep_log(keep_log);
        if let Some(n) = schedule_name(name)? {
            job = job.schedule_filename(n);
        }
        self.submit(py, job)
    }

    /// Schedules a multicast message: exactly one of `hex`, `base64`, `data` (bytes, sent as
    /// hex) or `file` (an uploaded file's name, sent `Binary`).
    #[pyo3(signature = (devices, group = None, *, port, timeout_exp, hex = None, base64 = None, data = None, file = None, at = None, setup = None, launch = None, keep_log = true, name = None))]
    #[allow(clippy::too_many_arguments)]
    fn schedule_multicast(
        &self,
        py: Python<'_>,
        devices: Vec<String>,
        group: Option<&Bound<'_, PyAny>>,
        port: i64,
        timeout_exp: u8,
        hex: Option<&str>,
        base64: Option<&str>,
        data: Option<Vec<u8>>,
        file: Option<&str>,
        at: Option<u64>,
        setup: Option<f64>,
        launch: Option<f64>,
        keep_log: bool,
        name: Option<String>,
    ) -> PyResult<String> {
        let target = self::group(group)?;
        let payload = match (hex, base64, data, file) {
            (Some(h), None, None, None) => MessagePayload::hex(h, DEFAULT_MAX_MC_PAYLOAD),
            (None, Some(b), None, None) => MessagePayload::base64(b, DEFAULT_MAX_MC_PAYLOAD),
            (None, None, Some(d), None) => MessagePayload::from_bytes(&d, DEFAULT_MAX_MC_PAYLOAD),
            (None, None, None, Some(f)) => MessagePayload::file(f),
            _ => {
                return Err(parameter(
                    "give exactly one of hex=, base64=, data= and file=",
                ));
            }
        }
        .map_err(py_param)?;
        let mut job = McmJob::new(
            euis(devices)?,
            target,
            payload,
            MessagePort::new(port).map_err(py_param)?,
            session_timeout(timeout_exp).map_err(py_param)?,
        )
        .timing(timing(at, setup, launch)?)
        .keep_log(keep_log);
        if let Some(n) = schedule_name(name)? {
            job = job.schedule_filename(n);
        }
        self.submit(py, job)
    }

    /// Progress of the running job(s): `{"shape", "jobs": [{..., "devices": [...]}]}`.
    fn progress<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = self.client.clone();
        let p = interruptible(py, move || c.progress())?.map_err(py_gw)?;
        all_progress(py, &p)
    }

    /// Results of finished jobs, oldest first.
    fn results<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let c = self.client.clone();
        let r = interruptible(py, move || c.results())?.map_err(py_gw)?;
        let out = PyList::empty(py);
        for op in &r.operations {
            out.append(result_dict(py, op)?)?;
        }
        Ok(out)
    }

    /// Jobs scheduled and not yet started.
    fn schedule<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let c = self.client.clone();
        let s = interruptible(py, move || c.schedule_list())?.map_err(py_gw)?;
        let out = PyList::empty(py);
        for j in &s.jobs {
            out.append(scheduled_dict(py, j)?)?;
        }
        Ok(out)
    }

    /// Cancels a job that has not started.
    fn cancel(&self, py: Python<'_>, name: String) -> PyResult<()> {
        let n = ScheduleFilename::new(name).map_err(py_param)?;
        let c = self.client.clone();
        interruptible(py, move || c.cancel(&n))?.map_err(py_gw)
    }

    /// `GET /api/lora/status`.
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.client.clone();
        let s = interruptible(py, move || c.status())?.map_err(py_gw)?;
        to_py(py, &serde_json::to_value(&s).unwrap_or_default())
    }

    /// `GET /api/lora/devices`.
    fn devices<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let c = self.client.clone();
        let d = interruptible(py, move || c.devices())?.map_err(py_gw)?;
        to_py(py, &serde_json::to_value(&d).unwrap_or_default())
    }

    /// Follows job `name`: an iterator of updates `{"kind": "scheduled" | "running" |
    /// "finished", "progress"?: ..., "result"?: ...}` polled every `interval` seconds (default:
    /// the client's poll interval) until it finishes or `deadline` seconds pass
    /// (`GatewayTimeoutError`).
    #[pyo3(signature = (name, *, interval = None, deadline = None))]
    fn watch(&self, name: String, interval: Option<f64>, deadline: Option<f64>) -> PyResult<Watch> {
        let n = ScheduleFilename::new(name).map_err(py_param)?;
        let interval = interval.map(|s| secs("interval", s)).transpose()?;
        let mut watch = self.client.watch(&n, interval);
        if let Some(d) = deadline {
            watch = watch.deadline(secs("deadline", d)?);
        }
        Ok(Watch {
            watch: Arc::new(Mutex::new(Some(watch))),
        })
    }

    fn __repr__(&self) -> String {
        format!("GatewayClient(url={:?})", self.url)
    }
}

impl GatewayClient {
    /// Schedules `job` (never re-sent blindly: see the Rust client); returns its name.
    fn submit(&self, py: Python<'_>, job: impl Into<Job> + Send + 'static) -> PyResult<String> {
        let c = self.client.clone();
        Ok(interruptible(py, move || c.schedule(job))?
            .map_err(py_gw)?
            .as_str()
            .to_owned())
    }
}

/// A job's updates, one per poll; ends after the "finished" update.
#[pyclass(frozen, module = "lorafota._lorafota")]
pub struct Watch {
    watch: Arc<Mutex<Option<BlockingWatch>>>,
}

#[pymethods]
impl Watch {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }
    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let shared = Arc::clone(&self.watch);
        let next: Option<Result<JobUpdate, GwError>> = interruptible(py, move || {
            let mut guard = shared
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let item = guard.as_mut().and_then(Iterator::next);
            if matches!(item, None | Some(Ok(JobUpdate::Finished(_))) | Some(Err(_))) {
                *guard = None;
            }
            item
        })?;
        match next {
            None => Ok(None),
            Some(Ok(u)) => update_dict(py, &u).map(Some),
            Some(Err(e)) => Err(py_gw(e)),
        }
    }
}

/// Adds the client to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<GatewayClient>()?;
    m.add_class::<Watch>()?;
    Ok(())
}
