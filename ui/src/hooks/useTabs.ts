import { useCallback, useEffect, useRef, useState } from "react";

import { api, type CheckMark, type Draft, type HistoryRow, type OperationForm, type SavedRef, type SpecSummary, type SyncReport } from "../api";
import type { RequestState } from "../components/RequestPanel";
import { draftOfTab, keep, savedOfTab, tabOf, tabOfSaved, type KeptTab, type Tab } from "../lib/tabs";
import type { Attempt } from "./useNotices";

/** A request ready to go: the operation it calls (null: routed by method and path) and its draft. */
export interface Request {
  operationId: string | null;
  draft: Draft;
  /** Where it is saved: the engine sends what it inherits (its folder's or collection's auth). */
  saved: SavedRef | null;
}

/** The key the open tabs are kept under in the store. */
const KEPT = "tabs";

interface Options {
  attempt: Attempt;
  notify: (notice: string) => void;
  /** Called when another tab is shown: its call view no longer applies. */
  clearCall: () => void;
  /** A save happened (the collections and their sync are read again). */
  onSaved: (report: SyncReport | null) => void;
  /** The open spec (forms are fetched again when it changes). */
  spec: SpecSummary | null;
  /** The window's base URL (the header's). */
  baseUrl: string;
}

/** A form of the open spec, or null when the operation is not in it. */
async function formOf(id: string | null): Promise<OperationForm | null> {
  if (!id) return null;
  try {
    return await api.operationForm(id);
  } catch {
    return null;
  }
}

/**
 * The open requests, one tab each: operations of the spec, saved requests, calls of the
 * history. The active tab is what the editor shows, Send sends and Ctrl+S saves; tabs (and
 * their unsaved changes) are kept in the store and come back after a restart.
 */
export function useTabs({ attempt, notify, clearCall, onSaved, spec, baseUrl }: Options) {
  const [tabs, setTabs] = useState<Tab[]>([]);
  const [active, setActiveTab] = useState<string | null>(null);
  // Counts the times a tab was brought forward (the window shows the request editor again).
  const [opened, setOpened] = useState(0);
  const setActive = useCallback((id: string | null | ((now: string | null) => string | null)) => {
    setActiveTab(id);
    setOpened((n) => n + 1);
  }, []);
  const [marks, setMarks] = useState<CheckMark[]>([]);
  const restored = useRef(false);
  const tab = tabs.find((t) => t.id === active) ?? null;

  /** Opens a tab (in place of the active one when that is an untouched, unsaved operation). */
  const show = useCallback(
    (t: Tab) => {
      setTabs((all) => {
        const current = all.find((x) => x.id === active);
        const replace = current && !current.dirty && !current.saved && !current.pinned && !t.pinned;
        return replace ? all.map((x) => (x.id === current.id ? t : x)) : [...all, t];
      });
      setActive(t.id);
      clearCall();
    },
    [active, clearCall, setActive],
  );

  const update = useCallback(
    (patch: Partial<Tab>) => {
      if (!active) return;
      setTabs((all) =>
        all.map((t) => {
          if (t.id !== active) return t;
          // A form that only normalises what it was given (a schema form's first change) is
          // no edit.
          const changed = (Object.keys(patch) as (keyof Tab)[]).some((k) => JSON.stringify(patch[k]) !== JSON.stringify(t[k]));
          return changed ? { ...t, ...patch, dirty: true } : t;
        }),
      );
    },
    [active],
  );

  const setState = useCallback((state: RequestState) => update({ state }), [update]);

  /** An operation of the spec, in the preview tab, or in a tab of its own when `pin`. */
  const select = async (id: string, pin = false) => {
    const open = tabs.find((t) => !t.saved && t.operationId === id && !t.dirty);
    if (open) {
      if (pin && !open.pinned) setTabs((all) => all.map((t) => (t.id === open.id ? { ...t, pinned: true } : t)));
      setActive(open.id);
      return;
    }
    await attempt(async () => {
      const f = await api.operationForm(id);
      show({ ...tabOf(f, f.draft, `${f.method} ${f.path}`, id), pinned: pin });
    });
  };

  /** A call of the history, opened again in a tab. */
  const reopen = async (h: HistoryRow) => {
    const { operation_id: id, draft } = h;
    if (!draft) return;
    await attempt(async () => {
      show(tabOf(await formOf(id), draft, `${draft.method} ${draft.path}`, id));
    });
  };

  /** A request found elsewhere (a fuzz failure's), in a new tab titled `title`. */
  const openDraft = async (r: { operation_id: string | null; draft: Draft; check?: string }) => {
    const id = r.operation_id;
    await attempt(async () => {
      show(tabOf(await formOf(id), r.draft, `${r.check ? `${r.check}: ` : ""}${r.draft.method} ${r.draft.path}`, id));
    });
  };

  /** A request typed or pasted (URL, `METHOD URL`, cURL), in a new tab; false when it could
   *  not be read (the error says why). */
  const openFree = async (text: string): Promise<boolean> => {
    let ok = false;
    await attempt(async () => {
      const r = await api.parseRequest(text);
      const t = tabOf(null, r.draft, r.title, r.operation_id);
      setTabs((all) => [...all, t]);
      setActive(t.id);
      clearCall();
      ok = true;
    });
    return ok;
  };

  /** A saved request, in its own tab (the one already open, if it is). */
  const openSaved = async (collection: string, key: string) => {
    const open = tabs.find((t) => t.saved?.collection === collection && t.saved.key === key);
    if (open) {
      setActive(open.id);
      return;
    }
    await attempt(async () => {
      const view = await api.openSaved(collection, key);
      const t = tabOfSaved(view, await formOf(view.operation_id));
      setTabs((all) => [...all, t]);
      setActive(t.id);
      clearCall();
    });
  };

  const close = (id: string) => {
    setTabs((all) => {
      const i = all.findIndex((t) => t.id === id);
      const rest = all.filter((t) => t.id !== id);
      if (id === active) setActive(rest[Math.min(i, rest.length - 1)]?.id ?? null);
      return rest;
    });
  };

  /** A saved tab's keys changed (renamed, moved): the tab follows. */
  const renamed = useCallback((collection: string, from: string, to: string) => {
    setTabs((all) =>
      all.map((t) => {
        if (t.saved?.collection !== collection || t.saved.key !== from) return t;
        const folder = to.split("/");
        const name = folder.pop() ?? to;
        return { ...t, title: name, saved: { collection, key: to, name, folder } };
      }),
    );
  }, []);

  /** A collection renamed (`to`) or deleted (null): its tabs follow, or are saved nowhere. */
  const collectionRenamed = useCallback((from: string, to: string | null) => {
    setTabs((all) => all.map((t) => (t.saved?.collection !== from ? t : to ? { ...t, saved: { ...t.saved, collection: to } } : { ...t, saved: null, dirty: true })));
  }, []);

  const saved = (t: Tab, key: string, name: string, collection: string, folder: string[]) =>
    setTabs((all) => all.map((x) => (x.id === t.id ? { ...x, title: name, dirty: false, saved: { collection, key, name, folder } } : x)));

  /** Saves the active tab where it is saved (Ctrl+S); a tab saved nowhere yet says so. */
  const save = () =>
    attempt(async () => {
      if (!tab) return;
      if (!tab.saved) {
        notify("name the request and its collection under “Save request” to save it");
        return;
      }
      const view = savedOfTab(tab, baseUrl);
      const report = await api.saveSaved(view);
      saved(tab, view.key, view.name, view.collection, view.folder);
      notify(`saved “${view.name}” in ${view.collection}`);
      onSaved(report);
    });

  /** Saves the active tab as a request of a collection (updating it when it is that one). */
  const saveAs = (collection: string, name: string) =>
    attempt(async () => {
      if (!tab) return;
      const view = savedOfTab(tab, baseUrl, { collection, name });
      const report = await api.saveSaved(view);
      const key = [...view.folder, view.name].join("/");
      saved(tab, key, view.name, view.collection, view.folder);
      const sync = report && (report.written.length || report.conflicts.length) ? `: ${report.written.length ? `written to ${report.dir}` : ""}${report.conflicts.length ? " (conflict with the folder)" : ""}` : "";
      notify(`saved “${name}” in ${collection}${sync}`);
      onSaved(report);
    });

  /** The request the active tab makes now; null when no tab is open. */
  const build = useCallback((): Request | null => (tab ? { operationId: tab.operationId, draft: draftOfTab(tab, baseUrl), saved: tab.saved && { collection: tab.saved.collection, folder: tab.saved.folder } } : null), [tab, baseUrl]);

  /** The active tab's checks, marked on the last response. */
  const checks = tab?.checks;
  const markChecks = useCallback(() => {
    api
      .evaluateChecks(checks ?? [])
      .then(setMarks)
      .catch(() => setMarks([]));
  }, [checks]);
  useEffect(() => {
    const t = setTimeout(markChecks, 150);
    return () => clearTimeout(t);
  }, [markChecks]);

  // Ctrl+S saves, Ctrl+W closes the active tab.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      if (e.key === "s") {
        e.preventDefault();
        save();
      } else if (e.key === "w" && active) {
        e.preventDefault();
        close(active);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  /** The forms of these tabs fetched (again) from the open spec; their values are kept. */
  const refetch = useCallback((these: Tab[], isGone: () => boolean) => {
    Promise.all(these.map((t) => formOf(t.operationId))).then((forms) => {
      if (isGone()) return;
      const byId = new Map(these.map((t, i) => [t.id, forms[i]]));
      setTabs((now) => now.map((t) => (byId.has(t.id) ? { ...t, form: byId.get(t.id) ?? null } : t)));
    });
  }, []);

  // The tabs of the last session, back.
  useEffect(() => {
    let gone = false;
    api
      .uiState(KEPT)
      .then((text) => {
        restored.current = true;
        if (!text || gone) return;
        const kept = JSON.parse(text) as { active: string | null; tabs: KeptTab[] };
        const back: Tab[] = kept.tabs.map((t) => ({ ...t, form: null }));
        setTabs((now) => [...back, ...now]);
        setActive((now) => now ?? kept.active);
        refetch(back, () => gone);
      })
      .catch(() => {
        restored.current = true;
      });
    return () => {
      gone = true;
    };
  }, [refetch, setActive]);

  // A spec opened: every tab's form fetched again from it.
  const tabsNow = useRef<Tab[]>([]);
  useEffect(() => {
    tabsNow.current = tabs;
  }, [tabs]);
  const specSource = spec?.source;
  useEffect(() => {
    if (!specSource) return;
    let gone = false;
    refetch(tabsNow.current, () => gone);
    return () => {
      gone = true;
    };
  }, [specSource, refetch]);

  // Kept in the store, a moment after each change.
  useEffect(() => {
    if (!restored.current) return;
    const t = setTimeout(() => {
      api.setUiState(KEPT, JSON.stringify({ active, tabs: keep(tabs) })).catch(() => {});
    }, 300);
    return () => clearTimeout(t);
  }, [tabs, active]);

  return {
    tabs,
    active,
    opened,
    tab,
    form: tab?.form ?? null,
    state: tab?.state ?? null,
    setState,
    update,
    activate: (id: string) => {
      setActive(id);
      clearCall();
    },
    close,
    pin: (id: string) => setTabs((all) => all.map((t) => (t.id === id ? { ...t, pinned: true } : t))),
    select,
    reopen,
    openDraft,
    openSaved,
    openFree,
    renamed,
    collectionRenamed,
    save,
    saveAs,
    build,
    marks,
    markChecks,
  };
}
