//! Folder links: a collection opened or imported from a folder stays linked to it (see
//! [`crate::exchange::link`]), and what a sync removes from the store waits in the trash.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{from_json, to_json, Result, Store, StoreError};

/// A collection's link to its folder.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The folder (canonical path).
    pub dir: PathBuf,
    /// Per entity key, the SHA-256 of its shared form at the last sync.
    pub base: BTreeMap<String, String>,
}

/// Something a sync or a conflict resolution took out of the store, kept to be restored.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Trashed {
    /// Row id.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    /// What it was (`request:items/Create item`, `environment:local`…).
    pub key: String,
    /// Why it was taken out, in words.
    pub reason: String,
    /// When (UTC, ISO 8601).
    pub removed_at: String,
}

impl Store {
    /// Links a collection to a folder (replacing an earlier link; the base starts empty).
    pub fn set_link(&mut self, collection_id: i64, dir: &std::path::Path) -> Result<()> {
        self.conn.execute(
            "INSERT INTO links (collection_id, dir, base) VALUES (?1, ?2, '{}')
             ON CONFLICT (collection_id) DO UPDATE SET dir = ?2, base = '{}'",
            params![collection_id, dir.display().to_string()],
        )?;
        Ok(())
    }

    /// The collection's link, if it has one.
    pub fn link(&self, collection_id: i64) -> Result<Option<Link>> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT dir, base FROM links WHERE collection_id = ?1",
                [collection_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(dir, base)| {
            Ok(Link {
                dir: PathBuf::from(dir),
                base: from_json("link base", &base)?,
            })
        })
        .transpose()
    }

    /// Records the base of the last sync.
    pub fn set_link_base(
        &mut self,
        collection_id: i64,
        base: &BTreeMap<String, String>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE links SET base = ?2 WHERE collection_id = ?1",
            params![collection_id, to_json(base)],
        )?;
        Ok(())
    }

    /// Puts something taken out of the store into the trash, sealed (it may hold secrets).
    pub fn trash_put(
        &mut self,
        collection_id: i64,
        key: &str,
        reason: &str,
        content: &serde_json::Value,
    ) -> Result<i64> {
        let sealed = self.sealer.seal(&to_json(content))?;
        self.conn.execute(
            "INSERT INTO trash (collection_id, key, reason, content) VALUES (?1, ?2, ?3, ?4)",
            params![collection_id, key, reason, sealed],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The collection's trash, newest first.
    pub fn trash(&self, collection_id: i64) -> Result<Vec<Trashed>> {
        let mut st = self.conn.prepare(
            "SELECT id, key, reason, removed_at FROM trash WHERE collection_id = ?1 ORDER BY id DESC",
        )?;
        let rows = st.query_map([collection_id], |r| {
            Ok(Trashed {
                id: r.get(0)?,
                key: r.get(1)?,
                reason: r.get(2)?,
                removed_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes an item out of the trash: its key and content (the row is gone).
    pub fn trash_take(
        &mut self,
        collection_id: i64,
        id: i64,
    ) -> Result<(String, serde_json::Value)> {
        let row: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT key, content FROM trash WHERE collection_id = ?1 AND id = ?2",
                params![collection_id, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (key, content) = row.ok_or_else(|| StoreError::NotFound {
            what: "trash item",
            name: id.to_string(),
        })?;
        let value = from_json("trash item", &self.sealer.open(&content)?)?;
        self.conn.execute("DELETE FROM trash WHERE id = ?1", [id])?;
        Ok((key, value))
    }

    /// Approves files for a collection's file parts to read (and upload).
    pub fn approve_files(&mut self, collection_id: i64, paths: &[String]) -> Result<()> {
        let tx = self.conn.savepoint()?;
        for p in paths {
            tx.execute(
                "INSERT OR IGNORE INTO approved_files (collection_id, path) VALUES (?1, ?2)",
                params![collection_id, p],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The files approved for a collection's file parts.
    pub fn approved_files(&self, collection_id: i64) -> Result<std::collections::BTreeSet<String>> {
        let mut st = self
            .conn
            .prepare("SELECT path FROM approved_files WHERE collection_id = ?1")?;
        let rows = st.query_map([collection_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The outcome of each step name in the collection's latest run that had it (the badge
    /// of a request in the window's tree).
    pub fn last_outcomes(
        &self,
        collection_id: i64,
    ) -> Result<std::collections::HashMap<String, String>> {
        let mut st = self.conn.prepare(
            "SELECT s.name, s.outcome FROM run_steps s JOIN runs r ON s.run_id = r.id
             WHERE r.collection_id = ?1 ORDER BY r.id, s.seq",
        )?;
        let rows = st.query_map([collection_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A value of the window's state (open tabs, pane sizes…), opened.
    pub fn ui_state(&self, key: &str) -> Result<Option<String>> {
        let stored: Option<String> = self
            .conn
            .query_row("SELECT value FROM ui_state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?;
        stored.map(|v| self.sealer.open(&v)).transpose()
    }

    /// Keeps a value of the window's state, sealed: open tabs hold drafts, and a draft may
    /// hold a token typed into its auth or headers.
    pub fn set_ui_state(&mut self, key: &str, value: &str) -> Result<()> {
        let sealed = self.sealer.seal(value)?;
        self.conn.execute(
            "INSERT INTO ui_state (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = ?2",
            params![key, sealed],
        )?;
        Ok(())
    }

    /// Deletes a suite (its steps with it).
    pub fn delete_suite(&mut self, collection_id: i64, name: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM suites WHERE collection_id = ?1 AND name = ?2",
            params![collection_id, name],
        )?;
        Ok(())
    }

    /// Deletes a collection's environment (its variables and credentials with it).
    pub fn delete_environment(&mut self, collection_id: i64, name: &str) -> Result<()> {
        self.conn.execute(
            "DELETE FROM environments WHERE collection_id = ?1 AND name = ?2",
            params![collection_id, name],
        )?;
        Ok(())
    }

    /// Updates a collection's description.
    pub fn set_description(&mut self, collection_id: i64, description: &str) -> Result<()> {
        self.conn.execute(
            "UPDATE collections SET description = ?2 WHERE id = ?1",
            params![collection_id, description],
        )?;
        Ok(())
    }
}
