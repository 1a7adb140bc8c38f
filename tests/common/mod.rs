//! Helpers shared by the cross-crate tests: the golden vectors in `../shared/vectors`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// `../shared/vectors/<rel>` beside the repository (CI lays `shared/` there too).
pub fn vector_path(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/vectors")
        .join(rel)
}

/// Parses a vector file; panics with the path when it is missing.
pub fn load_json(rel: &str) -> Value {
    let p = vector_path(rel);
    let text = std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("golden vectors {}: {e}", p.display()));
    serde_json::from_str(&text).unwrap()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Regenerates a TS004 vector's data block from its `data_generator`.
pub fn ts004_case_data(case: &Value) -> Vec<u8> {
    let len = case["data_len"].as_u64().unwrap() as usize;
    let gen_ = &case["data_generator"];
    let data = match gen_["algorithm"].as_str().unwrap() {
        "literal" => hex::decode(case["data_hex"].as_str().unwrap()).unwrap(),
        "sha256-counter" => {
            let seed = hex::decode(gen_["seed_hex"].as_str().unwrap()).unwrap();
            let mut out = Vec::with_capacity(len + 32);
            let mut i: u32 = 0;
            while out.len() < len {
                let mut h = Sha256::new();
                h.update(&seed);
                h.update(i.to_be_bytes());
                out.extend_from_slice(&h.finalize());
                i += 1;
            }
            out.truncate(len);
            out
        }
        other => panic!("unknown data generator {other}"),
    };
    assert_eq!(
        sha256_hex(&data),
        case["data_sha256"].as_str().unwrap(),
        "{}",
        case["name"]
    );
    data
}

/// The crate's version enum for a vector's `ts004_version` string.
pub fn ts004_version(case: &Value) -> lorafota::core::frag::Ts004Version {
    case["ts004_version"].as_str().unwrap().parse().unwrap()
}
