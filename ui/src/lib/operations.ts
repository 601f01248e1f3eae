import type { OperationRow } from "../api";

/** Rows whose method, path, summary or id contain every word of the query (any case). */
export function filterOperations(rows: OperationRow[], query: string): OperationRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  return rows.filter((r) => {
    const hay = `${r.method} ${r.path} ${r.summary ?? ""} ${r.id} ${r.tag ?? ""}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** One line of the explorer: a tag's header or an operation. */
export type ExplorerItem =
  | { kind: "group"; tag: string; count: number }
  | { kind: "op"; row: OperationRow };

/** Groups rows by their first tag (first appearance order; untagged last, as "Other"). */
export function groupByTag(rows: OperationRow[]): ExplorerItem[] {
  const groups = new Map<string, OperationRow[]>();
  for (const r of rows) {
    const tag = r.tag ?? "";
    const g = groups.get(tag);
    if (g) g.push(r);
    else groups.set(tag, [r]);
  }
  const tags = [...groups.keys()].filter((t) => t !== "");
  if (groups.has("")) tags.push("");
  const out: ExplorerItem[] = [];
  for (const tag of tags) {
    const g = groups.get(tag) ?? [];
    out.push({ kind: "group", tag: tag || "Other", count: g.length });
    for (const row of g) out.push({ kind: "op", row });
  }
  return out;
}
