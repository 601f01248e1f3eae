//! `$ref` handling: the set of documents a spec spans, resolving references between them,
//! and walking a document for its references without mistaking example data for them.
//!
//! Schemas are never inlined: a reference stays a (document, pointer) pair, so reference
//! cycles (normal in real specs) cost nothing and can never recurse.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::Value;
use url::Url;

/// Index of a document within a [`Documents`] set; the root document is always 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct DocId(pub(crate) u32);

impl DocId {
    /// The spec's own (entry) document.
    pub const ROOT: DocId = DocId(0);

    /// Is this the entry document?
    pub fn is_root(&self) -> bool {
        *self == DocId::ROOT
    }

    /// Position of the document in [`Documents`] (0 is the entry document).
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The document at a position of [`Documents`].
    pub fn from_index(i: usize) -> DocId {
        DocId(i as u32)
    }
}

/// A place in one of the spec's documents: the document and a JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Loc {
    /// Which document (left out of JSON for the entry document).
    #[serde(skip_serializing_if = "DocId::is_root")]
    pub doc: DocId,
    /// JSON pointer (RFC 6901) into that document.
    pub pointer: String,
}

impl Loc {
    /// A place in the entry document.
    pub fn root(pointer: impl Into<String>) -> Loc {
        Loc {
            doc: DocId::ROOT,
            pointer: pointer.into(),
        }
    }

    /// The location of a child member.
    pub fn child(&self, key: &str) -> Loc {
        let key = escape(key);
        let mut pointer = String::with_capacity(self.pointer.len() + 1 + key.len());
        pointer.push_str(&self.pointer);
        pointer.push('/');
        pointer.push_str(&key);
        Loc {
            doc: self.doc,
            pointer,
        }
    }
}

/// Escapes one reference token of a JSON pointer.
pub fn escape(token: &str) -> std::borrow::Cow<'_, str> {
    // A byte scan: this runs for every key of every location built while resolving a spec.
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        token.replace('~', "~0").replace('/', "~1").into()
    } else {
        token.into()
    }
}

/// One loaded document.
#[derive(Debug)]
pub(crate) struct Document {
    pub(crate) url: Url,
    pub(crate) value: Value,
}

/// Every document a spec spans: the entry document first, then those reached by `$ref`.
#[derive(Debug, Default)]
pub struct Documents {
    pub(crate) docs: Vec<Document>,
    by_url: HashMap<String, DocId>,
}

/// Why a reference does not lead anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefError {
    /// The referenced document is not part of the set (it failed to load).
    MissingDocument(String),
    /// The pointer does not exist in its document.
    MissingTarget(String),
    /// A fragment that is not a JSON pointer (e.g. a 2020-12 `$anchor`).
    UnsupportedFragment(String),
    /// The reference string is not a valid URI reference.
    Malformed(String),
    /// A chain of references that comes back to itself.
    Cycle,
}

impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefError::MissingDocument(d) => write!(f, "the document {d} could not be loaded"),
            RefError::MissingTarget(p) => write!(f, "nothing exists at {p}"),
            RefError::UnsupportedFragment(x) => {
                write!(f, "the fragment #{x} is not a JSON pointer")
            }
            RefError::Malformed(r) => write!(f, "{r} is not a valid reference"),
            RefError::Cycle => write!(f, "the chain of $refs comes back to itself"),
        }
    }
}

/// Most `$ref` hops followed when one reference points at another.
const MAX_HOPS: usize = 64;

impl Documents {
    pub(crate) fn with_root(url: Url, value: Value) -> Self {
        let mut d = Documents::default();
        d.insert(url, value);
        d
    }

    pub(crate) fn insert(&mut self, url: Url, value: Value) -> DocId {
        let id = DocId(self.docs.len() as u32);
        self.by_url.insert(doc_key(&url), id);
        self.docs.push(Document { url, value });
        id
    }

    pub(crate) fn id_of(&self, url: &Url) -> Option<DocId> {
        self.by_url.get(&doc_key(url)).copied()
    }

    /// The document's value.
    pub(crate) fn value(&self, doc: DocId) -> &Value {
        &self.docs[doc.0 as usize].value
    }

    pub(crate) fn value_mut(&mut self, doc: DocId) -> &mut Value {
        &mut self.docs[doc.0 as usize].value
    }

    /// The URL a document was loaded from.
    pub fn url(&self, doc: DocId) -> &Url {
        &self.docs[doc.0 as usize].url
    }

    /// How many documents the spec spans.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// True when not even the entry document is loaded (never the case for a loaded spec).
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The value at a location, if it exists.
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        pointer(&self.docs.get(loc.doc.0 as usize)?.value, &loc.pointer)
    }

    /// Where a `$ref` written in document `from` points.
    pub(crate) fn target(&self, from: DocId, reference: &str) -> Result<Loc, RefError> {
        let (doc_part, fragment) = match reference.split_once('#') {
            Some((d, f)) => (d, f),
            None => (reference, ""),
        };
        let doc = if doc_part.is_empty() {
            from
        } else {
            let url = self
                .url(from)
                .join(doc_part)
                .map_err(|_| RefError::Malformed(reference.to_string()))?;
            self.id_of(&url)
                .ok_or_else(|| RefError::MissingDocument(strip_fragment(&url)))?
        };
        let pointer = percent_encoding::percent_decode_str(fragment)
            .decode_utf8_lossy()
            .into_owned();
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(RefError::UnsupportedFragment(pointer));
        }
        Ok(Loc { doc, pointer })
    }

    /// Follows `$ref` from `loc` until a value that is not a reference, returning it and where
    /// it lives. Stops on missing targets and on cycles.
    pub(crate) fn deref<'a>(&'a self, loc: &Loc) -> Result<(&'a Value, Loc), RefError> {
        let v = self
            .get(loc)
            .ok_or_else(|| RefError::MissingTarget(loc.pointer.clone()))?;
        self.deref_in(v, loc)
    }

    /// [`Documents::deref`] of `loc` whose value `here` the caller already holds: the walk
    /// from the document's root (hashing every key on the way, long path keys included) is
    /// made only for the `$ref` targets.
    pub(crate) fn deref_in<'a>(
        &'a self,
        here: &'a Value,
        loc: &Loc,
    ) -> Result<(&'a Value, Loc), RefError> {
        let Some(first) = here.get("$ref").and_then(Value::as_str) else {
            return Ok((here, loc.clone()));
        };
        let mut cur = self.target(loc.doc, first)?;
        for _ in 1..MAX_HOPS {
            let v = self
                .get(&cur)
                .ok_or_else(|| RefError::MissingTarget(cur.pointer.clone()))?;
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) => cur = self.target(cur.doc, r)?,
                None => return Ok((v, cur)),
            }
        }
        Err(RefError::Cycle)
    }
}

/// The value at a JSON pointer (RFC 6901), as `Value::pointer`, without its two string
/// copies per token: a token is unescaped only when it holds a `~`. Spec checks follow
/// hundreds of thousands of pointers in a large spec.
pub(crate) fn pointer<'a>(root: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let mut v = root;
    for raw in pointer.strip_prefix('/')?.split('/') {
        let token: std::borrow::Cow<'_, str> = if raw.as_bytes().contains(&b'~') {
            unescape(raw).into()
        } else {
            raw.into()
        };
        v = match v {
            Value::Object(m) => m.get(token.as_ref())?,
            Value::Array(a) => {
                // As RFC 6901 (and serde_json): no sign, no leading zero.
                if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
                    return None;
                }
                a.get(token.parse::<usize>().ok()?)?
            }
            _ => return None,
        };
    }
    Some(v)
}

/// One reference token unescaped in one pass (`~1` → `/`, `~0` → `~`; any other `~` kept).
pub(crate) fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('~') {
        out.push_str(&rest[..at]);
        match rest.as_bytes().get(at + 1) {
            Some(b'1') => out.push('/'),
            Some(b'0') => out.push('~'),
            _ => {
                out.push('~');
                rest = &rest[at + 1..];
                continue;
            }
        }
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// URL identity of a document: without its fragment.
pub(crate) fn doc_key(url: &Url) -> String {
    strip_fragment(url)
}

fn strip_fragment(url: &Url) -> String {
    let mut u = url.clone();
    u.set_fragment(None);
    u.to_string()
}

/// Keys whose value holds literal data (examples, defaults, enums): a `$ref` inside is data.
fn is_data_keyword(key: &str) -> bool {
    matches!(
        key,
        "example" | "default" | "enum" | "const" | "value" | "x-examples"
    ) || key.starts_with("x-")
}

/// Keys whose value is a map from user-chosen names to objects: under them, keys are names,
/// never keywords (a property called `example` is still a schema).
fn is_name_map(key: &str) -> bool {
    matches!(
        key,
        "properties"
            | "patternProperties"
            | "definitions"
            | "$defs"
            | "dependentSchemas"
            | "paths"
            | "webhooks"
            | "responses"
            | "content"
            | "headers"
            | "parameters"
            | "securityDefinitions"
            | "securitySchemes"
            | "schemas"
            | "requestBodies"
            | "callbacks"
            | "links"
            | "encoding"
            | "examples"
            | "pathItems"
            | "variables"
            | "mapping"
            | "scopes"
    )
}

/// Calls `f(pointer, reference)` for every `$ref` in `value`, skipping example and default data;
/// `pointer()` renders the `$ref`'s JSON pointer only when asked (a check that finds nothing
/// wrong never needs it).
pub(crate) fn walk_refs<'v>(value: &'v Value, f: &mut impl FnMut(&dyn Fn() -> String, &'v str)) {
    visit_objects(value, &mut |pointer, obj| {
        if let Some(Value::String(r)) = obj.get("$ref") {
            f(pointer, r);
        }
    });
}

/// One step of the path the walk is at.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Calls `f(pointer, object)` for every object in keyword position (not example data, not a
/// map of names); `pointer()` renders the object's JSON pointer only when asked.
pub(crate) fn visit_objects<'v>(
    value: &'v Value,
    f: &mut impl FnMut(&dyn Fn() -> String, &'v serde_json::Map<String, Value>),
) {
    let mut path: Vec<Seg<'_>> = Vec::new();
    visit(value, false, &mut path, f);
}

fn visit<'a>(
    value: &'a Value,
    names: bool,
    path: &mut Vec<Seg<'a>>,
    f: &mut impl FnMut(&dyn Fn() -> String, &'a serde_json::Map<String, Value>),
) {
    match value {
        Value::Object(map) => {
            if !names {
                let p: &[Seg<'a>] = path;
                f(&|| pointer_of(p), map);
            }
            for (k, v) in map {
                if !names && (k == "$ref" || is_data_keyword(k)) {
                    continue;
                }
                let child_names = !names && is_name_map(k) && v.is_object();
                path.push(Seg::Key(k));
                visit(v, child_names, path, f);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                visit(v, false, path, f);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Rewrites every `$ref` in `value` (same skipping rules as [`walk_refs`]).
pub(crate) fn rewrite_refs(value: &mut Value, f: &mut impl FnMut(&str) -> Option<String>) {
    rewrite(value, false, f)
}

fn rewrite(value: &mut Value, names: bool, f: &mut impl FnMut(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if !names {
                    if k == "$ref" {
                        if let Value::String(r) = v {
                            if let Some(new) = f(r) {
                                *r = new;
                            }
                        }
                        continue;
                    }
                    if is_data_keyword(k) {
                        continue;
                    }
                }
                let child_names = !names && is_name_map(k) && v.is_object();
                rewrite(v, child_names, f);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite(v, false, f)),
        _ => {}
    }
}

fn pointer_of(path: &[Seg<'_>]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for p in path {
        match p {
            Seg::Key(k) => {
                s.push('/');
                s.push_str(&escape(k));
            }
            Seg::Index(i) => {
                let _ = write!(s, "/{i}");
            }
        }
    }
    s
}

/// Cheap test on raw JSON bytes: could the document contain a `$ref` to another document?
/// Only when it says no can the full walk for external references be skipped.
pub(crate) fn json_may_have_external_refs(bytes: &[u8]) -> bool {
    let needle = b"\"$ref\"";
    let mut rest = bytes;
    while let Some(i) = find(rest, needle) {
        rest = &rest[i + needle.len()..];
        let after = rest
            .iter()
            .position(|b| !b" \t\r\n:".contains(b))
            .unwrap_or(rest.len());
        let tail = &rest[after..];
        if !tail.starts_with(b"\"#") {
            return true;
        }
    }
    false
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let first = needle[0];
    let mut start = 0;
    while let Some(p) = hay[start..].iter().position(|&b| b == first) {
        let i = start + p;
        if hay[i..].starts_with(needle) {
            return Some(i);
        }
        start = i + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walk_skips_examples_but_not_properties_named_like_keywords() {
        let v = json!({
            "properties": {"example": {"$ref": "#/a"}, "value": {"$ref": "#/b"}},
            "example": {"$ref": "#/not"},
            "default": {"$ref": "#/not"},
            "x-foo": {"$ref": "#/not"},
            "examples": {"one": {"$ref": "#/c", "value": {"$ref": "#/not"}}},
            "items": [{"$ref": "other.yaml#/d"}]
        });
        let mut seen = Vec::new();
        walk_refs(&v, &mut |p, r| seen.push((p(), r.to_string())));
        assert_eq!(
            seen,
            vec![
                ("/properties/example".into(), "#/a".into()),
                ("/properties/value".into(), "#/b".into()),
                ("/examples/one".into(), "#/c".into()),
                ("/items/0".into(), "other.yaml#/d".into()),
            ]
        );
    }

    #[test]
    fn prefilter_sees_external_refs_only() {
        assert!(!json_may_have_external_refs(
            br##"{"$ref": "#/a", "b": {"$ref":"#/c"}}"##
        ));
        assert!(json_may_have_external_refs(
            br##"{"$ref": "#/a", "b": {"$ref" : "x.json"}}"##
        ));
    }

    #[test]
    fn pointers_resolve_as_serde_json_resolves_them() {
        let doc = serde_json::json!({"a/b": {"m~n": [10, 20, {"": 1}]}, "0": "zero", "": {"x": 2},
            "~1": 3, "~x": 4, "a~": 5, "~/": 6});
        for p in [
            "/~01",
            "/~x",
            "/a~",
            "/~~1",
            "/~2",
            "",
            "/a~1b",
            "/a~1b/m~0n",
            "/a~1b/m~0n/1",
            "/a~1b/m~0n/2/",
            "/a~1b/m~0n/01",
            "/a~1b/m~0n/+1",
            "/a~1b/m~0n/9",
            "/0",
            "//x",
            "/",
            "a",
            "/a~1b/m~0n/-1",
            "/0/0",
        ] {
            assert_eq!(pointer(&doc, p), doc.pointer(p), "{p}");
        }
    }

    #[test]
    fn deref_stops_on_cycles() {
        let url = Url::parse("file:///spec.json").expect("url");
        let docs = Documents::with_root(url, json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}}));
        assert_eq!(
            docs.deref(&Loc::root("/a")).map(|_| ()),
            Err(RefError::Cycle)
        );
    }
}
