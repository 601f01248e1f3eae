//! Which key seals a store's secrets, found or made when the store opens.
//!
//! In this order: `VOUCH_MASTER_KEY` when set; else the store's key file `vouch.key` when it
//! has one (a store never moves away from its key); else its entry in the OS keychain (one
//! entry per data folder: service `vouch`, user the folder's canonical path, recorded in
//! `vouch.keychain` beside the database); else a new key, put in the keychain when one
//! answers, else written to `vouch.key` (0600). `VOUCH_KEYCHAIN=0` keeps the keychain out.
//!
//! A key is never made in place of one that is lost: a store whose key was in the keychain
//! fails when the entry is gone or the keychain does not answer, and so does a store that
//! holds sealed secrets but has no key at all. New keys are made holding the database's write
//! lock, so two first opens at once (the window and the CLI) make one key, not two.

use std::path::{Path, PathBuf};

use base64::Engine;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use super::keychain;
use super::seal::{decode_key, write_private, KeySource};
use super::StoreError;

/// The key file's name in the data folder.
pub(super) const KEY_FILE: &str = "vouch.key";

/// The name of the file that says the key is in the keychain (and under which entry).
pub(super) const KEYCHAIN_FILE: &str = "vouch.keychain";

/// The keychain service of every store's entry.
const SERVICE: &str = "vouch";

/// How a store finds or makes the key sealing its secrets ([`KeyOptions::from_env`] unless
/// the caller says otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOptions {
    /// A key given outright (`VOUCH_MASTER_KEY`: 32 bytes, base64 or hex): used over any
    /// other, nothing written.
    pub master_key: Option<String>,
    /// Whether the OS keychain may be asked (`VOUCH_KEYCHAIN=0` says no: a new key goes to
    /// `vouch.key`, and a store whose key is in the keychain does not open).
    pub keychain: bool,
}

impl KeyOptions {
    /// From the environment: `VOUCH_MASTER_KEY`, and `VOUCH_KEYCHAIN` (`0`, `false`, `no` or
    /// `off` keep the keychain out).
    pub fn from_env() -> KeyOptions {
        let off = std::env::var("VOUCH_KEYCHAIN").is_ok_and(|v| {
            matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "0" | "false" | "no" | "off"
            )
        });
        KeyOptions {
            master_key: std::env::var("VOUCH_MASTER_KEY")
                .ok()
                .filter(|v| !v.is_empty()),
            keychain: !off,
        }
    }
}

/// A key and where it came from.
type Found = ([u8; 32], KeySource);

/// What the keychain said about this folder's entry when nothing else held the key.
enum Lookup {
    /// Not asked (turned off, or no keychain on this machine).
    NotAsked,
    /// Asked: no entry.
    Absent,
    /// Asked, no answer (why).
    Failed(String),
}

/// The key of the store in `dir` (its database open on `conn`, schema current).
pub(super) fn choose(
    dir: &Path,
    options: &KeyOptions,
    conn: &Connection,
) -> Result<Found, StoreError> {
    if let Some(text) = &options.master_key {
        let key = decode_key(text).ok_or_else(|| StoreError::Open {
            path: "VOUCH_MASTER_KEY".into(),
            detail: "not 32 bytes in base64 or hex".into(),
        })?;
        return Ok((key, KeySource::Environment));
    }
    let lookup = match existing(dir, options, None)? {
        Ok(found) => return Ok(found),
        Err(lookup) => lookup,
    };
    // Nothing yet: look again and make one holding the write lock (another open may be
    // making one right now: it records a keychain key in `vouch.keychain` before it lets go,
    // so the keychain need not be asked twice). Dropped without a commit, it rolls back.
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let found = match existing(dir, options, Some(lookup))? {
        Ok(found) => found,
        Err(lookup) => make(dir, options, &tx, lookup)?,
    };
    tx.commit()?;
    Ok(found)
}

/// The key the store already has (`Err`: none, with what the keychain said; `asked`: what
/// it said before, not asked again).
fn existing(
    dir: &Path,
    options: &KeyOptions,
    asked: Option<Lookup>,
) -> Result<Result<Found, Lookup>, StoreError> {
    let file = dir.join(KEY_FILE);
    match std::fs::read_to_string(&file) {
        Ok(text) => {
            let key = decode_key(&text).ok_or_else(|| StoreError::Open {
                path: file.display().to_string(),
                detail: "the key file is damaged".into(),
            })?;
            let source = KeySource::File {
                path: file,
                created: false,
            };
            return Ok(Ok((key, source)));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(StoreError::Open {
                path: file.display().to_string(),
                detail: e.to_string(),
            })
        }
    }
    if let Some((service, user)) = read_keychain_file(dir)? {
        return in_keychain(dir, options, service, user).map(Ok);
    }
    if let Some(lookup) = asked {
        return Ok(Err(lookup));
    }
    if !(options.keychain && keychain::usable()) {
        return Ok(Err(Lookup::NotAsked));
    }
    let user = entry_user(dir)?;
    match keychain::get(SERVICE, &user) {
        Ok(Some(text)) => {
            // An entry with no record beside the store (the record was removed): keep it.
            let key = keychain_key(dir, &text)?;
            write_keychain_file(dir, SERVICE, &user)?;
            Ok(Ok((key, keychain_source(SERVICE, &user, false))))
        }
        Ok(None) => Ok(Err(Lookup::Absent)),
        Err(why) => Ok(Err(Lookup::Failed(why))),
    }
}

/// The key of a store recorded as kept in the keychain: there, or an error (never a new one).
fn in_keychain(
    dir: &Path,
    options: &KeyOptions,
    service: String,
    user: String,
) -> Result<Found, StoreError> {
    let lost = |detail: String| StoreError::KeyLost {
        path: dir.display().to_string(),
        detail,
    };
    let entry = format!("the OS keychain (service `{service}`, user `{user}`)");
    if !options.keychain {
        return Err(lost(format!(
            "its key is in {entry}, and VOUCH_KEYCHAIN=0 keeps the keychain out"
        )));
    }
    if !keychain::usable() {
        return Err(lost(format!(
            "its key is in {entry}, and no keychain can be reached here (no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set)"
        )));
    }
    match keychain::get(&service, &user) {
        Ok(Some(text)) => Ok((
            keychain_key(dir, &text)?,
            keychain_source(&service, &user, false),
        )),
        Ok(None) => Err(lost(format!(
            "its key was in {entry} and the entry is gone; no new key is made, as the secrets sealed with the old one would be lost"
        ))),
        Err(why) => Err(lost(format!(
            "its key is in {entry}, which does not answer: {why}"
        ))),
    }
}

/// A new key for a store that has none: in the keychain when it answered with no entry, else
/// in `vouch.key`. Refused when the store already holds sealed secrets (their key is lost).
fn make(
    dir: &Path,
    options: &KeyOptions,
    conn: &Connection,
    lookup: Lookup,
) -> Result<Found, StoreError> {
    if holds_sealed(conn)? {
        let keychain = match &lookup {
            Lookup::NotAsked => "the OS keychain was not asked".to_string(),
            Lookup::Absent => "the OS keychain has no entry for this folder".to_string(),
            Lookup::Failed(why) => format!("the OS keychain does not answer ({why})"),
        };
        return Err(StoreError::KeyLost {
            path: dir.display().to_string(),
            detail: format!("it holds sealed secrets, but their key is not here: VOUCH_MASTER_KEY is not set, there is no {KEY_FILE}, and {keychain}"),
        });
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| StoreError::Open {
        path: dir.display().to_string(),
        detail: format!("no randomness for a key: {e}"),
    })?;
    let text = base64::engine::general_purpose::STANDARD.encode(key);
    if options.keychain && matches!(lookup, Lookup::Absent) {
        let user = entry_user(dir)?;
        match keychain::set(SERVICE, &user, &text) {
            Ok(()) => {
                write_keychain_file(dir, SERVICE, &user)?;
                return Ok((key, keychain_source(SERVICE, &user, true)));
            }
            Err(why) => {
                tracing::info!("the OS keychain refused the new key ({why}): a key file instead")
            }
        }
    }
    let path = dir.join(KEY_FILE);
    write_private(&path, &text).map_err(|e| StoreError::Open {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    Ok((
        key,
        KeySource::File {
            path,
            created: true,
        },
    ))
}

/// Whether anything in the store is sealed (with some key): secret values, credentials, the
/// trash.
fn holds_sealed(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM variables WHERE value LIKE 'sealed:v1:%')
             OR EXISTS (SELECT 1 FROM environment_auth WHERE credentials LIKE 'sealed:v1:%')
             OR EXISTS (SELECT 1 FROM trash WHERE content LIKE 'sealed:v1:%')",
        [],
        |r| r.get(0),
    )?)
}

fn keychain_source(service: &str, user: &str, created: bool) -> KeySource {
    KeySource::Keychain {
        service: service.to_string(),
        user: user.to_string(),
        created,
    }
}

/// The key in a keychain entry's text.
fn keychain_key(dir: &Path, text: &str) -> Result<[u8; 32], StoreError> {
    decode_key(text).ok_or_else(|| StoreError::KeyLost {
        path: dir.display().to_string(),
        detail: "its keychain entry does not hold a key (32 bytes in base64)".into(),
    })
}

/// The keychain user of the folder's entry: its canonical path (the folder exists).
fn entry_user(dir: &Path) -> Result<String, StoreError> {
    let real: PathBuf = dir.canonicalize().map_err(|e| StoreError::Open {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    Ok(real.display().to_string())
}

/// `(service, user)` from `vouch.keychain`, when the store has one.
fn read_keychain_file(dir: &Path) -> Result<Option<(String, String)>, StoreError> {
    let path = dir.join(KEYCHAIN_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(StoreError::Open {
                path: path.display().to_string(),
                detail: e.to_string(),
            })
        }
    };
    let field = |name: &str| {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim() == name)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    match (field("service"), field("user")) {
        (Some(service), Some(user)) => Ok(Some((service, user))),
        _ => Err(StoreError::Open {
            path: path.display().to_string(),
            detail: "damaged: it names no keychain service and user".into(),
        }),
    }
}

/// Records beside the store that its key is in the keychain, and under which entry.
fn write_keychain_file(dir: &Path, service: &str, user: &str) -> Result<(), StoreError> {
    let path = dir.join(KEYCHAIN_FILE);
    let text = format!(
        "# The key sealing the secrets of vouch.db is in the OS keychain, in this entry.\n# Without it they cannot be opened: keep this file with the store.\nservice: {service}\nuser: {user}\n"
    );
    match write_private(&path, &text) {
        Ok(()) => Ok(()),
        // Another open recorded it first (the same entry: one per folder).
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(StoreError::Open {
            path: path.display().to_string(),
            detail: e.to_string(),
        }),
    }
}
