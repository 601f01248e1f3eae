//! The stateful mock (`--stateful`): a POST to a collection stores the resource it creates
//! (its id generated per the schema), and GET, PUT, PATCH and DELETE on the item path read,
//! replace, merge and delete it; a GET after DELETE gets the declared 404. Which POST
//! creates which item path follows the spec's OpenAPI links where it declares them (a link
//! from the POST's answer to an item operation, its id parameter taken from
//! `$response.body#/field`), else the path convention (`POST /items/` creates
//! `/items/{id}`). State lives in memory; `POST /__vouch/reset` empties it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use indexmap::IndexMap;
use serde_json::Value;

use super::answer::{self, Chosen};
use super::{Mock, MockRequest, MockResponse, Served};
use crate::request::Route;
use crate::spec::resources::{id_field, item_parts, Kind, Resources, Role};
use crate::spec::{OperationDetail, Spec, StatusKey};
use crate::suite::sample_varied;

/// The path that empties a stateful mock's resources.
pub const RESET_PATH: &str = "/__vouch/reset";

/// Resources of one collection (`/users/7/pets`): by id, in creation order.
type Collection = IndexMap<String, Value>;

/// The state of a stateful mock.
#[derive(Debug, Default)]
pub(super) struct State {
    /// What each operation does to the state.
    roles: Resources,
    /// By item template and the values of the path parameters before the id.
    resources: Mutex<HashMap<(String, Vec<String>), Collection>>,
    created: AtomicU64,
}

impl State {
    /// The state of a mock of `spec`: its operations' roles, no resource yet.
    pub(super) fn new(spec: &Spec) -> State {
        State {
            roles: Resources::of(spec),
            ..State::default()
        }
    }

    /// Empties every collection.
    pub(super) fn reset(&self) {
        if let Ok(mut r) = self.resources.lock() {
            r.clear();
        }
    }

    /// The stateful answer to a request that honours the contract (None: the operation has
    /// no part in the state, or the client asked for a status with `Prefer: code=`).
    pub(super) fn answer(
        &self,
        mock: &Mock,
        req: &MockRequest,
        detail: &OperationDetail,
        found: &Route<'_>,
        served: &mut Served,
    ) -> Option<MockResponse> {
        let role = self.roles.role(&detail.operation.pointer)?;
        if answer::prefers_code(req) {
            return None;
        }
        let values: Vec<String> = found.path_params.iter().map(|(_, v)| v.clone()).collect();
        match role {
            Role::Create(kind) => self.create(mock, req, detail, kind, values, served),
            Role::List(kind) => {
                let items: Vec<Value> = self
                    .with(kind, values, |c| c.values().cloned().collect())
                    .unwrap_or_default();
                let chosen = answer::chosen(req, detail)?;
                let listed = list_value(&chosen.value(mock, req)?, items);
                Some(chosen.send(mock, req, detail, Some(listed), served))
            }
            Role::Item(kind) => {
                let (id, prefix) = values.split_last()?;
                let (id, prefix) = (id.clone(), prefix.to_vec());
                let body: Option<Value> = serde_json::from_slice(&req.body).ok();
                let stored = self.with(kind, prefix, |c| {
                    let old = c.get(&id)?.clone();
                    let new = match (req.method.to_ascii_uppercase().as_str(), &body) {
                        ("PUT", Some(b)) => replace(mock.contract().spec(), detail, old, b),
                        ("PATCH", Some(b)) => merge_patch(old, b),
                        ("DELETE", _) => {
                            c.shift_remove(&id);
                            return Some(None);
                        }
                        _ => old,
                    };
                    c.insert(id.clone(), new.clone());
                    Some(Some(new))
                });
                match stored.flatten() {
                    None => Some(not_found(mock, req, detail, &id, served)),
                    Some(None) => None, // deleted: the declared answer
                    Some(Some(value)) => {
                        let chosen = answer::chosen(req, detail)?;
                        Some(chosen.send(mock, req, detail, Some(value), served))
                    }
                }
            }
        }
    }

    /// Runs `f` on the collection of `kind` under `prefix`.
    fn with<T>(
        &self,
        kind: &Kind,
        prefix: Vec<String>,
        f: impl FnOnce(&mut Collection) -> T,
    ) -> Option<T> {
        let mut all = self.resources.lock().ok()?;
        Some(f(all.entry((kind.item.clone(), prefix)).or_default()))
    }

    /// A POST creating a resource: the declared answer's value with the request's fields
    /// over it and a fresh id, stored and sent.
    fn create(
        &self,
        mock: &Mock,
        req: &MockRequest,
        detail: &OperationDetail,
        kind: &Kind,
        prefix: Vec<String>,
        served: &mut Served,
    ) -> Option<MockResponse> {
        let chosen = answer::chosen(req, detail)?;
        let Value::Object(base) = chosen.value(mock, req)? else {
            return None;
        };
        let id_param = item_parts(&kind.item).map(|(_, p)| p.to_string())?;
        let field = kind
            .id_field
            .clone()
            .or_else(|| id_field(&base, &id_param))?;
        let sent: serde_json::Map<String, Value> = serde_json::from_slice(&req.body)
            .ok()
            .and_then(|v: Value| v.as_object().cloned())
            .unwrap_or_default();
        let n = self.created.fetch_add(1, Ordering::Relaxed) + 1;
        let taken: Vec<String> = self
            .with(kind, prefix.clone(), |c| c.keys().cloned().collect())
            .unwrap_or_default();
        let id = fresh_id(
            mock,
            &chosen,
            base.get(&field).unwrap_or(&Value::Null),
            n,
            &field,
            &taken,
        );
        // The request's fields over the generated answer; where that breaks the contract
        // (a field the answer does not have), only the fields the answer has; else none.
        let mut candidates = Vec::new();
        for only_known in [false, true] {
            let mut v = base.clone();
            v.extend(
                sent.iter()
                    .filter(|(k, _)| *k != &field && (!only_known || base.contains_key(*k)))
                    .map(|(k, x)| (k.clone(), x.clone())),
            );
            v.insert(field.clone(), id.clone());
            candidates.push(Value::Object(v));
        }
        let mut plain = base.clone();
        plain.insert(field.clone(), id.clone());
        candidates.push(Value::Object(plain));
        let value = candidates
            .into_iter()
            .find(|v| chosen.honours(mock, req, detail, v))?;
        let key = id_text(&id);
        self.with(kind, prefix, |c| c.insert(key, value.clone()));
        Some(chosen.send(mock, req, detail, Some(value), served))
    }
}

/// An id as it appears in a path.
fn id_text(id: &Value) -> String {
    match id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An id no resource of the collection has: integers count up from the generated one,
/// strings are drawn from the schema (a uuid is a fresh uuid).
fn fresh_id(
    mock: &Mock,
    chosen: &Chosen<'_>,
    generated: &Value,
    n: u64,
    field: &str,
    taken: &[String],
) -> Value {
    if let Some(start) = generated.as_i64() {
        let mut id = start.saturating_add(n as i64 - 1);
        while taken.contains(&id.to_string()) {
            id = id.saturating_add(1);
        }
        return Value::from(id);
    }
    let spec = mock.contract().spec();
    for attempt in 0..32u64 {
        let v = chosen
            .schema()
            .map(|s| sample_varied(spec, s, n.wrapping_mul(0x9e37_79b9) ^ attempt, true))
            .and_then(|v| v.get(field).cloned())
            .unwrap_or(Value::Null);
        if v.is_string() && !taken.contains(&id_text(&v)) {
            return v;
        }
    }
    Value::String(format!("{}{n}", id_text(generated)))
}

/// A list answer holding `items`: the items themselves when the answer is an array, else
/// the answer's first array field (FastAPI's `data`) with a count field (`count`, `total`)
/// set to match.
fn list_value(generated: &Value, items: Vec<Value>) -> Value {
    match generated {
        Value::Array(_) => Value::Array(items),
        Value::Object(m) => {
            let mut m = m.clone();
            let n = items.len();
            if let Some(k) = m.iter().find(|(_, v)| v.is_array()).map(|(k, _)| k.clone()) {
                m.insert(k, Value::Array(items));
            }
            for k in ["count", "total", "total_count", "totalCount"] {
                if m.get(k).is_some_and(Value::is_number) {
                    m.insert(k.into(), Value::from(n));
                }
            }
            Value::Object(m)
        }
        other => other.clone(),
    }
}

/// PUT: the resource replaced by the body. What the client can set and left out is gone;
/// what only the server sets (its id, its timestamps) stays.
fn replace(spec: &Spec, detail: &OperationDetail, old: Value, body: &Value) -> Value {
    let (Value::Object(mut old), Value::Object(body)) = (old, body) else {
        return body.clone();
    };
    let settable: Vec<String> = detail
        .request_body
        .as_ref()
        .and_then(|b| b.content.iter().find_map(|m| m.schema.clone()))
        .and_then(|s| spec.deref(&s).map(|(v, _)| v.clone()))
        .and_then(|s| s.get("properties").and_then(Value::as_object).cloned())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    old.retain(|k, _| !settable.contains(k) || body.contains_key(k));
    old.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
    Value::Object(old)
}

/// PATCH: a JSON merge patch (RFC 7396).
fn merge_patch(old: Value, patch: &Value) -> Value {
    let Value::Object(p) = patch else {
        return patch.clone();
    };
    let mut out = match old {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    for (k, v) in p {
        if v.is_null() {
            out.remove(k);
        } else {
            let prev = out.remove(k).unwrap_or(Value::Null);
            out.insert(k.clone(), merge_patch(prev, v));
        }
    }
    Value::Object(out)
}

/// No resource of that id: the declared 404, else a problem+json 404.
fn not_found(
    mock: &Mock,
    req: &MockRequest,
    detail: &OperationDetail,
    id: &str,
    served: &mut Served,
) -> MockResponse {
    match detail
        .responses
        .iter()
        .find(|r| r.status == StatusKey::Exact(404))
    {
        Some(r) => answer::respond(mock, req, detail, 404, r, None, None, served),
        None => super::problem(
            404,
            "Not Found",
            &format!("no resource with id `{id}` (stateful mock)"),
            None,
        ),
    }
}
