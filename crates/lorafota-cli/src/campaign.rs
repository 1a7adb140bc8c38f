//! What `fota`, `mcm` and `demo` share: the embedded emulator, following a job with progress
//! bars (or plain lines when stderr is not a terminal), and the outcome table.

use std::collections::BTreeMap;
use std::io::IsTerminal as _;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use lorafota_core::Eui64;
use lorafota_emulator::config::DeviceSpec;
use lorafota_emulator::{BackgroundEmulator, EmulatorConfig, SimRadio};
use lorafota_gateway::api::monitor::{DeviceOutcome, OperationResult, Phase, Tally};
use lorafota_gateway::api::params::ScheduleFilename;
use lorafota_gateway::{JobUpdate, blocking};

/// An emulator running in this process on its own runtime, and a client for it.
pub struct Embedded {
    emulator: BackgroundEmulator,
    /// A client logged in as the emulator's admin, pinned to its certificate.
    pub client: blocking::GatewayClient,
}

impl Embedded {
    /// Starts an emulator knowing `devices`, its clock running `speed` times real time.
    pub fn start(devices: Vec<DeviceSpec>, speed: f64, seed: u64) -> Result<Self> {
        let cfg = EmulatorConfig {
            devices,
            clock_speed: speed,
            ..Default::default()
        };
        let emulator = BackgroundEmulator::start(cfg, Box::new(SimRadio::new(seed)))
            .context("cannot start the embedded emulator")?;
        let handle = emulator.handle();
        let mut b = blocking::GatewayClient::builder()
            .base_url(handle.url())
            .credentials(handle.username(), handle.password().clone())
            .poll_interval(Duration::from_millis(150));
        if let Some(fp) = handle.fingerprint() {
            b = b.pin_certificate_sha256_bytes(fp);
        }
        let client = b.build_blocking()?;
        Ok(Self { emulator, client })
    }

    /// The emulator's address.
    pub fn url(&self) -> &str {
        self.emulator.handle().url()
    }
}

/// Class C devices for `euis`, each losing `loss` of the fragments.
pub fn devices_for(euis: &[Eui64], loss: f64) -> Vec<DeviceSpec> {
    euis.iter()
        .map(|e| DeviceSpec::new(*e).with_loss(loss))
        .collect()
}

/// A clock speed that makes `virtual_secs` of job take about `real_secs`.
pub fn speed_for(virtual_secs: f64, real_secs: f64) -> f64 {
    (virtual_secs / real_secs.max(0.1)).max(1.0)
}

fn phase_name(p: Option<&Phase>) -> &str {
    p.map_or("RUNNING", Phase::as_str)
}

/// Polls `name` until it finishes, drawing progress on stderr; returns its result.
pub fn follow(
    client: &blocking::GatewayClient,
    name: &ScheduleFilename,
    quiet: bool,
) -> Result<OperationResult> {
    let tty = std::io::stderr().is_terminal() && !quiet;
    let multi = MultiProgress::with_draw_target(if tty {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template("{prefix:>13} [{bar:40}] {pos:>3}% {msg}")
        .map(|s| s.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    let overall = multi.add(ProgressBar::new(100).with_style(style.clone()));
    overall.set_prefix("overall");
    let mut phases: BTreeMap<String, ProgressBar> = BTreeMap::new();
    let mut last_line = String::new();
    for update in client.watch(name, None) {
        match update? {
            JobUpdate::Scheduled => {
                overall.set_message("scheduled");
                if !tty && !quiet && last_line != "scheduled" {
                    last_line = "scheduled".to_owned();
                    eprintln!("{name}: scheduled");
                }
            }
            JobUpdate::Running(p) => {
                let phase = phase_name(p.phase.as_ref()).to_owned();
                let pct = p.percent.clamp(0.0, 100.0);
                overall.set_position(pct as u64);
                let done = p
                    .devices
                    .iter()
                    .filter(|d| d.percent == Some(100.0))
                    .count();
                overall.set_message(format!(
                    "{phase}, {done}/{} devices complete",
                    p.devices.len()
                ));
                if !phases.contains_key(&phase) {
                    for bar in phases.values() {
                        bar.finish();
                    }
                    let bar = multi.add(ProgressBar::new(100).with_style(style.clone()));
                    bar.set_prefix(phase.clone());
                    phases.insert(phase.clone(), bar);
                }
                if let Some(bar) = phases.get(&phase) {
                    // Within-phase share: SETUP 0–10 %, BROADCASTING 10–90 %, TEARDOWN 90–100 %.
                    let within = match phase.as_str() {
                        "SETUP" => pct * 10.0,
                        "BROADCASTING" => (pct - 10.0) * 100.0 / 80.0,
                        _ => 100.0,
                    };
                    bar.set_position(within.clamp(0.0, 100.0) as u64);
                }
                // Plain output: one line per phase change and per 10 % step.
                let line = format!("{name}: {phase} {:.0}%", (pct / 10.0).floor() * 10.0);
                if !tty && !quiet && line != last_line {
                    eprintln!("{line}");
                    last_line = line;
                }
            }
            JobUpdate::Finished(r) => {
                for bar in phases.values() {
                    bar.finish();
                }
                overall.set_position(100);
                overall.finish_with_message("done");
                if !tty && !quiet {
                    eprintln!("{name}: done");
                }
                return Ok(r);
            }
        }
    }
    anyhow::bail!("{name}: the job disappeared before it finished")
}

/// Device counts by outcome.
pub fn tally(r: &OperationResult) -> Tally {
    r.tally()
}

/// Failed or skipped devices listed one per line before the table is cut short.
const LISTED_MAX: usize = 20;

/// The summary: devices by outcome, then each device that did not succeed with its reason.
pub fn outcome_table(r: &OperationResult) -> String {
    use std::fmt::Write as _;
    let t = r.tally();
    let mut out = String::new();
    let _ = writeln!(out, "{:<8} {:>7}", "outcome", "devices");
    for (name, n) in [
        ("success", t.success),
        ("failed", t.failed),
        ("skipped", t.skipped),
    ] {
        if n > 0 || name == "success" {
            let _ = writeln!(out, "{name:<8} {n:>7}");
        }
    }
    let unhappy: Vec<_> = r
        .devices
        .iter()
        .filter(|d| d.outcome() != DeviceOutcome::Success)
        .collect();
    if !unhappy.is_empty() {
        let _ = writeln!(out, "\n{:<23}  {:<7}  reason", "device", "outcome");
        for d in unhappy.iter().take(LISTED_MAX) {
            let reason = d.reason.as_deref().unwrap_or("-");
            let _ = writeln!(out, "{:<23}  {:<7}  {reason}", d.deveui, d.status);
        }
        if unhappy.len() > LISTED_MAX {
            let _ = writeln!(
                out,
                "… and {} more (--json lists them all)",
                unhappy.len() - LISTED_MAX
            );
        }
    }
    out
}

/// The result as JSON, devices included.
pub fn result_json(r: &OperationResult) -> serde_json::Value {
    let t = tally(r);
    serde_json::json!({
        "schedule_filename": r.schedule_filename,
        "transmission_type": r.transmission_type.map(|k| k.as_str()),
        "input_filename": r.input_filename,
        "completed_at": r.completed_at,
        "success": t.success,
        "failed": t.failed,
        "skipped": t.skipped,
        "devices": r.devices.iter().map(|d| serde_json::json!({
            "deveui": d.deveui,
            "status": d.status,
            "reason": d.reason,
        })).collect::<Vec<_>>(),
    })
}
