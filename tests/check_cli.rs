//! `vouch check` end to end: the binary against the FastAPI reference service. Exit codes:
//! 0 no finding, 1 findings, 2 could not load, match or send.

use serde_json::Value;

use crate::util::{vouch, Service};

/// Output with the service's port and the timings replaced, so snapshots are stable.
fn stable(text: &str) -> String {
    let base = &Service::shop().base;
    let text = text.replace(base.as_str(), "http://127.0.0.1:PORT");
    let re = regex::Regex::new(r"\d+(\.\d+)? ms").expect("re");
    re.replace_all(&text, "TIME ms").into_owned()
}

fn check(args: &[&str]) -> (i32, String, String) {
    let spec = Service::shop().url("/openapi.json");
    let out = vouch()
        .arg("check")
        .arg(&spec)
        .args(args)
        .output()
        .expect("run vouch");
    (
        out.status.code().unwrap_or(-1),
        stable(&String::from_utf8_lossy(&out.stdout)),
        stable(&String::from_utf8_lossy(&out.stderr)),
    )
}

#[test]
fn honest_call_exits_0() {
    let (code, stdout, _) = check(&["GET", "/items/2"]);
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!("check_honest_text", stdout);
}

#[test]
fn findings_exit_1_in_text_and_json() {
    let (code, stdout, _) = check(&["GET", "/drift/formats"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_drift_text", stdout);
    let (code, stdout, _) = check(&["GET", "/drift/union", "--format", "json"]);
    assert_eq!(code, 1);
    let mut v: Value = serde_json::from_str(&stdout).expect("one JSON object");
    v["response"]["elapsed_ms"] = Value::from(0);
    v["response"]["ttfb_ms"] = Value::from(0);
    insta::assert_json_snapshot!("check_drift_json", v);
}

#[test]
fn request_options_reach_the_wire() {
    // -H, --query, --body and --var all end up in the request the service sees.
    let dir = tempfile::tempdir().expect("tmp");
    let body = dir.path().join("item.json");
    std::fs::write(&body, r#"{"name": "{{name}}", "price": 3}"#).expect("write");
    let (code, stdout, stderr) = check(&[
        "POST",
        "/items",
        "--body",
        &format!("@{}", body.display()),
        "--var",
        "name=lamp",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, stdout, _) = check(&[
        "GET",
        "/echo-header",
        "-H",
        "X-Request-Id: r-1",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{stdout}");
    let (code, stdout, _) = check(&["GET", "/search", "--query", "q=lamp", "--query", "limit=2"]);
    assert_eq!(code, 0, "{stdout}");
    // A request that breaks the contract is sent as asked and its findings shown as
    // warnings: the service's declared 422 honours the contract, so the check passes.
    let (code, stdout, _) = check(&["GET", "/search?q=lamp&limit=0"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("request (warning) `query.limit`: expected a number >= 1, got 0"),
        "{stdout}"
    );
}

#[test]
fn cannot_match_load_or_send_exits_2() {
    let (code, _, stderr) = check(&["GET", "/nowhere"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("check_no_operation_stderr", stderr);
    let (code, _, stderr) = check(&["PUT", "/items/1"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("hint: this path takes GET, DELETE"),
        "{stderr}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let (code, _, stderr) = check(&[
        "GET",
        "/items/1",
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(&format!(
            "error: could not connect to http://127.0.0.1:{port}/items/1"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("hint: is the service running"), "{stderr}");

    let (code, _, stderr) = check(&["GET", "/slow", "--timeout", "0.5"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("did not answer within 0.5 s"), "{stderr}");

    let dir = tempfile::tempdir().expect("tmp");
    let env = dir.path().join("broken.yaml");
    std::fs::write(&env, "variables: [unclosed").expect("write");
    let (code, _, stderr) = check(&["GET", "/items/1", "--env", &env.display().to_string()]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with(&format!("error: environment {}", env.display())),
        "{stderr}"
    );

    // A YAML alias bomb as an environment is refused, not expanded.
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    std::fs::write(&env, bomb).expect("write");
    let (code, _, stderr) = check(&["GET", "/items/1", "--env", &env.display().to_string()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("too large once its aliases are expanded"),
        "{stderr}"
    );

    let (code, _, stderr) = check(&["GET", "/items/{{id}}"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown variable {{id}} in the path"),
        "{stderr}"
    );
}

#[test]
fn calls_go_to_the_history_with_credentials_masked() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("utf-8");
    let (code, stdout, stderr) = check(&[
        "GET",
        "/search",
        "--query",
        "q=lamp",
        "--query",
        "api_key=k-live-0123456789",
        "-H",
        "Authorization: Bearer sekrit-token-1",
        "-H",
        "X-Request-Id: r-1",
        "--data-dir",
        data,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let (code, _, _) = check(&["GET", "/items/2", "--data-dir", data, "--no-history"]);
    assert_eq!(code, 0);
    let (code, _, _) = check(&["GET", "/drift/formats", "--data-dir", data]);
    assert_eq!(code, 1);

    let store = vouch::store::Store::open(dir.path()).expect("store");
    let history = store.history(10).expect("history");
    assert_eq!(history.len(), 2, "--no-history adds nothing: {history:?}");
    let (drift, search) = (&history[0], &history[1]);
    assert_eq!(drift.status, Some(200));
    assert!(drift.findings.as_array().is_some_and(|f| !f.is_empty()));
    assert_eq!(search.method, "GET");
    assert_eq!(search.operation_id.as_deref(), Some("search_search_get"));
    assert!(search.findings.as_array().is_some_and(Vec::is_empty));
    let raw = serde_json::to_string(search).expect("json");
    for secret in ["k-live-0123456789", "sekrit-token-1"] {
        assert!(!raw.contains(secret), "{secret} in {raw}");
    }
    assert_eq!(
        search.draft["headers"][1],
        serde_json::json!(["X-Request-Id", "r-1"])
    );
    assert!(search.url.contains("q=lamp"), "{}", search.url);
}

/// `--env dev` names the stored environment `dev`, even where a file `./dev` exists (the app
/// runs from the repository, whose `./dev` script is no environment).
#[test]
fn a_stored_environment_wins_over_a_file_of_that_name() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    std::fs::write(tmp.path().join("dev"), "#!/bin/sh\nx: y: z\n").expect("write");
    let mut store = vouch::store::Store::open(&data).expect("store");
    let env =
        vouch::request::Environment::from_bytes(b"variables:\n  item: '2'\n", "dev").expect("env");
    store.save_environment(None, &env).expect("save");
    drop(store);
    let out = vouch()
        .env("VOUCH_DATA_DIR", &data)
        .current_dir(tmp.path())
        .args([
            "check",
            &Service::shop().url("/openapi.json"),
            "GET",
            "/items/{{item}}",
        ])
        .args(["--env", "dev"])
        .output()
        .expect("vouch");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("/items/2"), "{text}");
}
