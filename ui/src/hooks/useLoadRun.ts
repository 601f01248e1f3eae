import { useSyncExternalStore } from "react";

import { api, asAppError, type AppError, type LoadSettings, type LoadTick, type LoadView } from "../api";
import { createStore } from "../lib/store";

/** A load run as the Load tab shows it: live seconds while it runs, then its result. */
export interface LoadRunState {
  running: boolean;
  /** What the run loads (`collection` or `collection/suite`). */
  target: string | null;
  /** How it loads it (shown again when the tab comes back). */
  settings: LoadSettings | null;
  live: LoadTick[];
  view: LoadView | null;
  error: AppError | null;
}

/** What a load run needs of the shell. */
export interface LoadDeps {
  onLoadTick: (f: (t: LoadTick) => void) => Promise<() => void>;
  loadSuite: (target: string, env: string | null, settings: LoadSettings) => Promise<LoadView>;
}

/**
 * The load run lives outside the tab: leaving the Runner view unmounts the Load tab, but the
 * run goes on in the engine, so its live figures, its Stop and its result must be there when
 * the tab comes back.
 */
export function loadRunStore(deps: LoadDeps) {
  const store = createStore<LoadRunState>({ running: false, target: null, settings: null, live: [], view: null, error: null });
  const set = store.set;
  return {
    get: store.get,
    subscribe: store.subscribe,
    /** Starts a run unless one is running (the engine runs one at a time too). */
    async start(target: string, env: string | null, settings: LoadSettings) {
      if (store.get().running) return;
      set({ running: true, target, settings, live: [], view: null, error: null });
      let unlisten: (() => void) | null = null;
      try {
        unlisten = await deps.onLoadTick((t) => set({ live: [...store.get().live, t] }));
        set({ view: await deps.loadSuite(target, env, settings) });
      } catch (e) {
        set({ error: asAppError(e) });
      } finally {
        unlisten?.();
        set({ running: false });
      }
    },
  };
}

const shared = loadRunStore({ onLoadTick: api.onLoadTick, loadSuite: api.loadSuite });

/** The app's one load run, and how to start it. */
export function useLoadRun(): LoadRunState & { start: typeof shared.start } {
  const state = useSyncExternalStore(shared.subscribe, shared.get);
  return { ...state, start: shared.start };
}

/** Whether the app's load run is going on (re-renders only when that changes). */
export function useLoadRunning(): boolean {
  return useSyncExternalStore(shared.subscribe, () => shared.get().running);
}
