import type { OperationRow } from "../api";

/** What each row is found by (method, path, summary, id, tag), lower-cased once per rows
 *  array: a keystroke over 22,000 operations compares strings, it does not build them. */
const haystacks = new WeakMap<OperationRow[], string[]>();

/** The lower-cased text each row is found by (made once per rows array, then kept). */
export function indexOperations(rows: OperationRow[]): string[] {
  let hay = haystacks.get(rows);
  if (!hay) {
    hay = rows.map((r) => `${r.method} ${r.path} ${r.summary ?? ""} ${r.id} ${r.tag ?? ""}`.toLowerCase());
    haystacks.set(rows, hay);
  }
  return hay;
}

/** Rows whose method, path, summary, id or tag contain every word of the query (any case):
 *  `rows` itself when all match (its grouping is then the one already made). */
export function filterOperations(rows: OperationRow[], query: string): OperationRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return rows;
  const hay = indexOperations(rows);
  const found = rows.filter((_, n) => words.every((w) => hay[n].includes(w)));
  return found.length === rows.length ? rows : found;
}

/** One line of the explorer: a tag's header or an operation. */
export type ExplorerItem =
  | { kind: "group"; tag: string; count: number }
  | { kind: "op"; row: OperationRow };

/** The grouping of each rows array (the unfiltered list is grouped once, not each time the
 *  filter is cleared). */
const grouped = new WeakMap<OperationRow[], ExplorerItem[]>();

/** Groups rows by their first tag (first appearance order; untagged last, as "Other"). */
export function groupByTag(rows: OperationRow[]): ExplorerItem[] {
  const known = grouped.get(rows);
  if (known) return known;
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
  grouped.set(rows, out);
  return out;
}
