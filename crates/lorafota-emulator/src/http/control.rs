//! `/__emulator/…`: the test control surface (only routed when enabled). Not MultiTech's API.
//!
//! | route | body |
//! |---|---|
//! | `POST devices` | `[{"deveui", "class"?, "name"?, "outcome"?}]` or one such object |
//! | `POST groups` | `{"groupeui"}` |
//! | `POST users` | `{"username", "password", "permission": "admin"\|"user"\|"guest"}` |
//! | `GET clock` | → `{"now_ms", "speed"}` |
//! | `POST clock` | `{"advance_seconds"?, "set_unix_ms"?, "speed"?}` |
//! | `POST expire_tokens` | `{"username"?}` (all sessions when absent) |
//! | `POST lockouts/clear` | — |
//! | `POST faults` | `{"method"?, "path", "fault": {"kind": "http_error", "status"} \| {"kind": "drop_connection"} \| {"kind": "lose_answer"}, "count"?}` |
//! | `DELETE faults` | — |
//! | `POST network_server` | `{"running": bool}` |

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use lorafota_core::Eui64;
use lorafota_gateway::api::auth::Role;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::{ApiError, AppState, ok, ok_empty};
use crate::config::{DeviceSpec, UserSpec};
use crate::state::FaultRule;

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("Invalid JSON: {e}")))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<DeviceSpec>),
    One(DeviceSpec),
}

async fn devices(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let list = match parse::<OneOrMany>(&body)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(d) => vec![d],
    };
    app.add_devices(list);
    Ok(ok_empty())
}

#[derive(Deserialize)]
struct GroupBody {
    groupeui: String,
}

async fn groups(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let g: GroupBody = parse(&body)?;
    let eui = Eui64::parse(&g.groupeui)
        .map_err(|e| ApiError::bad_request(format!("Invalid groupeui: {e}")))?;
    app.add_group(eui);
    Ok(ok_empty())
}

#[derive(Deserialize)]
struct UserBody {
    username: String,
    password: String,
    #[serde(default = "admin")]
    permission: String,
}

fn admin() -> String {
    "admin".to_owned()
}

async fn users(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let u: UserBody = parse(&body)?;
    let role = Role::parse(&u.permission)
        .ok_or_else(|| ApiError::bad_request("permission must be admin, user or guest"))?;
    if u.username.is_empty() || u.password.is_empty() {
        return Err(ApiError::bad_request("Missing username or password"));
    }
    app.add_user(UserSpec::new(u.username, u.password, role));
    Ok(ok_empty())
}

async fn clock_get(State(app): State<AppState>) -> Response {
    ok(json!({"now_ms": app.clock.now_ms(), "speed": app.clock.speed()}))
}

#[derive(Deserialize)]
struct ClockBody {
    #[serde(default)]
    advance_seconds: Option<f64>,
    #[serde(default)]
    set_unix_ms: Option<i64>,
    #[serde(default)]
    speed: Option<f64>,
}

async fn clock_set(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let c: ClockBody = parse(&body)?;
    app.set_clock(c.set_unix_ms, c.speed);
    if let Some(s) = c.advance_seconds {
        let d = Duration::try_from_secs_f64(s)
            .map_err(|_| ApiError::bad_request("advance_seconds must be >= 0"))?;
        app.advance_clock(d);
    }
    Ok(ok(
        json!({"now_ms": app.clock.now_ms(), "speed": app.clock.speed()}),
    ))
}

#[derive(Deserialize, Default)]
struct ExpireBody {
    #[serde(default)]
    username: Option<String>,
}

async fn expire(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    let e: ExpireBody = if body.is_empty() {
        ExpireBody::default()
    } else {
        parse(&body)?
    };
    let n = app.expire_sessions(e.username.as_deref());
    Ok(ok(json!({"expired": n})))
}

async fn lockouts_clear(State(app): State<AppState>) -> Response {
    app.clear_lockouts();
    ok_empty()
}

async fn faults_add(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    app.inject_fault(parse::<FaultRule>(&body)?);
    Ok(ok_empty())
}

async fn faults_clear(State(app): State<AppState>) -> Response {
    app.clear_faults();
    ok_empty()
}

#[derive(Deserialize)]
struct NsBody {
    running: bool,
}

async fn network_server(State(app): State<AppState>, body: Bytes) -> Result<Response, ApiError> {
    app.set_network_server(parse::<NsBody>(&body)?.running);
    Ok(ok_empty())
}

/// The control routes (nested under `/__emulator`).
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/devices", post(devices))
        .route("/groups", post(groups))
        .route("/users", post(users))
        .route("/clock", get(clock_get).post(clock_set))
        .route("/expire_tokens", post(expire))
        .route("/lockouts/clear", post(lockouts_clear))
        .route("/faults", post(faults_add).delete(faults_clear))
        .route("/network_server", post(network_server))
}
