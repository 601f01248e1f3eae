//! `vouch diff` on hand-written spec pairs: `tests/diff/pairs/<case>/{old,new}.yaml`, one case
//! per rule (in each direction where the level differs) and cases that must show no change,
//! each with the exact changes and summary it must give (`expected.json`). A case is named
//! for the rule it shows (`<rule id>[-variant]`) or starts with `no-change-` and expects none.
//!
//! `VOUCH_UPDATE_DIFF_PAIRS=1` rewrites every `expected.json` from what the binary prints:
//! for maintenance after a deliberate change, reviewed case by case before it is committed.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::util::vouch;

fn pairs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/diff/pairs")
}

fn case_dir(name: &str) -> PathBuf {
    pairs_dir().join(name)
}

/// Every case folder, by name.
fn cases() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(pairs_dir())
        .expect("tests/diff/pairs")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `vouch diff old.yaml new.yaml` of a case, with `args`: (exit code, stdout, stderr).
fn diff(name: &str, args: &[&str]) -> (i32, String, String) {
    let dir = case_dir(name);
    let out = vouch()
        .arg("diff")
        .arg(dir.join("old.yaml"))
        .arg(dir.join("new.yaml"))
        .args(args)
        .output()
        .expect("run vouch diff");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The changes and summary `vouch diff --format json --fail-on none` gives for a case.
fn actual(name: &str) -> Result<Value, String> {
    let (code, stdout, stderr) = diff(name, &["--format", "json", "--fail-on", "none"]);
    if code != 0 {
        return Err(format!("exit {code}: {stderr}"));
    }
    let v: Value =
        serde_json::from_str(&stdout).map_err(|e| format!("not JSON ({e}): {stdout}"))?;
    Ok(json!({"changes": v["changes"], "summary": v["summary"]}))
}

/// Runs every case, several at a time.
fn run_all(names: &[String]) -> Vec<Result<Value, String>> {
    let threads = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));
    let chunk = names.len().div_ceil(threads).max(1);
    std::thread::scope(|s| {
        let handles: Vec<_> = names
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(|n| actual(n)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("case thread"))
            .collect()
    })
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| "-".to_string(), str::to_string)
}

/// A change on one line.
fn line(c: &Value) -> String {
    format!(
        "{} [{}] {} {} ({}) old={} new={}: {}",
        text(&c["id"]),
        text(&c["level"]),
        text(&c["method"]),
        text(&c["path"]),
        text(&c["operation"]),
        text(&c["old"]),
        text(&c["new"]),
        text(&c["message"])
    )
}

/// What differs between an expected change and the actual one taken for it.
fn fields(e: &Value, a: &Value) -> String {
    let keys = [
        "id",
        "level",
        "method",
        "path",
        "operation",
        "old",
        "new",
        "message",
    ];
    keys.iter()
        .filter(|k| e[**k] != a[**k])
        .map(|k| format!("\n      {k}: expected {}, got {}", e[*k], a[*k]))
        .collect()
}

/// The changes of `expected` and `actual` that differ, readably; empty when they are equal.
fn mismatch(expected: &Value, actual: &Value) -> String {
    let empty = Vec::new();
    let exp = expected["changes"].as_array().unwrap_or(&empty);
    let mut rest: Vec<&Value> = actual["changes"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .collect();
    let mut missing = Vec::new();
    for e in exp {
        match rest.iter().position(|a| *a == e) {
            Some(i) => {
                rest.remove(i);
            }
            None => missing.push(e),
        }
    }
    let mut out = String::new();
    for e in missing {
        // The actual change with the same rule in the same operation, when there is one.
        let twin = rest
            .iter()
            .position(|a| ["id", "method", "path"].iter().all(|k| a[*k] == e[*k]));
        match twin {
            Some(i) => {
                let a = rest.remove(i);
                out += &format!("\n    differs:    {}{}", line(e), fields(e, a));
            }
            None => out += &format!("\n    missing:    {}", line(e)),
        }
    }
    for a in rest {
        out += &format!("\n    unexpected: {}", line(a));
    }
    if out.is_empty() && expected["changes"] != actual["changes"] {
        out += "\n    the same changes in another order:";
        out += &format!("\n      expected: {}", expected["changes"]);
        out += &format!("\n      actual:   {}", actual["changes"]);
    }
    if expected["summary"] != actual["summary"] {
        out += &format!(
            "\n    summary: expected {}, got {}",
            expected["summary"], actual["summary"]
        );
    }
    out
}

/// The case's own consistency: its summary counts its changes, and its name says what it shows.
fn corpus_problem(name: &str, expected: &Value) -> Option<String> {
    let changes = expected["changes"].as_array()?;
    let count = |level: &str| changes.iter().filter(|c| c["level"] == level).count();
    let summary =
        json!({"breaking": count("breaking"), "warning": count("warning"), "info": count("info")});
    if expected["summary"] != summary {
        return Some(format!("its summary should be {summary}"));
    }
    let named = if name.starts_with("no-change-") {
        changes.is_empty()
    } else {
        changes.iter().any(|c| {
            let id = text(&c["id"]);
            name == id || name.starts_with(&format!("{id}-"))
        })
    };
    (!named).then(|| "it is named for no rule it expects (nor `no-change-` with none)".into())
}

fn read_expected(name: &str) -> Value {
    let path = case_dir(name).join("expected.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn write_expected(name: &str, actual: &Value) {
    let text = serde_json::to_string_pretty(actual).expect("json") + "\n";
    std::fs::write(case_dir(name).join("expected.json"), text).expect("write expected.json");
}

#[test]
fn every_pair_gives_exactly_its_expected_changes() {
    let names = cases();
    assert!(!names.is_empty(), "no case in {}", pairs_dir().display());
    let results = run_all(&names);
    let update = std::env::var_os("VOUCH_UPDATE_DIFF_PAIRS").is_some_and(|v| v == "1");
    let mut failures = Vec::new();
    for (name, result) in names.iter().zip(results) {
        let actual = match result {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("case `{name}`: vouch diff failed: {e}"));
                continue;
            }
        };
        if update {
            write_expected(name, &actual);
            continue;
        }
        let expected = read_expected(name);
        if let Some(problem) = corpus_problem(name, &expected) {
            failures.push(format!("case `{name}`: expected.json is wrong: {problem}"));
        }
        let diff = mismatch(&expected, &actual);
        if !diff.is_empty() {
            failures.push(format!("case `{name}`:{diff}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} diff pairs fail (tests/diff/pairs/<case>):\n\n{}\n",
        failures.len(),
        names.len(),
        failures.join("\n\n")
    );
}

#[test]
fn fail_on_sets_the_exit_code() {
    let code = |name: &str, args: &[&str]| {
        let (code, _, stderr) = diff(name, args);
        assert!(
            code == 0 || code == 1,
            "{name} {args:?}: exit {code}: {stderr}"
        );
        code
    };
    // endpoint-removed: breaking; request-parameter-removed: a warning only; endpoint-added: info.
    assert_eq!(
        code("endpoint-removed", &[]),
        1,
        "breaking fails by default"
    );
    assert_eq!(code("endpoint-removed", &["--fail-on", "breaking"]), 1);
    assert_eq!(code("endpoint-removed", &["--fail-on", "none"]), 0);
    assert_eq!(code("endpoint-added", &["--fail-on", "breaking"]), 0);
    assert_eq!(code("endpoint-added", &["--fail-on", "warning"]), 0);
    assert_eq!(
        code("request-parameter-removed", &["--fail-on", "breaking"]),
        0
    );
    assert_eq!(
        code("request-parameter-removed", &["--fail-on", "warning"]),
        1
    );
    assert_eq!(code("endpoint-removed", &["--fail-on", "warning"]), 1);
    assert_eq!(code("no-change-key-order", &["--fail-on", "warning"]), 0);
}

#[test]
fn an_unreadable_spec_exits_2() {
    let dir = tempfile::tempdir().expect("dir");
    let broken = dir.path().join("broken.yaml");
    std::fs::write(&broken, "openapi: [unclosed\n").expect("write");
    let new = case_dir("endpoint-added").join("new.yaml");
    for old in [broken, dir.path().join("missing.yaml")] {
        let out = vouch()
            .arg("diff")
            .arg(&old)
            .arg(&new)
            .output()
            .expect("run vouch diff");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", old.display());
        assert!(!stderr.trim().is_empty(), "{}: says nothing", old.display());
    }
}

#[test]
fn text_and_markdown_name_the_rule_and_every_operation_it_reaches() {
    // One property removed from a schema three operations return.
    let case = "response-property-removed-shared-schema";
    for format in ["text", "markdown"] {
        let (code, out, stderr) = diff(case, &["--format", format]);
        assert_eq!(code, 1, "{format}: {stderr}");
        for needle in [
            "response-property-removed",
            "GET /pets",
            "GET /pets/{id}",
            "DELETE /pets/{id}",
            "3 breaking",
            "tag`: removed",
        ] {
            assert!(out.contains(needle), "{format} lacks {needle:?}:\n{out}");
        }
    }
    let (_, md, _) = diff(case, &["--format", "markdown"]);
    assert!(md.contains("| `response-property-removed` |"), "{md}");
    let (_, text, _) = diff(case, &["--format", "text"]);
    assert!(
        text.contains("/components/schemas/Pet/properties/tag"),
        "{text}"
    );
    let (code, text, _) = diff("no-change-key-order", &["--format", "text"]);
    assert_eq!(code, 0);
    assert!(text.contains("no changes"), "{text}");
}
