//! The client's one error type.

use core::fmt;
use std::path::PathBuf;

use crate::api::params::ParamError;

/// An error answer from the gateway, kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayError {
    /// HTTP status of the answer.
    pub http_status: u16,
    /// The envelope's `code` (equal to the HTTP status on real gateways).
    pub code: u16,
    /// The envelope's `status` (`fail`).
    pub status: String,
    /// The envelope's `error` text, verbatim.
    pub message: String,
    /// The raw body.
    pub body: String,
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "gateway answered {}: {}", self.code, self.message)
    }
}

/// Everything that can go wrong talking to a gateway.
///
/// Secrets never appear here: passwords and tokens are [`crate::Secret`]s and no variant
/// carries a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A parameter was refused before anything was sent.
    InvalidArgument(ParamError),
    /// The client was configured wrongly (bad URL, unreadable CA file, malformed fingerprint…).
    Config(String),
    /// No user name/password were given (arguments or `LORAFOTA_USER`/`LORAFOTA_PASSWORD`).
    MissingCredentials,
    /// A local file could not be read.
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TLS handshake failed: untrusted certificate, pin mismatch, protocol error.
    Tls {
        /// What rustls (or the pin check) said.
        message: String,
    },
    /// No connection, or it broke before an answer arrived.
    Transport {
        /// What happened.
        message: String,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The request timed out.
    Timeout {
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The gateway answered with its error envelope.
    Api(GatewayError),
    /// The gateway answered an error without a JSON envelope.
    Http {
        /// HTTP status.
        status: u16,
        /// Raw body.
        body: String,
    },
    /// A success answer that does not decode.
    Decode {
        /// JSON path of the failing member.
        path: String,
        /// What is wrong.
        message: String,
        /// Raw body.
        body: String,
    },
    /// A schedule request's answer was lost and the gateway could not tell whether it landed.
    ScheduleOutcomeUnknown {
        /// The job's name (look for it in the schedule, progress and results lists).
        schedule_filename: String,
        /// What went wrong while finding out.
        source: Box<Error>,
    },
    /// The job is in none of the schedule, progress or results lists (cancelled?).
    JobNotFound {
        /// The job's name.
        schedule_filename: String,
    },
    /// The job did not finish before the deadline.
    WaitTimedOut {
        /// The job's name.
        schedule_filename: String,
    },
}

impl Error {
    /// The gateway's error answer, if this is one.
    pub fn gateway(&self) -> Option<&GatewayError> {
        match self {
            Self::Api(g) => Some(g),
            _ => None,
        }
    }
    /// True for 401 answers (after the one re-login attempt).
    pub fn is_unauthorized(&self) -> bool {
        self.http_status() == Some(401)
    }
    /// HTTP status of an error answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            Self::Api(g) => Some(g.http_status),
            Self::Http { status, .. } => Some(*status),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidArgument(e) => write!(f, "invalid argument: {e}"),
            Self::Config(m) => write!(f, "client configuration: {m}"),
            Self::MissingCredentials => f.write_str(
                "no gateway credentials: pass them to the builder or set LORAFOTA_USER and LORAFOTA_PASSWORD",
            ),
            Self::File { path, source } => write!(f, "{}: {source}", path.display()),
            Self::Tls { message } => write!(f, "TLS error: {message}"),
            Self::Transport { message, .. } => write!(f, "connection error: {message}"),
            Self::Timeout { .. } => f.write_str("the gateway did not answer in time"),
            Self::Api(g) => write!(f, "{g}"),
            Self::Http { status, body } => {
                let snippet: String = body.chars().take(200).collect();
                write!(f, "gateway answered HTTP {status} without a JSON envelope: {snippet}")
            }
            Self::Decode { path, message, .. } => write!(f, "unexpected answer at {path}: {message}"),
            Self::ScheduleOutcomeUnknown { schedule_filename, source } => write!(
                f,
                "the answer to scheduling {schedule_filename} was lost and whether it landed is unknown ({source})"
            ),
            Self::JobNotFound { schedule_filename } => {
                write!(f, "job {schedule_filename} is neither scheduled, running nor finished")
            }
            Self::WaitTimedOut { schedule_filename } => write!(f, "job {schedule_filename} did not finish in time"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidArgument(e) => Some(e),
            Self::File { source, .. } => Some(source),
            Self::Transport { source, .. } | Self::Timeout { source } => Some(source),
            Self::ScheduleOutcomeUnknown { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<ParamError> for Error {
    fn from(e: ParamError) -> Self {
        Self::InvalidArgument(e)
    }
}

/// Turns a reqwest error into the most telling variant: TLS problems (including a pin
/// mismatch) are dug out of the source chain so the user sees them by name.
pub(crate) fn classify(e: reqwest::Error) -> Error {
    if let Some(message) = tls_message(&e) {
        return Error::Tls { message };
    }
    if e.is_timeout() {
        return Error::Timeout { source: e };
    }
    let message = chain_text(&e);
    Error::Transport { message, source: e }
}

fn tls_message(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    if let Some(r) = e.downcast_ref::<rustls::Error>() {
        return Some(describe_rustls(r));
    }
    // `io::Error::source` skips the error it wraps, so look inside explicitly.
    if let Some(m) = e
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        .and_then(|inner| tls_message(inner))
    {
        return Some(m);
    }
    e.source().and_then(tls_message)
}

/// rustls's own text, except that a pin mismatch is spelled out with both fingerprints.
fn describe_rustls(e: &rustls::Error) -> String {
    if let rustls::Error::InvalidCertificate(rustls::CertificateError::Other(other)) = e
        && let Some(pin) = other.0.downcast_ref::<super::tls::PinMismatch>()
    {
        return format!("invalid peer certificate: {pin}");
    }
    e.to_string()
}

fn chain_text(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if parts.last() != Some(&s) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}
