import { useEffect } from "react";

import { api, dialogs } from "./api";
import { CollectionsPanel } from "./components/CollectionsPanel";
import { EnvironmentEditor } from "./components/EnvironmentEditor";
import { Header } from "./components/Header";
import { OperationList } from "./components/OperationList";
import { RequestPanel } from "./components/RequestPanel";
import { ResponsePanel } from "./components/ResponsePanel";
import { useCollections } from "./hooks/useCollections";
import { useDraft } from "./hooks/useDraft";
import { useEnvironments } from "./hooks/useEnvironments";
import { useNotices } from "./hooks/useNotices";
import { useRuns } from "./hooks/useRuns";
import { useCallView, useSend } from "./hooks/useSend";
import { useSpec } from "./hooks/useSpec";
import { useTheme } from "./hooks/useTheme";

export function App() {
  const { error, notice, notify, fail, attempt, clearError, clearNotice } = useNotices();
  const { theme, toggle } = useTheme();
  const { call, setCall, clearCall } = useCallView();
  const draft = useDraft({ attempt, clearCall });
  const environments = useEnvironments({ fail, notify });
  const collections = useCollections({ fail, attempt, notify, refreshEnvironments: environments.refresh, build: draft.build });
  const spec = useSpec({
    fail,
    attempt,
    clearError,
    notify,
    setBaseUrl: draft.setBaseUrl,
    clearDraft: draft.clear,
    clearCall,
    refreshCollections: collections.refresh,
  });
  // A collection folder just opened was synced with the store: show what that found.
  const { synced } = collections;
  useEffect(() => {
    if (spec.spec?.sync) synced(spec.spec.sync);
  }, [spec.spec, synced]);
  const runs = useRuns({ env: environments.env, attempt });
  const sender = useSend({ build: draft.build, env: environments.env, setCall, attempt, clearError, onSent: collections.historyChanged });

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
        baseUrl={draft.baseUrl}
        onBaseUrl={draft.setBaseUrl}
        envs={environments.envs}
        env={environments.env}
        onEnv={environments.setEnv}
        onEditEnv={environments.edit}
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
      {environments.editing !== null && (
        <div className="banner">
          <EnvironmentEditor
            name={environments.editing}
            onClose={environments.closeEditor}
            onError={fail}
            onSaved={(n) => {
              environments.saved(n);
              collections.refresh();
            }}
          />
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
      {notice && (
        <div className="banner notice" data-testid="notice" role="status">
          {notice}
          <button className="link" onClick={clearNotice}>
            dismiss
          </button>
        </div>
      )}
      <main>
        <OperationList rows={spec.rows} filter={spec.filter} onFilter={spec.setFilter} selected={draft.selected} onSelect={draft.select} />
        <div className="work">
          {draft.form ? (
            <RequestPanel
              form={draft.form}
              state={draft.state}
              onChange={draft.setState}
              onSend={sender.send}
              onCancel={sender.cancel}
              onCurl={sender.copyCurl}
              sending={sender.sending}
            />
          ) : (
            <div className="empty muted">{spec.spec ? "Pick an operation." : "Open a spec to begin."}</div>
          )}
          {call && <ResponsePanel call={call} onAllow={sender.allowAndSend} />}
        </div>
        <CollectionsPanel
          collections={collections.collections}
          canSave={!!draft.form}
          onSave={collections.save}
          onRun={runs.runTarget}
          onExport={collections.exportTo}
          onImport={collections.importFrom}
          pick={dialogs}
          onCreateSuite={collections.createSuite}
          runs={runs.runs}
          progress={runs.progress}
          run={runs.run}
          history={collections.history}
          onReopen={draft.reopen}
          syncs={collections.syncs}
          trash={collections.trash}
          onResolve={collections.resolve}
          onRestore={collections.restore}
        />
      </main>
    </div>
  );
}
