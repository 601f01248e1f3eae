import type { FuzzFailureView, SpecSummary } from "../api";
import { useFuzz } from "../hooks/useFuzz";
import { fuzzSettings } from "../lib/fuzz";

interface Props {
  spec: SpecSummary | null;
  /** The environment the window's calls use ("" for none). */
  env: string;
  /** The active tab's operation (what "this operation" fuzzes). */
  operation: string | null;
  /** Opens a failure's shrunk request in a tab. */
  onOpen: (f: FuzzFailureView) => void;
}

/**
 * The Fuzz tab: `vouch fuzz`'s engine on the open spec (or the active tab's operation) at the
 * window's base URL, live progress, then each failure shrunk, with its request one click away
 * from a tab or a collection (saved with the assertion that failed).
 */
export function FuzzPanel({ spec, env, operation, onOpen }: Props) {
  const fuzz = useFuzz();
  const { form, running, progress, view } = fuzz;
  const settings = fuzzSettings(form, operation);
  const invalid = typeof settings === "string" ? settings : null;
  if (!spec) return <div className="fuzz-panel empty muted">Open a spec to fuzz it.</div>;
  const pct = progress.operations > 0 ? Math.round((100 * progress.done) / progress.operations) : 0;
  return (
    <section className="fuzz-panel" data-testid="fuzz-panel" aria-label="Fuzz">
      <fieldset className="fuzz-settings" disabled={running}>
        <div className="row">
          <label title="Every operation of the spec, or the one of the active tab">
            fuzz{" "}
            <select data-testid="fuzz-scope" value={form.scope} onChange={(e) => fuzz.edit({ scope: e.target.value as "spec" | "operation" })}>
              <option value="spec">the whole spec</option>
              <option value="operation">this operation{operation ? ` (${operation})` : ""}</option>
            </select>
          </label>
          <label title="GET, HEAD and OPTIONS only: nothing that changes the service">
            <input type="checkbox" data-testid="fuzz-read-only" checked={form.readOnly} onChange={(e) => fuzz.edit({ readOnly: e.target.checked })} /> read-only
          </label>
        </div>
        <div className="row">
          <label title="The same seed sends the same requests">
            seed <input className="num" data-testid="fuzz-seed" value={form.seed} onChange={(e) => fuzz.edit({ seed: e.target.value })} />
          </label>
          <label title="Positive requests per operation (boundary values included), and at most as many negative ones">
            examples <input className="num" data-testid="fuzz-examples" value={form.examples} onChange={(e) => fuzz.edit({ examples: e.target.value })} />
          </label>
          <label title="Stop generating after this many seconds (empty: when every phase is done)">
            at most <input className="num" data-testid="fuzz-budget" value={form.budget} onChange={(e) => fuzz.edit({ budget: e.target.value })} /> s
          </label>
        </div>
      </fieldset>
      {invalid && !running && (
        <div className="small error" data-testid="fuzz-invalid">
          {invalid}
        </div>
      )}
      <div className="row">
        {running ? (
          <button data-testid="fuzz-stop" onClick={fuzz.stop}>
            Stop
          </button>
        ) : (
          <button className="primary" data-testid="fuzz-start" disabled={typeof settings === "string"} onClick={() => typeof settings !== "string" && fuzz.start(settings, env || null)}>
            Fuzz
          </button>
        )}
        {!running && <span className="small muted">examples, boundary values, random and invalid requests, create → delete sequences</span>}
      </div>
      {running && (
        <div className="fuzz-progress" data-testid="fuzz-progress">
          <progress max={100} value={pct} />
          <div className="small">
            {progress.phase} {progress.operation} — {progress.found} failure(s) so far
          </div>
        </div>
      )}
      {fuzz.error && (
        <div className="small error" data-testid="fuzz-error">
          {fuzz.error.message}
          {fuzz.error.hint && ` — ${fuzz.error.hint}`}
        </div>
      )}
      {view && (
        <>
          <div className="small" data-testid="fuzz-summary">
            {view.failures.length} unique failure(s) in {view.requests} requests to {view.operations} operation(s), {(view.elapsed_ms / 1000).toFixed(1)} s
            {view.first_failure_ms !== null && `, the first after ${(view.first_failure_ms / 1000).toFixed(1)} s`}
            {view.cancelled && " (stopped)"}
          </div>
          {view.aborted && <div className="small error">{view.aborted}</div>}
          {view.failures.length > 0 && (
            <div className="row">
              <input data-testid="fuzz-collection" aria-label="Collection to save failures in" value={form.collection} onChange={(e) => fuzz.edit({ collection: e.target.value })} />
              <button data-testid="fuzz-save-all" onClick={() => fuzz.save([])} title="Save every failure as requests with the assertion that failed">
                Save all
              </button>
            </div>
          )}
          {fuzz.saved && (
            <div className="small ok" data-testid="fuzz-saved">
              {fuzz.saved}
            </div>
          )}
          <ul className="fuzz-failures" data-testid="fuzz-failures">
            {view.failures.map((f, i) => (
              <li key={i} className="fuzz-failure" data-testid="fuzz-failure" data-check={f.check}>
                <div className="mock-line">
                  <span className="bad small">{f.check}</span>
                  <span className={`method m-${f.method.toLowerCase()}`}>{f.method}</span>
                  <span className="path">{f.path}</span>
                  {f.status !== null && <span className={`status s${String(f.status)[0]}`}>{f.status}</span>}
                </div>
                <div className="small">
                  {f.location && <span className="muted">at {f.location}: </span>}
                  {f.message}
                </div>
                <pre className="small fuzz-curl">{f.curl}</pre>
                <div className="row">
                  <button className="link" data-testid="fuzz-open" onClick={() => onOpen(f)} title="Open the shrunk request in a tab">
                    Open in a tab
                  </button>
                  <button className="link" data-testid="fuzz-save" onClick={() => fuzz.save([i])} title="Save it (with the assertion that failed) into the collection above">
                    Save
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
