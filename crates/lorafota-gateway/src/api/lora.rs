//! `GET /api/lora/status` and `GET /api/lora/devices`.

use serde::{Deserialize, Serialize};

/// `result` of `GET /api/lora/status`: process IDs of the LoRa services, 0 = not running.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LoraStatus {
    /// The network server (which also runs FOTA jobs).
    #[serde(rename = "lora-network-server", default)]
    pub network_server: u32,
    /// Packet forwarders, one per radio card.
    #[serde(rename = "lora-packet-forwarder", default)]
    pub packet_forwarder: Vec<u32>,
    /// Cloud connector.
    #[serde(rename = "lora-cloud-connector", default)]
    pub cloud_connector: u32,
    /// Basic Station.
    #[serde(rename = "lora-basic-station", default)]
    pub basic_station: u32,
    /// LoRa Lens server.
    #[serde(rename = "lora-lens-server", default)]
    pub lens_server: u32,
}

impl LoraStatus {
    /// True when the network server runs (FOTA and multicast need it).
    pub fn network_server_running(&self) -> bool {
        self.network_server != 0
    }
}

/// A row of `GET /api/lora/devices`. Only `deveui` is certain; the rest varies by firmware.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Device EUI, dashed lower-case.
    pub deveui: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// LoRaWAN class `A`, `B` or `C`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Device profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_profile_id: Option<String>,
    /// Network profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_profile_id: Option<String>,
    /// Creation time, ISO-8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last uplink time, ISO-8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
}
