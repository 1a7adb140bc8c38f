//! Rust errors as the exceptions of `lorafota.errors` (pure Python, so each can subclass both
//! `LorafotaError` and the fitting builtin: `ValueError`, `PermissionError`, `TimeoutError`…).

use std::fmt::Display;

use lorafota_gateway::Error as GwError;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

/// The exception classes, by the name they have in `lorafota.errors`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Parameter,
    Parse,
    Decode,
    Gateway,
    Auth,
    NotFound,
    Connection,
    Tls,
    Timeout,
    Emulator,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Self::Parameter => "ParameterError",
            Self::Parse => "ParseError",
            Self::Decode => "DecodeError",
            Self::Gateway => "GatewayError",
            Self::Auth => "AuthError",
            Self::NotFound => "NotFoundError",
            Self::Connection => "GatewayConnectionError",
            Self::Tls => "TlsError",
            Self::Timeout => "GatewayTimeoutError",
            Self::Emulator => "EmulatorError",
        }
    }
}

/// Builds `kind(message, *extra)` from `lorafota.errors`; a `RuntimeError` if that module is
/// somehow missing (a broken install), so an error is never lost.
fn make(
    kind: Kind,
    message: String,
    code: Option<u16>,
    status: Option<String>,
    body: Option<String>,
) -> PyErr {
    Python::attach(|py| {
        let built = py
            .import("lorafota.errors")
            .and_then(|m| m.getattr(kind.class_name()))
            .and_then(|cls| match kind {
                Kind::Gateway | Kind::Auth | Kind::NotFound => {
                    cls.call1((message.clone(), code, status, body))
                }
                _ => cls.call1((message.clone(),)),
            });
        match built {
            Ok(exc) => PyErr::from_value(exc),
            Err(_) => PyRuntimeError::new_err(message),
        }
    })
}

/// An exception of `kind` with `message`.
pub(crate) fn error(kind: Kind, message: impl Display) -> PyErr {
    make(kind, message.to_string(), None, None, None)
}

/// `ParameterError(message)`: bad input, refused before anything ran.
pub(crate) fn parameter(message: impl Display) -> PyErr {
    error(Kind::Parameter, message)
}

/// `ParseError(message)`: bytes that are not a valid message.
pub(crate) fn parse(message: impl Display) -> PyErr {
    error(Kind::Parse, message)
}

/// The exception for a gateway client error: the server's code, status and message kept whole.
pub(crate) fn gateway(e: &GwError) -> PyErr {
    let text = e.to_string();
    match e {
        GwError::InvalidArgument(_) | GwError::Config(_) | GwError::MissingCredentials => {
            error(Kind::Parameter, text)
        }
        GwError::File { .. } => make(Kind::NotFound, text, None, None, None),
        GwError::Tls { .. } => error(Kind::Tls, text),
        GwError::Transport { .. } => error(Kind::Connection, text),
        GwError::Timeout { .. } | GwError::WaitTimedOut { .. } => error(Kind::Timeout, text),
        GwError::Api(g) => {
            let kind = status_kind(g.http_status);
            make(
                kind,
                g.message.clone(),
                Some(g.code),
                Some(g.status.clone()),
                None,
            )
        }
        GwError::Http { status, body } => make(
            status_kind(*status),
            text,
            Some(*status),
            None,
            Some(body.clone()),
        ),
        GwError::JobNotFound { .. } => make(Kind::NotFound, text, None, None, None),
        // Decode failures, unknown schedule outcomes and future variants.
        _ => make(Kind::Gateway, text, e.http_status(), None, None),
    }
}

fn status_kind(status: u16) -> Kind {
    match status {
        401 | 403 => Kind::Auth,
        404 => Kind::NotFound,
        _ => Kind::Gateway,
    }
}

/// `.map_err(py_param)` for any displayable error of bad input.
pub(crate) fn py_param<E: Display>(e: E) -> PyErr {
    parameter(e)
}

/// `.map_err(py_gw)` for gateway client errors.
pub(crate) fn py_gw(e: GwError) -> PyErr {
    gateway(&e)
}
