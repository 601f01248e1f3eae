//! Values generated from schemas, valid by construction where the schema allows it: the
//! example, default, const or first enum value when there is one; otherwise the smallest
//! value of the right type honouring bounds, lengths, formats and required properties.

use serde_json::{json, Map, Value};

use crate::spec::{Loc, Spec};

/// How deep generation goes before stopping at a cycle (a recursive schema).
const MAX_DEPTH: usize = 12;

/// Schema nodes one value may take: shared `$ref`s are generated once (memoised per schema
/// location), and a spec whose schemas still fan out past this gets `null` for the rest
/// rather than freezing the window or hanging CI.
const MAX_NODES: usize = 10_000;

/// Sizes taken from the spec are capped: a `minItems: 1000000000` or `minLength` that large
/// gives a bounded (if short) value instead of an allocation abort.
const MAX_ITEMS: u64 = 64;
const MAX_LENGTH: usize = 4096;

/// What one generation has spent, and the values of the schema locations it has made.
#[derive(Default)]
struct Budget {
    nodes: usize,
    made: std::collections::HashMap<Loc, (Value, usize)>,
}

/// A value for the schema at `loc`.
pub fn sample(spec: &Spec, loc: &Loc) -> Value {
    gen(spec, loc, 0, &mut Budget::default())
}

fn gen(spec: &Spec, loc: &Loc, depth: usize, b: &mut Budget) -> Value {
    // A value made before is used again, and counted again: the budget is on what is made.
    if let Some((v, size)) = b.made.get(loc) {
        if b.nodes + size <= MAX_NODES {
            b.nodes += size;
            return v.clone();
        }
        return Value::Null;
    }
    if b.nodes >= MAX_NODES {
        return Value::Null;
    }
    let before = b.nodes;
    b.nodes += 1;
    let v = gen_new(spec, loc, depth, b);
    b.made.insert(loc.clone(), (v.clone(), b.nodes - before));
    v
}

// Kept whole: one match over JSON Schema's keywords, the generator's single rule table.
fn gen_new(spec: &Spec, loc: &Loc, depth: usize, b: &mut Budget) -> Value {
    let Some((schema, at)) = spec.deref(loc) else {
        return Value::Null;
    };
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    if let Value::Bool(_) = schema {
        return Value::Null;
    }
    for key in ["const", "example", "default"] {
        if let Some(v) = schema.get(key) {
            return v.clone();
        }
    }
    if let Some(v) = schema.get("examples").and_then(|e| e.get(0)) {
        return v.clone();
    }
    if let Some(v) = schema
        .get("enum")
        .and_then(|e| e.as_array())
        .and_then(|e| e.iter().find(|v| !v.is_null()))
    {
        return v.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alts)) = schema.get(key) {
            // The first alternative that is not just `null` (FastAPI's optional fields).
            let pick = alts
                .iter()
                .position(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .unwrap_or(0);
            if !alts.is_empty() {
                return gen(spec, &at.child(key).child(&pick.to_string()), depth + 1, b);
            }
        }
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        let mut merged = Map::new();
        let mut other = None;
        for i in 0..parts.len() {
            match gen(spec, &at.child("allOf").child(&i.to_string()), depth + 1, b) {
                Value::Object(m) => merged.extend(m),
                v => other = Some(v),
            }
        }
        if !merged.is_empty() || other.is_none() {
            // Properties of this schema itself too.
            if let Value::Object(own) = object(spec, schema, &at, depth, b) {
                merged.extend(own);
            }
            return Value::Object(merged);
        }
        return other.unwrap_or(Value::Null);
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        _ if schema.get("properties").is_some() => "object".into(),
        _ if schema.get("items").is_some() => "array".into(),
        _ => "string".into(),
    };
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    match ty.as_str() {
        "object" => object(spec, schema, &at, depth, b),
        "array" => {
            // As few items as allowed, but one when that is allowed too.
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let max = schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            let n = if min > 0 {
                min.min(MAX_ITEMS)
            } else {
                1.min(max)
            };
            let before = b.nodes;
            let item = if schema.get("items").is_some() {
                gen(spec, &at.child("items"), depth + 1, b)
            } else {
                json!("a")
            };
            // Each copy of the item counts; past the budget, one item.
            let size = (b.nodes - before).max(1) as u64;
            let n = if b.nodes as u64 + size * n.saturating_sub(1) > MAX_NODES as u64 {
                n.min(1)
            } else {
                b.nodes += (size * n.saturating_sub(1)) as usize;
                n
            };
            if n > 0 && schema.get("uniqueItems").and_then(Value::as_bool) == Some(true) {
                return json!([item]);
            }
            Value::Array(vec![item; n as usize])
        }
        "integer" => {
            let mut v = num("minimum").map(f64::ceil).unwrap_or(1.0);
            if let Some(x) = num("exclusiveMinimum") {
                v = v.max(x.floor() + 1.0);
            }
            if let Some(max) = num("maximum") {
                v = v.min(max.floor());
            }
            json!(v as i64)
        }
        "number" => {
            let mut v = num("minimum").unwrap_or(1.0);
            if let Some(x) = num("exclusiveMinimum") {
                v = v.max(x + 1.0);
            }
            if let Some(max) = num("maximum") {
                v = v.min(max);
            }
            json!(v)
        }
        "boolean" => json!(true),
        "null" => Value::Null,
        _ => string(schema),
    }
}

fn object(spec: &Spec, schema: &Value, at: &Loc, depth: usize, b: &mut Budget) -> Value {
    let mut out = Map::new();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            if !required.contains(&name.as_str()) {
                continue;
            }
            if prop.get("readOnly").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            out.insert(
                name.clone(),
                gen(spec, &at.child("properties").child(name), depth + 1, b),
            );
        }
    }
    Value::Object(out)
}

fn string(schema: &Value) -> Value {
    let s = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-01-02T03:04:05Z".to_string(),
        Some("date") => "2026-01-02".into(),
        Some("time") => "03:04:05Z".into(),
        Some("uuid") => "6f1c2d7e-8a9b-4c3d-9e8f-0a1b2c3d4e5f".into(),
        Some("email") => "qa@example.com".into(),
        Some("uri" | "url") => "https://example.com/".into(),
        Some("hostname") => "example.com".into(),
        Some("ipv4") => "192.0.2.1".into(),
        Some("ipv6") => "2001:db8::1".into(),
        Some("byte") => "YQ==".into(),
        _ => "a".into(),
    };
    let min = schema
        .get("minLength")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(MAX_LENGTH as u64) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let mut s = s;
    if s.chars().count() < min {
        s.push_str(&"a".repeat(min - s.chars().count()));
    }
    if let Some(max) = max {
        s = s.chars().take(max).collect();
    }
    Value::String(s)
}
