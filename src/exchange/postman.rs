//! Postman collections: v2.0 and v2.1 in (folders, auth at every level, variables, scripts
//! kept as text), v2.1 out. v1 is refused with a clear message.

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::{secrets, Bundle, BundleRequest, ExchangeError, Result, Script};
use crate::request::{Auth, Body, Draft, Environment, Part, PartValue, Variable};
use crate::spec::ParamLocation;

/// The v2.1 schema URL written into exports.
pub const SCHEMA_V21: &str = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Object(o)) => o
            .get("content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn scalar(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Reads a Postman collection (v2.0 or v2.1).
pub fn from_postman(doc: &Value, name: &str) -> Result<Bundle> {
    if doc.get("requests").is_some() && doc.get("order").is_some() {
        return Err(ExchangeError::Unsupported {
            path: name.into(),
            detail: "this is a Postman Collection v1, which Vouch does not read".into(),
        });
    }
    let info = doc
        .get("info")
        .and_then(Value::as_object)
        .ok_or_else(|| ExchangeError::Format {
            path: name.into(),
            detail: "no `info` object: not a Postman collection v2.x".into(),
        })?;
    let items = doc
        .get("item")
        .and_then(Value::as_array)
        .ok_or_else(|| ExchangeError::Format {
            path: name.into(),
            detail: "no `item` array: not a Postman collection v2.x".into(),
        })?;
    let mut bundle = Bundle {
        name: Some(scalar(info.get("name")))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "Imported from Postman".into()),
        description: text(info.get("description")),
        ..Bundle::default()
    };
    if let Some(vars) = doc.get("variable").and_then(Value::as_array) {
        let env = bundle.environment_mut(secrets::IMPORTED_ENVIRONMENT);
        for v in vars {
            let key = scalar(v.get("key").or_else(|| v.get("id")));
            if key.is_empty() || v.get("disabled") == Some(&Value::Bool(true)) {
                continue;
            }
            env.variables.insert(
                key,
                Variable {
                    value: scalar(v.get("value")),
                    secret: v.get("type").and_then(Value::as_str) == Some("secret"),
                    origins: Vec::new(),
                },
            );
        }
    }
    let auth = doc.get("auth");
    walk(items, &[], auth, &mut bundle)?;
    let scripts: usize = bundle.requests.iter().map(|r| r.scripts.len()).sum();
    if scripts > 0 {
        bundle.warnings.push(format!(
            "{scripts} script(s) kept as text: Vouch does not run them"
        ));
    }
    Ok(bundle)
}

fn walk(
    items: &[Value],
    folder: &[String],
    inherited: Option<&Value>,
    bundle: &mut Bundle,
) -> Result<()> {
    for (seq, item) in items.iter().enumerate() {
        let name = Some(scalar(item.get("name")))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| format!("item {}", seq + 1));
        let auth = item.get("auth").filter(|a| !a.is_null()).or(inherited);
        if let Some(children) = item.get("item").and_then(Value::as_array) {
            let path = bundle.push_folder(folder, name, seq as i64);
            walk(children, &path, auth, bundle)?;
            continue;
        }
        let Some(request) = item.get("request") else {
            bundle
                .warnings
                .push(format!("`{name}` has no request and was skipped"));
            continue;
        };
        // A request's own auth sits in `request.auth`; without one it inherits its folder's.
        let auth = request.get("auth").filter(|a| !a.is_null()).or(auth);
        let draft = request_draft(request, auth, &mut bundle.warnings, &name);
        let scripts = item
            .get("event")
            .and_then(Value::as_array)
            .map(|events| {
                events
                    .iter()
                    .filter_map(|e| {
                        let exec = e.get("script")?.get("exec")?;
                        let text = match exec {
                            Value::Array(lines) => lines
                                .iter()
                                .map(|l| scalar(Some(l)))
                                .collect::<Vec<_>>()
                                .join("\n"),
                            other => scalar(Some(other)),
                        };
                        (!text.trim().is_empty()).then(|| Script {
                            listen: scalar(e.get("listen")),
                            text,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        bundle.push_request(BundleRequest {
            folder: folder.to_vec(),
            name,
            seq: seq as i64,
            operation_id: None,
            draft,
            assertions: Value::Array(Vec::new()),
            extractions: Value::Array(Vec::new()),
            scripts,
        });
    }
    Ok(())
}

/// Splits a URL (maybe with `{{variables}}`) into base, path and query pairs.
pub(super) fn split_url(raw: &str) -> (Option<String>, String, Vec<(String, String)>) {
    let (before_query, query) = match raw.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (raw, None),
    };
    let before_query = before_query.split('#').next().unwrap_or("");
    let (base, path) = match before_query.find("://") {
        Some(i) => match before_query[i + 3..].find('/') {
            Some(j) => (
                Some(before_query[..i + 3 + j].to_string()),
                before_query[i + 3 + j..].to_string(),
            ),
            None => (Some(before_query.to_string()), "/".to_string()),
        },
        None if before_query.starts_with('/') => (None, before_query.to_string()),
        None => match before_query.find('/') {
            // `{{baseUrl}}/pets`, `example.com/pets`
            Some(j) => (
                Some(before_query[..j].to_string()),
                before_query[j..].to_string(),
            ),
            None => (
                Some(before_query.to_string()).filter(|b| !b.is_empty()),
                "/".to_string(),
            ),
        },
    };
    let query = query
        .map(|q| {
            q.split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (k.to_string(), v.to_string()),
                    None => (p.to_string(), String::new()),
                })
                .collect()
        })
        .unwrap_or_default();
    (base, path, query)
}

fn kv(list: Option<&Value>) -> Vec<(String, String)> {
    match list {
        Some(Value::Array(items)) => items
            .iter()
            .filter(|h| h.get("disabled") != Some(&Value::Bool(true)))
            .filter_map(|h| {
                let k = scalar(h.get("key"));
                (!k.is_empty()).then(|| (k, scalar(h.get("value"))))
            })
            .collect(),
        // v2.0 may write headers as one string of `Name: value` lines.
        Some(Value::String(s)) => s
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

// Kept whole: Postman's request fields mapped to a draft one by one.
fn request_draft(
    request: &Value,
    auth: Option<&Value>,
    warnings: &mut Vec<String>,
    name: &str,
) -> Draft {
    let (method, url) = match request {
        Value::String(url) => ("GET".to_string(), url.clone()),
        r => (
            Some(scalar(r.get("method")))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "GET".into())
                .to_ascii_uppercase(),
            match r.get("url") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Object(u)) => match u.get("raw").and_then(Value::as_str) {
                    Some(raw) => raw.to_string(),
                    None => url_from_parts(u),
                },
                _ => String::new(),
            },
        ),
    };
    let (base_url, path, mut query) = split_url(&url);
    if let Some(Value::Object(u)) = request.get("url") {
        // Disabled query parameters appear in `raw` but are flagged in `query`.
        if let Some(Value::Array(q)) = u.get("query") {
            let disabled: Vec<String> = q
                .iter()
                .filter(|p| p.get("disabled") == Some(&Value::Bool(true)))
                .map(|p| scalar(p.get("key")))
                .collect();
            query.retain(|(k, _)| !disabled.contains(k));
        }
    }
    let mut headers = kv(request.get("header"));
    let body = request.get("body").and_then(|b| {
        let content_type = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone());
        match b.get("mode").and_then(Value::as_str) {
            Some("raw") => {
                let raw = scalar(b.get("raw"));
                let json_lang = b.pointer("/options/raw/language").and_then(Value::as_str) == Some("json");
                (!raw.is_empty()).then(|| Body::Text {
                    content_type: content_type.clone().unwrap_or_else(|| if json_lang { "application/json".into() } else { "text/plain".into() }),
                    text: raw,
                })
            }
            Some("urlencoded") => Some(Body::Form(kv(b.get("urlencoded")))),
            Some("formdata") => Some(Body::Multipart(
                b.get("formdata")
                    .and_then(Value::as_array)
                    .map(|parts| {
                        parts
                            .iter()
                            .filter(|p| p.get("disabled") != Some(&Value::Bool(true)))
                            .map(|p| Part {
                                name: scalar(p.get("key")),
                                value: if p.get("type").and_then(Value::as_str) == Some("file") {
                                    PartValue::File {
                                        path: scalar(p.get("src")).into(),
                                        filename: None,
                                        content_type: None,
                                    }
                                } else {
                                    PartValue::Text(scalar(p.get("value")))
                                },
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            )),
            Some("graphql") => Some(Body::Text {
                content_type: "application/json".into(),
                text: serde_json::to_string_pretty(&json!({
                    "query": scalar(b.pointer("/graphql/query")),
                    "variables": b.pointer("/graphql/variables").map(|v| match v {
                        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
                        other => other.clone(),
                    }).unwrap_or(Value::Null),
                }))
                .unwrap_or_default(),
            }),
            Some("file") => {
                warnings.push(format!("`{name}`: a file body is not carried over"));
                None
            }
            _ => None,
        }
    });
    // The body carries its content type; keep the header list free of a duplicate.
    if matches!(body, Some(Body::Text { .. })) {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
    }
    Draft {
        method,
        path,
        params: Vec::new(),
        query,
        headers,
        body,
        auth: auth.and_then(|a| auth_of(a, warnings, name)),
        base_url,
        settings: None,
    }
}

fn url_from_parts(u: &Map<String, Value>) -> String {
    let join = |v: Option<&Value>, sep: &str| match v {
        Some(Value::Array(a)) => a
            .iter()
            .map(|s| scalar(Some(s)))
            .collect::<Vec<_>>()
            .join(sep),
        Some(v) => scalar(Some(v)),
        None => String::new(),
    };
    let mut s = String::new();
    let protocol = scalar(u.get("protocol"));
    if !protocol.is_empty() {
        s.push_str(&protocol);
        s.push_str("://");
    }
    s.push_str(&join(u.get("host"), "."));
    let path = join(u.get("path"), "/");
    if !path.is_empty() {
        s.push('/');
        s.push_str(&path);
    }
    s
}

fn auth_param(a: &Value, kind: &str, key: &str) -> String {
    match a.get(kind) {
        Some(Value::Array(params)) => params
            .iter()
            .find(|p| p.get("key").and_then(Value::as_str) == Some(key))
            .map(|p| scalar(p.get("value")))
            .unwrap_or_default(),
        Some(Value::Object(o)) => scalar(o.get(key)),
        _ => String::new(),
    }
}

fn auth_of(a: &Value, warnings: &mut Vec<String>, name: &str) -> Option<Auth> {
    let kind = a.get("type").and_then(Value::as_str)?;
    match kind {
        "noauth" => None,
        "bearer" => Some(Auth::Bearer {
            token: auth_param(a, "bearer", "token"),
        }),
        "basic" => Some(Auth::Basic {
            username: auth_param(a, "basic", "username"),
            password: auth_param(a, "basic", "password"),
        }),
        "apikey" => Some(Auth::ApiKey {
            location: Some(auth_param(a, "apikey", "in"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "header".into()),
            name: auth_param(a, "apikey", "key"),
            value: auth_param(a, "apikey", "value"),
        }),
        other => {
            warnings.push(format!(
                "`{name}`: {other} auth is not supported and was left out"
            ));
            None
        }
    }
}

/// Reads a Postman environment file: `"type": "secret"` values become secrets.
pub fn postman_environment(doc: &Value, name: &str) -> Result<Environment> {
    let values =
        doc.get("values")
            .and_then(Value::as_array)
            .ok_or_else(|| ExchangeError::Format {
                path: name.into(),
                detail: "no `values` array: not a Postman environment".into(),
            })?;
    let mut variables = IndexMap::new();
    for v in values {
        let key = scalar(v.get("key"));
        if key.is_empty() || v.get("enabled") == Some(&Value::Bool(false)) {
            continue;
        }
        let secret = v.get("type").and_then(Value::as_str) == Some("secret");
        variables.insert(
            key,
            Variable {
                value: scalar(v.get("value")),
                secret,
                origins: Vec::new(),
            },
        );
    }
    Ok(Environment {
        name: Some(scalar(doc.get("name")))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "postman".into()),
        variables,
        auth: IndexMap::new(),
    })
}

/// Writes a bundle as a Postman v2.1 collection (secret variables without values).
pub fn to_postman(bundle: &Bundle) -> Value {
    fn items(bundle: &Bundle, folder: &[String]) -> Vec<Value> {
        let mut entries: Vec<(i64, String, Value)> = Vec::new();
        for f in bundle
            .folders
            .iter()
            .filter(|f| f.path.len() == folder.len() + 1 && f.path[..folder.len()] == *folder)
        {
            let mut folder = json!({
                "name": f.path.last(),
                "item": items(bundle, &f.path),
            });
            if let Some(a) = f.auth.as_ref().and_then(postman_auth) {
                folder["auth"] = a;
            }
            entries.push((f.seq, f.path.last().cloned().unwrap_or_default(), folder));
        }
        for r in bundle.requests.iter().filter(|r| r.folder == folder) {
            entries.push((r.seq, r.name.clone(), request_item(r)));
        }
        entries.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        entries.into_iter().map(|(_, _, v)| v).collect()
    }
    let mut out = json!({
        "info": {"name": bundle.name, "schema": SCHEMA_V21},
        "item": items(bundle, &[]),
    });
    if !bundle.description.is_empty() {
        out["info"]["description"] = json!(bundle.description);
    }
    // What the collection hands down; Postman's requests inherit it the same way.
    if let Some(a) = bundle.auth.as_ref().and_then(postman_auth) {
        out["auth"] = a;
    }
    let mut variables: Vec<Value> = bundle
        .environments
        .iter()
        .filter(|e| e.name == secrets::IMPORTED_ENVIRONMENT)
        .flat_map(|e| e.variables.iter())
        .map(|(k, v)| {
            if v.secret {
                json!({"key": k, "value": "", "type": "secret"})
            } else {
                json!({"key": k, "value": v.value, "type": "string"})
            }
        })
        .collect();
    if bundle.requests.iter().any(|r| r.draft.base_url.is_none()) {
        let base = bundle
            .environments
            .iter()
            .find_map(|e| e.variables.get("baseUrl"))
            .map(|v| v.value.clone());
        if base.is_none() {
            variables.push(json!({"key": "baseUrl", "value": "", "type": "string"}));
        }
    }
    if !variables.is_empty() {
        out["variable"] = Value::Array(variables);
    }
    out
}

/// An auth as Postman writes it (None: a kind Postman's format cannot say here).
fn postman_auth(a: &Auth) -> Option<Value> {
    let p = |k: &str, v: &str| json!({"key": k, "value": v, "type": "string"});
    Some(match a {
        Auth::Bearer { token } => json!({"type": "bearer", "bearer": [p("token", token)]}),
        Auth::Basic { username, password } => {
            json!({"type": "basic", "basic": [p("username", username), p("password", password)]})
        }
        Auth::ApiKey {
            location,
            name,
            value,
        } => {
            json!({"type": "apikey", "apikey": [p("key", name), p("value", value), p("in", location)]})
        }
        _ => return None,
    })
}

// Kept whole: Postman's item fields (auth, scripts, body modes) mapped one by one.
fn request_item(r: &BundleRequest) -> Value {
    let d = &r.draft;
    let mut path = d.path.clone();
    let mut query = d.query.clone();
    let mut headers = d.headers.clone();
    for p in &d.params {
        let v = match &p.value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match p.location {
            ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.name), &v),
            ParamLocation::Query => query.push((p.name.clone(), v)),
            ParamLocation::Header => headers.push((p.name.clone(), v)),
            ParamLocation::Cookie => headers.push(("Cookie".into(), format!("{}={v}", p.name))),
        }
    }
    let base = d.base_url.clone().unwrap_or_else(|| "{{baseUrl}}".into());
    let mut raw = format!("{}{}", base.trim_end_matches('/'), path);
    if !query.is_empty() {
        raw.push('?');
        raw.push_str(
            &query
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
        );
    }
    let pairs = |l: &[(String, String)]| -> Vec<Value> {
        l.iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect()
    };
    let mut req =
        json!({"method": d.method.to_ascii_uppercase(), "header": pairs(&headers), "url": raw});
    match &d.body {
        Some(Body::Json(v)) => {
            req["body"] = json!({"mode": "raw", "raw": serde_json::to_string_pretty(v).unwrap_or_default(), "options": {"raw": {"language": "json"}}});
        }
        Some(Body::Text { content_type, text }) => {
            req["header"]
                .as_array_mut()
                .expect("array")
                .push(json!({"key": "Content-Type", "value": content_type}));
            req["body"] = json!({"mode": "raw", "raw": text});
        }
        Some(Body::Form(f)) => req["body"] = json!({"mode": "urlencoded", "urlencoded": pairs(f)}),
        Some(Body::Multipart(parts)) => {
            req["body"] = json!({"mode": "formdata", "formdata": parts.iter().map(|p| match &p.value {
                PartValue::Text(t) => json!({"key": p.name, "value": t, "type": "text"}),
                PartValue::File { path, .. } => json!({"key": p.name, "src": path.display().to_string(), "type": "file"}),
            }).collect::<Vec<_>>()});
        }
        Some(Body::Bytes { .. }) | None => {}
    }
    if let Some(a) = d.auth.as_ref().and_then(postman_auth) {
        req["auth"] = a;
    }
    let mut item = json!({"name": r.name, "request": req});
    if !r.scripts.is_empty() {
        item["event"] = Value::Array(
            r.scripts
                .iter()
                // Kept as text and never run by Vouch; exported disabled so Postman does not
                // run them either.
                .map(|s| json!({"listen": s.listen, "disabled": true, "script": {"type": "text/javascript", "exec": s.text.lines().collect::<Vec<_>>()}}))
                .collect(),
        );
    }
    item
}
