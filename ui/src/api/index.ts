// The only module that talks to the Tauri shell. Everything else calls these typed
// functions; their types are generated from the Rust ones (src/api/bindings, by ts-rs).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { open as openDialog, save as saveDialog } from "@tauri-apps/plugin-dialog";

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

export type {
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
};
import type { Finding } from "./bindings/Finding";
export type { Finding };
export type { ParamField } from "./bindings/ParamField";
export type { ParamValue } from "./bindings/ParamValue";
export type { Body } from "./bindings/Body";
export type { Auth } from "./bindings/Auth";
export type { VarView } from "./bindings/VarView";

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

export const api = {
  startup: () => invoke<string | null>("startup"),
  openSpec: (source: string) => invoke<SpecSummary>("open_spec", { source }),
  openText: (text: string) => invoke<SpecSummary>("open_text", { text }),
  operations: () => invoke<OperationRow[]>("operations"),
  operationForm: (id: string) => invoke<OperationForm>("operation_form", { id }),
  send: (operationId: string | null, draft: Draft, env: string | null) =>
    invoke<CallView>("send", { operationId, draft, env }),
  cancel: () => invoke<void>("cancel"),
  lintBody: (operationId: string, text: string) => invoke<Finding[]>("lint_body", { operationId, text }),
  /** Raw bytes of a response body (binary IPC, never JSON). */
  bodyBytes: (bodyId: number, offset: number, len: number) => invoke<ArrayBuffer>("body_bytes", { bodyId, offset, len }),
  collections: () => invoke<CollectionRow[]>("collections"),
  saveRequest: (collection: string, name: string, operationId: string | null, draft: Draft) =>
    invoke<void>("save_request", { collection, name, operationId, draft }),
  runSuite: (target: string, env: string | null) => invoke<RunView>("run_suite", { target, env }),
  onRunEvent: (f: (e: Event) => void): Promise<UnlistenFn> =>
    listen<Event>("run-event", (m) => f(m.payload)),
  exportCollection: (name: string, to: string, postman: boolean) =>
    invoke<number>("export_collection", { name, to, postman }),
  specChanged: () => invoke<boolean>("spec_changed"),
  createSuite: (collection: string, name: string, requests: string[]) =>
    invoke<void>("create_suite", { collection, name, requests }),
  runs: (target: string, limit: number) => invoke<RunPoint[]>("runs", { target, limit }),
  environments: () => invoke<string[]>("environments"),
  environmentView: (name: string) => invoke<EnvView>("environment_view", { name }),
  saveEnvironment: (env: EnvView) => invoke<void>("save_environment", { env }),
  history: (limit: number) => invoke<HistoryRow[]>("history", { limit }),
  curl: (operationId: string | null, draft: Draft) => invoke<string>("curl", { operationId, draft }),
  importCollection: (path: string) => invoke<string>("import_collection", { path }),
};
