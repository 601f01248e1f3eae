//! Values generated from schemas, valid by construction where the schema allows it: the
//! example, default, const or first enum value when there is one; otherwise the smallest
//! value of the right type honouring bounds, lengths, formats and required properties.
//! Varied values ([`sample_varied`]) are drawn at random from a seed instead: optional
//! properties, array lengths, numbers in their bounds, strings, formats, enum members and
//! `oneOf` branches all vary, and the same seed gives the same value.

use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
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
    /// A value a server sends: required `readOnly` properties are in it, `writeOnly` ones
    /// are not.
    response: bool,
    /// Varied values drawn from this generator; None: the smallest, first value.
    rng: Option<SmallRng>,
}

/// Past this depth a varied value takes no optional property and the fewest items: values
/// stay small on specs whose schemas nest deep.
const VARIED_DEPTH: usize = 3;

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

/// A value for the schema at `loc` drawn at random from `seed` (the same seed, the same
/// value); `response`: as a server sends it. Examples and defaults are not used: varied
/// values are made from the schema's keywords.
pub fn sample_varied(spec: &Spec, loc: &Loc, seed: u64, response: bool) -> Value {
    let mut budget = Budget {
        generated_only: true,
        response,
        rng: Some(SmallRng::seed_from_u64(seed)),
        ..Budget::default()
    };
    gen(spec, loc, 0, &mut budget)
}

/// A seed made from `base` and some bytes (FNV-1a): the same bytes, the same seed, run after
/// run.
pub fn seed_of(base: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64 ^ base, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

impl Budget {
    /// Whether to take an optional thing (always no for the smallest value).
    fn coin(&mut self, depth: usize) -> bool {
        match &mut self.rng {
            Some(rng) if depth < VARIED_DEPTH => rng.random_bool(0.5),
            _ => false,
        }
    }

    /// An index below `n` (0 for the first value).
    fn pick(&mut self, n: usize) -> usize {
        match &mut self.rng {
            Some(rng) if n > 1 => rng.random_range(0..n),
            _ => 0,
        }
    }

    /// A branch of a `oneOf`/`anyOf`: the first past [`VARIED_DEPTH`] too (specs such as
    /// Stripe's expand an id into its whole object in a later branch, recursively).
    fn branch(&mut self, n: usize, depth: usize) -> usize {
        if depth < VARIED_DEPTH {
            self.pick(n)
        } else {
            0
        }
    }
}

fn gen(spec: &Spec, loc: &Loc, depth: usize, b: &mut Budget) -> Value {
    // Varied values are made afresh each time (items of one array differ), counted all the
    // same.
    if b.rng.is_some() {
        if b.nodes >= MAX_NODES {
            return Value::Null;
        }
        b.nodes += 1;
        return gen_new(spec, loc, depth, b);
    }
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
    if let Some(members) = schema.get("enum").and_then(|e| e.as_array()) {
        let members: Vec<&Value> = members.iter().filter(|v| !v.is_null()).collect();
        if !members.is_empty() {
            return members[b.pick(members.len())].clone();
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(alts)) = schema.get(key) {
            // An alternative that is not just `null` (FastAPI's optional fields): the first,
            // or one at random.
            let candidates: Vec<usize> = (0..alts.len())
                .filter(|i| alts[*i].get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            let pick = if candidates.is_empty() {
                0
            } else {
                candidates[b.branch(candidates.len(), depth)]
            };
            if !alts.is_empty() {
                let mut v = gen(spec, &at.child(key).child(&pick.to_string()), depth + 1, b);
                discriminate(schema, &alts[pick], &mut v);
                return v;
            }
        }
    }
    if let Some(Value::Array(parts)) = schema.get("allOf") {
        let mut merged = Map::new();
        let (mut other, mut any_object, mut other_bare) = (None, false, false);
        for (i, part) in parts.iter().enumerate() {
            match gen(spec, &at.child("allOf").child(&i.to_string()), depth + 1, b) {
                Value::Object(m) => {
                    merged.extend(m);
                    any_object = true;
                }
                // The first value of a part that says what the value is: `{nullable: true}`
                // beside a `$ref` says nothing.
                v if other.is_none() || (other_bare && !annotations_only(part)) => {
                    other_bare = annotations_only(part);
                    other = Some(v);
                }
                _ => {}
            }
        }
        // An object when any part makes one: a part of bare annotations (a `description`,
        // `nullable`) makes a string that says nothing about the type.
        if any_object || other.is_none() {
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
    match ty.as_str() {
        "object" => object(spec, schema, &at, depth, b),
        "array" => {
            // A tuple (draft 4's `items: [...]`, 2020-12's `prefixItems`): one value per
            // position.
            for key in ["prefixItems", "items"] {
                if let Some(Value::Array(positions)) = schema.get(key) {
                    let at_key = at.child(key);
                    return Value::Array(
                        (0..positions.len())
                            .map(|i| gen(spec, &at_key.child(&i.to_string()), depth + 1, b))
                            .collect(),
                    );
                }
            }
            // As few items as allowed, but one when that is allowed too.
            let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let max = schema
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(u64::MAX);
            // Past a quarter of the budget, an array that may be empty is: a deep response
            // (OpenAI's) then ends in empty lists, not in nulls where integers belong.
            let n = if min > 0 {
                min.min(MAX_ITEMS)
            } else if b.nodes > MAX_NODES / 4 {
                0
            } else {
                1.min(max)
            };
            // Varied: up to three more, within `maxItems`.
            let n = if b.rng.is_some() && depth < VARIED_DEPTH {
                let top = min
                    .saturating_add(3)
                    .min(max)
                    .min(MAX_ITEMS)
                    .max(min.min(MAX_ITEMS));
                let extra = b.pick((top - min.min(top) + 1) as usize) as u64;
                min.min(MAX_ITEMS) + extra
            } else {
                n
            };
            if b.rng.is_some() {
                return varied_items(spec, schema, &at, n, depth, b);
            }
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
        "integer" | "number" => number(schema, ty == "integer", b),
        "boolean" => json!(b.pick(2) == 0),
        "null" => Value::Null,
        _ => string(schema, b),
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
            if spec
                .deref(&prop_at)
                .is_some_and(|(p, _)| not_sent(spec, p, b.response))
            {
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
            // A client does not send what the server writes, nor a server what only the
            // client writes (a password): the contract requires neither in that direction.
            if not_sent(spec, prop, b.response) {
                continue;
            }
            out.insert(
                name.clone(),
                gen(spec, &at.child("properties").child(name), depth + 1, b),
            );
        }
        // `minProperties` beyond the required ones: optional properties, in order; varied
        // values take each optional property or not at random.
        let max = schema
            .get("maxProperties")
            .and_then(Value::as_u64)
            .map_or(usize::MAX, |m| m as usize);
        for (name, prop) in props {
            if out.len() >= max || (out.len() >= min && b.rng.is_none()) {
                break;
            }
            if out.len() >= min && !b.coin(depth) {
                continue;
            }
            if !out.contains_key(name) && !not_sent(spec, prop, b.response) {
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

/// Whether a schema only annotates (`description`, `nullable`, `title`…): nothing in it
/// says what type the value is.
fn annotations_only(schema: &Value) -> bool {
    const SAYS: &[&str] = &[
        "type",
        "enum",
        "const",
        "oneOf",
        "anyOf",
        "allOf",
        "$ref",
        "properties",
        "items",
        "format",
        "pattern",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "not",
    ];
    schema
        .as_object()
        .is_some_and(|m| !m.keys().any(|k| SAYS.contains(&k.as_str())))
}

/// Whether a property stays out of a value going this way: `readOnly` ones out of requests,
/// `writeOnly` ones out of responses (looked up through a `$ref`).
fn not_sent(spec: &Spec, prop: &Value, response: bool) -> bool {
    let flag = if response { "writeOnly" } else { "readOnly" };
    let own = |p: &Value| p.get(flag).and_then(Value::as_bool) == Some(true);
    own(prop)
        || prop
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| spec.deref(&Loc::root(r.trim_start_matches('#'))))
            .is_some_and(|(p, _)| own(p))
}

/// Sets a `oneOf`/`anyOf` value's discriminator property to the name of the branch taken:
/// the `mapping` key that points at the branch's `$ref`, else the schema's own name.
fn discriminate(schema: &Value, branch: &Value, value: &mut Value) {
    let Some(property) = schema
        .pointer("/discriminator/propertyName")
        .and_then(Value::as_str)
    else {
        return;
    };
    let (Some(target), Value::Object(map)) =
        (branch.get("$ref").and_then(Value::as_str), &mut *value)
    else {
        return;
    };
    let mapped = schema
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
        .and_then(|m| {
            m.iter().find_map(|(k, v)| {
                let v = v.as_str()?;
                (v == target || target.rsplit('/').next() == Some(v)).then(|| k.clone())
            })
        });
    // Without a mapping the branch's own schema usually fixes the value (an enum of one):
    // the schema's name goes in only where the value has none.
    match mapped {
        Some(name) => {
            map.insert(property.to_string(), Value::String(name));
        }
        None if !map.contains_key(property) => {
            let name = target.rsplit('/').next().unwrap_or(target);
            map.insert(property.to_string(), Value::String(name.into()));
        }
        None => {}
    }
}

/// `n` items made afresh each (varied values); with `uniqueItems`, repeats dropped.
fn varied_items(
    spec: &Spec,
    schema: &Value,
    at: &Loc,
    n: u64,
    depth: usize,
    b: &mut Budget,
) -> Value {
    let unique = schema.get("uniqueItems").and_then(Value::as_bool) == Some(true);
    let mut items: Vec<Value> = Vec::new();
    for _ in 0..n {
        let item = if schema.get("items").is_some() {
            gen(spec, &at.child("items"), depth + 1, b)
        } else {
            string(&json!({}), b)
        };
        if !(unique && items.contains(&item)) {
            items.push(item);
        }
    }
    Value::Array(items)
}

/// The bounds of a number: (the lower and upper bound the schema sets, if any; the bounds in
/// force, the format's range included), exclusive bounds turned inclusive by a step.
fn bounds(schema: &Value, integer: bool) -> (Option<f64>, Option<f64>, f64, f64) {
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let flag = |k: &str| schema.get(k).and_then(Value::as_bool) == Some(true);
    let step = if integer { 1.0 } else { 0.01 };
    let mut lo = num("minimum").map(|m| {
        if flag("exclusiveMinimum") {
            m + step
        } else {
            m
        }
    });
    if let Some(x) = num("exclusiveMinimum") {
        lo = Some(lo.map_or(x + step, |l| l.max(x + step)));
    }
    let mut hi = num("maximum").map(|m| {
        if flag("exclusiveMaximum") {
            m - step
        } else {
            m
        }
    });
    if let Some(x) = num("exclusiveMaximum") {
        hi = Some(hi.map_or(x - step, |h| h.min(x - step)));
    }
    let (format_lo, format_hi) = match schema.get("format").and_then(Value::as_str) {
        Some("int32") => (f64::from(i32::MIN), f64::from(i32::MAX)),
        Some("int8") => (-128.0, 127.0),
        Some("uint8") => (0.0, 255.0),
        _ => (-9_007_199_254_740_991.0, 9_007_199_254_740_991.0),
    };
    let (lo_b, hi_b) = (
        lo.unwrap_or(format_lo).max(format_lo),
        hi.unwrap_or(format_hi).min(format_hi),
    );
    let (lo_b, hi_b) = if integer {
        (lo_b.ceil(), hi_b.floor())
    } else {
        (lo_b, hi_b)
    };
    (lo, hi, lo_b, hi_b)
}

/// A number or integer within the bounds (3.0's boolean and 3.1's numeric exclusive bounds
/// both), of the format's range, a multiple of `multipleOf`: the smallest allowed at or
/// above 1, or one at random.
fn number(schema: &Value, integer: bool, b: &mut Budget) -> Value {
    let num = |k: &str| schema.get(k).and_then(Value::as_f64);
    let (lo, hi, lo_b, hi_b) = bounds(schema, integer);
    let multiple = num("multipleOf").filter(|m| *m > 0.0 && m.is_finite());
    let v = match b.rng.as_mut() {
        Some(rng) => {
            // A window of a thousand within the bounds, from the lower bound if there is one.
            let from = lo
                .map_or(if hi.is_some() { hi_b - 1000.0 } else { 0.0 }, |_| lo_b)
                .max(lo_b);
            let to = (from + 1000.0).min(hi_b);
            if from <= to {
                let x = rng.random_range(0.0..=1.0) * (to - from) + from;
                if integer {
                    x.round()
                } else {
                    (x * 100.0).round() / 100.0
                }
            } else {
                lo_b
            }
        }
        None => lo
            .map_or(1.0_f64.clamp(lo_b.min(hi_b), hi_b.max(lo_b)), |_| lo_b)
            .min(hi_b),
    };
    let v = match multiple {
        Some(m) => {
            let mut k = (v / m).ceil();
            if k * m > hi_b {
                k = (hi_b / m).floor();
            }
            // As many decimals as the step has: 7 × 0.01 is 0.07, not 0.07000000000000001.
            let decimals = m
                .to_string()
                .split_once('.')
                .map_or(0, |(_, d)| d.len() as i32);
            let scale = 10f64.powi(decimals);
            ((k * m) * scale).round() / scale
        }
        None => v.clamp(lo_b.min(hi_b), hi_b.max(lo_b)),
    };
    if integer || (v.fract() == 0.0 && multiple.is_some_and(|m| m.fract() == 0.0)) {
        json!(v as i64)
    } else {
        json!(v)
    }
}

/// A string matching `pattern` within the length bounds, if one turns up in a few tries (the
/// same ones each run: the generator is seeded by the pattern, or by the varied value's
/// seed).
fn matching(
    pattern: &str,
    min: usize,
    max: Option<usize>,
    varied: Option<&mut SmallRng>,
) -> Option<String> {
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
    let mut own = SmallRng::seed_from_u64(seed_of(0, pattern.as_bytes()));
    let rng = varied.unwrap_or(&mut own);
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

fn string(schema: &Value, b: &mut Budget) -> Value {
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
            if let Some(s) = matching(pattern, min, max, b.rng.as_mut()) {
                return Value::String(s);
            }
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    let mut s = match b.rng.as_mut() {
        Some(rng) => varied_format(format, rng).unwrap_or_else(|| {
            let top = max.unwrap_or(min + 12).min(min + 12).max(min.max(1));
            let n = rng.random_range(min.max(1)..=top);
            (0..n)
                .map(|_| {
                    char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)])
                })
                .collect()
        }),
        None => match format {
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
        },
    };
    if s.chars().count() < min {
        s.push_str(&"a".repeat(min - s.chars().count()));
    }
    if let Some(max) = max {
        s = s.chars().take(max).collect();
    }
    Value::String(s)
}

/// A random value of a string format (None: not a format made here).
fn varied_format(format: Option<&str>, rng: &mut SmallRng) -> Option<String> {
    let mut r = |lo: u32, hi: u32| rng.random_range(lo..=hi);
    let (y, mo, d, h, mi, s) = (
        r(2000, 2030),
        r(1, 12),
        r(1, 28),
        r(0, 23),
        r(0, 59),
        r(0, 59),
    );
    let word: String = (0..r(3, 10))
        .map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz"[r(0, 25) as usize]))
        .collect();
    Some(match format? {
        "date-time" => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"),
        "date" => format!("{y:04}-{mo:02}-{d:02}"),
        "time" => format!("{h:02}:{mi:02}:{s:02}Z"),
        "uuid" => {
            let a = [
                r(0, u32::MAX),
                r(0, u32::MAX),
                r(0, u32::MAX),
                r(0, u32::MAX),
            ];
            format!(
                "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:04x}{:08x}",
                a[0],
                a[1] >> 16,
                a[1] & 0xfff,
                8 + (a[2] >> 30),
                (a[2] >> 16) & 0xfff,
                a[2] & 0xffff,
                a[3]
            )
        }
        "email" => format!("{word}@example.com"),
        "uri" | "url" => format!("https://example.com/{word}"),
        "hostname" => format!("{word}.example.com"),
        "ipv4" => format!("{}.{}.{}.{}", r(1, 223), r(0, 255), r(0, 255), r(1, 254)),
        "ipv6" => format!("2001:db8::{:x}:{:x}", r(0, 0xffff), r(1, 0xffff)),
        "byte" => {
            use base64::Engine;
            let bytes: Vec<u8> = (0..r(1, 12)).map(|_| r(0, 255) as u8).collect();
            base64::engine::general_purpose::STANDARD.encode(bytes)
        }
        _ => return None,
    })
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

    #[test]
    fn numbers_honour_bounds_and_multiples_in_both_dialects() {
        let s = spec(json!({
            "step": {"type": "integer", "minimum": 7, "multipleOf": 5},
            "open30": {"type": "integer", "minimum": 0, "exclusiveMinimum": true, "maximum": 3},
            "open31": {"type": "number", "exclusiveMinimum": 2.5, "exclusiveMaximum": 3},
            "cents": {"type": "number", "minimum": 0.05, "multipleOf": 0.01},
            "small": {"type": "integer", "format": "int32", "maximum": -5}
        }));
        assert_eq!(sample(&s, &at("step")), json!(10));
        assert_eq!(sample(&s, &at("open30")), json!(1));
        let open31 = sample(&s, &at("open31")).as_f64().expect("number");
        assert!(open31 > 2.5 && open31 < 3.0, "{open31}");
        assert_eq!(sample(&s, &at("cents")), json!(0.05));
        assert_eq!(sample(&s, &at("small")), json!(-5));
        for seed in 0..50 {
            let v = sample_varied(&s, &at("step"), seed, true)
                .as_i64()
                .expect("int");
            assert!(v >= 7 && v % 5 == 0, "{v}");
            let v = sample_varied(&s, &at("open30"), seed, true)
                .as_i64()
                .expect("int");
            assert!((1..=3).contains(&v), "{v}");
            let v = sample_varied(&s, &at("small"), seed, true)
                .as_i64()
                .expect("int");
            assert!(v <= -5 && v >= i64::from(i32::MIN), "{v}");
        }
    }

    #[test]
    fn varied_values_are_reproducible_from_their_seed_and_honour_the_schema() {
        let s = spec(json!({
            "pet": {"type": "object", "required": ["id", "kind"], "properties": {
                "id": {"type": "string", "format": "uuid"},
                "kind": {"type": "string", "enum": ["cat", "dog", "fish"]},
                "born": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "maxItems": 2, "uniqueItems": true,
                    "items": {"type": "string", "minLength": 2, "maxLength": 4}},
                "password": {"type": "string", "writeOnly": true},
                "nick": {"type": "string", "readOnly": true}}},
            "shape": {"oneOf": [{"$ref": "#/components/schemas/circle"},
                                {"$ref": "#/components/schemas/square"}],
                "discriminator": {"propertyName": "kind",
                    "mapping": {"c": "#/components/schemas/circle"}}},
            "circle": {"type": "object", "required": ["r"], "properties": {"r": {"type": "integer"}}},
            "square": {"type": "object", "required": ["side"], "properties": {"side": {"type": "integer"}}}
        }));
        let mut seen = std::collections::HashSet::new();
        for seed in 0..40 {
            let v = sample_varied(&s, &at("pet"), seed, true);
            assert_eq!(
                v,
                sample_varied(&s, &at("pet"), seed, true),
                "same seed, same value"
            );
            assert!(
                v.get("password").is_none(),
                "writeOnly kept out of a response: {v}"
            );
            let request = sample_varied(&s, &at("pet"), seed, false);
            assert!(
                request.get("nick").is_none(),
                "readOnly kept out of a request: {request}"
            );
            let id = v["id"].as_str().expect("id");
            assert!(uuid_like(id), "{id}");
            assert!(["cat", "dog", "fish"].contains(&v["kind"].as_str().expect("kind")));
            if let Some(tags) = v.get("tags").and_then(Value::as_array) {
                assert!(tags.len() <= 2);
                let n = tags.len();
                let mut dedup = tags.clone();
                dedup.dedup();
                assert_eq!(dedup.len(), n, "unique items: {tags:?}");
                assert!(tags
                    .iter()
                    .all(|t| (2..=4).contains(&t.as_str().map_or(0, str::len))));
            }
            seen.insert(v.to_string());
            let shape = sample_varied(&s, &at("shape"), seed, true);
            match shape.get("r") {
                Some(_) => assert_eq!(shape["kind"], json!("c"), "{shape}"),
                None => assert_eq!(shape["kind"], json!("square"), "{shape}"),
            }
        }
        assert!(seen.len() > 30, "values vary with the seed: {}", seen.len());
    }

    fn uuid_like(s: &str) -> bool {
        let parts: Vec<&str> = s.split('-').collect();
        parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
            && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
    }
}
