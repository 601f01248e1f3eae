import { lazy, Suspense, useEffect, useState } from "react";

import { api, dialogs, type Auth, type Body, type CheckMark, type CheckRow, type ExtractRow, type Finding, type OperationForm } from "../api";
import { bodyMode, partRows, partsOf, rawBody, rawOf, switchMode, type BodyMode, type PartRow } from "../lib/freeBody";
import { AuthEditor } from "./AuthEditor";
import { withSettings, type Row, type Tab } from "../lib/tabs";
import { varClass, varHint } from "../lib/vars";
import type { InheritedView, Settings, VarView } from "../api";

// The schema form library and the code editor are the bulk of the UI's code: loaded when
// first shown.
const BodyForm = lazy(() => import("./BodyForm"));
const CodeEditor = lazy(() => import("./CodeEditor"));

export interface RequestState {
  params: Record<string, string>;
  body: unknown;
  raw: string | null;
  /** Explicit auth; null: credentials come from the environment, by security scheme. */
  auth: Auth | null;
}

interface Props {
  tab: Tab;
  /** The checks marked on the last response (same order as the rows). */
  marks: CheckMark[];
  onChange: (patch: Partial<Tab>) => void;
  onSend: () => void;
  onCancel: () => void;
  onCurl: () => void;
  onSave: () => void;
  sending: boolean;
  /** The environment's variables: `{{name}}` suggestions, tooltips, a missing one marked. */
  vars: VarView[];
  /** Shown at the end of the Send row ("Save as"). */
  children?: React.ReactNode;
}

type EditorTab = "params" | "headers" | "body" | "auth" | "checks" | "settings";

/**
 * The request editor of the active tab: Params (the spec's parameters and free query rows),
 * Headers (free rows), Body (a form from the schema, or raw JSON linted by the engine), Auth,
 * Checks (assertions and extractions, marked on the last response) and Settings (time limit,
 * retries, redirects, TLS verification).
 */
export function RequestPanel({ tab, marks, onChange, onSend, onCancel, onCurl, onSave, sending, vars, children }: Props) {
  const { form, state } = tab;
  const [shown, setShown] = useState<EditorTab | null>(null);
  // A new tab starts on its params, or on its body when it has no params.
  const current: EditorTab = shown ?? (form && form.params.length === 0 && form.body ? "body" : "params");
  const set = (patch: Partial<RequestState>) => onChange({ state: { ...state, ...patch } });
  const method = form?.method ?? tab.draft.method;
  const path = form?.path ?? tab.draft.path;
  const counts: Record<EditorTab, number> = {
    params: (form?.params.length ?? 0) + tab.query.length,
    headers: tab.headers.length,
    body: form?.body || (!form && tab.draft.body) ? 1 : 0,
    auth: state.auth ? 1 : 0,
    checks: tab.checks.length + tab.extractions.length,
    settings: Object.keys(tab.draft.settings ?? {}).length,
  };
  const labels: Record<EditorTab, string> = { params: "Params", headers: "Headers", body: "Body", auth: "Auth", checks: "Checks", settings: "Settings" };
  return (
    <section className="request" aria-label="Request">
      <h2>
        <span className={`method m-${method.toLowerCase()}`}>{method}</span> {path}
        {tab.saved && (
          <span className="small muted saved-at" data-testid="saved-at">
            {" "}
            · {tab.saved.collection}/{tab.saved.key}
          </span>
        )}
        {tab.dirty && (
          <span className="dirty" title="unsaved changes" data-testid="dirty">
            {" "}
            ●
          </span>
        )}
      </h2>
      {form?.summary && <p className="muted">{form.summary}</p>}
      {!form && (
        <div className="row free-url">
          <select data-testid="free-method" value={tab.draft.method} onChange={(e) => onChange({ draft: { ...tab.draft, method: e.target.value }, operationId: null })}>
            {["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <input
            data-testid="free-url"
            className={varClass(`${tab.draft.base_url ?? ""}${tab.draft.path}`, vars)}
            value={`${tab.draft.base_url ?? ""}${tab.draft.path}`}
            spellCheck={false}
            onChange={(e) => onChange({ draft: { ...tab.draft, ...splitUrl(e.target.value) }, operationId: null })}
          />
        </div>
      )}
      {!form && (
        <p className="muted small" data-testid="no-contract">
          {tab.draft.base_url && <code>{tab.draft.base_url}</code>}{" "}
          {tab.operationId
            ? `Sent as it is, checked against operation ${tab.operationId}.`
            : "Sent as it is, checked against the operation its method and path match in the open spec; with none, unchecked (the response says so)."}
        </p>
      )}
      <div role="tablist" className="editor-tabs" aria-label="Request parts">
        {(Object.keys(labels) as EditorTab[]).map((k) => (
          <button key={k} role="tab" aria-selected={current === k} data-testid={`editor-tab-${k}`} className={current === k ? "active" : ""} onClick={() => setShown(k)}>
            {labels[k]}
            {counts[k] > 0 && <span className="small muted"> {counts[k]}</span>}
          </button>
        ))}
      </div>
      <datalist id="env-vars">
        {vars.map((v) => (
          <option key={v.name} value={`{{${v.name}}}`} />
        ))}
      </datalist>
      <div role="tabpanel" className="editor-panel">
        {current === "params" && (
          <>
            {form && <ParamTable form={form} state={state} set={set} vars={vars} />}
            <RowsEditor what="query parameter" testid="query" rows={tab.query} onChange={(query) => onChange({ query })} vars={vars} />
          </>
        )}
        {current === "headers" && <RowsEditor what="header" testid="header" rows={tab.headers} onChange={(headers) => onChange({ headers })} vars={vars} />}
        {current === "body" &&
          (form?.body ? (
            <BodyEditor form={form} state={state} set={set} />
          ) : form ? (
            <p className="muted">This operation takes no body.</p>
          ) : (
            <FreeBodyEditor body={tab.draft.body ?? null} onChange={(body) => onChange({ draft: { ...tab.draft, body } })} vars={vars} />
          ))}
        {current === "auth" && <RequestAuth tab={tab} auth={state.auth} onChange={(auth) => set({ auth })} />}
        {current === "settings" && (
          <SettingsEditor settings={tab.draft.settings ?? {}} onChange={(patch) => onChange({ draft: { ...tab.draft, settings: withSettings(tab.draft.settings, patch) } })} />
        )}
        {current === "checks" && (
          <ChecksEditor checks={tab.checks} extractions={tab.extractions} marks={marks} onChange={(patch) => onChange(patch)} />
        )}
      </div>
      <div className="actions">
        <button className="primary" data-testid="send" onClick={onSend} disabled={sending} title="Ctrl+Enter">
          Send
        </button>
        <button data-testid="cancel" onClick={onCancel} disabled={!sending}>
          Cancel
        </button>
        <button data-testid="copy-curl" onClick={onCurl}>
          Copy as cURL
        </button>
        <button data-testid="save-tab" onClick={onSave} disabled={!tab.saved || !tab.dirty} title="Ctrl+S">
          Save
        </button>
        {children}
      </div>
    </section>
  );
}

/** A typed URL as a draft's base URL (scheme and host) and path (with its query). */
export function splitUrl(url: string): { base_url: string | null; path: string } {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*|\{\{[^}]+\}\})(.*)$/.exec(url.trim());
  if (!m) return { base_url: null, path: url.trim() };
  return { base_url: m[1], path: m[2] || "/" };
}

/** The spec's parameters of the operation, with their types. */
function ParamTable({ form, state, set, vars }: { form: OperationForm; state: RequestState; set: (p: Partial<RequestState>) => void; vars: VarView[] }) {
  if (form.params.length === 0) return null;
  return (
    <table className="params">
      <tbody>
        {form.params.map((p) => {
          const key = `${p.location}:${p.name}`;
          const schema = p.schema as { type?: string; enum?: unknown[] };
          return (
            <tr key={key}>
              <th>
                {p.name}
                {p.required && <span className="required" title="required">*</span>}
                <div className="muted small">
                  {p.location} · {schema.type ?? "any"}
                </div>
              </th>
              <td>
                {schema.enum ? (
                  <select data-testid={`param-${p.name}`} value={state.params[key] ?? ""} onChange={(e) => set({ params: { ...state.params, [key]: e.target.value } })}>
                    <option value="">—</option>
                    {schema.enum.map((v) => (
                      <option key={String(v)} value={String(v)}>
                        {String(v)}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input
                    data-testid={`param-${p.name}`}
                    value={state.params[key] ?? ""}
                    list="env-vars"
                    className={varClass(state.params[key] ?? "", vars)}
                    title={varHint(state.params[key] ?? "", vars) || undefined}
                    placeholder={p.description ?? ""}
                    onChange={(e) => set({ params: { ...state.params, [key]: e.target.value } })}
                  />
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The body as a form generated from its schema, or raw JSON. */
function BodyEditor({ form, state, set }: { form: OperationForm; state: RequestState; set: (p: Partial<RequestState>) => void }) {
  if (!form.body) return null;
  return (
    <div className="body-editor">
      <div className="row">
        <strong>Body</strong> <span className="muted">{form.body.media_type}</span>
        <label className="toggle">
          <input
            type="checkbox"
            data-testid="raw-toggle"
            checked={state.raw !== null}
            onChange={(e) => set({ raw: e.target.checked ? JSON.stringify(state.body, null, 2) : null })}
          />
          raw
        </label>
      </div>
      {state.raw !== null ? (
        <Suspense fallback={<div className="muted">loading the editor…</div>}>
          <RawEditor operationId={form.id} text={state.raw} onChange={(raw) => set({ raw })} />
        </Suspense>
      ) : (
        <Suspense fallback={<div className="muted">loading the form…</div>}>
          <BodyForm schema={form.body.schema} value={state.body} onChange={(body) => set({ body })} />
        </Suspense>
      )}
    </div>
  );
}

/** Free name/value rows (headers, query parameters), each one on or off. */
function RowsEditor({ what, testid, rows, onChange, vars }: { what: string; testid: string; rows: Row[]; onChange: (rows: Row[]) => void; vars: VarView[] }) {
  const put = (i: number, patch: Partial<Row>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="rows" data-testid={`${testid}-rows`}>
      <table>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td>
                <input type="checkbox" aria-label={`send this ${what}`} checked={r.on} onChange={(e) => put(i, { on: e.target.checked })} />
              </td>
              <td>
                <input data-testid={`${testid}-name-${i}`} value={r.name} placeholder="name" onChange={(e) => put(i, { name: e.target.value })} />
              </td>
              <td>
                <input
                  data-testid={`${testid}-value-${i}`}
                  value={r.value}
                  list="env-vars"
                  className={varClass(r.value, vars)}
                  title={varHint(r.value, vars) || undefined}
                  placeholder="value or {{variable}}"
                  onChange={(e) => put(i, { value: e.target.value })}
                />
              </td>
              <td>
                <button className="link" aria-label={`remove this ${what}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button data-testid={`add-${testid}`} onClick={() => onChange([...rows, { name: "", value: "", on: true }])}>
        Add {what}
      </button>
    </div>
  );
}

const CHECK_ONS = ["status", "header", "json", "time", "body_contains"];
const OPS: Record<string, string[]> = {
  status: ["equals", "matches", "exists"],
  header: ["equals", "matches", "exists"],
  json: ["equals", "matches", "exists", "type"],
  time: ["under"],
  body_contains: ["contains"],
};

/** Assertions and extractions as rows; each check marked on the last response. */
function ChecksEditor({
  checks,
  extractions,
  marks,
  onChange,
}: {
  checks: CheckRow[];
  extractions: ExtractRow[];
  marks: CheckMark[];
  onChange: (patch: { checks?: CheckRow[]; extractions?: ExtractRow[] }) => void;
}) {
  const put = (i: number, patch: Partial<CheckRow>) => onChange({ checks: checks.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const putX = (i: number, patch: Partial<ExtractRow>) => onChange({ extractions: extractions.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  return (
    <div className="checks" data-testid="checks">
      <table>
        <tbody>
          {checks.map((c, i) => {
            const mark = marks[i];
            return (
              <tr key={i}>
                <td>
                  <select data-testid={`check-on-${i}`} value={c.on} onChange={(e) => put(i, { on: e.target.value, op: OPS[e.target.value]?.[0] ?? "equals" })}>
                    {CHECK_ONS.map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {(c.on === "header" || c.on === "json") && (
                    <input data-testid={`check-target-${i}`} value={c.target} placeholder={c.on === "json" ? "$.path or /pointer" : "header name"} onChange={(e) => put(i, { target: e.target.value })} />
                  )}
                </td>
                <td>
                  <select data-testid={`check-op-${i}`} value={c.op} onChange={(e) => put(i, { op: e.target.value })}>
                    {(OPS[c.on] ?? ["equals"]).map((o) => (
                      <option key={o} value={o}>
                        {o}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <input data-testid={`check-expected-${i}`} value={c.expected} placeholder="expected (JSON or text)" onChange={(e) => put(i, { expected: e.target.value })} />
                </td>
                <td className="small" data-testid={`check-mark-${i}`} title={mark?.message}>
                  {mark?.passed === true ? <span className="ok">✓ passes</span> : mark?.passed === false ? <span className="bad">✗ fails</span> : <span className="muted">{mark?.message ?? ""}</span>}
                </td>
                <td>
                  <button className="link" aria-label="remove this check" onClick={() => onChange({ checks: checks.filter((_, j) => j !== i) })}>
                    ✕
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button data-testid="add-check" onClick={() => onChange({ checks: [...checks, { on: "status", target: "", op: "equals", expected: "200" }] })}>
        Add check
      </button>
      <h4>Extractions (variables for the next steps)</h4>
      <table>
        <tbody>
          {extractions.map((x, i) => (
            <tr key={i}>
              <td>
                <input data-testid={`extract-var-${i}`} value={x.var} placeholder="variable" onChange={(e) => putX(i, { var: e.target.value })} />
              </td>
              <td>
                <select value={x.from} onChange={(e) => putX(i, { from: e.target.value })}>
                  <option value="json">json</option>
                  <option value="header">header</option>
                  <option value="cookie">cookie</option>
                </select>
              </td>
              <td>
                <input data-testid={`extract-target-${i}`} value={x.target} placeholder="$.id, a header or cookie name" onChange={(e) => putX(i, { target: e.target.value })} />
              </td>
              <td>
                <button className="link" aria-label="remove this extraction" onClick={() => onChange({ extractions: extractions.filter((_, j) => j !== i) })}>
                  ✕
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button data-testid="add-extraction" onClick={() => onChange({ extractions: [...extractions, { var: "", from: "json", target: "$.id" }] })}>
        Add extraction
      </button>
    </div>
  );
}

/** Raw JSON in a code editor, linted against the operation's request schema by the engine
 *  (markers in the text, and the list below). */
function RawEditor({ operationId, text, onChange }: { operationId: string; text: string; onChange: (t: string) => void }) {
  const [lint, setLint] = useState<Finding[]>([]);
  useEffect(() => {
    const t = setTimeout(() => {
      api.lintBody(operationId, text).then(setLint).catch(() => setLint([]));
    }, 250);
    return () => clearTimeout(t);
  }, [operationId, text]);
  return (
    <div>
      <CodeEditor operationId={operationId} text={text} onChange={onChange} />
      <ul className="lint" data-testid="raw-lint">
        {lint.map((f, i) => (
          <li key={i} className="error small">
            {f.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The body of a request of its own (no form from the spec): none, raw text with its content
 *  type, form fields, or multipart parts (text, or a file by path). */
function FreeBodyEditor({ body, onChange, vars }: { body: Body | null; onChange: (b: Body | undefined) => void; vars: VarView[] }) {
  const mode = bodyMode(body);
  const raw = rawOf(body);
  const pairs: Array<[string, string]> = body && "form" in body ? body.form : [];
  const parts = body && "multipart" in body ? partRows(body.multipart) : [];
  const setParts = (rows: PartRow[]) => onChange({ multipart: partsOf(rows) });
  const value = (v: string, testid: string, put: (v: string) => void) => (
    <input data-testid={testid} value={v} list="env-vars" className={varClass(v, vars)} title={varHint(v, vars) || undefined} placeholder="value or {{variable}}" onChange={(e) => put(e.target.value)} />
  );
  return (
    <div className="free-body" data-testid="free-body">
      <div role="radiogroup" aria-label="Body kind" className="row">
        {(["none", "raw", "form", "multipart"] as BodyMode[]).map((m) => (
          <label key={m}>
            <input type="radio" name="body-mode" data-testid={`body-mode-${m}`} checked={mode === m} onChange={() => onChange(switchMode(body, m))} />{" "}
            {{ none: "none", raw: "raw", form: "form (urlencoded)", multipart: "multipart" }[m]}
          </label>
        ))}
      </div>
      {mode === "raw" && (
        <>
          <label className="small">
            Content-Type{" "}
            <input data-testid="body-content-type" value={raw.contentType} onChange={(e) => onChange(rawBody(raw.text, e.target.value))} />
          </label>
          <textarea data-testid="body-raw-text" className="mono" rows={12} spellCheck={false} value={raw.text} onChange={(e) => onChange(rawBody(e.target.value, raw.contentType))} />
        </>
      )}
      {mode === "form" && (
        <table>
          <tbody>
            {pairs.map(([k, v], i) => (
              <tr key={i}>
                <td>
                  <input data-testid={`form-name-${i}`} value={k} placeholder="name" onChange={(e) => onChange({ form: pairs.map((p, j) => (j === i ? [e.target.value, p[1]] : p)) })} />
                </td>
                <td>{value(v, `form-value-${i}`, (nv) => onChange({ form: pairs.map((p, j) => (j === i ? [p[0], nv] : p)) }))}</td>
                <td>
                  <button className="link" aria-label="remove this field" onClick={() => onChange({ form: pairs.filter((_, j) => j !== i) })}>
                    ✕
                  </button>
                </td>
              </tr>
            ))}
            <tr>
              <td colSpan={3}>
                <button data-testid="add-form-field" onClick={() => onChange({ form: [...pairs, ["", ""]] })}>
                  Add field
                </button>
              </td>
            </tr>
          </tbody>
        </table>
      )}
      {mode === "multipart" && (
        <table>
          <tbody>
            {parts.map((r, i) => (
              <tr key={i}>
                <td>
                  <input data-testid={`part-name-${i}`} value={r.name} placeholder="name" onChange={(e) => setParts(parts.map((p, j) => (j === i ? { ...p, name: e.target.value } : p)))} />
                </td>
                <td>
                  <select data-testid={`part-kind-${i}`} value={r.file ? "file" : "text"} onChange={(e) => setParts(parts.map((p, j) => (j === i ? { ...p, file: e.target.value === "file", value: "" } : p)))}>
                    <option value="text">text</option>
                    <option value="file">file</option>
                  </select>
                </td>
                <td>
                  {r.file ? (
                    <span className="row">
                      <input data-testid={`part-value-${i}`} value={r.value} placeholder="path of the file" onChange={(e) => setParts(parts.map((p, j) => (j === i ? { ...p, value: e.target.value } : p)))} />
                      <button
                        title="Choose the file"
                        onClick={() =>
                          dialogs.importFile().then((path) => {
                            if (path) setParts(parts.map((p, j) => (j === i ? { ...p, value: path } : p)));
                          })
                        }
                      >
                        …
                      </button>
                    </span>
                  ) : (
                    value(r.value, `part-value-${i}`, (nv) => setParts(parts.map((p, j) => (j === i ? { ...p, value: nv } : p))))
                  )}
                </td>
                <td>
                  <button className="link" aria-label="remove this part" onClick={() => setParts(parts.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                </td>
              </tr>
            ))}
            <tr>
              <td colSpan={4}>
                <button data-testid="add-part" onClick={() => setParts([...parts, { name: "", file: false, value: "" }])}>
                  Add part
                </button>
              </td>
            </tr>
          </tbody>
        </table>
      )}
    </div>
  );
}

/** How this request is sent, where it differs from the defaults. */
function SettingsEditor({ settings, onChange }: { settings: Settings; onChange: (patch: Partial<Settings>) => void }) {
  const number = (v: string) => (v.trim() === "" ? undefined : Math.max(0, Math.floor(Number(v))) || undefined);
  return (
    <div className="settings" data-testid="settings">
      <label>
        Time limit (ms){" "}
        <input type="number" min={1} data-testid="setting-timeout" placeholder="30000" value={settings.timeout_ms ?? ""} onChange={(e) => onChange({ timeout_ms: number(e.target.value) })} />
      </label>
      <label>
        Retries after a failure to get a response{" "}
        <input type="number" min={0} max={5} data-testid="setting-retries" placeholder="0" value={settings.retries ?? ""} onChange={(e) => onChange({ retries: number(e.target.value) })} />
      </label>
      <label>
        <input type="checkbox" data-testid="setting-redirects" checked={settings.follow_redirects ?? true} onChange={(e) => onChange({ follow_redirects: e.target.checked ? undefined : false })} /> Follow redirects
        <span className="small muted"> (off: the 3xx is the response)</span>
      </label>
      <label>
        <input type="checkbox" data-testid="setting-tls" checked={settings.verify_tls ?? true} onChange={(e) => onChange({ verify_tls: e.target.checked ? undefined : false })} /> Verify TLS certificates
        <span className="small muted"> (an opt-out stays on this machine: it is never exported, nor taken from a shared collection)</span>
      </label>
      <p className="small muted">A suite step&apos;s own time limit and retries win over these.</p>
    </div>
  );
}

/** A request's auth; with none set, a saved request inherits its folder's or collection's
 *  (asked of the engine, which sends it), else the environment's credentials apply. */
function RequestAuth({ tab, auth, onChange }: { tab: Tab; auth: Auth | null; onChange: (a: Auth | null) => void }) {
  // What the engine said, for the folder it was asked about.
  const [answer, setAnswer] = useState<{ at: string; view: InheritedView | null } | null>(null);
  const collection = tab.saved?.collection;
  const folder = tab.saved?.folder.join("/") ?? "";
  const at = `${collection}\u0000${folder}`;
  useEffect(() => {
    if (collection)
      api
        .inheritedAuth(collection, folder ? folder.split("/") : [])
        .then((view) => setAnswer({ at: `${collection}\u0000${folder}`, view }))
        .catch(() => {});
  }, [collection, folder]);
  const inherited = collection && answer?.at === at ? answer.view : null;
  const none = inherited ? `inherit: ${authLabel(inherited.auth)} from ${inherited.from}` : "from the environment";
  return <AuthEditor auth={auth} onChange={onChange} none={none} />;
}

/** `bearer token`, `API key X-Key (header)`… */
function authLabel(a: Auth): string {
  switch (a.type) {
    case "bearer":
      return "bearer token";
    case "basic":
      return "basic";
    case "api_key":
      return `API key ${a.name} (${a.location})`;
    case "o_auth2":
      return "OAuth2";
    default:
      return a.type;
  }
}
