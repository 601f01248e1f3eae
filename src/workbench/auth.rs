//! Auth set on a collection or a folder, inherited by the requests inside that set none: what
//! a request inherits (the Auth tab shows it), setting it from the window, and putting it into
//! a saved request's draft before the one send.

use serde::{Deserialize, Serialize};

use super::saved::usage;
use super::{Result, Workbench};
use crate::exchange;
use crate::request::{Auth, Draft};

/// Where a tab's request is saved, so that what it inherits is sent with it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SavedRef {
    /// The collection.
    pub collection: String,
    /// The folder it is in: names from the top (empty: the collection's top).
    pub folder: Vec<String>,
}

/// The auth a saved request inherits, and from where.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct InheritedView {
    /// `folder a/b` or `collection NAME`.
    pub from: String,
    /// The auth.
    pub auth: Auth,
}

impl Workbench {
    /// What a request in `folder` of `collection` inherits when it sets no auth: its nearest
    /// folder's, else its collection's (None: the environment's credentials apply).
    pub fn inherited_auth(
        &self,
        collection: &str,
        folder: &[String],
    ) -> Result<Option<InheritedView>> {
        let store = self.store()?;
        let c = store.collection(collection)?;
        let folder_id = exchange::link::folder_id_of(&store, c.id, folder)?;
        Ok(store
            .inherited_auth(c.id, folder_id)?
            .map(|(path, auth)| InheritedView {
                from: match path.is_empty() {
                    true => format!("collection {}", c.name),
                    false => format!("folder {}", path.join("/")),
                },
                auth,
            }))
    }

    /// A draft about to be sent: a saved request's that sets no auth gets the one it inherits.
    pub fn inheriting(&self, mut draft: Draft, saved: Option<&SavedRef>) -> Result<Draft> {
        if let (None, Some(s)) = (&draft.auth, saved) {
            draft.auth = self
                .inherited_auth(&s.collection, &s.folder)?
                .map(|i| i.auth);
        }
        Ok(draft)
    }

    /// [`Workbench::send`] of a tab's request: a saved one's inherited auth goes with it.
    pub async fn send_saved(
        &self,
        operation_id: Option<String>,
        draft: Draft,
        env: Option<String>,
        saved: Option<SavedRef>,
    ) -> Result<super::CallView> {
        let draft = self.inheriting(draft, saved.as_ref())?;
        self.send(operation_id, draft, env).await
    }

    /// The auth set on a collection (`folder` empty) or on one of its folders itself.
    pub fn auth_of(&self, collection: &str, folder: &[String]) -> Result<Option<Auth>> {
        let store = self.store()?;
        let c = store.collection(collection)?;
        if folder.is_empty() {
            return Ok(store.collection_auth(c.id)?);
        }
        let id = exchange::link::folder_id_of(&store, c.id, folder)?;
        Ok(id.and_then(|id| store.folder_auths(c.id).ok()?.remove(&id)))
    }

    /// Sets (None: clears) the auth of a collection (`folder` empty) or of one of its folders.
    /// A linked collection's folder gets it at once; there a credential must be a
    /// `{{variable}}`, since the folder is shared.
    pub fn set_auth(&self, collection: &str, folder: &[String], auth: Option<Auth>) -> Result<()> {
        let mut store = self.store()?;
        let c = store.collection(collection)?;
        let dir = exchange::link::linked_dir(&store, &c.name)?;
        if dir.is_some() && auth.as_ref().is_some_and(exchange::secrets::literal_auth) {
            return Err(usage(
                "this collection is shared through its folder: a credential cannot be written into it".into(),
                "put the value in a secret variable of an environment and write {{name}} here",
            ));
        }
        // What the folder changed is taken in first: the head is the folder's.
        self.sync_with(&mut store, &c.name)?;
        if folder.is_empty() {
            store.set_collection_auth(c.id, auth.as_ref())?;
        } else {
            let id = match exchange::link::folder_id_of(&store, c.id, folder)? {
                Some(id) => id,
                None => {
                    return Err(crate::store::StoreError::NotFound {
                        what: "folder",
                        name: folder.join("/"),
                    }
                    .into())
                }
            };
            store.set_folder_auth(id, auth.as_ref())?;
        }
        if let Some(dir) = dir {
            exchange::link::write_head(&store, &c.name, &dir, folder)?;
            self.sync_with(&mut store, &c.name)?;
        }
        Ok(())
    }
}
