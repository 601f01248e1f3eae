//! `vouch report merge`: the JSON reports of a sharded run's parts joined into the report of
//! the whole run, exactly: steps back in plan order, counts added, coverage unioned (an
//! operation is exercised if any part exercised it; a declared response is seen if any part
//! saw it). Reports come from other machines: each is checked before anything is joined.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::RunReport;
use crate::call::SentRequest;
use crate::run::ShardOf;
use crate::store::{StepOutcome, StepRecord};
use crate::suite::{Coverage, Shard, Summary};

/// Why parts cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A file is not a Vouch JSON run report.
    #[error("{file} is not a Vouch JSON report: {detail}")]
    NotAReport {
        /// The file.
        file: String,
        /// What is wrong, and where.
        detail: String,
    },
    /// A report is of a whole run, not a part.
    #[error("{file} reports a whole run, not a shard (it was not run with --shard i/n)")]
    NotAShard {
        /// The file.
        file: String,
    },
    /// The parts do not make one run.
    #[error("the reports are not the parts of one run: {detail}")]
    Mismatch {
        /// What differs, or which part is missing or repeated.
        detail: String,
    },
}

impl crate::Diagnostic for MergeError {
    fn kind(&self) -> &str {
        "report"
    }

    fn hint(&self) -> String {
        match self {
            MergeError::NotAReport { .. } => {
                "give the files `vouch run --shard i/n --report json:FILE` wrote".into()
            }
            MergeError::NotAShard { .. } => {
                "a whole run needs no merge; run the parts with --shard i/n".into()
            }
            MergeError::Mismatch { .. } => {
                "merge every part (1/n … n/n) of one run of one plan, each once".into()
            }
        }
    }
}

/// One part's JSON report as read.
#[derive(Deserialize)]
struct Part {
    name: String,
    summary: Summary,
    results: Vec<Result>,
    coverage: Coverage,
    shard: Option<ShardOf>,
}

#[derive(Deserialize)]
struct Result {
    seq: i64,
    name: String,
    operation_id: Option<String>,
    method: String,
    url: String,
    outcome: StepOutcome,
    status: Option<u16>,
    elapsed_ms: Option<f64>,
    #[serde(default)]
    findings: Value,
    #[serde(default)]
    assertions: Value,
    error: Option<String>,
    request: Option<SentRequest>,
    response: Option<Response>,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
    #[serde(default)]
    body_truncated: bool,
}

impl Result {
    fn into_step(self) -> StepRecord {
        let (response_headers, response_body, body_truncated) = match self.response {
            Some(r) => (r.headers, r.body.into_bytes(), r.body_truncated),
            None => (Vec::new(), Vec::new(), false),
        };
        StepRecord {
            seq: self.seq,
            name: self.name,
            operation_id: self.operation_id,
            method: self.method,
            url: self.url,
            outcome: self.outcome,
            status: self.status,
            elapsed_ms: self.elapsed_ms,
            ttfb_ms: None,
            findings: self.findings,
            assertions: self.assertions,
            error: self.error,
            response_headers,
            response_body,
            body_truncated,
            request: self.request,
        }
    }
}

/// Reads each report as a `T` (whose part `shard_of` tells) and checks they are the parts
/// 1..=n of one sharded run, each once: run and load reports alike. In part order.
pub(crate) fn read_parts<T: serde::de::DeserializeOwned>(
    reports: &[(String, String)],
    shard_of: impl Fn(&T) -> Option<Shard>,
) -> std::result::Result<Vec<(String, Shard, T)>, MergeError> {
    let mut parts: BTreeMap<usize, (String, Shard, T)> = BTreeMap::new();
    for (file, text) in reports {
        let part: T = serde_json::from_str(text).map_err(|e| MergeError::NotAReport {
            file: file.clone(),
            detail: e.to_string(),
        })?;
        let shard = shard_of(&part).ok_or_else(|| MergeError::NotAShard { file: file.clone() })?;
        if let Some((other, first, _)) = parts
            .values()
            .next()
            .filter(|(_, f, _)| f.count != shard.count)
        {
            return Err(MergeError::Mismatch {
                detail: format!("{file} is part {shard}; {other} is part {first}"),
            });
        }
        if let Some((other, _, _)) = parts.get(&shard.index) {
            return Err(MergeError::Mismatch {
                detail: format!("{other} and {file} are both part {shard}"),
            });
        }
        parts.insert(shard.index, (file.clone(), shard, part));
    }
    let count = parts
        .values()
        .next()
        .map(|(_, s, _)| s.count)
        .ok_or_else(|| MergeError::Mismatch {
            detail: "no report was given".into(),
        })?;
    if let Some(missing) = (1..=count).find(|i| !parts.contains_key(i)) {
        return Err(MergeError::Mismatch {
            detail: format!("part {missing}/{count} is missing"),
        });
    }
    Ok(parts.into_values().collect())
}

/// Merges the parts' JSON reports, given as (file name, text).
pub fn merge(reports: &[(String, String)]) -> std::result::Result<RunReport, MergeError> {
    let parts = read_parts(reports, |p: &Part| p.shard.map(|s| s.shard))?;
    let (first_file, first, head) = &parts[0];
    let whole = head.shard.map_or(0, |s| s.whole);
    let name = head.name.clone();
    for (file, shard, part) in &parts {
        if part.name != name || part.shard.map(|s| s.whole) != Some(whole) {
            return Err(MergeError::Mismatch {
                detail: format!(
                    "{file} is part {shard} of `{}` ({} steps); {first_file} is part {first} of `{name}` ({whole} steps)",
                    part.name,
                    part.shard.map_or(0, |s| s.whole)
                ),
            });
        }
    }
    let mut summary = Summary::default();
    let mut coverage: Option<Coverage> = None;
    let mut steps = Vec::new();
    for (_, _, part) in parts {
        add(&mut summary, &part.summary);
        coverage = Some(match coverage {
            None => part.coverage,
            Some(c) => union(c, &part.coverage)?,
        });
        steps.extend(part.results.into_iter().map(Result::into_step));
    }
    steps.sort_by_key(|s| s.seq);
    if let Some(w) = steps.windows(2).find(|w| w[0].seq == w[1].seq) {
        return Err(MergeError::Mismatch {
            detail: format!("step {} is in two parts", w[0].seq),
        });
    }
    Ok(RunReport {
        name,
        summary,
        steps,
        coverage: coverage.unwrap_or_default(),
        shard: None,
    })
}

fn add(total: &mut Summary, part: &Summary) {
    total.total += part.total;
    total.passed += part.passed;
    total.failed += part.failed;
    total.errors += part.errors;
    total.skipped += part.skipped;
    total.warnings += part.warnings;
}

/// Coverage of two parts of one run against one spec.
fn union(mut a: Coverage, b: &Coverage) -> std::result::Result<Coverage, MergeError> {
    let same_spec = a.operations == b.operations
        && a.by_operation.len() == b.by_operation.len()
        && a.by_operation
            .iter()
            .zip(&b.by_operation)
            .all(|(x, y)| x.operation == y.operation && x.declared == y.declared);
    if !same_spec {
        return Err(MergeError::Mismatch {
            detail: "their coverage is of different specs".into(),
        });
    }
    for (x, y) in a.by_operation.iter_mut().zip(&b.by_operation) {
        for s in &y.statuses {
            if !x.statuses.contains(s) {
                x.statuses.push(*s);
            }
        }
        x.statuses.sort_unstable();
        // Declared order, as a single run lists them.
        let covered: Vec<String> = x
            .declared
            .iter()
            .filter(|k| x.covered.contains(k) || y.covered.contains(k))
            .cloned()
            .collect();
        x.covered = covered;
    }
    a.exercised = a
        .by_operation
        .iter()
        .filter(|o| !o.statuses.is_empty())
        .count();
    a.responses_seen = a.by_operation.iter().map(|o| o.covered.len()).sum();
    Ok(a)
}
