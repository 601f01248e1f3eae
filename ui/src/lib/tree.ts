import type { CollectionRow, TreeItem } from "../api";

/** A folder of a collection: its path, its requests, its subfolders (in the engine's order). */
export interface Node {
  path: string[];
  items: TreeItem[];
  children: Node[];
}

/** Collections with more requests than this show their folders closed until opened. */
export const LARGE = 500;

/** The words of a query, lower-cased (none: no filter). */
function wordsOf(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** What a request is found by (method, folder and name), lower-cased once per items array:
 *  a keystroke in the filter compares strings, it does not build them. */
const haystacks = new WeakMap<TreeItem[], string[]>();
function haystacksOf(items: TreeItem[]): string[] {
  let hay = haystacks.get(items);
  if (!hay) {
    hay = items.map((i) => `${i.method} ${i.key}`.toLowerCase());
    haystacks.set(items, hay);
  }
  return hay;
}

/** The requests whose name, folder or method hold every typed word (any case). */
export function filterItems(items: TreeItem[], query: string): TreeItem[] {
  const words = wordsOf(query);
  if (words.length === 0) return items;
  const hay = haystacksOf(items);
  return items.filter((_, n) => words.every((w) => hay[n].includes(w)));
}

/** The requests of a collection as a tree of folders (in the engine's order); `folders`
 *  adds the empty ones. One map lookup per request, whatever the number of folders. */
export function treeOf(items: TreeItem[], folders: string[][] = []): Node {
  const root: Node = { path: [], items: [], children: [] };
  const byPath = new Map<string, Node>([["", root]]);
  const nodeOf = (folder: string[]): Node => {
    const key = folder.join("/");
    const known = byPath.get(key);
    if (known) return known;
    const node: Node = { path: folder, items: [], children: [] };
    nodeOf(folder.slice(0, -1)).children.push(node);
    byPath.set(key, node);
    return node;
  };
  for (const f of folders) nodeOf(f);
  for (const item of items) nodeOf(item.folder).items.push(item);
  return root;
}

/** A collection's tree, built once per row the engine sent (a refresh sends new ones). */
const trees = new WeakMap<CollectionRow, Node>();
function cachedTree(c: CollectionRow): Node {
  let t = trees.get(c);
  if (!t) {
    t = treeOf(c.items, c.folders);
    trees.set(c, t);
  }
  return t;
}

/** Where "move up" / "move down" puts a request among its folder's `siblings`: the key to
 *  place it before (null: at the end), or undefined when it cannot move that way. */
export function neighbour(siblings: TreeItem[], key: string, up: boolean): string | null | undefined {
  const i = siblings.findIndex((s) => s.key === key);
  if (i < 0) return undefined;
  if (up) return i === 0 ? undefined : siblings[i - 1].key;
  if (i === siblings.length - 1) return undefined;
  return i + 2 < siblings.length ? siblings[i + 2].key : null;
}

/** What every row has: a key unique in the tree, its collection, its nesting (aria-level:
 *  a collection is 1) and its text. */
interface RowBase {
  key: string;
  collection: string;
  depth: number;
  label: string;
}

/** Where a tree item sits among its siblings (aria-posinset / aria-setsize, 1-based). */
interface Position {
  posinset: number;
  setsize: number;
}

/** One line of the Collections tree, as drawn. `link` (a linked collection's folder, its
 *  conflicts and trash) and `end` (its "New suite…") are not tree items. */
export type TreeRow =
  | (RowBase & Position & { kind: "collection"; row: CollectionRow; open: boolean })
  | (RowBase & { kind: "link"; row: CollectionRow })
  | (RowBase & Position & { kind: "folder"; path: string[]; open: boolean })
  | (RowBase & Position & { kind: "request"; item: TreeItem; siblings: TreeItem[] })
  | (RowBase & Position & { kind: "suite" })
  | (RowBase & { kind: "end" });

/** The key of a row: its kind, collection and path (collection names may hold `/`). */
export function rowKey(kind: TreeRow["kind"], collection: string, path = ""): string {
  return `${kind}\u001f${collection}\u001f${path}`;
}

/** What the tree shows: the filter, and the collections and folders opened or closed by
 *  hand (by row key; the others follow {@link isOpenByDefault}). */
export interface TreeView {
  query: string;
  expanded: Readonly<Record<string, boolean>>;
}

/** Collections start open; folders too, unless the collection is large (what is looked at
 *  is opened) — or while filtering, when every match is shown. */
function isOpenByDefault(kind: "collection" | "folder", size: number, filtering: boolean): boolean {
  return kind === "collection" || filtering || size <= LARGE;
}

/**
 * The rows of the Collections tree, in order, for a windowed list: each collection, its
 * folder link, its folders (subfolders first, then requests, as in the engine) down to
 * the open ones, its suites, and its "New suite…" line. With a filter, only the requests
 * matching every word and the folders holding them are shown, opened (the collections and
 * their suites stay). Linear in what is shown, plus one pass over the requests when filtering.
 */
export function treeRows(collections: CollectionRow[], view: TreeView): TreeRow[] {
  const words = wordsOf(view.query);
  const filtering = words.length > 0;
  const rows: TreeRow[] = [];
  collections.forEach((c, ci) => {
    const collection = c.name;
    const root = cachedTree(c);
    // While filtering: the requests that match, and how many each folder holds (deep).
    let matched: Set<TreeItem> | null = null;
    const deep = new Map<Node, number>();
    if (filtering) {
      matched = new Set(filterItems(c.items, view.query));
      const count = (node: Node): number => {
        let n = 0;
        for (const i of node.items) if (matched?.has(i)) n++;
        for (const ch of node.children) n += count(ch);
        deep.set(node, n);
        return n;
      };
      count(root);
    }
    const isOpen = (key: string, kind: "collection" | "folder") => view.expanded[key] ?? isOpenByDefault(kind, c.items.length, filtering);
    const ckey = rowKey("collection", collection);
    const open = isOpen(ckey, "collection");
    const walk = (node: Node, depth: number, tail: string[]) => {
      const subs = matched ? node.children.filter((ch) => (deep.get(ch) ?? 0) > 0) : node.children;
      const items = matched ? node.items.filter((i) => matched?.has(i)) : node.items;
      const setsize = subs.length + items.length + tail.length;
      let at = 0;
      for (const ch of subs) {
        const path = ch.path.join("/");
        const key = rowKey("folder", collection, path);
        const opened = isOpen(key, "folder");
        rows.push({ kind: "folder", key, collection, depth, label: ch.path[ch.path.length - 1], path: ch.path, open: opened, posinset: ++at, setsize });
        if (opened) walk(ch, depth + 1, []);
      }
      for (const item of items) {
        rows.push({ kind: "request", key: rowKey("request", collection, item.key), collection, depth, label: item.name, item, siblings: node.items, posinset: ++at, setsize });
      }
      for (const name of tail) {
        rows.push({ kind: "suite", key: rowKey("suite", collection, name), collection, depth, label: name, posinset: ++at, setsize });
      }
    };
    rows.push({ kind: "collection", key: ckey, collection, depth: 1, label: collection, row: c, open, posinset: ci + 1, setsize: collections.length });
    if (c.folder) rows.push({ kind: "link", key: rowKey("link", collection), collection, depth: 2, label: c.folder, row: c });
    if (open) {
      walk(root, 2, c.suites);
      rows.push({ kind: "end", key: rowKey("end", collection), collection, depth: 2, label: collection });
    }
  });
  return rows;
}
