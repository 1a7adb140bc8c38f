//! Persistence: JSON files in the state directory, each written atomically (temp + rename).
//!
//! Layout: `jobs.json` (scheduled and running jobs), `results.json`, `devices.json` (device
//! table and groups added at run time), `uploads/fota/<name>`, `uploads/multicast/<name>`.

use std::io;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Which upload area a file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadKind {
    /// `upload_lora_fota_file`.
    Fota,
    /// `upload_lora_multicast`.
    Multicast,
}

/// The state directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens (creating) the directory and its upload folders.
    pub fn open(root: &Path) -> io::Result<Self> {
        std::fs::create_dir_all(root.join("uploads").join("fota"))?;
        std::fs::create_dir_all(root.join("uploads").join("multicast"))?;
        Ok(Self {
            root: root.to_owned(),
        })
    }

    /// Path of an uploaded file (the name must already be checked as a plain base name).
    pub fn upload_path(&self, kind: UploadKind, name: &str) -> PathBuf {
        let dir = match kind {
            UploadKind::Fota => "fota",
            UploadKind::Multicast => "multicast",
        };
        self.root.join("uploads").join(dir).join(name)
    }

    /// Size of an uploaded file, `None` if absent.
    pub fn upload_len(&self, kind: UploadKind, name: &str) -> Option<u64> {
        std::fs::metadata(self.upload_path(kind, name))
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    }

    /// Reads `name` (a JSON document); a missing file gives `T::default()`.
    pub fn load<T: DeserializeOwned + Default>(&self, name: &str) -> io::Result<T> {
        match std::fs::read(self.root.join(name)) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(T::default()),
            Err(e) => Err(e),
        }
    }

    /// Writes `name` atomically: a reader sees the old or the new document, never half.
    pub fn save<T: Serialize>(&self, name: &str, value: &T) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
        write_atomic(&self.root.join(name), &bytes)
    }
}

/// Writes to a temporary sibling, syncs it, then renames it over `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.tmp"));
    {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
