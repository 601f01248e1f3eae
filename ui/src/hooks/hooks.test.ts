import { describe, expect, it } from "vitest";

import type { LoadTick, LoadView, MockSettings, MockView, OperationForm, SavedView, Served } from "../api";
import { loadRunStore } from "./useLoadRun";
import { mockStore } from "./useMock";
import { logServed, MOCK_FORM, mockSettings, type MockEntry } from "../lib/mock";
import { matches } from "../components/Palette";
import { splitUrl } from "../components/RequestPanel";
import { draftOfTab, keep, pairsOf, rowsOf, savedOfTab, tabOf, tabOfSaved, withSettings } from "../lib/tabs";

const form: OperationForm = {
  id: "read",
  method: "GET",
  path: "/items/{id}",
  summary: null,
  params: [{ name: "id", location: "path", required: true, description: null, schema: { type: "integer" } }],
  body: null,
  draft: { method: "GET", path: "/items/{id}", params: [{ name: "id", in: "path", value: 3 }] },
};

describe("the draft a tab sends", () => {
  it("goes to the base URL given", () => {
    const draft = draftOfTab(tabOf(form, form.draft, "t", "read"), "http://127.0.0.1:9000");
    expect(draft.base_url).toBe("http://127.0.0.1:9000");
    expect(draft.params).toEqual([{ name: "id", in: "path", value: 3 }]);
    expect(draft).toMatchObject({ method: "GET", path: "/items/{id}", body: null, auth: null, headers: [], query: [] });
  });

  it("names no base URL when none is given: the spec's server", () => {
    expect(draftOfTab(tabOf(form, form.draft, "t", "read"), "")).not.toHaveProperty("base_url");
  });

  it("sends the rows that are on, and keeps the ones that are off", () => {
    const tab = tabOf(form, { ...form.draft, headers: [["X-A", "1"]], query: [["q", "x"]] }, "t", "read");
    expect(tab.headers).toEqual([{ name: "X-A", value: "1", on: true }]);
    tab.headers.push({ name: "X-Off", value: "2", on: false }, { name: "  ", value: "blank", on: true });
    const draft = draftOfTab(tab, "");
    expect(draft.headers).toEqual([["X-A", "1"]]);
    expect(draft.query).toEqual([["q", "x"]]);
    expect(pairsOf(rowsOf([["a", "b"]]))).toEqual([["a", "b"]]);
  });

  it("sends a request of no open operation as it came, with its rows", () => {
    const tab = tabOf(null, { method: "DELETE", path: "/x", base_url: "{{baseUrl}}" }, "x", null);
    tab.headers = [{ name: "X-B", value: "2", on: true }];
    expect(draftOfTab(tab, "")).toMatchObject({ method: "DELETE", path: "/x", base_url: "{{baseUrl}}", headers: [["X-B", "2"]] });
  });
});

describe("a saved request in a tab", () => {
  const view: SavedView = {
    collection: "shop",
    key: "items/Read",
    name: "Read",
    folder: ["items"],
    operation_id: "read",
    draft: { method: "GET", path: "/items/{id}", params: [{ name: "id", in: "path", value: "{{id}}" }], base_url: "{{baseUrl}}", headers: [["X-T", "1"]] },
    checks: [{ on: "status", target: "", op: "equals", expected: "200" }],
    extractions: [{ var: "id", from: "json", target: "$.id" }],
  };

  it("saves back where it came from, its own base URL and checks kept", () => {
    const tab = tabOfSaved(view, form);
    expect(tab.saved).toEqual({ collection: "shop", key: "items/Read", name: "Read", folder: ["items"] });
    const back = savedOfTab(tab, "http://window");
    expect(back).toMatchObject({ collection: "shop", key: "items/Read", name: "Read", folder: ["items"], checks: view.checks, extractions: view.extractions });
    expect(back.draft.base_url).toBe("{{baseUrl}}");
    expect(back.draft.headers).toEqual([["X-T", "1"]]);
  });

  it("saved under another name is a new request", () => {
    const back = savedOfTab(tabOfSaved(view, form), "", { collection: "shop", name: "Other" });
    expect(back).toMatchObject({ key: "", name: "Other", folder: [] });
  });

  it("is kept across restarts without its form", () => {
    const kept = keep([tabOfSaved(view, form)]);
    expect(kept[0]).not.toHaveProperty("form");
    expect(kept[0].saved?.key).toBe("items/Read");
  });
});

describe("the command palette", () => {
  it("finds by every word, not by scattered letters", () => {
    expect(matches("Environments Use dev", "use dev")).toBeGreaterThan(0);
    expect(matches("Saved requests locked/saved under lock", "Use dev")).toBe(0);
    expect(matches("Operations GET /items", "items", ["List Items"])).toBeGreaterThan(0);
    expect(matches("Operations GET /x", "list", ["List Items"])).toBeGreaterThan(0);
  });
});

describe("a free request's URL", () => {
  it("splits into base URL and path", () => {
    expect(splitUrl("http://127.0.0.1:8000/items/2?x=1")).toEqual({ base_url: "http://127.0.0.1:8000", path: "/items/2?x=1" });
    expect(splitUrl("https://h")).toEqual({ base_url: "https://h", path: "/" });
    expect(splitUrl("{{baseUrl}}/items")).toEqual({ base_url: "{{baseUrl}}", path: "/items" });
    expect(splitUrl("/only/path")).toEqual({ base_url: null, path: "/only/path" });
  });
});

describe("request settings", () => {
  it("keep only what differs from the defaults, and go out with the tab's draft", () => {
    let s = withSettings(undefined, { timeout_ms: 1500 });
    expect(s).toEqual({ timeout_ms: 1500 });
    s = withSettings(s, { follow_redirects: false });
    expect(s).toEqual({ timeout_ms: 1500, follow_redirects: false });
    // Back at its default, a setting is dropped; all at defaults, there are none.
    s = withSettings(s, { follow_redirects: undefined });
    expect(s).toEqual({ timeout_ms: 1500 });
    expect(withSettings(s, { timeout_ms: undefined })).toBeUndefined();
    const tab = tabOf(null, { method: "GET", path: "/x", params: [], query: [], headers: [], settings: { retries: 2 } }, "GET /x", null);
    expect(draftOfTab(tab, "http://h").settings).toEqual({ retries: 2 });
  });
});

describe("a load run", () => {
  it("outlives the tab that started it: its seconds, its end and one run at a time", async () => {
    let tick: ((t: LoadTick) => void) | null = null;
    let finish: ((v: LoadView) => void) | null = null;
    let listening = 0;
    const store = loadRunStore({
      onLoadTick: async (f) => {
        tick = f;
        listening += 1;
        return () => {
          listening -= 1;
        };
      },
      loadSuite: () => new Promise<LoadView>((resolve) => (finish = resolve)),
    });
    const settings = { rate: 5, users: null, duration_s: 2, ramp_up_s: 0, check: "all", thresholds: [] };
    const seen: boolean[] = [];
    const stop = store.subscribe(() => seen.push(store.get().running));
    const run = store.start("demo", null, settings);
    stop(); // the tab is left: nothing listens to the store any more
    await Promise.resolve();
    await store.start("other", null, settings); // refused while one runs
    expect(store.get().target).toBe("demo");
    tick!({ t: 0, requests: 5, errors: 0, findings: 0, p99_ms: 1.5 } as LoadTick);
    tick!({ t: 1, requests: 5, errors: 1, findings: 0, p99_ms: 2.5 } as LoadTick);
    expect(store.get().live.map((t) => t.errors)).toEqual([0, 1]);
    expect(store.get().running).toBe(true);
    finish!({ passed: true } as LoadView);
    await run;
    expect(store.get()).toMatchObject({ running: false, view: { passed: true }, error: null });
    expect(listening).toBe(0);
    expect(seen).toEqual([true]);
  });

  it("keeps the error of a run that could not start", async () => {
    const store = loadRunStore({
      onLoadTick: async () => () => {},
      loadSuite: () => Promise.reject({ kind: "busy", message: "a load run is already in progress", hint: "wait" }),
    });
    await store.start("demo", null, { rate: 1, users: null, duration_s: 1, ramp_up_s: 0, check: "all", thresholds: [] });
    expect(store.get()).toMatchObject({ running: false, view: null, error: { kind: "busy" } });
  });
});

describe("the mock", () => {
  const served = (status: number, target = "/items/1"): Served => ({
    method: "GET",
    target,
    operation: "read_item",
    status,
    request_findings: status === 422 ? ["query.q: not an integer"] : [],
    findings: [],
    replaced: [],
  });
  const settings: MockSettings = { validate: true, stateful: false, dynamic: false, seed: null, latency_ms: null, cors: false };

  it("keeps the newest requests first, the last few only", () => {
    let log: MockEntry[] = [];
    for (let n = 1; n <= 5; n++) log = logServed(log, { n, at: "12:00:00", served: served(200, `/items/${n}`) }, 3);
    expect(log.map((e) => e.n)).toEqual([5, 4, 3]);
    expect(log[0].served.target).toBe("/items/5");
  });

  it("turns the form into the engine's settings, or says what is wrong", () => {
    expect(mockSettings(MOCK_FORM)).toEqual(settings);
    expect(mockSettings({ ...MOCK_FORM, values: "seeded", seed: "42", latency: "150", stateful: true, cors: true })).toEqual({ ...settings, seed: 42, latency_ms: 150, stateful: true, cors: true });
    expect(mockSettings({ ...MOCK_FORM, values: "dynamic", seed: "not used" })).toEqual({ ...settings, dynamic: true });
    expect(mockSettings({ ...MOCK_FORM, values: "seeded", seed: "-1" })).toMatch(/seed/);
    expect(mockSettings({ ...MOCK_FORM, values: "seeded", seed: "" })).toMatch(/seed/);
    expect(mockSettings({ ...MOCK_FORM, latency: "soon" })).toMatch(/latency/);
  });

  it("outlives the panel: its URL, its log (bounded), its Stop; the spec changed stops it", async () => {
    let emit: ((s: Served) => void) | null = null;
    let listening = 0;
    const calls: string[] = [];
    const view: MockView = { url: "http://127.0.0.1:4321", operations: 3 };
    const store = mockStore(
      {
        startMock: async (s) => {
          calls.push(`start ${s.validate}`);
          return view;
        },
        stopMock: async () => {
          calls.push("stop");
        },
        onMockServed: async (f) => {
          emit = f;
          listening += 1;
          return () => {
            listening -= 1;
          };
        },
      },
      2,
    );
    const left = store.subscribe(() => {});
    left(); // the panel is left: nothing listens to the store
    await store.start(settings);
    expect(store.get()).toMatchObject({ view, busy: false, error: null });
    emit!(served(200, "/a"));
    emit!(served(422, "/b"));
    emit!(served(200, "/c"));
    expect(store.get().log.map((e) => e.served.target)).toEqual(["/c", "/b"]);
    expect(store.get().count).toBe(3);
    store.pointed("http://before");
    expect(store.get().before).toBe("http://before");
    await store.stop();
    expect(store.get()).toMatchObject({ view: null, before: null, busy: false });
    expect(store.get().log).toHaveLength(2); // the log stays until cleared
    expect(listening).toBe(0);
    store.clear();
    expect(store.get()).toMatchObject({ log: [], count: 0 });
    await store.start(settings);
    store.specChanged();
    expect(store.get().view).toBeNull();
    expect(store.get().note).toMatch(/another spec/);
    expect(listening).toBe(0);
    expect(calls).toEqual(["start true", "stop", "start true"]);
  });

  it("keeps the error of a mock that could not start", async () => {
    const store = mockStore({
      startMock: () => Promise.reject({ kind: "no-spec", message: "no spec is open, so there is nothing to mock", hint: "open a spec first" }),
      stopMock: async () => {},
      onMockServed: async () => () => {},
    });
    await store.start(settings);
    expect(store.get()).toMatchObject({ view: null, busy: false, error: { kind: "no-spec" } });
  });
});
