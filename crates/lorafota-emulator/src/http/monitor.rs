//! Progress, results, schedule list/cancel, status and device table (§8.5), in the seed or
//! the OpenAPI shape as configured.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use lorafota_gateway::api::lora::{Device, LoraStatus};
use lorafota_gateway::api::monitor::{
    ApiShape, DeviceResult, OpenApiActiveJob, OpenApiResult, SeedDeviceProgress, SeedOperation,
    SeedProgress, SeedResults, SeedScheduleList, SeedScheduled, format_iso8601,
};
use lorafota_gateway::api::schedule::TransmissionType;

use super::{ApiError, AppState, Authed, ok, ok_empty};
use crate::jobs::{JobRecord, JobState, ResultRecord};

fn iso_ms(ms: i64) -> String {
    format_iso8601(ms.div_euclid(1000)).unwrap_or_default()
}

/// Per-device rows of a running job: `pending` in setup, `in_progress` while broadcasting,
/// the final status in teardown.
fn device_rows(job: &JobRecord, state: JobState, now_ms: i64) -> Vec<SeedDeviceProgress> {
    let traced = job.device_progress(now_ms);
    let (phase, percent) = match state {
        JobState::Active { phase, percent } => (phase, percent),
        JobState::Scheduled => ("", 0.0),
        JobState::Done { .. } => ("DONE", 100.0),
    };
    let outcome = |eui: &str| {
        job.plan
            .as_ref()
            .and_then(|p| p.outcomes.iter().find(|o| o.deveui == eui))
            .map_or("failed", |o| o.status.as_str())
            .to_owned()
    };
    job.request
        .end_device_deveuis
        .iter()
        .map(|eui| {
            let (status, pct) = match phase {
                "" | "SETUP" => ("pending".to_owned(), 0.0),
                // The radio's per-device timeline when it has one, else the overall share.
                "BROADCASTING" => match traced.iter().find(|d| d.deveui == *eui) {
                    Some(d) if d.complete => ("complete".to_owned(), 100.0),
                    Some(d) => ("in_progress".to_owned(), d.percent),
                    None => ("in_progress".to_owned(), percent),
                },
                _ => {
                    let s = outcome(eui);
                    let p = if s == "success" { 100.0 } else { percent };
                    (s, p)
                }
            };
            SeedDeviceProgress {
                deveui: eui.clone(),
                percent_complete: pct,
                status,
            }
        })
        .collect()
}

fn finished_rows(r: &ResultRecord) -> Vec<SeedDeviceProgress> {
    r.devices
        .iter()
        .map(|d| SeedDeviceProgress {
            deveui: d.deveui.clone(),
            percent_complete: if d.status == "success" { 100.0 } else { 0.0 },
            status: d.status.clone(),
        })
        .collect()
}

/// `GET /api/lora/fotaprogress`.
///
/// OpenAPI shape: one row per running job. Seed shape (one object): the running job; else the
/// next scheduled one at 0 % (the seed's "progress stuck at 0 %: scheduled time hasn't passed");
/// else the last finished one at 100 % (so the seed's polling loop ends); else an idle
/// `{overall_percent_complete: 0, devices: []}`.
pub(super) async fn progress(State(app): State<AppState>, _auth: Authed) -> Response {
    app.with(|inner, now| {
        let running: Vec<(&JobRecord, JobState)> = inner
            .jobs
            .iter()
            .map(|j| (j, j.state_at(now)))
            .filter(|(_, s)| matches!(s, JobState::Active { .. }))
            .collect();
        match app.cfg.api_shape {
            ApiShape::Openapi => ok(running
                .iter()
                .map(|(j, s)| {
                    let (phase, percent) = match s {
                        JobState::Active { phase, percent } => (*phase, *percent),
                        _ => ("", 0.0),
                    };
                    OpenApiActiveJob {
                        multicast_eui: j.multicast_eui.clone(),
                        transmission_type: j.kind().as_str().to_owned(),
                        input_filename: j.input_filename.clone(),
                        current_phase: phase.to_owned(),
                        overall_percent_complete: percent,
                        schedule_filename: Some(j.filename.clone()),
                        devices: Some(device_rows(j, *s, now)),
                    }
                })
                .collect::<Vec<_>>()),
            ApiShape::Seed => {
                let next = inner
                    .jobs
                    .iter()
                    .filter(|j| j.state_at(now) == JobState::Scheduled)
                    .min_by_key(|j| j.setup_at_ms);
                let p = if let Some((j, s)) = running.first() {
                    let (phase, percent) = match s {
                        JobState::Active { phase, percent } => (*phase, *percent),
                        _ => ("", 0.0),
                    };
                    seed_progress(
                        j.filename.clone(),
                        j.kind(),
                        percent,
                        Some(phase),
                        device_rows(j, *s, now),
                    )
                } else if let Some(j) = next {
                    seed_progress(
                        j.filename.clone(),
                        j.kind(),
                        0.0,
                        None,
                        device_rows(j, JobState::Scheduled, now),
                    )
                } else if let Some(r) = inner.results.last() {
                    seed_progress(r.filename.clone(), r.kind, 100.0, None, finished_rows(r))
                } else {
                    SeedProgress {
                        overall_percent_complete: 0.0,
                        devices: Vec::new(),
                        schedule_filename: None,
                        current_phase: None,
                        transmission_type: None,
                    }
                };
                ok(p)
            }
        }
    })
}

fn seed_progress(
    filename: String,
    kind: TransmissionType,
    percent: f64,
    phase: Option<&str>,
    devices: Vec<SeedDeviceProgress>,
) -> SeedProgress {
    SeedProgress {
        overall_percent_complete: percent,
        devices,
        schedule_filename: Some(filename),
        current_phase: phase.map(str::to_owned),
        transmission_type: Some(kind.as_str().to_owned()),
    }
}

/// `GET /api/lora/fotaresults`: finished jobs, oldest first.
pub(super) async fn results(State(app): State<AppState>, _auth: Authed) -> Response {
    app.with(|inner, _| match app.cfg.api_shape {
        ApiShape::Openapi => ok(inner
            .results
            .iter()
            .map(|r| {
                let (success, failed, skipped) = r.counts();
                OpenApiResult {
                    multicast_eui: r.multicast_eui.clone(),
                    transmission_type: r.kind.as_str().to_owned(),
                    input_filename: r.input_filename.clone(),
                    schedule_source: r.schedule_source.clone(),
                    complete_time: iso_ms(r.complete_ms),
                    result_filename: r.filename.clone(),
                    success,
                    failed,
                    skipped,
                    devices: Some(r.devices.clone()),
                }
                .to_wire_json()
            })
            .collect::<Vec<_>>()),
        ApiShape::Seed => ok(SeedResults {
            operations: inner
                .results
                .iter()
                .map(|r| {
                    let (success, failed, skipped) = r.counts();
                    SeedOperation {
                        filename: r.filename.clone(),
                        timestamp: iso_ms(r.complete_ms),
                        success,
                        failed,
                        skipped: Some(skipped),
                        transmission_type: Some(r.kind.as_str().to_owned()),
                        devices: r
                            .devices
                            .iter()
                            .map(|d| DeviceResult { ..d.clone() })
                            .collect(),
                    }
                })
                .collect(),
        }),
    })
}

/// `GET /api/lora/fotaschedule`: jobs not yet at their setup time.
pub(super) async fn schedule_list(State(app): State<AppState>, _auth: Authed) -> Response {
    app.with(|inner, now| {
        let waiting = inner
            .jobs
            .iter()
            .filter(|j| j.state_at(now) == JobState::Scheduled);
        match app.cfg.api_shape {
            ApiShape::Openapi => ok(waiting.map(|j| j.request.clone()).collect::<Vec<_>>()),
            ApiShape::Seed => ok(SeedScheduleList {
                scheduled: waiting
                    .map(|j| SeedScheduled {
                        filename: j.filename.clone(),
                        kind: j.kind().as_str().to_owned(),
                        scheduled_time: iso_ms(j.request.scheduled_time_since_unix_epoch.map_or(
                            j.setup_at_ms,
                            |s| {
                                i64::try_from(s)
                                    .unwrap_or(i64::MAX / 1000)
                                    .saturating_mul(1000)
                            },
                        )),
                        devices: u32::try_from(j.request.end_device_deveuis.len())
                            .unwrap_or(u32::MAX),
                    })
                    .collect(),
            }),
        }
    })
}

/// `DELETE /api/lora/fotaschedule/{filename}`: cancels a job that has not started.
pub(super) async fn cancel(
    State(app): State<AppState>,
    auth: Authed,
    filename: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    // A name that does not even decode cannot be a schedule.
    let Ok(Path(filename)) = filename else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "Schedule file not found",
        ));
    };
    app.with(|inner, now| {
        if let Some(i) = inner.jobs.iter().position(|j| j.filename == filename) {
            if inner.jobs[i].state_at(now) != JobState::Scheduled {
                return Err(ApiError::conflict("Operation already started"));
            }
            inner.jobs.remove(i);
            inner.jobs_changed();
            return Ok(ok_empty());
        }
        if inner.results.iter().any(|r| r.filename == filename) {
            return Err(ApiError::conflict("Operation already started"));
        }
        Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "Schedule file not found",
        ))
    })
}

/// PIDs reported while the network server runs (fixed, plausible values).
fn running_status() -> LoraStatus {
    LoraStatus {
        network_server: 1187,
        packet_forwarder: vec![1203],
        cloud_connector: 0,
        basic_station: 0,
        lens_server: 0,
    }
}

/// `GET /api/lora/status`.
pub(super) async fn status(State(app): State<AppState>, _auth: Authed) -> Response {
    let up = app.with(|inner, _| inner.network_server_up);
    ok(if up {
        running_status()
    } else {
        LoraStatus {
            packet_forwarder: vec![0],
            ..LoraStatus::default()
        }
    })
}

/// `GET /api/lora/devices`.
pub(super) async fn devices(State(app): State<AppState>, _auth: Authed) -> Response {
    app.with(|inner, _| {
        ok(inner
            .devices
            .values()
            .map(|d| Device {
                deveui: d.deveui.dashed().to_string(),
                name: d.name.clone(),
                class: Some(d.class.clone()),
                device_profile_id: None,
                network_profile_id: None,
                created_at: None,
                last_seen: None,
            })
            .collect::<Vec<_>>())
    })
}
