//! `vouch run [TARGET]`: the engine's one run, with progress on the terminal and reports.

use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use vouch::report::RunReport;
use vouch::request::Session;
use vouch::run;
use vouch::suite::{Event, RunOptions};

use super::args::{self, AcceptStatus, DataDir, ReportKind, Timeout};

/// `vouch run` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    what: args::TargetArgs,
    /// Run only part I of N of the steps (e.g. 2/3), for CI machines sharing one run: a
    /// chained step stays with the step it reads from. Join the parts' JSON reports with
    /// `vouch report merge`.
    #[arg(long, value_name = "I/N")]
    shard: Option<vouch::suite::Shard>,
    /// Calls in flight at once (chained suites always run in order).
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    #[command(flatten)]
    data: DataDir,
    /// A report to write: junit:FILE, json:FILE or html:FILE (repeatable).
    #[arg(long = "report", value_parser = args::report)]
    reports: Vec<(ReportKind, PathBuf)>,
    #[command(flatten)]
    timeout: Timeout,
    #[command(flatten)]
    accept: AcceptStatus,
    #[command(flatten)]
    allow: super::args::AllowOrigin,
    /// Let the collection's file parts read (and upload) the files they name, inside its
    /// folder; a stored collection remembers them as approved.
    #[arg(long)]
    allow_files: bool,
}

/// Progress on stderr: a bar on a terminal, plain lines otherwise. The lines are written in
/// bursts, every 100 ms by a thread of their own and at the end: a write per step cost a
/// system call per step, a tenth of a fast run's time.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    lines: std::sync::Arc<std::sync::Mutex<String>>,
}

/// Writes the lines held back.
fn flush_lines(lines: &std::sync::Mutex<String>) {
    let mut lines = lines.lock().unwrap_or_else(|e| e.into_inner());
    if !lines.is_empty() {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(lines.as_bytes());
        let _ = err.flush();
        lines.clear();
    }
}

impl Progress {
    fn new() -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(0);
            b.set_style(
                indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        });
        let lines = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        if bar.is_none() {
            // Ends with the run (the last reference but its own gone).
            let held = std::sync::Arc::downgrade(&lines);
            std::thread::spawn(move || loop {
                std::thread::sleep(std::time::Duration::from_millis(100));
                match held.upgrade() {
                    Some(lines) => flush_lines(&lines),
                    None => break,
                }
            });
        }
        Progress { bar, lines }
    }

    /// Writes the lines held back.
    fn flush(&self) {
        flush_lines(&self.lines);
    }

    fn event(&self, e: &Event) {
        match e {
            Event::Started { total } => {
                if let Some(b) = &self.bar {
                    b.set_length(*total as u64);
                }
            }
            Event::StepFinished {
                name,
                outcome,
                summary,
                ..
            } => {
                let done = summary.passed + summary.failed + summary.errors + summary.skipped;
                let outcome = format!("{outcome:?}").to_lowercase();
                match &self.bar {
                    Some(b) => {
                        b.set_position(done as u64);
                        b.set_message(format!("{outcome} {name}"));
                    }
                    None => {
                        let mut lines = self.lines.lock().unwrap_or_else(|e| e.into_inner());
                        let _ = writeln!(lines, "[{done}/{}] {outcome} {name}", summary.total);
                    }
                }
            }
            Event::Finished { .. } => self.flush(),
            _ => {}
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Says what the plan defaulted to (the environment) and what reading a folder dropped.
pub(super) fn notes(plan: &run::Plan) {
    if let Some(note) = &plan.env_note {
        eprintln!("note: {note}");
    }
    for warning in &plan.warnings {
        eprintln!("warning: {warning}");
    }
}

/// Says every `$ref` of the spec left unresolved (one refused for reaching outside the
/// spec's folder or origin, say): the schemas behind it are not checked.
fn unresolved_refs(spec: &vouch::spec::Spec) {
    // The loading's own problems: the full checks cost more than loading.
    for p in spec.load_problems() {
        if p.kind == vouch::spec::ProblemKind::Reference {
            let file = p
                .file
                .as_deref()
                .map(|f| format!(" in {f}"))
                .unwrap_or_default();
            eprintln!(
                "warning: the spec's $ref at {}{file}: {}",
                p.pointer, p.message
            );
        }
    }
}

/// What to run; with `--allow-files`, a stored collection's files are approved for good.
fn plan(a: &Args, store: &mut vouch::store::Store) -> super::Result<run::Plan> {
    let plan = run::plan(store, &a.what.request(&a.accept, &a.allow, a.allow_files))?;
    if let (true, Some(id)) = (a.allow_files, plan.collection_id) {
        let files: Vec<String> = run::file_parts(&plan.steps)
            .into_iter()
            .map(|(_, path)| path)
            .collect();
        store.approve_files(id, &files)?;
    }
    Ok(plan)
}

/// Runs `vouch run`.
pub fn run(a: Args) -> super::Result<ExitCode> {
    let mut store = a.data.open()?;
    let mut plan = plan(&a, &mut store)?;
    plan.shard = a.shard;
    notes(&plan);
    // One step at a time needs no second thread: a call's I/O and its check on one thread
    // spare a cross-thread wake-up per call (the recorder has a thread of its own).
    let runtime = super::runtime(a.concurrency > 1)?;
    let contract = runtime.block_on(run::contract(&plan))?;
    if plan.smoke && !plan.select.read_only {
        super::args::warn_mutating(
            contract.spec(),
            &plan.select,
            plan.base_url.as_deref(),
            &plan.env,
        );
    }
    unresolved_refs(contract.spec());
    // Ctrl+C stops the run cleanly: the step in flight is dropped, the rest are skipped, and
    // the run is recorded as cancelled.
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
    let progress = Progress::new();
    let options = RunOptions {
        concurrency: a.concurrency.max(1),
    };
    let summary = runtime.block_on(run::execute(&mut store, &plan, &ctx, &options, |e| {
        progress.event(e)
    }))?;
    progress.flush();
    if let Some(b) = &progress.bar {
        b.finish_and_clear();
    }
    // Reports copy every step: only when one is asked for.
    if !a.reports.is_empty() {
        let report = RunReport::of(&summary);
        for (kind, file) in &a.reports {
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
    }
    super::render::run(
        &mut std::io::stdout().lock(),
        &summary,
        contract.spec(),
        store.path(),
    )?;
    if let Some(p) = &summary.aborted {
        eprintln!("stopped: {}\n  hint: {}", p.message, p.hint);
    }
    if let Some(p) = summary.store_error {
        return Err(p.into());
    }
    Ok(if summary.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
