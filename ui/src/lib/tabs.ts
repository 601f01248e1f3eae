import type { CheckRow, Draft, ExtractRow, OperationForm, SavedView, Settings } from "../api";
import type { RequestState } from "../components/RequestPanel";
import { initialState, toDraft } from "./draft";

/** A free row of the Headers or Params tab: a name, a value, and whether it is sent. */
export interface Row {
  name: string;
  value: string;
  on: boolean;
}

/** Where an open tab's request is saved, when it is. */
export interface SavedAt {
  collection: string;
  /** Folder names and name joined by `/`: what a save replaces. */
  key: string;
  name: string;
  folder: string[];
}

/** One open request: an operation of the spec, a saved request, or a call of the history. */
export interface Tab {
  id: string;
  title: string;
  operationId: string | null;
  /** The operation's form (null: the operation is not in the open spec; `draft` is kept). */
  form: OperationForm | null;
  /** The request as it came (what is sent when there is no form). */
  draft: Draft;
  state: RequestState;
  headers: Row[];
  query: Row[];
  checks: CheckRow[];
  extractions: ExtractRow[];
  saved: SavedAt | null;
  /** Changed since opened or saved. */
  dirty: boolean;
  /** Kept open when another operation is picked (double-click); an untouched operation's tab
   *  is otherwise a preview, replaced by the next one picked. */
  pinned?: boolean;
}

let next = 0;
/** A new tab id (unique in this window). */
export function tabId(): string {
  next += 1;
  return `t${Date.now().toString(36)}-${next}`;
}

/** Draft pairs as rows (all sent). */
export function rowsOf(pairs: Array<[string, string]> | undefined): Row[] {
  return (pairs ?? []).map(([name, value]) => ({ name, value, on: true }));
}

/** The rows that are sent, as draft pairs (blank names dropped). */
export function pairsOf(rows: Row[]): Array<[string, string]> {
  return rows.filter((r) => r.on && r.name.trim() !== "").map((r) => [r.name.trim(), r.value]);
}

/** A tab for an operation's form, or for a request (a saved one, a call of the history) of
 *  that operation: its values fill the form, its extra headers and query become rows. */
export function tabOf(form: OperationForm | null, draft: Draft, title: string, operationId: string | null): Tab {
  const state: RequestState = form ? initialState({ ...form, draft }) : { params: {}, body: undefined, raw: null, auth: draft.auth ?? null };
  return {
    id: tabId(),
    title,
    operationId,
    form,
    draft,
    state,
    headers: rowsOf(draft.headers),
    query: rowsOf(draft.query),
    checks: [],
    extractions: [],
    saved: null,
    dirty: false,
  };
}

/** A tab for a saved request (its form when its operation is in the open spec). */
export function tabOfSaved(view: SavedView, form: OperationForm | null): Tab {
  const tab = tabOf(form, view.draft, view.name, view.operation_id);
  return {
    ...tab,
    checks: view.checks,
    extractions: view.extractions,
    saved: { collection: view.collection, key: view.key, name: view.name, folder: view.folder },
  };
}

/** The draft a tab sends: the form's values (or the request as it came), its rows, and the
 *  base URL when one is given. */
export function draftOfTab(tab: Tab, baseUrl: string): Draft {
  const base: Draft = tab.form ? toDraft(tab.form, tab.state).draft : { ...tab.draft, auth: tab.state.auth };
  const draft: Draft = { ...base, headers: pairsOf(tab.headers), query: pairsOf(tab.query) };
  if (tab.draft.settings) draft.settings = tab.draft.settings;
  if (baseUrl) draft.base_url = baseUrl;
  else if (!tab.form && tab.draft.base_url) draft.base_url = tab.draft.base_url;
  return draft;
}

/** The saved request a tab makes, to save (`at`: where, when it is not saved yet). */
export function savedOfTab(tab: Tab, baseUrl: string, at?: { collection: string; name: string }): SavedView {
  // A saved request keeps its own base URL (`{{baseUrl}}`); a new one takes the window's.
  const draft = draftOfTab(tab, tab.draft.base_url ? "" : baseUrl);
  if (tab.draft.base_url) draft.base_url = tab.draft.base_url;
  const saved = tab.saved && (!at || (at.collection === tab.saved.collection && at.name === tab.saved.name)) ? tab.saved : null;
  return {
    collection: saved?.collection ?? at?.collection ?? "",
    key: saved?.key ?? "",
    name: saved?.name ?? at?.name ?? tab.title,
    folder: saved?.folder ?? [],
    operation_id: tab.operationId,
    draft,
    checks: tab.checks,
    extractions: tab.extractions,
  };
}

/** What of a tab is kept across restarts (forms are fetched again from the open spec). */
export type KeptTab = Omit<Tab, "form">;

/** The tabs as kept (without their forms). */
export function keep(tabs: Tab[]): KeptTab[] {
  return tabs.map((t) => {
    const kept: Partial<Tab> = { ...t };
    delete kept.form;
    return kept as KeptTab;
  });
}

/** Settings with `patch` applied: a setting back at its default is dropped, and settings that
 *  are all defaults are none (the draft carries only what differs). */
export function withSettings(settings: Settings | undefined, patch: Partial<Settings>): Settings | undefined {
  const out: Record<string, unknown> = { ...settings, ...patch };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return Object.keys(out).length > 0 ? (out as Settings) : undefined;
}
