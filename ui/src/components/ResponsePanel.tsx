import { useEffect, useState } from "react";

import { api, asAppError, type CallView } from "../api";
import { formatBytes } from "../lib/body";
import { BodyViewer, type Target } from "./BodyViewer";

type Pane = "body" | "headers" | "contract" | "timeline" | "code";

/** The response: status, time, size and the contract verdict; then as tabs the body, the
 *  headers, the contract's findings, the timeline (the request as sent, its timings) and the
 *  request as code (cURL, Python httpx, JavaScript fetch). */
export function ResponsePanel({ call, onAllow, onSnippet }: { call: CallView; onAllow?: (secret: string, origin: string) => void; onSnippet?: (lang: string) => Promise<string> }) {
  const [picked, setPicked] = useState<Pane | null>(null);
  const pane: Pane = picked ?? (call.findings.length > 0 ? "contract" : "body");
  // The finding clicked last, for the body it was found in.
  const [target, setTarget] = useState<(Target & { bodyId: number | null }) | undefined>(undefined);
  const jump = (location: string) => {
    setTarget((t) => ({ pointer: location, n: (t?.n ?? 0) + 1, bodyId: call.body_id }));
    setPicked("body");
  };
  const labels: Record<Pane, string> = {
    body: "Body",
    headers: `Headers ${call.headers.length}`,
    contract: `Contract ${call.findings.length || ""}`.trim(),
    timeline: "Timeline",
    code: "Code",
  };
  const ok = call.outcome === "passed";
  const failing = call.findings.filter((f) => f.severity !== "warning");
  const warnings = call.findings.length - failing.length;
  return (
    <section className="response" aria-label="Response">
      <div className="status-line" data-testid="status-line">
        {call.status !== null ? (
          <span className={`status s${String(call.status)[0]}`}>{call.status}</span>
        ) : (
          <span className="status s5">no response</span>
        )}
        {call.elapsed_ms !== null && <span>{call.elapsed_ms} ms</span>}
        {call.size !== null && <span>{formatBytes(call.size)}</span>}
        <span className={`verdict ${!call.checked_against && !call.error ? "muted" : ok ? "ok" : "bad"}`} data-testid="verdict">
          {call.error ? "error" : !call.checked_against ? "not checked: no operation of the spec matches" : ok ? "honours the contract" : `${failing.length} finding(s)`}
          {!call.error && warnings > 0 && ` · ${warnings} warning(s)`}
        </span>
      </div>
      <div className="url muted small">
        {call.method} {call.url}
      </div>
      {call.error && <div className="error" data-testid="call-error">{call.error}</div>}
      {call.refused && onAllow && (
        <div className="banner" data-testid="refused">
          The secret <code>{call.refused.secret}</code> is bound to other origins.{" "}
          <button data-testid="allow-origin" onClick={() => call.refused && onAllow(call.refused.secret, call.refused.origin)}>
            Allow it to go to {call.refused.origin} (this environment) and send again
          </button>
        </div>
      )}
      <div role="tablist" className="editor-tabs" aria-label="Response parts">
        {(Object.keys(labels) as Pane[]).map((p) => (
          <button key={p} role="tab" aria-selected={pane === p} className={pane === p ? "active" : ""} data-testid={`response-tab-${p}`} onClick={() => setPicked(p)}>
            {labels[p]}
          </button>
        ))}
      </div>
      {pane === "contract" &&
        (call.findings.length > 0 ? (
          <ul className="findings" data-testid="findings">
            {call.findings.map((f, i) => (
              <li key={i} className={`finding k-${f.kind} ${f.severity}`}>
                <button className="link" onClick={() => jump(f.location)} data-testid="finding" title="show in the body">
                  <span className="kind">{f.kind}</span> {f.severity === "warning" && <span className="muted">(warning)</span>} <code>{f.location || "(whole)"}</code>
                </button>
                <div>{f.message}</div>
                {f.schema_path && <div className="small muted">schema: <code>{f.schema_path}</code></div>}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">{call.error ? "No response to check." : "Nothing to report: the response honours the contract."}</p>
        ))}
      {pane === "headers" && <HeaderTable headers={call.headers} testid="response-headers" />}
      {pane === "timeline" && (
        <div className="timeline" data-testid="timeline">
          <table className="phases" data-testid="phases">
            <tbody>
              {call.phases.map((p) => (
                <tr key={p.name}>
                  <th>{p.name}</th>
                  <td className="waterfall">
                    <span
                      className="bar"
                      style={{
                        marginLeft: `${call.elapsed_ms ? (100 * p.start_ms) / call.elapsed_ms : 0}%`,
                        width: `${call.elapsed_ms ? Math.max(0.5, (100 * p.ms) / call.elapsed_ms) : 0}%`,
                      }}
                    />
                  </td>
                  <td className="num">{p.ms} ms</td>
                </tr>
              ))}
              <tr>
                <th>total</th>
                <td />
                <td className="num">{call.elapsed_ms ?? "—"} ms</td>
              </tr>
            </tbody>
          </table>
          {call.phases.length > 0 && !call.phases.some((p) => p.name.startsWith("connect")) && (
            <div className="muted small">a kept-alive connection was reused: no lookup, no connect</div>
          )}
          {call.redirects.length > 0 && (
            <ol className="redirects small" data-testid="redirects">
              {call.redirects.map(([status, url], i) => (
                <li key={i}>
                  {status} → {url}
                </li>
              ))}
            </ol>
          )}
          <h4>
            Request as sent: {call.method} {call.url}
          </h4>
          <HeaderTable headers={call.request_headers} testid="request-headers" />
          {call.request_body && <pre className="small">{call.request_body}</pre>}
        </div>
      )}
      {pane === "code" && onSnippet && <CodePane onSnippet={onSnippet} />}
      {pane === "body" && call.body_id !== null && <BodyFilter bodyId={call.body_id} />}
      {pane === "body" && call.body_id !== null && (
        <BodyViewer key={call.body_id} bodyId={call.body_id} json={(call.content_type ?? "").includes("json")} target={target?.bodyId === call.body_id ? target : undefined} />
      )}
    </section>
  );
}

function HeaderTable({ headers, testid }: { headers: Array<[string, string]>; testid: string }) {
  return (
    <table className="headers" data-testid={testid}>
      <tbody>
        {headers.map(([k, val], i) => (
          <tr key={i}>
            <th>{k}</th>
            <td>{val}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The request as code, made by the engine (secrets masked). */
function CodePane({ onSnippet }: { onSnippet: (lang: string) => Promise<string> }) {
  const [lang, setLang] = useState("curl");
  const [text, setText] = useState("");
  useEffect(() => {
    let live = true;
    onSnippet(lang)
      .then((t) => live && setText(t))
      .catch((e) => live && setText(String(e?.message ?? e)));
    return () => {
      live = false;
    };
  }, [lang, onSnippet]);
  return (
    <div className="code-pane">
      <div className="row">
        {[
          ["curl", "cURL"],
          ["httpx", "Python (httpx)"],
          ["fetch", "JavaScript (fetch)"],
        ].map(([k, label]) => (
          <label key={k}>
            <input type="radio" name="lang" data-testid={`code-${k}`} checked={lang === k} onChange={() => setLang(k)} /> {label}
          </label>
        ))}
        <button onClick={() => navigator.clipboard?.writeText(text).catch(() => {})}>Copy</button>
      </div>
      <pre className="small" data-testid="code">{text}</pre>
    </div>
  );
}

/** A JSONPath or JSON pointer over the body, answered by the engine (the checks' selection). */
function BodyFilter({ bodyId }: { bodyId: number }) {
  const [path, setPath] = useState("");
  const [shown, setShown] = useState<{ text: string; error: boolean } | null>(null);
  useEffect(() => {
    if (!path.trim()) return;
    let live = true;
    const t = setTimeout(() => {
      api
        .filterBody(bodyId, path)
        .then((r) => live && setShown({ text: r ?? "(nothing there)", error: false }))
        .catch((e) => live && setShown({ text: asAppError(e).message, error: true }));
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [bodyId, path]);
  return (
    <div className="body-filter">
      <input className="filter mono" data-testid="body-filter" placeholder="Filter: $.items[*].id or /pointer" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
      {path.trim() && shown && (
        <pre className={`small ${shown.error ? "bad" : ""}`} data-testid="body-filtered">
          {shown.text}
        </pre>
      )}
    </div>
  );
}
