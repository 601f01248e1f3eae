//! Which operations create, list and act on which resources: read from the spec's OpenAPI
//! links where it declares them (a link from a POST's success answer to an item operation,
//! its id parameter taken from `$response.body#/field`), else from the path convention
//! (`POST /items/` creates `/items/{id}`). The stateful mock keeps resources by these roles;
//! the fuzzer's stateful phase and the smoke suite order and chain calls by them.

use std::collections::HashMap;

use serde_json::Value;

use super::{Operation, Spec, StatusKey};

/// A kind of resource: its item path template and where its id is.
#[derive(Debug, Clone)]
pub struct Kind {
    /// The item path template, `/items/{id}`.
    pub item: String,
    /// The body field holding the id, when a link names it.
    pub id_field: Option<String>,
}

/// What an operation does to the state.
#[derive(Debug, Clone)]
pub enum Role {
    /// A POST that creates resources of this kind.
    Create(Kind),
    /// A GET of the collection.
    List(Kind),
    /// An operation on one resource (its id the last path parameter).
    Item(Kind),
}

/// The roles of a spec's operations, by operation pointer.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    roles: HashMap<String, Role>,
}

/// The template without its trailing slash (`/items/` and `/items` name one collection).
pub fn trimmed(template: &str) -> &str {
    template.trim_end_matches('/')
}

/// `/items/{id}` → (`/items`, `id`): a template whose last segment is one whole parameter.
pub fn item_parts(template: &str) -> Option<(&str, &str)> {
    let (collection, last) = trimmed(template).rsplit_once('/')?;
    let name = last.strip_prefix('{')?.strip_suffix('}')?;
    (!name.contains(['{', '}'])).then_some((collection, name))
}

impl Resources {
    /// The roles of `spec`'s operations.
    pub fn of(spec: &Spec) -> Resources {
        let ops = spec.operations();
        let mut kinds: HashMap<String, Kind> = HashMap::new();
        for op in ops {
            if let Some((collection, _)) = item_parts(&op.path) {
                kinds
                    .entry(trimmed(collection).to_string())
                    .or_insert_with(|| Kind {
                        item: op.path.clone(),
                        id_field: None,
                    });
            }
        }
        let mut roles = HashMap::new();
        for op in ops {
            let method = op.method.as_str();
            if method == "POST" {
                let kind = linked_kind(spec, op).or_else(|| kinds.get(trimmed(&op.path)).cloned());
                if let Some(kind) = kind {
                    roles.insert(op.pointer.clone(), Role::Create(kind));
                }
            } else if method == "GET" && kinds.contains_key(trimmed(&op.path)) {
                roles.insert(
                    op.pointer.clone(),
                    Role::List(kinds[trimmed(&op.path)].clone()),
                );
            }
        }
        // Item operations of a kind something creates.
        let created: Vec<Kind> = roles
            .values()
            .filter_map(|r| match r {
                Role::Create(k) => Some(k.clone()),
                _ => None,
            })
            .collect();
        for op in ops {
            if !["GET", "PUT", "PATCH", "DELETE"].contains(&op.method.as_str()) {
                continue;
            }
            let Some((collection, _)) = item_parts(&op.path) else {
                continue;
            };
            if let Some(kind) = created.iter().find(|k| {
                item_parts(&k.item).is_some_and(|(c, _)| trimmed(c) == trimmed(collection))
            }) {
                roles.insert(op.pointer.clone(), Role::Item(kind.clone()));
            }
        }
        Resources { roles }
    }

    /// The role of the operation at `pointer`, when it has one.
    pub fn role(&self, pointer: &str) -> Option<&Role> {
        self.roles.get(pointer)
    }
}

/// The kind an OpenAPI link of the POST's success answer points at: an operation on one
/// resource whose id parameter is `$response.body#/field`.
fn linked_kind(spec: &Spec, op: &Operation) -> Option<Kind> {
    let detail = spec.resolve(op);
    for r in &detail.responses {
        if !matches!(r.status, StatusKey::Exact(200..=299) | StatusKey::Range(2)) {
            continue;
        }
        let Some((links, links_at)) = spec.deref(&r.at.child("links")) else {
            continue;
        };
        let names: Vec<String> = links.as_object()?.keys().cloned().collect();
        for name in names {
            let Some((link, _)) = spec.deref(&links_at.child(&name)) else {
                continue;
            };
            let target = link
                .get("operationId")
                .and_then(Value::as_str)
                .and_then(|id| {
                    spec.operations()
                        .iter()
                        .find(|o| o.id == id && !o.id_derived)
                });
            let Some((_, id_param)) = target.and_then(|t| item_parts(&t.path)) else {
                continue;
            };
            let field = link
                .pointer(&format!("/parameters/{}", super::escape(id_param)))
                .and_then(Value::as_str)
                .and_then(|e| e.strip_prefix("$response.body#/"));
            if let (Some(t), Some(field)) = (target, field) {
                return Some(Kind {
                    item: t.path.clone(),
                    id_field: Some(field.split('/').next().unwrap_or(field).to_string()),
                });
            }
        }
    }
    None
}

/// The field of a created resource that holds its id: the path parameter's own name
/// (`username`), else `id`, else the parameter without an id suffix (`petId` → `pet`).
pub fn id_field(body: &serde_json::Map<String, Value>, param: &str) -> Option<String> {
    let stripped = param
        .strip_suffix("_id")
        .or_else(|| param.strip_suffix("Id"))
        .or_else(|| param.strip_suffix("ID"));
    [Some(param), Some("id"), stripped]
        .into_iter()
        .flatten()
        .find(|f| body.get(*f).is_some_and(|v| v.is_string() || v.is_number()))
        .map(str::to_string)
}
