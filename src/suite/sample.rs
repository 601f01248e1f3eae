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
    /// Ignore the spec's own `example`, `examples` and `default` (they may break the schema
    /// they illustrate).
    generated_only: bool,
    /// A value a server sends: required `readOnly` properties are in it.
    response: bool,
}

/// A value for the schema at `loc`.
pub fn sample(spec: &Spec, loc: &Loc) -> Value {
    gen(spec, loc, 0, &mut Budget::default())
}

/// A value for the schema at `loc` as a server sends it (required `readOnly` properties
/// in); with `generated_only`, made from its keywords alone, never from
/// the examples or defaults written in the spec (what a mock answers when a declared example
/// turns out to break its own schema).
pub fn sample_response(spec: &Spec, loc: &Loc, generated_only: bool) -> Value {
    let mut budget = Budget {
        generated_only,
        response: true,
        ..Budget::default()
    };
    gen(spec, loc, 0, &mut budget)
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
    let written: &[&str] = if b.generated_only {
        &["const"]
    } else {
        &["const", "example", "default"]
    };
    for key in written {
        if let Some(v) = schema.get(*key) {
            return v.clone();
        }
    }
    if let Some(v) = schema
        .get("examples")
        .and_then(|e| e.get(0))
        .filter(|_| !b.generated_only)
    {
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
            required_elsewhere(spec, schema, &at, &mut merged, depth, b);
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
        _ if [
            "properties",
            "additionalProperties",
            "required",
            "minProperties",
        ]
        .iter()
        .any(|k| schema.get(*k).is_some()) =>
        {
            "object".into()
        }
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

/// An `allOf` may require in one part a property another part defines: each such property
/// is generated from the part that defines it.
fn required_elsewhere(
    spec: &Spec,
    schema: &Value,
    at: &Loc,
    merged: &mut Map<String, Value>,
    depth: usize,
    b: &mut Budget,
) {
    let parts: Vec<(Value, Loc)> = (0..schema["allOf"].as_array().map_or(0, Vec::len))
        .filter_map(|i| spec.deref(&at.child("allOf").child(&i.to_string())))
        .map(|(v, l)| (v.clone(), l))
        .chain(std::iter::once((schema.clone(), at.clone())))
        .collect();
    let required: Vec<String> = parts
        .iter()
        .filter_map(|(p, _)| p.get("required").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    for name in required {
        if merged.contains_key(&name) {
            continue;
        }
        if let Some((_, part_at)) = parts
            .iter()
            .find(|(p, _)| p.get("properties").and_then(|ps| ps.get(&name)).is_some())
        {
            let prop_at = part_at.child("properties").child(&name);
            let read_only = spec
                .deref(&prop_at)
                .is_some_and(|(p, _)| p.get("readOnly").and_then(Value::as_bool) == Some(true));
            if read_only && !b.response {
                continue;
            }
            let v = gen(spec, &prop_at, depth + 1, b);
            merged.insert(name, v);
        }
    }
}

fn object(spec: &Spec, schema: &Value, at: &Loc, depth: usize, b: &mut Budget) -> Value {
    let mut out = Map::new();
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let min = schema
        .get("minProperties")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(MAX_ITEMS) as usize;
    if let Some(Value::Object(props)) = schema.get("properties") {
        for (name, prop) in props {
            if !required.contains(&name.as_str()) {
                continue;
            }
            // A client does not send what the server writes; a server's answer has it (the
            // contract check requires what is required either way).
            if !b.response && prop.get("readOnly").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            out.insert(
                name.clone(),
                gen(spec, &at.child("properties").child(name), depth + 1, b),
            );
        }
        // `minProperties` beyond the required ones: optional properties, in order.
        for (name, prop) in props {
            if out.len() >= min {
                break;
            }
            let read_only = prop.get("readOnly").and_then(Value::as_bool) == Some(true);
            if !out.contains_key(name) && (b.response || !read_only) {
                let v = gen(spec, &at.child("properties").child(name), depth + 1, b);
                out.insert(name.clone(), v);
            }
        }
    }
    // Still short: entries of `additionalProperties` (when allowed), named p1, p2…
    let extra = schema.get("additionalProperties");
    let mut i = 0;
    while out.len() < min && extra != Some(&Value::Bool(false)) {
        i += 1;
        let v = match extra {
            Some(Value::Object(_)) => gen(spec, &at.child("additionalProperties"), depth + 1, b),
            _ => json!("a"),
        };
        out.insert(format!("p{i}"), v);
    }
    Value::Object(out)
}

/// A string matching `pattern` within the length bounds, if one turns up in a few tries (the
/// same ones each run: the generator is seeded by the pattern).
fn matching(pattern: &str, min: usize, max: Option<usize>) -> Option<String> {
    use rand::{RngExt, SeedableRng};
    // The generator takes no anchors (`^`, `$`, `\b`); a generated string is whole anyway.
    let hir = regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()?;
    // A pattern whose shortest match is longer than any string made here is not tried: a
    // spec's `(a{1000}){1000}` would otherwise cost megabytes per try.
    if hir
        .properties()
        .minimum_len()
        .is_none_or(|n| n > MAX_LENGTH)
    {
        return None;
    }
    let hir = unanchored(hir);
    if hir
        .properties()
        .maximum_len()
        .is_none_or(|n| n > 4 * MAX_LENGTH)
    {
        return None;
    }
    let regex = rand_regex::Regex::with_hir(hir, 4).ok()?;
    let seed = pattern.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
    (0..32).find_map(|_| {
        let s: String = rng.sample(&regex);
        let n = s.chars().count();
        (n >= min && max.is_none_or(|m| n <= m) && n <= MAX_LENGTH).then_some(s)
    })
}

/// A regex without its look-around assertions, each repetition at most 4 past its minimum,
/// each class narrowed to ASCII where it has ASCII members (`\d` as ECMA-262 means it, not
/// every script's digits; header values stay ASCII).
fn unanchored(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{
        Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition,
    };
    match hir.into_kind() {
        HirKind::Look(_) | HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(Class::Unicode(u)) => {
            let mut ascii = u.clone();
            ascii.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7f')]));
            Hir::class(Class::Unicode(if ascii.ranges().is_empty() {
                u
            } else {
                ascii
            }))
        }
        HirKind::Class(c) => Hir::class(c),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            max: Some(
                r.max
                    .map_or(r.min.saturating_add(4), |m| m.min(r.min.saturating_add(4))),
            ),
            sub: Box::new(unanchored(*r.sub)),
            ..r
        }),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(unanchored(*c.sub)),
            ..c
        }),
        HirKind::Concat(parts) => Hir::concat(parts.into_iter().map(unanchored).collect()),
        HirKind::Alternation(alts) => Hir::alternation(alts.into_iter().map(unanchored).collect()),
    }
}

fn string(schema: &Value) -> Value {
    let min = schema
        .get("minLength")
        .and_then(Value::as_u64)
        .unwrap_or(0)
        .min(MAX_LENGTH as u64) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        if schema.get("format").is_none() {
            if let Some(s) = matching(pattern, min, max) {
                return Value::String(s);
            }
        }
    }
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
    let mut s = s;
    if s.chars().count() < min {
        s.push_str(&"a".repeat(min - s.chars().count()));
    }
    if let Some(max) = max {
        s = s.chars().take(max).collect();
    }
    Value::String(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(schemas: Value) -> Spec {
        let doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
            "components": {"schemas": schemas}});
        Spec::from_bytes(
            &serde_json::to_vec(&doc).expect("json"),
            None,
            &crate::spec::LoadOptions::default(),
        )
        .expect("spec")
    }

    fn at(name: &str) -> Loc {
        Loc::root(format!("/components/schemas/{name}"))
    }

    #[test]
    fn pattern_strings_match_their_pattern_every_time_the_same() {
        let patterns = [
            "^[UW][A-Z0-9]{8,}$|^$",
            "^/v1/accounts",
            r"^\d{3}-\d{4}$",
            r"\bword\b",
        ];
        let schemas: Map<String, Value> = patterns
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("p{i}"), json!({"type": "string", "pattern": p})))
            .collect();
        let s = spec(Value::Object(schemas));
        for (i, p) in patterns.iter().enumerate() {
            let v = sample(&s, &at(&format!("p{i}")));
            let text = v.as_str().expect("a string");
            assert!(
                regex::Regex::new(p).expect("regex").is_match(text),
                "{p}: {text:?}"
            );
            assert!(
                text.is_ascii(),
                "{p}: {text:?} (ECMA-262 classes are ASCII)"
            );
            assert_eq!(sample(&s, &at(&format!("p{i}"))), v, "reproducible");
        }
    }

    #[test]
    fn a_pattern_too_long_to_make_falls_back_at_once() {
        let s = spec(
            json!({"big": {"type": "string", "pattern": "^(a{1000}){1000}$"},
            "huge": {"type": "string", "pattern": "a{4294967295,}"},
            "wide": {"type": "string", "pattern": "(a{0,1000}){0,1000}b"}}),
        );
        let t = std::time::Instant::now();
        assert_eq!(sample(&s, &at("big")), json!("a"));
        assert_eq!(sample(&s, &at("huge")), json!("a"));
        let wide = sample(&s, &at("wide"));
        assert!(
            wide.as_str()
                .is_some_and(|w| w.ends_with('b') && w.len() < 40),
            "{wide}"
        );
        assert!(t.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn objects_as_a_request_sends_them_and_as_a_server_answers_them() {
        let s = spec(json!({
            "item": {"type": "object", "required": ["id", "name"], "properties": {
                "id": {"type": "integer", "readOnly": true, "example": -1},
                "name": {"type": "string", "example": "ex"}}},
            "bag": {"minProperties": 2, "properties": {"a": {"type": "integer"}},
                "additionalProperties": {"type": "boolean"}},
            "both": {"allOf": [{"properties": {"total": {"type": "integer", "minimum": 3}}},
                {"required": ["total"]}]}
        }));
        assert_eq!(sample(&s, &at("item")), json!({"name": "ex"}));
        assert_eq!(
            sample_response(&s, &at("item"), false),
            json!({"id": -1, "name": "ex"})
        );
        assert_eq!(
            sample_response(&s, &at("item"), true),
            json!({"id": 1, "name": "a"})
        );
        assert_eq!(sample(&s, &at("bag")), json!({"a": 1, "p1": true}));
        assert_eq!(sample(&s, &at("both")), json!({"total": 3}));
    }
}
