//! Load runs: a suite's steps sent at a rate (open model) or looped by virtual users (closed
//! model), every response (or a sample) checked against the contract by the same step
//! runner as `vouch run`.
//!
//! In the open model each call has a scheduled start (constant arrival rate, ramped up
//! linearly) and its latency is measured from that start, not from when it was sent: a
//! service that stalls makes the calls scheduled behind the stall late, and the percentiles
//! show it (no coordinated omission, as in wrk2 and k6's constant-arrival-rate). In the
//! closed model each user loops the steps in order with its own copy of the environment, so
//! extractions chain per user.

mod html;
mod merge;
mod stats;
mod threshold;

use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;

pub use merge::merge;
pub use stats::{Figures, Latency, Tally};
pub use threshold::{Threshold, Verdict};

use crate::call::Context;
use crate::suite::{self, Step, StepResult};

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A threshold that does not read.
    #[error("`{expr}` is not a threshold: expected METRIC OP VALUE, e.g. p99<200ms, errors<1%, findings==0, rate>=100")]
    Threshold {
        /// As given.
        expr: String,
    },
    /// A rate that does not read.
    #[error("`{text}` is not a rate: expected calls per second (2000, 2000/s) or per minute (120000/m), above 0")]
    Rate {
        /// As given.
        text: String,
    },
    /// A `--check` that does not read.
    #[error("`{text}` is not a check mode: expected all, none or sample:F with 0 < F <= 1")]
    Sampling {
        /// As given.
        text: String,
    },
    /// Nothing to send.
    #[error("the load run has no step to send")]
    NoSteps,
    /// A setting out of its range (the app's form).
    #[error("{0}")]
    Setting(String),
    /// The run could not be recorded.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The report could not be serialized for the store.
    #[error("the load report could not be written: {0}")]
    Report(#[from] serde_json::Error),
}

impl crate::Diagnostic for LoadError {
    fn kind(&self) -> &str {
        match self {
            LoadError::Store(e) => e.kind(),
            LoadError::Report(_) => "internal",
            _ => "usage",
        }
    }

    fn hint(&self) -> String {
        match self {
            LoadError::Store(e) => e.hint().to_string(),
            LoadError::Report(_) => "this is a bug in Vouch: please report it".into(),
            LoadError::Setting(_) => "a rate above 0 or at least one user, and a duration".into(),
            LoadError::NoSteps => {
                "name a collection, suite or folder with requests, or a --spec".into()
            }
            _ => "see vouch load --help".into(),
        }
    }
}

/// How calls arrive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Model {
    /// Open: this many calls per second, whatever the service does.
    Rate(f64),
    /// Closed: this many users, each sending its next step when its last one answered.
    Users(usize),
}

/// Which responses get the contract check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampling {
    /// Every one.
    All,
    /// None (assertions still run).
    Nothing,
    /// This share of them, spread evenly.
    Share(f64),
}

impl std::str::FromStr for Sampling {
    type Err = LoadError;

    fn from_str(text: &str) -> Result<Sampling, LoadError> {
        match text {
            "all" => Ok(Sampling::All),
            "none" => Ok(Sampling::Nothing),
            _ => text
                .strip_prefix("sample:")
                .and_then(|f| f.parse::<f64>().ok())
                .filter(|f| *f > 0.0 && *f <= 1.0)
                .map(Sampling::Share)
                .ok_or_else(|| LoadError::Sampling { text: text.into() }),
        }
    }
}

impl Sampling {
    /// Whether call `k` is checked: `Share(f)` checks ⌊(k+1)f⌋ − ⌊kf⌋ of them, evenly.
    fn checks(self, k: u64) -> bool {
        match self {
            Sampling::All => true,
            Sampling::Nothing => false,
            Sampling::Share(f) => ((k + 1) as f64 * f).floor() > (k as f64 * f).floor(),
        }
    }
}

/// Reads `2000`, `2000/s` or `120000/m` as calls per second.
pub fn parse_rate(text: &str) -> Result<f64, LoadError> {
    let bad = || LoadError::Rate { text: text.into() };
    let (n, per) = match text.split_once('/') {
        None => (text, 1.0),
        Some((n, "s")) => (n, 1.0),
        Some((n, "m")) => (n, 60.0),
        Some(_) => return Err(bad()),
    };
    let rate = n.trim().parse::<f64>().map_err(|_| bad())? / per;
    if rate.is_finite() && rate > 0.0 {
        Ok(rate)
    } else {
        Err(bad())
    }
}

/// What a load run does.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Arrivals.
    pub model: Model,
    /// How long calls are started for.
    pub duration: Duration,
    /// The rate (or the users) grows linearly to its target over this time.
    pub ramp_up: Duration,
    /// Which responses are checked.
    pub sampling: Sampling,
    /// Open model: calls in flight at most (sent or waiting for a connection); a call due
    /// beyond it is dropped (an error of kind `dropped`), so a stalled service cannot make
    /// the sender hold unbounded memory.
    pub max_in_flight: usize,
    /// Open model: calls sent at once (so connections open at most), as oha's `-c`. Calls
    /// beyond wait for one to answer, and the wait counts in their latency. A burst of new
    /// connections overflows a service's accept queue (SYNs dropped, connects retried for
    /// seconds): without this bound a brief slowdown turned into 30 s timeouts.
    pub connections: usize,
}

/// A second of a run, for the live line and the series.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Tick {
    /// Seconds since the start.
    pub t: u64,
    /// Calls that ended in that second.
    pub requests: u64,
    /// Errors among them.
    pub errors: u64,
    /// Their failing findings.
    pub findings: u64,
    /// Their 99th-percentile latency, ms.
    pub p99_ms: f64,
    /// Their latencies as an HDR histogram (see [`Figures::histogram`]).
    pub histogram: String,
}

/// A finished load run: per step and per second tallies.
#[derive(Debug, Clone)]
pub struct LoadRun {
    /// Step names, in plan order.
    pub names: Vec<String>,
    /// One tally per step.
    pub steps: Vec<Tally>,
    /// Each second of the run.
    pub series: Vec<Tick>,
    /// How long it took, calls in flight at the end included.
    pub elapsed: Duration,
    /// Stopped early by its cancel token (Ctrl+C): the figures cover the time it ran.
    pub interrupted: bool,
}

/// The JSON report of a load run.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct LoadReport {
    /// The whole run, with the thresholds' verdicts.
    pub summary: Summary,
    /// Per step.
    pub steps: Vec<StepFigures>,
    /// Per second.
    pub series: Vec<Tick>,
    /// The part of a sharded load run this is (`--shard i/n`: a rate of rate/n, or its
    /// share of the users).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<crate::suite::Shard>,
}

/// The whole run's figures.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Summary {
    /// Seconds from the first call to the last answer.
    pub duration_s: f64,
    /// The run was stopped early (Ctrl+C); its figures cover `duration_s`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub interrupted: bool,
    /// The figures.
    #[serde(flatten)]
    pub figures: Figures,
    /// Each threshold and whether it held.
    pub thresholds: Vec<Verdict>,
}

/// One step's figures.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StepFigures {
    /// The step's name.
    pub name: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: Figures,
}

impl LoadRun {
    /// The report, judged by `thresholds`.
    pub fn report(&self, thresholds: &[Threshold]) -> LoadReport {
        let secs = self.elapsed.as_secs_f64();
        let mut total = Tally::default();
        for t in &self.steps {
            total.merge(t);
        }
        let figures = total.figures(secs);
        LoadReport {
            summary: Summary {
                duration_s: secs,
                interrupted: self.interrupted,
                thresholds: thresholds.iter().map(|t| t.judge(&figures)).collect(),
                figures,
            },
            steps: self
                .names
                .iter()
                .zip(&self.steps)
                .map(|(name, t)| StepFigures {
                    name: name.clone(),
                    figures: t.figures(secs),
                })
                .collect(),
            series: self.series.clone(),
            shard: None,
        }
    }
}

impl LoadReport {
    /// Whether the run ran its course and every threshold held.
    pub fn passed(&self) -> bool {
        !self.summary.interrupted && self.summary.thresholds.iter().all(|v| v.ok)
    }
}

fn tick(t: u64, tally: &Tally) -> Tick {
    let f = tally.figures(1.0);
    Tick {
        t,
        requests: f.requests,
        errors: f.errors,
        findings: f.findings,
        p99_ms: f.latency_ms.p99,
        histogram: f.histogram,
    }
}

/// Why a call counts as an error, if it does.
fn error_kind(r: &StepResult) -> Option<String> {
    if let Some(p) = &r.problem {
        return Some(p.kind.clone());
    }
    if r.exchange.as_ref().is_some_and(|e| e.status >= 500) {
        return Some("status 5xx".into());
    }
    r.assertions
        .iter()
        .any(|a| !a.passed)
        .then(|| "assertion".to_string())
}

/// A second of a run: counting while it lasts, then kept only as its tick (its histogram
/// compressed), so a long run's memory stays flat.
#[derive(Debug)]
enum Second {
    Open(Tally),
    Done(Tick),
}

/// Counts of a run in progress.
struct Counter {
    start: Instant,
    steps: Vec<Tally>,
    seconds: Vec<Second>,
}

impl Counter {
    /// The tally of the second now running.
    fn now(&mut self) -> &mut Tally {
        let second = self.start.elapsed().as_secs() as usize;
        if self.seconds.len() <= second {
            self.seconds
                .resize_with(second + 1, || Second::Open(Tally::default()));
        }
        // Seconds close in order and the clock is monotonic: the current one is open.
        let index = (second..self.seconds.len())
            .find(|&i| matches!(self.seconds[i], Second::Open(_)))
            .unwrap_or_else(|| {
                self.seconds.push(Second::Open(Tally::default()));
                self.seconds.len() - 1
            });
        match &mut self.seconds[index] {
            Second::Open(t) => t,
            Second::Done(_) => unreachable!("found open above"),
        }
    }

    /// Closes second `n` (it has ended) and returns its tick.
    fn close(&mut self, n: usize) -> Tick {
        if self.seconds.len() <= n {
            self.seconds
                .resize_with(n + 1, || Second::Open(Tally::default()));
        }
        let done = match &self.seconds[n] {
            Second::Open(t) => tick(n as u64, t),
            Second::Done(t) => t.clone(),
        };
        self.seconds[n] = Second::Done(done.clone());
        done
    }

    /// Every second, closed.
    fn series(&mut self) -> Vec<Tick> {
        (0..self.seconds.len()).map(|n| self.close(n)).collect()
    }

    fn drop_call(&mut self, step: usize) {
        self.steps[step].dropped();
        self.now().dropped();
    }

    fn add(&mut self, step: usize, latency: Duration, r: &StepResult) {
        if r.problem.as_ref().is_some_and(|p| p.kind == "cancelled") {
            // Cut short by an interrupt: neither a latency nor an error of the service.
            return;
        }
        let findings = r.findings.iter().filter(|f| f.fails()).count() as u64;
        let error = error_kind(r);
        let us = latency.as_micros().min(u128::from(u64::MAX)) as u64;
        self.steps[step].add(us, error.as_deref(), findings);
        self.now().add(us, error.as_deref(), findings);
    }
}

/// When the `k`-th call of an open model is due, from the start: the rate grows linearly
/// over `ramp`, then holds. None once that is past `duration`.
fn due(k: u64, rate: f64, ramp: f64, duration: f64) -> Option<f64> {
    let k = k as f64;
    let ramped = rate * ramp / 2.0;
    let t = if ramp > 0.0 && k < ramped {
        (2.0 * k * ramp / rate).sqrt()
    } else {
        ramp + (k - ramped) / rate
    };
    (t < duration).then_some(t)
}

/// Runs `steps` under load, calling `on_tick` once a second with the second just ended.
pub async fn load(
    ctx: &Context<'_>,
    steps: &[Step],
    options: &LoadOptions,
    on_tick: impl FnMut(&Tick),
) -> Result<LoadRun, LoadError> {
    if steps.is_empty() {
        return Err(LoadError::NoSteps);
    }
    let mut counter = Counter {
        start: Instant::now(),
        steps: vec![Tally::default(); steps.len()],
        seconds: Vec::new(),
    };
    match options.model {
        Model::Rate(rate) => open(ctx, steps, options, rate, &mut counter, on_tick).await,
        Model::Users(users) => closed(ctx, steps, options, users, &mut counter, on_tick).await,
    }
    Ok(LoadRun {
        names: steps.iter().map(|s| s.name.clone()).collect(),
        elapsed: counter.start.elapsed(),
        interrupted: ctx.is_cancelled(),
        series: counter.series(),
        steps: counter.steps,
    })
}

/// A load run as `execute` leaves it: its report, and whether the store took it.
#[derive(Debug)]
pub struct Executed {
    /// The report, judged by the thresholds.
    pub report: LoadReport,
    /// The stored run's id, or why it could not be recorded (the report is still whole, so
    /// its files can be written first).
    pub recorded: Result<i64, LoadError>,
}

/// A planned run's steps under load, judged by `thresholds` and recorded in the store: what
/// `vouch load` and the app's Load tab both run. `on_tick` hears each second as it ends.
#[allow(clippy::too_many_arguments)]
pub async fn execute(
    store: &mut crate::store::Store,
    plan: &crate::run::Plan,
    ctx: &Context<'_>,
    options: &LoadOptions,
    thresholds: &[Threshold],
    shard: Option<crate::suite::Shard>,
    on_tick: impl FnMut(&Tick),
) -> Result<Executed, LoadError> {
    let (steps, _, _) = crate::run::steps_of(plan, ctx.contract.spec());
    let ran = load(ctx, &steps, options, on_tick).await?;
    let mut report = ran.report(thresholds);
    report.shard = shard;
    let recorded = serde_json::to_value(&report)
        .map_err(LoadError::from)
        .and_then(|json| {
            Ok(store.record_load(plan.collection_id, &plan.name, report.passed(), &json)?)
        });
    Ok(Executed { report, recorded })
}

/// Reports each second that ended since the last call.
struct Ticker {
    next: u64,
}

impl Ticker {
    fn catch_up(&mut self, counter: &mut Counter, on_tick: &mut impl FnMut(&Tick)) {
        let now = counter.start.elapsed().as_secs();
        while self.next < now {
            on_tick(&counter.close(self.next as usize));
            self.next += 1;
        }
    }

    /// At the end of a run: every second not yet reported, the last (partial) one included.
    fn finish(&mut self, counter: &mut Counter, on_tick: &mut impl FnMut(&Tick)) {
        self.catch_up(counter, on_tick);
        while (self.next as usize) < counter.seconds.len() {
            on_tick(&counter.close(self.next as usize));
            self.next += 1;
        }
    }

    fn wake(&self, counter: &Counter) -> tokio::time::Instant {
        (counter.start + Duration::from_secs(self.next + 1)).into()
    }
}

/// The open model: calls started on schedule, however many are in flight.
async fn open(
    ctx: &Context<'_>,
    steps: &[Step],
    options: &LoadOptions,
    rate: f64,
    counter: &mut Counter,
    mut on_tick: impl FnMut(&Tick),
) {
    let (ramp, duration) = (
        options.ramp_up.as_secs_f64(),
        options.duration.as_secs_f64(),
    );
    let start = counter.start;
    let mut ticker = Ticker { next: 0 };
    let slots = tokio::sync::Semaphore::new(options.connections.max(1));
    let mut in_flight = FuturesUnordered::new();
    let mut k: u64 = 0;
    loop {
        let next = due(k, rate, ramp, duration).filter(|_| !ctx.is_cancelled());
        if next.is_none() && in_flight.is_empty() {
            break;
        }
        let wake = next.map_or_else(
            || ticker.wake(counter),
            |at| (start + Duration::from_secs_f64(at)).into(),
        );
        tokio::select! {
            biased;
            Some((step, scheduled, result)) = in_flight.next(), if !in_flight.is_empty() => {
                let result: StepResult = result;
                counter.add(step, Instant::now().saturating_duration_since(scheduled), &result);
            }
            () = cancelled(ctx), if next.is_some() => {}
            () = tokio::time::sleep_until(wake.min(ticker.wake(counter))) => {
                let now = Instant::now();
                while let Some(at) = due(k, rate, ramp, duration).filter(|_| !ctx.is_cancelled()) {
                    let scheduled = start + Duration::from_secs_f64(at);
                    if scheduled > now {
                        break;
                    }
                    let step = (k % steps.len() as u64) as usize;
                    let check = options.sampling.checks(k);
                    k += 1;
                    if in_flight.len() >= options.max_in_flight {
                        // The service is not keeping up: a call past the cap is not sent
                        // (each would hold a connection), and counts as dropped.
                        counter.drop_call(step);
                        continue;
                    }
                    let slots = &slots;
                    in_flight.push(async move {
                        // Waiting for a connection counts: latency runs from `scheduled`.
                        let _slot = slots.acquire().await;
                        let (result, _) = suite::run_step(ctx, step, &steps[step], check).await;
                        (step, scheduled, result)
                    });
                }
            }
        }
        ticker.catch_up(counter, &mut on_tick);
    }
    ticker.finish(counter, &mut on_tick);
}

/// Resolves when the run is interrupted (never without a cancel token).
async fn cancelled(ctx: &Context<'_>) {
    match ctx.cancel {
        Some(c) => c.cancelled().await,
        None => std::future::pending().await,
    }
}

/// The closed model: each user sends its next step when the last one answered.
async fn closed(
    ctx: &Context<'_>,
    steps: &[Step],
    options: &LoadOptions,
    users: usize,
    counter: &mut Counter,
    mut on_tick: impl FnMut(&Tick),
) {
    let start = counter.start;
    let end = start + options.duration;
    let shared = std::sync::Mutex::new(Counter {
        start,
        steps: std::mem::take(&mut counter.steps),
        seconds: Vec::new(),
    });
    let lock = || shared.lock().unwrap_or_else(|e| e.into_inner());
    let calls = std::sync::atomic::AtomicU64::new(0);
    let user = |i: usize| {
        let (lock, calls) = (&lock, &calls);
        async move {
            let delay = options.ramp_up.mul_f64(i as f64 / users.max(1) as f64);
            tokio::select! {
                () = tokio::time::sleep_until((start + delay).into()) => {}
                () = cancelled(ctx) => return,
            }
            let mut env = ctx.env.clone();
            'looping: loop {
                for (step, s) in steps.iter().enumerate() {
                    if Instant::now() >= end || ctx.is_cancelled() {
                        break 'looping;
                    }
                    let k = calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let user_ctx = Context { env: &env, ..*ctx };
                    let sent = Instant::now();
                    let (result, extracted) =
                        suite::run_step(&user_ctx, step, s, options.sampling.checks(k)).await;
                    lock().add(step, sent.elapsed(), &result);
                    for (name, value, secret) in extracted {
                        if secret {
                            env.set_secret(&name, &value);
                        } else {
                            env.set(&name, &value);
                        }
                    }
                }
            }
        }
    };
    let mut running: FuturesUnordered<_> = (0..users).map(user).collect();
    let mut ticker = Ticker { next: 0 };
    while !running.is_empty() {
        let wake = ticker.wake(&lock());
        tokio::select! {
            _ = running.next() => {}
            () = tokio::time::sleep_until(wake) => {}
        }
        ticker.catch_up(&mut lock(), &mut on_tick);
    }
    drop(running);
    *counter = shared.into_inner().unwrap_or_else(|e| e.into_inner());
    ticker.finish(counter, &mut on_tick);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_due_on_a_ramp_then_at_the_rate() {
        // 100/s after a 2 s ramp: 100 calls during the ramp, then one every 10 ms.
        assert_eq!(due(0, 100.0, 2.0, 10.0), Some(0.0));
        let at = |k| due(k, 100.0, 2.0, 10.0).expect("due");
        assert!((at(100) - 2.0).abs() < 1e-9);
        assert!((at(150) - 2.5).abs() < 1e-9);
        assert!(
            at(25) > 0.9 && at(25) < 1.1,
            "a quarter of the ramp's calls by its middle"
        );
        assert_eq!(due(900, 100.0, 2.0, 10.0), None);
        assert!((due(5, 10.0, 0.0, 10.0).expect("due") - 0.5).abs() < 1e-9);
    }

    #[test]
    fn samples_are_spread_evenly() {
        let checked = (0..1000)
            .filter(|&k| Sampling::Share(0.1).checks(k))
            .count();
        assert_eq!(checked, 100);
        assert!((0..10).all(|k| Sampling::All.checks(k)));
        assert!(!(0..10).any(|k| Sampling::Nothing.checks(k)));
        assert_eq!(
            "sample:0.25".parse::<Sampling>().ok(),
            Some(Sampling::Share(0.25))
        );
        assert!("sample:2".parse::<Sampling>().is_err());
        assert_eq!(parse_rate("120000/m").ok(), Some(2000.0));
        assert_eq!(parse_rate("2000/s").ok(), Some(2000.0));
        assert!(parse_rate("0").is_err() && parse_rate("5/h").is_err());
    }
}
