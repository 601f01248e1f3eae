//! Which saved work a spec change reaches: the requests of a collection (their parameters and
//! bodies), their assertions and extractions, and the suites that run them.
//!
//! A change *breaks* a saved thing when it will fail against the new spec as it is (its
//! operation removed, a required parameter or body property it does not send, a status it
//! expects no longer declared, a JSON path it reads no longer there); it *touches* it when
//! something it uses changed but may still work (a parameter it sends renamed to one it
//! does not, a property it reads changed type).

use serde::Serialize;
use serde_json::Value;

use super::{Change, Diff, Subject};
use crate::request::{Body, Draft};
use crate::spec::{Operation, Spec};
use crate::store::{SavedRequest, Suite};
use crate::suite::{Assertion, Extraction, Source, Test};

/// How a change reaches saved work.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reach {
    /// It will fail against the new spec.
    Breaks,
    /// Something it uses changed.
    Touches,
}

/// One saved thing a change reaches.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    /// Breaks or touches.
    pub reach: Reach,
    /// The saved request's name.
    pub request: String,
    /// What of it: `request`, `assertion`, `extraction`.
    pub part: String,
    /// The suites that run the request.
    pub suites: Vec<String>,
    /// The change's rule id.
    pub change: String,
    /// Why, as a sentence.
    pub message: String,
}

/// The saved work `diff` (from `old` to a new spec) reaches, requests in their order.
pub fn impact(diff: &Diff, old: &Spec, requests: &[SavedRequest], suites: &[Suite]) -> Vec<Impact> {
    let mut out = Vec::new();
    for r in requests {
        let Some(op) = operation_of(old, r) else {
            continue;
        };
        let in_suites: Vec<String> = suites
            .iter()
            .filter(|s| s.steps.iter().any(|st| st.request_id == r.id))
            .map(|s| s.name.clone())
            .collect();
        let assertions: Vec<Assertion> =
            serde_json::from_value(r.assertions.clone()).unwrap_or_default();
        let extractions: Vec<Extraction> =
            serde_json::from_value(r.extractions.clone()).unwrap_or_default();
        let shape = super::ops::shape(&op.path);
        let method = op.method.to_ascii_uppercase();
        let mut add = |reach: Reach, part: &str, c: &Change, message: String| {
            out.push(Impact {
                reach,
                request: r.name.clone(),
                part: part.into(),
                suites: in_suites.clone(),
                change: c.id.clone(),
                message,
            });
        };
        for c in diff.changes.iter().filter(|c| {
            c.method.as_deref() == Some(method.as_str())
                && c.old_path
                    .as_deref()
                    .or(c.path.as_deref())
                    .map(super::ops::shape)
                    .as_deref()
                    == Some(shape.as_str())
        }) {
            if let Some((reach, why)) = on_request(c, &r.draft) {
                add(reach, "request", c, why);
            }
            for a in &assertions {
                if let Some((reach, why)) = on_assertion(c, a) {
                    add(reach, "assertion", c, why);
                }
            }
            for e in &extractions {
                if let Some((reach, why)) = on_extraction(c, e) {
                    add(reach, "extraction", c, why);
                }
            }
        }
    }
    out
}

/// The saved work of the stored collection `name` that `diff` (from `old`) reaches.
pub fn impact_on(
    store: &crate::store::Store,
    name: &str,
    diff: &Diff,
    old: &Spec,
) -> Result<Vec<Impact>, crate::store::StoreError> {
    let c = store.collection(name)?;
    let requests = store.requests(c.id)?;
    let suites = store
        .suites(c.id)?
        .iter()
        .map(|s| store.suite(c.id, s))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(impact(diff, old, &requests, &suites))
}

/// The impact for a terminal: what breaks, then what is touched.
pub fn impact_text(list: &[Impact]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let breaks = list.iter().filter(|i| i.reach == Reach::Breaks).count();
    let _ = writeln!(
        out,
        "\nSaved work reached: {breaks} broken, {} touched",
        list.len() - breaks
    );
    for reach in [Reach::Breaks, Reach::Touches] {
        for i in list.iter().filter(|i| i.reach == reach) {
            let suites = if i.suites.is_empty() {
                String::new()
            } else {
                format!(" (suites: {})", i.suites.join(", "))
            };
            let verb = if reach == Reach::Breaks {
                "BREAKS "
            } else {
                "touches"
            };
            let _ = writeln!(out, "  {verb} {} `{}`{suites}", i.part, i.request);
            let _ = writeln!(out, "          {} [{}]", i.message, i.change);
        }
    }
    out
}

/// The impact as a markdown table.
pub fn impact_markdown(list: &[Impact]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "#### Saved work reached\n\n| | Request | Part | Suites | Why | Rule |\n|---|---|---|---|---|---|"
    );
    let cell = |s: &str| s.replace('|', "\\|");
    for i in list {
        let reach = if i.reach == Reach::Breaks {
            "❌ breaks"
        } else {
            "touches"
        };
        let _ = writeln!(
            out,
            "| {reach} | {} | {} | {} | {} | `{}` |",
            cell(&i.request),
            i.part,
            i.suites.join(", "),
            cell(&i.message),
            i.change
        );
    }
    out
}

/// The operation of the old spec a saved request calls: by its operationId, else by method
/// and path.
fn operation_of<'s>(old: &'s Spec, r: &SavedRequest) -> Option<&'s Operation> {
    if let Some(op) = r.operation_id.as_deref().and_then(|id| old.operation(id)) {
        return Some(op);
    }
    let path = r.draft.path.split('?').next().unwrap_or("");
    old.operations().iter().find(|o| {
        o.method.eq_ignore_ascii_case(&r.draft.method) && (o.path == path || matches(&o.path, path))
    })
}

/// Whether a concrete path fits a template (`/pets/7` fits `/pets/{id}`).
fn matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
}

/// Whether the draft sends parameter `name` at `location`.
fn sends(d: &Draft, location: &str, name: &str) -> bool {
    let by_param = d
        .params
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case(name) && p.location.name() == location);
    by_param
        || (location == "query" && d.query.iter().any(|(k, _)| k == name))
        || (location == "header" && d.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name)))
        || (location == "path" && d.path.contains(&format!("{{{name}}}")))
        || (location == "query"
            && d.path
                .split_once('?')
                .is_some_and(|(_, q)| q.split('&').any(|kv| kv.split('=').next() == Some(name))))
}

/// The saved JSON body, when it has one.
fn json_body(d: &Draft) -> Option<&Value> {
    match d.body.as_ref()? {
        Body::Json(v) => Some(v),
        _ => None,
    }
}

/// The value at a property path (`owner.login`; `[]` steps into the first item).
fn at_path<'v>(body: &'v Value, name: &str) -> Option<&'v Value> {
    let mut cur = body;
    for seg in name.split('.').filter(|s| !s.is_empty()) {
        let (key, arrays) = (seg.trim_end_matches("[]"), seg.matches("[]").count());
        if !key.is_empty() {
            cur = cur.get(key)?;
        }
        for _ in 0..arrays {
            cur = cur.as_array()?.first()?;
        }
    }
    Some(cur)
}

fn on_request(c: &Change, d: &Draft) -> Option<(Reach, String)> {
    let id = c.id.as_str();
    match &c.subject {
        Subject::Operation if id == "endpoint-removed" => Some((
            Reach::Breaks,
            "its operation was removed from the spec".into(),
        )),
        Subject::Parameter {
            location,
            name,
            old_name,
        } => {
            let sent_old = sends(d, location, old_name);
            let sent_new = sends(d, location, name);
            let required = id.ends_with("required-added") || id.ends_with("became-required");
            if required && !sent_new {
                Some((
                    Reach::Breaks,
                    format!("it does not send the {location} parameter `{name}`, now required"),
                ))
            } else if (id.ends_with("renamed") || id.ends_with("moved")) && sent_old && !sent_new {
                let reach = if c.level == super::Level::Breaking {
                    Reach::Breaks
                } else {
                    Reach::Touches
                };
                Some((reach, format!("it sends `{old_name}`: {}", c.message)))
            } else if sent_old && !required {
                Some((
                    Reach::Touches,
                    format!("it sends `{old_name}`: {}", c.message),
                ))
            } else {
                None
            }
        }
        Subject::Body
            if id == "request-body-required-added" || id == "request-body-became-required" =>
        {
            d.body
                .is_none()
                .then(|| (Reach::Breaks, "it sends no body, now required".into()))
        }
        Subject::Property { status: None, name } if !name.is_empty() => {
            let body = json_body(d)?;
            let has = at_path(body, name).is_some();
            if (id.ends_with("property-required-added") || id.ends_with("property-became-required"))
                && !has
            {
                Some((
                    Reach::Breaks,
                    format!("its body has no `{name}`, now required"),
                ))
            } else if has {
                Some((
                    Reach::Touches,
                    format!("its body sets `{name}`: {}", c.message),
                ))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// A JSON pointer or JSONPath as a property path: `/items/0/id` and `$.items[0].id` are
/// `items[].id`.
fn property_path(path: &str) -> String {
    let mut out = String::new();
    let segments: Vec<String> = if let Some(rest) = path.strip_prefix('$') {
        rest.replace(['[', ']'], ".")
            .split('.')
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_matches(|c| c == '\'' || c == '"').to_string())
            .collect()
    } else {
        path.split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    for s in segments {
        if s == "*" || s.parse::<usize>().is_ok() {
            out.push_str("[]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&s);
        }
    }
    out
}

/// A read of property path `read` against a response change.
fn on_read(c: &Change, read: &str, what: &str) -> Option<(Reach, String)> {
    let Subject::Property {
        status: Some(_),
        name,
    } = &c.subject
    else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    let inside = read == name
        || read.starts_with(&format!("{name}."))
        || read.starts_with(&format!("{name}["));
    if !inside {
        return None;
    }
    if c.id == "response-property-removed" {
        Some((
            Reach::Breaks,
            format!(
                "{what} `{read}`, which the new spec no longer declares ({})",
                c.message
            ),
        ))
    } else {
        Some((Reach::Touches, format!("{what} `{read}`: {}", c.message)))
    }
}

fn on_assertion(c: &Change, a: &Assertion) -> Option<(Reach, String)> {
    match a {
        Assertion::Status {
            test: Test::Equals(v),
        } => {
            let expected = v
                .as_u64()
                .map(|s| s.to_string())
                .or_else(|| v.as_str().map(str::to_string))?;
            match &c.subject {
                Subject::Status(s) if c.id == "response-status-removed" && *s == expected => {
                    Some((
                        Reach::Breaks,
                        format!(
                            "it expects status {expected}, which the new spec no longer declares"
                        ),
                    ))
                }
                Subject::Operation if c.id == "endpoint-removed" => Some((
                    Reach::Breaks,
                    format!("it expects status {expected} of a removed operation"),
                )),
                _ => None,
            }
        }
        Assertion::Json { path, .. } => on_read(c, &property_path(path), "it checks"),
        _ => None,
    }
}

fn on_extraction(c: &Change, e: &Extraction) -> Option<(Reach, String)> {
    match &e.from {
        Source::Json { path } => on_read(
            c,
            &property_path(path),
            &format!("`{}` is taken from", e.var),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_and_jsonpaths_become_property_paths() {
        assert_eq!(property_path("/items/0/id"), "items[].id");
        assert_eq!(property_path("$.items[0].id"), "items[].id");
        assert_eq!(property_path("$.owner.login"), "owner.login");
        assert_eq!(property_path("$['owner']['login']"), "owner.login");
        assert_eq!(property_path(""), "");
        assert!(matches("/pets/{id}", "/pets/7"));
        assert!(!matches("/pets/{id}", "/pets"));
    }
}
