import { lazy, Suspense, useEffect, useState } from "react";

import { api, type Auth, type Finding, type OperationForm } from "../api";

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
  form: OperationForm;
  state: RequestState;
  onChange: (s: RequestState) => void;
  onSend: () => void;
  onCancel: () => void;
  onCurl: () => void;
  sending: boolean;
}

/** The request form: parameters with their types, the body as a schema form or raw JSON. */
export function RequestPanel({ form, state, onChange, onSend, onCancel, onCurl, sending }: Props) {
  const set = (patch: Partial<RequestState>) => onChange({ ...state, ...patch });
  return (
    <section className="request" aria-label="Request">
      <h2>
        <span className={`method m-${form.method.toLowerCase()}`}>{form.method}</span> {form.path}
      </h2>
      {form.summary && <p className="muted">{form.summary}</p>}
      {form.params.length > 0 && (
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
      )}
      {form.body && (
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
      )}
      <AuthEditor auth={state.auth} onChange={(auth) => set({ auth })} />
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
      </div>
    </section>
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

/** Per-request auth. Values may be `{{variables}}` (secrets stay in the environment). */
function AuthEditor({ auth, onChange }: { auth: Auth | null; onChange: (a: Auth | null) => void }) {
  const kind = auth?.type ?? "env";
  const pick = (k: string) =>
    onChange(
      k === "bearer"
        ? { type: "bearer", token: "" }
        : k === "basic"
          ? { type: "basic", username: "", password: "" }
          : k === "api_key"
            ? { type: "api_key", location: "header", name: "X-API-Key", value: "" }
            : null,
    );
  return (
    <div className="auth row">
      <strong>Auth</strong>
      <select data-testid="auth-kind" value={kind} onChange={(e) => pick(e.target.value)}>
        <option value="env">from the environment</option>
        <option value="bearer">bearer token</option>
        <option value="basic">basic</option>
        <option value="api_key">API key</option>
        {kind !== "env" && kind !== "bearer" && kind !== "basic" && kind !== "api_key" && <option value={kind}>{kind}</option>}
      </select>
      {auth?.type === "bearer" && (
        <input data-testid="auth-token" value={auth.token} placeholder="token or {{variable}}" onChange={(e) => onChange({ ...auth, token: e.target.value })} />
      )}
      {auth?.type === "basic" && (
        <>
          <input value={auth.username} placeholder="user" onChange={(e) => onChange({ ...auth, username: e.target.value })} />
          <input type="password" value={auth.password} placeholder="password or {{variable}}" onChange={(e) => onChange({ ...auth, password: e.target.value })} />
        </>
      )}
      {auth?.type === "api_key" && (
        <>
          <select value={auth.location} onChange={(e) => onChange({ ...auth, location: e.target.value })}>
            <option value="header">header</option>
            <option value="query">query</option>
            <option value="cookie">cookie</option>
          </select>
          <input value={auth.name} placeholder="name" onChange={(e) => onChange({ ...auth, name: e.target.value })} />
          <input value={auth.value} placeholder="key or {{variable}}" onChange={(e) => onChange({ ...auth, value: e.target.value })} />
        </>
      )}
    </div>
  );
}
