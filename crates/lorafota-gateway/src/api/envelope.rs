//! The response envelope: `{"code", "status", "result" | "error"}`.

use serde::{Deserialize, Serialize};

/// `status` of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The request succeeded; `result` may follow.
    Success,
    /// The request failed; `error` says why.
    Fail,
}

/// A successful answer. `result` is absent for uploads, cancel and logout.
///
/// The HTTP status equals `code`. Fields are serialised in the order real gateways use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// Mirrors the HTTP status.
    pub code: u16,
    /// `success` or `fail`.
    pub status: Status,
    /// The payload, when the endpoint has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<T>,
}

impl<T> Envelope<T> {
    /// A `200 success` answer with a result.
    pub fn ok(result: T) -> Self {
        Self {
            code: 200,
            status: Status::Success,
            result: Some(result),
        }
    }
}

impl Envelope<()> {
    /// A `200 success` answer without a result.
    pub fn ok_empty() -> Self {
        Self {
            code: 200,
            status: Status::Success,
            result: None,
        }
    }
}

/// A failed answer: `{"code":<n>,"status":"fail","error":"<text>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// Mirrors the HTTP status.
    pub code: u16,
    /// Always `fail` for errors.
    pub status: Status,
    /// The gateway's error text, kept whole.
    #[serde(default)]
    pub error: String,
}

impl ErrorEnvelope {
    /// An error answer with `code` and message.
    pub fn new(code: u16, error: impl Into<String>) -> Self {
        Self {
            code,
            status: Status::Fail,
            error: error.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn empty_success_has_no_result_member() {
        let s = serde_json::to_string(&Envelope::ok_empty()).unwrap();
        assert_eq!(s, r#"{"code":200,"status":"success"}"#);
    }

    #[test]
    fn error_shape() {
        let s = serde_json::to_string(&ErrorEnvelope::new(404, "Not Found")).unwrap();
        assert_eq!(s, r#"{"code":404,"status":"fail","error":"Not Found"}"#);
    }
}
