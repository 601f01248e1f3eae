//! `vouch inspect SPEC`: load a spec and print its operations and problems.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use vouch::inspect::Inspection;
use vouch::spec::{LoadOptions, Spec};

use super::args::Format;

/// `vouch inspect` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
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
    #[command(flatten)]
    allow: super::args::AllowOrigin,
}

/// Runs `vouch inspect`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let options = LoadOptions {
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_bytes,
        ..args.allow.load_options()
    };
    let spec = super::runtime(false)?.block_on(Spec::load(&args.spec, &options))?;
    let report = Inspection::of(&spec, args.full);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => super::render::inspection(&mut out, &report)?,
    }
    Ok(ExitCode::SUCCESS)
}
