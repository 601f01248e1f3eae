//! The key sealing a store's secrets: in the OS keychain where a Secret Service answers, else
//! in a 0600 `vouch.key` beside the store, or from `VOUCH_MASTER_KEY`; never a hang where no
//! keychain is, never a new key in place of a lost one.
//!
//! `./dev test` runs this module twice: with the rest of the suite (no session bus: the key
//! file), and under `dbus-run-session` with gnome-keyring unlocked and
//! `VOUCH_EXPECT_KEYCHAIN=1`, where a keychain that does not answer fails the test.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use vouch::store::{KeyOptions, Store};

/// The secret planted by [`plant`]: no byte of it may reach the database or its WAL.
const PLANTED: &str = "planted-keychain-5e4d3c2b1a09";

/// The keychain service of every store's entry.
const SERVICE: &str = "vouch";

/// The `vouch` binary with the caller's keychain settings: nothing inherited that chooses
/// the key (`VOUCH_KEYCHAIN`, `VOUCH_MASTER_KEY`), nor a data folder.
fn vouch(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vouch"));
    c.args(args)
        .env_remove("VOUCH_KEYCHAIN")
        .env_remove("VOUCH_MASTER_KEY")
        .env_remove("VOUCH_DATA_DIR");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("vouch");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Whether a Secret Service answers here, asked through `keyring` itself (not through vouch,
/// whose fallback would hide a keychain that does not work).
fn keychain_answers() -> bool {
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none_or(|a| a.is_empty()) {
        return false;
    }
    let Ok(entry) =
        keyring::Entry::new("vouch-test-probe", &format!("probe-{}", std::process::id()))
    else {
        return false;
    };
    let works =
        entry.set_password("probe").is_ok() && entry.get_password().is_ok_and(|p| p == "probe");
    let _ = entry.delete_credential();
    works
}

/// Deletes a store's keychain entry when the test ends, passed or not.
struct Forget(String);

impl Drop for Forget {
    fn drop(&mut self) {
        if let Ok(entry) = keyring::Entry::new(SERVICE, &self.0) {
            let _ = entry.delete_credential();
        }
    }
}

/// Plants [`PLANTED`] in the store in `data` through an import, a checked call (history) and
/// a run, with `env` for every command; returns what the first command said on stderr.
fn plant(data: &Path, env: &[(&str, &str)]) -> String {
    let service = crate::util::Service::shop();
    let d = data.to_str().expect("utf-8");
    let file = data.with_extension("postman_environment.json");
    std::fs::write(
        &file,
        format!(
            r#"{{"name": "sealed", "_postman_variable_scope": "environment", "values": [
            {{"key": "baseUrl", "value": "{}", "enabled": true}},
            {{"key": "token", "value": "{PLANTED}", "type": "secret", "enabled": true}}]}}"#,
            service.base
        ),
    )
    .expect("write");
    let (code, _, first) = vouch(
        &["import", file.to_str().expect("utf-8"), "--data-dir", d],
        env,
    );
    assert_eq!(code, Some(0), "{first}");
    let spec = service.url("/openapi.json");
    let (code, _, err) = vouch(
        &[
            "check",
            &spec,
            "GET",
            "/echo-header",
            "-H",
            "X-Request-Id: {{token}}",
        ]
        .into_iter()
        .chain(["--env", "sealed", "--data-dir", d])
        .collect::<Vec<_>>(),
        env,
    );
    assert!(code.is_some_and(|c| c < 2), "{err}");
    let (code, _, err) = vouch(
        &[
            "run",
            "--spec",
            &spec,
            "--env",
            "sealed",
            "--data-dir",
            d,
            "--timeout",
            "1",
        ],
        env,
    );
    assert!(code.is_some_and(|c| c < 2), "{err}");
    first
}

/// No byte of [`PLANTED`] in `vouch.db` or its WAL; the folder 0700, the files 0600.
fn assert_sealed(data: &Path) {
    let mut bytes = std::fs::read(data.join("vouch.db")).expect("db");
    bytes.extend(std::fs::read(data.join("vouch.db-wal")).unwrap_or_default());
    assert!(
        !bytes
            .windows(PLANTED.len())
            .any(|w| w == PLANTED.as_bytes()),
        "the planted secret is in vouch.db or its WAL"
    );
    assert_eq!(mode(data), 0o700);
    assert_eq!(mode(&data.join("vouch.db")), 0o600);
    if data.join("vouch.db-wal").exists() {
        assert_eq!(mode(&data.join("vouch.db-wal")), 0o600);
    }
}

/// The planted secret opens again with the store's own key (found as `keychain` allows).
fn assert_reopens(data: &Path, keychain: bool) {
    let options = KeyOptions {
        master_key: None,
        keychain,
    };
    let store = Store::open_with(data, Some(&options)).expect("store");
    let env = store.environment(None, "sealed").expect("env");
    assert_eq!(env.variables["token"].value, PLANTED);
}

/// Where a Secret Service answers, a new store's key goes there (no `vouch.key`), `vouch info`
/// names the entry, the database and its WAL hold no byte of a planted secret, and a store
/// whose entry is gone fails clearly instead of making a new key. Where none answers, the
/// same store falls back to a 0600 key file on its own.
#[test]
fn the_key_is_kept_in_the_keychain_where_one_answers() {
    let answers = keychain_answers();
    let expected = std::env::var("VOUCH_EXPECT_KEYCHAIN").is_ok_and(|v| v == "1");
    assert!(
        answers || !expected,
        "VOUCH_EXPECT_KEYCHAIN=1 but no Secret Service answers (DBUS_SESSION_BUS_ADDRESS={:?})",
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS")
    );
    let top = tempfile::tempdir().expect("tmp");
    let data = top.path().join("data");
    let d = data.to_str().expect("utf-8");
    // The entry's user: the folder's canonical path (the folder is made by the first open).
    let user = top.path().canonicalize().expect("real").join("data");
    let user = user.display().to_string();
    let _forget = Forget(user.clone());
    let said = plant(&data, &[]);
    assert_sealed(&data);
    let (code, info, err) = vouch(&["info", "--data-dir", d], &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(info.contains(&format!("data folder: {d}")), "{info}");
    assert!(info.contains("vouch 0."), "{info}");
    if !answers {
        assert!(said.contains("was written to"), "{said}");
        assert_eq!(mode(&data.join("vouch.key")), 0o600);
        assert!(!data.join("vouch.keychain").exists());
        assert!(info.contains("secrets sealed with: the key file"), "{info}");
        assert_reopens(&data, true);
        return;
    }
    let entry = format!("the OS keychain (service `{SERVICE}`, user `{user}`");
    assert!(said.contains(&format!("was put in {entry}")), "{said}");
    assert!(
        !data.join("vouch.key").exists(),
        "no key file beside a keychain"
    );
    assert_eq!(mode(&data.join("vouch.keychain")), 0o600);
    assert!(
        info.contains(&format!("secrets sealed with: {entry})")),
        "{info}"
    );
    // The key itself is in no file of the folder.
    let key = keyring::Entry::new(SERVICE, &user)
        .and_then(|e| e.get_password())
        .expect("the keychain entry");
    assert_eq!(key.trim().len(), 44, "32 bytes in base64");
    for f in std::fs::read_dir(&data).expect("ls").flatten() {
        let bytes = std::fs::read(f.path()).expect("read");
        assert!(
            !bytes.windows(key.len()).any(|w| w == key.as_bytes()),
            "the key is in {}",
            f.path().display()
        );
    }
    assert_reopens(&data, true);
    // The entry gone: a clear refusal, and no new key made in its place.
    keyring::Entry::new(SERVICE, &user)
        .and_then(|e| e.delete_credential())
        .expect("delete");
    let (code, _, err) = vouch(&["info", "--data-dir", d], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!("its key was in {entry}) and the entry is gone")),
        "{err}"
    );
    assert!(!data.join("vouch.key").exists(), "no new key");
}

/// A `dbus-daemon` of the test's own, stopped when the test ends, passed or not.
struct Daemon(std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A private D-Bus session bus with no Secret Service on it (`dbus-daemon`): its address,
/// and the daemon.
fn bus_without_secrets(dir: &Path) -> Option<(String, Daemon)> {
    use std::io::BufRead;
    let conf = dir.join("session.conf");
    std::fs::write(
        &conf,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir={}</listen><servicedir>{}</servicedir>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>"#,
            dir.display(),
            dir.display()
        ),
    )
    .expect("write");
    let mut daemon = Daemon(
        Command::new("dbus-daemon")
            .arg(format!("--config-file={}", conf.display()))
            .args(["--nofork", "--print-address"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok()?,
    );
    let mut line = String::new();
    std::io::BufReader::new(daemon.0.stdout.take()?)
        .read_line(&mut line)
        .ok()?;
    Some((line.trim().to_string(), daemon))
}

/// Where no keychain can be had (no bus, a bus that is not there, a bus with no Secret
/// Service, `VOUCH_KEYCHAIN=0`) a new store's key is a 0600 file, made at once; with
/// `VOUCH_MASTER_KEY` nothing is written; a store holding sealed secrets whose key file is
/// gone does not open (no new key in its place).
#[test]
fn without_a_keychain_the_key_is_a_private_file_made_at_once() {
    let top = tempfile::tempdir().expect("tmp");
    let bus = bus_without_secrets(top.path());
    if std::env::var("VOUCH_EXPECT_KEYCHAIN").is_ok_and(|v| v == "1") {
        assert!(bus.is_some(), "dbus-daemon is missing");
    }
    let mut cases = vec![
        ("off", vec![("VOUCH_KEYCHAIN", "0".to_string())]),
        (
            "nowhere",
            vec![(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/bus".to_string(),
            )],
        ),
    ];
    if let Some((address, _)) = &bus {
        cases.push((
            "no-secrets",
            vec![("DBUS_SESSION_BUS_ADDRESS", address.clone())],
        ));
    }
    for (name, env) in &cases {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let data = top.path().join(name);
        let started = Instant::now();
        let (code, info, err) = vouch(&["info", "--data-dir", data.to_str().expect("utf-8")], &env);
        assert!(started.elapsed() < Duration::from_secs(10), "{name}: slow");
        assert_eq!(code, Some(0), "{name}: {err}");
        assert!(err.contains("was written to"), "{name}: {err}");
        assert!(
            info.contains("secrets sealed with: the key file"),
            "{name}: {info}"
        );
        assert_eq!(mode(&data.join("vouch.key")), 0o600, "{name}");
        assert!(!data.join("vouch.keychain").exists(), "{name}");
    }
    if keychain_answers() {
        let off = top.path().canonicalize().expect("real").join("off");
        let entry = keyring::Entry::new(SERVICE, &off.display().to_string()).expect("entry");
        assert!(
            matches!(entry.get_password(), Err(keyring::Error::NoEntry)),
            "VOUCH_KEYCHAIN=0 left the keychain alone"
        );
    }
    drop(bus);
    let given = top.path().join("given");
    let key = ("VOUCH_MASTER_KEY", "ab".repeat(32));
    let (code, info, err) = vouch(
        &["info", "--data-dir", given.to_str().expect("utf-8")],
        &[(key.0, key.1.as_str())],
    );
    assert_eq!(code, Some(0), "{err}");
    assert!(
        info.contains("secrets sealed with: VOUCH_MASTER_KEY"),
        "{info}"
    );
    assert!(!given.join("vouch.key").exists() && !given.join("vouch.keychain").exists());

    // Sealed secrets whose key file went: refused, and no new key file.
    let data = top.path().join("sealed");
    plant(&data, &[("VOUCH_KEYCHAIN", "0")]);
    assert_sealed(&data);
    std::fs::remove_file(data.join("vouch.key")).expect("rm");
    let (code, _, err) = vouch(
        &["info", "--data-dir", data.to_str().expect("utf-8")],
        &[("VOUCH_KEYCHAIN", "0")],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("it holds sealed secrets, but their key is not here"),
        "{err}"
    );
    assert!(!data.join("vouch.key").exists(), "no new key");
}
