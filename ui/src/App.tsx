import { useCallback, useEffect, useState } from "react";

import {
  api,
  asAppError,
  dialogs,
  type AppError,
  type CallView,
  type CollectionRow,
  type Event,
  type HistoryRow,
  type OperationForm,
  type OperationRow,
  type RunPoint,
  type RunView,
  type SpecSummary,
} from "./api";
import { CollectionsPanel } from "./components/CollectionsPanel";
import { EnvironmentEditor } from "./components/EnvironmentEditor";
import { OperationList } from "./components/OperationList";
import { RequestPanel, type RequestState } from "./components/RequestPanel";
import { ResponsePanel } from "./components/ResponsePanel";
import { initialState, toDraft } from "./lib/draft";
import { loadRecent, remember, saveRecent } from "./lib/recent";

type Theme = "light" | "dark";

export function App() {
  const [source, setSource] = useState("");
  const [spec, setSpec] = useState<SpecSummary | null>(null);
  const [rows, setRows] = useState<OperationRow[]>([]);
  const [filter, setFilter] = useState("");
  const [selected, setSelected] = useState<string | null>(null);
  const [form, setForm] = useState<OperationForm | null>(null);
  const [state, setState] = useState<RequestState>({ params: {}, body: undefined, raw: null, auth: null });
  const [call, setCall] = useState<CallView | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [collections, setCollections] = useState<CollectionRow[]>([]);
  const [progress, setProgress] = useState<Event | null>(null);
  const [run, setRun] = useState<RunView | null>(null);
  const [theme, setTheme] = useState<Theme>(() =>
    window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light",
  );
  const [busy, setBusy] = useState(false);
  const [baseUrl, setBaseUrl] = useState("");
  const [envs, setEnvs] = useState<string[]>([]);
  const [env, setEnv] = useState("");
  const [recent, setRecent] = useState<string[]>(loadRecent);
  const [pasting, setPasting] = useState(false);
  const [pasted, setPasted] = useState("");
  const [history, setHistory] = useState<HistoryRow[]>([]);
  const [curl, setCurl] = useState<string | null>(null);
  const [runs, setRuns] = useState<RunPoint[]>([]);
  const [editingEnv, setEditingEnv] = useState<string | null>(null);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const fail = (e: unknown) => setError(asAppError(e));

  const refreshCollections = useCallback(() => {
    api.collections().then(setCollections).catch(fail);
    api.environments().then(setEnvs).catch(fail);
    api.history(30).then(setHistory).catch(fail);
  }, []);

  const loaded = async (s: SpecSummary) => {
    setSpec(s);
    setBaseUrl(s.base_url ?? "");
    setRows(await api.operations());
    setSelected(null);
    setForm(null);
    setCall(null);
  };

  const open = useCallback(async (src: string) => {
    setError(null);
    setBusy(true);
    try {
      await loaded(await api.openSpec(src));
      setSource(src);
      setRecent((r) => {
        const next = remember(r, src);
        saveRecent(next);
        return next;
      });
      refreshCollections();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  }, [refreshCollections]);

  const openPasted = async () => {
    setError(null);
    try {
      await loaded(await api.openText(pasted));
      setPasting(false);
    } catch (e) {
      fail(e);
    }
  };

  // A spec opened from a file is reloaded when the file changes.
  useEffect(() => {
    if (!spec) return;
    const t = setInterval(() => {
      api
        .specChanged()
        .then((changed) => {
          if (changed) {
            setNotice("the spec changed on disk: reloaded");
            open(spec.source);
          }
        })
        .catch(() => {});
    }, 2000);
    return () => clearInterval(t);
  }, [spec, open]);

  useEffect(() => {
    api
      .startup()
      .then((s) => {
        if (s) open(s);
      })
      .catch(fail);
    refreshCollections();
    const un = api.onRunEvent(setProgress);
    return () => {
      un.then((f) => f());
    };
  }, [open, refreshCollections]);

  const select = async (id: string) => {
    setSelected(id);
    setCall(null);
    try {
      const f = await api.operationForm(id);
      setForm(f);
      setState(initialState(f));
    } catch (e) {
      fail(e);
    }
  };

  const send = useCallback(async () => {
    if (!form || sending) return;
    const { draft } = toDraft(form, state);
    if (baseUrl) draft.base_url = baseUrl;
    setSending(true);
    setError(null);
    try {
      setCall(await api.send(form.id, draft, env || null));
      api.history(30).then(setHistory).catch(() => {});
    } catch (e) {
      fail(e);
    } finally {
      setSending(false);
    }
  }, [form, state, sending, baseUrl, env]);

  const copyCurl = async () => {
    if (!form) return;
    const { draft } = toDraft(form, state);
    if (baseUrl) draft.base_url = baseUrl;
    const text = await api.curl(form.id, draft);
    setCurl(text);
    navigator.clipboard?.writeText(text).catch(() => {});
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
        e.preventDefault();
        send();
      }
      if (e.key === "Escape" && sending) api.cancel();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [send, sending]);

  const save = async (collection: string, name: string) => {
    if (!form) return;
    try {
      const { draft } = toDraft(form, state);
      if (baseUrl) draft.base_url = baseUrl;
      await api.saveRequest(collection, name, form.id, draft);
      setNotice(`saved “${name}” in ${collection}`);
      refreshCollections();
    } catch (e) {
      fail(e);
    }
  };

  const runSuite = async (target: string) => {
    setRun(null);
    setProgress(null);
    try {
      setRun(await api.runSuite(target, env || null));
      setRuns(await api.runs(target, 20));
    } catch (e) {
      fail(e);
    }
  };

  // A call of the history, opened again in the form.
  const reopen = async (h: HistoryRow) => {
    if (!h.operation_id || !h.draft) return;
    try {
      const f = await api.operationForm(h.operation_id);
      setSelected(h.operation_id);
      setForm(f);
      setCall(null);
      setState(initialState({ ...f, draft: h.draft }));
    } catch (e) {
      fail(e);
    }
  };

  const createSuite = async (collection: string, name: string, requests: string[]) => {
    try {
      await api.createSuite(collection, name, requests);
      setNotice(`suite “${name}” created in ${collection}`);
      refreshCollections();
    } catch (e) {
      fail(e);
    }
  };

  const exportTo = async (name: string, dir: string, postman: boolean) => {
    try {
      const n = await api.exportCollection(name, dir, postman);
      setNotice(`exported ${name} to ${dir} (${postman ? "Postman v2.1" : `${n} files`})`);
    } catch (e) {
      fail(e);
    }
  };

  const importFrom = async (path: string) => {
    try {
      const name = await api.importCollection(path);
      setNotice(`imported ${name}`);
      refreshCollections();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <div className="app">
      <header>
        <strong className="brand">Vouch</strong>
        <form
          className="open"
          onSubmit={(e) => {
            e.preventDefault();
            open(source);
          }}
        >
          <input
            data-testid="spec-source"
            value={source}
            onChange={(e) => setSource(e.target.value)}
            placeholder="Spec: a file path or URL (e.g. http://127.0.0.1:8000/openapi.json)"
          />
          <button data-testid="open" disabled={!source || busy}>
            {busy ? "Opening…" : "Open"}
          </button>
          <button
            type="button"
            data-testid="browse"
            onClick={() =>
              dialogs
                .specFile()
                .then((f) => {
                  if (f) open(f);
                })
                .catch(fail)
            }
            title="Open a spec file"
          >
            File…
          </button>
          <button type="button" data-testid="paste" onClick={() => setPasting(!pasting)} title="Paste a spec's text">
            Paste
          </button>
          {recent.length > 0 && (
            <select data-testid="recent" value="" onChange={(e) => e.target.value && open(e.target.value)} aria-label="Recent specs">
              <option value="">Recent…</option>
              {recent.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </form>
        {spec && (
          <span className="spec muted" data-testid="spec-title">
            {spec.title} {spec.version} · {spec.operations} operations
            {spec.collection && ` · collection ${spec.collection}`}
          </span>
        )}
        {spec && (
          <input
            className="base-url"
            data-testid="base-url"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            placeholder="base URL (default: the spec's server)"
            title="Where calls go"
          />
        )}
        {spec && (
          <select data-testid="env" value={env} onChange={(e) => setEnv(e.target.value)} aria-label="Environment" title="Environment">
            <option value="">no environment</option>
            {envs.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        )}
        <button data-testid="edit-env" onClick={() => setEditingEnv(env)} title="Edit or create an environment">
          Env…
        </button>
        <button className="theme" onClick={() => setTheme(theme === "dark" ? "light" : "dark")} aria-label="Switch theme">
          {theme === "dark" ? "☀" : "☾"}
        </button>
      </header>
      {error && (
        <div className="banner error" data-testid="error" role="alert">
          <strong>{error.message}</strong> {error.hint && <span className="muted">— {error.hint}</span>}
          <button className="link" onClick={() => setError(null)}>
            dismiss
          </button>
        </div>
      )}
      {editingEnv !== null && (
        <div className="banner">
          <EnvironmentEditor
            name={editingEnv}
            onClose={() => setEditingEnv(null)}
            onError={fail}
            onSaved={(n) => {
              setNotice(`environment ${n} saved`);
              setEditingEnv(null);
              setEnv(n);
              refreshCollections();
            }}
          />
        </div>
      )}
      {pasting && (
        <div className="banner paste">
          <textarea data-testid="paste-text" value={pasted} onChange={(e) => setPasted(e.target.value)} placeholder="Paste an OpenAPI document (JSON or YAML)" />
          <button data-testid="open-pasted" disabled={!pasted} onClick={openPasted}>
            Open pasted spec
          </button>
        </div>
      )}
      {curl && (
        <div className="banner curl">
          <pre data-testid="curl">{curl}</pre>
          <button className="link" onClick={() => setCurl(null)}>
            close
          </button>
        </div>
      )}
      {notice && (
        <div className="banner notice" data-testid="notice" role="status">
          {notice}
          <button className="link" onClick={() => setNotice(null)}>
            dismiss
          </button>
        </div>
      )}
      <main>
        <OperationList rows={rows} filter={filter} onFilter={setFilter} selected={selected} onSelect={select} />
        <div className="work">
          {form ? (
            <RequestPanel form={form} state={state} onChange={setState} onSend={send} onCancel={() => api.cancel()} onCurl={copyCurl} sending={sending} />
          ) : (
            <div className="empty muted">{spec ? "Pick an operation." : "Open a spec to begin."}</div>
          )}
          {call && <ResponsePanel call={call} />}
        </div>
        <CollectionsPanel
          collections={collections}
          canSave={!!form}
          onSave={save}
          onRun={runSuite}
          onExport={exportTo}
          onImport={importFrom}
          pick={dialogs}
          onCreateSuite={createSuite}
          runs={runs}
          progress={progress}
          run={run}
          history={history}
          onReopen={reopen}
        />
      </main>
    </div>
  );
}
