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

    /// Re-syncs collection `name` with the open spec; `take` (`ours`/`theirs`) resolves
    /// conflicts, without it a re-sync with conflicts changes nothing.
    pub async fn resync(&self, name: &str, take: Option<String>) -> Result<Resynced> {
        let open = self.current()?;
        let bytes = Spec::fetch_bytes(&open.source, &LoadOptions::default()).await?;
        let take = match take.as_deref() {
            Some("ours") => Take::Ours,
            Some("theirs") => Take::Theirs,
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
