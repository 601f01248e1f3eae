//! `vouch fuzz` end to end against real FastAPI services on loopback: the library service's
//! planted bugs (tests/servers/library.py) each found by the right check at the right place,
//! shrunk, saved and failing again in `vouch run`; the shop's drifting endpoints; the same
//! seed giving the same failures; `--read-only`; a dead service and bad arguments.

use serde_json::Value;

use crate::util::{vouch, Service};

/// Runs `vouch fuzz` with `args`: (exit code, stdout as JSON when it is JSON, stderr).
fn fuzz(args: &[&str]) -> (i32, Value, String) {
    let out = vouch()
        .arg("fuzz")
        .args(args)
        .output()
        .expect("run vouch fuzz");
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The failures as (check, operation, location).
fn keys(out: &Value) -> Vec<(String, String, Option<String>)> {
    out["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap_or("").to_string(),
                f["operation"].as_str().unwrap_or("").to_string(),
                f["location"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn failure<'a>(out: &'a Value, check: &str, operation: &str) -> &'a Value {
    out["failures"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|f| f["check"] == check && f["operation"] == operation)
        })
        .unwrap_or_else(|| panic!("no {check} failure on {operation} in {out:#}"))
}

/// The library service's spec, run against a fresh service (its state is per process).
fn library() -> (Service, String) {
    let service = Service::own("library:app");
    let spec = service.url("/openapi.json");
    (service, spec)
}

#[test]
fn planted_bugs_are_found_shrunk_saved_and_replayed() {
    let (service, spec) = library();
    let data = tempfile::tempdir().expect("data dir");
    let report = data.path().join("fuzz.xml");
    let (code, out, err) = fuzz(&[
        &spec,
        "--base-url",
        &service.base,
        "--seed",
        "3",
        "--format",
        "json",
        "--save-failures",
        "library bugs",
        "--report",
        &format!("junit:{}", report.display()),
        "--data-dir",
        &data.path().display().to_string(),
    ]);
    assert_eq!(code, 1, "failures found: exit 1\n{err}");
    let found = keys(&out);
    // Each planted bug, by the check that must find it and where.
    for (check, operation, location) in [
        ("server-error", "list_books_books_get", None),
        ("server-error", "create_book_books_post", None),
        (
            "negative-data-rejected",
            "create_review_reviews_post",
            Some("header.content-type"),
        ),
        ("positive-data-accepted", "create_author_authors_post", None),
        (
            "response-conformance",
            "quotes_quotes_get",
            Some("/0/score"),
        ),
        (
            "auth-enforced",
            "admin_stats_admin_stats_get",
            Some("no credentials"),
        ),
        ("allow-on-405", "ping_ping_get", Some("PATCH /ping")),
        (
            "use-after-delete",
            "read_book_books__book_id__get",
            Some("/books/{book_id}"),
        ),
    ] {
        assert!(
            found.contains(&(check.into(), operation.into(), location.map(str::to_string))),
            "{check} on {operation} at {location:?} not found in {found:#?}"
        );
    }
    assert!(
        found
            .iter()
            .any(|(c, o, _)| c == "negative-data-rejected" && o == "create_review_reviews_post"),
        "an invalid review accepted"
    );
    // The honest operations have nothing against them.
    for honest in ["health_health_get", "read_author_authors__author_id__get"] {
        assert!(
            !found.iter().any(|(_, o, _)| o == honest),
            "{honest}: {found:#?}"
        );
    }
    // Shrunk: the edge value alone, the one non-ASCII character alone.
    let zero = failure(&out, "server-error", "list_books_books_get");
    assert!(
        zero["curl"]
            .as_str()
            .expect("present")
            .contains("/books?limit=0'"),
        "{zero:#}"
    );
    let ascii = failure(&out, "server-error", "create_book_books_post")["curl"]
        .as_str()
        .expect("present");
    let body: Value = serde_json::from_str(
        ascii
            .split("--data-raw '")
            .nth(1)
            .and_then(|b| b.strip_suffix('\''))
            .expect("a body"),
    )
    .expect("JSON body");
    let title = body["title"].as_str().expect("title");
    assert!(title.chars().count() == 1 && !title.is_ascii(), "{body}");
    assert_eq!(
        body.as_object().map(|o| o.len()),
        Some(2),
        "no optional field left: {body}"
    );
    // Stats as documented.
    let stats = &out["stats"];
    assert!(stats["requests"].as_u64().expect("present") > 100);
    assert!(
        stats["first_failure_ms"].as_u64().expect("present")
            <= stats["elapsed_ms"].as_u64().expect("present")
    );
    assert_eq!(stats["operations"], 11);
    assert_eq!(
        stats["by_check"]
            .as_object()
            .expect("present")
            .values()
            .map(|v| v.as_u64().expect("present"))
            .sum::<u64>(),
        found.len() as u64
    );
    // The stored run's report: a failed testcase per failure.
    let xml = std::fs::read_to_string(&report).expect("junit report");
    assert_eq!(xml.matches("<failure").count(), found.len(), "{xml}");
    // The saved requests fail again in `vouch run`, each on its own assertion.
    let replay = vouch()
        .args(["run", "library bugs", "--report"])
        .arg(format!(
            "json:{}",
            data.path().join("replay.json").display()
        ))
        .args(["--data-dir", &data.path().display().to_string()])
        .output()
        .expect("vouch run");
    assert_eq!(
        replay.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&replay.stderr)
    );
    let replayed: Value = serde_json::from_slice(
        &std::fs::read(data.path().join("replay.json")).expect("replay report"),
    )
    .expect("JSON");
    let results = replayed["results"].as_array().expect("results");
    for (i, (check, operation, _)) in found.iter().enumerate() {
        let prefix = format!("{:02} {check}", i + 1);
        let step = results
            .iter()
            .find(|r| r["name"].as_str().is_some_and(|n| n.starts_with(&prefix)))
            .unwrap_or_else(|| panic!("no saved step {prefix} ({operation}) in {replayed:#}"));
        assert_eq!(step["outcome"], "failed", "{step:#}");
    }
}

#[test]
fn the_same_seed_sends_the_same_requests_and_finds_the_same_failures() {
    let run = || {
        let (service, spec) = library();
        let (code, out, err) = fuzz(&[
            &spec,
            "--base-url",
            &service.base,
            "--seed",
            "11",
            "--max-examples",
            "20",
            "--format",
            "json",
        ]);
        assert_eq!(code, 1, "{err}");
        let port = service
            .base
            .rsplit(':')
            .next()
            .expect("present")
            .to_string();
        let curls: Vec<String> = out["failures"]
            .as_array()
            .expect("present")
            .iter()
            .map(|f| f["curl"].as_str().expect("present").replace(&port, "PORT"))
            .collect();
        (keys(&out), curls, out["stats"]["requests"].clone())
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
}

#[test]
fn read_only_sends_nothing_that_changes_data() {
    let (service, spec) = library();
    let (_, out, err) = fuzz(&[
        &spec,
        "--base-url",
        &service.base,
        "--read-only",
        "--seed",
        "1",
        "--max-examples",
        "10",
        "--format",
        "json",
    ]);
    assert!(!err.contains("warning:"), "loopback: no warning\n{err}");
    for (_, operation, _) in keys(&out) {
        assert!(operation.ends_with("_get"), "{operation} is not a GET");
    }
    assert_eq!(out["stats"]["operations"], 7, "{out:#}");
    // Nothing was created: the list is empty.
    let url = service.url("/books?limit=5");
    let body = crate::util::runtime()
        .block_on(async { reqwest::get(&url).await?.text().await })
        .expect("list");
    assert!(body.contains("\"total\":0"), "{body}");
}

#[test]
fn shop_drifts_are_found_where_they_are() {
    let shop = Service::shop();
    let (code, out, err) = fuzz(&[
        &shop.url("/openapi.json"),
        "--base-url",
        &shop.base,
        "--include",
        "/drift/*",
        "--phases",
        "examples,positive",
        "--max-examples",
        "5",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let found: Vec<(String, String)> = out["failures"]
        .as_array()
        .expect("present")
        .iter()
        .filter(|f| f["check"] == "response-conformance")
        .map(|f| {
            (
                f["path"].as_str().expect("present").to_string(),
                f["location"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    for (path, location) in [
        ("/drift/status", "status"),
        ("/drift/content-type", "content-type: Content-Type"),
        ("/drift/header-missing", "header: X-Rate-Limit"),
        ("/drift/header-type", "header: X-Rate-Limit"),
        ("/drift/price-string", "/price"),
        ("/drift/missing-field", "/name"),
        ("/drift/extra-field", "/internal_cost"),
        ("/drift/null", "/name"),
        ("/drift/formats", "/created_at"),
        ("/drift/union", "/method/last4"),
        ("/drift/discriminator", "/method/kind"),
        ("/drift/email", "/contact"),
        ("/drift/array-item", "/2/price"),
        ("/drift/not-json", "body"),
        ("/drift/no-content/{item_id}", "body"),
    ] {
        assert!(
            found.contains(&(path.to_string(), location.to_string())),
            "{path} at {location} not in {found:#?}"
        );
    }
}

#[test]
fn a_dead_service_and_bad_arguments_are_errors() {
    let dir = tempfile::tempdir().expect("dir");
    let spec = dir.path().join("spec.json");
    std::fs::write(
        &spec,
        r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "ok"}}}, "post": {"responses": {"201": {"description": "made"}}}}}}"#,
    )
    .expect("write");
    let spec = spec.display().to_string();
    let (code, _, err) = fuzz(&[&spec, "--base-url", "http://127.0.0.1:9", "--seed", "1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did not answer any request"), "{err}");
    // A service elsewhere: said before anything is sent.
    let (code, _, err) = fuzz(&[
        &spec,
        "--base-url",
        "http://192.0.2.1:9",
        "--timeout",
        "0.5",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("warning: 1 operation(s) that can change data (POST/PUT/PATCH/DELETE) will be sent to http://192.0.2.1:9"),
        "{err}"
    );
    let (code, _, err) = fuzz(&[&spec, "--checks", "server-errors"]);
    assert_eq!(code, 2);
    assert!(err.contains("`server-errors` is not a check"), "{err}");
    let (code, _, err) = fuzz(&[&spec, "--time-budget", "soon"]);
    assert_eq!(code, 2);
    assert!(err.contains("not a duration"), "{err}");
    let (code, _, err) = fuzz(&[&format!("{spec}.missing")]);
    assert_eq!(code, 2);
    assert!(err.starts_with("error:"), "{err}");
}

#[test]
fn the_smoke_suite_creates_first_feeds_ids_deletes_last_and_honours_the_selection() {
    let (service, spec) = library();
    let dir = tempfile::tempdir().expect("dir");
    let report = dir.path().join("smoke.json");
    let smoke = |extra: &[&str]| -> Vec<Value> {
        let out = vouch()
            .args([
                "run",
                "--spec",
                &spec,
                "--base-url",
                &service.base,
                "--report",
            ])
            .arg(format!("json:{}", report.display()))
            .args(extra)
            .output()
            .expect("vouch run");
        let report: Value =
            serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("JSON");
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("warning:"),
            "loopback: no warning"
        );
        report["results"].as_array().expect("results").clone()
    };
    let steps = smoke(&["--exclude", "/admin/*"]);
    let names: Vec<&str> = steps
        .iter()
        .map(|s| s["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names.len(), 10, "{names:?}");
    assert!(!names.contains(&"admin_stats_admin_stats_get"));
    assert_eq!(names[0], "create_book_books_post", "{names:?}");
    assert_eq!(names.last(), Some(&"delete_book_books__book_id__delete"));
    // The created book's id, not a made-up one: read and deleted for real.
    let read = steps
        .iter()
        .find(|s| s["name"] == "read_book_books__book_id__get")
        .expect("read step");
    assert_eq!(
        (
            read["status"].as_u64(),
            read["url"].as_str().map(|u| u.ends_with("/books/1"))
        ),
        (Some(200), Some(true)),
        "{read:#}"
    );
    let delete = steps.last().expect("delete");
    assert_eq!(delete["status"], 204, "{delete:#}");
    let read_only = smoke(&["--read-only"]);
    assert!(
        read_only.iter().all(|s| s["method"] == "GET"),
        "{read_only:#?}"
    );
    assert_eq!(read_only.len(), 7);
}

#[test]
fn a_time_budget_reaches_every_operation_before_going_deep() {
    let (service, spec) = library();
    let (code, out, err) = fuzz(&[
        &spec,
        "--base-url",
        &service.base,
        "--seed",
        "5",
        "--max-examples",
        "1000000",
        "--time-budget",
        "5s",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{err}");
    let found = keys(&out);
    // Breadth first: the last operations and the stateful phase are reached within the budget
    // although the first operation alone could take all of it.
    for (check, operation) in [
        ("allow-on-405", "ping_ping_get"),
        ("use-after-delete", "read_book_books__book_id__get"),
        ("server-error", "list_books_books_get"),
    ] {
        assert!(
            found.iter().any(|(c, o, _)| c == check && o == operation),
            "{check} on {operation}: {found:#?}"
        );
    }
    // The budget bounds generation (shrinking gets a bounded number of sends after it); the
    // run may also end sooner, once random requests stop reaching anything new.
    let elapsed = out["stats"]["elapsed_ms"].as_u64().expect("elapsed");
    let shrinking = out["stats"]["shrink_ms"].as_u64().expect("shrink_ms");
    assert!(
        elapsed - shrinking < 6_000,
        "{elapsed} ms, {shrinking} ms of it shrinking"
    );
    assert!(elapsed < 60_000, "{elapsed} ms");
}
