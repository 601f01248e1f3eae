import type { SpecSummary } from "../api";
import type { Theme } from "../hooks/useTheme";
import { counted } from "../lib/words";

interface Props {
  source: string;
  onSource: (source: string) => void;
  onOpen: (source: string) => void;
  busy: boolean;
  onBrowse: () => void;
  onTogglePaste: () => void;
  recent: string[];
  spec: SpecSummary | null;
  baseUrl: string;
  onBaseUrl: (url: string) => void;
  envs: string[];
  env: string;
  onEnv: (env: string) => void;
  onEditEnv: () => void;
  onNewSession: () => void;
  theme: Theme;
  onTheme: () => void;
}

/** The top bar: open a spec (path, URL, file, pasted, recent), where calls go, the environment, the theme. */
export function Header({ source, onSource, onOpen, busy, onBrowse, onTogglePaste, recent, spec, baseUrl, onBaseUrl, envs, env, onEnv, onEditEnv, onNewSession, theme, onTheme }: Props) {
  return (
    <header>
      <strong className="brand">Vouch</strong>
      <form
        className="open"
        onSubmit={(e) => {
          e.preventDefault();
          onOpen(source);
        }}
      >
        <input
          data-testid="spec-source"
          value={source}
          onChange={(e) => onSource(e.target.value)}
          placeholder="Spec: a file path or URL (e.g. http://127.0.0.1:8000/openapi.json)"
        />
        <button data-testid="open" disabled={!source || busy}>
          {busy ? "Opening…" : "Open"}
        </button>
        <button type="button" data-testid="browse" onClick={onBrowse} title="Open a spec file">
          File…
        </button>
        <button type="button" data-testid="paste" onClick={onTogglePaste} title="Paste a spec's text">
          Paste
        </button>
        {recent.length > 0 && (
          <select data-testid="recent" value="" onChange={(e) => e.target.value && onOpen(e.target.value)} aria-label="Recent specs">
            <option value="">Recent…</option>
            {recent.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </form>
      {spec && (
        <span className="spec muted" data-testid="spec-title">
          {spec.title} {spec.version} · {counted(spec.operations, "operation")}
          {spec.collection && ` · collection ${spec.collection}`}
        </span>
      )}
      {spec && (
        <input
          className="base-url"
          data-testid="base-url"
          value={baseUrl}
          onChange={(e) => onBaseUrl(e.target.value)}
          placeholder="base URL (default: the spec's server)"
          title="Where calls go"
        />
      )}
      {spec && (
        <select data-testid="env" value={env} onChange={(e) => onEnv(e.target.value)} aria-label="Environment" title="Environment">
          <option value="">no environment</option>
          {envs.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      )}
      <button data-testid="edit-env" onClick={onEditEnv} title="Edit or create an environment">
        Env…
      </button>
      <button data-testid="new-session" onClick={onNewSession} title="Forget the session's cookies, OAuth2 tokens and connections">
        New session
      </button>
      <button className="theme" onClick={onTheme} aria-label="Switch theme">
        {theme === "dark" ? "☀" : "☾"}
      </button>
    </header>
  );
}
