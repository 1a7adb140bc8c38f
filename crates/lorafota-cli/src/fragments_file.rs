//! The fragments file that `encode` writes and `decode` reads.
//!
//! ```json
//! {"ts004": "v1", "codec": "ts004", "fragment_size": 50, "nb_frag": 21, "padding": 26,
//!  "redundancy": 5, "data_len": 1024, "data_sha256": "...", "counter_base": 1,
//!  "fragments": [{"counter": 1, "payload_hex": "..."}, ...]}
//! ```
//!
//! `counter_base` is ours (absent means 1): with 0 the counters are MultiTech's 0-based ones.

use serde::{Deserialize, Serialize};

/// Which erasure code produced the coded fragments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    /// LoRa Alliance TS004 (the interoperable default).
    Ts004,
    /// Reed-Solomon (reed-solomon-erasure), for comparison and custom devices.
    Rs,
}

impl From<Codec> for lorafota_core::codec::Codec {
    fn from(c: Codec) -> Self {
        match c {
            Codec::Ts004 => Self::Ts004,
            Codec::Rs => Self::ReedSolomon,
        }
    }
}

/// The whole file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FragmentsFile {
    /// `v1`, `v2` or `v2-spec`.
    pub ts004: String,
    /// The erasure code.
    pub codec: Codec,
    /// S.
    pub fragment_size: u16,
    /// M.
    pub nb_frag: u16,
    /// Zero bytes after the data in the last uncoded fragment.
    pub padding: u8,
    /// R.
    pub redundancy: u16,
    /// Bytes of the data block.
    pub data_len: u64,
    /// SHA-256 of the data block, lower-case hex.
    pub data_sha256: String,
    /// 1 (TS004) or 0 (MultiTech): how `counter` is numbered.
    #[serde(default = "one")]
    pub counter_base: u8,
    /// The fragments (all of them as written; any subset in any order when read).
    pub fragments: Vec<FileFragment>,
}

/// One fragment: counter and payload without the Index&N header.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileFragment {
    /// The counter in the file's `counter_base`.
    pub counter: u16,
    /// The payload, hex.
    pub payload_hex: String,
}

fn one() -> u8 {
    1
}
