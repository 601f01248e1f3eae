//! `vouch diff`, its impact on saved work and `vouch sync --spec` against a real FastAPI
//! service in two versions (tests/servers/catalog.py): v2 renames a field, adds a required
//! query parameter, removes an endpoint and adds an enum value to a response.

use std::path::Path;

use serde_json::{json, Value};

use crate::util::{vouch, Service};

/// Runs vouch with `args` in data directory `data`: (exit code, stdout, stderr).
fn run(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = vouch()
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .output()
        .expect("run vouch");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_of(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The change with this rule on `METHOD path`.
fn change<'a>(d: &'a Value, id: &str, method: &str, path: &str) -> &'a Value {
    d["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .find(|c| c["id"] == id && c["method"] == method && c["path"] == path)
        .unwrap_or_else(|| panic!("no {id} on {method} {path} in {d:#}"))
}

/// The saved request of collection `id` that calls `operation`.
fn saved(store: &vouch::store::Store, id: i64, operation: &str) -> vouch::store::SavedRequest {
    store
        .requests(id)
        .expect("requests")
        .into_iter()
        .find(|r| r.operation_id.as_deref() == Some(operation))
        .unwrap_or_else(|| panic!("no request for {operation}"))
}

/// Both versions, and v1's spec saved to a file (the collection is imported from it).
/// Imports the OpenAPI document at `spec` into the store at `data` as collection `name`.
fn import(data: &Path, spec: &str, name: &str) {
    let (code, _, err) = run(data, &["import", spec, "--from", "openapi", "--name", name]);
    assert_eq!(code, 0, "{err}");
}

fn services(dir: &Path) -> (Service, Service, String) {
    let (v1, v2) = (
        Service::own("catalog:app_v1"),
        Service::own("catalog:app_v2"),
    );
    let url = v1.url("/openapi.json");
    let spec = crate::util::runtime()
        .block_on(async { reqwest::get(&url).await?.text().await })
        .expect("v1's spec");
    let file = dir.join("catalog-v1.json");
    std::fs::write(&file, spec).expect("write");
    (v1, v2, file.display().to_string())
}

#[test]
fn diff_names_each_change_of_the_new_version_and_fails_on_breaking() {
    let dir = tempfile::tempdir().expect("dir");
    let (v1, v2, _) = services(dir.path());
    let (old, new) = (v1.url("/openapi.json"), v2.url("/openapi.json"));
    let (code, out, err) = run(dir.path(), &["diff", &old, &new, "--format", "json"]);
    assert_eq!(code, 1, "breaking changes: exit 1\n{err}");
    let d = json_of(&out);
    // The renamed field: gone from responses (every operation returning a product, with the
    // shared schema's pointer), required in the request body.
    for (method, path) in [
        ("GET", "/products"),
        ("GET", "/products/{product_id}"),
        ("GET", "/search"),
    ] {
        let c = change(&d, "response-property-removed", method, path);
        assert_eq!(c["level"], "breaking");
        assert_eq!(c["old"], "/components/schemas/ProductV1/properties/name");
        assert_eq!(c["new"], Value::Null);
    }
    let c = change(&d, "request-property-required-added", "POST", "/products");
    assert_eq!(c["new"], "/components/schemas/ProductInV2/properties/title");
    assert_eq!(
        change(&d, "request-property-removed", "POST", "/products")["level"],
        "warning"
    );
    // The new required query parameter, the removed endpoint, the new enum value.
    let c = change(&d, "request-parameter-required-added", "GET", "/search");
    assert!(
        c["message"]
            .as_str()
            .expect("message")
            .contains("`category`"),
        "{c}"
    );
    let c = change(
        &d,
        "endpoint-removed",
        "GET",
        "/products/{product_id}/reviews",
    );
    assert_eq!(
        (c["old"].as_str(), &c["new"]),
        (
            Some("/paths/~1products~1{product_id}~1reviews/get"),
            &Value::Null
        )
    );
    let c = change(
        &d,
        "response-property-enum-value-added",
        "GET",
        "/products/{product_id}",
    );
    assert!(
        c["message"]
            .as_str()
            .expect("message")
            .contains("\"draft\""),
        "{c}"
    );
    let s = &d["summary"];
    let count = |level: &str| {
        d["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .filter(|c| c["level"] == level)
            .count()
    };
    assert_eq!(s["breaking"], count("breaking"));
    assert_eq!(s["info"], count("info"));
    // --fail-on none: the same list, exit 0; the reverse direction breaks other things.
    let (code, _, _) = run(dir.path(), &["diff", &old, &new, "--fail-on", "none"]);
    assert_eq!(code, 0);
    let (code, text, _) = run(dir.path(), &["diff", &old, &new, "--format", "markdown"]);
    assert_eq!(code, 1);
    assert!(
        text.contains("| `endpoint-removed` |") && text.contains("`GET /search`"),
        "{text}"
    );
}

#[test]
fn impact_and_resync_keep_the_users_edits_and_make_the_collection_pass_against_v2() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let (_v1, v2, v1_file) = services(dir.path());
    import(&data, &v1_file, "catalog");
    // The user's edits: a body value and two assertions of their own.
    let mut store = vouch::store::Store::open(&data).expect("store");
    let c = store.collection("catalog").expect("collection");
    let mut create = saved(&store, c.id, "create_product");
    let Some(vouch::request::Body::Json(body)) = &mut create.draft.body else {
        panic!("a JSON body: {:?}", create.draft.body)
    };
    body["price"] = json!(25.5);
    create.assertions =
        json!([{"on": "status", "equals": 201}, {"on": "json", "path": "$.price", "equals": 25.5}]);
    store.update_request(&create).expect("update");
    let mut get = saved(&store, c.id, "get_product");
    get.assertions = json!([{"on": "json", "path": "$.name", "exists": true}]);
    store.update_request(&get).expect("update");
    drop(store);

    // Against v2 as it is, the collection fails.
    let base = v2.base.clone();
    let (code, _, _) = run(&data, &["run", "catalog", "--base-url", &base]);
    assert_eq!(code, 1, "the v1 collection fails against v2");

    // The impact names each broken request and assertion.
    let new = v2.url("/openapi.json");
    let (code, out, err) = run(
        &data,
        &["diff", "--collection", "catalog", &new, "--format", "json"],
    );
    assert_eq!(code, 1, "{err}");
    let impact = json_of(&out)["impact"].clone();
    let broken = |request: &str, part: &str, change: &str| {
        impact.as_array().expect("impact").iter().any(|i| {
            i["reach"] == "breaks"
                && i["request"].as_str().is_some_and(|r| r.contains(request))
                && i["part"] == part
                && i["change"] == change
        })
    };
    assert!(
        broken("Search", "request", "request-parameter-required-added"),
        "{impact:#}"
    );
    assert!(
        broken(
            "Create Product",
            "request",
            "request-property-required-added"
        ),
        "{impact:#}"
    );
    assert!(
        broken("List Reviews", "request", "endpoint-removed"),
        "{impact:#}"
    );
    assert!(
        broken("Get Product", "assertion", "response-property-removed"),
        "{impact:#}"
    );

    // A dry re-sync changes nothing; the re-sync keeps the edits and takes the spec's changes.
    let (code, out, _) = run(&data, &["sync", "catalog", "--spec", &new, "--dry-run"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("would re-sync"), "{out}");
    let (code, out, err) = run(&data, &["sync", "catalog", "--spec", &new]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("your edits kept: Create Product V1: body.price"),
        "{out}"
    );
    assert!(
        out.contains("updated from the spec: Search V1: query.category"),
        "{out}"
    );
    let store = vouch::store::Store::open(&data).expect("store");
    let requests = store.requests(c.id).expect("requests");
    let create = requests
        .iter()
        .find(|r| r.operation_id.as_deref() == Some("create_product"))
        .expect("create");
    let Some(vouch::request::Body::Json(body)) = &create.draft.body else {
        panic!("body")
    };
    assert_eq!(body["price"], json!(25.5), "the user's value stays");
    assert!(
        body.get("title").is_some() && body.get("name").is_none(),
        "{body}"
    );
    assert_eq!(
        create.assertions[1]["path"], "$.price",
        "the user's assertion stays"
    );
    let search = requests
        .iter()
        .find(|r| r.operation_id.as_deref() == Some("search"))
        .expect("search");
    assert!(
        search.draft.params.iter().any(|p| p.name == "category"),
        "{:?}",
        search.draft.params
    );
    let folders = store.folders(c.id).expect("folders");
    let reviews = requests
        .iter()
        .find(|r| r.operation_id.as_deref() == Some("list_reviews"))
        .expect("kept, not deleted");
    let folder = folders
        .iter()
        .find(|f| Some(f.id) == reviews.folder_id)
        .expect("in a folder");
    assert_eq!(folder.name, vouch::diff::REMOVED_FOLDER);
    drop(store);
    // The stored spec is v2 now: nothing left to re-sync.
    let (_, out, _) = run(&data, &["diff", "catalog", &new, "--format", "json"]);
    assert_eq!(json_of(&out)["changes"], json!([]), "{out}");
    // The get_product assertion reads `name`, which v2 does not have: the user's to fix.
    let mut store = vouch::store::Store::open(&data).expect("store");
    let mut get = saved(&store, c.id, "get_product");
    get.assertions = json!([{"on": "json", "path": "$.title", "exists": true}]);
    store.update_request(&get).expect("update");
    drop(store);
    let (code, out, err) = run(&data, &["run", "catalog", "--base-url", &base]);
    assert_eq!(
        code, 0,
        "the re-synced collection passes against v2\n{out}{err}"
    );
}

#[test]
fn the_apps_spec_changes_view_and_resync_are_the_same_engine() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let (_v1, v2, v1_file) = services(dir.path());
    import(&data, &v1_file, "catalog");
    let wb = vouch::workbench::Workbench::new(Some(data.clone()));
    let rt = crate::util::runtime();
    rt.block_on(wb.open(&v2.url("/openapi.json")))
        .expect("open v2");
    let view = rt
        .block_on(wb.spec_changes("catalog"))
        .expect("spec changes");
    // What the CLI lists, in the app: the same changes, the same impact, the plan.
    let (_, out, _) = run(
        &data,
        &[
            "diff",
            "--collection",
            "catalog",
            &v2.url("/openapi.json"),
            "--format",
            "json",
        ],
    );
    let cli = json_of(&out);
    assert_eq!(
        view.total as usize,
        cli["changes"].as_array().expect("changes").len()
    );
    assert_eq!(
        serde_json::to_value(&view.summary).expect("json"),
        cli["summary"]
    );
    assert_eq!(
        serde_json::to_value(&view.impact).expect("json"),
        cli["impact"]
    );
    assert_eq!(
        view.changes[0].level,
        vouch::diff::Level::Breaking,
        "breaking first"
    );
    assert_eq!(
        view.plan
            .updated
            .iter()
            .find(|(n, _)| n.starts_with("Search"))
            .map(|(_, f)| f.clone()),
        Some(vec!["query.category".to_string()])
    );
    assert!(!view.plan.applied, "the view only plans");
    let done = rt
        .block_on(wb.resync("catalog", None, None))
        .expect("resync");
    assert!(done.applied && done.conflicts.is_empty(), "{done:?}");
    let again = rt
        .block_on(wb.spec_changes("catalog"))
        .expect("spec changes");
    assert_eq!(again.total, 0, "re-synced: nothing left");
}

#[test]
fn a_spec_file_changed_on_disk_tells_the_collections_made_from_it() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let (_v1, v2, v1_file) = services(dir.path());
    import(&data, &v1_file, "catalog");
    let wb = vouch::workbench::Workbench::new(Some(data.clone()));
    let rt = crate::util::runtime();
    // Opened as it was imported: the kept copy is the file, nothing to tell.
    rt.block_on(wb.open(&v1_file)).expect("open v1");
    let linked = rt.block_on(wb.linked_changes()).expect("linked");
    assert!(linked.is_empty(), "{linked:?}");
    // The service moved on and its spec was saved over the file: the reload tells.
    let v2_spec = rt
        .block_on(async { reqwest::get(&v2.url("/openapi.json")).await?.text().await })
        .expect("v2's spec");
    std::fs::write(&v1_file, v2_spec).expect("write");
    rt.block_on(wb.open(&v1_file)).expect("reload");
    let linked = rt.block_on(wb.linked_changes()).expect("linked");
    let view = rt
        .block_on(wb.spec_changes("catalog"))
        .expect("spec changes");
    assert_eq!(linked.len(), 1, "{linked:?}");
    let l = &linked[0];
    assert_eq!(l.collection, "catalog");
    assert_eq!(
        serde_json::to_value(&l.summary).expect("json"),
        serde_json::to_value(&view.summary).expect("json")
    );
    assert!(l.summary.breaking > 0, "{l:?}");
    // Each saved request's part once, however many changes reach it.
    let distinct: std::collections::BTreeSet<(&str, &str)> = view
        .impact
        .iter()
        .map(|i| (i.request.as_str(), i.part.as_str()))
        .collect();
    assert_eq!(l.reached as usize, distinct.len());
    assert!(
        distinct.len() < view.impact.len(),
        "a part two changes reach counts once"
    );
    assert!(l.breaks > 0 && l.breaks <= l.reached, "{l:?}");
    // Re-synced: the kept copy is the file again, nothing left to tell.
    let done = rt
        .block_on(wb.resync("catalog", None, None))
        .expect("resync");
    assert!(done.applied, "{done:?}");
    let linked = rt.block_on(wb.linked_changes()).expect("linked");
    assert!(linked.is_empty(), "after the re-sync: {linked:?}");
}

/// A spec with one search operation whose query defaults are `limit` and `sort`.
fn search_spec(limit: u32, sort: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: Search, version: "1"}}
paths:
  /search:
    get:
      operationId: search
      summary: Search
      parameters:
        - {{name: limit, in: query, required: true, schema: {{type: integer, default: {limit}}}}}
        - {{name: sort, in: query, required: true, schema: {{type: string, default: {sort}}}}}
      responses: {{"200": {{description: ok}}}}
"#
    )
}

#[test]
fn conflicts_are_picked_one_by_one() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let file = dir.path().join("search.yaml");
    std::fs::write(&file, search_spec(10, "asc")).expect("write");
    let file = file.display().to_string();
    import(&data, &file, "search");
    // The user set both values; the spec then changed both defaults.
    let mut store = vouch::store::Store::open(&data).expect("store");
    let c = store.collection("search").expect("collection");
    let mut search = saved(&store, c.id, "search");
    for p in &mut search.draft.params {
        p.value = if p.name == "limit" {
            json!(50)
        } else {
            json!("name")
        };
    }
    store.update_request(&search).expect("update");
    drop(store);
    std::fs::write(&file, search_spec(20, "desc")).expect("write");
    let wb = vouch::workbench::Workbench::new(Some(data.clone()));
    let rt = crate::util::runtime();
    rt.block_on(wb.open(&file)).expect("open");
    let view = rt.block_on(wb.spec_changes("search")).expect("changes");
    let fields: Vec<&str> = view
        .plan
        .conflicts
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    assert_eq!(fields, ["query.limit", "query.sort"], "{:?}", view.plan);
    let c = &view.plan.conflicts[0];
    assert_eq!(
        (&c.base, &c.ours, &c.theirs),
        (&json!(10), &json!(50), &json!(20))
    );
    // Unpicked, a re-sync with conflicts writes nothing.
    let none = rt
        .block_on(wb.resync("search", None, None))
        .expect("resync");
    assert!(!none.applied, "{none:?}");
    // The spec's sort, the user's limit.
    let sort = view
        .plan
        .conflicts
        .iter()
        .find(|c| c.field == "query.sort")
        .expect("sort");
    let picked = vec![vouch::diff::Pick {
        request_id: sort.request_id,
        field: "query.sort".to_string(),
    }];
    let done = rt
        .block_on(wb.resync("search", None, Some(picked)))
        .expect("resync");
    assert!(done.applied, "{done:?}");
    let store = vouch::store::Store::open(&data).expect("store");
    let c = store.collection("search").expect("collection");
    let search = saved(&store, c.id, "search");
    let value = |name: &str| {
        search
            .draft
            .params
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.clone())
    };
    assert_eq!(value("limit"), Some(json!(50)), "kept mine");
    assert_eq!(value("sort"), Some(json!("desc")), "took the spec's");
}

#[test]
fn impact_follows_an_operation_whose_base_path_moved_into_its_path() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let spec = |server: &str, path: &str, required: bool| {
        format!(
            r#"openapi: 3.0.3
info: {{title: Channels, version: "1"}}
servers: [{{url: "https://api.example.com{server}"}}]
paths:
  {path}:
    get:
      operationId: get_channel
      parameters:
        - {{name: id, in: path, required: true, schema: {{type: string}}}}
        - {{name: fields, in: query, required: {required}, schema: {{type: string}}}}
      responses: {{"200": {{description: ok}}}}
"#
        )
    };
    let (old, new) = (dir.path().join("old.yaml"), dir.path().join("new.yaml"));
    std::fs::write(&old, spec("/v2/public", "/channels/{id}", false)).expect("write");
    std::fs::write(&new, spec("", "/v2/public/channels/{id}", true)).expect("write");
    let old = old.display().to_string();
    let new = new.display().to_string();
    import(&data, &old, "channels");
    let (code, out, err) = run(
        &data,
        &["diff", "--collection", "channels", &new, "--format", "json"],
    );
    assert_eq!(code, 1, "a parameter became required: breaking\n{err}");
    let d = json_of(&out);
    assert_eq!(
        d["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| c["id"].as_str().unwrap_or_default())
            .collect::<Vec<_>>(),
        ["request-parameter-became-required"],
        "the same operation, not one removed and one added: {out}"
    );
    let impact = d["impact"].as_array().expect("impact");
    assert!(
        impact
            .iter()
            .any(|i| i["reach"] == "breaks" && i["change"] == "request-parameter-became-required"),
        "the saved request made from the old path is reached: {out}"
    );
}

#[test]
fn a_request_whose_operation_returns_leaves_removed_from_spec() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path().join("data");
    let (_v1, v2, v1_file) = services(dir.path());
    import(&data, &v1_file, "catalog");
    let store = vouch::store::Store::open(&data).expect("store");
    let c = store.collection("catalog").expect("collection");
    let before = saved(&store, c.id, "list_reviews").folder_id;
    drop(store);
    // v2 drops the reviews: the request is moved aside; v1 brings them back.
    let (code, out, err) = run(
        &data,
        &["sync", "catalog", "--spec", &v2.url("/openapi.json")],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = run(&data, &["sync", "catalog", "--spec", &v1_file]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("back from \"Removed from spec\": List Reviews"),
        "{out}"
    );
    let store = vouch::store::Store::open(&data).expect("store");
    assert_eq!(
        saved(&store, c.id, "list_reviews").folder_id,
        before,
        "back in the folder its operation goes in"
    );
}
