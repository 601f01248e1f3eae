//! The store: one SQLite file, `vouch.db`, holding collections, saved requests, environments,
//! suites, runs and the history of ad-hoc calls.
//!
//! rusqlite with its bundled SQLite; WAL, foreign keys, a busy timeout; versioned migrations
//! embedded from `migrations/*.sql` (a database made by an older Vouch is upgraded in place,
//! never rebuilt; one made by a newer Vouch is refused, not touched). Every write is a
//! transaction; a run's steps are committed one by one so a killed run keeps what finished.

mod collections;
mod environments;
mod key;
mod keychain;
mod links;
mod recorder;
mod runs;
mod seal;

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};
use thiserror::Error;

pub use collections::{spec_sha256, Collection, Folder, SavedRequest, Suite, SuiteStep};
pub use key::KeyOptions;
pub use links::{Link, Trashed};
pub use recorder::{Batching, Recorder};
pub use runs::{HistoryEntry, RunRecord, RunStatus, StepOutcome, StepRecord};
pub use seal::{KeySource, Sealer};

/// The schema, one migration per released version; the array index + 1 is the version.
static STEPS: [M<'static>; 7] = [
    M::up(include_str!("migrations/0001_init.sql")),
    M::up(include_str!("migrations/0002_request_scripts.sql")),
    M::up(include_str!("migrations/0003_step_request.sql")),
    M::up(include_str!("migrations/0004_secret_origins.sql")),
    M::up(include_str!("migrations/0005_folder_links.sql")),
    M::up(include_str!("migrations/0006_inherited_auth.sql")),
    M::up(include_str!("migrations/0007_load_runs.sql")),
];

fn migrations() -> Migrations<'static> {
    Migrations::from_slice(&STEPS)
}

/// The schema version this Vouch writes.
pub const SCHEMA_VERSION: usize = 7;

/// The file name of the store inside the data directory.
pub const FILE_NAME: &str = "vouch.db";

/// What can go wrong with the store.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The data directory or file cannot be created or opened.
    #[error("cannot open the store at {path}: {detail}")]
    Open {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// The file was written by a newer Vouch (a schema version this one does not know).
    #[error("the store at {path} was written by a newer Vouch (schema version {found}; this one knows up to {known})")]
    TooNew {
        /// The file.
        path: String,
        /// Its schema version.
        found: usize,
        /// The newest this Vouch knows.
        known: usize,
    },
    /// Upgrading the schema failed (nothing was changed: migrations are transactions).
    #[error("cannot upgrade the store at {path}: {detail}")]
    Migrate {
        /// The file.
        path: String,
        /// Why.
        detail: String,
    },
    /// A name is already taken (collections, requests in a folder, environments, suites).
    #[error("{what} `{name}` already exists")]
    Exists {
        /// What kind of thing.
        what: &'static str,
        /// Its name.
        name: String,
    },
    /// Nothing of that name.
    #[error("no {what} named `{name}`")]
    NotFound {
        /// What kind of thing.
        what: &'static str,
        /// The name asked for.
        name: String,
    },
    /// A stored JSON column that does not read back (written by hand or damaged).
    #[error("stored {what} cannot be read: {detail}")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// Why.
        detail: String,
    },
    /// The key sealing the store's secrets is not to be had (its keychain entry is gone, the
    /// keychain does not answer, or sealed secrets have no key at all): no key is made in its
    /// place, as the secrets sealed with the old one would be lost.
    #[error("cannot open the store at {path}: {detail}")]
    KeyLost {
        /// The data folder.
        path: String,
        /// Which key, and what is wrong.
        detail: String,
    },
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "check the permissions of the data directory, or choose another (--data-dir in the CLI, VOUCH_DATA_DIR for the CLI and the app)",
            StoreError::TooNew { .. } => "use the newer Vouch, or another data directory (--data-dir in the CLI, VOUCH_DATA_DIR for both)",
            StoreError::Migrate { .. } => "the file is unchanged; keep a copy and report the message",
            StoreError::KeyLost { .. } => "bring the key back (unlock or restore the keychain entry, restore vouch.key, or set VOUCH_MASTER_KEY), or move the data folder aside to start a new store (its sealed secrets stay unreadable)",
            StoreError::Exists { .. } => "pick another name, or replace the existing one",
            StoreError::NotFound { .. } => "list what exists with the app or the CLI",
            StoreError::Corrupt { .. } | StoreError::Sqlite(_) => "PRAGMA integrity_check on the file tells whether it is damaged",
        }
    }

    /// A stable identifier of the error kind.
    pub fn kind(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "open",
            StoreError::TooNew { .. } => "too-new",
            StoreError::Migrate { .. } => "migrate",
            StoreError::KeyLost { .. } => "key-lost",
            StoreError::Exists { .. } => "exists",
            StoreError::NotFound { .. } => "not-found",
            StoreError::Corrupt { .. } => "corrupt",
            StoreError::Sqlite(_) => "sqlite",
        }
    }
}

/// Result of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// The data directory: `explicit` (`--data-dir`), else `VOUCH_DATA_DIR`, else the OS data dir
/// (`~/.local/share/vouch` on Linux).
pub fn data_dir(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    if let Some(p) = std::env::var_os("VOUCH_DATA_DIR").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("vouch")
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    sealer: Sealer,
}

impl Store {
    /// Opens (creating if needed) `vouch.db` in `dir`, upgrading its schema to the current
    /// one; its key as the environment says ([`KeyOptions::from_env`]).
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_with(dir, Some(&KeyOptions::from_env()))
    }

    /// A throwaway store in `dir` (a scratch folder): its secrets sealed with a random key
    /// held in memory only, so nothing is written to the keychain or beside the database.
    pub fn open_scratch(dir: &Path) -> Result<Store> {
        Store::open_with(dir, None)
    }

    /// Opens the store in `dir` with its key found or made as `key` says (`None`: a random
    /// key in memory, for a throwaway store).
    pub fn open_with(dir: &Path, key: Option<&KeyOptions>) -> Result<Store> {
        let path = dir.join(FILE_NAME);
        let open_err = |detail: String| StoreError::Open {
            path: path.display().to_string(),
            detail,
        };
        // Opens racing on a new file (the app's first commands come at once) would each set
        // WAL mode, apply the migrations and make a key: one open at a time in this process.
        static OPENING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = OPENING.lock().unwrap_or_else(|e| e.into_inner());
        let created = !dir.exists();
        std::fs::create_dir_all(dir).map_err(|e| open_err(e.to_string()))?;
        let mut conn = Connection::open(&path).map_err(|e| open_err(e.to_string()))?;
        private(dir, created, &path).map_err(|e| open_err(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Read the version before changing anything: a newer or foreign file stays untouched.
        let found = conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .map_err(|e| open_err(format!("not a Vouch store (or not SQLite): {e}")))?
            as usize;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path: path.display().to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        // WAL: readers never block the writer, and a killed writer loses at most its open
        // transaction. NORMAL sync is durable across process crashes in WAL mode.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted rows (an old secret) are overwritten, not left in free pages.
        conn.pragma_update(None, "secure_delete", "ON")?;
        // One that lost a race to another process finds the schema already upgraded.
        {
            if let Err(e) = migrations().to_latest(&mut conn) {
                let now = conn
                    .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
                    .unwrap_or(0) as usize;
                if now != SCHEMA_VERSION {
                    return Err(StoreError::Migrate {
                        path: path.display().to_string(),
                        detail: e.to_string(),
                    });
                }
            }
        }
        let sealer = match key {
            Some(options) => Sealer::for_dir(dir, options, &conn)?,
            None => Sealer::ephemeral()?,
        };
        let mut store = Store { conn, path, sealer };
        store.seal_legacy()?;
        Ok(store)
    }

    /// Where the key that seals secrets comes from.
    pub fn key_source(&self) -> &KeySource {
        &self.sealer.source
    }

    /// Opens the store of `data_dir(explicit)`.
    pub fn open_default(explicit: Option<&Path>) -> Result<Store> {
        Store::open(&data_dir(explicit))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<usize> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))? as usize)
    }

    /// Runs `f` in one transaction: everything it wrote stays, or (on an error) nothing.
    /// Store methods that open their own transaction nest inside it as savepoints.
    pub fn atomically<T>(&mut self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(v) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// `PRAGMA integrity_check`: `ok`, or what SQLite found wrong.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// The store is private: a data folder Vouch creates is 0700, and `vouch.db` (with its WAL
/// and shared-memory files) 0600, whatever the umask.
fn private(dir: &Path, created: bool, db: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if created {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            // The WAL files come and go with connections (the last one to close removes
            // them, maybe in another thread right now): one that is not there needs nothing.
            match std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                other => other?,
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, created, db);
    Ok(())
}

/// The database as of an older schema version, for upgrade tests: applies the first
/// `version` migrations to a new file in `dir` and leaves it there.
pub fn create_at_version(dir: &Path, version: usize) -> Result<Connection> {
    let path = dir.join(FILE_NAME);
    std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
        path: path.display().to_string(),
        detail: e.to_string(),
    })?;
    let mut conn = Connection::open(&path)?;
    migrations()
        .to_version(&mut conn, version)
        .map_err(|e| StoreError::Migrate {
            path: path.display().to_string(),
            detail: e.to_string(),
        })?;
    Ok(conn)
}

/// Maps a UNIQUE constraint failure to [`StoreError::Exists`].
fn unique(e: rusqlite::Error, what: &'static str, name: &str) -> StoreError {
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE =>
        {
            StoreError::Exists {
                what,
                name: name.to_string(),
            }
        }
        other => StoreError::Sqlite(other),
    }
}

/// Reads a JSON column.
fn from_json<T: serde::de::DeserializeOwned>(what: &'static str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

/// Writes a JSON column.
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}
