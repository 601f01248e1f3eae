//! `vouch import` and `vouch export`: the engine's import and export, printed.

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
