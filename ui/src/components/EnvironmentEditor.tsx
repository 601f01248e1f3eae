import { useEffect, useState } from "react";

import { api, type EnvView } from "../api";

interface Props {
  name: string;
  onClose: () => void;
  onSaved: (name: string) => void;
  onError: (e: unknown) => void;
}

/** Edits one environment. Secret values are never shown: typing one replaces it, leaving
 *  it empty keeps it. */
export function EnvironmentEditor({ name, onClose, onSaved, onError }: Props) {
  const [env, setEnv] = useState<EnvView>({ name, variables: [] });
  useEffect(() => {
    if (!name) return;
    api
      .environmentView(name)
      .then(setEnv)
      .catch(() => setEnv({ name, variables: [] }));
  }, [name]);
  const update = (i: number, patch: Partial<EnvView["variables"][number]>) =>
    setEnv({ ...env, variables: env.variables.map((v, j) => (i === j ? { ...v, ...patch } : v)) });
  return (
    <section className="env-editor" data-testid="env-editor" aria-label="Environment">
      <div className="row">
        <input data-testid="env-name" value={env.name} onChange={(e) => setEnv({ ...env, name: e.target.value })} placeholder="name (or collection/name)" />
      </div>
      <table>
        <tbody>
          {env.variables.map((v, i) => (
            <tr key={i}>
              <td>
                <input value={v.name} onChange={(e) => update(i, { name: e.target.value })} placeholder="variable" />
              </td>
              <td>
                <input
                  type={v.secret ? "password" : "text"}
                  value={v.value ?? ""}
                  placeholder={v.secret ? "•••••• (kept)" : "value"}
                  onChange={(e) => update(i, { value: e.target.value === "" && v.secret ? null : e.target.value })}
                />
              </td>
              <td>
                <label>
                  <input type="checkbox" checked={v.secret} onChange={(e) => update(i, { secret: e.target.checked })} /> secret
                </label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button onClick={() => setEnv({ ...env, variables: [...env.variables, { name: "", value: "", secret: false }] })}>Add variable</button>
        <button
          className="primary"
          data-testid="env-save"
          disabled={!env.name}
          onClick={() =>
            api
              .saveEnvironment(env)
              .then(() => onSaved(env.name))
              .catch(onError)
          }
        >
          Save
        </button>
        <button onClick={onClose}>Close</button>
      </div>
    </section>
  );
}
