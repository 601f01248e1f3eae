//! `vouch load TARGET`: the run's steps under load, every response (or a sample) checked
//! against the contract; percentiles, thresholds, a JSON report.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use vouch::load::{self, LoadOptions, LoadReport, Model, Sampling, Threshold};
use vouch::request::Session;
use vouch::run;

use super::args::{AcceptStatus, AllowOrigin, DataDir, TargetArgs, Timeout};

/// `vouch load` arguments.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("model").required(true).args(["rate", "users"])))]
pub struct Args {
    #[command(flatten)]
    what: TargetArgs,
    /// Open model: calls per second, whatever the service does (2000, 2000/s, 120000/m);
    /// latency counts from each call's scheduled start.
    #[arg(long, value_parser = rate)]
    rate: Option<f64>,
    /// Closed model: this many virtual users, each looping the steps in order (extractions
    /// chain per user).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    users: Option<u32>,
    /// How long calls are started for (30s, 2m, 500ms).
    #[arg(long, value_parser = duration)]
    duration: Duration,
    /// Grow the rate (or the users) linearly to the target over this time.
    #[arg(long, value_parser = duration, default_value = "0s")]
    ramp_up: Duration,
    /// A pass rule (repeatable): p50|p90|p95|p99|p999|max < 200ms, errors < 1% (or a count),
    /// findings == 0, rate >= 1900. Exit 1 when one is crossed (or the run is interrupted).
    #[arg(long = "threshold", value_parser = threshold)]
    thresholds: Vec<Threshold>,
    /// Open model: calls in flight at most; a call due beyond it is not sent and counts as
    /// an error of kind `dropped` (a service that stops answering cannot make vouch hold
    /// unbounded connections).
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_in_flight: u32,
    /// Open model: calls sent at once (connections open at most); calls due beyond wait for
    /// one, and the wait counts in their latency.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    connections: u32,
    /// Which responses get the contract check: all, none, or sample:0.1.
    #[arg(long, value_parser = sampling, default_value = "all")]
    check: Sampling,
    /// Run part I of N (e.g. 2/3) on this machine: rate/N calls per second, or its share of
    /// the users; join the parts' JSON reports with `vouch report merge`.
    #[arg(long, value_name = "I/N")]
    shard: Option<vouch::suite::Shard>,
    /// A report to write: json:FILE (mergeable) or html:FILE (charts), repeatable.
    #[arg(long = "report", value_parser = report)]
    reports: Vec<(Format, PathBuf)>,
    #[command(flatten)]
    data: DataDir,
    #[command(flatten)]
    timeout: Timeout,
    #[command(flatten)]
    accept: AcceptStatus,
    #[command(flatten)]
    allow: AllowOrigin,
}

fn rate(s: &str) -> Result<f64, String> {
    load::parse_rate(s).map_err(|e| e.to_string())
}

fn threshold(s: &str) -> Result<Threshold, String> {
    s.parse().map_err(|e: load::LoadError| e.to_string())
}

fn sampling(s: &str) -> Result<Sampling, String> {
    s.parse().map_err(|e: load::LoadError| e.to_string())
}

/// What a report file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    /// The JSON report (mergeable).
    Json,
    /// The HTML page with charts.
    Html,
}

fn report(s: &str) -> Result<(Format, PathBuf), String> {
    match s.split_once(':') {
        Some(("json", f)) if !f.is_empty() => Ok((Format::Json, PathBuf::from(f))),
        Some(("html", f)) if !f.is_empty() => Ok((Format::Html, PathBuf::from(f))),
        _ => Err(format!("`{s}` is not json:FILE or html:FILE")),
    }
}

/// Writes `report` to each of `files` in its format; `name` titles the HTML page.
pub(super) fn write_reports(
    report: &LoadReport,
    name: &str,
    files: &[(Format, PathBuf)],
) -> super::Result<()> {
    for (format, file) in files {
        let text = match format {
            Format::Json => serde_json::to_string_pretty(report)?,
            Format::Html => report.html(name),
        };
        std::fs::write(file, text).map_err(|e| vouch::Error::Write {
            path: file.display().to_string(),
            detail: e.to_string(),
        })?;
    }
    Ok(())
}

/// `30s`, `2m`, `500ms`, `1h`, or plain seconds; above 0 and at most a day.
fn duration(s: &str) -> Result<Duration, String> {
    let (n, unit) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (s, 1.0)
    };
    match n.parse::<f64>().map(|n| n * unit) {
        Ok(secs) if (0.0..=86_400.0).contains(&secs) => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!(
            "`{s}` is not a duration such as 30s, 2m or 500ms (at most a day)"
        )),
    }
}

/// Runs `vouch load`.
pub fn run(a: Args) -> super::Result<ExitCode> {
    let mut store = a.data.open()?;
    let plan = run::plan(&store, &a.what.request(&a.accept, &a.allow, false))?;
    super::run::notes(&plan);
    let runtime = super::runtime(true)?;
    let contract = runtime.block_on(run::contract(&plan))?;
    if plan.smoke && !plan.select.read_only {
        super::args::warn_mutating(
            contract.spec(),
            &plan.select,
            plan.base_url.as_deref(),
            &plan.env,
        );
    }
    let session = Session::new();
    let send = a.timeout.send_options(false);
    let cancel = interrupt(&runtime);
    let ctx = plan.context(&contract, &session, &send, Some(&cancel));
    let options = LoadOptions {
        model: model(&a)?,
        duration: a.duration,
        ramp_up: a.ramp_up,
        sampling: a.check,
        max_in_flight: a.max_in_flight as usize,
        connections: a.connections as usize,
    };
    let live = std::io::stderr().is_terminal();
    let executed = runtime.block_on(load::execute(
        &mut store,
        &plan,
        &ctx,
        &options,
        &a.thresholds,
        a.shard,
        |t| {
            if live {
                eprint!(
                    "\r{:>4}s  {:>7} calls/s  p99 {:>8.1} ms  errors {:<6} findings {:<6}",
                    t.t + 1,
                    t.requests,
                    t.p99_ms,
                    t.errors,
                    t.findings
                );
            }
        },
    ))?;
    if live {
        eprintln!();
    }
    let report = executed.report;
    if report.summary.interrupted {
        eprintln!(
            "interrupted after {:.1} s: the figures below cover that time",
            report.summary.duration_s
        );
    }
    // The files first: a store that cannot record the run must not lose them.
    write_reports(&report, &plan.name, &a.reports)?;
    let id = executed.recorded?;
    let mut out = std::io::stdout().lock();
    print(&mut out, &report)?;
    writeln!(out, "load run #{id} in {}", store.path().display())?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Ctrl+C stops the run: no new call starts, calls in flight are cut, and the figures so
/// far are reported, written and recorded as an interrupted run (exit 1). A second Ctrl+C
/// exits at once (130) instead of waiting for the calls being cut.
fn interrupt(runtime: &tokio::runtime::Runtime) -> tokio_util::sync::CancellationToken {
    let cancel = tokio_util::sync::CancellationToken::new();
    let on_interrupt = cancel.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    cancel
}

/// The arrivals, this machine's part of them for a shard.
fn model(a: &Args) -> super::Result<Model> {
    let (part, parts) = a.shard.map_or((1, 1), |s| (s.index, s.count));
    Ok(match (a.rate, a.users) {
        (Some(r), _) => Model::Rate(r / parts as f64),
        (None, u) => {
            let users = u.unwrap_or(1) as usize;
            let mine = users / parts + usize::from(part <= users % parts);
            if mine == 0 {
                return Err(vouch::Error::Usage(format!(
                    "{users} users cannot be shared by {parts} shards: part {part} would have none"
                ))
                .into());
            }
            Model::Users(mine)
        }
    })
}

/// The summary a person reads: one line per step and the total, then the thresholds.
pub(super) fn print(out: &mut impl std::io::Write, r: &LoadReport) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<32} {:>9} {:>9} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9}",
        "step", "calls", "calls/s", "errors", "findings", "p50 ms", "p95 ms", "p99 ms", "max ms"
    )?;
    let line = |out: &mut dyn std::io::Write, name: &str, f: &load::Figures| {
        let l = &f.latency_ms;
        writeln!(
            out,
            "{:<32} {:>9} {:>9.1} {:>8} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
            name, f.requests, f.rate, f.errors, f.findings, l.p50, l.p95, l.p99, l.max
        )
    };
    for s in &r.steps {
        line(out, &s.name, &s.figures)?;
    }
    line(out, "total", &r.summary.figures)?;
    for (kind, n) in &r.summary.figures.errors_by_kind {
        writeln!(out, "errors: {n} {kind}")?;
    }
    for v in &r.summary.thresholds {
        let mark = if v.ok { "ok    " } else { "FAILED" };
        writeln!(out, "{mark} {} (was {:.2})", v.expr, v.actual)?;
    }
    Ok(())
}
