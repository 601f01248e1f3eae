//! Arranging a collection from the window's tree: new requests and folders, a request
//! dragged to another place (folder and order), a suite deleted (to the trash, restorable).
//! Each change is synced to a linked folder like any save.

use serde_json::json;

use super::saved::{find, folder_id, key_of, names_in, SavedView};
use super::{Result, Workbench};
use crate::exchange;
use crate::request::Draft;

/// `base`, or `base 2`, `base 3`… whichever is not `taken`.
fn free(base: &str, taken: &[String]) -> String {
    (1..)
        .map(|n| match n {
            1 => base.to_string(),
            n => format!("{base} {n}"),
        })
        .find(|n| !taken.contains(n))
        .unwrap_or_else(|| base.to_string())
}

impl Workbench {
    /// A new, empty request (`GET {{baseUrl}}/`) in a folder of a collection, named `New
    /// request` (or `New request 2`…); its key.
    pub fn new_request(&self, collection: &str, folder: &[String]) -> Result<String> {
        let taken = names_in(&self.store()?, collection, folder)?;
        let view = SavedView {
            collection: collection.to_string(),
            key: String::new(),
            name: free("New request", &taken),
            folder: folder.to_vec(),
            operation_id: None,
            draft: Draft {
                method: "GET".into(),
                path: "/".into(),
                base_url: Some("{{baseUrl}}".into()),
                ..Draft::default()
            },
            checks: Vec::new(),
            extractions: Vec::new(),
        };
        self.save_saved(&view)?;
        Ok(key_of(&view.folder, &view.name))
    }

    /// A new folder (and its missing parents) in a collection.
    pub fn new_folder(&self, collection: &str, path: &[String]) -> Result<()> {
        let path: Vec<String> = path
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if path.is_empty() {
            return Err(super::saved::usage(
                "a folder needs a name".into(),
                "type its name (a/b makes b inside a)",
            ));
        }
        let mut store = self.store()?;
        let c = store.collection(collection)?;
        folder_id(&mut store, c.id, &path)?;
        self.sync_with(&mut store, &c.name)?;
        Ok(())
    }

    /// Puts a saved request in `folder`, just before the request `before` of that folder (at
    /// its end when None): the tree's drag and drop. The requests of the folder are numbered
    /// again in their new order. Returns the request's new key.
    pub fn place_request(
        &self,
        collection: &str,
        key: &str,
        folder: &[String],
        before: Option<&str>,
    ) -> Result<String> {
        let mut store = self.store()?;
        let c = store.collection(collection)?;
        let moved = find(&store, c.id, key)?;
        let before = match before {
            Some(b) if b != key => Some(find(&store, c.id, b)?.id),
            _ => None,
        };
        let target = folder_id(&mut store, c.id, folder)?;
        let mut order: Vec<_> = store
            .requests(c.id)?
            .into_iter()
            .filter(|r| r.folder_id == target && r.id != moved.id)
            .collect();
        let at = before
            .and_then(|b| order.iter().position(|r| r.id == b))
            .unwrap_or(order.len());
        let name = moved.name.clone();
        order.insert(
            at,
            crate::store::SavedRequest {
                folder_id: target,
                ..moved
            },
        );
        store.atomically(|store| {
            for (seq, mut r) in order.into_iter().enumerate() {
                r.seq = seq as i64;
                store.update_request(&r)?;
            }
            Ok(())
        })?;
        self.sync_with(&mut store, &c.name)?;
        Ok(key_of(folder, &name))
    }

    /// Deletes a suite into the collection's trash (restoring it undoes the delete); the
    /// trash item's id.
    pub fn delete_suite(&self, collection: &str, name: &str) -> Result<u32> {
        let mut store = self.store()?;
        let c = store.collection(collection)?;
        let suite = exchange::from_store(&store, &c.name)?
            .suites
            .into_iter()
            .find(|s| s.name == name)
            .ok_or_else(|| crate::store::StoreError::NotFound {
                what: "suite",
                name: name.to_string(),
            })?;
        let id = store.trash_put(
            c.id,
            &exchange::link::suite_key(name),
            "deleted in the window",
            &json!({ "suite": suite }),
        )?;
        store.delete_suite(c.id, name)?;
        self.sync_with(&mut store, &c.name)?;
        Ok(u32::try_from(id).unwrap_or(u32::MAX))
    }

    /// Renames a collection (and its linked folder's `collection.yaml`); what was saved in
    /// the folder since the last sync is taken in first.
    pub fn rename_collection(&self, name: &str, to: &str) -> Result<()> {
        let to = to.trim();
        if to.is_empty() || to.contains('/') {
            return Err(super::saved::usage(
                format!("`{to}` cannot name a collection"),
                "type a name without `/` (it separates a collection from its environments)",
            ));
        }
        let mut store = self.store()?;
        self.sync_with(&mut store, name)?;
        exchange::link::rename(&mut store, name, to)?;
        self.sync_with(&mut store, to)?;
        Ok(())
    }

    /// Deletes a collection with its requests, folders, suites and environments. A linked
    /// folder is left as it is on disk (it can be opened again); past runs stay in history.
    pub fn delete_collection(&self, name: &str) -> Result<()> {
        self.store()?.delete_collection(name)?;
        Ok(())
    }
}
