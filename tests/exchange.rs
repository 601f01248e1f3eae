//! Sharing: every Postman v2.x and Insomnia v4/v5 file of the corpus imports with every
//! request, exports to a folder that round-trips byte for byte, credentials never reach an
//! export, and bad input is refused clearly without writing anything.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vouch::exchange::{self, secrets, Source};
use vouch::store::Store;

use crate::util::{corpus, vouch};

fn collections() -> PathBuf {
    corpus().join("collections")
}

fn files_under(dir: &Path, ext: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ext.contains(&e))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Requests a Postman v2.x document holds (items without sub-items).
fn postman_requests(items: &Value) -> usize {
    items
        .as_array()
        .map(|a| {
            a.iter()
                .map(|i| match i.get("item") {
                    Some(sub) => postman_requests(sub),
                    None => usize::from(i.get("request").is_some()),
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Every Postman v2.0/v2.1 collection of the corpus, with its request count.
fn postman_corpus() -> Vec<(PathBuf, usize)> {
    files_under(&collections().join("postman"), &["json"])
        .into_iter()
        .filter_map(|p| {
            let v: Value = serde_json::from_slice(&std::fs::read(&p).ok()?).ok()?;
            let schema = v.pointer("/info/schema").and_then(Value::as_str)?;
            (schema.contains("v2.0.0") || schema.contains("v2.1.0"))
                .then(|| (p, postman_requests(&v["item"])))
        })
        .collect()
}

fn folder_bytes(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).expect("inside").to_path_buf(),
                    std::fs::read(&p).expect("read"),
                );
            }
        }
    }
    out
}

/// Import → store → export → import → export: the two folders are byte-identical, and
/// nothing is written outside the target folder.
fn round_trip(bundle: &exchange::Bundle, what: &str) {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&tmp.path().join("a")).expect("store");
    let mut b = bundle.clone();
    secrets::lift(&mut b);
    exchange::into_store(&mut store, &b, false).unwrap_or_else(|e| panic!("{what}: {e}"));
    let first = tmp.path().join("out/first");
    let from_store = exchange::from_store(&store, &b.name).expect("read back");
    assert_eq!(from_store.requests.len(), bundle.requests.len(), "{what}");
    // Scripts kept as text may hold credentials of their own (Postman's examples do); the
    // scan refuses those, naming the file and line, and the test then forces the export.
    let force = match exchange::write_folder(&from_store, &first, false) {
        Ok(_) => false,
        Err(exchange::ExchangeError::Secrets { found }) => {
            assert!(
                found.iter().all(|f| f.contains(".yaml: line ")),
                "{what}: {found:?}"
            );
            exchange::write_folder(&from_store, &first, true)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            true
        }
        Err(e) => panic!("{what}: {e}"),
    };
    let again = exchange::read_folder(&first).unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut store2 = Store::open(&tmp.path().join("b")).expect("store");
    exchange::into_store(&mut store2, &again, false).unwrap_or_else(|e| panic!("{what}: {e}"));
    let second = tmp.path().join("out/second");
    exchange::write_folder(
        &exchange::from_store(&store2, &b.name).expect("read"),
        &second,
        force,
    )
    .unwrap_or_else(|e| panic!("{what}: {e}"));
    let (a, c) = (folder_bytes(&first), folder_bytes(&second));
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        c.keys().collect::<Vec<_>>(),
        "{what}"
    );
    for (k, v) in &a {
        assert!(v == &c[k], "{what}: {} differs", k.display());
    }
    // Nothing next to the target folders.
    let out: Vec<_> = std::fs::read_dir(tmp.path().join("out"))
        .expect("out")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(out.len(), 2, "{what}: {out:?}");
}

/// Postman's v2.1 JSON Schema as published in its schemas repository: a top file plus one
/// file per definition (`$id: "#/definitions/NAME"`, with `//` comment lines), assembled.
fn postman_schema() -> Value {
    let dir = collections().join("postman/json-schema-v2.1.0");
    let read = |p: &Path| -> Value {
        let text = std::fs::read_to_string(p).expect("schema file");
        let json: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let mut schema = read(&dir.join("collection.json"));
    let mut definitions = serde_json::Map::new();
    for p in files_under(&dir.join("collection"), &["json"]) {
        let mut d = read(&p);
        let id = d["$id"]
            .as_str()
            .expect("$id")
            .rsplit('/')
            .next()
            .expect("name")
            .to_string();
        let obj = d.as_object_mut().expect("object");
        obj.remove("$id");
        obj.remove("$schema");
        definitions.insert(id, d);
    }
    assert!(definitions.len() >= 20);
    schema["definitions"] = Value::Object(definitions);
    schema
}

#[test]
fn every_postman_v2_collection_imports_every_request_and_round_trips() {
    let files = postman_corpus();
    assert!(files.len() >= 40, "{} Postman v2 files", files.len());
    let schema = postman_schema();
    let postman_v21 = jsonschema::validator_for(&schema).expect("Postman's schema compiles");
    let mut total = 0;
    for (path, expected) in &files {
        let b = exchange::import_path(path, Source::Auto)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(b.requests.len(), *expected, "{}", path.display());
        // Postman out: valid against Postman's own v2.1 schema, with every request.
        let out = exchange::to_postman(&b);
        let errors: Vec<String> = postman_v21
            .iter_errors(&out)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .take(3)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        assert_eq!(
            postman_requests(&out["item"]),
            *expected,
            "{}",
            path.display()
        );
        total += expected;
        round_trip(&b, &path.display().to_string());
    }
    assert!(total > 200, "{total} requests");
}

#[test]
fn postman_v1_gets_a_clear_error() {
    let v1 = files_under(
        &collections().join("postman/transformer-examples-v1.0.0"),
        &["json"],
    );
    let mut refused = 0;
    for p in v1 {
        let v: Value = serde_json::from_slice(&std::fs::read(&p).expect("read")).expect("json");
        if v.get("requests").is_none() || v.get("order").is_none() {
            continue;
        }
        let e = exchange::import_path(&p, Source::Auto).expect_err("v1 refused");
        assert!(e.to_string().contains("Postman Collection v1"), "{e}");
        assert!(e.hint().contains("v2.1"), "{}", e.hint());
        refused += 1;
    }
    assert!(refused >= 5, "{refused}");
}

#[test]
fn every_insomnia_export_imports_every_request_and_round_trips() {
    let mut checked = 0;
    for p in files_under(&collections().join("insomnia"), &["json", "yaml"]) {
        let Ok(doc) = vouch::spec::parse_document(&std::fs::read(&p).expect("read"), "x") else {
            continue;
        };
        let expected = if doc.get("__export_format").and_then(Value::as_u64) == Some(4) {
            doc["resources"]
                .as_array()
                .map(|r| r.iter().filter(|r| r["_type"] == "request").count())
        } else if doc["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("collection.insomnia.rest/5"))
        {
            fn count(v: &Value) -> usize {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|i| {
                                if i.get("children").is_some() {
                                    count(&i["children"])
                                } else {
                                    usize::from(i.get("url").is_some())
                                }
                            })
                            .sum()
                    })
                    .unwrap_or(0)
            }
            Some(count(&doc["collection"]))
        } else {
            None
        };
        let Some(expected) = expected else { continue };
        let b = exchange::import_path(&p, Source::Auto)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(b.requests.len(), expected, "{}", p.display());
        round_trip(&b, &p.display().to_string());
        checked += 1;
    }
    assert!(checked >= 5, "{checked} Insomnia files");
}

#[test]
fn har_and_curl_import() {
    let mut checked = 0;
    for p in files_under(
        &collections().join("insomnia/importer-fixtures/har"),
        &["har", "json"],
    ) {
        let Ok(doc) = vouch::spec::parse_document(&std::fs::read(&p).expect("read"), "x") else {
            continue;
        };
        let Some(entries) = doc.pointer("/log/entries").and_then(Value::as_array) else {
            continue;
        };
        let b = exchange::import_path(&p, Source::Har)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(b.requests.len(), entries.len());
        checked += 1;
    }
    assert!(checked >= 1);
    let b = exchange::import_bytes(
        br#"curl -X POST 'https://api.example.com/v1/items?limit=2' -H "Content-Type: application/json" -H 'Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789' --data-raw '{"name": "it'\''s"}'"#,
        "cmd",
        Source::Auto,
    )
    .expect("curl");
    let r = &b.requests[0];
    assert_eq!(r.draft.method, "POST");
    assert_eq!(r.draft.base_url.as_deref(), Some("https://api.example.com"));
    assert_eq!(r.draft.path, "/v1/items");
    assert_eq!(r.draft.query, [("limit".to_string(), "2".to_string())]);
    assert!(
        matches!(&r.draft.body, Some(vouch::request::Body::Text { text, content_type }) if text == r#"{"name": "it's"}"# && content_type == "application/json")
    );
    let line = exchange::to_curl(r);
    let back = exchange::from_curl(&line).expect("own output reads back");
    assert_eq!(back.requests[0].draft, r.draft);
}

/// Secrets planted every way the issue lists; no export of any kind carries one.
#[test]
fn planted_secrets_never_reach_an_export() {
    let planted = [
        "ghp_R3alLookingT0kenABCDEFGHIJ0123456789",
        "sk_live_51HqLyjWDarjtT1zdp7dc",
        "Zx8fQ2mN7pL4vR9tK3wY6bH1cJ5dS0aE",
        "hunter2-basic-password",
        "apikey-VALUE-9f8e7d6c5b4a39281706",
        "env-secret-R9tK3wY6bH1cJ5dS0aEZx8f",
    ];
    let collection = serde_json::json!({
        "info": {"name": "Planted", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": planted[0]}]},
        "variable": [{"key": "stripe", "value": planted[1], "type": "secret"}, {"key": "baseUrl", "value": "https://api.example.com"}],
        "item": [
            {"name": "header", "request": {"method": "GET", "url": "{{baseUrl}}/a", "header": [{"key": "X-Api-Key", "value": planted[2]}]}},
            {"name": "basic", "request": {"method": "GET", "url": "{{baseUrl}}/b",
                "auth": {"type": "basic", "basic": [{"key": "username", "value": "alice"}, {"key": "password", "value": planted[3]}]}}},
            {"name": "query", "request": {"method": "GET", "url": format!("{{{{baseUrl}}}}/c?access_token={}&q=1", planted[4])}},
            {"name": "inherits", "request": {"method": "GET", "url": "{{baseUrl}}/d"}},
        ]
    });
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let file = dir.path().join("planted.json");
    std::fs::write(&file, collection.to_string()).expect("write");
    let env = dir.path().join("env.yaml");
    std::fs::write(
        &env,
        format!(
            "name: local\nvariables:\n  token:\n    value: {}\n    secret: true\n",
            planted[5]
        ),
    )
    .expect("write");
    let out = vouch()
        .args([
            "import",
            file.to_str().expect("utf-8"),
            "--format",
            "json",
            "--data-dir",
            data.to_str().expect("utf-8"),
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(
        printed,
        serde_json::json!({"collection": "Planted", "requests": 4})
    );
    // A secret environment of the user's own, saved in the store next to it.
    let mut store = Store::open(&data).expect("store");
    let c = store.collection("Planted").expect("imported");
    store
        .save_environment(
            Some(c.id),
            &vouch::request::Environment::from_file(&env).expect("env"),
        )
        .expect("save");
    drop(store);

    let folder = dir.path().join("folder");
    let postman = dir.path().join("postman.json");
    for args in [
        vec!["export", "Planted", "--to", folder.to_str().expect("utf-8")],
        vec![
            "export",
            "Planted",
            "--format",
            "postman",
            "--to",
            postman.to_str().expect("utf-8"),
        ],
    ] {
        let out = vouch()
            .args(&args)
            .args(["--data-dir", data.to_str().expect("utf-8")])
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut written: Vec<(String, String)> = folder_bytes(&folder)
        .into_iter()
        .map(|(p, b)| {
            (
                p.display().to_string(),
                String::from_utf8_lossy(&b).into_owned(),
            )
        })
        .collect();
    written.push((
        "postman.json".into(),
        std::fs::read_to_string(&postman).expect("read"),
    ));
    for req in ["header", "basic", "query", "inherits"] {
        let out = vouch()
            .args([
                "export",
                "Planted",
                "--format",
                "curl",
                "--request",
                req,
                "--data-dir",
                data.to_str().expect("utf-8"),
            ])
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        written.push((
            format!("curl {req}"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        ));
    }
    for (what, text) in &written {
        for s in planted {
            assert!(!text.contains(s), "{what} carries {s}:\n{text}");
        }
    }
    // Run it (the credentials are sent, from the secret variables) with every report and
    // debug logs: none of them carries a secret either.
    let reports = dir.path().join("reports");
    std::fs::create_dir_all(&reports).expect("mkdir");
    let out = vouch()
        .env("VOUCH_LOG", "debug")
        .args([
            "run",
            "Planted",
            "--env",
            "default",
            "--timeout",
            "5",
            "--data-dir",
            data.to_str().expect("utf-8"),
        ])
        .args([
            "--spec",
            &crate::util::Service::shop().url("/openapi.json"),
            "--base-url",
            &crate::util::Service::shop().base,
        ])
        .args([
            "--report",
            &format!("json:{}", reports.join("r.json").display()),
        ])
        .args([
            "--report",
            &format!("junit:{}", reports.join("r.xml").display()),
        ])
        .args([
            "--report",
            &format!("html:{}", reports.join("r.html").display()),
        ])
        .output()
        .expect("run");
    // Paths the spec does not declare: the calls are made, unchecked.
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    written.push((
        "run stdout".into(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ));
    written.push((
        "run stderr (debug log)".into(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ));
    for r in ["r.json", "r.xml", "r.html"] {
        written.push((
            r.into(),
            std::fs::read_to_string(reports.join(r)).expect("report"),
        ));
    }
    for (what, text) in &written {
        for s in planted {
            assert!(!text.contains(s), "{what} carries {s}:\n{text}");
        }
    }
    // The query credential was sent (the report shows where, masked).
    assert!(written
        .iter()
        .any(|(w, t)| w == "r.json" && t.contains("access_token=••••••")));

    // The credentials became secret variables referenced by name.
    let bundle = exchange::read_folder(&folder).expect("read");
    let inherits = bundle
        .requests
        .iter()
        .find(|r| r.name == "inherits")
        .expect("request");
    assert!(
        matches!(&inherits.draft.auth, Some(vouch::request::Auth::Bearer { token }) if token.starts_with("{{"))
    );
    let default_env =
        std::fs::read_to_string(folder.join("environments/default.yaml")).expect("env file");
    assert!(default_env.contains("secret: true"), "{default_env}");

    // A literal token typed into a body is caught by the scan and names where, not what.
    let mut store = Store::open(&data).expect("store");
    let mut reqs = store.requests(c.id).expect("requests");
    reqs[0].draft.body = Some(vouch::request::Body::Json(
        serde_json::json!({"note": planted[0]}),
    ));
    store.update_request(&reqs[0]).expect("update");
    drop(store);
    let refused = dir.path().join("refused");
    let out = vouch()
        .args([
            "export",
            "Planted",
            "--to",
            refused.to_str().expect("utf-8"),
            "--data-dir",
            data.to_str().expect("utf-8"),
        ])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing to export") && stderr.contains("a GitHub token"),
        "{stderr}"
    );
    assert!(!stderr.contains(planted[0]), "{stderr}");
    assert!(!refused.exists(), "nothing written");
}

#[test]
fn bad_input_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let import = |file: &Path| {
        vouch()
            .args([
                "import",
                file.to_str().expect("utf-8"),
                "--data-dir",
                data.to_str().expect("utf-8"),
            ])
            .output()
            .expect("run")
    };
    // Truncated JSON.
    let good = std::fs::read(collections().join("postman/schemas-examples-v2.1.0/httpbin.json"))
        .expect("corpus");
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &good[..good.len() / 2]).expect("write");
    let out = import(&truncated);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("truncated.json") && stderr.contains("hint:"),
        "{stderr}"
    );
    // Wrong format: an OpenAPI document is not a collection file.
    let out = import(
        &corpus()
            .join("vendor/petstore-expanded.yaml")
            .canonicalize()
            .unwrap_or_else(|_| truncated.clone()),
    );
    assert_eq!(out.status.code(), Some(2));
    // A 200 MB file is refused by size, not read.
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .expect("create")
        .set_len(200 * 1024 * 1024)
        .expect("sparse");
    let out = import(&big);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("over the"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // None of it reached the store.
    let store = Store::open(&data).expect("store");
    assert!(store.collections().expect("list").is_empty());
    drop(store);

    // A conflict is reported, --replace overwrites.
    let ok = collections().join("postman/schemas-examples-v2.1.0/httpbin.json");
    assert!(import(&ok).status.success());
    let out = import(&ok);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = vouch()
        .args([
            "import",
            ok.to_str().expect("utf-8"),
            "--replace",
            "--data-dir",
            data.to_str().expect("utf-8"),
        ])
        .output()
        .expect("run");
    assert!(out.status.success());
}

#[test]
fn hostile_names_stay_inside_the_target_folder() {
    let collection = serde_json::json!({
        "info": {"name": "../../escape", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [
            {"name": "../../etc/passwd", "request": {"method": "GET", "url": "https://example.com/a"}},
            {"name": "/etc/shadow", "request": {"method": "GET", "url": "https://example.com/b"}},
            {"name": "..", "item": [{"name": "C:\\Windows\\evil", "request": {"method": "GET", "url": "https://example.com/c"}}]},
            {"name": "collection", "request": {"method": "GET", "url": "https://example.com/d"}},
            {"name": "Collection", "request": {"method": "GET", "url": "https://example.com/e"}},
        ]
    });
    let b = exchange::import_bytes(collection.to_string().as_bytes(), "hostile", Source::Auto)
        .expect("import");
    let tmp = tempfile::tempdir().expect("tmp");
    let target = tmp.path().join("a/b/target");
    let files = exchange::write_folder(&b, &target, false).expect("write");
    for f in &files {
        assert!(f.starts_with(&target), "{}", f.display());
        assert!(!f
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir)));
    }
    let back = exchange::read_folder(&target).expect("read");
    let mut names: Vec<&str> = back.requests.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "../../etc/passwd",
            "/etc/shadow",
            "C:\\Windows\\evil",
            "Collection",
            "collection"
        ]
    );
    // Only the target folder exists under a/b.
    assert_eq!(
        std::fs::read_dir(tmp.path().join("a/b"))
            .expect("dir")
            .count(),
        1
    );
}

#[test]
fn an_exported_folder_runs_with_vouch_run() {
    use crate::util::Service;
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let spec_file = dir.path().join("shop.json");
    let spec = crate::util::runtime()
        .block_on(async {
            reqwest::get(Service::shop().url("/openapi.json"))
                .await?
                .bytes()
                .await
        })
        .expect("spec");
    std::fs::write(&spec_file, &spec).expect("write");
    let out = vouch()
        .args([
            "import",
            spec_file.to_str().expect("utf-8"),
            "--from",
            "openapi",
            "--name",
            "shop",
            "--data-dir",
            data.to_str().expect("utf-8"),
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let folder = dir.path().join("shop");
    let out = vouch()
        .args([
            "export",
            "shop",
            "--to",
            folder.to_str().expect("utf-8"),
            "--data-dir",
            data.to_str().expect("utf-8"),
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(folder.join("openapi.json").is_file());
    let report = dir.path().join("r.json");
    let out = vouch()
        .args([
            "run",
            folder.to_str().expect("utf-8"),
            "--base-url",
            &Service::shop().base,
            "--timeout",
            "3",
            "--data-dir",
            data.to_str().expect("utf-8"),
        ])
        .arg("--report")
        .arg(format!("json:{}", report.display()))
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(1),
        "drift endpoints fail: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    let ops = vouch::suite::smoke(
        &vouch::spec::Spec::from_bytes(&spec, None, &Default::default()).expect("spec"),
    )
    .len();
    assert_eq!(r["summary"]["total"], ops);
    assert!(
        r["summary"]["passed"].as_u64().unwrap_or(0) >= 8,
        "{}",
        r["summary"]
    );
}

/// The demo collection in `collections/shop` is what Vouch writes (a golden folder: import
/// and export give it back byte for byte), and its chained suite passes against the
/// reference service it was made for.
#[test]
fn the_demo_collection_is_stable_and_its_chain_passes() {
    use crate::util::Service;
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/shop");
    let bundle = exchange::read_folder(&demo).expect("demo reads");
    let tmp = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(tmp.path()).expect("store");
    exchange::into_store(&mut store, &bundle, false).expect("import");
    let out = tmp.path().join("out");
    exchange::write_folder(
        &exchange::from_store(&store, "shop").expect("read"),
        &out,
        false,
    )
    .expect("export");
    let (want, got) = (folder_bytes(&demo), folder_bytes(&out));
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>()
    );
    for (k, v) in &want {
        assert!(
            v == &got[k],
            "{} differs from what Vouch writes",
            k.display()
        );
    }
    let suite = demo.join("suites/chain.yaml");
    let out = vouch()
        .args([
            "run",
            suite.to_str().expect("utf-8"),
            "--env",
            "local",
            "--var",
        ])
        .arg(format!("baseUrl={}", Service::shop().base))
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 steps: 3 passed"), "{stdout}");
    // The same suite named from inside its folder.
    let out = vouch()
        .current_dir(&demo)
        .args(["run", "suites/chain.yaml", "--env", "local", "--var"])
        .arg(format!("baseUrl={}", Service::shop().base))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("3 steps: 3 passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn postman_environments_import_with_their_secrets() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("utf-8");
    let basic = collections().join("insomnia/importer-fixtures/postman-env/basic-input.json");
    let out = vouch()
        .args([
            "import",
            basic.to_str().expect("utf-8"),
            "--format",
            "json",
            "--data-dir",
            data,
        ])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("json");
    // `bar` is disabled in the file.
    assert_eq!(
        printed,
        serde_json::json!({"environment": "Production Env", "variables": 1, "secret": 0})
    );
    let file = dir.path().join("env.json");
    std::fs::write(
        &file,
        serde_json::json!({"name": "prod", "_postman_variable_scope": "environment", "values": [
            {"key": "host", "value": "api.example.com", "type": "default", "enabled": true},
            {"key": "apiToken", "value": "t0p-s3cret-value", "type": "secret", "enabled": true},
            {"key": "client_secret", "value": "plain-typed-but-named-secret", "type": "default", "enabled": true}
        ]})
        .to_string(),
    )
    .expect("write");
    let out = vouch()
        .args(["import", file.to_str().expect("utf-8"), "--data-dir", data])
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open(dir.path()).expect("store");
    let env = store.environment(None, "prod").expect("saved");
    let secret: Vec<&str> = env
        .variables
        .iter()
        .filter(|(_, v)| v.secret)
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(secret, ["apiToken", "client_secret"]);
    drop(store);
    // Again without --replace: refused, nothing changed.
    let out = vouch()
        .args(["import", file.to_str().expect("utf-8"), "--data-dir", data])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn broken_collection_folders_name_the_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let copy = tmp.path().join("shop");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/shop");
    for (rel, bytes) in folder_bytes(&demo) {
        let p = copy.join(&rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
    // A request file that is not YAML of a request.
    std::fs::write(copy.join("items/list-items.yaml"), "name: [unclosed\n").expect("write");
    let e = exchange::read_folder(&copy).expect_err("broken file");
    assert!(e.to_string().contains("list-items.yaml"), "{e}");
    // A YAML alias bomb.
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "{}: &{} [*{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}, *{}]\n",
            (b'a' + i) as char,
            (b'a' + i) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char,
            (b'a' + i - 1) as char
        ));
    }
    std::fs::write(copy.join("items/list-items.yaml"), bomb).expect("write");
    let e = exchange::read_folder(&copy).expect_err("bomb refused");
    assert!(e.to_string().contains("list-items.yaml"), "{e}");
    // A format from the future.
    std::fs::write(
        copy.join("items/list-items.yaml"),
        "name: ok\nseq: 0\nmethod: GET\npath: /items\n",
    )
    .expect("write");
    let head = std::fs::read_to_string(copy.join("collection.yaml")).expect("read");
    std::fs::write(
        copy.join("collection.yaml"),
        head.replace("version: 2", "version: 9"),
    )
    .expect("write");
    let e = exchange::read_folder(&copy).expect_err("newer format");
    assert!(e.to_string().contains("format version 9"), "{e}");
    // A spec path that leaves the folder.
    std::fs::write(
        copy.join("collection.yaml"),
        head.replace("spec: openapi.json", "spec: ../../etc/passwd"),
    )
    .expect("write");
    let e = exchange::read_folder(&copy).expect_err("outside");
    assert!(e.to_string().contains("inside the folder"), "{e}");
}
