import type { Change, LinkedChanges, Pick, ResyncConflict, Resynced, SpecChangesView } from "../api";

/** The headline of a spec comparison: `2 breaking, 1 warning, 5 info` (or `no changes`). */
export function headline(v: SpecChangesView): string {
  const s = v.summary;
  if (v.total === 0) return "no changes";
  return `${s.breaking} breaking, ${s.warning} warning, ${s.info} info`;
}

/** Where a change is, as a row shows it: `GET /pets` (or the whole spec). */
export function where(c: Change): string {
  return c.method && c.path ? `${c.method} ${c.path}` : "(whole spec)";
}

/** A re-sync plan or result in lines: what is added, moved, updated, kept, in conflict (unless
 * `conflicts` is false: a table shows them side by side). */
export function planLines(r: Resynced, conflicts = true): string[] {
  const out: string[] = [];
  for (const n of r.added) out.push(`added: ${n}`);
  for (const n of r.removed) out.push(`moved to "Removed from spec": ${n}`);
  for (const n of r.restored) out.push(`back from "Removed from spec": ${n}`);
  for (const [n, f] of r.updated) out.push(`updated from the spec: ${n}: ${f.join(", ")}`);
  for (const [n, f] of r.kept) out.push(`your edits kept: ${n}: ${f.join(", ")}`);
  for (const c of conflicts ? r.conflicts : [])
    out.push(`conflict: ${c.request} ${c.field}: was ${JSON.stringify(c.base)}, yours ${JSON.stringify(c.ours)}, the spec's ${JSON.stringify(c.theirs)}`);
  if (out.length === 0) out.push(!conflicts && r.conflicts.length > 0 ? "only the conflicts below" : "nothing to re-sync");
  return out;
}

/** What a reloaded spec changes for a collection made from it, in one line. */
export function linkedLine(l: LinkedChanges): string {
  const s = l.summary;
  const levels = `${s.breaking} breaking, ${s.warning} warning, ${s.info} info`;
  if (l.reached === 0) return `${levels}; no saved request reached`;
  const touches = l.reached - l.breaks;
  const parts = [l.breaks > 0 ? `breaks ${l.breaks}` : "", touches > 0 ? `touches ${touches}` : ""].filter(Boolean);
  return `${levels}; ${parts.join(", ")} of its saved requests, assertions and extractions`;
}

/** A conflict's key among the picks. */
export function conflictKey(c: ResyncConflict): string {
  return `${c.request_id}\u0000${c.field}`;
}

/** A conflict's value as a side shows it: JSON, or `(absent)`. */
export function shownValue(v: unknown): string {
  return v === null || v === undefined ? "(absent)" : JSON.stringify(v);
}

/** The conflicts picked to take the spec's value, as the engine takes them (the others keep
 * the saved value). */
export function theirsFor(conflicts: ResyncConflict[], picks: Record<string, "ours" | "theirs">): Pick[] {
  return conflicts.filter((c) => picks[conflictKey(c)] === "theirs").map((c) => ({ request_id: c.request_id, field: c.field }));
}
