import { describe, expect, it } from "vitest";

import type { Body, CollectionRow, OperationForm, OperationRow, TreeItem } from "../api";
import { bodyMode, partRows, partsOf, rawBody, rawOf, switchMode, type PartRow } from "./freeBody";
import { foldedView, formatBytes, toggleFold, unfoldTo } from "./body";
import { initialState, toDraft, typedValue } from "./draft";
import { filterOperations, groupByTag, indexOperations } from "./operations";
import { LARGE, filterItems, neighbour, rowKey, treeOf, treeRows, type TreeRow } from "./tree";
import { check } from "./validator";
import { fixedRowsInView, offsetsOf, rowsInView } from "./window";
import { counted } from "./words";

const row = (method: string, path: string, tag: string | null, summary: string | null = null): OperationRow => ({
  id: `${method}${path}`,
  method,
  path,
  summary,
  tag,
  deprecated: false,
});

describe("operation explorer", () => {
  const rows = [row("GET", "/pets", "pets", "List pets"), row("POST", "/pets", "pets"), row("GET", "/users/{id}", null), row("DELETE", "/pets/{id}", "pets")];
  it("filters on every word, any case, over method, path and summary", () => {
    expect(filterOperations(rows, "get").map((r) => r.path)).toEqual(["/pets", "/users/{id}"]);
    expect(filterOperations(rows, "pets LIST").map((r) => r.method)).toEqual(["GET"]);
    expect(filterOperations(rows, "  ")).toHaveLength(4);
    expect(filterOperations(rows, "nothing")).toHaveLength(0);
    expect(filterOperations(rows, "/")).toBe(rows);
  });
  it("groups by tag with the untagged last", () => {
    const items = groupByTag(rows);
    expect(items.map((i) => (i.kind === "group" ? `#${i.tag}:${i.count}` : i.row.method))).toEqual(["#pets:3", "GET", "POST", "DELETE", "#Other:1", "GET"]);
    // Kept per rows array: clearing the filter does not group 22,000 rows again.
    expect(groupByTag(rows)).toBe(items);
  });
  it("lower-cases what each row is found by once", () => {
    const hay = indexOperations(rows);
    expect(hay[0]).toBe("get /pets list pets get/pets pets");
    expect(indexOperations(rows)).toBe(hay);
  });
});

describe("the collections tree", () => {
  const item = (key: string): TreeItem => {
    const folder = key.split("/");
    const name = folder.pop() ?? key;
    return { key, name, folder, method: "GET", verdict: null };
  };
  it("filters requests on every word of name, folder and method", () => {
    const items = [item("items/Create"), item("items/Read"), item("me/Read")];
    expect(filterItems(items, "read items").map((i) => i.key)).toEqual(["items/Read"]);
    expect(filterItems(items, "GET").length).toBe(3);
    expect(filterItems(items, "").length).toBe(3);
  });
  it("nests requests in their folders, in order", () => {
    const root = treeOf([item("a"), item("f/b"), item("f/g/c"), item("f/d")]);
    expect(root.items.map((i) => i.name)).toEqual(["a"]);
    expect(root.children.map((c) => c.path.join("/"))).toEqual(["f"]);
    expect(root.children[0].items.map((i) => i.name)).toEqual(["b", "d"]);
    expect(root.children[0].children[0].items.map((i) => i.name)).toEqual(["c"]);
    // Empty folders are in the tree too.
    const withEmpty = treeOf([item("a")], [["empty"], ["empty", "deeper"]]);
    expect(withEmpty.children.map((c) => c.path.join("/"))).toEqual(["empty"]);
    expect(withEmpty.children[0].children.map((c) => c.path.join("/"))).toEqual(["empty/deeper"]);
  });
  it("moves a request up or down among its folder's requests", () => {
    const f = [item("f/a"), item("f/b"), item("f/c")];
    // Up: before the one above it; down: before the one after the next, or at the end.
    expect(neighbour(f, "f/b", true)).toBe("f/a");
    expect(neighbour(f, "f/a", true)).toBeUndefined();
    expect(neighbour(f, "f/a", false)).toBe("f/c");
    expect(neighbour(f, "f/b", false)).toBeNull();
    expect(neighbour(f, "f/c", false)).toBeUndefined();
  });

  const collection = (name: string, keys: string[], more: Partial<CollectionRow> = {}): CollectionRow => {
    const items = keys.map(item);
    return { name, requests: items.map((i) => i.name), suites: [], folder: null, items, folders: [], ...more };
  };
  /** A row as `kind:label@depth`, and its place among its siblings when it has one. */
  const show = (r: TreeRow) => `${r.kind}:${r.label}@${r.depth}${"posinset" in r ? ` ${r.posinset}/${r.setsize}` : ""}`;
  const shop = collection("shop", ["a", "f/b", "f/g/c", "f/d", "e/x"], { suites: ["smoke"], folder: "/work/shop", folders: [["f"], ["f", "g"], ["e"], ["empty"]] });
  const other = collection("other", ["only"]);

  it("flattens collections, folders, requests and suites into rows, all open", () => {
    expect(treeRows([shop, other], { query: "", expanded: {} }).map(show)).toEqual([
      "collection:shop@1 1/2",
      "link:/work/shop@2",
      "folder:f@2 1/5",
      "folder:g@3 1/3",
      "request:c@4 1/1",
      "request:b@3 2/3",
      "request:d@3 3/3",
      "folder:e@2 2/5",
      "request:x@3 1/1",
      "folder:empty@2 3/5",
      "request:a@2 4/5",
      "suite:smoke@2 5/5",
      "end:shop@2",
      "collection:other@1 2/2",
      "request:only@2 1/1",
      "end:other@2",
    ]);
  });
  it("hides what is in a closed folder or collection, and says which are open", () => {
    const rows = treeRows([shop, other], { query: "", expanded: { [rowKey("folder", "shop", "f")]: false, [rowKey("collection", "other")]: false } });
    expect(rows.map(show)).toEqual([
      "collection:shop@1 1/2",
      "link:/work/shop@2",
      "folder:f@2 1/5",
      "folder:e@2 2/5",
      "request:x@3 1/1",
      "folder:empty@2 3/5",
      "request:a@2 4/5",
      "suite:smoke@2 5/5",
      "end:shop@2",
      "collection:other@1 2/2",
    ]);
    const open = (r: TreeRow) => ("open" in r ? r.open : null);
    expect(rows.map(open).filter((o) => o !== null)).toEqual([true, false, true, true, false]);
    // Keys are unique, and a request's row knows its whole folder (for Move up / down).
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    const b = treeRows([shop], { query: "", expanded: {} }).find((r) => r.kind === "request" && r.label === "b");
    expect(b?.kind === "request" && b.siblings.map((i) => i.name)).toEqual(["b", "d"]);
  });
  it("opens a large collection with its folders closed, each opened by hand", () => {
    const keys = Array.from({ length: LARGE + 1 }, (_, n) => `f${n % 10}/r${n}`);
    const big = collection("big", keys);
    const closed = treeRows([big], { query: "", expanded: {} });
    expect(closed.map((r) => r.kind)).toEqual(["collection", ...Array(10).fill("folder"), "end"]);
    const one = treeRows([big], { query: "", expanded: { [rowKey("folder", "big", "f3")]: true } });
    expect(one.filter((r) => r.kind === "request").length).toBe(50);
  });
  it("shows, while filtering, the matches and the folders holding them, opened", () => {
    const keys = Array.from({ length: LARGE + 1 }, (_, n) => `f${n % 10}/r${n}`);
    const big = collection("big", keys, { suites: ["s"] });
    const rows = treeRows([big], { query: "R12 f2", expanded: {} });
    expect(rows.map(show)).toEqual(["collection:big@1 1/1", "folder:f2@2 1/2", "request:r12@3 1/2", "request:r122@3 2/2", "suite:s@2 2/2", "end:big@2"]);
    // The folders closed while filtering (the view keeps them apart, per query).
    const closedF2 = treeRows([big], { query: "R12 f2", expanded: { [rowKey("folder", "big", "f2")]: false } });
    expect(closedF2.map((r) => r.label)).toEqual(["big", "f2", "s", "big"]);
    // No match: the collection and its suites stay.
    expect(treeRows([big], { query: "nothing", expanded: {} }).map((r) => r.kind)).toEqual(["collection", "suite", "end"]);
    // 5,000 requests in 50 folders, all matching: every one is a row.
    const many = collection("many", Array.from({ length: 5000 }, (_, n) => `folder ${n % 50}/request ${n}`));
    expect(treeRows([many], { query: "request", expanded: {} }).length).toBe(1 + 50 + 5000 + 1);
  });
});

describe("windowed lists", () => {
  it("draws the fixed-height rows in view and the overscan, clamped to the list", () => {
    expect(fixedRowsInView(1000, 20, 0, 200, 5)).toEqual([0, 15]);
    expect(fixedRowsInView(1000, 20, 2010, 200, 5)).toEqual([95, 116]);
    // Scrolled past the end of a list that shrank: its end.
    expect(fixedRowsInView(30, 20, 5000, 200, 5)).toEqual([15, 30]);
    expect(fixedRowsInView(0, 20, 100, 200, 5)).toEqual([0, 0]);
  });
  it("draws rows of mixed heights from their offsets", () => {
    // Rows 20 px tall, but row 2 is 100.
    const at = offsetsOf(50, (i) => (i === 2 ? 100 : 20));
    expect([at[2], at[3], at[50]]).toEqual([40, 140, 1080]);
    expect(rowsInView(at, 0, 100, 0)).toEqual([0, 3]);
    expect(rowsInView(at, 150, 40, 1)).toEqual([2, 7]);
    expect(rowsInView(at, 100000, 100, 0)).toEqual([45, 50]);
    expect(rowsInView(offsetsOf(0, () => 20), 0, 100, 5)).toEqual([0, 0]);
  });
});


describe("body view", () => {
  it("maps rows to lines around collapsed folds, nested ones ignored while hidden", () => {
    // 20 lines; a block on 2..8 with one inside on 3..5, another on 10..15.
    let folds = toggleFold([], 3, 5);
    folds = toggleFold(folds, 2, 8);
    folds = toggleFold(folds, 10, 15);
    const v = foldedView(20, folds);
    expect(v.count).toBe(20 - 6 - 5);
    expect([0, 1, 2, 3, 4, 5].map(v.lineAt)).toEqual([0, 1, 2, 9, 10, 16]);
    expect(v.rowOf(9)).toBe(3);
    expect(v.rowOf(16)).toBe(5);
    expect(v.rowOf(4)).toBeUndefined();
    expect(v.isFolded(2) && v.isFolded(10) && !v.isFolded(3)).toBe(true);
    // Showing line 4 opens the folds hiding it, not the others.
    const opened = unfoldTo(folds, 4);
    expect(opened).toEqual([[10, 15]]);
    expect(foldedView(20, opened).rowOf(4)).toBe(4);
    // Toggling again expands.
    expect(toggleFold(folds, 10, 15)).toEqual([[3, 5], [2, 8]]);
  });
  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(10 * 1024 * 1024)).toBe("10.0 MB");
  });
});

describe("request form", () => {
  const form: OperationForm = {
    id: "create",
    method: "POST",
    path: "/items/{id}",
    summary: null,
    params: [
      { name: "id", location: "path", required: true, description: null, schema: { type: "integer" } },
      { name: "tags", location: "query", required: false, description: null, schema: { type: "array", items: { type: "string" } } },
    ],
    body: { media_type: "application/json", required: true, schema: { type: "object" } },
    draft: { method: "POST", path: "/items/{id}", params: [{ name: "id", in: "path", value: 7 }], body: { json: { name: "a" } } },
  };
  it("starts from the engine's values and types what the user typed", () => {
    const s = initialState(form);
    expect(s.params).toEqual({ "path:id": "7" });
    s.params["query:tags"] = "a, b";
    const { draft, problem } = toDraft(form, s);
    expect(problem).toBeNull();
    expect(draft.params).toEqual([
      { name: "id", in: "path", value: 7 },
      { name: "tags", in: "query", value: ["a", "b"] },
    ]);
    expect(draft.body).toEqual({ json: { name: "a" } });
    expect(draft.auth).toBeNull();
    const withAuth = toDraft(form, { ...s, auth: { type: "bearer", token: "{{token}}" } }).draft;
    expect(withAuth.auth).toEqual({ type: "bearer", token: "{{token}}" });
    expect(typedValue("x", { type: "integer" })).toBe("x");
    expect(typedValue("true", { type: "boolean" })).toBe(true);
  });
  it("sends a broken raw body as text, and says so", () => {
    const s = { ...initialState(form), raw: "{broken" };
    const { draft, problem } = toDraft(form, s);
    expect(problem).toMatch(/not JSON/);
    expect(draft.body).toEqual({ text: { content_type: "application/json", text: "{broken" } });
  });
});

describe("form validator (no eval)", () => {
  it("reports types, required and bounds with paths", () => {
    const schema = { type: "object" as const, required: ["name"], properties: { price: { type: "number" as const, minimum: 0 }, tags: { type: "array" as const, items: { type: "string" as const } } } };
    expect(check(schema, { name: "a", price: 1, tags: ["x"] })).toEqual([]);
    expect(check(schema, { price: -1, tags: [1] }).map((e) => e.stack)).toEqual([".name is required", ".price must be >= 0", ".tags.0 must be string"]);
  });
});

describe("recent specs", () => {
  it("keeps the newest first, without duplicates, at most max", async () => {
    const { remember } = await import("./recent");
    expect(remember(["a", "b", "c"], "b")).toEqual(["b", "a", "c"]);
    expect(remember(["a", "b"], "c", 2)).toEqual(["c", "a"]);
  });
});

describe("run chart", () => {
  it("one series per step across runs, gaps where a step had no response", async () => {
    const { series, stepSeries } = await import("./chart");
    const runs = [
      { id: 1, at: "", passed: 2, total: 2, times: [10, 20] },
      { id: 2, at: "", passed: 1, total: 2, times: [30, null] },
      { id: 3, at: "", passed: 1, total: 1, times: [20] },
    ];
    const { steps, max } = stepSeries(runs);
    expect(steps).toEqual([[10, 30, 20], [20, null, null]]);
    expect(max).toBe(30);
    expect(series(steps[0], 30, 100, 30)).toEqual(["0.0,20.0 50.0,0.0 100.0,10.0"]);
    expect(series([1, null, 1], 1, 100, 10)).toEqual(["0.0,0.0", "100.0,0.0"]);
  });
});

describe("finding positions in the raw editor", () => {
  it("maps serde's line/column and pointers to ranges", async () => {
    const { findingRange } = await import("./positions");
    const text = '{\n  "name": 3,\n  "tags": ["a"]\n}';
    expect(findingRange(text, "not JSON: EOF while parsing at line 2 column 3", "")).toEqual([3, 5]);
    const [from, to] = findingRange(text, "`/name`: expected string", "/name");
    expect(text.slice(from, to)).toBe('"name"');
    expect(text.slice(...findingRange(text, "x", "/tags/0"))).toBe('"tags"');
    expect(findingRange(text, "x", "")).toEqual([0, 1]);
  });
});

describe("chart axis", () => {
  it("ticks are round and cover the maximum", async () => {
    const { ticks } = await import("./chart");
    expect(ticks(46)).toEqual([0, 20, 40, 60]);
    expect(ticks(0)).toEqual([0]);
    expect(ticks(3)).toEqual([0, 1, 2, 3]);
  });
});

describe("variables in fields", () => {
  it("are found, explained and marked when missing", async () => {
    const { varsIn, varHint, varClass } = await import("./vars");
    const vars = [
      { name: "baseUrl", value: "http://h", secret: false },
      { name: "token", value: null, secret: true },
    ];
    expect(varsIn("{{baseUrl}}/x/{{ token }}/{{baseUrl}}")).toEqual(["baseUrl", "token"]);
    expect(varHint("Bearer {{token}}", vars)).toBe("token = •••••• (secret)");
    expect(varHint("{{baseUrl}}", vars)).toBe("baseUrl = http://h");
    expect(varHint("{{nope}}", vars)).toBe("nope: not in the environment");
    expect(varHint("plain", vars)).toBe("");
    expect(varClass("{{nope}}", vars)).toBe("has-var missing-var");
    expect(varClass("{{token}}", vars)).toBe("has-var");
    expect(varClass("x", vars)).toBe("");
  });
});

describe("a body by its media type", () => {
  it("is JSON, form fields or multipart parts (binary fields as files)", async () => {
    const { bodyFor } = await import("./draft");
    expect(bodyFor("application/json", {}, { a: 1 })).toEqual({ json: { a: 1 } });
    expect(bodyFor("application/x-www-form-urlencoded", {}, { username: "u", scope: "", n: 2 })).toEqual({ form: [["username", "u"], ["n", "2"]] });
    const schema = { properties: { title: { type: "string" }, file: { type: "string", format: "binary" } } };
    expect(bodyFor("multipart/form-data; boundary=x", schema, { title: "t", file: "fixtures/a.txt" })).toEqual({
      multipart: [
        { name: "title", value: { text: "t" } },
        { name: "file", value: { file: { path: "fixtures/a.txt", filename: null, content_type: null } } },
      ],
    });
  });
});

describe("a request's own body", () => {
  it("switches between none, raw, form and multipart, carrying what fits", () => {
    const form: Body = { form: [["grant_type", "password"], ["user", "{{user}}"]] };
    expect(bodyMode(form)).toBe("form");
    const multi = switchMode(form, "multipart");
    expect(multi).toEqual({ multipart: [{ name: "grant_type", value: { text: "password" } }, { name: "user", value: { text: "{{user}}" } }] });
    expect(switchMode(multi, "form")).toEqual(form);
    expect(switchMode(form, "none")).toBeUndefined();
    expect(bodyMode(undefined)).toBe("none");
    // JSON from a pasted cURL command is edited as text, and stays text.
    const json: Body = { json: { a: 1 } };
    expect(bodyMode(json)).toBe("raw");
    expect(rawOf(json)).toEqual({ text: '{\n  "a": 1\n}', contentType: "application/json" });
    expect(switchMode(json, "raw")).toEqual(json);
    expect(rawBody("{{x}}", "")).toEqual({ text: { content_type: "text/plain", text: "{{x}}" } });
  });
  it("edits multipart parts as rows, files by path", () => {
    const rows: PartRow[] = [
      { name: "title", file: false, value: "report" },
      { name: "upload", file: true, value: "data/report.csv" },
    ];
    const parts = partsOf(rows);
    expect(parts[1]).toEqual({ name: "upload", value: { file: { path: "data/report.csv", filename: null, content_type: null } } });
    expect(partRows(parts)).toEqual(rows);
  });
});

describe("counted", () => {
  it("says one thing in the singular and any other count in the plural", () => {
    expect(counted(1, "operation")).toBe("1 operation");
    expect(counted(0, "run")).toBe("0 runs");
    expect(counted(34, "operation")).toBe("34 operations");
  });
});
