//! Bundles to and from the store.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    Bundle, BundleFolder, BundleRequest, BundleStep, BundleSuite, ExchangeError, Result, Script,
    SpecLink,
};
use crate::store::{Collection, SavedRequest, Store, StoreError, SuiteStep};

/// A draft as it leaves this machine: without a TLS verification opt-out (local only).
fn shared_draft(d: &crate::request::Draft) -> crate::request::Draft {
    let mut d = d.clone();
    if let Some(s) = &mut d.settings {
        s.verify_tls = None;
        if *s == crate::request::Settings::default() {
            d.settings = None;
        }
    }
    d
}

/// A saved request as it travels, in `folder`.
pub fn bundle_request(r: &SavedRequest, folder: Vec<String>) -> BundleRequest {
    BundleRequest {
        folder,
        name: r.name.clone(),
        seq: r.seq,
        operation_id: r.operation_id.clone(),
        draft: shared_draft(&r.draft),
        assertions: r.assertions.clone(),
        extractions: r.extractions.clone(),
        scripts: serde_json::from_value::<Vec<Script>>(r.scripts.clone()).unwrap_or_default(),
    }
}

/// Reads collection `name` from the store, with its environments.
pub fn from_store(store: &Store, name: &str) -> Result<Bundle> {
    let c = store.collection(name)?;
    let folders = store.folders(c.id)?;
    let mut folder_auths = store.folder_auths(c.id)?;
    let mut paths: HashMap<i64, Vec<String>> = HashMap::new();
    // Parents come before children.
    let mut out_folders = Vec::new();
    for f in &folders {
        let mut path = f
            .parent_id
            .and_then(|p| paths.get(&p).cloned())
            .unwrap_or_default();
        path.push(f.name.clone());
        paths.insert(f.id, path.clone());
        out_folders.push(BundleFolder {
            path,
            seq: f.seq,
            auth: folder_auths.remove(&f.id),
        });
    }
    let requests = store.requests(c.id)?;
    let mut keys: HashMap<i64, String> = HashMap::new();
    let mut out_requests = Vec::new();
    for r in &requests {
        let folder = r
            .folder_id
            .and_then(|f| paths.get(&f).cloned())
            .unwrap_or_default();
        let b = bundle_request(r, folder);
        keys.insert(r.id, b.key());
        out_requests.push(b);
    }
    let mut suites = Vec::new();
    for s in store.suites(c.id)? {
        let suite = store.suite(c.id, &s)?;
        suites.push(BundleSuite {
            name: suite.name,
            steps: suite
                .steps
                .iter()
                .map(|st| BundleStep {
                    request: keys.get(&st.request_id).cloned().unwrap_or_default(),
                    overrides: st.overrides.clone(),
                })
                .collect(),
        });
    }
    let mut environments = Vec::new();
    for e in store.environments(Some(c.id))? {
        environments.push(store.environment(Some(c.id), &e)?);
    }
    let spec = match &c.spec_source {
        Some(source) => Some(SpecLink {
            source: source.clone(),
            // A copy travels when the spec was a local file; a URL is fetched again.
            copy: if source.contains("://") {
                None
            } else {
                store.spec_copy(c.id)?
            },
        }),
        None => None,
    };
    Ok(Bundle {
        name: c.name,
        description: c.description,
        accept_status: c.accept_status,
        spec,
        auth: store.collection_auth(c.id)?,
        folders: out_folders,
        requests: out_requests,
        suites,
        environments,
        warnings: Vec::new(),
        files: Default::default(),
    })
}

/// Writes a bundle into the store as a new collection, all or nothing. An existing collection
/// of the same name is a conflict, unless `replace` (then it is deleted in the same
/// transaction, its run records kept).
// Kept whole: one transaction: all of the bundle is written or none of it.
pub fn into_store(store: &mut Store, bundle: &Bundle, replace: bool) -> Result<Collection> {
    // Shared material: a method must be an HTTP token (it ends up in cURL lines).
    if let Some(r) = bundle
        .requests
        .iter()
        .find(|r| !crate::request::is_method(&r.draft.method))
    {
        return Err(ExchangeError::Format {
            path: bundle.name.clone(),
            detail: format!(
                "request `{}`: `{}` is not an HTTP method",
                r.key(),
                r.draft.method
            ),
        });
    }
    let outcome = store.atomically(|store| {
        match store.collection(&bundle.name) {
            Ok(_) if replace => store.delete_collection(&bundle.name)?,
            Ok(_) => {
                return Err(StoreError::Exists {
                    what: "collection",
                    name: bundle.name.clone(),
                })
            }
            Err(StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        let c = store.create_collection(&bundle.name, &bundle.description)?;
        if !bundle.accept_status.is_empty() {
            store.set_accept_status(c.id, &bundle.accept_status)?;
        }
        if bundle.auth.is_some() {
            store.set_collection_auth(c.id, bundle.auth.as_ref())?;
        }
        if let Some(spec) = &bundle.spec {
            match &spec.copy {
                Some(bytes) => {
                    store.set_spec(c.id, &spec.source, bytes)?;
                }
                None => store.set_spec_source(c.id, &spec.source)?,
            }
        }
        let mut folder_ids: HashMap<Vec<String>, i64> = HashMap::new();
        let mut folders = bundle.folders.clone();
        folders.sort_by_key(|f| f.path.len());
        for f in &folders {
            let Some((name, parent)) = f.path.split_last() else {
                continue;
            };
            let parent_id = if parent.is_empty() {
                None
            } else {
                folder_ids.get(parent).copied()
            };
            let made = store.create_folder(c.id, parent_id, name, f.seq)?;
            if f.auth.is_some() {
                store.set_folder_auth(made.id, f.auth.as_ref())?;
            }
            folder_ids.insert(f.path.clone(), made.id);
        }
        let mut ids: HashMap<String, i64> = HashMap::new();
        for r in &bundle.requests {
            let folder_id = if r.folder.is_empty() {
                None
            } else {
                folder_ids.get(&r.folder).copied()
            };
            let id = store.save_request(
                c.id,
                &SavedRequest {
                    id: 0,
                    folder_id,
                    name: r.name.clone(),
                    seq: r.seq,
                    operation_id: r.operation_id.clone(),
                    draft: r.draft.clone(),
                    assertions: list(&r.assertions),
                    extractions: list(&r.extractions),
                    scripts: serde_json::to_value(&r.scripts).unwrap_or(Value::Array(Vec::new())),
                },
            )?;
            ids.insert(r.key(), id);
        }
        for s in &bundle.suites {
            let mut steps = Vec::new();
            for st in &s.steps {
                let request_id = *ids.get(&st.request).ok_or_else(|| StoreError::NotFound {
                    what: "request (named by a suite step)",
                    name: st.request.clone(),
                })?;
                steps.push(SuiteStep {
                    request_id,
                    overrides: if st.overrides.is_null() {
                        Value::Object(Default::default())
                    } else {
                        st.overrides.clone()
                    },
                });
            }
            store.create_suite(c.id, &s.name, &steps)?;
        }
        for e in &bundle.environments {
            store.save_environment(Some(c.id), e)?;
        }
        Ok(c)
    });
    outcome.map_err(|e| match e {
        StoreError::Exists {
            what: "collection",
            name,
        } => ExchangeError::Conflict { name },
        other => ExchangeError::Store(other),
    })
}

fn list(v: &Value) -> Value {
    if v.is_null() {
        Value::Array(Vec::new())
    } else {
        v.clone()
    }
}
