//! `vouch load`: a real loopback service, the real CLI.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::routing::get;
use axum::Router;

use crate::util::{assert_called, serve, vouch};

const SPEC: &str = r#"{"openapi": "3.1.0", "info": {"title": "stall", "version": "1"},
 "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok",
   "content": {"application/json": {"schema": {"type": "array", "items": {"type": "integer"}}}}}}}}}}"#;

/// A service whose answers all wait, from 1 s after its first call to 2 s after it: a
/// one-second stall mid-run. Its port, its hit count and its runtime (kept alive).
fn stalling_service() -> (u16, Arc<AtomicUsize>, tokio::runtime::Runtime) {
    let hits = Arc::new(AtomicUsize::new(0));
    let first: Arc<Mutex<Option<Instant>>> = Arc::default();
    let counter = hits.clone();
    let (port, runtime) = serve(move |_| {
        Router::new()
            .route(
                "/openapi.json",
                get(|| async { ([("content-type", "application/json")], SPEC) }),
            )
            .route(
                "/things",
                get(move || {
                    let (counter, first) = (counter.clone(), first.clone());
                    async move {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let t0 = *first.lock().expect("lock").get_or_insert_with(Instant::now);
                        let since = t0.elapsed();
                        if since >= Duration::from_secs(1) && since < Duration::from_secs(2) {
                            tokio::time::sleep(Duration::from_secs(2) - since).await;
                        }
                        ([("content-type", "application/json")], "[1, 2, 3]")
                    }
                }),
            )
    });
    (port, hits, runtime)
}

fn load(args: &[&str]) -> (i32, String, String) {
    let out = vouch().arg("load").args(args).output().expect("vouch load");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_stall_mid_run_shows_in_the_percentiles_and_crosses_the_threshold() {
    let (port, hits, _rt) = stalling_service();
    let dir = tempfile::tempdir().expect("tmp");
    let report = dir.path().join("load.json");
    let spec = format!("http://127.0.0.1:{port}/openapi.json");
    let data = dir.path().join("data").display().to_string();
    let (code, stdout, stderr) = load(&[
        "--data-dir",
        &data,
        "--spec",
        &spec,
        "--rate",
        "100",
        "--duration",
        "3s",
        "--threshold",
        "p99<200ms",
        "--threshold",
        "findings==0",
        "--report",
        &format!("json:{}", report.display()),
        "--report",
        &format!("html:{}", dir.path().join("load.html").display()),
    ]);
    assert_called(&hits);
    assert_eq!(code, 1, "a crossed threshold exits 1: {stdout}{stderr}");
    // The HTML page: both charts, the crossed threshold, the step.
    let html = std::fs::read_to_string(dir.path().join("load.html")).expect("html report");
    for part in [
        "<h2>Throughput</h2>",
        "<h2>Latency over time</h2>",
        "<code>p99&lt;200ms</code>",
        "class=\"failed\">crossed",
        "<td>listThings</td><td>300</td>",
    ] {
        assert!(html.contains(part), "{part} missing from the HTML report");
    }
    assert_eq!(html.matches("<polyline").count(), 5, "2 + 3 lines");
    assert!(stdout.contains("FAILED p99<200ms"), "{stdout}");
    assert!(stdout.contains("ok     findings==0"), "{stdout}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let s = &r["summary"];
    assert_eq!(
        s["requests"], 300,
        "the open model keeps its schedule through the stall: {s}"
    );
    assert_eq!(s["errors"], 0, "{s}");
    // The calls scheduled during the stall count from their scheduled start: about a third
    // of the run waited, up to a second (a closed model would see a handful of slow calls).
    let (p99, max, p50) = (
        s["latency_ms"]["p99"].as_f64().expect("p99"),
        s["latency_ms"]["max"].as_f64().expect("max"),
        s["latency_ms"]["p50"].as_f64().expect("p50"),
    );
    assert!(p99 > 700.0 && max > 800.0 && max < 1500.0, "{s}");
    assert!(p50 < 100.0, "{s}");
    assert_eq!(
        s["thresholds"][0],
        serde_json::json!({"expr": "p99<200ms", "ok": false, "actual": p99})
    );
    assert_eq!(r["steps"][0]["name"], "listThings");
    assert_eq!(r["steps"][0]["requests"], 300);
    // The run is in the store, its report as written.
    assert!(stdout.contains("load run #1 in "), "{stdout}");
    let stored = vouch::store::Store::open(std::path::Path::new(&data))
        .expect("store")
        .load_report(1)
        .expect("stored report");
    assert_eq!(stored, r);
    let series = r["series"].as_array().expect("series");
    assert!(series.len() >= 3, "{series:?}");
    let calm = series[0]["p99_ms"].as_f64().expect("p99");
    let stalled = series
        .iter()
        .filter_map(|t| t["p99_ms"].as_f64())
        .fold(0.0, f64::max);
    assert!(
        stalled > 500.0 && stalled > calm,
        "the stall's second stands out: {series:?}"
    );
}

#[test]
fn users_loop_the_steps_and_bad_arguments_exit_2() {
    let (port, hits, _rt) = stalling_service();
    let spec = format!("http://127.0.0.1:{port}/openapi.json");
    let (code, stdout, stderr) = load(&[
        "--spec",
        &spec,
        "--users",
        "3",
        "--duration",
        "500ms",
        "--threshold",
        "errors<1%",
    ]);
    assert_called(&hits);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("ok     errors<1%"), "{stdout}");
    let total = stdout
        .lines()
        .find(|l| l.starts_with("total"))
        .expect("total line");
    let calls: u64 = total
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("calls");
    assert!(calls >= 3, "{stdout}");

    for (args, says) in [
        (vec!["--rate", "0", "--duration", "1s"], "`0` is not a rate"),
        (
            vec!["--rate", "10", "--duration", "1s", "--threshold", "p98<1ms"],
            "`p98<1ms` is not a threshold",
        ),
        (
            vec!["--rate", "10", "--duration", "1s", "--check", "some"],
            "`some` is not a check mode",
        ),
        (vec!["--duration", "1s"], "--rate"),
        (
            vec!["--rate", "10", "--users", "2", "--duration", "1s"],
            "cannot be used with",
        ),
    ] {
        let mut all = vec!["--spec", spec.as_str()];
        all.extend(args);
        let (code, _, stderr) = load(&all);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(says), "{says}: {stderr}");
    }
}

#[test]
fn load_shards_take_their_share_and_merge() {
    let (port, hits, _rt) = stalling_service();
    let dir = tempfile::tempdir().expect("tmp");
    let spec = format!("http://127.0.0.1:{port}/openapi.json");
    let part = |i: usize| {
        dir.path()
            .join(format!("load-{i}.json"))
            .display()
            .to_string()
    };
    for i in 1..=2 {
        let (code, stdout, stderr) = load(&[
            "--spec",
            &spec,
            "--rate",
            "100",
            "--duration",
            "800ms",
            "--shard",
            &format!("{i}/2"),
            "--threshold",
            "requests==80",
            "--report",
            &format!("json:{}", part(i)),
        ]);
        assert_eq!(code, 1, "a part makes half the calls: {stdout}{stderr}");
        assert!(
            stdout.contains("FAILED requests==80 (was 40.00)"),
            "{stdout}"
        );
    }
    assert_called(&hits);
    let merged = dir.path().join("merged.json");
    let out = vouch()
        .args(["report", "merge", &part(2), &part(1)])
        .args(["--report", &format!("json:{}", merged.display())])
        .output()
        .expect("merge");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the whole run held requests==80: {stdout}"
    );
    assert!(
        stdout.contains("ok     requests==80 (was 80.00)"),
        "{stdout}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&merged).expect("merged")).expect("json");
    assert_eq!(r["summary"]["requests"], 80);
    assert_eq!(r["steps"][0]["requests"], 80);
    let per_second: u64 = r["series"]
        .as_array()
        .expect("series")
        .iter()
        .map(|t| t["requests"].as_u64().expect("n"))
        .sum();
    assert_eq!(per_second, 80);
    assert!(r.get("shard").is_none(), "the merge is the whole run");
}

#[test]
fn calls_past_the_in_flight_cap_are_dropped_not_piled_up() {
    let (port, hits, _rt) = stalling_service();
    let dir = tempfile::tempdir().expect("tmp");
    let report = dir.path().join("load.json");
    let spec = format!("http://127.0.0.1:{port}/openapi.json");
    let (code, stdout, stderr) = load(&[
        "--spec",
        &spec,
        "--rate",
        "100",
        "--duration",
        "3s",
        "--max-in-flight",
        "20",
        "--threshold",
        "errors<1%",
        "--report",
        &format!("json:{}", report.display()),
    ]);
    assert_called(&hits);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let s = &r["summary"];
    // During the 1 s stall 100 calls fall due; 20 wait, the rest are dropped.
    let dropped = s["errors_by_kind"]["dropped"].as_u64().expect("dropped");
    assert!((60..=85).contains(&dropped), "{s}");
    assert_eq!(s["requests"].as_u64().expect("n") + dropped, 300, "{s}");
    assert!(
        stdout.contains(&format!("errors: {dropped} dropped")),
        "{stdout}"
    );
}

#[test]
fn ctrl_c_stops_the_run_and_still_reports_what_it_measured() {
    let (port, hits, _rt) = stalling_service();
    let dir = tempfile::tempdir().expect("tmp");
    let report = dir.path().join("load.json");
    let spec = format!("http://127.0.0.1:{port}/openapi.json");
    let data = dir.path().join("data");
    let started = Instant::now();
    let child = vouch()
        .args(["load", "--spec", &spec, "--rate", "50", "--duration", "60s"])
        .args(["--data-dir", &data.display().to_string()])
        .arg("--report")
        .arg(format!("json:{}", report.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vouch load");
    // Interrupt in the middle of the service's stall: calls are in flight and waiting.
    while hits.load(Ordering::SeqCst) == 0 {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(1500));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let out = child.wait_with_output().expect("exits");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "stopped at once, not after 60 s"
    );
    assert!(stderr.contains("interrupted after"), "{stderr}");
    assert!(stdout.contains("total"), "the summary is printed: {stdout}");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
    let s = &r["summary"];
    assert_eq!(s["interrupted"], true, "{s}");
    // About 1 s at 50/s answered before the stall; the calls cut by the interrupt are not
    // counted as the service's errors.
    let n = s["requests"].as_u64().expect("n");
    assert!((30..=80).contains(&n), "{s}");
    assert_eq!(s["errors"], 0, "{s}");
    assert!(s["duration_s"].as_f64().expect("s") < 5.0, "{s}");
    let store = vouch::store::Store::open(&data).expect("store");
    let stored = store.load_report(1).expect("stored run");
    assert_eq!(stored["summary"]["interrupted"], true);
}
