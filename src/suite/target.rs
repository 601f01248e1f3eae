//! Suites read from the store: a collection's requests in order, or a named suite's steps.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;

use super::{Assertion, Extraction, Step};
use crate::request::Auth;
use crate::store::{Collection, Result, SavedRequest, Store, StoreError};

/// A suite loaded from the store, ready to run.
#[derive(Debug, Clone)]
pub struct StoredTarget {
    /// The collection.
    pub collection: Collection,
    /// The suite's id, when TARGET named one.
    pub suite_id: Option<i64>,
    /// What to call the run (`collection` or `collection/suite`).
    pub name: String,
    /// The steps.
    pub steps: Vec<Step>,
}

fn json_list<T: for<'de> serde::Deserialize<'de>>(what: &'static str, v: &Value) -> Result<Vec<T>> {
    if v.is_null() {
        return Ok(Vec::new());
    }
    serde_json::from_value(v.clone()).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

/// The auth each folder's requests inherit, looked up once per folder.
struct Inherited<'a> {
    store: &'a Store,
    collection_id: i64,
    by_folder: HashMap<Option<i64>, Option<Auth>>,
}

impl Inherited<'_> {
    fn of(&mut self, folder_id: Option<i64>) -> Result<Option<Auth>> {
        if let Some(a) = self.by_folder.get(&folder_id) {
            return Ok(a.clone());
        }
        let a = self
            .store
            .inherited_auth(self.collection_id, folder_id)?
            .map(|(_, a)| a);
        self.by_folder.insert(folder_id, a.clone());
        Ok(a)
    }
}

fn to_step(r: &SavedRequest, overrides: &Value, inherited: &mut Inherited<'_>) -> Result<Step> {
    let assertions: Vec<Assertion> = json_list("assertions", &r.assertions)?;
    let extractions: Vec<Extraction> = json_list("extractions", &r.extractions)?;
    let mut draft = r.draft.clone();
    // A request setting no auth takes its folder's, else its collection's (else, at send,
    // the environment's credentials for the operation's schemes).
    if draft.auth.is_none() {
        draft.auth = inherited.of(r.folder_id)?;
    }
    Ok(Step {
        name: r.name.clone(),
        operation_id: r.operation_id.clone(),
        draft,
        assertions,
        extractions,
        timeout: overrides
            .get("timeout_ms")
            .and_then(Value::as_u64)
            .map(Duration::from_millis),
        // Shared material: at most MAX_RETRIES, whatever the file says.
        retries: overrides
            .get("retries")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            .min(u64::from(crate::call::MAX_RETRIES)) as u32,
    })
}

/// `COLLECTION` (every request, by folder and order) or `COLLECTION/SUITE`.
pub fn from_store(store: &Store, target: &str) -> Result<StoredTarget> {
    let (collection_name, suite_name) = match store.collection(target) {
        Ok(_) => (target, None),
        Err(StoreError::NotFound { .. }) => match target.rsplit_once('/') {
            Some((c, s)) => (c, Some(s)),
            None => {
                return Err(StoreError::NotFound {
                    what: "collection",
                    name: target.into(),
                })
            }
        },
        Err(e) => return Err(e),
    };
    let collection = store.collection(collection_name)?;
    let requests = store.requests(collection.id)?;
    let mut inherited = Inherited {
        store,
        collection_id: collection.id,
        by_folder: HashMap::new(),
    };
    let (steps, suite_id) = match suite_name {
        None => (
            requests
                .iter()
                .map(|r| to_step(r, &Value::Null, &mut inherited))
                .collect::<Result<_>>()?,
            None,
        ),
        Some(name) => {
            let suite = store.suite(collection.id, name)?;
            let steps = suite
                .steps
                .iter()
                .map(|s| {
                    let r = requests
                        .iter()
                        .find(|r| r.id == s.request_id)
                        .ok_or_else(|| StoreError::NotFound {
                            what: "request",
                            name: s.request_id.to_string(),
                        })?;
                    to_step(r, &s.overrides, &mut inherited)
                })
                .collect::<Result<_>>()?;
            (steps, Some(suite.id))
        }
    };
    Ok(StoredTarget {
        name: target.to_string(),
        collection,
        suite_id,
        steps,
    })
}
