import { useSyncExternalStore } from "react";

import { api, asAppError, type AppError, type FuzzEvent, type FuzzSettings, type FuzzView } from "../api";
import { FUZZ_FORM, NO_PROGRESS, progressed, type FuzzForm, type FuzzProgress } from "../lib/fuzz";
import { createStore } from "../lib/store";

/** A fuzz run as the Fuzz panel shows it. */
export interface FuzzState {
  form: FuzzForm;
  running: boolean;
  progress: FuzzProgress;
  /** The last run's result. */
  view: FuzzView | null;
  /** Said after a save: where the failures went. */
  saved: string | null;
  error: AppError | null;
}

/** What fuzzing needs of the shell. */
export interface FuzzDeps {
  fuzz: (settings: FuzzSettings, env: string | null) => Promise<FuzzView>;
  cancel: () => Promise<void>;
  saveFuzzFailures: (collection: string, which: number[]) => Promise<string>;
  onFuzzEvent: (f: (e: FuzzEvent) => void) => Promise<() => void>;
}

/**
 * The fuzz run lives outside the panel (leaving the Fuzz tab keeps it going and its
 * failures listed); progress comes as the engine's events while it runs.
 */
export function fuzzStore(deps: FuzzDeps) {
  const store = createStore<FuzzState>({ form: FUZZ_FORM, running: false, progress: NO_PROGRESS, view: null, saved: null, error: null });
  const set = store.set;
  return {
    get: store.get,
    subscribe: store.subscribe,
    edit(form: Partial<FuzzForm>) {
      set({ form: { ...store.get().form, ...form } });
    },
    /** Fuzzes with `settings` and environment `env`; one run at a time. */
    async start(settings: FuzzSettings, env: string | null) {
      if (store.get().running) return;
      set({ running: true, error: null, saved: null, progress: NO_PROGRESS, view: null });
      const unlisten = await deps.onFuzzEvent((e) => set({ progress: progressed(store.get().progress, e) }));
      try {
        set({ view: await deps.fuzz(settings, env) });
      } catch (e) {
        set({ error: asAppError(e) });
      } finally {
        unlisten();
        set({ running: false });
      }
    },
    /** Stops the run; what it found so far is kept and listed. */
    async stop() {
      if (store.get().running) await deps.cancel();
    },
    /** Saves failures (their places in the list; none: all) into the form's collection. */
    async save(which: number[]) {
      const collection = store.get().form.collection.trim();
      if (!collection) {
        set({ error: { kind: "usage", message: "name a collection to save the failures in", hint: "" } });
        return;
      }
      try {
        const folder = await deps.saveFuzzFailures(collection, which);
        set({ saved: `saved to ${collection} / ${folder}`, error: null });
      } catch (e) {
        set({ error: asAppError(e) });
      }
    },
  };
}

const shared = fuzzStore({ fuzz: api.fuzz, cancel: api.cancel, saveFuzzFailures: api.saveFuzzFailures, onFuzzEvent: api.onFuzzEvent });

/** The app's fuzz run, and what to do with it. */
export function useFuzz() {
  const state = useSyncExternalStore(shared.subscribe, shared.get);
  return { ...state, edit: shared.edit, start: shared.start, stop: shared.stop, save: shared.save };
}
