//! Swagger 2.0 → the OpenAPI 3.0 shape the rest of the engine reads.
//!
//! Body and formData parameters become request bodies, `definitions` become
//! `components/schemas`, `produces`/`consumes` become media types, and `host`/`basePath`/
//! `schemes` become servers. The original document is kept for meta-schema checks, so
//! problems still point into the file the user wrote.

use serde_json::{json, Map, Value};

use super::problems::{deref_or_report, Problem};
use super::refs::{rewrite_refs, DocId, Documents, Loc};

/// Parameter fields that describe the value itself and move into `schema` in 3.0.
const SCHEMA_FIELDS: &[&str] = &[
    "type",
    "format",
    "items",
    "collectionFormat",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// Converts the root document of `docs` (a Swagger 2.0 document) to OpenAPI 3.0.3.
// Kept whole: the 2.0 → 3.0 conversion table, top-level key by key.
pub(crate) fn convert(docs: &Documents, problems: &mut Vec<Problem>) -> Value {
    let src = docs.value(DocId::ROOT);
    let mut out = Map::new();
    out.insert("openapi".into(), json!("3.0.3"));
    copy_fields(src, &["info", "tags", "externalDocs", "security"], &mut out);
    copy_extensions(src, &mut out);
    let servers = servers(docs, src.get("schemes"));
    if !servers.is_empty() {
        out.insert("servers".into(), Value::Array(servers));
    }
    let ctx = Ctx {
        docs,
        produces: strings(src.get("produces")),
        consumes: strings(src.get("consumes")),
    };

    let mut components = Map::new();
    if let Some(defs) = src.get("definitions").and_then(Value::as_object) {
        let schemas = defs.iter().map(|(k, v)| (k.clone(), schema(v))).collect();
        components.insert("schemas".into(), Value::Object(schemas));
    }
    if let Some(resps) = src.get("responses").and_then(Value::as_object) {
        let converted = resps
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    ctx.response(
                        v,
                        &ctx.produces,
                        &Loc::root("/responses").child(k),
                        problems,
                    ),
                )
            })
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(params) = src.get("parameters").and_then(Value::as_object) {
        let (mut plain, mut bodies) = (Map::new(), Map::new());
        for (k, p) in params {
            match p.get("in").and_then(Value::as_str) {
                Some("body") => {
                    bodies.insert(k.clone(), ctx.body(p, &ctx.consumes));
                }
                Some("formData") => {}
                _ => {
                    plain.insert(k.clone(), parameter(p));
                }
            }
        }
        if !plain.is_empty() {
            components.insert("parameters".into(), Value::Object(plain));
        }
        if !bodies.is_empty() {
            components.insert("requestBodies".into(), Value::Object(bodies));
        }
    }
    if let Some(defs) = src.get("securityDefinitions").and_then(Value::as_object) {
        let schemes = defs
            .iter()
            .map(|(k, v)| (k.clone(), security_scheme(v)))
            .collect();
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }

    let mut paths = Map::new();
    if let Some(src_paths) = src.get("paths").and_then(Value::as_object) {
        for path in src_paths.keys() {
            let loc = Loc::root("/paths").child(path);
            let Some(item) = deref_or_report(docs, &loc, "path item", problems) else {
                continue;
            };
            if let Some(obj) = item.0.as_object() {
                super::index::check_path_item(obj, &item.1, problems);
            }
            paths.insert(path.clone(), ctx.path_item(item.0, &item.1, problems));
        }
    }
    out.insert("paths".into(), Value::Object(paths));

    let mut out = Value::Object(out);
    rewrite_refs(&mut out, &mut |r| {
        for (old, new) in [
            ("#/definitions/", "#/components/schemas/"),
            ("#/responses/", "#/components/responses/"),
            ("#/parameters/", "#/components/parameters/"),
        ] {
            if let Some(rest) = r.strip_prefix(old) {
                return Some(format!("{new}{rest}"));
            }
        }
        None
    });
    out
}

struct Ctx<'a> {
    docs: &'a Documents,
    produces: Vec<String>,
    consumes: Vec<String>,
}

const METHODS_2: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

impl Ctx<'_> {
    fn path_item(&self, item: &Value, at: &Loc, problems: &mut Vec<Problem>) -> Value {
        let mut out = Map::new();
        let shared = self.resolve_params(item.get("parameters"), &at.child("parameters"), problems);
        let (plain, _) = split_params(&shared);
        if !plain.is_empty() {
            out.insert(
                "parameters".into(),
                Value::Array(plain.iter().map(|p| parameter(p)).collect()),
            );
        }
        copy_extensions(item, &mut out);
        for &m in METHODS_2 {
            if let Some(op) = item.get(m) {
                out.insert(
                    m.into(),
                    self.operation(op, &at.child(m), &shared, problems),
                );
            }
        }
        Value::Object(out)
    }

    fn operation(
        &self,
        op: &Value,
        at: &Loc,
        shared: &[Value],
        problems: &mut Vec<Problem>,
    ) -> Value {
        let mut out = Map::new();
        copy_fields(
            op,
            &[
                "tags",
                "summary",
                "description",
                "externalDocs",
                "operationId",
                "deprecated",
                "security",
            ],
            &mut out,
        );
        copy_extensions(op, &mut out);
        let own = self.resolve_params(op.get("parameters"), &at.child("parameters"), problems);
        // Operation parameters override path-level ones with the same name and location.
        let mut all: Vec<Value> = shared
            .iter()
            .filter(|s| !own.iter().any(|o| same_param(o, s)))
            .cloned()
            .collect();
        all.extend(own);
        let (plain, bodyish) = split_params(&all);
        if !plain.is_empty() {
            out.insert(
                "parameters".into(),
                Value::Array(plain.iter().map(|p| parameter(p)).collect()),
            );
        }
        let consumes = op
            .get("consumes")
            .map(|c| strings(Some(c)))
            .unwrap_or_else(|| self.consumes.clone());
        let produces = op
            .get("produces")
            .map(|c| strings(Some(c)))
            .unwrap_or_else(|| self.produces.clone());
        if let Some(body) = bodyish
            .iter()
            .find(|p| p.get("in").and_then(Value::as_str) == Some("body"))
        {
            out.insert("requestBody".into(), self.body(body, &consumes));
        } else {
            let form: Vec<&Value> = bodyish.to_vec();
            if !form.is_empty() {
                out.insert("requestBody".into(), form_body(&form, &consumes));
            }
        }
        let mut responses = Map::new();
        if let Some(rs) = op.get("responses").and_then(Value::as_object) {
            for (code, r) in rs {
                let rloc = at.child("responses").child(code);
                responses.insert(code.clone(), self.response(r, &produces, &rloc, problems));
            }
        }
        out.insert("responses".into(), Value::Object(responses));
        if let Some(schemes) = op.get("schemes") {
            let servers = servers(self.docs, Some(schemes));
            if !servers.is_empty() {
                out.insert("servers".into(), Value::Array(servers));
            }
        }
        Value::Object(out)
    }

    /// Parameters with every `$ref` followed (they are converted inline, body ones included).
    fn resolve_params(
        &self,
        list: Option<&Value>,
        at: &Loc,
        problems: &mut Vec<Problem>,
    ) -> Vec<Value> {
        let Some(items) = list.and_then(Value::as_array) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for i in 0..items.len() {
            let loc = at.child(&i.to_string());
            if let Some((v, _)) = deref_or_report(self.docs, &loc, "parameter", problems) {
                out.push(v.clone());
            }
        }
        out
    }

    fn body(&self, p: &Value, consumes: &[String]) -> Value {
        let schema = p.get("schema").map(schema).unwrap_or_else(|| json!({}));
        let mut content = Map::new();
        for mt in media_types(consumes) {
            content.insert(mt, json!({ "schema": schema }));
        }
        let mut out = Map::new();
        if let Some(d) = p.get("description") {
            out.insert("description".into(), d.clone());
        }
        out.insert("content".into(), Value::Object(content));
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            out.insert("required".into(), json!(true));
        }
        if let Some(name) = p.get("name") {
            out.insert("x-body-name".into(), name.clone());
        }
        Value::Object(out)
    }

    fn response(
        &self,
        r: &Value,
        produces: &[String],
        at: &Loc,
        problems: &mut Vec<Problem>,
    ) -> Value {
        if let Some(reference) = r.get("$ref").and_then(Value::as_str) {
            if reference.starts_with("#/responses/") {
                return json!({ "$ref": reference });
            }
            return match deref_or_report(self.docs, at, "response", problems) {
                Some((v, _)) => self.response(v, produces, at, problems),
                None => json!({ "description": "" }),
            };
        }
        let mut out = Map::new();
        out.insert(
            "description".into(),
            r.get("description").cloned().unwrap_or_else(|| json!("")),
        );
        if let Some(headers) = r.get("headers").and_then(Value::as_object) {
            let hs = headers
                .iter()
                .map(|(name, h)| {
                    let mut hd = Map::new();
                    if let Some(d) = h.get("description") {
                        hd.insert("description".into(), d.clone());
                    }
                    hd.insert("schema".into(), schema_of_param(h));
                    (name.clone(), Value::Object(hd))
                })
                .collect();
            out.insert("headers".into(), Value::Object(hs));
        }
        if let Some(s) = r.get("schema") {
            let s = schema(s);
            let examples = r.get("examples").and_then(Value::as_object);
            let mut content = Map::new();
            for mt in media_types(produces) {
                let mut media = Map::new();
                media.insert("schema".into(), s.clone());
                if let Some(ex) = examples.and_then(|e| e.get(&mt)) {
                    media.insert("example".into(), ex.clone());
                }
                content.insert(mt, Value::Object(media));
            }
            out.insert("content".into(), Value::Object(content));
        }
        copy_extensions(r, &mut out);
        Value::Object(out)
    }
}

fn same_param(a: &Value, b: &Value) -> bool {
    a.get("name") == b.get("name") && a.get("in") == b.get("in")
}

/// Splits into (query/path/header parameters, body/formData parameters).
fn split_params(all: &[Value]) -> (Vec<&Value>, Vec<&Value>) {
    all.iter().partition(|p| {
        !matches!(
            p.get("in").and_then(Value::as_str),
            Some("body") | Some("formData")
        )
    })
}

fn parameter(p: &Value) -> Value {
    let mut out = Map::new();
    copy_fields(
        p,
        &[
            "name",
            "in",
            "description",
            "required",
            "allowEmptyValue",
            "deprecated",
        ],
        &mut out,
    );
    if p.get("in").and_then(Value::as_str) == Some("path") {
        out.insert("required".into(), json!(true));
    }
    if let Some(ex) = p.get("x-example") {
        out.insert("example".into(), ex.clone());
    }
    let location = p.get("in").and_then(Value::as_str).unwrap_or("query");
    match p.get("collectionFormat").and_then(Value::as_str) {
        Some("multi") => {
            out.insert("style".into(), json!("form"));
            out.insert("explode".into(), json!(true));
        }
        Some("ssv") => {
            out.insert("style".into(), json!("spaceDelimited"));
            out.insert("explode".into(), json!(false));
        }
        Some("pipes") => {
            out.insert("style".into(), json!("pipeDelimited"));
            out.insert("explode".into(), json!(false));
        }
        // csv is the 2.0 default; tsv has no 3.x style and is kept as an extension.
        Some(f) if p.get("type").and_then(Value::as_str) == Some("array") => {
            let style = if matches!(location, "query" | "cookie") {
                "form"
            } else {
                "simple"
            };
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(false));
            if f == "tsv" {
                out.insert("x-collectionFormat".into(), json!("tsv"));
            }
        }
        None if p.get("type").and_then(Value::as_str) == Some("array") => {
            let style = if matches!(location, "query" | "cookie") {
                "form"
            } else {
                "simple"
            };
            out.insert("style".into(), json!(style));
            out.insert("explode".into(), json!(false));
        }
        _ => {}
    }
    out.insert("schema".into(), schema_of_param(p));
    copy_extensions(p, &mut out);
    Value::Object(out)
}

/// The 3.0 schema for a 2.0 non-body parameter, header or `items` object.
fn schema_of_param(p: &Value) -> Value {
    let mut s = Map::new();
    if let Some(obj) = p.as_object() {
        for (k, v) in obj {
            if SCHEMA_FIELDS.contains(&k.as_str()) && k != "collectionFormat" {
                let v = if k == "items" {
                    schema_of_param(v)
                } else {
                    v.clone()
                };
                s.insert(k.clone(), v);
            }
        }
    }
    schema(&Value::Object(s))
}

fn form_body(params: &[&Value], consumes: &[String]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    let mut has_file = false;
    for p in params {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        has_file |= p.get("type").and_then(Value::as_str) == Some("file");
        let mut s = schema_of_param(p);
        if let (Some(d), Some(obj)) = (p.get("description"), s.as_object_mut()) {
            obj.insert("description".into(), d.clone());
        }
        props.insert(name.to_string(), s);
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(json!(name));
        }
    }
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(props));
    // A required form field makes the body required (as a 3.0 document would say it).
    let body_required = !required.is_empty();
    if body_required {
        schema.insert("required".into(), Value::Array(required));
    }
    let schema = Value::Object(schema);
    let form_types: Vec<&String> = consumes
        .iter()
        .filter(|c| {
            c.starts_with("multipart/") || c.starts_with("application/x-www-form-urlencoded")
        })
        .collect();
    let mut content = Map::new();
    if form_types.is_empty() {
        let mt = if has_file {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        content.insert(mt.into(), json!({ "schema": schema }));
    } else {
        for mt in form_types {
            content.insert(mt.clone(), json!({ "schema": schema }));
        }
    }
    if body_required {
        json!({ "content": content, "required": true })
    } else {
        json!({ "content": content })
    }
}

/// A 2.0 schema in 3.0 terms: `x-nullable` → `nullable`, `type: file` → binary string,
/// a string `discriminator` → a discriminator object. Example data is left alone.
fn schema(s: &Value) -> Value {
    let mut s = s.clone();
    fix_schema(&mut s, false);
    s
}

fn fix_schema(v: &mut Value, names: bool) {
    match v {
        Value::Object(map) => {
            if !names {
                if map.get("x-nullable").and_then(Value::as_bool) == Some(true) {
                    map.insert("nullable".into(), json!(true));
                }
                if map.get("type").and_then(Value::as_str) == Some("file") {
                    map.insert("type".into(), json!("string"));
                    map.insert("format".into(), json!("binary"));
                }
                if let Some(Value::String(d)) = map.get("discriminator") {
                    let d = d.clone();
                    map.insert("discriminator".into(), json!({ "propertyName": d }));
                }
            }
            for (k, child) in map.iter_mut() {
                if !names && matches!(k.as_str(), "example" | "default" | "enum" | "discriminator")
                {
                    continue;
                }
                let child_names = !names && k == "properties";
                fix_schema(child, child_names);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| fix_schema(i, false)),
        _ => {}
    }
}

fn security_scheme(s: &Value) -> Value {
    let desc = s.get("description").cloned();
    let mut out = match s.get("type").and_then(Value::as_str) {
        Some("basic") => json!({ "type": "http", "scheme": "basic" }),
        Some("apiKey") => json!({ "type": "apiKey", "name": s.get("name"), "in": s.get("in") }),
        Some("oauth2") => {
            let scopes = s.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let auth = s.get("authorizationUrl").cloned();
            let token = s.get("tokenUrl").cloned();
            let flows = match s.get("flow").and_then(Value::as_str) {
                Some("implicit") => {
                    json!({ "implicit": { "authorizationUrl": auth, "scopes": scopes } })
                }
                Some("password") => json!({ "password": { "tokenUrl": token, "scopes": scopes } }),
                Some("application") => {
                    json!({ "clientCredentials": { "tokenUrl": token, "scopes": scopes } })
                }
                _ => {
                    json!({ "authorizationCode": { "authorizationUrl": auth, "tokenUrl": token, "scopes": scopes } })
                }
            };
            json!({ "type": "oauth2", "flows": flows })
        }
        _ => s.clone(),
    };
    if let (Some(d), Some(obj)) = (desc, out.as_object_mut()) {
        obj.insert("description".into(), d);
    }
    out
}

fn servers(docs: &Documents, schemes: Option<&Value>) -> Vec<Value> {
    let root = docs.value(DocId::ROOT);
    let base_path = root.get("basePath").and_then(Value::as_str).unwrap_or("");
    let host = root.get("host").and_then(Value::as_str);
    let origin = docs.url(DocId::ROOT);
    let (host, default_scheme) = match (host, origin.scheme()) {
        (Some(h), s) => (
            Some(h.to_string()),
            if s == "http" { "http" } else { "https" },
        ),
        // Without `host`, the API is served from the host the document was served from.
        (None, s @ ("http" | "https")) => {
            let h = origin.host_str().map(|h| match origin.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            });
            (h, s)
        }
        (None, _) => (None, "https"),
    };
    let Some(host) = host else {
        return if base_path.is_empty() {
            Vec::new()
        } else {
            vec![json!({ "url": base_path })]
        };
    };
    let schemes = strings(schemes);
    let schemes: Vec<String> = if schemes.is_empty() {
        vec![default_scheme.to_string()]
    } else {
        schemes
    };
    schemes
        .iter()
        .filter(|s| matches!(s.as_str(), "http" | "https" | "ws" | "wss"))
        .map(|s| json!({ "url": format!("{s}://{host}{base_path}") }))
        .collect()
}

fn media_types(list: &[String]) -> Vec<String> {
    if list.is_empty() {
        vec!["application/json".to_string()]
    } else {
        list.to_vec()
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn copy_fields(src: &Value, keys: &[&str], out: &mut Map<String, Value>) {
    for key in keys {
        if let Some(v) = src.get(*key) {
            out.insert((*key).into(), v.clone());
        }
    }
}

fn copy_extensions(src: &Value, out: &mut Map<String, Value>) {
    if let Some(obj) = src.as_object() {
        for (k, v) in obj {
            if k.starts_with("x-") {
                out.insert(k.clone(), v.clone());
            }
        }
    }
}
