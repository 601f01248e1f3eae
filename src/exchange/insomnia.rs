//! Insomnia exports: v4 (JSON or YAML, `resources` with parent ids) and v5 (YAML, nested
//! `collection`).

use std::collections::HashMap;

use serde_json::Value;

use super::postman::split_url;
use super::{secrets, Bundle, BundleFolder, BundleRequest, ExchangeError, Result, Script};
use crate::request::{Auth, Body, Draft, Variable};

fn s(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Insomnia writes `{{ _.name }}`; Vouch writes `{{name}}`.
fn vars(text: &str) -> String {
    let re = regex::Regex::new(r"\{\{\s*_\.([A-Za-z0-9_\-\.]+)\s*\}\}").expect("valid");
    re.replace_all(text, "{{$1}}").into_owned()
}

fn draft(r: &Value) -> Draft {
    let (base_url, path, query) = split_url(&vars(&s(r.get("url"))));
    let mut query = query;
    if let Some(Value::Array(ps)) = r.get("parameters") {
        for p in ps
            .iter()
            .filter(|p| p.get("disabled") != Some(&Value::Bool(true)))
        {
            query.push((s(p.get("name")), vars(&s(p.get("value")))));
        }
    }
    let mut headers: Vec<(String, String)> = r
        .get("headers")
        .and_then(Value::as_array)
        .map(|h| {
            h.iter()
                .filter(|h| h.get("disabled") != Some(&Value::Bool(true)))
                .map(|h| (s(h.get("name")), vars(&s(h.get("value")))))
                .filter(|(k, _)| !k.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let body = r.get("body").and_then(|b| {
        let mime = s(b.get("mimeType"));
        if let Some(Value::Array(params)) = b.get("params") {
            let pairs = params
                .iter()
                .filter(|p| p.get("disabled") != Some(&Value::Bool(true)))
                .map(|p| (s(p.get("name")), vars(&s(p.get("value")))))
                .collect();
            return Some(Body::Form(pairs));
        }
        let text = vars(&s(b.get("text")));
        (!text.is_empty()).then(|| Body::Text {
            content_type: if mime.is_empty() {
                "text/plain".into()
            } else {
                mime
            },
            text,
        })
    });
    if matches!(body, Some(Body::Text { .. }) | Some(Body::Form(_))) {
        headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
    }
    let auth = r
        .get("authentication")
        .and_then(|a| match s(a.get("type")).as_str() {
            "bearer" => Some(Auth::Bearer {
                token: vars(&s(a.get("token"))),
            }),
            "basic" => Some(Auth::Basic {
                username: vars(&s(a.get("username"))),
                password: vars(&s(a.get("password"))),
            }),
            "apikey" => Some(Auth::ApiKey {
                location: if s(a.get("addTo")) == "queryParams" {
                    "query".into()
                } else {
                    "header".into()
                },
                name: s(a.get("key")),
                value: vars(&s(a.get("value"))),
            }),
            _ => None,
        });
    Draft {
        method: Some(s(r.get("method")))
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "GET".into())
            .to_ascii_uppercase(),
        path,
        query,
        headers,
        body,
        auth,
        base_url,
        ..Draft::default()
    }
}

fn scripts(r: &Value) -> Vec<Script> {
    [
        ("preRequestScript", "prerequest"),
        ("afterResponseScript", "after-response"),
    ]
    .iter()
    .filter_map(|(k, listen)| {
        let t = s(r.get(*k).or_else(|| {
            r.pointer(&format!(
                "/scripts/{}",
                if *listen == "prerequest" {
                    "preRequest"
                } else {
                    "afterResponse"
                }
            ))
        }));
        (!t.trim().is_empty()).then(|| Script {
            listen: listen.to_string(),
            text: t,
        })
    })
    .collect()
}

fn add_env_data(bundle: &mut Bundle, data: Option<&Value>) {
    if let Some(Value::Object(data)) = data {
        let env = bundle.environment_mut(secrets::IMPORTED_ENVIRONMENT);
        for (k, v) in data {
            let value = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            env.variables.insert(
                k.clone(),
                Variable {
                    value,
                    secret: false,
                    origins: Vec::new(),
                },
            );
        }
    }
}

/// Reads an Insomnia export.
// Kept whole: the v4 and v5 export shapes read side by side into one bundle.
pub fn from_insomnia(doc: &Value, name: &str) -> Result<Bundle> {
    if let Some(resources) = doc.get("resources").and_then(Value::as_array) {
        let format = doc
            .get("__export_format")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if format != 4 {
            return Err(ExchangeError::Unsupported {
                path: name.into(),
                detail: format!("Insomnia export format {format}: Vouch reads formats 4 and 5"),
            });
        }
        let mut bundle = Bundle {
            name: resources
                .iter()
                .find(|r| s(r.get("_type")) == "workspace")
                .map(|w| s(w.get("name")))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Imported from Insomnia".into()),
            ..Bundle::default()
        };
        let groups: HashMap<String, &Value> = resources
            .iter()
            .filter(|r| s(r.get("_type")) == "request_group")
            .map(|r| (s(r.get("_id")), r))
            .collect();
        // A group's path of names, following parent ids (cycles cut).
        let path_of = |mut id: String| {
            let mut names = Vec::new();
            while let Some(g) = groups.get(&id) {
                if names.len() > 64 {
                    break;
                }
                names.push(s(g.get("name")));
                id = s(g.get("parentId"));
            }
            names.reverse();
            names
        };
        for (seq, r) in resources.iter().enumerate() {
            match s(r.get("_type")).as_str() {
                "request_group" => {
                    let path = path_of(s(r.get("_id")));
                    if !bundle.folders.iter().any(|f| f.path == path) {
                        bundle.folders.push(BundleFolder {
                            path,
                            seq: seq as i64,
                            auth: None,
                        });
                    }
                }
                "environment" => add_env_data(&mut bundle, r.get("data")),
                _ => {}
            }
        }
        bundle.folders.sort_by_key(|f| f.path.len());
        for (seq, r) in resources
            .iter()
            .enumerate()
            .filter(|(_, r)| s(r.get("_type")) == "request")
        {
            let folder = path_of(s(r.get("parentId")));
            let req_name = Some(s(r.get("name")))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "request".into());
            bundle.push_request(BundleRequest {
                folder,
                name: req_name,
                seq: seq as i64,
                draft: draft(r),
                scripts: scripts(r),
                ..BundleRequest::default()
            });
        }
        return Ok(bundle);
    }
    if doc
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| t.starts_with("collection.insomnia.rest/5"))
    {
        let mut bundle = Bundle {
            name: Some(s(doc.get("name")))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "Imported from Insomnia".into()),
            ..Bundle::default()
        };
        add_env_data(&mut bundle, doc.pointer("/environments/data"));
        fn walk(items: &[Value], folder: &[String], bundle: &mut Bundle) {
            for (seq, it) in items.iter().enumerate() {
                let name = s(it.get("name"));
                if let Some(children) = it.get("children").and_then(Value::as_array) {
                    let name = if name.is_empty() {
                        format!("folder {}", seq + 1)
                    } else {
                        name
                    };
                    let path = bundle.push_folder(folder, name, seq as i64);
                    walk(children, &path, bundle);
                } else if it.get("url").is_some() {
                    bundle.push_request(BundleRequest {
                        folder: folder.to_vec(),
                        name: if name.is_empty() {
                            "request".into()
                        } else {
                            name
                        },
                        seq: seq as i64,
                        draft: draft(it),
                        scripts: scripts(it),
                        ..BundleRequest::default()
                    });
                }
            }
        }
        let items = doc
            .get("collection")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        walk(&items, &[], &mut bundle);
        return Ok(bundle);
    }
    Err(ExchangeError::Format {
        path: name.into(),
        detail: "neither an Insomnia v4 export (`resources`) nor a v5 one (`type: collection.insomnia.rest/5.0`)".into(),
    })
}
