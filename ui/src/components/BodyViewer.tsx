import { useCallback, useEffect, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";

import { api, asAppError, type BodyHits, type BodyLayout, type BodyLine } from "../api";
import { foldedView, toggleFold, unfoldTo, type Fold } from "../lib/body";

/** Lines asked of the engine at a time. */
const BLOCK = 200;
const ROW = 18;

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
  const [layout, setLayout] = useState<BodyLayout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [folds, setFolds] = useState<Fold[]>([]);
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<BodyHits | null>(null);
  const [hit, setHit] = useState(0);
  const [highlight, setHighlight] = useState<number | null>(null);
  // Blocks of lines by block number; `loaded` re-renders when one arrives.
  const blocks = useRef(new Map<number, BodyLine[] | "loading">());
  const [, setLoaded] = useState(0);

  useEffect(() => {
    let live = true;
    blocks.current = new Map();
    setLayout(null);
    setError(null);
    setFolds([]);
    api
      .bodyLayout(bodyId, pretty)
      .then((l) => live && setLayout(l))
      .catch((e) => live && setError(asAppError(e).message));
    return () => {
      live = false;
    };
  }, [bodyId, pretty]);

  const line = useCallback(
    (n: number): BodyLine | undefined => {
      const b = Math.floor(n / BLOCK);
      const got = blocks.current.get(b);
      if (got === undefined) {
        blocks.current.set(b, "loading");
        const at = bodyId;
        api
          .bodyLines(bodyId, pretty, b * BLOCK, BLOCK)
          .then((lines) => {
            if (at !== bodyId) return;
            blocks.current.set(b, lines);
            setLoaded((x) => x + 1);
          })
          .catch(() => blocks.current.delete(b));
        return undefined;
      }
      return got === "loading" ? undefined : got[n - b * BLOCK];
    },
    [bodyId, pretty],
  );

  const view = foldedView(layout?.lines ?? 0, folds);
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: view.count, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 30 });

  /** Scrolls to a line, opening the folds that hide it. */
  const show = useCallback(
    (n: number) => {
      const open = unfoldTo(folds, n);
      if (open.length !== folds.length) setFolds(open);
      setHighlight(n);
      const row = foldedView(layout?.lines ?? 0, open).rowOf(n) ?? n;
      // Drawn first (the fold change), then scrolled.
      setTimeout(() => v.scrollToIndex(row, { align: "center" }), 0);
    },
    [folds, layout, v],
  );

  // A finding clicked: its line, in the pretty layout.
  useEffect(() => {
    if (!target || !layout) return;
    if (!layout.pretty) return;
    let live = true;
    api.bodyLineOf(bodyId, target.pointer).then((n) => live && n !== null && show(n));
    return () => {
      live = false;
    };
    // `show` changes with the folds; a target is shown once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target, layout, bodyId]);

  useEffect(() => {
    setHits(null);
    setHit(0);
    if (!query.trim() || !layout) return;
    let live = true;
    const t = setTimeout(() => {
      api.bodySearch(bodyId, pretty, query).then((h) => {
        if (!live) return;
        setHits(h);
        if (h.lines.length > 0) show(h.lines[0]);
      });
    }, 200);
    return () => {
      live = false;
      clearTimeout(t);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [query, layout, bodyId, pretty]);

  const step = (d: number) => {
    if (!hits || hits.lines.length === 0) return;
    const i = (hit + d + hits.lines.length) % hits.lines.length;
    setHit(i);
    show(hits.lines[i]);
  };
  const hitSet = new Set(hits?.lines ?? []);

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
        {hits && (
          <span className="small muted" data-testid="body-hits">
            {hits.lines.length === 0 ? "no match" : `${hit + 1} of ${hits.lines.length}${hits.more ? "+" : ""}`}
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
      <div ref={parent} className="body scroll" data-testid="body" role="document" aria-label="Response body">
        <div style={{ height: v.getTotalSize(), position: "relative" }}>
          {v.getVirtualItems().map((vi) => {
            const n = view.lineAt(vi.index);
            const l = line(n);
            const folded = view.isFolded(n);
            return (
              <div
                key={vi.key}
                className={`line ${highlight === n ? "hl" : ""} ${hitSet.has(n) ? "hit" : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: vi.size, transform: `translateY(${vi.start}px)` }}
              >
                <span className="ln">{n + 1}</span>
                <span className="fold">
                  {l?.fold_end !== undefined && (
                    <button
                      className="link"
                      aria-label={folded ? "unfold" : "fold"}
                      aria-expanded={!folded}
                      data-testid="fold"
                      onClick={() => setFolds((f) => toggleFold(f, n, l.fold_end as number))}
                    >
                      {folded ? "▸" : "▾"}
                    </button>
                  )}
                </span>
                <span className="code">
                  {l ? l.text : ""}
                  {folded && <span className="muted"> … {(l?.fold_end ?? n) - n - 1} lines</span>}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </>
  );
}
