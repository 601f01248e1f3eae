//! The `vouch` command line: the headless door to the engine. Each command is a module that
//! turns typed arguments into one engine call and prints the result; nothing else.
//!
//! Exit codes (fixed, documented in the README): 0 success; 1 the command ran and found
//! failures (contract findings, failed or errored steps); 2 could not start, load, match or
//! send (bad arguments, unusable input, no matching operation, a dead server).

mod args;
mod check;
mod diff;
mod exchange;
mod fuzz;
mod info;
mod inspect;
mod load;
mod mock;
mod render;
mod report;
mod run;

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use vouch::Diagnostic;

/// Vouch: API client and contract tester.
#[derive(Debug, Parser)]
#[command(name = "vouch", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load an OpenAPI/Swagger document and print its version, operations and problems.
    Inspect(inspect::Args),
    /// Send one call to the operation METHOD + PATH matches and check it against the contract.
    Check(check::Args),
    /// Run a suite from the store (COLLECTION or COLLECTION/SUITE), a collection folder, or a
    /// smoke suite of every operation of --spec, checking every call; record the run and
    /// write reports.
    Run(run::Args),
    /// Import a collection: a Vouch folder, a Postman/Insomnia/HAR file, a cURL command line
    /// (file, or `-` for standard input), an OpenAPI spec (one request per operation), or a
    /// Postman environment.
    Import(exchange::ImportArgs),
    /// Export a collection from the store: a Vouch folder, a Postman v2.1 file, or one request
    /// as a cURL command line.
    Export(exchange::ExportArgs),
    /// Sync a collection with the folder it is linked to (imported or opened from): take what
    /// changed there, write what was saved here, report conflicts (exit 1 while any remain).
    /// With --spec: re-sync it with a new version of its spec, keeping every edit.
    Sync(exchange::SyncArgs),
    /// Send a run's steps under load (--rate calls/s, or --users looping them) for --duration,
    /// every response checked against the contract; latency percentiles, thresholds (exit 1
    /// when one is crossed), a JSON report.
    Load(load::Args),
    /// Generate requests from the spec (examples, boundary values, random and negative ones,
    /// create/read/update/delete sequences) and report what the service gets wrong: each
    /// failure shrunk, as a cURL line, savable as a regression request.
    Fuzz(fuzz::Args),
    /// Compare two versions of a spec: each change with its rule, level (breaking, warning,
    /// info), operation and pointers; exit 1 when one reaches --fail-on (default: breaking).
    Diff(diff::Args),
    /// Serve a mock of the spec's API: every operation routed, answers from the declared
    /// examples or generated from the schemas, requests checked against the contract.
    Mock(mock::Args),
    /// Reports: `vouch report merge` joins the JSON reports of a sharded run's parts.
    Report(report::Args),
    /// Where the store is, what seals its secrets, and this version.
    Info(info::Args),
}

/// Why a command stopped: an engine error (printed with its hint), or standard output gone.
#[derive(Debug)]
pub enum Failure {
    /// Any engine error.
    Engine(vouch::Error),
    /// Writing to standard output failed.
    Output(std::io::Error),
}

macro_rules! failure_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::Engine(e.into())
            }
        }
    )*};
}

failure_from!(
    vouch::Error,
    vouch::spec::SpecError,
    vouch::request::RequestError,
    vouch::store::StoreError,
    vouch::report::MergeError,
    vouch::load::LoadError,
    vouch::exchange::ExchangeError,
    vouch::call::CallError,
    vouch::run::RunError,
    vouch::Problem
);

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Output(e)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Failure::Output(e.into())
    }
}

/// What a command returns.
pub type Result<T> = std::result::Result<T, Failure>;

/// Parses the command line, runs the command, prints any error; the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(a) => inspect::run(a),
        Command::Check(a) => check::run(a),
        Command::Run(a) => run::run(a),
        Command::Import(a) => exchange::import(a),
        Command::Export(a) => exchange::export(a),
        Command::Sync(a) => exchange::sync(a),
        Command::Load(a) => load::run(a),
        Command::Fuzz(a) => fuzz::run(a),
        Command::Mock(a) => mock::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Report(a) => report::run(a),
        Command::Info(a) => info::run(a),
    };
    match result {
        Ok(code) => code,
        // `vouch inspect big.json | head` closes stdout early: not an error worth a message.
        Err(Failure::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(e)) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(2)
        }
        Err(Failure::Engine(e)) => {
            print_error(&e);
            ExitCode::from(2)
        }
    }
}

/// Prints any engine error the one way: `error: …` and `hint: …`.
pub fn print_error(e: &dyn Diagnostic) {
    let hint = e.hint();
    if hint.is_empty() {
        eprintln!("error: {e}");
    } else {
        eprintln!("error: {e}\n  hint: {hint}");
    }
}

/// A runtime for one command (`threads`: a multi-threaded one, for concurrent runs).
fn runtime(threads: bool) -> Result<tokio::runtime::Runtime> {
    let mut b = if threads {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    Ok(b.enable_all().build()?)
}
