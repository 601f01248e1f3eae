import { useState } from "react";

import type { CollectionRow, Event, HistoryRow, RunPoint, RunView, SyncReport, Trashed, dialogs } from "../api";
import { RunChart } from "./RunChart";

interface Props {
  collections: CollectionRow[];
  onSave: (collection: string, name: string) => void;
  canSave: boolean;
  onRun: (target: string) => void;
  onExport: (name: string, to: string, postman: boolean) => void;
  onImport: (path: string) => void;
  progress: Event | null;
  run: RunView | null;
  history: HistoryRow[];
  pick: typeof dialogs;
  onCreateSuite: (collection: string, name: string, requests: string[]) => void;
  runs: RunPoint[];
  onReopen: (h: HistoryRow) => void;
  /** The last sync of each linked collection with its folder. */
  syncs: Record<string, SyncReport>;
  /** What syncs took out of each collection, restorable. */
  trash: Record<string, Trashed[]>;
  onResolve: (collection: string, key: string, mine: boolean) => void;
  onRestore: (collection: string, id: number) => void;
}

/** `request:items/Create item` → `items/Create item (request)`. */
function entity(key: string): string {
  const [kind, ...rest] = key.split(":");
  return `${rest.join(":")} (${kind})`;
}

/** A linked collection's folder, its conflicts with it, what was held back, its trash. */
function FolderLink({ c, sync, trash, onResolve, onRestore }: { c: CollectionRow; sync?: SyncReport; trash: Trashed[]; onResolve: Props["onResolve"]; onRestore: Props["onRestore"] }) {
  if (!c.folder) return null;
  return (
    <div className="folder-link">
      <div className="small muted" data-testid={`folder-${c.name}`} title="Saves write this folder's files; its changes are picked up">
        ↔ {c.folder}
      </div>
      {sync?.conflicts.map((k) => (
        <div key={k.key} className="conflict" role="alert" data-testid={`conflict-${k.key}`}>
          <div>
            <strong>{entity(k.key)}</strong>: {k.detail}
            {k.file && <div className="small muted">{k.file}</div>}
          </div>
          <div className="row">
            <button data-testid={`keep-mine-${k.key}`} onClick={() => onResolve(c.name, k.key, true)} title="Write this machine's version to the folder">
              Keep mine
            </button>
            <button data-testid={`keep-theirs-${k.key}`} onClick={() => onResolve(c.name, k.key, false)} title="Take the folder's version; yours goes to the trash">
              Keep the folder's
            </button>
          </div>
        </div>
      ))}
      {sync?.held.map((h) => (
        <div key={h} className="small warn" data-testid="sync-held">
          {h}
        </div>
      ))}
      {trash.length > 0 && (
        <details data-testid={`trash-${c.name}`}>
          <summary>Removed ({trash.length})</summary>
          <ul>
            {trash.map((t) => (
              <li key={t.id} className="small">
                {entity(t.key)}: {t.reason}{" "}
                <button data-testid={`restore-${t.id}`} onClick={() => onRestore(c.name, t.id)}>
                  Restore
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Collections: save the current request, run a collection with live progress, share it. */
export function CollectionsPanel({ collections, onSave, canSave, onRun, onExport, onImport, progress, run, history, pick, onCreateSuite, runs, onReopen, syncs, trash, onResolve, onRestore }: Props) {
  const [collection, setCollection] = useState("my collection");
  const [name, setName] = useState("");
  const [dir, setDir] = useState("");
  const [importPath, setImportPath] = useState("");
  const [postman, setPostman] = useState(false);
  // The suite being composed: its collection, name, and the requests picked in order.
  const [composing, setComposing] = useState<string | null>(null);
  const [suiteName, setSuiteName] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  return (
    <aside className="collections" aria-label="Collections">
      <h3>Save request</h3>
      <div className="row">
        <input data-testid="save-collection" value={collection} onChange={(e) => setCollection(e.target.value)} placeholder="collection" />
        <input data-testid="save-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="request name" />
        <button data-testid="save" disabled={!canSave || !name || !collection} onClick={() => onSave(collection, name)}>
          Save
        </button>
      </div>
      <h3>Collections</h3>
      <ul className="tree" data-testid="collections">
        {collections.map((c) => (
          <li key={c.name}>
            <div className="row">
              <strong>{c.name}</strong>
              <button data-testid={`run-${c.name}`} onClick={() => onRun(c.name)}>
                Run
              </button>
              <button data-testid={`export-${c.name}`} disabled={!dir} onClick={() => onExport(c.name, dir, postman)}>
                Export
              </button>
            </div>
            <FolderLink c={c} sync={syncs[c.name]} trash={trash[c.name] ?? []} onResolve={onResolve} onRestore={onRestore} />
            <ul>
              {c.requests.map((r) => (
                <li key={r} className="muted">
                  {composing === c.name ? (
                    <label>
                      <input
                        type="checkbox"
                        data-testid={`pick-${r}`}
                        checked={picked.includes(r)}
                        onChange={(e) => setPicked(e.target.checked ? [...picked, r] : picked.filter((x) => x !== r))}
                      />{" "}
                      {r} {picked.includes(r) && <span className="small">#{picked.indexOf(r) + 1}</span>}
                    </label>
                  ) : (
                    r
                  )}
                </li>
              ))}
              {c.suites.map((su) => (
                <li key={`suite-${su}`}>
                  suite <strong>{su}</strong>{" "}
                  <button data-testid={`run-${c.name}/${su}`} onClick={() => onRun(`${c.name}/${su}`)}>
                    Run
                  </button>
                </li>
              ))}
            </ul>
            {composing === c.name ? (
              <div className="row">
                <input data-testid="suite-name" value={suiteName} onChange={(e) => setSuiteName(e.target.value)} placeholder="suite name" />
                <button
                  data-testid="create-suite"
                  disabled={!suiteName || picked.length === 0}
                  onClick={() => {
                    onCreateSuite(c.name, suiteName, picked);
                    setComposing(null);
                  }}
                >
                  Create
                </button>
                <button onClick={() => setComposing(null)}>Cancel</button>
              </div>
            ) : (
              <button
                data-testid={`new-suite-${c.name}`}
                onClick={() => {
                  setComposing(c.name);
                  setPicked([]);
                  setSuiteName("");
                }}
              >
                New suite…
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="row">
        <input data-testid="export-dir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder={postman ? "export to file….json" : "export to folder…"} />
        <button
          onClick={() =>
            (postman ? pick.saveFile("collection.postman.json") : pick.folder()).then((p) => {
              if (p) setDir(p);
            })
          }
          title="Choose where"
        >
          …
        </button>
        <label>
          <input type="checkbox" data-testid="export-postman" checked={postman} onChange={(e) => setPostman(e.target.checked)} /> Postman
        </label>
      </div>
      <div className="row">
        <input data-testid="import-path" value={importPath} onChange={(e) => setImportPath(e.target.value)} placeholder="import a folder or file…" />
        <button
          onClick={() =>
            pick.importFile().then((p) => {
              if (p) setImportPath(p);
            })
          }
          title="Postman, Insomnia, HAR, cURL or a Vouch folder's collection.yaml">
          …
        </button>
        <button data-testid="import" disabled={!importPath} onClick={() => onImport(importPath)}>
          Import
        </button>
      </div>
      {progress && progress.event === "step_finished" && (
        <div className="progress" data-testid="run-progress">
          step {progress.seq + 1}: {progress.name} — {progress.outcome} ({progress.summary.passed} passed, {progress.summary.failed} failed)
        </div>
      )}
      <RunChart runs={runs} />
      {run && (
        <div className="run" data-testid="run-result">
          <div>
            {run.summary.total} steps: {run.summary.passed} passed, {run.summary.failed} failed, {run.summary.errors} errors · coverage {run.covered[0]}/{run.covered[1]} operations
          </div>
          {run.note && <div className="small muted" data-testid="run-note">{run.note}</div>}
          {run.aborted && (
            <div className="error small" data-testid="run-aborted">
              stopped: {run.aborted.message} — {run.aborted.hint}
            </div>
          )}
          {run.store_error && (
            <div className="error small" data-testid="run-store-error">
              not recorded: {run.store_error.message} — {run.store_error.hint}
            </div>
          )}
          <ul>
            {run.steps.map((s, i) => (
              <li key={i} className={`o-${s.outcome}`}>
                {s.outcome} — {s.name} {s.elapsed_ms !== null && <span className="muted">{s.elapsed_ms} ms</span>}
                {s.reasons.map((r, j) => (
                  <div key={j} className="small muted">
                    {r}
                  </div>
                ))}
                {s.warnings.map((w, j) => (
                  <div key={`w${j}`} className="small muted">
                    warning: {w}
                  </div>
                ))}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>History</h3>
      <ul className="history" data-testid="history">
        {history.map((h, i) => (
          <li key={i} title={`${h.at} (click to open again)`} onClick={() => onReopen(h)} className={h.draft ? "clickable" : ""}>
            <span className={`status s${String(h.status ?? 5)[0]}`}>{h.status ?? "—"}</span> {h.method} <span className="muted small">{h.url}</span>
            {h.findings > 0 && <span className="error small"> {h.findings} finding(s)</span>}
          </li>
        ))}
      </ul>
    </aside>
  );
}
