//! cURL command lines: one request in, one request out.

use super::postman::split_url;
use super::{Bundle, BundleRequest, ExchangeError, Result};
use crate::request::{Body, Draft};

/// Splits a shell command line into words (single/double quotes, backslash escapes and
/// line continuations).
fn words(line: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                has = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err(bad("an unclosed ' quote")),
                    }
                }
            }
            '"' => {
                has = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => cur.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c)
                            }
                            None => return Err(bad("an unclosed \" quote")),
                        },
                        Some(c) => cur.push(c),
                        None => return Err(bad("an unclosed \" quote")),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | Some('\r') => {}
                Some(c) => {
                    has = true;
                    cur.push(c)
                }
                None => {}
            },
            c if c.is_whitespace() => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => {
                has = true;
                cur.push(c)
            }
        }
    }
    if has {
        out.push(cur);
    }
    Ok(out)
}

fn bad(detail: &str) -> ExchangeError {
    ExchangeError::Format {
        path: "the cURL command".into(),
        detail: detail.into(),
    }
}

/// Reads a `curl …` command line into a one-request collection.
// Kept whole: one match over cURL's flags.
pub fn from_curl(line: &str) -> Result<Bundle> {
    let w = words(line.trim())?;
    if w.first().map(String::as_str) != Some("curl") {
        return Err(bad("it does not start with `curl`"));
    }
    let mut method = None;
    let mut url = None;
    let mut headers = Vec::new();
    let mut data: Vec<String> = Vec::new();
    let mut user = None;
    let mut it = w.into_iter().skip(1);
    while let Some(a) = it.next() {
        let mut value = |what: &str| {
            it.next()
                .ok_or_else(|| bad(&format!("{what} needs a value")))
        };
        match a.as_str() {
            "-X" | "--request" => method = Some(value(&a)?.to_ascii_uppercase()),
            "-H" | "--header" => {
                let h = value(&a)?;
                if let Some((k, v)) = h.split_once(':') {
                    headers.push((k.trim().to_string(), v.trim().to_string()));
                }
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" | "--json" => {
                if a == "--json" {
                    headers.push(("Content-Type".into(), "application/json".into()));
                }
                data.push(value(&a)?)
            }
            "-u" | "--user" => user = Some(value(&a)?),
            "--url" => url = Some(value(&a)?),
            "-A" | "--user-agent" => headers.push(("User-Agent".into(), value(&a)?)),
            "-b" | "--cookie" => headers.push(("Cookie".into(), value(&a)?)),
            "-e" | "--referer" => headers.push(("Referer".into(), value(&a)?)),
            "-o" | "--output" | "-m" | "--max-time" | "--connect-timeout" | "-w"
            | "--write-out" => {
                value(&a)?;
            }
            s if s.starts_with('-') => {}
            _ => url = url.or(Some(a)),
        }
    }
    let url = url.ok_or_else(|| bad("no URL"))?;
    let (base_url, path, query) = split_url(&url);
    let content_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone());
    headers.retain(|(k, _)| data.is_empty() || !k.eq_ignore_ascii_case("content-type"));
    let body = (!data.is_empty()).then(|| Body::Text {
        content_type: content_type.unwrap_or_else(|| "application/x-www-form-urlencoded".into()),
        text: data.join("&"),
    });
    if let Some(u) = user {
        use base64::Engine;
        headers.push((
            "Authorization".into(),
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(u)
            ),
        ));
    }
    let method = method.unwrap_or_else(|| {
        if body.is_some() {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    Ok(Bundle {
        name: "Imported from cURL".into(),
        requests: vec![BundleRequest {
            name: format!("{method} {path}"),
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
        }],
        ..Bundle::default()
    })
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A request exactly as sent (URL with its query, headers, body text) as a cURL command
/// line. Callers pass values already masked.
pub fn curl_line(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<&str>,
) -> String {
    let mut out = format!(
        "curl -X {} {}",
        quote(&method.to_ascii_uppercase()),
        quote(url)
    );
    for (k, v) in headers {
        out.push_str(&format!(" \\\n  -H {}", quote(&format!("{k}: {v}"))));
    }
    if let Some(b) = body {
        out.push_str(&format!(" \\\n  --data-raw {}", quote(b)));
    }
    out
}

/// One request as a `curl` command line (`{{variables}}` left for the reader to fill).
pub fn to_curl(r: &BundleRequest) -> String {
    let d = &r.draft;
    let mut url = format!(
        "{}{}",
        d.base_url
            .as_deref()
            .unwrap_or("{{baseUrl}}")
            .trim_end_matches('/'),
        d.path
    );
    if !d.query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(
            &d.query
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&"),
        );
    }
    let mut out = format!(
        "curl -X {} {}",
        quote(&d.method.to_ascii_uppercase()),
        quote(&url)
    );
    for (k, v) in &d.headers {
        out.push_str(&format!(" \\\n  -H {}", quote(&format!("{k}: {v}"))));
    }
    match &d.body {
        Some(Body::Json(v)) => out.push_str(&format!(
            " \\\n  -H 'Content-Type: application/json' \\\n  --data-raw {}",
            quote(&v.to_string())
        )),
        Some(Body::Text { content_type, text }) => out.push_str(&format!(
            " \\\n  -H {} \\\n  --data-raw {}",
            quote(&format!("Content-Type: {content_type}")),
            quote(text)
        )),
        Some(Body::Form(f)) => {
            for (k, v) in f {
                out.push_str(&format!(
                    " \\\n  --data-urlencode {}",
                    quote(&format!("{k}={v}"))
                ));
            }
        }
        _ => {}
    }
    out
}
