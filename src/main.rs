//! The `vouch` command line: the headless door to the engine.
//!
//! Exit codes (fixed, documented in the README):
//! 0 success; 1 the command ran and found failures (later: contract findings); 2 could not
//! start or load (bad arguments, unreadable or unusable input).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use vouch::inspect::Inspection;
use vouch::spec::{LoadOptions, Spec, SpecError};

/// Vouch: API client and contract tester.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load an OpenAPI/Swagger document and print its version, operations and problems.
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
struct InspectArgs {
    /// Path or http(s) URL of the spec (JSON or YAML).
    spec: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Resolve every operation: parameters, request bodies, responses, security, servers.
    #[arg(long)]
    full: bool,
    /// Seconds allowed for fetching a URL (and each referenced URL).
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Largest accepted document, in bytes.
    #[arg(long, default_value_t = LoadOptions::default().max_bytes)]
    max_bytes: u64,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("VOUCH_LOG"))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Engine errors carry their own title and hint; anything else is printed as is.
            match e.downcast_ref::<SpecError>() {
                Some(se) => eprintln!("error: {se}\n  hint: {}", se.hint()),
                None => eprintln!("error: {e:#}"),
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect(args),
    }
}

fn inspect(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let options = LoadOptions {
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_bytes,
        ..LoadOptions::default()
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let spec = runtime.block_on(Spec::load(&args.spec, &options))?;
    let report = Inspection::of(&spec, args.full);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => write_text(&mut out, &report)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn write_text(out: &mut impl Write, r: &Inspection) -> std::io::Result<()> {
    let kind = if r.openapi == "2.0" {
        "Swagger"
    } else {
        "OpenAPI"
    };
    writeln!(
        out,
        "{} {}",
        r.title,
        if r.version.is_empty() {
            String::new()
        } else {
            format!("(API version {})", r.version)
        }
    )?;
    let docs = if r.documents == 1 {
        "1 document".to_string()
    } else {
        format!("{} documents", r.documents)
    };
    writeln!(
        out,
        "{kind} {} · {docs} · {} · {} · {}",
        r.openapi,
        count(r.operations.len(), "operation"),
        count(r.webhooks.len(), "webhook"),
        count(r.problems.len(), "problem")
    )?;
    for (title, list) in [("Operations", &r.operations), ("Webhooks", &r.webhooks)] {
        if list.is_empty() {
            continue;
        }
        writeln!(out, "\n{title}")?;
        let width = list
            .iter()
            .map(|e| e.operation().path.len())
            .max()
            .unwrap_or(0)
            .min(60);
        for e in list {
            let o = e.operation();
            let summary = o
                .summary
                .as_deref()
                .map(|s| format!("  {s}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<7} {:<width$}  {}{}",
                o.method, o.path, o.id, summary
            )?;
        }
    }
    if !r.problems.is_empty() {
        let warnings = r.problems.len() - r.error_count();
        writeln!(
            out,
            "\nProblems ({}, {})",
            count(r.error_count(), "error"),
            count(warnings, "warning")
        )?;
        for p in &r.problems {
            let sev = match p.severity {
                vouch::spec::Severity::Error => "error",
                vouch::spec::Severity::Warning => "warning",
            };
            let file = p
                .file
                .as_deref()
                .map(|f| format!("{f} "))
                .unwrap_or_default();
            let pointer = if p.pointer.is_empty() {
                "(document)"
            } else {
                &p.pointer
            };
            writeln!(out, "  {sev:<7} {file}{pointer}\n          {}", p.message)?;
        }
    }
    Ok(())
}

fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `vouch inspect big.json | head` closes stdout early: not an error worth a message.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let pipe = Some(std::io::ErrorKind::BrokenPipe);
    e.downcast_ref::<std::io::Error>().map(std::io::Error::kind) == pipe
        || e.downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind)
            == pipe
}
