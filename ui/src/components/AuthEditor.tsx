import type { Auth } from "../api";

/** An auth: a request's, a folder's or a collection's. Values may be `{{variables}}` (secrets
 *  stay in the environment). `none` names what applies when none is set (inherited auth, or
 *  the environment's credentials). */
export function AuthEditor({ auth, onChange, none }: { auth: Auth | null; onChange: (a: Auth | null) => void; none: string }) {
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
        <option value="env">{none}</option>
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
