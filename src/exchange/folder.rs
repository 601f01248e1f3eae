//! The Vouch collection folder: what teams commit.
//!
//! ```text
//! shop/
//!   collection.yaml          version, name, description, spec (relative path or URL)
//!   openapi.json             a copy of the spec when it was a local file
//!   environments/local.yaml  variables; secret ones by name only
//!   items/folder.yaml        folder name and seq
//!   items/create-item.yaml   one file per request, named after it
//!   suites/smoke.yaml        steps naming requests by path
//! ```
//!
//! Keys come in a fixed order, nothing depends on time or ids, and a file's name depends only
//! on its request's name (so moving one request moves one file). Names become file names
//! through [`slug`], which never leaves the folder.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::{
    secrets, Bundle, BundleFolder, BundleRequest, BundleSuite, ExchangeError, Result, SpecLink,
};
use crate::request::Environment;

/// The folder format version this Vouch writes (and the newest it reads).
///
/// 2: environment files use the one environment format ([`Environment::from_bytes`]):
/// `variables` as a map, credentials under `auth`; version 1's list shape is still read.
pub const FORMAT_VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
struct CollectionFile {
    version: u32,
    name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    spec: Option<String>,
    /// Undeclared statuses accepted as warnings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    accept_status: Vec<u16>,
    /// Auth the requests inherit (secrets as `{{variable}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auth: Option<crate::request::Auth>,
}

#[derive(Serialize, Deserialize)]
struct FolderFile {
    name: String,
    seq: i64,
    /// Auth the folder's requests inherit (secrets as `{{variable}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    auth: Option<crate::request::Auth>,
}

/// An environment as a shared file writes it: the one environment format, secrets by name.
#[derive(Serialize)]
struct EnvironmentFile {
    name: String,
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    variables: IndexMap<String, VariableOut>,
    /// Credentials per security scheme, as far as they name variables (`{{token}}`); literal
    /// values are secrets and stay on the machine.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    auth: IndexMap<String, crate::request::Credentials>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum VariableOut {
    Plain(String),
    Secret { secret: bool },
}

impl EnvironmentFile {
    fn of(env: &Environment) -> EnvironmentFile {
        let template = |v: &Option<String>| v.clone().filter(|v| v.contains("{{"));
        EnvironmentFile {
            name: env.name.clone(),
            variables: env
                .variables
                .iter()
                .map(|(name, v)| {
                    let out = if v.secret {
                        VariableOut::Secret { secret: true }
                    } else {
                        VariableOut::Plain(v.value.clone())
                    };
                    (name.clone(), out)
                })
                .collect(),
            auth: env
                .auth
                .iter()
                .map(|(scheme, c)| {
                    let shared = crate::request::Credentials {
                        token: template(&c.token),
                        username: c.username.clone(),
                        password: template(&c.password),
                        value: template(&c.value),
                        client_id: c.client_id.clone(),
                        client_secret: template(&c.client_secret),
                        scopes: c.scopes.clone(),
                    };
                    (scheme.clone(), shared)
                })
                .collect(),
        }
    }
}

/// A name made safe as a file or folder name on every file system: lowercase ASCII letters,
/// digits and `-`, at most 60 characters, never empty, never `.`/`..`, never a path.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "unnamed".into()
    } else {
        out
    }
}

/// Picks `base`, or `base-2`, `base-3`… whichever is not taken yet.
fn unique(base: String, taken: &mut HashSet<String>) -> String {
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

fn yaml<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_saphyr::to_string(value)
        .map(String::into_bytes)
        .map_err(|e| ExchangeError::Write {
            path: "YAML".into(),
            detail: e.to_string(),
        })
}

/// A request's file, as the folder holds it.
pub(crate) fn request_form(r: &BundleRequest) -> Result<Vec<u8>> {
    yaml(r)
}

/// An environment's file, as the folder holds it (secret values left out).
pub(crate) fn environment_form(env: &Environment) -> Result<Vec<u8>> {
    yaml(&EnvironmentFile::of(env))
}

/// A suite's file, as the folder holds it.
pub(crate) fn suite_form(s: &BundleSuite) -> Result<Vec<u8>> {
    yaml(s)
}

/// A folder's `folder.yaml`.
pub(crate) fn folder_form(
    name: &str,
    seq: i64,
    auth: Option<&crate::request::Auth>,
) -> Result<Vec<u8>> {
    yaml(&FolderFile {
        name: name.into(),
        seq,
        auth: auth.cloned(),
    })
}

/// Where `collection.yaml` says the spec is: the copy written beside it (for a local file),
/// else the URL.
fn spec_file(bundle: &Bundle) -> Option<String> {
    bundle.spec.as_ref().map(|s| match &s.copy {
        Some(_) => {
            let ext = Path::new(&s.source)
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .filter(|e| matches!(e.as_str(), "json" | "yaml" | "yml"))
                .unwrap_or_else(|| "json".into());
            format!("openapi.{ext}")
        }
        None => s.source.clone(),
    })
}

/// A collection's `collection.yaml`.
pub(crate) fn head_form(bundle: &Bundle) -> Result<Vec<u8>> {
    yaml(&CollectionFile {
        version: FORMAT_VERSION,
        name: bundle.name.clone(),
        description: bundle.description.clone(),
        spec: spec_file(bundle),
        accept_status: bundle.accept_status.clone(),
        auth: bundle.auth.clone(),
    })
}

/// Renders a bundle as the files of a folder (relative path → content), without writing.
// Kept whole: one file kind after another, sharing the taken-names sets that keep file names unique.
pub fn render(bundle: &Bundle) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files = BTreeMap::new();
    let spec_file = spec_file(bundle);
    files.insert(PathBuf::from("collection.yaml"), head_form(bundle)?);
    if let (
        Some(SpecLink {
            copy: Some(bytes), ..
        }),
        Some(file),
    ) = (&bundle.spec, &spec_file)
    {
        files.insert(PathBuf::from(file), bytes.clone());
    }
    // Folder names → directories, reserved names kept free at each level.
    let mut dirs: BTreeMap<Vec<String>, PathBuf> = BTreeMap::new();
    dirs.insert(Vec::new(), PathBuf::new());
    let mut taken: BTreeMap<PathBuf, HashSet<String>> = BTreeMap::new();
    let reserved = |at_top: bool| -> HashSet<String> {
        let mut s: HashSet<String> = ["folder"].iter().map(|s| s.to_string()).collect();
        if at_top {
            s.extend(["collection", "environments", "suites", "openapi"].map(String::from));
        }
        s
    };
    let mut folders = bundle.folders.clone();
    folders.sort_by(|a, b| (a.path.len(), a.seq, &a.path).cmp(&(b.path.len(), b.seq, &b.path)));
    for f in &folders {
        let Some((name, parent)) = f.path.split_last() else {
            continue;
        };
        let parent_dir = dirs
            .get(parent)
            .cloned()
            .ok_or_else(|| ExchangeError::Format {
                path: bundle.name.clone(),
                detail: format!("folder `{}` has no parent folder", f.path.join("/")),
            })?;
        let set = taken
            .entry(parent_dir.clone())
            .or_insert_with(|| reserved(parent.is_empty()));
        let dir = parent_dir.join(unique(slug(name), set));
        files.insert(
            dir.join("folder.yaml"),
            folder_form(name, f.seq, f.auth.as_ref())?,
        );
        dirs.insert(f.path.clone(), dir);
    }
    let mut requests: Vec<&BundleRequest> = bundle.requests.iter().collect();
    requests.sort_by(|a, b| (&a.folder, a.seq, &a.name).cmp(&(&b.folder, b.seq, &b.name)));
    for r in requests {
        let dir = dirs
            .get(&r.folder)
            .cloned()
            .ok_or_else(|| ExchangeError::Format {
                path: bundle.name.clone(),
                detail: format!("request `{}` is in a missing folder", r.key()),
            })?;
        let set = taken
            .entry(dir.clone())
            .or_insert_with(|| reserved(r.folder.is_empty()));
        let file = dir.join(format!("{}.yaml", unique(slug(&r.name), set)));
        files.insert(file, yaml(r)?);
    }
    let mut seen = HashSet::new();
    let mut envs: Vec<&Environment> = bundle.environments.iter().collect();
    envs.sort_by(|a, b| a.name.cmp(&b.name));
    for env in envs {
        let file = EnvironmentFile::of(env);
        let path = PathBuf::from("environments")
            .join(format!("{}.yaml", unique(slug(&env.name), &mut seen)));
        files.insert(path, yaml(&file)?);
    }
    let mut seen = HashSet::new();
    let mut suites: Vec<&BundleSuite> = bundle.suites.iter().collect();
    suites.sort_by(|a, b| a.name.cmp(&b.name));
    for s in suites {
        let path =
            PathBuf::from("suites").join(format!("{}.yaml", unique(slug(&s.name), &mut seen)));
        files.insert(path, yaml(s)?);
    }
    Ok(files)
}

/// The file an export keeps of what it wrote (`sha256  path` per line): the next export
/// touches only those files, and only when they are unchanged since.
pub const MANIFEST: &str = ".vouch-manifest";

pub(crate) fn sha256(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes a bundle as a folder at `dir`. The files are rendered and scanned for credentials
/// first (refused unless `force`). An earlier export of the same collection is updated: the
/// export touches only the files its manifest lists, never one changed on disk since (unless
/// `force`), writes each file atomically before removing any it no longer needs, and never
/// follows a symlink. A folder holding another collection, or other files in the places
/// the export would write, is refused.
pub fn write_folder(bundle: &Bundle, dir: &Path, force: bool) -> Result<Vec<PathBuf>> {
    let files = render(bundle)?;
    if !force {
        let found: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "yaml") && p.iter().count() > 0)
            .filter(|(p, _)| !is_spec_copy(p))
            .flat_map(|(p, bytes)| {
                secrets::scan(&String::from_utf8_lossy(bytes))
                    .into_iter()
                    .map(move |f| format!("{}: {f}", p.display()))
            })
            .collect();
        if !found.is_empty() {
            return Err(ExchangeError::Secrets { found });
        }
    }
    let werr = |p: &Path, detail: String| ExchangeError::Write {
        path: p.display().to_string(),
        detail,
    };
    let owned = previous_export(bundle, dir)?;
    // What would be overwritten must be ours and unchanged since we wrote it.
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        no_symlink(dir, rel).map_err(|d| werr(&path, d))?;
        let Ok(current) = std::fs::read(&path) else {
            continue;
        };
        if &current == bytes {
            continue;
        }
        let ours = owned.get(rel).is_some_and(|h| *h == sha256(&current));
        if !ours && !force {
            return Err(werr(
                &path,
                "changed since the last export, or not written by Vouch: export elsewhere, or force it".into(),
            ));
        }
    }
    let mut written = Vec::new();
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| werr(parent, e.to_string()))?;
        }
        atomic_write(&path, bytes).map_err(|e| werr(&path, e.to_string()))?;
        written.push(path);
    }
    // Only now: what the last export wrote and this one does not, if unchanged since.
    for (rel, hash) in &owned {
        let path = dir.join(rel);
        if files.contains_key(rel) || no_symlink(dir, rel).is_err() {
            continue;
        }
        if std::fs::read(&path).is_ok_and(|b| sha256(&b) == *hash) {
            std::fs::remove_file(&path).map_err(|e| werr(&path, e.to_string()))?;
            remove_empty_parents(dir, &path);
        }
    }
    let manifest: String = files
        .iter()
        .map(|(rel, bytes)| format!("{}  {}\n", sha256(bytes), rel.display()))
        .collect();
    let path = dir.join(MANIFEST);
    atomic_write(&path, manifest.as_bytes()).map_err(|e| werr(&path, e.to_string()))?;
    Ok(written)
}

/// The files an earlier export into `dir` wrote, with their hashes; empty for a new or empty
/// folder. Refused: a symlink, a folder of another collection, a non-empty folder that is no
/// collection.
fn previous_export(bundle: &Bundle, dir: &Path) -> Result<BTreeMap<PathBuf, String>> {
    let werr = |detail: String| ExchangeError::Write {
        path: dir.display().to_string(),
        detail,
    };
    let Ok(meta) = std::fs::symlink_metadata(dir) else {
        return Ok(BTreeMap::new());
    };
    if meta.file_type().is_symlink() || !meta.is_dir() {
        return Err(werr("not a folder (a symlink or a file)".into()));
    }
    let head = dir.join("collection.yaml");
    if !head.is_file() {
        let empty = std::fs::read_dir(dir)
            .map_err(|e| werr(e.to_string()))?
            .next()
            .is_none();
        return if empty {
            Ok(BTreeMap::new())
        } else {
            Err(werr(
                "the folder is not empty and holds no Vouch collection".into(),
            ))
        };
    }
    let other: CollectionFile = read_yaml(&head)?;
    if other.name != bundle.name {
        return Err(werr(format!(
            "the folder holds another collection, `{}`",
            other.name
        )));
    }
    let text = std::fs::read_to_string(dir.join(MANIFEST)).unwrap_or_default();
    Ok(text
        .lines()
        .filter_map(|l| l.split_once("  "))
        .map(|(hash, rel)| (PathBuf::from(rel), hash.to_string()))
        // A manifest is shared material too: only plain relative paths inside the folder.
        .filter(|(rel, _)| {
            rel.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        })
        .collect())
}

/// Refuses a path under `dir` that goes through a symlink (or is one).
pub(crate) fn no_symlink(dir: &Path, rel: &Path) -> std::result::Result<(), String> {
    let mut at = dir.to_path_buf();
    for c in rel.components() {
        at.push(c);
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(format!("{} is a symlink: not followed", at.display()))
            }
            _ => {}
        }
    }
    Ok(())
}

/// Writes a file whole or not at all: a temporary file beside it, then a rename.
pub(crate) fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".vouch-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Removes the folders above `file` (inside `dir`) that are left empty.
pub(crate) fn remove_empty_parents(dir: &Path, file: &Path) {
    let mut at = file.parent();
    while let Some(d) = at.filter(|d| *d != dir && d.starts_with(dir)) {
        if std::fs::remove_dir(d).is_err() {
            break;
        }
        at = d.parent();
    }
}

fn is_spec_copy(p: &Path) -> bool {
    p.parent() == Some(Path::new("")) && p.file_stem().is_some_and(|s| s == "openapi")
}

fn read_yaml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T> {
    let shown = path.display().to_string();
    let bytes = super::read_file(path)?;
    let doc = crate::spec::parse_document(&bytes, &shown).map_err(|e| ExchangeError::Format {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    serde_json::from_value(doc).map_err(|e| ExchangeError::Format {
        path: shown,
        detail: e.to_string(),
    })
}

/// The spec a folder's `collection.yaml` names: a URL, or a file inside the folder.
fn spec_link(dir: &Path, spec: Option<String>) -> Result<Option<SpecLink>> {
    Ok(match spec {
        None => None,
        // Only a web URL: `file:///…` would read any file of the machine.
        Some(s) if s.starts_with("https://") || s.starts_with("http://") => Some(SpecLink {
            source: s,
            copy: None,
        }),
        Some(s) => {
            let rel = Path::new(&s);
            if rel.is_absolute()
                || rel
                    .components()
                    .any(|c| matches!(c, std::path::Component::ParentDir))
            {
                return Err(ExchangeError::Format {
                    path: dir.join("collection.yaml").display().to_string(),
                    detail: format!("spec `{s}` must be a URL or a file inside the folder"),
                });
            }
            let path = dir.join(rel);
            // The real file must be inside the folder too: a symlinked `openapi.json` does
            // not bring a private file along.
            let inside = std::fs::canonicalize(&path)
                .ok()
                .zip(std::fs::canonicalize(dir).ok())
                .is_some_and(|(real, root)| real.starts_with(root) && real.is_file());
            if !inside {
                return Err(ExchangeError::Format {
                    path: dir.join("collection.yaml").display().to_string(),
                    detail: format!("spec `{s}` is not a file inside the folder"),
                });
            }
            let bytes = super::read_file(&path)?;
            Some(SpecLink {
                source: path.display().to_string(),
                copy: Some(bytes),
            })
        }
    })
}

/// Reads a collection folder back into a bundle.
pub fn read_folder(dir: &Path) -> Result<Bundle> {
    let head: CollectionFile = read_yaml(&dir.join("collection.yaml"))?;
    if head.version > FORMAT_VERSION || head.version == 0 {
        return Err(ExchangeError::Unsupported {
            path: dir.join("collection.yaml").display().to_string(),
            detail: format!(
                "format version {} (this Vouch reads versions 1 to {FORMAT_VERSION})",
                head.version
            ),
        });
    }
    let spec = spec_link(dir, head.spec)?;
    let mut bundle = Bundle {
        name: head.name,
        description: head.description,
        accept_status: head.accept_status,
        spec,
        auth: head.auth,
        ..Bundle::default()
    };
    read_dir(dir, &[], true, &mut bundle)?;
    for (sub, what) in [("environments", 0), ("suites", 1)] {
        let d = dir.join(sub);
        if !d.is_dir() {
            continue;
        }
        for path in yaml_files(&d)? {
            if what == 0 {
                let shown = path.display().to_string();
                let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                let env =
                    Environment::from_bytes(&super::read_file(&path)?, stem).map_err(|e| {
                        ExchangeError::Format {
                            path: shown,
                            detail: e.to_string(),
                        }
                    })?;
                bundle
                    .files
                    .insert(super::link::environment_key(&env.name), path.clone());
                bundle.environments.push(env);
            } else {
                let suite: BundleSuite = read_yaml(&path)?;
                bundle
                    .files
                    .insert(super::link::suite_key(&suite.name), path.clone());
                bundle.suites.push(suite);
            }
        }
    }
    // Shared material: file parts stay inside the folder.
    super::confine_files(&mut bundle, Some(dir));
    Ok(bundle)
}

fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| ExchangeError::Read {
            path: dir.display().to_string(),
            detail: e.to_string(),
        })?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    out.sort();
    Ok(out)
}

fn read_dir(dir: &Path, folder: &[String], top: bool, bundle: &mut Bundle) -> Result<()> {
    for path in yaml_files(dir)? {
        let name = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if (top && name == "collection") || (!top && name == "folder") {
            continue;
        }
        let mut r: BundleRequest = read_yaml(&path)?;
        r.folder = folder.to_vec();
        bundle.files.insert(super::link::request_key(&r), path);
        bundle.requests.push(r);
    }
    let mut subdirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| ExchangeError::Read {
            path: dir.display().to_string(),
            detail: e.to_string(),
        })?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or(".");
            !n.starts_with('.') && !(top && (n == "environments" || n == "suites"))
        })
        .collect();
    subdirs.sort();
    for sub in subdirs {
        let meta = sub.join("folder.yaml");
        if !meta.is_file() {
            continue;
        }
        let f: FolderFile = read_yaml(&meta)?;
        let mut path = folder.to_vec();
        path.push(f.name);
        bundle
            .files
            .insert(super::link::folder_key(&path), meta.clone());
        bundle.folders.push(BundleFolder {
            path: path.clone(),
            seq: f.seq,
            auth: f.auth,
        });
        read_dir(&sub, &path, false, bundle)?;
    }
    Ok(())
}
