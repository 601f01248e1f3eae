//! Environments: variables (some secret) and credentials per security scheme.

use indexmap::IndexMap;
use rusqlite::{params, OptionalExtension};

use super::{from_json, to_json, unique, Result, Store, StoreError};
use crate::request::{Environment, Variable};

impl Store {
    /// Saves an environment (global with `collection_id` None), replacing one of the same
    /// name: its variables and credentials are rewritten in one transaction.
    pub fn save_environment(
        &mut self,
        collection_id: Option<i64>,
        env: &Environment,
    ) -> Result<()> {
        let tx = self.conn.savepoint()?;
        let existing: Option<i64> = tx
            .query_row(
                "SELECT id FROM environments WHERE ifnull(collection_id, 0) = ifnull(?1, 0) AND name = ?2",
                params![collection_id, env.name],
                |r| r.get(0),
            )
            .optional()?;
        let id = match existing {
            Some(id) => {
                tx.execute("DELETE FROM variables WHERE environment_id = ?1", [id])?;
                tx.execute(
                    "DELETE FROM environment_auth WHERE environment_id = ?1",
                    [id],
                )?;
                id
            }
            None => {
                tx.execute(
                    "INSERT INTO environments (collection_id, name) VALUES (?1, ?2)",
                    params![collection_id, env.name],
                )
                .map_err(|e| unique(e, "environment", &env.name))?;
                tx.last_insert_rowid()
            }
        };
        for (seq, (name, var)) in env.variables.iter().enumerate() {
            let value = if var.secret {
                self.sealer.seal(&var.value)?
            } else {
                var.value.clone()
            };
            tx.execute(
                "INSERT INTO variables (environment_id, name, value, secret, seq, origins) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, name, value, var.secret, seq as i64, to_json(&var.origins)],
            )?;
        }
        for (scheme, creds) in &env.auth {
            tx.execute(
                "INSERT INTO environment_auth (environment_id, scheme, credentials) VALUES (?1, ?2, ?3)",
                params![id, scheme, self.sealer.seal(&to_json(creds))?],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The environment of that name (global with `collection_id` None).
    pub fn environment(&self, collection_id: Option<i64>, name: &str) -> Result<Environment> {
        let id: i64 = self
            .conn
            .query_row(
                "SELECT id FROM environments WHERE ifnull(collection_id, 0) = ifnull(?1, 0) AND name = ?2",
                params![collection_id, name],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "environment", name: name.into() })?;
        let mut variables = IndexMap::new();
        let mut st = self.conn.prepare(
            "SELECT name, value, secret, origins FROM variables WHERE environment_id = ?1 ORDER BY seq",
        )?;
        for row in st.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
            ))
        })? {
            let (n, value, secret, origins) = row?;
            let origins = from_json("secret origins", &origins)?;
            let value = if secret {
                self.sealer.open(&value)?
            } else {
                value
            };
            variables.insert(
                n,
                Variable {
                    value,
                    secret,
                    origins,
                },
            );
        }
        let mut auth = IndexMap::new();
        let mut st = self.conn.prepare("SELECT scheme, credentials FROM environment_auth WHERE environment_id = ?1 ORDER BY scheme")?;
        for row in st.query_map([id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })? {
            let (scheme, creds) = row?;
            auth.insert(
                scheme,
                from_json("credentials", &self.sealer.open(&creds)?)?,
            );
        }
        Ok(Environment {
            name: name.into(),
            variables,
            auth,
        })
    }

    /// Seals what an older Vouch stored in clear (secret values, credentials): run at every
    /// open, a no-op once done.
    pub(super) fn seal_legacy(&mut self) -> Result<()> {
        let clear: Vec<(i64, String)> = self
            .conn
            .prepare("SELECT id, value FROM variables WHERE secret = 1 AND value != '' AND value NOT LIKE 'sealed:v1:%'")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let creds: Vec<(i64, String, String)> = self
            .conn
            .prepare("SELECT environment_id, scheme, credentials FROM environment_auth WHERE credentials NOT LIKE 'sealed:v1:%'")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if clear.is_empty() && creds.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for (id, value) in clear {
            tx.execute(
                "UPDATE variables SET value = ?2 WHERE id = ?1",
                params![id, self.sealer.seal(&value)?],
            )?;
        }
        for (env, scheme, c) in creds {
            tx.execute(
                "UPDATE environment_auth SET credentials = ?3 WHERE environment_id = ?1 AND scheme = ?2",
                params![env, scheme, self.sealer.seal(&c)?],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes an environment of a collection (or a global one), its variables and
    /// credentials with it.
    pub fn remove_environment(&mut self, collection_id: Option<i64>, name: &str) -> Result<()> {
        let n = self.conn.execute(
            "DELETE FROM environments WHERE ifnull(collection_id, 0) = ifnull(?1, 0) AND name = ?2",
            params![collection_id, name],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "environment",
                name: name.to_string(),
            });
        }
        Ok(())
    }

    /// Renames an environment of a collection (or a global one); the new name must be free
    /// in the same scope. Variables, secrets and credentials stay with it.
    pub fn rename_environment(
        &mut self,
        collection_id: Option<i64>,
        name: &str,
        to: &str,
    ) -> Result<()> {
        let n = self
            .conn
            .execute(
                "UPDATE environments SET name = ?3 WHERE ifnull(collection_id, 0) = ifnull(?1, 0) AND name = ?2",
                params![collection_id, name, to],
            )
            .map_err(|e| unique(e, "environment", to))?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "environment",
                name: name.to_string(),
            });
        }
        Ok(())
    }

    /// Names of the environments of a collection (or the global ones), sorted.
    pub fn environments(&self, collection_id: Option<i64>) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT name FROM environments WHERE ifnull(collection_id, 0) = ifnull(?1, 0) ORDER BY name")?;
        let rows = st.query_map(params![collection_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
