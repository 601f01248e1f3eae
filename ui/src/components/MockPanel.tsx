import type { SpecSummary } from "../api";
import { useMock } from "../hooks/useMock";
import { mockSettings, type MockEntry, type MockValues } from "../lib/mock";
import { counted } from "../lib/words";

interface Props {
  spec: SpecSummary | null;
  /** Where the window's requests go (empty: the spec's server). */
  baseUrl: string;
  onBaseUrl: (url: string) => void;
}

/**
 * The Mock tab: a mock of the open spec (`vouch mock`'s engine) on a free local port, started
 * with a click; the window's requests pointed at it with another; every request it serves
 * logged, newest first, with the contract's findings on the request and on the mock's answer.
 */
export function MockPanel({ spec, baseUrl, onBaseUrl }: Props) {
  const mock = useMock();
  const { view, form, busy } = mock;
  const settings = mockSettings(form);
  const invalid = typeof settings === "string" ? settings : null;
  const pointed = view !== null && baseUrl === view.url;
  const stop = async () => {
    // Requests sent to the mock go back where they went before.
    if (pointed) onBaseUrl(mock.before ?? "");
    await mock.stop();
  };
  if (!spec && !view) return <div className="mock-panel empty muted">Open a spec to mock it.</div>;
  return (
    <section className="mock-panel" data-testid="mock-panel" aria-label="Mock">
      <fieldset className="mock-settings" disabled={view !== null || busy}>
        <div className="row">
          <label title="Check each request against the contract: a broken one gets the declared client error">
            <input type="checkbox" data-testid="mock-validate" checked={form.validate} onChange={(e) => mock.edit({ validate: e.target.checked })} /> check requests
          </label>
          <label title="Keep what POSTs create: GET, PUT, PATCH and DELETE on the item read, replace, merge and delete it">
            <input type="checkbox" data-testid="mock-stateful" checked={form.stateful} onChange={(e) => mock.edit({ stateful: e.target.checked })} /> stateful
          </label>
          <label title="Answer CORS preflights and let any origin read the answers">
            <input type="checkbox" data-testid="mock-cors" checked={form.cors} onChange={(e) => mock.edit({ cors: e.target.checked })} /> CORS
          </label>
        </div>
        <div className="row">
          <label title="The spec's examples (else the smallest valid value), values drawn from a seed (the same request gets the same answer), or fresh random values">
            values{" "}
            <select data-testid="mock-values" value={form.values} onChange={(e) => mock.edit({ values: e.target.value as MockValues })}>
              <option value="example">examples</option>
              <option value="seeded">seeded</option>
              <option value="dynamic">random</option>
            </select>
          </label>
          {form.values === "seeded" && <input className="num" data-testid="mock-seed" aria-label="Seed" title="Seed" value={form.seed} onChange={(e) => mock.edit({ seed: e.target.value })} />}
          <label title="Wait this long before each answer">
            delay <input className="num" data-testid="mock-latency" placeholder="0" value={form.latency} onChange={(e) => mock.edit({ latency: e.target.value })} /> ms
          </label>
        </div>
      </fieldset>
      {invalid && !view && (
        <div className="small error" data-testid="mock-invalid">
          {invalid}
        </div>
      )}
      <div className="row">
        {view ? (
          <button data-testid="mock-stop" disabled={busy} onClick={stop}>
            {busy ? "Stopping…" : "Stop"}
          </button>
        ) : (
          <button className="primary" data-testid="mock-start" disabled={busy || !spec || typeof settings === "string"} onClick={() => typeof settings !== "string" && mock.start(settings)}>
            {busy ? "Starting…" : "Start mock"}
          </button>
        )}
        {!view && spec && <span className="small muted">of {spec.title}, on a free local port</span>}
      </div>
      {mock.error && (
        <div className="small error" data-testid="mock-error">
          {mock.error.message}
          {mock.error.hint && ` — ${mock.error.hint}`}
        </div>
      )}
      {mock.note && !view && <div className="small muted">{mock.note}</div>}
      {view && (
        <div className="mock-serving" data-testid="mock-serving">
          <div className="small">
            <span className="live-dot" /> serving {counted(view.operations, "operation")} at
          </div>
          <code className="mock-url" data-testid="mock-url">
            {view.url}
          </code>
          {pointed ? (
            <div className="small ok" data-testid="mock-pointed">
              The window’s requests go to the mock.{" "}
              <button className="link" data-testid="mock-unpoint" onClick={() => onBaseUrl(mock.before ?? "")}>
                Send them back to {mock.before || "the spec’s server"}
              </button>
            </div>
          ) : (
            <button
              data-testid="mock-use"
              title="Point the window's base URL at the mock"
              onClick={() => {
                mock.pointed(baseUrl);
                onBaseUrl(view.url);
              }}
            >
              Send requests to the mock
            </button>
          )}
        </div>
      )}
      <div className="row mock-log-head">
        <h3>
          Served <span data-testid="mock-count">{mock.count}</span>
        </h3>
        {mock.count > mock.log.length && <span className="small muted">(the last {mock.log.length} shown)</span>}
        <button className="link" data-testid="mock-clear" disabled={mock.count === 0} onClick={mock.clear}>
          Clear
        </button>
      </div>
      <ul className="mock-log" data-testid="mock-log">
        {mock.log.map((e) => (
          <LogEntry key={e.n} entry={e} />
        ))}
        {mock.log.length === 0 && <li className="small muted">{view ? "No request yet." : "Requests the mock serves show here."}</li>}
      </ul>
    </section>
  );
}

/** One request served: status, method, path, time, operation, then each finding on a line. */
function LogEntry({ entry }: { entry: MockEntry }) {
  const s = entry.served;
  return (
    <li className="mock-entry" data-testid="mock-entry">
      <div className="mock-line">
        <span className={`status s${String(s.status)[0]}`}>{s.status}</span>
        <span className={`method m-${s.method.toLowerCase()}`}>{s.method}</span>
        <span className="path" title={s.target}>
          {s.target}
        </span>
        <span className="small muted at">{entry.at}</span>
      </div>
      <div className="small muted mock-op">{s.operation ?? "no operation of the spec"}</div>
      {s.request_findings.map((f, i) => (
        <div key={`r${i}`} className="small bad mock-finding">
          request: {f}
        </div>
      ))}
      {s.replaced.map((f, i) => (
        <div key={`x${i}`} className="small warn mock-finding">
          example broke the contract (a generated value went): {f}
        </div>
      ))}
      {s.findings.map((f, i) => (
        <div key={`m${i}`} className="small bad mock-finding">
          the mock broke its contract: {f}
        </div>
      ))}
    </li>
  );
}
