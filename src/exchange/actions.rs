//! Import and export as both doors do them: `vouch import` / `vouch export` and the app's
//! Import / Export call these, so a Postman environment or an OpenAPI document imports the
//! same way in both, and every export is scanned for credentials in one place.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use super::{secrets, Bundle, ExchangeError, Source};
use crate::request::Environment;
use crate::spec::{LoadOptions, Spec};
use crate::store::Store;

/// What to read: a file or folder, or bytes already read (standard input).
#[derive(Debug, Clone)]
pub enum Input {
    /// A folder or file.
    Path(PathBuf),
    /// Content, with a name for messages.
    Bytes {
        /// The content.
        bytes: Vec<u8>,
        /// What to call it.
        name: String,
    },
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The format (Auto: recognised from the content; OpenAPI documents and Postman
    /// environments included).
    pub from: Source,
    /// Replace a collection (or environment) of the same name.
    pub replace: bool,
    /// Import under this name.
    pub name: Option<String>,
    /// For an environment: the collection it belongs to (None: global).
    pub collection: Option<String>,
}

/// What an import added to the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "imported", rename_all = "snake_case")]
pub enum Imported {
    /// A collection.
    Collection {
        /// Its name in the store.
        name: String,
        /// Requests.
        requests: usize,
        /// Folders.
        folders: usize,
        /// Suites.
        suites: usize,
        /// Environments.
        environments: usize,
        /// Credentials moved into secret variables.
        lifted: usize,
        /// What could not be carried over.
        warnings: Vec<String>,
    },
    /// An environment (a Postman environment file).
    Environment {
        /// Its name.
        name: String,
        /// Variables.
        variables: usize,
        /// Of which secret.
        secret: usize,
    },
}

fn read(input: &Input) -> Result<Option<(Vec<u8>, String)>, ExchangeError> {
    match input {
        Input::Bytes { bytes, name } => Ok(Some((bytes.clone(), name.clone()))),
        Input::Path(p) if p.is_dir() => Ok(None),
        Input::Path(p) => Ok(Some((super::read_file(p)?, p.display().to_string()))),
    }
}

/// The kind of document parsed bytes hold, as far as the import cares.
enum Sniffed {
    OpenApi,
    PostmanEnvironment(Value),
    Other,
}

fn sniff(bytes: &[u8], name: &str) -> Sniffed {
    let Ok(doc) = crate::spec::parse_document(bytes, name) else {
        return Sniffed::Other;
    };
    if doc.get("openapi").is_some() || doc.get("swagger").is_some() {
        Sniffed::OpenApi
    } else if doc.get("values").is_some() && doc.get("item").is_none() {
        Sniffed::PostmanEnvironment(doc)
    } else {
        Sniffed::Other
    }
}

/// Imports a collection (any supported format, an OpenAPI document included) or a Postman
/// environment into the store. Credentials found become secret variables.
pub async fn import(
    store: &mut Store,
    input: &Input,
    o: &ImportOptions,
) -> Result<Imported, crate::Error> {
    // A folder may be picked by its collection.yaml.
    let input = match input {
        Input::Path(p) if p.file_name().is_some_and(|n| n == "collection.yaml") => {
            Input::Path(p.parent().unwrap_or(p).to_path_buf())
        }
        other => other.clone(),
    };
    let content = read(&input)?;
    let openapi = o.from == Source::OpenApi;
    let sniffed = match (&content, o.from == Source::Auto || openapi) {
        (Some((bytes, name)), true) => sniff(bytes, name),
        _ => Sniffed::Other,
    };
    let mut bundle = match (sniffed, &content) {
        (Sniffed::PostmanEnvironment(doc), Some((_, name))) if !openapi => {
            let env = super::postman_environment(&doc, name)?;
            return import_environment(store, env, o);
        }
        (Sniffed::OpenApi, Some((bytes, name))) => {
            let spec = match &input {
                // From a file: loaded from there, so its relative `$ref`s resolve.
                Input::Path(p) => {
                    Spec::load(&p.display().to_string(), &LoadOptions::default()).await?
                }
                Input::Bytes { .. } => Spec::from_bytes(bytes, None, &LoadOptions::default())?,
            };
            super::from_spec(&spec, name, Some(bytes.clone()))
        }
        (_, _) if openapi => match &input {
            Input::Path(p) => {
                let source = p.display().to_string();
                let spec = Spec::load(&source, &LoadOptions::default()).await?;
                super::from_spec(&spec, &source, None)
            }
            Input::Bytes { name, .. } => {
                return Err(ExchangeError::Format {
                    path: name.clone(),
                    detail: "not an OpenAPI document".into(),
                }
                .into())
            }
        },
        (_, Some((bytes, name))) => super::import_bytes(bytes, name, o.from)?,
        (_, None) => match &input {
            Input::Path(p) => super::import_path(p, o.from)?,
            Input::Bytes { .. } => unreachable!("bytes are always read"),
        },
    };
    if let Some(n) = &o.name {
        bundle.name = n.clone();
    }
    // Parts of a file or folder were confined when read; bytes have no folder: none.
    if let Input::Bytes { .. } = &input {
        super::confine_files(&mut bundle, None);
    }
    list_file_parts(&mut bundle);
    let lifted = secrets::lift(&mut bundle);
    // Values imported on this machine go where the environment's baseUrl points.
    bundle
        .environments
        .iter_mut()
        .for_each(Environment::bind_secrets);
    let c = super::into_store(store, &bundle, o.replace)?;
    link_folder(store, &input, &c.name, o)?;
    Ok(Imported::Collection {
        name: c.name,
        requests: bundle.requests.len(),
        folders: bundle.folders.len(),
        suites: bundle.suites.len(),
        environments: bundle.environments.len(),
        lifted,
        warnings: bundle.warnings,
    })
}

/// Lists the files the collection's file parts will read, so they are seen before the first
/// run asks for their approval.
fn list_file_parts(bundle: &mut super::Bundle) {
    use crate::request::{Body, PartValue};
    let mut listed = Vec::new();
    for r in &bundle.requests {
        if let Some(Body::Multipart(parts)) = &r.draft.body {
            for part in parts {
                if let PartValue::File { path, .. } = &part.value {
                    listed.push(format!(
                        "request `{}` uploads the file `{}`: a run asks for its approval first (--allow-files)",
                        r.key(),
                        path.display()
                    ));
                }
            }
        }
    }
    bundle.warnings.extend(listed);
}

/// A folder imported under its own name stays linked to it (saves go back to its files).
fn link_folder(
    store: &mut Store,
    input: &Input,
    name: &str,
    o: &ImportOptions,
) -> Result<(), ExchangeError> {
    if let Input::Path(p) = input {
        if p.join("collection.yaml").is_file() && o.name.is_none() {
            super::link::link(store, name, p)?;
        }
    }
    Ok(())
}

fn import_environment(
    store: &mut Store,
    mut env: Environment,
    o: &ImportOptions,
) -> Result<Imported, crate::Error> {
    if let Some(n) = &o.name {
        env.name = n.clone();
    }
    secrets::mark(&mut env);
    env.bind_secrets();
    let collection_id = match &o.collection {
        Some(c) => Some(store.collection(c)?.id),
        None => None,
    };
    if !o.replace && store.environment(collection_id, &env.name).is_ok() {
        return Err(crate::store::StoreError::Exists {
            what: "environment",
            name: env.name,
        }
        .into());
    }
    store.save_environment(collection_id, &env)?;
    Ok(Imported::Environment {
        secret: env.variables.values().filter(|v| v.secret).count(),
        variables: env.variables.len(),
        name: env.name,
    })
}

/// What to export to.
#[derive(Debug, Clone)]
pub enum ExportTo {
    /// A Vouch collection folder.
    Folder(PathBuf),
    /// A Postman v2.1 collection file.
    Postman(PathBuf),
    /// One request (its name, or `folder/name`) as a cURL command line.
    Curl(String),
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub enum Exported {
    /// Files written.
    Files(Vec<PathBuf>),
    /// The text of a cURL command line.
    Curl(String),
}

/// Exports a collection of the store; refused (nothing written) when a value looks like a
/// credential, unless `force`.
pub fn export(
    store: &Store,
    collection: &str,
    to: &ExportTo,
    force: bool,
) -> Result<Exported, ExchangeError> {
    let bundle = super::from_store(store, collection)?;
    let literal = secrets::literal_credentials(&bundle);
    if !literal.is_empty() && !force {
        return Err(ExchangeError::Secrets { found: literal });
    }
    match to {
        ExportTo::Folder(dir) => Ok(Exported::Files(super::write_folder(&bundle, dir, force)?)),
        ExportTo::Postman(file) => {
            let text =
                serde_json::to_string_pretty(&super::to_postman(&bundle)).unwrap_or_default();
            scanned(&text, force)?;
            write(file, &(text + "\n"))?;
            Ok(Exported::Files(vec![file.clone()]))
        }
        ExportTo::Curl(want) => {
            let r = find(&bundle, want)?;
            let text = super::to_curl(r);
            scanned(&text, force)?;
            Ok(Exported::Curl(text))
        }
    }
}

fn find<'a>(bundle: &'a Bundle, want: &str) -> Result<&'a super::BundleRequest, ExchangeError> {
    bundle
        .requests
        .iter()
        .find(|r| r.name == want || r.key() == want)
        .ok_or_else(|| ExchangeError::Format {
            path: bundle.name.clone(),
            detail: format!("the collection has no request `{want}`"),
        })
}

/// The one scan of an export's text.
fn scanned(text: &str, force: bool) -> Result<(), ExchangeError> {
    let found = secrets::scan(text);
    if !found.is_empty() && !force {
        return Err(ExchangeError::Secrets { found });
    }
    Ok(())
}

fn write(file: &Path, text: &str) -> Result<(), ExchangeError> {
    std::fs::write(file, text).map_err(|e| ExchangeError::Write {
        path: file.display().to_string(),
        detail: e.to_string(),
    })
}
