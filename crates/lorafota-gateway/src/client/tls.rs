//! TLS trust: system roots, a CA bundle, a pinned certificate, or (loudly) nothing.
//!
//! Gateways ship self-signed certificates whose names rarely match the address used to reach
//! them, so pinning the certificate's SHA-256 is the practical safe choice:
//! [`PinnedCertVerifier`] accepts exactly the pinned certificate (ignoring names and expiry,
//! which pinning replaces) and still checks the handshake signature, so a peer must hold the
//! pinned certificate's private key.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, OtherError, RootCertStore,
    SignatureScheme,
};
use sha2::{Digest as _, Sha256};

use super::error::Error;

/// How the client decides to trust the gateway's certificate.
#[derive(Debug, Clone, Default)]
pub enum TlsTrust {
    /// The operating system's root certificates (default).
    #[default]
    SystemRoots,
    /// CA certificates from a PEM file.
    CaFile(PathBuf),
    /// CA certificates as PEM text.
    CaPem(Vec<u8>),
    /// Exactly the certificate with this SHA-256 (of its DER).
    PinnedSha256([u8; 32]),
    /// Exactly this certificate (PEM); pinned by its SHA-256.
    PinnedCertPem(Vec<u8>),
    /// Any certificate at all. Insecure: anyone on the path can impersonate the gateway.
    DangerAcceptAnyCertificate,
}

/// Parses `AA:BB:…`, `aabb…` or `sha256:…` (spaces and colons ignored) into 32 bytes.
pub fn parse_fingerprint(s: &str) -> Result<[u8; 32], Error> {
    let s = s.trim();
    let s = s
        .strip_prefix("sha256:")
        .or_else(|| s.strip_prefix("SHA256:"))
        .unwrap_or(s);
    let digits: String = s
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    let bytes =
        hex::decode(&digits).map_err(|_| Error::Config(format!("fingerprint {s:?} is not hex")))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        Error::Config(format!(
            "a SHA-256 fingerprint has 32 bytes, {s:?} has {}",
            bytes.len()
        ))
    })
}

fn colon_hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The pin did not match: carried inside rustls's error so the message reaches the user.
#[derive(Debug)]
pub(crate) struct PinMismatch {
    expected: [u8; 32],
    got: [u8; 32],
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "server certificate SHA-256 {} does not match the pinned {}",
            colon_hex(&self.got),
            colon_hex(&self.expected)
        )
    }
}

impl std::error::Error for PinMismatch {}

/// Accepts only the pinned certificate (or, in danger mode, any), checking signatures with
/// the provider's algorithms either way.
#[derive(Debug)]
pub struct PinnedCertVerifier {
    pin: Option<[u8; 32]>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for PinnedCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(expected) = self.pin else {
            return Ok(ServerCertVerified::assertion());
        };
        let got: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if got == expected {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(PinMismatch { expected, got })),
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn roots_from_pem(pem: &[u8]) -> Result<RootCertStore, Error> {
    let mut roots = RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem) {
        let cert = cert.map_err(|e| Error::Config(format!("CA PEM: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| Error::Config(format!("CA certificate: {e}")))?;
    }
    if roots.is_empty() {
        return Err(Error::Config("the CA PEM holds no certificate".to_owned()));
    }
    Ok(roots)
}

impl TlsTrust {
    /// The rustls configuration this trust mode produces (ring provider, HTTP/1.1 ALPN), for
    /// callers who make their own HTTPS requests to the gateway.
    pub fn rustls_config(&self) -> Result<ClientConfig, Error> {
        client_config(self)
    }
}

/// Builds the rustls configuration (ring provider, HTTP/1.1).
pub(crate) fn client_config(trust: &TlsTrust) -> Result<ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(e.to_string()))?;
    let pinned = |pin| PinnedCertVerifier {
        pin,
        provider: provider.clone(),
    };
    let mut cfg = match trust {
        TlsTrust::SystemRoots => {
            let found = rustls_native_certs::load_native_certs();
            let mut roots = RootCertStore::empty();
            let (_added, _ignored) = roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(Error::Config(
                    "no system root certificates found; pin the gateway's certificate".to_owned(),
                ));
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        TlsTrust::CaFile(path) => {
            let pem = std::fs::read(path).map_err(|source| Error::File {
                path: path.clone(),
                source,
            })?;
            builder
                .with_root_certificates(roots_from_pem(&pem)?)
                .with_no_client_auth()
        }
        TlsTrust::CaPem(pem) => builder
            .with_root_certificates(roots_from_pem(pem)?)
            .with_no_client_auth(),
        TlsTrust::PinnedSha256(fp) => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(pinned(Some(*fp))))
            .with_no_client_auth(),
        TlsTrust::PinnedCertPem(pem) => {
            let cert = CertificateDer::from_pem_slice(pem)
                .map_err(|e| Error::Config(format!("pinned certificate PEM: {e}")))?;
            let fp: [u8; 32] = Sha256::digest(cert.as_ref()).into();
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(pinned(Some(fp))))
                .with_no_client_auth()
        }
        TlsTrust::DangerAcceptAnyCertificate => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(pinned(None)))
            .with_no_client_auth(),
    };
    cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(cfg)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn fingerprints_in_common_spellings() {
        let colon = (0..32)
            .map(|i| format!("{i:02X}"))
            .collect::<Vec<_>>()
            .join(":");
        let a = parse_fingerprint(&colon).unwrap();
        let b = parse_fingerprint(&format!("sha256:{}", colon.replace(':', "").to_lowercase()))
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a[31], 31);
        assert!(parse_fingerprint("abcd").is_err());
        assert!(parse_fingerprint("zz").is_err());
    }
}
