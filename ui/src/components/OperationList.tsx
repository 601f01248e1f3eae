import { useMemo, useRef } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";

import type { CoverageRow, OperationRow } from "../api";
import { filterOperations, groupByTag } from "../lib/operations";

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

/** The operation explorer: grouped by tag, filtered, virtualised (GitHub's 1,000+ scroll). */
export function OperationList({ rows, filter, onFilter, selected, onSelect, coverage }: Props) {
  const items = useMemo(() => groupByTag(filterOperations(rows, filter)), [rows, filter]);
  const covered = useMemo(() => new Map((coverage ?? []).map((c) => [`${c.method} ${c.path}`, c])), [coverage]);
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: items.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 28,
    overscan: 12,
  });
  return (
    <nav className="explorer" aria-label="Operations">
      <input
        className="filter"
        data-testid="op-filter"
        placeholder="Filter: method, path, summary"
        value={filter}
        onChange={(e) => onFilter(e.target.value)}
      />
      <div className="count">{items.filter((i) => i.kind === "op").length} of {rows.length} operations</div>
      <div ref={parent} className="scroll" data-testid="op-list">
        <div style={{ height: v.getTotalSize(), position: "relative" }}>
          {v.getVirtualItems().map((vi) => {
            const item = items[vi.index];
            const style = { position: "absolute" as const, top: 0, left: 0, right: 0, height: vi.size, transform: `translateY(${vi.start}px)` };
            if (item.kind === "group") {
              return (
                <div key={vi.key} style={style} className="group">
                  {item.tag} <span className="muted">{item.count}</span>
                </div>
              );
            }
            const r = item.row;
            return (
              <button
                key={vi.key}
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
