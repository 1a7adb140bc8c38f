//! The HTTP surface: routes, the envelope, authentication.
//!
//! Every answer is `application/json` with the HTTP status equal to the envelope's `code`
//! (`gateway-api.md` §8.1). Handlers validate in the order §8 lists and stop at the first
//! failure, returning it as an [`ApiError`].

mod auth;
mod control;
mod monitor;
mod schedule;
mod uploads;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use lorafota_gateway::api::auth::Role;
use lorafota_gateway::api::{Envelope, ErrorEnvelope, paths};
use serde::Serialize;

use crate::state::App;

pub(crate) use auth::session_expired;

/// Shared handler state.
pub(crate) type AppState = Arc<App>;

/// An error answer: status + message, rendered as the fail envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: StatusCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }
    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized")
    }
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden")
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(
            self.code,
            &ErrorEnvelope::new(self.code.as_u16(), self.message),
        )
    }
}

/// Serialises `body` with the given status and `Content-Type: application/json`.
pub(crate) fn json_response<T: Serialize>(code: StatusCode, body: &T) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = (code, bytes).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// `200 {"code":200,"status":"success","result":…}`.
pub(crate) fn ok<T: Serialize>(result: T) -> Response {
    json_response(StatusCode::OK, &Envelope::ok(result))
}

/// `200 {"code":200,"status":"success"}`.
pub(crate) fn ok_empty() -> Response {
    json_response(StatusCode::OK, &Envelope::ok_empty())
}

/// Marker extension: the connection layer closes the connection instead of answering.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DropConnection;

/// The peer address, inserted by the connection layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub SocketAddr);

/// Query parameters as a map (last value wins).
pub(crate) fn query_map(parts: &Parts) -> HashMap<String, String> {
    parts
        .uri
        .query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}

/// The token from cookie `token` or query `token=`; the cookie wins (§8.2).
fn token_of(parts: &Parts, query: &HashMap<String, String>) -> Option<String> {
    let from_cookie = parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == lorafota_gateway::api::TOKEN_COOKIE && !v.is_empty()).then(|| v.to_owned())
            })
        });
    from_cookie.or_else(|| query.get("token").filter(|t| !t.is_empty()).cloned())
}

/// An authenticated caller. Extracting it refreshes the inactivity timer unless
/// `inactivity=true` is given; a missing, unknown or expired token is `401 "Unauthorized"`.
#[derive(Debug, Clone)]
pub(crate) struct Authed {
    pub token: String,
    pub role: Role,
}

impl Authed {
    /// Guests (monitor role) may only read.
    pub fn require_write(&self) -> Result<(), ApiError> {
        if self.role == Role::Guest {
            Err(ApiError::forbidden())
        } else {
            Ok(())
        }
    }
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let query = query_map(parts);
        let token = token_of(parts, &query).ok_or_else(ApiError::unauthorized)?;
        let refresh = query.get("inactivity").map(String::as_str) != Some("true");
        let timeout = app.cfg.session_timeout;
        app.with(|inner, _| {
            let session = inner
                .sessions
                .get_mut(&token)
                .ok_or_else(ApiError::unauthorized)?;
            if session_expired(session, timeout) {
                inner.sessions.remove(&token);
                return Err(ApiError::unauthorized());
            }
            if refresh {
                session.last_used = std::time::Instant::now();
            }
            Ok(Authed {
                token: token.clone(),
                role: session.role,
            })
        })
    }
}

async fn not_found() -> ApiError {
    ApiError::not_found("Not Found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

/// All routes.
pub(crate) fn router(app: AppState) -> Router {
    // Uploads may be as large as the configured limit plus multipart framing; anything bigger
    // is cut off by the body limit and answered 413 by the upload handler.
    let body_limit = usize::try_from(app.cfg.max_upload_bytes)
        .unwrap_or(usize::MAX)
        .saturating_add(64 * 1024);
    let mut r = Router::new()
        .route(paths::LOGIN, post(auth::login).get(auth::login))
        .route(paths::LOGOUT, post(auth::logout).get(auth::logout))
        .route(paths::WHOAMI, get(auth::whoami))
        .route(
            paths::COMMISSIONING,
            get(auth::commissioning_status).post(auth::commission),
        )
        .route(paths::UPLOAD_FOTA, post(uploads::upload_fota))
        .route(paths::UPLOAD_MULTICAST, post(uploads::upload_multicast))
        .route(paths::FOTA, post(schedule::schedule_fota))
        .route(paths::MCM, post(schedule::schedule_mcm))
        .route(paths::PROGRESS, get(monitor::progress))
        .route(paths::RESULTS, get(monitor::results))
        .route(paths::SCHEDULE, get(monitor::schedule_list))
        .route("/api/lora/fotaschedule/{filename}", delete(monitor::cancel))
        .route(paths::STATUS, get(monitor::status))
        .route(paths::DEVICES, get(monitor::devices));
    if app.cfg.control_surface {
        r = r.nest("/__emulator", control::routes());
    }
    r.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit))
        .with_state(app)
}
