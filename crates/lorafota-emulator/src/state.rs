//! Shared emulator state: accounts, sessions, lockouts, device table, jobs, results, faults.
//!
//! One `std::sync::Mutex` guards [`Inner`]; handlers never hold it across an `.await`. Every
//! access goes through [`App::with`], which first brings the jobs up to the virtual clock and
//! persists what changed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use lorafota_core::Eui64;
use lorafota_gateway::api::auth::Role;
use serde::{Deserialize, Serialize};

use crate::clock::VirtualClock;
use crate::config::{DeviceSpec, EmulatorConfig, UserSpec};
use crate::jobs::{JobRecord, JobSpec, JobState, Radio, ResultRecord};
use crate::store::{Store, UploadKind};

/// A logged-in session (memory only: a restart logs everyone out, as a reboot would).
#[derive(Debug, Clone)]
pub struct Session {
    /// User name.
    pub user: String,
    /// Permission.
    pub role: Role,
    /// Client IP.
    pub ip: IpAddr,
    /// Client port.
    pub port: u16,
    /// Login time, ISO-8601.
    pub timestamp: String,
    /// Last authenticated request (real time).
    pub last_used: Instant,
}

/// Failed-login bookkeeping for one client address.
#[derive(Debug, Clone, Default)]
pub struct Lockout {
    /// Consecutive failures.
    pub failures: u32,
    /// Locked until this (real) instant.
    pub until: Option<Instant>,
}

/// An injected fault (control surface).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Answer with this HTTP status and an error envelope, without handling the request.
    HttpError {
        /// 4xx/5xx status.
        status: u16,
    },
    /// Close the connection without handling the request.
    DropConnection,
    /// Handle the request (so a schedule lands), then close the connection without answering.
    LoseAnswer,
}

/// Which requests a fault hits, and how many times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    /// HTTP method to match (any when absent), e.g. `POST`.
    #[serde(default)]
    pub method: Option<String>,
    /// Path prefix to match, e.g. `/api/lora/fota`.
    pub path: String,
    /// What happens.
    pub fault: Fault,
    /// How many matching requests it hits (default 1).
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// Device table and groups as persisted in `devices.json`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeviceFile {
    /// Devices.
    #[serde(default)]
    pub devices: Vec<DeviceSpec>,
    /// Group EUIs (dashed).
    #[serde(default)]
    pub groups: Vec<String>,
}

/// The mutable part.
#[derive(Debug)]
pub struct Inner {
    /// Accounts by name.
    pub users: BTreeMap<String, UserSpec>,
    /// Sessions by token.
    pub sessions: HashMap<String, Session>,
    /// Lockouts by client IP.
    pub lockouts: HashMap<IpAddr, Lockout>,
    /// Device table.
    pub devices: BTreeMap<Eui64, DeviceSpec>,
    /// Known multicast group EUIs.
    pub groups: BTreeSet<Eui64>,
    /// Scheduled and running jobs.
    pub jobs: Vec<JobRecord>,
    /// Finished jobs, oldest first.
    pub results: Vec<ResultRecord>,
    /// Pending injected faults.
    pub faults: Vec<FaultRule>,
    /// False = "network server down" (status PIDs 0, scheduling answers 500).
    pub network_server_up: bool,
    /// First boot done.
    pub commissioned: bool,
    jobs_dirty: bool,
    devices_dirty: bool,
}

impl Inner {
    /// Marks jobs/results for saving.
    pub fn jobs_changed(&mut self) {
        self.jobs_dirty = true;
    }
    /// Marks the device table for saving.
    pub fn devices_changed(&mut self) {
        self.devices_dirty = true;
    }

    /// Plans jobs that reached setup and moves finished ones to the results.
    fn tick(&mut self, now_ms: i64, radio: &dyn Radio, store: &Store) {
        for i in 0..self.jobs.len() {
            let job = &self.jobs[i];
            if job.plan.is_none() && now_ms >= job.setup_at_ms {
                let devices: Vec<(String, Option<DeviceSpec>)> = job
                    .request
                    .end_device_deveuis
                    .iter()
                    .map(|e| {
                        (
                            e.to_ascii_lowercase(),
                            Eui64::parse(e)
                                .ok()
                                .and_then(|k| self.devices.get(&k).cloned()),
                        )
                    })
                    .collect();
                let payload = load_payload(store, job);
                let spec = JobSpec {
                    request: &job.request,
                    devices: &devices,
                    payload_len: job.payload_len,
                    payload: payload.as_deref(),
                    setup_at_ms: job.setup_at_ms,
                    launch_at_ms: job.launch_at_ms,
                };
                let plan = radio.plan(&spec);
                self.jobs[i].plan = Some(plan);
                self.jobs_dirty = true;
            }
        }
        let mut i = 0;
        while i < self.jobs.len() {
            if let JobState::Done { at_ms } = self.jobs[i].state_at(now_ms) {
                let job = self.jobs.remove(i);
                self.results.push(ResultRecord {
                    filename: job.filename.clone(),
                    kind: job.kind(),
                    multicast_eui: job.multicast_eui.clone(),
                    input_filename: job.input_filename.clone(),
                    schedule_source: job.request.schedule_source.clone().unwrap_or_default(),
                    complete_ms: at_ms,
                    devices: job.plan.map(|p| p.outcomes).unwrap_or_default(),
                });
                self.jobs_dirty = true;
            } else {
                i += 1;
            }
        }
    }

    /// Takes one shot of the first fault matching the request.
    pub fn take_fault(&mut self, method: &str, path: &str) -> Option<Fault> {
        let idx = self.faults.iter().position(|r| {
            path.starts_with(&r.path)
                && r.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let rule = &mut self.faults[idx];
        let fault = rule.fault;
        rule.count = rule.count.saturating_sub(1);
        if rule.count == 0 {
            self.faults.remove(idx);
        }
        Some(fault)
    }
}

/// The bytes a job sends: the uploaded image, the uploaded message file, or the inline
/// message payload decoded. `None` when it cannot be read (the radio then fails the devices).
fn load_payload(store: &Store, job: &JobRecord) -> Option<Vec<u8>> {
    use base64::Engine as _;
    match job.kind() {
        lorafota_gateway::api::schedule::TransmissionType::Fota => {
            std::fs::read(store.upload_path(UploadKind::Fota, &job.input_filename)).ok()
        }
        lorafota_gateway::api::schedule::TransmissionType::Message => {
            let m = job.request.multicast_message.as_ref()?;
            match m.message_format.as_str() {
                "Hexadecimal" => hex::decode(m.message_payload.as_deref()?).ok(),
                "Base64" => base64::engine::general_purpose::STANDARD
                    .decode(m.message_payload.as_deref()?)
                    .ok(),
                _ => std::fs::read(
                    store.upload_path(UploadKind::Multicast, m.message_payload_file.as_deref()?),
                )
                .ok(),
            }
        }
    }
}

/// Everything a handler needs; shared as `Arc<App>`.
pub struct App {
    /// Start-time configuration.
    pub cfg: EmulatorConfig,
    /// The virtual clock.
    pub clock: VirtualClock,
    /// The state directory.
    pub store: Store,
    /// The radio model.
    pub radio: Box<dyn Radio>,
    /// True when serving HTTPS (cookies get `Secure`).
    pub https: bool,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("store", &self.store)
            .field("https", &self.https)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Builds the state, loading what the state directory holds.
    pub fn new(
        cfg: EmulatorConfig,
        store: Store,
        radio: Box<dyn Radio>,
        https: bool,
    ) -> std::io::Result<Self> {
        let users = cfg
            .users
            .iter()
            .map(|u| (u.name.clone(), u.clone()))
            .collect();
        let saved: DeviceFile = store.load("devices.json")?;
        let mut devices: BTreeMap<Eui64, DeviceSpec> =
            saved.devices.into_iter().map(|d| (d.deveui, d)).collect();
        for d in &cfg.devices {
            devices.insert(d.deveui, d.clone());
        }
        let mut groups: BTreeSet<Eui64> = saved
            .groups
            .iter()
            .filter_map(|g| Eui64::parse(g).ok())
            .collect();
        groups.extend(cfg.groups.iter().copied());
        let inner = Inner {
            users,
            sessions: HashMap::new(),
            lockouts: HashMap::new(),
            devices,
            groups,
            jobs: store.load("jobs.json")?,
            results: store.load("results.json")?,
            faults: Vec::new(),
            network_server_up: true,
            commissioned: cfg.commissioned,
            jobs_dirty: false,
            devices_dirty: true,
        };
        let clock = VirtualClock::new(cfg.clock_start_ms, cfg.clock_speed);
        Ok(Self {
            cfg,
            clock,
            store,
            radio,
            https,
            inner: Mutex::new(inner),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Handlers never panic while holding the lock, and a poisoned lock only means one did;
        // the data is still consistent enough for an emulator to keep serving.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the state brought up to the virtual clock, then saves what changed.
    pub fn with<R>(&self, f: impl FnOnce(&mut Inner, i64) -> R) -> R {
        let now = self.clock.now_ms();
        let mut inner = self.lock();
        inner.tick(now, self.radio.as_ref(), &self.store);
        let r = f(&mut inner, now);
        self.persist(&mut inner);
        r
    }

    fn persist(&self, inner: &mut Inner) {
        if inner.jobs_dirty {
            inner.jobs_dirty = false;
            if let Err(e) = self
                .store
                .save("jobs.json", &inner.jobs)
                .and_then(|()| self.store.save("results.json", &inner.results))
            {
                tracing::warn!("emulator: could not save jobs/results: {e}");
            }
        }
        if inner.devices_dirty {
            inner.devices_dirty = false;
            let file = DeviceFile {
                devices: inner.devices.values().cloned().collect(),
                groups: inner
                    .groups
                    .iter()
                    .map(|g| g.dashed().to_string())
                    .collect(),
            };
            if let Err(e) = self.store.save("devices.json", &file) {
                tracing::warn!("emulator: could not save devices: {e}");
            }
        }
    }

    /// Size of an uploaded file.
    pub fn upload_len(&self, kind: UploadKind, name: &str) -> Option<u64> {
        self.store.upload_len(kind, name)
    }
}
