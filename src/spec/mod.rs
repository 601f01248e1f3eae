//! The spec engine: load an OpenAPI document (3.2, 3.1, 3.0 or Swagger 2.0; JSON or YAML;
//! a file, a URL, or many files joined by `$ref`), index its operations, and list its problems.
//!
//! The raw JSON value is the source of truth. Loading does the least that yields a ready
//! operation list (parse, fetch referenced documents, one light pass over `paths`);
//! resolving an operation in full and checking the document happen only when asked.

mod error;
mod index;
mod parse;
mod problems;
pub(crate) mod refs;
pub mod resources;
pub mod select;
mod source;
mod swagger2;

use std::collections::{HashMap, VecDeque};

use serde::Serialize;
use serde_json::Value;
use url::Url;

pub use error::{LineCol, Result, SpecError};
pub use index::{
    derive_id, placeholders, Header, MediaType, Operation, OperationDetail, ParamLocation,
    Parameter, RequestBody, Response, SecurityRequirement, Server, ServerVariable, StatusKey,
};
pub use problems::{Problem, ProblemKind, Severity};
pub use refs::{escape, DocId, Documents, Loc};
pub use source::LoadOptions;

/// Which specification a document follows; decides how its schemas are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Dialect {
    /// Swagger 2.0, converted on load to the 3.0 shape.
    #[serde(rename = "2.0")]
    Swagger2,
    /// OpenAPI 3.0.x: schemas are an extended subset of JSON Schema draft 4/5.
    #[serde(rename = "3.0")]
    OpenApi30,
    /// OpenAPI 3.1.x: schemas are JSON Schema 2020-12.
    #[serde(rename = "3.1")]
    OpenApi31,
    /// OpenAPI 3.2.x: as 3.1, plus the `query` method and `additionalOperations`.
    #[serde(rename = "3.2")]
    OpenApi32,
}

/// The version a document declares, and the dialect it is read as.
#[derive(Debug, Clone, Serialize)]
pub struct SpecVersion {
    /// As written in `openapi` or `swagger`, e.g. `3.1.0` or `2.0`.
    pub declared: String,
    /// How the document is read.
    pub dialect: Dialect,
}

/// A loaded OpenAPI document with its operation index.
#[derive(Debug)]
pub struct Spec {
    name: String,
    version: SpecVersion,
    /// The entry document (in 3.x shape) and every document reached by `$ref`.
    docs: Documents,
    /// The entry document as written, for Swagger 2.0 (checks must point into what the user wrote).
    original: Option<Value>,
    operations: Vec<Operation>,
    webhooks: Vec<Operation>,
    load_problems: Vec<Problem>,
}

impl Spec {
    /// Loads a spec from a file path or an http(s) URL, following `$ref`s into other files
    /// and URLs.
    pub async fn load(source: &str, options: &LoadOptions) -> Result<Spec> {
        Ok(Self::load_inner(source, options, false).await?.0)
    }

    /// [`Spec::load`], also returning the entry document's bytes as read: what a collection
    /// keeps as the spec it was synced with, from the same read as the spec itself.
    pub async fn load_with_bytes(source: &str, options: &LoadOptions) -> Result<(Spec, Vec<u8>)> {
        let (spec, bytes) = Self::load_inner(source, options, true).await?;
        Ok((spec, bytes.unwrap_or_default()))
    }

    async fn load_inner(
        source: &str,
        options: &LoadOptions,
        keep: bool,
    ) -> Result<(Spec, Option<Vec<u8>>)> {
        let url = source::locate(source)?;
        let name = if url.scheme() == "file" {
            source.to_string()
        } else {
            url.to_string()
        };
        let mut fetcher = source::Fetcher::new(options.clone());
        let bytes = fetcher.fetch(&url).await?;
        let value = parse::parse(&bytes, &name, options.max_depth)?;
        let may_have_external =
            !looks_like_json(&bytes) || refs::json_may_have_external_refs(&bytes);
        // Not kept unless asked: the parsed tree is what stays.
        let kept = keep.then_some(bytes);
        let version = detect_version(&value, &name)?;
        let mut docs = Documents::with_root(url, value);
        let mut problems = Vec::new();
        if may_have_external {
            crawl(&mut docs, &mut fetcher, &mut problems).await;
        }
        Ok((Spec::index(name, version, docs, problems), kept))
    }

    /// The entry document's bytes as they are at `source` (a file or an http(s) URL), with
    /// the same limits as loading: what a collection keeps as the spec it was synced with.
    pub async fn fetch_bytes(source: &str, options: &LoadOptions) -> Result<Vec<u8>> {
        let url = source::locate(source)?;
        source::Fetcher::new(options.clone()).fetch(&url).await
    }

    /// Reads a spec from bytes already in memory (pasted text, a cached copy, a fuzzer's
    /// input). Nothing is fetched: `$ref`s to other documents are listed as problems. `name` is
    /// what errors and problems call the document; when it is an http(s) URL (where a cached
    /// copy came from), relative server URLs resolve against it.
    pub fn from_bytes(bytes: &[u8], name: Option<&str>, options: &LoadOptions) -> Result<Spec> {
        let name = name.unwrap_or("(pasted document)").to_string();
        let value = parse::parse(bytes, &name, options.max_depth)?;
        let version = detect_version(&value, &name)?;
        // A cached copy knows where it came from: relative server URLs resolve against that.
        let url = Url::parse(&name)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .map_or_else(|| Url::parse("file:///pasted-document"), Ok)
            .map_err(|_| SpecError::BadSource {
                source_name: name.clone(),
            })?;
        let docs = Documents::with_root(url, value);
        let problems = external_refs(&docs, DocId::ROOT)
            .into_iter()
            .map(|(_, pointer, reference)| {
                Problem::reference(
                    &Loc::root(pointer),
                    format!("$ref '{reference}' points into another document, which a pasted spec cannot reach"),
                )
            })
            .collect();
        Ok(Spec::index(name, version, docs, problems))
    }

    fn index(
        name: String,
        version: SpecVersion,
        mut docs: Documents,
        mut problems: Vec<Problem>,
    ) -> Spec {
        let mut original = None;
        if version.dialect == Dialect::Swagger2 {
            let converted = swagger2::convert(&docs, &mut problems);
            original = Some(std::mem::replace(docs.value_mut(DocId::ROOT), converted));
        }
        let root = docs.value(DocId::ROOT);
        if !root.get("paths").is_none_or(Value::is_object) {
            problems.push(Problem::new(
                &Loc::root("/paths"),
                ProblemKind::Semantic,
                Severity::Error,
                "`paths` must be an object mapping path templates to path items",
            ));
        }
        let operations = index::list(&docs, "paths", &mut problems);
        let webhooks = index::list(&docs, "webhooks", &mut problems);
        Spec {
            name,
            version,
            docs,
            original,
            operations,
            webhooks,
            load_problems: problems,
        }
    }

    /// The file path or URL the spec was loaded from.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Declared version and dialect.
    pub fn version(&self) -> &SpecVersion {
        &self.version
    }

    /// `info.title`.
    pub fn title(&self) -> &str {
        self.info_str("title")
    }

    /// `info.version`: the version of the API (not of OpenAPI).
    pub fn api_version(&self) -> &str {
        self.info_str("version")
    }

    fn info_str(&self, key: &str) -> &str {
        self.docs
            .value(DocId::ROOT)
            .get("info")
            .and_then(|i| i.get(key))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// Every operation under `paths`, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// Every operation under `webhooks` (3.1+): requests the API sends, not receives.
    pub fn webhooks(&self) -> &[Operation] {
        &self.webhooks
    }

    /// The operation with this id (operationId or derived id).
    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .chain(&self.webhooks)
            .find(|o| o.id == id)
    }

    /// The operation declared for this method and path template, e.g. `("get", "/pets/{id}")`.
    pub fn operation_at(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|o| o.method.eq_ignore_ascii_case(method) && o.path == path)
    }

    /// Resolves an operation in full: merged parameters, bodies, responses, security, servers.
    pub fn resolve(&self, op: &Operation) -> OperationDetail {
        index::resolve(&self.docs, op)
    }

    /// All documents the spec spans.
    pub fn documents(&self) -> &Documents {
        &self.docs
    }

    /// The value at a location (the entry document in 3.x shape, or a referenced document).
    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        self.docs.get(loc)
    }

    /// The value at a location with `$ref`s followed, and where it really is.
    pub fn deref(&self, loc: &Loc) -> Option<(&Value, Loc)> {
        self.docs.deref(loc).ok()
    }

    /// Everything wrong with the document: meta-schema, references, semantics. Runs the
    /// checks now (they cost more than loading).
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = problems::all(self);
        for p in &mut out {
            if p.doc != DocId::ROOT {
                p.file = Some(source::display_name(self.docs.url(p.doc)));
            }
        }
        out
    }

    /// Only the problems found while loading (unreachable `$ref` targets, unusable parts).
    pub fn load_problems(&self) -> &[Problem] {
        &self.load_problems
    }
}

fn looks_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

fn detect_version(value: &Value, name: &str) -> Result<SpecVersion> {
    let not = |reason: &str| SpecError::NotOpenApi {
        source_name: name.to_string(),
        reason: reason.to_string(),
    };
    let Some(obj) = value.as_object() else {
        let kind = match value {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Null => "empty",
            _ => "a scalar",
        };
        return Err(not(&format!("the top level is {kind}, not an object")));
    };
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if let Some(v) = obj.get("openapi") {
        let declared = text(v).unwrap_or_default();
        let dialect = match declared.as_str() {
            d if d == "3.0" || d.starts_with("3.0.") => Dialect::OpenApi30,
            d if d == "3.1" || d.starts_with("3.1.") => Dialect::OpenApi31,
            d if d == "3.2" || d.starts_with("3.2.") => Dialect::OpenApi32,
            _ => {
                return Err(SpecError::UnsupportedVersion {
                    source_name: name.to_string(),
                    field: "openapi",
                    version: if declared.is_empty() {
                        v.to_string()
                    } else {
                        declared
                    },
                })
            }
        };
        return Ok(SpecVersion { declared, dialect });
    }
    if let Some(v) = obj.get("swagger") {
        let declared = text(v).unwrap_or_default();
        if declared == "2.0" || declared == "2" {
            return Ok(SpecVersion {
                declared: "2.0".into(),
                dialect: Dialect::Swagger2,
            });
        }
        return Err(SpecError::UnsupportedVersion {
            source_name: name.to_string(),
            field: "swagger",
            version: if declared.is_empty() {
                v.to_string()
            } else {
                declared
            },
        });
    }
    if obj.contains_key("swaggerVersion") {
        return Err(SpecError::UnsupportedVersion {
            source_name: name.to_string(),
            field: "swaggerVersion",
            version: obj
                .get("swaggerVersion")
                .map(|v| v.to_string())
                .unwrap_or_default(),
        });
    }
    Err(not("there is no top-level `openapi` or `swagger` field"))
}

/// External references found in `doc`: (target document URL, pointer of the `$ref`).
fn external_refs(docs: &Documents, doc: DocId) -> Vec<(Url, String, String)> {
    let mut found = Vec::new();
    let base = docs.url(doc);
    refs::walk_refs(docs.value(doc), &mut |pointer, reference| {
        let doc_part = reference.split('#').next().unwrap_or_default();
        if doc_part.is_empty() {
            return;
        }
        if let Ok(mut url) = base.join(doc_part) {
            url.set_fragment(None);
            found.push((url, pointer(), reference.to_string()));
        }
    });
    found
}

/// Loads every document reachable through `$ref`, breadth first; failures become problems.
async fn crawl(docs: &mut Documents, fetcher: &mut source::Fetcher, problems: &mut Vec<Problem>) {
    let mut failed: HashMap<String, String> = HashMap::new();
    let mut queue = VecDeque::from([DocId::ROOT]);
    let root = docs.url(DocId::ROOT).clone();
    let mut total: u64 = 0;
    while let Some(doc) = queue.pop_front() {
        for (url, pointer, reference) in external_refs(docs, doc) {
            if docs.id_of(&url).is_some() {
                continue;
            }
            let key = url.to_string();
            let outcome = match failed.get(&key) {
                Some(reason) => Err(reason.clone()),
                None if docs.len() >= fetcher.options().max_documents => Err(format!(
                    "more than {} documents; not loaded",
                    fetcher.options().max_documents
                )),
                None => match source::may_reach(&root, &url, &fetcher.options().allow_origins) {
                    Err(why) => Err(format!("not followed: {why}")),
                    Ok(()) => {
                        let name = source::display_name(&url);
                        match fetcher.fetch(&url).await {
                            Ok(bytes)
                                if total + bytes.len() as u64
                                    > fetcher.options().max_total_bytes =>
                            {
                                Err(format!(
                                    "the spec's documents pass {} bytes in all; not loaded",
                                    fetcher.options().max_total_bytes
                                ))
                            }
                            Ok(bytes) => {
                                total += bytes.len() as u64;
                                parse::parse(&bytes, &name, fetcher.options().max_depth)
                                    .map_err(|e| e.to_string())
                            }
                            Err(e) => Err(e.to_string()),
                        }
                    }
                },
            };
            match outcome {
                Ok(value) => queue.push_back(docs.insert(url, value)),
                Err(reason) => {
                    failed.insert(key, reason.clone());
                    problems.push(Problem::reference(
                        &Loc { doc, pointer },
                        format!("$ref '{reference}' cannot be loaded: {reason}"),
                    ));
                }
            }
        }
    }
}

/// Parses a YAML or JSON document with the same bounds as specs (depth, aliases, size), for
/// the other files Vouch reads (environments, collections).
pub fn parse_document(bytes: &[u8], name: &str) -> Result<Value> {
    parse::parse(bytes, name, LoadOptions::default().max_depth)
}
