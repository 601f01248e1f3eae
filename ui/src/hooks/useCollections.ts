import { useCallback, useState } from "react";

import { api, type CollectionRow, type HistoryRow } from "../api";
import type { Request } from "./useDraft";
import type { Attempt, Fail } from "./useNotices";

interface Options {
  fail: Fail;
  attempt: Attempt;
  notify: (notice: string) => void;
  refreshEnvironments: () => void;
  /** The request of the form, to save; null when no operation is open. */
  build: () => Request | null;
}

/** The collections and the history of calls: save a request, compose a suite, import, export. */
export function useCollections({ fail, attempt, notify, refreshEnvironments, build }: Options) {
  const [collections, setCollections] = useState<CollectionRow[]>([]);
  const [history, setHistory] = useState<HistoryRow[]>([]);

  /** Collections, environments and history, read again. */
  const refresh = useCallback(() => {
    api.collections().then(setCollections).catch(fail);
    refreshEnvironments();
    api.history(30).then(setHistory).catch(fail);
  }, [fail, refreshEnvironments]);

  /** A call was made: the history has one more (quietly: the call itself matters). */
  const historyChanged = useCallback(() => {
    api.history(30).then(setHistory).catch(() => {});
  }, []);

  const save = (collection: string, name: string) =>
    attempt(async () => {
      const request = build();
      if (!request) return;
      await api.saveRequest(collection, name, request.operationId, request.draft);
      notify(`saved “${name}” in ${collection}`);
      refresh();
    });

  const createSuite = (collection: string, name: string, requests: string[]) =>
    attempt(async () => {
      await api.createSuite(collection, name, requests);
      notify(`suite “${name}” created in ${collection}`);
      refresh();
    });

  const exportTo = (name: string, dir: string, postman: boolean) =>
    attempt(async () => {
      const n = await api.exportCollection(name, dir, postman);
      notify(`exported ${name} to ${dir} (${postman ? "Postman v2.1" : `${n} files`})`);
    });

  const importFrom = (path: string) =>
    attempt(async () => {
      const imported = await api.importCollection(path);
      const warnings = imported.warnings.length ? ` (${imported.warnings.join("; ")})` : "";
      notify(`imported ${imported.name}${warnings}`);
      refresh();
    });

  return { collections, history, refresh, historyChanged, save, createSuite, exportTo, importFrom };
}
