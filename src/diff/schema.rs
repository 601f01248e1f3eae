//! Two schemas compared in one direction: what a client sending (request) or reading
//! (response) values of the old schema meets under the new one.
//!
//! `$ref`s are followed on both sides, so a schema moved under another name is no change, and
//! each pair of places is compared once (memoised): a shared schema used by a thousand
//! operations costs one walk, and its changes carry the shared schema's pointer wherever they
//! are reported. 3.0 and 3.1 spellings of the same thing compare equal (`nullable` and a
//! `null` type or branch, `example` and `examples`, boolean and numeric exclusive bounds).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

use serde_json::Value;

use crate::spec::{Loc, Spec};

/// Which way values travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Dir {
    /// The client writes, the server reads: stricter is breaking.
    Request,
    /// The server writes, the client reads: looser is breaking.
    Response,
    /// A request parameter sent as text (path, query, header, cookie): the client writes, and
    /// what counts is the text, so `1` and `"1"` are the same value and a `string` takes any
    /// number or boolean.
    Param,
}

impl Dir {
    /// Whether the client writes the values (stricter is breaking).
    fn writes(self) -> bool {
        self != Dir::Response
    }
}

/// One schema change, relative to the schema it was found under.
#[derive(Debug, Clone)]
pub(super) struct Raw {
    /// The rule, without its `request-`/`response-` and place prefix (`type-changed`).
    pub kind: &'static str,
    /// A property-set change (`property-removed`…), named for the property whatever the
    /// place; the other kinds are named for where the changed schema sits.
    pub on_property: bool,
    /// True when the change is at the compared schema itself, not inside a property or items.
    pub at_root: bool,
    /// The property path from the compared schema (`owner.login`, `tags[]`), empty at its root.
    pub name: String,
    /// Where, in each spec.
    pub old: Option<Loc>,
    /// Where, in each spec.
    pub new: Option<Loc>,
    /// What changed, as a phrase (`type changed from string to integer`).
    pub detail: String,
    /// Whether it breaks clients in this direction: 2 breaking, 1 warning, 0 info.
    pub level: u8,
}

/// Compares schemas of two specs, remembering every pair already compared.
pub(super) struct Schemas<'a> {
    old: &'a Spec,
    new: &'a Spec,
    memo: HashMap<(Loc, Loc, Dir), Rc<Vec<Raw>>>,
    /// Pairs being compared now: met again through a cycle, they add nothing.
    open: HashMap<(Loc, Loc, Dir), usize>,
    /// The shallowest open pair a cycle reached back to while comparing the current pair:
    /// a pair whose comparison was cut short by a cycle to a pair still open above it is
    /// not complete, so it is not remembered.
    low: usize,
    /// Pairs compared so far.
    calls: usize,
}

/// Comparisons made exactly (cut results not remembered) before falling back to
/// remembering them: exact on every spec with modest cycles.
const EXACT_CALLS: usize = 50_000;

/// A schema with references followed and the 3.0/3.1 spellings of "may be null" folded.
struct Node<'a> {
    schema: &'a Value,
    at: Loc,
    nullable: bool,
}

fn node<'a>(spec: &'a Spec, loc: &Loc) -> Option<Node<'a>> {
    let (mut schema, mut at) = spec.deref(loc)?;
    let mut nullable = false;
    // FastAPI/pydantic's `X | None` (anyOf: [X, {type: null}]) and 3.0's allOf: [X] +
    // nullable both mean X or null.
    for _ in 0..8 {
        if schema.get("nullable") == Some(&Value::Bool(true)) {
            nullable = true;
        }
        if types_of(schema).contains("null") {
            nullable = true;
        }
        let next = ["anyOf", "oneOf", "allOf"].iter().find_map(|key| {
            let list = schema.get(*key)?.as_array()?;
            let part = |i: usize| at.child(key).child(&i.to_string());
            let nulls = (0..list.len())
                .filter(|&i| is_null_schema(spec, &part(i)))
                .count();
            // allOf parts that only annotate (`allOf: [{$ref: X}, {description: …}]`, the
            // way generators attach a description to a reference) constrain nothing.
            let real: Vec<usize> = (0..list.len())
                .filter(|&i| !is_null_schema(spec, &part(i)))
                .filter(|&i| *key != "allOf" || !annotation_only(&list[i]))
                .collect();
            let only_wrapper = schema
                .as_object()
                .is_some_and(|o| !o.contains_key("properties") && !o.contains_key("type"));
            let one = real.len() == 1 && only_wrapper;
            (one && (*key == "allOf" || real.len() + nulls == list.len() && nulls == 1)).then(
                || {
                    if nulls > 0 {
                        nullable = true;
                    }
                    part(real[0])
                },
            )
        });
        let Some(next) = next else { break };
        let Some((s, a)) = spec.deref(&next) else {
            break;
        };
        schema = s;
        at = a;
    }
    // A `null` branch among several, or a branch that takes null: may be null (the
    // branches compared are the others).
    let (real, null) = branch_locs(spec, schema, &at);
    nullable |= !null.is_empty()
        || real.iter().any(|l| {
            spec.deref(l).is_some_and(|(b, _)| {
                b.get("nullable") == Some(&Value::Bool(true)) || types_of(b).contains("null")
            })
        });
    Some(Node {
        schema,
        at,
        nullable,
    })
}

/// Whether an `allOf` part only annotates: every keyword a description, a title, an
/// example, a read/write-only or deprecated mark, or an extension.
fn annotation_only(part: &Value) -> bool {
    part.as_object().is_some_and(|o| {
        o.keys().all(|k| {
            k.starts_with("x-")
                || matches!(
                    k.as_str(),
                    "description"
                        | "title"
                        | "example"
                        | "examples"
                        | "deprecated"
                        | "readOnly"
                        | "writeOnly"
                        | "externalDocs"
                        | "xml"
                        | "$comment"
                )
        })
    })
}

/// The `anyOf`/`oneOf` branches of a schema that are not just `null` (first), and the
/// `null` ones (second).
fn branch_locs(spec: &Spec, schema: &Value, at: &Loc) -> (Vec<Loc>, Vec<Loc>) {
    let mut real = Vec::new();
    let mut null = Vec::new();
    for key in ["anyOf", "oneOf"] {
        let Some(list) = schema.get(key).and_then(Value::as_array) else {
            continue;
        };
        for i in 0..list.len() {
            let loc = at.child(key).child(&i.to_string());
            if is_null_schema(spec, &loc) {
                null.push(loc);
            } else {
                real.push(loc);
            }
        }
    }
    (real, null)
}

fn is_composite(schema: &Value) -> bool {
    schema.get("anyOf").is_some_and(Value::is_array)
        || schema.get("oneOf").is_some_and(Value::is_array)
}

fn is_null_schema(spec: &Spec, loc: &Loc) -> bool {
    spec.deref(loc)
        .is_some_and(|(s, _)| types_of(s).len() == 1 && types_of(s).contains("null"))
}

/// The `type`s a schema names (a string or a list), `null` included when listed.
fn types_of(schema: &Value) -> BTreeSet<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => BTreeSet::from([t.as_str()]),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => BTreeSet::new(),
    }
}

/// The non-null types a schema allows: its `type`, else what its keywords imply
/// (`properties`: an object; `items`: an array).
fn real_types(schema: &Value) -> BTreeSet<&str> {
    let mut out: BTreeSet<&str> = types_of(schema)
        .into_iter()
        .filter(|t| *t != "null")
        .collect();
    if out.is_empty() && schema.get("properties").is_some() {
        out.insert("object");
    }
    if out.is_empty() && schema.get("items").is_some() {
        out.insert("array");
    }
    out
}

/// [`real_types`], and for a schema that is only `allOf` parts, its parts' types.
fn folded_types<'v>(spec: &'v Spec, schema: &'v Value, at: &Loc) -> BTreeSet<&'v str> {
    let own = real_types(schema);
    if !own.is_empty() {
        return own;
    }
    let n = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    (0..n)
        .filter_map(|i| spec.deref(&at.child("allOf").child(&i.to_string())))
        .flat_map(|(part, _)| real_types(part))
        .collect()
}

/// A string schema's format, 3.0's binary and byte spelled as 3.1 spells them (the upgrade
/// guide's `contentMediaType: application/octet-stream` and `contentEncoding: base64`), so a
/// faithful upgrade is no change.
fn format_of(schema: &Value) -> Option<String> {
    let get = |k: &str| schema.get(k).and_then(Value::as_str);
    // `format: ""` names no format.
    match get("format").filter(|f| !f.is_empty()) {
        Some(f) => Some(f.to_string()),
        None if get("contentEncoding") == Some("base64") => Some("byte".into()),
        None if get("contentMediaType").is_some() => Some("binary".into()),
        None => None,
    }
}

/// Two different, non-empty type sets: the phrase and the level of the change. `text`: the
/// values travel as text (a parameter), where a `string` takes numbers and booleans too.
fn type_change(old: &BTreeSet<&str>, new: &BTreeSet<&str>, req: bool, text: bool) -> (String, u8) {
    let takes = |types: &BTreeSet<&str>, t: &str| {
        accepts(types, t)
            || (text && types.contains("string") && matches!(t, "integer" | "number" | "boolean"))
    };
    let widened = old.iter().all(|t| takes(new, t));
    let narrowed = new.iter().all(|t| takes(old, t));
    let level = match (req, widened, narrowed) {
        (true, true, _) => 0,
        (false, false, true) => 0,
        _ => 2,
    };
    let how = if widened {
        "widened"
    } else if narrowed {
        "narrowed"
    } else {
        "changed"
    };
    (
        format!("type {how} from {} to {}", list(old), list(new)),
        level,
    )
}

/// The non-null types of a plain schema's `type` list when it names several: the union it
/// spells in one schema (`type: [object, array, null]`, 3.1 and Swagger 2.0 extensions).
fn type_list(schema: &Value) -> Option<BTreeSet<&str>> {
    let t = real_types(schema);
    (!is_composite(schema) && t.len() >= 2).then_some(t)
}

/// Whether `types` accepts `t`, `integer` counted inside `number`.
fn accepts(types: &BTreeSet<&str>, t: &str) -> bool {
    types.contains(t) || (t == "integer" && types.contains("number"))
}

fn list(types: &BTreeSet<&str>) -> String {
    let v: Vec<&str> = types.iter().copied().filter(|t| *t != "null").collect();
    if v.is_empty() {
        "any".into()
    } else {
        v.join(" or ")
    }
}

/// Lower bound, upper bound: (value, exclusive), 3.0 booleans and 3.1 numbers alike.
fn bound(schema: &Value, key: &str, exclusive_key: &str) -> Option<(f64, bool)> {
    match schema.get(exclusive_key) {
        Some(Value::Number(n)) => n.as_f64().map(|x| (x, true)),
        Some(Value::Bool(true)) => schema.get(key).and_then(Value::as_f64).map(|x| (x, true)),
        _ => schema.get(key).and_then(Value::as_f64).map(|x| (x, false)),
    }
}

fn show(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The example a schema gives (3.0 `example`, 3.1 `examples[0]`).
fn example(schema: &Value) -> Option<&Value> {
    schema
        .get("example")
        .or_else(|| schema.get("examples").and_then(Value::as_array)?.first())
}

impl<'a> Schemas<'a> {
    pub(super) fn new(old: &'a Spec, new: &'a Spec) -> Schemas<'a> {
        Schemas {
            old,
            new,
            memo: HashMap::new(),
            open: HashMap::new(),
            low: usize::MAX,
            calls: 0,
        }
    }

    /// The changes from the schema at `old` to the one at `new`.
    pub(super) fn compare(&mut self, old: &Loc, new: &Loc, dir: Dir) -> Rc<Vec<Raw>> {
        let (Some(o), Some(n)) = (node(self.old, old), node(self.new, new)) else {
            return Rc::default();
        };
        let key = (o.at.clone(), n.at.clone(), dir);
        let found = if let Some(done) = self.memo.get(&key) {
            done.clone()
        } else if let Some(&depth) = self.open.get(&key) {
            self.low = self.low.min(depth);
            Rc::default()
        } else {
            let depth = self.open.len();
            self.open.insert(key.clone(), depth);
            let outer_low = std::mem::replace(&mut self.low, usize::MAX);
            let mut out = Vec::new();
            if is_composite(o.schema) || is_composite(n.schema) {
                // A union on either side: its branches are what is compared (a plain schema
                // counts as a union of one), not the wrapper's keywords.
                self.branches(&o, &n, dir, &mut out);
            } else {
                self.here(&o, &n, dir, &mut out);
                self.properties(&o, &n, dir, &mut out);
                self.nested(&o, &n, dir, &mut out);
            }
            self.open.remove(&key);
            // One change per rule and place: a schema reached by several property paths (a
            // DAG of shared schemas) would otherwise list it once per path, exponentially.
            let mut seen = std::collections::HashSet::new();
            out.retain(|r| seen.insert((r.kind, r.old.clone(), r.new.clone())));
            let out = Rc::new(out);
            // Past a budget of comparisons (specs whose schemas form large cycles, like
            // Stripe's expandable fields), cut results are remembered too: a change reached
            // only through a cycle entered from elsewhere may then be missed, but the diff
            // stays linear instead of re-walking each cycle from every entry.
            self.calls += 1;
            if self.low >= depth || self.calls > EXACT_CALLS {
                self.memo.insert(key, out.clone());
            }
            self.low = self.low.min(outer_low);
            out
        };
        // Nullability belongs to the place that refers to a schema (`X | None`), not to the
        // shared schema: judged here, outside the memo.
        let req = dir.writes();
        let (kind, detail, level) = match (o.nullable, n.nullable) {
            (false, true) => ("nullable-added", "now may be null", if req { 0 } else { 2 }),
            (true, false) => (
                "nullable-removed",
                "may no longer be null",
                if req { 2 } else { 0 },
            ),
            _ => return found,
        };
        let mut out = Vec::with_capacity(found.len() + 1);
        out.push(Raw {
            kind,
            on_property: false,
            at_root: true,
            name: String::new(),
            old: Some(old.clone()),
            new: Some(new.clone()),
            detail: detail.into(),
            level,
        });
        out.extend(found.iter().cloned());
        Rc::new(out)
    }

    /// Changes to the schema itself: type, nullability, enum, bounds, pattern, format,
    /// additional properties, default and example.
    // Kept whole: one list of keyword comparisons, each a few lines, read top to bottom.
    fn here(&self, o: &Node, n: &Node, dir: Dir, out: &mut Vec<Raw>) {
        let req = dir.writes();
        let mut push = |kind: &'static str, detail: String, level: u8| {
            out.push(Raw {
                kind,
                on_property: false,
                at_root: true,
                name: String::new(),
                old: Some(o.at.clone()),
                new: Some(n.at.clone()),
                detail,
                level,
            });
        };
        let (ot_real, nt_real) = (
            folded_types(self.old, o.schema, &o.at),
            folded_types(self.new, n.schema, &n.at),
        );
        if ot_real != nt_real && !ot_real.is_empty() && !nt_real.is_empty() {
            let (detail, level) = type_change(&ot_real, &nt_real, req, dir == Dir::Param);
            push("type-changed", detail, level);
        } else if ot_real.is_empty() && !nt_real.is_empty() {
            push(
                "type-changed",
                format!("type narrowed from any to {}", list(&nt_real)),
                if req { 2 } else { 0 },
            );
        } else if !ot_real.is_empty() && nt_real.is_empty() {
            push(
                "type-changed",
                format!("type widened from {} to any", list(&ot_real)),
                if req { 0 } else { 2 },
            );
        }
        self.enums(o, n, dir, &mut push);
        // (keyword, its exclusive form, an upper bound?, rule when it grows, when it shrinks)
        for (key, excl, upper, grew, shrank) in [
            (
                "maximum",
                "exclusiveMaximum",
                true,
                "max-increased",
                "max-decreased",
            ),
            (
                "maxLength",
                "",
                true,
                "max-length-increased",
                "max-length-decreased",
            ),
            (
                "maxItems",
                "",
                true,
                "max-items-increased",
                "max-items-decreased",
            ),
            (
                "minimum",
                "exclusiveMinimum",
                false,
                "min-increased",
                "min-decreased",
            ),
            (
                "minLength",
                "",
                false,
                "min-length-increased",
                "min-length-decreased",
            ),
            (
                "minItems",
                "",
                false,
                "min-items-increased",
                "min-items-decreased",
            ),
        ] {
            // minLength/minItems 0 is no bound.
            let read = |s: &Value| {
                bound(s, key, excl).filter(|(x, e)| upper || !(excl.is_empty() && *x == 0.0 && !*e))
            };
            let (a, b) = (read(o.schema), read(n.schema));
            // A new bound, a lower maximum or a higher minimum (or one made exclusive) is
            // stricter.
            let stricter = match (a, b) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some((x, xe)), Some((y, ye))) if x != y || xe != ye => {
                    (if upper { y < x } else { y > x }) || (y == x && ye)
                }
                _ => continue,
            };
            let fmt = |b: Option<(f64, bool)>| {
                b.map_or("none".into(), |(x, e)| {
                    format!("{}{}", show(x), if e { " (exclusive)" } else { "" })
                })
            };
            push(
                if stricter == upper { shrank } else { grew },
                format!("{key} changed from {} to {}", fmt(a), fmt(b)),
                level_of(req, stricter),
            );
        }
        let text = |s: &Value, k: &str| s.get(k).and_then(Value::as_str).map(str::to_string);
        match (text(o.schema, "pattern"), text(n.schema, "pattern")) {
            (None, Some(p)) => push(
                "pattern-added",
                format!("pattern `{p}` added"),
                level_of(req, true),
            ),
            (Some(p), None) => push(
                "pattern-removed",
                format!("pattern `{p}` removed"),
                level_of(req, false),
            ),
            (Some(a), Some(b)) if a != b => {
                push(
                    "pattern-changed",
                    format!("pattern changed from `{a}` to `{b}`"),
                    1,
                );
            }
            _ => {}
        }
        match (format_of(o.schema), format_of(n.schema)) {
            (a, b) if a != b => push(
                "format-changed",
                format!(
                    "format changed from {} to {}",
                    a.as_deref().unwrap_or("none"),
                    b.as_deref().unwrap_or("none")
                ),
                1,
            ),
            _ => {}
        }
        match (closed(o.schema), closed(n.schema)) {
            (false, true) => push(
                "additional-properties-disallowed",
                "no longer allows properties it does not list (additionalProperties: false)".into(),
                level_of(req, true),
            ),
            (true, false) => push(
                "additional-properties-allowed",
                "now allows properties it does not list".into(),
                // Unlisted properties are like new ones: harmless to a writer, a reader
                // that rejects unknown fields may break.
                if req { 0 } else { 1 },
            ),
            _ => {}
        }
        // A parameter's default is the text it stands for: `1` and `"1"` are one default.
        let as_text = |v: Option<&Value>| match v {
            Some(Value::String(s)) if dir == Dir::Param => Some(s.clone()),
            other => other.map(Value::to_string),
        };
        if as_text(o.schema.get("default")) != as_text(n.schema.get("default")) {
            let fmt = |v: Option<&Value>| v.map_or("none".into(), |v| v.to_string());
            push(
                "default-changed",
                format!(
                    "default changed from {} to {}",
                    fmt(o.schema.get("default")),
                    fmt(n.schema.get("default"))
                ),
                // A client leaving it out now gets another value.
                u8::from(req),
            );
        }
        if example(o.schema) != example(n.schema) {
            push("example-changed", "example changed".into(), 0);
        }
    }

    fn enums(&self, o: &Node, n: &Node, dir: Dir, push: &mut impl FnMut(&'static str, String, u8)) {
        let req = dir.writes();
        // Member → as shown. A parameter's members compare as the text sent (`1` and `"1"`
        // alike).
        let members = |s: &Value| {
            s.get("enum").and_then(Value::as_array).map(|l| {
                l.iter()
                    .filter(|v| !v.is_null())
                    .map(|v| match v.as_str() {
                        Some(t) if dir == Dir::Param => (t.to_string(), v.to_string()),
                        _ => (v.to_string(), v.to_string()),
                    })
                    .collect::<BTreeMap<String, String>>()
            })
        };
        match (members(o.schema), members(n.schema)) {
            (None, Some(b)) => push(
                "enum-added",
                format!(
                    "now limited to {}",
                    b.into_values().collect::<Vec<_>>().join(", ")
                ),
                level_of(req, true),
            ),
            (Some(_), None) => push(
                "enum-removed",
                "no longer limited to a list of values".into(),
                level_of(req, false),
            ),
            (Some(a), Some(b)) => {
                let only = |x: &BTreeMap<String, String>, y: &BTreeMap<String, String>| {
                    x.iter()
                        .filter(|(k, _)| !y.contains_key(*k))
                        .map(|(_, shown)| shown.clone())
                        .collect::<Vec<String>>()
                };
                let (gone, came) = (only(&a, &b), only(&b, &a));
                if !gone.is_empty() {
                    let list = gone
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    push(
                        "enum-value-removed",
                        format!("enum value {list} removed"),
                        level_of(req, true),
                    );
                }
                if !came.is_empty() {
                    let list = came
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                    // A reader may meet a value it has no case for.
                    push(
                        "enum-value-added",
                        format!("enum value {list} added"),
                        if req { 0 } else { 2 },
                    );
                }
            }
            (None, None) => {}
        }
    }

    /// Properties removed, added, made required or optional, and each kept one compared.
    fn properties(&mut self, o: &Node, n: &Node, dir: Dir, out: &mut Vec<Raw>) {
        let req = dir.writes();
        let (op, or) = object(self.old, o.schema, &o.at, dir);
        let (np, nr) = object(self.new, n.schema, &n.at, dir);
        // Where unlisted properties are refused, a writer still sending a removed one fails.
        let removed_level = if !req || closed(n.schema) { 2 } else { 1 };
        for (name, o_at) in &op {
            let (kind, detail, levels) =
                match (np.contains_key(name), or.contains(name), nr.contains(name)) {
                    (false, _, _) => ("property-removed", "removed", (removed_level, 2)),
                    (true, false, true) => ("property-became-required", "became required", (2, 0)),
                    (true, true, false) => ("property-became-optional", "became optional", (0, 2)),
                    _ => continue,
                };
            let new = np.get(name).cloned();
            let level = if req { levels.0 } else { levels.1 };
            out.push(property(kind, name, Some(o_at.clone()), new, detail, level));
        }
        for (name, n_at) in np.iter().filter(|(k, _)| !op.contains_key(*k)) {
            let (kind, detail, level) = if nr.contains(name) {
                (
                    "property-required-added",
                    "added, required",
                    if req { 2 } else { 0 },
                )
            } else {
                ("property-added", "added", 0)
            };
            out.push(property(
                kind,
                name,
                None,
                Some(n_at.clone()),
                detail,
                level,
            ));
        }
        for (name, o_at) in &op {
            if let Some(n_at) = np.get(name) {
                let inner = self.compare(o_at, n_at, dir);
                nest(out, &inner, name);
            }
        }
    }

    /// `items`, `additionalProperties` schemas and composition branches.
    fn nested(&mut self, o: &Node, n: &Node, dir: Dir, out: &mut Vec<Raw>) {
        for key in ["items", "additionalProperties"] {
            let (a, b) = (o.schema.get(key), n.schema.get(key));
            if a.is_some_and(Value::is_object) && b.is_some_and(Value::is_object) {
                let inner = self.compare(&o.at.child(key), &n.at.child(key), dir);
                nest(out, &inner, if key == "items" { "[]" } else { "{}" });
            }
        }
        // allOf parts are folded into the object's properties (see `object`).
    }

    /// Union branches (`anyOf`/`oneOf`; a plain schema is a union of itself): those referring
    /// to the same schema paired, then the rest by position; the left-over ones removed or
    /// added (a reader meets a new shape, a writer loses one).
    fn branches(&mut self, o: &Node, n: &Node, dir: Dir, out: &mut Vec<Raw>) {
        if self.type_list_branches(o, n, dir, out) {
            return;
        }
        let side = |spec: &Spec, node: &Node| {
            if is_composite(node.schema) {
                branch_locs(spec, node.schema, &node.at).0
            } else {
                vec![node.at.clone()]
            }
        };
        let (ob, nb) = (side(self.old, o), side(self.new, n));
        let target = |spec: &Spec, l: &Loc| spec.deref(l).map(|(_, at)| at);
        let mut left: Vec<Option<Loc>> = nb.iter().cloned().map(Some).collect();
        let mut unpaired = Vec::new();
        for a in &ob {
            let t = target(self.old, a);
            let same = left.iter().position(|b| {
                b.as_ref().is_some_and(|b| {
                    let u = target(self.new, b);
                    t.as_ref().zip(u.as_ref()).is_some_and(|(t, u)| {
                        t.pointer.starts_with("/components/") && t.pointer == u.pointer
                    }) || self.old.get(a) == self.new.get(b)
                })
            });
            match same.and_then(|i| left[i].take()) {
                Some(b) => {
                    let inner = self.compare(a, &b, dir);
                    nest(out, &branch_only(&inner), "");
                }
                None => unpaired.push(a.clone()),
            }
        }
        let mut rest = left.into_iter().flatten();
        let req = dir.writes();
        for a in unpaired {
            match rest.next() {
                Some(b) => {
                    let inner = self.compare(&a, &b, dir);
                    nest(out, &branch_only(&inner), "");
                }
                None => out.push(unpaired_branch(a, false, req)),
            }
        }
        for b in rest {
            out.push(unpaired_branch(b, true, req));
        }
    }
}

impl Schemas<'_> {
    /// A type list on one side (`type: [object, array]`) and a union on the other (`oneOf:
    /// [{type: object}, {type: array}]`): the same union spelled two ways. Each branch whose
    /// types the list names is compared with the listed schema (its own narrower type is no
    /// change); the types together are compared once; the other branches are added or
    /// removed. False (nothing done) unless it is that case.
    fn type_list_branches(&mut self, o: &Node, n: &Node, dir: Dir, out: &mut Vec<Raw>) -> bool {
        let (listed, union, list_is_old) = match (type_list(o.schema), type_list(n.schema)) {
            (Some(t), None) if is_composite(n.schema) => (t, n, true),
            (None, Some(t)) if is_composite(o.schema) => (t, o, false),
            _ => return false,
        };
        let (list_at, union_spec) = if list_is_old {
            (&o.at, self.new)
        } else {
            (&n.at, self.old)
        };
        let req = dir.writes();
        let mut covered: BTreeSet<&str> = BTreeSet::new();
        let mut all: BTreeSet<&str> = BTreeSet::new();
        for b in branch_locs(union_spec, union.schema, &union.at).0 {
            let types = union_spec
                .deref(&b)
                .map(|(s, at)| folded_types(union_spec, s, &at))
                .unwrap_or_default();
            all.extend(types.iter().copied());
            if !types.is_empty() && types.iter().all(|t| accepts(&listed, t)) {
                let inner = if list_is_old {
                    self.compare(list_at, &b, dir)
                } else {
                    self.compare(&b, list_at, dir)
                };
                // The listed schema's keywords for its other types (a string's maxLength
                // against the integer branch) are not this branch's.
                let inner: Vec<Raw> = branch_only(&inner)
                    .into_iter()
                    .filter(|r| !(r.at_root && r.kind == "type-changed"))
                    .filter(|r| applies(r, &types))
                    .collect();
                covered.extend(types);
                nest(out, &inner, "");
                continue;
            }
            out.push(unpaired_branch(b, list_is_old, req));
        }
        // No branch of a listed type: the types compared are the union's own.
        let union_types = if covered.is_empty() { all } else { covered };
        let (ot, nt) = if list_is_old {
            (&listed, &union_types)
        } else {
            (&union_types, &listed)
        };
        if ot != nt && !union_types.is_empty() {
            let (detail, level) = type_change(ot, nt, req, dir == Dir::Param);
            out.push(Raw {
                kind: "type-changed",
                on_property: false,
                at_root: true,
                name: String::new(),
                old: Some(o.at.clone()),
                new: Some(n.at.clone()),
                detail,
                level,
            });
        }
        true
    }
}

/// Whether a change found comparing a type-list schema with a union branch of `types` is
/// the branch's: keywords of a type the branch does not take (a string's `maxLength`, an
/// object's properties, an array's items, against an integer branch) are not.
fn applies(r: &Raw, types: &BTreeSet<&str>) -> bool {
    let takes = |t: &str| accepts(types, t);
    let kind = r.kind.trim_start_matches("property-");
    if r.name.starts_with('[') {
        return takes("array");
    }
    if r.on_property || !r.name.is_empty() {
        return takes("object");
    }
    if kind.starts_with("max-length")
        || kind.starts_with("min-length")
        || kind.starts_with("pattern")
    {
        return takes("string");
    }
    if kind.starts_with("max-items") || kind.starts_with("min-items") {
        return takes("array");
    }
    if kind.starts_with("max-") || kind.starts_with("min-") {
        return takes("number") || takes("integer");
    }
    if kind.starts_with("additional-properties") {
        return takes("object");
    }
    true
}

/// A union branch no branch of the other side pairs with: added to the new side
/// (`added`), or removed from the old one.
fn unpaired_branch(b: Loc, added: bool, req: bool) -> Raw {
    let (kind, detail, level, old, new) = if added {
        // A reader meets a shape it does not know.
        (
            "branch-added",
            "a union branch was added",
            if req { 0 } else { 2 },
            None,
            Some(b),
        )
    } else {
        (
            "branch-removed",
            "a union branch was removed",
            level_of(req, true),
            Some(b),
            None,
        )
    };
    Raw {
        kind,
        on_property: false,
        at_root: true,
        name: String::new(),
        old,
        new,
        detail: detail.into(),
        level,
    }
}

/// Whether a schema refuses properties it does not list.
fn closed(s: &Value) -> bool {
    s.get("additionalProperties") == Some(&Value::Bool(false))
        || s.get("unevaluatedProperties") == Some(&Value::Bool(false))
}

/// An object schema's properties (name → where) and required names, its `allOf` parts
/// folded in (moving properties into an `allOf` part changes nothing). A `readOnly`
/// property is not required of a request, a `writeOnly` one not of a response.
fn object(
    spec: &Spec,
    schema: &Value,
    at: &Loc,
    dir: Dir,
) -> (BTreeMap<String, Loc>, BTreeSet<String>) {
    let mut props = BTreeMap::new();
    let mut req = BTreeSet::new();
    let mut stack = vec![(schema, at.clone(), 0u8)];
    while let Some((s, at, depth)) = stack.pop() {
        if let Some(map) = s.get("properties").and_then(Value::as_object) {
            for name in map.keys() {
                props
                    .entry(name.clone())
                    .or_insert_with(|| at.child("properties").child(name));
            }
        }
        req.extend(required(s));
        if depth < 8 {
            for i in 0..s.get("allOf").and_then(Value::as_array).map_or(0, Vec::len) {
                if let Some((part, part_at)) = spec.deref(&at.child("allOf").child(&i.to_string()))
                {
                    stack.push((part, part_at, depth + 1));
                }
            }
        }
    }
    let skip = if dir.writes() {
        "readOnly"
    } else {
        "writeOnly"
    };
    req.retain(|name| {
        props
            .get(name)
            .and_then(|l| spec.deref(l))
            .is_none_or(|(p, _)| p.get(skip) != Some(&Value::Bool(true)))
    });
    (props, req)
}

/// The names a schema's `required` lists.
fn required(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// A change to the property set of an object schema.
fn property(
    kind: &'static str,
    name: &str,
    old: Option<Loc>,
    new: Option<Loc>,
    detail: &str,
    level: u8,
) -> Raw {
    Raw {
        kind,
        on_property: true,
        at_root: false,
        name: name.to_string(),
        old,
        new,
        detail: detail.to_string(),
        level,
    }
}

/// A paired union branch's changes without its own nullability: whether the union takes
/// `null` is judged once, on the union.
fn branch_only(inner: &[Raw]) -> Vec<Raw> {
    inner
        .iter()
        .filter(|r| !(r.at_root && r.kind.starts_with("nullable-")))
        .cloned()
        .collect()
}

/// The level of a change making values stricter (or looser) in a direction.
fn level_of(req: bool, stricter: bool) -> u8 {
    match (req, stricter) {
        (true, true) => 2,
        (true, false) => 0,
        (false, true) => 0,
        // A reader may meet values it was promised it would not.
        (false, false) => 2,
    }
}

/// Adds `inner` (changes found under `name`) to `out`, their names prefixed.
fn nest(out: &mut Vec<Raw>, inner: &[Raw], name: &str) {
    for r in inner {
        let mut r = r.clone();
        if name.is_empty() {
            out.push(r);
            continue;
        }
        r.at_root = false;
        r.name = if r.name.is_empty() {
            name.to_string()
        } else if r.name.starts_with('[') || r.name.starts_with('{') {
            format!("{name}{}", r.name)
        } else {
            format!("{name}.{}", r.name)
        };
        out.push(r);
    }
}
