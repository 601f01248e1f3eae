//! The app's IPC contract, declared once: every command the UI may call, with its arguments,
//! its result and its one-line body calling the engine ([`Workbench`]). From the one list
//! below, [`commands!`] generates the `#[tauri::command]` functions, the invoke [`handler`],
//! and (in tests) the TypeScript client `ui/src/api/commands.ts`, whose drift test is in
//! `bindings.rs`.
//!
//! Every command is `async`, so none runs on the main thread (a synchronous Tauri command
//! would, freezing the window while it waits, e.g. on the store's lock held by `vouch` in
//! another process). A `blocking` body runs on the blocking pool
//! (`tauri::async_runtime::spawn_blocking`) with its own handle on the shared workbench; an
//! `async` body is awaited on the async runtime. A body is a `vouch::workbench::Result` of the
//! command's result type; errors cross as [`AppError`] (`{kind, message, hint}`).

use std::sync::Arc;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use vouch::contract::Finding;
use vouch::diff::{Pick, Resynced};
use vouch::exchange::link::SyncReport;
use vouch::request::{Auth, Draft};
use vouch::store::Trashed;
use vouch::workbench::{
    BodyHits, BodyLayout, BodyLine, CallView, CheckMark, CheckRow, CollectionRow, EnvView,
    FreeRequest, FuzzSettings, FuzzView, HistoryRow, ImportView, InheritedView, LinkedChanges,
    LoadSettings, LoadView, MockSettings, MockView, OperationForm, OperationRow, RunPoint, RunView,
    SavedRef, SavedView, SpecChangesView, SpecSummary, StepDetail, Workbench, WorkbenchError,
};

/// An error as the UI receives it.
#[derive(Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppError {
    kind: String,
    message: String,
    hint: String,
}

impl From<WorkbenchError> for AppError {
    fn from(e: WorkbenchError) -> Self {
        // Any engine error, through the one diagnostic shape.
        let p = vouch::Problem::of(&e);
        AppError {
            kind: p.kind,
            message: p.message,
            hint: p.hint,
        }
    }
}

impl AppError {
    /// A command that did not finish (its blocking task panicked or was cancelled).
    fn internal(e: impl std::fmt::Display) -> Self {
        AppError {
            kind: "internal".into(),
            message: format!("the command did not finish: {e}"),
            hint: "this is a bug in Vouch: please report it".into(),
        }
    }
}

/// What a command returns to the UI.
pub type Reply<T> = Result<T, AppError>;

/// What the app was started with (`vouch-app SPEC`), for the UI to open first.
pub struct Startup(pub Option<String>);

/// The event a suite run reports its progress with (a `vouch::suite::Event`).
pub const RUN_EVENT: &str = "run-event";

/// The event a load run reports each second with (a `vouch::workbench::LoadTick`).
pub const LOAD_EVENT: &str = "load-tick";

/// The event the mock reports each request it served with (a `vouch::mock::Served`).
pub const MOCK_EVENT: &str = "mock-served";

/// The event a fuzz run reports its progress with (a `vouch::fuzz::Event`).
pub const FUZZ_EVENT: &str = "fuzz-event";

/// Declares the commands: for each, `fn name(arg: Type, ...) -> Result [as "TsType"] = mode
/// |wb[, injected: Type...]| body;` where `mode` is `blocking` or `async`, `wb` names the
/// shared `Arc<Workbench>`, and injected parameters (managed state, the app handle) are
/// Tauri's, not the UI's. `as "TsType"` overrides the result's TypeScript type (raw bytes).
macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($($arg:ident: $argty:ty),* $(,)?) -> $ret:ty $(as $ts:literal)?
            = $mode:ident |$wb:ident $(, $inj:ident: $injty:ty)*| $body:expr;
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            async fn $name(
                $($arg: $argty,)*
                $($inj: $injty,)*
                $wb: State<'_, Arc<Workbench>>,
            ) -> Reply<$ret> {
                let $wb: Arc<Workbench> = Arc::clone(&$wb);
                commands!(@run $mode $ret, $body)
            }
        )*

        /// The invoke handler of every command.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }

        /// Declares every command to the TypeScript client generator.
        #[cfg(test)]
        pub(crate) fn declare(ts: &mut crate::bindings::Client) {
            $(
                let args: Vec<(&str, String)> = vec![$((stringify!($arg), ts.ty::<$argty>())),*];
                let ret = commands!(@ts ts, $ret $(, $ts)?);
                ts.command(stringify!($name), &[$($doc),*], &args, &ret);
            )*
        }
    };
    (@run blocking $ret:ty, $body:expr) => {
        Ok(tauri::async_runtime::spawn_blocking(move || -> vouch::workbench::Result<$ret> { $body })
            .await
            .map_err(AppError::internal)??)
    };
    (@run async $ret:ty, $body:expr) => {{
        let out: vouch::workbench::Result<$ret> = $body;
        Ok(out?)
    }};
    (@ts $g:ident, $ret:ty) => {
        $g.result::<$ret>()
    };
    (@ts $g:ident, $ret:ty, $ts:literal) => {
        String::from($ts)
    };
}

commands! {
    /// What the app was started with (`vouch-app SPEC`), for the UI to open first.
    fn startup() -> Option<String> = async |_wb, startup: State<'_, Startup>| Ok(startup.0.clone());

    /// Opens a spec from a path or URL, or a collection folder (imported, its spec opened).
    fn open_spec(source: String) -> SpecSummary = async |wb| wb.open(&source).await;

    /// Opens a spec pasted as text.
    fn open_text(text: String) -> SpecSummary = blocking |wb| wb.open_text(&text);

    /// The operations of the open spec, in document order.
    fn operations() -> Vec<OperationRow> = blocking |wb| wb.operations();

    /// The request form of an operation.
    fn operation_form(id: String) -> OperationForm = blocking |wb| wb.form(&id);

    /// Sends a draft and checks the exchange against the contract (cancelled by `cancel`).
    fn send(operation_id: Option<String>, draft: Draft, env: Option<String>, saved: Option<SavedRef>) -> CallView
        = async |wb| wb.send_saved(operation_id, draft, env, saved).await;

    /// Cancels the call in flight, if any.
    fn cancel() -> () = blocking |wb| { wb.cancel(); Ok(()) };

    /// What the contract says of a raw JSON body for an operation, before it is sent.
    fn lint_body(operation_id: String, text: String) -> Vec<Finding>
        = blocking |wb| wb.lint_body(&operation_id, &text);

    /// How a kept body is laid out in lines (pretty JSON when asked and possible).
    fn body_layout(body_id: u32, pretty: bool) -> BodyLayout = blocking |wb| wb.body_layout(body_id, pretty);

    /// Lines of a kept body's layout, a block at a time (the window draws only these).
    fn body_lines(body_id: u32, pretty: bool, from: u32, count: u32) -> Vec<BodyLine>
        = blocking |wb| wb.body_lines(body_id, pretty, from, count);

    /// The lines of a kept body's layout containing a text (case ignored).
    fn body_search(body_id: u32, pretty: bool, query: String) -> BodyHits
        = blocking |wb| wb.body_search(body_id, pretty, &query);

    /// The pretty layout's line for a JSON pointer (a finding's location).
    fn body_line_of(body_id: u32, pointer: String) -> Option<u32>
        = blocking |wb| wb.body_line_of(body_id, &pointer);

    /// The collections in the store with their requests' names.
    fn collections() -> Vec<CollectionRow> = blocking |wb| wb.collections();

    /// Saves a draft into a collection (created, and linked to the open spec, when new; a
    /// request of that name updated); a collection linked to a folder is synced with it.
    fn save_request(collection: String, name: String, operation_id: Option<String>, draft: Draft) -> Option<SyncReport>
        = blocking |wb| wb.save(&collection, &name, operation_id, draft);

    /// Opens a saved request (`key`: its folders and name joined by `/`) with its checks.
    fn open_saved(collection: String, key: String) -> SavedView = blocking |wb| wb.open_saved(&collection, &key);

    /// Saves a request opened in the window (a new one when its key is empty), checks included.
    fn save_saved(view: SavedView) -> Option<SyncReport> = blocking |wb| wb.save_saved(&view);

    /// Renames a saved request; its new key.
    fn rename_request(collection: String, key: String, name: String) -> String
        = blocking |wb| wb.rename_request(&collection, &key, &name);

    /// Moves a saved request to a folder (made when missing; empty: the top); its new key.
    fn move_request(collection: String, key: String, folder: Vec<String>) -> String
        = blocking |wb| wb.move_request(&collection, &key, &folder);

    /// Duplicates a saved request beside it; the copy's key.
    fn duplicate_request(collection: String, key: String) -> String
        = blocking |wb| wb.duplicate_request(&collection, &key);

    /// Deletes a saved request into the trash; the trash item's id (restore it to undo).
    fn delete_request(collection: String, key: String) -> u32 = blocking |wb| wb.delete_request(&collection, &key);

    /// A new, empty request in a folder of a collection; its key.
    fn new_request(collection: String, folder: Vec<String>) -> String
        = blocking |wb| wb.new_request(&collection, &folder);

    /// A new folder (and its missing parents) in a collection.
    fn new_folder(collection: String, path: Vec<String>) -> () = blocking |wb| wb.new_folder(&collection, &path);

    /// Puts a saved request in a folder, before another of its requests (null: at the end);
    /// its new key.
    fn place_request(collection: String, key: String, folder: Vec<String>, before: Option<String>) -> String
        = blocking |wb| wb.place_request(&collection, &key, &folder, before.as_deref());

    /// Deletes a suite into the collection's trash; the trash item's id (restore undoes it).
    fn delete_suite(collection: String, name: String) -> u32 = blocking |wb| wb.delete_suite(&collection, &name);

    /// Deletes an environment (`name` or `collection/name`), secrets and all.
    fn delete_environment(name: String) -> () = blocking |wb| wb.delete_environment(&name);

    /// Renames an environment (`name` or `collection/name`; `to` is the short name); its new full name.
    fn rename_environment(name: String, to: String) -> String = blocking |wb| wb.rename_environment(&name, &to);

    /// Renames a collection (and its linked folder's `collection.yaml`).
    fn rename_collection(name: String, to: String) -> () = blocking |wb| wb.rename_collection(&name, &to);

    /// Deletes a collection, its requests, suites and environments (a linked folder stays on disk).
    fn delete_collection(name: String) -> () = blocking |wb| wb.delete_collection(&name);

    /// What a saved request inherits when it sets no auth (null: the environment's credentials).
    fn inherited_auth(collection: String, folder: Vec<String>) -> Option<InheritedView> = blocking |wb| wb.inherited_auth(&collection, &folder);

    /// The auth set on a collection (`folder` empty) or one of its folders itself.
    fn auth_of(collection: String, folder: Vec<String>) -> Option<Auth> = blocking |wb| wb.auth_of(&collection, &folder);

    /// Sets (null: clears) the auth a collection's or a folder's requests inherit.
    fn set_auth(collection: String, folder: Vec<String>, auth: Option<Auth>) -> () = blocking |wb| wb.set_auth(&collection, &folder, auth);

    /// A value of the window's state kept in the store (null: none).
    fn ui_state(key: String) -> Option<String> = blocking |wb| wb.ui_state(&key);

    /// Keeps a value of the window's state in the store.
    fn set_ui_state(key: String, value: String) -> () = blocking |wb| wb.set_ui_state(&key, &value);

    /// A request from a pasted cURL command, `METHOD URL` or a URL, matched against the spec.
    fn parse_request(text: String) -> FreeRequest = blocking |wb| wb.parse_request(&text);

    /// One step of a stored run, to drill into: the request as sent, the response, the reasons.
    fn run_step(run_id: u32, seq: u32) -> StepDetail = blocking |wb| wb.run_step(i64::from(run_id), seq);

    /// What a JSON pointer or JSONPath selects in a kept response body (null: nothing).
    fn filter_body(body_id: u32, path: String) -> Option<String> = blocking |wb| wb.filter_body(body_id, &path);

    /// Check rows evaluated on the window's last response.
    fn evaluate_checks(rows: Vec<CheckRow>) -> Vec<CheckMark> = blocking |wb| Ok(wb.evaluate_checks(&rows));

    /// Syncs a collection with its folder (null: it is not linked to one).
    fn sync_collection(collection: String) -> Option<SyncReport> = blocking |wb| wb.sync(&collection);

    /// Ends a conflict of a linked collection: keep this machine's version, or the folder's.
    fn resolve_conflict(collection: String, key: String, keep_mine: bool) -> SyncReport
        = blocking |wb| wb.resolve(&collection, &key, keep_mine);

    /// Approves the files a collection's file parts read (asked when a run is refused for them).
    fn approve_files(collection: String) -> Vec<String> = blocking |wb| wb.approve_files(&collection);

    /// What syncs took out of a collection (restorable), newest first.
    fn trash(collection: String) -> Vec<Trashed> = blocking |wb| wb.trash(&collection);

    /// Puts an item of a collection's trash back.
    fn restore(collection: String, id: u32) -> SyncReport
        = blocking |wb| wb.restore(&collection, i64::from(id));

    /// Runs a collection (or `collection/suite`), reporting progress as `run-event` events.
    fn run_suite(target: String, env: Option<String>) -> RunView
        = async |wb, app: AppHandle| wb.run(&target, env, |e| { let _ = app.emit(RUN_EVENT, e); }).await;

    /// Sends a collection's (or `collection/suite`'s) steps under load as `vouch load` does,
    /// reporting each second as `load-tick` events; `cancel_load` stops it, keeping its
    /// figures. One at a time.
    fn load_suite(target: String, env: Option<String>, settings: LoadSettings) -> LoadView
        = async |wb, app: AppHandle| wb.load(&target, env, &settings, |t| { let _ = app.emit(LOAD_EVENT, t); }).await;

    /// Stops the load run in progress, if any.
    fn cancel_load() -> () = blocking |wb| { wb.cancel_load(); Ok(()) };

    /// Starts a mock of the open spec on a free port of 127.0.0.1 (stopping the one serving),
    /// reporting each request it serves as `mock-served` events; it serves until `stop_mock`,
    /// another start, or another spec opened.
    fn start_mock(settings: MockSettings) -> MockView
        = async |wb, app: AppHandle| wb.start_mock(&settings, move |s| { let _ = app.emit(MOCK_EVENT, s); }).await;

    /// Stops the mock serving, if any (its port closed when this returns).
    fn stop_mock() -> () = async |wb| { wb.stop_mock().await; Ok(()) };

    /// Fuzzes the open spec (or one operation) as `vouch fuzz` does, with the window's base
    /// URL and environment `env`, reporting progress as `fuzz-event` events; `cancel` stops it,
    /// keeping what was found.
    fn fuzz(settings: FuzzSettings, env: Option<String>) -> FuzzView
        = async |wb, app: AppHandle| wb.fuzz(&settings, env, |e| { let _ = app.emit(FUZZ_EVENT, e); }).await;

    /// Saves failures of the last fuzz run (their places in its list; empty: all) into a
    /// collection, each with the assertion that failed; returns the folder they went in.
    fn save_fuzz_failures(collection: String, which: Vec<u32>) -> String
        = blocking |wb| wb.save_fuzz_failures(&collection, &which);

    /// What the open spec changes for a collection: the changes from the spec it was last
    /// synced with, the saved work they reach, and the re-sync plan.
    fn spec_changes(collection: String) -> SpecChangesView
        = async |wb| wb.spec_changes(&collection).await;

    /// The collections made from the open spec's source whose kept copy it no longer is: told
    /// when a spec is opened or reloaded.
    fn linked_changes() -> Vec<LinkedChanges>
        = async |wb| wb.linked_changes().await;

    /// Re-syncs a collection with the open spec, keeping its edits (`take`: `ours` or
    /// `theirs` for conflicts, or `theirs_for`: the conflicts taking the
    /// spec's value, the others keeping the saved one; without either a re-sync with conflicts
    /// changes nothing).
    fn resync_collection(collection: String, take: Option<String>, theirs_for: Option<Vec<Pick>>) -> Resynced
        = async |wb| wb.resync(&collection, take, theirs_for).await;

    /// Exports a collection as a Vouch folder (`postman`: a Postman v2.1 file at `to`); returns
    /// the number of files written.
    fn export_collection(name: String, to: String, postman: bool) -> usize
        = blocking |wb| wb.export(&name, std::path::Path::new(&to), postman);

    /// Imports a folder or file of any supported format (an OpenAPI document or a Postman
    /// environment included); returns what was imported.
    fn import_collection(path: String) -> ImportView
        = async |wb| wb.import(std::path::Path::new(&path)).await;

    /// Whether the open spec's file changed since it was read (the app then reloads it).
    fn spec_changed() -> bool = blocking |wb| Ok(wb.spec_changed());

    /// Creates a suite in a collection: its saved requests named in order.
    fn create_suite(collection: String, name: String, requests: Vec<String>) -> ()
        = blocking |wb| wb.create_suite(&collection, &name, &requests);

    /// The last `limit` runs of a target (`collection` or `collection/suite`), oldest first.
    fn runs(target: String, limit: usize) -> Vec<RunPoint> = blocking |wb| wb.runs(&target, limit);

    /// Environments a call can use: the global ones and the collections' (`COLLECTION/NAME`).
    fn environments() -> Vec<String> = blocking |wb| wb.environments();

    /// An environment for editing: secret values are masked.
    fn environment_view(name: String) -> EnvView = blocking |wb| wb.environment_view(&name);

    /// Saves an environment (created when new); a secret sent without a value keeps its value.
    fn save_environment(env: EnvView) -> () = blocking |wb| wb.save_environment(&env);

    /// The most recent calls, newest first.
    fn history(limit: usize) -> Vec<HistoryRow> = blocking |wb| wb.history(limit);

    /// A draft as a `curl` command line: what the engine would send with this environment,
    /// secrets masked.
    fn curl(operation_id: Option<String>, draft: Draft, env: Option<String>, saved: Option<SavedRef>) -> String
        = blocking |wb| wb.curl(operation_id, wb.inheriting(draft, saved.as_ref())?, env);

    /// A draft as code: `curl`, `httpx` (Python) or `fetch` (JavaScript), secrets masked.
    fn snippet(operation_id: Option<String>, draft: Draft, env: Option<String>, lang: String, saved: Option<SavedRef>) -> String
        = blocking |wb| wb.snippet(operation_id, wb.inheriting(draft, saved.as_ref())?, env, &lang);

    /// A report of a stored run (`junit`, `json` or `html`): the bytes `vouch run` writes.
    fn run_report(run_id: u32, kind: String) -> String
        = blocking |wb| wb.report(i64::from(run_id), &kind);

    /// Allows a secret of an environment to go to one more origin (answering a refused call).
    fn allow_origin(env: String, secret: String, origin: String) -> ()
        = blocking |wb| wb.allow_origin(&env, &secret, &origin);

    /// Forgets the window's HTTP session: cookies, OAuth2 tokens, kept-alive connections.
    fn reset_session() -> () = blocking |wb| { wb.reset_session(); Ok(()) };
}
