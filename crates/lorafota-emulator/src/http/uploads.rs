//! `POST /api/command/upload_lora_fota_file` and `…/upload_lora_multicast` (§8.3).

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use lorafota_gateway::api::params::check_upload_name;
use lorafota_gateway::api::{FOTA_UPLOAD_PART, MULTICAST_UPLOAD_PART};

use super::{ApiError, AppState, Authed, ok_empty};
use crate::store::{UploadKind, write_atomic};

fn too_large() -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "File too large")
}

fn not_multipart() -> ApiError {
    ApiError::bad_request("Expected multipart/form-data")
}

fn map_multipart(e: &axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        not_multipart()
    }
}

/// FOTA image upload (part `fotafile`).
pub(super) async fn upload_fota(
    State(app): State<AppState>,
    auth: Authed,
    req: Request,
) -> Result<Response, ApiError> {
    upload(app, auth, req, UploadKind::Fota, FOTA_UPLOAD_PART).await
}

/// Multicast message file upload (part `messagefile`).
pub(super) async fn upload_multicast(
    State(app): State<AppState>,
    auth: Authed,
    req: Request,
) -> Result<Response, ApiError> {
    upload(app, auth, req, UploadKind::Multicast, MULTICAST_UPLOAD_PART).await
}

async fn upload(
    app: AppState,
    auth: Authed,
    req: Request,
    kind: UploadKind,
    part: &str,
) -> Result<Response, ApiError> {
    auth.require_write()?;
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !is_multipart {
        return Err(not_multipart());
    }
    let mut form = Multipart::from_request(req, &())
        .await
        .map_err(|_| not_multipart())?;
    let max = app.cfg.max_upload_bytes;
    loop {
        let Some(mut field) = form.next_field().await.map_err(|e| map_multipart(&e))? else {
            return Err(ApiError::bad_request("No file uploaded"));
        };
        let name = field.name().unwrap_or_default();
        if name != part && !(app.cfg.lenient_upload_field && name == "file") {
            continue;
        }
        let file_name = field.file_name().unwrap_or_default().to_owned();
        check_upload_name(&file_name).map_err(|_| ApiError::bad_request("Invalid file name"))?;
        let mut data = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| map_multipart(&e))? {
            data.extend_from_slice(&chunk);
            if data.len() as u64 > max {
                return Err(too_large());
            }
        }
        if data.is_empty() {
            return Err(ApiError::bad_request("Uploaded file is empty"));
        }
        let path = app.store.upload_path(kind, &file_name);
        write_atomic(&path, &data).map_err(|e| {
            tracing::warn!("emulator: could not store upload {file_name}: {e}");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Could not store file")
        })?;
        return Ok(ok_empty());
    }
}
