//! The OS keychain, through the `keyring` crate: the Secret Service over D-Bus on Linux and
//! the BSDs (gnome-keyring, KWallet, KeePassXC), the Keychain on macOS, the Credential Manager
//! on Windows.
//!
//! Never a hang and never a panic where there is none: on the D-Bus platforms the keychain is
//! tried only when a session bus is named (`DBUS_SESSION_BUS_ADDRESS`; otherwise libdbus
//! would try to autolaunch one), every call runs on a thread of its own and is given up after
//! [`WAIT`] (a keychain may show an unlock prompt, which `keyring` waits on without end), and
//! what was read is kept for the process so a window opening its store per call asks once.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// How long one keychain call may take: enough for a person to answer an unlock prompt, and
/// the most a bus that never answers costs (libdbus itself waits 25 s for a reply).
const WAIT: Duration = Duration::from_secs(30);

/// Whether a keychain can be asked at all on this machine (not whether it will answer).
pub(super) fn usable() -> bool {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return true;
    }
    if cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "openbsd"
    )) {
        return std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|a| !a.is_empty());
    }
    // Elsewhere `keyring` has no store but an in-memory mock: a key there would be lost.
    false
}

/// What was read or written in this process, by (service, user).
fn cache() -> &'static Mutex<HashMap<(String, String), String>> {
    static CACHE: OnceLock<Mutex<HashMap<(String, String), String>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn cached(service: &str, user: &str) -> Option<String> {
    let cache = cache().lock().ok()?;
    cache.get(&(service.to_string(), user.to_string())).cloned()
}

fn remember(service: &str, user: &str, secret: &str) {
    if let Ok(mut cache) = cache().lock() {
        cache.insert((service.to_string(), user.to_string()), secret.to_string());
    }
}

/// Runs `f` on a thread of its own and waits [`WAIT`] at most for it.
fn bounded<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("vouch-keychain".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| format!("cannot start the keychain call: {e}"))?;
    rx.recv_timeout(WAIT).unwrap_or_else(|_| {
        Err(format!(
            "the keychain did not answer within {} s",
            WAIT.as_secs()
        ))
    })
}

/// The secret of the entry (`None`: there is no such entry); an error says why the keychain
/// could not be asked.
pub(super) fn get(service: &str, user: &str) -> Result<Option<String>, String> {
    if let Some(secret) = cached(service, user) {
        return Ok(Some(secret));
    }
    let (s, u) = (service.to_string(), user.to_string());
    let found = bounded(move || {
        let entry = keyring::Entry::new(&s, &u).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    })?;
    if let Some(secret) = &found {
        remember(service, user, secret);
    }
    Ok(found)
}

/// Writes the entry (made, or replaced when there is one).
pub(super) fn set(service: &str, user: &str, secret: &str) -> Result<(), String> {
    let (s, u, p) = (service.to_string(), user.to_string(), secret.to_string());
    bounded(move || {
        let entry = keyring::Entry::new(&s, &u).map_err(|e| e.to_string())?;
        entry.set_password(&p).map_err(|e| e.to_string())
    })?;
    remember(service, user, secret);
    Ok(())
}
