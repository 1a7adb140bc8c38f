//! `/api/login`, `/api/logout`, `/api/whoami`, `/api/commissioning` (§8.2).

use std::time::{Duration, Instant};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lorafota_gateway::Secret;
use lorafota_gateway::api::auth::{CommissioningStatus, Role, SessionInfo};
use lorafota_gateway::api::monitor::format_iso8601;
use serde_json::Value;

use super::{ApiError, AppState, Authed, DropConnection, Peer, ok, ok_empty};
use crate::config::{LockoutAnswer, UserSpec};
use crate::state::{Inner, Session};

/// True when the session has been idle longer than `timeout`.
pub(crate) fn session_expired(s: &Session, timeout: Duration) -> bool {
    s.last_used.elapsed() > timeout
}

fn parse_query(q: Option<&str>) -> std::collections::HashMap<String, String> {
    q.map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// Credentials from a JSON body, else from query parameters (legacy clients).
fn credentials(body: &[u8], query: Option<&str>) -> Option<(String, String)> {
    let from_body = serde_json::from_slice::<Value>(body).ok().and_then(|v| {
        let u = v.get("username")?.as_str()?.to_owned();
        let p = v.get("password")?.as_str()?.to_owned();
        Some((u, p))
    });
    let (u, p) = from_body.or_else(|| {
        let q = parse_query(query);
        Some((q.get("username")?.clone(), q.get("password")?.clone()))
    })?;
    (!u.is_empty() && !p.is_empty()).then_some((u, p))
}

/// 32 upper-case hex digits from the system RNG, like the tokens real gateways hand out.
fn new_token() -> Result<String, ApiError> {
    use ring::rand::SecureRandom as _;
    let mut b = [0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .map_err(|_| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error"))?;
    Ok(hex::encode_upper(b))
}

/// Compares passwords without an early exit on the first differing byte.
fn same_password(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn session_info(s: &Session, token: &str) -> SessionInfo {
    SessionInfo {
        address: s.ip.to_string(),
        permission: s.role.as_str().to_owned(),
        port: s.port.to_string(),
        timestamp: s.timestamp.clone(),
        token: Secret::new(token),
        user: s.user.clone(),
    }
}

enum LoginError {
    Api(ApiError),
    Drop,
}

impl From<ApiError> for LoginError {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

fn try_login(
    app: &AppState,
    inner: &mut Inner,
    now_ms: i64,
    peer: std::net::SocketAddr,
    user: &str,
    password: &str,
) -> Result<SessionInfo, LoginError> {
    let policy = app.cfg.lockout;
    let ip = peer.ip();
    let lock = inner.lockouts.entry(ip).or_default();
    if let Some(until) = lock.until {
        if Instant::now() < until {
            return Err(match policy.answer {
                LockoutAnswer::Forbidden => {
                    ApiError::new(StatusCode::FORBIDDEN, "Too many failed login attempts").into()
                }
                LockoutAnswer::DropConnection => LoginError::Drop,
            });
        }
        *lock = Default::default();
    }
    if !inner.commissioned {
        return Err(ApiError::conflict("Device is not commissioned").into());
    }
    let role = match inner.users.get(user) {
        Some(u) if same_password(u.password.expose(), password) => u.role,
        _ => {
            let lock = inner.lockouts.entry(ip).or_default();
            lock.failures += 1;
            if policy.fail_attempts > 0 && lock.failures >= policy.fail_attempts {
                lock.failures = 0;
                lock.until = Some(Instant::now() + policy.lockout);
            }
            return Err(
                ApiError::new(StatusCode::UNAUTHORIZED, "Invalid username or password").into(),
            );
        }
    };
    inner.lockouts.remove(&ip);
    let timeout = app.cfg.session_timeout;
    inner.sessions.retain(|_, s| !session_expired(s, timeout));
    if app.cfg.single_address_login
        && inner
            .sessions
            .values()
            .any(|s| s.user == user && s.ip != ip)
    {
        return Err(ApiError::conflict("User already logged in from another address").into());
    }
    let token = new_token()?;
    let session = Session {
        user: user.to_owned(),
        role,
        ip,
        port: peer.port(),
        timestamp: format_iso8601(now_ms.div_euclid(1000)).unwrap_or_default(),
        last_used: Instant::now(),
    };
    let info = session_info(&session, &token);
    inner.sessions.insert(token, session);
    Ok(info)
}

fn cookie(app: &AppState, value: &str, clear: bool) -> Option<HeaderValue> {
    let secure = if app.https { "; Secure" } else { "" };
    let max_age = if clear { "; Max-Age=0" } else { "" };
    HeaderValue::from_str(&format!(
        "token={value}; Path=/; SameSite=Strict{secure}; HttpOnly{max_age}"
    ))
    .ok()
}

/// `POST`/`GET /api/login`: JSON body or query parameters.
pub(super) async fn login(
    State(app): State<AppState>,
    Extension(Peer(peer)): Extension<Peer>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let Some((user, password)) = credentials(&body, query.as_deref()) else {
        return ApiError::bad_request("Missing username or password").into_response();
    };
    match app.with(|inner, now| try_login(&app, inner, now, peer, &user, &password)) {
        Ok(info) => {
            let set = cookie(&app, info.token.expose(), false);
            let mut r = ok(info);
            if let Some(c) = set {
                r.headers_mut().insert(header::SET_COOKIE, c);
            }
            r
        }
        Err(LoginError::Api(e)) => e.into_response(),
        Err(LoginError::Drop) => {
            let mut r = StatusCode::FORBIDDEN.into_response();
            r.extensions_mut().insert(DropConnection);
            r
        }
    }
}

/// `POST`/`GET /api/logout`: ends the caller's session and clears the cookie.
pub(super) async fn logout(State(app): State<AppState>, auth: Authed) -> Response {
    app.with(|inner, _| inner.sessions.remove(&auth.token));
    let mut r = ok_empty();
    if let Some(c) = cookie(&app, "", true) {
        r.headers_mut().insert(header::SET_COOKIE, c);
    }
    r
}

/// `GET /api/whoami`: the login result object.
pub(super) async fn whoami(
    State(app): State<AppState>,
    auth: Authed,
) -> Result<Response, ApiError> {
    let info = app.with(|inner, _| {
        inner
            .sessions
            .get(&auth.token)
            .map(|s| session_info(s, &auth.token))
    });
    info.map(ok).ok_or_else(ApiError::unauthorized)
}

/// `GET /api/commissioning` (no auth).
pub(super) async fn commissioning_status(State(app): State<AppState>) -> Response {
    let commissioned = app.with(|inner, _| inner.commissioned);
    ok(CommissioningStatus { commissioned })
}

/// `POST /api/commissioning {"password", "username"?}`: sets the first admin password.
pub(super) async fn commission(
    State(app): State<AppState>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let v: Option<Value> = serde_json::from_slice(&body).ok();
    app.with(|inner, _| {
        if inner.commissioned {
            return Err(ApiError::conflict("commissioning is finished"));
        }
        let password = v
            .as_ref()
            .and_then(|v| v.get("password"))
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty());
        let Some(password) = password else {
            return Err(ApiError::bad_request("Missing password"));
        };
        let user = v
            .as_ref()
            .and_then(|v| v.get("username"))
            .and_then(Value::as_str)
            .unwrap_or("admin");
        inner
            .users
            .insert(user.to_owned(), UserSpec::new(user, password, Role::Admin));
        inner.commissioned = true;
        Ok(ok_empty())
    })
}
