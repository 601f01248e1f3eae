//! `vouch report merge PART.json…`: the parts of a sharded run joined into one report.

use std::path::PathBuf;
use std::process::ExitCode;

use vouch::report::RunReport;

use super::args::{self, ReportKind};

/// `vouch report` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Join the JSON reports of every part of a sharded run (`vouch run --shard i/n --report
    /// json:FILE`) into the report of the whole run; exit 1 if a step failed, as the run would.
    Merge(MergeArgs),
}

/// `vouch report merge` arguments.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The parts' JSON reports, one per shard.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// The spec the run checked against (path or URL): JUnit and HTML then name each step by
    /// its operation, as the run's own reports do.
    #[arg(long)]
    spec: Option<String>,
    /// A report to write: junit:FILE, json:FILE or html:FILE (repeatable).
    #[arg(long = "report", value_parser = args::report)]
    reports: Vec<(ReportKind, PathBuf)>,
}

/// Runs `vouch report`.
pub fn run(a: Args) -> super::Result<ExitCode> {
    match a.command {
        Command::Merge(m) => merge(m),
    }
}

fn merge(a: MergeArgs) -> super::Result<ExitCode> {
    let mut texts = Vec::new();
    for p in &a.parts {
        let text = std::fs::read_to_string(p).map_err(|e| {
            vouch::Error::Usage(format!("cannot read the report {}: {e}", p.display()))
        })?;
        texts.push((p.display().to_string(), text));
    }
    // A load run's parts have a per-second series; a run's have results.
    let is_load = texts.first().is_some_and(|(_, t)| {
        serde_json::from_str::<serde_json::Value>(t).is_ok_and(|v| v.get("series").is_some())
    });
    if is_load {
        return merge_load(&a, &texts);
    }
    let report = vouch::report::merge(&texts)?;
    let spec = match &a.spec {
        Some(s) => Some(super::runtime(false)?.block_on(vouch::spec::Spec::load(
            s,
            &vouch::spec::LoadOptions::default(),
        ))?),
        None => None,
    };
    for (kind, file) in &a.reports {
        let text = write(&report, *kind, spec.as_ref());
        std::fs::write(file, text).map_err(|e| vouch::Error::Write {
            path: file.display().to_string(),
            detail: e.to_string(),
        })?;
    }
    let (n, c) = (&report.summary, &report.coverage);
    println!(
        "{} steps from {} parts: {} passed, {} failed, {} errors, {} skipped ({} of {} operations, {} of {} declared responses)",
        n.total,
        a.parts.len(),
        n.passed,
        n.failed,
        n.errors,
        n.skipped,
        c.exercised,
        c.operations,
        c.responses_seen,
        c.responses_declared
    );
    Ok(if n.failed == 0 && n.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn merge_load(a: &MergeArgs, texts: &[(String, String)]) -> super::Result<ExitCode> {
    let report = vouch::load::merge(texts)?;
    let mut files = Vec::new();
    for (kind, file) in &a.reports {
        let format = match kind {
            ReportKind::Json => super::load::Format::Json,
            ReportKind::Html => super::load::Format::Html,
            ReportKind::Junit => {
                return Err(vouch::Error::Usage(
                    "a load run's report is json:FILE or html:FILE, not JUnit".into(),
                )
                .into())
            }
        };
        files.push((format, file.clone()));
    }
    let name = format!("{} merged parts", texts.len());
    super::load::write_reports(&report, &name, &files)?;
    super::load::print(&mut std::io::stdout().lock(), &report)?;
    Ok(if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write(report: &RunReport, kind: ReportKind, spec: Option<&vouch::spec::Spec>) -> String {
    match kind {
        ReportKind::Junit => report.junit(spec),
        ReportKind::Json => report.json(),
        ReportKind::Html => report.html(spec),
    }
}
