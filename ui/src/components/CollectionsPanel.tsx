import { useState } from "react";

import type { Event, RunPoint, RunView } from "../api";
import { RunChart } from "./RunChart";

interface Props {
  onSave: (collection: string, name: string) => void;
  canSave: boolean;
  /** Where the active tab is saved, to fill the fields. */
  savedAt: { collection: string; name: string } | null;
  progress: Event | null;
  run: RunView | null;
  runs: RunPoint[];
}

/** Saving the active request into a collection, and the runs: live progress, the result, the chart. */
export function CollectionsPanel({ onSave, canSave, savedAt, progress, run, runs }: Props) {
  const [collection, setCollection] = useState(savedAt?.collection ?? "my collection");
  const [name, setName] = useState(savedAt?.name ?? "");
  return (
    <aside className="collections" aria-label="Save and run">
      <h3>Save request</h3>
      <div className="row">
        <input data-testid="save-collection" value={collection} onChange={(e) => setCollection(e.target.value)} placeholder="collection" />
        <input data-testid="save-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="request name" />
        <button data-testid="save" disabled={!canSave || !name || !collection} onClick={() => onSave(collection, name)}>
          Save
        </button>
      </div>
      <h3>Runs</h3>
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
    </aside>
  );
}
