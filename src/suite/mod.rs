//! Suites: steps run in order, each a checked call (contract verdict + assertions), values
//! extracted from one response feeding later steps (`login → token`, `create → id`).
//!
//! The runner reports progress as [`Event`]s and hands each finished step to the caller
//! (who stores it) before starting the next, so a run killed at any moment keeps every
//! finished step.

mod assert;
mod sample;
mod shard;
mod target;

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use assert::{evaluate, extract, select, Assertion, AssertionResult, Extraction, Source, Test};
pub use sample::{sample, sample_response, sample_varied, seed_of};
pub use shard::{chained_groups, Shard, ShardError};
pub use target::{from_store, StoredTarget};

use crate::call::{Call, Context, SentRequest};
use crate::contract::{Contract, Finding};
use crate::diagnostic::Problem;
use crate::mask::Mask;
use crate::request::{self, Draft};
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Summary {
    /// Steps in the suite.
    pub total: usize,
    /// Steps with no finding and every assertion holding.
    pub passed: usize,
    /// Steps with a finding or a failed assertion.
    pub failed: usize,
    /// Steps whose call could not be made.
    pub errors: usize,
    /// Steps not run (cancelled, or the run stopped early).
    pub skipped: usize,
    /// Steps with a finding shown as a warning (accepted status, request finding).
    #[serde(default)]
    pub warnings: usize,
}

/// One step's result: the checked call (masked) and its assertions.
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
    /// Contract findings (request and response; warnings included).
    pub findings: Vec<Finding>,
    /// Assertion results.
    pub assertions: Vec<AssertionResult>,
    /// Why the call could not be made (`message (hint)`, masked).
    pub error: Option<String>,
    /// What could not be checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The request as sent (masked).
    #[serde(skip)]
    pub request: Option<SentRequest>,
    /// Why the call could not be made, as data.
    #[serde(skip)]
    pub problem: Option<Problem>,
    /// The response, when there was one (unmasked, in memory only).
    #[serde(skip)]
    pub exchange: Option<request::Exchange>,
    /// The call's secrets, for whatever records or shows this step.
    #[serde(skip)]
    pub mask: Mask,
}

/// How a run goes.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Steps in flight at once. Above 1 only when no step extracts a variable (chained steps
    /// always run in order).
    pub concurrency: usize,
}

/// What [`run`] ends with.
#[derive(Debug, Clone, Default)]
pub struct Ran {
    /// Final counts.
    pub summary: Summary,
    /// Why the run stopped early: a credential that could not be obtained, or credentials
    /// for a scheme the spec does not have (the remaining steps are skipped).
    pub aborted: Option<Problem>,
}

/// Errors that make every later step fail the same way: the run stops at the first.
fn fatal(p: &Problem) -> bool {
    matches!(p.kind.as_str(), "token" | "unknown-scheme")
}

fn tally(summary: &mut Summary, r: &StepResult) {
    match r.outcome {
        StepOutcome::Passed => summary.passed += 1,
        StepOutcome::Failed => summary.failed += 1,
        StepOutcome::Errored => summary.errors += 1,
        StepOutcome::Skipped => summary.skipped += 1,
    }
    if r.findings.iter().any(|f| !f.fails()) {
        summary.warnings += 1;
    }
}

/// Runs `steps` in order through the one send, with `ctx`'s environment (extracted variables
/// are added to a copy of it). `on_event` sees progress; `on_step` gets each finished step
/// before the next starts. A step whose credentials cannot be obtained stops the run.
// Kept whole: the ordered loop and the concurrent window share the tally and the stop rule.
pub async fn run(
    ctx: &Context<'_>,
    steps: &[Step],
    options: &RunOptions,
    mut on_event: impl FnMut(&Event),
    mut on_step: impl FnMut(&StepResult),
) -> Ran {
    let mut ran = Ran {
        summary: Summary {
            total: steps.len(),
            ..Summary::default()
        },
        aborted: None,
    };
    on_event(&Event::Started { total: steps.len() });
    let chained = steps.iter().any(|s| !s.extractions.is_empty());
    let stopped = |ran: &Ran| {
        ran.aborted.is_some() || ctx.cancel.is_some_and(CancellationToken::is_cancelled)
    };
    let mut finished_step =
        |ran: &mut Ran, result: &StepResult, on_event: &mut dyn FnMut(&Event)| {
            tally(&mut ran.summary, result);
            if ran.aborted.is_none() {
                ran.aborted = result.problem.clone().filter(fatal);
            }
            on_step(result);
            on_event(&Event::StepFinished {
                seq: result.seq,
                name: result.name.clone(),
                outcome: result.outcome,
                summary: ran.summary,
            });
        };
    let mut done = 0;
    if options.concurrency > 1 && !chained {
        use futures_util::stream::{FuturesUnordered, StreamExt};
        // A window of `concurrency` steps in flight, refilled as they finish. (Written without
        // stream combinators over borrowed steps, which keeps the run's future `Send` for the
        // app's async commands.) Unchained: every step reads the same environment.
        let start = |seq: usize| async move { run_step(ctx, seq, &steps[seq], true).await.0 };
        let mut in_flight = FuturesUnordered::new();
        let mut next = 0;
        while next < steps.len().min(options.concurrency) {
            in_flight.push(Box::pin(start(next)));
            next += 1;
        }
        while let Some(result) = in_flight.next().await {
            if next < steps.len() && !stopped(&ran) {
                in_flight.push(Box::pin(start(next)));
                next += 1;
            }
            done += 1;
            finished_step(&mut ran, &result, &mut on_event);
        }
    } else {
        let mut env = ctx.env.clone();
        for (seq, step) in steps.iter().enumerate() {
            if stopped(&ran) {
                break;
            }
            on_event(&Event::StepStarted {
                seq,
                name: step.name.clone(),
            });
            let step_ctx = Context { env: &env, ..*ctx };
            let (result, extracted) = run_step(&step_ctx, seq, step, true).await;
            for (k, v, secret) in extracted {
                if secret {
                    env.set_secret(&k, &v);
                } else {
                    env.set(&k, &v);
                }
            }
            done += 1;
            finished_step(&mut ran, &result, &mut on_event);
        }
    }
    ran.summary.skipped += steps.len() - done;
    on_event(&Event::Finished {
        summary: ran.summary,
    });
    ran
}

/// Whether an extracted value is a credential by where it came from or where it goes.
pub(crate) fn extracted_secret(x: &Extraction) -> bool {
    request::is_sensitive_header(&x.var)
        || matches!(&x.from, Source::Header { name } if request::is_sensitive_header(name))
        || matches!(&x.from, Source::Cookie { .. })
}

/// One step: its checked call (the contract check only when `check`), its assertions and
/// what it extracts (name, value, whether a secret). Suites and load runs alike.
pub(crate) async fn run_step(
    ctx: &Context<'_>,
    seq: usize,
    step: &Step,
    check: bool,
) -> (StepResult, Vec<(String, String, bool)>) {
    let call = Call {
        operation_id: step.operation_id.as_deref(),
        draft: &step.draft,
        timeout: step.timeout,
        retries: step.retries,
        check,
    };
    let checked = crate::call::send(ctx, &call).await;
    let mut extracted = Vec::new();
    let mut assertions = Vec::new();
    if let Some(exchange) = &checked.exchange {
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
        assertions = step
            .assertions
            .iter()
            .map(|a| evaluate(a, exchange, json.as_ref()))
            .collect();
        for x in &step.extractions {
            match extract(x, exchange, json.as_ref()) {
                Some(v) => extracted.push((x.var.clone(), v, extracted_secret(x))),
                None => assertions.push(AssertionResult {
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
    }
    for a in &mut assertions {
        a.message = checked.mask.text(&a.message);
        a.actual = checked.mask.json(&a.actual);
    }
    let outcome = checked.outcome(assertions.iter().all(|a| a.passed));
    let result = StepResult {
        seq,
        name: step.name.clone(),
        operation_id: checked.operation_id.clone(),
        method: checked.method.clone(),
        url: checked.url.clone(),
        outcome,
        findings: checked.findings,
        assertions,
        error: checked.error.as_ref().map(Problem::line),
        notes: checked.notes,
        request: checked.request,
        problem: checked.error,
        exchange: checked.exchange,
        mask: checked.mask,
    };
    (result, extracted)
}

/// Response bytes kept per step in the store by default.
pub const STORED_BODY_CAP: usize = 256 * 1024;

impl StepResult {
    /// The step as the store keeps it (and reports show it): masked, the body cut at
    /// `body_cap`.
    pub fn record(&self, body_cap: usize) -> crate::store::StepRecord {
        let e = self.exchange.as_ref();
        let (body, cut) = e
            .map(|e| self.mask.bytes_capped(&e.body, body_cap))
            .unwrap_or_default();
        crate::store::StepRecord {
            seq: self.seq as i64,
            name: self.name.clone(),
            operation_id: self.operation_id.clone(),
            method: self.method.clone(),
            url: self.url.clone(),
            outcome: self.outcome,
            status: e.map(|e| e.status),
            elapsed_ms: e.map(|e| e.elapsed_ms),
            ttfb_ms: e.map(|e| e.ttfb_ms),
            findings: serde_json::to_value(&self.findings).unwrap_or(Value::Null),
            assertions: serde_json::to_value(&self.assertions).unwrap_or(Value::Null),
            error: self.error.clone(),
            response_headers: e.map(|e| self.mask.headers(&e.headers)).unwrap_or_default(),
            response_body: body,
            body_truncated: cut || e.is_some_and(|e| e.truncated),
            request: self.request.clone(),
        }
    }
}

/// A smoke suite straight from a spec: one step per operation, parameter values and bodies
/// taken from examples and defaults or generated from the schemas, no assertions (the
/// contract check is the verdict).
pub fn smoke(spec: &crate::spec::Spec) -> Vec<Step> {
    smoke_of(spec, &crate::spec::select::Selection::default())
}

/// The smoke suite of the selected operations, ordered and chained the way a person would
/// call them: operations creating a resource first (their answer's id extracted into a
/// variable), the operations on one resource given that id instead of a made-up one, and
/// every DELETE last.
pub fn smoke_of(spec: &crate::spec::Spec, select: &crate::spec::select::Selection) -> Vec<Step> {
    use crate::spec::resources::{item_parts, Resources, Role};
    let resources = Resources::of(spec);
    let mut ops: Vec<&crate::spec::Operation> = spec
        .operations()
        .iter()
        .filter(|o| select.admits(o))
        .collect();
    let rank = |o: &crate::spec::Operation| match (resources.role(&o.pointer), o.method.as_str()) {
        (Some(Role::Create(_)), _) => 0,
        (_, "DELETE") => 2,
        _ => 1,
    };
    ops.sort_by_key(|o| rank(o));
    // The variable each created kind's id goes in, by item template.
    let mut made: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut steps = Vec::new();
    for op in ops {
        let mut step = smoke_step(spec, op);
        match resources.role(&op.pointer) {
            Some(Role::Create(kind)) => {
                if let Some(field) = created_id_field(spec, op, kind) {
                    let var = format!("{}_id", op.id);
                    step.extractions.push(Extraction {
                        var: var.clone(),
                        from: Source::Json {
                            path: format!("/{}", crate::spec::escape(&field)),
                        },
                    });
                    made.entry(kind.item.clone()).or_insert(var);
                }
            }
            Some(Role::Item(kind)) => {
                let param = item_parts(&kind.item).map(|(_, p)| p.to_string());
                if let (Some(var), Some(param)) = (made.get(&kind.item), param) {
                    for p in &mut step.draft.params {
                        if p.location == crate::spec::ParamLocation::Path && p.name == param {
                            p.value = Value::String(format!("{{{{{var}}}}}"));
                        }
                    }
                }
            }
            _ => {}
        }
        steps.push(step);
    }
    steps
}

/// The field of a creating operation's success answer that holds the new resource's id: the
/// link's, else found in the answer's schema by the item path parameter's name.
fn created_id_field(
    spec: &crate::spec::Spec,
    op: &crate::spec::Operation,
    kind: &crate::spec::resources::Kind,
) -> Option<String> {
    if let Some(f) = &kind.id_field {
        return Some(f.clone());
    }
    let (_, param) = crate::spec::resources::item_parts(&kind.item)?;
    let detail = spec.resolve(op);
    let schema = detail
        .responses
        .iter()
        .filter(|r| r.status.to_string().starts_with('2'))
        .find_map(|r| {
            crate::contract::media::preferred(&r.content)?
                .schema
                .clone()
        })?;
    let Value::Object(answer) = sample_response(spec, &schema, true) else {
        return None;
    };
    crate::spec::resources::id_field(&answer, param)
}

/// The smoke step of one operation (what [`smoke`] makes for it).
pub fn smoke_step(spec: &crate::spec::Spec, op: &crate::spec::Operation) -> Step {
    use crate::request::ParamValue;
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
        Some(body_for(&media.media_type, value))
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

/// A body of `media_type` holding `value`: JSON as it is, form and multipart fields from an
/// object's members, anything else as text. The smoke suite's and the fuzzer's one encoder.
pub fn body_for(media_type: &str, value: Value) -> request::Body {
    use crate::request::{Body, Part, PartValue};
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
    let essence = crate::contract::media::essence(media_type);
    if crate::contract::media::is_json(media_type) {
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
            content_type: media_type.to_string(),
            text: value.as_str().unwrap_or("").to_string(),
        }
    }
}

/// Which operations a run called, and which of their declared responses it saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
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

/// The contract coverage of a run's recorded steps.
pub fn coverage(spec: &crate::spec::Spec, results: &[crate::store::StepRecord]) -> Coverage {
    let mut out = Coverage {
        operations: spec.operations().len(),
        ..Coverage::default()
    };
    for op in spec.operations() {
        let detail = spec.resolve(op);
        let mut statuses: Vec<u16> = results
            .iter()
            .filter(|r| r.operation_id.as_deref() == Some(op.id.as_str()))
            .filter_map(|r| r.status)
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
