import type { FuzzEvent, FuzzSettings } from "../api";

/** The Fuzz panel's form, as typed. */
export interface FuzzForm {
  /** "spec": every operation; "operation": the one of the active tab. */
  scope: "spec" | "operation";
  seed: string;
  examples: string;
  budget: string;
  readOnly: boolean;
  /** Where Save puts failures. */
  collection: string;
}

/** What the form shows first: the whole spec, seed 1, 30 examples, one minute at most. */
export const FUZZ_FORM: FuzzForm = { scope: "spec", seed: "1", examples: "30", budget: "60", readOnly: false, collection: "fuzz failures" };

/** Progress as the panel shows it. */
export interface FuzzProgress {
  operations: number;
  done: number;
  operation: string;
  phase: string;
  requests: number;
  found: number;
}

export const NO_PROGRESS: FuzzProgress = { operations: 0, done: 0, operation: "", phase: "", requests: 0, found: 0 };

/** Progress after `e`. */
export function progressed(p: FuzzProgress, e: FuzzEvent): FuzzProgress {
  switch (e.event) {
    case "started":
      return { ...NO_PROGRESS, operations: e.operations };
    case "operation":
      return { ...p, done: e.done, operation: e.operation, phase: e.phase };
    case "found":
      return { ...p, found: p.found + 1, requests: e.requests };
    case "shrinking":
      return { ...p, phase: e.failures > 0 ? `shrinking ${e.failures} failure(s)` : p.phase };
    case "finished":
      return { ...p, done: p.operations, requests: e.requests, phase: "done" };
  }
}

/** A whole number in [min, max], or null. */
function whole(text: string, min: number, max: number): number | null {
  const n = Number(text.trim());
  return text.trim() && Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** The engine's settings for the form (with the active tab's operation), or what is wrong. */
export function fuzzSettings(f: FuzzForm, operation: string | null): FuzzSettings | string {
  const seed = whole(f.seed, 0, 0xffff_ffff);
  if (seed === null) return "the seed must be a whole number from 0 to 4294967295";
  const examples = whole(f.examples, 1, 10_000);
  if (examples === null) return "examples must be a whole number from 1 to 10000";
  const budget = f.budget.trim() ? whole(f.budget, 1, 86_400) : 0;
  if (budget === null) return "the time budget must be a whole number of seconds from 1 to 86400 (or empty)";
  if (f.scope === "operation" && !operation) return "open an operation in a tab to fuzz it alone";
  return {
    operation: f.scope === "operation" ? operation : null,
    seed,
    max_examples: examples,
    time_budget_s: budget || null,
    read_only: f.readOnly,
  };
}
