import { useState, type ReactNode } from "react";

import type { HistoryRow } from "../api";
import { useMockServing } from "../hooks/useMock";

type Pane = "spec" | "collections" | "history" | "mock" | "fuzz";

interface Props {
  /** The operation explorer. */
  spec: ReactNode;
  /** The collections tree. */
  collections: ReactNode;
  /** The Mock panel: a mock of the open spec and its log. */
  mock: ReactNode;
  /** The Fuzz panel: generated requests against the spec's service, failures listed. */
  fuzz: ReactNode;
  history: HistoryRow[];
  onReopen: (h: HistoryRow) => void;
}

/** The left sidebar: the spec's operations, the collections, the history of calls, the mock of
 *  the spec, the fuzzer, as tabs. */
export function Sidebar({ spec, collections, mock, fuzz, history, onReopen }: Props) {
  const [pane, setPane] = useState<Pane>("spec");
  const [query, setQuery] = useState("");
  const serving = useMockServing();
  const labels: Record<Pane, string> = { spec: "Spec", collections: "Collections", history: "History", mock: "Mock", fuzz: "Fuzz" };
  const q = query.toLowerCase();
  const calls = q ? history.filter((h) => `${h.method} ${h.url} ${h.status ?? ""}`.toLowerCase().includes(q)) : history;
  return (
    <div className="sidebar">
      <div role="tablist" className="sidebar-tabs" aria-label="Sidebar">
        {(Object.keys(labels) as Pane[]).map((p) => (
          <button key={p} role="tab" aria-selected={pane === p} className={pane === p ? "active" : ""} data-testid={`sidebar-${p}`} onClick={() => setPane(p)}>
            {labels[p]}
            {p === "mock" && serving && <span className="live-dot" title="A mock of the spec is serving" />}
          </button>
        ))}
      </div>
      <div role="tabpanel" className="sidebar-panel">
        {pane === "spec" && spec}
        {pane === "collections" && collections}
        {pane === "mock" && mock}
        {pane === "fuzz" && fuzz}
        {pane === "history" && (
          <div className="history-pane">
            <input className="filter" data-testid="history-filter" value={query} placeholder="Filter the history" onChange={(e) => setQuery(e.target.value)} />
            <ul className="history" data-testid="history">
              {calls.map((h, i) => (
                <li key={i} title={`${h.at} (click to open again)`} onClick={() => onReopen(h)} className={h.draft ? "clickable" : ""}>
                  <span className={`status s${String(h.status ?? 5)[0]}`}>{h.status ?? "—"}</span> {h.method} <span className="muted small">{h.url}</span>
                  {h.findings > 0 && <span className="error small"> {h.findings} finding(s)</span>}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
