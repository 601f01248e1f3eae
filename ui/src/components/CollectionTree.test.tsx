import { act } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";

import type { CollectionRow, TreeItem, dialogs } from "../api";
import { CollectionTree, type RequestActions } from "./CollectionTree";

// jsdom lays nothing out: the tree's view is its first guess (600 px), and nothing resizes.
beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
});

let root: Root | null = null;
let host: HTMLElement | null = null;
afterEach(() => {
  act(() => root?.unmount());
  host?.remove();
});

const item = (key: string): TreeItem => {
  const folder = key.split("/");
  const name = folder.pop() ?? key;
  return { key, name, folder, method: "GET", verdict: null };
};

/** The tree of `collections`, drawn in the page; its actions are spies. */
function draw(collections: CollectionRow[]) {
  const actions: RequestActions = { open: vi.fn(), rename: vi.fn(), duplicate: vi.fn(), move: vi.fn(), remove: vi.fn(), place: vi.fn(), newRequest: vi.fn(), newFolder: vi.fn(), removeSuite: vi.fn(), renameCollection: vi.fn(), removeCollection: vi.fn(), editAuth: vi.fn() };
  host = document.createElement("div");
  document.body.append(host);
  root = createRoot(host);
  act(() =>
    root?.render(
      <CollectionTree
        collections={collections}
        actions={actions}
        onRun={() => {}}
        onExport={() => {}}
        onImport={() => {}}
        pick={{} as typeof dialogs}
        onCreateSuite={() => {}}
        syncs={{}}
        trash={{}}
        onResolve={() => {}}
        onRestore={() => {}}
        current="shop/f/b"
      />,
    ),
  );
  const $ = (testid: string) => document.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
  return { actions, $ };
}

const key = (el: Element, k: string) => act(() => void el.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true })));
const click = (el: Element | null) => act(() => void el?.dispatchEvent(new MouseEvent("click", { bubbles: true })));

describe("the collections tree in the page", () => {
  const shop: CollectionRow = { name: "shop", requests: [], suites: ["smoke"], folder: null, items: [item("a"), item("f/b"), item("f/c")], folders: [["f"]] };

  it("is a flat ARIA tree: levels, positions, open folders, the open request selected", () => {
    const { $ } = draw([shop]);
    const items = [...document.querySelectorAll('[role="tree"] [role="treeitem"]')];
    expect(items.map((e) => `${e.getAttribute("aria-label")}@${e.getAttribute("aria-level")} ${e.getAttribute("aria-posinset")}/${e.getAttribute("aria-setsize")}`)).toEqual([
      "shop@1 1/1",
      "f@2 1/3",
      "GET b@3 1/2",
      "GET c@3 2/2",
      "GET a@2 2/3",
      "suite smoke@2 3/3",
    ]);
    expect($("folder-node-shop/f")?.getAttribute("aria-expanded")).toBe("true");
    expect($("req-shop/f/b")?.closest('[role="treeitem"]')?.getAttribute("aria-selected")).toBe("true");
    click($("folder-shop/f"));
    expect($("req-shop/f/b")).toBeNull();
    expect($("folder-node-shop/f")?.getAttribute("aria-expanded")).toBe("false");
  });

  it("walks the rows with the keyboard: arrows move, left closes, right opens, Enter opens a request", () => {
    const { $, actions } = draw([shop]);
    const folder = $("folder-node-shop/f") as HTMLElement;
    act(() => folder.focus());
    key(folder, "ArrowLeft");
    expect(folder.getAttribute("aria-expanded")).toBe("false");
    key(folder, "ArrowRight");
    expect(folder.getAttribute("aria-expanded")).toBe("true");
    key(folder, "ArrowDown");
    const b = $("req-shop/f/b")?.closest('[role="treeitem"]') as HTMLElement;
    expect(document.activeElement).toBe(b);
    expect(b.tabIndex).toBe(0);
    key(b, "Enter");
    expect(actions.open).toHaveBeenCalledWith("shop", "f/b");
    key(b, "ArrowLeft");
    expect(document.activeElement).toBe(folder);
  });

  it("acts on a request from its menu, over the rows", () => {
    const { $, actions } = draw([shop]);
    click($("menu-shop/f/c"));
    // Moving c up puts it before b, in its folder.
    click($("action-up"));
    expect(actions.place).toHaveBeenCalledWith("shop", "f/c", ["f"], "f/b");
    expect($("action-up")).toBeNull();
  });

  it("draws a screenful of 5,000 requests, not all of them", () => {
    const items = Array.from({ length: 5000 }, (_, n) => item(`folder ${n % 50}/request ${n}`));
    const big: CollectionRow = { name: "big", requests: [], suites: [], folder: null, items, folders: [] };
    const { $ } = draw([big]);
    // Over 500 requests: the folders start closed.
    expect(document.querySelectorAll('[data-testid^="req-big/"]').length).toBe(0);
    click($("folder-big/folder 7"));
    const drawn = document.querySelectorAll('[data-testid^="req-big/"]').length;
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(100);
    const list = $("collections") as HTMLElement;
    expect(parseFloat((list.firstElementChild as HTMLElement).style.height)).toBe((1 + 50 + 100 + 1) * 24);
  });
});
