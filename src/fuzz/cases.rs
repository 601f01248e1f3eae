//! Requests generated for one operation: the spec's own examples, boundary values (each
//! parameter and body property at its bounds, every enum member, empty and longest strings,
//! non-ASCII text, nulls where allowed), random values drawn from a seed by the mock's value
//! generator, and negative requests that break exactly one constraint each.
//!
//! Whether a request really honours (or breaks) the contract is not taken on trust: the
//! engine's request check decides when it is sent (see `super::checks`).

use serde_json::{json, Map, Value};

use crate::contract::{Contract, Direction};
use crate::request::{Body, Draft, ParamValue};
use crate::spec::{Loc, OperationDetail, ParamLocation, Spec};
use crate::suite::{body_for, sample, sample_varied, seed_of};

/// One operation with what generation needs of it.
pub(super) struct Target {
    /// The operation, resolved.
    pub detail: std::sync::Arc<OperationDetail>,
    /// The body's media type and schema, when it takes a body.
    pub media: Option<(String, Option<Loc>)>,
    /// The body must be sent.
    pub body_required: bool,
    /// Path parameter values of resources that exist (ids read from a list answer): used
    /// in place of generated ones, so requests reach a real resource instead of a 404.
    pub known: Vec<(usize, Value)>,
}

impl Target {
    /// The target of `detail`.
    pub fn new(detail: std::sync::Arc<OperationDetail>) -> Target {
        let media = detail.request_body.as_ref().and_then(|rb| {
            crate::contract::media::preferred(&rb.content)
                .map(|m| (m.media_type.clone(), m.schema.clone()))
        });
        let body_required = detail.request_body.as_ref().is_some_and(|b| b.required);
        Target {
            detail,
            media,
            body_required,
            known: Vec::new(),
        }
    }
}

/// What is sent: parameter values (by index into the operation's parameters) and a body.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Input {
    /// Parameters present, in the operation's order.
    pub params: Vec<(usize, Value)>,
    /// The body.
    pub body: Option<BodyInput>,
}

/// A body: a value encoded in the operation's media type, or raw text of any type.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum BodyInput {
    /// Encoded as the operation's preferred media type.
    Value(Value),
    /// Sent as it is (malformed JSON, a media type the operation does not take).
    Raw {
        /// Content-Type sent.
        content_type: String,
        /// The text.
        text: String,
    },
    /// Bytes that are not text at all (not UTF-8), with a media type.
    Bytes {
        /// Content-Type sent.
        content_type: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// What a case is meant to be.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Intent {
    /// A request honouring the contract.
    Positive,
    /// A request breaking one constraint: where (`query.limit`, `body/rating`) and how.
    Negative {
        /// Where the broken constraint is.
        location: String,
        /// Which constraint.
        what: String,
    },
}

/// One generated request.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Case {
    /// What is sent.
    pub input: Input,
    /// What it is meant to be.
    pub intent: Intent,
}

/// Text outside ASCII (Latin accents, CJK, an emoji): services that write it to an
/// ASCII-only log, file name or header fail on it.
const NON_ASCII: &str = "Élan 本 😀";

impl Target {
    /// The draft that sends `input`.
    pub fn draft(&self, input: &Input, base_url: Option<&str>) -> Draft {
        let params = input
            .params
            .iter()
            .map(|(i, v)| {
                let p = &self.detail.parameters[*i];
                ParamValue {
                    name: p.name.clone(),
                    location: p.location,
                    value: v.clone(),
                }
            })
            .collect();
        let body = input.body.as_ref().map(|b| match (b, &self.media) {
            (BodyInput::Value(v), Some((media, _))) => body_for(media, v.clone()),
            (BodyInput::Value(v), None) => Body::Json(v.clone()),
            (BodyInput::Raw { content_type, text }, _) => Body::Text {
                content_type: content_type.clone(),
                text: text.clone(),
            },
            (
                BodyInput::Bytes {
                    content_type,
                    bytes,
                },
                _,
            ) => Body::Bytes {
                content_type: content_type.clone(),
                bytes: bytes.clone(),
            },
        });
        Draft {
            method: self.detail.operation.method.clone(),
            path: self.detail.operation.path.clone(),
            params,
            body,
            base_url: base_url.map(str::to_string),
            ..Draft::default()
        }
    }

    /// The smallest request honouring the contract: required parameters and the body from
    /// examples, defaults or the schemas' smallest values.
    pub fn base(&self, spec: &Spec) -> Input {
        let mut params = Vec::new();
        for (i, p) in self.detail.parameters.iter().enumerate() {
            if p.required {
                params.push((i, self.param_value(spec, i, None)));
            }
        }
        let body = self
            .body_schema()
            .map(|s| BodyInput::Value(sample(spec, s)));
        let body = body.or_else(|| {
            self.body_required
                .then(|| BodyInput::Value(Value::Object(Map::new())))
        });
        Input { params, body }
    }

    fn body_schema(&self) -> Option<&Loc> {
        self.media.as_ref().and_then(|(_, s)| s.as_ref())
    }

    /// A parameter's value: its example, else a sample (varied from `seed` when given).
    fn param_value(&self, spec: &Spec, i: usize, seed: Option<u64>) -> Value {
        if let Some((_, v)) = self.known.iter().find(|(k, _)| *k == i) {
            return v.clone();
        }
        let p = &self.detail.parameters[i];
        if seed.is_none() {
            if let Some(example) = spec.get(&p.at).and_then(|v| v.get("example")) {
                return example.clone();
            }
        }
        match (&p.schema, seed) {
            (Some(s), Some(seed)) => sample_varied(spec, s, seed, false),
            (Some(s), None) => sample(spec, s),
            (None, _) => Value::String("a".into()),
        }
    }

    /// The examples phase: the smallest request, and the one with every optional
    /// parameter.
    pub fn examples(&self, spec: &Spec) -> Vec<Case> {
        let base = self.base(spec);
        let mut full = base.clone();
        for (i, p) in self.detail.parameters.iter().enumerate() {
            if !p.required {
                full.params.push((i, self.param_value(spec, i, None)));
            }
        }
        full.params.sort_by_key(|(i, _)| *i);
        let mut out = vec![positive(base)];
        if out[0].input != full {
            out.push(positive(full));
        }
        out
    }

    /// Boundary cases: the smallest request with one parameter or body property changed to
    /// each boundary value its schema allows (values the schema rejects are dropped).
    /// `seed` varies the other body properties; it must differ between operations, or two
    /// operations storing the same kind of thing (a user created by an admin, a user signing
    /// up) send the same unique values (an email) and the second only ever meets "already
    /// exists".
    pub fn boundaries(&self, contract: &Contract, seed: u64) -> Vec<Case> {
        let spec = contract.spec();
        let base = self.base(spec);
        let mut out = Vec::new();
        for (i, p) in self.detail.parameters.iter().enumerate() {
            let Some(schema) = &p.schema else { continue };
            for v in edges(spec, schema) {
                // An empty path segment is another route, not an edge value of this one.
                let empty = v.as_str().is_some_and(str::is_empty) || v.is_null();
                if p.location == ParamLocation::Path && empty {
                    continue;
                }
                if valid(contract, schema, &v) {
                    let mut input = base.clone();
                    set_param(&mut input, i, v);
                    out.push(positive(input));
                }
            }
        }
        if let (Some(schema), Some(BodyInput::Value(body))) = (self.body_schema(), &base.body) {
            for (k, (path, v)) in body_edges(spec, schema, body).into_iter().enumerate() {
                // The other properties varied per case (from a seed: the same each run), so
                // a unique field (an email) does not make every case after the first a
                // duplicate; the smallest body when the varied one does not fit.
                let varied = sample_varied(spec, schema, seed_of(seed, &k.to_le_bytes()), false);
                let mut whole = if varied.is_object() && body.is_object() {
                    varied
                } else {
                    body.clone()
                };
                set_at(&mut whole, &path, v.clone());
                if !valid(contract, schema, &whole) {
                    whole = body.clone();
                    set_at(&mut whole, &path, v);
                }
                if valid(contract, schema, &whole) {
                    out.push(positive(Input {
                        params: base.params.clone(),
                        body: Some(BodyInput::Value(whole)),
                    }));
                }
            }
        }
        out.dedup();
        out
    }

    /// A random request drawn from `seed`: each optional parameter present or not, every
    /// value varied.
    pub fn random(&self, spec: &Spec, seed: u64) -> Input {
        let mut params = Vec::new();
        for (i, p) in self.detail.parameters.iter().enumerate() {
            let s = seed_of(seed, p.name.as_bytes());
            if p.required || s.is_multiple_of(2) {
                params.push((i, self.param_value(spec, i, Some(s))));
            }
        }
        let body = self
            .body_schema()
            .map(|s| BodyInput::Value(sample_varied(spec, s, seed_of(seed, b"body"), false)));
        Input { params, body }
    }

    /// `input` with one part drawn again from `seed`: the step from a request that reached
    /// a new response to its neighbours.
    pub fn mutate(&self, spec: &Spec, input: &Input, seed: u64) -> Input {
        let mut out = input.clone();
        let n = self.detail.parameters.len() + usize::from(self.body_schema().is_some());
        if n == 0 {
            return out;
        }
        let k = (seed % n as u64) as usize;
        if k < self.detail.parameters.len() {
            let v = self.param_value(spec, k, Some(seed));
            set_param(&mut out, k, v);
        } else if let Some(s) = self.body_schema() {
            out.body = Some(BodyInput::Value(sample_varied(spec, s, seed, false)));
        }
        out
    }

    /// Negative cases on `base`: each breaks one constraint of one parameter or of the
    /// body (a wrong type, a value out of range, too short or long, a pattern or an enum
    /// missed, a required part missing, a property where none is allowed, malformed JSON, a
    /// media type the operation does not take).
    pub fn negatives(&self, spec: &Spec, base: &Input) -> Vec<Case> {
        let mut out = Vec::new();
        for (i, p) in self.detail.parameters.iter().enumerate() {
            let at = format!("{}.{}", p.location.name(), p.name);
            if p.required && p.location != ParamLocation::Path {
                let mut input = base.clone();
                input.params.retain(|(j, _)| *j != i);
                out.push(negative(input, &at, "required parameter missing"));
            }
            let Some(schema) = &p.schema else { continue };
            for (what, v) in breaks(spec, schema, true) {
                if p.location == ParamLocation::Path && v.as_str() == Some("") {
                    continue;
                }
                let mut input = base.clone();
                set_param(&mut input, i, v);
                out.push(negative(input, &at, &what));
            }
        }
        if let Some((media, schema)) = &self.media {
            let body = match &base.body {
                Some(BodyInput::Value(v)) => v.clone(),
                _ => Value::Object(Map::new()),
            };
            if let Some(schema) = schema {
                for (path, what, v) in body_breaks(spec, schema, &body) {
                    let mut whole = body.clone();
                    match v {
                        Some(v) => set_at(&mut whole, &path, v),
                        None => remove_at(&mut whole, &path),
                    }
                    let mut input = base.clone();
                    input.body = Some(BodyInput::Value(whole));
                    out.push(negative(input, &format!("body{path}"), &what));
                }
            }
            if crate::contract::media::is_json(media) {
                let mut input = base.clone();
                input.body = Some(BodyInput::Raw {
                    content_type: media.clone(),
                    text: "{\"unterminated\": ".into(),
                });
                out.push(negative(input, "body", "malformed JSON"));
                let mut input = base.clone();
                input.body = Some(BodyInput::Bytes {
                    content_type: media.clone(),
                    bytes: b"{\"\xff\xfe\": \xc3}".to_vec(),
                });
                out.push(negative(input, "body", "not UTF-8"));
                let mut input = base.clone();
                input.body = Some(BodyInput::Raw {
                    content_type: "text/plain".into(),
                    text: body.to_string(),
                });
                out.push(negative(
                    input,
                    "header.content-type",
                    "media type not accepted",
                ));
            }
            if self.body_required {
                let mut input = base.clone();
                input.body = None;
                out.push(negative(input, "body", "required body missing"));
            }
        }
        out
    }
}

fn positive(input: Input) -> Case {
    Case {
        input,
        intent: Intent::Positive,
    }
}

fn negative(input: Input, location: &str, what: &str) -> Case {
    Case {
        input,
        intent: Intent::Negative {
            location: location.into(),
            what: what.into(),
        },
    }
}

fn set_param(input: &mut Input, i: usize, v: Value) {
    match input.params.iter_mut().find(|(j, _)| *j == i) {
        Some(slot) => slot.1 = v,
        None => {
            input.params.push((i, v));
            input.params.sort_by_key(|(j, _)| *j);
        }
    }
}

/// Whether `v` honours the schema at `schema` (as a request value).
fn valid(contract: &Contract, schema: &Loc, v: &Value) -> bool {
    contract
        .check_value(Direction::Request, schema, v)
        .is_ok_and(|f| f.is_empty())
}

/// The schema at `loc` with its `$ref`s followed.
fn resolved<'a>(spec: &'a Spec, loc: &Loc) -> Option<(&'a Value, Loc)> {
    spec.deref(loc)
}

/// The types a schema allows (`type` as a string or a list; 3.0 `nullable`).
fn types(schema: &Value) -> Vec<String> {
    let mut out: Vec<String> = match schema.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    };
    if schema.get("nullable") == Some(&Value::Bool(true)) {
        out.push("null".into());
    }
    out
}

/// A schema's branches: `anyOf`/`oneOf` members (FastAPI writes `X | None` as an
/// `anyOf` with a `null` branch).
fn branches<'a>(spec: &'a Spec, schema: &'a Value, at: &Loc) -> Vec<(&'a Value, Loc)> {
    let mut out = Vec::new();
    for key in ["anyOf", "oneOf"] {
        if let Some(list) = schema.get(key).and_then(Value::as_array) {
            for i in 0..list.len() {
                if let Some(b) = resolved(spec, &at.child(key).child(&i.to_string())) {
                    out.push(b);
                }
            }
        }
    }
    out
}

fn num(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

/// Boundary values of the schema at `loc` (they may not all be valid: callers check).
fn edges(spec: &Spec, loc: &Loc) -> Vec<Value> {
    let Some((schema, at)) = resolved(spec, loc) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        out.extend(values.iter().cloned());
    }
    for (branch, b_at) in branches(spec, schema, &at) {
        if types(branch) == ["null"] {
            out.push(Value::Null);
        } else {
            out.extend(edges(spec, &b_at));
        }
    }
    let ts = types(schema);
    if ts.iter().any(|t| t == "null") {
        out.push(Value::Null);
    }
    for t in &ts {
        match t.as_str() {
            "integer" | "number" => out.extend(number_edges(schema, t == "integer")),
            "string" if schema.get("pattern").is_none() && schema.get("format").is_none() => {
                let min = num(schema, "minLength").unwrap_or(0.0) as usize;
                let max = num(schema, "maxLength").map(|m| (m as usize).min(4096));
                out.push(Value::String("a".repeat(min)));
                if let Some(max) = max {
                    out.push(Value::String("a".repeat(max)));
                }
                let text: String = NON_ASCII
                    .chars()
                    .cycle()
                    .take(min.max(NON_ASCII.chars().count()))
                    .collect();
                let text: String = text.chars().take(max.unwrap_or(usize::MAX)).collect();
                out.push(Value::String(text));
                // A NUL character: valid JSON text that databases (PostgreSQL) refuse.
                if max.is_none_or(|m| m >= 3) {
                    let nul: String = "a\u{0}b"
                        .chars()
                        .chain(std::iter::repeat_n('a', min.saturating_sub(3)))
                        .collect();
                    out.push(Value::String(nul));
                }
            }
            "boolean" => out.extend([json!(true), json!(false)]),
            "array" => {
                out.push(json!([]));
                if let Some(items) = schema.get("items").filter(|i| i.is_object()) {
                    let _ = items;
                    let item = sample(spec, &at.child("items"));
                    let max = num(schema, "maxItems").unwrap_or(3.0).min(8.0) as usize;
                    out.push(Value::Array(vec![item; max.max(1)]));
                }
            }
            _ => {}
        }
    }
    out
}

/// Boundary numbers of a numeric schema: its bounds (exclusive ones stepped inside), 0, -1,
/// the 32-bit maximum, and past 64 bits for integers.
fn number_edges(schema: &Value, int: bool) -> Vec<Value> {
    let mut out = Vec::new();
    let mut push = |x: f64| {
        out.push(if int { json!(x as i64) } else { json!(x) });
    };
    if let Some(min) = num(schema, "minimum") {
        push(min);
    }
    if let Some(max) = num(schema, "maximum") {
        push(max);
    }
    if let Some(min) = num(schema, "exclusiveMinimum") {
        push(if int { min + 1.0 } else { min + 0.5 });
    }
    if let Some(max) = num(schema, "exclusiveMaximum") {
        push(if int { max - 1.0 } else { max - 0.5 });
    }
    push(0.0);
    push(-1.0);
    push(if int { 2_147_483_647.0 } else { 1e15 });
    if int {
        // Past a 64-bit column (`bigint out of range`): valid when unbounded.
        out.push(json!(9_223_372_036_854_775_808_u64));
    }
    out
}

/// Boundary values for the body: each top-level property of an object body at its
/// boundaries, optional ones also added when the smallest body left them out.
fn body_edges(spec: &Spec, loc: &Loc, body: &Value) -> Vec<(String, Value)> {
    let Some((schema, at)) = resolved(spec, loc) else {
        return Vec::new();
    };
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return edges(spec, loc)
            .into_iter()
            .map(|v| (String::new(), v))
            .collect();
    };
    let mut out = Vec::new();
    for name in props.keys() {
        let p_at = at.child("properties").child(name);
        let pointer = format!("/{}", crate::spec::escape(name));
        if body.get(name).is_none() {
            out.push((pointer.clone(), sample(spec, &p_at)));
        }
        for v in edges(spec, &p_at) {
            out.push((pointer.clone(), v));
        }
    }
    out
}

/// Values breaking one constraint of the schema at `loc`: (what, value). `as_text`: the
/// value travels as text (a query parameter), where a number is also a valid string.
fn breaks(spec: &Spec, loc: &Loc, as_text: bool) -> Vec<(String, Value)> {
    let Some((schema, _)) = resolved(spec, loc) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let ts = types(schema);
    let has = |t: &str| ts.iter().any(|x| x == t);
    if !ts.is_empty() && !has("string") {
        out.push(("wrong type".into(), json!("not-a-value")));
    }
    if has("boolean") && !has("integer") && !has("number") && !as_text {
        // What lax parsers (Pydantic) take for a boolean.
        out.push(("wrong type".into(), json!(0)));
    }
    if has("string") && !as_text {
        out.push(("wrong type".into(), json!(12345)));
    }
    if !ts.is_empty() && !has("null") && !as_text && schema.get("anyOf").is_none() {
        out.push(("null where not allowed".into(), Value::Null));
    }
    let int = has("integer");
    let step = if int { 1.0 } else { 0.5 };
    let n = |x: f64| if int { json!(x as i64) } else { json!(x) };
    if let Some(min) = num(schema, "minimum") {
        out.push(("below minimum".into(), n(min - step)));
    }
    if let Some(max) = num(schema, "maximum") {
        out.push(("above maximum".into(), n(max + step)));
    }
    if let Some(min) = num(schema, "exclusiveMinimum") {
        out.push(("below minimum".into(), n(min)));
    }
    if let Some(max) = num(schema, "exclusiveMaximum") {
        out.push(("above maximum".into(), n(max)));
    }
    if let Some(min) = num(schema, "minLength").filter(|m| *m >= 1.0) {
        out.push((
            "shorter than minLength".into(),
            json!("a".repeat(min as usize - 1)),
        ));
    }
    if let Some(max) = num(schema, "maxLength").filter(|m| *m < 4096.0) {
        out.push((
            "longer than maxLength".into(),
            json!("a".repeat(max as usize + 1)),
        ));
    }
    if schema.get("pattern").is_some() {
        out.push(("pattern not matched".into(), json!("\u{1}!")));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let other = if values.iter().all(Value::is_string) {
            json!("not-in-enum")
        } else {
            json!(987_654_321)
        };
        out.push(("not in enum".into(), other));
    }
    if let Some(format) = schema.get("format").and_then(Value::as_str) {
        if ["uuid", "date-time", "date", "email", "uri", "ipv4"].contains(&format) {
            out.push((format!("not a {format}"), json!("not-a-value")));
        }
    }
    if let Some(max) = num(schema, "maxItems").filter(|m| *m < 64.0) {
        out.push((
            "more items than maxItems".into(),
            Value::Array(vec![json!("a"); max as usize + 1]),
        ));
    }
    out
}

/// Negative body changes: (JSON pointer, what, the new value or None to remove it).
fn body_breaks(spec: &Spec, loc: &Loc, body: &Value) -> Vec<(String, String, Option<Value>)> {
    let mut out: Vec<(String, String, Option<Value>)> = breaks(spec, loc, false)
        .into_iter()
        .map(|(w, v)| (String::new(), w, Some(v)))
        .collect();
    let Some((schema, at)) = resolved(spec, loc) else {
        return out;
    };
    if let Some(required) = schema.get("required").and_then(Value::as_array) {
        for name in required.iter().filter_map(Value::as_str) {
            if body.get(name).is_some() {
                let pointer = format!("/{}", crate::spec::escape(name));
                out.push((pointer, "required property missing".into(), None));
            }
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for name in props.keys() {
            let p_at = at.child("properties").child(name);
            let pointer = format!("/{}", crate::spec::escape(name));
            for (what, v) in breaks(spec, &p_at, false) {
                out.push((pointer.clone(), what, Some(v)));
            }
        }
    }
    if schema.get("additionalProperties") == Some(&Value::Bool(false))
        || schema.get("unevaluatedProperties") == Some(&Value::Bool(false))
    {
        out.push((
            "/vouch_unexpected".into(),
            "property not allowed".into(),
            Some(json!(1)),
        ));
    }
    out
}

/// Sets the value at a one-level JSON pointer (`""`: the whole value).
pub(super) fn set_at(doc: &mut Value, pointer: &str, v: Value) {
    if pointer.is_empty() {
        *doc = v;
        return;
    }
    if !doc.is_object() {
        *doc = Value::Object(Map::new());
    }
    if let Some(map) = doc.as_object_mut() {
        map.insert(unescape(&pointer[1..]), v);
    }
}

fn remove_at(doc: &mut Value, pointer: &str) {
    if let Some(map) = doc.as_object_mut() {
        map.remove(&unescape(pointer.trim_start_matches('/')));
    }
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
