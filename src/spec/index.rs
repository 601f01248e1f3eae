//! The operation index: a light list of every operation, built in one pass over `paths`, and
//! the full view of one operation (parameters, bodies, responses, security, servers),
//! resolved only when it is asked for.

use std::collections::HashSet;

use serde::Serialize;
use serde_json::Value;

use super::problems::{deref_in_or_report, deref_or_report, Problem};
use super::refs::{Documents, Loc};

/// HTTP methods a path item may hold, in the order the spec lists them.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

/// One operation, as listed by the index. Cheap: nothing in it is resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// `operationId`, or a stable id derived from method and path when the spec has none.
    pub id: String,
    /// True when `id` was derived rather than written in the spec.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub id_derived: bool,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as written under `paths` (or the webhook name).
    pub path: String,
    /// One-line summary, when the spec gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Tags, in the spec's order.
    pub tags: Vec<String>,
    /// Marked deprecated in the spec.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// JSON pointer of the operation in the entry document, e.g. `/paths/~1pets/get`.
    pub pointer: String,
    /// Where the operation object really lives (another file, when the path item is a `$ref`).
    #[serde(skip)]
    pub(crate) loc: Loc,
    /// Where its path item lives.
    #[serde(skip)]
    pub(crate) item: Loc,
}

/// Lists the operations under `paths` (or `webhooks`) of the entry document.
// Kept whole: the light pass over every path item and method, kept in one loop for speed (GitHub's 13 MB spec).
pub(crate) fn list(docs: &Documents, section: &str, problems: &mut Vec<Problem>) -> Vec<Operation> {
    let root = docs.value(super::refs::DocId::ROOT);
    let Some(paths) = root.get(section).and_then(Value::as_object) else {
        return Vec::new();
    };
    let section_loc = Loc::root(format!("/{section}"));
    let mut ops = Vec::new();
    for (path, raw_item) in paths {
        let logical = section_loc.child(path);
        let (item, item_loc) = if raw_item.get("$ref").is_some() {
            match deref_or_report(docs, &logical, "path item", problems) {
                Some(found) => found,
                None => continue,
            }
        } else {
            (raw_item, logical.clone())
        };
        let Some(obj) = item.as_object() else {
            continue;
        };
        check_path_item(obj, &item_loc, problems);
        let mut push = |method: &str, op: &Value, loc: Loc, pointer: String| {
            // Not in the standard, but common (DigitalOcean): an operation that is a `$ref`.
            let (op, loc) = if op.get("$ref").is_some() {
                match deref_or_report(docs, &loc, "operation", problems) {
                    Some(found) => found,
                    None => return,
                }
            } else {
                (op, loc)
            };
            let Some(o) = op.as_object() else { return };
            ops.push(Operation {
                id: o
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                id_derived: false,
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: o.get("summary").and_then(Value::as_str).map(str::to_string),
                tags: o
                    .get("tags")
                    .and_then(Value::as_array)
                    .map(|t| {
                        t.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default(),
                deprecated: o
                    .get("deprecated")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                pointer,
                loc,
                item: item_loc.clone(),
            });
        };
        for &m in METHODS {
            if let Some(op) = obj.get(m) {
                push(m, op, item_loc.child(m), logical.child(m).pointer);
            }
        }
        // OpenAPI 3.2: methods beyond the fixed fields.
        if let Some(extra) = obj.get("additionalOperations").and_then(Value::as_object) {
            let at = item_loc.child("additionalOperations");
            // Only HTTP method tokens: a key like `GET$(…)` would end up in a cURL line.
            for (m, op) in extra.iter().filter(|(m, _)| crate::request::is_method(m)) {
                push(
                    m,
                    op,
                    at.child(m),
                    logical.child("additionalOperations").child(m).pointer,
                );
            }
        }
    }
    assign_ids(&mut ops);
    ops
}

/// Flags a path item with fields no path item has: usually a `$ref` aimed at the wrong thing.
pub(crate) fn check_path_item(
    item: &serde_json::Map<String, Value>,
    at: &Loc,
    problems: &mut Vec<Problem>,
) {
    let odd: Vec<&str> = item
        .keys()
        .map(String::as_str)
        .filter(|k| {
            !METHODS.contains(k)
                && !k.starts_with("x-")
                && !matches!(
                    *k,
                    "$ref"
                        | "summary"
                        | "description"
                        | "servers"
                        | "parameters"
                        | "additionalOperations"
                )
        })
        .collect();
    if !odd.is_empty() {
        problems.push(Problem::new(
            at,
            super::problems::ProblemKind::Semantic,
            super::problems::Severity::Error,
            format!(
                "a path item cannot have the fields {}; is this really a path item?",
                odd.join(", ")
            ),
        ));
    }
}

/// Gives every operation without an operationId a stable id from its method and path,
/// never clashing with an explicit id.
fn assign_ids(ops: &mut [Operation]) {
    let mut taken: HashSet<String> = ops
        .iter()
        .filter(|o| !o.id.is_empty())
        .map(|o| o.id.clone())
        .collect();
    for op in ops.iter_mut().filter(|o| o.id.is_empty()) {
        let base = derive_id(&op.method, &op.path);
        let mut id = base.clone();
        let mut n = 2;
        while taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        taken.insert(id.clone());
        op.id = id;
        op.id_derived = true;
    }
}

/// `GET /items/{item_id}` → `get_items_item_id`.
pub fn derive_id(method: &str, path: &str) -> String {
    let mut id = method.to_ascii_lowercase();
    let mut sep = true;
    id.push('_');
    for c in path.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
            sep = false;
        } else if !sep {
            id.push('_');
            sep = true;
        }
    }
    while id.ends_with('_') && id.len() > method.len() + 1 {
        id.pop();
    }
    if id.ends_with('_') {
        id.push_str("root");
    }
    id
}

/// Where a parameter goes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParamLocation {
    /// As OpenAPI writes it (`in: query`).
    pub fn name(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }

    /// Every location.
    pub const ALL: [ParamLocation; 4] = [
        ParamLocation::Path,
        ParamLocation::Query,
        ParamLocation::Header,
        ParamLocation::Cookie,
    ];
}

/// A parameter, after `$ref`s and path-level merging.
#[derive(Debug, Clone, Serialize)]
pub struct Parameter {
    /// Name as sent.
    pub name: String,
    /// Where it is sent.
    #[serde(rename = "in")]
    pub location: ParamLocation,
    /// Must be present.
    pub required: bool,
    /// Marked deprecated.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub deprecated: bool,
    /// Serialisation style (defaults applied: `form` for query/cookie, `simple` for path/header).
    pub style: String,
    /// Whether arrays/objects explode (default true for `form`).
    pub explode: bool,
    /// Reserved characters pass unencoded (query only).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub allow_reserved: bool,
    /// Where its schema is, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Loc>,
    /// Media types, for parameters described by `content` instead of `schema`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub content: Vec<MediaType>,
    /// Description, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where the parameter object is.
    pub at: Loc,
}

/// A media type entry of a body, response or parameter.
#[derive(Debug, Clone, Serialize)]
pub struct MediaType {
    /// e.g. `application/json`.
    pub media_type: String,
    /// Where its schema is, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Loc>,
}

/// The request body of an operation.
#[derive(Debug, Clone, Serialize)]
pub struct RequestBody {
    /// Must be sent.
    pub required: bool,
    /// Accepted media types.
    pub content: Vec<MediaType>,
}

/// Which responses a declared response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusKey {
    /// One status code.
    Exact(u16),
    /// `1XX`..`5XX`: the hundreds digit.
    Range(u16),
    /// `default`: anything not declared otherwise.
    Default,
}

impl StatusKey {
    /// Reads a `responses` key; `None` when it is not a valid one.
    pub fn parse(key: &str) -> Option<StatusKey> {
        if key == "default" {
            return Some(StatusKey::Default);
        }
        let b = key.as_bytes();
        if b.len() != 3 || !(b'1'..=b'5').contains(&b[0]) {
            return None;
        }
        if b[1..].eq_ignore_ascii_case(b"XX") {
            return Some(StatusKey::Range(u16::from(b[0] - b'0')));
        }
        key.parse().ok().map(StatusKey::Exact)
    }

    /// Does this key cover `status`?
    pub fn matches(self, status: u16) -> bool {
        match self {
            StatusKey::Exact(s) => s == status,
            StatusKey::Range(h) => status / 100 == h,
            StatusKey::Default => true,
        }
    }
}

impl std::fmt::Display for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusKey::Exact(s) => write!(f, "{s}"),
            StatusKey::Range(h) => write!(f, "{h}XX"),
            StatusKey::Default => f.write_str("default"),
        }
    }
}

impl Serialize for StatusKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A declared response header.
#[derive(Debug, Clone, Serialize)]
pub struct Header {
    /// Header name as declared.
    pub name: String,
    /// Must be present.
    pub required: bool,
    /// Where its schema is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<Loc>,
}

/// One declared response.
#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// The status (or range, or default) it covers.
    pub status: StatusKey,
    /// Its description.
    pub description: String,
    /// Media types it may carry; empty for a response without a body.
    pub content: Vec<MediaType>,
    /// Declared headers.
    pub headers: Vec<Header>,
    /// Where the response object is.
    pub at: Loc,
}

/// A server an operation may be called on.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// URL template, e.g. `https://{region}.example.com/v1`.
    pub url: String,
    /// Description, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Variables with their defaults and allowed values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<ServerVariable>,
}

/// A variable of a server URL template.
#[derive(Debug, Clone, Serialize)]
pub struct ServerVariable {
    /// Name in the template.
    pub name: String,
    /// Default value.
    pub default: String,
    /// Allowed values, when restricted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
}

/// One security alternative: all of these schemes together (with scopes).
pub type SecurityRequirement = Vec<(String, Vec<String>)>;

/// An operation with everything needed to call and check it.
#[derive(Debug, Clone, Serialize)]
pub struct OperationDetail {
    /// The index entry.
    #[serde(flatten)]
    pub operation: Operation,
    /// Path-level and operation-level parameters, merged.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<RequestBody>,
    /// Declared responses, in the spec's order.
    pub responses: Vec<Response>,
    /// Effective security: alternatives, any one of which suffices; empty means none needed.
    pub security: Vec<SecurityRequirement>,
    /// Effective servers (operation, then path item, then document).
    pub servers: Vec<Server>,
    /// Pieces that could not be resolved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

/// Resolves an indexed operation in full.
// Kept whole: merging path-item and operation parts (parameters, body, responses, security, servers) in spec order.
pub(crate) fn resolve(docs: &Documents, op: &Operation) -> OperationDetail {
    let mut problems = Vec::new();
    let empty = Value::Null;
    let op_value = docs.get(&op.loc).unwrap_or(&empty);
    let item_value = docs.get(&op.item).unwrap_or(&empty);

    let mut parameters = params_at(docs, item_value, &op.item, &mut problems);
    for p in params_at(docs, op_value, &op.loc, &mut problems) {
        // Operation-level parameters override path-level ones (same name and location).
        parameters.retain(|q| !(q.name == p.name && q.location == p.location));
        parameters.push(p);
    }

    let request_body = op_value.get("requestBody").and_then(|here| {
        let at = op.loc.child("requestBody");
        let (body, body_at) = deref_in_or_report(docs, here, &at, "request body", &mut problems)?;
        Some(RequestBody {
            required: body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            content: media_types(body, &body_at),
        })
    });

    let mut responses = Vec::new();
    if let Some(rs) = op_value.get("responses").and_then(Value::as_object) {
        let base = op.loc.child("responses");
        for (key, here) in rs {
            let at = base.child(key);
            let Some(status) = StatusKey::parse(key) else {
                problems.push(Problem::new(
                    &at,
                    super::problems::ProblemKind::Semantic,
                    super::problems::Severity::Error,
                    format!("'{key}' is not a response status: use a code from 100 to 599, a range like 2XX, or default"),
                ));
                continue;
            };
            if let Some((r, r_at)) = deref_in_or_report(docs, here, &at, "response", &mut problems)
            {
                responses.push(response(docs, status, r, &r_at, &mut problems));
            }
        }
    }

    let root = docs.value(super::refs::DocId::ROOT);
    let security = op_value
        .get("security")
        .or_else(|| root.get("security"))
        .and_then(Value::as_array)
        .map(|alts| {
            alts.iter()
                .filter_map(Value::as_object)
                .map(|req| {
                    req.iter()
                        .map(|(name, scopes)| {
                            let scopes = scopes
                                .as_array()
                                .map(|s| {
                                    s.iter()
                                        .filter_map(Value::as_str)
                                        .map(str::to_string)
                                        .collect()
                                })
                                .unwrap_or_default();
                            (name.clone(), scopes)
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default();

    let servers = [op_value, item_value, root]
        .iter()
        .find_map(|v| {
            v.get("servers")
                .and_then(Value::as_array)
                .filter(|s| !s.is_empty())
        })
        .map(|list| list.iter().filter_map(server).collect())
        .unwrap_or_else(|| {
            vec![Server {
                url: "/".into(),
                description: None,
                variables: Vec::new(),
            }]
        });

    OperationDetail {
        operation: op.clone(),
        parameters,
        request_body,
        responses,
        security,
        servers,
        problems,
    }
}

fn params_at(
    docs: &Documents,
    holder: &Value,
    at: &Loc,
    problems: &mut Vec<Problem>,
) -> Vec<Parameter> {
    let Some(list) = holder.get("parameters").and_then(Value::as_array) else {
        return Vec::new();
    };
    let base = at.child("parameters");
    let mut out = Vec::new();
    for (i, here) in list.iter().enumerate() {
        let at = base.child(&i.to_string());
        let Some((p, p_at)) = deref_in_or_report(docs, here, &at, "parameter", problems) else {
            continue;
        };
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        let location = match p.get("in").and_then(Value::as_str) {
            Some("path") => ParamLocation::Path,
            Some("query") => ParamLocation::Query,
            Some("header") => ParamLocation::Header,
            Some("cookie") => ParamLocation::Cookie,
            _ => continue,
        };
        let default_style = match location {
            ParamLocation::Query | ParamLocation::Cookie => "form",
            ParamLocation::Path | ParamLocation::Header => "simple",
        };
        let style = p
            .get("style")
            .and_then(Value::as_str)
            .unwrap_or(default_style)
            .to_string();
        out.push(Parameter {
            name: name.to_string(),
            location,
            required: p.get("required").and_then(Value::as_bool).unwrap_or(false)
                || location == ParamLocation::Path,
            deprecated: p
                .get("deprecated")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            explode: p
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == "form"),
            style,
            allow_reserved: p
                .get("allowReserved")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            schema: p.get("schema").map(|_| p_at.child("schema")),
            content: media_types(p, &p_at),
            description: p
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string),
            at: p_at,
        });
    }
    out
}

fn media_types(holder: &Value, at: &Loc) -> Vec<MediaType> {
    let Some(content) = holder.get("content").and_then(Value::as_object) else {
        return Vec::new();
    };
    let base = at.child("content");
    content
        .iter()
        .map(|(mt, m)| MediaType {
            media_type: mt.clone(),
            schema: m.get("schema").map(|_| base.child(mt).child("schema")),
        })
        .collect()
}

fn response(
    docs: &Documents,
    status: StatusKey,
    r: &Value,
    at: &Loc,
    problems: &mut Vec<Problem>,
) -> Response {
    let mut headers = Vec::new();
    if let Some(hs) = r.get("headers").and_then(Value::as_object) {
        let base = at.child("headers");
        for (name, here) in hs {
            let h_at = base.child(name);
            if let Some((h, real)) = deref_in_or_report(docs, here, &h_at, "header", problems) {
                headers.push(Header {
                    name: name.clone(),
                    required: h.get("required").and_then(Value::as_bool).unwrap_or(false),
                    schema: h.get("schema").map(|_| real.child("schema")),
                });
            }
        }
    }
    Response {
        status,
        description: r
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        content: media_types(r, at),
        headers,
        at: at.clone(),
    }
}

fn server(v: &Value) -> Option<Server> {
    let url = v.get("url")?.as_str()?.to_string();
    let variables = v
        .get("variables")
        .and_then(Value::as_object)
        .map(|vars| {
            vars.iter()
                .map(|(name, var)| ServerVariable {
                    name: name.clone(),
                    default: var
                        .get("default")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    allowed: var
                        .get("enum")
                        .and_then(Value::as_array)
                        .map(|e| {
                            e.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Server {
        url,
        description: v
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_string),
        variables,
    })
}

/// Placeholders of a path template, in order: `/a/{x}/b/{y}` → `["x", "y"]`.
pub fn placeholders(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_readable() {
        assert_eq!(derive_id("GET", "/items/{item_id}"), "get_items_item_id");
        assert_eq!(derive_id("POST", "/"), "post_root");
        assert_eq!(derive_id("DELETE", "/a//b/"), "delete_a_b");
    }

    #[test]
    fn status_keys() {
        assert_eq!(StatusKey::parse("2XX"), Some(StatusKey::Range(2)));
        assert_eq!(StatusKey::parse("2xx"), Some(StatusKey::Range(2)));
        assert_eq!(StatusKey::parse("204"), Some(StatusKey::Exact(204)));
        assert_eq!(StatusKey::parse("600"), None);
        assert_eq!(StatusKey::parse("20"), None);
        assert!(StatusKey::Range(4).matches(404));
    }

    #[test]
    fn placeholders_in_order() {
        assert_eq!(placeholders("/a/{x}/b/{y}.json"), vec!["x", "y"]);
    }
}
