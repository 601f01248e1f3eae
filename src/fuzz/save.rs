//! A fuzz run kept like a suite run (one recorded step per failure, one passed step per
//! operation without any), and its failures saved as requests of a collection: each with the
//! assertion that failed, so the next `vouch run` of the collection fails while the bug is
//! there.

use serde_json::Value;

use super::{Failure, Fuzzed};
use crate::diagnostic::Problem;
use crate::run::RunSummary;
use crate::store::{
    RunStatus, SavedRequest, StepOutcome, StepRecord, Store, StoreError, SuiteStep,
};
use crate::suite::Summary;

/// Records a fuzz run in the store as a run named `name`, and returns it as a run summary
/// (what reports are written from): one failed step per failure, one passed step per
/// operation that had none.
// Kept whole: one run's records, counts and store writes, together.
pub fn record(
    store: &mut Store,
    name: &str,
    environment: Option<&str>,
    fuzzed: &Fuzzed,
    spec: &crate::spec::Spec,
) -> RunSummary {
    let mut steps: Vec<StepRecord> = Vec::new();
    for f in &fuzzed.failures {
        if let Some(r) = &f.record {
            let mut r = r.clone();
            r.name = format!("{} · {}", f.check, f.operation);
            steps.push(r);
        }
    }
    for (operation, statuses) in &fuzzed.stats.statuses {
        if fuzzed.failures.iter().any(|f| {
            f.record.as_ref().and_then(|r| r.operation_id.as_deref()) == Some(operation.as_str())
        }) {
            continue;
        }
        let op = spec.operation(operation);
        steps.push(StepRecord {
            seq: 0,
            name: operation.clone(),
            operation_id: Some(operation.clone()),
            method: op.map(|o| o.method.clone()).unwrap_or_default(),
            url: op.map(|o| o.path.clone()).unwrap_or_default(),
            outcome: StepOutcome::Passed,
            status: statuses.first().copied(),
            elapsed_ms: None,
            ttfb_ms: None,
            findings: Value::Array(Vec::new()),
            assertions: Value::Array(Vec::new()),
            error: None,
            response_headers: Vec::new(),
            response_body: Vec::new(),
            body_truncated: false,
            request: None,
        });
    }
    for (i, s) in steps.iter_mut().enumerate() {
        s.seq = i as i64;
    }
    let failed = fuzzed.failures.len();
    let summary = Summary {
        total: steps.len(),
        passed: steps.len() - failed,
        failed,
        errors: usize::from(fuzzed.aborted.is_some()),
        ..Summary::default()
    };
    let status = if fuzzed.aborted.is_some() {
        RunStatus::Errored
    } else if failed > 0 {
        RunStatus::Failed
    } else {
        RunStatus::Passed
    };
    let mut out = RunSummary {
        run_id: 0,
        name: name.to_string(),
        status,
        summary,
        coverage: crate::suite::coverage(spec, &steps),
        environment: environment.map(str::to_string),
        aborted: fuzzed.aborted.clone(),
        steps,
        store_error: None,
        shard: None,
    };
    let stored = (|| -> Result<i64, StoreError> {
        let id = store.start_run(None, None, name, environment)?;
        for s in &out.steps {
            store.record_step(id, s)?;
        }
        let mut kept = out.stored();
        kept["fuzz"] = serde_json::to_value(&fuzzed.stats).unwrap_or(Value::Null);
        store.finish_run(id, status, &kept)?;
        Ok(id)
    })();
    match stored {
        Ok(id) => out.run_id = id,
        Err(e) => out.store_error = Some(Problem::of(&e)),
    }
    out
}

/// Saves each failure's steps as requests of `collection` (created, linked to the spec,
/// when it does not exist) in a folder of their own, plus a suite running them in order.
/// Returns the folder's name.
pub fn save_failures(
    store: &mut Store,
    collection: &str,
    spec_source: Option<&str>,
    spec_bytes: Option<&[u8]>,
    failures: &[Failure],
    seed: u64,
) -> Result<String, StoreError> {
    let c = match store.collection(collection) {
        Ok(c) => c,
        Err(StoreError::NotFound { .. }) => {
            let c = store.create_collection(collection, "failures found by vouch fuzz")?;
            match (spec_source, spec_bytes) {
                (Some(source), Some(bytes)) => {
                    store.set_spec(c.id, source, bytes)?;
                }
                (Some(source), None) => store.set_spec_source(c.id, source)?,
                _ => {}
            }
            c
        }
        Err(e) => return Err(e),
    };
    let taken: Vec<String> = store.folders(c.id)?.into_iter().map(|f| f.name).collect();
    let base = format!("fuzz failures (seed {seed})");
    let name = (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base} {n}")
            }
        })
        .find(|n| !taken.contains(n))
        .unwrap_or(base);
    let folder = store.create_folder(c.id, None, &name, taken.len() as i64)?;
    let mut suite = Vec::new();
    let mut seq = 0;
    for (i, f) in failures.iter().enumerate() {
        for step in &f.steps {
            seq += 1;
            let request = SavedRequest {
                id: 0,
                folder_id: Some(folder.id),
                name: format!("{:02} {}", i + 1, step.name),
                seq,
                operation_id: step.operation_id.clone(),
                draft: step.draft.clone(),
                assertions: serde_json::to_value(&step.assertions).unwrap_or(Value::Null),
                extractions: serde_json::to_value(&step.extractions).unwrap_or(Value::Null),
                scripts: Value::Array(Vec::new()),
            };
            let id = store.save_request(c.id, &request)?;
            suite.push(SuiteStep {
                request_id: id,
                overrides: Value::Null,
            });
        }
    }
    store.create_suite(c.id, &name, &suite)?;
    Ok(name)
}
