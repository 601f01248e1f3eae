// Generated from src-tauri/src/commands.rs: do not edit. Regenerate with
// `VOUCH_UPDATE_BINDINGS=1 cargo test -p vouch-app` (a test fails when this drifts).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";

import type { Auth } from "./bindings/Auth";
import type { BodyHits } from "./bindings/BodyHits";
import type { BodyLayout } from "./bindings/BodyLayout";
import type { BodyLine } from "./bindings/BodyLine";
import type { CallView } from "./bindings/CallView";
import type { CheckMark } from "./bindings/CheckMark";
import type { CheckRow } from "./bindings/CheckRow";
import type { CollectionRow } from "./bindings/CollectionRow";
import type { Draft } from "./bindings/Draft";
import type { EnvView } from "./bindings/EnvView";
import type { Event } from "./bindings/Event";
import type { Finding } from "./bindings/Finding";
import type { FreeRequest } from "./bindings/FreeRequest";
import type { FuzzEvent } from "./bindings/FuzzEvent";
import type { FuzzSettings } from "./bindings/FuzzSettings";
import type { FuzzView } from "./bindings/FuzzView";
import type { HistoryRow } from "./bindings/HistoryRow";
import type { ImportView } from "./bindings/ImportView";
import type { InheritedView } from "./bindings/InheritedView";
import type { LinkedChanges } from "./bindings/LinkedChanges";
import type { LoadSettings } from "./bindings/LoadSettings";
import type { LoadTick } from "./bindings/LoadTick";
import type { LoadView } from "./bindings/LoadView";
import type { MockSettings } from "./bindings/MockSettings";
import type { MockView } from "./bindings/MockView";
import type { OperationForm } from "./bindings/OperationForm";
import type { OperationRow } from "./bindings/OperationRow";
import type { Pick } from "./bindings/Pick";
import type { Resynced } from "./bindings/Resynced";
import type { RunPoint } from "./bindings/RunPoint";
import type { RunView } from "./bindings/RunView";
import type { SavedRef } from "./bindings/SavedRef";
import type { SavedView } from "./bindings/SavedView";
import type { Served } from "./bindings/Served";
import type { SpecChangesView } from "./bindings/SpecChangesView";
import type { SpecSummary } from "./bindings/SpecSummary";
import type { StepDetail } from "./bindings/StepDetail";
import type { SyncReport } from "./bindings/SyncReport";
import type { Trashed } from "./bindings/Trashed";

/** What the app was started with (`vouch-app SPEC`), for the UI to open first. */
export function startup(): Promise<string | null> {
  return invoke<string | null>("startup");
}

/** Opens a spec from a path or URL, or a collection folder (imported, its spec opened). */
export function openSpec(source: string): Promise<SpecSummary> {
  return invoke<SpecSummary>("open_spec", { source });
}

/** Opens a spec pasted as text. */
export function openText(text: string): Promise<SpecSummary> {
  return invoke<SpecSummary>("open_text", { text });
}

/** The operations of the open spec, in document order. */
export function operations(): Promise<Array<OperationRow>> {
  return invoke<Array<OperationRow>>("operations");
}

/** The request form of an operation. */
export function operationForm(id: string): Promise<OperationForm> {
  return invoke<OperationForm>("operation_form", { id });
}

/** Sends a draft and checks the exchange against the contract (cancelled by `cancel`). */
export function send(operationId: string | null, draft: Draft, env: string | null, saved: SavedRef | null): Promise<CallView> {
  return invoke<CallView>("send", { operationId, draft, env, saved });
}

/** Cancels the call in flight, if any. */
export function cancel(): Promise<void> {
  return invoke<void>("cancel");
}

/** What the contract says of a raw JSON body for an operation, before it is sent. */
export function lintBody(operationId: string, text: string): Promise<Array<Finding>> {
  return invoke<Array<Finding>>("lint_body", { operationId, text });
}

/** How a kept body is laid out in lines (pretty JSON when asked and possible). */
export function bodyLayout(bodyId: number, pretty: boolean): Promise<BodyLayout> {
  return invoke<BodyLayout>("body_layout", { bodyId, pretty });
}

/** Lines of a kept body's layout, a block at a time (the window draws only these). */
export function bodyLines(bodyId: number, pretty: boolean, from: number, count: number): Promise<Array<BodyLine>> {
  return invoke<Array<BodyLine>>("body_lines", { bodyId, pretty, from, count });
}

/** The lines of a kept body's layout containing a text (case ignored). */
export function bodySearch(bodyId: number, pretty: boolean, query: string): Promise<BodyHits> {
  return invoke<BodyHits>("body_search", { bodyId, pretty, query });
}

/** The pretty layout's line for a JSON pointer (a finding's location). */
export function bodyLineOf(bodyId: number, pointer: string): Promise<number | null> {
  return invoke<number | null>("body_line_of", { bodyId, pointer });
}

/** The collections in the store with their requests' names. */
export function collections(): Promise<Array<CollectionRow>> {
  return invoke<Array<CollectionRow>>("collections");
}

/**
 * Saves a draft into a collection (created, and linked to the open spec, when new; a
 * request of that name updated); a collection linked to a folder is synced with it.
 */
export function saveRequest(collection: string, name: string, operationId: string | null, draft: Draft): Promise<SyncReport | null> {
  return invoke<SyncReport | null>("save_request", { collection, name, operationId, draft });
}

/** Opens a saved request (`key`: its folders and name joined by `/`) with its checks. */
export function openSaved(collection: string, key: string): Promise<SavedView> {
  return invoke<SavedView>("open_saved", { collection, key });
}

/** Saves a request opened in the window (a new one when its key is empty), checks included. */
export function saveSaved(view: SavedView): Promise<SyncReport | null> {
  return invoke<SyncReport | null>("save_saved", { view });
}

/** Renames a saved request; its new key. */
export function renameRequest(collection: string, key: string, name: string): Promise<string> {
  return invoke<string>("rename_request", { collection, key, name });
}

/** Moves a saved request to a folder (made when missing; empty: the top); its new key. */
export function moveRequest(collection: string, key: string, folder: Array<string>): Promise<string> {
  return invoke<string>("move_request", { collection, key, folder });
}

/** Duplicates a saved request beside it; the copy's key. */
export function duplicateRequest(collection: string, key: string): Promise<string> {
  return invoke<string>("duplicate_request", { collection, key });
}

/** Deletes a saved request into the trash; the trash item's id (restore it to undo). */
export function deleteRequest(collection: string, key: string): Promise<number> {
  return invoke<number>("delete_request", { collection, key });
}

/** A new, empty request in a folder of a collection; its key. */
export function newRequest(collection: string, folder: Array<string>): Promise<string> {
  return invoke<string>("new_request", { collection, folder });
}

/** A new folder (and its missing parents) in a collection. */
export function newFolder(collection: string, path: Array<string>): Promise<void> {
  return invoke<void>("new_folder", { collection, path });
}

/**
 * Puts a saved request in a folder, before another of its requests (null: at the end);
 * its new key.
 */
export function placeRequest(collection: string, key: string, folder: Array<string>, before: string | null): Promise<string> {
  return invoke<string>("place_request", { collection, key, folder, before });
}

/** Deletes a suite into the collection's trash; the trash item's id (restore undoes it). */
export function deleteSuite(collection: string, name: string): Promise<number> {
  return invoke<number>("delete_suite", { collection, name });
}

/** Deletes an environment (`name` or `collection/name`), secrets and all. */
export function deleteEnvironment(name: string): Promise<void> {
  return invoke<void>("delete_environment", { name });
}

/** Renames an environment (`name` or `collection/name`; `to` is the short name); its new full name. */
export function renameEnvironment(name: string, to: string): Promise<string> {
  return invoke<string>("rename_environment", { name, to });
}

/** Renames a collection (and its linked folder's `collection.yaml`). */
export function renameCollection(name: string, to: string): Promise<void> {
  return invoke<void>("rename_collection", { name, to });
}

/** Deletes a collection, its requests, suites and environments (a linked folder stays on disk). */
export function deleteCollection(name: string): Promise<void> {
  return invoke<void>("delete_collection", { name });
}

/** What a saved request inherits when it sets no auth (null: the environment's credentials). */
export function inheritedAuth(collection: string, folder: Array<string>): Promise<InheritedView | null> {
  return invoke<InheritedView | null>("inherited_auth", { collection, folder });
}

/** The auth set on a collection (`folder` empty) or one of its folders itself. */
export function authOf(collection: string, folder: Array<string>): Promise<Auth | null> {
  return invoke<Auth | null>("auth_of", { collection, folder });
}

/** Sets (null: clears) the auth a collection's or a folder's requests inherit. */
export function setAuth(collection: string, folder: Array<string>, auth: Auth | null): Promise<void> {
  return invoke<void>("set_auth", { collection, folder, auth });
}

/** A value of the window's state kept in the store (null: none). */
export function uiState(key: string): Promise<string | null> {
  return invoke<string | null>("ui_state", { key });
}

/** Keeps a value of the window's state in the store. */
export function setUiState(key: string, value: string): Promise<void> {
  return invoke<void>("set_ui_state", { key, value });
}

/** A request from a pasted cURL command, `METHOD URL` or a URL, matched against the spec. */
export function parseRequest(text: string): Promise<FreeRequest> {
  return invoke<FreeRequest>("parse_request", { text });
}

/** One step of a stored run, to drill into: the request as sent, the response, the reasons. */
export function runStep(runId: number, seq: number): Promise<StepDetail> {
  return invoke<StepDetail>("run_step", { runId, seq });
}

/** What a JSON pointer or JSONPath selects in a kept response body (null: nothing). */
export function filterBody(bodyId: number, path: string): Promise<string | null> {
  return invoke<string | null>("filter_body", { bodyId, path });
}

/** Check rows evaluated on the window's last response. */
export function evaluateChecks(rows: Array<CheckRow>): Promise<Array<CheckMark>> {
  return invoke<Array<CheckMark>>("evaluate_checks", { rows });
}

/** Syncs a collection with its folder (null: it is not linked to one). */
export function syncCollection(collection: string): Promise<SyncReport | null> {
  return invoke<SyncReport | null>("sync_collection", { collection });
}

/** Ends a conflict of a linked collection: keep this machine's version, or the folder's. */
export function resolveConflict(collection: string, key: string, keepMine: boolean): Promise<SyncReport> {
  return invoke<SyncReport>("resolve_conflict", { collection, key, keepMine });
}

/** Approves the files a collection's file parts read (asked when a run is refused for them). */
export function approveFiles(collection: string): Promise<Array<string>> {
  return invoke<Array<string>>("approve_files", { collection });
}

/** What syncs took out of a collection (restorable), newest first. */
export function trash(collection: string): Promise<Array<Trashed>> {
  return invoke<Array<Trashed>>("trash", { collection });
}

/** Puts an item of a collection's trash back. */
export function restore(collection: string, id: number): Promise<SyncReport> {
  return invoke<SyncReport>("restore", { collection, id });
}

/** Runs a collection (or `collection/suite`), reporting progress as `run-event` events. */
export function runSuite(target: string, env: string | null): Promise<RunView> {
  return invoke<RunView>("run_suite", { target, env });
}

/**
 * Sends a collection's (or `collection/suite`'s) steps under load as `vouch load` does,
 * reporting each second as `load-tick` events; `cancel_load` stops it, keeping its
 * figures. One at a time.
 */
export function loadSuite(target: string, env: string | null, settings: LoadSettings): Promise<LoadView> {
  return invoke<LoadView>("load_suite", { target, env, settings });
}

/** Stops the load run in progress, if any. */
export function cancelLoad(): Promise<void> {
  return invoke<void>("cancel_load");
}

/**
 * Starts a mock of the open spec on a free port of 127.0.0.1 (stopping the one serving),
 * reporting each request it serves as `mock-served` events; it serves until `stop_mock`,
 * another start, or another spec opened.
 */
export function startMock(settings: MockSettings): Promise<MockView> {
  return invoke<MockView>("start_mock", { settings });
}

/** Stops the mock serving, if any (its port closed when this returns). */
export function stopMock(): Promise<void> {
  return invoke<void>("stop_mock");
}

/**
 * Fuzzes the open spec (or one operation) as `vouch fuzz` does, with the window's base
 * URL and environment `env`, reporting progress as `fuzz-event` events; `cancel` stops it,
 * keeping what was found.
 */
export function fuzz(settings: FuzzSettings, env: string | null): Promise<FuzzView> {
  return invoke<FuzzView>("fuzz", { settings, env });
}

/**
 * Saves failures of the last fuzz run (their places in its list; empty: all) into a
 * collection, each with the assertion that failed; returns the folder they went in.
 */
export function saveFuzzFailures(collection: string, which: Array<number>): Promise<string> {
  return invoke<string>("save_fuzz_failures", { collection, which });
}

/**
 * What the open spec changes for a collection: the changes from the spec it was last
 * synced with, the saved work they reach, and the re-sync plan.
 */
export function specChanges(collection: string): Promise<SpecChangesView> {
  return invoke<SpecChangesView>("spec_changes", { collection });
}

/**
 * The collections made from the open spec's source whose kept copy it no longer is: told
 * when a spec is opened or reloaded.
 */
export function linkedChanges(): Promise<Array<LinkedChanges>> {
  return invoke<Array<LinkedChanges>>("linked_changes");
}

/**
 * Re-syncs a collection with the open spec, keeping its edits (`take`: `ours` or
 * `theirs` for conflicts, or `theirs_for`: the conflicts taking the
 * spec's value, the others keeping the saved one; without either a re-sync with conflicts
 * changes nothing).
 */
export function resyncCollection(collection: string, take: string | null, theirsFor: Array<Pick> | null): Promise<Resynced> {
  return invoke<Resynced>("resync_collection", { collection, take, theirsFor });
}

/**
 * Exports a collection as a Vouch folder (`postman`: a Postman v2.1 file at `to`); returns
 * the number of files written.
 */
export function exportCollection(name: string, to: string, postman: boolean): Promise<number> {
  return invoke<number>("export_collection", { name, to, postman });
}

/**
 * Imports a folder or file of any supported format (an OpenAPI document or a Postman
 * environment included); returns what was imported.
 */
export function importCollection(path: string): Promise<ImportView> {
  return invoke<ImportView>("import_collection", { path });
}

/** Whether the open spec's file changed since it was read (the app then reloads it). */
export function specChanged(): Promise<boolean> {
  return invoke<boolean>("spec_changed");
}

/** Creates a suite in a collection: its saved requests named in order. */
export function createSuite(collection: string, name: string, requests: Array<string>): Promise<void> {
  return invoke<void>("create_suite", { collection, name, requests });
}

/** The last `limit` runs of a target (`collection` or `collection/suite`), oldest first. */
export function runs(target: string, limit: number): Promise<Array<RunPoint>> {
  return invoke<Array<RunPoint>>("runs", { target, limit });
}

/** Environments a call can use: the global ones and the collections' (`COLLECTION/NAME`). */
export function environments(): Promise<Array<string>> {
  return invoke<Array<string>>("environments");
}

/** An environment for editing: secret values are masked. */
export function environmentView(name: string): Promise<EnvView> {
  return invoke<EnvView>("environment_view", { name });
}

/** Saves an environment (created when new); a secret sent without a value keeps its value. */
export function saveEnvironment(env: EnvView): Promise<void> {
  return invoke<void>("save_environment", { env });
}

/** The most recent calls, newest first. */
export function history(limit: number): Promise<Array<HistoryRow>> {
  return invoke<Array<HistoryRow>>("history", { limit });
}

/**
 * A draft as a `curl` command line: what the engine would send with this environment,
 * secrets masked.
 */
export function curl(operationId: string | null, draft: Draft, env: string | null, saved: SavedRef | null): Promise<string> {
  return invoke<string>("curl", { operationId, draft, env, saved });
}

/** A draft as code: `curl`, `httpx` (Python) or `fetch` (JavaScript), secrets masked. */
export function snippet(operationId: string | null, draft: Draft, env: string | null, lang: string, saved: SavedRef | null): Promise<string> {
  return invoke<string>("snippet", { operationId, draft, env, lang, saved });
}

/** A report of a stored run (`junit`, `json` or `html`): the bytes `vouch run` writes. */
export function runReport(runId: number, kind: string): Promise<string> {
  return invoke<string>("run_report", { runId, kind });
}

/** Allows a secret of an environment to go to one more origin (answering a refused call). */
export function allowOrigin(env: string, secret: string, origin: string): Promise<void> {
  return invoke<void>("allow_origin", { env, secret, origin });
}

/** Forgets the window's HTTP session: cookies, OAuth2 tokens, kept-alive connections. */
export function resetSession(): Promise<void> {
  return invoke<void>("reset_session");
}

/** Progress of `runSuite`, as it runs. */
export function onRunEvent(f: (e: Event) => void): Promise<UnlistenFn> {
  return listen<Event>("run-event", (m) => f(m.payload));
}

/** Each second of `loadSuite`, as it ends. */
export function onLoadTick(f: (e: LoadTick) => void): Promise<UnlistenFn> {
  return listen<LoadTick>("load-tick", (m) => f(m.payload));
}

/** Each request served by the mock of `startMock`, as it is answered. */
export function onMockServed(f: (e: Served) => void): Promise<UnlistenFn> {
  return listen<Served>("mock-served", (m) => f(m.payload));
}

/** Progress of `fuzz`, as it runs. */
export function onFuzzEvent(f: (e: FuzzEvent) => void): Promise<UnlistenFn> {
  return listen<FuzzEvent>("fuzz-event", (m) => f(m.payload));
}
