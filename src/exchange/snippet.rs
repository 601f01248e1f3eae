//! A request as code to paste elsewhere: Python (`httpx`) and JavaScript (`fetch`), beside
//! the cURL line. Built from the request exactly as the engine would send it (masked), with
//! every value written as a JSON string literal, which both languages read as it is.

use crate::call::SentRequest;

/// A value as a string literal of Python and JavaScript alike.
fn lit(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// The request as a Python `httpx` call.
pub fn httpx(r: &SentRequest) -> String {
    let mut out = String::from("import httpx\n\nresponse = httpx.request(\n");
    out.push_str(&format!("    {},\n    {},\n", lit(&r.method), lit(&r.url)));
    if !r.headers.is_empty() {
        let headers: Vec<String> = r
            .headers
            .iter()
            .map(|(k, v)| format!("{}: {}", lit(k), lit(v)))
            .collect();
        out.push_str(&format!("    headers={{{}}},\n", headers.join(", ")));
    }
    if let Some(body) = &r.body {
        out.push_str(&format!("    content={},\n", lit(body)));
    }
    out.push_str(")\nprint(response.status_code, response.text)\n");
    out
}

/// The request as a JavaScript `fetch` call.
pub fn fetch(r: &SentRequest) -> String {
    let mut out = format!(
        "const response = await fetch({}, {{\n  method: {},\n",
        lit(&r.url),
        lit(&r.method)
    );
    if !r.headers.is_empty() {
        let headers: Vec<String> = r
            .headers
            .iter()
            .map(|(k, v)| format!("    {}: {},", lit(k), lit(v)))
            .collect();
        out.push_str(&format!("  headers: {{\n{}\n  }},\n", headers.join("\n")));
    }
    if let Some(body) = &r.body {
        out.push_str(&format!("  body: {},\n", lit(body)));
    }
    out.push_str("});\nconsole.log(response.status, await response.text());\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_literals_whatever_they_hold() {
        let r = SentRequest {
            method: "POST".into(),
            url: "http://h/x?q='a'".into(),
            headers: vec![("X-Q".into(), "a\"b\\c\n$(rm -rf /)".into())],
            body: Some("{\"name\": \"a\"}".into()),
            body_truncated: false,
            curl: String::new(),
        };
        let py = httpx(&r);
        assert!(py.contains(r#""X-Q": "a\"b\\c\n$(rm -rf /)""#), "{py}");
        assert!(py.contains(r#"content="{\"name\": \"a\"}""#), "{py}");
        let js = fetch(&r);
        assert!(
            js.contains(r#"method: "POST""#) && js.contains(r#"body: "{\"name\": \"a\"}""#),
            "{js}"
        );
        let bare = SentRequest {
            headers: Vec::new(),
            body: None,
            ..r
        };
        assert!(!httpx(&bare).contains("headers=") && !fetch(&bare).contains("body:"));
    }
}
