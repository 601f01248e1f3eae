//! `vouch fuzz SPEC`: the engine's fuzzer, with progress on the terminal, failures as cURL
//! lines, the run stored and reported like a suite run, failures saved as requests.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use vouch::fuzz::{Check, Event, FuzzOptions, Fuzzed, Phase};
use vouch::report::RunReport;
use vouch::request::Session;
use vouch::run;

use super::args::{
    self, warn_mutating, AllowOrigin, DataDir, EnvArgs, Format, ReportKind, Select, Timeout,
};

/// `vouch fuzz` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The spec (path or URL).
    spec: String,
    /// Base URL for every call (default: the spec's servers).
    #[arg(long)]
    base_url: Option<String>,
    #[command(flatten)]
    env: EnvArgs,
    /// Only this operation: an operationId or `METHOD /path` (repeatable).
    #[arg(long = "operation")]
    operations: Vec<String>,
    #[command(flatten)]
    select: Select,
    /// Phases to run, in order: examples, positive, negative, stateful.
    #[arg(long, value_delimiter = ',', value_parser = phase, default_value = "examples,positive,negative,stateful")]
    phases: Vec<Phase>,
    /// Positive requests per operation (boundary values included), and at most as many
    /// negative ones.
    #[arg(long, default_value_t = 50)]
    max_examples: usize,
    /// Stop generating after this long (`60s`, `2m`, `90`); shrinking the failures found
    /// then takes a bounded number of requests each.
    #[arg(long, value_parser = duration)]
    time_budget: Option<Duration>,
    /// Seed of every random choice: the same seed sends the same requests (default: drawn,
    /// and printed so the run can be replayed).
    #[arg(long)]
    seed: Option<u64>,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Checks to run: `all`, or names separated by commas (server-error,
    /// response-conformance, negative-data-rejected, positive-data-accepted, allow-on-405,
    /// auth-enforced, response-time, use-after-delete, created-readable).
    #[arg(long, default_value = "all", value_parser = checks)]
    checks: CheckList,
    /// The response-time check's limit, in milliseconds.
    #[arg(long, default_value_t = 5000.0)]
    max_response_ms: f64,
    /// Save each failure as requests (with the assertion that failed) in this collection,
    /// created when it does not exist: `vouch run COLLECTION` replays them.
    #[arg(long, value_name = "COLLECTION")]
    save_failures: Option<String>,
    /// A report to write: junit:FILE, json:FILE or html:FILE (repeatable).
    #[arg(long = "report", value_parser = args::report)]
    reports: Vec<(ReportKind, PathBuf)>,
    /// Text for people, or one JSON object.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    #[command(flatten)]
    data: DataDir,
    #[command(flatten)]
    timeout: Timeout,
    #[command(flatten)]
    allow: AllowOrigin,
}

/// The checks asked for.
#[derive(Debug, Clone)]
pub struct CheckList(Vec<Check>);

fn checks(s: &str) -> Result<CheckList, String> {
    if s.trim() == "all" {
        return Ok(CheckList(Check::ALL.to_vec()));
    }
    s.split(',')
        .map(|c| {
            Check::parse(c).ok_or_else(|| {
                let names: Vec<&str> = Check::ALL.iter().map(|c| c.name()).collect();
                format!("`{c}` is not a check (all, {})", names.join(", "))
            })
        })
        .collect::<Result<_, _>>()
        .map(CheckList)
}

fn phase(s: &str) -> Result<Phase, String> {
    Phase::parse(s)
        .ok_or_else(|| format!("`{s}` is not a phase (examples, positive, negative, stateful)"))
}

/// `60s`, `2m`, `1h`, `90` (seconds), `500ms`.
fn duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (n, unit) = match t.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: f64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (60s, 2m, 500ms)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("`{s}` is not a duration (60s, 2m, 500ms)")),
    };
    if !(secs > 0.0 && secs <= 86_400.0) {
        return Err(format!("`{s}` is not a duration between 0 and 24h"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// Runs `vouch fuzz`.
// Kept whole: the command in order: plan, contract, fuzz, store, reports, saved failures, output.
pub fn run(a: Args) -> super::Result<ExitCode> {
    let mut store = a.data.open()?;
    let plan = run::plan(
        &store,
        &run::RunRequest {
            target: None,
            spec: Some(a.spec.clone()),
            env: a.env.env.clone(),
            vars: a.env.vars.clone(),
            base_url: a.base_url.clone(),
            accept_status: Vec::new(),
            allow_origins: a.allow.allow_origin.clone(),
            allow_files: false,
            select: vouch::spec::select::Selection::default(),
        },
    )?;
    super::run::notes(&plan);
    let runtime = super::runtime(a.concurrency > 1)?;
    let contract = runtime.block_on(run::contract(&plan))?;
    vouch::request::check_schemes(contract.spec(), &plan.env)?;
    let seed = a.seed.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64 % 1_000_000)
            .unwrap_or(0)
    });
    let options = FuzzOptions {
        phases: a.phases.clone(),
        max_examples: a.max_examples,
        time_budget: a.time_budget,
        seed,
        concurrency: a.concurrency.max(1),
        checks: a.checks.0.clone(),
        max_response_ms: a.max_response_ms,
        select: a.select.selection(&a.operations),
        base_url: a.base_url.clone(),
    };
    if !options.select.read_only {
        warn_mutating(
            contract.spec(),
            &options.select,
            a.base_url.as_deref(),
            &plan.env,
        );
    }
    let cancel = tokio_util::sync::CancellationToken::new();
    let on_interrupt = cancel.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    let session = Session::new();
    let send = a.timeout.send_options(false);
    let ctx = plan.context(&contract, &session, &send, Some(&cancel));
    eprintln!("fuzzing with seed {seed} (--seed {seed} sends the same requests again)");
    let progress = Progress::new();
    let fuzzed = runtime.block_on(vouch::fuzz::fuzz(&ctx, &options, |e| progress.event(e)));
    progress.done();
    let name = format!("fuzz: {}", a.spec);
    let summary = vouch::fuzz::record(
        &mut store,
        &name,
        plan.env_name.as_deref(),
        &fuzzed,
        contract.spec(),
    );
    if let Some(p) = &summary.store_error {
        eprintln!("warning: the run could not be stored: {}", p.line());
    }
    for (kind, file) in &a.reports {
        let report = RunReport::of(&summary);
        let text = match kind {
            ReportKind::Junit => report.junit(Some(contract.spec())),
            ReportKind::Json => report.json(),
            ReportKind::Html => report.html(Some(contract.spec())),
        };
        std::fs::write(file, text).map_err(|e| vouch::Error::Write {
            path: file.display().to_string(),
            detail: e.to_string(),
        })?;
    }
    if let (Some(collection), false) = (&a.save_failures, fuzzed.failures.is_empty()) {
        let bytes = std::path::Path::new(&a.spec)
            .is_file()
            .then(|| std::fs::read(&a.spec).ok())
            .flatten();
        let folder = vouch::fuzz::save_failures(
            &mut store,
            collection,
            Some(&a.spec),
            bytes.as_deref(),
            &fuzzed.failures,
            seed,
        )?;
        eprintln!(
            "saved {} failure(s) to {collection}/{folder} (`vouch run '{collection}'` replays them)",
            fuzzed.failures.len()
        );
    }
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &json(&fuzzed))?;
            writeln!(out)?;
        }
        Format::Text => text(&mut out, &fuzzed, seed)?,
    }
    if let Some(p) = &fuzzed.aborted {
        eprintln!("error: {}\n  hint: {}", p.message, p.hint);
        return Ok(ExitCode::from(2));
    }
    Ok(if fuzzed.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The JSON output: failures and stats.
fn json(f: &Fuzzed) -> serde_json::Value {
    serde_json::json!({
        "failures": f.failures,
        "stats": {
            "requests": f.stats.requests,
            "errors": f.stats.errors,
            "shrink_requests": f.stats.shrink_requests,
            "elapsed_ms": f.stats.elapsed_ms,
            "shrink_ms": f.stats.shrink_ms,
            "first_failure_ms": f.stats.first_failure_ms,
            "operations": f.stats.operations,
            "by_check": f.stats.by_check,
        },
    })
}

/// The text output: each failure with its cURL line, then the counts.
fn text(out: &mut impl std::io::Write, f: &Fuzzed, seed: u64) -> std::io::Result<()> {
    for (i, x) in f.failures.iter().enumerate() {
        let at = x
            .location
            .as_deref()
            .map(|l| format!(" at {l}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}. {} · {} ({} {}){at}",
            i + 1,
            x.check,
            x.operation,
            x.method,
            x.path
        )?;
        writeln!(out, "   {}", x.message)?;
        for line in x.curl.lines() {
            writeln!(out, "   {line}")?;
        }
        writeln!(out)?;
    }
    let by: Vec<String> = f
        .stats
        .by_check
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let first = f
        .stats
        .first_failure_ms
        .map(|ms| format!(", the first after {:.1} s", ms as f64 / 1000.0))
        .unwrap_or_default();
    writeln!(
        out,
        "{} unique failure(s) in {} requests to {} operation(s), {:.1} s{first} (seed {seed}){}",
        f.failures.len(),
        f.stats.requests,
        f.stats.operations,
        f.stats.elapsed_ms as f64 / 1000.0,
        if by.is_empty() {
            String::new()
        } else {
            format!(": {}", by.join(", "))
        }
    )
}

/// Progress on stderr: a bar over the operations on a terminal, a line per failure found
/// otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        });
        Progress { bar }
    }

    fn event(&self, e: &Event) {
        match (e, &self.bar) {
            (Event::Started { operations }, Some(b)) => b.set_length(*operations as u64),
            (
                Event::Operation {
                    done,
                    operation,
                    phase,
                },
                Some(b),
            ) => {
                b.set_position(*done as u64);
                b.set_message(format!("{phase:?} {operation}").to_lowercase());
            }
            (
                Event::Found {
                    check,
                    operation,
                    requests,
                    ..
                },
                Some(b),
            ) => {
                b.println(format!(
                    "found {check} · {operation} (after {requests} requests)"
                ));
            }
            (
                Event::Found {
                    check,
                    operation,
                    requests,
                    ..
                },
                None,
            ) => {
                eprintln!("found {check} · {operation} (after {requests} requests)");
            }
            (Event::Shrinking { failures }, Some(b)) if *failures > 0 => {
                b.set_message(format!("shrinking {failures} failure(s)"));
            }
            (Event::Shrinking { failures }, None) if *failures > 0 => {
                eprintln!("shrinking {failures} failure(s)");
            }
            _ => {}
        }
    }

    fn done(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers() {
        assert_eq!(duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(duration("0").is_err());
        assert!(duration("soon").is_err());
        assert_eq!(
            checks("server-error,allow-on-405").map(|c| c.0.len()),
            Ok(2)
        );
        assert!(checks("server_errors").is_err());
        assert_eq!(phase("Stateful"), Ok(Phase::Stateful));
    }
}
