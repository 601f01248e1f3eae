//! Collections, their folders, saved requests and suites.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{from_json, to_json, unique, Result, Store, StoreError};
use crate::request::{Auth, Draft};

/// A collection: saved requests around one spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collection {
    /// Row id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Where the linked spec came from (path or URL).
    pub spec_source: Option<String>,
    /// SHA-256 (hex) of the cached copy of the spec.
    pub spec_sha256: Option<String>,
    /// Undeclared statuses the team accepts: reported as warnings, failing nothing.
    pub accept_status: Vec<u16>,
}

/// A collection's settings column.
#[derive(Debug, Default, serde::Deserialize, Serialize)]
struct Settings {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    accept_status: Vec<u16>,
}

/// A folder of a collection (folders nest).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Folder {
    /// Row id.
    pub id: i64,
    /// The folder it sits in, if any.
    pub parent_id: Option<i64>,
    /// Name, unique among its siblings.
    pub name: String,
    /// Order among its siblings.
    pub seq: i64,
}

/// A saved request: a draft plus what to assert and what to extract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedRequest {
    /// Row id (0 before it is saved).
    pub id: i64,
    /// Folder, if any.
    pub folder_id: Option<i64>,
    /// Name, unique within its folder.
    pub name: String,
    /// Order within its folder.
    pub seq: i64,
    /// The operation it calls, when it was made from the spec.
    pub operation_id: Option<String>,
    /// What is sent.
    pub draft: Draft,
    /// Assertions, as the suite runner reads them.
    pub assertions: Value,
    /// Extractions into variables, as the suite runner reads them.
    pub extractions: Value,
    /// Scripts imported with the request (`[{"listen": "test", "text": "..."}]`): kept as
    /// text, never run.
    pub scripts: Value,
}

/// One step of a suite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SuiteStep {
    /// The saved request it runs.
    pub request_id: i64,
    /// Per-step overrides (parameter values, timeout, retries).
    pub overrides: Value,
}

/// An ordered list of steps over saved requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suite {
    /// Row id.
    pub id: i64,
    /// Name, unique within the collection.
    pub name: String,
    /// Steps in order.
    pub steps: Vec<SuiteStep>,
}

fn collection_row(r: &Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        name: r.get(1)?,
        description: r.get(2)?,
        spec_source: r.get(3)?,
        spec_sha256: r.get(4)?,
        // Settings are advisory: a hand-edited, unreadable value means none.
        accept_status: serde_json::from_str::<Settings>(&r.get::<_, String>(5)?)
            .unwrap_or_default()
            .accept_status,
    })
}

const COLLECTION_COLUMNS: &str = "id, name, description, spec_source, spec_sha256, settings";

impl Store {
    /// Creates a collection; its name must be new.
    pub fn create_collection(&mut self, name: &str, description: &str) -> Result<Collection> {
        self.conn
            .execute(
                "INSERT INTO collections (name, description) VALUES (?1, ?2)",
                params![name, description],
            )
            .map_err(|e| unique(e, "collection", name))?;
        self.collection(name)
    }

    /// The collection of that name.
    pub fn collection(&self, name: &str) -> Result<Collection> {
        self.conn
            .query_row(
                &format!("SELECT {COLLECTION_COLUMNS} FROM collections WHERE name = ?1"),
                [name],
                collection_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "collection",
                name: name.into(),
            })
    }

    /// Every collection, by name.
    pub fn collections(&self) -> Result<Vec<Collection>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLLECTION_COLUMNS} FROM collections ORDER BY name"
        ))?;
        let rows = st.query_map([], collection_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Renames a collection; the new name must be free. Its requests, suites, environments,
    /// link and runs follow (they hold its id, not its name).
    pub fn rename_collection(&mut self, name: &str, to: &str) -> Result<()> {
        let n = self
            .conn
            .execute(
                "UPDATE collections SET name = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE name = ?1",
                params![name, to],
            )
            .map_err(|e| unique(e, "collection", to))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "collection",
                name: name.into(),
            });
        }
        Ok(())
    }

    /// Deletes a collection with its folders, requests, environments and suites (runs stay,
    /// unlinked).
    pub fn delete_collection(&mut self, name: &str) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM collections WHERE name = ?1", [name])?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "collection",
                name: name.into(),
            });
        }
        Ok(())
    }

    /// Links a spec to a collection: where it came from and a copy of its bytes (hashed).
    pub fn set_spec(&mut self, collection_id: i64, source: &str, bytes: &[u8]) -> Result<String> {
        let hash = spec_sha256(bytes);
        self.conn.execute(
            "UPDATE collections SET spec_source = ?2, spec_copy = ?3, spec_sha256 = ?4,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
            params![collection_id, source, bytes, hash],
        )?;
        Ok(hash)
    }

    /// Deletes a saved request (and the suite steps naming it).
    pub fn delete_request(&mut self, request_id: i64) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM requests WHERE id = ?1", [request_id])?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "request",
                name: request_id.to_string(),
            });
        }
        Ok(())
    }

    /// Sets the undeclared statuses a collection accepts as warnings.
    pub fn set_accept_status(&mut self, collection_id: i64, statuses: &[u16]) -> Result<()> {
        let settings = Settings {
            accept_status: statuses.to_vec(),
        };
        self.conn.execute(
            "UPDATE collections SET settings = ?2 WHERE id = ?1",
            params![collection_id, to_json(&settings)],
        )?;
        Ok(())
    }

    /// Links a spec by its location only (a URL fetched when needed), dropping any copy.
    pub fn set_spec_source(&mut self, collection_id: i64, source: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE collections SET spec_source = ?2, spec_copy = NULL, spec_sha256 = NULL,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
            params![collection_id, source],
        )?;
        Ok(())
    }

    /// The cached copy of a collection's spec.
    pub fn spec_copy(&self, collection_id: i64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .query_row(
                "SELECT spec_copy FROM collections WHERE id = ?1",
                [collection_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    /// Sets (None: clears) the auth a collection's requests inherit when they and their
    /// folders set none.
    pub fn set_collection_auth(&mut self, collection_id: i64, auth: Option<&Auth>) -> Result<()> {
        let json = auth.map(to_json);
        self.conn.execute(
            "UPDATE collections SET auth = ?2 WHERE id = ?1",
            params![collection_id, json],
        )?;
        Ok(())
    }

    /// Sets (None: clears) the auth a folder's requests (and sub-folders') inherit.
    pub fn set_folder_auth(&mut self, folder_id: i64, auth: Option<&Auth>) -> Result<()> {
        let json = auth.map(to_json);
        self.conn.execute(
            "UPDATE folders SET auth = ?2 WHERE id = ?1",
            params![folder_id, json],
        )?;
        Ok(())
    }

    /// The auth set on a collection itself.
    pub fn collection_auth(&self, collection_id: i64) -> Result<Option<Auth>> {
        let json: Option<String> = self
            .conn
            .query_row(
                "SELECT auth FROM collections WHERE id = ?1",
                [collection_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        json.map(|j| from_json("collection auth", &j)).transpose()
    }

    /// The auth set on each folder of a collection that has one, by folder id.
    pub fn folder_auths(&self, collection_id: i64) -> Result<std::collections::HashMap<i64, Auth>> {
        let mut st = self.conn.prepare(
            "SELECT id, auth FROM folders WHERE collection_id = ?1 AND auth IS NOT NULL",
        )?;
        let rows = st.query_map([collection_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = std::collections::HashMap::new();
        for row in rows {
            let (id, json) = row?;
            out.insert(id, from_json("folder auth", &json)?);
        }
        Ok(out)
    }

    /// What a request in `folder_id` inherits when it sets no auth: the nearest folder's
    /// (walking up), else the collection's; with where it comes from (the folder's path of
    /// names, empty for the collection).
    pub fn inherited_auth(
        &self,
        collection_id: i64,
        folder_id: Option<i64>,
    ) -> Result<Option<(Vec<String>, Auth)>> {
        let folders = self.folders(collection_id)?;
        let auths = self.folder_auths(collection_id)?;
        let path_of = |id: i64| {
            let mut path = Vec::new();
            let mut at = Some(id);
            while let Some(f) = at.and_then(|i| folders.iter().find(|f| f.id == i)) {
                path.insert(0, f.name.clone());
                at = f.parent_id;
            }
            path
        };
        let mut at = folder_id;
        // A parent loop cannot be made through the store's API; bound the walk anyway.
        for _ in 0..=folders.len() {
            let Some(id) = at else { break };
            if let Some(a) = auths.get(&id) {
                return Ok(Some((path_of(id), a.clone())));
            }
            at = folders
                .iter()
                .find(|f| f.id == id)
                .and_then(|f| f.parent_id);
        }
        Ok(self
            .collection_auth(collection_id)?
            .map(|a| (Vec::new(), a)))
    }

    /// Creates a folder (inside `parent`, or at the top).
    pub fn create_folder(
        &mut self,
        collection_id: i64,
        parent_id: Option<i64>,
        name: &str,
        seq: i64,
    ) -> Result<Folder> {
        self.conn
            .execute(
                "INSERT INTO folders (collection_id, parent_id, name, seq) VALUES (?1, ?2, ?3, ?4)",
                params![collection_id, parent_id, name, seq],
            )
            .map_err(|e| unique(e, "folder", name))?;
        Ok(Folder {
            id: self.conn.last_insert_rowid(),
            parent_id,
            name: name.into(),
            seq,
        })
    }

    /// A collection's folders, parents before children, in `seq` order.
    pub fn folders(&self, collection_id: i64) -> Result<Vec<Folder>> {
        let mut st = self.conn.prepare(
            "SELECT id, parent_id, name, seq FROM folders WHERE collection_id = ?1 ORDER BY ifnull(parent_id, 0), seq, name",
        )?;
        let rows = st.query_map([collection_id], |r| {
            Ok(Folder {
                id: r.get(0)?,
                parent_id: r.get(1)?,
                name: r.get(2)?,
                seq: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Saves a new request; returns its id.
    pub fn save_request(&mut self, collection_id: i64, req: &SavedRequest) -> Result<i64> {
        self.conn
            .execute(
                "INSERT INTO requests (collection_id, folder_id, name, seq, operation_id, draft, assertions, extractions, scripts)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    collection_id,
                    req.folder_id,
                    req.name,
                    req.seq,
                    req.operation_id,
                    to_json(&req.draft),
                    to_json(&req.assertions),
                    to_json(&req.extractions),
                    to_json(&req.scripts)
                ],
            )
            .map_err(|e| unique(e, "request", &req.name))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Replaces a saved request's content (by id).
    pub fn update_request(&mut self, req: &SavedRequest) -> Result<()> {
        let n = self
            .conn
            .execute(
                "UPDATE requests SET folder_id = ?2, name = ?3, seq = ?4, operation_id = ?5, draft = ?6,
                    assertions = ?7, extractions = ?8, scripts = ?9, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?1",
                params![
                    req.id,
                    req.folder_id,
                    req.name,
                    req.seq,
                    req.operation_id,
                    to_json(&req.draft),
                    to_json(&req.assertions),
                    to_json(&req.extractions),
                    to_json(&req.scripts)
                ],
            )
            .map_err(|e| unique(e, "request", &req.name))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "request",
                name: req.name.clone(),
            });
        }
        Ok(())
    }

    /// A collection's requests, by folder then `seq`.
    pub fn requests(&self, collection_id: i64) -> Result<Vec<SavedRequest>> {
        let mut st = self.conn.prepare(
            "SELECT id, folder_id, name, seq, operation_id, draft, assertions, extractions, scripts
             FROM requests WHERE collection_id = ?1 ORDER BY ifnull(folder_id, 0), seq, name",
        )?;
        let rows = st.query_map([collection_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, folder_id, name, seq, operation_id, draft, assertions, extractions, scripts) =
                row?;
            out.push(SavedRequest {
                id,
                folder_id,
                name,
                seq,
                operation_id,
                draft: from_json("request draft", &draft)?,
                assertions: from_json("assertions", &assertions)?,
                extractions: from_json("extractions", &extractions)?,
                scripts: from_json("scripts", &scripts)?,
            });
        }
        Ok(out)
    }

    /// Creates a suite with its steps, in one transaction.
    pub fn create_suite(
        &mut self,
        collection_id: i64,
        name: &str,
        steps: &[SuiteStep],
    ) -> Result<Suite> {
        let tx = self.conn.savepoint()?;
        tx.execute(
            "INSERT INTO suites (collection_id, name) VALUES (?1, ?2)",
            params![collection_id, name],
        )
        .map_err(|e| unique(e, "suite", name))?;
        let id = tx.last_insert_rowid();
        {
            // One statement for every step: a suite of 10,000 steps is not parsed 10,000 times.
            let mut insert = tx.prepare_cached(
                "INSERT INTO suite_steps (suite_id, seq, request_id, overrides) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (seq, step) in steps.iter().enumerate() {
                insert.execute(params![
                    id,
                    seq as i64,
                    step.request_id,
                    to_json(&step.overrides)
                ])?;
            }
        }
        tx.commit()?;
        Ok(Suite {
            id,
            name: name.into(),
            steps: steps.to_vec(),
        })
    }

    /// Names of a collection's suites, sorted.
    pub fn suites(&self, collection_id: i64) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT name FROM suites WHERE collection_id = ?1 ORDER BY name")?;
        let rows = st.query_map([collection_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A suite of a collection, with its steps in order.
    pub fn suite(&self, collection_id: i64, name: &str) -> Result<Suite> {
        let id: i64 = self
            .conn
            .query_row(
                "SELECT id FROM suites WHERE collection_id = ?1 AND name = ?2",
                params![collection_id, name],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "suite",
                name: name.into(),
            })?;
        let mut st = self.conn.prepare(
            "SELECT request_id, overrides FROM suite_steps WHERE suite_id = ?1 ORDER BY seq",
        )?;
        let rows = st.query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        let mut steps = Vec::new();
        for row in rows {
            let (request_id, overrides) = row?;
            steps.push(SuiteStep {
                request_id,
                overrides: from_json("step overrides", &overrides)?,
            });
        }
        Ok(Suite {
            id,
            name: name.into(),
            steps,
        })
    }
}

/// The hash a collection keeps of its spec copy ([`Collection::spec_sha256`]): what tells
/// whether a spec read now is the one it was synced with.
pub fn spec_sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
