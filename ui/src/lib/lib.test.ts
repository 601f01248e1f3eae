import { describe, expect, it } from "vitest";

import type { Body, OperationForm, OperationRow } from "../api";
import { bodyMode, partRows, partsOf, rawBody, rawOf, switchMode, type PartRow } from "./freeBody";
import { foldedView, formatBytes, toggleFold, unfoldTo } from "./body";
import { initialState, toDraft, typedValue } from "./draft";
import { filterOperations, groupByTag } from "./operations";
import { check } from "./validator";

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
  });
  it("groups by tag with the untagged last", () => {
    const items = groupByTag(rows);
    expect(items.map((i) => (i.kind === "group" ? `#${i.tag}:${i.count}` : i.row.method))).toEqual(["#pets:3", "GET", "POST", "DELETE", "#Other:1", "GET"]);
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
