import { useCallback, useEffect, useRef, useState } from "react";

import { api, dialogs, type LinkedChanges, type OperationRow, type SpecSummary } from "../api";
import { loadRecent, remember, saveRecent } from "../lib/recent";
import type { Attempt, Fail } from "./useNotices";

interface Options {
  fail: Fail;
  attempt: Attempt;
  clearError: () => void;
  notify: (notice: string) => void;
  /** The base URL of the form, set to the new spec's. */
  setBaseUrl: (url: string) => void;
  clearCall: () => void;
  refreshCollections: () => void;
}

/** The open spec: opened from a path, a URL or pasted text; its operations; recent specs. */
export function useSpec({ fail, attempt, clearError, notify, setBaseUrl, clearCall, refreshCollections }: Options) {
  const [source, setSource] = useState("");
  const [spec, setSpec] = useState<SpecSummary | null>(null);
  const [rows, setRows] = useState<OperationRow[]>([]);
  const [filter, setFilter] = useState("");
  const [busy, setBusy] = useState(false);
  const [recent, setRecent] = useState<string[]>(loadRecent);
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState("");
  // Collections made from this spec's source that it changes: told on open and reload.
  const [linked, setLinked] = useState<LinkedChanges[]>([]);
  // Specs opened so far (a reload counts): what was computed from the last one is redone.
  const [loads, setLoads] = useState(0);
  // Only the answer for the spec opened last is shown (a quick reload may overtake one).
  const asked = useRef(0);
  const checkLinked = useCallback(() => {
    const n = ++asked.current;
    api
      .linkedChanges()
      .then((l) => n === asked.current && setLinked(l))
      .catch(() => n === asked.current && setLinked([]));
  }, []);
  const dismissLinked = (collection: string) => setLinked((l) => l.filter((c) => c.collection !== collection));

  const loaded = useCallback(
    async (s: SpecSummary) => {
      setSpec(s);
      setBaseUrl(s.base_url ?? "");
      setRows(await api.operations());
      clearCall();
      setLinked([]);
      setLoads((n) => n + 1);
      checkLinked();
    },
    [setBaseUrl, clearCall, checkLinked],
  );

  const open = useCallback(
    async (src: string) => {
      clearError();
      setBusy(true);
      await attempt(async () => {
        await loaded(await api.openSpec(src));
        setSource(src);
        setRecent((r) => {
          const next = remember(r, src);
          saveRecent(next);
          return next;
        });
        refreshCollections();
      });
      setBusy(false);
    },
    [clearError, attempt, loaded, refreshCollections],
  );

  const openPasted = async () => {
    clearError();
    await attempt(async () => {
      await loaded(await api.openText(pasted));
      setPasting(false);
    });
  };

  const browse = () =>
    dialogs
      .specFile()
      .then((f) => {
        if (f) open(f);
      })
      .catch(fail);

  const togglePaste = () => setPasting(!pasting);

  // A spec opened from a file is reloaded when the file changes.
  useEffect(() => {
    if (!spec) return;
    const t = setInterval(() => {
      api
        .specChanged()
        .then((changed) => {
          if (changed) {
            notify("the spec changed on disk: reloaded");
            open(spec.source);
          }
        })
        .catch(() => {});
    }, 2000);
    return () => clearInterval(t);
  }, [spec, open, notify]);

  // At start: the spec given on the command line ("Open with…"), and the collections.
  useEffect(() => {
    api
      .startup()
      .then((s) => {
        if (s) open(s);
      })
      .catch(fail);
    refreshCollections();
  }, [open, fail, refreshCollections]);

  return { source, setSource, spec, rows, filter, setFilter, busy, recent, pasting, togglePaste, pasted, setPasted, open, openPasted, browse, linked, checkLinked, dismissLinked, loads };
}
