//! Polling a job until it finishes.

use std::time::{Duration, Instant};

use super::{Error, GatewayClient};
use crate::api::monitor::{JobProgress, OperationResult};

/// Where a watched job is.
#[derive(Debug, Clone, PartialEq)]
pub enum JobUpdate {
    /// Waiting for its setup time.
    Scheduled,
    /// Running.
    Running(JobProgress),
    /// Finished; the last update a watch yields.
    Finished(OperationResult),
}

/// Polls one job at an interval until it finishes: an async iterator ([`Self::next`]), a
/// [`futures_util::Stream`] ([`Self::into_stream`]), or a blocking `Iterator` through
/// [`crate::blocking::GatewayClient::watch`].
#[derive(Debug)]
pub struct ProgressWatch {
    client: GatewayClient,
    filename: String,
    interval: Duration,
    deadline: Option<Instant>,
    polled: bool,
    done: bool,
}

impl ProgressWatch {
    pub(crate) fn new(client: GatewayClient, filename: String, interval: Duration) -> Self {
        Self {
            client,
            filename,
            interval,
            deadline: None,
            polled: false,
            done: false,
        }
    }

    /// Gives up with [`Error::WaitTimedOut`] after `d`.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Instant::now().checked_add(d);
        self
    }

    /// The next update: the first at once, later ones after the interval. `None` after the
    /// job finished or an error ended the watch.
    pub async fn next(&mut self) -> Option<Result<JobUpdate, Error>> {
        if self.done {
            return None;
        }
        if self.polled {
            let mut wait = self.interval;
            if let Some(deadline) = self.deadline {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    self.done = true;
                    return Some(Err(Error::WaitTimedOut {
                        schedule_filename: self.filename.clone(),
                    }));
                }
                wait = wait.min(left);
            }
            tokio::time::sleep(wait).await;
        }
        self.polled = true;
        let update = match self.client.locate(&self.filename).await {
            Ok(Some(u)) => Ok(u),
            Ok(None) => Err(Error::JobNotFound {
                schedule_filename: self.filename.clone(),
            }),
            Err(e) => Err(e),
        };
        if !matches!(update, Ok(JobUpdate::Scheduled | JobUpdate::Running(_))) {
            self.done = true;
        }
        Some(update)
    }

    /// The watch as a `Stream`.
    pub fn into_stream(self) -> impl futures_util::Stream<Item = Result<JobUpdate, Error>> {
        futures_util::stream::unfold(self, |mut w| async move { w.next().await.map(|u| (u, w)) })
    }

    /// The final result, polling until the job finishes.
    pub async fn finish(mut self) -> Result<OperationResult, Error> {
        while let Some(update) = self.next().await {
            if let JobUpdate::Finished(r) = update? {
                return Ok(r);
            }
        }
        Err(Error::JobNotFound {
            schedule_filename: self.filename,
        })
    }
}
