//! Every entry document of the corpus loads, with exactly as many operations as it has
//! (path, method) pairs; every document in a `fail/` or `invalid/` folder is diagnosed.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{corpus, load};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub(crate) fn spec_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![corpus().join("specs")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read corpus dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "oai-metaschemas") {
                    stack.push(path);
                }
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "yaml" | "yml")
            ) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Error fixtures that live outside `fail/` and `invalid/` folders, with why they are broken.
const OTHER_NEGATIVES: &[(&str, &str)] = &[(
    "callbacks-promises-error.yaml",
    "swagger-parser's error fixture: `swagger: \"ERROR\"`",
)];

pub(crate) fn is_negative(path: &Path) -> bool {
    path.components()
        .any(|c| matches!(c.as_os_str().to_str(), Some("fail" | "invalid")))
        || OTHER_NEGATIVES.iter().any(|(name, _)| path.ends_with(name))
}

/// Independent of the engine: serde_json for JSON, serde-saphyr for YAML.
fn read(path: &Path) -> Option<Value> {
    crate::util::read_independently(path)
}

/// Counts (path, method) pairs, following a path item `$ref` into its file by hand.
fn expected_operations(path: &Path, doc: &Value) -> usize {
    let is_32 = doc
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with("3.2"));
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return 0;
    };
    paths
        .values()
        .map(|item| {
            let item = follow(path, doc, item, 0);
            let Some(obj) = item.as_ref().and_then(Value::as_object) else {
                return 0;
            };
            let mut n = METHODS
                .iter()
                .filter(|m| obj.get(**m).is_some_and(Value::is_object))
                .count();
            if is_32 {
                n += usize::from(obj.get("query").is_some_and(Value::is_object));
                n += obj
                    .get("additionalOperations")
                    .and_then(Value::as_object)
                    .map_or(0, |a| a.len());
            }
            n
        })
        .sum()
}

fn follow(base: &Path, doc: &Value, v: &Value, depth: usize) -> Option<Value> {
    let Some(r) = v.get("$ref").and_then(Value::as_str) else {
        return Some(v.clone());
    };
    if depth > 20 {
        return None;
    }
    let (file, frag) = r.split_once('#').unwrap_or((r, ""));
    let frag = frag.replace("%7B", "{").replace("%7D", "}");
    let (target_path, target_doc) = if file.is_empty() {
        (base.to_path_buf(), doc.clone())
    } else {
        let p = base.parent()?.join(file);
        let d = read(&p)?;
        (p, d)
    };
    let found = if frag.is_empty() {
        target_doc.clone()
    } else {
        target_doc.pointer(&frag)?.clone()
    };
    follow(&target_path, &target_doc, &found, depth + 1)
}

#[test]
fn every_entry_document_loads_with_all_its_operations() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in spec_files().into_iter().filter(|p| !is_negative(p)) {
        let Some(doc) = read(&path) else { continue };
        if doc.get("openapi").is_none() && doc.get("swagger").is_none() {
            continue; // a fragment referenced by an entry document
        }
        checked += 1;
        let expected = expected_operations(&path, &doc);
        match load(path.to_str().expect("utf-8 path")) {
            Ok(spec) if spec.operations().len() == expected => {}
            Ok(spec) => failures.push(format!(
                "{}: {} operations, expected {expected}",
                path.display(),
                spec.operations().len()
            )),
            Err(e) => failures.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(
        checked > 220,
        "only {checked} entry documents found: is the corpus complete?"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_document_in_fail_and_invalid_folders_is_diagnosed() {
    let mut checked = 0;
    let mut undiagnosed = Vec::new();
    for path in spec_files().into_iter().filter(|p| is_negative(p)) {
        checked += 1;
        match load(path.to_str().expect("utf-8 path")) {
            Err(e) => assert!(!e.to_string().is_empty()),
            Ok(spec) => {
                if spec.problems().is_empty() {
                    undiagnosed.push(path.display().to_string());
                }
            }
        }
    }
    assert!(checked >= 50, "only {checked} negative documents found");
    assert!(
        undiagnosed.is_empty(),
        "loaded without any problem:\n{}",
        undiagnosed.join("\n")
    );
}

#[test]
fn valid_parser_fixtures_have_no_errors() {
    // swagger-parser's own "valid" fixtures: no false alarms.
    let dir = corpus().join("specs/nasty/apidevtools-swagger-parser");
    for rel in [
        "validate-spec/valid/file-vendor-specific-consumes-formdata.yaml",
        "validate-spec/valid/file-vendor-specific-consumes-urlencoded.yaml",
        "validate-spec/valid/inherited-required-properties.yaml",
        "validate-spec/valid/only-validate-required-properties-on-objects.yaml",
        "validate-schema/valid/allof.yaml",
        "validate-schema/valid/unknown-format.yaml",
    ] {
        let spec = load(dir.join(rel).to_str().expect("path")).expect("loads");
        let problems = spec.problems();
        assert!(problems.is_empty(), "{rel}: {problems:#?}");
    }
}
