import { describe, expect, it } from "vitest";

import type { SpecChangesView } from "../api";
import { conflictKey, headline, linkedLine, planLines, shownValue, theirsFor, where } from "./diff";

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
    restored: ["Get Review"],
    updated: [["Search", ["query.category"]]],
    kept: [["Create", ["body.price"]]],
    conflicts: [{ request: "Create", request_id: 7, field: "body.name", base: "a", ours: "mine", theirs: null }],
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
      'back from "Removed from spec": Get Review',
      "updated from the spec: Search: query.category",
      "your edits kept: Create: body.price",
      'conflict: Create body.name: was "a", yours "mine", the spec\'s null',
    ]);
    expect(planLines({ ...view.plan, added: [], removed: [], restored: [], updated: [], kept: [], conflicts: [] })).toEqual(["nothing to re-sync"]);
  });
  it("tells in one line what a reloaded spec changes for a collection made from it", () => {
    const l = { collection: "catalog", summary: { breaking: 2, warning: 0, info: 1 }, reached: 3, breaks: 2 };
    expect(linkedLine(l)).toBe("2 breaking, 0 warning, 1 info; breaks 2, touches 1 of its saved requests, assertions and extractions");
    expect(linkedLine({ ...l, reached: 0, breaks: 0 })).toBe("2 breaking, 0 warning, 1 info; no saved request reached");
    expect(linkedLine({ ...l, reached: 1, breaks: 0 })).toBe("2 breaking, 0 warning, 1 info; touches 1 of its saved requests, assertions and extractions");
  });
  it("leaves the conflicts to their table when asked, and picks them one by one", () => {
    expect(planLines(view.plan, false)).not.toContain('conflict: Create body.name: was "a", yours "mine", the spec\'s null');
    expect(planLines({ ...view.plan, added: [], removed: [], restored: [], updated: [], kept: [] }, false)).toEqual(["only the conflicts below"]);
    // The same name in another folder is another request: picked apart by id.
    const second = { request: "Create", request_id: 9, field: "body.name", base: "a", ours: "b", theirs: "c" };
    const conflicts = [...view.plan.conflicts, second];
    expect(conflictKey(second)).not.toBe(conflictKey(conflicts[0]));
    expect(theirsFor(conflicts, { [conflictKey(second)]: "theirs", [conflictKey(conflicts[0])]: "ours" })).toEqual([{ request_id: 9, field: "body.name" }]);
    expect(theirsFor(conflicts, {})).toEqual([]);
    expect(shownValue(null)).toBe("(absent)");
    expect(shownValue({ a: 1 })).toBe('{"a":1}');
  });
});
