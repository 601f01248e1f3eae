//! OpenAPI → collection: one request per operation, values from examples and defaults.

use super::{Bundle, BundleFolder, BundleRequest, SpecLink};
use crate::spec::Spec;

/// A collection for `spec` (loaded from `source`, `bytes` its content): a folder per tag,
/// one request per operation with the smoke suite's values.
pub fn from_spec(spec: &Spec, source: &str, bytes: Option<Vec<u8>>) -> Bundle {
    let mut bundle = Bundle {
        name: spec.title().to_string(),
        spec: Some(SpecLink {
            source: source.into(),
            copy: bytes,
        }),
        ..Bundle::default()
    };
    for (seq, step) in crate::suite::smoke(spec).into_iter().enumerate() {
        let tag = step
            .operation_id
            .as_deref()
            .and_then(|id| spec.operation(id))
            .and_then(|o| o.tags.first().cloned());
        let folder: Vec<String> = tag.into_iter().collect();
        if !folder.is_empty() && !bundle.folders.iter().any(|f| f.path == folder) {
            let n = bundle.folders.len() as i64;
            bundle.folders.push(BundleFolder {
                path: folder.clone(),
                seq: n,
            });
        }
        bundle.requests.push(BundleRequest {
            folder,
            name: step.name,
            seq: seq as i64,
            operation_id: step.operation_id,
            draft: step.draft,
            ..BundleRequest::default()
        });
    }
    bundle
}
