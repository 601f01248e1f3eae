import { useState } from "react";

import { api, type CollectionRow, type Event, type RunPoint, type RunView, type StepDetail } from "../api";
import { useLoadRunning } from "../hooks/useLoadRun";
import { LoadPanel } from "./LoadPanel";
import { RunChart } from "./RunChart";

interface Props {
  collections: CollectionRow[];
  /** The target shown (`collection` or `collection/suite`). */
  target: string;
  onPick: (target: string) => void;
  onRun: (target: string) => void;
  envs: string[];
  env: string;
  onEnv: (env: string) => void;
  running: boolean;
  total: number;
  live: Event[];
  progress: Event | null;
  run: RunView | null;
  runs: RunPoint[];
}

/**
 * The runner, a view of its own: pick a collection or a suite and an environment, run it
 * with live progress, read the results (step, status, time, findings, failed checks), drill
 * into any step's exchange, see the coverage and the target's past runs.
 */
export function RunnerView({ collections, target, onPick, onRun, envs, env, onEnv, running, total, live, progress, run, runs }: Props) {
  const [detail, setDetail] = useState<StepDetail | null>(null);
  const [shown, setShown] = useState<number | null>(null);
  // Back in the runner while a load run goes on: its tab, with its live figures and Stop.
  const loading = useLoadRunning();
  const [mode, setMode] = useState<"run" | "load">(loading ? "load" : "run");
  const targets = collections.flatMap((c) => [c.name, ...c.suites.map((s) => `${c.name}/${s}`)]);
  return (
    <section className="runner" data-testid="runner" aria-label="Runner">
      <div className="row tabs" role="tablist">
        <button role="tab" aria-selected={mode === "run"} className={mode === "run" ? "active" : ""} data-testid="runner-mode-run" onClick={() => setMode("run")}>
          Contract run
        </button>
        <button role="tab" aria-selected={mode === "load"} className={mode === "load" ? "active" : ""} data-testid="runner-mode-load" onClick={() => setMode("load")}>
          Load
        </button>
      </div>
      <div className="row">
        <label>
          Run{" "}
          <select data-testid="runner-target" value={target} onChange={(e) => onPick(e.target.value)}>
            <option value="">pick a collection or suite…</option>
            {targets.map((t) => (
              <option key={t} value={t}>
                {t.includes("/") ? `suite ${t}` : `collection ${t}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          with{" "}
          <select data-testid="runner-env" value={env} onChange={(e) => onEnv(e.target.value)}>
            <option value="">no environment</option>
            {envs.map((e) => (
              <option key={e}>{e}</option>
            ))}
          </select>
        </label>
        {mode === "run" && (
          <button className="primary" data-testid="runner-run" disabled={!target || running} onClick={() => onRun(target)}>
            {running ? "Running…" : "Run"}
          </button>
        )}
      </div>
      {/* Kept mounted while hidden: a load run in progress keeps its figures and its Stop. */}
      <div hidden={mode !== "load"}>
        <LoadPanel target={target} env={env} />
      </div>
      {mode === "run" && (
        <>
      {running && (
        <div className="progress" data-testid="run-progress">
          <progress max={total || 1} value={live.length} /> {live.length} of {total || "?"} steps
          {progress?.event === "step_finished" && (
            <>
              {" "}
              · {progress.name} — {progress.outcome} ({progress.summary.passed} passed, {progress.summary.failed} failed)
            </>
          )}
          <ul className="small">
            {live.map((e, i) => e.event === "step_finished" && <li key={i} className={`o-${e.outcome}`}>{e.seq + 1}. {e.name} — {e.outcome}</li>)}
          </ul>
        </div>
      )}
      <h4>Past runs of {target || "…"}</h4>
      <RunChart runs={runs} names={run?.steps.map((s) => s.name)} />
      {runs.length === 0 && <p className="muted small">No run of this target yet.</p>}
      {run && (
        <div className="run" data-testid="run-result">
          <div>
            {run.summary.total} {run.summary.total === 1 ? "step" : "steps"}: {run.summary.passed} passed, {run.summary.failed} failed, {run.summary.errors} {run.summary.errors === 1 ? "error" : "errors"} · coverage {run.covered[0]}/{run.covered[1]} operations
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
          <table className="run-steps" data-testid="run-steps">
            <thead>
              <tr>
                <th>#</th>
                <th>step</th>
                <th>status</th>
                <th>time</th>
                <th>findings</th>
                <th>failed checks</th>
              </tr>
            </thead>
            <tbody>
              {run.steps.map((s, i) => (
                <tr key={i} className={`o-${s.outcome} ${detail && shown === s.seq ? "selected" : ""}`}>
                  <td>{s.seq + 1}</td>
                  <td>
                    <button
                      className="link"
                      data-testid={`step-${i}`}
                      title="Show the exchange"
                      onClick={() => {
                        setShown(s.seq);
                        api.runStep(run.run_id, s.seq).then(setDetail).catch(() => setDetail(null));
                      }}
                    >
                      <span className={`outcome o-${s.outcome}`}>{s.outcome}</span> — {s.name}
                    </button>
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
                  </td>
                  <td>{s.status ?? "—"}</td>
                  <td>{s.elapsed_ms !== null ? `${s.elapsed_ms} ms` : "—"}</td>
                  <td>{s.findings || ""}</td>
                  <td>{s.failed_checks || ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {detail && <StepExchange detail={detail} onClose={() => setDetail(null)} />}
        </>
      )}
    </section>
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
