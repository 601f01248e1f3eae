//! Sharing collections: Vouch's git-friendly folder format, and the formats teams already
//! have (Postman, Insomnia, HAR, cURL in; Postman and cURL out).
//!
//! Every format is read into a [`Bundle`] (a collection with its folders, requests, suites
//! and environments, independent of the store) and written from one. Credentials found in
//! imported material become secret variables ([`secrets::lift`]); every export is scanned for
//! token-like values before a byte is written ([`secrets::scan`]).

mod actions;
mod curl;
mod error;
mod folder;
mod har;
mod insomnia;
pub mod link;
mod openapi;
mod postman;
pub mod secrets;
pub mod snippet;
mod stored;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use actions::{export, import, ExportTo, Exported, ImportOptions, Imported, Input};
pub use curl::{curl_line, from_curl, to_curl};
pub use error::{ExchangeError, Result};
pub use folder::{read_folder, write_folder, FORMAT_VERSION};
pub use har::from_har;
pub use insomnia::from_insomnia;
pub use openapi::from_spec;
pub use postman::{from_postman, postman_environment, to_postman};
pub use stored::{bundle_request, from_store, into_store};

use crate::request::{Draft, Environment};

/// A collection as it travels: everything but run history.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bundle {
    /// Collection name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// Undeclared statuses the team accepts as warnings (`--accept-status` for the whole
    /// collection).
    pub accept_status: Vec<u16>,
    /// The linked spec.
    pub spec: Option<SpecLink>,
    /// Auth the requests inherit when neither they nor their folders set one.
    pub auth: Option<crate::request::Auth>,
    /// Folders, parents before children.
    pub folders: Vec<BundleFolder>,
    /// Requests.
    pub requests: Vec<BundleRequest>,
    /// Suites.
    pub suites: Vec<BundleSuite>,
    /// Environments (secret values empty when they came from an export).
    pub environments: Vec<Environment>,
    /// What the import could not carry over, in words (scripts not run, unsupported auth…).
    pub warnings: Vec<String>,
    /// Read from a collection folder: the file of each request, environment, suite and
    /// folder, by its entity key ([`link::key`]), so a linked folder is written back in place.
    pub files: BTreeMap<String, std::path::PathBuf>,
}

/// Where a collection's spec lives.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecLink {
    /// Path or URL it was loaded from.
    pub source: String,
    /// A copy of it (written next to the collection when the source is a local file).
    pub copy: Option<Vec<u8>>,
}

/// A folder: its path of names from the top.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleFolder {
    /// Names from the top folder down to this one.
    pub path: Vec<String>,
    /// Order among its siblings.
    pub seq: i64,
    /// Auth its requests (and sub-folders') inherit when they set none.
    pub auth: Option<crate::request::Auth>,
}

/// A saved request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BundleRequest {
    /// The folder's path of names (empty: top level).
    #[serde(skip)]
    pub folder: Vec<String>,
    /// Name, unique within its folder.
    pub name: String,
    /// Order within its folder.
    pub seq: i64,
    /// The spec operation it calls.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "operation")]
    pub operation_id: Option<String>,
    /// What is sent.
    #[serde(flatten)]
    pub draft: Draft,
    /// Assertions, as the suite runner reads them.
    #[serde(default, skip_serializing_if = "is_empty_list")]
    pub assertions: Value,
    /// Extractions into variables.
    #[serde(default, skip_serializing_if = "is_empty_list")]
    pub extractions: Value,
    /// Scripts that came with an import: kept as text, never run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scripts: Vec<Script>,
}

/// A script kept from an import (Postman/Insomnia); Vouch never runs it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Script {
    /// When it would run (`prerequest`, `test`, `after-response`…).
    pub listen: String,
    /// Its source.
    pub text: String,
}

/// A suite: steps naming requests by their path (`folder/sub/name`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleSuite {
    /// Name.
    pub name: String,
    /// Steps in order.
    pub steps: Vec<BundleStep>,
}

/// One step of a suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleStep {
    /// The request: its folder names and its name, joined by `/`.
    pub request: String,
    /// Per-step overrides (`timeout_ms`, `retries`).
    #[serde(default, skip_serializing_if = "is_empty_map")]
    pub overrides: Value,
}

fn is_empty_list(v: &Value) -> bool {
    v.is_null() || v.as_array().is_some_and(Vec::is_empty)
}

fn is_empty_map(v: &Value) -> bool {
    v.is_null() || v.as_object().is_some_and(|m| m.is_empty())
}

impl BundleRequest {
    /// The path suites name it by: folder names and its name, joined by `/`.
    pub fn key(&self) -> String {
        let mut parts = self.folder.clone();
        parts.push(self.name.clone());
        parts.join("/")
    }
}

/// `name`, or `name (2)`, `name (3)`… whichever `taken` does not hold yet (names are unique
/// among siblings, and imported material often repeats them).
pub(crate) fn unique_name<'a>(
    name: String,
    taken: impl Iterator<Item = &'a str> + Clone,
) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.clone().any(|t| t == candidate) {
        candidate = format!("{name} ({n})");
        n += 1;
    }
    candidate
}

impl Bundle {
    /// Adds a request, its name made unique within its folder.
    pub fn push_request(&mut self, mut r: BundleRequest) {
        let taken = self
            .requests
            .iter()
            .filter(|x| x.folder == r.folder)
            .map(|x| x.name.as_str());
        r.name = unique_name(std::mem::take(&mut r.name), taken);
        self.requests.push(r);
    }

    /// Adds a folder under `parent`, its name made unique among its siblings; returns its path.
    pub fn push_folder(&mut self, parent: &[String], name: String, seq: i64) -> Vec<String> {
        let siblings = self
            .folders
            .iter()
            .filter(|f| f.path.len() == parent.len() + 1 && f.path[..parent.len()] == *parent)
            .filter_map(|f| f.path.last().map(String::as_str));
        let mut path = parent.to_vec();
        path.push(unique_name(name, siblings));
        self.folders.push(BundleFolder {
            path: path.clone(),
            seq,
            auth: None,
        });
        path
    }

    /// The environment of that name, created (empty) when missing.
    pub fn environment_mut(&mut self, name: &str) -> &mut Environment {
        match self.environments.iter().position(|e| e.name == name) {
            Some(i) => &mut self.environments[i],
            None => {
                self.environments.push(Environment {
                    name: name.into(),
                    variables: IndexMap::new(),
                    auth: IndexMap::new(),
                });
                self.environments.last_mut().expect("just pushed")
            }
        }
    }
}

/// The formats `vouch import` reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Source {
    /// Guess from the content.
    #[default]
    Auto,
    /// A Vouch collection folder.
    Vouch,
    /// Postman collection v2.0/v2.1.
    Postman,
    /// Insomnia export v4 (JSON/YAML) or v5 (YAML).
    Insomnia,
    /// HTTP Archive.
    Har,
    /// A cURL command line.
    Curl,
    /// An OpenAPI or Swagger document: one request per operation.
    OpenApi,
}

/// Files larger than this are refused before being read.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads `path` (a folder, or a file of any supported format) into a bundle.
pub fn import_path(path: &std::path::Path, from: Source) -> Result<Bundle> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ExchangeError::Read {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    if meta.is_dir() {
        return match from {
            Source::Auto | Source::Vouch => read_folder(path),
            other => Err(ExchangeError::Format {
                path: shown,
                detail: format!("a folder can only be a Vouch collection, not {other:?}"),
            }),
        };
    }
    let bytes = read_file(path)?;
    let mut bundle = import_bytes(&bytes, &shown, from)?;
    // A file's parts may name files beside it, nothing else.
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    confine_files(&mut bundle, Some(dir.unwrap_or(std::path::Path::new("."))));
    Ok(bundle)
}

/// A file's bytes, refused before reading when it is over [`MAX_IMPORT_BYTES`]: the one
/// read of everything an import or a collection folder brings.
pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| ExchangeError::Read {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    if meta.len() > MAX_IMPORT_BYTES {
        return Err(ExchangeError::TooLarge {
            path: shown,
            size: meta.len(),
            limit: MAX_IMPORT_BYTES,
        });
    }
    std::fs::read(path).map_err(|e| ExchangeError::Read {
        path: shown,
        detail: e.to_string(),
    })
}

/// Reads one file's content (`name` is for messages) into a bundle.
pub fn import_bytes(bytes: &[u8], name: &str, from: Source) -> Result<Bundle> {
    let text =
        std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|e| {
            ExchangeError::Format {
                path: name.into(),
                detail: format!("not UTF-8 text ({e})"),
            }
        })?;
    let trimmed = text.trim_start();
    if from == Source::Curl || (from == Source::Auto && trimmed.starts_with("curl ")) {
        return from_curl(text);
    }
    let doc =
        crate::spec::parse_document(text.as_bytes(), name).map_err(|e| ExchangeError::Format {
            path: name.into(),
            detail: e.to_string(),
        })?;
    let from = match from {
        Source::Auto => sniff(&doc).ok_or_else(|| ExchangeError::Format {
            path: name.into(),
            detail: "not a Postman collection (v2.0/v2.1), Insomnia export (v4/v5), HAR file or cURL command".into(),
        })?,
        f => f,
    };
    match from {
        Source::Postman => from_postman(&doc, name),
        Source::Insomnia => from_insomnia(&doc, name),
        Source::Har => from_har(&doc, name),
        Source::OpenApi => {
            let spec =
                crate::spec::Spec::from_bytes(bytes, None, &Default::default()).map_err(|e| {
                    ExchangeError::Format {
                        path: name.into(),
                        detail: e.to_string(),
                    }
                })?;
            Ok(from_spec(&spec, name, Some(bytes.to_vec())))
        }
        Source::Vouch => Err(ExchangeError::Format {
            path: name.into(),
            detail: "a Vouch collection is a folder: import the folder".into(),
        }),
        Source::Auto | Source::Curl => unreachable!("handled above"),
    }
}

/// Confines the file parts of shared material to its folder: a part naming a file outside
/// `root` (an absolute path, `..`, a symlink leading out), a file that does not exist, or
/// anything but a regular file is dropped with a warning, so running a teammate's collection
/// never reads (and uploads) a file of this machine. Kept parts keep their relative path.
/// A request asking not to verify TLS certificates loses that setting, with a warning.
pub fn confine_files(bundle: &mut Bundle, root: Option<&std::path::Path>) {
    use crate::request::{Body, PartValue};
    let root = root.and_then(|r| std::fs::canonicalize(r).ok());
    let mut warnings = Vec::new();
    for r in &mut bundle.requests {
        let key = r.key();
        if let Some(s) = &mut r.draft.settings {
            if s.verify_tls == Some(false) {
                s.verify_tls = None;
                warnings.push(format!(
                    "request `{key}`: its TLS verification opt-out was not taken (shared material cannot turn verification off; do it on this machine in the request's Settings)"
                ));
            }
        }
        let Some(Body::Multipart(parts)) = &mut r.draft.body else {
            continue;
        };
        for part in parts.iter_mut() {
            let PartValue::File { path, .. } = &mut part.value else {
                continue;
            };
            let inside = root.as_ref().is_some_and(|root| {
                !path.is_absolute()
                    && std::fs::canonicalize(root.join(&*path))
                        .is_ok_and(|real| real.starts_with(root) && real.is_file())
            });
            match inside {
                true => {}
                false => {
                    warnings.push(format!(
                        "request `{key}`: file part `{}` ({}) is not a file inside the collection: dropped",
                        part.name,
                        path.display()
                    ));
                    part.value = PartValue::Text(String::new());
                }
            }
        }
    }
    bundle.warnings.extend(warnings);
}

/// Makes the (confined, relative) file parts of a collection read from `root` absolute, so a
/// run of the folder reads them there whatever the current directory.
pub fn anchor_files(bundle: &mut Bundle, root: &std::path::Path) {
    for r in &mut bundle.requests {
        anchor_draft(&mut r.draft, root);
    }
}

/// Makes a draft's relative file parts absolute under `root` (a linked collection's folder).
/// A part whose real file is no longer inside `root` (a symlink planted since) is emptied.
pub fn anchor_draft(draft: &mut Draft, root: &std::path::Path) {
    use crate::request::{Body, PartValue};
    let real_root = std::fs::canonicalize(root).ok();
    if let Some(Body::Multipart(parts)) = &mut draft.body {
        for part in parts.iter_mut() {
            let PartValue::File { path, .. } = &mut part.value else {
                continue;
            };
            if path.is_absolute() {
                continue;
            }
            let joined = root.join(&*path);
            let inside = real_root.as_ref().is_some_and(|r| {
                std::fs::canonicalize(&joined).is_ok_and(|real| real.starts_with(r))
            });
            if inside {
                *path = joined;
            } else {
                part.value = PartValue::Text(String::new());
            }
        }
    }
}

/// Recognises a parsed document's format.
fn sniff(doc: &Value) -> Option<Source> {
    if doc
        .get("info")
        .is_some_and(|i| i.get("schema").is_some() || i.get("_postman_id").is_some())
        || (doc.get("requests").is_some() && doc.get("order").is_some())
    {
        return Some(Source::Postman);
    }
    if doc.get("_type").and_then(Value::as_str) == Some("export")
        || doc
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.starts_with("collection.insomnia.rest"))
    {
        return Some(Source::Insomnia);
    }
    if doc.get("log").and_then(|l| l.get("entries")).is_some() {
        return Some(Source::Har);
    }
    None
}
