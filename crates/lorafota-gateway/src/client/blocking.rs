//! A blocking facade for scripts: the async client driven by its own small tokio runtime
//! (current-thread; no reqwest `blocking` feature, which would pull a second client stack).
//!
//! Do not use it from inside an async runtime; it returns [`Error::Config`] there instead of
//! blocking an executor thread.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::{Error, GatewayClientBuilder, JobUpdate, ProgressWatch, UploadedFile};
use crate::api::auth::{CommissioningStatus, SessionInfo};
use crate::api::lora::{Device, LoraStatus};
use crate::api::monitor::{OperationResult, Progress, Results, ScheduleList};
use crate::api::params::ScheduleFilename;
use crate::api::schedule::{FotaJob, Job, McmJob};

/// The blocking client: same operations as [`crate::GatewayClient`].
#[derive(Debug, Clone)]
pub struct GatewayClient {
    inner: super::GatewayClient,
    rt: Arc<tokio::runtime::Runtime>,
}

impl GatewayClientBuilder {
    /// Builds a [`GatewayClient`] for blocking use.
    pub fn build_blocking(self) -> Result<GatewayClient, Error> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Config(format!("cannot start a runtime: {e}")))?;
        let inner = {
            let _guard = rt.enter();
            self.build()?
        };
        Ok(GatewayClient {
            inner,
            rt: Arc::new(rt),
        })
    }
}

impl GatewayClient {
    /// A builder; finish it with [`GatewayClientBuilder::build_blocking`].
    pub fn builder() -> GatewayClientBuilder {
        GatewayClientBuilder::default()
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &super::GatewayClient {
        &self.inner
    }

    fn run<T>(&self, f: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config(
                "the blocking client was called inside an async runtime; use the async client"
                    .to_owned(),
            ));
        }
        self.rt.block_on(f)
    }

    /// See [`crate::GatewayClient::login`].
    pub fn login(&self) -> Result<SessionInfo, Error> {
        self.run(self.inner.login())
    }
    /// See [`crate::GatewayClient::logout`].
    pub fn logout(&self) -> Result<(), Error> {
        self.run(self.inner.logout())
    }
    /// See [`crate::GatewayClient::whoami`].
    pub fn whoami(&self) -> Result<SessionInfo, Error> {
        self.run(self.inner.whoami())
    }
    /// See [`crate::GatewayClient::commissioning_status`].
    pub fn commissioning_status(&self) -> Result<CommissioningStatus, Error> {
        self.run(self.inner.commissioning_status())
    }
    /// See [`crate::GatewayClient::upload_fota_file`].
    pub fn upload_fota_file(&self, path: impl AsRef<Path>) -> Result<UploadedFile, Error> {
        self.run(self.inner.upload_fota_file(path))
    }
    /// See [`crate::GatewayClient::upload_multicast_file`].
    pub fn upload_multicast_file(&self, path: impl AsRef<Path>) -> Result<UploadedFile, Error> {
        self.run(self.inner.upload_multicast_file(path))
    }
    /// See [`crate::GatewayClient::upload_fota_bytes`].
    pub fn upload_fota_bytes(&self, name: &str, data: Vec<u8>) -> Result<UploadedFile, Error> {
        self.run(self.inner.upload_fota_bytes(name, data))
    }
    /// See [`crate::GatewayClient::upload_multicast_bytes`].
    pub fn upload_multicast_bytes(&self, name: &str, data: Vec<u8>) -> Result<UploadedFile, Error> {
        self.run(self.inner.upload_multicast_bytes(name, data))
    }
    /// See [`crate::GatewayClient::schedule`].
    pub fn schedule(&self, job: impl Into<Job>) -> Result<ScheduleFilename, Error> {
        self.run(self.inner.schedule(job))
    }
    /// See [`crate::GatewayClient::cancel`].
    pub fn cancel(&self, filename: &ScheduleFilename) -> Result<(), Error> {
        self.run(self.inner.cancel(filename))
    }
    /// See [`crate::GatewayClient::progress`].
    pub fn progress(&self) -> Result<Progress, Error> {
        self.run(self.inner.progress())
    }
    /// See [`crate::GatewayClient::results`].
    pub fn results(&self) -> Result<Results, Error> {
        self.run(self.inner.results())
    }
    /// See [`crate::GatewayClient::schedule_list`].
    pub fn schedule_list(&self) -> Result<ScheduleList, Error> {
        self.run(self.inner.schedule_list())
    }
    /// See [`crate::GatewayClient::status`].
    pub fn status(&self) -> Result<LoraStatus, Error> {
        self.run(self.inner.status())
    }
    /// See [`crate::GatewayClient::devices`].
    pub fn devices(&self) -> Result<Vec<Device>, Error> {
        self.run(self.inner.devices())
    }
    /// Watches a job as a blocking iterator of updates.
    pub fn watch(&self, filename: &ScheduleFilename, interval: Option<Duration>) -> BlockingWatch {
        BlockingWatch {
            watch: self.inner.watch(filename, interval),
            rt: self.rt.clone(),
        }
    }
    /// See [`crate::GatewayClient::wait_for`].
    pub fn wait_for(
        &self,
        filename: &ScheduleFilename,
        interval: Option<Duration>,
        deadline: Option<Duration>,
    ) -> Result<OperationResult, Error> {
        self.run(self.inner.wait_for(filename, interval, deadline))
    }
    /// See [`crate::GatewayClient::run_fota`].
    pub fn run_fota(
        &self,
        image: impl AsRef<Path>,
        job: FotaJob,
        interval: Option<Duration>,
        deadline: Option<Duration>,
    ) -> Result<OperationResult, Error> {
        self.run(self.inner.run_fota(image, job, interval, deadline))
    }
    /// See [`crate::GatewayClient::run_multicast`].
    pub fn run_multicast(
        &self,
        job: McmJob,
        file: Option<&Path>,
        interval: Option<Duration>,
        deadline: Option<Duration>,
    ) -> Result<OperationResult, Error> {
        self.run(self.inner.run_multicast(job, file, interval, deadline))
    }
}

/// A blocking iterator over a job's updates; ends after [`JobUpdate::Finished`] or an error.
#[derive(Debug)]
pub struct BlockingWatch {
    watch: ProgressWatch,
    rt: Arc<tokio::runtime::Runtime>,
}

impl BlockingWatch {
    /// Gives up with [`Error::WaitTimedOut`] once `d` has passed since the watch began.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.watch = self.watch.deadline(d);
        self
    }
}

impl Iterator for BlockingWatch {
    type Item = Result<JobUpdate, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Some(Err(Error::Config(
                "the blocking watch was used inside an async runtime".to_owned(),
            )));
        }
        self.rt.block_on(self.watch.next())
    }
}
