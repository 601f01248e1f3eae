//! What a contract check reports: findings are data inside a successful check, never errors.

use serde::Serialize;
use serde_json::Value;

/// Which part of the exchange a finding is about.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// The status code is not declared by the operation.
    Status,
    /// The response's media type is not one the response declares.
    ContentType,
    /// A declared response header is missing or does not match its schema.
    Header,
    /// The response body does not match its schema (or is not the JSON it claims to be).
    Body,
    /// The request about to be sent does not honour the operation's contract.
    Request,
}

impl FindingKind {
    /// The kind as it is written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Status => "status",
            FindingKind::ContentType => "content-type",
            FindingKind::Header => "header",
            FindingKind::Body => "body",
            FindingKind::Request => "request",
        }
    }
}

/// How much a finding counts.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Fails the step, the check, the run.
    #[default]
    Error,
    /// Shown and reported, failing nothing: a status the team accepts (`--accept-status`),
    /// or a request the user chose to send as it is.
    Warning,
}

/// One place where an exchange breaks the contract.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Which part of the exchange.
    pub kind: FindingKind,
    /// A JSON pointer into the body, a header name, or (for requests) `query.NAME`,
    /// `path.NAME`, `header.NAME`, `cookie.NAME`, or a pointer into the request body.
    pub location: String,
    /// Where in the spec the broken rule is written (`#/components/schemas/Item/properties/price/type`,
    /// prefixed with the file for other documents); empty when no schema is involved.
    pub schema_path: String,
    /// What the contract allows.
    pub expected: Value,
    /// What was there instead (null when it was missing).
    pub actual: Value,
    /// The finding in words, for a person.
    pub message: String,
    /// Whether it fails anything.
    pub severity: Severity,
}

impl Finding {
    pub(crate) fn new(
        kind: FindingKind,
        location: impl Into<String>,
        expected: Value,
        actual: Value,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            kind,
            location: location.into(),
            schema_path: String::new(),
            expected,
            actual,
            message: message.into(),
            severity: Severity::Error,
        }
    }

    /// Whether it fails the step (an error, not a warning).
    pub fn fails(&self) -> bool {
        self.severity == Severity::Error
    }

    pub(crate) fn at_schema(mut self, schema_path: impl Into<String>) -> Finding {
        self.schema_path = schema_path.into();
        self
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.message)
    }
}

/// A short, readable rendering of a JSON value for messages: strings quoted, long values cut.
pub(crate) fn preview(value: &Value) -> String {
    const MAX: usize = 60;
    let text = match value {
        Value::Object(m) if m.len() > 3 => return format!("an object with {} properties", m.len()),
        Value::Array(a) if a.len() > 5 => return format!("an array of {} items", a.len()),
        other => other.to_string(),
    };
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// A JSON value small enough to put in a finding's `actual`: big objects and arrays are
/// summarised rather than copied.
pub(crate) fn actual_value(value: &Value) -> Value {
    match value {
        Value::Object(m) if m.len() > 8 => {
            Value::String(format!("(object with {} properties)", m.len()))
        }
        Value::Array(a) if a.len() > 8 => Value::String(format!("(array of {} items)", a.len())),
        Value::String(s) if s.len() > 200 => {
            let cut: String = s.chars().take(200).collect();
            Value::String(format!("{cut}…"))
        }
        other => other.clone(),
    }
}

/// The JSON type name of a value, as JSON Schema spells it.
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}
