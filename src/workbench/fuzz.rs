//! The app's Fuzz panel: `vouch fuzz`'s engine on the open spec (or one operation of it),
//! with the window's environment and base URL, progress reported as it goes, the run stored
//! like `vouch fuzz` stores it, and each failure handed back with the shrunk request that
//! reproduces it (for a tab, or to save).

use serde::{Deserialize, Serialize};

use super::{Result, Workbench, WorkbenchError};
use crate::call::Context;
use crate::fuzz::{Event, FuzzOptions};
use crate::request::{Draft, Session};

/// What the panel asks for.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FuzzSettings {
    /// One operation (its id); None: every operation of the spec.
    pub operation: Option<String>,
    /// Seed of every random choice (the same seed, the same requests).
    pub seed: u32,
    /// Positive requests per operation (and at most as many negative ones).
    pub max_examples: u32,
    /// Stop generating after this many seconds (None: when every phase is done).
    pub time_budget_s: Option<u32>,
    /// GET, HEAD and OPTIONS only.
    pub read_only: bool,
}

/// One failure, as the panel lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FuzzFailureView {
    /// The check's name (`server-error`…).
    pub check: String,
    /// The operation's id.
    pub operation: String,
    /// Method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Where, when there is a place.
    pub location: Option<String>,
    /// The failing response's status.
    pub status: Option<u16>,
    /// What happened.
    pub message: String,
    /// The failing request as a cURL line (secrets masked).
    pub curl: String,
    /// The request that fails (the last of a sequence), shrunk, secrets masked: what a tab
    /// opens or a collection saves.
    pub draft: Draft,
    /// The operation that request calls.
    pub operation_id: Option<String>,
}

/// A fuzz run's result.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FuzzView {
    /// Unique failures, shrunk, in the order found.
    pub failures: Vec<FuzzFailureView>,
    /// Requests sent.
    pub requests: u32,
    /// Operations fuzzed.
    pub operations: u32,
    /// Wall time, ms.
    pub elapsed_ms: u32,
    /// Time to the first failure, ms.
    pub first_failure_ms: Option<u32>,
    /// The stored run (its reports come from `run_report`).
    pub run_id: u32,
    /// Why it stopped early (the service never answered).
    pub aborted: Option<String>,
    /// Whether it was stopped (Cancel).
    pub cancelled: bool,
}

impl Workbench {
    /// Fuzzes the open spec (or one operation) with environment `env` at the window's base
    /// URL; `on_event` sees progress. Stopped by [`Workbench::cancel`], keeping what was
    /// found.
    pub async fn fuzz(
        &self,
        settings: &FuzzSettings,
        env: Option<String>,
        on_event: impl FnMut(&Event) + Send,
    ) -> Result<FuzzView> {
        let open = self.current()?;
        let spec = open.contract.spec();
        let mut select = crate::spec::select::Selection {
            read_only: settings.read_only,
            ..Default::default()
        };
        if let Some(id) = settings.operation.as_ref().filter(|o| !o.is_empty()) {
            if spec.operation(id).is_none() {
                return Err(WorkbenchError::NoOperation(id.clone()));
            }
            select.include.push(id.clone());
        }
        let env_name = env.filter(|e| !e.is_empty());
        let environment = self.environment(env_name.as_deref())?;
        let base_url = self
            .base_url
            .read()
            .ok()
            .and_then(|b| b.clone())
            .filter(|b| !b.is_empty());
        let allowed: Vec<String> = base_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
            .into_iter()
            .collect();
        let options = FuzzOptions {
            max_examples: settings.max_examples.clamp(1, 10_000) as usize,
            time_budget: settings
                .time_budget_s
                .filter(|s| *s > 0)
                .map(|s| std::time::Duration::from_secs(u64::from(s))),
            seed: u64::from(settings.seed),
            select,
            base_url,
            ..FuzzOptions::default()
        };
        let token = self.new_cancel();
        let session = Session::new();
        let ctx = Context {
            contract: &open.contract,
            session: &session,
            env: &environment,
            send: &self.send_options,
            cancel: Some(&token),
            accept_status: &[],
            allow_origins: &allowed,
        };
        let fuzzed = crate::fuzz::fuzz(&ctx, &options, on_event).await;
        let mut store = self.store()?;
        let summary = crate::fuzz::record(
            &mut store,
            &format!("fuzz: {}", open.source),
            env_name.as_deref(),
            &fuzzed,
            spec,
        );
        let view = view_of(&fuzzed, &environment, summary.run_id, token.is_cancelled());
        if let Ok(mut kept) = self.fuzzed.lock() {
            *kept = (fuzzed.failures, options.seed);
        }
        Ok(view)
    }

    /// Saves failures of the last fuzz run (by their place in its list; empty: all) into
    /// `collection` (created and linked to the open spec when new), each as the requests that
    /// reproduce it with the assertion that failed, as `vouch fuzz --save-failures` does.
    /// Returns the folder they went in.
    pub fn save_fuzz_failures(&self, collection: &str, which: &[u32]) -> Result<String> {
        let (failures, seed) = self.fuzzed.lock().map(|f| f.clone()).unwrap_or_default();
        let picked: Vec<crate::fuzz::Failure> = failures
            .into_iter()
            .enumerate()
            .filter(|(i, _)| which.is_empty() || which.contains(&(*i as u32)))
            .map(|(_, f)| f)
            .collect();
        if picked.is_empty() {
            return Err(crate::Problem {
                kind: "usage".into(),
                message: "there is no failure to save".into(),
                hint: "run Fuzz first: its failures can then be saved".into(),
            }
            .into());
        }
        let source = self.current().ok().map(|o| o.source.clone());
        let mut store = self.store()?;
        Ok(crate::fuzz::save_failures(
            &mut store,
            collection,
            source.as_deref(),
            None,
            &picked,
            seed,
        )?)
    }
}

/// The panel's view of a fuzz run (drafts masked with the environment's secrets).
fn view_of(
    fuzzed: &crate::fuzz::Fuzzed,
    environment: &crate::request::Environment,
    run_id: i64,
    cancelled: bool,
) -> FuzzView {
    let n = |x: u64| u32::try_from(x).unwrap_or(u32::MAX);
    FuzzView {
        failures: fuzzed
            .failures
            .iter()
            .map(|f| {
                let step = f.steps.last();
                let mask = environment.mask();
                FuzzFailureView {
                    check: f.check.name().to_string(),
                    operation: f.operation.clone(),
                    method: f.method.clone(),
                    path: f.path.clone(),
                    location: f.location.clone(),
                    status: f.status,
                    message: f.message.clone(),
                    curl: f.curl.clone(),
                    draft: step
                        .map(|s| crate::call::mask_draft(&s.draft, &mask))
                        .unwrap_or_default(),
                    operation_id: step.and_then(|s| s.operation_id.clone()),
                }
            })
            .collect(),
        requests: n(fuzzed.stats.requests as u64),
        operations: n(fuzzed.stats.operations as u64),
        elapsed_ms: n(fuzzed.stats.elapsed_ms),
        first_failure_ms: fuzzed.stats.first_failure_ms.map(n),
        run_id: n(run_id.max(0) as u64),
        aborted: fuzzed.aborted.as_ref().map(crate::Problem::line),
        cancelled,
    }
}
