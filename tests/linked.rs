//! Folder-linked collections: the window's saves go to the folder's files, a `git pull`'s
//! changes come into the store, conflicts are shown and nothing is lost (issue 12).

use std::path::{Path, PathBuf};

use vouch::exchange::link::SyncReport;
use vouch::store::Store;
use vouch::workbench::{VarView, Workbench};

use crate::util::runtime;

/// A copy of the demo collection folder in a temporary directory (never the repository's).
pub fn demo_copy(tmp: &Path) -> PathBuf {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("collections/shop");
    let copy = tmp.join("shop");
    let mut stack = vec![demo.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir").flatten() {
            let p = e.path();
            let to = copy.join(p.strip_prefix(&demo).expect("inside"));
            if p.is_dir() {
                stack.push(p);
            } else {
                std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
                std::fs::copy(&p, &to).expect("copy");
            }
        }
    }
    copy
}

fn open(wb: &Workbench, dir: &Path) -> SyncReport {
    let summary = runtime()
        .block_on(wb.open(dir.to_str().expect("utf-8")))
        .expect("open");
    summary.sync.expect("a folder open syncs")
}

fn stored_draft(data: &Path, name: &str) -> vouch::request::Draft {
    let store = Store::open(data).expect("store");
    let c = store.collection("shop").expect("shop");
    store
        .requests(c.id)
        .expect("requests")
        .into_iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no request {name}"))
        .draft
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    assert!(
        text.contains(from),
        "{} holds no `{from}`:\n{text}",
        file.display()
    );
    std::fs::write(file, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn saves_go_to_the_folder_and_reopening_keeps_local_work() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(data.clone()));
    let first = open(&wb, &dir);
    assert!(
        first.conflicts.is_empty() && first.written.is_empty() && first.taken.is_empty(),
        "a fresh import is in sync: {first:?}"
    );
    let row = wb
        .collections()
        .expect("cols")
        .into_iter()
        .find(|c| c.name == "shop")
        .expect("shop");
    assert!(row.folder.is_some(), "linked: {row:?}");

    // Saved in the window: a new request's file appears, named after it, atomically.
    let mut draft = stored_draft(&data, "Rate");
    draft.query.push(("currency".into(), "EUR".into()));
    let report = wb
        .save("shop", "Rate in euros", None, draft)
        .expect("save")
        .expect("linked");
    assert_eq!(report.written, ["request:Rate in euros"], "{report:?}");
    let file = dir.join("rate-in-euros.yaml");
    let text = std::fs::read_to_string(&file).expect("the request's file");
    assert!(
        text.contains("name: Rate in euros") && text.contains("EUR"),
        "{text}"
    );
    assert!(
        !std::fs::read_dir(&dir)
            .expect("dir")
            .flatten()
            .any(|e| e.file_name().to_string_lossy().contains("vouch-tmp")),
        "no temporary file left behind"
    );

    // A secret typed in the window stays in the store: the folder names it, never its value.
    let mut env = wb.environment_view("shop/local").expect("env");
    env.variables.push(VarView {
        name: "token".into(),
        value: Some("typed-in-the-window-7781".into()),
        secret: true,
    });
    wb.save_environment(&env).expect("save env");
    let env_file = std::fs::read_to_string(dir.join("environments/local.yaml")).expect("env");
    assert!(
        env_file.contains("token:") && env_file.contains("secret: true"),
        "{env_file}"
    );
    assert!(!env_file.contains("typed-in-the-window"), "{env_file}");

    // Reopening (every launch of the app does) keeps both, and finds nothing to do.
    let again = open(&wb, &dir);
    assert!(
        again.conflicts.is_empty() && again.written.is_empty() && again.taken.is_empty(),
        "{again:?}"
    );
    assert!(stored_draft(&data, "Rate in euros")
        .query
        .iter()
        .any(|(_, v)| v == "EUR"));
    let store = Store::open(&data).expect("store");
    let c = store.collection("shop").expect("shop");
    let local = store.environment(Some(c.id), "local").expect("local");
    assert_eq!(local.variables["token"].value, "typed-in-the-window-7781");
}

#[test]
fn changes_on_disk_are_taken_and_secrets_kept() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(data.clone()));
    open(&wb, &dir);
    let mut env = wb.environment_view("shop/local").expect("env");
    env.variables.push(VarView {
        name: "token".into(),
        value: Some("kept-on-this-machine".into()),
        secret: true,
    });
    wb.save_environment(&env).expect("save env");

    // A `git pull`: a request changed, one added, one removed, the environment gained a
    // variable.
    edit(
        &dir.join("rate.yaml"),
        "path: /rate",
        "path: /rate?from=pull",
    );
    std::fs::write(
        dir.join("pulled.yaml"),
        "name: Pulled\nseq: 40\nmethod: GET\npath: /items\nbase_url: \"{{baseUrl}}\"\n",
    )
    .expect("write");
    std::fs::remove_file(dir.join("slow.yaml")).expect("rm");
    edit(
        &dir.join("environments/local.yaml"),
        "variables:\n",
        "variables:\n  region: eu\n",
    );
    let report = wb.sync("shop").expect("sync").expect("linked");
    assert!(report.conflicts.is_empty(), "{report:?}");
    for key in ["request:Rate", "request:Pulled", "environment:local"] {
        assert!(report.taken.iter().any(|k| k == key), "{key}: {report:?}");
    }
    assert_eq!(report.trashed, ["request:Slow"], "{report:?}");
    assert_eq!(stored_draft(&data, "Rate").path, "/rate?from=pull");
    stored_draft(&data, "Pulled");
    let store = Store::open(&data).expect("store");
    let c = store.collection("shop").expect("shop");
    let local = store.environment(Some(c.id), "local").expect("local");
    assert_eq!(local.variables["region"].value, "eu");
    assert_eq!(
        local.variables["token"].value, "kept-on-this-machine",
        "a pull never drops a secret typed here"
    );
    drop(store);

    // What the pull removed waits in the trash, and comes back (into the folder too).
    let trash = wb.trash("shop").expect("trash");
    assert_eq!(trash.len(), 1, "{trash:?}");
    assert_eq!(trash[0].key, "request:Slow");
    assert!(trash[0].reason.contains("removed in the folder"));
    let back = wb.restore("shop", trash[0].id).expect("restore");
    assert_eq!(back.written, ["request:Slow"], "{back:?}");
    assert!(dir.join("slow.yaml").is_file());
    assert!(wb.trash("shop").expect("trash").is_empty());
}

#[test]
fn a_conflict_is_shown_and_neither_side_is_lost() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(data.clone()));
    open(&wb, &dir);
    let file = dir.join("rate.yaml");

    // The folder changed (a pull) while the window held the old version, which is saved.
    edit(&file, "path: /rate", "path: /rate?theirs=1");
    let mut mine = stored_draft(&data, "Rate");
    mine.path = "/rate?mine=1".into();
    let report = wb
        .save("shop", "Rate", Some("rate_rate_get".into()), mine)
        .expect("save")
        .expect("linked");
    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    let conflict = &report.conflicts[0];
    assert_eq!(conflict.key, "request:Rate");
    assert!(
        conflict
            .detail
            .contains("changed here and changed in the folder"),
        "{conflict:?}"
    );
    assert!(conflict
        .file
        .as_deref()
        .is_some_and(|f| f.ends_with("rate.yaml")));
    // Nothing was overwritten on either side, and it stays a conflict until resolved.
    assert!(std::fs::read_to_string(&file)
        .expect("read")
        .contains("theirs=1"));
    assert_eq!(stored_draft(&data, "Rate").path, "/rate?mine=1");
    let again = wb.sync("shop").expect("sync").expect("linked");
    assert_eq!(again.conflicts.len(), 1, "{again:?}");

    // Keeping the folder's version: mine goes to the trash, restorable.
    let theirs = wb.resolve("shop", "request:Rate", false).expect("resolve");
    assert!(theirs.conflicts.is_empty(), "{theirs:?}");
    assert_eq!(stored_draft(&data, "Rate").path, "/rate?theirs=1");
    let trash = wb.trash("shop").expect("trash");
    assert_eq!(trash.len(), 1, "{trash:?}");
    assert!(trash[0].reason.contains("conflict"), "{trash:?}");
    let restored = wb.restore("shop", trash[0].id).expect("restore");
    assert_eq!(
        restored.written,
        ["request:Rate (restored)"],
        "{restored:?}"
    );
    assert_eq!(stored_draft(&data, "Rate (restored)").path, "/rate?mine=1");
    assert!(dir.join("rate-restored.yaml").is_file());

    // Keeping mine: the folder gets this machine's version.
    edit(&file, "theirs=1", "theirs=2");
    let mut mine = stored_draft(&data, "Rate");
    mine.path = "/rate?mine=2".into();
    let report = wb
        .save("shop", "Rate", Some("rate_rate_get".into()), mine)
        .expect("save")
        .expect("linked");
    assert_eq!(report.conflicts.len(), 1, "{report:?}");
    let kept = wb.resolve("shop", "request:Rate", true).expect("resolve");
    assert_eq!(kept.written, ["request:Rate"], "{kept:?}");
    assert!(std::fs::read_to_string(&file)
        .expect("read")
        .contains("mine=2"));
    let clean = wb.sync("shop").expect("sync").expect("linked");
    assert!(
        clean.conflicts.is_empty() && clean.written.is_empty(),
        "{clean:?}"
    );
}

#[test]
fn a_credential_is_never_written_to_the_folder() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(data.clone()));
    open(&wb, &dir);
    let mut draft = stored_draft(&data, "Rate");
    draft.headers.push((
        "Authorization".into(),
        "Bearer sk_live_51HcredentialXYZ0123456789".into(),
    ));
    let report = wb
        .save("shop", "Rate", Some("rate_rate_get".into()), draft)
        .expect("save")
        .expect("linked");
    assert!(report.written.is_empty(), "{report:?}");
    assert_eq!(report.held.len(), 1, "{report:?}");
    assert!(report.held[0].contains("credential"), "{report:?}");
    let text = std::fs::read_to_string(dir.join("rate.yaml")).expect("read");
    assert!(!text.contains("sk_live"), "{text}");
    // A planted symlink is not followed: the write is held back, the target untouched.
    #[cfg(unix)]
    {
        let outside = tmp.path().join("outside.yaml");
        std::fs::write(&outside, "untouched").expect("write");
        std::fs::remove_file(dir.join("search.yaml")).expect("rm");
        std::os::unix::fs::symlink(&outside, dir.join("search.yaml")).expect("symlink");
        let mut draft = stored_draft(&data, "Search");
        draft.path = "/search?changed=1".into();
        let report = wb
            .save("shop", "Search", Some("search_search_get".into()), draft)
            .expect("save")
            .expect("linked");
        assert_eq!(
            std::fs::read_to_string(&outside).expect("read"),
            "untouched"
        );
        assert!(
            report.written.iter().all(|k| k != "request:Search"),
            "{report:?}"
        );
    }
}

/// A linked collection's file parts are read from its folder, wherever `vouch run` runs; the
/// CLI's import links too, and `vouch sync` reports what a sync did.
#[test]
fn a_linked_collection_reads_its_file_parts_from_its_folder() {
    let service = crate::util::Service::shop();
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let dir = demo_copy(tmp.path());
    std::fs::create_dir_all(dir.join("fixtures")).expect("mkdir");
    std::fs::write(dir.join("fixtures/note.txt"), "eleven byte").expect("write");
    edit(
        &dir.join("upload.yaml"),
        "  - name: file\n    value:\n      text: a\n",
        "  - name: file\n    value:\n      file:\n        path: fixtures/note.txt\n",
    );
    std::fs::write(
        dir.join("upload.yaml"),
        std::fs::read_to_string(dir.join("upload.yaml")).expect("read")
            + "assertions:\n- \"on\": json\n  path: $.size\n  equals: 11\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("suites/up.yaml"),
        "name: up\nsteps:\n- request: Upload\n",
    )
    .expect("write");
    let run = |args: &[&str]| {
        let out = crate::util::vouch()
            .env("VOUCH_DATA_DIR", &data)
            .current_dir("/")
            .args(args)
            .output()
            .expect("vouch");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr),
        )
    };
    let (code, out) = run(&["import", dir.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{out}");
    let import_out = out;
    let base = format!("baseUrl={}", service.base);
    assert!(
        import_out.contains("uploads the file `fixtures/note.txt`"),
        "the import lists the files: {import_out}"
    );
    // The first run asks for the files' approval; --allow-files gives it (remembered).
    let (code, out) = run(&["run", "shop/up", "--var", &base]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("not approved") && out.contains("Upload: ") && out.contains("note.txt"),
        "{out}"
    );
    assert!(out.contains("--allow-files"), "{out}");
    let (code, out) = run(&["run", "shop/up", "--var", &base, "--allow-files"]);
    assert_eq!(
        code, 0,
        "the file part was read from the folder, not from /: {out}"
    );
    let (code, out) = run(&["run", "shop/up", "--var", &base]);
    assert_eq!(code, 0, "approved once: {out}");
    // A change on disk, then `vouch sync`: taken, and said.
    edit(&dir.join("rate.yaml"), "path: /rate", "path: /rate?x=1");
    let (code, out) = run(&["sync", "shop"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("request:Rate"), "{out}");
    assert_eq!(stored_draft(&data, "Rate").path, "/rate?x=1");
}

/// The window's actions on saved requests, on a linked copy of the demo: open with its
/// checks, edit a header and a check, save, rename, duplicate, move, delete and undo; checks
/// marked against the last response.
#[test]
fn saved_requests_are_edited_renamed_moved_deleted_and_restored() {
    use vouch::workbench::{CheckRow, ExtractRow};
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(data.clone()));
    open(&wb, &dir);
    let mut view = wb.open_saved("shop", "items/Create Item").expect("open");
    assert_eq!(view.folder, ["items"]);
    assert_eq!(
        view.checks[0],
        CheckRow {
            on: "status".into(),
            target: String::new(),
            op: "equals".into(),
            expected: "201".into()
        }
    );
    assert_eq!(
        view.extractions,
        [ExtractRow {
            var: "id".into(),
            from: "json".into(),
            target: "$.id".into()
        }]
    );
    view.draft.headers.push(("X-Trace".into(), "e2e-1".into()));
    view.checks.push(CheckRow {
        on: "json".into(),
        target: "$.price".into(),
        op: "equals".into(),
        expected: "1.0".into(),
    });
    wb.save_saved(&view).expect("save").expect("linked");
    let file = std::fs::read_to_string(dir.join("items/create-item.yaml")).expect("file");
    assert!(
        file.contains("X-Trace") && file.contains("$.price"),
        "{file}"
    );

    // A row that is no check is refused, naming it; nothing is saved.
    let mut broken = view.clone();
    broken.checks.push(CheckRow {
        on: "json".into(),
        target: "$[".into(),
        op: "equals".into(),
        expected: "1".into(),
    });
    let e = wb.save_saved(&broken).expect_err("invalid row");
    assert!(e.to_string().contains("check 4"), "{e}");

    let key = wb
        .rename_request("shop", "items/Create Item", "Make Item")
        .expect("rename");
    assert_eq!(key, "items/Make Item");
    assert!(dir.join("items/make-item.yaml").is_file());
    assert!(!dir.join("items/create-item.yaml").exists());
    let copy = wb.duplicate_request("shop", &key).expect("duplicate");
    assert_eq!(copy, "items/Make Item (copy)");
    let moved = wb
        .move_request("shop", &copy, &["archive".to_string()])
        .expect("move");
    assert_eq!(moved, "archive/Make Item (copy)");
    assert!(dir.join("archive/folder.yaml").is_file());
    assert!(dir.join("archive/make-item-copy.yaml").is_file());
    let id = wb.delete_request("shop", &moved).expect("delete");
    assert!(!dir.join("archive/make-item-copy.yaml").exists());
    wb.restore("shop", i64::from(id)).expect("undo");
    let tree = wb
        .collections()
        .expect("cols")
        .into_iter()
        .find(|c| c.name == "shop")
        .expect("shop")
        .items;
    let back = tree
        .iter()
        .find(|i| i.key == moved)
        .expect("restored where it was");
    assert_eq!(back.method, "POST");
    assert!(
        wb.open_saved("shop", &moved)
            .expect("open")
            .draft
            .headers
            .len()
            == 1
    );

    // Checks marked on the last response.
    let rows = vec![
        CheckRow {
            on: "status".into(),
            target: String::new(),
            op: "equals".into(),
            expected: "200".into(),
        },
        CheckRow {
            on: "status".into(),
            target: String::new(),
            op: "equals".into(),
            expected: "500".into(),
        },
        CheckRow {
            on: "header".into(),
            target: String::new(),
            op: "equals".into(),
            expected: "x".into(),
        },
    ];
    assert_eq!(wb.evaluate_checks(&rows)[0].passed, None, "no response yet");
    let ops = wb.operations().expect("ops");
    let list = ops
        .iter()
        .find(|o| o.method == "GET" && o.path == "/items")
        .expect("GET /items");
    assert_eq!(list.tag.as_deref(), Some("/items"), "grouped by path");
    let mut draft = wb.form(&list.id).expect("form").draft;
    draft.base_url = Some(crate::util::Service::shop().base.clone());
    runtime()
        .block_on(wb.send(Some(list.id.clone()), draft, None))
        .expect("send");
    let marks = wb.evaluate_checks(&rows);
    assert_eq!(marks[0].passed, Some(true), "{marks:?}");
    assert_eq!(marks[1].passed, Some(false), "{marks:?}");
    assert_eq!(marks[2].passed, None, "{marks:?}");
}

/// A run's failed step drilled into from the window: the request as sent, the response as it
/// came, and the finding that failed it.
/// The tree's arranging, written to the linked folder: a new folder and a new request in it,
/// a request dragged before another and into another folder (the order numbered again), a
/// suite deleted and restored.
#[test]
fn the_tree_arranges_requests_folders_and_suites() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(tmp.path().join("data")));
    open(&wb, &dir);
    let shop = |wb: &Workbench| {
        wb.collections()
            .expect("cols")
            .into_iter()
            .find(|c| c.name == "shop")
            .expect("shop")
    };
    let keys_in = |wb: &Workbench, folder: &str| -> Vec<String> {
        shop(wb)
            .items
            .into_iter()
            .filter(|i| i.folder.join("/") == folder)
            .map(|i| i.name)
            .collect()
    };
    assert_eq!(
        keys_in(&wb, "items"),
        ["List Items", "Create Item", "Read Item", "Delete Item"]
    );

    wb.new_folder("shop", &["smoke".into(), " ".into()])
        .expect("folder");
    assert!(shop(&wb).folders.contains(&vec!["smoke".to_string()]));
    // Folders follow their requests to disk (git keeps no empty folder).
    assert!(wb.new_folder("shop", &[" ".into()]).is_err());
    let first = wb.new_request("shop", &["smoke".into()]).expect("new");
    let second = wb.new_request("shop", &["smoke".into()]).expect("new");
    assert_eq!(
        (first.as_str(), second.as_str()),
        ("smoke/New request", "smoke/New request 2")
    );
    let blank = wb.open_saved("shop", &first).expect("open");
    assert_eq!(
        (blank.draft.method.as_str(), blank.draft.base_url.as_deref()),
        ("GET", Some("{{baseUrl}}"))
    );
    assert!(dir.join("smoke/new-request-2.yaml").is_file());
    assert!(dir.join("smoke/folder.yaml").is_file());

    // Read Item dragged before List Items; Delete Item dragged into smoke, before the first.
    let key = wb
        .place_request(
            "shop",
            "items/Read Item",
            &["items".into()],
            Some("items/List Items"),
        )
        .expect("reorder");
    assert_eq!(key, "items/Read Item");
    assert_eq!(
        keys_in(&wb, "items"),
        ["Read Item", "List Items", "Create Item", "Delete Item"]
    );
    let key = wb
        .place_request("shop", "items/Delete Item", &["smoke".into()], Some(&first))
        .expect("move");
    assert_eq!(key, "smoke/Delete Item");
    assert_eq!(
        keys_in(&wb, "smoke"),
        ["Delete Item", "New request", "New request 2"]
    );
    assert!(dir.join("smoke/delete-item.yaml").is_file());
    assert!(!dir.join("items/delete-item.yaml").exists());
    let file = std::fs::read_to_string(dir.join("items/read-item.yaml")).expect("file");
    assert!(file.contains("seq: 0"), "{file}");

    // A suite deleted goes to the trash; restored, it is back with its steps.
    assert!(shop(&wb).suites.contains(&"chain".to_string()));
    let id = wb.delete_suite("shop", "chain").expect("delete");
    assert!(!shop(&wb).suites.contains(&"chain".to_string()));
    assert!(!dir.join("suites/chain.yaml").exists());
    wb.restore("shop", i64::from(id)).expect("undo");
    assert!(shop(&wb).suites.contains(&"chain".to_string()));
    assert!(dir.join("suites/chain.yaml").is_file());
    assert!(wb.delete_suite("shop", "nothing").is_err());
}

#[test]
fn a_failed_step_of_a_run_is_drilled_into() {
    let service = crate::util::Service::shop();
    let tmp = tempfile::tempdir().expect("tmp");
    let data = tmp.path().join("data");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(data.clone()));
    open(&wb, &dir);
    let mut env = wb.environment_view("shop/local").expect("env");
    for v in &mut env.variables {
        if v.name == "baseUrl" {
            v.value = Some(service.base.clone());
        }
    }
    wb.save_environment(&env).expect("env");
    wb.create_suite("shop", "two", &["Rate".into(), "Drift Price String".into()])
        .expect("suite");
    let run = runtime()
        .block_on(wb.run("shop/two", Some("shop/local".into()), |_| {}))
        .expect("run");
    assert_eq!((run.summary.passed, run.summary.failed), (1, 1), "{run:?}");
    let failed = run
        .steps
        .iter()
        .find(|s| s.name == "Drift Price String")
        .expect("step");
    let detail = wb
        .run_step(i64::from(run.run_id), failed.seq)
        .expect("detail");
    assert_eq!(detail.method, "GET");
    assert!(detail.url.ends_with("/drift/price-string"), "{detail:?}");
    assert_eq!(detail.status, Some(200));
    assert!(detail.response_body.contains("price"), "{detail:?}");
    assert!(
        detail.reasons.iter().any(|r| r.contains("/price")),
        "{detail:?}"
    );
    assert!(detail
        .curl
        .as_deref()
        .is_some_and(|c| c.starts_with("curl")));
    assert!(wb.run_step(i64::from(run.run_id), 99).is_err());
}

#[test]
fn collections_and_environments_are_renamed_and_deleted_from_the_window() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = demo_copy(tmp.path());
    let wb = Workbench::new(Some(tmp.path().join("data")));
    open(&wb, &dir);
    let names = |wb: &Workbench| -> Vec<String> {
        wb.collections()
            .expect("cols")
            .into_iter()
            .map(|c| c.name)
            .collect()
    };

    // A linked collection renamed: its folder's collection.yaml follows, and syncs go on.
    wb.rename_collection("shop", " store ").expect("rename");
    assert_eq!(names(&wb), ["store"]);
    let head = std::fs::read_to_string(dir.join("collection.yaml")).expect("head");
    assert!(head.contains("name: store"), "{head}");
    wb.sync("store").expect("sync").expect("linked");
    assert!(wb.open_saved("store", "items/Read Item").is_ok());
    assert!(wb.rename_collection("store", "a/b").is_err());
    assert!(wb.rename_collection("nothing", "x").is_err());

    // An environment renamed: same variables, its file in the folder renamed.
    let before = wb.environment_view("store/local").expect("env");
    wb.rename_environment("store/local", "loopback")
        .expect("rename env");
    assert!(wb.environment_view("store/local").is_err());
    let after = wb.environment_view("store/loopback").expect("env");
    assert_eq!(before.variables.len(), after.variables.len());
    assert!(dir.join("environments/loopback.yaml").is_file());
    assert!(!dir.join("environments/local.yaml").exists());
    // A name taken in the same scope is refused, and nothing changes.
    wb.save_environment(&vouch::workbench::EnvView {
        name: "store/other".into(),
        variables: Vec::new(),
    })
    .expect("other");
    let err = wb
        .rename_environment("store/other", "loopback")
        .expect_err("taken");
    assert_eq!(err.kind(), "exists", "{err}");
    assert!(wb.environment_view("store/other").is_ok());

    // A second collection cannot take a used name; deleting one leaves its folder on disk.
    Store::open(&tmp.path().join("data"))
        .expect("store")
        .create_collection("other", "")
        .expect("other");
    let err = wb.rename_collection("store", "other").expect_err("taken");
    assert_eq!(err.kind(), "exists", "{err}");
    assert!(std::fs::read_to_string(dir.join("collection.yaml"))
        .expect("head")
        .contains("name: store"));
    wb.delete_collection("other").expect("delete other");
    wb.delete_collection("store").expect("delete");
    assert!(names(&wb).is_empty());
    assert!(dir.join("collection.yaml").is_file());
    assert!(wb.delete_collection("store").is_err());
}

#[test]
fn folders_and_collections_hand_their_auth_down() {
    use vouch::request::Auth;
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = demo_copy(tmp.path());
    let data = tmp.path().join("data");
    let wb = Workbench::new(Some(data.clone()));
    open(&wb, &dir);
    let bearer = Auth::Bearer {
        token: "{{token}}".into(),
    };
    let key = Auth::ApiKey {
        location: "header".into(),
        name: "X-Key".into(),
        value: "{{key}}".into(),
    };
    wb.set_auth("shop", &[], Some(bearer.clone()))
        .expect("collection auth");
    wb.set_auth("shop", &["items".into()], Some(key.clone()))
        .expect("folder auth");
    assert_eq!(
        wb.auth_of("shop", &["items".into()]).expect("own"),
        Some(key.clone())
    );

    // The nearest folder's, else the collection's.
    let from = |k: &str| {
        let mut folder: Vec<String> = k.split('/').map(str::to_string).collect();
        folder.pop();
        wb.inherited_auth("shop", &folder)
            .expect("inherited")
            .map(|i| (i.from, i.auth))
    };
    assert_eq!(
        from("items/Read Item"),
        Some(("folder items".into(), key.clone()))
    );
    assert_eq!(
        from("Slow"),
        Some(("collection shop".into(), bearer.clone()))
    );

    // Shared through the folder, by variable name only; a literal credential is refused.
    let head = std::fs::read_to_string(dir.join("collection.yaml")).expect("head");
    assert!(head.contains("{{token}}"), "{head}");
    let folder = std::fs::read_to_string(dir.join("items/folder.yaml")).expect("folder");
    assert!(
        folder.contains("X-Key") && folder.contains("{{key}}"),
        "{folder}"
    );
    let literal = Auth::Bearer {
        token: "ghp_0123456789abcdefABCDEF0123456789abcd".into(),
    };
    let err = wb
        .set_auth("shop", &["items".into()], Some(literal.clone()))
        .expect_err("a literal credential in a shared folder");
    assert_eq!(err.kind(), "usage", "{err}");
    assert!(!std::fs::read_to_string(dir.join("items/folder.yaml"))
        .expect("folder")
        .contains("ghp_"));
    // A collection of this machine only may hold one; it never leaves in an export.
    {
        let mut store = Store::open(&data).expect("store");
        let plain = store.create_collection("plain", "").expect("plain");
        store
            .set_collection_auth(plain.id, Some(&literal))
            .expect("literal");
        for to in [
            vouch::exchange::ExportTo::Folder(tmp.path().join("plain-out")),
            vouch::exchange::ExportTo::Postman(tmp.path().join("plain.json")),
        ] {
            let err = vouch::exchange::export(&store, "plain", &to, false).expect_err("refused");
            assert!(err.to_string().contains("collection's auth"), "{err}");
        }
        assert!(!tmp.path().join("plain-out").exists() && !tmp.path().join("plain.json").exists());
    }

    // What the one send puts on the wire: the inherited auth, unless the request sets its own.
    let var = |name: &str, value: &str| vouch::workbench::VarView {
        name: name.into(),
        value: Some(value.into()),
        secret: false,
    };
    wb.save_environment(&vouch::workbench::EnvView {
        name: "shop/local".into(),
        variables: vec![
            var("baseUrl", "http://127.0.0.1:8000"),
            var("id", "1"),
            var("key", "k-123"),
        ],
    })
    .expect("env");
    let read = wb.open_saved("shop", "items/Read Item").expect("open");
    let saved = vouch::workbench::SavedRef {
        collection: "shop".into(),
        folder: vec!["items".into()],
    };
    let sent = wb
        .curl(
            read.operation_id.clone(),
            wb.inheriting(read.draft.clone(), Some(&saved))
                .expect("inherit"),
            Some("shop/local".into()),
        )
        .expect("curl");
    assert!(
        sent.contains("X-Key: ") && !sent.contains("k-123"),
        "masked: {sent}"
    );
    let own = vouch::request::Draft {
        auth: Some(bearer.clone()),
        ..read.draft.clone()
    };
    let kept = wb.inheriting(own, Some(&saved)).expect("own");
    assert_eq!(kept.auth, Some(bearer.clone()));

    // A run takes the same: every step of the collection without auth of its own gets it.
    let store = Store::open(&data).expect("store");
    let target = vouch::suite::from_store(&store, "shop").expect("target");
    let step = |name: &str| {
        target
            .steps
            .iter()
            .find(|s| s.name == name)
            .expect("step")
            .draft
            .auth
            .clone()
    };
    assert_eq!(step("Read Item"), Some(key.clone()));
    assert_eq!(step("Slow"), Some(bearer.clone()));
    // Exported for Postman, where requests inherit the same way.
    let postman =
        vouch::exchange::to_postman(&vouch::exchange::from_store(&store, "shop").expect("bundle"));
    assert_eq!(postman["auth"]["type"], "bearer");
    let items = postman["item"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["name"] == "items")
        .expect("folder");
    assert_eq!(items["auth"]["type"], "apikey");
    drop(store);

    // The folder edited by hand (git pull): the sync takes its auth; cleared, it is gone.
    std::fs::write(dir.join("items/folder.yaml"), "name: items\nseq: 0\n").expect("edit");
    wb.sync("shop").expect("sync");
    assert_eq!(
        from("items/Read Item"),
        Some(("collection shop".into(), bearer.clone()))
    );
    wb.set_auth("shop", &[], None).expect("clear");
    assert_eq!(from("Slow"), None);
    assert!(!std::fs::read_to_string(dir.join("collection.yaml"))
        .expect("head")
        .contains("auth"));
}
