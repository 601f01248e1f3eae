//! `vouch run` end to end against the FastAPI reference service: a smoke run from the spec,
//! a stored chained suite, reports, exit codes, bad input, and SIGKILL at random moments.

use std::time::Duration;

use serde_json::json;
use vouch::request::{Body, Draft, ParamValue};
use vouch::spec::ParamLocation;
use vouch::store::{RunStatus, SavedRequest, Store, SuiteStep};

use crate::util::{runtime, vouch, Service};

fn run(args: &[&str]) -> (i32, String, String) {
    let out = vouch().arg("run").args(args).output().expect("run vouch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn saved(
    name: &str,
    seq: i64,
    draft: Draft,
    assertions: serde_json::Value,
    extractions: serde_json::Value,
) -> SavedRequest {
    SavedRequest {
        id: 0,
        folder_id: None,
        name: name.into(),
        seq,
        operation_id: None,
        draft,
        assertions,
        extractions,
        scripts: serde_json::json!([]),
    }
}

/// A store with collection `shop` (spec linked) holding a create → read chain as suite `chain`.
fn stored_shop(dir: &std::path::Path) {
    let spec_url = Service::shop().url("/openapi.json");
    let bytes = runtime()
        .block_on(async { reqwest::get(&spec_url).await?.bytes().await })
        .expect("spec bytes");
    let mut store = Store::open(dir).expect("store");
    let c = store
        .create_collection("shop", "reference shop")
        .expect("collection");
    store.set_spec(c.id, &spec_url, &bytes).expect("spec");
    let create = Draft {
        method: "POST".into(),
        path: "/items".into(),
        body: Some(Body::Json(json!({"name": "lamp", "price": 2}))),
        ..Draft::default()
    };
    let read = Draft {
        method: "GET".into(),
        path: "/items/{item_id}".into(),
        params: vec![ParamValue {
            name: "item_id".into(),
            location: ParamLocation::Path,
            value: json!("{{id}}"),
        }],
        ..Draft::default()
    };
    let a = store
        .save_request(
            c.id,
            &saved(
                "create",
                0,
                create,
                json!([{"on": "status", "equals": 201}]),
                json!([{"var": "id", "from": "json", "pointer": "/id"}]),
            ),
        )
        .expect("save");
    let b = store
        .save_request(
            c.id,
            &saved(
                "read",
                1,
                read,
                json!([{"on": "json", "pointer": "/id", "equals": 7}]),
                json!([]),
            ),
        )
        .expect("save");
    store
        .create_suite(
            c.id,
            "chain",
            &[
                SuiteStep {
                    request_id: a,
                    overrides: json!({}),
                },
                SuiteStep {
                    request_id: b,
                    overrides: json!({"timeout_ms": 5000}),
                },
            ],
        )
        .expect("suite");
}

#[test]
fn smoke_run_from_a_spec_records_the_run_and_writes_reports() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let (junit, json_report, html) = (
        dir.path().join("r.xml"),
        dir.path().join("r.json"),
        dir.path().join("r.html"),
    );
    let spec = Service::shop().url("/openapi.json");
    let (code, stdout, stderr) = run(&[
        "--spec",
        &spec,
        "--data-dir",
        &data.display().to_string(),
        "--timeout",
        "1",
        "--report",
        &format!("junit:{}", junit.display()),
        "--report",
        &format!("json:{}", json_report.display()),
        "--report",
        &format!("html:{}", html.display()),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    // Plain progress lines when stderr is not a terminal.
    assert!(
        stderr.contains("[1/34] passed create_item_items_post")
            && stderr.contains("[2/34] passed list_items_items_get"),
        "{stderr}"
    );
    assert!(stdout.contains("failed   drift_union_drift_union_get GET /drift/union\n         body: `/method/last4`: expected string, got integer 4242"), "{stdout}");
    assert!(
        stdout.contains("errored  slow_slow_get GET /slow"),
        "{stdout}"
    );
    assert!(
        stdout.contains("34 steps: 12 passed, 21 failed, 1 error (33 of 34 operations"),
        "{stdout}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_report).expect("json report")).expect("parses");
    assert_eq!(
        report["summary"],
        json!({"total": 34, "passed": 12, "failed": 21, "errors": 1, "skipped": 0, "warnings": 0})
    );
    roxmltree::Document::parse(&std::fs::read_to_string(&junit).expect("junit"))
        .expect("well-formed JUnit");
    assert!(std::fs::read_to_string(&html)
        .expect("html")
        .contains("<h2>Contract coverage</h2>"));
    let store = Store::open(&data).expect("store");
    let runs = store.recent_runs(5).expect("runs");
    let recorded = store.run(runs[0]).expect("run");
    // One step could not be made (the slow one timed out): the run errored, in both doors.
    assert_eq!(
        (recorded.status, recorded.steps.len()),
        (RunStatus::Errored, 34)
    );
}

#[test]
fn a_stored_suite_passes_and_bad_input_exits_2() {
    let dir = tempfile::tempdir().expect("tmp");
    stored_shop(dir.path());
    let d = dir.path().display().to_string();
    let (code, stdout, stderr) = run(&["shop/chain", "--data-dir", &d]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.starts_with("2 steps: 2 passed, 0 failed, 0 errors (2 of 34 operations, 2 of 45 declared responses; run #1"), "{stdout}");
    let (code, stdout, _) = run(&["shop", "--data-dir", &d, "--concurrency", "4"]);
    assert_eq!(code, 0, "{stdout}");

    let (code, _, stderr) = run(&["nope", "--data-dir", &d]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: no collection named `nope`\n  hint:"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["shop/nightly", "--data-dir", &d]);
    assert_eq!(
        (code, stderr.lines().next()),
        (2, Some("error: no suite named `nightly`"))
    );
    let env = dir.path().join("broken.yaml");
    std::fs::write(&env, "variables: {a: [").expect("write");
    let (code, _, stderr) = run(&[
        "shop/chain",
        "--data-dir",
        &d,
        "--env",
        &env.display().to_string(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(&format!("error: environment {}", env.display())),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["shop/chain", "--data-dir", &d, "--report", "pdf:out.pdf"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`pdf:out.pdf` is not junit:FILE, json:FILE or html:FILE"),
        "{stderr}"
    );
    let (code, _, _) = run(&["--data-dir", &d]);
    assert_eq!(code, 2);

    // A dead server: every step errors with the reason, quickly.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let started = std::time::Instant::now();
    let (code, stdout, _) = run(&[
        "shop/chain",
        "--data-dir",
        &d,
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("could not connect to"), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(20));
}

/// Adds suite `name` to the stored shop: one GET step per path, in order.
fn get_suite(dir: &std::path::Path, name: &str, paths: impl IntoIterator<Item = String>) {
    let mut store = Store::open(dir).expect("store");
    let c = store.collection("shop").expect("shop");
    let mut steps = Vec::new();
    for (i, path) in paths.into_iter().enumerate() {
        let draft = Draft {
            method: "GET".into(),
            path,
            ..Draft::default()
        };
        let request = saved(
            &format!("{name} {i}"),
            10 + i as i64,
            draft,
            json!([]),
            json!([]),
        );
        let request_id = store.save_request(c.id, &request).expect("save");
        steps.push(SuiteStep {
            request_id,
            overrides: json!({}),
        });
    }
    store.create_suite(c.id, name, &steps).expect("suite");
}

/// The shop collection plus suite `long`: 400 reads.
fn long_suite(dir: &std::path::Path) {
    stored_shop(dir);
    get_suite(
        dir,
        "long",
        (0..400).map(|i| format!("/items/{}", i % 90 + 1)),
    );
}

#[test]
fn ctrl_c_cancels_a_run_cleanly() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().expect("tmp");
    stored_shop(dir.path());
    // Five quick reads, then a call that takes 5 s, then more reads.
    let paths = (0..20).map(|i| {
        if i == 5 {
            "/slow".to_string()
        } else {
            format!("/items/{}", i + 1)
        }
    });
    get_suite(dir.path(), "with-slow", paths);
    let d = dir.path().display().to_string();
    let started = std::time::Instant::now();
    let mut child = vouch()
        .args(["run", "shop/with-slow", "--data-dir", &d])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vouch run");
    // Interrupt once the fifth step is done (the slow one is then in flight).
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = std::io::BufReader::new(stderr).lines();
    for line in lines.by_ref() {
        if line.expect("line").starts_with("[5/20]") {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(200));
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    std::thread::spawn(move || lines.for_each(drop));
    let out = child.wait_with_output().expect("exits");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("cancelled: 15 steps not run"), "{stdout}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the slow call was not waited for"
    );
    let store = Store::open(dir.path()).expect("store");
    let r = store
        .run(store.recent_runs(1).expect("runs")[0])
        .expect("run");
    assert_eq!((r.status, r.steps.len()), (RunStatus::Cancelled, 6));
    assert_eq!(r.steps[5].outcome, vouch::store::StepOutcome::Skipped);
    assert!(r.finished_at.is_some());
}

#[test]
fn a_killed_run_leaves_a_valid_store_with_every_finished_step() {
    let dir = tempfile::tempdir().expect("tmp");
    long_suite(dir.path());
    let d = dir.path().display().to_string();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut kept = 0;
    for round in 0..10 {
        // Odd rounds run concurrently: steps finish out of order, the recorder writes them in
        // order, in batches.
        let concurrency = if round % 2 == 1 { "8" } else { "1" };
        let mut child = vouch()
            .args([
                "run",
                "shop/long",
                "--data-dir",
                &d,
                "--concurrency",
                concurrency,
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("vouch run");
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(100 + seed % 900));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let store = Store::open(dir.path()).expect("reopen");
        assert_eq!(
            store.integrity_check().expect("check"),
            "ok",
            "round {round}"
        );
        let latest = store.recent_runs(1).expect("runs")[0];
        let r = store.run(latest).expect("run");
        for (i, s) in r.steps.iter().enumerate() {
            assert_eq!(s.seq, i as i64, "round {round}: steps are contiguous");
            assert_eq!(s.status, Some(200), "round {round}: step {i} is complete");
        }
        assert!(
            r.status == RunStatus::Running || r.steps.len() == 400,
            "round {round}"
        );
        kept += r.steps.len();
    }
    assert!(
        kept > 0,
        "no run got as far as one step before being killed"
    );
}

/// What must be equal between a whole run and its merged parts: every step's place, call,
/// outcome and findings (not its timings), the counts and the coverage.
fn comparable(report: &str) -> serde_json::Value {
    let r: serde_json::Value = serde_json::from_str(report).expect("json report");
    let steps: Vec<serde_json::Value> = r["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|s| {
            json!([
                s["seq"],
                s["name"],
                s["operation_id"],
                s["method"],
                s["url"],
                s["outcome"],
                s["status"],
                s["findings"],
                s["assertions"],
                s["error"]
            ])
        })
        .collect();
    json!({"steps": steps, "summary": r["summary"], "coverage": r["coverage"]})
}

#[test]
fn shards_merged_equal_the_whole_run() {
    let dir = tempfile::tempdir().expect("tmp");
    stored_shop(dir.path());
    // Twelve reads that pass or drift, none changing what another reads (a part runs on
    // another machine, at another time).
    let paths = [
        "/items",
        "/drift/status",
        "/drift/price-string",
        "/rate",
        "/drift/union",
        "/payments/1",
        "/drift/formats",
        "/search?q=a",
        "/drift/null",
        "/drift/header-type",
        "/drift/email",
        "/drift/array-item",
    ];
    get_suite(dir.path(), "mixed", paths.iter().map(|p| p.to_string()));
    let spec = Service::shop().url("/openapi.json");
    let file = |name: &str| dir.path().join(name).display().to_string();
    let data = dir.path().display().to_string();
    let (whole_code, stdout, stderr) = run(&[
        "shop/mixed",
        "--data-dir",
        &data,
        "--report",
        &format!("json:{}", file("whole.json")),
    ]);
    assert_eq!(
        whole_code, 1,
        "the shop's drift fails some steps: {stdout}{stderr}"
    );
    let mut sizes = Vec::new();
    for i in 1..=3 {
        let (code, stdout, stderr) = run(&[
            "shop/mixed",
            "--data-dir",
            &data,
            "--shard",
            &format!("{i}/3"),
            "--report",
            &format!("json:{}", file(&format!("part-{i}.json"))),
        ]);
        assert!(code == 0 || code == 1, "{stdout}{stderr}");
        let part: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(file(&format!("part-{i}.json"))).expect("part"),
        )
        .expect("json");
        assert_eq!(part["shard"], json!({"index": i, "count": 3, "whole": 12}));
        sizes.push(part["results"].as_array().expect("results").len());
    }
    assert_eq!(sizes, [4, 4, 4], "every step in one part, the parts even");

    let parts: Vec<String> = (1..=3).map(|i| file(&format!("part-{i}.json"))).collect();
    let out = vouch()
        .args([
            "report", "merge", &parts[2], &parts[0], &parts[1], "--spec", &spec,
        ])
        .args(["--report", &format!("json:{}", file("merged.json"))])
        .args(["--report", &format!("junit:{}", file("merged.xml"))])
        .output()
        .expect("merge");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(whole_code),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("12 steps from 3 parts: 4 passed, 8 failed, 0 errors, 0 skipped"),
        "{stdout}"
    );
    let read = |name: &str| std::fs::read_to_string(file(name)).expect("report");
    assert_eq!(
        comparable(&read("merged.json")),
        comparable(&read("whole.json"))
    );
    let junit = read("merged.xml");
    assert!(junit.contains("tests=\"12\" failures=\"8\""), "{junit}");
    assert!(
        junit.contains("drift_union_drift_union_get GET /drift/union"),
        "{junit}"
    );

    // Parts that do not make one run are refused, saying why.
    let merge = |files: &[&str]| {
        let out = vouch()
            .args(["report", "merge"])
            .args(files)
            .output()
            .expect("merge");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = merge(&[&parts[0], &parts[2]]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with(
            "error: the reports are not the parts of one run: part 2/3 is missing\n  hint:"
        ),
        "{err}"
    );
    let (code, err) = merge(&[&parts[0], &parts[1], &parts[1], &parts[2]]);
    assert_eq!(code, Some(2));
    assert!(err.contains("are both part 2/3"), "{err}");
    let (code, err) = merge(&[&file("whole.json")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("reports a whole run, not a shard"), "{err}");
    std::fs::write(file("junk.json"), "{\"name\": 3}").expect("write");
    let (code, err) = merge(&[&file("junk.json")]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("junk.json is not a Vouch JSON report: invalid type"),
        "{err}"
    );
}

#[test]
fn a_chain_is_never_split_across_shards() {
    let dir = tempfile::tempdir().expect("tmp");
    stored_shop(dir.path());
    let d = dir.path().display().to_string();
    let mut counts = Vec::new();
    for i in 1..=2 {
        let report = dir.path().join(format!("part-{i}.json"));
        let (code, stdout, stderr) = run(&[
            "shop/chain",
            "--data-dir",
            &d,
            "--shard",
            &format!("{i}/2"),
            "--report",
            &format!("json:{}", report.display()),
        ]);
        assert_eq!(code, 0, "{stdout}{stderr}");
        let r: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&report).expect("report")).expect("json");
        let seqs: Vec<i64> = r["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|s| s["seq"].as_i64().expect("seq"))
            .collect();
        counts.push(seqs);
    }
    // create → read {{id}}: both in the first part, the second has nothing to do.
    assert_eq!(counts, vec![vec![0, 1], vec![]]);
    let (code, _, stderr) = run(&["shop/chain", "--data-dir", &d, "--shard", "3/2"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`3/2` is not a shard: expected i/n with 1 <= i <= n"),
        "{stderr}"
    );
}
