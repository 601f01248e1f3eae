import { describe, expect, it } from "vitest";

import type { SpecChangesView } from "../api";
import { headline, planLines, where } from "./diff";

const view: SpecChangesView = {
  collection: "catalog",
  from: "v1.json",
  to: "v2.json",
  summary: { breaking: 2, warning: 1, info: 0 },
  changes: [
    { id: "endpoint-removed", level: "breaking", method: "GET", path: "/reviews", operation: "list_reviews", old: "/paths/~1reviews/get", new: null, message: "operation removed" },
  ],
  total: 3,
  impact: [],
  plan: {
    added: ["New"],
    removed: ["List Reviews"],
    updated: [["Search", ["query.category"]]],
    kept: [["Create", ["body.price"]]],
    conflicts: [{ request: "Create", field: "body.name", base: "a", ours: "mine", theirs: null }],
    applied: false,
    folder: null,
  },
};

describe("spec changes", () => {
  it("heads with the counts per level, or no changes", () => {
    expect(headline(view)).toBe("2 breaking, 1 warning, 0 info");
    expect(headline({ ...view, total: 0 })).toBe("no changes");
  });
  it("names where a change is", () => {
    expect(where(view.changes[0])).toBe("GET /reviews");
    expect(where({ ...view.changes[0], method: null, path: null })).toBe("(whole spec)");
  });
  it("lists a plan line by line, conflicts side by side", () => {
    expect(planLines(view.plan)).toEqual([
      "added: New",
      'moved to "Removed from spec": List Reviews',
      "updated from the spec: Search: query.category",
      "your edits kept: Create: body.price",
      'conflict: Create body.name: was "a", yours "mine", the spec\'s null',
    ]);
    expect(planLines({ ...view.plan, added: [], removed: [], updated: [], kept: [], conflicts: [] })).toEqual(["nothing to re-sync"]);
  });
});
