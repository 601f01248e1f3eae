//! Saved requests as the window edits them: opened with their checks, saved back, renamed,
//! duplicated, moved between folders, deleted (into the trash, so undone by restoring).
//! Assertions and extractions cross as rows the window edits; the engine turns rows into its
//! own assertions (and back), and evaluates them on the last response, so no check logic
//! lives in the UI. A collection linked to a folder is synced after every change.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{Result, Workbench};
use crate::exchange::{self, link::SyncReport};
use crate::request::Draft;
use crate::store::{SavedRequest, Store, StoreError};
use crate::suite::{Assertion, Extraction, Source, Test};

/// The most the window may keep of its state under one key.
const UI_STATE_CAP: usize = 4 << 20;

/// One assertion as a row of the Checks editor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckRow {
    /// What is checked: `status`, `header`, `json`, `time` or `body_contains`.
    pub on: String,
    /// The header name, or the JSON pointer / JSONPath (empty for the others).
    pub target: String,
    /// `equals`, `matches`, `exists` or `type` (`under` for time, `contains` for the body).
    pub op: String,
    /// The expected value as typed: JSON when it parses as JSON (`201`, `"a"`, `true`), else
    /// text.
    pub expected: String,
}

/// One extraction as a row: a variable set from the response for the next steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExtractRow {
    /// The variable.
    pub var: String,
    /// `json`, `header` or `cookie`.
    pub from: String,
    /// The JSON pointer / JSONPath, or the header or cookie name.
    pub target: String,
}

/// A saved request opened in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedView {
    /// Its collection.
    pub collection: String,
    /// Its key when it was opened (folder names and name, joined by `/`): what a save
    /// replaces. Empty for a new request.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its folder's path of names (empty: the top of the collection).
    pub folder: Vec<String>,
    /// The operation it calls.
    pub operation_id: Option<String>,
    /// What is sent.
    pub draft: Draft,
    /// Its assertions.
    pub checks: Vec<CheckRow>,
    /// Its extractions.
    pub extractions: Vec<ExtractRow>,
}

/// A request typed or pasted into the window (a URL, `METHOD URL`, or a cURL command).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FreeRequest {
    /// What is sent.
    pub draft: Draft,
    /// The open spec's operation its method and path match (its contract checks the call);
    /// None: sent with no contract check.
    pub operation_id: Option<String>,
    /// A title for its tab.
    pub title: String,
}

/// One step of a stored run, to drill into: the request as it was sent, the response as it
/// came (body up to what the run kept), the findings and the checks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StepDetail {
    /// The step's name.
    pub name: String,
    /// How it ended.
    pub outcome: crate::store::StepOutcome,
    /// Method and URL called.
    pub method: String,
    /// The URL.
    pub url: String,
    /// The request's headers as sent (masked).
    pub request_headers: Vec<(String, String)>,
    /// The request body as sent (masked), if any.
    pub request_body: Option<String>,
    /// The request as a cURL line (masked).
    pub curl: Option<String>,
    /// The response status.
    pub status: Option<u16>,
    /// Total time, ms.
    pub elapsed_ms: Option<f64>,
    /// The response headers.
    pub response_headers: Vec<(String, String)>,
    /// The response body as text (what the run kept of it).
    pub response_body: String,
    /// Whether the run kept only the start of the body.
    pub body_truncated: bool,
    /// Failed checks and findings, in words.
    pub reasons: Vec<String>,
    /// Why the call could not be made, if it could not.
    pub error: Option<String>,
}

/// A check evaluated on the last response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckMark {
    /// Whether it holds (None: the row is not a valid check).
    pub passed: Option<bool>,
    /// The outcome, or what is wrong with the row.
    pub message: String,
}

/// The row of an engine assertion.
pub fn check_row(a: &Assertion) -> CheckRow {
    let test_row = |on: &str, target: &str, t: &Test| {
        let (op, expected) = match t {
            Test::Equals(v) => ("equals", v.to_string()),
            Test::Matches(s) => ("matches", s.clone()),
            Test::Exists(b) => ("exists", b.to_string()),
            Test::Type(s) => ("type", s.clone()),
        };
        CheckRow {
            on: on.into(),
            target: target.into(),
            op: op.into(),
            expected,
        }
    };
    match a {
        Assertion::Status { test } => test_row("status", "", test),
        Assertion::Header { name, test } => test_row("header", name, test),
        Assertion::Json { path, test } => test_row("json", path, test),
        Assertion::Time { under_ms } => CheckRow {
            on: "time".into(),
            target: String::new(),
            op: "under".into(),
            expected: under_ms.to_string(),
        },
        Assertion::BodyContains { text } => CheckRow {
            on: "body_contains".into(),
            target: String::new(),
            op: "contains".into(),
            expected: text.clone(),
        },
    }
}

/// The engine assertion of a row, or what is wrong with it.
pub fn assertion(row: &CheckRow) -> std::result::Result<Assertion, String> {
    let e = row.expected.trim();
    let test = || -> std::result::Result<Test, String> {
        Ok(match row.op.as_str() {
            "equals" => Test::Equals(
                serde_json::from_str(e).unwrap_or_else(|_| Value::String(e.to_string())),
            ),
            "matches" => {
                regex::Regex::new(e).map_err(|err| format!("`{e}` is not a regex: {err}"))?;
                Test::Matches(e.to_string())
            }
            "exists" => Test::Exists(e != "false"),
            "type" => match e {
                "string" | "number" | "integer" | "boolean" | "array" | "object" | "null" => {
                    Test::Type(e.to_string())
                }
                _ => return Err(format!("`{e}` is not a JSON type")),
            },
            other => return Err(format!("`{other}` is not a test of {}", row.on)),
        })
    };
    let target = row.target.trim().to_string();
    Ok(match row.on.as_str() {
        "status" => Assertion::Status { test: test()? },
        "header" if target.is_empty() => return Err("a header check names the header".into()),
        "header" => Assertion::Header {
            name: target,
            test: test()?,
        },
        "json" => {
            if target.starts_with('$') {
                serde_json_path::JsonPath::parse(&target)
                    .map_err(|err| format!("`{target}` is not a valid JSONPath: {err}"))?;
            }
            Assertion::Json {
                path: target,
                test: test()?,
            }
        }
        "time" => Assertion::Time {
            under_ms: e
                .parse()
                .map_err(|_| format!("`{e}` is not a number of milliseconds"))?,
        },
        "body_contains" => Assertion::BodyContains {
            text: row.expected.clone(),
        },
        other => return Err(format!("`{other}` is not something a check can look at")),
    })
}

/// The row of an engine extraction.
pub fn extract_row(x: &Extraction) -> ExtractRow {
    let (from, target) = match &x.from {
        Source::Json { path } => ("json", path.clone()),
        Source::Header { name } => ("header", name.clone()),
        Source::Cookie { name } => ("cookie", name.clone()),
    };
    ExtractRow {
        var: x.var.clone(),
        from: from.into(),
        target,
    }
}

/// The engine extraction of a row, or what is wrong with it.
pub fn extraction(row: &ExtractRow) -> std::result::Result<Extraction, String> {
    let var = row.var.trim();
    if var.is_empty() || !var.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!(
            "`{var}` is not a variable name (letters, digits, _)"
        ));
    }
    let target = row.target.trim().to_string();
    let from = match row.from.as_str() {
        "json" => Source::Json { path: target },
        "header" => Source::Header { name: target },
        "cookie" => Source::Cookie { name: target },
        other => return Err(format!("`{other}` is not json, header or cookie")),
    };
    Ok(Extraction {
        var: var.to_string(),
        from,
    })
}

/// A usage problem in the window's input, as an error.
pub(super) fn usage(message: String, hint: &str) -> super::WorkbenchError {
    crate::Problem {
        kind: "usage".into(),
        message,
        hint: hint.into(),
    }
    .into()
}

/// A body the workbench no longer keeps (a newer call pushed it out).
pub(super) fn gone() -> super::WorkbenchError {
    usage(
        "that response is gone".into(),
        "send the request again (the window keeps the last 20 responses)",
    )
}

/// The stored request of a key (`folder/…/name`), with the store's folder ids by path.
pub(super) fn find(store: &Store, collection_id: i64, key: &str) -> Result<SavedRequest> {
    let folders = store.folders(collection_id)?;
    let path_of = |mut id: Option<i64>| {
        let mut names = Vec::new();
        while let Some(f) = id.and_then(|i| folders.iter().find(|f| f.id == i)) {
            names.insert(0, f.name.clone());
            id = f.parent_id;
        }
        names
    };
    store
        .requests(collection_id)?
        .into_iter()
        .find(|r| {
            let mut k = path_of(r.folder_id);
            k.push(r.name.clone());
            k.join("/") == key
        })
        .ok_or_else(|| {
            StoreError::NotFound {
                what: "request",
                name: key.into(),
            }
            .into()
        })
}

/// The store's id of a folder path, made where missing (None: the top), a new folder placed
/// after its collection's others.
pub(super) fn folder_id(
    store: &mut Store,
    collection_id: i64,
    path: &[String],
) -> Result<Option<i64>> {
    let after = store.folders(collection_id)?.len() as i64;
    let seqs = (1..=path.len())
        .map(|n| (path[..n].to_vec(), after))
        .collect();
    Ok(exchange::link::folder_id(
        store,
        collection_id,
        path,
        &seqs,
    )?)
}

/// The names of the requests in a folder of a collection (a new name must be none of them).
pub(super) fn names_in(store: &Store, collection: &str, folder: &[String]) -> Result<Vec<String>> {
    Ok(exchange::from_store(store, collection)?
        .requests
        .into_iter()
        .filter(|r| r.folder == folder)
        .map(|r| r.name)
        .collect())
}

/// `name (copy)`, `name (copy 2)`… whichever is free among `taken`.
fn copy_name(name: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| match n {
            1 => format!("{name} (copy)"),
            n => format!("{name} (copy {n})"),
        })
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| format!("{name} (copy)"))
}

impl Workbench {
    /// Opens a saved request (`key`: its folders and name joined by `/`).
    pub fn open_saved(&self, collection: &str, key: &str) -> Result<SavedView> {
        let store = self.store()?;
        let c = store.collection(collection)?;
        let r = find(&store, c.id, key)?;
        let assertions: Vec<Assertion> =
            serde_json::from_value(r.assertions.clone()).unwrap_or_default();
        let extractions: Vec<Extraction> =
            serde_json::from_value(r.extractions.clone()).unwrap_or_default();
        let mut folder: Vec<String> = key.split('/').map(String::from).collect();
        folder.pop();
        Ok(SavedView {
            collection: collection.into(),
            key: key.into(),
            name: r.name,
            folder,
            operation_id: r.operation_id,
            draft: r.draft,
            checks: assertions.iter().map(check_row).collect(),
            extractions: extractions.iter().map(extract_row).collect(),
        })
    }

    /// Saves a request opened in the window (or a new one, `key` empty): its draft, checks
    /// and extractions, under its name and folder. A row that is not a valid check is an
    /// error naming it; nothing is saved then.
    pub fn save_saved(&self, view: &SavedView) -> Result<Option<SyncReport>> {
        let bad = |what: &str, i: usize, e: String| {
            usage(
                format!("{what} {}: {e}", i + 1),
                "fix the row or remove it, then save again",
            )
        };
        let mut assertions = Vec::new();
        for (i, row) in view.checks.iter().enumerate() {
            assertions.push(assertion(row).map_err(|e| bad("check", i, e))?);
        }
        let mut extractions = Vec::new();
        for (i, row) in view.extractions.iter().enumerate() {
            extractions.push(extraction(row).map_err(|e| bad("extraction", i, e))?);
        }
        if view.name.trim().is_empty() || view.name.contains('/') {
            return Err(usage(
                format!("`{}` cannot name a request", view.name),
                "a name is not empty and holds no `/`",
            ));
        }
        let mut store = self.store()?;
        let c = match store.collection(&view.collection) {
            Ok(c) => c,
            Err(StoreError::NotFound { .. }) => {
                // A new collection is linked to the open spec.
                let c = store.create_collection(&view.collection, "")?;
                if let Ok(open) = self.current() {
                    store.set_spec_source(c.id, &open.source)?;
                }
                c
            }
            Err(e) => return Err(e.into()),
        };
        let folder_id = folder_id(&mut store, c.id, &view.folder)?;
        let old = match view.key.as_str() {
            "" => None,
            key => Some(find(&store, c.id, key)?),
        };
        let saved = SavedRequest {
            id: old.as_ref().map_or(0, |o| o.id),
            folder_id,
            name: view.name.trim().to_string(),
            seq: old
                .as_ref()
                .map_or(store.requests(c.id)?.len() as i64, |o| o.seq),
            operation_id: view.operation_id.clone(),
            draft: view.draft.clone(),
            assertions: json!(assertions),
            extractions: json!(extractions),
            scripts: old.as_ref().map_or(json!([]), |o| o.scripts.clone()),
        };
        match old {
            Some(_) => store.update_request(&saved)?,
            None => {
                store.save_request(c.id, &saved)?;
            }
        }
        self.sync_with(&mut store, &c.name)
    }

    /// Renames a saved request (in its folder); returns its new key.
    pub fn rename_request(&self, collection: &str, key: &str, name: &str) -> Result<String> {
        let mut view = self.open_saved(collection, key)?;
        view.name = name.trim().to_string();
        self.save_saved(&view)?;
        Ok(key_of(&view.folder, &view.name))
    }

    /// Moves a saved request to a folder (made when missing; empty: the top); its new key.
    pub fn move_request(&self, collection: &str, key: &str, folder: &[String]) -> Result<String> {
        let mut view = self.open_saved(collection, key)?;
        view.folder = folder.to_vec();
        self.save_saved(&view)?;
        Ok(key_of(&view.folder, &view.name))
    }

    /// Duplicates a saved request beside it (`name (copy)`); the copy's key.
    pub fn duplicate_request(&self, collection: &str, key: &str) -> Result<String> {
        let mut view = self.open_saved(collection, key)?;
        let taken = names_in(&self.store()?, collection, &view.folder)?;
        view.name = copy_name(&view.name, &taken);
        view.key = String::new();
        self.save_saved(&view)?;
        Ok(key_of(&view.folder, &view.name))
    }

    /// Deletes a saved request into the collection's trash; the trash item's id (restoring
    /// it undoes the delete).
    pub fn delete_request(&self, collection: &str, key: &str) -> Result<u32> {
        let view = self.open_saved(collection, key)?;
        let mut store = self.store()?;
        let c = store.collection(collection)?;
        let r = find(&store, c.id, key)?;
        let bundle = exchange::bundle_request(&r, view.folder.clone());
        let content = json!({"folder": view.folder, "request": bundle});
        let id = store.trash_put(
            c.id,
            &format!("request:{key}"),
            "deleted in the window",
            &content,
        )?;
        store.delete_request(r.id)?;
        self.sync_with(&mut store, &c.name)?;
        Ok(u32::try_from(id).unwrap_or(u32::MAX))
    }

    /// A request from what was typed or pasted: a cURL command (its method, URL, headers,
    /// body and user), `METHOD URL`, or a URL (GET). Matched against the open spec's
    /// operations, so the call is checked when one matches.
    pub fn parse_request(&self, text: &str) -> Result<FreeRequest> {
        let text = text.trim();
        let line = if text.starts_with("curl ") || text == "curl" {
            text.to_string()
        } else {
            let mut words = text.split_whitespace();
            let (method, url) =
                match (words.next(), words.next()) {
                    (Some(m), Some(u)) if crate::request::is_method(&m.to_ascii_uppercase()) => {
                        (m.to_ascii_uppercase(), u)
                    }
                    (Some(u), None) => ("GET".to_string(), u),
                    _ => return Err(usage(
                        format!("`{text}` is not a URL, `METHOD URL` or a cURL command"),
                        "paste a cURL command, or type a URL such as http://127.0.0.1:8000/items",
                    )),
                };
            format!("curl -X {method} '{}'", url.replace('\'', r"'\''"))
        };
        let bundle = exchange::from_curl(&line)?;
        let draft = bundle
            .requests
            .into_iter()
            .next()
            .map(|r| r.draft)
            .ok_or_else(|| usage("the cURL command holds no request".into(), ""))?;
        if draft.base_url.as_deref().is_none_or(|b| !b.contains("://")) {
            return Err(usage(
                format!("`{text}` names no http(s) URL"),
                "give the whole URL, with http:// or https://",
            ));
        }
        let operation_id = self.current().ok().and_then(|open| {
            let spec = open.contract.spec();
            crate::request::route(spec, &draft.method, &draft.path, "")
                .map(|r| r.operation.id.clone())
        });
        Ok(FreeRequest {
            title: format!("{} {}", draft.method, draft.path),
            draft,
            operation_id,
        })
    }

    /// One step of a stored run (`seq`: its place), to drill into.
    pub fn run_step(&self, run_id: i64, seq: u32) -> Result<StepDetail> {
        let store = self.store()?;
        let run = store.run(run_id)?;
        let step = run
            .steps
            .into_iter()
            .find(|s| s.seq == i64::from(seq))
            .ok_or_else(|| StoreError::NotFound {
                what: "run step",
                name: format!("{run_id}/{seq}"),
            })?;
        let reasons = step.reasons();
        let request = step.request.clone();
        Ok(StepDetail {
            name: step.name,
            outcome: step.outcome,
            method: step.method,
            url: step.url,
            request_headers: request
                .as_ref()
                .map(|r| r.headers.clone())
                .unwrap_or_default(),
            request_body: request.as_ref().and_then(|r| r.body.clone()),
            curl: request.map(|r| r.curl),
            status: step.status,
            elapsed_ms: step.elapsed_ms,
            response_headers: step.response_headers,
            response_body: String::from_utf8_lossy(&step.response_body).into_owned(),
            body_truncated: step.body_truncated,
            reasons,
            error: step.error,
        })
    }

    /// What a JSON pointer or JSONPath selects in a response body the window keeps, pretty
    /// printed (None: nothing there). The same selection the checks use.
    pub fn filter_body(&self, body_id: u32, path: &str) -> Result<Option<String>> {
        let bytes = self.kept(body_id).ok_or_else(gone)?;
        let doc: Value = serde_json::from_slice(&bytes[..]).map_err(|e| {
            usage(
                format!("the body is not JSON: {e}"),
                "a filter reads JSON bodies",
            )
        })?;
        let found = crate::suite::select(&doc, path.trim()).map_err(|e| {
            usage(
                e,
                "a JSONPath starts with `$` ($.items[*].id), a pointer with `/`",
            )
        })?;
        Ok(found.map(|v| serde_json::to_string_pretty(&v).unwrap_or_default()))
    }

    /// A value of the window's state kept in the store (open tabs, the last environment…).
    pub fn ui_state(&self, key: &str) -> Result<Option<String>> {
        Ok(self.store()?.ui_state(key)?)
    }

    /// Keeps a value of the window's state (at most 4 MB: open tabs, not responses).
    pub fn set_ui_state(&self, key: &str, value: &str) -> Result<()> {
        if value.len() > UI_STATE_CAP {
            return Err(usage(
                format!(
                    "the window's `{key}` is {} bytes, over {UI_STATE_CAP}",
                    value.len()
                ),
                "close some tabs",
            ));
        }
        Ok(self.store()?.set_ui_state(key, value)?)
    }

    /// Evaluates check rows on the window's last response (a row that is not a valid check
    /// says why).
    pub fn evaluate_checks(&self, rows: &[CheckRow]) -> Vec<CheckMark> {
        let last = self.last.lock().ok().and_then(|l| l.clone());
        rows.iter()
            .map(|row| match (assertion(row), &last) {
                (Err(e), _) => CheckMark {
                    passed: None,
                    message: e,
                },
                (Ok(_), None) => CheckMark {
                    passed: None,
                    message: "no response yet".into(),
                },
                (Ok(a), Some(ex)) => {
                    let json: Option<Value> = serde_json::from_slice(&ex.body).ok();
                    let r = crate::suite::evaluate(&a, ex, json.as_ref());
                    CheckMark {
                        passed: Some(r.passed),
                        message: r.message,
                    }
                }
            })
            .collect()
    }
}

pub(super) fn key_of(folder: &[String], name: &str) -> String {
    let mut parts = folder.to_vec();
    parts.push(name.to_string());
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_assertions_round_trip() {
        let text = r#"[
            {"on": "status", "equals": 201},
            {"on": "header", "name": "content-type", "matches": "json"},
            {"on": "json", "path": "$.name", "equals": "a"},
            {"on": "json", "path": "/id", "type": "integer"},
            {"on": "json", "path": "/gone", "exists": false},
            {"on": "time", "under_ms": 500.0},
            {"on": "body_contains", "text": "ok"}
        ]"#;
        let all: Vec<Assertion> = serde_json::from_str(text).expect("assertions");
        for a in &all {
            let row = check_row(a);
            assert_eq!(&assertion(&row).expect("valid"), a, "{row:?}");
        }
        let bad = |on: &str, target: &str, op: &str, expected: &str| {
            assertion(&CheckRow {
                on: on.into(),
                target: target.into(),
                op: op.into(),
                expected: expected.into(),
            })
            .expect_err("invalid")
        };
        assert!(bad("json", "$[", "equals", "1").contains("JSONPath"));
        assert!(bad("status", "", "matches", "(").contains("regex"));
        assert!(bad("header", "", "equals", "x").contains("names the header"));
        assert!(bad("time", "", "under", "soon").contains("milliseconds"));
        assert!(bad("json", "/a", "type", "str").contains("JSON type"));
        // Text that is not JSON is compared as text.
        let row = CheckRow {
            on: "json".into(),
            target: "/name".into(),
            op: "equals".into(),
            expected: "plain words".into(),
        };
        assert!(matches!(
            assertion(&row),
            Ok(Assertion::Json { test: Test::Equals(Value::String(s)), .. }) if s == "plain words"
        ));
        let x = ExtractRow {
            var: "id".into(),
            from: "json".into(),
            target: "$.id".into(),
        };
        assert_eq!(extract_row(&extraction(&x).expect("valid")), x);
        assert!(extraction(&ExtractRow {
            var: "no spaces".into(),
            ..x
        })
        .is_err());
        assert_eq!(
            copy_name("a", &["a (copy)".into()]),
            "a (copy 2)".to_string()
        );
    }
}
