//! Folder-linked collections: a collection opened or imported from a folder stays linked to
//! it, the way a team shares it through git.
//!
//! A sync is a three-way merge per request, environment and suite ("entity"), over their
//! shared form (the file the folder holds; secret values are never part of it, so they stay
//! in the store). The base is the SHA-256 of each entity's form at the last sync:
//!
//! - changed in the store only (saved in the window): its file is written, atomically, in
//!   place (a new one gets a file named after it); removed in the store: its file is removed;
//! - changed in the folder only (a `git pull`): the store takes it; secret values typed on
//!   this machine are kept; removed in the folder: the store's copy goes to the trash, from
//!   where it can be restored;
//! - changed on both sides: a conflict, reported and left as it is on both sides until the
//!   user keeps one ([`resolve`]); the side not kept goes to the trash (store) or stays in
//!   git's history (folder).
//!
//! Writes never follow a symlink, and a file whose form looks like it holds a credential is
//! held back (reported), never written.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};

use super::folder::{
    atomic_write, environment_form, folder_form, no_symlink, read_folder, remove_empty_parents,
    request_form, sha256, slug, suite_form,
};
use super::{secrets, Bundle, BundleRequest, BundleSuite, ExchangeError, Result};
use crate::request::Environment;
use crate::store::{Collection, SavedRequest, Store, StoreError, SuiteStep};

/// The entity key of a request: `request:folder/…/name`.
pub fn request_key(r: &BundleRequest) -> String {
    format!("request:{}", r.key())
}

/// The entity key of an environment.
pub fn environment_key(name: &str) -> String {
    format!("environment:{name}")
}

/// The entity key of a suite.
pub fn suite_key(name: &str) -> String {
    format!("suite:{name}")
}

/// The key of a folder's `folder.yaml` (not merged: folders follow their requests).
pub fn folder_key(path: &[String]) -> String {
    format!("folder:{}", path.join("/"))
}

/// What a sync did, and what it left for the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncReport {
    /// The collection.
    pub collection: String,
    /// The linked folder.
    pub dir: String,
    /// Entities whose file was written (saved here, not yet in the folder).
    pub written: Vec<String>,
    /// Entities the store took from the folder.
    pub taken: Vec<String>,
    /// Files removed from the folder (their entity was removed here).
    pub removed: Vec<String>,
    /// Entities moved from the store to the trash (removed in the folder): restorable.
    pub trashed: Vec<String>,
    /// Changed on both sides: nothing was done to either.
    pub conflicts: Vec<Conflict>,
    /// Not written, and why (a value that looks like a credential, a symlink…).
    pub held: Vec<String>,
}

/// An entity changed both in the store and in the folder since the last sync.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    /// The entity (`request:items/Create item`).
    pub key: String,
    /// Its file in the folder, if it has one.
    pub file: Option<String>,
    /// What happened on each side, in words.
    pub detail: String,
}

/// Which side of a conflict to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The store's (written to the folder).
    Mine,
    /// The folder's (the store's goes to the trash).
    Theirs,
}

/// One request, environment or suite, on one side.
enum Entity {
    Request(Box<BundleRequest>),
    Environment(Environment),
    Suite(BundleSuite),
}

impl Entity {
    fn form(&self) -> Result<Vec<u8>> {
        match self {
            Entity::Request(r) => request_form(r),
            Entity::Environment(e) => environment_form(e),
            Entity::Suite(s) => suite_form(s),
        }
    }

    /// What goes to the trash (everything, secret values included: the trash is sealed).
    fn content(&self) -> Value {
        match self {
            Entity::Request(r) => json!({"folder": r.folder, "request": r}),
            Entity::Environment(e) => json!({"environment": e}),
            Entity::Suite(s) => json!({"suite": s}),
        }
    }
}

/// A side's entities by key, with the hash of their form.
fn entities(b: &Bundle) -> Result<BTreeMap<String, (Entity, String)>> {
    let mut out = BTreeMap::new();
    let mut put = |key: String, e: Entity| -> Result<()> {
        let hash = sha256(&e.form()?);
        out.insert(key, (e, hash));
        Ok(())
    };
    for r in &b.requests {
        put(request_key(r), Entity::Request(Box::new(r.clone())))?;
    }
    for e in &b.environments {
        put(environment_key(&e.name), Entity::Environment(e.clone()))?;
    }
    for s in &b.suites {
        put(suite_key(&s.name), Entity::Suite(s.clone()))?;
    }
    Ok(out)
}

/// A sync in progress: both sides read, the base, and what has been done.
struct Sync<'a> {
    store: &'a mut Store,
    collection: Collection,
    dir: PathBuf,
    disk: Bundle,
    theirs: BTreeMap<String, (Entity, String)>,
    mine: BTreeMap<String, (Entity, String)>,
    base: BTreeMap<String, String>,
    report: SyncReport,
}

/// Links a stored collection to a folder and syncs them. A first link has no base: what
/// differs on both sides is a conflict, never overwritten.
pub fn link(store: &mut Store, name: &str, dir: &Path) -> Result<SyncReport> {
    let real = std::fs::canonicalize(dir).map_err(|e| ExchangeError::Read {
        path: dir.display().to_string(),
        detail: e.to_string(),
    })?;
    let c = store.collection(name)?;
    if store.link(c.id)?.is_some_and(|l| l.dir == real) {
        return sync(store, name);
    }
    store.set_link(c.id, &real)?;
    sync(store, name)
}

/// The folder a collection is linked to, if any.
pub fn linked_dir(store: &Store, name: &str) -> Result<Option<PathBuf>> {
    let c = store.collection(name)?;
    Ok(store.link(c.id)?.map(|l| l.dir))
}

/// The id of the folder at `path` of names, if the store has it.
pub(crate) fn folder_id_of(
    store: &Store,
    collection_id: i64,
    path: &[String],
) -> Result<Option<i64>> {
    Ok(folder_ids(store, collection_id)?.remove(path))
}

/// Every folder of a collection by its path of names.
fn folder_ids(store: &Store, collection_id: i64) -> Result<HashMap<Vec<String>, i64>> {
    let mut paths: HashMap<i64, Vec<String>> = HashMap::new();
    // Parents come before children.
    for f in store.folders(collection_id)? {
        let mut path = f
            .parent_id
            .and_then(|p| paths.get(&p).cloned())
            .unwrap_or_default();
        path.push(f.name);
        paths.insert(f.id, path);
    }
    Ok(paths.into_iter().map(|(id, path)| (path, id)).collect())
}

/// Renames a linked collection: the store and its folder's `collection.yaml` together (a
/// folder naming another collection is refused at the next sync). The store keeps the old
/// name when the file cannot be written.
pub fn rename(store: &mut Store, name: &str, to: &str) -> Result<()> {
    let dir = linked_dir(store, name)?;
    store.rename_collection(name, to)?;
    let Some(dir) = dir else {
        return Ok(());
    };
    if let Err(e) = write_head(store, to, &dir, &[]) {
        store.rename_collection(to, name)?;
        return Err(e);
    }
    Ok(())
}

/// Writes what the window changed of a linked folder's own files: `collection.yaml` (path
/// empty) or the `folder.yaml` of the folder at `path` (when the folder has one yet; one made
/// later is written with its auth).
pub fn write_head(store: &Store, name: &str, dir: &Path, path: &[String]) -> Result<()> {
    let werr = |p: &Path, e: std::io::Error| ExchangeError::Write {
        path: p.display().to_string(),
        detail: e.to_string(),
    };
    let bundle = super::from_store(store, name)?;
    if path.is_empty() {
        let file = dir.join("collection.yaml");
        let head = super::folder::head_form(&bundle)?;
        return atomic_write(&file, &head).map_err(|e| werr(&file, e));
    }
    let Some(meta) = read_folder(dir)?.files.remove(&folder_key(path)) else {
        return Ok(());
    };
    let rel = meta.strip_prefix(dir).unwrap_or(&meta).to_path_buf();
    no_symlink(dir, &rel).map_err(|detail| ExchangeError::Write {
        path: meta.display().to_string(),
        detail,
    })?;
    let f = bundle.folders.iter().find(|f| f.path == path);
    let (Some(f), Some(name)) = (f, path.last()) else {
        return Ok(());
    };
    atomic_write(&meta, &folder_form(name, f.seq, f.auth.as_ref())?).map_err(|e| werr(&meta, e))
}

/// Syncs a linked collection with its folder (see the module's text).
pub fn sync(store: &mut Store, name: &str) -> Result<SyncReport> {
    let mut s = Sync::begin(store, name)?;
    s.apply_head()?;
    let keys: BTreeSet<String> = s
        .theirs
        .keys()
        .chain(s.mine.keys())
        .chain(s.base.keys())
        .cloned()
        .collect();
    // Suites last: they name requests.
    let (suites, rest): (Vec<String>, Vec<String>) =
        keys.into_iter().partition(|k| k.starts_with("suite:"));
    for key in rest.iter().chain(&suites) {
        s.merge(key, None)?;
    }
    s.apply_folder_auth()?;
    s.finish()
}

/// Ends a conflict by keeping one side: `Mine` writes the store's version to the folder,
/// `Theirs` moves the store's version to the trash and takes the folder's.
pub fn resolve(store: &mut Store, name: &str, key: &str, keep: Keep) -> Result<SyncReport> {
    let mut s = Sync::begin(store, name)?;
    s.merge(key, Some(keep))?;
    s.finish()
}

/// Puts an item of the trash back into the store (under a new name if the old one is taken),
/// then syncs, which writes it to the folder again.
pub fn restore(store: &mut Store, name: &str, id: i64) -> Result<SyncReport> {
    let c = store.collection(name)?;
    let (_, content) = store.trash_take(c.id, id)?;
    let bad = |detail: String| ExchangeError::Format {
        path: format!("trash item {id}"),
        detail,
    };
    if let Some(r) = content.get("request") {
        let mut r: BundleRequest =
            serde_json::from_value(r.clone()).map_err(|e| bad(e.to_string()))?;
        r.folder = serde_json::from_value(content["folder"].clone()).unwrap_or_default();
        let taken: BTreeSet<String> = super::from_store(store, name)?
            .requests
            .iter()
            .filter(|o| o.folder == r.folder)
            .map(|o| o.name.clone())
            .collect();
        r.name = free_name(&r.name, |n| taken.contains(n));
        put_request(store, &c, &r, None)?;
    } else if let Some(e) = content.get("environment") {
        let mut env: Environment = environment_from(e).map_err(bad)?;
        let taken = store.environments(Some(c.id))?;
        env.name = free_name(&env.name, |n| taken.iter().any(|t| t == n));
        store.save_environment(Some(c.id), &env)?;
    } else if let Some(s) = content.get("suite") {
        let mut suite: BundleSuite =
            serde_json::from_value(s.clone()).map_err(|e| bad(e.to_string()))?;
        let taken = store.suites(c.id)?;
        suite.name = free_name(&suite.name, |n| taken.iter().any(|t| t == n));
        put_suite(store, &c, &suite)?;
    }
    if store.link(c.id)?.is_some() {
        sync(store, name)
    } else {
        Ok(SyncReport {
            collection: name.into(),
            ..SyncReport::default()
        })
    }
}

/// An environment as the trash keeps it (secret values and their origins included).
fn environment_from(v: &Value) -> std::result::Result<Environment, String> {
    #[derive(serde::Deserialize)]
    struct Var {
        value: String,
        secret: bool,
        #[serde(default)]
        origins: Vec<String>,
    }
    #[derive(serde::Deserialize)]
    struct Env {
        name: String,
        variables: indexmap::IndexMap<String, Var>,
        auth: indexmap::IndexMap<String, crate::request::Credentials>,
    }
    let e: Env = serde_json::from_value(v.clone()).map_err(|e| e.to_string())?;
    Ok(Environment {
        name: e.name,
        variables: e
            .variables
            .into_iter()
            .map(|(k, v)| {
                let var = crate::request::Variable {
                    value: v.value,
                    secret: v.secret,
                    origins: v.origins,
                };
                (k, var)
            })
            .collect(),
        auth: e.auth,
    })
}

/// `name`, or `name (restored)`, `name (restored 2)`… whichever is free.
fn free_name(name: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_string();
    }
    (1..)
        .map(|n| match n {
            1 => format!("{name} (restored)"),
            n => format!("{name} (restored {n})"),
        })
        .find(|n| !taken(n))
        .unwrap_or_else(|| name.to_string())
}

/// The store's id of a folder path, made where missing (None: the top); a new folder's
/// `seq` from `seqs` (else 0).
pub(crate) fn folder_id(
    store: &mut Store,
    collection_id: i64,
    path: &[String],
    seqs: &HashMap<Vec<String>, i64>,
) -> Result<Option<i64>> {
    let mut ids: HashMap<(Option<i64>, String), i64> = HashMap::new();
    for f in store.folders(collection_id)? {
        ids.insert((f.parent_id, f.name.clone()), f.id);
    }
    let mut parent = None;
    for (i, name) in path.iter().enumerate() {
        parent = Some(match ids.get(&(parent, name.clone())) {
            Some(id) => *id,
            None => {
                let seq = seqs.get(&path[..=i].to_vec()).copied().unwrap_or(0);
                store.create_folder(collection_id, parent, name, seq)?.id
            }
        });
    }
    Ok(parent)
}

/// Writes a request into the store: over the one of the same key, else as a new one.
fn put_request(
    store: &mut Store,
    c: &Collection,
    r: &BundleRequest,
    seqs: Option<&HashMap<Vec<String>, i64>>,
) -> Result<()> {
    let folder_id = folder_id(store, c.id, &r.folder, seqs.unwrap_or(&HashMap::new()))?;
    let existing = store
        .requests(c.id)?
        .into_iter()
        .find(|o| o.folder_id == folder_id && o.name == r.name);
    let saved = SavedRequest {
        id: existing.as_ref().map_or(0, |o| o.id),
        folder_id,
        name: r.name.clone(),
        seq: r.seq,
        operation_id: r.operation_id.clone(),
        draft: r.draft.clone(),
        assertions: if r.assertions.is_null() {
            json!([])
        } else {
            r.assertions.clone()
        },
        extractions: if r.extractions.is_null() {
            json!([])
        } else {
            r.extractions.clone()
        },
        scripts: serde_json::to_value(&r.scripts).unwrap_or_else(|_| json!([])),
    };
    match existing {
        Some(_) => store.update_request(&saved)?,
        None => {
            store.save_request(c.id, &saved)?;
        }
    }
    Ok(())
}

/// Writes a suite into the store (replacing the one of that name); steps naming a request
/// the store does not hold are left out, and returned.
fn put_suite(store: &mut Store, c: &Collection, s: &BundleSuite) -> Result<Vec<String>> {
    let ids: HashMap<String, i64> = {
        let bundle = super::from_store(store, &c.name)?;
        let keys: Vec<String> = bundle.requests.iter().map(|r| r.key()).collect();
        // from_store lists requests in the store's order: the same as requests().
        keys.into_iter()
            .zip(store.requests(c.id)?.into_iter().map(|r| r.id))
            .collect()
    };
    let mut missing = Vec::new();
    let mut steps = Vec::new();
    for st in &s.steps {
        match ids.get(&st.request) {
            Some(id) => steps.push(SuiteStep {
                request_id: *id,
                overrides: if st.overrides.is_null() {
                    json!({})
                } else {
                    st.overrides.clone()
                },
            }),
            None => missing.push(st.request.clone()),
        }
    }
    store.delete_suite(c.id, &s.name)?;
    store.create_suite(c.id, &s.name, &steps)?;
    Ok(missing)
}

/// The folder's environment, with what this machine keeps of the stored one: secret values
/// (and their origins) and literal credentials, which the folder never holds.
fn merged_environment(theirs: &Environment, mine: Option<&Environment>) -> Environment {
    let mut env = theirs.clone();
    let Some(mine) = mine else {
        return env;
    };
    for (name, v) in env.variables.iter_mut() {
        if let Some(kept) = mine.variables.get(name).filter(|k| k.secret && v.secret) {
            if v.value.is_empty() {
                v.clone_from(kept);
            }
        }
    }
    for (scheme, c) in env.auth.iter_mut() {
        if let Some(k) = mine.auth.get(scheme) {
            let keep = |ours: &mut Option<String>, kept: &Option<String>| {
                if ours.is_none() {
                    ours.clone_from(kept);
                }
            };
            keep(&mut c.token, &k.token);
            keep(&mut c.password, &k.password);
            keep(&mut c.value, &k.value);
            keep(&mut c.client_secret, &k.client_secret);
        }
    }
    env
}

impl<'a> Sync<'a> {
    fn begin(store: &'a mut Store, name: &str) -> Result<Sync<'a>> {
        let collection = store.collection(name)?;
        let link = store
            .link(collection.id)?
            .ok_or_else(|| ExchangeError::Format {
                path: name.into(),
                detail: "the collection is not linked to a folder".into(),
            })?;
        let mut disk = read_folder(&link.dir)?;
        if disk.name != collection.name {
            return Err(ExchangeError::Format {
                path: link.dir.display().to_string(),
                detail: format!(
                    "the folder now holds collection `{}`, not `{}`: link it again",
                    disk.name, collection.name
                ),
            });
        }
        // Literal credentials committed to the folder become secrets here, as on import.
        secrets::lift(&mut disk);
        let theirs = entities(&disk)?;
        let mine = entities(&super::from_store(store, name)?)?;
        Ok(Sync {
            report: SyncReport {
                collection: collection.name.clone(),
                dir: link.dir.display().to_string(),
                ..SyncReport::default()
            },
            store,
            collection,
            dir: link.dir,
            disk,
            theirs,
            mine,
            base: link.base,
        })
    }

    /// The collection's own file: the folder's always wins (the window does not edit it).
    fn apply_head(&mut self) -> Result<()> {
        let c = &self.collection;
        if self.disk.description != c.description {
            self.store.set_description(c.id, &self.disk.description)?;
        }
        if self.disk.accept_status != c.accept_status {
            self.store
                .set_accept_status(c.id, &self.disk.accept_status)?;
        }
        if self.store.collection_auth(c.id)? != self.disk.auth {
            self.store
                .set_collection_auth(c.id, self.disk.auth.as_ref())?;
        }

        if let Some(spec) = &self.disk.spec {
            match &spec.copy {
                Some(bytes) if c.spec_sha256.as_deref() != Some(sha256(bytes).as_str()) => {
                    self.store.set_spec(c.id, &spec.source, bytes)?;
                }
                None if c.spec_source.as_deref() != Some(spec.source.as_str()) => {
                    self.store.set_spec_source(c.id, &spec.source)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Each folder's auth is its `folder.yaml`'s, as the head is the folder's (the window
    /// writes the file when it sets one). Run after the merges, which make new folders.
    fn apply_folder_auth(&mut self) -> Result<()> {
        let c = self.collection.id;
        let mut stored = self.store.folder_auths(c)?;
        let ids = folder_ids(self.store, c)?;
        for f in &self.disk.folders {
            if let Some(&id) = ids.get(&f.path) {
                if stored.remove(&id) != f.auth {
                    self.store.set_folder_auth(id, f.auth.as_ref())?;
                }
            }
        }
        Ok(())
    }

    /// Merges one entity (or ends its conflict with `keep`).
    fn merge(&mut self, key: &str, keep: Option<Keep>) -> Result<()> {
        let theirs = self.theirs.get(key).map(|(_, h)| h.clone());
        let mine = self.mine.get(key).map(|(_, h)| h.clone());
        let base = self.base.get(key).cloned();
        let decision = match keep {
            Some(k) => k,
            None if theirs == mine => {
                self.set_base(key, mine);
                return Ok(());
            }
            None if theirs == base => Keep::Mine,
            None if mine == base => Keep::Theirs,
            None => {
                let side = |h: &Option<String>| if h.is_some() { "changed" } else { "removed" };
                self.report.conflicts.push(Conflict {
                    key: key.into(),
                    file: self.disk.files.get(key).map(|p| p.display().to_string()),
                    detail: match base {
                        None => "added here and in the folder, differently".into(),
                        Some(_) => format!(
                            "{} here and {} in the folder since the last sync",
                            side(&mine),
                            side(&theirs)
                        ),
                    },
                });
                return Ok(());
            }
        };
        match decision {
            Keep::Mine => {
                if self.write_mine(key)? {
                    self.set_base(key, mine);
                }
            }
            Keep::Theirs => {
                self.take_theirs(key, keep.is_some())?;
                self.set_base(key, theirs);
            }
        }
        Ok(())
    }

    fn set_base(&mut self, key: &str, hash: Option<String>) {
        match hash {
            Some(h) => self.base.insert(key.into(), h),
            None => self.base.remove(key),
        };
    }

    /// The store's side into the folder: its file written, or removed. False when held back.
    fn write_mine(&mut self, key: &str) -> Result<bool> {
        let Some((entity, _)) = self.mine.get(key) else {
            if let Some(path) = self.disk.files.get(key).cloned() {
                let rel = path.strip_prefix(&self.dir).unwrap_or(&path).to_path_buf();
                if let Err(why) = no_symlink(&self.dir, &rel) {
                    self.report.held.push(format!("{key}: {why}"));
                    return Ok(false);
                }
                std::fs::remove_file(&path).map_err(|e| ExchangeError::Write {
                    path: path.display().to_string(),
                    detail: e.to_string(),
                })?;
                remove_empty_parents(&self.dir, &path);
                self.report.removed.push(rel.display().to_string());
            }
            return Ok(true);
        };
        let bytes = entity.form()?;
        let found = secrets::scan(&String::from_utf8_lossy(&bytes));
        if !found.is_empty() {
            self.report.held.push(format!(
                "{key}: not written to the folder, it holds what looks like a credential ({}): make it a secret variable",
                found.join("; ")
            ));
            return Ok(false);
        }
        let path = match self.disk.files.get(key) {
            Some(p) => p.clone(),
            None => self.place(key)?,
        };
        let rel = path.strip_prefix(&self.dir).unwrap_or(&path).to_path_buf();
        if let Err(why) = no_symlink(&self.dir, &rel) {
            self.report.held.push(format!("{key}: {why}"));
            return Ok(false);
        }
        let werr = |p: &Path, e: std::io::Error| ExchangeError::Write {
            path: p.display().to_string(),
            detail: e.to_string(),
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| werr(parent, e))?;
        }
        atomic_write(&path, &bytes).map_err(|e| werr(&path, e))?;
        self.disk.files.insert(key.into(), path);
        self.report.written.push(key.into());
        Ok(true)
    }

    /// A new file for an entity the folder does not have yet, named after it.
    fn place(&mut self, key: &str) -> Result<PathBuf> {
        let (folder, name) = match self.mine.get(key) {
            Some((Entity::Request(r), _)) => (Some(r.folder.clone()), r.name.clone()),
            Some((Entity::Environment(e), _)) => (None, e.name.clone()),
            Some((Entity::Suite(s), _)) => (None, s.name.clone()),
            None => return Ok(self.dir.join("unnamed.yaml")),
        };
        let (dir, top) = match folder {
            Some(folder) => (self.folder_dir(&folder)?, folder.is_empty()),
            None if key.starts_with("suite:") => (self.dir.join("suites"), false),
            None => (self.dir.join("environments"), false),
        };
        Ok(dir.join(format!("{}.yaml", free_file(&dir, &slug(&name), top))))
    }

    /// The folder's directory for a path of folder names, made (with its `folder.yaml`)
    /// where missing.
    fn folder_dir(&mut self, path: &[String]) -> Result<PathBuf> {
        let mut dir = self.dir.clone();
        for i in 0..path.len() {
            let key = folder_key(&path[..=i]);
            if let Some(meta) = self.disk.files.get(&key) {
                dir = meta.parent().map(Path::to_path_buf).unwrap_or(dir);
                continue;
            }
            let sub = dir.join(free_file(&dir, &slug(&path[i]), i == 0));
            let stored = self
                .store
                .folders(self.collection.id)?
                .into_iter()
                .find(|f| f.name == path[i]);
            let seq = stored.as_ref().map_or(0, |f| f.seq);
            let auth = match &stored {
                Some(f) => self.store.folder_auths(self.collection.id)?.remove(&f.id),
                None => None,
            };
            let meta = sub.join("folder.yaml");
            let rel = meta.strip_prefix(&self.dir).unwrap_or(&meta).to_path_buf();
            no_symlink(&self.dir, &rel).map_err(|detail| ExchangeError::Write {
                path: meta.display().to_string(),
                detail,
            })?;
            let werr = |e: std::io::Error| ExchangeError::Write {
                path: meta.display().to_string(),
                detail: e.to_string(),
            };
            std::fs::create_dir_all(&sub).map_err(werr)?;
            atomic_write(&meta, &folder_form(&path[i], seq, auth.as_ref())?).map_err(werr)?;
            self.disk.files.insert(key, meta);
            dir = sub;
        }
        Ok(dir)
    }

    /// The folder's side into the store: taken, or (removed in the folder) moved to the trash.
    fn take_theirs(&mut self, key: &str, resolving: bool) -> Result<()> {
        let c = self.collection.clone();
        let mine = self.mine.remove(key).map(|(e, _)| e);
        if let Some(entity) = &mine {
            let gone = !self.theirs.contains_key(key);
            if gone || resolving {
                let reason = if gone {
                    "removed in the folder"
                } else {
                    "replaced by the folder's version (conflict)"
                };
                self.store.trash_put(c.id, key, reason, &entity.content())?;
            }
            if gone {
                match entity {
                    Entity::Request(r) => {
                        let id =
                            self.stored_request_id(r)?
                                .ok_or_else(|| StoreError::NotFound {
                                    what: "request",
                                    name: r.key(),
                                })?;
                        self.store.delete_request(id)?;
                    }
                    Entity::Environment(e) => self.store.delete_environment(c.id, &e.name)?,
                    Entity::Suite(s) => self.store.delete_suite(c.id, &s.name)?,
                }
                self.report.trashed.push(key.into());
                return Ok(());
            }
        }
        let Some((entity, _)) = self.theirs.get(key) else {
            return Ok(());
        };
        match entity {
            Entity::Request(r) => {
                let seqs: HashMap<Vec<String>, i64> = self
                    .disk
                    .folders
                    .iter()
                    .map(|f| (f.path.clone(), f.seq))
                    .collect();
                put_request(self.store, &c, r, Some(&seqs))?;
            }
            Entity::Environment(e) => {
                let mine = match &mine {
                    Some(Entity::Environment(m)) => Some(m),
                    _ => None,
                };
                let mut env = merged_environment(e, mine);
                // A literal credential committed to the folder (lifted into a secret) goes
                // where its environment points, as on import; kept values keep their origins.
                env.bind_secrets();
                self.store.save_environment(Some(c.id), &env)?;
            }
            Entity::Suite(s) => {
                for step in put_suite(self.store, &c, s)? {
                    self.report.held.push(format!(
                        "{key}: step `{step}` names no request of the collection: left out"
                    ));
                }
            }
        }
        self.report.taken.push(key.into());
        Ok(())
    }

    fn stored_request_id(&mut self, r: &BundleRequest) -> Result<Option<i64>> {
        let bundle = super::from_store(self.store, &self.collection.name)?;
        let ids = self.store.requests(self.collection.id)?;
        Ok(bundle
            .requests
            .iter()
            .zip(ids)
            .find(|(b, _)| b.key() == r.key())
            .map(|(_, s)| s.id))
    }

    fn finish(self) -> Result<SyncReport> {
        self.store.set_link_base(self.collection.id, &self.base)?;
        Ok(self.report)
    }
}

/// A file or folder name in `dir`, from `stem`, that nothing there has yet (reserved names
/// at the top of the collection kept free).
fn free_file(dir: &Path, stem: &str, top: bool) -> String {
    let reserved = |s: &str| {
        s == "folder" || (top && matches!(s, "collection" | "environments" | "suites" | "openapi"))
    };
    let taken =
        |s: &str| reserved(s) || dir.join(s).exists() || dir.join(format!("{s}.yaml")).exists();
    if !taken(stem) {
        return stem.to_string();
    }
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|s| !taken(s))
        .unwrap_or_else(|| stem.to_string())
}
