//! Suites: steps run in order, each a checked call (contract verdict + assertions), values
//! extracted from one response feeding later steps (`login → token`, `create → id`).
//!
//! The runner reports progress as [`Event`]s and hands each finished step to the caller
//! (who stores it) before starting the next, so a run killed at any moment keeps every
//! finished step.

mod assert;
mod sample;
mod target;

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use assert::{evaluate, extract, select, Assertion, AssertionResult, Extraction, Source, Test};
pub use sample::sample;
pub use target::{from_store, StoredTarget};

use crate::contract::{Contract, Finding};
use crate::request::{self, Draft, Environment, RequestError, SendOptions, Session};
use crate::store::StepOutcome;

/// One step of a suite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// Its name (the saved request's).
    pub name: String,
    /// The operation it calls (None: matched from method + path).
    pub operation_id: Option<String>,
    /// What to send.
    pub draft: Draft,
    /// What must hold of the response.
    pub assertions: Vec<Assertion>,
    /// Values to carry into later steps.
    pub extractions: Vec<Extraction>,
    /// Overrides the run's timeout.
    pub timeout: Option<Duration>,
    /// Extra attempts after a failure to get a response (not after a failed check).
    pub retries: u32,
}

/// Progress of a run.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The run starts.
    Started {
        /// Steps to run.
        total: usize,
    },
    /// A step starts.
    StepStarted {
        /// Position.
        seq: usize,
        /// Name.
        name: String,
    },
    /// A step finished.
    StepFinished {
        /// Position.
        seq: usize,
        /// Name.
        name: String,
        /// How it ended.
        outcome: StepOutcome,
        /// Counts so far.
        summary: Summary,
    },
    /// The run is over.
    Finished {
        /// Final counts.
        summary: Summary,
    },
}

/// Counts of a run.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Steps in the suite.
    pub total: usize,
    /// Steps with no finding and every assertion holding.
    pub passed: usize,
    /// Steps with a finding or a failed assertion.
    pub failed: usize,
    /// Steps whose call could not be made.
    pub errors: usize,
    /// Steps not run (cancelled).
    pub skipped: usize,
}

/// One step's result.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    /// Position.
    pub seq: usize,
    /// Name.
    pub name: String,
    /// The operation called.
    pub operation_id: Option<String>,
    /// Method sent.
    pub method: String,
    /// URL sent (secrets masked).
    pub url: String,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Contract findings (request and response).
    pub findings: Vec<Finding>,
    /// Assertion results.
    pub assertions: Vec<AssertionResult>,
    /// Why the call could not be made.
    pub error: Option<String>,
    /// The response, when there was one.
    #[serde(skip)]
    pub exchange: Option<request::Exchange>,
}

/// How a run goes.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Sending options for every step (timeout overridden per step).
    pub send: SendOptions,
    /// Stops the run between or during steps.
    pub cancel: Option<CancellationToken>,
    /// Steps in flight at once. Above 1 only when no step extracts a variable (chained steps
    /// always run in order).
    pub concurrency: usize,
}

/// Runs `steps` in order against `contract`'s spec with `env` (extracted variables are
/// added to a copy of it). `on_event` sees progress; `on_step` gets each finished step
/// before the next starts.
pub async fn run(
    contract: &Contract,
    steps: &[Step],
    env: &Environment,
    options: &RunOptions,
    mut on_event: impl FnMut(&Event),
    mut on_step: impl FnMut(&StepResult),
) -> Summary {
    let session = Session::new();
    let mut env = env.clone();
    let mut summary = Summary {
        total: steps.len(),
        ..Summary::default()
    };
    on_event(&Event::Started { total: steps.len() });
    let chained = steps.iter().any(|s| !s.extractions.is_empty());
    let tally = |summary: &mut Summary, outcome: StepOutcome| match outcome {
        StepOutcome::Passed => summary.passed += 1,
        StepOutcome::Failed => summary.failed += 1,
        StepOutcome::Errored => summary.errors += 1,
        StepOutcome::Skipped => summary.skipped += 1,
    };
    if options.concurrency > 1 && !chained {
        use futures_util::stream::{FuturesUnordered, StreamExt};
        let env = &env;
        let session = &session;
        // A window of `concurrency` steps in flight, refilled as they finish. (Written without
        // stream combinators over borrowed steps, which keeps the run's future `Send` for the
        // app's async commands.)
        let start = |seq: usize| async move {
            // Unchained: nothing is extracted, so every step reads the same environment.
            let mut unused = Vec::new();
            run_step(
                contract,
                session,
                seq,
                &steps[seq],
                env,
                options,
                &mut unused,
            )
            .await
        };
        let mut finished = FuturesUnordered::new();
        let mut next = 0;
        while next < steps.len().min(options.concurrency) {
            finished.push(Box::pin(start(next)));
            next += 1;
        }
        while let Some(result) = finished.next().await {
            if next < steps.len() {
                finished.push(Box::pin(start(next)));
                next += 1;
            }
            tally(&mut summary, result.outcome);
            on_step(&result);
            on_event(&Event::StepFinished {
                seq: result.seq,
                name: result.name.clone(),
                outcome: result.outcome,
                summary,
            });
        }
    } else {
        for (seq, step) in steps.iter().enumerate() {
            if options
                .cancel
                .as_ref()
                .is_some_and(CancellationToken::is_cancelled)
            {
                summary.skipped += steps.len() - seq;
                break;
            }
            on_event(&Event::StepStarted {
                seq,
                name: step.name.clone(),
            });
            let mut extracted = Vec::new();
            let result =
                run_step(contract, &session, seq, step, &env, options, &mut extracted).await;
            for (k, v) in extracted {
                env.set(&k, &v);
            }
            tally(&mut summary, result.outcome);
            on_step(&result);
            on_event(&Event::StepFinished {
                seq,
                name: step.name.clone(),
                outcome: result.outcome,
                summary,
            });
        }
    }
    on_event(&Event::Finished { summary });
    summary
}

async fn run_step(
    contract: &Contract,
    session: &Session,
    seq: usize,
    step: &Step,
    env: &Environment,
    options: &RunOptions,
    extracted: &mut Vec<(String, String)>,
) -> StepResult {
    let spec = contract.spec();
    let mut result = StepResult {
        seq,
        name: step.name.clone(),
        operation_id: step.operation_id.clone(),
        method: step.draft.method.to_ascii_uppercase(),
        url: step.draft.path.clone(),
        outcome: StepOutcome::Errored,
        findings: Vec::new(),
        assertions: Vec::new(),
        error: None,
        exchange: None,
    };
    let op = match &step.operation_id {
        Some(id) => spec.operation(id),
        None => request::route(
            spec,
            &step.draft.method,
            step.draft.path.split('?').next().unwrap_or(""),
            "",
        )
        .map(|r| r.operation),
    };
    let detail = op.map(|o| contract.detail(o));
    result.operation_id = detail.as_ref().map(|d| d.operation.id.clone());
    let prepared = match request::prepare(spec, detail.as_deref(), &step.draft, env) {
        Ok(p) => p,
        Err(e) => {
            result.error = Some(format!("{e} ({})", e.hint()));
            return result;
        }
    };
    result.url = prepared.redact(prepared.url.as_str());
    if let Some(d) = &detail {
        result
            .findings
            .extend(contract.check_request(d, &prepared.parts()).findings);
    }
    let mut send = options.send.clone();
    if let Some(t) = step.timeout {
        send.timeout = t;
    }
    let mut attempt = 0;
    let exchange = loop {
        match session
            .send(&prepared, &send, options.cancel.as_ref())
            .await
        {
            Ok(ex) => break ex,
            Err(RequestError::Cancelled) => {
                result.outcome = StepOutcome::Skipped;
                result.error = Some("cancelled".into());
                return result;
            }
            Err(e) if attempt < step.retries => {
                attempt += 1;
                tracing::debug!("step {}: attempt {attempt} failed: {e}", step.name);
            }
            Err(e) => {
                result.error = Some(prepared.redact(&format!("{e} ({})", e.hint())));
                return result;
            }
        }
    };
    if let Some(d) = &detail {
        result
            .findings
            .extend(contract.check_response(d, &exchange.parts()).findings);
    }
    // Parsed once, and only when an assertion or extraction reads the body as JSON.
    let needs_json = step
        .assertions
        .iter()
        .any(|a| matches!(a, Assertion::Json { .. }))
        || step
            .extractions
            .iter()
            .any(|x| matches!(x.from, Source::Json { .. }));
    let json: Option<Value> = if needs_json {
        serde_json::from_slice(&exchange.body).ok()
    } else {
        None
    };
    result.assertions = step
        .assertions
        .iter()
        .map(|a| evaluate(a, &exchange, json.as_ref()))
        .collect();
    for x in &step.extractions {
        match extract(x, &exchange, json.as_ref()) {
            Some(v) => extracted.push((x.var.clone(), v)),
            None => result.assertions.push(AssertionResult {
                assertion: Assertion::Json {
                    path: String::new(),
                    test: Test::Exists(true),
                },
                passed: false,
                actual: Value::Null,
                message: format!(
                    "could not extract `{}`: {:?} is not in the response",
                    x.var, x.from
                ),
            }),
        }
    }
    result.outcome = if result.findings.is_empty() && result.assertions.iter().all(|a| a.passed) {
        StepOutcome::Passed
    } else {
        StepOutcome::Failed
    };
    result.exchange = Some(exchange);
    result
}

/// Response bytes kept per step in the store by default.
pub const STORED_BODY_CAP: usize = 256 * 1024;

impl StepResult {
    /// The step as the store keeps it (body cut at `body_cap`).
    pub fn record(&self, body_cap: usize) -> crate::store::StepRecord {
        let mut r = crate::store::StepRecord {
            seq: self.seq as i64,
            name: self.name.clone(),
            operation_id: self.operation_id.clone(),
            method: self.method.clone(),
            url: self.url.clone(),
            outcome: self.outcome,
            status: self.exchange.as_ref().map(|e| e.status),
            elapsed_ms: self.exchange.as_ref().map(|e| e.elapsed_ms),
            ttfb_ms: self.exchange.as_ref().map(|e| e.ttfb_ms),
            findings: serde_json::to_value(&self.findings).unwrap_or(Value::Null),
            assertions: serde_json::to_value(&self.assertions).unwrap_or(Value::Null),
            error: self.error.clone(),
            response_headers: self
                .exchange
                .as_ref()
                .map(|e| e.headers.clone())
                .unwrap_or_default(),
            response_body: Vec::new(),
            body_truncated: self.exchange.as_ref().is_some_and(|e| e.truncated),
        };
        if let Some(e) = &self.exchange {
            r.keep_body(&e.body, body_cap);
        }
        r
    }
}

/// A smoke suite straight from a spec: one step per operation, parameter values and bodies
/// taken from examples and defaults or generated from the schemas, no assertions (the
/// contract check is the verdict).
pub fn smoke(spec: &crate::spec::Spec) -> Vec<Step> {
    spec.operations()
        .iter()
        .map(|op| smoke_step(spec, op))
        .collect()
}

/// The smoke step of one operation (what [`smoke`] makes for it).
pub fn smoke_step(spec: &crate::spec::Spec, op: &crate::spec::Operation) -> Step {
    use crate::request::{Body, ParamValue, Part, PartValue};
    let detail = spec.resolve(op);
    let mut params = Vec::new();
    for p in &detail.parameters {
        let example = spec.get(&p.at).and_then(|v| v.get("example")).cloned();
        if !p.required && example.is_none() {
            continue;
        }
        let value = example
            .or_else(|| p.schema.as_ref().map(|s| sample(spec, s)))
            .unwrap_or(Value::String("a".into()));
        params.push(ParamValue {
            name: p.name.clone(),
            location: p.location,
            value,
        });
    }
    let body = detail.request_body.as_ref().and_then(|rb| {
        let media = crate::contract::media::preferred(&rb.content)?;
        let value = media
            .schema
            .as_ref()
            .map(|s| sample(spec, s))
            .unwrap_or(Value::Null);
        let fields = || -> Vec<(String, String)> {
            value
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let essence = crate::contract::media::essence(&media.media_type);
        Some(if crate::contract::media::is_json(&media.media_type) {
            Body::Json(value.clone())
        } else if essence == "application/x-www-form-urlencoded" {
            Body::Form(fields())
        } else if essence == "multipart/form-data" {
            Body::Multipart(
                fields()
                    .into_iter()
                    .map(|(name, v)| Part {
                        name,
                        value: PartValue::Text(v),
                    })
                    .collect(),
            )
        } else {
            Body::Text {
                content_type: media.media_type.clone(),
                text: value.as_str().unwrap_or("").to_string(),
            }
        })
    });
    Step {
        name: op.id.clone(),
        operation_id: Some(op.id.clone()),
        draft: Draft {
            method: op.method.clone(),
            path: op.path.clone(),
            params,
            body,
            ..Draft::default()
        },
        assertions: Vec::new(),
        extractions: Vec::new(),
        timeout: None,
        retries: 0,
    }
}

/// Which operations a run called, and which of their declared responses it saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// Operations in the spec.
    pub operations: usize,
    /// Operations called at least once (with a response).
    pub exercised: usize,
    /// Declared response keys (`200`, `2XX`, `default`) over all operations.
    pub responses_declared: usize,
    /// Declared response keys some response matched.
    pub responses_seen: usize,
    /// Per operation, in spec order.
    pub by_operation: Vec<OperationCoverage>,
}

/// Coverage of one operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OperationCoverage {
    /// Operation id.
    pub operation: String,
    /// Method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Declared response keys.
    pub declared: Vec<String>,
    /// Declared keys matched by some response.
    pub covered: Vec<String>,
    /// Statuses received (declared or not).
    pub statuses: Vec<u16>,
}

/// The contract coverage of a run's results.
pub fn coverage(spec: &crate::spec::Spec, results: &[StepResult]) -> Coverage {
    let mut out = Coverage {
        operations: spec.operations().len(),
        ..Coverage::default()
    };
    for op in spec.operations() {
        let detail = spec.resolve(op);
        let mut statuses: Vec<u16> = results
            .iter()
            .filter(|r| r.operation_id.as_deref() == Some(op.id.as_str()))
            .filter_map(|r| r.exchange.as_ref().map(|e| e.status))
            .collect();
        statuses.sort_unstable();
        statuses.dedup();
        let mut keys: Vec<_> = detail.responses.iter().map(|r| r.status).collect();
        keys.sort();
        let covered: Vec<String> = keys
            .iter()
            .filter(|k| {
                statuses
                    .iter()
                    .any(|s| Contract::response_for(&detail, *s).is_some_and(|r| r.status == **k))
            })
            .map(ToString::to_string)
            .collect();
        if !statuses.is_empty() {
            out.exercised += 1;
        }
        out.responses_declared += keys.len();
        out.responses_seen += covered.len();
        out.by_operation.push(OperationCoverage {
            operation: op.id.clone(),
            method: op.method.to_ascii_uppercase(),
            path: op.path.clone(),
            declared: keys.iter().map(ToString::to_string).collect(),
            covered,
            statuses,
        });
    }
    out
}
