//! Secrets sealed at rest: secret variable values and environment credentials are written to
//! `vouch.db` encrypted with XChaCha20-Poly1305 (a random nonce per value), so neither the
//! database nor its WAL holds a byte of them in clear.
//!
//! The key: `VOUCH_MASTER_KEY`, else the store's `vouch.key`, else its entry in the OS
//! keychain, else a new one (see `key.rs`). Rotating the key: export what you need, move the
//! data folder away, and start again (the new store makes a new key).

use std::path::{Path, PathBuf};

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::Connection;

use super::key::{self, KeyOptions};
use super::StoreError;

/// What a sealed value starts with (what does not is a value from before sealing).
const SEALED: &str = "sealed:v1:";

/// Where the key came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The `VOUCH_MASTER_KEY` environment variable.
    Environment,
    /// A key file with mode 0600 (`created`: made by this open).
    File {
        /// The file.
        path: PathBuf,
        /// Whether this open made it.
        created: bool,
    },
    /// An entry of the OS keychain (one per data folder; `vouch.keychain` beside the
    /// database names it).
    Keychain {
        /// The entry's service (`vouch`).
        service: String,
        /// The entry's user: the data folder's canonical path when the key was made.
        user: String,
        /// Whether this open made it.
        created: bool,
    },
    /// A random key held in memory only, for a throwaway store (the scratch store of a
    /// collection folder's run): nothing is written anywhere.
    Ephemeral,
}

/// Seals and opens values with the store's key.
pub struct Sealer {
    cipher: XChaCha20Poly1305,
    /// Where the key came from.
    pub source: KeySource,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        write!(f, "Sealer({:?})", self.source)
    }
}

pub(super) fn decode_key(text: &str) -> Option<[u8; 32]> {
    let t = text.trim();
    let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        base64::engine::general_purpose::STANDARD.decode(t).ok()?
    };
    bytes.try_into().ok()
}

impl Sealer {
    /// The sealer of the store in `dir` (its database open on `conn`, schema current): the
    /// key found or made as `options` say (see `key.rs`).
    pub fn for_dir(
        dir: &Path,
        options: &KeyOptions,
        conn: &Connection,
    ) -> Result<Sealer, StoreError> {
        let (key, source) = key::choose(dir, options, conn)?;
        Ok(Sealer::with_key(&key, source))
    }

    /// A sealer with a random key that lives as long as it does.
    pub fn ephemeral() -> Result<Sealer, StoreError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| StoreError::Corrupt {
            what: "secret",
            detail: format!("no randomness for a key: {e}"),
        })?;
        Ok(Sealer::with_key(&key, KeySource::Ephemeral))
    }

    fn with_key(key: &[u8; 32], source: KeySource) -> Sealer {
        Sealer {
            cipher: XChaCha20Poly1305::new(key.into()),
            source,
        }
    }

    /// The value sealed (empty stays empty: nothing to hide).
    pub fn seal(&self, plain: &str) -> Result<String, StoreError> {
        if plain.is_empty() {
            return Ok(String::new());
        }
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Corrupt {
            what: "secret",
            detail: e.to_string(),
        })?;
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| StoreError::Corrupt {
                what: "secret",
                detail: "cannot seal".into(),
            })?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!(
            "{SEALED}{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// A stored value opened (one from before sealing is returned as it is).
    pub fn open(&self, stored: &str) -> Result<String, StoreError> {
        let Some(b64) = stored.strip_prefix(SEALED) else {
            return Ok(stored.to_string());
        };
        let bad = |detail: &str| StoreError::Corrupt {
            what: "secret",
            detail: detail.to_string(),
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|_| bad("not base64"))?;
        if bytes.len() < 24 {
            return Err(bad("too short"));
        }
        let (nonce, sealed) = bytes.split_at(24);
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| {
                bad("cannot be opened with this key (VOUCH_MASTER_KEY, vouch.key or the keychain entry changed?)")
            })?;
        String::from_utf8(plain).map_err(|_| bad("not UTF-8"))
    }
}

/// Writes a new file readable by its owner only.
pub(super) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_and_opens() {
        let s = Sealer::with_key(&[7; 32], KeySource::Environment);
        let a = s.seal("sk_live_1").expect("seal");
        let b = s.seal("sk_live_1").expect("seal");
        assert!(a.starts_with(SEALED) && a != b, "random nonces");
        assert!(!a.contains("sk_live_1"));
        assert_eq!(s.open(&a).expect("open"), "sk_live_1");
        assert_eq!(
            s.open("plain from before").expect("open"),
            "plain from before"
        );
        let other = Sealer::with_key(&[8; 32], KeySource::Environment);
        assert!(other.open(&a).is_err());
        assert_eq!(decode_key(&"ab".repeat(32)), Some([0xab; 32]));
    }
}
