//! One engine, two doors: the same calls through the CLI (`vouch check`, `vouch run`) and
//! through the workbench (every app command is a workbench call) give the same findings, the
//! same stored rows and the same reports; a planted secret never reaches a stored or printed
//! byte through any door; a server that closes its connection after a 500 does not error an
//! innocent step; undeclared statuses a team accepts are warnings; a credential that cannot
//! be had stops the run once.

use std::path::Path;

use serde_json::{json, Value};
use vouch::request::{Body, Draft, Environment};
use vouch::store::{RunRecord, SavedRequest, Store, SuiteStep};
use vouch::workbench::Workbench;

use crate::util::{runtime, vouch, Service};

fn get(path: &str) -> Draft {
    Draft {
        method: "GET".into(),
        path: path.into(),
        base_url: Some("{{baseUrl}}".into()),
        ..Draft::default()
    }
}

fn post(path: &str, body: Option<Body>) -> Draft {
    Draft {
        method: "POST".into(),
        body,
        ..get(path)
    }
}

/// A collection `name` in the store at `data`, linked to the service's spec, with `requests`
/// in order, a suite `all` of them, and one environment `local` (baseUrl + `vars`).
fn collection(data: &Path, service: &Service, name: &str, requests: &[(&str, Draft)], env: &str) {
    let mut store = Store::open(data).expect("store");
    let c = store.create_collection(name, "").expect("collection");
    store
        .set_spec_source(c.id, &service.url("/openapi.json"))
        .expect("spec");
    let mut steps = Vec::new();
    for (seq, (n, draft)) in requests.iter().enumerate() {
        let id = store
            .save_request(
                c.id,
                &SavedRequest {
                    id: 0,
                    folder_id: None,
                    name: n.to_string(),
                    seq: seq as i64,
                    operation_id: None,
                    draft: draft.clone(),
                    assertions: json!([]),
                    extractions: json!([]),
                    scripts: json!([]),
                },
            )
            .expect("request");
        steps.push(SuiteStep {
            request_id: id,
            overrides: json!({}),
        });
    }
    store.create_suite(c.id, "all", &steps).expect("suite");
    let env = Environment::from_bytes(env.as_bytes(), "local").expect("env");
    store.save_environment(Some(c.id), &env).expect("env");
}

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = vouch()
        .env("VOUCH_LOG", "debug")
        .args(args)
        .output()
        .expect("vouch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Text with what legitimately differs between two runs (times, `date` headers, run and
/// row ids) made the same.
fn stable(text: &str) -> String {
    let date = regex::Regex::new(r#"(?i)"date",\s*"[^"]*"|date: [^\n<"]*GMT"#).expect("re");
    let num = regex::Regex::new(r"\d+\.\d+").expect("re");
    let run = regex::Regex::new(r"run #\d+").expect("re");
    // The service numbers the sessions it opens.
    let session = regex::Regex::new(r"sess-\d+").expect("re");
    let text = date.replace_all(text, "DATE");
    let text = num.replace_all(&text, "N");
    let text = session.replace_all(&text, "sess-N");
    run.replace_all(&text, "run #N").into_owned()
}

/// A run's rows as compared across doors: everything but ids, times and `date` headers.
fn rows(r: &RunRecord) -> Value {
    let steps: Vec<Value> = r
        .steps
        .iter()
        .map(|s| {
            json!({
                "seq": s.seq, "name": s.name, "operation": s.operation_id, "method": s.method,
                "url": s.url, "outcome": s.outcome, "status": s.status, "findings": s.findings,
                "assertions": s.assertions, "error": s.error, "request": s.request,
                "headers": s.response_headers.iter().filter(|(k, _)| k != "date").collect::<Vec<_>>(),
                "body": String::from_utf8_lossy(&s.response_body), "truncated": s.body_truncated,
            })
        })
        .collect();
    json!({"target": r.target, "environment": r.environment, "status": r.status,
           "summary": r.summary, "steps": steps})
}

#[test]
fn the_cli_and_the_app_give_the_same_verdicts_rows_and_reports() {
    let service = Service::own("shop:app");
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path().to_str().expect("utf-8").to_string();
    let env = format!(
        "variables:\n  baseUrl: {}\n  pw: {{value: wonderland, secret: true}}\nauth:\n  OAuth2PasswordBearer: {{username: alice, password: '{{{{pw}}}}'}}\n",
        service.base
    );
    let requests = [
        ("list items", get("/items")),
        ("price drift", get("/drift/price-string")),
        ("open session", post("/session", None)),
        ("read session", get("/session/current")),
        ("me oauth", get("/me/oauth")),
        ("me oauth again", get("/me/oauth")),
        ("crash", get("/crash")),
        ("after the crash", get("/items/2")),
        ("not found", get("/items/999")),
    ];
    collection(data.path(), &service, "parity", &requests, &env);

    // Runs: the CLI's and the app's, of the same suite.
    let reports = data.path().join("reports");
    std::fs::create_dir_all(&reports).expect("dir");
    let report = |k: &str| reports.join(format!("cli.{k}")).display().to_string();
    let (code, stdout, stderr) = cli(&[
        "run",
        "parity/all",
        "--data-dir",
        &d,
        "--report",
        &format!("json:{}", report("json")),
        "--report",
        &format!("junit:{}", report("junit")),
        "--report",
        &format!("html:{}", report("html")),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("note: using environment `local`, the collection's only one"),
        "{stderr}"
    );
    assert!(
        stdout.contains("9 steps: 6 passed, 3 failed, 0 errors"),
        "{stdout}"
    );
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let rt = runtime();
    rt.block_on(wb.open(&service.url("/openapi.json")))
        .expect("open");
    let view = rt
        .block_on(wb.run("parity/all", None, |_| {}))
        .expect("app run");
    assert_eq!(
        (
            view.summary.passed,
            view.summary.failed,
            view.summary.errors
        ),
        (6, 3, 0)
    );
    assert_eq!(
        view.note.as_deref(),
        Some("using environment `local`, the collection's only one")
    );

    let store = Store::open(data.path()).expect("store");
    let ids = store.recent_runs(2).expect("runs");
    let (app_run, cli_run) = (
        store.run(ids[0]).expect("app"),
        store.run(ids[1]).expect("cli"),
    );
    assert_eq!(
        stable(&rows(&cli_run).to_string()),
        stable(&rows(&app_run).to_string()),
        "the same suite recorded differently by the two doors"
    );
    // The step after the crash passed: the closed connection was not its fault.
    let after = &cli_run.steps[7];
    assert_eq!(
        (after.name.as_str(), after.status),
        ("after the crash", Some(200))
    );
    assert_eq!(
        cli_run.steps[3].status,
        Some(200),
        "the session cookie went along"
    );
    for kind in ["json", "junit", "html"] {
        let from_cli = std::fs::read_to_string(report(kind)).expect("cli report");
        let from_app = wb.report(ids[0], kind).expect("app report");
        assert_eq!(
            stable(&from_cli),
            stable(&from_app),
            "{kind} reports differ"
        );
    }

    // One calls: `vouch check` and the app's Send, call for call.
    let env_file = data.path().join("env.yaml");
    std::fs::write(
        &env_file,
        env.replace("variables:", "name: oauth\nvariables:"),
    )
    .expect("env");
    let mut s = Store::open(data.path()).expect("store");
    s.save_environment(None, &Environment::from_file(&env_file).expect("env"))
        .expect("global env");
    let spec = service.url("/openapi.json");
    let calls = [
        ("GET", "/items/2"),
        ("GET", "/drift/formats"),
        ("GET", "/items/999"),
        ("GET", "/me/oauth"),
    ];
    for (method, path) in calls {
        let (code, stdout, stderr) = cli(&[
            "check",
            &spec,
            method,
            path,
            "--data-dir",
            &d,
            "--env",
            &env_file.display().to_string(),
            "--format",
            "json",
        ]);
        assert!(code < 2, "{stderr}");
        let printed: Value = serde_json::from_str(&stdout).expect("json");
        let draft = Draft {
            method: method.into(),
            path: path.into(),
            ..Draft::default()
        };
        let view = rt
            .block_on(wb.send(None, draft, Some("oauth".into())))
            .expect("send");
        assert_eq!(
            printed["findings"],
            serde_json::to_value(&view.findings).expect("json"),
            "{method} {path}"
        );
    }
    let history = store.history(8).expect("history");
    for pair in history.chunks(2) {
        let strip = |h: &vouch::store::HistoryEntry| {
            json!([
                h.method,
                h.url,
                h.operation_id,
                h.status,
                h.findings,
                h.draft
            ])
        };
        assert_eq!(strip(&pair[0]), strip(&pair[1]), "history rows differ");
    }

    // Two app sends in a row share the session: its cookie, and one token fetch.
    let issued = |rt: &tokio::runtime::Runtime| -> u64 {
        let bytes = rt
            .block_on(async {
                reqwest::get(service.url("/tokens-issued"))
                    .await?
                    .bytes()
                    .await
            })
            .expect("tokens");
        let v: Value = serde_json::from_slice(&bytes).expect("json");
        v["count"].as_u64().unwrap_or(0)
    };
    wb.reset_session();
    let before = issued(&rt);
    let send = |draft: Draft| {
        rt.block_on(wb.send(None, draft, Some("oauth".into())))
            .expect("send")
    };
    let plain = |mut d: Draft| {
        d.base_url = Some(service.base.clone());
        d
    };
    send(plain(post("/session", None)));
    let session = send(plain(get("/session/current")));
    assert_eq!(session.status, Some(200), "{session:?}");
    assert_eq!(send(plain(get("/me/oauth"))).status, Some(200));
    assert_eq!(send(plain(get("/me/oauth"))).status, Some(200));
    assert_eq!(issued(&rt) - before, 1, "one token for the app's session");
}

/// Every form the planted secret could take on the wire.
fn forms(secret: &str, user: &str) -> Vec<String> {
    use base64::Engine;
    let pct: String =
        percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string();
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    vec![
        secret.to_string(),
        pct.clone(),
        pct.to_lowercase(),
        form,
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}")),
    ]
}

fn assert_clean(what: &str, text: &str, forms: &[String]) {
    for f in forms {
        assert!(
            !text.contains(f.as_str()),
            "{what} holds the secret as {f}:\n{text}"
        );
    }
}

#[test]
fn a_planted_secret_never_reaches_a_stored_or_printed_byte() {
    const SECRET: &str = "wJal/K7+bPx=Zq9";
    let service = Service::shop();
    let forms = forms(SECRET, "bob");
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path().to_str().expect("utf-8").to_string();
    let env = format!(
        "name: planted\nvariables:\n  baseUrl: {}\n  key: {{value: '{SECRET}', secret: true}}\nauth:\n  HTTPBasic: {{username: bob, password: '{{{{key}}}}'}}\n",
        service.base
    );
    let mut echo = get("/echo-header");
    echo.headers = vec![("X-Request-Id".into(), "{{key}}".into())];
    let mut query = get("/search");
    query.query = vec![("q".into(), "{{key}}".into())];
    let form = post(
        "/token",
        Some(Body::Form(vec![
            ("username".into(), "alice".into()),
            ("password".into(), "{{key}}".into()),
        ])),
    );
    let requests = [
        ("raw, echoed", echo),
        ("in the query", query),
        ("in a form body", form),
        ("basic auth", get("/me/basic")),
    ];
    collection(data.path(), service, "planted", &requests, &env);
    let env_file = data.path().join("planted.yaml");
    std::fs::write(&env_file, &env).expect("env");
    let e = env_file.display().to_string();
    let spec = service.url("/openapi.json");
    let mut printed = String::new();

    // CLI check (debug log on), every form.
    for args in [
        vec!["GET", "/echo-header", "-H", "X-Request-Id: {{key}}"],
        vec!["GET", "/search", "--query", "q={{key}}"],
        vec!["GET", "/me/basic"],
        vec![
            "POST",
            "/token",
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "--body",
            "username=alice&password=wJal%2FK7%2BbPx%3DZq9",
        ],
    ] {
        let mut a = vec![
            "check",
            spec.as_str(),
            "--env",
            e.as_str(),
            "--data-dir",
            d.as_str(),
        ];
        a.extend(args);
        let (code, out, err) = cli(&a);
        assert!(code < 2, "{err}");
        printed += &out;
        printed += &err;
    }
    // CLI run with every report, debug log on.
    let reports = data.path().join("r");
    std::fs::create_dir_all(&reports).expect("dir");
    let r = |k: &str| reports.join(format!("run.{k}")).display().to_string();
    let (code, out, err) = cli(&[
        "run",
        "planted/all",
        "--data-dir",
        &d,
        "--report",
        &format!("json:{}", r("json")),
        "--report",
        &format!("junit:{}", r("junit")),
        "--report",
        &format!("html:{}", r("html")),
    ]);
    assert!(code < 2, "{err}");
    assert!(err.contains("DEBUG"), "the debug log is on: {err}");
    printed += &out;
    printed += &err;
    for k in ["json", "junit", "html"] {
        printed += &std::fs::read_to_string(r(k)).expect("report");
    }

    // The app: sends, copy as cURL, the run and its reports.
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let rt = runtime();
    rt.block_on(wb.open(&spec)).expect("open");
    let mut store = Store::open(data.path()).expect("store");
    store
        .save_environment(
            None,
            &Environment::from_bytes(env.as_bytes(), "planted").expect("env"),
        )
        .expect("global");
    for (_, draft) in &requests {
        let view = rt
            .block_on(wb.send(None, draft.clone(), Some("planted".into())))
            .expect("send");
        printed += &serde_json::to_string(&view).expect("json");
        if let Some(id) = view.body_id {
            printed += &String::from_utf8_lossy(&wb.body_slice(id, 0, 1 << 20).unwrap_or_default());
        }
        printed += &wb
            .curl(None, draft.clone(), Some("planted".into()))
            .expect("curl");
    }
    let view = rt
        .block_on(wb.run("planted/all", None, |_| {}))
        .expect("run");
    printed += &serde_json::to_string(&view).expect("json");
    for k in ["json", "junit", "html"] {
        printed += &wb.report(i64::from(view.run_id), k).expect("report");
    }
    assert_clean("what the doors printed and reported", &printed, &forms);

    // Stored: every history row and every step of every run.
    let mut stored = serde_json::to_string(&store.history(100).expect("history")).expect("json");
    for id in store.recent_runs(10).expect("runs") {
        let run = store.run(id).expect("run");
        stored += &serde_json::to_string(&run).expect("json");
        for s in &run.steps {
            stored += &String::from_utf8_lossy(&s.response_body);
        }
    }
    assert!(stored.contains("••••••"), "the secret was used and masked");
    assert_clean("the store's history and run steps", &stored, &forms);
}

#[test]
fn a_connection_closed_after_a_500_errors_no_innocent_step() {
    let service = Service::own("shop:app");
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path().to_str().expect("utf-8").to_string();
    let env = format!("variables:\n  baseUrl: {}\n", service.base);
    let requests = [
        ("crash", get("/crash")),
        ("read", get("/items/2")),
        ("crash again", get("/crash")),
        ("open session", post("/session", None)),
    ];
    collection(data.path(), &service, "closing", &requests, &env);
    let json = data.path().join("r.json");
    let junit = data.path().join("r.xml");
    let html = data.path().join("r.html");
    let (code, stdout, stderr) = cli(&[
        "run",
        "closing/all",
        "--data-dir",
        &d,
        "--report",
        &format!("json:{}", json.display()),
        "--report",
        &format!("junit:{}", junit.display()),
        "--report",
        &format!("html:{}", html.display()),
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    // The idempotent read after the crash was sent again on a fresh connection and passed.
    assert!(
        stderr.contains("retrying on a fresh connection"),
        "{stderr}"
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&json).expect("report")).expect("json");
    let results = report["results"].as_array().expect("results");
    assert_eq!(results[1]["outcome"], "passed", "{:#}", results[1]);
    // The POST after the second crash was not retried: its error says what happened.
    assert_eq!(results[3]["outcome"], "errored", "{:#}", results[3]);
    let error = results[3]["error"].as_str().unwrap_or("");
    assert!(
        error.contains("the server closed the connection after the previous response, before answering this POST"),
        "{error}"
    );
    // A failed step carries what was sent and what came back.
    let crash = &results[0];
    assert_eq!(crash["outcome"], "failed");
    assert!(
        crash["request"]["curl"]
            .as_str()
            .unwrap_or("")
            .starts_with("curl -X 'GET'"),
        "{crash:#}"
    );
    assert_eq!(crash["response"]["status"], 500);
    assert_eq!(crash["response"]["body"], "Internal Server Error");
    // JUnit and HTML say the same: the request as a cURL line, the response with its body.
    let junit = std::fs::read_to_string(&junit).expect("junit");
    let doc = roxmltree::Document::parse(&junit).expect("well-formed");
    let case = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("testcase") && n.attribute("name") == Some("crash_crash_get GET /crash")
        })
        .expect("the crash's testcase");
    let out = case
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .and_then(|n| n.text())
        .unwrap_or("");
    assert!(
        out.contains("curl -X 'GET'")
            && out.contains("response: 500")
            && out.contains("Internal Server Error"),
        "{out}"
    );
    let html = std::fs::read_to_string(&html).expect("html");
    assert!(
        html.contains("<details><summary>request and response</summary><pre>request:\ncurl -X &apos;GET&apos;"),
        "{html}"
    );
}

#[test]
fn accepted_statuses_are_warnings_not_failures() {
    let service = Service::shop();
    let spec = service.url("/openapi.json");
    let (code, stdout, _) = cli(&["check", &spec, "GET", "/items/999", "--no-history"]);
    assert_eq!(code, 1, "{stdout}");
    let (code, stdout, _) = cli(&[
        "check",
        &spec,
        "GET",
        "/items/999",
        "--accept-status",
        "401,404",
        "--no-history",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("status (warning) status 404 is not declared"),
        "{stdout}"
    );
    // The same in a run, and as a collection's own setting in its folder.
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path().to_str().expect("utf-8").to_string();
    let env = format!("variables:\n  baseUrl: {}\n", service.base);
    collection(
        data.path(),
        service,
        "known",
        &[("missing", get("/items/999"))],
        &env,
    );
    let (code, stdout, _) = cli(&[
        "run",
        "known/all",
        "--data-dir",
        &d,
        "--accept-status",
        "404",
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("1 step: 1 passed, 0 failed, 0 errors, 1 step with warnings"),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: status: status 404 is not declared"),
        "{stdout}"
    );
    let folder = data.path().join("known");
    let (code, _, err) = cli(&[
        "export",
        "known",
        "--to",
        folder.to_str().expect("utf-8"),
        "--data-dir",
        &d,
    ]);
    assert_eq!(code, 0, "{err}");
    let head = folder.join("collection.yaml");
    let text = std::fs::read_to_string(&head).expect("read");
    std::fs::write(&head, format!("{text}accept_status: [404]\n")).expect("write");
    let (code, stdout, stderr) = cli(&["run", folder.to_str().expect("utf-8"), "--data-dir", &d]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn a_credential_that_cannot_be_had_stops_the_run_once() {
    let service = Service::shop();
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path().to_str().expect("utf-8").to_string();
    let env = format!(
        "variables:\n  baseUrl: {}\nauth:\n  OAuth2PasswordBearer: {{username: alice, password: wrong}}\n",
        service.base
    );
    let requests = [
        ("a", get("/me/oauth")),
        ("b", get("/me/oauth")),
        ("c", get("/me/oauth")),
    ];
    collection(data.path(), service, "badauth", &requests, &env);
    let (code, stdout, stderr) = cli(&["run", "badauth/all", "--data-dir", &d]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("3 steps: 0 passed, 0 failed, 1 error"),
        "{stdout}"
    );
    assert!(stdout.contains("stopped: 2 steps not run"), "{stdout}");
    assert_eq!(stderr.matches("OAuth2 token from").count(), 1, "{stderr}");
    // A misspelt scheme name is an error that lists the spec's schemes.
    let typo = tempfile::tempdir().expect("tmp");
    let env = format!(
        "variables:\n  baseUrl: {}\nauth:\n  OAuth2PaswordBearer: {{username: alice}}\n",
        service.base
    );
    collection(typo.path(), service, "typo", &[("a", get("/items"))], &env);
    let (code, _, stderr) = cli(&[
        "run",
        "typo/all",
        "--data-dir",
        typo.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "`OAuth2PaswordBearer`, which is not a security scheme of the spec (it has: "
        ),
        "{stderr}"
    );
    assert!(stderr.contains("OAuth2PasswordBearer"), "{stderr}");
}

#[test]
fn one_environment_format_and_a_default_environment() {
    let service = Service::shop();
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/shop");
    let chain = demo.join("suites/chain.yaml");
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path().to_str().expect("utf-8");
    let base = format!("baseUrl={}", service.base);
    let (code, stdout, stderr) = cli(&[
        "run",
        chain.to_str().expect("utf-8"),
        "--data-dir",
        d,
        "--var",
        &base,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stderr.contains("note: using environment `local`, the collection's only one"),
        "{stderr}"
    );
    // The folder's environment file is what --env FILE reads.
    let file = demo.join("environments/local.yaml");
    let (code, stdout, stderr) = cli(&[
        "run",
        chain.to_str().expect("utf-8"),
        "--data-dir",
        d,
        "--env",
        file.to_str().expect("utf-8"),
        "--var",
        &base,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The older list shape is still read.
    let old = Environment::from_bytes(b"name: local\nvariables:\n- name: baseUrl\n  value: http://x\n- name: t\n  secret: true\ncredentials: [HTTPBearer]\n", "x")
        .expect("older shape");
    assert_eq!(
        (
            old.variables["baseUrl"].value.as_str(),
            old.variables["t"].secret
        ),
        ("http://x", true)
    );
    // Several environments and none picked: the error names them.
    let copy = tempfile::tempdir().expect("tmp");
    let (code, _, err) = cli(&["import", demo.to_str().expect("utf-8"), "--data-dir", d]);
    assert_eq!(code, 0, "{err}");
    let mut store = Store::open(data.path()).expect("store");
    let c = store.collection("shop").expect("shop");
    store
        .save_environment(
            Some(c.id),
            &Environment::from_bytes(b"name: staging\n", "staging").expect("env"),
        )
        .expect("save");
    drop(copy);
    let (code, _, stderr) = cli(&["run", "shop/chain", "--data-dir", d]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("collection `shop` has 2 environments (local, staging): pick one"),
        "{stderr}"
    );
    assert!(stderr.contains("--env NAME"), "{stderr}");
}

#[test]
fn the_debug_log_says_more_and_masks() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let spec = Service::shop().url("/openapi.json");
    let (code, _, stderr) = cli(&[
        "check",
        &spec,
        "GET",
        "/search?q=zz-secret-zz",
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
        "--var",
        "k=1",
        "--no-history",
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("DEBUG") && stderr.contains("Connection refused"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: is the service running"), "{stderr}");
}

#[test]
fn the_apps_import_reads_openapi_documents_and_postman_environments() {
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let rt = runtime();
    let spec = crate::util::spec_path("oai-examples/v3.0/petstore.yaml");
    let name = rt
        .block_on(wb.import(Path::new(&spec)))
        .expect("openapi import")
        .name;
    let row = wb
        .collections()
        .expect("collections")
        .into_iter()
        .find(|c| c.name == name)
        .expect("imported collection");
    assert!(
        !row.requests.is_empty(),
        "one request per operation: {row:?}"
    );
    let env = crate::util::corpus()
        .join("collections/insomnia/importer-fixtures/postman-env/basic-input.json");
    let what = rt
        .block_on(wb.import(&env))
        .expect("environment import")
        .name;
    assert!(what.starts_with("environment "), "{what}");
    assert!(wb
        .environments()
        .expect("envs")
        .iter()
        .any(|e| what.ends_with(e.as_str())));
}

#[test]
fn a_load_run_from_the_app_is_the_cli_s_load_run() {
    let service = Service::shop();
    let data = tempfile::tempdir().expect("tmp");
    let d = data.path().to_str().expect("utf-8").to_string();
    let env = format!("variables:\n  baseUrl: {}\n", service.base);
    let requests = [
        ("list items", get("/items")),
        ("price drift", get("/drift/price-string")),
    ];
    collection(data.path(), service, "loaded", &requests, &env);
    let (code, stdout, stderr) = cli(&[
        "load",
        "loaded/all",
        "--data-dir",
        &d,
        "--rate",
        "20",
        "--duration",
        "1s",
        "--threshold",
        "findings==0",
    ]);
    assert_eq!(code, 1, "the drift crosses findings==0: {stdout}{stderr}");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let rt = runtime();
    let settings = vouch::workbench::LoadSettings {
        rate: Some(20.0),
        users: None,
        duration_s: 1.0,
        ramp_up_s: 0.0,
        check: "all".into(),
        thresholds: vec!["findings==0".into(), " ".into()],
    };
    let mut ticks = Vec::new();
    let view = rt
        .block_on(wb.load("loaded/all", None, &settings, |t| ticks.push(t.clone())))
        .expect("load");
    assert!(!ticks.is_empty(), "each second is reported as it ends");
    assert_eq!(view.run_id, 2, "both runs in the same store");
    let store = Store::open(data.path()).expect("store");
    let (cli_run, app_run) = (
        store.load_report(1).expect("cli run"),
        store.load_report(2).expect("app run"),
    );
    // The same schedule, steps, checks and verdicts through both doors.
    for r in [&cli_run, &app_run] {
        assert_eq!(r["summary"]["requests"], 20, "{r}");
        assert_eq!(r["steps"][0]["name"], "list items");
        assert_eq!(r["steps"][1]["name"], "price drift");
        assert_eq!(r["steps"][0]["findings"], 0);
        assert_eq!(
            r["steps"][1]["findings"], 10,
            "one finding per drifted call"
        );
        assert_eq!(r["summary"]["thresholds"][0]["ok"], false);
    }
    assert!(!view.passed);
    assert_eq!(view.total.requests, 20);
    assert_eq!(
        view.thresholds,
        [("findings==0".to_string(), false, 10.0)],
        "blank threshold lines are ignored"
    );
    // A form that cannot run says what is wrong and records nothing.
    for (bad, says) in [
        (
            vouch::workbench::LoadSettings {
                rate: Some(0.0),
                ..settings.clone()
            },
            "rate",
        ),
        (
            vouch::workbench::LoadSettings {
                rate: None,
                users: None,
                ..settings.clone()
            },
            "users",
        ),
        (
            vouch::workbench::LoadSettings {
                duration_s: 0.0,
                ..settings.clone()
            },
            "duration",
        ),
        (
            vouch::workbench::LoadSettings {
                thresholds: vec!["p99 < soon".into()],
                ..settings.clone()
            },
            "threshold",
        ),
    ] {
        let e = rt
            .block_on(wb.load("loaded/all", None, &bad, |_| {}))
            .expect_err("refused");
        assert_eq!(vouch::Problem::of(&e).kind, "usage", "{e}");
        assert!(e.to_string().contains(says), "{e}");
    }
    assert!(store.load_report(3).is_err(), "nothing recorded");

    // One load run at a time, stopped by its own Stop (a call's cancel does not touch it).
    let long = vouch::workbench::LoadSettings {
        duration_s: 60.0,
        ..settings.clone()
    };
    let (first, second) = rt.block_on(async {
        let first = wb.load("loaded/all", None, &long, |_| {});
        let meanwhile = async {
            tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
            let second = wb.load("loaded/all", None, &settings, |_| {}).await;
            wb.cancel();
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            wb.cancel_load();
            second
        };
        tokio::join!(first, meanwhile)
    });
    let e = second.expect_err("a second load run is refused");
    assert!(e.to_string().contains("already in progress"), "{e}");
    let first = first.expect("the stopped run reports");
    assert!(first.interrupted && !first.passed);
    assert!(first.duration_s < 5.0, "{}", first.duration_s);
    assert!(first.total.requests >= 20, "{:?}", first.total);
    assert_eq!(
        store.load_report(3).expect("stored")["summary"]["interrupted"],
        true
    );
}
