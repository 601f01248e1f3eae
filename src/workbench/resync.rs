//! The app's "Spec changes" view: what changed between the spec a collection was last synced
//! with and the open spec (just reloaded, or another version opened), the saved work each
//! change reaches, the re-sync plan; and the Re-sync itself. `vouch diff --collection` and
//! `vouch sync --spec`'s engine, on the open spec.

use serde::Serialize;

use super::{Result, Workbench};
use crate::diff::{self, Change, Impact, NewSpec, Resynced, Summary, Take};
use crate::spec::{LoadOptions, Spec};

/// Changes listed at most (the rest counted): nothing big crosses the IPC.
const SHOWN: usize = 200;

/// A collection made from the open spec's source whose kept copy differs from it: what the
/// window tells when a spec is opened or reloaded, before anyone asks.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LinkedChanges {
    /// The collection.
    pub collection: String,
    /// Changes per level.
    pub summary: Summary,
    /// Saved requests whose request, assertions or extractions the changes reach (each
    /// request's part counted once, however many changes reach it).
    pub reached: u32,
    /// Of those, the ones the changes break.
    pub breaks: u32,
}

/// What the open spec changes for a collection.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpecChangesView {
    /// The collection.
    pub collection: String,
    /// Where its kept spec came from.
    pub from: Option<String>,
    /// The open spec's source.
    pub to: String,
    /// Changes per level.
    pub summary: Summary,
    /// Breaking changes first, then warnings, then info; at most 200.
    pub changes: Vec<Change>,
    /// Changes in all.
    pub total: u32,
    /// The saved requests, assertions and extractions the changes reach.
    pub impact: Vec<Impact>,
    /// What a re-sync would do (its conflicts included).
    pub plan: Resynced,
}

impl Workbench {
    /// Compares collection `name`'s kept spec with the open spec: the changes, the saved work
    /// they reach, and the re-sync plan.
    pub async fn spec_changes(&self, name: &str) -> Result<SpecChangesView> {
        let open = self.current()?;
        // Everything read from the network first: the store is not held across an await.
        let bytes = Spec::fetch_bytes(&open.source, &LoadOptions::default()).await?;
        let new = open.contract.spec();
        let mut store = self.store()?;
        let c = store.collection(name)?;
        let old = diff::kept_spec(&store, name)?;
        let d = diff::diff(&old, new);
        let impact = diff::impact_on(&store, name, &d, &old)?;
        let to = NewSpec {
            spec: new,
            source: &open.source,
            bytes: &bytes,
        };
        let plan = diff::resync(&mut store, name, &old, to, true, Take::Neither)?;
        let mut changes = d.changes.clone();
        changes.sort_by_key(|c| c.level);
        changes.truncate(SHOWN);
        Ok(SpecChangesView {
            collection: c.name,
            from: c.spec_source,
            to: open.source.clone(),
            total: d.changes.len() as u32,
            summary: d.summary,
            changes,
            impact,
            plan,
        })
    }

    /// The collections made from the open spec's source (same path or URL) whose kept copy
    /// is not the open spec: each one's changes and the saved work they reach. Collections
    /// keeping the same bytes are skipped by their hash, without a diff; pasted specs have
    /// no source to match.
    pub async fn linked_changes(&self) -> Result<Vec<LinkedChanges>> {
        let open = self.current()?;
        if open.modified.is_none() && !open.source.contains("://") {
            return Ok(Vec::new());
        }
        let bytes = Spec::fetch_bytes(&open.source, &LoadOptions::default()).await?;
        let hash = crate::store::spec_sha256(&bytes);
        let store = self.store()?;
        let mut out = Vec::new();
        for c in store.collections()? {
            let linked = c
                .spec_source
                .as_deref()
                .is_some_and(|s| same_source(s, &open.source));
            if !linked || c.spec_sha256.as_deref() == Some(hash.as_str()) {
                continue;
            }
            // A collection keeping no copy (or an unreadable one) has no base to compare
            // with: nothing to tell here; its Spec changes view says why.
            let Ok(old) = diff::kept_spec(&store, &c.name) else {
                continue;
            };
            let d = diff::diff(&old, open.contract.spec());
            if d.changes.is_empty() {
                continue;
            }
            // One collection's unreadable requests do not hide the others' news.
            let impact = match diff::impact_on(&store, &c.name, &d, &old) {
                Ok(i) => i,
                Err(e) => {
                    tracing::warn!(collection = %c.name, "impact not computed: {e}");
                    Vec::new()
                }
            };
            // Each saved request's part once (a request two changes break is one).
            let distinct = |reach: Option<diff::Reach>| {
                impact
                    .iter()
                    .filter(|i| reach.is_none_or(|r| i.reach == r))
                    .map(|i| (i.request.as_str(), i.part.as_str()))
                    .collect::<std::collections::BTreeSet<_>>()
                    .len() as u32
            };
            out.push(LinkedChanges {
                collection: c.name,
                summary: d.summary,
                reached: distinct(None),
                breaks: distinct(Some(diff::Reach::Breaks)),
            });
        }
        Ok(out)
    }

    /// Re-syncs collection `name` with the open spec; `take` (`ours`/`theirs`) resolves
    /// conflicts, or `theirs_for` picks them one by one (the spec's value for the listed
    /// `(request id, field)` pairs, the saved one for the rest); without either a re-sync with
    /// conflicts changes nothing.
    pub async fn resync(
        &self,
        name: &str,
        take: Option<String>,
        theirs_for: Option<Vec<diff::Pick>>,
    ) -> Result<Resynced> {
        let open = self.current()?;
        let bytes = Spec::fetch_bytes(&open.source, &LoadOptions::default()).await?;
        let take = match (take.as_deref(), theirs_for) {
            (_, Some(picked)) => Take::Each(
                picked
                    .into_iter()
                    .map(|p| (p.request_id, p.field))
                    .collect(),
            ),
            (Some("ours"), None) => Take::Ours,
            (Some("theirs"), None) => Take::Theirs,
            _ => Take::Neither,
        };
        let mut store = self.store()?;
        let base = diff::kept_spec(&store, name)?;
        let new = NewSpec {
            spec: open.contract.spec(),
            source: &open.source,
            bytes: &bytes,
        };
        Ok(diff::resync(&mut store, name, &base, new, false, take)?)
    }
}

/// Whether a collection's spec source names the open spec: the same text, or the same file
/// by another path.
fn same_source(kept: &str, open: &str) -> bool {
    kept == open
        || match (std::fs::canonicalize(kept), std::fs::canonicalize(open)) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        }
}
