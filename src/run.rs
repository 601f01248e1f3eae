//! One run: the single engine function that runs a suite or a smoke suite end to end —
//! start the record, run every step through the one send, record each step as it finishes,
//! work out coverage and the final status (`passed`, `failed`, `errored`, `cancelled`),
//! finish the record — and returns a typed [`RunSummary`]. `vouch run` and the app's Run are
//! thin callers that only render progress.
//!
//! What to run is resolved here too ([`plan`]): a collection or `collection/suite` of the
//! store, a collection folder (or one of its `suites/*.yaml`) read through a scratch store,
//! or the smoke suite of a spec; and which environment applies ([`Plan::env`]).

use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::call::Context;
use crate::contract::Contract;
use crate::diagnostic::{Diagnostic, Problem};
use crate::exchange::{self, ExchangeError};
use crate::request::{Environment, RequestError};
use crate::spec::{LoadOptions, Spec, SpecError};
use crate::store::{RunStatus, StepRecord, Store, StoreError};
use crate::suite::{self, Coverage, Event, RunOptions, Step, Summary};

/// Why a run could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum RunError {
    /// The spec could not be loaded.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A collection folder could not be read.
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    /// The environment could not be read, or names a scheme the spec lacks.
    #[error(transparent)]
    Request(#[from] RequestError),
    /// Nothing to run.
    #[error("nothing to run: no collection, folder or spec was named")]
    NoTarget,
    /// A stored collection has no spec and none was given.
    #[error("collection `{0}` has no linked spec")]
    NoSpec(String),
    /// Several environments could apply and none was picked.
    #[error("collection `{collection}` has {} environments ({}): pick one", names.len(), names.join(", "))]
    ChooseEnvironment {
        /// The collection.
        collection: String,
        /// Its environments.
        names: Vec<String>,
    },
    /// A `suites/*.yaml` file that is not a suite.
    #[error("{path} is not a suite file: {detail}")]
    SuiteFile {
        /// The file.
        path: String,
        /// What is wrong.
        detail: String,
    },
    /// The scratch folder for running a collection folder could not be made.
    #[error("cannot create a scratch folder: {0}")]
    Scratch(String),
    /// The collection's file parts would read (and upload) files not approved on this
    /// machine yet.
    #[error("the collection uploads files not approved on this machine: {}", files.join(", "))]
    FilesNotApproved {
        /// The collection.
        collection: String,
        /// The files, as `request: path`.
        files: Vec<String>,
    },
}

impl Diagnostic for RunError {
    fn kind(&self) -> &str {
        match self {
            RunError::Spec(e) => e.kind(),
            RunError::Store(e) => e.kind(),
            RunError::Exchange(e) => e.kind(),
            RunError::Request(e) => e.kind(),
            RunError::NoTarget => "usage",
            RunError::NoSpec(_) => "no-spec",
            RunError::ChooseEnvironment { .. } => "choose-environment",
            RunError::SuiteFile { .. } => "suite-file",
            RunError::Scratch(_) => "io",
            RunError::FilesNotApproved { .. } => "files-not-approved",
        }
    }

    fn hint(&self) -> String {
        match self {
            RunError::Spec(e) => e.hint().to_string(),
            RunError::Store(e) => e.hint().to_string(),
            RunError::Exchange(e) => e.hint(),
            RunError::Request(e) => e.hint().to_string(),
            RunError::NoTarget => "name a suite (COLLECTION or COLLECTION/SUITE), a collection folder, or a spec for a smoke suite (--spec)".into(),
            RunError::NoSpec(_) => "give the spec (--spec in the CLI; in the app, open the spec first)".into(),
            RunError::ChooseEnvironment { .. } => "name the environment (--env NAME in the CLI, the environment picker in the app)".into(),
            RunError::SuiteFile { .. } => "a suite file has `name:` and `steps:` (each `request: folder/name`)".into(),
            RunError::Scratch(_) => "check the temporary folder's free space and permissions".into(),
            RunError::FilesNotApproved { .. } => "check the files, then run with --allow-files (the app asks once per collection)".into(),
        }
    }
}

/// What was asked for.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// `COLLECTION`, `COLLECTION/SUITE`, a collection folder, or one of its `suites/*.yaml`;
    /// None with `spec` for the smoke suite.
    pub target: Option<String>,
    /// The spec (path or URL): overrides the collection's; alone, a smoke suite.
    pub spec: Option<String>,
    /// The name of an environment (the collection's, else a global one), or a file.
    pub env: Option<String>,
    /// Variables over the environment.
    pub vars: Vec<(String, String)>,
    /// Base URL for every call.
    pub base_url: Option<String>,
    /// Undeclared statuses accepted as warnings (added to the collection's own).
    pub accept_status: Vec<u16>,
    /// Origins the spec's `$ref`s may reach beyond its own (`--allow-origin`).
    pub allow_origins: Vec<String>,
    /// Let file parts read files not approved for the collection yet (`--allow-files`).
    pub allow_files: bool,
    /// Which operations a smoke suite calls (`--include`, `--exclude`, `--read-only`).
    pub select: crate::spec::select::Selection,
}

/// Where the spec of a run comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum SpecFrom {
    /// A path or URL to load.
    Source(String),
    /// The collection's cached copy (and where it came from, for relative refs and servers).
    Copy {
        /// The bytes.
        bytes: Vec<u8>,
        /// The original location.
        source: Option<String>,
    },
}

impl SpecFrom {
    /// Where it came from, for messages and to compare with an open spec.
    pub fn source(&self) -> Option<&str> {
        match self {
            SpecFrom::Source(s) => Some(s),
            SpecFrom::Copy { source, .. } => source.as_deref(),
        }
    }

    /// Loads it.
    pub async fn load(&self, options: &LoadOptions) -> Result<Spec, SpecError> {
        match self {
            SpecFrom::Source(s) => Spec::load(s, options).await,
            SpecFrom::Copy { bytes, source } => Spec::from_bytes(bytes, source.as_deref(), options),
        }
    }
}

/// A run, resolved: everything [`execute`] needs but the spec's compiled contract.
#[derive(Debug, Clone)]
pub struct Plan {
    /// What to call the run (`collection`, `collection/suite`, `smoke: SPEC`).
    pub name: String,
    /// The steps (empty for a smoke suite: made from the spec when it runs).
    pub steps: Vec<Step>,
    /// Whether the steps are the spec's smoke suite.
    pub smoke: bool,
    /// Base URL for every call.
    pub base_url: Option<String>,
    /// The spec.
    pub spec: SpecFrom,
    /// The environment (with `vars` applied).
    pub env: Environment,
    /// Its name, when one was picked or defaulted.
    pub env_name: Option<String>,
    /// Said to the user: which environment was used by default, and why.
    pub env_note: Option<String>,
    /// Said to the user: what reading a collection folder dropped (a file part leading out
    /// of the folder, say), each in a sentence.
    pub warnings: Vec<String>,
    /// The stored collection (None for folders and smoke suites).
    pub collection_id: Option<i64>,
    /// The stored suite.
    pub suite_id: Option<i64>,
    /// Undeclared statuses accepted as warnings.
    pub accept_status: Vec<u16>,
    /// Origins the spec's `$ref`s may reach beyond its own.
    pub allow_origins: Vec<String>,
    /// Only this part of the steps (`--shard i/n`); the rest run on other machines.
    pub shard: Option<crate::suite::Shard>,
    /// Which operations a smoke suite calls.
    pub select: crate::spec::select::Selection,
}

impl Plan {
    /// How the plan's steps are sent: with its environment, accepted statuses and allowed
    /// origins, through `session`, checked by `contract`, stopped by `cancel`. The one way
    /// `vouch run`, `vouch load` and the app's runs and load runs build their context.
    pub fn context<'a>(
        &'a self,
        contract: &'a Contract,
        session: &'a crate::request::Session,
        send: &'a crate::request::SendOptions,
        cancel: Option<&'a tokio_util::sync::CancellationToken>,
    ) -> Context<'a> {
        Context {
            contract,
            session,
            env: &self.env,
            send,
            cancel,
            accept_status: &self.accept_status,
            allow_origins: &self.allow_origins,
        }
    }
}

/// Resolves what to run. Reads the store (and a collection folder), not the network.
pub fn plan(store: &Store, req: &RunRequest) -> Result<Plan, RunError> {
    let Some(target) = &req.target else {
        let spec = req.spec.clone().ok_or(RunError::NoTarget)?;
        let (env, env_name, env_note) = environment(store, None, &[], req)?;
        return Ok(Plan {
            name: format!("smoke: {spec}"),
            steps: Vec::new(),
            smoke: true,
            base_url: req.base_url.clone(),
            spec: SpecFrom::Source(spec),
            env,
            env_name,
            env_note,
            warnings: Vec::new(),
            collection_id: None,
            suite_id: None,
            accept_status: req.accept_status.clone(),
            allow_origins: allowed(req),
            shard: None,
            select: req.select.clone(),
        });
    };
    match folder_target(Path::new(target)) {
        Some((dir, suite)) => from_folder(&dir, suite, req),
        None => from_stored(store, target, req, false),
    }
}

/// The origins the user allowed for a run: `--allow-origin`, and the `--base-url` given.
fn allowed(req: &RunRequest) -> Vec<String> {
    let mut out = req.allow_origins.clone();
    out.extend(
        req.base_url
            .as_deref()
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization()),
    );
    out
}

/// A folder, or a folder's `suites/NAME.yaml`: the folder and that suite file.
fn folder_target(path: &Path) -> Option<(PathBuf, Option<PathBuf>)> {
    if path.is_dir() {
        return Some((path.to_path_buf(), None));
    }
    let in_suites = path
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n == "suites");
    if !(path.is_file() && in_suites) {
        return None;
    }
    // `suites/x.yaml` given from inside the folder: the folder is here.
    let dir = path
        .parent()
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    Some((dir, Some(path.to_path_buf())))
}

/// A collection folder runs from a scratch store: imported there, planned as stored. A
/// suite file is found among the suites the folder read (it is parsed once).
fn from_folder(dir: &Path, suite: Option<PathBuf>, req: &RunRequest) -> Result<Plan, RunError> {
    let mut bundle = exchange::read_folder(dir)?;
    exchange::anchor_files(&mut bundle, dir);
    let target = match suite {
        Some(file) => {
            let real = std::fs::canonicalize(&file).ok();
            let same = |p: &PathBuf| {
                *p == file || (real.is_some() && std::fs::canonicalize(p).ok() == real)
            };
            let name = bundle
                .suites
                .iter()
                .find(|s| {
                    bundle
                        .files
                        .get(&exchange::link::suite_key(&s.name))
                        .is_some_and(same)
                })
                .map(|s| s.name.clone())
                .ok_or_else(|| RunError::SuiteFile {
                    path: file.display().to_string(),
                    detail: "not read as a suite of its folder".into(),
                })?;
            format!("{}/{name}", bundle.name)
        }
        None => bundle.name.clone(),
    };
    let scratch = tempfile::tempdir().map_err(|e| RunError::Scratch(e.to_string()))?;
    let mut store = Store::open_scratch(scratch.path())?;
    exchange::into_store(&mut store, &bundle, false)?;
    let mut plan = from_stored(&store, &target, req, true)?;
    plan.warnings = bundle.warnings;
    Ok(plan)
}

fn from_stored(
    store: &Store,
    target: &str,
    req: &RunRequest,
    scratch: bool,
) -> Result<Plan, RunError> {
    let mut t = suite::from_store(store, target)?;
    // A linked collection's file parts are relative to its folder, not to where we run.
    if let Some(link) = store.link(t.collection.id)? {
        for step in &mut t.steps {
            exchange::anchor_draft(&mut step.draft, &link.dir);
        }
    }
    if !req.allow_files {
        let approved = if scratch {
            Default::default()
        } else {
            store.approved_files(t.collection.id)?
        };
        let files: Vec<String> = file_parts(&t.steps)
            .into_iter()
            .filter(|(_, path)| !approved.contains(path))
            .map(|(step, path)| format!("{step}: {path}"))
            .collect();
        if !files.is_empty() {
            return Err(RunError::FilesNotApproved {
                collection: t.collection.name.clone(),
                files,
            });
        }
    }
    let spec = match (
        &req.spec,
        store.spec_copy(t.collection.id)?,
        &t.collection.spec_source,
    ) {
        (Some(s), _, _) => SpecFrom::Source(s.clone()),
        (None, Some(bytes), source) => SpecFrom::Copy {
            bytes,
            source: source.clone(),
        },
        (None, None, Some(source)) => SpecFrom::Source(source.clone()),
        (None, None, None) => return Err(RunError::NoSpec(t.collection.name.clone())),
    };
    let names = store.environments(Some(t.collection.id))?;
    let (env, env_name, env_note) = environment(
        store,
        Some((&t.collection.name, t.collection.id)),
        &names,
        req,
    )?;
    let mut accept_status = t.collection.accept_status.clone();
    accept_status.extend(&req.accept_status);
    Ok(Plan {
        name: t.name,
        steps: t.steps,
        smoke: false,
        base_url: req.base_url.clone(),
        spec,
        env,
        env_name,
        env_note,
        warnings: Vec::new(),
        // A folder's scratch store is gone after planning: its run is recorded unlinked.
        collection_id: (!scratch).then_some(t.collection.id),
        suite_id: if scratch { None } else { t.suite_id },
        accept_status,
        allow_origins: allowed(req),
        shard: None,
        select: crate::spec::select::Selection::default(),
    })
}

/// The files the steps' file parts read: (step, path).
pub fn file_parts(steps: &[Step]) -> Vec<(String, String)> {
    use crate::request::{Body, PartValue};
    let mut out = Vec::new();
    for step in steps {
        if let Some(Body::Multipart(parts)) = &step.draft.body {
            for part in parts {
                if let PartValue::File { path, .. } = &part.value {
                    out.push((step.name.clone(), path.display().to_string()));
                }
            }
        }
    }
    out
}

/// The environment of a run: the file or name asked for; else the collection's only one
/// (said so); else none. Several and none picked is an error that names them.
fn environment(
    store: &Store,
    collection: Option<(&str, i64)>,
    names: &[String],
    req: &RunRequest,
) -> Result<(Environment, Option<String>, Option<String>), RunError> {
    let (mut env, name, note) = match &req.env {
        Some(e) => {
            let env = named_environment(store, collection.map(|c| c.1), e)?;
            let name = if Path::new(e).is_file() {
                env.name.clone()
            } else {
                e.clone()
            };
            (env, Some(name), None)
        }
        None => match (collection, names) {
            (Some((_, id)), [only]) => (
                store.environment(Some(id), only)?,
                Some(only.clone()),
                Some(format!(
                    "using environment `{only}`, the collection's only one"
                )),
            ),
            (Some((c, _)), [_, _, ..]) => {
                return Err(RunError::ChooseEnvironment {
                    collection: c.to_string(),
                    names: names.to_vec(),
                })
            }
            _ => (Environment::default(), None, None),
        },
    };
    for (k, v) in &req.vars {
        env.set(k, v);
    }
    Ok((env, name, note))
}

/// `--env`'s one meaning in every command: the name of an environment in the store (the
/// collection's own first, else global), else a file (YAML/JSON, the one environment format).
pub fn named_environment(
    store: &Store,
    collection_id: Option<i64>,
    arg: &str,
) -> Result<Environment, RunError> {
    // A stored name first: the app's environment `dev` is not the `./dev` file of the
    // directory it was started from.
    if let Some(env) = collection_id.and_then(|id| store.environment(Some(id), arg).ok()) {
        return Ok(env);
    }
    match store.environment(None, arg) {
        Err(StoreError::NotFound { .. }) if Path::new(arg).is_file() => {
            Ok(Environment::from_file(Path::new(arg))?)
        }
        other => Ok(other?),
    }
}

/// How a run went: what `vouch run` prints and reports, what the app shows, what the store
/// keeps (the counts and coverage totals as the run's summary).
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    /// The run's id in the store.
    pub run_id: i64,
    /// What ran.
    pub name: String,
    /// How it ended.
    pub status: RunStatus,
    /// Counts.
    pub summary: Summary,
    /// Contract coverage.
    pub coverage: Coverage,
    /// The environment used.
    pub environment: Option<String>,
    /// Why the run stopped early (the remaining steps are skipped).
    pub aborted: Option<Problem>,
    /// Every step as recorded (masked), in order.
    #[serde(skip)]
    pub steps: Vec<StepRecord>,
    /// A failure to record the run (the run itself went on and is reported).
    pub store_error: Option<Problem>,
    /// The part of a sharded run this was.
    pub shard: Option<ShardOf>,
}

/// Which part of a sharded run a result is, and how many steps the whole run has: what
/// `vouch report merge` checks before joining parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ShardOf {
    /// The part.
    #[serde(flatten)]
    pub shard: crate::suite::Shard,
    /// Steps in the whole plan.
    pub whole: usize,
}

impl RunSummary {
    /// What the store keeps as the run's summary: one shape for both doors.
    pub fn stored(&self) -> serde_json::Value {
        serde_json::json!({
            "summary": self.summary,
            "coverage": {
                "operations": self.coverage.operations,
                "exercised": self.coverage.exercised,
                "responses_declared": self.coverage.responses_declared,
                "responses_seen": self.coverage.responses_seen,
            },
            "aborted": self.aborted,
        })
    }

    /// Whether the run passed.
    pub fn passed(&self) -> bool {
        self.status == RunStatus::Passed
    }
}

/// The steps a plan runs (its part of them, for a shard), how many the whole plan has, and
/// (for a shard) each step's place in the whole plan.
pub fn steps_of(plan: &Plan, spec: &crate::spec::Spec) -> (Vec<Step>, usize, Option<Vec<usize>>) {
    let mut steps = if plan.smoke {
        suite::smoke_of(spec, &plan.select)
    } else {
        plan.steps.clone()
    };
    if let Some(b) = &plan.base_url {
        for s in &mut steps {
            s.draft.base_url = Some(b.clone());
        }
    }
    // A shard runs its part; its steps keep their places in the whole plan in reports.
    let whole = steps.len();
    let positions = plan.shard.map(|shard| shard.pick(&steps));
    if let Some(positions) = &positions {
        steps = positions.iter().map(|&i| steps[i].clone()).collect();
    }
    (steps, whole, positions)
}

/// Runs a plan against a compiled contract, recording it in `store` as it goes; `on_event`
/// sees progress. The session is the caller's (a fresh one per run in both doors, so a
/// suite that passes in the app passes in CI).
pub async fn execute(
    store: &mut Store,
    plan: &Plan,
    ctx: &Context<'_>,
    options: &RunOptions,
    on_event: impl FnMut(&Event),
) -> Result<RunSummary, RunError> {
    crate::request::check_schemes(ctx.contract.spec(), ctx.env)?;
    let run_id = store.start_run(
        plan.collection_id,
        plan.suite_id,
        &plan.name,
        plan.env_name.as_deref(),
    )?;
    let mut records = Vec::new();
    let mut store_error = None;
    let (steps, whole, positions) = steps_of(plan, ctx.contract.spec());
    // Steps are committed in batches, off the runner's thread (see `store::Recorder`).
    let recorder = store
        .recorder(run_id, crate::store::Batching::default())
        .map_err(|e| store_error = Some(e))
        .ok();
    let ran = suite::run(ctx, &steps, options, on_event, |r| {
        let rec = std::sync::Arc::new(r.record(suite::STORED_BODY_CAP));
        if let Some(recorder) = &recorder {
            recorder.push(rec.clone());
        }
        records.push(rec);
    })
    .await;
    if let Some(Err(e)) = recorder.map(crate::store::Recorder::finish) {
        store_error.get_or_insert(e);
    }
    // The writer is done: each record is ours alone again (no copy).
    let mut records: Vec<StepRecord> = records
        .into_iter()
        .map(|r| std::sync::Arc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone()))
        .collect();
    records.sort_by_key(|r| r.seq);
    if let Some(positions) = &positions {
        for r in &mut records {
            r.seq = positions[r.seq as usize] as i64;
        }
    }
    let s = ran.summary;
    let status = if ctx.is_cancelled() {
        RunStatus::Cancelled
    } else if ran.aborted.is_some() || s.errors > 0 {
        RunStatus::Errored
    } else if s.failed > 0 {
        RunStatus::Failed
    } else {
        RunStatus::Passed
    };
    let mut summary = RunSummary {
        run_id,
        name: plan.name.clone(),
        status,
        summary: s,
        coverage: suite::coverage(ctx.contract.spec(), &records),
        environment: plan.env_name.clone(),
        aborted: ran.aborted,
        steps: records,
        store_error: None,
        shard: plan.shard.map(|shard| ShardOf { shard, whole }),
    };
    if let Err(e) = store.finish_run(run_id, status, &summary.stored()) {
        store_error.get_or_insert(e);
    }
    summary.store_error = store_error.map(|e| Problem::of(&e));
    Ok(summary)
}

/// Loads a plan's spec and compiles its contract.
pub async fn contract(plan: &Plan) -> Result<Contract, RunError> {
    let options = LoadOptions {
        allow_origins: plan.allow_origins.clone(),
        ..LoadOptions::default()
    };
    Ok(Contract::new(std::sync::Arc::new(
        plan.spec.load(&options).await?,
    )))
}
