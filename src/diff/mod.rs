//! `vouch diff`: what changed between two versions of a spec, and whom it breaks.
//!
//! Operations are matched by method and path template (parameter names aside, so a renamed
//! path parameter is not a removed operation). Each matched pair is compared field by field
//! through `$ref`s: parameters, request body, responses and their headers, security. Schemas
//! are compared in the direction values travel ([`schema::Dir`]): a request made stricter
//! breaks clients that send it, a response made looser breaks clients that read it. Each
//! change carries a rule id (the oasdiff families, e.g. `request-property-required-added`), a
//! level, the operation, a JSON pointer into each spec (null on the side where the thing does
//! not exist) and a sentence. A change inside a shared schema is one entry per operation it
//! reaches, with the shared schema's pointer.

mod impact;
mod ops;
mod render;
mod resync;
mod schema;

use serde::Serialize;

use crate::spec::{DocId, Loc, Spec};

pub use impact::{impact, impact_markdown, impact_on, impact_text, Impact, Reach};
pub use render::{markdown, text};
pub use resync::{kept_spec, resync, Conflict, NewSpec, Pick, Resynced, Take, REMOVED_FOLDER};

/// How much a change matters to the API's clients.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Existing clients break.
    Breaking,
    /// Clients may break, depending on how they use it.
    Warning,
    /// No client breaks.
    Info,
}

impl Level {
    fn of(n: u8) -> Level {
        match n {
            2 => Level::Breaking,
            1 => Level::Warning,
            _ => Level::Info,
        }
    }

    /// The lowercase name (`breaking`).
    pub fn name(self) -> &'static str {
        match self {
            Level::Breaking => "breaking",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// One change between the two specs.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The rule's name, e.g. `request-property-required-added`.
    pub id: String,
    /// How much it matters.
    pub level: Level,
    /// The operation's method (uppercase), when the change is in one.
    pub method: Option<String>,
    /// The operation's path template (the new spec's, unless the operation was removed).
    pub path: Option<String>,
    /// The operationId (or `METHOD path` without one).
    pub operation: Option<String>,
    /// JSON pointer into the old spec (`file#pointer` in a referenced document); null when
    /// the thing did not exist there.
    pub old: Option<String>,
    /// JSON pointer into the new spec; null when the thing no longer exists.
    pub new: Option<String>,
    /// What changed, as a sentence.
    pub message: String,
    /// What the change is about, for finding the saved work it reaches (not printed).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub subject: Subject,
    /// The operation's path template in the old spec, when it was there: what saved
    /// requests (made from the old spec) are matched on, whatever path the new spec gives
    /// it (not printed).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub old_path: Option<String>,
}

/// What a change is about: the part of an operation that saved requests, assertions and
/// extractions can depend on.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Subject {
    /// The operation itself (added, removed, deprecated, its id).
    #[default]
    Operation,
    /// A request parameter.
    Parameter {
        /// `path`, `query`, `header` or `cookie`.
        location: String,
        /// Its name (the new one when renamed).
        name: String,
        /// Its old name.
        old_name: String,
    },
    /// The request body as a whole (added, removed, required, a media type).
    Body,
    /// A body property or the body's schema: `name` is the property path (`owner.login`,
    /// `items[].id`, empty for the body itself).
    Property {
        /// The response status for a response body, None for the request body.
        status: Option<String>,
        /// The property path.
        name: String,
    },
    /// A response status (added or removed), or something of its headers.
    Status(String),
    /// The credentials it takes.
    Security,
}

/// Changes per level.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DiffSummary"))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Changes that break clients.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub breaking: usize,
    /// Changes that may break clients.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub warning: usize,
    /// Changes that break no client.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub info: usize,
}

/// Every change from one spec to another.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// The changes: operations in the new spec's order (removed ones where they stood),
    /// within one operation parameters, body, responses, security.
    pub changes: Vec<Change>,
    /// Counts per level.
    pub summary: Summary,
}

impl Diff {
    /// The highest level among the changes.
    pub fn worst(&self) -> Option<Level> {
        self.changes.iter().map(|c| c.level).min()
    }
}

/// Compares `old` with `new`.
pub fn diff(old: &Spec, new: &Spec) -> Diff {
    let mut changes = ops::Ops::new(old, new).all();
    // One entry per rule, operation and place (a shared schema reached by several paths of
    // one operation is one change of it), the first kept.
    let mut seen = std::collections::HashSet::new();
    changes.retain(|c| {
        seen.insert((
            c.id.clone(),
            c.method.clone(),
            c.path.clone(),
            c.old.clone(),
            c.new.clone(),
        ))
    });
    let mut summary = Summary::default();
    for c in &changes {
        match c.level {
            Level::Breaking => summary.breaking += 1,
            Level::Warning => summary.warning += 1,
            Level::Info => summary.info += 1,
        }
    }
    Diff { changes, summary }
}

/// A location as the output names it: the pointer, prefixed by the file in a referenced
/// document.
fn pointer(spec: &Spec, loc: &Loc) -> String {
    if loc.doc == DocId::ROOT {
        loc.pointer.clone()
    } else {
        // The file relative to the entry document's folder (base names alone are ambiguous
        // in a multi-file spec: many folders hold a `parameters.yml`).
        let url = spec.documents().url(loc.doc).as_str();
        let root = spec.documents().url(DocId::ROOT).as_str();
        let dir = &root[..root.rfind('/').map_or(0, |i| i + 1)];
        let name = url.strip_prefix(dir).unwrap_or(url);
        format!("{name}#{}", loc.pointer)
    }
}

/// Whether `source` names a spec by itself (an existing file or an http(s) URL) rather
/// than a stored collection.
pub fn is_file_or_url(source: &str) -> bool {
    source.starts_with("http://")
        || source.starts_with("https://")
        || std::path::Path::new(source).exists()
}

/// Loads one side of a diff: a file or an http(s) URL, else the spec a stored collection was
/// last synced with (its kept copy, or where it points when it kept none).
pub async fn load_side(
    source: &str,
    store: Option<&crate::store::Store>,
    options: &crate::spec::LoadOptions,
) -> Result<Spec, crate::Error> {
    let store = store.filter(|_| !is_file_or_url(source));
    let Some(store) = store else {
        return Ok(Spec::load(source, options).await?);
    };
    let Ok(c) = store.collection(source) else {
        return Err(crate::Problem {
            kind: "no-spec".into(),
            message: format!("`{source}` is not a file, a URL or a stored collection"),
            hint: "give a spec's path or http(s) URL, or the name of a collection (vouch info lists where the store is)".into(),
        }
        .into());
    };
    match (store.spec_copy(c.id)?, &c.spec_source) {
        (Some(bytes), from) => {
            let name = from
                .clone()
                .unwrap_or_else(|| format!("collection {source}"));
            Ok(Spec::from_bytes(&bytes, Some(&name), options)?)
        }
        (None, Some(from)) => Ok(Spec::load(from, options).await?),
        (None, None) => Err(crate::Problem {
            kind: "no-spec".into(),
            message: format!("collection `{source}` has no spec"),
            hint: "link one: vouch import SPEC --into the collection, or open it in the app".into(),
        }
        .into()),
    }
}
