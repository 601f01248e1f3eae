//! Parameter and header values as sent on the wire, read back into JSON by their schema and
//! `style`, so they can be validated like bodies.

use serde_json::{Map, Number, Value};

use crate::spec::{Loc, Parameter, Spec};

/// The JSON type a schema asks for, looking through `$ref` and FastAPI's
/// `anyOf: [X, {"type": "null"}]`.
pub(crate) fn schema_type(spec: &Spec, loc: &Loc) -> Option<String> {
    let (schema, at) = spec.deref(loc)?;
    match schema.get("type") {
        Some(Value::String(t)) => return Some(t.clone()),
        Some(Value::Array(ts)) => {
            return ts
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .map(str::to_string)
        }
        _ => {}
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(alts)) = schema.get(key) {
            for (i, alt) in alts.iter().enumerate() {
                if alt.get("type").and_then(Value::as_str) == Some("null") {
                    continue;
                }
                if let Some(t) = schema_type(spec, &at.child(key).child(&i.to_string())) {
                    return Some(t);
                }
            }
        }
    }
    None
}

/// The schema of an array's items, when `loc` is an array schema.
fn items_loc(spec: &Spec, loc: &Loc) -> Option<Loc> {
    let (schema, at) = spec.deref(loc)?;
    if schema.get("items").is_some() {
        return Some(at.child("items"));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alts)) = schema.get(key) {
            for i in 0..alts.len() {
                if let Some(l) = items_loc(spec, &at.child(key).child(&i.to_string())) {
                    return Some(l);
                }
            }
        }
    }
    None
}

/// A string as the scalar its schema asks for; left a string when it does not parse, so the
/// validator reports "expected integer, got string".
pub(crate) fn coerce(raw: &str, ty: Option<&str>) -> Value {
    match ty {
        Some("integer") => raw
            .parse::<i64>()
            .map(Value::from)
            .or_else(|_| raw.parse::<u64>().map(Value::from))
            .unwrap_or_else(|_| Value::String(raw.into())),
        Some("number") => raw
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(|n| {
                // Keep integers integral so `type: integer` alternatives still match.
                raw.parse::<i64>()
                    .map(Value::from)
                    .unwrap_or(Value::Number(n))
            })
            .unwrap_or_else(|| Value::String(raw.into())),
        Some("boolean") => match raw {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(raw.into()),
        },
        Some("null") if raw.is_empty() || raw == "null" => Value::Null,
        _ => Value::String(raw.into()),
    }
}

/// Reads the values sent for one parameter (every occurrence, already percent-decoded) into
/// the JSON its schema describes. `None` when it was not sent at all.
pub(crate) fn decode(spec: &Spec, param: &Parameter, sent: &[&str]) -> Option<Value> {
    let first = *sent.first()?;
    let Some(schema) = &param.schema else {
        // `content`-described parameters carry a serialised document, usually JSON.
        return Some(serde_json::from_str(first).unwrap_or_else(|_| Value::String(first.into())));
    };
    let ty = schema_type(spec, schema);
    match ty.as_deref() {
        Some("array") => {
            let item_ty = items_loc(spec, schema).and_then(|l| schema_type(spec, &l));
            let parts: Vec<&str> = if sent.len() > 1 || (param.explode && param.style == "form") {
                sent.to_vec()
            } else {
                let text = strip_prefix(param, first);
                let sep = match param.style.as_str() {
                    "spaceDelimited" => " ",
                    "pipeDelimited" => "|",
                    "label" if param.explode => ".",
                    "matrix" if param.explode => {
                        return Some(Value::Array(
                            first
                                .split(';')
                                .filter(|s| !s.is_empty())
                                .map(|s| {
                                    coerce(
                                        s.split_once('=').map_or(s, |(_, v)| v),
                                        item_ty.as_deref(),
                                    )
                                })
                                .collect(),
                        ))
                    }
                    _ => ",",
                };
                if text.is_empty() {
                    Vec::new()
                } else {
                    text.split(sep).collect()
                }
            };
            Some(Value::Array(
                parts
                    .iter()
                    .map(|p| coerce(p, item_ty.as_deref()))
                    .collect(),
            ))
        }
        Some("object") => {
            let text = strip_prefix(param, first);
            let mut map = Map::new();
            if param.explode {
                for pair in text.split([',', ';', '.']).filter(|s| !s.is_empty()) {
                    if let Some((k, v)) = pair.split_once('=') {
                        map.insert(k.into(), Value::String(v.into()));
                    }
                }
            } else {
                let parts: Vec<&str> = text.split(',').collect();
                for kv in parts.chunks(2) {
                    if let [k, v] = kv {
                        map.insert((*k).into(), Value::String((*v).into()));
                    }
                }
            }
            Some(coerce_object(spec, schema, map))
        }
        other => Some(coerce(strip_prefix(param, first), other)),
    }
}

/// Object properties read from strings, each coerced by its property schema.
pub(crate) fn coerce_object(spec: &Spec, schema: &Loc, map: Map<String, Value>) -> Value {
    let props = spec.deref(schema).map(|(_, at)| at.child("properties"));
    let out = map
        .into_iter()
        .map(|(k, v)| {
            let ty = props.as_ref().and_then(|p| schema_type(spec, &p.child(&k)));
            let v = match v {
                Value::String(s) => coerce(&s, ty.as_deref()),
                other => other,
            };
            (k, v)
        })
        .collect();
    Value::Object(out)
}

/// The value without the `.` (label) or `;name=` (matrix) prefix its style adds.
fn strip_prefix<'a>(param: &Parameter, raw: &'a str) -> &'a str {
    match param.style.as_str() {
        "label" => raw.strip_prefix('.').unwrap_or(raw),
        "matrix" => raw
            .strip_prefix(';')
            .and_then(|r| r.strip_prefix(param.name.as_str()))
            .and_then(|r| r.strip_prefix('='))
            .unwrap_or(raw),
        _ => raw,
    }
}
