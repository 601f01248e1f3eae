//! HTTP Archive (HAR) files: every recorded request becomes a saved request.

use serde_json::Value;

use super::postman::split_url;
use super::{Bundle, BundleRequest, ExchangeError, Result};
use crate::request::{Body, Draft};

fn s(v: Option<&Value>) -> String {
    v.and_then(Value::as_str).unwrap_or("").to_string()
}

/// Reads a HAR file.
pub fn from_har(doc: &Value, name: &str) -> Result<Bundle> {
    let entries = doc
        .pointer("/log/entries")
        .and_then(Value::as_array)
        .ok_or_else(|| ExchangeError::Format {
            path: name.into(),
            detail: "no `log.entries` array: not a HAR file".into(),
        })?;
    let mut bundle = Bundle {
        name: "Imported from HAR".into(),
        ..Bundle::default()
    };
    for (seq, e) in entries.iter().enumerate() {
        let req = e.get("request").ok_or_else(|| ExchangeError::Format {
            path: name.into(),
            detail: format!("entry {seq} has no `request`"),
        })?;
        let method = s(req.get("method")).to_ascii_uppercase();
        let (base_url, path, query) = split_url(&s(req.get("url")));
        let headers: Vec<(String, String)> = req
            .get("headers")
            .and_then(Value::as_array)
            .map(|h| {
                h.iter()
                    .map(|h| (s(h.get("name")), s(h.get("value"))))
                    // HTTP/2 pseudo-headers and what the client sets itself.
                    .filter(|(k, _)| {
                        !k.starts_with(':')
                            && !k.eq_ignore_ascii_case("content-length")
                            && !k.eq_ignore_ascii_case("host")
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = req.get("postData").and_then(|p| {
            let text = s(p.get("text"));
            (!text.is_empty()).then(|| Body::Text {
                content_type: Some(s(p.get("mimeType")))
                    .filter(|m| !m.is_empty())
                    .unwrap_or_else(|| "text/plain".into()),
                text,
            })
        });
        let headers = if body.is_some() {
            headers
                .into_iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case("content-type"))
                .collect()
        } else {
            headers
        };
        bundle.push_request(BundleRequest {
            name: format!("{method} {path}"),
            seq: seq as i64,
            draft: Draft {
                method,
                path,
                query,
                headers,
                body,
                base_url,
                ..Draft::default()
            },
            ..BundleRequest::default()
        });
    }
    Ok(bundle)
}
