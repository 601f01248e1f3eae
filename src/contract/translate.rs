//! OpenAPI schemas in JSON Schema 2020-12 terms, so one validator dialect serves every spec.
//!
//! 3.1 schemas already are 2020-12 (a stray 3.0 `nullable: true` in one is honoured); 3.0
//! (and 2.0, converted to 3.0 at load) need `nullable`,
//! boolean `exclusiveMinimum/Maximum`, `$ref` siblings and `type: file` rewritten. For every
//! dialect, `readOnly` properties stop being required in requests and `writeOnly` ones in
//! responses, and the numeric OpenAPI formats (`int32`, `int64`, `float`) get a keyword of
//! ours because JSON Schema formats only apply to strings.

use serde_json::{json, Map, Value};

use crate::spec::{Dialect, Documents, Loc};

/// Which side of the exchange a schema is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// A request the client sends: `readOnly` properties are not required.
    Request,
    /// A response the server sends: `writeOnly` properties are not required.
    Response,
}

/// The keyword carrying the numeric OpenAPI formats.
pub(crate) const NUMERIC_FORMAT_KEYWORD: &str = "x-vouch-format";

/// Keys whose values are data, not schemas: never rewritten.
fn is_data(key: &str) -> bool {
    matches!(
        key,
        "example" | "examples" | "default" | "enum" | "const" | "value"
    ) || (key.starts_with("x-") && key != NUMERIC_FORMAT_KEYWORD)
}

/// Rewrites one document of the spec for `direction`: a copy without the examples (data no
/// validator reads, most of a spec like GitHub's), rewritten for the dialect. The entries of
/// `paths`, `webhooks` and `components` are copied and rewritten on all cores: this is the
/// first check's wait on a large spec.
pub(crate) fn translate(
    docs: &Documents,
    doc: crate::spec::DocId,
    dialect: Dialect,
    direction: Direction,
    only: Option<&Entries>,
    one_core: bool,
) -> Value {
    let Some(root) = docs.get(&Loc {
        doc,
        pointer: String::new(),
    }) else {
        return Value::Null;
    };
    let ctx = Ctx {
        doc,
        docs,
        legacy: matches!(dialect, Dialect::OpenApi30 | Dialect::Swagger2),
        direction,
    };
    let Value::Object(top) = root else {
        return ctx.translated(root, None, &mut String::new());
    };
    // The entries of the big maps: (the map's pointer, entry name, entry).
    let mut jobs: Vec<(String, &str, &Value)> = Vec::new();
    let kept =
        |at: &str, name: &str| only.is_none_or(|o| o.contains(&(at.to_string(), name.to_string())));
    for (key, value) in top {
        for (at, map) in entry_maps(key, value) {
            jobs.extend(
                map.iter()
                    .filter(|(k, _)| kept(&at, k))
                    .map(|(k, v)| (at.clone(), k.as_str(), v)),
            );
        }
    }
    let done = ctx.translate_all(&jobs, one_core);
    let mut by_entry = done.into_iter();
    let mut out = Map::new();
    for (key, value) in top {
        let maps = entry_maps(key, value);
        if maps.is_empty() {
            let mut pointer = format!("/{}", crate::spec::escape(key));
            out.insert(
                key.clone(),
                ctx.translated(value, Some(key.as_str()), &mut pointer),
            );
            continue;
        }
        let mut rebuilt = Map::new();
        let nested = key == "components";
        for (at, map) in maps {
            let entries: Map<String, Value> = map
                .keys()
                .filter(|k| kept(&at, k))
                .map(|k| (k.clone(), by_entry.next().unwrap_or(Value::Null)))
                .collect();
            if nested {
                let kind = at.rsplit('/').next().unwrap_or_default().to_string();
                rebuilt.insert(
                    kind.replace("~1", "/").replace("~0", "~"),
                    Value::Object(entries),
                );
            } else {
                rebuilt = entries;
            }
        }
        // Members of `components` that are not maps of entries stay as they were.
        if let (true, Value::Object(c)) = (nested, value) {
            for (k, v) in c {
                if k != "examples" && !rebuilt.contains_key(k) {
                    rebuilt.insert(k.clone(), v.clone());
                }
            }
        }
        out.insert(key.clone(), Value::Object(rebuilt));
    }
    Value::Object(out)
}

/// Entries of a document's maps (`paths`, `webhooks`, each map of `components`), as (the
/// map's pointer, the entry's name): what a partial translation keeps.
pub(crate) type Entries = std::collections::HashSet<(String, String)>;

/// The entries the schema at `pointer` reaches through local `$ref`s, its own included; None
/// when it is not inside an entry or refers to another document (then all is translated).
pub(crate) fn reachable(root: &Value, pointer: &str) -> Option<Entries> {
    let mut found = Entries::new();
    let mut todo = vec![entry_of(pointer)?];
    while let Some(entry) = todo.pop() {
        if !found.insert(entry.clone()) {
            continue;
        }
        let at = format!("{}/{}", entry.0, crate::spec::escape(&entry.1));
        let Some(value) = crate::spec::refs::pointer(root, &at) else {
            continue;
        };
        let mut refs = Vec::new();
        crate::spec::refs::walk_refs(value, &mut |_, r| refs.push(r));
        for r in refs {
            let fragment = r.strip_prefix('#')?;
            let decoded = percent_encoding::percent_decode_str(fragment)
                .decode_utf8()
                .ok()?;
            if let Some(e) = entry_of(&decoded) {
                todo.push(e);
            }
        }
    }
    Some(found)
}

/// The entry a pointer lies in: `/components/schemas/Pet/properties/id` → (`/components/schemas`, `Pet`).
fn entry_of(pointer: &str) -> Option<(String, String)> {
    let mut parts = pointer.strip_prefix('/')?.split('/');
    let unescape = crate::spec::refs::unescape;
    match parts.next()? {
        top @ ("paths" | "webhooks") => Some((format!("/{top}"), unescape(parts.next()?))),
        "components" => {
            let kind = parts.next()?;
            Some((format!("/components/{kind}"), unescape(parts.next()?)))
        }
        _ => None,
    }
}

/// The maps of named entries under a top-level member: `paths` and `webhooks` themselves,
/// and each map of `components` (`schemas`, `responses`…), with their pointers.
fn entry_maps<'a>(key: &str, value: &'a Value) -> Vec<(String, &'a Map<String, Value>)> {
    match (key, value) {
        ("paths" | "webhooks", Value::Object(m)) => vec![(format!("/{key}"), m)],
        ("components", Value::Object(c)) => c
            .iter()
            // Examples are data no validator reads.
            .filter(|(kind, _)| kind.as_str() != "examples")
            .filter_map(|(kind, m)| {
                m.as_object()
                    .map(|m| (format!("/components/{}", crate::spec::escape(kind)), m))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// What a translation needs besides the value.
struct Ctx<'a> {
    doc: crate::spec::DocId,
    docs: &'a Documents,
    legacy: bool,
    direction: Direction,
}

impl Ctx<'_> {
    /// The translated copy of `value` at `pointer` (under key `key`).
    fn translated(&self, value: &Value, key: Option<&str>, pointer: &mut String) -> Value {
        let mut copy = without_examples(value, key);
        walk(
            &mut copy,
            pointer,
            self.doc,
            self.docs,
            self.legacy,
            self.direction,
        );
        copy
    }

    /// Each job's entry translated, in order; shared over the cores when there are many.
    /// On one core when `one_core` (a translation in the background leaves the others free).
    fn translate_all(&self, jobs: &[(String, &str, &Value)], one_core: bool) -> Vec<Value> {
        let one = |(at, name, value): &(String, &str, &Value)| {
            let mut pointer = format!("{at}/{}", crate::spec::escape(name));
            self.translated(value, Some(name), &mut pointer)
        };
        let threads = match one_core {
            true => 1,
            false => std::thread::available_parallelism().map_or(1, usize::from),
        };
        if jobs.len() < 256 || threads < 2 {
            return jobs.iter().map(one).collect();
        }
        let chunk = jobs.len().div_ceil(threads);
        std::thread::scope(|s| {
            let handles: Vec<_> = jobs
                .chunks(chunk)
                .map(|part| s.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect()
        })
    }
}

/// Maps whose keys are names (a property called `examples` is a schema, not an example).
fn names_map(key: Option<&str>) -> bool {
    matches!(
        key,
        Some(
            "properties"
                | "patternProperties"
                | "$defs"
                | "definitions"
                | "dependentSchemas"
                | "schemas"
        )
    )
}

/// A deep copy without `example` and `examples` (outside maps of names). A plain clone and
/// the keys dropped after: collecting a map anew would hash every key of the document again.
fn without_examples(value: &Value, key: Option<&str>) -> Value {
    let mut copy = value.clone();
    strip_examples(&mut copy, key);
    copy
}

fn strip_examples(value: &mut Value, key: Option<&str>) {
    match value {
        Value::Object(m) => {
            // A scan of the few keys first: most maps have no example, and a removal would
            // hash both names in every map of the document.
            if !names_map(key) && m.keys().any(|k| k == "example" || k == "examples") {
                m.shift_remove("example");
                m.shift_remove("examples");
            }
            for (k, v) in m.iter_mut() {
                if !is_data(k) {
                    strip_examples(v, Some(k));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip_examples(v, None)),
        _ => {}
    }
}

fn walk(
    value: &mut Value,
    pointer: &mut String,
    doc: crate::spec::DocId,
    docs: &Documents,
    legacy: bool,
    direction: Direction,
) {
    match value {
        Value::Object(map) => {
            rewrite(map, pointer, doc, docs, legacy, direction);
            for (key, child) in map.iter_mut() {
                if is_data(key) {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&crate::spec::escape(key));
                walk(child, pointer, doc, docs, legacy, direction);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&i.to_string());
                walk(child, pointer, doc, docs, legacy, direction);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

fn rewrite(
    map: &mut Map<String, Value>,
    pointer: &str,
    doc: crate::spec::DocId,
    docs: &Documents,
    legacy: bool,
    direction: Direction,
) {
    // One scan of the keys says whether any rewrite below can apply: most schemas need
    // none, and each lookup below hashes its name.
    let relevant = map.iter().any(|(k, v)| match k.as_str() {
        "format" | "required" | "nullable" | "x-nullable" | "$ref" | "exclusiveMinimum"
        | "exclusiveMaximum" => true,
        "type" => legacy && v.as_str() == Some("file"),
        _ => false,
    });
    if !relevant {
        return;
    }
    if let Some(Value::String(format)) = map.get("format") {
        if matches!(format.as_str(), "int32" | "int64" | "float") {
            let f = format.clone();
            map.insert(NUMERIC_FORMAT_KEYWORD.into(), Value::String(f));
        }
    }
    unrequire(map, pointer, doc, docs, direction);
    // Real specs repeat names in `required` (OpenAI's ContainerResource); the validator then
    // reports present properties as missing, so duplicates go.
    if let Some(Value::Array(required)) = map.get_mut("required") {
        let mut seen = std::collections::HashSet::new();
        required.retain(|r| seen.insert(r.to_string()));
    }
    if !legacy {
        // A 3.0 `nullable: true` left in a 3.1 spec (OpenAI's has over a hundred) means what
        // its author meant, as Schemathesis and Prism read it: 2020-12 would ignore it and
        // call every intended null a breach.
        if matches!(map.get("nullable"), Some(Value::Bool(true))) {
            map.remove("nullable");
            make_nullable(map);
        }
        return;
    }
    // 3.0 ignores siblings of `$ref`; `nullable` next to a `$ref` is honoured anyway, as
    // real specs mean it (no false alarm on a null the author intended).
    let nullable = matches!(map.get("nullable"), Some(Value::Bool(true)))
        || matches!(map.get("x-nullable"), Some(Value::Bool(true)));
    if map.get("$ref").is_some_and(Value::is_string) {
        map.retain(|k, _| k == "$ref");
    }
    map.remove("nullable");
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.remove("type");
    }
    for (bound, limit) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match map.get(bound) {
            Some(Value::Bool(true)) => {
                if let Some(n) = map.remove(limit) {
                    map.insert(bound.into(), n);
                } else {
                    map.remove(bound);
                }
            }
            Some(Value::Bool(false)) => {
                map.remove(bound);
            }
            _ => {}
        }
    }
    if nullable {
        make_nullable(map);
    }
}

/// Lets `null` through a 3.0 `nullable: true` schema.
fn make_nullable(map: &mut Map<String, Value>) {
    if let Some(Value::Array(options)) = map.get_mut("enum") {
        if !options.contains(&Value::Null) {
            options.push(Value::Null);
        }
    }
    match map.get_mut("type") {
        Some(Value::String(t)) => {
            let t = std::mem::take(t);
            map.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
        }
        _ => {
            // Typeless (`allOf`, `$ref`, `oneOf`…): null or whatever the schema allowed.
            let inner = std::mem::take(map);
            map.insert(
                "anyOf".into(),
                json!([{"type": "null"}, Value::Object(inner)]),
            );
        }
    }
}

/// Drops from `required` the properties that do not travel in this direction.
fn unrequire(
    map: &mut Map<String, Value>,
    pointer: &str,
    doc: crate::spec::DocId,
    docs: &Documents,
    direction: Direction,
) {
    let flag = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    let (Some(Value::Array(required)), Some(Value::Object(props))) =
        (map.get("required"), map.get("properties"))
    else {
        return;
    };
    let skip: Vec<String> = required
        .iter()
        .filter_map(Value::as_str)
        .filter(|name| {
            props.get(*name).is_some_and(|p| {
                let loc = Loc {
                    doc,
                    pointer: format!("{pointer}/properties/{}", crate::spec::escape(name)),
                };
                let resolved = if p.get("$ref").is_some() {
                    docs.deref(&loc).ok().map(|(v, _)| v)
                } else {
                    Some(p)
                };
                resolved.and_then(|s| s.get(flag)).and_then(Value::as_bool) == Some(true)
            })
        })
        .map(str::to_string)
        .collect();
    if skip.is_empty() {
        return;
    }
    if let Some(Value::Array(required)) = map.get_mut("required") {
        required.retain(|r| !r.as_str().is_some_and(|r| skip.iter().any(|s| s == r)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use url::Url;

    fn run(dialect: Dialect, direction: Direction, doc: Value) -> Value {
        let url = Url::parse("file:///t.json").expect("url");
        let docs = Documents::with_root(url, doc);
        translate(
            &docs,
            crate::spec::DocId::ROOT,
            dialect,
            direction,
            None,
            false,
        )
    }

    #[test]
    fn a_large_spec_is_translated_on_all_cores_in_order() {
        let schemas: Map<String, Value> = (0..600)
            .map(|i| {
                (
                    format!("s{i:03}"),
                    json!({"type": "integer", "nullable": true, "example": i,
                        "properties": {"examples": {"type": "string"}}}),
                )
            })
            .collect();
        let paths: Map<String, Value> = (0..300)
            .map(|i| (format!("/p{i}"), json!({"get": {"responses": {}}})))
            .collect();
        let doc = json!({"openapi": "3.0.3", "paths": paths,
            "components": {"schemas": schemas, "examples": {"big": {"value": [1, 2, 3]}}}});
        let out = run(Dialect::OpenApi30, Direction::Response, doc);
        let names: Vec<&String> = out["components"]["schemas"]
            .as_object()
            .expect("schemas")
            .keys()
            .collect();
        assert_eq!(names.len(), 600);
        assert!(names.windows(2).all(|w| w[0] < w[1]), "order kept");
        assert_eq!(
            out["components"]["schemas"]["s599"],
            json!({"type": ["integer", "null"], "properties": {"examples": {"type": "string"}}})
        );
        assert_eq!(out["paths"].as_object().map(Map::len), Some(300));
        assert_eq!(out["paths"]["/p7"], json!({"get": {"responses": {}}}));
        assert!(out["components"].get("examples").is_none());
    }

    #[test]
    fn nullable_and_exclusive_bounds() {
        let out = run(
            Dialect::OpenApi30,
            Direction::Response,
            json!({"s": {"type": "integer", "nullable": true, "minimum": 0, "exclusiveMinimum": true},
                   "r": {"$ref": "#/s", "nullable": true, "description": "x"},
                   "e": {"type": "string", "enum": ["a"], "nullable": true, "default": {"nullable": true},
                        "example": "a"}}),
        );
        assert_eq!(
            out["s"],
            json!({"type": ["integer", "null"], "exclusiveMinimum": 0})
        );
        assert_eq!(
            out["r"],
            json!({"anyOf": [{"type": "null"}, {"$ref": "#/s"}]})
        );
        assert_eq!(out["e"]["enum"], json!(["a", null]));
        assert_eq!(
            out["e"]["default"],
            json!({"nullable": true}),
            "data is not rewritten"
        );
        assert!(out["e"].get("example").is_none(), "examples are not copied");
    }

    #[test]
    fn a_stray_nullable_in_a_31_spec_is_honoured() {
        let out = run(
            Dialect::OpenApi31,
            Direction::Request,
            json!({"b": {"type": "boolean", "nullable": true},
                   "m": {"anyOf": [{"type": "string"}], "nullable": true},
                   "f": {"type": "boolean", "nullable": false}}),
        );
        assert_eq!(out["b"], json!({"type": ["boolean", "null"]}));
        assert_eq!(
            out["m"],
            json!({"anyOf": [{"type": "null"}, {"anyOf": [{"type": "string"}]}]})
        );
        assert_eq!(out["f"], json!({"type": "boolean", "nullable": false}));
    }

    #[test]
    fn read_and_write_only_by_direction() {
        let doc = json!({"s": {"type": "object", "required": ["id", "pw", "name"],
            "properties": {"id": {"$ref": "#/ro"}, "pw": {"type": "string", "writeOnly": true}, "name": {}}},
            "ro": {"type": "integer", "readOnly": true}});
        let req = run(Dialect::OpenApi31, Direction::Request, doc.clone());
        assert_eq!(req["s"]["required"], json!(["pw", "name"]));
        let resp = run(Dialect::OpenApi31, Direction::Response, doc);
        assert_eq!(resp["s"]["required"], json!(["id", "name"]));
    }
}
