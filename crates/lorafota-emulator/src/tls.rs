//! The server certificate: generated self-signed (rcgen) or loaded from PEM; its SHA-256
//! fingerprint is what clients pin.

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest as _, Sha256};

use crate::StartError;

/// A certificate chain and its key, ready for rustls.
pub(crate) struct ServerCert {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    pub pem: String,
}

impl ServerCert {
    /// A fresh self-signed certificate for `localhost` and `127.0.0.1`.
    pub fn generate() -> Result<Self, StartError> {
        let names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        let ck = rcgen::generate_simple_self_signed(names)
            .map_err(|e| StartError::Tls(e.to_string()))?;
        let key = PrivateKeyDer::try_from(ck.signing_key.serialize_der())
            .map_err(|e| StartError::Tls(e.to_owned()))?;
        Ok(Self {
            chain: vec![ck.cert.der().clone()],
            key,
            pem: ck.cert.pem(),
        })
    }

    /// From PEM text (chain first certificate = server certificate).
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, StartError> {
        let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| StartError::Tls(format!("certificate PEM: {e}")))?;
        if chain.is_empty() {
            return Err(StartError::Tls(
                "certificate PEM holds no certificate".to_owned(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
            .map_err(|e| StartError::Tls(format!("key PEM: {e}")))?;
        Ok(Self {
            chain,
            key,
            pem: cert_pem.to_owned(),
        })
    }

    /// SHA-256 of the server (first) certificate's DER.
    pub fn fingerprint(&self) -> [u8; 32] {
        self.chain
            .first()
            .map(|c| Sha256::digest(c.as_ref()).into())
            .unwrap_or_default()
    }

    /// A rustls server config (ring provider, HTTP/1.1).
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, StartError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut cfg = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| StartError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| StartError::Tls(e.to_string()))?;
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(cfg))
    }
}

/// `AA:BB:…` (upper-case hex, colon-separated), the form browsers and `openssl x509
/// -fingerprint -sha256` print.
pub fn fingerprint_colon_hex(fp: &[u8; 32]) -> String {
    fp.iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
