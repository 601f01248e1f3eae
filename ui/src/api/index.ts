// The only module that talks to the Tauri shell (with ./commands, generated). Everything else
// calls these typed functions; the commands and their types are generated from the Rust ones
// (./commands.ts from src-tauri/src/commands.rs, ./bindings by ts-rs).
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";

import * as commands from "./commands";
import type { AppError } from "./bindings/AppError";
import type { CallView } from "./bindings/CallView";
import type { CollectionRow } from "./bindings/CollectionRow";
import type { Draft } from "./bindings/Draft";
import type { EnvView } from "./bindings/EnvView";
import type { Event } from "./bindings/Event";
import type { HistoryRow } from "./bindings/HistoryRow";
import type { OperationForm } from "./bindings/OperationForm";
import type { OperationRow } from "./bindings/OperationRow";
import type { RunPoint } from "./bindings/RunPoint";
import type { RunView } from "./bindings/RunView";
import type { SpecSummary } from "./bindings/SpecSummary";
import type { SyncReport } from "./bindings/SyncReport";
import type { CheckMark } from "./bindings/CheckMark";
import type { CheckRow } from "./bindings/CheckRow";
import type { ExtractRow } from "./bindings/ExtractRow";
import type { SavedView } from "./bindings/SavedView";
import type { TreeItem } from "./bindings/TreeItem";
import type { StepDetail } from "./bindings/StepDetail";
import type { Trashed } from "./bindings/Trashed";
import type { BodyHits } from "./bindings/BodyHits";
import type { BodyLayout } from "./bindings/BodyLayout";
import type { BodyLine } from "./bindings/BodyLine";
import type { LoadSettings } from "./bindings/LoadSettings";
import type { LoadTick } from "./bindings/LoadTick";
import type { LoadView } from "./bindings/LoadView";
import type { MockSettings } from "./bindings/MockSettings";
import type { MockView } from "./bindings/MockView";
import type { Served } from "./bindings/Served";
import type { FuzzEvent } from "./bindings/FuzzEvent";
import type { FuzzFailureView } from "./bindings/FuzzFailureView";
import type { FuzzSettings } from "./bindings/FuzzSettings";
import type { FuzzView } from "./bindings/FuzzView";

export type {
  FuzzEvent,
  FuzzFailureView,
  FuzzSettings,
  FuzzView,
  MockSettings,
  MockView,
  Served,
  LoadSettings,
  LoadTick,
  LoadView,
  AppError,
  CallView,
  CollectionRow,
  Draft,
  EnvView,
  Event,
  HistoryRow,
  OperationForm,
  OperationRow,
  RunPoint,
  RunView,
  SpecSummary,
  SyncReport,
  Trashed,
  CheckMark,
  CheckRow,
  ExtractRow,
  SavedView,
  TreeItem,
  StepDetail,
  BodyHits,
  BodyLayout,
  BodyLine,
};
import type { Finding } from "./bindings/Finding";
export type { Finding };
export type { SpecChangesView } from "./bindings/SpecChangesView";
export type { LinkedChanges } from "./bindings/LinkedChanges";
export type { Resynced } from "./bindings/Resynced";
export type { ResyncConflict } from "./bindings/ResyncConflict";
export type { Pick } from "./bindings/Pick";
export type { Change } from "./bindings/Change";
export type { Impact } from "./bindings/Impact";
export type { ParamField } from "./bindings/ParamField";
export type { ParamValue } from "./bindings/ParamValue";
export type { Body } from "./bindings/Body";
export type { InheritedView } from "./bindings/InheritedView";
export type { SavedRef } from "./bindings/SavedRef";
export type { Auth } from "./bindings/Auth";
export type { VarView } from "./bindings/VarView";
export type { Part } from "./bindings/Part";
export type { Settings } from "./bindings/Settings";
export type { CoverageRow } from "./bindings/CoverageRow";

/** A failed command's error, whatever shape it arrived in. */
export function asAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "kind" in e && "message" in e) return e as AppError;
  return { kind: "internal", message: String(e), hint: "" };
}

/** The system's file dialogs (the dialog plugin); null when cancelled. */
export const dialogs = {
  specFile: async () =>
    (await openDialog({
      multiple: false,
      directory: false,
      filters: [{ name: "OpenAPI / Swagger", extensions: ["json", "yaml", "yml"] }],
    })) as string | null,
  folder: async () => (await openDialog({ multiple: false, directory: true })) as string | null,
  importFile: async () => (await openDialog({ multiple: false, directory: false })) as string | null,
  saveFile: async (defaultPath: string) =>
    (await saveDialog({ defaultPath, filters: [{ name: "Postman collection", extensions: ["json"] }] })) as string | null,
};

/**
 * Every command of the shell, as the rest of the UI calls them. The functions are generated
 * from the Rust declaration of the commands (src-tauri/src/commands.rs → ./commands.ts), so a
 * renamed command or argument fails the Rust drift test and this type check.
 */
export const api = {
  startup: commands.startup,
  openSpec: commands.openSpec,
  openText: commands.openText,
  operations: commands.operations,
  operationForm: commands.operationForm,
  send: commands.send,
  cancel: commands.cancel,
  lintBody: commands.lintBody,
  bodyLayout: commands.bodyLayout,
  bodyLines: commands.bodyLines,
  bodySearch: commands.bodySearch,
  bodyLineOf: commands.bodyLineOf,
  collections: commands.collections,
  saveRequest: commands.saveRequest,
  runSuite: commands.runSuite,
  onRunEvent: commands.onRunEvent,
  loadSuite: commands.loadSuite,
  onLoadTick: commands.onLoadTick,
  cancelLoad: commands.cancelLoad,
  startMock: commands.startMock,
  stopMock: commands.stopMock,
  onMockServed: commands.onMockServed,
  fuzz: commands.fuzz,
  saveFuzzFailures: commands.saveFuzzFailures,
  onFuzzEvent: commands.onFuzzEvent,
  exportCollection: commands.exportCollection,
  specChanged: commands.specChanged,
  specChanges: commands.specChanges,
  resyncCollection: commands.resyncCollection,
  linkedChanges: commands.linkedChanges,
  createSuite: commands.createSuite,
  runs: commands.runs,
  environments: commands.environments,
  environmentView: commands.environmentView,
  saveEnvironment: commands.saveEnvironment,
  history: commands.history,
  curl: commands.curl,
  importCollection: commands.importCollection,
  runReport: commands.runReport,
  resetSession: commands.resetSession,
  allowOrigin: commands.allowOrigin,
  syncCollection: commands.syncCollection,
  resolveConflict: commands.resolveConflict,
  trash: commands.trash,
  restore: commands.restore,
  approveFiles: commands.approveFiles,
  openSaved: commands.openSaved,
  saveSaved: commands.saveSaved,
  renameRequest: commands.renameRequest,
  moveRequest: commands.moveRequest,
  duplicateRequest: commands.duplicateRequest,
  deleteRequest: commands.deleteRequest,
  newRequest: commands.newRequest,
  newFolder: commands.newFolder,
  placeRequest: commands.placeRequest,
  deleteSuite: commands.deleteSuite,
  deleteEnvironment: commands.deleteEnvironment,
  renameEnvironment: commands.renameEnvironment,
  renameCollection: commands.renameCollection,
  deleteCollection: commands.deleteCollection,
  inheritedAuth: commands.inheritedAuth,
  authOf: commands.authOf,
  setAuth: commands.setAuth,
  evaluateChecks: commands.evaluateChecks,
  uiState: commands.uiState,
  setUiState: commands.setUiState,
  parseRequest: commands.parseRequest,
  runStep: commands.runStep,
  snippet: commands.snippet,
  filterBody: commands.filterBody,
};
