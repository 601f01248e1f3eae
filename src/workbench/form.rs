//! The form model of an operation: its parameters and body as self-contained JSON Schemas a
//! form library renders (draft-07 shaped: `$ref`s inlined, FastAPI's `anyOf: [X, null]` and
//! 3.0's `nullable` folded into X, read-only properties left out of requests), plus the
//! values the smoke suite would send, to prefill it.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::request::Draft;
use crate::spec::{Loc, Operation, Spec};

/// How deep `$ref`s are inlined before a recursive schema is cut (rendered as free JSON).
const MAX_DEPTH: usize = 10;

/// One parameter field of the form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ParamField {
    /// Name.
    pub name: String,
    /// `path`, `query`, `header` or `cookie`.
    pub location: crate::spec::ParamLocation,
    /// Must be given.
    pub required: bool,
    /// Its description, when the spec has one.
    pub description: Option<String>,
    /// Its schema, self-contained.
    pub schema: Value,
}

/// The body field of the form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BodyField {
    /// The media type the form writes (JSON when the operation accepts it).
    pub media_type: String,
    /// Must be sent.
    pub required: bool,
    /// Its schema, self-contained.
    pub schema: Value,
}

/// Everything the app needs to render an operation's request form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OperationForm {
    /// Operation id.
    pub id: String,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary, when the spec gives one.
    pub summary: Option<String>,
    /// Parameters, in the spec's order.
    pub params: Vec<ParamField>,
    /// The body, when the operation takes one.
    pub body: Option<BodyField>,
    /// Values to start from (examples, defaults, or generated).
    pub draft: Draft,
}

/// The form of one operation.
pub fn operation_form(spec: &Spec, op: &Operation) -> OperationForm {
    let detail = spec.resolve(op);
    let params = detail
        .parameters
        .iter()
        .map(|p| ParamField {
            name: p.name.clone(),
            location: p.location,
            required: p.required,
            description: spec
                .get(&p.at)
                .and_then(|v| v.get("description"))
                .and_then(Value::as_str)
                .map(str::to_string),
            schema: p
                .schema
                .as_ref()
                .map(|s| form_schema(spec, s))
                .unwrap_or_else(|| Value::Object(Map::new())),
        })
        .collect();
    let body = detail.request_body.as_ref().and_then(|rb| {
        let media = crate::contract::media::preferred(&rb.content)?;
        Some(BodyField {
            media_type: media.media_type.clone(),
            required: rb.required,
            schema: media
                .schema
                .as_ref()
                .map(|s| form_schema(spec, s))
                .unwrap_or_else(|| Value::Object(Map::new())),
        })
    });
    let draft = crate::suite::smoke_step(spec, op).draft;
    OperationForm {
        id: op.id.clone(),
        method: op.method.clone(),
        path: op.path.clone(),
        summary: op.summary.clone(),
        params,
        body,
        draft,
    }
}

/// Schema nodes one form may hold: shared `$ref`s are inlined from one memoised walk each,
/// and a schema that still fans out past this is left for the raw JSON editor rather than
/// freezing the window.
const MAX_NODES: usize = 20_000;

/// The walk of one form: the schemas on the current path (cycles), the inlined schemas by
/// location with their sizes, and the nodes spent.
#[derive(Default)]
struct Walk {
    seen: HashSet<String>,
    made: std::collections::HashMap<String, (Value, usize)>,
    nodes: usize,
}

/// The schema at `loc`, self-contained and shaped for a request form.
pub fn form_schema(spec: &Spec, loc: &Loc) -> Value {
    inline(spec, loc, 0, &mut Walk::default())
}

fn inline(spec: &Spec, loc: &Loc, depth: usize, w: &mut Walk) -> Value {
    let key = spec
        .deref(loc)
        .map(|(_, at)| format!("{at:?}"))
        .unwrap_or_default();
    if let Some((v, size)) = w.made.get(&key) {
        w.nodes += size;
        if w.nodes <= MAX_NODES {
            return v.clone();
        }
    }
    if w.nodes > MAX_NODES {
        return serde_json::json!({"description": "(too large for a form: edit as JSON)"});
    }
    let before = w.nodes;
    w.nodes += 1;
    let v = inline_new(spec, loc, depth, w);
    if !key.is_empty() && !w.seen.contains(&key) {
        w.made.insert(key, (v.clone(), w.nodes - before));
    }
    v
}

fn is_null_schema(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

// Kept whole: a recursive walk whose cases (refs, nullable anyOf, combinators, properties, items) share the walk's state.
fn inline_new(spec: &Spec, loc: &Loc, depth: usize, w: &mut Walk) -> Value {
    let Some((schema, at)) = spec.deref(loc) else {
        return Value::Object(Map::new());
    };
    let key = format!("{at:?}");
    if depth > MAX_DEPTH || w.seen.contains(&key) {
        // Recursive: leave the rest as free JSON.
        return serde_json::json!({"description": "(recursive: edit as JSON)"});
    }
    let Value::Object(obj) = schema else {
        return schema.clone();
    };
    w.seen.insert(key.clone());
    let mut out = Map::new();
    for (k, v) in obj {
        match k.as_str() {
            "$ref" | "nullable" | "discriminator" | "xml" | "externalDocs" | "example" => {}
            "properties" => {
                let mut props = Map::new();
                if let Value::Object(ps) = v {
                    for name in ps.keys() {
                        let p = inline(spec, &at.child("properties").child(name), depth + 1, w);
                        // Read-only properties are the server's to set.
                        if p.get("readOnly") != Some(&Value::Bool(true)) {
                            props.insert(name.clone(), p);
                        }
                    }
                }
                out.insert(k.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" if v.is_object() => {
                out.insert(k.clone(), inline(spec, &at.child(k), depth + 1, w));
            }
            "anyOf" | "oneOf" | "allOf" => {
                let alts: Vec<Value> = v
                    .as_array()
                    .map(|a| {
                        (0..a.len())
                            .map(|i| inline(spec, &at.child(k).child(&i.to_string()), depth + 1, w))
                            .collect()
                    })
                    .unwrap_or_default();
                let non_null: Vec<Value> = alts
                    .iter()
                    .filter(|a| !is_null_schema(a))
                    .cloned()
                    .collect();
                if k != "allOf" && non_null.len() == 1 {
                    // `anyOf: [X, {type: null}]`: X (leaving a field empty sends no value).
                    if let Value::Object(x) = &non_null[0] {
                        for (xk, xv) in x {
                            out.entry(xk.clone()).or_insert_with(|| xv.clone());
                        }
                    }
                } else {
                    out.insert(k.clone(), Value::Array(non_null));
                }
            }
            "exclusiveMinimum" | "exclusiveMaximum" if v.is_boolean() => {
                // 3.0's boolean form: the bound itself moves to the exclusive keyword.
                let bound = if k == "exclusiveMinimum" {
                    "minimum"
                } else {
                    "maximum"
                };
                if v == &Value::Bool(true) {
                    if let Some(b) = obj.get(bound) {
                        out.insert(k.clone(), b.clone());
                    }
                }
            }
            "type" if v.is_array() => {
                // 3.1 `type: [X, "null"]`: X.
                let types: Vec<&Value> = v
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|t| t.as_str() != Some("null"))
                    .collect();
                out.insert(
                    k.clone(),
                    if types.len() == 1 {
                        types[0].clone()
                    } else {
                        Value::Array(types.into_iter().cloned().collect())
                    },
                );
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    if obj.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
        out.remove("minimum");
    }
    if obj.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
        out.remove("maximum");
    }
    if let (Some(Value::Array(req)), Some(Value::Object(props))) =
        (out.get("required").cloned(), out.get("properties"))
    {
        let kept: Vec<Value> = req
            .into_iter()
            .filter(|r| r.as_str().is_some_and(|n| props.contains_key(n)))
            .collect();
        out.insert("required".into(), Value::Array(kept));
    }
    w.seen.remove(&key);
    Value::Object(out)
}
