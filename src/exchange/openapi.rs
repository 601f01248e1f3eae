//! OpenAPI → collection: one request per operation, values from examples and defaults.

use super::{Bundle, BundleFolder, BundleRequest, SpecLink};
use crate::spec::Spec;

/// A collection for `spec` (loaded from `source`, `bytes` its content): one request per
/// operation with the smoke suite's values, named by the operation's summary (else its id),
/// in a folder per first tag (else per first path segment shared by several operations).
pub fn from_spec(spec: &Spec, source: &str, bytes: Option<Vec<u8>>) -> Bundle {
    let mut bundle = Bundle {
        name: spec.title().to_string(),
        spec: Some(SpecLink {
            source: source.into(),
            copy: bytes,
        }),
        ..Bundle::default()
    };
    let steps = crate::suite::smoke(spec);
    let segment = |path: &str| {
        path.split('/')
            .find(|s| !s.is_empty() && !s.starts_with('{'))
            .map(str::to_string)
    };
    let shared = |seg: &Option<String>| {
        seg.is_some()
            && steps
                .iter()
                .filter(|s| segment(&s.draft.path) == *seg)
                .count()
                > 1
    };
    for (seq, step) in steps.iter().cloned().enumerate() {
        let op = step
            .operation_id
            .as_deref()
            .and_then(|id| spec.operation(id));
        let group = op
            .and_then(|o| o.tags.first().cloned())
            .or_else(|| Some(segment(&step.draft.path)).filter(shared).flatten());
        let folder: Vec<String> = group.into_iter().collect();
        if !folder.is_empty() && !bundle.folders.iter().any(|f| f.path == folder) {
            let n = bundle.folders.len() as i64;
            bundle.folders.push(BundleFolder {
                path: folder.clone(),
                seq: n,
                auth: None,
            });
        }
        let base = op
            .and_then(|o| o.summary.clone())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(step.name);
        bundle.push_request(BundleRequest {
            folder,
            name: base,
            seq: seq as i64,
            operation_id: step.operation_id,
            draft: step.draft,
            // The smoke suite's chaining (a created id fed to the item requests) comes along,
            // or the item requests would name a variable nothing sets.
            extractions: if step.extractions.is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::to_value(&step.extractions).unwrap_or_default()
            },
            ..BundleRequest::default()
        });
    }
    bundle
}
