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
    /// A value in the JSON body, by JSON pointer (`/items/0/id`; empty for the whole body).
    Json {
        /// JSON pointer.
        pointer: String,
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
    /// A JSON pointer into the body.
    Json {
        /// JSON pointer.
        pointer: String,
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
        Assertion::Json { pointer, test } => {
            let v = json.and_then(|j| j.pointer(pointer));
            let (ok, want) = apply(test, v);
            let label = if pointer.is_empty() {
                "body".to_string()
            } else {
                format!("`{pointer}`")
            };
            (
                ok,
                v.cloned().unwrap_or(Value::Null),
                format!("{label} {want}"),
            )
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
        Source::Json { pointer } => json.and_then(|j| j.pointer(pointer)).map(as_text),
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
