import { useSyncExternalStore } from "react";

import { api, asAppError, type AppError, type MockSettings, type MockView, type Served } from "../api";
import { logServed, MOCK_FORM, MOCK_LOG_LIMIT, type MockEntry, type MockForm } from "../lib/mock";
import { createStore } from "../lib/store";

/** The mock as the Mock panel shows it. */
export interface MockState {
  /** The mock serving (null: none). */
  view: MockView | null;
  /** Starting or stopping. */
  busy: boolean;
  /** The panel's settings, as typed (kept when the panel is left). */
  form: MockForm;
  /** The requests served, newest first, the last `MOCK_LOG_LIMIT`. */
  log: MockEntry[];
  /** Requests served since the log was cleared (the log keeps only the last ones). */
  count: number;
  /** The window's base URL before requests were sent to the mock (given back on Stop). */
  before: string | null;
  /** Why the mock stopped without a Stop (another spec was opened). */
  note: string | null;
  error: AppError | null;
}

/** What the mock needs of the shell. */
export interface MockDeps {
  startMock: (settings: MockSettings) => Promise<MockView>;
  stopMock: () => Promise<void>;
  onMockServed: (f: (s: Served) => void) => Promise<() => void>;
}

/** The time of day, `HH:MM:SS`. */
const clock = () => new Date().toTimeString().slice(0, 8);

/**
 * The mock lives outside the panel: leaving the Mock tab unmounts the panel, but the mock
 * serves on in the engine, so its URL, its Stop and its log must be there when the tab comes
 * back. Served requests are listened to while a mock serves.
 */
export function mockStore(deps: MockDeps, limit = MOCK_LOG_LIMIT) {
  const store = createStore<MockState>({ view: null, busy: false, form: MOCK_FORM, log: [], count: 0, before: null, note: null, error: null });
  const set = store.set;
  let unlisten: (() => void) | null = null;
  let n = 0;
  const served = (s: Served) => {
    n += 1;
    set({ log: logServed(store.get().log, { n, at: clock(), served: s }, limit), count: store.get().count + 1 });
  };
  const stopListening = () => {
    unlisten?.();
    unlisten = null;
  };
  return {
    get: store.get,
    subscribe: store.subscribe,
    /** Changes the settings of the next start. */
    edit(form: Partial<MockForm>) {
      set({ form: { ...store.get().form, ...form } });
    },
    /** Starts a mock of the open spec (the engine stops one serving first). */
    async start(settings: MockSettings) {
      if (store.get().busy) return;
      set({ busy: true, error: null, note: null });
      try {
        unlisten ??= await deps.onMockServed(served);
        set({ view: await deps.startMock(settings) });
      } catch (e) {
        set({ error: asAppError(e) });
        if (!store.get().view) stopListening();
      } finally {
        set({ busy: false });
      }
    },
    /** Stops the mock serving; resolves once its port is closed. */
    async stop() {
      if (store.get().busy || !store.get().view) return;
      set({ busy: true, error: null });
      try {
        await deps.stopMock();
      } catch (e) {
        set({ error: asAppError(e) });
      } finally {
        stopListening();
        set({ view: null, before: null, busy: false });
      }
    },
    /** Requests now go to the mock; `before` is where they went until now. */
    pointed(before: string) {
      set({ before });
    },
    /** Another spec was opened (or the open one reloaded): the engine stopped the mock. */
    specChanged() {
      if (!store.get().view) return;
      stopListening();
      set({ view: null, before: null, note: "the mock stopped: another spec was opened (or the spec reloaded)" });
    },
    clear() {
      set({ log: [], count: 0 });
    },
  };
}

const shared = mockStore({ startMock: api.startMock, stopMock: api.stopMock, onMockServed: api.onMockServed });

/** The app's one mock, and what to do with it. */
export function useMock() {
  const state = useSyncExternalStore(shared.subscribe, shared.get);
  return { ...state, edit: shared.edit, start: shared.start, stop: shared.stop, pointed: shared.pointed, clear: shared.clear };
}

/** Whether a mock serves (re-renders only when that changes). */
export function useMockServing(): boolean {
  return useSyncExternalStore(shared.subscribe, () => shared.get().view !== null);
}

/** Tells the app's mock that another spec was opened. */
export const mockSpecChanged = shared.specChanged;
