import { useState } from "react";

import { api, type Event, type RunPoint, type RunView, type StepDetail } from "../api";
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
  const [detail, setDetail] = useState<StepDetail | null>(null);
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
      <RunChart runs={runs} names={run?.steps.map((s) => s.name)} />
      {run && (
        <div className="run" data-testid="run-result">
          <div>
            {run.summary.total} steps: {run.summary.passed} passed, {run.summary.failed} failed, {run.summary.errors} errors · coverage {run.covered[0]}/{run.covered[1]} operations
          </div>
          {run.note && <div className="small muted" data-testid="run-note">{run.note}</div>}
          {run.coverage.length > 0 && (
            <table className="coverage small" data-testid="coverage">
              <tbody>
                {run.coverage.map((c, i) => (
                  <tr key={i}>
                    <th>
                      <span className={`method m-${c.method.toLowerCase()}`}>{c.method}</span> {c.path}
                    </th>
                    <td>
                      {c.declared.map((d) => (
                        <span key={d} className={`cov ${c.covered.includes(d) ? "seen" : "unseen"}`} title={c.covered.includes(d) ? "seen in this run" : "declared, not seen"}>
                          {d}
                        </span>
                      ))}
                      {c.statuses
                        .filter((st) => !c.covered.some((d) => d === String(st) || (d.endsWith("XX") && d[0] === String(st)[0])))
                        .map((st) => (
                          <span key={`u${st}`} className="cov undeclared" title="received, not declared">
                            {st}
                          </span>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
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
          <ul className="run-steps">
            {run.steps.map((s, i) => (
              <li key={i} className={`o-${s.outcome} clickable`} data-testid={`step-${i}`} title="Show the exchange" onClick={() => api.runStep(run.run_id, s.seq).then(setDetail).catch(() => setDetail(null))}>
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
      {detail && <StepExchange detail={detail} onClose={() => setDetail(null)} />}
    </aside>
  );
}

/** A step of a run drilled into: the request as sent, the response, why it did not pass. */
function StepExchange({ detail, onClose }: { detail: StepDetail; onClose: () => void }) {
  return (
    <div className="step-detail" data-testid="step-detail">
      <div className="row">
        <strong>{detail.name}</strong> <span className={`o-${detail.outcome}`}>{detail.outcome}</span>
        <button className="link" onClick={onClose}>
          close
        </button>
      </div>
      {detail.reasons.map((r, i) => (
        <div key={i} className="small bad">
          {r}
        </div>
      ))}
      <h4>Request</h4>
      <div className="small mono">
        {detail.method} {detail.url}
      </div>
      {detail.request_headers.map(([k, v], i) => (
        <div key={i} className="small mono muted">
          {k}: {v}
        </div>
      ))}
      {detail.request_body && <pre className="small">{detail.request_body}</pre>}
      {detail.curl && <pre className="small muted">{detail.curl}</pre>}
      <h4>Response {detail.status ?? ""}</h4>
      {detail.response_headers.map(([k, v], i) => (
        <div key={i} className="small mono muted">
          {k}: {v}
        </div>
      ))}
      <pre className="small">{detail.response_body}</pre>
      {detail.body_truncated && <div className="small muted">(the run kept the start of the body)</div>}
    </div>
  );
}
