//! `vouch diff OLD NEW`: the changes between two versions of a spec, by level; exit 1 when
//! one reaches `--fail-on`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use vouch::diff::{self, Level};
use vouch::spec::LoadOptions;

use super::args::DataDir;

/// Output of `vouch diff`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum DiffFormat {
    Text,
    Json,
    Markdown,
}

/// The level from which `vouch diff` exits 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Warning,
    None,
}

/// `vouch diff` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// OLD NEW: each a path, an http(s) URL, or a stored collection's name (the spec it was
    /// last synced with). With --collection, NEW alone compares the collection's spec with it.
    #[arg(num_args = 1..=2, required = true, value_names = ["OLD", "NEW"])]
    specs: Vec<String>,
    /// Also list the saved requests, assertions, extractions and suites of this collection
    /// that each change breaks or touches.
    #[arg(long)]
    collection: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    format: DiffFormat,
    /// Exit 1 when a change of this level (or worse) is found.
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    fail_on: FailOn,
    /// Seconds allowed for fetching a URL.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    #[command(flatten)]
    allow: super::args::AllowOrigin,
    #[command(flatten)]
    data: DataDir,
}

/// Runs `vouch diff`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let options = LoadOptions {
        timeout: Duration::from_secs(args.timeout.max(1)),
        ..args.allow.load_options()
    };
    let (old_name, new_name) = match (&args.specs[..], &args.collection) {
        ([old, new], _) => (old.clone(), new.clone()),
        ([new], Some(c)) => (c.clone(), new.clone()),
        _ => {
            return Err(vouch::Problem {
                kind: "usage".into(),
                message: "vouch diff needs OLD and NEW (or --collection NAME and NEW)".into(),
                hint: "vouch diff old.json new.json, or vouch diff --collection demo new.json"
                    .into(),
            }
            .into())
        }
    };
    // The store is opened only when a side names no file or URL, or for --collection.
    let needs_store = args.collection.is_some()
        || [&old_name, &new_name]
            .iter()
            .any(|s| !diff::is_file_or_url(s));
    let store = if needs_store {
        Some(args.data.open()?)
    } else {
        None
    };
    let rt = super::runtime(false)?;
    let old = rt.block_on(diff::load_side(&old_name, store.as_ref(), &options))?;
    let new = rt.block_on(diff::load_side(&new_name, store.as_ref(), &options))?;
    let d = diff::diff(&old, &new);
    let impact = match (&args.collection, &store) {
        (Some(name), Some(store)) => Some(diff::impact_on(store, name, &d, &old)?),
        _ => None,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match args.format {
        DiffFormat::Json => {
            let mut v = serde_json::to_value(&d)?;
            if let Some(i) = &impact {
                v["impact"] = serde_json::to_value(i)?;
            }
            serde_json::to_writer_pretty(&mut out, &v)?;
            writeln!(out)?;
        }
        DiffFormat::Text => {
            write!(out, "{}", diff::text(&d, &old_name, &new_name))?;
            if let Some(i) = &impact {
                write!(out, "{}", diff::impact_text(i))?;
            }
        }
        DiffFormat::Markdown => {
            write!(out, "{}", diff::markdown(&d, &old_name, &new_name))?;
            if let Some(i) = &impact {
                write!(out, "{}", diff::impact_markdown(i))?;
            }
        }
    }
    out.flush()?;
    let fails = match (args.fail_on, d.worst()) {
        (FailOn::None, _) | (_, None) => false,
        (FailOn::Breaking, Some(l)) => l == Level::Breaking,
        (FailOn::Warning, Some(l)) => l <= Level::Warning,
    };
    Ok(if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
