//! Assertions on a response and extractions from it: data in, results out (a failed
//! assertion is a result, not an error).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::request::Exchange;

/// What a value must satisfy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// Equal to this JSON value (a header compares as a string).
    Equals(Value),
    /// Matches this regular expression (the value as text).
    Matches(String),
    /// Present (true) or absent (false).
    Exists(bool),
    /// Of this JSON type (`string`, `number`, `integer`, `boolean`, `array`, `object`, `null`).
    Type(String),
}

/// One assertion of a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum Assertion {
    /// The status code.
    Status {
        /// The test.
        #[serde(flatten)]
        test: Test,
    },
    /// A response header (case-insensitive name).
    Header {
        /// Header name.
        name: String,
        /// The test.
        #[serde(flatten)]
        test: Test,
    },
    /// A value in the JSON body: a JSON pointer (`/items/0/id`; empty for the whole body) or
    /// a JSONPath (RFC 9535: `$.items[0].id`, `$.items[*].id`).
    Json {
        /// JSON pointer or JSONPath (see [`select`]).
        #[serde(alias = "pointer")]
        path: String,
        /// The test.
        #[serde(flatten)]
        test: Test,
    },
    /// Total response time below a limit.
    Time {
        /// The limit, ms.
        under_ms: f64,
    },
    /// The body (as text) contains a string.
    BodyContains {
        /// The text to find.
        text: String,
    },
}

/// An assertion's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssertionResult {
    /// The assertion.
    pub assertion: Assertion,
    /// Whether it held.
    pub passed: bool,
    /// What was found (null when absent).
    pub actual: Value,
    /// The outcome in words.
    pub message: String,
}

/// Takes a value from a response into a variable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    /// The variable to set.
    pub var: String,
    /// Where the value comes from.
    #[serde(flatten)]
    pub from: Source,
}

/// Where an extracted value comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Source {
    /// A value in the JSON body, by JSON pointer or JSONPath (see [`select`]).
    Json {
        /// JSON pointer or JSONPath.
        #[serde(alias = "pointer")]
        path: String,
    },
    /// A response header.
    Header {
        /// Header name.
        name: String,
    },
    /// A cookie set by the response (`Set-Cookie`).
    Cookie {
        /// Cookie name.
        name: String,
    },
}

/// Selects a value of a JSON document. A path starting with `$` is a JSONPath (RFC 9535): a
/// singular query (names and indexes only) gives its one value, any other query (wildcards,
/// slices, filters, `..`, unions) gives the array of what it matched, so
/// `$.items[*].id` is always an array. Anything else is a JSON pointer. `Ok(None)`: nothing
/// there; `Err`: the JSONPath does not parse (the message says where).
pub fn select(doc: &Value, path: &str) -> Result<Option<Value>, String> {
    if !path.starts_with('$') {
        return Ok(doc.pointer(path).cloned());
    }
    let query = serde_json_path::JsonPath::parse(path)
        .map_err(|e| format!("`{path}` is not a valid JSONPath: {e}"))?;
    let nodes = query.query(doc).all();
    Ok(if is_singular(path) {
        nodes.first().map(|v| (*v).clone())
    } else {
        Some(Value::Array(nodes.into_iter().cloned().collect()))
    })
}

/// Whether a (parsed, so well-formed) JSONPath is a singular query: outside quoted names it
/// has no wildcard, descendant segment, filter, slice or union.
fn is_singular(path: &str) -> bool {
    let mut quote = None;
    let mut prev = ' ';
    for c in path.chars() {
        match quote {
            Some(q) if c == q && prev != '\\' => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if matches!(c, '*' | '?' | ':' | ',') => return false,
            None if c == '.' && prev == '.' => return false,
            None => {}
        }
        prev = c;
    }
    true
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn apply(test: &Test, actual: Option<&Value>) -> (bool, String) {
    match (test, actual) {
        (Test::Exists(want), a) => (
            a.is_some() == *want,
            if *want {
                "present".into()
            } else {
                "absent".into()
            },
        ),
        (_, None) => (false, "missing".into()),
        (Test::Equals(want), Some(a)) => {
            // Headers and status compare loosely as text ("42" equals 42).
            let ok = a == want || as_text(a) == as_text(want);
            (ok, format!("equal to {want}"))
        }
        (Test::Matches(re), Some(a)) => match regex::Regex::new(re) {
            Ok(r) => (r.is_match(&as_text(a)), format!("matching /{re}/")),
            Err(e) => (false, format!("a valid regular expression (/{re}/: {e})")),
        },
        (Test::Type(t), Some(a)) => {
            let ty = crate::contract::type_name(a);
            (
                ty == t || (t == "number" && ty == "integer"),
                format!("of type {t}"),
            )
        }
    }
}

/// Evaluates one assertion; `json` is the body parsed once for every assertion of a step.
pub fn evaluate(a: &Assertion, ex: &Exchange, json: Option<&Value>) -> AssertionResult {
    let (passed, actual, what) = match a {
        Assertion::Status { test } => {
            let v = Value::from(ex.status);
            let (ok, want) = apply(test, Some(&v));
            (ok, v, format!("status {want}"))
        }
        Assertion::Header { name, test } => {
            let v = ex.header(name).map(|h| Value::String(h.into()));
            let (ok, want) = apply(test, v.as_ref());
            (
                ok,
                v.unwrap_or(Value::Null),
                format!("header `{name}` {want}"),
            )
        }
        Assertion::Json { path, test } => {
            let selected = json.map(|j| select(j, path));
            let v = match &selected {
                Some(Ok(v)) => v.clone(),
                Some(Err(e)) => {
                    return AssertionResult {
                        assertion: a.clone(),
                        passed: false,
                        actual: Value::Null,
                        message: e.clone(),
                    }
                }
                None => None,
            };
            let (ok, want) = apply(test, v.as_ref());
            let label = if path.is_empty() {
                "body".to_string()
            } else {
                format!("`{path}`")
            };
            (ok, v.unwrap_or(Value::Null), format!("{label} {want}"))
        }
        Assertion::Time { under_ms } => (
            ex.elapsed_ms < *under_ms,
            Value::from((ex.elapsed_ms * 10.0).round() / 10.0),
            format!("response time under {under_ms} ms"),
        ),
        Assertion::BodyContains { text } => {
            let found = String::from_utf8_lossy(&ex.body).contains(text.as_str());
            (found, Value::Bool(found), format!("body contains {text:?}"))
        }
    };
    let message = if passed {
        format!("{what}: ok")
    } else {
        format!(
            "expected {what}, got {}",
            crate::contract::preview_value(&actual)
        )
    };
    AssertionResult {
        assertion: a.clone(),
        passed,
        actual,
        message,
    }
}

/// Reads an extraction's value, as the text a `{{variable}}` takes.
pub fn extract(e: &Extraction, ex: &Exchange, json: Option<&Value>) -> Option<String> {
    match &e.from {
        Source::Json { path } => json
            .and_then(|j| select(j, path).ok().flatten())
            .map(|v| as_text(&v)),
        Source::Header { name } => ex.header(name).map(str::to_string),
        Source::Cookie { name } => ex
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next()?.trim().split_once('='))
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::select;

    #[test]
    fn pointers_and_jsonpaths_select_the_same_values() {
        let doc =
            json!({"items": [{"id": 1, "tags": ["a"]}, {"id": 2, "tags": []}], "a.b": {"c,d": 3}});
        let got = |p: &str| select(&doc, p).expect("valid");
        assert_eq!(got("/items/1/id"), Some(json!(2)));
        assert_eq!(got("$.items[1].id"), Some(json!(2)));
        assert_eq!(got(""), Some(doc.clone()));
        assert_eq!(got("$"), Some(doc.clone()));
        assert_eq!(got("/nope"), None);
        assert_eq!(got("$.nope"), None);
        // Quoted names may hold the characters that make a query non-singular.
        assert_eq!(got("$['a.b']['c,d']"), Some(json!(3)));
        // Non-singular queries always give an array, even of one or no value.
        assert_eq!(got("$.items[*].id"), Some(json!([1, 2])));
        assert_eq!(got("$.items[:1].id"), Some(json!([1])));
        assert_eq!(got("$..id"), Some(json!([1, 2])));
        assert_eq!(got("$.items[?@.id > 1].id"), Some(json!([2])));
        assert_eq!(got("$.items[?@.id > 5].id"), Some(json!([])));
        let err = select(&doc, "$.items[").expect_err("invalid");
        assert!(
            err.starts_with("`$.items[` is not a valid JSONPath"),
            "{err}"
        );
    }
}
