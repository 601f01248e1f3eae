import { useEffect, useState } from "react";
import { Panel, PanelGroup, PanelResizeHandle } from "react-resizable-panels";

import { api, dialogs } from "./api";
import { CollectionTree, type RequestActions } from "./components/CollectionTree";
import { CollectionsPanel } from "./components/CollectionsPanel";
import { EnvironmentsView } from "./components/EnvironmentsView";
import { RunnerView } from "./components/RunnerView";
import { SpecChangesPanel } from "./components/SpecChangesPanel";
import { Header } from "./components/Header";
import { OperationList } from "./components/OperationList";
import { RequestPanel } from "./components/RequestPanel";
import { ResponsePanel } from "./components/ResponsePanel";
import { InheritedAuth } from "./components/InheritedAuth";
import { FuzzPanel } from "./components/FuzzPanel";
import { MockPanel } from "./components/MockPanel";
import { Palette, type PaletteItem } from "./components/Palette";
import { Sidebar } from "./components/Sidebar";
import { UrlBar } from "./components/UrlBar";
import { TabBar } from "./components/TabBar";
import { useCollections } from "./hooks/useCollections";
import { useEnvironments } from "./hooks/useEnvironments";
import { useLayout } from "./hooks/useLayout";
import { mockSpecChanged } from "./hooks/useMock";
import { useNotices } from "./hooks/useNotices";
import { useRuns } from "./hooks/useRuns";
import { useCallView, useSend } from "./hooks/useSend";
import { useSpec } from "./hooks/useSpec";
import { useTabs } from "./hooks/useTabs";
import { useTheme } from "./hooks/useTheme";
import { linkedLine } from "./lib/diff";

type View = "request" | "runner" | "environments" | "changes";

export function App() {
  const { error, notice, notify, fail, attempt, clearError, clearNotice } = useNotices();
  const { theme, toggle } = useTheme();
  const { call, setCall, clearCall } = useCallView();
  const [baseUrl, setBaseUrl] = useState("");
  // The collection or folder whose handed-down auth is being edited.
  const [authOf, setAuthOf] = useState<{ collection: string; folder: string[] } | null>(null);
  const { layout, resized, flipSplit } = useLayout();
  const environments = useEnvironments({ fail, notify });
  const collections = useCollections({ fail, attempt, notify, refreshEnvironments: environments.refresh });
  const spec = useSpec({
    fail,
    attempt,
    clearError,
    notify,
    setBaseUrl,
    clearCall,
    refreshCollections: collections.refresh,
  });
  const { synced, refresh } = collections;
  const tabs = useTabs({
    attempt,
    notify,
    clearCall,
    spec: spec.spec,
    baseUrl,
    onSaved: (report) => {
      synced(report);
      refresh();
    },
  });
  // What the work area shows: the active request tab, the runner or the environments. A tab
  // brought forward shows the request editor again.
  const [viewAt, setViewAt] = useState<{ view: View; at: number }>({ view: "request", at: 0 });
  const view: View = viewAt.at === tabs.opened ? viewAt.view : "request";
  const setView = (v: View) => setViewAt({ view: v, at: tabs.opened });
  // The collection the "changes" view compares with the open spec.
  const [changesFor, setChangesForName] = useState<string | null>(null);
  // Each request to see the changes compares again (the spec may have been reloaded since).
  const [changesRound, setChangesRound] = useState(0);
  const setChangesFor = (c: string) => {
    setChangesForName(c);
    setChangesRound((n) => n + 1);
  };
  // A collection folder just opened: what its sync found, and its environment picked.
  const { setEnv } = environments;
  useEffect(() => {
    const opened = spec.spec;
    if (opened?.sync) synced(opened.sync);
    if (!opened?.collection) return;
    // The environment last picked for this collection, else its first.
    api
      .uiState(`env:${opened.collection}`)
      .then((kept) => setEnv(kept ?? opened.environment ?? ""))
      .catch(() => setEnv(opened.environment ?? ""));
  }, [spec.spec, synced, setEnv]);
  // A mock serves the spec it was started on: the engine stops it when another is opened.
  useEffect(() => mockSpecChanged(), [spec.spec]);
  const pickEnv = (e: string) => {
    setEnv(e);
    const c = spec.spec?.collection;
    if (c) api.setUiState(`env:${c}`, e).catch(() => {});
  };
  const runs = useRuns({ env: environments.env, attempt, onRan: refresh, onStart: () => setView("runner") });
  const sender = useSend({
    build: tabs.build,
    env: environments.env,
    setCall,
    attempt,
    clearError,
    onSent: () => {
      collections.historyChanged();
      tabs.markChecks();
    },
    tab: tabs.active,
  });
  const actions: RequestActions = {
    open: tabs.openSaved,
    rename: (c, key, name) =>
      attempt(async () => {
        tabs.renamed(c, key, await api.renameRequest(c, key, name));
        refresh();
      }),
    duplicate: (c, key) =>
      attempt(async () => {
        const copy = await api.duplicateRequest(c, key);
        refresh();
        await tabs.openSaved(c, copy);
      }),
    move: (c, key, folder) =>
      attempt(async () => {
        tabs.renamed(c, key, await api.moveRequest(c, key, folder));
        refresh();
      }),
    remove: collections.remove,
    place: (c, key, folder, before) =>
      attempt(async () => {
        tabs.renamed(c, key, await api.placeRequest(c, key, folder, before));
        refresh();
      }),
    newRequest: (c, folder) =>
      attempt(async () => {
        const key = await api.newRequest(c, folder);
        refresh();
        await tabs.openSaved(c, key);
      }),
    newFolder: (c, path) =>
      attempt(async () => {
        await api.newFolder(c, path);
        refresh();
      }),
    removeSuite: collections.removeSuite,
    renameCollection: (c, to) =>
      attempt(async () => {
        await api.renameCollection(c, to);
        tabs.collectionRenamed(c, to);
        if (environments.env.startsWith(`${c}/`)) pickEnv(`${to}/${environments.env.slice(c.length + 1)}`);
        notify(`collection ${c} renamed ${to}`);
        refresh();
        environments.refresh();
      }),
    removeCollection: (c) =>
      attempt(async () => {
        await api.deleteCollection(c);
        tabs.collectionRenamed(c, null);
        if (environments.env.startsWith(`${c}/`)) pickEnv("");
        notify(`collection ${c} deleted (a linked folder stays on disk)`);
        refresh();
        environments.refresh();
      }),
    editAuth: (c, folder) => setAuthOf({ collection: c, folder }),
  };
  const palette: PaletteItem[] = [
    ...spec.rows.map((r) => ({ group: "Operations", label: `${r.method} ${r.path}`, keywords: [r.summary ?? "", r.id], run: () => tabs.select(r.id) })),
    ...collections.collections.flatMap((c) => c.items.map((i) => ({ group: "Saved requests", label: `${c.name}/${i.key}`, keywords: [i.method], run: () => tabs.openSaved(c.name, i.key) }))),
    ...environments.envs.map((e) => ({ group: "Environments", label: `Use ${e}`, run: () => pickEnv(e) })),
    { group: "Environments", label: "Use no environment", run: () => pickEnv("") },
    ...collections.collections.flatMap((c) => [c.name, ...c.suites.map((s) => `${c.name}/${s}`)].map((t) => ({ group: "Run", label: `Run ${t}`, run: () => runs.runTarget(t) }))),
    // Import and export through the system's file dialogs.
    { group: "Import / export", label: "Import a collection (file)…", run: () => dialogs.importFile().then((p) => (p ? collections.importFrom(p) : undefined)) },
    { group: "Import / export", label: "Import a collection (folder)…", run: () => dialogs.folder().then((p) => (p ? collections.importFrom(p) : undefined)) },
    ...collections.collections.flatMap((c) => [
      { group: "Import / export", label: `Export ${c.name} as a folder…`, run: () => dialogs.folder().then((p) => (p ? collections.exportTo(c.name, p, false) : undefined)) },
      { group: "Import / export", label: `Export ${c.name} for Postman…`, run: () => dialogs.saveFile(`${c.name}.postman_collection.json`).then((p) => (p ? collections.exportTo(c.name, p, true) : undefined)) },
    ]),
    { group: "Layout", label: layout?.split === "horizontal" ? "Response below the request" : "Response beside the request", run: () => flipSplit() },
  ];
  const current = tabs.tab?.saved ? `${tabs.tab.saved.collection}/${tabs.tab.saved.key}` : null;

  return (
    <div className="app">
      <Header
        source={spec.source}
        onSource={spec.setSource}
        onOpen={spec.open}
        busy={spec.busy}
        onBrowse={spec.browse}
        onTogglePaste={spec.togglePaste}
        recent={spec.recent}
        spec={spec.spec}
        baseUrl={baseUrl}
        onBaseUrl={setBaseUrl}
        envs={environments.envs}
        env={environments.env}
        onEnv={pickEnv}
        onEditEnv={() => {
          environments.edit();
          setView("environments");
        }}
        onNewSession={() =>
          attempt(async () => {
            await api.resetSession();
            notify("a new HTTP session: cookies, tokens and connections forgotten");
          })
        }
        theme={theme}
        onTheme={toggle}
      />
      {runs.approval && (
        <div className="banner warning" data-testid="approve-files" role="alert">
          <strong>{runs.approval.message}</strong>{" "}
          <button data-testid="approve-files-run" onClick={runs.approveAndRun}>
            Allow these files and run
          </button>{" "}
          <button onClick={runs.dismissApproval}>Not now</button>
        </div>
      )}
      {error && (
        <div className="banner error" data-testid="error" role="alert">
          <strong>{error.message}</strong> {error.hint && <span className="muted">— {error.hint}</span>}
          <button className="link" onClick={clearError}>
            dismiss
          </button>
        </div>
      )}
      {spec.pasting && (
        <div className="banner paste">
          <textarea data-testid="paste-text" value={spec.pasted} onChange={(e) => spec.setPasted(e.target.value)} placeholder="Paste an OpenAPI document (JSON or YAML)" />
          <button data-testid="open-pasted" disabled={!spec.pasted} onClick={spec.openPasted}>
            Open pasted spec
          </button>
        </div>
      )}
      {sender.curl && (
        <div className="banner curl">
          <pre data-testid="curl">{sender.curl}</pre>
          <button className="link" onClick={sender.closeCurl}>
            close
          </button>
        </div>
      )}
      {collections.deleted && (
        <div className="banner notice" data-testid="deleted" role="status">
          deleted “{collections.deleted.key}” from {collections.deleted.collection}{" "}
          <button data-testid="undo-delete" onClick={collections.undo}>
            Undo
          </button>{" "}
          <button className="link" onClick={collections.dismissDeleted}>
            dismiss
          </button>
        </div>
      )}
      {spec.linked.map((l) => (
        <div key={l.collection} className="banner warning" data-testid="spec-linked" role="status">
          the spec changed since “{l.collection}” was synced: {linkedLine(l)}{" "}
          <button
            data-testid={`spec-linked-review-${l.collection}`}
            onClick={() => {
              setChangesFor(l.collection);
              setView("changes");
              spec.dismissLinked(l.collection);
            }}
          >
            Review changes
          </button>{" "}
          <button className="link" onClick={() => spec.dismissLinked(l.collection)}>
            dismiss
          </button>
        </div>
      ))}
      {notice && (
        <div className="banner notice" data-testid="notice" role="status">
          {notice}
          <button className="link" onClick={clearNotice}>
            dismiss
          </button>
        </div>
      )}
      <main>
        {layout && (
        <PanelGroup direction="horizontal" onLayout={(sizes) => resized("main", sizes)}>
        <Panel defaultSize={layout.main[0]} minSize={12} className="pane">
        <Sidebar
          spec={<OperationList rows={spec.rows} filter={spec.filter} onFilter={spec.setFilter} selected={tabs.tab?.operationId ?? null} onSelect={tabs.select} coverage={runs.run?.coverage} />}
          collections={
            <CollectionTree
              collections={collections.collections}
              actions={actions}
              onRun={runs.runTarget}
              onExport={collections.exportTo}
              onImport={collections.importFrom}
              pick={dialogs}
              onCreateSuite={collections.createSuite}
              syncs={collections.syncs}
              trash={collections.trash}
              onResolve={collections.resolve}
              onRestore={collections.restore}
              current={current}
              onSpecChanges={
                spec.spec
                  ? (c: string) => {
                      setChangesFor(c);
                      setView("changes");
                    }
                  : undefined
              }
            />
          }
          mock={<MockPanel spec={spec.spec} baseUrl={baseUrl} onBaseUrl={setBaseUrl} />}
          fuzz={<FuzzPanel spec={spec.spec} env={environments.env} operation={tabs.tab?.operationId ?? null} onOpen={tabs.openDraft} />}
          history={collections.history}
          onReopen={tabs.reopen}
        />
        </Panel>
        <PanelResizeHandle className="resize-handle" />
        <Panel defaultSize={layout.main[1]} minSize={30} className="pane">
        <div className="view-tabs" role="tablist" aria-label="Views">
          <button role="tab" aria-selected={view === "request"} className={view === "request" ? "active" : ""} data-testid="view-request" onClick={() => setView("request")}>
            Requests
          </button>
          <button role="tab" aria-selected={view === "runner"} className={view === "runner" ? "active" : ""} data-testid="view-runner" onClick={() => setView("runner")}>
            Runner{runs.running ? " …" : ""}
          </button>
          <button
            role="tab"
            aria-selected={view === "environments"}
            className={view === "environments" ? "active" : ""}
            data-testid="view-environments"
            onClick={() => {
              if (environments.editing === null) environments.edit();
              setView("environments");
            }}
          >
            Environments
          </button>
        </div>
        {view === "runner" && (
          <RunnerView
            collections={collections.collections}
            target={runs.target}
            onPick={runs.pick}
            onRun={runs.runTarget}
            envs={environments.envs}
            env={environments.env}
            onEnv={pickEnv}
            running={runs.running}
            total={runs.total}
            live={runs.live}
            progress={runs.progress}
            run={runs.run}
            runs={runs.runs}
          />
        )}
        {view === "changes" && changesFor && <SpecChangesPanel
            key={`${changesFor}:${changesRound}:${spec.loads}`}
            collection={changesFor}
            onResynced={() => {
              refresh();
              spec.checkLinked();
            }}
            onError={fail}
          />}
        {view === "environments" && (
          <EnvironmentsView
            envs={environments.envs}
            editing={environments.editing ?? environments.env}
            onEdit={environments.editAt}
            onClose={() => {
              environments.closeEditor();
              setView("request");
            }}
            onError={fail}
            onSaved={(n) => {
              environments.saved(n);
              environments.refresh();
              collections.refresh();
            }}
            onDelete={(n) =>
              attempt(async () => {
                await api.deleteEnvironment(n);
                notify(`environment ${n} deleted`);
                if (environments.env === n) pickEnv("");
                environments.editAt("");
                environments.refresh();
                collections.refresh();
              })
            }
            onRename={(n, to) =>
              attempt(async () => {
                const renamed = await api.renameEnvironment(n, to);
                notify(`environment ${n} renamed ${renamed}`);
                if (environments.env === n) pickEnv(renamed);
                environments.editAt(renamed);
                environments.refresh();
                collections.refresh();
              })
            }
          />
        )}
        {view === "request" && (
        <PanelGroup key={layout.split} direction={layout.split} className="work" onLayout={(sizes) => resized("work", sizes)}>
          <Panel defaultSize={layout.work[0]} minSize={15} className="pane">
          <div className="request-pane">
            <UrlBar onOpen={tabs.openFree} />
            <TabBar tabs={tabs.tabs} active={tabs.active} onActivate={tabs.activate} onClose={tabs.close} onPin={tabs.pin} />
            {tabs.tab ? (
              <RequestPanel
                key={tabs.tab.id}
                tab={tabs.tab}
                marks={tabs.marks}
                onChange={tabs.update}
                onSend={sender.send}
                onCancel={sender.cancel}
                onCurl={sender.copyCurl}
                onSave={tabs.save}
                sending={sender.sending}
                vars={environments.vars}
              >
                <CollectionsPanel
                  key={current ?? "new"}
                  onSave={tabs.saveAs}
                  savedAt={tabs.tab.saved ? { collection: tabs.tab.saved.collection, name: tabs.tab.saved.name } : null}
                />
              </RequestPanel>
            ) : (
              <div className="empty muted">{spec.spec ? "Pick an operation, or open a saved request." : "Open a spec to begin."}</div>
            )}
          </div>
          </Panel>
          <PanelResizeHandle className={`resize-handle ${layout.split}`} />
          <Panel defaultSize={layout.work[1]} minSize={10} className="pane">
          {call ? <ResponsePanel call={call} onAllow={sender.allowAndSend} onSnippet={sender.snippet} /> : <div className="empty muted">The response shows here.</div>}
          </Panel>
        </PanelGroup>
        )}
        </Panel>
        </PanelGroup>
        )}
      </main>
      <Palette items={palette} />
      {authOf && <InheritedAuth key={`${authOf.collection}/${authOf.folder.join("/")}`} collection={authOf.collection} folder={authOf.folder} onClose={() => setAuthOf(null)} onError={fail} onSaved={() => notify(`auth of ${authOf.folder.length ? `folder ${authOf.folder.join("/")}` : `collection ${authOf.collection}`} saved`)} />}
    </div>
  );
}
