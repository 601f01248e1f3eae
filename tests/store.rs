//! The SQLite store: what it holds, upgrades from every earlier schema version, refusing
//! what it must not touch, and keeping every committed step when the writer is killed.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;
use vouch::request::{Body, Credentials, Draft, Environment};
use vouch::store::{
    self, HistoryEntry, RunStatus, SavedRequest, StepOutcome, StepRecord, Store, StoreError,
    SuiteStep,
};

fn draft(path: &str) -> Draft {
    Draft {
        method: "GET".into(),
        path: path.into(),
        body: Some(Body::Json(json!({"a": [1, 2]}))),
        ..Draft::default()
    }
}

fn request(name: &str, seq: i64, folder_id: Option<i64>) -> SavedRequest {
    SavedRequest {
        id: 0,
        folder_id,
        name: name.into(),
        seq,
        operation_id: Some(format!("op_{name}")),
        draft: draft(&format!("/{name}")),
        assertions: json!([{"status": 200}]),
        extractions: json!([]),
        scripts: serde_json::json!([]),
    }
}

fn step(seq: i64) -> StepRecord {
    StepRecord {
        seq,
        name: format!("step {seq}"),
        operation_id: Some("read_item".into()),
        method: "GET".into(),
        url: format!("http://127.0.0.1/items/{seq}"),
        outcome: if seq % 3 == 0 {
            StepOutcome::Failed
        } else {
            StepOutcome::Passed
        },
        status: Some(200),
        elapsed_ms: Some(1.5),
        ttfb_ms: Some(1.0),
        findings: json!([{"kind": "body", "location": "/price"}]),
        assertions: json!([]),
        error: None,
        response_headers: vec![("content-type".into(), "application/json".into())],
        response_body: Vec::new(),
        body_truncated: false,
        request: None,
    }
}

#[test]
fn holds_collections_requests_suites_environments_runs_and_history() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(dir.path()).expect("open");
    assert_eq!(s.path(), dir.path().join("vouch.db"));
    assert_eq!(s.schema_version().expect("version"), store::SCHEMA_VERSION);

    let c = s
        .create_collection("shop", "the reference shop")
        .expect("create");
    assert!(matches!(
        s.create_collection("shop", ""),
        Err(StoreError::Exists {
            what: "collection",
            ..
        })
    ));
    let hash = s
        .set_spec(
            c.id,
            "http://127.0.0.1:8000/openapi.json",
            b"{\"openapi\": \"3.1.0\"}",
        )
        .expect("spec");
    assert_eq!(hash.len(), 64);
    assert_eq!(
        s.collection("shop").expect("get").spec_sha256.as_deref(),
        Some(hash.as_str())
    );
    assert_eq!(
        s.spec_copy(c.id).expect("copy").as_deref(),
        Some(&b"{\"openapi\": \"3.1.0\"}"[..])
    );

    let items = s.create_folder(c.id, None, "items", 1).expect("folder");
    let nested = s
        .create_folder(c.id, Some(items.id), "admin", 0)
        .expect("folder");
    assert_eq!(
        s.folders(c.id).expect("folders"),
        vec![items.clone(), nested.clone()]
    );
    let a = s
        .save_request(c.id, &request("list", 2, Some(items.id)))
        .expect("save");
    let b = s
        .save_request(c.id, &request("read", 1, Some(items.id)))
        .expect("save");
    s.save_request(c.id, &request("health", 0, None))
        .expect("save");
    assert!(matches!(
        s.save_request(c.id, &request("read", 5, Some(items.id))),
        Err(StoreError::Exists { .. })
    ));
    let mut edited = request("read", 1, Some(items.id));
    edited.id = b;
    edited.draft.path = "/items/{item_id}".into();
    s.update_request(&edited).expect("update");
    let names: Vec<(String, String)> = s
        .requests(c.id)
        .expect("list")
        .into_iter()
        .map(|r| (r.name, r.draft.path))
        .collect();
    assert_eq!(
        names,
        [
            ("health".into(), "/health".into()),
            ("read".into(), "/items/{item_id}".into()),
            ("list".into(), "/list".into())
        ]
    );

    let suite = s
        .create_suite(
            c.id,
            "smoke",
            &[
                SuiteStep {
                    request_id: a,
                    overrides: json!({}),
                },
                SuiteStep {
                    request_id: b,
                    overrides: json!({"timeout_ms": 500}),
                },
            ],
        )
        .expect("suite");
    assert_eq!(s.suite(c.id, "smoke").expect("suite"), suite);
    assert!(matches!(
        s.suite(c.id, "nightly"),
        Err(StoreError::NotFound { what: "suite", .. })
    ));

    let mut env = Environment::from_bytes(
        b"name: local\nvariables:\n  base: http://x\n  token: {value: t0k3n, secret: true}\n",
        "local",
    )
    .expect("env");
    env.auth.insert(
        "HTTPBearer".into(),
        Credentials {
            token: Some("{{token}}".into()),
            ..Credentials::default()
        },
    );
    s.save_environment(Some(c.id), &env).expect("save env");
    assert_eq!(s.environment(Some(c.id), "local").expect("env"), env);
    env.variables.shift_remove("base");
    s.save_environment(Some(c.id), &env).expect("replace env");
    assert_eq!(
        s.environment(Some(c.id), "local")
            .expect("env")
            .variables
            .len(),
        1
    );
    assert_eq!(s.environments(Some(c.id)).expect("names"), ["local"]);
    assert!(s.environments(None).expect("global").is_empty());

    let run = s
        .start_run(Some(c.id), Some(suite.id), "shop/smoke", Some("local"))
        .expect("run");
    let mut first = step(0);
    first.keep_body(&[b'x'; 100], 64);
    s.record_step(run, &first).expect("step");
    s.record_step(run, &step(1)).expect("step");
    s.finish_run(
        run,
        RunStatus::Failed,
        &json!({"total": 2, "passed": 1, "failed": 1}),
    )
    .expect("finish");
    let r = s.run(run).expect("read run");
    assert_eq!(
        (r.status, r.steps.len(), r.summary["failed"].clone()),
        (RunStatus::Failed, 2, json!(1))
    );
    assert_eq!(
        (r.steps[0].response_body.len(), r.steps[0].body_truncated),
        (64, true)
    );
    assert_eq!(r.steps[1], step(1));
    assert_eq!(s.recent_runs(10).expect("runs"), [run]);

    let entry = HistoryEntry {
        id: 0,
        at: String::new(),
        method: "GET".into(),
        url: "http://x/items/1".into(),
        operation_id: None,
        status: Some(200),
        elapsed_ms: Some(3.0),
        findings: json!([]),
        draft: serde_json::to_value(draft("/items/1")).expect("json"),
    };
    s.add_history(&entry).expect("history");
    let h = s.history(5).expect("history");
    assert_eq!(
        (h.len(), h[0].url.as_str(), h[0].at.len() > 10),
        (1, "http://x/items/1", true)
    );

    // Deleting the collection takes its requests, folders, suites and environments; runs stay.
    s.delete_collection("shop").expect("delete");
    assert!(s.collections().expect("list").is_empty());
    assert_eq!(s.run(run).expect("run stays").steps.len(), 2);
    assert_eq!(s.integrity_check().expect("check"), "ok");
}

#[test]
fn upgrades_every_earlier_schema_version_without_loss() {
    for version in 0..=store::SCHEMA_VERSION {
        let dir = tempfile::tempdir().expect("tmp");
        let conn = store::create_at_version(dir.path(), version).expect("old store");
        if version >= 1 {
            conn.execute("INSERT INTO collections (name) VALUES ('kept')", [])
                .expect("insert");
            // A saved request as version 1 wrote it (no scripts column yet).
            conn.execute(
                "INSERT INTO requests (collection_id, name, draft, assertions) VALUES (1, 'list', ?1, ?2)",
                [
                    r#"{"method":"GET","path":"/items"}"#,
                    r#"[{"on":"status","equals":200}]"#,
                ],
            )
            .expect("insert request");
        }
        drop(conn);
        let s = Store::open(dir.path()).expect("upgrade");
        assert_eq!(
            s.schema_version().expect("version"),
            store::SCHEMA_VERSION,
            "from v{version}"
        );
        if version >= 1 {
            let kept = s.collection("kept").expect("kept");
            let requests = s.requests(kept.id).expect("requests");
            assert_eq!(requests.len(), 1, "from v{version}");
            assert_eq!(requests[0].draft.path, "/items");
            assert_eq!(requests[0].assertions[0]["equals"], 200);
            assert_eq!(requests[0].scripts, serde_json::json!([]));
        }
        assert_eq!(s.integrity_check().expect("check"), "ok");
    }
}

#[test]
fn refuses_newer_and_foreign_files_without_touching_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let conn = store::create_at_version(dir.path(), store::SCHEMA_VERSION).expect("store");
    conn.pragma_update(None, "user_version", 99).expect("bump");
    drop(conn);
    let digest = |p: &std::path::Path| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        std::fs::read(p).expect("read").hash(&mut h);
        h.finish()
    };
    let before = digest(&dir.path().join("vouch.db"));
    let err = Store::open(dir.path()).expect_err("too new");
    assert!(
        matches!(err, StoreError::TooNew { found: 99, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("written by a newer Vouch (schema version 99"),
        "{err}"
    );
    assert_eq!(
        digest(&dir.path().join("vouch.db")),
        before,
        "the newer file was changed"
    );

    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(
        dir.path().join("vouch.db"),
        b"this is not a database, just text that is long enough",
    )
    .expect("write");
    let err = Store::open(dir.path()).expect_err("garbage");
    assert!(
        err.to_string().starts_with("cannot open the store at"),
        "{err}"
    );
    assert!(!err.hint().is_empty());

    let file = tempfile::NamedTempFile::new().expect("tmp");
    let err =
        Store::open(&file.path().join("sub")).expect_err("a file where the directory should be");
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
}

/// Not a test on its own: when VOUCH_STORE_WRITER names a directory, this writes steps into
/// one run as fast as it can, printing each seq once it is committed, until killed.
#[test]
fn writer_child() {
    let Some(dir) = std::env::var_os("VOUCH_STORE_WRITER") else {
        return;
    };
    let mut s = Store::open(std::path::Path::new(&dir)).expect("open");
    let run = s.start_run(None, None, "crash", None).expect("run");
    println!("run {run}");
    for seq in 0.. {
        let mut st = step(seq);
        st.keep_body(&vec![b'y'; 4096], 4096);
        s.record_step(run, &st).expect("step");
        println!("step {seq}");
    }
}

/// Not a test on its own: when VOUCH_RECORDER_WRITER names a directory, this hands steps to
/// a batching recorder as fast as it can, out of order (1, 0, 3, 2, …, as a concurrent run
/// finishes them), printing how many are recorded each time that grows, until killed.
#[test]
fn recorder_child() {
    let Some(dir) = std::env::var_os("VOUCH_RECORDER_WRITER") else {
        return;
    };
    let mut s = Store::open(std::path::Path::new(&dir)).expect("open");
    let run = s.start_run(None, None, "crash", None).expect("run");
    println!("run {run}");
    let batching = vouch::store::Batching {
        steps: 64,
        wait: Duration::from_millis(20),
    };
    let recorder = s.recorder(run, batching).expect("recorder");
    let mut told = 0;
    for pair in 0.. {
        for seq in [2 * pair + 1, 2 * pair] {
            let mut st = step(seq);
            st.keep_body(&vec![b'y'; 4096], 4096);
            recorder.push(st);
        }
        let now = recorder.recorded();
        if now > told {
            told = now;
            println!("recorded {now}");
        }
    }
}

/// Kills the child test `name` (writing steps into one run of a store in `VAR`'s directory)
/// at pseudo-random moments; every step it reported committed must be there, complete, with
/// no gap before it. Returns how many steps the rounds kept.
fn killed_writers_keep_what_they_reported(
    name: &str,
    var: &str,
    reported: fn(&str) -> Option<i64>,
) -> usize {
    let dir = tempfile::tempdir().expect("tmp");
    let exe = std::env::current_exe().expect("test binary");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut kept = 0;
    for round in 0..12 {
        let mut child = Command::new(&exe)
            .args(["--exact", name, "--nocapture", "--test-threads=1"])
            .env(var, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("writer");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Kill at a pseudo-random moment: after 0 to ~200 ms of writing.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let wait = Duration::from_millis(seed % 200);
        let run: i64 = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the writer starts");
            // libtest prints "test store::writer_child ... " before it on the same line.
            if let Some((_, id)) = line.split_once("run ") {
                break id.trim().parse().expect("id");
            }
        };
        std::thread::sleep(wait);
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
        let mut committed = 0;
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            if let Some(n) = reported(&line) {
                committed = n;
            }
        }
        let s = Store::open(dir.path()).expect("reopen after kill");
        assert_eq!(s.integrity_check().expect("check"), "ok", "round {round}");
        let r = s.run(run).expect("run");
        assert_eq!(r.status, RunStatus::Running);
        assert!(
            r.steps.len() as i64 >= committed,
            "round {round}: {} steps, {committed} reported",
            r.steps.len()
        );
        for (i, st) in r.steps.iter().enumerate() {
            assert_eq!(st.seq, i as i64, "round {round}: no gap");
            assert_eq!(st.response_body.len(), 4096);
        }
        kept += r.steps.len();
    }
    kept
}

#[test]
fn a_killed_writer_keeps_every_committed_step() {
    // "step N" is printed once step N is committed: N + 1 steps are in.
    let kept =
        killed_writers_keep_what_they_reported("store::writer_child", "VOUCH_STORE_WRITER", |l| {
            l.strip_prefix("step ")
                .map(|n| n.parse::<i64>().expect("seq") + 1)
        });
    assert!(kept > 0, "no writer got as far as one step");
}

#[test]
fn a_killed_batching_recorder_keeps_every_step_it_reported_recorded() {
    let kept = killed_writers_keep_what_they_reported(
        "store::recorder_child",
        "VOUCH_RECORDER_WRITER",
        |l| {
            l.strip_prefix("recorded ")
                .map(|n| n.parse().expect("count"))
        },
    );
    assert!(kept > 0, "no recorder got as far as one batch");
}

/// A batch is committed once its first step has waited the batching's time, though no more
/// steps come; steps that finish out of order are written in order; `finish` writes the rest.
#[test]
fn a_recorder_commits_late_steps_in_time_and_in_order() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = Store::open(dir.path()).expect("open");
    let run = s.start_run(None, None, "batched", None).expect("run");
    let batching = vouch::store::Batching {
        steps: 1000,
        wait: Duration::from_millis(30),
    };
    let recorder = s.recorder(run, batching).expect("recorder");
    recorder.push(step(1));
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(recorder.recorded(), 0, "step 1 waits for step 0");
    recorder.push(step(0));
    let t = std::time::Instant::now();
    while recorder.recorded() < 2 {
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "the batch was never committed"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        s.run(run).expect("run").steps.len(),
        2,
        "committed before the run ends"
    );
    for seq in [3, 2] {
        recorder.push(step(seq));
    }
    assert_eq!(recorder.finish().expect("finish"), 4);
    let seqs: Vec<i64> = s
        .run(run)
        .expect("run")
        .steps
        .iter()
        .map(|st| st.seq)
        .collect();
    assert_eq!(seqs, [0, 1, 2, 3]);
}

/// The app's first commands open a new store at once: every open succeeds (one applies the
/// migrations, the others find them applied).
#[test]
fn concurrent_first_opens_of_a_new_store_all_succeed() {
    let dir = tempfile::tempdir().expect("tmp");
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let d = dir.path().to_path_buf();
            std::thread::spawn(move || Store::open(&d).map(|_| ()))
        })
        .collect();
    for h in handles {
        h.join().expect("thread").expect("open");
    }
    let s = Store::open(dir.path()).expect("open");
    assert_eq!(s.schema_version().expect("version"), store::SCHEMA_VERSION);
}

/// The window opens and closes the store from several threads at once: a connection closing
/// removes the WAL files another open is making private, which is no failure of that open.
#[test]
fn opens_racing_closes_all_succeed() {
    let dir = tempfile::tempdir().expect("tmp");
    Store::open(dir.path()).expect("first open");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let d = dir.path().to_path_buf();
            std::thread::spawn(move || {
                for _ in 0..150 {
                    let s = Store::open(&d)?;
                    s.schema_version()?;
                }
                Ok::<(), store::StoreError>(())
            })
        })
        .collect();
    for h in handles {
        h.join().expect("thread").expect("every open");
    }
}
