//! `vouch check SPEC METHOD PATH`: one checked call through the engine's one send.

use std::io::Write;
use std::process::ExitCode;

use vouch::call::{self, Call, Context};
use vouch::contract::Contract;
use vouch::request::{Body, Draft, Environment, Session};
use vouch::spec::Spec;

use super::args::{self, AcceptStatus, DataDir, EnvArgs, Format, Timeout};

/// `vouch check` arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
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
    #[arg(short = 'H', long = "header", value_parser = args::header)]
    headers: Vec<(String, String)>,
    /// A query pair, k=v (repeatable).
    #[arg(long, value_parser = args::query_pair)]
    query: Vec<(String, String)>,
    /// Request body: JSON text, or @FILE.
    #[arg(long)]
    body: Option<String>,
    #[command(flatten)]
    env: EnvArgs,
    /// Do not verify TLS certificates.
    #[arg(long)]
    insecure: bool,
    #[command(flatten)]
    timeout: Timeout,
    #[command(flatten)]
    accept: AcceptStatus,
    #[command(flatten)]
    allow: super::args::AllowOrigin,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    data: DataDir,
    /// Do not add the call to the history.
    #[arg(long)]
    no_history: bool,
}

/// The body as given: JSON, or (not JSON) sent as it is — a deliberately broken body is a
/// valid negative test.
fn body(arg: &Option<String>) -> Result<Option<Body>, vouch::Error> {
    let Some(b) = arg else { return Ok(None) };
    let text = match b.strip_prefix('@') {
        Some(file) => std::fs::read_to_string(file).map_err(|e| {
            vouch::Error::Request(vouch::request::RequestError::File {
                path: file.into(),
                detail: e.to_string(),
            })
        })?,
        None => b.clone(),
    };
    Ok(Some(match serde_json::from_str(&text) {
        Ok(v) => Body::Json(v),
        Err(_) => Body::Text {
            content_type: "application/json".into(),
            text,
        },
    }))
}

/// The environment `--env` names (one meaning, as in `vouch run`), with `--var`s over it.
fn environment(a: &Args) -> super::Result<Environment> {
    let mut env = match &a.env.env {
        Some(e) => vouch::run::named_environment(&a.data.open()?, None, e)?,
        None => Environment::default(),
    };
    for (k, v) in &a.env.vars {
        env.set(k, v);
    }
    Ok(env)
}

/// Runs `vouch check`.
pub fn run(a: Args) -> super::Result<ExitCode> {
    let env = environment(&a)?;
    let draft = Draft {
        method: a.method.to_ascii_uppercase(),
        path: a.path.clone(),
        query: a.query.clone(),
        headers: a.headers.clone(),
        body: body(&a.body)?,
        base_url: a.base_url.clone(),
        ..Draft::default()
    };
    let send = a.timeout.send_options(a.insecure);
    let accept = a.accept.list();
    // The base URL given on the command line is the user's own: allowed for this call.
    let mut allow = a.allow.allow_origin.clone();
    allow.extend(
        a.base_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization()),
    );
    let checked = super::runtime(false)?.block_on(async {
        let spec = Spec::load(&a.spec, &a.allow.load_options()).await?;
        let contract = Contract::new(std::sync::Arc::new(spec));
        let session = Session::new();
        let ctx = Context {
            contract: &contract,
            session: &session,
            env: &env,
            send: &send,
            cancel: None,
            accept_status: &accept,
            allow_origins: &allow,
        };
        let op = call::route(&ctx, &draft.method, &draft.path, draft.base_url.as_deref())?;
        let call = Call::of(Some(&op.operation.id), &draft);
        super::Result::Ok(call::send(&ctx, &call).await)
    })?;
    if let Some(p) = &checked.error {
        return Err(p.clone().into());
    }
    if !a.no_history {
        // History is a convenience: a store that cannot be opened does not fail the check.
        let entry = checked.history_entry(&draft);
        if let Err(e) = a.data.open().and_then(|mut s| s.add_history(&entry)) {
            eprintln!(
                "warning: the call was not added to the history: {e}\n  hint: {}",
                e.hint()
            );
        }
    }
    let Some(report) = checked.report() else {
        return Ok(ExitCode::from(2));
    };
    let mut out = std::io::stdout().lock();
    match a.format {
        Format::Json => {
            serde_json::to_writer(&mut out, &report)?;
            writeln!(out)?;
        }
        Format::Text => super::render::check(&mut out, &report)?,
    }
    // Request findings and accepted statuses are warnings: the response's verdict decides.
    Ok(if checked.fails() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
