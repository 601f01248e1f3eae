import { useCallback, useEffect, useState } from "react";

import { api, type CollectionRow, type HistoryRow, type SyncReport, type Trashed } from "../api";
import type { Attempt, Fail } from "./useNotices";

interface Options {
  fail: Fail;
  attempt: Attempt;
  notify: (notice: string) => void;
  refreshEnvironments: () => void;
}

/** A request deleted from the tree, until it is restored or another is deleted. */
export interface Deleted {
  collection: string;
  key: string;
  id: number;
}

/** What a sync did, in a few words (empty when it did nothing worth saying). */
export function describeSync(r: SyncReport): string {
  const parts: string[] = [];
  if (r.written.length) parts.push(`${r.written.length} written to ${r.dir}`);
  if (r.taken.length) parts.push(`${r.taken.length} taken from the folder`);
  if (r.trashed.length) parts.push(`${r.trashed.length} removed in the folder (in the trash, restorable)`);
  if (r.removed.length) parts.push(`${r.removed.length} file(s) removed`);
  if (r.conflicts.length) parts.push(`${r.conflicts.length} conflict(s) with the folder`);
  if (r.held.length) parts.push(`not written: ${r.held.join("; ")}`);
  return parts.join(", ");
}

/** How often linked collections are synced with their folders (a `git pull` shows up). */
const SYNC_EVERY_MS = 4000;

/**
 * The collections and the history of calls: save a request, compose a suite, import, export;
 * collections linked to a folder synced with it (conflicts and the trash kept per collection).
 */
export function useCollections({ fail, attempt, notify, refreshEnvironments }: Options) {
  const [collections, setCollections] = useState<CollectionRow[]>([]);
  const [history, setHistory] = useState<HistoryRow[]>([]);
  const [syncs, setSyncs] = useState<Record<string, SyncReport>>({});
  const [trash, setTrash] = useState<Record<string, Trashed[]>>({});

  /** Collections, environments and history, read again. */
  const refresh = useCallback(() => {
    api.collections().then(setCollections).catch(fail);
    refreshEnvironments();
    api.history(30).then(setHistory).catch(fail);
  }, [fail, refreshEnvironments]);

  /** A sync's report kept (its conflicts shown), and the collection's trash read again. */
  const synced = useCallback((r: SyncReport | null) => {
    if (!r) return;
    // A sync that found what the last one did changes nothing on screen: no new state (a
    // large tree is not drawn again every 4 s).
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    setSyncs((all) => (same(all[r.collection], r) ? all : { ...all, [r.collection]: r }));
    api
      .trash(r.collection)
      .then((t) => setTrash((all) => (same(all[r.collection], t) ? all : { ...all, [r.collection]: t })))
      .catch(() => {});
  }, []);

  // Linked collections follow their folders: synced now and then, and when the window is
  // focused again (after a `git pull` in a terminal, say).
  useEffect(() => {
    const linked = collections.filter((c) => c.folder).map((c) => c.name);
    if (linked.length === 0) return;
    const syncAll = () => {
      for (const name of linked) {
        api
          .syncCollection(name)
          .then((r) => {
            synced(r);
            if (r && (r.taken.length || r.trashed.length)) {
              notify(`${name}: ${describeSync(r)}`);
              api.collections().then(setCollections).catch(() => {});
              refreshEnvironments();
            }
          })
          .catch(() => {});
      }
    };
    const t = setInterval(syncAll, SYNC_EVERY_MS);
    window.addEventListener("focus", syncAll);
    return () => {
      clearInterval(t);
      window.removeEventListener("focus", syncAll);
    };
  }, [collections, synced, notify, refreshEnvironments]);

  const resolve = (collection: string, key: string, mine: boolean) =>
    attempt(async () => {
      const r = await api.resolveConflict(collection, key, mine);
      synced(r);
      notify(mine ? `kept this machine's ${key}: written to the folder` : `kept the folder's ${key}: yours is in the trash`);
      refresh();
    });

  const restore = (collection: string, id: number) =>
    attempt(async () => {
      const r = await api.restore(collection, id);
      synced(r);
      notify(`restored in ${collection}`);
      refresh();
    });

  /** A call was made: the history has one more (quietly: the call itself matters). */
  const historyChanged = useCallback(() => {
    api.history(30).then(setHistory).catch(() => {});
  }, []);

  const [deleted, setDeleted] = useState<Deleted | null>(null);

  /** A saved request deleted (into the trash): undone with `undo`. */
  const remove = (collection: string, key: string) =>
    attempt(async () => {
      const id = await api.deleteRequest(collection, key);
      setDeleted({ collection, key, id });
      refresh();
    });

  /** A suite deleted (into the trash): undone with `undo` too. */
  const removeSuite = (collection: string, name: string) =>
    attempt(async () => {
      const id = await api.deleteSuite(collection, name);
      setDeleted({ collection, key: `suite ${name}`, id });
      refresh();
    });

  const undo = () =>
    attempt(async () => {
      if (!deleted) return;
      synced(await api.restore(deleted.collection, deleted.id));
      notify(`“${deleted.key}” is back in ${deleted.collection}`);
      setDeleted(null);
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

  return { collections, history, refresh, historyChanged, createSuite, exportTo, importFrom, syncs, trash, synced, resolve, restore, remove, removeSuite, undo, deleted, dismissDeleted: () => setDeleted(null) };
}
