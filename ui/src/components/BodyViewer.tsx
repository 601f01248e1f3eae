import { useEffect, useLayoutEffect, useRef, useState } from "react";

import { api, asAppError, type BodyHits, type BodyLayout, type BodyLine } from "../api";
import { foldedView, toggleFold, unfoldTo, type Fold } from "../lib/body";

/** Lines asked of the engine at a time. */
const BLOCK = 200;
/** Every row is this tall: the rows in view follow from the scroll offset alone, with no
 *  per-row bookkeeping (a list virtualiser measuring 800,000 rows stalls the page). */
const ROW = 18;
/** Rows drawn above and below the view. */
const OVERSCAN = 20;

/** A JSON pointer to show (a finding's location); `n` changes on every click. */
export interface Target {
  pointer: string;
  n: number;
}

/**
 * A response body as the engine lays it out (pretty JSON with folding, or raw text), drawn
 * a screenful at a time: only the rows in view exist in the page and only their lines cross
 * the IPC, so a 10 MB body costs the window what a small one does. Search and "the line of
 * this pointer" are answered by the engine over the same layout.
 */
export function BodyViewer({ bodyId, json, target }: { bodyId: number; json: boolean; target?: Target }) {
  const [pretty, setPretty] = useState(json);
  return <Lines key={String(pretty)} bodyId={bodyId} pretty={pretty} json={json} setPretty={setPretty} target={target} />;
}

/** What a search found, for the query it answers. */
interface Found {
  query: string;
  hits: BodyHits;
  at: number;
}

function Lines({ bodyId, pretty, json, setPretty, target }: { bodyId: number; pretty: boolean; json: boolean; setPretty: (p: boolean) => void; target?: Target }) {
  const [layout, setLayout] = useState<BodyLayout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [folds, setFolds] = useState<Fold[]>([]);
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Found | null>(null);
  const [highlight, setHighlight] = useState<number | null>(null);
  const [blocks, setBlocks] = useState<ReadonlyMap<number, BodyLine[]>>(new Map());
  const asked = useRef(new Set<number>());
  const parent = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 600 });

  useEffect(() => {
    let live = true;
    api
      .bodyLayout(bodyId, pretty)
      .then((l) => live && setLayout(l))
      .catch((e) => live && setError(asAppError(e).message));
    return () => {
      live = false;
    };
  }, [bodyId, pretty]);

  useLayoutEffect(() => {
    const el = parent.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setScroll({ top: el.scrollTop, height: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const view = foldedView(layout?.lines ?? 0, folds);
  const first = Math.max(0, Math.floor(scroll.top / ROW) - OVERSCAN);
  const last = Math.min(view.count, Math.ceil((scroll.top + scroll.height) / ROW) + OVERSCAN);
  const firstLine = view.count > 0 ? view.lineAt(first) : 0;
  const lastLine = last > 0 ? view.lineAt(last - 1) : 0;

  // The blocks of lines in view, asked of the engine once each.
  useEffect(() => {
    if (!layout) return;
    for (let b = Math.floor(firstLine / BLOCK); b <= Math.floor(lastLine / BLOCK); b++) {
      if (asked.current.has(b)) continue;
      asked.current.add(b);
      api
        .bodyLines(bodyId, pretty, b * BLOCK, BLOCK)
        .then((lines) => setBlocks((m) => new Map(m).set(b, lines)))
        .catch(() => asked.current.delete(b));
    }
  }, [layout, firstLine, lastLine, bodyId, pretty]);

  const lineOf = (n: number): BodyLine | undefined => blocks.get(Math.floor(n / BLOCK))?.[n % BLOCK];

  /** Scrolls to a line, opening the folds that hide it. */
  const show = (n: number) => {
    const open = unfoldTo(folds, n);
    if (open.length !== folds.length) setFolds(open);
    setHighlight(n);
    const row = foldedView(layout?.lines ?? 0, open).rowOf(n) ?? n;
    // Drawn first (the fold change), then scrolled.
    setTimeout(() => {
      const el = parent.current;
      if (el) el.scrollTop = Math.max(0, row * ROW - el.clientHeight / 2);
    }, 0);
  };
  const showRef = useRef(show);
  useLayoutEffect(() => {
    showRef.current = show;
  });

  // A finding clicked: its line, in the pretty layout.
  useEffect(() => {
    if (!target || !layout?.pretty) return;
    let live = true;
    api.bodyLineOf(bodyId, target.pointer).then((n) => live && n !== null && showRef.current(n));
    return () => {
      live = false;
    };
  }, [target, layout, bodyId]);

  // A search, answered by the engine once the typing pauses.
  useEffect(() => {
    if (!query.trim() || !layout) return;
    let live = true;
    const t = setTimeout(() => {
      api.bodySearch(bodyId, pretty, query).then((hits) => {
        if (!live) return;
        setFound({ query, hits, at: 0 });
        if (hits.lines.length > 0) showRef.current(hits.lines[0]);
      });
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [query, layout, bodyId, pretty]);

  const hits = found && found.query === query ? found : null;
  const step = (d: number) => {
    if (!hits || hits.hits.lines.length === 0) return;
    const n = hits.hits.lines.length;
    const at = (hits.at + d + n) % n;
    setFound({ ...hits, at });
    show(hits.hits.lines[at]);
  };
  const hitSet = new Set(hits?.hits.lines ?? []);

  const rows = [];
  for (let row = first; row < last; row++) {
    const n = view.lineAt(row);
    const l = lineOf(n);
    const folded = view.isFolded(n);
    rows.push(
      <div
        key={row}
        className={`line ${highlight === n ? "hl" : ""} ${hitSet.has(n) ? "hit" : ""}`}
        style={{ position: "absolute", top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${row * ROW}px)` }}
      >
        <span className="ln">{n + 1}</span>
        <span className="fold">
          {l?.fold_end !== undefined && (
            <button className="link" aria-label={folded ? "unfold" : "fold"} aria-expanded={!folded} data-testid="fold" onClick={() => setFolds((f) => toggleFold(f, n, l.fold_end as number))}>
              {folded ? "▸" : "▾"}
            </button>
          )}
        </span>
        <span className="code">
          {l ? l.text : ""}
          {folded && <span className="muted"> … {(l?.fold_end ?? n) - n - 1} lines</span>}
        </span>
      </div>,
    );
  }

  return (
    <>
      <div className="row body-tools">
        <input
          className="filter"
          data-testid="body-search"
          placeholder="Search the body"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => e.key === "Enter" && step(e.shiftKey ? -1 : 1)}
        />
        {hits && query.trim() && (
          <span className="small muted" data-testid="body-hits">
            {hits.hits.lines.length === 0 ? "no match" : `${hits.at + 1} of ${hits.hits.lines.length}${hits.hits.more ? "+" : ""}`}
          </span>
        )}
        {json && (
          <div role="tablist" className="segmented" aria-label="Body view">
            <button role="tab" aria-selected={pretty} className={pretty ? "active" : ""} data-testid="body-pretty" onClick={() => setPretty(true)}>
              Pretty
            </button>
            <button role="tab" aria-selected={!pretty} className={!pretty ? "active" : ""} data-testid="body-raw" onClick={() => setPretty(false)}>
              Raw
            </button>
          </div>
        )}
        {layout && (
          <span className="small muted" data-testid="body-lines">
            {layout.lines.toLocaleString()} lines{layout.note ? ` · ${layout.note}` : ""}
          </span>
        )}
      </div>
      {error && <div className="error">{error}</div>}
      <div
        ref={parent}
        className="body scroll"
        data-testid="body"
        role="document"
        aria-label="Response body"
        onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
      >
        <div style={{ height: view.count * ROW, position: "relative" }}>{rows}</div>
      </div>
    </>
  );
}
