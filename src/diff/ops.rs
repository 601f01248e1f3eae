//! Operations matched between two specs and compared part by part: parameters, request
//! body, responses (media types, headers, bodies), security.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::schema::{Dir, Raw, Schemas};
use super::{pointer, Change, Level, Subject};
use crate::spec::{Loc, MediaType, Operation, OperationDetail, ParamLocation, Parameter, Spec};

/// The operation a change belongs to.
struct At {
    method: String,
    path: String,
    operation: String,
}

impl At {
    /// The operation as changes name it: its operationId, or `METHOD path` without one.
    fn of(op: &Operation) -> At {
        let method = op.method.to_ascii_uppercase();
        let operation = if op.id_derived {
            format!("{method} {}", op.path)
        } else {
            op.id.clone()
        };
        At {
            method,
            path: op.path.clone(),
            operation,
        }
    }
}

/// Compares the operations of two specs.
pub(super) struct Ops<'a> {
    old: &'a Spec,
    new: &'a Spec,
    schemas: Schemas<'a>,
    out: Vec<Change>,
    /// What the changes pushed now are about.
    subject: Subject,
    /// The old spec's path of the operation the changes pushed now are in.
    old_path: Option<String>,
}

/// A path template with its parameters' names left out: `/pets/{}`.
pub(super) fn shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

fn key(op: &Operation) -> (String, String) {
    (op.method.to_ascii_lowercase(), shape(&op.path))
}

fn where_param(p: &Parameter) -> &'static str {
    p.location.name()
}

fn param_key(p: &Parameter) -> (&'static str, String) {
    let name = if p.location == ParamLocation::Header {
        p.name.to_ascii_lowercase()
    } else {
        p.name.clone()
    };
    (where_param(p), name)
}

/// A media type without its parameters, lowercase.
fn media(m: &str) -> String {
    m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase()
}

/// A media type replaced by one its range covers (`narrowed`) or by a range covering it:
/// the rule's last word, its level in direction `dir`, and the sentence.
fn ranged_change(
    dir: Dir,
    what: &str,
    old: &MediaType,
    new: &MediaType,
    narrowed: bool,
) -> (&'static str, Level, String) {
    let (kind, level) = match (dir == Dir::Request, narrowed) {
        // A client sending another type is refused; a reader meets one it knows.
        (true, true) => ("narrowed", Level::Breaking),
        (false, true) => ("narrowed", Level::Info),
        (true, false) => ("widened", Level::Info),
        // A reader may meet a type it never met.
        (false, false) => ("widened", Level::Warning),
    };
    let message = format!(
        "{what} media type {} {kind} to {}",
        old.media_type, new.media_type
    );
    (kind, level, message)
}

/// Whether media range `range` (`*/*`, `application/*`, or a type) covers media type `m`
/// (both as [`media`] gives them), `m` being narrower.
fn covers(range: &str, m: &str) -> bool {
    range != m
        && (range == "*/*"
            || range
                .strip_suffix("/*")
                .is_some_and(|t| m.split('/').next() == Some(t)))
}

impl<'a> Ops<'a> {
    pub(super) fn new(old: &'a Spec, new: &'a Spec) -> Ops<'a> {
        Ops {
            old,
            new,
            schemas: Schemas::new(old, new),
            out: Vec::new(),
            subject: Subject::Operation,
            old_path: None,
        }
    }

    /// Every change: the new spec's operations in order (added ones, changed ones), then the
    /// removed ones in the old spec's order.
    pub(super) fn all(mut self) -> Vec<Change> {
        // Operations are the same when their full paths are (the server's base path moved
        // into the paths, or out of them, changes no URL), else when their paths are (a
        // base path bumped from `/v1` to `/v2` is not every operation replaced).
        let env = crate::request::Environment::default();
        let (ob, nb) = (
            crate::request::base_path(self.old, &env),
            crate::request::base_path(self.new, &env),
        );
        let full = |base: &str, op: &Operation| {
            (
                op.method.to_ascii_lowercase(),
                shape(&format!("{base}{}", op.path)),
            )
        };
        let olds_full: HashMap<(String, String), &Operation> = self
            .old
            .operations()
            .iter()
            .map(|o| (full(&ob, o), o))
            .collect();
        let news_full: BTreeSet<(String, String)> =
            self.new.operations().iter().map(|n| full(&nb, n)).collect();
        // The plain-path fallback only among operations the full paths leave unpaired.
        let olds: HashMap<(String, String), &Operation> = self
            .old
            .operations()
            .iter()
            .filter(|o| !news_full.contains(&full(&ob, o)))
            .map(|o| (key(o), o))
            .collect();
        let mut matched = BTreeSet::new();
        for n in self.new.operations() {
            let at = At::of(n);
            let found = olds_full
                .get(&full(&nb, n))
                .or_else(|| olds.get(&key(n)))
                .copied();
            match found {
                Some(o) => {
                    matched.insert(full(&ob, o));
                    self.old_path = Some(o.path.clone());
                    self.operation(&at, o, n);
                }
                None => {
                    self.subject = Subject::Operation;
                    self.old_path = None;
                    let loc = op_loc(self.new, n);
                    self.push(
                        &at,
                        "endpoint-added",
                        Level::Info,
                        None,
                        Some(&loc),
                        "operation added".into(),
                    );
                }
            }
        }
        for o in self.old.operations() {
            if matched.contains(&full(&ob, o)) {
                continue;
            }
            let at = At::of(o);
            self.old_path = Some(o.path.clone());
            let (level, how) = if o.deprecated {
                (Level::Warning, "deprecated operation removed")
            } else {
                (Level::Breaking, "operation removed")
            };
            self.subject = Subject::Operation;
            let loc = op_loc(self.old, o);
            self.push(&at, "endpoint-removed", level, Some(&loc), None, how.into());
        }
        self.out
    }

    fn push(
        &mut self,
        at: &At,
        id: &str,
        level: Level,
        old: Option<&Loc>,
        new: Option<&Loc>,
        message: String,
    ) {
        self.out.push(Change {
            id: id.to_string(),
            level,
            method: Some(at.method.clone()),
            path: Some(at.path.clone()),
            operation: Some(at.operation.clone()),
            old: old.map(|l| pointer(self.old, l)),
            new: new.map(|l| pointer(self.new, l)),
            message,
            subject: self.subject.clone(),
            old_path: self.old_path.clone(),
        });
    }

    /// Schema changes found under `place`, as changes of this operation. `side`: `request`
    /// or `response`; `part`: `parameter`, `header` or `body` (whose inner changes are
    /// `property` ones); `what`: how the sentence names the place.
    fn schema_changes(&mut self, at: &At, raws: &[Raw], side: &str, part: &str, what: &str) {
        for r in raws {
            let id = if part != "body" {
                format!("{side}-{part}-{}", r.kind)
            } else if r.on_property || !r.at_root {
                format!("{side}-property-{}", r.kind.trim_start_matches("property-"))
            } else {
                format!("{side}-body-{}", r.kind)
            };
            let id = id.replace("-property-property-", "-property-");
            if part == "body" {
                let status = match &self.subject {
                    Subject::Status(s) => Some(s.clone()),
                    Subject::Property { status, .. } => status.clone(),
                    _ => None,
                };
                self.subject = Subject::Property {
                    status: status.filter(|_| side == "response"),
                    name: r.name.clone(),
                };
            }
            let place = if r.name.is_empty() {
                what.to_string()
            } else if part == "body" {
                format!("{what} property `{}`", r.name)
            } else {
                format!("{what}, `{}`", r.name)
            };
            self.push(
                at,
                &id,
                Level::of(r.level),
                r.old.as_ref(),
                r.new.as_ref(),
                format!("{place}: {}", r.detail),
            );
        }
    }

    fn operation(&mut self, at: &At, o: &Operation, n: &Operation) {
        self.subject = Subject::Operation;
        let (od, nd) = (self.old.resolve(o), self.new.resolve(n));
        let (ol, nl) = (op_loc(self.old, o), op_loc(self.new, n));
        if !o.deprecated && n.deprecated {
            self.push(
                at,
                "endpoint-deprecated",
                Level::Info,
                Some(&ol),
                Some(&nl),
                "operation deprecated".into(),
            );
        } else if o.deprecated && !n.deprecated {
            self.push(
                at,
                "endpoint-reactivated",
                Level::Info,
                Some(&ol),
                Some(&nl),
                "operation no longer deprecated".into(),
            );
        }
        if !o.id_derived && !n.id_derived && o.id != n.id {
            self.push(
                at,
                "operation-id-changed",
                Level::Warning,
                Some(&ol.child("operationId")),
                Some(&nl.child("operationId")),
                format!("operationId changed from `{}` to `{}`", o.id, n.id),
            );
        }
        self.parameters(at, &od, &nd, o, n);
        let (ob, nb) = (body_loc(self.old, &ol), body_loc(self.new, &nl));
        self.request_body(at, &od, &nd, ob, nb);
        self.responses(at, &od, &nd);
        self.security(at, &od, &nd, &ol, &nl);
    }

    // Kept whole: matching parameters (by name, by path position, moved, renamed) and each
    // outcome's change read best as one sequence.
    fn parameters(
        &mut self,
        at: &At,
        od: &OperationDetail,
        nd: &OperationDetail,
        o: &Operation,
        n: &Operation,
    ) {
        // Path parameters pair by position in the template, whatever their names.
        let (op_names, np_names) = (
            crate::spec::placeholders(&o.path),
            crate::spec::placeholders(&n.path),
        );
        let renamed: HashMap<&str, &str> = op_names
            .iter()
            .zip(&np_names)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (*a, *b))
            .collect();
        let new_by_key: BTreeMap<(&str, String), &Parameter> =
            nd.parameters.iter().map(|p| (param_key(p), p)).collect();
        let mut used = BTreeSet::new();
        let mut gone = Vec::new();
        for p in &od.parameters {
            let mut k = param_key(p);
            if p.location == ParamLocation::Path {
                if let Some(to) = renamed.get(p.name.as_str()) {
                    k.1 = (*to).to_string();
                }
            }
            match new_by_key.get(&k) {
                Some(q) => {
                    used.insert(k.clone());
                    self.subject = param_subject(p, Some(q));
                    if q.name != p.name && p.location == ParamLocation::Path {
                        self.push(
                            at,
                            "request-parameter-renamed",
                            Level::Info,
                            Some(&p.at),
                            Some(&q.at),
                            format!("path parameter `{}` renamed to `{}` (path parameters go by position)", p.name, q.name),
                        );
                    }
                    self.parameter(at, p, q);
                }
                None => gone.push(p),
            }
        }
        let mut added: Vec<&Parameter> = nd
            .parameters
            .iter()
            .filter(|q| !used.contains(&param_key(q)))
            .collect();
        for p in gone {
            self.subject = param_subject(p, None);
            let (loc, name) = param_key(p);
            // Same name elsewhere: moved. The only one gone and the only one added in the same
            // place: renamed.
            let moved = added.iter().position(|q| param_key(q).1 == name);
            let renamed = (moved.is_none()
                && added.iter().filter(|q| where_param(q) == loc).count() == 1)
                .then(|| added.iter().position(|q| where_param(q) == loc))
                .flatten()
                .filter(|&i| {
                    let q = added[i];
                    q.required == p.required
                        && self.param_type(self.old, p) == self.param_type(self.new, q)
                });
            if let Some(i) = moved {
                let q = added.remove(i);
                self.subject = param_subject(p, Some(q));
                self.push(
                    at,
                    "request-parameter-moved",
                    Level::Breaking,
                    Some(&p.at),
                    Some(&q.at),
                    format!(
                        "parameter `{}` moved from {loc} to {}",
                        p.name,
                        where_param(q)
                    ),
                );
                self.parameter(at, p, q);
            } else if let Some(i) = renamed {
                let q = added.remove(i);
                self.subject = param_subject(p, Some(q));
                self.push(
                    at,
                    "request-parameter-renamed",
                    Level::Breaking,
                    Some(&p.at),
                    Some(&q.at),
                    format!("{loc} parameter `{}` renamed to `{}`", p.name, q.name),
                );
                self.parameter(at, p, q);
            } else {
                self.push(
                    at,
                    "request-parameter-removed",
                    Level::Warning,
                    Some(&p.at),
                    None,
                    format!("{loc} parameter `{}` removed", p.name),
                );
            }
        }
        for q in added {
            self.subject = param_subject(q, Some(q));
            let (id, level, how) = if q.required {
                (
                    "request-parameter-required-added",
                    Level::Breaking,
                    "added, required",
                )
            } else {
                ("request-parameter-added", Level::Info, "added")
            };
            self.push(
                at,
                id,
                level,
                None,
                Some(&q.at),
                format!("{} parameter `{}`: {how}", where_param(q), q.name),
            );
        }
    }

    /// A parameter's schema `type`, for telling a renamed parameter from a different one.
    fn param_type(&self, spec: &Spec, p: &Parameter) -> Option<String> {
        let (schema, _) = spec.deref(p.schema.as_ref()?)?;
        Some(schema.get("type")?.to_string())
    }

    fn parameter(&mut self, at: &At, p: &Parameter, q: &Parameter) {
        let what = format!("{} parameter `{}`", where_param(q), q.name);
        match (p.required, q.required) {
            (false, true) => self.push(
                at,
                "request-parameter-became-required",
                Level::Breaking,
                Some(&p.at),
                Some(&q.at),
                format!("{what}: became required"),
            ),
            (true, false) => self.push(
                at,
                "request-parameter-became-optional",
                Level::Info,
                Some(&p.at),
                Some(&q.at),
                format!("{what}: became optional"),
            ),
            _ => {}
        }
        if !p.deprecated && q.deprecated {
            self.push(
                at,
                "request-parameter-deprecated",
                Level::Info,
                Some(&p.at),
                Some(&q.at),
                format!("{what}: deprecated"),
            );
        }
        let schema = |p: &Parameter| {
            p.schema
                .clone()
                .or_else(|| p.content.first().and_then(|m| m.schema.clone()))
        };
        if let (Some(a), Some(b)) = (schema(p), schema(q)) {
            // Sent as text unless the parameter's value is a serialised body (`content`).
            let dir = if p.schema.is_some() && q.schema.is_some() {
                Dir::Param
            } else {
                Dir::Request
            };
            let raws = self.schemas.compare(&a, &b, dir);
            self.schema_changes(at, &raws, "request", "parameter", &what);
        }
    }

    fn request_body(
        &mut self,
        at: &At,
        od: &OperationDetail,
        nd: &OperationDetail,
        ob: Option<Loc>,
        nb: Option<Loc>,
    ) {
        self.subject = Subject::Body;
        match (&od.request_body, &nd.request_body) {
            (None, None) => {}
            (None, Some(b)) => {
                let loc = nb;
                if b.required {
                    self.push(
                        at,
                        "request-body-required-added",
                        Level::Breaking,
                        None,
                        loc.as_ref(),
                        "request body added, required".into(),
                    );
                } else {
                    self.push(
                        at,
                        "request-body-added",
                        Level::Info,
                        None,
                        loc.as_ref(),
                        "request body added".into(),
                    );
                }
            }
            (Some(_), None) => {
                let loc = ob;
                self.push(
                    at,
                    "request-body-removed",
                    Level::Warning,
                    loc.as_ref(),
                    None,
                    "request body removed".into(),
                );
            }
            (Some(a), Some(b)) => {
                let (ol, nl) = (ob, nb);
                match (a.required, b.required) {
                    (false, true) => self.push(
                        at,
                        "request-body-became-required",
                        Level::Breaking,
                        ol.as_ref(),
                        nl.as_ref(),
                        "request body became required".into(),
                    ),
                    (true, false) => self.push(
                        at,
                        "request-body-became-optional",
                        Level::Info,
                        ol.as_ref(),
                        nl.as_ref(),
                        "request body became optional".into(),
                    ),
                    _ => {}
                }
                let (ab, bb) = (
                    Content {
                        list: &a.content,
                        at: ol.as_ref().map(|l| l.child("content")),
                    },
                    Content {
                        list: &b.content,
                        at: nl.as_ref().map(|l| l.child("content")),
                    },
                );
                self.media_types(at, Dir::Request, "request body", ab, bb);
            }
        }
    }

    fn responses(&mut self, at: &At, od: &OperationDetail, nd: &OperationDetail) {
        let new_by_status: HashMap<String, &crate::spec::Response> = nd
            .responses
            .iter()
            .map(|r| (r.status.to_string(), r))
            .collect();
        let old_statuses: BTreeSet<String> =
            od.responses.iter().map(|r| r.status.to_string()).collect();
        for r in &od.responses {
            let status = r.status.to_string();
            self.subject = Subject::Status(status.clone());
            let Some(q) = new_by_status.get(&status) else {
                let success = status.starts_with('2');
                let level = if success {
                    Level::Breaking
                } else {
                    Level::Warning
                };
                self.push(
                    at,
                    "response-status-removed",
                    level,
                    Some(&r.at),
                    None,
                    format!("response {status} removed"),
                );
                continue;
            };
            let (rc, qc) = (
                Content {
                    list: &r.content,
                    at: Some(r.at.child("content")),
                },
                Content {
                    list: &q.content,
                    at: Some(q.at.child("content")),
                },
            );
            self.media_types(at, Dir::Response, &format!("response {status}"), rc, qc);
            self.subject = Subject::Status(status.clone());
            self.headers(at, &status, r, q);
        }
        for q in nd
            .responses
            .iter()
            .filter(|q| !old_statuses.contains(&q.status.to_string()))
        {
            self.subject = Subject::Status(q.status.to_string());
            self.push(
                at,
                "response-status-added",
                Level::Info,
                None,
                Some(&q.at),
                format!("response {} added", q.status),
            );
        }
    }

    /// Media types removed and added between two bodies, and the schemas of those kept
    /// compared in the body's direction. `what`: how sentences name the body.
    fn media_types(&mut self, at: &At, dir: Dir, what: &str, a: Content, b: Content) {
        let side = if dir == Dir::Request {
            "request"
        } else {
            "response"
        };
        let id = |kind: &str| {
            if dir == Dir::Request {
                format!("request-body-media-type-{kind}")
            } else {
                format!("response-media-type-{kind}")
            }
        };
        let several = a.list.len() > 1 || b.list.len() > 1;
        let new_media: HashMap<String, &MediaType> =
            b.list.iter().map(|m| (media(&m.media_type), m)).collect();
        let old_media: BTreeSet<String> = a.list.iter().map(|m| media(&m.media_type)).collect();
        // A type gone and one come that the other's range covers (`*/*` → `application/json`):
        // the same body, narrowed or widened; paired, not removed and added.
        let mut ranged: BTreeSet<String> = BTreeSet::new();
        for m in a.list {
            let key = media(&m.media_type);
            let q = new_media.get(&key).copied().or_else(|| {
                let q = b.list.iter().find(|q| {
                    let k = media(&q.media_type);
                    // A new range may stand for several old types (json and xml → `*/*`).
                    !old_media.contains(&k) && (covers(&key, &k) || covers(&k, &key))
                })?;
                let k = media(&q.media_type);
                let (kind, level, message) = ranged_change(dir, what, m, q, covers(&key, &k));
                self.push(
                    at,
                    &id(kind),
                    level,
                    a.loc(m).as_ref(),
                    b.loc(q).as_ref(),
                    message,
                );
                ranged.insert(k);
                Some(q)
            });
            let Some(q) = q else {
                let message = format!("{what} media type {} removed", m.media_type);
                self.push(
                    at,
                    &id("removed"),
                    Level::Breaking,
                    a.loc(m).as_ref(),
                    None,
                    message,
                );
                continue;
            };
            if let (Some(x), Some(y)) = (&m.schema, &q.schema) {
                let label = if several {
                    format!("{what} ({})", m.media_type)
                } else {
                    what.to_string()
                };
                let raws = self.schemas.compare(x, y, dir);
                self.schema_changes(at, &raws, side, "body", &label);
            }
        }
        for m in b.list.iter().filter(|m| {
            let k = media(&m.media_type);
            !old_media.contains(&k) && !ranged.contains(&k)
        }) {
            let message = format!("{what} media type {} added", m.media_type);
            self.push(
                at,
                &id("added"),
                Level::Info,
                None,
                b.loc(m).as_ref(),
                message,
            );
        }
    }

    fn headers(
        &mut self,
        at: &At,
        status: &str,
        r: &crate::spec::Response,
        q: &crate::spec::Response,
    ) {
        let loc = |resp: &crate::spec::Response, name: &str| resp.at.child("headers").child(name);
        let new_by_name: HashMap<String, &crate::spec::Header> = q
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), h))
            .collect();
        let old_names: BTreeSet<String> = r
            .headers
            .iter()
            .map(|h| h.name.to_ascii_lowercase())
            .collect();
        for h in &r.headers {
            let what = format!("response {status} header `{}`", h.name);
            let Some(g) = new_by_name.get(&h.name.to_ascii_lowercase()) else {
                let level = if h.required {
                    Level::Breaking
                } else {
                    Level::Warning
                };
                self.push(
                    at,
                    "response-header-removed",
                    level,
                    Some(&loc(r, &h.name)),
                    None,
                    format!("{what} removed"),
                );
                continue;
            };
            if h.required && !g.required {
                self.push(
                    at,
                    "response-header-became-optional",
                    Level::Breaking,
                    Some(&loc(r, &h.name)),
                    Some(&loc(q, &g.name)),
                    format!("{what}: became optional"),
                );
            }
            if let (Some(x), Some(y)) = (&h.schema, &g.schema) {
                let raws = self.schemas.compare(x, y, Dir::Response);
                self.schema_changes(at, &raws, "response", "header", &what);
            }
        }
        for g in q
            .headers
            .iter()
            .filter(|g| !old_names.contains(&g.name.to_ascii_lowercase()))
        {
            self.push(
                at,
                "response-header-added",
                Level::Info,
                None,
                Some(&loc(q, &g.name)),
                format!("response {status} header `{}` added", g.name),
            );
        }
    }

    fn security(
        &mut self,
        at: &At,
        od: &OperationDetail,
        nd: &OperationDetail,
        ol: &Loc,
        nl: &Loc,
    ) {
        self.subject = Subject::Security;
        let norm = |d: &OperationDetail| -> BTreeSet<Req> {
            d.security
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
                        .collect()
                })
                .collect()
        };
        let (a, b) = (norm(od), norm(nd));
        if a == b {
            return;
        }
        // No requirement, or an empty one among the alternatives: callable without credentials.
        let open = |s: &BTreeSet<Req>| s.is_empty() || s.iter().any(BTreeMap::is_empty);
        // The operation's own `security`, else the document's (none: neither is written).
        let place = |spec: &Spec, op: &Loc| {
            let own = op.child("security");
            let top = Loc::root("/security");
            if spec.get(&own).is_some() {
                Some(own)
            } else {
                spec.get(&top).is_some().then_some(top)
            }
        };
        let (os, ns) = (place(self.old, ol), place(self.new, nl));
        let (os, ns) = (os.as_ref(), ns.as_ref());
        if open(&a) && !open(&b) {
            let list = b.iter().map(show).collect::<Vec<_>>().join(" or ");
            let message = format!("now requires credentials: {list}");
            self.push(at, "security-added", Level::Breaking, None, ns, message);
        } else if !open(&a) && open(&b) {
            let message = "no longer requires credentials".to_string();
            self.push(at, "security-removed", Level::Info, os, None, message);
        } else {
            // Callable without credentials on both sides or on neither: the credential
            // alternatives compared (an empty one is not an alternative to name).
            let named = |s: BTreeSet<Req>| -> BTreeSet<Req> {
                s.into_iter().filter(|r| !r.is_empty()).collect()
            };
            // Callable without credentials before and after: no alternative breaks a client.
            let open_both = open(&a) && open(&b);
            self.alternatives(at, &named(a), &named(b), (os, ns), open_both);
        }
    }

    /// Credential alternatives of an operation secured before and after: ones no longer
    /// accepted, ones needing more (or fewer) scopes, new ones.
    fn alternatives(
        &mut self,
        at: &At,
        a: &BTreeSet<Req>,
        b: &BTreeSet<Req>,
        (os, ns): (Option<&Loc>, Option<&Loc>),
        open_both: bool,
    ) {
        for r in a.difference(b) {
            // The same schemes with more scopes: a narrower token no longer works.
            let (id, level, message) = match b.iter().find(|x| x.keys().eq(r.keys())) {
                Some(x) if r.iter().all(|(k, v)| v.is_subset(&x[k])) => (
                    "security-scope-added",
                    Level::Breaking,
                    format!("{} now needs {}", show(r), show(x)),
                ),
                Some(x) if r.iter().all(|(k, v)| x[k].is_subset(v)) => (
                    "security-scope-removed",
                    Level::Info,
                    format!("{} now needs only {}", show(r), show(x)),
                ),
                // Fewer schemes together (`api_key + basic` → `basic`): what a client sends
                // still satisfies it.
                _ if b.iter().any(|x| relaxes(x, r)) => {
                    let x = b.iter().find(|x| relaxes(x, r)).unwrap_or(r);
                    (
                        "security-requirement-relaxed",
                        Level::Info,
                        format!("{} now needs only {}", show(r), show(x)),
                    )
                }
                _ => (
                    "security-requirement-removed",
                    Level::Breaking,
                    format!("credentials {} no longer accepted", show(r)),
                ),
            };
            let level = if open_both { Level::Info } else { level };
            self.push(at, id, level, os, ns, message);
        }
        for r in b.difference(a) {
            if a.iter().any(|x| x.keys().eq(r.keys()) || relaxes(r, x)) {
                continue;
            }
            let message = format!("credentials {} now accepted too", show(r));
            self.push(
                at,
                "security-requirement-added",
                Level::Info,
                os,
                ns,
                message,
            );
        }
    }
}

/// The subject of a change to parameter `p` (old side), `q` its new self if any.
fn param_subject(p: &Parameter, q: Option<&Parameter>) -> Subject {
    let now = q.unwrap_or(p);
    Subject::Parameter {
        location: where_param(now).to_string(),
        name: now.name.clone(),
        old_name: p.name.clone(),
    }
}

/// One security requirement: scheme name → scopes.
type Req = BTreeMap<String, BTreeSet<String>>;

/// Whether requirement `x` asks for less than `r`: some of its schemes, each with some of
/// its scopes (and is not empty: an empty requirement is "no credentials").
fn relaxes(x: &Req, r: &Req) -> bool {
    !x.is_empty()
        && x.len() < r.len()
        && x.iter()
            .all(|(k, v)| r.get(k).is_some_and(|s| v.is_subset(s)))
}

/// A requirement as a sentence names it: `oauth [read, write] + apiKey`.
fn show(r: &Req) -> String {
    r.iter()
        .map(|(k, v)| {
            if v.is_empty() {
                k.clone()
            } else {
                format!("{k} [{}]", v.iter().cloned().collect::<Vec<_>>().join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A body's media types, and where its `content` is (None for a request body: its media
/// types are pointed at by their schemas).
struct Content<'s> {
    list: &'s [MediaType],
    at: Option<Loc>,
}

impl Content<'_> {
    fn loc(&self, m: &MediaType) -> Option<Loc> {
        match &self.at {
            Some(at) => Some(at.child(&m.media_type)),
            None => m.schema.clone(),
        }
    }
}

/// Where an operation really is: under its path item, which may be a `$ref` into another
/// file of a multi-file spec.
fn op_loc(spec: &Spec, op: &Operation) -> Loc {
    let here = Loc::root(op.pointer.clone());
    let Some((item, method)) = op.pointer.rsplit_once('/') else {
        return here;
    };
    let at = match spec.deref(&Loc::root(item)) {
        Some((_, at)) if spec.get(&at.child(method)).is_some() => at.child(method),
        _ => here,
    };
    // The operation itself may be a `$ref` too.
    spec.deref(&at).map_or(at, |(_, real)| real)
}

/// Where an operation's request body is declared (its `$ref` followed).
fn body_loc(spec: &Spec, op: &Loc) -> Option<Loc> {
    spec.deref(&op.child("requestBody")).map(|(_, at)| at)
}
