//! `vouch fuzz`: requests generated from the spec, sent through the one send, every response
//! judged by named checks; each failure shrunk to a small request that still fails the same
//! way, deduplicated by (check, operation, location), and handed back as a cURL line and as
//! steps a suite can replay.
//!
//! Phases, in order: the spec's examples; positive requests (boundary values first, then
//! random ones drawn from the seed, steered toward requests near ones that reached a status
//! not seen before); negative requests (one broken constraint each); stateful sequences
//! (create → read → update → delete → read, from the spec's links or the path convention).
//! The same seed gives the same requests, in the same order, and so the same failures.

mod cases;
mod checks;
mod save;
mod shrink;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

pub use checks::Check;
pub use save::{record, save_failures};

use crate::call::{self, Call, Checked, Context};
use crate::diagnostic::Problem;
use crate::request::{Draft, Environment};
use crate::spec::resources::{id_field, item_parts, Resources, Role};
use crate::spec::select::Selection;
use crate::suite::{seed_of, Extraction, Source, Step};
use cases::{Case, Input, Intent, Target};
use checks::Found;

/// A phase of a fuzz run.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The spec's examples and defaults.
    Examples,
    /// Requests honouring the contract: boundary values, then random ones.
    Positive,
    /// Requests breaking one constraint each.
    Negative,
    /// Create → read → update → delete → read sequences.
    Stateful,
}

impl Phase {
    /// Every phase, in the order they run.
    pub const ALL: [Phase; 4] = [
        Phase::Examples,
        Phase::Positive,
        Phase::Negative,
        Phase::Stateful,
    ];

    /// The phase named `name`.
    pub fn parse(name: &str) -> Option<Phase> {
        Phase::ALL
            .into_iter()
            .find(|p| format!("{p:?}").eq_ignore_ascii_case(name.trim()))
    }
}

/// How a fuzz run goes.
#[derive(Debug, Clone)]
pub struct FuzzOptions {
    /// Phases to run.
    pub phases: Vec<Phase>,
    /// Positive requests per operation (boundary values included), and at most as many
    /// negative ones.
    pub max_examples: usize,
    /// Generation stops when this is spent (shrinking then has a bounded number of tries).
    pub time_budget: Option<Duration>,
    /// Seed of every random choice.
    pub seed: u64,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Checks to run.
    pub checks: Vec<Check>,
    /// The response-time check's limit, ms.
    pub max_response_ms: f64,
    /// Operations to call.
    pub select: Selection,
    /// Base URL for every call (None: the spec's servers).
    pub base_url: Option<String>,
}

impl Default for FuzzOptions {
    fn default() -> Self {
        FuzzOptions {
            phases: Phase::ALL.to_vec(),
            max_examples: 50,
            time_budget: None,
            seed: 0,
            concurrency: 1,
            checks: Check::ALL.to_vec(),
            max_response_ms: 5_000.0,
            select: Selection::default(),
            base_url: None,
        }
    }
}

/// One unique failure, shrunk.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The check that failed.
    pub check: Check,
    /// The operationId, or `METHOD path` without one.
    pub operation: String,
    /// Method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The finding's location, or the broken constraint's, when there is one.
    pub location: Option<String>,
    /// The status of the failing response.
    pub status: Option<u16>,
    /// What happened.
    pub message: String,
    /// The (last) failing request as a cURL command (secrets masked).
    pub curl: String,
    /// When it was first seen, ms after the start (before shrinking): how soon a run finds
    /// each failure, not only the first.
    pub found_ms: u64,
    /// Steps that reproduce it (the last one fails), each with the assertion that failed.
    #[serde(skip)]
    pub steps: Vec<Step>,
    /// The failing call as recorded (masked).
    #[serde(skip)]
    pub record: Option<crate::store::StepRecord>,
}

/// Counts of a fuzz run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    /// Requests sent (shrinking included).
    pub requests: usize,
    /// Requests that got no response.
    pub errors: usize,
    /// Of the requests, those sent while shrinking.
    pub shrink_requests: usize,
    /// Wall time.
    pub elapsed_ms: u64,
    /// Of the wall time, the time spent shrinking.
    pub shrink_ms: u64,
    /// Time to the first failure.
    pub first_failure_ms: Option<u64>,
    /// Operations fuzzed.
    pub operations: usize,
    /// Unique failures per check.
    pub by_check: BTreeMap<String, usize>,
    /// Distinct statuses seen per operation.
    pub statuses: BTreeMap<String, Vec<u16>>,
}

/// What a fuzz run ends with.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Fuzzed {
    /// Unique failures, in the order first found.
    pub failures: Vec<Failure>,
    /// Counts.
    pub stats: Stats,
    /// Why the run stopped early (a dead service: no response at all).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aborted: Option<Problem>,
}

/// Progress of a fuzz run.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FuzzEvent"))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The run starts.
    Started {
        /// Operations to fuzz.
        operations: usize,
    },
    /// Work on an operation (or a phase over all of them) starts.
    Operation {
        /// Operations done so far.
        done: usize,
        /// Which.
        operation: String,
        /// Which phase.
        phase: Phase,
    },
    /// A new unique failure (before shrinking).
    Found {
        /// Check.
        check: Check,
        /// Operation.
        operation: String,
        /// What happened.
        message: String,
        /// Requests sent so far.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        requests: usize,
    },
    /// Shrinking the failures found.
    Shrinking {
        /// How many.
        failures: usize,
    },
    /// The run is over.
    Finished {
        /// Requests sent.
        #[cfg_attr(feature = "ts", ts(type = "number"))]
        requests: usize,
        /// Unique failures.
        failures: usize,
    },
}

/// Requests shrinking may send for one failure (each request of a candidate sequence
/// counts).
const SHRINK_SENDS: usize = 48;

/// Negative requests sent to an update operation on a resource the sequence created.
const NEGATIVES_ON_CREATED: usize = 24;

/// Calls that got no response before any did: the service is not there.
const DEAD_AFTER: usize = 3;

/// Random requests to one operation stop early after this many in a row taught nothing
/// new (no status not seen before, no new failure): the operation's answers are
/// exhausted, and the budget goes to the others or ends the run sooner.
const STALE_AFTER: usize = 8;

/// Which credentials a request goes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Creds {
    /// The run's environment.
    Given,
    /// None at all.
    Without,
    /// Every credential replaced by a wrong one.
    Wrong,
}

/// How a failure is made again.
#[derive(Debug, Clone)]
enum Repro {
    /// One generated request to operation `op`.
    Single { op: usize, case: Case, creds: Creds },
    /// A method the path does not take.
    Method,
    /// Create with `create` (of operation `op`), then read/update/delete the resource.
    Sequence { op: usize, create: Input },
}

/// A failure found, before shrinking.
struct Pending {
    found: Found,
    op: usize,
    repro: Repro,
    checked: Checked,
    steps: Vec<Step>,
    found_ms: u64,
}

/// A request sent and judged: the answer, the request as sent, what the checks found.
type Judged = (Checked, Draft, Vec<Found>);

/// A fuzz run in progress.
struct Fuzzer<'c, 'a, F> {
    ctx: &'c Context<'a>,
    options: &'c FuzzOptions,
    targets: Vec<(crate::spec::Operation, Target)>,
    start: Instant,
    requests: usize,
    errors: usize,
    responses: usize,
    pending: Vec<Pending>,
    keys: HashSet<(Check, usize, Option<String>)>,
    statuses: HashMap<usize, Vec<u16>>,
    without: Environment,
    wrong: Environment,
    /// Answers to requests sent while shrinking, by (operation, credentials, request): two
    /// failures of one request (an undeclared 404 is both a conformance and a
    /// positive-data failure) try the same smaller requests, which are sent once.
    shrunk: HashMap<(usize, Creds, String), Judged>,
    on_event: F,
}

/// Fuzzes the selected operations of `ctx`'s spec. Never fails: a dead service ends the run
/// with [`Fuzzed::aborted`].
// Kept whole: the run's environments, then the phases, shrinking and the counts, in order.
pub async fn fuzz(
    ctx: &Context<'_>,
    options: &FuzzOptions,
    on_event: impl FnMut(&Event),
) -> Fuzzed {
    let spec = ctx.contract.spec();
    let targets: Vec<_> = spec
        .operations()
        .iter()
        .filter(|op| options.select.admits(op))
        .map(|op| (op.clone(), Target::new(ctx.contract.detail(op))))
        .collect();
    let mut without = ctx.env.clone();
    without.auth.clear();
    let mut wrong = ctx.env.clone();
    for c in wrong.auth.values_mut() {
        for v in [
            &mut c.token,
            &mut c.value,
            &mut c.password,
            &mut c.client_secret,
        ]
        .into_iter()
        .flatten()
        {
            *v = "vouch-wrong-credential".into();
        }
    }
    let mut f = Fuzzer {
        ctx,
        options,
        targets,
        start: Instant::now(),
        requests: 0,
        errors: 0,
        responses: 0,
        pending: Vec::new(),
        keys: HashSet::new(),
        shrunk: HashMap::new(),
        statuses: HashMap::new(),
        without,
        wrong,
        on_event,
    };
    (f.on_event)(&Event::Started {
        operations: f.targets.len(),
    });
    f.generate().await;
    let aborted = f.dead();
    let (generated, shrink_start) = (f.requests, Instant::now());
    let failures = if aborted.is_none() {
        f.shrink_all().await
    } else {
        Vec::new()
    };
    let mut stats = Stats {
        requests: f.requests,
        errors: f.errors,
        shrink_requests: f.requests - generated,
        elapsed_ms: f.start.elapsed().as_millis() as u64,
        shrink_ms: shrink_start.elapsed().as_millis() as u64,
        first_failure_ms: failures.iter().map(|x| x.found_ms).min(),
        operations: f.targets.len(),
        ..Stats::default()
    };
    for x in &failures {
        *stats
            .by_check
            .entry(x.check.name().to_string())
            .or_default() += 1;
    }
    for (op, mut s) in f.statuses {
        s.sort_unstable();
        s.dedup();
        stats.statuses.insert(f.targets[op].0.id.clone(), s);
    }
    (f.on_event)(&Event::Finished {
        requests: stats.requests,
        failures: failures.len(),
    });
    Fuzzed {
        failures,
        stats,
        aborted,
    }
}

impl<F: FnMut(&Event)> Fuzzer<'_, '_, F> {
    fn spec(&self) -> &crate::spec::Spec {
        self.ctx.contract.spec()
    }

    fn out_of_time(&self) -> bool {
        self.ctx.is_cancelled()
            || self
                .options
                .time_budget
                .is_some_and(|b| self.start.elapsed() >= b)
            || self.dead().is_some()
    }

    /// The service never answered.
    fn dead(&self) -> Option<Problem> {
        (self.responses == 0 && self.errors >= DEAD_AFTER.min(self.requests.max(1))).then(|| {
            Problem {
                kind: "no-response".into(),
                message: "the service did not answer any request".into(),
                hint: "check that it is running and that --base-url (or the spec's servers) points at it".into(),
            }
        })
    }

    fn phase(&self, p: Phase) -> bool {
        self.options.phases.contains(&p)
    }

    fn env(&self, creds: Creds) -> &Environment {
        match creds {
            Creds::Given => self.ctx.env,
            Creds::Without => &self.without,
            Creds::Wrong => &self.wrong,
        }
    }

    /// The phases over every operation, breadth first so a time budget reaches them all:
    /// examples and boundary values (and the credential probes), the 405 probes, negative
    /// requests, the stateful sequences, then random positive requests round-robin.
    async fn generate(&mut self) {
        let spec = self.ctx.contract.spec();
        let n = self.targets.len();
        let max = self.options.max_examples.max(1);
        // Ids of resources that exist, read from list answers first (GETs only): every
        // later request to an item operation goes to a real resource.
        if self.phase(Phase::Stateful) || self.phase(Phase::Positive) {
            let resources = Resources::of(spec);
            self.listed(&resources).await;
        }
        // Positive requests each operation has had (the random ones fill up to `max`).
        let mut used = vec![0; n];
        for (op, used) in used.iter_mut().enumerate() {
            if self.out_of_time() {
                return;
            }
            let t = &self.targets[op].1;
            let mut batch: Vec<Case> = Vec::new();
            if self.phase(Phase::Examples) {
                batch.extend(t.examples(spec));
            }
            if self.phase(Phase::Positive) {
                let id = &self.targets[op].0.id;
                let seed = seed_of(self.options.seed, format!("{id}/edges").as_bytes());
                let mut b = t.boundaries(self.ctx.contract, seed);
                b.truncate(max);
                batch.extend(b);
            }
            *used = batch.len();
            self.announce(op, Phase::Positive);
            self.send_cases(op, &batch, Creds::Given).await;
            self.auth_probes(op).await;
        }
        // One request per path: cheap, so before the long phases.
        if self.phase(Phase::Positive) && !self.out_of_time() && self.checks(Check::AllowOn405) {
            self.method_probes().await;
        }
        if self.phase(Phase::Negative) {
            for op in 0..n {
                if self.out_of_time() {
                    return;
                }
                self.announce(op, Phase::Negative);
                self.negatives(op, max).await;
            }
        }
        if self.phase(Phase::Stateful) && !self.out_of_time() {
            self.stateful().await;
        }
        if self.phase(Phase::Positive) {
            self.random(&used, max).await;
        }
    }

    fn announce(&mut self, op: usize, phase: Phase) {
        let operation = self.targets[op].0.id.clone();
        (self.on_event)(&Event::Operation {
            done: op,
            operation,
            phase,
        });
    }

    /// Sends negative requests to operation `op`, at most `max`: each constraint broken on
    /// the smallest request; then, while a round taught something (a status not seen before
    /// or a new failure) and there is room, each broken again beside varied values (up to
    /// three rounds). An operation that rejects every broken request alike gets one round.
    async fn negatives(&mut self, op: usize, max: usize) {
        let mut round = {
            let spec = self.spec();
            let t = &self.targets[op].1;
            t.negatives(spec, &t.base(spec))
        };
        let mut sent = 0;
        for k in 0..=3 {
            round.truncate(max.saturating_sub(sent));
            if round.is_empty() || self.out_of_time() {
                return;
            }
            let before = (self.seen(op), self.keys.len());
            let statuses = self.send_cases(op, &round, Creds::Given).await;
            sent += round.len();
            let learned = self.keys.len() > before.1
                || statuses.iter().flatten().any(|s| !before.0.contains(s));
            if !learned || k == 3 {
                return;
            }
            let spec = self.spec();
            let (operation, t) = &self.targets[op];
            let seed = seed_of(
                self.options.seed,
                format!("{}/neg/{k}", operation.id).as_bytes(),
            );
            round = t.negatives(spec, &t.random(spec, seed));
        }
    }

    fn checks(&self, c: Check) -> bool {
        self.options.checks.contains(&c)
    }

    /// Random positive requests, round-robin over the operations (a few each per round)
    /// until each has had `max` positive requests, or [`STALE_AFTER`] in a row that found
    /// nothing new, or time is out: fresh ones, and (half the time, once some request
    /// reached a status not seen before) neighbours of such a request.
    async fn random(&mut self, used: &[usize], max: usize) {
        let spec = self.ctx.contract.spec();
        let round = self.options.concurrency.max(1) * 4;
        let mut corpus: Vec<Vec<Input>> = vec![Vec::new(); used.len()];
        let mut next: Vec<usize> = vec![0; used.len()];
        let mut stale: Vec<usize> = vec![0; used.len()];
        loop {
            let mut sent_any = false;
            for op in 0..used.len() {
                let count = max.saturating_sub(used[op]);
                // An operation already over the time limit would only spend the budget.
                if next[op] >= count
                    || stale[op] >= STALE_AFTER
                    || self.keys.contains(&(Check::ResponseTime, op, None))
                {
                    continue;
                }
                if self.out_of_time() {
                    return;
                }
                sent_any = true;
                let id = self.targets[op].0.id.clone();
                let t = &self.targets[op].1;
                let batch: Vec<Case> = (next[op]..(next[op] + round).min(count))
                    .map(|j| {
                        let seed = seed_of(self.options.seed, format!("{id}/{j}").as_bytes());
                        let pool = &corpus[op];
                        let input = if !pool.is_empty() && seed.is_multiple_of(2) {
                            t.mutate(spec, &pool[(seed >> 8) as usize % pool.len()], seed >> 16)
                        } else {
                            t.random(spec, seed)
                        };
                        Case {
                            input,
                            intent: Intent::Positive,
                        }
                    })
                    .collect();
                next[op] += batch.len();
                let before: HashSet<u16> = self.seen(op);
                let failures_before = self.keys.len();
                let results = self.send_cases(op, &batch, Creds::Given).await;
                let sent = batch.len();
                let mut learned = self.keys.len() > failures_before;
                for (case, status) in batch.into_iter().zip(results) {
                    if status.is_some_and(|s| !before.contains(&s)) {
                        corpus[op].push(case.input);
                        learned = true;
                    }
                }
                stale[op] = if learned { 0 } else { stale[op] + sent };
            }
            if !sent_any {
                return;
            }
        }
    }

    fn seen(&self, op: usize) -> HashSet<u16> {
        self.statuses
            .get(&op)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// Sends `cases` to operation `op`, `concurrency` at a time, judging each response in
    /// the cases' order (so failures are found in the same order whatever the timing).
    /// Returns each case's status.
    async fn send_cases(&mut self, op: usize, cases: &[Case], creds: Creds) -> Vec<Option<u16>> {
        let mut statuses = Vec::new();
        for chunk in cases.chunks(self.options.concurrency.max(1)) {
            if self.out_of_time() {
                statuses.extend(std::iter::repeat_n(None, chunk.len()));
                continue;
            }
            let sent = {
                let this = &*self;
                futures_util::future::join_all(chunk.iter().map(|c| this.send(op, &c.input, creds)))
                    .await
            };
            for (case, (checked, _)) in chunk.iter().zip(sent) {
                statuses.push(checked.status());
                self.judge_and_add(op, case, checked, creds);
            }
        }
        statuses
    }

    /// Sends `input` to operation `op` with the chosen credentials; counts it.
    async fn send(&self, op: usize, input: &Input, creds: Creds) -> (Checked, Draft) {
        let (operation, t) = &self.targets[op];
        let draft = t.draft(input, self.options.base_url.as_deref());
        let ctx = Context {
            env: self.env(creds),
            ..*self.ctx
        };
        let call = Call {
            operation_id: Some(&operation.id),
            draft: &draft,
            timeout: None,
            retries: 0,
            check: true,
        };
        let mut checked = call::send(&ctx, &call).await;
        // A kept-alive connection the server closed before this request was read (uvicorn
        // closes it after a 500): the request never arrived, so sending it again is safe.
        if checked
            .error
            .as_ref()
            .is_some_and(|e| e.kind == "connection-closed")
        {
            checked = call::send(&ctx, &call).await;
        }
        (checked, draft)
    }

    /// Counts a call and the status it got; returns what the selected checks find.
    fn judge(&mut self, op: usize, intent: &Intent, checked: &Checked, creds: Creds) -> Vec<Found> {
        self.requests += 1;
        let Some(status) = checked.status() else {
            self.errors += 1;
            // Answered before (the service is up), then cut off mid-answer: it crashed.
            let cut = checked
                .error
                .as_ref()
                .is_some_and(|e| e.kind == "transport" || e.kind == "connection-closed");
            if cut && self.responses > 0 && self.checks(Check::ServerError) {
                return vec![Found {
                    check: Check::ServerError,
                    location: None,
                    message: format!(
                        "the service dropped the connection instead of answering: {}",
                        checked
                            .error
                            .as_ref()
                            .map(Problem::line)
                            .unwrap_or_default()
                    ),
                }];
            }
            return Vec::new();
        };
        self.responses += 1;
        self.statuses.entry(op).or_default().push(status);
        let detail = &self.targets[op].1.detail;
        let credentials = creds == Creds::Given && checks::has_credentials(detail, self.ctx.env);
        let mut found = checks::evaluate(
            detail,
            intent,
            checked,
            credentials,
            self.options.max_response_ms,
        );
        if creds != Creds::Given {
            // A probe without (or with wrong) credentials: only whether it got in counts.
            found.retain(|f| f.check == Check::AuthEnforced);
            for f in &mut found {
                if creds == Creds::Wrong {
                    f.location = Some("wrong credentials".into());
                    f.message = f
                        .message
                        .replace("without credentials", "with wrong credentials");
                }
            }
        }
        found.retain(|f| self.checks(f.check));
        found
    }

    /// Records a failure unless its (check, operation, location) is known already.
    fn add(&mut self, found: Found, op: usize, repro: Repro, checked: Checked, steps: Vec<Step>) {
        let key = (found.check, op, found.location.clone());
        if !self.keys.insert(key) {
            return;
        }
        (self.on_event)(&Event::Found {
            check: found.check,
            operation: self.targets[op].0.id.clone(),
            message: found.message.clone(),
            requests: self.requests,
        });
        self.pending.push(Pending {
            found,
            op,
            repro,
            checked,
            steps,
            found_ms: self.start.elapsed().as_millis() as u64,
        });
    }

    /// A step replaying `draft` with the assertion of `check`. It is sent once more when
    /// the server dropped the connection before answering (a saved failure that crashed
    /// the service is often followed by another).
    fn step_of(&self, op: usize, mut draft: Draft, check: Check) -> Step {
        let operation = &self.targets[op].0;
        draft.settings = Some(crate::request::Settings {
            retries: Some(1),
            ..draft.settings()
        });
        Step {
            name: format!("{check} · {}", operation.id),
            operation_id: Some(operation.id.clone()),
            draft,
            assertions: check
                .assertion(self.options.max_response_ms)
                .into_iter()
                .collect(),
            extractions: Vec::new(),
            timeout: None,
            retries: 0,
        }
    }

    /// A secured operation's smallest request without credentials and with wrong ones
    /// (when the environment has some: without them every request already goes without).
    async fn auth_probes(&mut self, op: usize) {
        let t = &self.targets[op].1;
        if !self.checks(Check::AuthEnforced)
            || t.detail.security.is_empty()
            || t.detail.security.iter().any(Vec::is_empty)
            || !checks::has_credentials(&t.detail, self.ctx.env)
        {
            return;
        }
        let case = Case {
            input: t.base(self.spec()),
            intent: Intent::Positive,
        };
        for creds in [Creds::Without, Creds::Wrong] {
            self.send_cases(op, std::slice::from_ref(&case), creds)
                .await;
        }
    }

    /// For each path, a method it does not take: the answer must be 405 with `Allow`.
    async fn method_probes(&mut self) {
        let mut paths: Vec<(String, usize)> = Vec::new();
        for (i, (op, _)) in self.targets.iter().enumerate() {
            if !paths.iter().any(|(p, _)| p == &op.path) {
                paths.push((op.path.clone(), i));
            }
        }
        for (path, op) in paths {
            if self.out_of_time() {
                break;
            }
            let taken: Vec<String> = self
                .spec()
                .operations()
                .iter()
                .filter(|o| o.path == path)
                .map(|o| o.method.clone())
                .collect();
            let safe_only = self.options.select.read_only;
            let Some(method) = ["PATCH", "PUT", "DELETE", "POST", "GET"]
                .into_iter()
                .filter(|m| !safe_only || *m == "GET")
                .find(|m| !taken.iter().any(|t| t == m))
            else {
                continue;
            };
            let t = &self.targets[op].1;
            let base = t.base(self.spec());
            let mut draft = t.draft(&base, self.options.base_url.as_deref());
            draft.path = concrete_path(&draft);
            draft
                .params
                .retain(|p| p.location != crate::spec::ParamLocation::Path);
            draft.method = method.into();
            draft.body = None;
            let checked = call::send(self.ctx, &Call::of(None, &draft)).await;
            self.requests += 1;
            let Some(ex) = &checked.exchange else {
                self.errors += 1;
                continue;
            };
            self.responses += 1;
            let found = undeclared_method_verdict(method, &path, &taken, ex);
            if let Some(message) = found {
                // 405, with an Allow naming every method the path declares.
                let names = taken.iter().map(|m| crate::suite::Assertion::Header {
                    name: "allow".into(),
                    test: crate::suite::Test::Matches(format!("(?i)\\b{m}\\b")),
                });
                let step = Step {
                    assertions: vec![crate::suite::Assertion::Status {
                        test: crate::suite::Test::Equals(405.into()),
                    }]
                    .into_iter()
                    .chain(Check::AllowOn405.assertion(0.0))
                    .chain(names)
                    .collect(),
                    operation_id: None,
                    ..self.step_of(op, draft.clone(), Check::AllowOn405)
                };
                self.add(
                    Found {
                        check: Check::AllowOn405,
                        location: Some(format!("{method} {path}")),
                        message,
                    },
                    op,
                    Repro::Method,
                    checked,
                    vec![step],
                );
            }
        }
    }

    /// For each operation creating a resource: create it, read it, update it, delete it,
    /// read it again.
    async fn stateful(&mut self) {
        let resources = Resources::of(self.spec());
        for op in 0..self.targets.len() {
            if self.out_of_time() {
                break;
            }
            let pointer = self.targets[op].0.pointer.clone();
            if !matches!(resources.role(&pointer), Some(Role::Create(_))) {
                continue;
            }
            (self.on_event)(&Event::Operation {
                done: op,
                operation: self.targets[op].0.id.clone(),
                phase: Phase::Stateful,
            });
            // The smallest body first; when the service refuses it (that email exists
            // already, say), varied ones drawn from the seed.
            let mut create = self.targets[op].1.base(self.spec());
            for k in 0..3 {
                let mut created = false;
                for (found, checked, steps, at) in self.sequence(&resources, op, &create).await {
                    if found.check == Check::CreatedReadable && found.location.is_none() {
                        created = true;
                        continue;
                    }
                    self.add(
                        found,
                        at,
                        Repro::Sequence {
                            op,
                            create: create.clone(),
                        },
                        checked,
                        steps,
                    );
                }
                if created || self.out_of_time() {
                    break;
                }
                let seed = seed_of(
                    self.options.seed,
                    format!("{}/create/{k}", self.targets[op].0.id).as_bytes(),
                );
                create = self.targets[op].1.random(self.spec(), seed);
            }
        }
        self.listed(&resources).await;
    }

    /// For each collection GET whose items have operations of their own: the first listed
    /// item's id given to the item GETs (only reads: the resource is not the fuzzer's). This reaches id paths of services that create nothing here
    /// (`--read-only`) or whose ids random values never hit.
    async fn listed(&mut self, resources: &Resources) {
        for op in 0..self.targets.len() {
            if self.out_of_time() {
                break;
            }
            let Some(Role::List(kind)) = resources.role(&self.targets[op].0.pointer).cloned()
            else {
                continue;
            };
            let Some((_, param)) = item_parts(&kind.item) else {
                continue;
            };
            let param = param.to_string();
            let items: Vec<usize> = (0..self.targets.len())
                .filter(|&i| {
                    let o = &self.targets[i].0;
                    o.method == "GET"
                        && matches!(resources.role(&o.pointer), Some(Role::Item(k)) if k.item == kind.item)
                })
                .collect();
            if items.is_empty() {
                continue;
            }
            self.announce(op, Phase::Stateful);
            let list = Case {
                input: self.targets[op].1.base(self.spec()),
                intent: Intent::Positive,
            };
            let (listed, _) = self.send(op, &list.input, Creds::Given).await;
            let body: Option<Value> = listed
                .exchange
                .as_ref()
                .filter(|e| (200..300).contains(&e.status))
                .and_then(|e| serde_json::from_slice(&e.body).ok());
            self.judge_and_add(op, &list, listed, Creds::Given);
            let first = body.as_ref().and_then(first_item);
            let Some(id) = first.and_then(|item| {
                let field = kind.id_field.clone().or_else(|| id_field(item, &param))?;
                item.get(&field).cloned()
            }) else {
                continue;
            };
            for (i, (o, t)) in self.targets.iter_mut().enumerate() {
                // Read only: the resource is not the fuzzer's to change or remove (changing
                // the first user of a service may lock the fuzzer's own account out).
                let item = o.method == "GET"
                    && matches!(resources.role(&o.pointer), Some(Role::Item(k)) if k.item == kind.item);
                if let Some(k) =
                    t.detail.parameters.iter().position(|p| {
                        p.location == crate::spec::ParamLocation::Path && p.name == param
                    })
                {
                    if item && i != op {
                        t.known.retain(|(j, _)| *j != k);
                        t.known.push((k, id.clone()));
                    }
                }
            }
            for at in items {
                let case = Case {
                    input: self.with_id(at, &param, &id),
                    intent: Intent::Positive,
                };
                let (checked, _) = self.send(at, &case.input, Creds::Given).await;
                self.judge_and_add(at, &case, checked, Creds::Given);
            }
        }
    }

    /// Judges one sent case and records what fails.
    fn judge_and_add(&mut self, op: usize, case: &Case, checked: Checked, creds: Creds) {
        for f in self.judge(op, &case.intent, &checked, creds) {
            let draft = self.targets[op]
                .1
                .draft(&case.input, self.options.base_url.as_deref());
            let step = self.step_of(op, draft, f.check);
            self.add(
                f,
                op,
                Repro::Single {
                    op,
                    case: case.clone(),
                    creds,
                },
                checked.clone(),
                vec![step],
            );
        }
    }

    /// Operation `at`'s smallest request with `value` in its path parameter `param`.
    fn with_id(&self, at: usize, param: &str, value: &Value) -> Input {
        let t = &self.targets[at].1;
        let mut input = t.base(self.spec());
        for (i, p) in t.detail.parameters.iter().enumerate() {
            if p.location == crate::spec::ParamLocation::Path && p.name == param {
                input.params.retain(|(j, _)| *j != i);
                input.params.push((i, value.clone()));
                input.params.sort_by_key(|(j, _)| *j);
            }
        }
        input
    }

    /// One create → read → update → delete → read sequence: what fails, with the steps
    /// that reproduce it and the operation that failed.
    // Kept whole: the sequence reads as the lifecycle it checks, one call after another.
    async fn sequence(
        &mut self,
        resources: &Resources,
        op: usize,
        create: &Input,
    ) -> Vec<(Found, Checked, Vec<Step>, usize)> {
        let mut out = Vec::new();
        let Some(Role::Create(kind)) = resources.role(&self.targets[op].0.pointer).cloned() else {
            return out;
        };
        let (created, draft) = self.send(op, create, Creds::Given).await;
        for f in self.judge(op, &Intent::Positive, &created, Creds::Given) {
            out.push((
                f.clone(),
                created.clone(),
                vec![self.step_of(op, draft.clone(), f.check)],
                op,
            ));
        }
        let body: Option<Value> = created
            .exchange
            .as_ref()
            .filter(|e| (200..300).contains(&e.status))
            .and_then(|e| serde_json::from_slice(&e.body).ok());
        let Some(Value::Object(body)) = body else {
            return out;
        };
        let Some((_, param)) = item_parts(&kind.item) else {
            return out;
        };
        let Some(field) = kind.id_field.clone().or_else(|| id_field(&body, param)) else {
            return out;
        };
        let Some(id) = body.get(&field).cloned() else {
            return out;
        };
        // A marker, not a failure: the resource was created (the caller stops retrying).
        out.push((
            Found {
                check: Check::CreatedReadable,
                location: None,
                message: String::new(),
            },
            created.clone(),
            Vec::new(),
            op,
        ));
        let var = "fuzz_id";
        let mut create_step = self.step_of(op, draft, Check::CreatedReadable);
        create_step.name = format!("create · {}", self.targets[op].0.id);
        create_step.assertions = vec![crate::suite::Assertion::Status {
            test: crate::suite::Test::Matches("^2[0-9][0-9]$".into()),
        }];
        create_step.extractions = vec![Extraction {
            var: var.into(),
            from: Source::Json {
                path: format!("/{}", crate::spec::escape(&field)),
            },
        }];
        let item_op = |method: &str| {
            self.targets.iter().position(|(o, _)| {
                o.method == method
                    && matches!(resources.role(&o.pointer), Some(Role::Item(k)) if k.item == kind.item)
            })
        };
        let (get, update, delete) = (
            item_op("GET"),
            item_op("PUT").or_else(|| item_op("PATCH")),
            item_op("DELETE"),
        );
        let replay_id = Value::String(format!("{{{{{var}}}}}"));
        if let Some(get) = get {
            let (read, draft) = self
                .send(get, &self.with_id(get, param, &id), Creds::Given)
                .await;
            for f in self.judge(get, &Intent::Positive, &read, Creds::Given) {
                out.push((
                    f.clone(),
                    read.clone(),
                    vec![self.step_of(get, draft.clone(), f.check)],
                    get,
                ));
            }
            if read.status().is_some_and(|s| s == 404 || s == 410)
                && self.checks(Check::CreatedReadable)
            {
                let mut step = self.step_of(
                    get,
                    self.targets[get].1.draft(
                        &self.with_id(get, param, &replay_id),
                        self.options.base_url.as_deref(),
                    ),
                    Check::CreatedReadable,
                );
                step.name = format!("created-readable · {}", self.targets[get].0.id);
                out.push((
                    Found {
                        check: Check::CreatedReadable,
                        location: Some(kind.item.clone()),
                        message: format!(
                            "the resource {} created was not found at {}",
                            self.targets[op].0.id, kind.item
                        ),
                    },
                    read,
                    vec![create_step.clone(), step],
                    get,
                ));
            }
        }
        if let Some(update) = update {
            let (updated, draft) = self
                .send(update, &self.with_id(update, param, &id), Creds::Given)
                .await;
            for f in self.judge(update, &Intent::Positive, &updated, Creds::Given) {
                out.push((
                    f.clone(),
                    updated.clone(),
                    vec![self.step_of(update, draft.clone(), f.check)],
                    update,
                ));
            }
            // The update's negative requests on the resource just made (a real id, so a
            // service that skips validation answers 2xx rather than 404).
            if self.phase(Phase::Negative) {
                let t = &self.targets[update].1;
                let broken = t.negatives(self.spec(), &self.with_id(update, param, &id));
                let replay = self.with_id(update, param, &replay_id);
                for case in broken.into_iter().take(NEGATIVES_ON_CREATED) {
                    if self.out_of_time() {
                        break;
                    }
                    let (checked, _) = self.send(update, &case.input, Creds::Given).await;
                    for f in self.judge(update, &case.intent, &checked, Creds::Given) {
                        // Replayed on a fresh resource: create, then this request.
                        let mut input = case.input.clone();
                        for (i, v) in &mut input.params {
                            if *v == id && replay.params.iter().any(|(j, _)| j == i) {
                                *v = replay_id.clone();
                            }
                        }
                        let draft = self.targets[update]
                            .1
                            .draft(&input, self.options.base_url.as_deref());
                        let steps = vec![create_step.clone(), self.step_of(update, draft, f.check)];
                        out.push((f, checked.clone(), steps, update));
                    }
                }
            }
        }
        let (Some(delete), Some(get)) = (delete, get) else {
            return out;
        };
        let (deleted, draft) = self
            .send(delete, &self.with_id(delete, param, &id), Creds::Given)
            .await;
        for f in self.judge(delete, &Intent::Positive, &deleted, Creds::Given) {
            out.push((
                f.clone(),
                deleted.clone(),
                vec![self.step_of(delete, draft.clone(), f.check)],
                delete,
            ));
        }
        if !deleted.status().is_some_and(|s| (200..300).contains(&s)) {
            return out;
        }
        let (again, again_draft) = self
            .send(get, &self.with_id(get, param, &id), Creds::Given)
            .await;
        // A 404 here is right, but still a finding when the spec does not declare it.
        for f in self.judge(get, &Intent::Positive, &again, Creds::Given) {
            if f.check != Check::PositiveDataAccepted {
                let step = self.step_of(get, again_draft.clone(), f.check);
                out.push((f, again.clone(), vec![step], get));
            }
        }
        if again.status().is_some_and(|s| (200..300).contains(&s))
            && self.checks(Check::UseAfterDelete)
        {
            let base_url = self.options.base_url.as_deref();
            let mut delete_step = self.step_of(
                delete,
                self.targets[delete]
                    .1
                    .draft(&self.with_id(delete, param, &replay_id), base_url),
                Check::CreatedReadable,
            );
            delete_step.name = format!("delete · {}", self.targets[delete].0.id);
            let mut read_step = self.step_of(
                get,
                self.targets[get]
                    .1
                    .draft(&self.with_id(get, param, &replay_id), base_url),
                Check::UseAfterDelete,
            );
            read_step.name = format!("use-after-delete · {}", self.targets[get].0.id);
            out.push((
                Found {
                    check: Check::UseAfterDelete,
                    location: Some(kind.item.clone()),
                    message: format!(
                        "{} answered {} after the resource was deleted ({} {})",
                        self.targets[get].0.id,
                        again.status().unwrap_or(0),
                        self.targets[delete].0.method,
                        self.targets[delete].0.path
                    ),
                },
                again,
                vec![create_step, delete_step, read_step],
                get,
            ));
        }
        out
    }

    /// Shrinks every failure found; returns them in the order found.
    async fn shrink_all(&mut self) -> Vec<Failure> {
        let pending = std::mem::take(&mut self.pending);
        (self.on_event)(&Event::Shrinking {
            failures: pending.len(),
        });
        let mut out: Vec<Failure> = Vec::new();
        for mut p in pending {
            if !self.ctx.is_cancelled() {
                self.shrink(&mut p).await;
            }
            let f = self.failure(p);
            // Failures that shrank to one request are one failure (a body missing every
            // required property breaks each of them).
            if !out
                .iter()
                .any(|o| o.check == f.check && o.operation == f.operation && o.curl == f.curl)
            {
                out.push(f);
            }
        }
        out
    }

    /// Tries smaller requests until none fails the same check at the same place.
    async fn shrink(&mut self, p: &mut Pending) {
        let mut sends = 0;
        let resources = Resources::of(self.spec());
        loop {
            let input = match &p.repro {
                Repro::Single { case, .. } => case.input.clone(),
                Repro::Sequence { create, .. } => create.clone(),
                Repro::Method => return,
            };
            let mut better = None;
            for candidate in shrink::candidates(&input) {
                if sends >= SHRINK_SENDS || self.ctx.is_cancelled() {
                    return;
                }
                if shrink::size(&candidate) >= shrink::size(&input) {
                    continue;
                }
                let intent = match &p.repro {
                    Repro::Single { case, .. } => case.intent.clone(),
                    _ => Intent::Positive,
                };
                let op = match &p.repro {
                    Repro::Single { op, .. } | Repro::Sequence { op, .. } => *op,
                    Repro::Method => return,
                };
                if !self.keeps(op, &candidate, &intent) {
                    continue;
                }
                match p.repro.clone() {
                    Repro::Single { op, creds, .. } => {
                        let (checked, draft, again) = self
                            .try_smaller(op, &candidate, &intent, creds, &mut sends)
                            .await;
                        let status = checked.status() == p.checked.status();
                        if let Some(f) = again.into_iter().find(|f| status && same(f, &p.found)) {
                            p.steps = vec![self.step_of(op, draft, f.check)];
                            p.found = f;
                            p.checked = checked;
                            better = Some(Repro::Single {
                                op,
                                case: Case {
                                    input: candidate,
                                    intent: intent.clone(),
                                },
                                creds,
                            });
                            break;
                        }
                    }
                    Repro::Sequence { op, .. } => {
                        // A sequence is several requests: each of them counts.
                        let before = self.requests;
                        let again = self.sequence(&resources, op, &candidate).await;
                        sends += (self.requests - before).max(1);
                        if let Some((f, checked, steps, _)) = again
                            .into_iter()
                            .find(|(f, _, steps, _)| !steps.is_empty() && same(f, &p.found))
                        {
                            p.found = f;
                            p.checked = checked;
                            p.steps = steps;
                            better = Some(Repro::Sequence {
                                op,
                                create: candidate,
                            });
                            break;
                        }
                    }
                    Repro::Method => return,
                }
            }
            match better {
                Some(r) => p.repro = r,
                None => return,
            }
        }
    }

    /// Sends a smaller request while shrinking (once: the answer is kept for the next
    /// failure trying the same one), counting it in `sends`.
    async fn try_smaller(
        &mut self,
        op: usize,
        candidate: &Input,
        intent: &Intent,
        creds: Creds,
        sends: &mut usize,
    ) -> Judged {
        let key = (op, creds, format!("{intent:?} {candidate:?}"));
        if let Some(known) = self.shrunk.get(&key) {
            return known.clone();
        }
        *sends += 1;
        let (checked, draft) = self.send(op, candidate, creds).await;
        let again = self.judge(op, intent, &checked, creds);
        let got = (checked, draft, again);
        self.shrunk.insert(key, got.clone());
        got
    }

    /// Whether `candidate` is still what the failing request was meant to be (the engine's
    /// request check says whether it honours the contract), without sending it.
    fn keeps(&self, op: usize, candidate: &Input, intent: &Intent) -> bool {
        let t = &self.targets[op].1;
        // Path parameters stay: without one the request goes to another route.
        let path_params = t
            .detail
            .parameters
            .iter()
            .enumerate()
            .filter(|(_, p)| p.location == crate::spec::ParamLocation::Path);
        if path_params
            .clone()
            .any(|(i, _)| !candidate.params.iter().any(|(j, _)| *j == i))
        {
            return false;
        }
        let empty_path = candidate.params.iter().any(|(i, v)| {
            t.detail.parameters[*i].location == crate::spec::ParamLocation::Path
                && (v.is_null() || v.as_str().is_some_and(str::is_empty))
        });
        if empty_path {
            return false;
        }
        let draft = t.draft(candidate, self.options.base_url.as_deref());
        let Ok(prepared) =
            crate::request::prepare(self.spec(), Some(&t.detail), &draft, self.ctx.env)
        else {
            return false;
        };
        let broken = !self
            .ctx
            .contract
            .check_request(&t.detail, &prepared.parts())
            .findings
            .is_empty();
        // The request check reads JSON bodies only: a form or multipart body's fields are
        // checked here against the body schema, so a shrink keeps their required parts.
        let body_breaks = match (
            &candidate.body,
            t.media.as_ref().and_then(|(_, s)| s.as_ref()),
        ) {
            (Some(cases::BodyInput::Value(v)), Some(schema)) => !self
                .ctx
                .contract
                .check_value(crate::contract::Direction::Request, schema, v)
                .is_ok_and(|f| f.is_empty()),
            _ => false,
        };
        match intent {
            Intent::Positive => !broken && !body_breaks,
            Intent::Negative { .. } => broken || body_breaks,
        }
    }

    /// The failure as reported.
    fn failure(&self, p: Pending) -> Failure {
        let operation = &self.targets[p.op].0;
        let mask = p.checked.mask.clone();
        let result = crate::suite::StepResult {
            seq: 0,
            name: p.steps.last().map(|s| s.name.clone()).unwrap_or_default(),
            operation_id: p.checked.operation_id.clone(),
            method: p.checked.method.clone(),
            url: p.checked.url.clone(),
            outcome: crate::store::StepOutcome::Failed,
            findings: p.checked.findings.clone(),
            assertions: vec![crate::suite::AssertionResult {
                assertion: p
                    .found
                    .check
                    .assertion(self.options.max_response_ms)
                    .unwrap_or(crate::suite::Assertion::BodyContains {
                        text: String::new(),
                    }),
                passed: false,
                actual: p.checked.status().map(Value::from).unwrap_or(Value::Null),
                message: mask.text(&format!("{}: {}", p.found.check, p.found.message)),
            }],
            error: None,
            notes: p.checked.notes.clone(),
            request: p.checked.request.clone(),
            problem: None,
            exchange: p.checked.exchange.clone(),
            mask,
        };
        Failure {
            check: p.found.check,
            operation: if operation.id_derived {
                format!("{} {}", operation.method, operation.path)
            } else {
                operation.id.clone()
            },
            method: operation.method.clone(),
            path: operation.path.clone(),
            location: p.found.location.clone(),
            status: p.checked.status(),
            message: result.mask.text(&p.found.message),
            curl: p
                .checked
                .request
                .as_ref()
                .map(|r| r.curl.clone())
                .unwrap_or_default(),
            found_ms: p.found_ms,
            steps: p.steps,
            record: Some(result.record(crate::suite::STORED_BODY_CAP)),
        }
    }
}

/// What is wrong with the answer `ex` to `method`, which path `path` does not declare
/// (`taken`: the methods it does): a 405 without `Allow` or with one leaving declared
/// methods out, or anything but 405/401/403.
fn undeclared_method_verdict(
    method: &str,
    path: &str,
    taken: &[String],
    ex: &crate::request::Exchange,
) -> Option<String> {
    let allowed: Vec<String> = ex
        .header("allow")
        .map(|a| {
            a.split(',')
                .map(|m| m.trim().to_ascii_uppercase())
                .filter(|m| !m.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let missing: Vec<&str> = taken
        .iter()
        .map(String::as_str)
        .filter(|m| !allowed.iter().any(|a| a == m))
        .collect();
    if ex.status == 405 && ex.header("allow").is_none() {
        Some(format!(
            "{method} {path} got 405 without the Allow header that names the methods it takes"
        ))
    } else if ex.status == 405 && !missing.is_empty() {
        Some(format!(
            "{method} {path} got 405 with `Allow: {}`, which leaves out {} the spec declares for the path",
            allowed.join(", "),
            missing.join(", ")
        ))
    } else if ex.status != 405
        && !(200..300).contains(&ex.status)
        && ![401, 403].contains(&ex.status)
    {
        Some(format!(
            "{method} {path}, a method the path does not declare, got {} instead of 405",
            ex.status
        ))
    } else if (200..300).contains(&ex.status) {
        Some(format!(
            "{method} {path}, a method the path does not declare, was answered {}",
            ex.status
        ))
    } else {
        None
    }
}

/// The same failure: same check, same place.
fn same(a: &Found, b: &Found) -> bool {
    a.check == b.check && a.location == b.location
}

/// The draft's path template with its path parameters filled in (percent-encoded).
fn concrete_path(draft: &Draft) -> String {
    let mut path = draft.path.clone();
    for p in &draft.params {
        if p.location == crate::spec::ParamLocation::Path {
            let text = match &p.value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let encoded =
                percent_encoding::utf8_percent_encode(&text, percent_encoding::NON_ALPHANUMERIC)
                    .to_string();
            path = path.replace(&format!("{{{}}}", p.name), &encoded);
        }
    }
    path
}

/// The first item of a list answer: the first object of the array, or of the first array
/// member of an object (`{"items": [...], "total": 3}`).
fn first_item(body: &Value) -> Option<&serde_json::Map<String, Value>> {
    let list = match body {
        Value::Array(a) => a,
        Value::Object(o) => o.values().find_map(Value::as_array)?,
        _ => return None,
    };
    list.iter().find_map(Value::as_object)
}
