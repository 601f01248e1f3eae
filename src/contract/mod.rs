//! Contract checks: does a response (or a request about to be sent) honour the operation it
//! belongs to? Status, content type, headers and body, each broken rule reported as a
//! [`Finding`] with its location in the exchange and in the spec.
//!
//! Findings are data: a check always succeeds and returns a [`Verdict`]. What could not be
//! checked (a schema the validator cannot compile, a body too large to hold) is a note, not a
//! finding, so a spec's own defects never read as the service's.

mod body;
mod finding;
pub mod media;
mod params;
mod schema;
mod translate;

use std::sync::Arc;

use serde::Serialize;
use serde_json::{json, Map, Value};

pub(crate) use finding::type_name;
pub use finding::{Finding, FindingKind, Severity};

/// A JSON value as messages show it: strings quoted, long values cut.
pub fn preview_value(value: &Value) -> String {
    finding::preview(value)
}
pub use translate::Direction;

use crate::spec::{OperationDetail, ParamLocation, Response, Spec};
use schema::{Place, Schemas};

/// The outcome of checking one exchange.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Verdict {
    /// Every place the exchange breaks the contract; empty when it honours it.
    pub findings: Vec<Finding>,
    /// What could not be checked, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl Verdict {
    /// True when nothing breaks the contract.
    pub fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

/// A response as the contract sees it.
#[derive(Debug, Clone, Copy)]
pub struct ResponseParts<'a> {
    /// The request method (a `HEAD` response has no body to check).
    pub method: &'a str,
    /// Status code.
    pub status: u16,
    /// Headers as received (names in any case, repeated names allowed).
    pub headers: &'a [(String, String)],
    /// The whole body, decoded from any content encoding.
    pub body: &'a [u8],
    /// The body was cut at the size limit: it is not checked.
    pub truncated: bool,
}

/// A request as it will go on the wire, split into what the contract describes.
#[derive(Debug, Clone, Default)]
pub struct RequestParts {
    /// Path parameters as they appear in the URL (percent-decoded).
    pub path: Vec<(String, String)>,
    /// Query pairs (percent-decoded), in order, repeated names allowed.
    pub query: Vec<(String, String)>,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body, when there is one.
    pub body: Option<Vec<u8>>,
}

/// The contract of one spec, with its compiled validators cached: build one per loaded spec
/// and check many exchanges with it.
#[derive(Debug)]
pub struct Contract {
    schemas: Schemas,
    /// Operations resolved so far, by their pointer.
    details: std::sync::Mutex<std::collections::HashMap<String, Arc<OperationDetail>>>,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl Contract {
    /// The contract of `spec`. Nothing is compiled until a check needs it.
    pub fn new(spec: Arc<Spec>) -> Contract {
        Contract {
            schemas: Schemas::new(spec),
            details: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// The operation resolved in full, once per contract (runs call the same operations
    /// over and over).
    pub fn detail(&self, op: &crate::spec::Operation) -> Arc<OperationDetail> {
        if let Some(d) = self
            .details
            .lock()
            .ok()
            .and_then(|m| m.get(&op.pointer).cloned())
        {
            return d;
        }
        let d = Arc::new(self.spec().resolve(op));
        if let Ok(mut m) = self.details.lock() {
            m.insert(op.pointer.clone(), d.clone());
        }
        d
    }

    /// The spec this contract is read from.
    pub fn spec(&self) -> &Spec {
        self.schemas.spec()
    }

    /// Translates and registers the spec's schemas for `direction` now; otherwise the first
    /// check in that direction does it (on GitHub's spec, tens of milliseconds). A server
    /// that checks what it answers calls it for responses on a thread of its own as it
    /// starts, so its first answer does not wait for all of it.
    pub fn prepare(&self, direction: Direction) {
        self.schemas.prepare(direction);
    }

    /// How many schema validators have been compiled so far.
    pub fn compiled_validators(&self) -> usize {
        self.schemas.compiled_count()
    }

    /// Validates a JSON value against the schema at `schema`, as a body of the given
    /// direction. `Err` when the schema itself cannot be compiled.
    pub fn check_value(
        &self,
        direction: Direction,
        schema: &crate::spec::Loc,
        value: &Value,
    ) -> Result<Vec<Finding>, String> {
        let kind = match direction {
            Direction::Request => FindingKind::Request,
            Direction::Response => FindingKind::Body,
        };
        self.schemas
            .check(direction, schema, value, Place { kind, name: None })
    }

    /// The declared response that covers `status`: exact code, then `2XX`, then `default`.
    pub fn response_for(op: &OperationDetail, status: u16) -> Option<&Response> {
        op.responses
            .iter()
            .filter(|r| r.status.matches(status))
            .min_by_key(|r| r.status)
    }

    /// Checks a response against the operation that was called.
    pub fn check_response(&self, op: &OperationDetail, resp: &ResponseParts<'_>) -> Verdict {
        let mut v = Verdict::default();
        let Some(declared) = Contract::response_for(op, resp.status) else {
            let keys: Vec<String> = op.responses.iter().map(|r| r.status.to_string()).collect();
            v.findings.push(Finding::new(
                FindingKind::Status,
                "",
                json!(keys),
                json!(resp.status),
                format!(
                    "status {} is not declared for {} (declared: {})",
                    resp.status,
                    op.operation.id,
                    if keys.is_empty() {
                        "none".to_string()
                    } else {
                        keys.join(", ")
                    }
                ),
            ));
            return v;
        };
        self.check_headers(declared, resp.headers, &mut v);
        self.check_body(declared, resp, &mut v);
        v
    }

    fn check_headers(&self, declared: &Response, headers: &[(String, String)], v: &mut Verdict) {
        for h in &declared.headers {
            if h.name.eq_ignore_ascii_case("content-type") {
                continue; // described by `content`, ignored here per the spec
            }
            let values: Vec<&str> = headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(&h.name))
                .map(|(_, v)| v.as_str())
                .collect();
            if values.is_empty() {
                if h.required {
                    v.findings.push(Finding::new(
                        FindingKind::Header,
                        h.name.clone(),
                        json!("present"),
                        Value::Null,
                        format!("required header `{}` is missing", h.name),
                    ));
                }
                continue;
            }
            let Some(schema) = &h.schema else { continue };
            let joined = values.join(",");
            let as_param = crate::spec::Parameter {
                name: h.name.clone(),
                location: ParamLocation::Header,
                required: h.required,
                deprecated: false,
                style: "simple".into(),
                explode: false,
                allow_reserved: false,
                schema: Some(schema.clone()),
                content: Vec::new(),
                description: None,
                at: schema.clone(),
            };
            let Some(value) = params::decode(self.spec(), &as_param, &[joined.as_str()]) else {
                continue;
            };
            let place = Place {
                kind: FindingKind::Header,
                name: Some(&h.name),
            };
            match self
                .schemas
                .check(Direction::Response, schema, &value, place)
            {
                Ok(f) => v.findings.extend(f),
                Err(note) => v.notes.push(note),
            }
        }
    }

    // Kept whole: one decision over the body's states (none, empty, truncated, not JSON, schema) in the order they are reported.
    fn check_body(&self, declared: &Response, resp: &ResponseParts<'_>, v: &mut Verdict) {
        if resp.method.eq_ignore_ascii_case("HEAD") || resp.status == 304 {
            return;
        }
        let content_type = header(resp.headers, "content-type");
        if declared.content.is_empty() {
            if !resp.body.is_empty() {
                v.findings.push(Finding::new(
                    FindingKind::Body,
                    "",
                    json!("no body"),
                    json!(format!(
                        "{} bytes{}",
                        resp.body.len(),
                        content_type.map(|c| format!(" of {c}")).unwrap_or_default()
                    )),
                    format!(
                        "response {} declares no body, but {} bytes came",
                        declared.status,
                        resp.body.len()
                    ),
                ));
            }
            return;
        }
        let declared_types: Vec<&str> = declared
            .content
            .iter()
            .map(|m| m.media_type.as_str())
            .collect();
        let Some(actual) = content_type else {
            if resp.body.is_empty() {
                v.findings.push(Finding::new(
                    FindingKind::Body,
                    "",
                    json!(declared_types),
                    json!("empty body"),
                    format!(
                        "response {} declares a {} body, but the body is empty",
                        declared.status,
                        declared_types.join(" or ")
                    ),
                ));
            } else {
                v.findings.push(Finding::new(
                    FindingKind::ContentType,
                    "Content-Type",
                    json!(declared_types),
                    Value::Null,
                    format!(
                        "the response has no Content-Type header (declared: {})",
                        declared_types.join(", ")
                    ),
                ));
            }
            return;
        };
        let Some(chosen) = media::best_match(declared_types.iter().copied(), actual) else {
            v.findings.push(Finding::new(
                FindingKind::ContentType,
                "Content-Type",
                json!(declared_types),
                json!(actual),
                format!(
                    "content type {} is not declared for response {} (declared: {})",
                    media::essence(actual),
                    declared.status,
                    declared_types.join(", ")
                ),
            ));
            return;
        };
        let Some(media_type) = declared.content.iter().find(|m| m.media_type == chosen) else {
            return;
        };
        let Some(schema) = &media_type.schema else {
            return;
        };
        if resp.truncated {
            v.notes.push(format!(
                "the body was cut at the size limit ({} bytes kept) and not checked",
                resp.body.len()
            ));
            return;
        }
        let value = if media::is_json(actual) {
            if resp.body.is_empty() {
                v.findings.push(Finding::new(
                    FindingKind::Body,
                    "",
                    json!(media::essence(actual)),
                    json!("empty body"),
                    format!(
                        "the body is empty, but its content type {} needs a JSON document",
                        media::essence(actual)
                    ),
                ));
                return;
            }
            // The lean parse and check first; a `Value` only for a body with findings.
            let lean = body::Body::parse(resp.body).map(|body| {
                self.schemas
                    .is_valid_body(Direction::Response, schema, &body)
            });
            match lean {
                Ok(Ok(true)) => return,
                Ok(Err(note)) => {
                    v.notes.push(note);
                    return;
                }
                Ok(Ok(false)) | Err(_) => {}
            }
            match serde_json::from_slice::<Value>(resp.body) {
                Ok(value) => value,
                Err(e) => {
                    v.findings.push(Finding::new(
                        FindingKind::Body,
                        "",
                        json!("JSON"),
                        json!(String::from_utf8_lossy(
                            &resp.body[..resp.body.len().min(80)]
                        )),
                        format!(
                            "the body is not valid JSON ({e}), though its content type is {}",
                            media::essence(actual)
                        ),
                    ));
                    return;
                }
            }
        } else if media::essence(actual).starts_with("text/")
            && params::schema_type(self.spec(), schema).as_deref() == Some("string")
        {
            Value::String(String::from_utf8_lossy(resp.body).into_owned())
        } else {
            v.notes.push(format!(
                "a {} body is not checked against its schema",
                media::essence(actual)
            ));
            return;
        };
        match self.check_value(Direction::Response, schema, &value) {
            Ok(f) => v.findings.extend(f),
            Err(note) => v.notes.push(note),
        }
    }

    /// Checks a request before it is sent: required parameters, parameter values against
    /// their schemas, the body's media type and the body against its schema (with `readOnly`
    /// properties not required). The request may still be sent (negative tests).
    pub fn check_request(&self, op: &OperationDetail, req: &RequestParts) -> Verdict {
        let mut v = Verdict::default();
        let spec = self.spec();
        let mut cookies: Vec<(String, String)> = Vec::new();
        for (_, c) in req
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            for pair in c.split(';') {
                if let Some((k, val)) = pair.trim().split_once('=') {
                    cookies.push((k.to_string(), val.to_string()));
                }
            }
        }
        for p in &op.parameters {
            let (label, sent): (&str, Vec<&str>) = match p.location {
                ParamLocation::Path => ("path", pick(&req.path, &p.name, true)),
                ParamLocation::Query if p.style == "deepObject" => ("query", Vec::new()),
                ParamLocation::Query => ("query", pick(&req.query, &p.name, true)),
                ParamLocation::Header => ("header", pick(&req.headers, &p.name, false)),
                ParamLocation::Cookie => ("cookie", pick(&cookies, &p.name, true)),
            };
            let name = format!("{label}.{}", p.name);
            let value = if p.location == ParamLocation::Query && p.style == "deepObject" {
                deep_object(spec, p, &req.query)
            } else {
                params::decode(spec, p, &sent)
            };
            let Some(value) = value else {
                if p.required {
                    v.findings.push(Finding::new(
                        FindingKind::Request,
                        name,
                        json!("present"),
                        Value::Null,
                        format!("required {label} parameter `{}` is missing", p.name),
                    ));
                }
                continue;
            };
            let schema = p
                .schema
                .clone()
                .or_else(|| p.content.first().and_then(|m| m.schema.clone()));
            if let Some(schema) = schema {
                let place = Place {
                    kind: FindingKind::Request,
                    name: Some(&name),
                };
                match self
                    .schemas
                    .check(Direction::Request, &schema, &value, place)
                {
                    Ok(f) => v.findings.extend(f),
                    Err(note) => v.notes.push(note),
                }
            }
        }
        self.check_request_body(op, req, &mut v);
        v
    }

    fn check_request_body(&self, op: &OperationDetail, req: &RequestParts, v: &mut Verdict) {
        let Some(rb) = &op.request_body else { return };
        let body = req.body.as_deref().filter(|b| !b.is_empty());
        let Some(body) = body else {
            if rb.required {
                v.findings.push(Finding::new(
                    FindingKind::Request,
                    "",
                    json!(rb
                        .content
                        .iter()
                        .map(|m| m.media_type.clone())
                        .collect::<Vec<_>>()),
                    Value::Null,
                    "the request body is required but none is sent",
                ));
            }
            return;
        };
        let declared: Vec<&str> = rb.content.iter().map(|m| m.media_type.as_str()).collect();
        let actual = header(&req.headers, "content-type").unwrap_or("");
        let Some(chosen) = media::best_match(declared.iter().copied(), actual) else {
            v.findings.push(Finding::new(
                FindingKind::Request,
                "Content-Type",
                json!(declared),
                json!(actual),
                format!(
                    "request content type {} is not one the operation accepts ({})",
                    if actual.is_empty() {
                        "(none)".to_string()
                    } else {
                        media::essence(actual)
                    },
                    declared.join(", ")
                ),
            ));
            return;
        };
        let Some(schema) = rb
            .content
            .iter()
            .find(|m| m.media_type == chosen)
            .and_then(|m| m.schema.clone())
        else {
            return;
        };
        let essence = media::essence(actual);
        let value = if media::is_json(actual) {
            match serde_json::from_slice::<Value>(body) {
                Ok(value) => value,
                Err(e) => {
                    v.findings.push(Finding::new(
                        FindingKind::Request,
                        "",
                        json!("JSON"),
                        json!(String::from_utf8_lossy(&body[..body.len().min(80)])),
                        format!("the request body is not valid JSON: {e}"),
                    ));
                    return;
                }
            }
        } else if essence == "application/x-www-form-urlencoded" {
            let mut map = Map::new();
            for (k, val) in url::form_urlencoded::parse(body) {
                map.insert(k.into_owned(), Value::String(val.into_owned()));
            }
            params::coerce_object(self.spec(), &schema, map)
        } else {
            v.notes.push(format!(
                "a {essence} request body is not checked against its schema"
            ));
            return;
        };
        match self.check_value(Direction::Request, &schema, &value) {
            Ok(f) => v.findings.extend(f),
            Err(note) => v.notes.push(note),
        }
    }
}

fn pick<'a>(pairs: &'a [(String, String)], name: &str, exact: bool) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(n, _)| {
            if exact {
                n == name
            } else {
                n.eq_ignore_ascii_case(name)
            }
        })
        .map(|(_, v)| v.as_str())
        .collect()
}

/// `filter[color]=red&filter[size]=2` read back into `{"color": "red", "size": 2}`.
fn deep_object(
    spec: &Spec,
    p: &crate::spec::Parameter,
    query: &[(String, String)],
) -> Option<Value> {
    let prefix = format!("{}[", p.name);
    let mut map = Map::new();
    for (k, val) in query {
        if let Some(prop) = k.strip_prefix(&prefix).and_then(|r| r.strip_suffix(']')) {
            map.insert(prop.to_string(), Value::String(val.clone()));
        }
    }
    if map.is_empty() {
        return None;
    }
    Some(match &p.schema {
        Some(s) => params::coerce_object(spec, s, map),
        None => Value::Object(map),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::LoadOptions;

    fn contract(doc: Value) -> Contract {
        let bytes = serde_json::to_vec(&doc).expect("json");
        let spec = Spec::from_bytes(&bytes, Some("t.json"), &LoadOptions::default()).expect("spec");
        Contract::new(Arc::new(spec))
    }

    fn body_findings(c: &Contract, body: Value) -> Vec<String> {
        let op = c.spec().operation("get").expect("op");
        let detail = c.spec().resolve(op);
        let headers = vec![("content-type".to_string(), "application/json".to_string())];
        let bytes = serde_json::to_vec(&body).expect("json");
        let v = c.check_response(
            &detail,
            &ResponseParts {
                method: "GET",
                status: 200,
                headers: &headers,
                body: &bytes,
                truncated: false,
            },
        );
        assert!(v.notes.is_empty(), "{:?}", v.notes);
        v.findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} | {} | {}",
                    f.kind.as_str(),
                    f.location,
                    f.schema_path,
                    f.message
                )
            })
            .collect()
    }

    fn spec31(schema: Value, components: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "get", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": schema}}}}}}},
            "components": {"schemas": components}})
    }

    #[test]
    fn type_and_nullable_and_discriminator() {
        let c = contract(spec31(
            json!({"$ref": "#/components/schemas/Order"}),
            json!({
                "Order": {"type": "object", "required": ["price", "method"], "additionalProperties": false,
                    "properties": {"price": {"type": "number"}, "note": {"anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]},
                        "method": {"oneOf": [{"$ref": "#/components/schemas/Card"}, {"$ref": "#/components/schemas/Bank"}],
                            "discriminator": {"propertyName": "kind", "mapping": {"card": "#/components/schemas/Card", "bank": "#/components/schemas/Bank"}}}}},
                "Card": {"type": "object", "required": ["kind", "last4"], "properties": {"kind": {"const": "card"}, "last4": {"type": "string"}}},
                "Bank": {"type": "object", "required": ["kind", "iban"], "properties": {"kind": {"const": "bank"}, "iban": {"type": "string"}}}
            }),
        ));
        assert_eq!(
            body_findings(
                &c,
                json!({"price": 1, "note": null, "method": {"kind": "card", "last4": "1234"}})
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            body_findings(&c, json!({"price": "9.99", "note": "soon", "extra": 1, "method": {"kind": "card", "last4": 1234}})),
            vec![
                "body /extra | #/components/schemas/Order/additionalProperties | `/extra`: property is not allowed by the schema (additionalProperties is false)",
                "body /method/last4 | #/components/schemas/Card/properties/last4/type | `/method/last4`: expected string, got integer 1234",
                "body /note | #/components/schemas/Order/properties/note/anyOf/0/format | `/note`: expected a valid date-time, got \"soon\"",
                "body /price | #/components/schemas/Order/properties/price/type | `/price`: expected number, got string \"9.99\"",
            ]
        );
        assert_eq!(
            body_findings(&c, json!({"price": 1, "method": {"kind": "cash"}})),
            vec!["body /method/kind | #/components/schemas/Order/properties/method/oneOf | `/method/kind`: expected the discriminator to be one of card, bank, got \"cash\""]
        );
        assert_eq!(c.compiled_validators(), 1);
    }

    /// OpenAI's way: a discriminator with no `mapping`, each branch declaring its value as an
    /// `enum`/`const` of the property (directly or through `allOf`). The value picks the branch;
    /// a base schema's `enum` of every value, inherited by all branches, picks none.
    #[test]
    fn unmapped_discriminator_picks_the_branch_that_declares_the_value() {
        let c = contract(spec31(
            json!({"type": "array", "items": {"$ref": "#/components/schemas/Item"}}),
            json!({
                "Item": {"oneOf": [{"$ref": "#/components/schemas/Message"}, {"$ref": "#/components/schemas/Call"},
                                   {"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
                    "discriminator": {"propertyName": "type"}},
                "Message": {"type": "object", "required": ["type", "text"], "properties": {"type": {"type": "string", "enum": ["message"]}, "text": {"type": "string"}}},
                "Call": {"allOf": [{"type": "object", "required": ["type", "name"], "properties": {"type": {"const": "function_call"}, "name": {"type": "string"}}}]},
                "Pet": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["Dog", "Cat"]}}},
                "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"required": ["bark"], "properties": {"bark": {"type": "boolean"}}}]},
                "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"required": ["meow"], "properties": {"meow": {"type": "boolean"}}}]}
            }),
        ));
        assert_eq!(
            body_findings(&c, json!([{"type": "message", "text": 1}, {"type": "function_call"}, {"type": "Cat", "meow": "x"}, {"type": "fax"}])),
            vec![
                "body /0/text | #/components/schemas/Message/properties/text/type | `/0/text`: expected string, got integer 1",
                "body /1/name | #/components/schemas/Call/allOf/0/required | `/1/name`: required property is missing",
                // Both pets inherit `enum: [Dog, Cat]`: the implicit schema name decides.
                "body /2/meow | #/components/schemas/Cat/allOf/1/properties/meow/type | `/2/meow`: expected boolean, got string \"x\"",
                "body /3/type | #/components/schemas/Item/oneOf | `/3/type`: expected the discriminator to be one of message, function_call, Dog, Cat, got \"fax\"",
            ]
        );
        // One branch inherits the base's list of every tag, the other declares none: the
        // list pins nothing, the schema name decides. A lower-case list no name matches:
        // the closest branch, not "expected one of dog, cat, got dog".
        let c = contract(spec31(
            json!({"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/Dog"}, {"$ref": "#/components/schemas/Cat"}],
                "discriminator": {"propertyName": "type"}}}),
            json!({
                "Pet": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["Dog", "Cat", "dog", "cat"]}}},
                "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"required": ["bark", "woof"], "properties": {"bark": {"type": "boolean"}}}]},
                "Cat": {"type": "object", "required": ["type", "meow"], "properties": {"type": {"type": "string"}, "meow": {"type": "boolean"}}}
            }),
        ));
        assert_eq!(
            body_findings(&c, json!([{"type": "Cat", "meow": "x"}, {"type": "cat", "meow": "y"}])),
            vec![
                "body /0/meow | #/components/schemas/Cat/properties/meow/type | `/0/meow`: expected boolean, got string \"x\"",
                "body /1/meow | #/components/schemas/Cat/properties/meow/type | `/1/meow`: expected boolean, got string \"y\"",
            ]
        );
    }

    fn respond(
        c: &Contract,
        status: u16,
        ct: Option<&str>,
        body: &[u8],
        truncated: bool,
    ) -> Verdict {
        let op = c.spec().operation("get").expect("op");
        let detail = c.spec().resolve(op);
        let headers: Vec<(String, String)> = ct
            .map(|c| vec![("Content-Type".to_string(), c.to_string())])
            .unwrap_or_default();
        c.check_response(
            &detail,
            &ResponseParts {
                method: "GET",
                status,
                headers: &headers,
                body,
                truncated,
            },
        )
    }

    #[test]
    fn cycles_deep_paths_and_what_cannot_be_checked() {
        // A recursive tree: validation follows the cycle as deep as the data goes.
        let c = contract(spec31(
            json!({"$ref": "#/components/schemas/Node"}),
            json!({"Node": {"type": "object", "required": ["v"], "properties": {
                "v": {"type": "integer"}, "kids": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}),
        ));
        let mut tree = json!({"v": "leaf"});
        for _ in 0..40 {
            tree = json!({"v": 1, "kids": [tree]});
        }
        let found = body_findings(&c, tree);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with(&format!(
                "body {}/v | #/components/schemas/Node/properties/v/type",
                "/kids/0".repeat(40)
            )),
            "{found:?}"
        );

        let v = respond(&c, 200, Some("application/json"), b"", false);
        assert_eq!(
            v.findings[0].message,
            "the body is empty, but its content type application/json needs a JSON document"
        );
        let v = respond(&c, 200, None, b"{}", false);
        assert_eq!(
            (v.findings[0].kind, v.findings[0].location.as_str()),
            (FindingKind::ContentType, "Content-Type")
        );
        let v = respond(
            &c,
            200,
            Some("application/json; charset=utf-8"),
            b"{\"v\": 1",
            true,
        );
        assert!(v.findings.is_empty());
        assert_eq!(
            v.notes,
            ["the body was cut at the size limit (7 bytes kept) and not checked"]
        );
        let v = respond(&c, 500, Some("application/json"), b"{}", false);
        assert_eq!(
            v.findings[0].message,
            "status 500 is not declared for get (declared: 200)"
        );
    }

    #[test]
    fn a_schema_the_validator_cannot_compile_is_a_note_not_a_finding() {
        let c = contract(spec31(
            json!({"type": "string", "pattern": "(unclosed"}),
            json!({}),
        ));
        let v = respond(&c, 200, Some("application/json"), b"\"x\"", false);
        assert!(v.findings.is_empty(), "{:?}", v.findings);
        assert_eq!(v.notes.len(), 1);
        assert!(v.notes[0].starts_with("the schema at /paths/~1x/get/responses/200/content/application~1json/schema could not be compiled"), "{:?}", v.notes);
    }

    #[test]
    fn legacy_dialects_translate_before_validating() {
        let doc = json!({"swagger": "2.0", "info": {"title": "t", "version": "1"},
            "paths": {"/x": {"get": {"operationId": "get", "produces": ["application/json"], "responses": {"200": {"description": "ok",
                "schema": {"type": "object", "properties": {"n": {"type": "integer", "format": "int32", "x-nullable": true},
                    "f": {"type": "number", "maximum": 1, "exclusiveMaximum": true}}}}}}}}});
        let c = contract(doc);
        assert_eq!(
            body_findings(&c, json!({"n": null, "f": 0.5})),
            Vec::<String>::new()
        );
        assert_eq!(
            body_findings(&c, json!({"n": 2_147_483_648_i64, "f": 1})),
            vec![
                "body /f | #/paths/~1x/get/responses/200/content/application~1json/schema/properties/f/exclusiveMaximum | `/f`: expected a number < 1, got 1",
                "body /n | #/paths/~1x/get/responses/200/content/application~1json/schema/properties/n/x-vouch-format | `/n`: expected a valid int32, got 2147483648",
            ]
        );
    }
}
