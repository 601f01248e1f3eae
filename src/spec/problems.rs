//! Problems: what is wrong with a document that still loads. Found by the official
//! meta-schemas (through the jsonschema crate), by reference checks, and by semantic checks
//! the meta-schemas cannot express.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Map, Value};

use super::index::{placeholders, Operation, ParamLocation};
use super::refs::{walk_refs, DocId, Documents, Loc, RefError};
use super::{Dialect, Spec};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document breaks the OpenAPI specification.
    Error,
    /// Legal, but almost certainly not what the author meant.
    Warning,
}

/// Which check found a problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProblemKind {
    /// The official OpenAPI meta-schema.
    MetaSchema,
    /// A `$ref` that leads nowhere.
    Reference,
    /// A rule the meta-schema cannot express (duplicate ids, path placeholders, ...).
    Semantic,
}

/// Something wrong with a document that does not stop it from loading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// JSON pointer to the offending part.
    pub pointer: String,
    /// What is wrong, in words.
    pub message: String,
    /// Which check found it.
    pub kind: ProblemKind,
    /// How bad it is.
    pub severity: Severity,
    /// The file or URL, when the problem is in a document other than the entry one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip)]
    pub(crate) doc: DocId,
}

impl Problem {
    pub(crate) fn new(
        loc: &Loc,
        kind: ProblemKind,
        severity: Severity,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            pointer: loc.pointer.clone(),
            message: message.into(),
            kind,
            severity,
            file: None,
            doc: loc.doc,
        }
    }

    pub(crate) fn reference(loc: &Loc, message: impl Into<String>) -> Problem {
        Problem::new(loc, ProblemKind::Reference, Severity::Error, message)
    }

    fn semantic(loc: &Loc, severity: Severity, message: impl Into<String>) -> Problem {
        Problem::new(loc, ProblemKind::Semantic, severity, message)
    }
}

/// Follows `$ref`s from `loc`; when they lead nowhere, records why (naming `what` was being
/// resolved) and gives `None`, so the caller can carry on without that piece.
pub(crate) fn deref_or_report<'a>(
    docs: &'a Documents,
    loc: &Loc,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<(&'a Value, Loc)> {
    report(docs.deref(loc), loc, what, problems)
}

/// [`deref_or_report`] of `loc` whose value `here` the caller already holds.
pub(crate) fn deref_in_or_report<'a>(
    docs: &'a Documents,
    here: &'a Value,
    loc: &Loc,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<(&'a Value, Loc)> {
    report(docs.deref_in(here, loc), loc, what, problems)
}

fn report<'a>(
    found: Result<(&'a Value, Loc), super::refs::RefError>,
    loc: &Loc,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<(&'a Value, Loc)> {
    match found {
        Ok(found) => Some(found),
        Err(e) => {
            problems.push(Problem::reference(
                loc,
                format!("{what} $ref cannot be resolved: {e}"),
            ));
            None
        }
    }
}

/// At most this many meta-schema problems are listed per document; a broken generator can
/// otherwise produce hundreds of thousands.
const MAX_META_PROBLEMS: usize = 500;

/// Every problem of a loaded spec, load-time ones first.
pub(crate) fn all(spec: &Spec) -> Vec<Problem> {
    let mut out = spec.load_problems.clone();
    let source = spec
        .original
        .as_ref()
        .unwrap_or_else(|| spec.docs.value(DocId::ROOT));
    // The checks read the spec and nothing else: they run side by side (a large spec's
    // checks cost more than its load), and their findings join in a fixed order.
    let dialect = spec.version.dialect;
    std::thread::scope(|scope| {
        let references = scope.spawn(|| reference_problems(&spec.docs, spec.original.as_ref()));
        let semantic = scope.spawn(|| semantic_problems(spec));
        let lint = scope.spawn(|| schema_lint(dialect, source));
        let mut meta = meta_schema_problems(dialect, source);
        if dialect == Dialect::Swagger2 {
            meta.extend(swagger2_problems(&spec.docs, source));
        }
        // A check that panicked is a bug: it surfaces as it would have on one thread.
        let joined = |h: std::thread::ScopedJoinHandle<'_, Vec<Problem>>| {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        };
        out.extend(joined(references));
        out.extend(meta);
        out.extend(joined(semantic));
        out.extend(joined(lint));
    });
    let mut seen = HashSet::new();
    out.retain(|p| seen.insert((p.doc, p.pointer.clone(), p.message.clone())));
    out
}

/// `$ref`s that point at nothing, in every document of the spec.
fn reference_problems(docs: &Documents, original_root: Option<&Value>) -> Vec<Problem> {
    let mut out = Vec::new();
    for i in 0..docs.len() {
        let doc = DocId(i as u32);
        let value = match (doc, original_root) {
            (DocId::ROOT, Some(orig)) => orig,
            _ => docs.value(doc),
        };
        // A spec names the same targets again and again: each reference is checked once.
        let mut checked: HashMap<&str, Result<(), RefError>> = HashMap::new();
        walk_refs(value, &mut |pointer, reference| {
            let found = checked.entry(reference).or_insert_with(|| {
                docs.target(doc, reference).and_then(|loc| {
                    let exists = match (loc.doc, original_root) {
                        (DocId::ROOT, Some(orig)) => {
                            crate::spec::refs::pointer(orig, &loc.pointer).is_some()
                        }
                        _ => docs.get(&loc).is_some(),
                    };
                    if exists {
                        Ok(())
                    } else {
                        Err(RefError::MissingTarget(loc.pointer))
                    }
                })
            });
            match found {
                Ok(()) => {}
                // Documents that failed to load were reported when the load tried them.
                Err(RefError::MissingDocument(_)) => {}
                Err(e) => out.push(Problem::reference(
                    &Loc {
                        doc,
                        pointer: pointer(),
                    },
                    format!("$ref '{reference}' cannot be resolved: {e}"),
                )),
            }
        });
    }
    out
}

fn compiled(dialect: Dialect) -> Option<&'static jsonschema::Validator> {
    static V2: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static V30: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    static V31: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    let (cell, text): (&OnceLock<_>, &str) = match dialect {
        Dialect::Swagger2 => (&V2, include_str!("metaschema/v2.0-schema.json")),
        Dialect::OpenApi30 => (&V30, include_str!("metaschema/v3.0-schema.yaml")),
        Dialect::OpenApi31 => (&V31, include_str!("metaschema/v3.1-schema.yaml")),
        Dialect::OpenApi32 => return None,
    };
    cell.get_or_init(|| {
        let schema = super::parse::parse(text.as_bytes(), "meta-schema", 128).ok()?;
        match jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
        {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::error!("the built-in {dialect:?} meta-schema does not compile: {e}");
                None
            }
        }
    })
    .as_ref()
}

fn meta_schema_problems(dialect: Dialect, doc: &Value) -> Vec<Problem> {
    let Some(validator) = compiled(dialect) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for err in validator.iter_errors(doc).take(MAX_META_PROBLEMS + 1) {
        if out.len() == MAX_META_PROBLEMS {
            out.push(Problem::new(
                &Loc::root(""),
                ProblemKind::MetaSchema,
                Severity::Error,
                format!(
                    "more than {MAX_META_PROBLEMS} meta-schema problems; the rest are not listed"
                ),
            ));
            break;
        }
        // The masked form leaves the (possibly huge) offending value out of the message.
        let message = format!(
            "{} (meta-schema: {})",
            err.masked(),
            err.schema_path().as_str()
        );
        out.push(Problem::new(
            &Loc::root(err.instance_path().as_str()),
            ProblemKind::MetaSchema,
            Severity::Error,
            message,
        ));
    }
    out
}

/// Checks over operations that hold for every version. Resolving every operation is the
/// costly part of a large spec's checks: it is shared over the cores, and each operation's
/// problems keep their place.
fn semantic_problems(spec: &Spec) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut first_with_id: HashMap<&str, &str> = HashMap::new();
    for op in spec.operations.iter().chain(&spec.webhooks) {
        if !op.id_derived {
            if let Some(prev) = first_with_id.insert(&op.id, &op.pointer) {
                out.push(Problem::semantic(
                    &Loc::root(format!("{}/operationId", op.pointer)),
                    Severity::Error,
                    format!("operationId '{}' is already used by {prev}", op.id),
                ));
                first_with_id.insert(&op.id, prev);
            }
        }
    }
    let mut templates: HashMap<String, &str> = HashMap::new();
    let mut per_op: Vec<Vec<Problem>> = spec
        .operations
        .iter()
        .map(|op| template_problems(op, &mut templates))
        .collect();
    let ops = &spec.operations;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A few hundred operations are not worth a thread.
    let chunk = ops.len().div_ceil(cores).max(256);
    if ops.len() <= chunk {
        for (slot, op) in per_op.iter_mut().zip(ops) {
            slot.extend(operation_problems(spec, op));
        }
        out.extend(per_op.into_iter().flatten());
        return out;
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = ops
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|op| operation_problems(spec, op))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut slots = per_op.iter_mut();
        for h in handles {
            let resolved = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            for (slot, found) in slots.by_ref().zip(resolved) {
                slot.extend(found);
            }
        }
    });
    out.extend(per_op.into_iter().flatten());
    out
}

/// A path template naming a placeholder twice, or the same template as an earlier path with
/// other placeholder names.
fn template_problems<'a>(
    op: &'a Operation,
    templates: &mut HashMap<String, &'a str>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    let path_item = || Loc::root(op.pointer.rsplit_once('/').map(|x| x.0).unwrap_or_default());
    let mut unique = HashSet::new();
    for h in placeholders(&op.path) {
        if !unique.insert(h) {
            out.push(Problem::semantic(
                &path_item(),
                Severity::Error,
                format!("the path template {} names {{{h}}} twice", op.path),
            ));
        }
    }
    let shape = normalise_template(&op.path);
    match templates.get(shape.as_str()) {
        Some(other) if *other != op.path.as_str() => out.push(Problem::semantic(
            &path_item(),
            Severity::Error,
            format!(
                "the path {} is the same template as {other} with other placeholder names",
                op.path
            ),
        )),
        Some(_) => {}
        None => {
            templates.insert(shape, &op.path);
        }
    }
    out
}

/// What resolving one operation finds: path parameters without a placeholder and the
/// reverse, parameters declared twice at one level, and the resolution's own problems.
fn operation_problems(spec: &Spec, op: &Operation) -> Vec<Problem> {
    let mut out = Vec::new();
    let unique: HashSet<&str> = placeholders(&op.path).into_iter().collect();
    let detail = spec.resolve(op);
    let mut seen = HashSet::new();
    for p in &detail.parameters {
        if p.location == ParamLocation::Path && !unique.contains(p.name.as_str()) {
            out.push(Problem::semantic(
                &p.at,
                Severity::Error,
                format!(
                    "path parameter '{}' has no {{{}}} placeholder in {}",
                    p.name, p.name, op.path
                ),
            ));
        }
        seen.insert((p.name.as_str(), p.location));
    }
    // In the order the path names them.
    let mut named = HashSet::new();
    for h in placeholders(&op.path) {
        if named.insert(h) && !seen.contains(&(h, ParamLocation::Path)) {
            out.push(Problem::semantic(
                &op.loc,
                Severity::Error,
                format!(
                    "the placeholder {{{h}}} in {} has no path parameter",
                    op.path
                ),
            ));
        }
    }
    // Duplicates within one level (the merge hides them, so look at the raw lists).
    for holder in [&op.item, &op.loc] {
        let list = spec
            .docs
            .get(holder)
            .and_then(|h| h.get("parameters"))
            .and_then(Value::as_array);
        let base = holder.child("parameters");
        let mut names = HashSet::new();
        for (i, here) in list.into_iter().flatten().enumerate() {
            let at = base.child(&i.to_string());
            if let Ok((p, _)) = spec.docs.deref_in(here, &at) {
                let key = (
                    p.get("name").and_then(Value::as_str),
                    p.get("in").and_then(Value::as_str),
                );
                if key.0.is_some() && !names.insert(key) {
                    out.push(Problem::semantic(
                        &at,
                        Severity::Error,
                        format!(
                            "parameter '{}' in {} is declared twice",
                            key.0.unwrap_or_default(),
                            key.1.unwrap_or_default()
                        ),
                    ));
                }
            }
        }
    }
    out.extend(detail.problems);
    out
}

/// `/a/{x}/b` → `/a/{}/b`: templates that differ only in placeholder names clash.
fn normalise_template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    out.push('{');
                }
            }
            '}' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    out.push('}');
                }
            }
            _ if depth > 0 => {}
            _ => out.push(c),
        }
    }
    out
}

/// Swagger 2.0 rules about body, formData and file parameters, on the original document.
// Kept whole: the Swagger 2.0 parameter rules, one after the other, over one pass.
fn swagger2_problems(docs: &Documents, original: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let global_consumes = original.get("consumes");
    let Some(paths) = original.get("paths").and_then(Value::as_object) else {
        return out;
    };
    let resolve = |holder: &Value, at: &Loc| -> Vec<Value> {
        let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
            return Vec::new();
        };
        (0..list.len())
            .filter_map(|i| {
                let at = at.child("parameters").child(&i.to_string());
                match list[i].get("$ref").and_then(Value::as_str) {
                    Some(r) => docs
                        .target(at.doc, r)
                        .ok()
                        .and_then(|l| {
                            if l.doc == DocId::ROOT {
                                crate::spec::refs::pointer(original, &l.pointer)
                            } else {
                                docs.get(&l)
                            }
                        })
                        .cloned(),
                    None => Some(list[i].clone()),
                }
            })
            .collect()
    };
    for (path, item) in paths {
        let item_at = Loc::root("/paths").child(path);
        let shared = resolve(item, &item_at);
        let shared_bodies = shared.iter().filter(|p| p["in"] == "body").count();
        if shared_bodies > 1 {
            out.push(Problem::semantic(
                &item_at.child("parameters"),
                Severity::Error,
                format!("{path} declares {shared_bodies} body parameters; at most one is allowed"),
            ));
        }
        for m in ["get", "put", "post", "delete", "options", "head", "patch"] {
            let Some(op) = item.get(m) else { continue };
            let at = item_at.child(m);
            let own = resolve(op, &at);
            let mut all: Vec<&Value> = shared
                .iter()
                .filter(|s| {
                    !own.iter()
                        .any(|o| o.get("name") == s.get("name") && o.get("in") == s.get("in"))
                })
                .collect();
            all.extend(own.iter());
            let bodies = all.iter().filter(|p| p["in"] == "body").count();
            let forms = all.iter().filter(|p| p["in"] == "formData").count();
            if bodies > 1 {
                out.push(Problem::semantic(
                    &at,
                    Severity::Error,
                    format!(
                        "{} {path} has {bodies} body parameters; at most one is allowed",
                        m.to_uppercase()
                    ),
                ));
            }
            if bodies > 0 && forms > 0 {
                out.push(Problem::semantic(
                    &at,
                    Severity::Error,
                    format!(
                        "{} {path} has both body and formData parameters",
                        m.to_uppercase()
                    ),
                ));
            }
            if all.iter().any(|p| p["type"] == "file") {
                let consumes = op
                    .get("consumes")
                    .or(global_consumes)
                    .and_then(Value::as_array);
                let ok = consumes
                    .is_some_and(|c| c.iter().filter_map(Value::as_str).any(is_form_media_type));
                if !ok {
                    out.push(Problem::semantic(
                        &at,
                        Severity::Error,
                        format!(
                            "{} {path} has a file parameter but does not consume multipart/form-data or \
                             application/x-www-form-urlencoded",
                            m.to_uppercase()
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// `multipart/form-data`, `application/x-www-form-urlencoded`, or a vendor variant of either
/// (`multipart/vnd.acme+form-data; version=1`).
fn is_form_media_type(t: &str) -> bool {
    let essence = t
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("multipart", sub)) => sub.ends_with("form-data"),
        Some(("application", sub)) => sub.ends_with("x-www-form-urlencoded"),
        _ => false,
    }
}

/// Schema mistakes the meta-schemas let through: arrays without `items` (required before
/// 3.1) and required properties that an object with a closed property list never defines.
fn schema_lint(dialect: Dialect, doc: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    let pre_31 = matches!(dialect, Dialect::Swagger2 | Dialect::OpenApi30);
    super::refs::visit_objects(doc, &mut |pointer, obj| {
        if pre_31
            && obj.get("type").and_then(Value::as_str) == Some("array")
            && !obj.contains_key("items")
        {
            out.push(Problem::semantic(
                &Loc::root(pointer()),
                Severity::Error,
                "an array schema must define `items` before OpenAPI 3.1",
            ));
        }
        if let Some(missing) = undefined_required(obj) {
            out.push(Problem::semantic(
                &Loc::root(pointer()),
                Severity::Warning,
                format!("required property '{missing}' is not defined under `properties`"),
            ));
        }
    });
    out
}

fn undefined_required(obj: &Map<String, Value>) -> Option<String> {
    let required = obj.get("required")?.as_array()?;
    let props = obj.get("properties")?.as_object()?;
    let open = [
        "additionalProperties",
        "patternProperties",
        "allOf",
        "anyOf",
        "oneOf",
        "$ref",
    ]
    .iter()
    .any(|k| obj.get(*k).is_some_and(|v| v != &Value::Bool(false)));
    if open {
        return None;
    }
    required
        .iter()
        .filter_map(Value::as_str)
        .find(|r| !props.contains_key(*r))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Enough operations for the resolution to be shared over threads: each operation's
    /// problems still come in the order of the operations, whatever thread found them.
    #[test]
    fn problems_of_many_operations_keep_the_operations_order() {
        let mut paths = serde_json::Map::new();
        for i in 0..1200 {
            let broken = i % 300 == 7;
            let name = if broken { "wrong" } else { "id" };
            paths.insert(
                format!("/r{i}/{{id}}"),
                serde_json::json!({"get": {"operationId": format!("op{i}"),
                    "parameters": [{"name": name, "in": "path", "required": true,
                                    "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Nope"}}}}}}}),
            );
        }
        let doc = serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
            "paths": paths, "components": {"schemas": {}}});
        let spec = Spec::from_bytes(
            &serde_json::to_vec(&doc).expect("json"),
            None,
            &crate::spec::LoadOptions::default(),
        )
        .expect("spec");
        let found: Vec<String> = semantic_problems(&spec)
            .iter()
            .map(|p| p.message.clone())
            .collect();
        let expected: Vec<String> = [7, 307, 607, 907]
            .iter()
            .flat_map(|i| {
                [
                    format!("path parameter 'wrong' has no {{wrong}} placeholder in /r{i}/{{id}}"),
                    format!("the placeholder {{id}} in /r{i}/{{id}} has no path parameter"),
                ]
            })
            .collect();
        assert_eq!(found, expected);
        // The dangling $ref is one problem per use, found once per distinct reference.
        let refs = reference_problems(&spec.docs, spec.original.as_ref());
        assert_eq!(refs.len(), 1200, "{:?}", refs.first());
        assert!(refs[0].message.contains("#/components/schemas/Nope"));
        assert_eq!(
            refs[5].pointer,
            "/paths/~1r5~1{id}/get/responses/200/content/application~1json/schema"
        );
    }
}
