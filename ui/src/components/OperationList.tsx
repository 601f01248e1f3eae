import { startTransition, useDeferredValue, useEffect, useMemo, useState } from "react";

import type { CoverageRow, OperationRow } from "../api";
import { filterOperations, groupByTag, indexOperations } from "../lib/operations";
import { fixedRowsInView, useScrollView } from "../lib/window";
import { counted } from "../lib/words";

/** Every line (a tag's header or an operation) is this tall: the lines in view follow from
 *  the scroll offset alone. */
const ROW = 28;
/** Lines drawn above and below the view: each costs a jump of the scrollbar its time. */
const OVERSCAN = 6;

interface Props {
  rows: OperationRow[];
  filter: string;
  onFilter: (q: string) => void;
  selected: string | null;
  /** An operation picked (`pin`: double-clicked, opened in a tab of its own). */
  onSelect: (id: string, pin?: boolean) => void;
  /** The last run's coverage: its operations are marked (declared responses seen / all). */
  coverage?: CoverageRow[];
}

/** The operation explorer: grouped by tag, filtered, windowed (MS Graph's 22,000 scroll). */
export function OperationList({ rows, filter, onFilter, selected, onSelect, coverage }: Props) {
  // The input shows what is typed at once; the list follows in a render React may interrupt,
  // so typing never waits on 22,000 rows. The App keeps the filter for when the explorer is
  // shown again (told in the background: its render is not the keystroke's either).
  const [typed, setTyped] = useState(filter);
  const query = useDeferredValue(typed);
  const shown = useMemo(() => filterOperations(rows, query), [rows, query]);
  const items = useMemo(() => groupByTag(shown), [shown]);
  const covered = useMemo(() => new Map((coverage ?? []).map((c) => [`${c.method} ${c.path}`, c])), [coverage]);
  // What the filter compares, made once the list is shown rather than on the first keystroke.
  useEffect(() => {
    const t = setTimeout(() => indexOperations(rows), 100);
    return () => clearTimeout(t);
  }, [rows]);
  const { ref, top, height, onScroll } = useScrollView<HTMLDivElement>(ROW);
  const [first, last] = fixedRowsInView(items.length, ROW, top, height, OVERSCAN);
  return (
    <nav className="explorer" aria-label="Operations">
      <input
        className="filter"
        data-testid="op-filter"
        placeholder="Filter: method, path, summary"
        value={typed}
        onChange={(e) => {
          const q = e.target.value;
          setTyped(q);
          // A new filter shows its first matches.
          if (ref.current) ref.current.scrollTop = 0;
          startTransition(() => onFilter(q));
        }}
      />
      <div className="count">
        {shown.length} of {counted(rows.length, "operation")}
      </div>
      <div ref={ref} className="scroll" data-testid="op-list" onScroll={onScroll}>
        <div style={{ height: items.length * ROW, position: "relative" }}>
          {items.slice(first, last).map((item, n) => {
            const at = first + n;
            const style = { position: "absolute" as const, top: 0, left: 0, right: 0, height: ROW, transform: `translateY(${at * ROW}px)` };
            if (item.kind === "group") {
              return (
                <div key={at} style={style} className="group">
                  {item.tag} <span className="muted">{item.count}</span>
                </div>
              );
            }
            const r = item.row;
            return (
              <button
                key={at}
                style={style}
                className={`op ${selected === r.id ? "selected" : ""} ${r.deprecated ? "deprecated" : ""}`}
                data-testid="op"
                data-op={`${r.method} ${r.path}`}
                title={r.summary ?? r.id}
                onClick={() => onSelect(r.id)}
                onDoubleClick={() => onSelect(r.id, true)}
              >
                <span className={`method m-${r.method.toLowerCase()}`}>{r.method}</span>
                <span className="path">{r.path}</span>
                {r.summary && <span className="summary muted small">{r.summary}</span>}
                {covered.has(`${r.method} ${r.path}`) &&
                  (() => {
                    const c = covered.get(`${r.method} ${r.path}`) as CoverageRow;
                    return (
                      <span className="cov-mark small" data-testid="cov-mark" title={`last run: ${c.covered.join(", ") || "none"} of ${c.declared.join(", ")} seen`}>
                        {c.covered.length}/{c.declared.length}
                      </span>
                    );
                  })()}
              </button>
            );
          })}
        </div>
      </div>
    </nav>
  );
}
