/**
 * A store of state kept outside the components that show it (a load run, a mock): it lives on
 * while its view is unmounted, and `useSyncExternalStore` reads it through `get` and
 * `subscribe`.
 */
export function createStore<S>(initial: S) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    /** Merges `next` into the state and tells every listener. */
    set(next: Partial<S>) {
      state = { ...state, ...next };
      listeners.forEach((l) => l());
    },
    subscribe(l: () => void) {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
  };
}
