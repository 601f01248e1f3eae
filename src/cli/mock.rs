//! `vouch mock SPEC`: serve a mock of the spec's API, logging every request served.

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use vouch::contract::{Contract, Direction};
use vouch::mock::{Listening, Mock, MockOptions, Served, Values};
use vouch::spec::Spec;

/// `vouch mock` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Path or http(s) URL of the spec (JSON or YAML).
    spec: String,
    /// Port to listen on (0: any free port; the one chosen is printed).
    #[arg(long, default_value_t = 4010)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Answer every request as declared, without checking it against the contract.
    #[arg(long)]
    no_validate: bool,
    /// Varied values drawn from this seed: the same request gets the same answer, run after
    /// run (default: the declared example, else the smallest valid value).
    #[arg(long, conflicts_with = "dynamic")]
    seed: Option<u64>,
    /// A fresh value for every call.
    #[arg(long)]
    dynamic: bool,
    /// Wait this many milliseconds before each answer.
    #[arg(long, value_name = "MS")]
    latency: Option<u64>,
    /// Answer CORS preflights and let any origin read the answers (a web app calling the
    /// mock from a browser).
    #[arg(long)]
    cors: bool,
    /// Environment (a name in the store, else a YAML/JSON file): requests must carry its
    /// credentials (others get 401), its variables fill the servers' `{variables}`.
    #[arg(long)]
    env: Option<String>,
    #[command(flatten)]
    data: super::args::DataDir,
    /// Keep what POSTs create: GET, PUT, PATCH and DELETE on the item path read, replace,
    /// merge and delete it (`POST /__vouch/reset` empties it).
    #[arg(long)]
    stateful: bool,
    #[command(flatten)]
    allow: super::args::AllowOrigin,
}

/// Runs `vouch mock` until Ctrl+C.
pub fn run(a: Args) -> super::Result<ExitCode> {
    let runtime = super::runtime(true)?;
    let spec = runtime.block_on(Spec::load(&a.spec, &a.allow.load_options()))?;
    let env = match &a.env {
        Some(e) => {
            let env = vouch::run::named_environment(&a.data.open()?, None, e)?;
            vouch::request::check_schemes(&spec, &env)?;
            Some(env)
        }
        None => None,
    };
    let mock = Arc::new(Mock::new(
        Arc::new(Contract::new(Arc::new(spec))),
        MockOptions {
            validate: !a.no_validate,
            values: match (a.seed, a.dynamic) {
                (Some(n), _) => Values::Seeded(n),
                (None, true) => Values::Dynamic,
                (None, false) => Values::Static,
            },
            stateful: a.stateful,
            latency: a.latency.map(std::time::Duration::from_millis),
            cors: a.cors,
            env,
        },
    ));
    let prepare = mock.clone();
    // Every answer is checked before it goes: its schemas are made ready while the port opens.
    std::thread::spawn(move || prepare.contract().prepare(Direction::Response));
    let listening = runtime
        .block_on(Listening::bind(&a.host, a.port))
        .map_err(|e| vouch::Error::Listen {
            addr: format!("{}:{}", a.host, a.port),
            detail: e.to_string(),
        })?;
    let operations = mock.contract().spec().operations().len();
    println!(
        "mock of {} ({operations} operations) on http://{}",
        a.spec, listening.addr
    );
    let _ = std::io::stdout().flush();
    let stop = tokio_util::sync::CancellationToken::new();
    let on_interrupt = stop.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    let log: Arc<dyn Fn(&Served) + Send + Sync> = Arc::new(|s: &Served| {
        let mut line = format!(
            "{} {} -> {} {}",
            s.method,
            s.target,
            s.status,
            s.operation.as_deref().unwrap_or("(no operation)")
        );
        for f in &s.request_findings {
            line.push_str(&format!("\n  request: {f}"));
        }
        for f in &s.replaced {
            line.push_str(&format!(
                "\n  example broke the contract (generated value sent): {f}"
            ));
        }
        for f in &s.findings {
            line.push_str(&format!("\n  mock broke its contract: {f}"));
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    });
    runtime
        .block_on(vouch::mock::serve(mock, listening, stop, log))
        .map_err(|e| vouch::Error::Listen {
            addr: format!("{}:{}", a.host, a.port),
            detail: e.to_string(),
        })?;
    Ok(ExitCode::SUCCESS)
}
