//! The async client ([`GatewayClient`]) and its blocking facade ([`blocking`]).
//!
//! Design in brief:
//! - **Auth**: logs in lazily on the first request that needs it, sends the token as the
//!   `token` cookie (marked sensitive, never in URLs), logs in again once on a 401 and
//!   repeats that request.
//! - **Retries**: only idempotent reads (`GET`), on connection errors and 5xx, with capped
//!   exponential backoff ([`RetryPolicy`]). Nothing else is retried.
//! - **Scheduling**: every job carries a `schedule_filename` chosen by the client. If the
//!   answer is lost, the client looks for that name in the schedule, progress and results
//!   lists; only when it is in none does it send the request once more (a second copy would be
//!   refused as a duplicate name anyway).
//! - **Errors**: one [`Error`] enum; the gateway's envelope is kept whole in [`GatewayError`].

mod builder;
mod error;
mod progress;
mod tls;

pub mod blocking;

use std::hash::{BuildHasher as _, Hasher as _};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{COOKIE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use builder::{
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_POLL_INTERVAL, DEFAULT_TIMEOUT, DEFAULT_UPLOAD_TIMEOUT,
    ENV_PASSWORD, ENV_URL, ENV_USER, GatewayClientBuilder,
};
pub use error::{Error, GatewayError};
pub use progress::{JobUpdate, ProgressWatch};
pub use tls::{PinnedCertVerifier, TlsTrust, parse_fingerprint};

use crate::Secret;
use crate::api::auth::{CommissioningStatus, LoginRequest, SessionInfo};
use crate::api::lora::{Device, LoraStatus};
use crate::api::monitor::{OperationResult, Progress, Results, ScheduleList};
use crate::api::params::{MessagePayload, ParamError, ScheduleFilename, check_upload_name};
use crate::api::schedule::{FotaJob, Job, McmJob, ScheduleAck, TransmissionType};
use crate::api::{ErrorEnvelope, FOTA_UPLOAD_PART, MULTICAST_UPLOAD_PART, TOKEN_COOKIE, paths};

/// Retries of idempotent reads (`GET`) on connection errors and 5xx answers.
///
/// Attempt *n* (n ≥ 1) waits `min(initial_backoff × 2^(n-1), max_backoff)` before it runs.
/// POSTs and DELETEs are never retried: a lost schedule answer is handled by looking the job
/// up instead (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts including the first (1 = no retries).
    pub max_attempts: u32,
    /// Wait before the first retry.
    pub initial_backoff: Duration,
    /// Upper bound of any wait.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(4),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }
    fn backoff(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// A file on the gateway after an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The name it is stored under (the local file's base name).
    pub name: String,
    /// Bytes sent.
    pub len: usize,
}

/// A request body.
#[derive(Clone)]
enum Body {
    Empty,
    Json(Vec<u8>),
    File {
        part: &'static str,
        name: String,
        data: bytes_like::Bytes,
    },
}

/// `Vec<u8>` behind an `Arc`, so an upload can be re-sent after a re-login without copying.
mod bytes_like {
    use std::sync::Arc;
    pub type Bytes = Arc<Vec<u8>>;
}

struct Inner {
    http: reqwest::Client,
    base: reqwest::Url,
    credentials: Option<(String, Secret)>,
    token: tokio::sync::Mutex<Option<Secret>>,
    upload_timeout: Duration,
    poll_interval: Duration,
    retry: RetryPolicy,
}

/// An async client of one gateway. Cheap to clone (shared connection pool and session).
#[derive(Clone)]
pub struct GatewayClient {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for GatewayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayClient")
            .field("base", &self.inner.base.as_str())
            .field("user", &self.inner.credentials.as_ref().map(|(u, _)| u))
            .finish_non_exhaustive()
    }
}

/// What the send loop got back.
struct Answer {
    status: StatusCode,
    body: String,
}

/// A job name nobody else will pick: `lf_<kind>_<unix secs>_<random>`.
fn unique_schedule_filename(kind: TransmissionType) -> Result<ScheduleFilename, ParamError> {
    let prefix = match kind {
        TransmissionType::Fota => "fota",
        TransmissionType::Message => "mcm",
    };
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // RandomState is seeded randomly per process and per instance: enough to make names unique.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(secs);
    ScheduleFilename::new(format!("lf_{prefix}_{secs}_{:08x}", h.finish() as u32))
}

impl GatewayClient {
    /// A builder; see [`GatewayClientBuilder`].
    pub fn builder() -> GatewayClientBuilder {
        GatewayClientBuilder::default()
    }

    /// The gateway's base URL.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The default polling interval.
    pub fn poll_interval(&self) -> Duration {
        self.inner.poll_interval
    }

    fn url(&self, path: &str) -> Result<reqwest::Url, Error> {
        let base = self.inner.base.as_str().trim_end_matches('/');
        reqwest::Url::parse(&format!("{base}{path}"))
            .map_err(|e| Error::Config(format!("URL for {path}: {e}")))
    }

    /// One HTTP exchange; GETs are retried per the [`RetryPolicy`].
    async fn exchange(
        &self,
        method: &Method,
        path: &str,
        body: &Body,
        token: Option<&Secret>,
    ) -> Result<Answer, Error> {
        let url = self.url(path)?;
        let idempotent = *method == Method::GET;
        let attempts = if idempotent {
            self.inner.retry.max_attempts.max(1)
        } else {
            1
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut req = self.inner.http.request(method.clone(), url.clone());
            if let Some(t) = token {
                let mut v = HeaderValue::from_str(&format!("{TOKEN_COOKIE}={}", t.expose()))
                    .map_err(|_| {
                        Error::Config("the gateway's token is not a valid header value".to_owned())
                    })?;
                v.set_sensitive(true);
                req = req.header(COOKIE, v);
            }
            req = match body {
                Body::Empty => req,
                Body::Json(b) => req
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(b.clone()),
                Body::File { part, name, data } => {
                    let p = reqwest::multipart::Part::bytes(data.as_ref().clone())
                        .file_name(name.clone())
                        .mime_str("application/octet-stream")
                        .map_err(|e| Error::Config(e.to_string()))?;
                    req.multipart(reqwest::multipart::Form::new().part(*part, p))
                        .timeout(self.inner.upload_timeout)
                }
            };
            let retryable = |attempt: u32| idempotent && attempt < attempts;
            match req.send().await {
                Ok(resp) => {
                    let status = resp.status();
                    match resp.text().await {
                        Ok(body) if status.is_server_error() && retryable(attempt) => {
                            tracing::debug!(
                                "lorafota-gateway: {method} {path} answered {status}, retrying: {body:.80}"
                            );
                        }
                        Ok(body) => return Ok(Answer { status, body }),
                        Err(e) if retryable(attempt) => {
                            tracing::debug!(
                                "lorafota-gateway: {method} {path} body lost ({e}), retrying"
                            );
                        }
                        Err(e) => return Err(error::classify(e)),
                    }
                }
                Err(e) => {
                    let classified = error::classify(e);
                    // A TLS failure will not heal by retrying.
                    if matches!(classified, Error::Tls { .. }) || !retryable(attempt) {
                        return Err(classified);
                    }
                    tracing::debug!(
                        "lorafota-gateway: {method} {path} failed ({classified}), retrying"
                    );
                }
            }
            tokio::time::sleep(self.inner.retry.backoff(attempt)).await;
        }
    }

    async fn current_token(&self) -> Result<Secret, Error> {
        let mut guard = self.inner.token.lock().await;
        if let Some(t) = guard.as_ref() {
            return Ok(t.clone());
        }
        let session = self.login_inner().await?;
        *guard = Some(session.token.clone());
        Ok(session.token)
    }

    async fn login_inner(&self) -> Result<SessionInfo, Error> {
        let (user, password) = self
            .inner
            .credentials
            .clone()
            .ok_or(Error::MissingCredentials)?;
        let body = serde_json::to_vec(&LoginRequest {
            username: user,
            password,
        })
        .map_err(|e| Error::Config(e.to_string()))?;
        let answer = self
            .exchange(&Method::POST, paths::LOGIN, &Body::Json(body), None)
            .await?;
        decode::<SessionInfo>(answer)?.ok_or_else(|| missing_result(paths::LOGIN))
    }

    /// Sends an authenticated request; on 401 logs in again once and repeats it.
    async fn call(&self, method: Method, path: &str, body: Body) -> Result<Answer, Error> {
        let token = self.current_token().await?;
        let answer = self.exchange(&method, path, &body, Some(&token)).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        tracing::debug!("lorafota-gateway: {method} {path} answered 401; logging in again");
        {
            let mut guard = self.inner.token.lock().await;
            // Another task may already have renewed it.
            if guard.as_ref() == Some(&token) {
                *guard = None;
            }
        }
        let token = self.current_token().await?;
        self.exchange(&method, path, &body, Some(&token)).await
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let answer = self.call(Method::GET, path, Body::Empty).await?;
        decode::<T>(answer)?.ok_or_else(|| missing_result(path))
    }

    async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<Option<T>, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::Config(e.to_string()))?;
        decode(self.call(Method::POST, path, Body::Json(bytes)).await?)
    }

    // ---- auth ----------------------------------------------------------------------------

    /// Logs in now (normally done lazily) and returns the session.
    pub async fn login(&self) -> Result<SessionInfo, Error> {
        let mut guard = self.inner.token.lock().await;
        let session = self.login_inner().await?;
        *guard = Some(session.token.clone());
        Ok(session)
    }

    /// Logs out and forgets the token (a no-op when not logged in).
    pub async fn logout(&self) -> Result<(), Error> {
        let token = self.inner.token.lock().await.take();
        let Some(token) = token else { return Ok(()) };
        let answer = self
            .exchange(&Method::POST, paths::LOGOUT, &Body::Empty, Some(&token))
            .await?;
        if answer.status == StatusCode::UNAUTHORIZED {
            return Ok(()); // already expired: logged out either way
        }
        decode::<serde_json::Value>(answer).map(drop)
    }

    /// `GET /api/whoami`.
    pub async fn whoami(&self) -> Result<SessionInfo, Error> {
        self.get(paths::WHOAMI).await
    }

    /// `GET /api/commissioning` (no login needed).
    pub async fn commissioning_status(&self) -> Result<CommissioningStatus, Error> {
        let answer = self
            .exchange(&Method::GET, paths::COMMISSIONING, &Body::Empty, None)
            .await?;
        decode(answer)?.ok_or_else(|| missing_result(paths::COMMISSIONING))
    }

    // ---- uploads -------------------------------------------------------------------------

    async fn upload(
        &self,
        path: &Path,
        kind_path: &str,
        part: &'static str,
    ) -> Result<UploadedFile, Error> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| ParamError::FileName(path.display().to_string()))?
            .to_owned();
        check_upload_name(&name)?;
        let data = tokio::fs::read(path).await.map_err(|source| Error::File {
            path: path.to_owned(),
            source,
        })?;
        self.upload_bytes_inner(&name, data, kind_path, part).await
    }

    async fn upload_bytes_inner(
        &self,
        name: &str,
        data: Vec<u8>,
        kind_path: &str,
        part: &'static str,
    ) -> Result<UploadedFile, Error> {
        check_upload_name(name)?;
        let len = data.len();
        let body = Body::File {
            part,
            name: name.to_owned(),
            data: Arc::new(data),
        };
        decode::<serde_json::Value>(self.call(Method::POST, kind_path, body).await?)?;
        Ok(UploadedFile {
            name: name.to_owned(),
            len,
        })
    }

    /// Uploads a FOTA image (stored under the file's base name).
    pub async fn upload_fota_file(&self, path: impl AsRef<Path>) -> Result<UploadedFile, Error> {
        self.upload(path.as_ref(), paths::UPLOAD_FOTA, FOTA_UPLOAD_PART)
            .await
    }

    /// Uploads a FOTA image from memory under `name`.
    pub async fn upload_fota_bytes(
        &self,
        name: &str,
        data: Vec<u8>,
    ) -> Result<UploadedFile, Error> {
        self.upload_bytes_inner(name, data, paths::UPLOAD_FOTA, FOTA_UPLOAD_PART)
            .await
    }

    /// Uploads a multicast message file from memory under `name`.
    pub async fn upload_multicast_bytes(
        &self,
        name: &str,
        data: Vec<u8>,
    ) -> Result<UploadedFile, Error> {
        self.upload_bytes_inner(name, data, paths::UPLOAD_MULTICAST, MULTICAST_UPLOAD_PART)
            .await
    }

    /// Uploads a multicast message file (for `Binary` payloads).
    pub async fn upload_multicast_file(
        &self,
        path: impl AsRef<Path>,
    ) -> Result<UploadedFile, Error> {
        self.upload(
            path.as_ref(),
            paths::UPLOAD_MULTICAST,
            MULTICAST_UPLOAD_PART,
        )
        .await
    }

    // ---- scheduling ----------------------------------------------------------------------

    /// Schedules a job and returns its `schedule_filename` (chosen by the client unless the
    /// job names itself).
    ///
    /// Never re-sent blindly: if the answer is lost, the client looks the name up; it sends
    /// again only if the job is in no list, and reports [`Error::ScheduleOutcomeUnknown`] when
    /// it cannot tell.
    pub async fn schedule(&self, job: impl Into<Job>) -> Result<ScheduleFilename, Error> {
        let job = job.into();
        let mut request = job.to_request();
        let name = match &request.schedule_filename {
            Some(n) => ScheduleFilename::new(n.clone())?,
            None => unique_schedule_filename(job.kind())?,
        };
        request.schedule_filename = Some(name.as_str().to_owned());
        let path = match job.kind() {
            TransmissionType::Fota => paths::FOTA,
            TransmissionType::Message => paths::MCM,
        };
        match self.post_json::<_, ScheduleAck>(path, &request).await {
            Ok(_) => Ok(name),
            Err(e @ (Error::Transport { .. } | Error::Timeout { .. })) => {
                let never_sent = matches!(&e, Error::Transport { source, .. } | Error::Timeout { source } if source.is_connect());
                if never_sent {
                    return Err(e); // no connection: the gateway never saw the request
                }
                tracing::warn!(
                    "lorafota-gateway: answer to scheduling {name} lost ({e}); checking whether it landed"
                );
                self.recover_lost_schedule(path, &request, name, e).await
            }
            Err(e) => Err(e),
        }
    }

    async fn recover_lost_schedule(
        &self,
        path: &str,
        request: &crate::api::schedule::ScheduleRequest,
        name: ScheduleFilename,
        original: Error,
    ) -> Result<ScheduleFilename, Error> {
        let unknown = |source: Error| Error::ScheduleOutcomeUnknown {
            schedule_filename: name.as_str().to_owned(),
            source: Box::new(source),
        };
        match self.locate(name.as_str()).await {
            Ok(Some(_)) => Ok(name),
            Ok(None) => match self.post_json::<_, ScheduleAck>(path, request).await {
                Ok(_) => Ok(name),
                // The first copy landed after all (our name is unique).
                Err(Error::Api(g))
                    if g.code == 409 && g.message == "Schedule file already exists" =>
                {
                    Ok(name)
                }
                Err(e @ Error::Api(_)) if e.http_status() != Some(409) => Err(e),
                Err(e) => Err(unknown(e)),
            },
            Err(_) => Err(unknown(original)),
        }
    }

    /// Where the job named `filename` is: scheduled, running or finished. Checked in that
    /// order, which is the order jobs move in, so a job moving on during the check is still
    /// found.
    pub async fn locate(&self, filename: &str) -> Result<Option<JobUpdate>, Error> {
        let scheduled = self.schedule_list().await?;
        if scheduled.contains(filename) {
            return Ok(Some(JobUpdate::Scheduled));
        }
        let progress = self.progress().await?;
        let running = progress.job(filename).cloned();
        // At 100 % a job may be over: the seed shape keeps showing the last job at 100 % after it
        // finished, and the seed document says to look at the results then.
        if let Some(p) = running.as_ref().filter(|p| p.percent < 100.0) {
            return Ok(Some(JobUpdate::Running(p.clone())));
        }
        let results = self.results().await?;
        if let Some(r) = results.find(filename) {
            return Ok(Some(JobUpdate::Finished(r.clone())));
        }
        Ok(running.map(JobUpdate::Running))
    }

    /// Cancels a job that has not started (`DELETE /api/lora/fotaschedule/{filename}`).
    pub async fn cancel(&self, filename: &ScheduleFilename) -> Result<(), Error> {
        let path = format!("{}/{}", paths::SCHEDULE, filename.as_str());
        decode::<serde_json::Value>(self.call(Method::DELETE, &path, Body::Empty).await?).map(drop)
    }

    // ---- monitoring ----------------------------------------------------------------------

    /// `GET /api/lora/fotaprogress`, normalised.
    pub async fn progress(&self) -> Result<Progress, Error> {
        self.get(paths::PROGRESS).await
    }

    /// `GET /api/lora/fotaresults`, normalised.
    pub async fn results(&self) -> Result<Results, Error> {
        self.get(paths::RESULTS).await
    }

    /// `GET /api/lora/fotaschedule`, normalised.
    pub async fn schedule_list(&self) -> Result<ScheduleList, Error> {
        self.get(paths::SCHEDULE).await
    }

    /// `GET /api/lora/status`.
    pub async fn status(&self) -> Result<LoraStatus, Error> {
        self.get(paths::STATUS).await
    }

    /// `GET /api/lora/devices`.
    pub async fn devices(&self) -> Result<Vec<Device>, Error> {
        self.get(paths::DEVICES).await
    }

    /// Watches a job, polling every `interval` (default: the client's poll interval).
    pub fn watch(&self, filename: &ScheduleFilename, interval: Option<Duration>) -> ProgressWatch {
        ProgressWatch::new(
            self.clone(),
            filename.as_str().to_owned(),
            interval.unwrap_or(self.inner.poll_interval),
        )
    }

    /// Polls until the job finishes (or `deadline` passes) and returns its result.
    pub async fn wait_for(
        &self,
        filename: &ScheduleFilename,
        interval: Option<Duration>,
        deadline: Option<Duration>,
    ) -> Result<OperationResult, Error> {
        let mut watch = self.watch(filename, interval);
        if let Some(d) = deadline {
            watch = watch.deadline(d);
        }
        while let Some(update) = watch.next().await {
            if let JobUpdate::Finished(r) = update? {
                return Ok(r);
            }
        }
        Err(Error::JobNotFound {
            schedule_filename: filename.as_str().to_owned(),
        })
    }

    /// Upload → schedule → poll → result for a FOTA job. `image`'s base name must equal
    /// `job.fota_file()`.
    pub async fn run_fota(
        &self,
        image: impl AsRef<Path>,
        job: FotaJob,
        interval: Option<Duration>,
        deadline: Option<Duration>,
    ) -> Result<OperationResult, Error> {
        let image = image.as_ref();
        if image.file_name().and_then(|n| n.to_str()) != Some(job.fota_file()) {
            return Err(ParamError::FileName(format!(
                "{} (the job names {:?}; upload and job must use the same file name)",
                image.display(),
                job.fota_file()
            ))
            .into());
        }
        self.upload_fota_file(image).await?;
        let name = self.schedule(job).await?;
        self.wait_for(&name, interval, deadline).await
    }

    /// Upload (for `Binary` payloads, from `file`) → schedule → poll → result for a multicast
    /// message.
    pub async fn run_multicast(
        &self,
        job: McmJob,
        file: Option<&Path>,
        interval: Option<Duration>,
        deadline: Option<Duration>,
    ) -> Result<OperationResult, Error> {
        if let MessagePayload::File(name) = job.payload() {
            let Some(path) = file else {
                return Err(ParamError::FileName(format!(
                    "{name} (a Binary payload needs its local file to upload)"
                ))
                .into());
            };
            if path.file_name().and_then(|n| n.to_str()) != Some(name.as_str()) {
                return Err(ParamError::FileName(format!(
                    "{} (the job names {name:?})",
                    path.display()
                ))
                .into());
            }
            self.upload_multicast_file(path).await?;
        }
        let name = self.schedule(job).await?;
        self.wait_for(&name, interval, deadline).await
    }
}

fn missing_result(path: &str) -> Error {
    Error::Decode {
        path: "result".to_owned(),
        message: format!("{path} answered without a result"),
        body: String::new(),
    }
}

/// Success → `result` (if any); error status → [`Error::Api`] / [`Error::Http`].
fn decode<T: DeserializeOwned>(answer: Answer) -> Result<Option<T>, Error> {
    let Answer { status, body } = answer;
    if !status.is_success() {
        return Err(match serde_json::from_str::<ErrorEnvelope>(&body) {
            Ok(env) => Error::Api(GatewayError {
                http_status: status.as_u16(),
                code: env.code,
                status: match env.status {
                    crate::api::Status::Success => "success".to_owned(),
                    crate::api::Status::Fail => "fail".to_owned(),
                },
                message: env.error,
                body,
            }),
            Err(_) => Error::Http {
                status: status.as_u16(),
                body,
            },
        });
    }
    #[derive(serde::Deserialize)]
    struct Env<T> {
        #[serde(default = "Option::default")]
        result: Option<T>,
    }
    let de = &mut serde_json::Deserializer::from_str(&body);
    match serde_path_to_error::deserialize::<_, Env<T>>(de) {
        Ok(env) => Ok(env.result),
        Err(e) => Err(Error::Decode {
            path: e.path().to_string(),
            message: e.inner().to_string(),
            body,
        }),
    }
}
