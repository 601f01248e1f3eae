import { describe, expect, it } from "vitest";

import { FUZZ_FORM, fuzzSettings, NO_PROGRESS, progressed } from "./fuzz";

describe("fuzz form", () => {
  it("turns the form into the engine's settings", () => {
    expect(fuzzSettings(FUZZ_FORM, null)).toEqual({ operation: null, seed: 1, max_examples: 30, time_budget_s: 60, read_only: false });
    expect(fuzzSettings({ ...FUZZ_FORM, scope: "operation", budget: "" }, "create_item")).toEqual({
      operation: "create_item",
      seed: 1,
      max_examples: 30,
      time_budget_s: null,
      read_only: false,
    });
  });

  it("says what is wrong", () => {
    expect(fuzzSettings({ ...FUZZ_FORM, seed: "x" }, null)).toMatch(/seed/);
    expect(fuzzSettings({ ...FUZZ_FORM, examples: "0" }, null)).toMatch(/examples/);
    expect(fuzzSettings({ ...FUZZ_FORM, budget: "-3" }, null)).toMatch(/time budget/);
    expect(fuzzSettings({ ...FUZZ_FORM, scope: "operation" }, null)).toMatch(/open an operation/);
  });

  it("follows the engine's events", () => {
    let p = progressed(NO_PROGRESS, { event: "started", operations: 3 });
    p = progressed(p, { event: "operation", done: 1, operation: "b", phase: "negative" });
    p = progressed(p, { event: "found", check: "server-error", operation: "b", message: "500", requests: 40 });
    expect(p).toEqual({ operations: 3, done: 1, operation: "b", phase: "negative", requests: 40, found: 1 });
    p = progressed(p, { event: "finished", requests: 90, failures: 1 });
    expect(p.done).toBe(3);
    expect(p.requests).toBe(90);
  });
});
