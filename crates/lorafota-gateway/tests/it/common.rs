//! Shared helpers: an emulator per test, a pinned client, a raw HTTPS requester.

use std::time::Duration;

use lorafota_emulator::config::{DeviceSpec, numbered_devices, seed_document_devices};
use lorafota_emulator::{Emulator, EmulatorConfig, EmulatorHandle};
use lorafota_gateway::api::monitor::ApiShape;
use lorafota_gateway::{GatewayClient, RetryPolicy, TlsTrust};
use serde_json::Value;

/// Virtual start time of every test emulator: 2027-01-14T08:00:00Z.
pub const T0_MS: i64 = 1_799_913_600_000;
pub const T0_S: u64 = (T0_MS / 1000) as u64;

pub const DEV_A: &str = "00-80-00-ff-00-00-00-02";
pub const DEV_B: &str = "00-80-00-00-0a-00-11-ba";
pub const DEV_C: &str = "70-b3-d5-32-60-00-12-34";

/// Devices of the seed document plus `00-80-00-ff-00-00-00-01..04`.
pub fn devices() -> Vec<DeviceSpec> {
    let mut d = seed_document_devices();
    d.extend(
        numbered_devices(4)
            .into_iter()
            .filter(|x| x.deveui.dashed().to_string() != DEV_A),
    );
    d
}

/// A test configuration: frozen clock at [`T0_MS`], control surface on.
pub fn config(shape: ApiShape) -> EmulatorConfig {
    EmulatorConfig {
        api_shape: shape,
        devices: devices(),
        control_surface: true,
        clock_start_ms: Some(T0_MS),
        clock_speed: 0.0,
        ..EmulatorConfig::default()
    }
}

pub async fn start(cfg: EmulatorConfig) -> EmulatorHandle {
    Emulator::start(cfg).await.expect("emulator starts")
}

pub async fn start_seed() -> EmulatorHandle {
    start(config(ApiShape::Seed)).await
}

/// A client pinned to the emulator's certificate, with quick polling and retries.
pub fn client(emu: &EmulatorHandle) -> GatewayClient {
    GatewayClient::builder()
        .base_url(emu.url())
        .credentials(emu.username(), emu.password().clone())
        .pin_certificate_sha256(&emu.fingerprint_hex().unwrap())
        .poll_interval(Duration::from_millis(20))
        .retry(RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
        })
        .build()
        .unwrap()
}

/// A raw HTTP(S) requester for contract tests: trusts the emulator's certificate as a CA and
/// shows exactly what the server sent.
pub struct Raw {
    pub http: reqwest::Client,
    pub base: String,
    pub token: Option<String>,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    /// Asserts the exact error envelope.
    #[track_caller]
    pub fn assert_error(&self, code: u16, error: &str) {
        assert_eq!(
            (self.status, self.json()),
            (
                code,
                serde_json::json!({"code": code, "status": "fail", "error": error})
            ),
            "body: {}",
            self.text
        );
        assert_eq!(
            self.headers.get("content-type").unwrap(),
            "application/json"
        );
    }
    #[track_caller]
    pub fn assert_ok(&self) -> Value {
        assert_eq!(self.status, 200, "body: {}", self.text);
        let v = self.json();
        assert_eq!(v["code"], 200);
        assert_eq!(v["status"], "success");
        v
    }
}

pub fn raw_http(emu: &EmulatorHandle) -> reqwest::Client {
    raw_http_from(emu, None)
}

pub fn raw_http_from(emu: &EmulatorHandle, local: Option<std::net::IpAddr>) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .local_address(local);
    // reqwest is built without a default crypto provider, so it always gets a configuration
    // (unused on plain HTTP).
    let trust = emu
        .cert_pem()
        .map_or(TlsTrust::DangerAcceptAnyCertificate, |pem| {
            TlsTrust::CaPem(pem.as_bytes().to_vec())
        });
    b = b.tls_backend_preconfigured(trust.rustls_config().unwrap());
    b.build().unwrap()
}

impl Raw {
    pub fn new(emu: &EmulatorHandle) -> Self {
        Self {
            http: raw_http(emu),
            base: emu.url().to_owned(),
            token: None,
        }
    }

    /// A requester already logged in as the emulator's admin.
    pub async fn admin(emu: &EmulatorHandle) -> Self {
        let mut r = Self::new(emu);
        r.login(emu.username(), emu.password().expose())
            .await
            .assert_ok();
        r
    }

    pub async fn login(&mut self, user: &str, password: &str) -> Reply {
        let reply = self
            .send(
                reqwest::Method::POST,
                "/api/login",
                Some(serde_json::json!({"username": user, "password": password})),
            )
            .await;
        if reply.status == 200 {
            self.token = reply.json()["result"]["token"].as_str().map(str::to_owned);
        }
        reply
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            rb = rb.header("cookie", format!("token={t}"));
        }
        rb
    }

    pub async fn send(&self, method: reqwest::Method, path: &str, json: Option<Value>) -> Reply {
        let mut rb = self.request(method, path);
        if let Some(j) = json {
            rb = rb
                .header("content-type", "application/json")
                .body(j.to_string());
        }
        Self::reply(rb).await
    }

    pub async fn reply(rb: reqwest::RequestBuilder) -> Reply {
        let resp = rb.send().await.expect("request");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        Reply {
            status,
            headers,
            text: resp.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(reqwest::Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, json: Value) -> Reply {
        self.send(reqwest::Method::POST, path, Some(json)).await
    }
    pub async fn post_bytes(&self, path: &str, body: &'static [u8]) -> Reply {
        Self::reply(
            self.request(reqwest::Method::POST, path)
                .header("content-type", "application/json")
                .body(body),
        )
        .await
    }
    pub async fn delete(&self, path: &str) -> Reply {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    /// Multipart upload with one part.
    pub async fn upload(
        &self,
        path: &str,
        part: &str,
        file_name: Option<&str>,
        data: Vec<u8>,
    ) -> Reply {
        let mut p = reqwest::multipart::Part::bytes(data);
        if let Some(n) = file_name {
            p = p.file_name(n.to_owned());
        }
        let form = reqwest::multipart::Form::new().part(part.to_owned(), p);
        Self::reply(self.request(reqwest::Method::POST, path).multipart(form)).await
    }
}

/// A valid `/api/lora/fota` body for an uploaded `fw.bin`.
pub fn fota_body() -> Value {
    serde_json::json!({
        "transmission_type": "FOTA",
        "endDeviceDeveuis": [DEV_A],
        "multicastGroupID": 0,
        "fotaFile": "fw.bin",
        "scheduledTimeSinceUnixEpoch": T0_S + 3600,
    })
}

/// A valid `/api/lora/mcm` body.
pub fn mcm_body() -> Value {
    serde_json::json!({
        "transmission_type": "Message",
        "endDeviceDeveuis": [DEV_A],
        "multicastGroupID": 1,
        "multicastMessage": {"messageFormat": "Hexadecimal", "messagePayload": "48656c6c6f", "messagePort": 10},
        "scheduledTimeSinceUnixEpoch": T0_S + 3600,
    })
}

/// Uploads `fw.bin` (1000 bytes) as admin.
pub async fn upload_fw(raw: &Raw) {
    raw.upload(
        "/api/command/upload_lora_fota_file",
        "fotafile",
        Some("fw.bin"),
        vec![7u8; 1000],
    )
    .await
    .assert_ok();
}
