//! The `vouch` command line: the headless door to the engine.
//!
//! Exit codes (fixed, documented in the README):
//! 0 success (for `check`: no finding); 1 the command ran and found failures (contract
//! findings); 2 could not start, load, match or send (bad arguments, unreadable or unusable
//! input, no matching operation, a dead server).

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use vouch::check::{check_call, Call, CheckError, CheckReport};
use vouch::contract::Contract;
use vouch::inspect::Inspection;
use vouch::request::{Body, Environment, RequestError, SendOptions, Session};
use vouch::spec::{LoadOptions, Spec, SpecError};

// glibc's allocator is the largest cost of checking many small bodies across threads
// (benches/suite_throughput.rs); mimalloc is markedly faster there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Send one call to the operation METHOD + PATH matches and check it against the contract.
    Check(CheckArgs),
    /// Run a suite from the store (COLLECTION or COLLECTION/SUITE), or a smoke suite of every
    /// operation of --spec, checking every call; record the run and write reports.
    Run(RunArgs),
    /// Import a collection: a Vouch folder, a Postman/Insomnia/HAR file, a cURL command line
    /// (file, or `-` for standard input), or an OpenAPI spec (one request per operation).
    Import(ImportArgs),
    /// Export a collection from the store: a Vouch folder, a Postman v2.1 file, or one request
    /// as a cURL command line.
    Export(ExportArgs),
}

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

#[derive(Debug, clap::Args)]
struct ImportArgs {
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
    /// Where vouch.db lives (default: VOUCH_DATA_DIR, else the OS data directory).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportFormat {
    Vouch,
    Postman,
    Curl,
}

#[derive(Debug, clap::Args)]
struct ExportArgs {
    /// The collection's name in the store.
    name: String,
    /// Target: a folder (vouch) or a file (postman); omitted for curl (standard output).
    #[arg(long)]
    to: Option<std::path::PathBuf>,
    /// What to write.
    #[arg(long, value_enum, default_value_t = ExportFormat::Vouch)]
    format: ExportFormat,
    /// With --format curl: the request (its name, or folder/name).
    #[arg(long)]
    request: Option<String>,
    /// Write even if values look like credentials.
    #[arg(long)]
    force: bool,
    /// Where vouch.db lives (default: VOUCH_DATA_DIR, else the OS data directory).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// COLLECTION or COLLECTION/SUITE in the store; omit it with --spec for a smoke suite.
    target: Option<String>,
    /// The spec (path or URL); default: the collection's linked spec.
    #[arg(long)]
    spec: Option<String>,
    /// Base URL for every call.
    #[arg(long)]
    base_url: Option<String>,
    /// Environment: a YAML/JSON file, or the name of one in the store.
    #[arg(long)]
    env: Option<String>,
    /// A variable, k=v (repeatable; overrides the environment).
    #[arg(long = "var")]
    vars: Vec<String>,
    /// Calls in flight at once (chained suites always run in order).
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    /// Where vouch.db lives (default: VOUCH_DATA_DIR, else the OS data directory).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// A report to write: junit:FILE, json:FILE or html:FILE (repeatable).
    #[arg(long = "report")]
    reports: Vec<String>,
    /// Seconds allowed for each call.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Path or http(s) URL of the spec (JSON or YAML).
    spec: String,
    /// HTTP method (GET, POST…).
    method: String,
    /// Concrete path, e.g. /items/13 or '/items?limit=5'.
    path: String,
    /// Base URL of the service (default: the spec's first server, or where the spec was fetched from).
    #[arg(long)]
    base_url: Option<String>,
    /// A request header, 'Name: value' (repeatable).
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// A query pair, k=v (repeatable).
    #[arg(long)]
    query: Vec<String>,
    /// Request body: JSON text, or @FILE.
    #[arg(long)]
    body: Option<String>,
    /// Environment file (YAML/JSON): variables and credentials per security scheme.
    #[arg(long)]
    env: Option<std::path::PathBuf>,
    /// A variable, k=v (repeatable; overrides the environment).
    #[arg(long = "var")]
    vars: Vec<String>,
    /// Do not verify TLS certificates.
    #[arg(long)]
    insecure: bool,
    /// Seconds allowed for the whole call.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Where the store (and so the history of calls) lives (default: VOUCH_DATA_DIR, else
    /// the OS data directory).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// Do not add the call to the history.
    #[arg(long)]
    no_history: bool,
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
            if let Some(se) = e.downcast_ref::<SpecError>() {
                eprintln!("error: {se}\n  hint: {}", se.hint());
            } else if let Some(ce) = e.downcast_ref::<CheckError>() {
                eprintln!("error: {ce}\n  hint: {}", ce.hint());
            } else if let Some(st) = e.downcast_ref::<vouch::store::StoreError>() {
                eprintln!("error: {st}\n  hint: {}", st.hint());
            } else if let Some(re) = e.downcast_ref::<RequestError>() {
                eprintln!("error: {re}\n  hint: {}", re.hint());
            } else if let Some(xe) = e.downcast_ref::<vouch::exchange::ExchangeError>() {
                eprintln!("error: {xe}\n  hint: {}", xe.hint());
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inspect(args) => inspect(args),
        Command::Check(args) => check(args),
        Command::Run(args) => run_suite(args),
        Command::Import(args) => import(args),
        Command::Export(args) => export(args),
    }
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    use vouch::exchange::{self, Source};
    let from = match args.from {
        ImportFrom::Auto => Source::Auto,
        ImportFrom::Vouch => Source::Vouch,
        ImportFrom::Postman => Source::Postman,
        ImportFrom::Insomnia => Source::Insomnia,
        ImportFrom::Har => Source::Har,
        ImportFrom::Curl => Source::Curl,
        ImportFrom::Openapi => Source::Auto,
    };
    if let Some(env) = postman_environment_file(&args.source)? {
        return import_environment(env, &args);
    }
    let mut bundle = if matches!(args.from, ImportFrom::Openapi) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let spec = runtime.block_on(Spec::load(&args.source, &LoadOptions::default()))?;
        let bytes = if args.source.contains("://") {
            None
        } else {
            Some(std::fs::read(&args.source)?)
        };
        exchange::from_spec(&spec, &args.source, bytes)
    } else if args.source == "-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(
            &mut std::io::Read::take(std::io::stdin(), exchange::MAX_IMPORT_BYTES + 1),
            &mut bytes,
        )?;
        exchange::import_bytes(&bytes, "standard input", from)?
    } else {
        exchange::import_path(std::path::Path::new(&args.source), from)?
    };
    if let Some(n) = &args.name {
        bundle.name = n.clone();
    }
    let lifted = exchange::secrets::lift(&mut bundle);
    let mut store = vouch::store::Store::open_default(args.data_dir.as_deref())?;
    let collection = exchange::into_store(&mut store, &bundle, args.replace)?;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::json!({"collection": collection.name, "requests": bundle.requests.len()})
        )?,
        Format::Text => {
            writeln!(
                out,
                "imported `{}`: {} request(s), {} folder(s), {} suite(s), {} environment(s)",
                collection.name,
                bundle.requests.len(),
                bundle.folders.len(),
                bundle.suites.len(),
                bundle.environments.len()
            )?;
            if lifted > 0 {
                writeln!(
                    out,
                    "{lifted} credential(s) moved into secret variables of environment `{}`",
                    exchange::secrets::IMPORTED_ENVIRONMENT
                )?;
            }
            for w in &bundle.warnings {
                writeln!(out, "warning: {w}")?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A Postman environment export (`values` + `_postman_variable_scope`), if SOURCE is one.
fn postman_environment_file(source: &str) -> anyhow::Result<Option<Environment>> {
    let path = std::path::Path::new(source);
    if !path.is_file()
        || std::fs::metadata(path)?.len() > vouch::exchange::MAX_IMPORT_BYTES
        || !source.ends_with(".json")
    {
        return Ok(None);
    }
    let Ok(doc) = vouch::spec::parse_document(&std::fs::read(path)?, source) else {
        return Ok(None);
    };
    if doc.get("values").is_none() || doc.get("item").is_some() {
        return Ok(None);
    }
    Ok(Some(vouch::exchange::postman_environment(&doc, source)?))
}

fn import_environment(mut env: Environment, args: &ImportArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = &args.name {
        env.name = n.clone();
    }
    vouch::exchange::secrets::mark(&mut env);
    let mut store = vouch::store::Store::open_default(args.data_dir.as_deref())?;
    let collection_id = match &args.collection {
        Some(c) => Some(store.collection(c)?.id),
        None => None,
    };
    if !args.replace && store.environment(collection_id, &env.name).is_ok() {
        anyhow::bail!(
            "an environment named `{}` already exists (--replace to overwrite it)",
            env.name
        );
    }
    store.save_environment(collection_id, &env)?;
    let secret = env.variables.values().filter(|v| v.secret).count();
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::json!({"environment": env.name, "variables": env.variables.len(), "secret": secret})
        ),
        Format::Text => println!(
            "imported environment `{}`: {} variable(s), {secret} secret",
            env.name,
            env.variables.len()
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    use vouch::exchange;
    let store = vouch::store::Store::open_default(args.data_dir.as_deref())?;
    let bundle = exchange::from_store(&store, &args.name)?;
    match args.format {
        ExportFormat::Vouch => {
            let to = args.to.context("--to DIR is needed: the folder to write")?;
            let files = exchange::write_folder(&bundle, &to, args.force)?;
            println!(
                "exported `{}` to {} ({} files)",
                bundle.name,
                to.display(),
                files.len()
            );
        }
        ExportFormat::Postman => {
            let to = args
                .to
                .context("--to FILE is needed: the Postman collection to write")?;
            let text = serde_json::to_string_pretty(&exchange::to_postman(&bundle))?;
            let found = exchange::secrets::scan(&text);
            if !found.is_empty() && !args.force {
                return Err(exchange::ExchangeError::Secrets { found }.into());
            }
            std::fs::write(&to, text + "\n")
                .with_context(|| format!("cannot write {}", to.display()))?;
            println!(
                "exported `{}` to {} (Postman v2.1)",
                bundle.name,
                to.display()
            );
        }
        ExportFormat::Curl => {
            let want = args
                .request
                .context("--request NAME is needed with --format curl")?;
            let r = bundle
                .requests
                .iter()
                .find(|r| r.name == want || r.key() == want)
                .with_context(|| format!("collection `{}` has no request `{want}`", bundle.name))?;
            let text = exchange::to_curl(r);
            let found = exchange::secrets::scan(&text);
            if !found.is_empty() && !args.force {
                return Err(exchange::ExchangeError::Secrets { found }.into());
            }
            println!("{text}");
        }
    }
    Ok(ExitCode::SUCCESS)
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

/// `--var k=v` flags, over the environment's own values.
fn set_vars(env: &mut Environment, vars: &[String]) -> anyhow::Result<()> {
    for v in vars {
        let (k, val) = v
            .split_once('=')
            .with_context(|| format!("--var `{v}` is not k=v"))?;
        env.set(k, val);
    }
    Ok(())
}

fn check(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let mut env = match &args.env {
        Some(path) => Environment::from_file(path)?,
        None => Environment::default(),
    };
    set_vars(&mut env, &args.vars)?;
    let mut headers = Vec::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .with_context(|| format!("-H `{h}` is not 'Name: value'"))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let mut query = Vec::new();
    for q in &args.query {
        let (k, v) = q.split_once('=').unwrap_or((q.as_str(), ""));
        query.push((k.to_string(), v.to_string()));
    }
    let body = match &args.body {
        None => None,
        Some(b) => {
            let text = match b.strip_prefix('@') {
                Some(file) => std::fs::read_to_string(file)
                    .with_context(|| format!("cannot read the body file {file}"))?,
                None => b.clone(),
            };
            // Not JSON? Sent as it is: a deliberately broken body is a valid negative test.
            Some(match serde_json::from_str(&text) {
                Ok(v) => Body::Json(v),
                Err(_) => Body::Text {
                    content_type: "application/json".into(),
                    text,
                },
            })
        }
    };
    let timeout = Duration::from_secs_f64(args.timeout.clamp(0.001, 86_400.0));
    let call = Call {
        method: args.method.to_ascii_uppercase(),
        path: args.path.clone(),
        base_url: args.base_url.clone(),
        headers,
        query,
        body,
        send: SendOptions {
            timeout,
            connect_timeout: timeout.min(Duration::from_secs(10)),
            insecure: args.insecure,
            ..SendOptions::default()
        },
        cancel: None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(async {
        let spec = Spec::load(&args.spec, &LoadOptions::default()).await?;
        let contract = Contract::new(std::sync::Arc::new(spec));
        let session = Session::new();
        anyhow::Ok(check_call(&contract, &session, &call, &env).await?)
    })?;
    if !args.no_history {
        // History is a convenience: a store that cannot be opened does not fail the check.
        let recorded = vouch::store::Store::open_default(args.data_dir.as_deref())
            .and_then(|mut store| store.add_history(&report.history_entry()));
        if let Err(e) = recorded {
            eprintln!(
                "warning: the call was not added to the history: {e}\nhint: {}",
                e.hint()
            );
        }
    }
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => write_check_text(&mut out, &report)?,
    }
    Ok(if report.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_suite(args: RunArgs) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;
    use vouch::report::RunReport;
    use vouch::store::{RunStatus, Store};
    use vouch::suite::{self, Event, RunOptions};

    let mut reports = Vec::new();
    for r in &args.reports {
        match r.split_once(':') {
            Some((kind @ ("junit" | "json" | "html"), file)) if !file.is_empty() => {
                reports.push((kind.to_string(), std::path::PathBuf::from(file)))
            }
            _ => anyhow::bail!("--report `{r}` is not junit:FILE, json:FILE or html:FILE"),
        }
    }
    let mut store = Store::open_default(args.data_dir.as_deref())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let load = |source: &str| runtime.block_on(Spec::load(source, &LoadOptions::default()));
    let mut folder_env = None;
    let (name, spec, mut steps, collection_id, suite_id) = match (&args.target, &args.spec) {
        (Some(target), spec_arg) => {
            // An exported folder (or one of its suites/*.yaml) runs from a scratch store.
            let path = std::path::Path::new(target);
            let (folder, suite_name) = if path.is_dir() {
                (Some(path.to_path_buf()), None)
            } else if path.is_file()
                && path
                    .parent()
                    .and_then(|p| p.file_name())
                    .is_some_and(|n| n == "suites")
            {
                let suite: vouch::exchange::BundleSuite = serde_json::from_value(
                    vouch::spec::parse_document(&std::fs::read(path)?, target)?,
                )
                .with_context(|| format!("{target} is not a suite file"))?;
                (
                    path.parent()
                        .and_then(|p| p.parent())
                        .map(std::path::Path::to_path_buf),
                    Some(suite.name),
                )
            } else {
                (None, None)
            };
            let scratch = tempfile::tempdir().context("cannot create a scratch folder")?;
            let mut scratch_store;
            let (source, target): (&vouch::store::Store, String) = match &folder {
                Some(dir) => {
                    let bundle = vouch::exchange::read_folder(dir)?;
                    scratch_store = vouch::store::Store::open(scratch.path())?;
                    vouch::exchange::into_store(&mut scratch_store, &bundle, false)?;
                    let t = match suite_name {
                        Some(s) => format!("{}/{s}", bundle.name),
                        None => bundle.name.clone(),
                    };
                    (&scratch_store, t)
                }
                None => (&store, target.clone()),
            };
            let t = suite::from_store(source, &target)?;
            let from_folder = folder.is_some();
            if from_folder {
                if let Some(e) = args
                    .env
                    .as_ref()
                    .filter(|e| !std::path::Path::new(e).exists())
                {
                    folder_env = source.environment(Some(t.collection.id), e).ok();
                }
            }
            let spec = match (
                spec_arg,
                source.spec_copy(t.collection.id)?,
                &t.collection.spec_source,
            ) {
                (Some(s), _, _) => load(s)?,
                (None, Some(bytes), source) => {
                    Spec::from_bytes(&bytes, source.as_deref(), &LoadOptions::default())?
                }
                (None, None, Some(source)) => load(source)?,
                (None, None, None) => anyhow::bail!(
                    "collection `{}` has no linked spec: pass --spec",
                    t.collection.name
                ),
            };
            if from_folder {
                (t.name, spec, t.steps, None, None)
            } else {
                (t.name, spec, t.steps, Some(t.collection.id), t.suite_id)
            }
        }
        (None, Some(s)) => {
            let spec = load(s)?;
            let steps = suite::smoke(&spec);
            (format!("smoke: {s}"), spec, steps, None, None)
        }
        (None, None) => anyhow::bail!(
            "name a suite (COLLECTION or COLLECTION/SUITE) or pass --spec for a smoke suite"
        ),
    };
    let mut env = match &args.env {
        Some(_) if folder_env.is_some() => folder_env.take().expect("checked"),
        Some(e) if std::path::Path::new(e).exists() => {
            Environment::from_file(std::path::Path::new(e))?
        }
        Some(e) => match store.environment(collection_id, e) {
            Ok(env) => env,
            Err(_) => store.environment(None, e)?,
        },
        None => Environment::default(),
    };
    set_vars(&mut env, &args.vars)?;
    if let Some(b) = &args.base_url {
        for s in &mut steps {
            s.draft.base_url = Some(b.clone());
        }
    }
    let timeout = Duration::from_secs_f64(args.timeout.clamp(0.001, 86_400.0));
    // Ctrl+C stops the run cleanly: the step in flight is dropped, the rest are skipped, and
    // the run is recorded as cancelled.
    let cancel = tokio_util::sync::CancellationToken::new();
    let on_interrupt = cancel.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    let options = RunOptions {
        send: SendOptions {
            timeout,
            connect_timeout: timeout.min(Duration::from_secs(10)),
            ..SendOptions::default()
        },
        cancel: Some(cancel.clone()),
        concurrency: args.concurrency.max(1),
    };
    let env_name = args.env.as_ref().map(|_| env.name.clone());
    let run_id = store.start_run(collection_id, suite_id, &name, env_name.as_deref())?;
    let contract = Contract::new(std::sync::Arc::new(spec));
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(steps.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let total = steps.len();
    let mut results = Vec::new();
    let mut store_error = None;
    let summary = runtime.block_on(suite::run(
        &contract,
        &steps,
        &env,
        &options,
        |e| {
            if let Event::StepFinished {
                name,
                outcome,
                summary,
                ..
            } = e
            {
                let done = summary.passed + summary.failed + summary.errors + summary.skipped;
                let outcome = format!("{outcome:?}").to_lowercase();
                match &bar {
                    Some(b) => {
                        b.set_position(done as u64);
                        b.set_message(format!("{outcome} {name}"));
                    }
                    None => eprintln!("[{done}/{total}] {outcome} {name}"),
                }
            }
        },
        |r| {
            if let Err(e) = store.record_step(run_id, &r.record(suite::STORED_BODY_CAP)) {
                store_error.get_or_insert(e);
            }
            results.push(r.clone());
        },
    ));
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = store_error {
        return Err(e.into());
    }
    results.sort_by_key(|r| r.seq);
    let coverage = suite::coverage(contract.spec(), &results);
    let status = if cancel.is_cancelled() {
        RunStatus::Cancelled
    } else if summary.failed + summary.errors == 0 {
        RunStatus::Passed
    } else {
        RunStatus::Failed
    };
    store.finish_run(
        run_id,
        status,
        &serde_json::json!({"summary": summary, "coverage": {"operations": coverage.operations, "exercised": coverage.exercised,
            "responses_declared": coverage.responses_declared, "responses_seen": coverage.responses_seen}}),
    )?;
    let report = RunReport {
        name,
        summary,
        results,
        coverage,
    };
    for (kind, file) in &reports {
        let text = match kind.as_str() {
            "junit" => report.junit(Some(contract.spec())),
            "json" => report.json(),
            _ => report.html(Some(contract.spec())),
        };
        std::fs::write(file, text)
            .with_context(|| format!("cannot write the {kind} report to {}", file.display()))?;
    }
    let mut out = std::io::stdout().lock();
    for r in report.results.iter().filter(|r| !r.reasons().is_empty()) {
        writeln!(
            out,
            "{:<8} {}",
            format!("{:?}", r.outcome).to_lowercase(),
            r.title(Some(contract.spec()))
        )?;
        for reason in r.reasons() {
            writeln!(out, "         {reason}")?;
        }
    }
    let c = &report.coverage;
    writeln!(
        out,
        "{}: {} passed, {} failed, {} ({} of {} operations, {} of {} declared responses; run #{run_id} in {})",
        count(summary.total, "step"),
        summary.passed,
        summary.failed,
        count(summary.errors, "error"),
        c.exercised,
        c.operations,
        c.responses_seen,
        c.responses_declared,
        store.path().display()
    )?;
    if cancel.is_cancelled() {
        writeln!(out, "cancelled: {} not run", count(summary.skipped, "step"))?;
        return Ok(ExitCode::from(1));
    }
    Ok(if summary.failed + summary.errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_check_text(out: &mut impl Write, r: &CheckReport) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {}  ({})",
        r.request.method, r.request.url, r.request.operation
    )?;
    writeln!(
        out,
        "{} · {} · {} ms · {}",
        r.response.status,
        r.response
            .content_type
            .as_deref()
            .unwrap_or("no content type"),
        r.response.elapsed_ms,
        count(r.response.size as usize, "byte")
    )?;
    if r.findings.is_empty() {
        writeln!(out, "ok: the exchange honours the contract")?;
    } else {
        writeln!(out, "{}:", count(r.findings.len(), "finding"))?;
        for f in &r.findings {
            writeln!(out, "  {:<12} {}", f.kind.as_str(), f.message)?;
            if !f.schema_path.is_empty() {
                writeln!(out, "  {:<12} schema: {}", "", f.schema_path)?;
            }
        }
    }
    for n in &r.notes {
        writeln!(out, "note: {n}")?;
    }
    Ok(())
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
