//! `vouch import`, `vouch export` and `vouch sync`: the engine's import, export and folder
//! sync, printed.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use vouch::exchange::{self, ExportTo, Exported, ImportOptions, Input, Source};

use super::args::{DataDir, Format};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ImportFrom {
    Auto,
    Vouch,
    Postman,
    Insomnia,
    Har,
    Curl,
    Openapi,
}

/// `vouch import` arguments.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// A folder or file (`-`: standard input).
    source: String,
    /// What SOURCE is.
    #[arg(long, value_enum, default_value_t = ImportFrom::Auto)]
    from: ImportFrom,
    /// Replace a collection of the same name.
    #[arg(long)]
    replace: bool,
    /// Import under this name instead of the source's.
    #[arg(long)]
    name: Option<String>,
    /// For a Postman environment file: the collection it belongs to (default: global).
    #[arg(long)]
    collection: Option<String>,
    #[command(flatten)]
    data: DataDir,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Runs `vouch import`.
pub fn import(a: ImportArgs) -> super::Result<ExitCode> {
    let from = match a.from {
        ImportFrom::Auto => Source::Auto,
        ImportFrom::Openapi => Source::OpenApi,
        ImportFrom::Vouch => Source::Vouch,
        ImportFrom::Postman => Source::Postman,
        ImportFrom::Insomnia => Source::Insomnia,
        ImportFrom::Har => Source::Har,
        ImportFrom::Curl => Source::Curl,
    };
    let input = if a.source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(exchange::MAX_IMPORT_BYTES + 1)
            .read_to_end(&mut bytes)?;
        Input::Bytes {
            bytes,
            name: "standard input".into(),
        }
    } else {
        Input::Path(PathBuf::from(&a.source))
    };
    let options = ImportOptions {
        from,
        replace: a.replace,
        name: a.name.clone(),
        collection: a.collection.clone(),
    };
    let mut store = a.data.open()?;
    let imported =
        super::runtime(false)?.block_on(exchange::import(&mut store, &input, &options))?;
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => writeln!(out, "{}", super::render::imported_json(&imported))?,
        Format::Text => super::render::imported(&mut out, &imported)?,
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Vouch,
    Postman,
    Curl,
}

/// `vouch export` arguments.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The collection's name in the store.
    name: String,
    /// Target: a folder (vouch) or a file (postman); omitted for curl (standard output).
    #[arg(long, required_if_eq_any = [("format", "vouch"), ("format", "postman")])]
    to: Option<PathBuf>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = ExportFormat::Vouch)]
    format: ExportFormat,
    /// With --format curl: the request (its name, or folder/name).
    #[arg(long, required_if_eq("format", "curl"))]
    request: Option<String>,
    /// Write even if values look like credentials.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    data: DataDir,
}

/// Runs `vouch export`.
pub fn export(a: ExportArgs) -> super::Result<ExitCode> {
    let store = a.data.open()?;
    let path = a.to.clone().unwrap_or_default();
    let to = match a.format {
        ExportFormat::Vouch => ExportTo::Folder(path.clone()),
        ExportFormat::Postman => ExportTo::Postman(path.clone()),
        ExportFormat::Curl => ExportTo::Curl(a.request.clone().unwrap_or_default()),
    };
    match exchange::export(&store, &a.name, &to, a.force)? {
        Exported::Curl(text) => println!("{text}"),
        Exported::Files(files) => match a.format {
            ExportFormat::Postman => {
                println!("exported `{}` to {} (Postman v2.1)", a.name, path.display())
            }
            _ => println!(
                "exported `{}` to {} ({} files)",
                a.name,
                path.display(),
                files.len()
            ),
        },
    }
    Ok(ExitCode::SUCCESS)
}

/// `vouch sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The collection (linked to a folder by `vouch import FOLDER` or by opening it in the app).
    collection: String,
    /// Keep this machine's version of a conflicting entity (`request:items/Create item`),
    /// writing it to the folder.
    #[arg(long, value_name = "KEY", conflicts_with = "keep_theirs")]
    keep_mine: Option<String>,
    /// Keep the folder's version of a conflicting entity (this machine's goes to the trash).
    #[arg(long, value_name = "KEY")]
    keep_theirs: Option<String>,
    /// Re-sync with a new version of the collection's spec instead (a path or URL; without
    /// one, where the collection's spec came from): new operations added, removed ones moved
    /// to "Removed from spec", each request's fields merged three ways, the user's edits kept.
    #[arg(long, value_name = "NEW", num_args = 0..=1, default_missing_value = "", conflicts_with_all = ["keep_mine", "keep_theirs"])]
    spec: Option<String>,
    /// With --spec: show what would change, change nothing.
    #[arg(long, requires = "spec")]
    dry_run: bool,
    /// With --spec: resolve fields both the user and the spec changed with this side
    /// (without it, a re-sync with conflicts changes nothing and lists them).
    #[arg(long, value_enum, requires = "spec")]
    take: Option<TakeSide>,
    #[command(flatten)]
    data: DataDir,
}

/// The side `vouch sync --spec --take` keeps.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum TakeSide {
    /// The saved request's value.
    Ours,
    /// The new spec's value.
    Theirs,
}

/// `vouch sync COLLECTION --spec [NEW]`: the three-way re-sync, printed; exit 1 while
/// conflicts remain unresolved.
fn resync(a: &SyncArgs, new: &str) -> super::Result<ExitCode> {
    use vouch::diff::{self, Take};
    use vouch::spec::{LoadOptions, Spec};
    let mut store = a.data.open()?;
    let source = if new.is_empty() {
        let c = store.collection(&a.collection)?;
        c.spec_source.ok_or_else(|| vouch::Problem {
            kind: "no-spec".into(),
            message: format!(
                "collection `{}` does not say where its spec comes from",
                a.collection
            ),
            hint: "give the new spec: vouch sync COLLECTION --spec PATH-OR-URL".into(),
        })?
    } else {
        new.to_string()
    };
    let rt = super::runtime(false)?;
    let options = LoadOptions::default();
    let (spec, bytes) = rt.block_on(Spec::load_with_bytes(&source, &options))?;
    let take = match a.take {
        None => Take::Neither,
        Some(TakeSide::Ours) => Take::Ours,
        Some(TakeSide::Theirs) => Take::Theirs,
    };
    let new = diff::NewSpec {
        spec: &spec,
        source: &source,
        bytes: &bytes,
    };
    let base = diff::kept_spec(&store, &a.collection)?;
    let r = diff::resync(&mut store, &a.collection, &base, new, a.dry_run, take)?;
    let mut out = std::io::stdout().lock();
    let verb = if r.applied {
        "re-synced"
    } else {
        "would re-sync"
    };
    writeln!(out, "{verb} `{}` with {source}", a.collection)?;
    for n in &r.added {
        writeln!(out, "  added: {n}")?;
    }
    for n in &r.removed {
        writeln!(out, "  moved to \"{}\": {n}", diff::REMOVED_FOLDER)?;
    }
    for n in &r.restored {
        writeln!(out, "  back from \"{}\": {n}", diff::REMOVED_FOLDER)?;
    }
    for (n, fields) in &r.updated {
        writeln!(out, "  updated from the spec: {n}: {}", fields.join(", "))?;
    }
    for (n, fields) in &r.kept {
        writeln!(out, "  your edits kept: {n}: {}", fields.join(", "))?;
    }
    for c in &r.conflicts {
        writeln!(
            out,
            "  conflict: {} {}: was {}, yours {}, the spec's {}",
            c.request, c.field, c.base, c.ours, c.theirs
        )?;
    }
    if let Some(dir) = &r.folder {
        writeln!(out, "  the linked folder {dir} was synced too")?;
    }
    if !r.conflicts.is_empty() && !r.applied && !a.dry_run {
        writeln!(out, "hint: nothing was changed; choose a side for the conflicts with --take ours or --take theirs")?;
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Syncs a linked collection with its folder and prints what that did.
pub fn sync(a: SyncArgs) -> super::Result<ExitCode> {
    use vouch::exchange::link;
    if let Some(new) = &a.spec {
        return resync(&a, new);
    }
    let mut store = a.data.open()?;
    let report = match (&a.keep_mine, &a.keep_theirs) {
        (Some(key), _) => link::resolve(&mut store, &a.collection, key, link::Keep::Mine)?,
        (_, Some(key)) => link::resolve(&mut store, &a.collection, key, link::Keep::Theirs)?,
        _ => link::sync(&mut store, &a.collection)?,
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} ↔ {}", report.collection, report.dir)?;
    for (what, keys) in [
        ("written to the folder", &report.written),
        ("taken from the folder", &report.taken),
        ("removed from the folder", &report.removed),
        ("removed in the folder, moved to the trash", &report.trashed),
        ("held back", &report.held),
    ] {
        for k in keys {
            writeln!(out, "  {what}: {k}")?;
        }
    }
    for c in &report.conflicts {
        writeln!(out, "  conflict: {}: {}", c.key, c.detail)?;
    }
    if report.conflicts.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "hint: keep one side with --keep-mine KEY or --keep-theirs KEY (the other is kept: git history or the trash)"
    )?;
    Ok(ExitCode::from(1))
}
