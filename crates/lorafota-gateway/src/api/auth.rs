//! Login, logout, who-am-I and commissioning models.

use core::fmt;

use serde::{Deserialize, Serialize};

use crate::Secret;

/// Body of `POST /api/login`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginRequest {
    /// User name.
    pub username: String,
    /// Password (redacted in `Debug`).
    pub password: Secret,
}

/// A user's permission level as the gateway names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Full access.
    Admin,
    /// Engineer: may upload and schedule.
    User,
    /// Monitor: read-only.
    Guest,
}

impl Role {
    /// The wire name (`admin`, `user`, `guest`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::User => "user",
            Self::Guest => "guest",
        }
    }

    /// Parses a wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "user" => Some(Self::User),
            "guest" => Some(Self::Guest),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The session object returned by login and `GET /api/whoami`.
///
/// `permission` stays a string so an unknown level from a newer firmware still decodes; use
/// [`SessionInfo::role`] for the typed view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Client address as the gateway saw it.
    #[serde(default)]
    pub address: String,
    /// Permission level (`admin`, `user`, `guest`).
    #[serde(default)]
    pub permission: String,
    /// Client port as the gateway saw it (a string on real gateways).
    #[serde(default, deserialize_with = "string_or_number")]
    pub port: String,
    /// Login time, ISO-8601.
    #[serde(default)]
    pub timestamp: String,
    /// The session token (redacted in `Debug`).
    pub token: Secret,
    /// User name.
    #[serde(default)]
    pub user: String,
}

impl SessionInfo {
    /// The typed permission level, when it is one of the known three.
    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.permission)
    }
}

/// `GET /api/commissioning` result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommissioningStatus {
    /// True once the first admin password has been set.
    pub commissioned: bool,
}

/// `POST /api/commissioning` body (the single-password 7.x variant).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommissioningRequest {
    /// Optional user name (defaults to `admin`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The new password.
    pub password: Secret,
}

/// Accepts `"4242"` or `4242` (sources disagree on the type of `port`).
pub(crate) fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Sn {
        S(String),
        N(serde_json::Number),
    }
    Ok(match Sn::deserialize(d)? {
        Sn::S(s) => s,
        Sn::N(n) => n.to_string(),
    })
}
