//! What the desktop app works on: the open spec and its contract, one HTTP session, the
//! store, and the response bodies of recent calls. Every app command is one method here, so
//! the Tauri shell only translates; the calls run through the same engine functions as
//! `vouch run` and `vouch check`.
//!
//! Nothing big crosses the app's JSON IPC: a call's view carries its findings and headers,
//! and the body stays here, read in pages through [`Workbench::body`].

mod auth;
mod body_view;
mod form;
mod fuzz;
mod load;
mod mock;
mod resync;
mod saved;
mod tree;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

use serde::Serialize;
use serde_json::Value;
use thiserror::Error;
use tokio_util::sync::CancellationToken;

pub use auth::{InheritedView, SavedRef};
pub use body_view::{BodyHits, BodyLayout, BodyLine, BodyView, WIDTH as BODY_WIDTH};
pub use form::{form_schema, operation_form, BodyField, OperationForm, ParamField};
pub use fuzz::{FuzzFailureView, FuzzSettings, FuzzView};
pub use load::{LoadFigures, LoadSettings, LoadStep, LoadTick, LoadView};
pub use mock::{MockSettings, MockView};
pub use resync::{LinkedChanges, SpecChangesView};
pub use saved::{CheckMark, CheckRow, ExtractRow, FreeRequest, SavedView, StepDetail};

use crate::call::{self, Call, Context};
use crate::contract::{Contract, Finding};
use crate::exchange::{self, ExchangeError};
use crate::request::{Draft, Environment, SendOptions, Session};
use crate::spec::{LoadOptions, Spec, SpecError};
use crate::store::{SavedRequest, StepOutcome, Store, StoreError};
use crate::suite::{Event, RunOptions, Summary};

/// Response bodies kept for the UI to page through (the most recent calls).
const KEPT_BODIES: usize = 20;

/// Bytes of kept bodies, at most (the latest body is kept whatever its size).
const KEPT_BYTES: usize = 256 * 1024 * 1024;

/// Body bytes the window reads of a response (`vouch check` keeps 64 MB).
const APP_BODY_CAP: usize = 128 * 1024 * 1024;

/// Why an app command failed (a contract finding is never an error: it is in the view).
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WorkbenchError {
    /// No spec is open yet.
    #[error("no spec is open")]
    NoSpec,
    /// A mock was asked for with no spec open: it serves the open spec's operations.
    #[error("no spec is open, so there is nothing to mock")]
    NothingToMock,
    /// The mock could not listen on the loopback interface.
    #[error("the mock cannot listen on 127.0.0.1: {0}")]
    MockListen(String),
    /// The open spec has no such operation.
    #[error("the spec has no operation `{0}`")]
    NoOperation(String),
    /// Loading the spec failed.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Import or export failed.
    #[error(transparent)]
    Exchange(#[from] ExchangeError),
    /// A run could not start.
    #[error(transparent)]
    Run(#[from] crate::run::RunError),
    /// Any other engine error.
    #[error(transparent)]
    Engine(#[from] crate::Error),
    /// An error already turned into data (a call that could not be built).
    #[error(transparent)]
    Problem(#[from] crate::Problem),
}

impl WorkbenchError {
    /// A stable identifier of the error kind.
    pub fn kind(&self) -> &str {
        match self {
            WorkbenchError::NoSpec | WorkbenchError::NothingToMock => "no-spec",
            WorkbenchError::MockListen(_) => "listen",
            WorkbenchError::NoOperation(_) => "no-operation",
            WorkbenchError::Spec(e) => e.kind(),
            WorkbenchError::Store(e) => e.kind(),
            WorkbenchError::Exchange(e) => e.kind(),
            WorkbenchError::Run(e) => crate::Diagnostic::kind(e),
            WorkbenchError::Engine(e) => crate::Diagnostic::kind(e),
            WorkbenchError::Problem(p) => crate::Diagnostic::kind(p),
        }
    }

    /// What to do about it.
    pub fn hint(&self) -> String {
        match self {
            WorkbenchError::NoSpec => "open a spec first (file, URL or pasted text)".into(),
            WorkbenchError::NothingToMock => {
                "open a spec first (file, URL or pasted text), then start its mock".into()
            }
            WorkbenchError::MockListen(_) => {
                "the system refused a free port on 127.0.0.1: close some programs and try again"
                    .into()
            }
            WorkbenchError::NoOperation(_) => "reload the spec: it may have changed".into(),
            WorkbenchError::Spec(e) => e.hint().to_string(),
            WorkbenchError::Store(e) => e.hint().to_string(),
            WorkbenchError::Exchange(e) => e.hint(),
            WorkbenchError::Run(e) => crate::Diagnostic::hint(e),
            WorkbenchError::Engine(e) => crate::Diagnostic::hint(e),
            WorkbenchError::Problem(p) => p.hint.clone(),
        }
    }
}

impl crate::Diagnostic for WorkbenchError {
    fn kind(&self) -> &str {
        WorkbenchError::kind(self)
    }

    fn hint(&self) -> String {
        WorkbenchError::hint(self)
    }
}

/// Results of the workbench.
pub type Result<T> = std::result::Result<T, WorkbenchError>;

/// The open spec at a glance.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SpecSummary {
    /// Where it came from.
    pub source: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// OpenAPI/Swagger version.
    pub openapi: String,
    /// How many operations.
    pub operations: usize,
    /// The collection opened with it (a collection folder was opened).
    pub collection: Option<String>,
    /// Where calls go when their draft names no base URL (the collection's `baseUrl`).
    pub base_url: Option<String>,
    /// The sync with the collection's folder this open made (conflicts to show).
    pub sync: Option<exchange::link::SyncReport>,
    /// The environment to start with (`COLLECTION/NAME`): the collection's first.
    pub environment: Option<String>,
}

/// One row of the operation explorer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OperationRow {
    /// Operation id.
    pub id: String,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Summary.
    pub summary: Option<String>,
    /// The explorer's group: the first tag, else the path's first segment (`/items/{id}` →
    /// `items`), so an untagged spec (FastAPI's default) is grouped by resource.
    pub tag: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
}

/// A call as the app shows it: everything but the body, which is paged through
/// [`Workbench::body`] by `body_id`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallView {
    /// Where the body is kept (None when there was no response).
    pub body_id: Option<u32>,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Method sent.
    pub method: String,
    /// URL sent (secrets masked).
    pub url: String,
    /// Status code.
    pub status: Option<u16>,
    /// Total time, ms.
    pub elapsed_ms: Option<f64>,
    /// Time to the response's first byte, ms.
    pub ttfb_ms: Option<f64>,
    /// Where the time went, in order (the Timeline's waterfall).
    pub phases: Vec<PhaseView>,
    /// The redirects followed: status and where each led (masked).
    pub redirects: Vec<(u16, String)>,
    /// The request's headers as sent (masked).
    pub request_headers: Vec<(String, String)>,
    /// The request's body as sent (masked; its start when long), if any.
    pub request_body: Option<String>,
    /// Decoded body size, bytes.
    pub size: Option<u32>,
    /// The response's Content-Type.
    pub content_type: Option<String>,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// Contract findings (request and response).
    pub findings: Vec<Finding>,
    /// Why the call could not be made.
    pub error: Option<String>,
    /// Refused for carrying a bound secret to another origin: what the app asks the user.
    pub refused: Option<Refusal>,
    /// The operation the exchange was checked against (None: no operation of the spec matches
    /// its method and path, so nothing was checked).
    pub checked_against: Option<String>,
}

/// A call refused because a secret would go to an origin it is not bound to.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refusal {
    /// The secret variable's name (never its value).
    pub secret: String,
    /// Where the call would have taken it.
    pub origin: String,
}

/// The origin of the `baseUrl` an environment view names, if it is a URL.
fn base_origin(view: &EnvView) -> Option<String> {
    view.variables
        .iter()
        .find(|v| v.name == "baseUrl")
        .and_then(|v| v.value.as_deref())
        .and_then(|u| url::Url::parse(u).ok())
        .map(|u| u.origin().ascii_serialization())
}

/// What an import brought in.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportView {
    /// The collection's name (or `environment NAME`).
    pub name: String,
    /// What could not be carried over (scripts not run, file parts dropped…).
    pub warnings: Vec<String>,
}

/// One page of a kept body.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BodyPage {
    /// The bytes of this page, as text (lossy UTF-8).
    pub text: String,
    /// Where it starts.
    pub offset: u32,
    /// Where the next page starts (bytes, past this page's last whole character).
    pub next: u32,
    /// The whole body's size.
    pub total: u32,
}

/// A collection in the sidebar.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CollectionRow {
    /// Name.
    pub name: String,
    /// Its saved requests' names.
    pub requests: Vec<String>,
    /// Its suites' names.
    pub suites: Vec<String>,
    /// The folder it is linked to (saves write its files), if any.
    pub folder: Option<String>,
    /// Its requests as the tree shows them, by folder and order.
    pub items: Vec<TreeItem>,
    /// Every folder's path, parents first (empty folders included).
    pub folders: Vec<Vec<String>>,
}

/// A saved request in the window's tree.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TreeItem {
    /// Its key: folder names and name, joined by `/`.
    pub key: String,
    /// Its name.
    pub name: String,
    /// Its folder's path of names.
    pub folder: Vec<String>,
    /// Its HTTP method.
    pub method: String,
    /// Its outcome in the collection's last run that had it (`passed`, `failed`…).
    pub verdict: Option<String>,
}

/// An environment as the app edits it: secret values never leave the engine.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EnvView {
    /// `NAME` (global) or `COLLECTION/NAME`.
    pub name: String,
    /// Variables in order.
    pub variables: Vec<VarView>,
}

/// One variable of an [`EnvView`].
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VarView {
    /// Name.
    pub name: String,
    /// Its value; for a secret, None when read (masked) and None when saved to keep it.
    pub value: Option<String>,
    /// Never shown, exported or logged.
    pub secret: bool,
}

/// One earlier run of a target, for the chart of response times across runs.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunPoint {
    /// Run id.
    pub id: u32,
    /// When it started (UTC).
    pub at: String,
    /// Steps that passed.
    pub passed: u32,
    /// Steps in the run.
    pub total: u32,
    /// Each step's total time, ms (None: no response), in order.
    pub times: Vec<Option<f64>>,
}

/// One call of the history.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryRow {
    /// When (UTC).
    pub at: String,
    /// Method.
    pub method: String,
    /// URL (secrets masked).
    pub url: String,
    /// Status, when there was a response.
    pub status: Option<u16>,
    /// How many findings.
    pub findings: u32,
    /// The operation called.
    pub operation_id: Option<String>,
    /// What was sent (credential headers masked), to open it again.
    pub draft: Option<Draft>,
}

/// A finished run, for the app.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunView {
    /// The run's id in the store (for its reports).
    pub run_id: u32,
    /// Counts.
    pub summary: Summary,
    /// Each step: name, outcome, findings count, time.
    pub steps: Vec<RunStepView>,
    /// Operations of the spec the run exercised, of all.
    pub covered: (u32, u32),
    /// The exercised operations × their declared responses: which were seen.
    pub coverage: Vec<CoverageRow>,
    /// Which environment was used by default, and why.
    pub note: Option<String>,
    /// Why the run stopped early.
    pub aborted: Option<crate::Problem>,
    /// A failure to record the run.
    pub store_error: Option<crate::Problem>,
}

/// One exercised operation of a run, with its declared responses and those seen.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CoverageRow {
    /// Method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Declared response keys (`200`, `4XX`, `default`).
    pub declared: Vec<String>,
    /// Those some response of the run matched.
    pub covered: Vec<String>,
    /// Statuses received (declared or not).
    pub statuses: Vec<u16>,
}

/// One step of a run, for the app.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RunStepView {
    /// Its place in the run (what [`Workbench::run_step`] takes).
    pub seq: u32,
    /// Name.
    pub name: String,
    /// How it ended.
    pub outcome: StepOutcome,
    /// Findings and failed assertions, in words.
    pub reasons: Vec<String>,
    /// Findings shown as warnings.
    pub warnings: Vec<String>,
    /// Total time, ms.
    pub elapsed_ms: Option<f64>,
    /// The response's status (None: no response).
    pub status: Option<u16>,
    /// Contract findings that fail the step (warnings are not counted).
    pub findings: u32,
    /// Assertions that did not hold.
    pub failed_checks: u32,
}

struct Open {
    source: String,
    /// Shared with the mock of the spec, when one runs (its validators compiled once).
    contract: Arc<Contract>,
    /// The file's modification time when it was read (None for URLs and pasted text).
    modified: Option<std::time::SystemTime>,
}

fn modified(source: &str) -> Option<std::time::SystemTime> {
    std::fs::metadata(source).and_then(|m| m.modified()).ok()
}

impl std::fmt::Debug for Workbench {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = self.current().map(|o| o.source.clone()).ok();
        f.debug_struct("Workbench")
            .field("spec", &source)
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

/// An untagged operation's group: its path's first segment (None for `/`).
fn path_group(path: &str) -> Option<String> {
    path.split('/')
        .find(|s| !s.is_empty())
        .map(|s| format!("/{s}"))
}

/// Items of a stored JSON list that `keep`.
fn count(list: &Value, keep: impl Fn(&Value) -> bool) -> u32 {
    list.as_array()
        .map_or(0, |a| a.iter().filter(|v| keep(v)).count() as u32)
}

/// What the window shows of a finished run.
fn run_view(summary: &crate::run::RunSummary, note: Option<String>) -> RunView {
    RunView {
        run_id: summary.run_id as u32,
        summary: summary.summary,
        steps: summary
            .steps
            .iter()
            .map(|r| RunStepView {
                seq: u32::try_from(r.seq).unwrap_or(0),
                name: r.name.clone(),
                outcome: r.outcome,
                reasons: r.reasons(),
                warnings: r.warnings(),
                elapsed_ms: r.elapsed_ms.map(|ms| (ms * 10.0).round() / 10.0),
                status: r.status,
                findings: count(&r.findings, |f| f["severity"] != "warning"),
                failed_checks: count(&r.assertions, |a| a["passed"] == false),
            })
            .collect(),
        covered: (
            summary.coverage.exercised as u32,
            summary.coverage.operations as u32,
        ),
        coverage: summary
            .coverage
            .by_operation
            .iter()
            .filter(|o| !o.statuses.is_empty())
            .map(|o| CoverageRow {
                method: o.method.to_ascii_uppercase(),
                path: o.path.clone(),
                declared: o.declared.clone(),
                covered: o.covered.clone(),
                statuses: o.statuses.clone(),
            })
            .collect(),
        note,
        aborted: summary.aborted.clone(),
        store_error: summary.store_error.clone(),
    }
}

/// One phase of a call's time.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct PhaseView {
    /// What the time was spent on.
    pub name: String,
    /// When it began, ms after the send began.
    pub start_ms: f64,
    /// How long it took, ms.
    pub ms: f64,
}

/// The redirects an exchange followed, their URLs masked.
fn redirects(e: &crate::request::Exchange, mask: &crate::mask::Mask) -> Vec<(u16, String)> {
    e.redirects
        .iter()
        .map(|(s, u)| (*s, mask.text(u)))
        .collect()
}

/// The phases of an exchange: lookup, TCP and TLS when a new connection was made (a reused one
/// costs none of them), waiting for the response's head, reading its body.
fn phases(e: &crate::request::Exchange) -> Vec<PhaseView> {
    let round = |ms: f64| (ms.max(0.0) * 10.0).round() / 10.0;
    let mut out = Vec::new();
    let mut at = 0.0;
    let mut phase = |name: &str, until: f64| {
        out.push(PhaseView {
            name: name.into(),
            start_ms: round(at),
            ms: round(until - at),
        });
        at = until.max(at);
    };
    if let Some(dns) = e.dns_ms {
        phase("DNS lookup", dns);
    }
    if let Some(connect) = e.connect_ms {
        match e.tls_ms {
            Some(tls) => {
                phase("connect (TCP)", connect - tls);
                phase("TLS handshake", connect);
            }
            None => phase("connect (TCP)", connect),
        }
    }
    phase("waiting for the first byte", e.ttfb_ms);
    phase("reading the body", e.elapsed_ms);
    out
}

/// The app's state: one per window.
pub struct Workbench {
    /// Base URL for calls whose draft names none (a collection's `baseUrl`).
    base_url: RwLock<Option<String>>,
    open: RwLock<Option<Arc<Open>>>,
    send_options: SendOptions,
    /// One HTTP session for the window's sends (cookies, OAuth2 tokens, kept-alive
    /// connections), with the environment it was made for: a new one when that changes.
    session: Mutex<(Option<String>, Arc<Session>)>,
    bodies: Mutex<VecDeque<(u32, Arc<Vec<u8>>)>>,
    /// The body the window shows, laid out in lines: (body id, pretty, layout).
    view: Mutex<Option<(u32, bool, Arc<BodyView>)>>,
    next_body: Mutex<u32>,
    cancel: Mutex<CancellationToken>,
    /// The load run in progress, if any: its own token, so a call or a run started meanwhile
    /// never takes over its Stop (see `load`).
    loading: Mutex<Option<CancellationToken>>,
    data_dir: Option<PathBuf>,
    /// The last response, for the Checks editor's "passes on the last response" marks.
    last: Mutex<Option<crate::request::Exchange>>,
    /// The mock of the open spec, while it serves (see `start_mock`).
    mock: Mutex<Option<mock::Serving>>,
    /// The last fuzz run's failures and seed (what `save_fuzz_failures` saves).
    fuzzed: Mutex<(Vec<crate::fuzz::Failure>, u64)>,
}

impl Workbench {
    /// A workbench whose store lives in `data_dir` (default: VOUCH_DATA_DIR, else the OS
    /// data directory).
    pub fn new(data_dir: Option<PathBuf>) -> Workbench {
        Workbench {
            base_url: RwLock::new(None),
            open: RwLock::new(None),
            send_options: SendOptions {
                max_body_bytes: APP_BODY_CAP,
                ..SendOptions::default()
            },
            session: Mutex::new((None, Arc::new(Session::new()))),
            bodies: Mutex::new(VecDeque::new()),
            view: Mutex::new(None),
            next_body: Mutex::new(1),
            cancel: Mutex::new(CancellationToken::new()),
            loading: Mutex::new(None),
            data_dir,
            last: Mutex::new(None),
            mock: Mutex::new(None),
            fuzzed: Mutex::new((Vec::new(), 0)),
        }
    }

    fn store(&self) -> Result<Store> {
        Ok(Store::open_default(self.data_dir.as_deref())?)
    }

    fn current(&self) -> Result<Arc<Open>> {
        self.open
            .read()
            .map_err(|_| WorkbenchError::NoSpec)?
            .clone()
            .ok_or(WorkbenchError::NoSpec)
    }

    fn set(&self, source: String, spec: Spec) -> SpecSummary {
        let summary = SpecSummary {
            source: source.clone(),
            title: spec.title().to_string(),
            version: spec.api_version().to_string(),
            openapi: format!("{:?}", spec.version()),
            operations: spec.operations().len(),
            collection: None,
            base_url: None,
            sync: None,
            environment: None,
        };
        let open = Open {
            modified: modified(&source),
            source,
            contract: Arc::new(Contract::new(Arc::new(spec))),
        };
        if let Ok(mut slot) = self.open.write() {
            *slot = Some(Arc::new(open));
        }
        // A mock serves the spec it was started on: another spec stops it.
        self.drop_mock();
        summary
    }

    /// Opens a spec from a path or URL (replacing the open one). A collection folder is
    /// imported the first time (its credentials lifted into secrets) and stays linked: every
    /// later open syncs the store with it (see [`exchange::link`]), so opening it again never
    /// deletes what was saved or set in the window, and picks up what changed on disk. Calls
    /// go to its environments' `baseUrl`.
    pub async fn open(&self, source: &str) -> Result<SpecSummary> {
        let dir = std::path::Path::new(source);
        if dir.join("collection.yaml").is_file() {
            let bundle = exchange::read_folder(dir)?;
            let mut store = self.store()?;
            let c = match store.collection(&bundle.name) {
                Ok(c) => c,
                Err(StoreError::NotFound { .. }) => {
                    let input = exchange::Input::Path(dir.to_path_buf());
                    exchange::import(&mut store, &input, &exchange::ImportOptions::default())
                        .await?;
                    store.collection(&bundle.name)?
                }
                Err(e) => return Err(e.into()),
            };
            let sync = exchange::link::link(&mut store, &c.name, dir)?;
            let spec_source = bundle
                .spec
                .as_ref()
                .map(|s| s.source.clone())
                .ok_or_else(|| {
                    WorkbenchError::Spec(SpecError::Read {
                        source_name: source.into(),
                        reason: "the collection names no spec".into(),
                    })
                })?;
            let spec = Spec::load(&spec_source, &LoadOptions::default()).await?;
            // The stored environments: what was set in the window wins over the folder.
            let mut base = None;
            let names = store.environments(Some(c.id))?;
            let first_env = names.first().map(|n| format!("{}/{n}", c.name));
            for name in names {
                let env = store.environment(Some(c.id), &name)?;
                if let Some(v) = env.variables.get("baseUrl") {
                    base = Some(v.value.clone());
                    break;
                }
            }
            if let Ok(mut b) = self.base_url.write() {
                b.clone_from(&base);
            }
            let mut summary = self.set(spec_source, spec);
            summary.collection = Some(c.name);
            summary.base_url = base;
            summary.sync = Some(sync);
            summary.environment = first_env;
            return Ok(summary);
        }
        let spec = Spec::load(source, &LoadOptions::default()).await?;
        if let Ok(mut b) = self.base_url.write() {
            *b = None;
        }
        Ok(self.set(source.to_string(), spec))
    }

    /// Opens a spec pasted as text.
    pub fn open_text(&self, text: &str) -> Result<SpecSummary> {
        let spec = Spec::from_bytes(text.as_bytes(), Some("pasted"), &LoadOptions::default())?;
        Ok(self.set("pasted".into(), spec))
    }

    /// Whether the open spec's file changed since it was read (the app then reloads it).
    pub fn spec_changed(&self) -> bool {
        self.current()
            .ok()
            .and_then(|o| Some(o.modified? != modified(&o.source)?))
            .unwrap_or(false)
    }

    /// The source of the open spec (to reload it).
    pub fn spec_source(&self) -> Option<String> {
        self.current().ok().map(|o| o.source.clone())
    }

    /// Environments a call can use: the global ones (`NAME`) and the collections'
    /// (`COLLECTION/NAME`).
    pub fn environments(&self) -> Result<Vec<String>> {
        let store = self.store()?;
        let mut out = store.environments(None)?;
        for c in store.collections()? {
            for e in store.environments(Some(c.id))? {
                out.push(format!("{}/{e}", c.name));
            }
        }
        Ok(out)
    }

    fn env_scope(&self, store: &Store, name: &str) -> Result<(Option<i64>, String)> {
        Ok(match name.rsplit_once('/') {
            Some((c, e)) => (Some(store.collection(c)?.id), e.to_string()),
            None => (None, name.to_string()),
        })
    }

    /// Deletes an environment (`name`, or `collection/name`), secrets and all; a linked
    /// collection's folder loses its file at the sync.
    pub fn delete_environment(&self, name: &str) -> Result<()> {
        let mut store = self.store()?;
        let (scope, short) = self.env_scope(&store, name)?;
        store.remove_environment(scope, &short)?;
        if let Some((collection, _)) = name.rsplit_once('/') {
            self.sync_with(&mut store, collection)?;
        }
        Ok(())
    }

    /// Renames an environment (`name` or `collection/name`) within its scope; `to` is the
    /// short name. Secrets keep their values and the origins they are bound to. Returns its
    /// new full name.
    pub fn rename_environment(&self, name: &str, to: &str) -> Result<String> {
        let to = to.trim();
        if to.is_empty() || to.contains('/') {
            return Err(saved::usage(
                format!("`{to}` cannot name an environment"),
                "type a name without `/`",
            ));
        }
        let mut store = self.store()?;
        let (scope, short) = self.env_scope(&store, name)?;
        store.rename_environment(scope, &short, to)?;
        if let Some((collection, _)) = name.rsplit_once('/') {
            self.sync_with(&mut store, collection)?;
        }
        Ok(match name.rsplit_once('/') {
            Some((collection, _)) => format!("{collection}/{to}"),
            None => to.to_string(),
        })
    }

    /// An environment for editing: secret values are masked (None).
    pub fn environment_view(&self, name: &str) -> Result<EnvView> {
        let store = self.store()?;
        let (scope, short) = self.env_scope(&store, name)?;
        let env = store.environment(scope, &short)?;
        Ok(EnvView {
            name: name.into(),
            variables: env
                .variables
                .iter()
                .map(|(k, v)| VarView {
                    name: k.clone(),
                    value: (!v.secret).then(|| v.value.clone()),
                    secret: v.secret,
                })
                .collect(),
        })
    }

    /// Saves an environment (created when new). A secret sent without a value keeps the value
    /// it had; credentials per security scheme are kept as they were.
    pub fn save_environment(&self, view: &EnvView) -> Result<()> {
        let mut store = self.store()?;
        let (scope, short) = self.env_scope(&store, &view.name)?;
        let old = store.environment(scope, &short).ok();
        let mut env = Environment {
            name: short,
            variables: Default::default(),
            auth: old.as_ref().map(|o| o.auth.clone()).unwrap_or_default(),
        };
        for v in view.variables.iter().filter(|v| !v.name.trim().is_empty()) {
            let was_secret = old
                .as_ref()
                .and_then(|o| o.variables.get(&v.name))
                .is_some_and(|x| x.secret);
            if was_secret && !v.secret && v.value.is_none() {
                // Un-hiding a secret would show it, and send it into the next export.
                return Err(crate::Problem {
                    kind: "usage".into(),
                    message: format!("`{}` is secret: its value cannot be un-hidden", v.name),
                    hint: "type a new value to make it a plain variable".into(),
                }
                .into());
            }
            let value = match &v.value {
                Some(x) => x.clone(),
                None => old
                    .as_ref()
                    .and_then(|o| o.variables.get(&v.name))
                    .map(|x| x.value.clone())
                    .unwrap_or_default(),
            };
            env.variables.insert(
                v.name.clone(),
                crate::request::Variable {
                    // A value typed here is bound to the environment's baseUrl as it is now;
                    // a kept one keeps its binding.
                    origins: match (
                        &v.value,
                        old.as_ref().and_then(|o| o.variables.get(&v.name)),
                    ) {
                        (None, Some(kept)) => kept.origins.clone(),
                        _ if v.secret => base_origin(view).into_iter().collect(),
                        _ => Vec::new(),
                    },
                    value,
                    secret: v.secret,
                },
            );
        }
        store.save_environment(scope, &env)?;
        if let Some((c, _)) = view.name.rsplit_once('/') {
            self.sync_with(&mut store, c)?;
        }
        Ok(())
    }

    /// The most recent calls, newest first.
    pub fn history(&self, limit: usize) -> Result<Vec<HistoryRow>> {
        Ok(self
            .store()?
            .history(limit)?
            .into_iter()
            .map(|h| HistoryRow {
                at: h.at,
                method: h.method,
                url: h.url,
                status: h.status,
                findings: h.findings.as_array().map_or(0, Vec::len) as u32,
                operation_id: h.operation_id,
                draft: serde_json::from_value(h.draft).ok(),
            })
            .collect())
    }

    /// A draft as a `curl` command line: exactly what the one send would put on the wire
    /// with this environment (parameters serialised, auth applied), secrets masked.
    pub fn curl(
        &self,
        operation_id: Option<String>,
        draft: Draft,
        env: Option<String>,
    ) -> Result<String> {
        self.snippet(operation_id, draft, env, "curl")
    }

    /// A draft as code (`curl`, `httpx` for Python, `fetch` for JavaScript): what the engine
    /// would send with this environment, secrets masked.
    pub fn snippet(
        &self,
        operation_id: Option<String>,
        draft: Draft,
        env: Option<String>,
        lang: &str,
    ) -> Result<String> {
        let open = self.current()?;
        let environment = self.environment(env.as_deref().filter(|e| !e.is_empty()))?;
        let draft = self.with_base_url(draft);
        let session = Session::new();
        let ctx = Context {
            contract: &open.contract,
            session: &session,
            env: &environment,
            send: &self.send_options,
            cancel: None,
            accept_status: &[],
            allow_origins: &[],
        };
        let sent = call::preview(&ctx, &Call::of(operation_id.as_deref(), &draft))?;
        Ok(match lang {
            "httpx" => exchange::snippet::httpx(&sent),
            "fetch" => exchange::snippet::fetch(&sent),
            _ => sent.curl,
        })
    }

    /// The operations of the open spec, in document order.
    pub fn operations(&self) -> Result<Vec<OperationRow>> {
        let open = self.current()?;
        Ok(open
            .contract
            .spec()
            .operations()
            .iter()
            .map(|o| OperationRow {
                id: o.id.clone(),
                method: o.method.clone(),
                path: o.path.clone(),
                summary: o.summary.clone(),
                tag: o.tags.first().cloned().or_else(|| path_group(&o.path)),
                deprecated: o.deprecated,
            })
            .collect())
    }

    /// The request form of an operation.
    pub fn form(&self, operation_id: &str) -> Result<OperationForm> {
        let open = self.current()?;
        let spec = open.contract.spec();
        let op = spec
            .operation(operation_id)
            .ok_or_else(|| WorkbenchError::NoOperation(operation_id.into()))?;
        Ok(operation_form(spec, op))
    }

    fn environment(&self, name: Option<&str>) -> Result<Environment> {
        let store = self.store()?;
        match name {
            None | Some("") => Ok(Environment::default()),
            Some(n) => match store.environment(None, n) {
                Ok(env) => Ok(env),
                Err(e) => match n.rsplit_once('/') {
                    Some((c, e)) => Ok(store.environment(Some(store.collection(c)?.id), e)?),
                    None => Err(e.into()),
                },
            },
        }
    }

    /// The session for sends with environment `env`: the window's one session, made anew
    /// when the environment changes.
    fn session(&self, env: Option<&str>) -> Arc<Session> {
        let Ok(mut slot) = self.session.lock() else {
            return Arc::new(Session::new());
        };
        if slot.0.as_deref() != env {
            *slot = (env.map(str::to_string), Arc::new(Session::new()));
        }
        slot.1.clone()
    }

    /// Forgets the session's cookies, tokens and connections (the app's "new session").
    pub fn reset_session(&self) {
        if let Ok(mut slot) = self.session.lock() {
            slot.1 = Arc::new(Session::new());
        }
    }

    fn new_cancel(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut c) = self.cancel.lock() {
            *c = token.clone();
        }
        token
    }

    /// Sends a draft through the engine's one send (as `vouch check` does) on the window's
    /// session; the call goes to the history. Cancelled by [`Workbench::cancel`].
    pub async fn send(
        &self,
        operation_id: Option<String>,
        draft: Draft,
        env: Option<String>,
    ) -> Result<CallView> {
        let open = self.current()?;
        let env_name = env.filter(|e| !e.is_empty());
        let environment = self.environment(env_name.as_deref())?;
        let token = self.new_cancel();
        // A base URL typed in the window is the user's own: allowed for this call.
        let typed: Vec<String> = draft
            .base_url
            .as_deref()
            .filter(|u| !u.contains("{{"))
            .and_then(|u| url::Url::parse(u).ok())
            .map(|u| u.origin().ascii_serialization())
            .into_iter()
            .collect();
        let draft = self.with_base_url(draft);
        let session = self.session(env_name.as_deref());
        let ctx = Context {
            contract: &open.contract,
            session: &session,
            env: &environment,
            send: &self.send_options,
            cancel: Some(&token),
            accept_status: &[],
            allow_origins: &typed,
        };
        let mut checked = call::send(&ctx, &Call::of(operation_id.as_deref(), &draft)).await;
        // History is a convenience: a store that cannot be written does not fail the call.
        // Written off the async workers: another process may hold the store's lock.
        let entry = checked.history_entry(&draft);
        let data_dir = self.data_dir.clone();
        let _ = tokio::task::spawn_blocking(move || {
            Store::open_default(data_dir.as_deref()).and_then(|mut s| s.add_history(&entry))
        })
        .await;
        let e = checked.exchange.as_ref();
        let body_id = e.map(|ex| self.keep(checked.mask.bytes(&ex.body)));
        let view = CallView {
            body_id,
            outcome: checked.outcome(true),
            method: checked.method.clone(),
            url: checked.url.clone(),
            status: e.map(|e| e.status),
            elapsed_ms: e.map(|e| (e.elapsed_ms * 10.0).round() / 10.0),
            ttfb_ms: e.map(|e| (e.ttfb_ms * 10.0).round() / 10.0),
            phases: e.map(phases).unwrap_or_default(),
            redirects: e.map(|e| redirects(e, &checked.mask)).unwrap_or_default(),
            request_headers: checked
                .request
                .as_ref()
                .map(|r| r.headers.clone())
                .unwrap_or_default(),
            request_body: checked.request.as_ref().and_then(|r| r.body.clone()),
            size: e.map(|e| e.size.min(u32::MAX as u64) as u32),
            content_type: e.and_then(|e| e.header("content-type").map(str::to_string)),
            headers: e
                .map(|e| checked.mask.headers(&e.headers))
                .unwrap_or_default(),
            findings: checked.findings.clone(),
            error: checked.error.as_ref().map(crate::Problem::line),
            refused: checked
                .refused
                .clone()
                .map(|(secret, origin)| Refusal { secret, origin }),
            checked_against: checked.operation_id.clone(),
        };
        // The raw exchange moves to `last` (the Checks editor's marks): not copied, a body may
        // be 128 MB.
        if let Ok(mut last) = self.last.lock() {
            *last = checked.exchange.take();
        }
        Ok(view)
    }

    /// Allows a secret of an environment to go to one more origin (the user's answer to a
    /// refused call, remembered with the environment).
    pub fn allow_origin(&self, env: &str, secret: &str, origin: &str) -> Result<()> {
        let mut store = self.store()?;
        let (scope, short) = self.env_scope(&store, env)?;
        let mut e = store.environment(scope, &short)?;
        let var = e
            .variables
            .get_mut(secret)
            .ok_or_else(|| StoreError::NotFound {
                what: "variable",
                name: secret.into(),
            })?;
        if !var.origins.iter().any(|o| o == origin) {
            var.origins.push(origin.to_string());
        }
        store.save_environment(scope, &e)?;
        Ok(())
    }

    /// The draft with the window's base URL when it names none.
    fn with_base_url(&self, mut draft: Draft) -> Draft {
        if draft.base_url.as_deref().is_none_or(str::is_empty) {
            draft.base_url = self.base_url.read().ok().and_then(|b| b.clone());
        }
        draft
    }

    /// What the contract says of a raw JSON body for an operation, before it is sent: a JSON
    /// syntax error (with line and column), or the request body findings.
    pub fn lint_body(&self, operation_id: &str, text: &str) -> Result<Vec<Finding>> {
        use crate::contract::{Direction, FindingKind};
        let open = self.current()?;
        let spec = open.contract.spec();
        let op = spec
            .operation(operation_id)
            .ok_or_else(|| WorkbenchError::NoOperation(operation_id.into()))?;
        let detail = open.contract.detail(op);
        let value: Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                return Ok(vec![Finding {
                    kind: FindingKind::Request,
                    location: String::new(),
                    schema_path: String::new(),
                    expected: Value::String("JSON".into()),
                    actual: Value::Null,
                    message: format!("not JSON: {e}"),
                    severity: crate::contract::Severity::Error,
                }])
            }
        };
        let schema = detail
            .request_body
            .as_ref()
            .and_then(|b| {
                b.content
                    .iter()
                    .find(|m| crate::contract::media::is_json(&m.media_type))
            })
            .and_then(|m| m.schema.clone());
        Ok(match schema {
            Some(loc) => open
                .contract
                .check_value(Direction::Request, &loc, &value)
                .unwrap_or_default(),
            None => Vec::new(),
        })
    }

    /// Cancels the call in flight, if any.
    pub fn cancel(&self) {
        if let Ok(c) = self.cancel.lock() {
            c.cancel();
        }
    }

    fn keep(&self, body: Vec<u8>) -> u32 {
        let id = self.next_body.lock().map(|mut n| {
            let id = *n;
            *n += 1;
            id
        });
        let id = id.unwrap_or(0);
        if let Ok(mut b) = self.bodies.lock() {
            b.push_back((id, Arc::new(body)));
            let mut total: usize = b.iter().map(|(_, body)| body.len()).sum();
            while b.len() > KEPT_BODIES || (b.len() > 1 && total > KEPT_BYTES) {
                if let Some((_, gone)) = b.pop_front() {
                    total -= gone.len();
                }
            }
        }
        id
    }

    /// A page of a kept body (`len` bytes from `offset`, cut back to a UTF-8 boundary).
    pub fn body(&self, body_id: u32, offset: u32, len: u32) -> Option<BodyPage> {
        let bodies = self.bodies.lock().ok()?;
        let (_, body) = bodies.iter().find(|(id, _)| *id == body_id)?;
        let start = (offset as usize).min(body.len());
        let mut end = start.saturating_add(len as usize).min(body.len());
        // Do not split a UTF-8 sequence: back off to the last boundary (at most 3 bytes).
        while end > start && end < body.len() && (body[end] & 0xC0) == 0x80 {
            end -= 1;
        }
        Some(BodyPage {
            text: String::from_utf8_lossy(&body[start..end]).into_owned(),
            offset: start as u32,
            next: end as u32,
            total: body.len() as u32,
        })
    }

    /// A kept body, shared (not copied).
    fn kept(&self, body_id: u32) -> Option<Arc<Vec<u8>>> {
        let bodies = self.bodies.lock().ok()?;
        bodies
            .iter()
            .find(|(id, _)| *id == body_id)
            .map(|(_, b)| b.clone())
    }

    /// Raw bytes `[offset, offset + len)` of a kept body (the app reads bodies this way, as
    /// binary IPC responses; a page shorter than `len` is the last).
    pub fn body_slice(&self, body_id: u32, offset: u32, len: u32) -> Option<Vec<u8>> {
        let bodies = self.bodies.lock().ok()?;
        let (_, body) = bodies.iter().find(|(id, _)| *id == body_id)?;
        let start = (offset as usize).min(body.len());
        let end = start.saturating_add(len as usize).min(body.len());
        Some(body[start..end].to_vec())
    }

    /// The collections in the store with their requests' names.
    pub fn collections(&self) -> Result<Vec<CollectionRow>> {
        let store = self.store()?;
        let mut out = Vec::new();
        for c in store.collections()? {
            let requests = store.requests(c.id)?.into_iter().map(|r| r.name).collect();
            let suites = store.suites(c.id)?;
            let folder = store.link(c.id)?.map(|l| l.dir.display().to_string());
            let verdicts = store.last_outcomes(c.id)?;
            let bundle = exchange::from_store(&store, &c.name)?;
            let folders = bundle.folders.iter().map(|f| f.path.clone()).collect();
            let items = bundle
                .requests
                .into_iter()
                .map(|r| TreeItem {
                    key: r.key(),
                    verdict: verdicts.get(&r.name).cloned(),
                    name: r.name,
                    folder: r.folder,
                    method: r.draft.method,
                })
                .collect();
            out.push(CollectionRow {
                name: c.name,
                requests,
                suites,
                folder,
                items,
                folders,
            });
        }
        Ok(out)
    }

    /// Saves a draft into a collection (created, and linked to the open spec, when new). A
    /// request of that name at the top of the collection is updated (its assertions and place
    /// kept). A collection linked to a folder is synced: the request's file is written, unless
    /// it changed on disk too (then the conflict is reported, nothing overwritten).
    pub fn save(
        &self,
        collection: &str,
        name: &str,
        operation_id: Option<String>,
        draft: Draft,
    ) -> Result<Option<exchange::link::SyncReport>> {
        let mut store = self.store()?;
        let c = match store.collection(collection) {
            Ok(c) => c,
            Err(StoreError::NotFound { .. }) => {
                let c = store.create_collection(collection, "")?;
                if let Ok(open) = self.current() {
                    store.set_spec_source(c.id, &open.source)?;
                }
                c
            }
            Err(e) => return Err(e.into()),
        };
        let requests = store.requests(c.id)?;
        match requests
            .iter()
            .find(|r| r.folder_id.is_none() && r.name == name)
        {
            Some(old) => store.update_request(&SavedRequest {
                operation_id,
                draft,
                ..old.clone()
            })?,
            None => {
                store.save_request(
                    c.id,
                    &SavedRequest {
                        id: 0,
                        folder_id: None,
                        name: name.into(),
                        seq: requests.len() as i64,
                        operation_id,
                        draft,
                        assertions: Value::Array(Vec::new()),
                        extractions: Value::Array(Vec::new()),
                        scripts: Value::Array(Vec::new()),
                    },
                )?;
            }
        }
        self.sync_with(&mut store, &c.name)
    }

    /// Syncs a collection with its folder when it is linked to one.
    fn sync_with(
        &self,
        store: &mut Store,
        collection: &str,
    ) -> Result<Option<exchange::link::SyncReport>> {
        match exchange::link::linked_dir(store, collection)? {
            Some(_) => Ok(Some(exchange::link::sync(store, collection)?)),
            None => Ok(None),
        }
    }

    /// Syncs a collection with its folder (None: it is not linked to one): what changed on
    /// disk is taken, what was saved here is written, conflicts are reported.
    pub fn sync(&self, collection: &str) -> Result<Option<exchange::link::SyncReport>> {
        let mut store = self.store()?;
        self.sync_with(&mut store, collection)
    }

    /// Ends a conflict of a linked collection by keeping this machine's version (written to
    /// the folder) or the folder's (this machine's goes to the trash).
    pub fn resolve(
        &self,
        collection: &str,
        key: &str,
        keep_mine: bool,
    ) -> Result<exchange::link::SyncReport> {
        let mut store = self.store()?;
        let keep = if keep_mine {
            exchange::link::Keep::Mine
        } else {
            exchange::link::Keep::Theirs
        };
        Ok(exchange::link::resolve(&mut store, collection, key, keep)?)
    }

    /// Approves the files a collection's file parts read (answering a run refused for them);
    /// returns them.
    pub fn approve_files(&self, collection: &str) -> Result<Vec<String>> {
        let mut store = self.store()?;
        let mut t = crate::suite::from_store(&store, collection)?;
        if let Some(link) = store.link(t.collection.id)? {
            for step in &mut t.steps {
                exchange::anchor_draft(&mut step.draft, &link.dir);
            }
        }
        let files: Vec<String> = crate::run::file_parts(&t.steps)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        store.approve_files(t.collection.id, &files)?;
        Ok(files)
    }

    /// What syncs and conflict resolutions took out of a collection, newest first.
    pub fn trash(&self, collection: &str) -> Result<Vec<crate::store::Trashed>> {
        let store = self.store()?;
        let c = store.collection(collection)?;
        Ok(store.trash(c.id)?)
    }

    /// Puts an item of the trash back (and into the folder, when linked).
    pub fn restore(&self, collection: &str, id: i64) -> Result<exchange::link::SyncReport> {
        let mut store = self.store()?;
        Ok(exchange::link::restore(&mut store, collection, id)?)
    }

    /// Creates a suite in a collection: its saved requests named in order.
    pub fn create_suite(&self, collection: &str, name: &str, requests: &[String]) -> Result<()> {
        let mut store = self.store()?;
        let c = store.collection(collection)?;
        let saved = store.requests(c.id)?;
        let mut steps = Vec::new();
        for r in requests {
            let found =
                saved
                    .iter()
                    .find(|s| &s.name == r)
                    .ok_or_else(|| StoreError::NotFound {
                        what: "request",
                        name: r.clone(),
                    })?;
            steps.push(crate::store::SuiteStep {
                request_id: found.id,
                overrides: Value::Object(Default::default()),
            });
        }
        store.create_suite(c.id, name, &steps)?;
        self.sync_with(&mut store, &c.name)?;
        Ok(())
    }

    /// The last `limit` runs of a target (`collection` or `collection/suite`), oldest first.
    pub fn runs(&self, target: &str, limit: usize) -> Result<Vec<RunPoint>> {
        let store = self.store()?;
        let mut out = Vec::new();
        for id in store.recent_runs(limit.saturating_mul(20).max(limit))? {
            let r = store.run(id)?;
            if r.target != target {
                continue;
            }
            out.push(RunPoint {
                id: id as u32,
                at: r.started_at,
                passed: r
                    .steps
                    .iter()
                    .filter(|s| s.outcome == StepOutcome::Passed)
                    .count() as u32,
                total: r.steps.len() as u32,
                times: r.steps.iter().map(|s| s.elapsed_ms).collect(),
            });
            if out.len() == limit {
                break;
            }
        }
        out.reverse();
        Ok(out)
    }

    /// Runs a collection (or `collection/suite`) through the engine's one run (as `vouch
    /// run` does: a fresh session, every step recorded), reporting progress.
    pub async fn run(
        &self,
        target: &str,
        env: Option<String>,
        on_event: impl FnMut(&Event) + Send,
    ) -> Result<RunView> {
        let (plan, contract) = self.planned(target, env).await?;
        let mut store = self.store()?;
        let token = self.new_cancel();
        let session = Session::new();
        let ctx = self.run_context(&plan, &contract, &session, &token);
        let summary = crate::run::execute(
            &mut store,
            &plan,
            &ctx,
            &RunOptions { concurrency: 1 },
            on_event,
        )
        .await?;
        Ok(run_view(&summary, plan.env_note.clone()))
    }

    /// How a run's (or a load run's) steps are sent: its own session, cancelled by `token`.
    fn run_context<'a>(
        &'a self,
        plan: &'a crate::run::Plan,
        contract: &'a Open,
        session: &'a Session,
        token: &'a CancellationToken,
    ) -> Context<'a> {
        plan.context(&contract.contract, session, &self.send_options, Some(token))
    }

    /// The plan of a run of `target` (a collection or `collection/suite`) with `env`, and the
    /// contract it checks against: the open spec's (validators already compiled) when it is
    /// the run's spec.
    async fn planned(
        &self,
        target: &str,
        env: Option<String>,
    ) -> Result<(crate::run::Plan, Arc<Open>)> {
        let request = crate::run::RunRequest {
            target: Some(target.to_string()),
            env: env
                .filter(|e| !e.is_empty())
                .map(|e| match e.rsplit_once('/') {
                    // The app names a collection's environment `COLLECTION/NAME`.
                    Some((_, short)) => short.to_string(),
                    None => e,
                }),
            ..crate::run::RunRequest::default()
        };
        // The store is opened (and dropped) before the await: a connection is not `Sync`.
        let plan = crate::run::plan(&self.store()?, &request)?;
        let open = self.current().ok();
        let contract = match open
            .as_ref()
            .filter(|o| plan.spec.source() == Some(o.source.as_str()))
        {
            Some(o) => o.clone(),
            None => Arc::new(Open {
                source: plan.spec.source().unwrap_or_default().to_string(),
                contract: Arc::new(crate::run::contract(&plan).await?),
                modified: None,
            }),
        };
        Ok((plan, contract))
    }

    /// A report (`junit`, `json` or `html`) of a stored run: the same bytes `vouch run`
    /// wrote for it, given the same spec.
    pub fn report(&self, run_id: i64, kind: &str) -> Result<String> {
        let store = self.store()?;
        let record = store.run(run_id)?;
        let open = self.current()?;
        let spec = open.contract.spec();
        let report = crate::report::RunReport::from_record(&record, spec);
        Ok(match kind {
            "junit" => report.junit(Some(spec)),
            "html" => report.html(Some(spec)),
            _ => report.json(),
        })
    }

    /// Exports a collection as a Vouch folder (`postman`: as a Postman v2.1 file at `to`);
    /// returns the number of files written. Refused when a value looks like a credential.
    pub fn export(&self, collection: &str, to: &std::path::Path, postman: bool) -> Result<usize> {
        let store = self.store()?;
        let target = if postman {
            exchange::ExportTo::Postman(to.to_path_buf())
        } else {
            exchange::ExportTo::Folder(to.to_path_buf())
        };
        Ok(
            match exchange::export(&store, collection, &target, false)? {
                exchange::Exported::Files(f) => f.len(),
                exchange::Exported::Curl(_) => 0,
            },
        )
    }

    /// Imports a folder or file of any supported format (an OpenAPI document or a Postman
    /// environment included): what was imported, and what could not be carried over.
    pub async fn import(&self, path: &std::path::Path) -> Result<ImportView> {
        let mut store = self.store()?;
        let imported = exchange::import(
            &mut store,
            &exchange::Input::Path(path.to_path_buf()),
            &exchange::ImportOptions::default(),
        )
        .await?;
        Ok(match imported {
            exchange::Imported::Collection { name, warnings, .. } => ImportView { name, warnings },
            exchange::Imported::Environment { name, .. } => ImportView {
                name: format!("environment {name}"),
                warnings: Vec::new(),
            },
        })
    }
}
