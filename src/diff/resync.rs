//! `vouch sync COLLECTION --spec NEW`: a collection brought to a new version of its spec
//! without losing the user's edits.
//!
//! A three-way merge per field of each request generated from the spec: *base* is the
//! request the spec the collection was last synced with generates (its kept copy), *ours*
//! the saved request, *theirs* the request the new spec generates. A field the user did not
//! touch takes the new spec's value; a field the spec did not change keeps the user's; a
//! field both changed differently is a conflict, shown side by side and resolved only when
//! asked (`Take`). New operations become requests in their folders; requests whose operation
//! is gone move to a "Removed from spec" folder, never deleted. Assertions, extractions,
//! scripts, auth and settings are the user's and stay as they are.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use crate::exchange::{from_spec, BundleRequest};
use crate::request::{Body, Draft, ParamValue};
use crate::spec::{LoadOptions, ParamLocation, Spec};
use crate::store::{SavedRequest, Store};

/// Where requests whose operation left the spec go.
pub const REMOVED_FOLDER: &str = "Removed from spec";

/// How conflicts are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Take {
    /// Not at all: a re-sync with conflicts changes nothing and lists them.
    Neither,
    /// The saved request's value.
    Ours,
    /// The new spec's value.
    Theirs,
    /// Picked one by one (the app's side-by-side view): the new spec's value for these
    /// `(request id, field)` conflicts, the saved request's for the others (names repeat
    /// across folders; ids do not).
    Each(BTreeSet<(i64, String)>),
}

impl Take {
    /// Whether the new spec's value wins conflict `field` of `request`.
    fn theirs(&self, request: i64, field: &str) -> bool {
        match self {
            Take::Theirs => true,
            Take::Each(picked) => picked.contains(&(request, field.to_string())),
            Take::Neither | Take::Ours => false,
        }
    }
}

/// A conflict picked to take the new spec's value (the app's side-by-side view).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Pick {
    /// The saved request's id ([`Conflict::request_id`]).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub request_id: i64,
    /// The field ([`Conflict::field`]).
    pub field: String,
}

/// One field both the user and the spec changed, differently.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ResyncConflict"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// The saved request.
    pub request: String,
    /// Its id in the store: what a pick names.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub request_id: i64,
    /// The field: `method`, `path`, `query.limit`, `body.name`…
    pub field: String,
    /// Its value in the request the old spec generated (null: absent).
    pub base: Value,
    /// The saved request's value.
    pub ours: Value,
    /// The new spec's value.
    pub theirs: Value,
}

/// What a re-sync did (or, dry, would do).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Resynced {
    /// Requests added for new operations.
    pub added: Vec<String>,
    /// Requests moved to the "Removed from spec" folder.
    pub removed: Vec<String>,
    /// Requests moved back out of "Removed from spec": their operation is in the spec again.
    pub restored: Vec<String>,
    /// Requests that took fields from the new spec: (request, fields).
    pub updated: Vec<(String, Vec<String>)>,
    /// Requests whose edited fields were kept over the spec's change: (request, fields).
    pub kept: Vec<(String, Vec<String>)>,
    /// Fields both sides changed.
    pub conflicts: Vec<Conflict>,
    /// Whether the store was changed (not a dry run, no unresolved conflict).
    pub applied: bool,
    /// The linked folder written with the same changes, when the collection has one.
    pub folder: Option<String>,
}

/// A request's fields, flat: `method`, `path`, `<in>.<name>` per parameter, `body.<key>` per
/// top-level property of a JSON object body (`body` for any other body).
fn fields(d: &Draft) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    out.insert(
        "method".into(),
        Value::String(d.method.to_ascii_uppercase()),
    );
    out.insert("path".into(), Value::String(d.path.clone()));
    for p in &d.params {
        out.insert(format!("{}.{}", p.location.name(), p.name), p.value.clone());
    }
    match &d.body {
        Some(Body::Json(Value::Object(map))) => {
            for (k, v) in map {
                out.insert(format!("body.{k}"), v.clone());
            }
        }
        Some(other) => {
            out.insert(
                "body".into(),
                serde_json::to_value(other).unwrap_or(Value::Null),
            );
        }
        None => {}
    }
    out
}

/// Sets `field` of `d` to `v` (None: removes it).
fn set(d: &mut Draft, field: &str, v: Option<&Value>) {
    match field {
        "method" => d.method = v.and_then(Value::as_str).unwrap_or("GET").to_string(),
        "path" => d.path = v.and_then(Value::as_str).unwrap_or("/").to_string(),
        "body" => d.body = v.and_then(|v| serde_json::from_value(v.clone()).ok()),
        _ => {
            if let Some(key) = field.strip_prefix("body.") {
                if !matches!(d.body, Some(Body::Json(Value::Object(_)))) {
                    d.body = Some(Body::Json(Value::Object(serde_json::Map::new())));
                }
                if let Some(Body::Json(Value::Object(map))) = &mut d.body {
                    match v {
                        Some(v) => {
                            map.insert(key.into(), v.clone());
                        }
                        None => {
                            map.remove(key);
                        }
                    }
                }
                return;
            }
            let Some((loc, name)) = field.split_once('.') else {
                return;
            };
            let place = ParamLocation::ALL.into_iter().find(|l| l.name() == loc);
            let Some(place) = place else { return };
            let at = d
                .params
                .iter()
                .position(|p| p.location == place && p.name == name);
            match (at, v) {
                (Some(i), Some(v)) => d.params[i].value = v.clone(),
                (Some(i), None) => {
                    d.params.remove(i);
                }
                (None, Some(v)) => d.params.push(ParamValue {
                    name: name.into(),
                    location: place,
                    value: v.clone(),
                }),
                (None, None) => {}
            }
        }
    }
}

/// A field's value as a conflict shows it: a header's or cookie's, or anything that looks
/// like a credential, masked (conflicts are printed and cross the IPC; a saved request may
/// hold a literal token).
fn shown(field: &str, v: Option<&Value>) -> Value {
    let Some(v) = v else { return Value::Null };
    let credential_place = field.starts_with("header.") || field.starts_with("cookie.");
    let looks = |v: &Value| {
        v.as_str().map_or_else(
            || crate::exchange::secrets::looks_like_token(&v.to_string()),
            crate::exchange::secrets::looks_like_token,
        )
    };
    if credential_place || looks(v) {
        Value::String(crate::mask::MASKED.into())
    } else {
        v.clone()
    }
}

/// The outcome of merging one request.
struct Merged {
    draft: Draft,
    taken: Vec<String>,
    kept: Vec<String>,
    conflicts: Vec<(String, Value, Value, Value)>,
}

/// Three-way merge of one request's fields.
fn merge(base: &Draft, ours: &Draft, theirs: &Draft, theirs_wins: impl Fn(&str) -> bool) -> Merged {
    let (b, o, t) = (fields(base), fields(ours), fields(theirs));
    let keys: BTreeSet<&String> = b.keys().chain(o.keys()).chain(t.keys()).collect();
    let mut out = Merged {
        draft: ours.clone(),
        taken: Vec::new(),
        kept: Vec::new(),
        conflicts: Vec::new(),
    };
    for k in keys {
        let (bv, ov, tv) = (b.get(k), o.get(k), t.get(k));
        if ov == tv {
            continue;
        }
        if tv == bv {
            // The spec did not change it: the user's edit stands.
            out.kept.push(k.clone());
            continue;
        }
        if ov == bv {
            set(&mut out.draft, k, tv);
            out.taken.push(k.clone());
            continue;
        }
        out.conflicts
            .push((k.clone(), shown(k, bv), shown(k, ov), shown(k, tv)));
        if theirs_wins(k) {
            set(&mut out.draft, k, tv);
        }
    }
    out
}

/// The new version of a collection's spec: the spec, where it was read, and its entry
/// document's bytes (what the collection keeps as its base from then on).
#[derive(Debug, Clone, Copy)]
pub struct NewSpec<'a> {
    /// The spec.
    pub spec: &'a Spec,
    /// Its path or URL.
    pub source: &'a str,
    /// Its entry document as read.
    pub bytes: &'a [u8],
}

/// The spec collection `name` was last synced with (its kept copy): the base of a
/// re-sync and the old side of its impact.
pub fn kept_spec(store: &Store, name: &str) -> Result<Spec, crate::Error> {
    let c = store.collection(name)?;
    let Some(kept) = store.spec_copy(c.id)? else {
        return Err(crate::Problem {
            kind: "no-base".into(),
            message: format!("collection `{name}` keeps no copy of the spec it was made from, so its edits cannot be told from the spec's"),
            hint: "import the spec again (vouch import SPEC --name NAME) and copy your edits over once; later re-syncs merge".into(),
        }
        .into());
    };
    Ok(Spec::from_bytes(
        &kept,
        c.spec_source.as_deref(),
        &LoadOptions::default(),
    )?)
}

/// Re-syncs the stored collection `name` from `base` (its [`kept_spec`]) to `new`. Dry, or
/// with conflicts and `Take::Neither`, nothing is written.
pub fn resync(
    store: &mut Store,
    name: &str,
    base: &Spec,
    new: NewSpec,
    dry_run: bool,
    take: Take,
) -> Result<Resynced, crate::Error> {
    let c = store.collection(name)?;
    let (source, bytes, new) = (new.source, new.bytes, new.spec);
    let by_op = |spec: &Spec| -> HashMap<String, BundleRequest> {
        from_spec(spec, "", None)
            .requests
            .into_iter()
            .filter_map(|r| Some((r.operation_id.clone()?, r)))
            .collect()
    };
    let (gen_base, gen_new) = (by_op(base), by_op(new));
    let saved = store.requests(c.id)?;
    let removed_folder = store
        .folders(c.id)?
        .iter()
        .find(|f| f.parent_id.is_none() && f.name == REMOVED_FOLDER)
        .map(|f| f.id);
    let mut plan = Plan::default();
    let mut report = Resynced::default();
    for r in &saved {
        plan.merge(r, (&gen_base, &gen_new), removed_folder, &take, &mut report);
    }
    let known: BTreeSet<&str> = saved
        .iter()
        .filter_map(|r| r.operation_id.as_deref())
        .collect();
    for (id, r) in from_spec(new, "", None)
        .requests
        .into_iter()
        .filter_map(|r| Some((r.operation_id.clone()?, r)))
    {
        // New to the spec (an operation the user deleted the request of stays deleted).
        if !known.contains(id.as_str()) && !gen_base.contains_key(&id) {
            report.added.push(r.name.clone());
            plan.added.push(r);
        }
    }
    if dry_run || (take == Take::Neither && !report.conflicts.is_empty()) {
        return Ok(report);
    }
    store.atomically(|s| plan.apply(s, c.id, &saved, source, bytes))?;
    report.applied = true;
    // A collection linked to a folder (the team's git checkout) gets the same changes there.
    if let Some(link) = store.link(c.id)? {
        crate::exchange::link::sync(store, name)?;
        report.folder = Some(link.dir.display().to_string());
    }
    Ok(report)
}

/// The store changes of a re-sync.
#[derive(Default)]
struct Plan {
    updated: Vec<SavedRequest>,
    moved: Vec<i64>,
    /// Requests back from "Removed from spec", with the folder their operation goes in.
    restored: Vec<(i64, Option<String>)>,
    added: Vec<BundleRequest>,
}

impl Plan {
    /// Plans saved request `r`: moved when its operation left the spec, else merged (and
    /// moved back out of `removed_folder` when its operation returned).
    fn merge(
        &mut self,
        r: &SavedRequest,
        (gen_base, gen_new): (
            &HashMap<String, BundleRequest>,
            &HashMap<String, BundleRequest>,
        ),
        removed_folder: Option<i64>,
        take: &Take,
        report: &mut Resynced,
    ) {
        let Some(id) = r.operation_id.as_deref() else {
            return;
        };
        let Some(theirs) = gen_new.get(id) else {
            if gen_base.contains_key(id) {
                report.removed.push(r.name.clone());
                self.moved.push(r.id);
            }
            return;
        };
        if removed_folder.is_some() && r.folder_id == removed_folder {
            self.restored.push((r.id, theirs.folder.first().cloned()));
            report.restored.push(r.name.clone());
        }
        let base_draft = gen_base.get(id).map_or(&r.draft, |b| &b.draft);
        let m = merge(base_draft, &r.draft, &theirs.draft, |field| {
            take.theirs(r.id, field)
        });
        if !m.taken.is_empty() {
            report.updated.push((r.name.clone(), m.taken.clone()));
        }
        if !m.kept.is_empty() {
            report.kept.push((r.name.clone(), m.kept.clone()));
        }
        for (field, base, ours, theirs) in m.conflicts {
            report.conflicts.push(Conflict {
                request: r.name.clone(),
                request_id: r.id,
                field,
                base,
                ours,
                theirs,
            });
        }
        if m.draft != r.draft {
            let mut updated = r.clone();
            updated.draft = m.draft;
            self.updated.push(updated);
        }
    }

    fn apply(
        &self,
        s: &mut Store,
        collection: i64,
        saved: &[SavedRequest],
        source: &str,
        bytes: &[u8],
    ) -> Result<(), crate::store::StoreError> {
        for r in &self.updated {
            s.update_request(r)?;
        }
        let mut folders = s.folders(collection)?;
        let mut folder = |s: &mut Store, name: &str| -> Result<i64, crate::store::StoreError> {
            if let Some(f) = folders
                .iter()
                .find(|f| f.parent_id.is_none() && f.name == name)
            {
                return Ok(f.id);
            }
            let f = s.create_folder(collection, None, name, folders.len() as i64)?;
            let id = f.id;
            folders.push(f);
            Ok(id)
        };
        if !self.moved.is_empty() {
            let gone = folder(s, REMOVED_FOLDER)?;
            for r in saved.iter().filter(|r| self.moved.contains(&r.id)) {
                let mut r = r.clone();
                r.folder_id = Some(gone);
                s.update_request(&r)?;
            }
        }
        for (id, name) in &self.restored {
            // The merged request when it was updated above, else as saved.
            let Some(r) = self.updated.iter().chain(saved).find(|r| r.id == *id) else {
                continue;
            };
            let mut r = r.clone();
            r.folder_id = match name {
                Some(n) => Some(folder(s, n)?),
                None => None,
            };
            s.update_request(&r)?;
        }
        let last = saved.iter().map(|r| r.seq).max().unwrap_or(0);
        for (seq, b) in (last + 1..).zip(&self.added) {
            let folder_id = match b.folder.first() {
                Some(name) => Some(folder(s, name)?),
                None => None,
            };
            let mut name = b.name.clone();
            let taken = |n: &str| {
                saved
                    .iter()
                    .any(|r| r.folder_id == folder_id && r.name == n)
            };
            for k in 2.. {
                if !taken(&name) {
                    break;
                }
                name = format!("{} ({k})", b.name);
            }
            s.save_request(
                collection,
                &SavedRequest {
                    id: 0,
                    folder_id,
                    name,
                    seq,
                    operation_id: b.operation_id.clone(),
                    draft: b.draft.clone(),
                    assertions: Value::Array(Vec::new()),
                    extractions: Value::Array(Vec::new()),
                    scripts: Value::Array(Vec::new()),
                },
            )?;
        }
        s.set_spec(collection, source, bytes)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(header: &str, token: &str, name: &str) -> Draft {
        Draft {
            method: "POST".into(),
            path: "/things".into(),
            params: vec![ParamValue {
                name: "X-Tenant".into(),
                location: ParamLocation::Header,
                value: json!(header),
            }],
            body: Some(Body::Json(json!({"token": token, "name": name}))),
            ..Draft::default()
        }
    }

    #[test]
    fn conflicts_show_no_credential() {
        let token = "sk_live_4eC39HqLyjWDarjtT1zdp7dcQ7ab91Xz";
        let base = draft("a", "a", "a");
        let ours = draft("acme-internal", token, "mine");
        let theirs = draft("b", "b", "theirs");
        let m = merge(&base, &ours, &theirs, |_| false);
        let by: BTreeMap<&str, &Value> = m
            .conflicts
            .iter()
            .map(|(f, _, o, _)| (f.as_str(), o))
            .collect();
        assert_eq!(
            by["header.X-Tenant"],
            &json!(crate::mask::MASKED),
            "a header is masked whatever it holds"
        );
        assert_eq!(
            by["body.token"],
            &json!(crate::mask::MASKED),
            "a token-like value is masked"
        );
        assert_eq!(
            by["body.name"],
            &json!("mine"),
            "the rest is shown as it is"
        );
        assert_eq!(m.draft, ours, "unresolved: ours stays");
    }
}
