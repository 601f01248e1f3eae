//! The app's engine side (every desktop command is one of these calls), against the FastAPI
//! reference service over real HTTP: open, explore, fill, send, see a drift, read the body in
//! pages, save, run, export; and a collection folder opened at start.

use serde_json::json;
use vouch::store::StepOutcome;
use vouch::workbench::Workbench;

use crate::util::{runtime, Service};

#[test]
fn open_fill_send_save_run_export() {
    let rt = runtime();
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    assert_eq!(wb.operations().expect_err("nothing open").kind(), "no-spec");

    let summary = rt
        .block_on(wb.open(&Service::shop().url("/openapi.json")))
        .expect("open");
    assert_eq!(summary.operations, wb.operations().expect("rows").len());
    assert!(summary.collection.is_none());

    // The form of POST /items: body schema self-contained, read-only id left out, prefilled.
    let rows = wb.operations().expect("rows");
    let create = rows
        .iter()
        .find(|r| r.method == "POST" && r.path == "/items")
        .expect("op");
    let form = wb.form(&create.id).expect("form");
    let body = form.body.as_ref().expect("body");
    assert_eq!(body.media_type, "application/json");
    assert!(
        body.schema.to_string().find("$ref").is_none(),
        "{}",
        body.schema
    );
    assert_eq!(body.schema["required"], json!(["name", "price"]));
    // FastAPI's `anyOf: [string, null]` became a plain string field.
    assert_eq!(body.schema["properties"]["description"]["type"], "string");
    assert!(matches!(
        form.draft.body,
        Some(vouch::request::Body::Json(_))
    ));

    // The raw editor's lint: JSON syntax with its place, then the contract's findings.
    let lint = wb.lint_body(&form.id, r#"{"name": 3}"#).expect("lint");
    let places: Vec<&str> = lint.iter().map(|f| f.location.as_str()).collect();
    assert_eq!(places, ["/name", "/price"], "{lint:?}");
    let lint = wb.lint_body(&form.id, "{\"name\": ").expect("lint");
    assert!(lint[0].message.contains("line 1"), "{lint:?}");
    assert!(wb
        .lint_body(&form.id, r#"{"name": "a", "price": 1}"#)
        .expect("lint")
        .is_empty());

    // Send the honest create, then a drift: the finding says where.
    let mut draft = form.draft.clone();
    draft.body = Some(vouch::request::Body::Json(
        json!({"name": "lamp", "price": 3}),
    ));
    let view = rt
        .block_on(wb.send(Some(form.id.clone()), draft.clone(), None))
        .expect("send");
    assert_eq!(view.status, Some(201));
    assert_eq!(view.outcome, StepOutcome::Passed, "{:?}", view.findings);
    let drift = rows
        .iter()
        .find(|r| r.path == "/drift/price-string")
        .expect("op");
    let drift_form = wb.form(&drift.id).expect("form");
    let view = rt
        .block_on(wb.send(Some(drift.id.clone()), drift_form.draft.clone(), None))
        .expect("send");
    assert_eq!(view.outcome, StepOutcome::Failed);
    assert_eq!(view.findings[0].location, "/price");

    // The body never crossed: it is read back in pages (raw bytes for the app; text pages
    // cut at UTF-8 boundaries for other callers).
    let id = view.body_id.expect("kept");
    let mut raw = Vec::new();
    loop {
        let page = wb.body_slice(id, raw.len() as u32, 5).expect("page");
        raw.extend_from_slice(&page);
        if page.len() < 5 {
            break;
        }
    }
    assert_eq!(raw.len() as u32, view.size.expect("size"));
    let id = view.body_id.expect("kept");
    let total = view.size.expect("size");
    let mut text = String::new();
    let mut offset = 0;
    while offset < total {
        let page = wb.body(id, offset, 7).expect("page");
        assert_eq!(page.next, page.offset + page.text.len() as u32);
        offset = page.next;
        text.push_str(&page.text);
    }
    let body: serde_json::Value = serde_json::from_str(&text).expect("whole JSON body");
    assert_eq!(body["price"], "9.99");

    // Save both, run the collection, export it.
    wb.save("app", "create", Some(form.id.clone()), draft)
        .expect("save");
    wb.save("app", "drift", Some(drift.id.clone()), drift_form.draft)
        .expect("save");
    let cols = wb.collections().expect("collections");
    assert_eq!(cols[0].name, "app");
    assert_eq!(cols[0].requests, ["create", "drift"]);
    let mut events = Vec::new();
    let run = rt
        .block_on(wb.run("app", None, |e| events.push(e.clone())))
        .expect("run");
    assert_eq!((run.summary.passed, run.summary.failed), (1, 1));
    assert!(
        run.steps[1].reasons.iter().any(|r| r.contains("/price")),
        "{:?}",
        run.steps
    );
    assert_eq!(
        events.len(),
        2 + 2 * 2,
        "started, 2 × (step started, finished), finished"
    );
    // A suite composed from saved requests; runs of it chart their times.
    wb.create_suite("app", "just drift", &["drift".to_string()])
        .expect("suite");
    assert_eq!(wb.collections().expect("cols")[0].suites, ["just drift"]);
    for _ in 0..2 {
        let run = rt
            .block_on(wb.run("app/just drift", None, |_| {}))
            .expect("run");
        assert_eq!(run.summary.failed, 1);
    }
    let points = wb.runs("app/just drift", 10).expect("runs");
    assert_eq!(points.len(), 2);
    assert!(
        points[0].id < points[1].id
            && points
                .iter()
                .all(|p| p.times.len() == 1 && p.times[0].is_some())
    );
    assert_eq!(wb.runs("app", 10).expect("runs").len(), 1);
    assert!(wb
        .create_suite("app", "bad", &["nope".to_string()])
        .is_err());
    let out = data.path().join("export");
    assert!(wb.export("app", &out, false).expect("export") >= 3);
    let postman = data.path().join("app.postman.json");
    assert_eq!(wb.export("app", &postman, true).expect("postman"), 1);
    assert!(std::fs::read_to_string(&postman)
        .expect("read")
        .contains("v2.1.0"));
    let history = wb.history(10).expect("history");
    assert_eq!(
        (history.len(), history[0].findings, history[0].status),
        (2, 1, Some(200))
    );
    let curl = wb
        .curl(
            Some(create.id.clone()),
            wb.form(&create.id).expect("form").draft,
            None,
        )
        .expect("curl");
    assert!(
        curl.starts_with("curl -X 'POST'") && curl.contains("--data-raw"),
        "{curl}"
    );
    // Parameters serialised into the exact URL the engine calls.
    let search = rows.iter().find(|r| r.path == "/search").expect("op");
    let mut draft = wb.form(&search.id).expect("form").draft;
    draft.params = vec![vouch::request::ParamValue {
        name: "q".into(),
        location: vouch::spec::ParamLocation::Query,
        value: json!("red lamp"),
    }];
    let curl = wb.curl(Some(search.id.clone()), draft, None).expect("curl");
    assert!(
        curl.contains(&format!("'{}/search?q=red%20lamp'", Service::shop().base))
            || curl.contains(&format!("'{}/search?q=red+lamp'", Service::shop().base)),
        "{curl}"
    );
    assert!(out.join("collection.yaml").is_file());
    // History has every call the app sent.
    let store = vouch::store::Store::open(data.path()).expect("store");
    assert_eq!(store.history(10).expect("history").len(), 2);
}

#[test]
fn a_collection_folder_opens_with_its_base_url() {
    let rt = runtime();
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    // A copy: the folder stays linked, and saves below write into it.
    let demo = crate::linked::demo_copy(data.path());
    let summary = rt
        .block_on(wb.open(demo.to_str().expect("utf-8")))
        .expect("open");
    assert_eq!(summary.collection.as_deref(), Some("shop"));
    assert_eq!(summary.base_url.as_deref(), Some("http://127.0.0.1:8000"));
    assert!(wb
        .collections()
        .expect("cols")
        .iter()
        .any(|c| c.name == "shop" && c.requests.len() == 31));
    // What is saved and set in the window survives opening the folder again (it is never
    // re-imported over the store's working copy).
    let rows = wb.operations().expect("rows");
    let list = rows
        .iter()
        .find(|r| r.path == "/items" && r.method == "GET")
        .expect("op");
    wb.save(
        "shop",
        "mine",
        Some(list.id.clone()),
        wb.form(&list.id).expect("form").draft,
    )
    .expect("save");
    let mut env = wb.environment_view("shop/local").expect("env");
    env.variables.push(vouch::workbench::VarView {
        name: "token".into(),
        value: Some("typed-in-the-window".into()),
        secret: true,
    });
    wb.save_environment(&env).expect("save env");
    rt.block_on(wb.open(demo.to_str().expect("utf-8")))
        .expect("reopen");
    let shop = wb
        .collections()
        .expect("cols")
        .into_iter()
        .find(|c| c.name == "shop")
        .expect("shop");
    assert!(shop.requests.iter().any(|r| r == "mine"), "{shop:?}");
    let store = vouch::store::Store::open(data.path()).expect("store");
    let c = store.collection("shop").expect("shop");
    let local = store.environment(Some(c.id), "local").expect("local");
    assert_eq!(local.variables["token"].value, "typed-in-the-window");
    // A draft naming its own base URL goes there (the reference service on a free port).
    let rows = wb.operations().expect("rows");
    let list = rows
        .iter()
        .find(|r| r.path == "/items" && r.method == "GET")
        .expect("op");
    let mut draft = wb.form(&list.id).expect("form").draft;
    draft.base_url = Some(Service::shop().base.clone());
    let view = rt
        .block_on(wb.send(Some(list.id.clone()), draft, None))
        .expect("send");
    assert_eq!(view.outcome, StepOutcome::Passed, "{view:?}");
}

#[test]
fn a_changed_spec_file_is_noticed_and_pasted_specs_open() {
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let file = data.path().join("spec.yaml");
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n";
    std::fs::write(&file, spec).expect("write");
    runtime()
        .block_on(wb.open(file.to_str().expect("utf-8")))
        .expect("open");
    assert!(!wb.spec_changed());
    let f = std::fs::File::options()
        .append(true)
        .open(&file)
        .expect("open");
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .expect("touch");
    assert!(wb.spec_changed());
    // Pasted text: no file to watch.
    let summary = wb.open_text(spec).expect("pasted");
    assert_eq!((summary.title.as_str(), summary.operations), ("t", 1));
    assert!(!wb.spec_changed());
    assert_eq!(
        wb.open_text("not: [a spec").expect_err("bad").kind(),
        "syntax"
    );
}

#[test]
fn environments_are_edited_without_their_secrets_leaving_the_engine() {
    use vouch::workbench::{EnvView, VarView};
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let var = |name: &str, value: Option<&str>, secret: bool| VarView {
        name: name.into(),
        value: value.map(str::to_string),
        secret,
    };
    wb.save_environment(&EnvView {
        name: "dev".into(),
        variables: vec![
            var("host", Some("h1"), false),
            var("token", Some("s3cr3t-value"), true),
        ],
    })
    .expect("save");
    let view = wb.environment_view("dev").expect("read");
    assert_eq!(view.variables[1].value, None, "the secret is masked");
    assert!(!serde_json::to_string(&view)
        .expect("json")
        .contains("s3cr3t-value"));
    // Saved back as the UI has it (secret without value): the secret is kept.
    let mut edited = view.clone();
    edited.variables[0].value = Some("h2".into());
    wb.save_environment(&edited).expect("save");
    let store = vouch::store::Store::open(data.path()).expect("store");
    let env = store.environment(None, "dev").expect("env");
    assert_eq!(env.variables["host"].value, "h2");
    assert_eq!(env.variables["token"].value, "s3cr3t-value");
    assert!(wb
        .environments()
        .expect("list")
        .contains(&"dev".to_string()));
    drop(store);

    // Deleted, with its secret: gone from the list and the store; a second delete says so.
    wb.delete_environment("dev").expect("delete");
    assert!(!wb
        .environments()
        .expect("list")
        .contains(&"dev".to_string()));
    let store = vouch::store::Store::open(data.path()).expect("store");
    assert!(store.environment(None, "dev").is_err());
    assert!(wb.delete_environment("dev").is_err());
}

/// A request typed or pasted into the window: a cURL command, `METHOD URL` or a URL, matched
/// against the open spec's operations; what is none of these is refused, saying why.
#[test]
fn typed_and_pasted_requests_are_parsed_and_matched() {
    let rt = runtime();
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    let shop = Service::shop();
    rt.block_on(wb.open(&shop.url("/openapi.json")))
        .expect("open");
    let r = wb
        .parse_request(&format!(
            "curl -X POST '{}/items' -H 'X-Trace: 1' --json '{{\"name\": \"a\", \"price\": 1}}'",
            shop.base
        ))
        .expect("curl");
    assert_eq!(
        (r.draft.method.as_str(), r.draft.path.as_str()),
        ("POST", "/items")
    );
    assert_eq!(r.draft.base_url.as_deref(), Some(shop.base.as_str()));
    assert!(r
        .draft
        .headers
        .iter()
        .any(|(k, v)| k == "X-Trace" && v == "1"));
    assert_eq!(r.operation_id.as_deref(), Some("create_item_items_post"));
    let r = wb
        .parse_request(&format!("delete {}/items/3", shop.base))
        .expect("METHOD URL");
    assert_eq!(r.draft.method, "DELETE");
    assert!(r.operation_id.is_some(), "{r:?}");
    let r = wb
        .parse_request(&format!("{}/nowhere?x=1", shop.base))
        .expect("URL");
    assert_eq!(r.draft.method, "GET");
    assert_eq!(r.operation_id, None, "no operation: no contract check");
    for bad in ["", "hello world again", "/items"] {
        let e = wb.parse_request(bad).expect_err(bad);
        assert!(!e.to_string().is_empty());
    }
    // What was pasted is sent as it is (and checked when it matched).
    let r = wb
        .parse_request(&format!("curl {}/items/2", shop.base))
        .expect("curl");
    let view = rt
        .block_on(wb.send(r.operation_id.clone(), r.draft, None))
        .expect("send");
    assert_eq!(view.status, Some(200), "{view:?}");
}

/// A workbench on the shop's spec (store in `data`) and its call of a URL typed on the shop.
fn shop_call(data: &std::path::Path, path: &str) -> (Workbench, vouch::workbench::CallView) {
    let rt = runtime();
    let wb = Workbench::new(Some(data.to_path_buf()));
    let shop = Service::shop();
    rt.block_on(wb.open(&shop.url("/openapi.json")))
        .expect("open");
    let r = wb
        .parse_request(&format!("{}{path}", shop.base))
        .expect("url");
    let view = rt
        .block_on(wb.send(r.operation_id, r.draft, None))
        .expect("send");
    (wb, view)
}

/// A response body filtered in the window by a JSONPath or a JSON pointer (the checks'
/// selection); a bad path says why.
#[test]
fn a_body_is_filtered_by_jsonpath() {
    let data = tempfile::tempdir().expect("tmp");
    let (wb, view) = shop_call(data.path(), "/items/2");
    // Routed by its method and path, and checked.
    assert_eq!(
        view.checked_against.as_deref(),
        Some("read_item_items__item_id__get")
    );
    let id = view.body_id.expect("body");
    let tags = wb
        .filter_body(id, "$.tags[*]")
        .expect("filter")
        .expect("found");
    assert!(tags.contains("\"a\"") && tags.starts_with('['), "{tags}");
    assert_eq!(
        wb.filter_body(id, "/price").expect("pointer").as_deref(),
        Some("9.99")
    );
    assert_eq!(wb.filter_body(id, "/nothing").expect("pointer"), None);
    assert!(wb.filter_body(id, "$[").is_err());
    assert!(wb.filter_body(999_999, "$").is_err());
}

/// The window's state (open tabs, pane sizes, last environments) is kept in the store across
/// workbenches (restarts), within a size cap.
#[test]
fn the_window_state_survives_a_restart_within_a_cap() {
    let data = tempfile::tempdir().expect("tmp");
    let wb = Workbench::new(Some(data.path().to_path_buf()));
    assert_eq!(wb.ui_state("tabs").expect("read"), None);
    wb.set_ui_state("tabs", r#"{"active":"t1","tabs":[]}"#)
        .expect("keep");
    wb.set_ui_state("tabs", r#"{"active":"t2","tabs":[]}"#)
        .expect("replace");
    let again = Workbench::new(Some(data.path().to_path_buf()));
    assert_eq!(
        again.ui_state("tabs").expect("read").as_deref(),
        Some(r#"{"active":"t2","tabs":[]}"#)
    );
    let e = again
        .set_ui_state("tabs", &"x".repeat(5 << 20))
        .expect_err("too big");
    assert!(e.to_string().contains("over"), "{e}");
    // Open tabs hold drafts, and a draft may hold a typed token: sealed at rest.
    let planted = "Bearer tab-token-5533917";
    again
        .set_ui_state(
            "tabs",
            &format!(r#"{{"headers":[["Authorization","{planted}"]]}}"#),
        )
        .expect("keep");
    assert!(again
        .ui_state("tabs")
        .expect("read")
        .is_some_and(|t| t.contains(planted)));
    for file in ["vouch.db", "vouch.db-wal"] {
        let bytes = std::fs::read(data.path().join(file)).unwrap_or_default();
        assert!(
            !bytes
                .windows(planted.len())
                .any(|w| w == planted.as_bytes()),
            "{file} holds the token in clear"
        );
    }
}

/// A 10 MB minified body is laid out by the engine (pretty-printed without building a tree)
/// and read by the window a block of lines at a time: search, folds and a finding's line.
#[test]
fn a_large_body_is_laid_out_in_lines() {
    let data = tempfile::tempdir().expect("tmp");
    let (wb, view) = shop_call(data.path(), "/catalog?mb=10");
    assert_eq!(view.status, Some(200));
    assert!(view.size.expect("size") > 10_000_000);
    // No operation of the shop's spec is `/catalog`: sent, and said to be unchecked.
    assert_eq!(view.checked_against, None);
    let id = view.body_id.expect("body");

    let raw = wb.body_layout(id, false).expect("raw");
    assert!(!raw.pretty);
    // One minified line, cut so that no line is longer than the window draws.
    assert!(raw.lines > 5000, "{raw:?}");
    let layout = wb.body_layout(id, true).expect("pretty");
    assert!(layout.pretty && layout.note.is_none(), "{layout:?}");
    let first = wb.body_lines(id, true, 0, 12).expect("lines");
    let texts: Vec<&str> = first.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(
        &texts[..4],
        &["[", "  {", "    \"id\": 1,", "    \"name\": \"item 1\","],
        "{texts:?}"
    );
    // The array closes on the last line; the first item on the line of its `}`.
    assert_eq!(first[0].fold_end, Some(layout.lines - 1));
    let item_end = first[1].fold_end.expect("item fold") as usize;
    let closing = wb.body_lines(id, true, item_end as u32, 1).expect("line");
    assert_eq!(closing[0].text, "  },");
    // A block is capped; past the end is empty.
    assert_eq!(
        wb.body_lines(id, true, 0, 1_000_000).expect("cap").len(),
        2000
    );
    assert!(wb
        .body_lines(id, true, layout.lines, 10)
        .expect("end")
        .is_empty());

    let hits = wb.body_search(id, true, "\"ITEM 20000\"").expect("search");
    assert_eq!(hits.lines.len(), 1, "{hits:?}");
    let line = wb.body_line_of(id, "/19999/name").expect("pointer");
    assert_eq!(line, Some(hits.lines[0]));
    // A missing member: its closest parent (the item's opening line).
    let parent = wb.body_line_of(id, "/19999/nothing").expect("pointer");
    assert_eq!(
        wb.body_lines(id, true, parent.expect("parent"), 1)
            .expect("l")[0]
            .text,
        "  {"
    );
    assert!(wb.body_layout(999_999, true).is_err());
}

/// The streaming pretty-printer on every JSON spec of the corpus: what it prints is the same
/// JSON, laid out as `serde_json` lays it out (same lines), and every line's fold closes on a
/// line that starts with the matching bracket (the specs under 2 MB).
#[test]
fn the_body_layout_prints_the_corpus_like_serde_json() {
    let mut files = Vec::new();
    let mut dirs = vec![crate::util::corpus().join("specs")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "json")
                // The largest (GitHub's 13 MB…) cost seconds in a debug build; the
                // workbench test above lays out 10 MB.
                && e.metadata().is_ok_and(|m| m.len() < 2_000_000)
            {
                files.push(p);
            }
        }
    }
    let mut checked = 0;
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
            continue; // the broken specs of the corpus: shown raw (tested above)
        };
        let view = vouch::workbench::BodyView::new(&bytes, true);
        assert!(view.layout().pretty, "{}", f.display());
        let lines = view.lines(0, u32::MAX);
        let mut all = Vec::with_capacity(view.layout().lines as usize);
        let mut from = 0;
        while from < view.layout().lines {
            let block = view.lines(from, 2000);
            from += block.len() as u32;
            all.extend(block);
        }
        assert!(lines.len() <= 2000);
        let text: Vec<&str> = all.iter().map(|l| l.text.as_str()).collect();
        let want = serde_json::to_string_pretty(&value).expect("pretty");
        assert_eq!(text.len(), want.lines().count(), "{}", f.display());
        // Long strings are cut for display; compare when none was.
        if text
            .iter()
            .all(|l| l.chars().count() < vouch::workbench::BODY_WIDTH)
        {
            let back: serde_json::Value = serde_json::from_str(&text.join("\n")).expect("reparse");
            assert_eq!(back, value, "{}", f.display());
        }
        for (n, l) in all.iter().enumerate() {
            if let Some(end) = l.fold_end {
                let open = l.text.trim_end().chars().last().expect("opener");
                let close = all[end as usize]
                    .text
                    .trim_start()
                    .chars()
                    .next()
                    .expect("closer");
                assert!(
                    (open, close) == ('{', '}') || (open, close) == ('[', ']'),
                    "{} line {n}",
                    f.display()
                );
            }
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} JSON specs");
}
