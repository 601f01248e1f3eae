import { useState } from "react";

import type { CollectionRow, SyncReport, Trashed, TreeItem, dialogs } from "../api";
import { FolderLink } from "./FolderLink";

/** What the tree does to a saved request (each an engine call, made by the App). */
export interface RequestActions {
  open: (collection: string, key: string) => void;
  rename: (collection: string, key: string, name: string) => void;
  duplicate: (collection: string, key: string) => void;
  move: (collection: string, key: string, folder: string[]) => void;
  remove: (collection: string, key: string) => void;
}

interface Props {
  collections: CollectionRow[];
  actions: RequestActions;
  onRun: (target: string) => void;
  onExport: (name: string, to: string, postman: boolean) => void;
  onImport: (path: string) => void;
  pick: typeof dialogs;
  onCreateSuite: (collection: string, name: string, requests: string[]) => void;
  syncs: Record<string, SyncReport>;
  trash: Record<string, Trashed[]>;
  onResolve: (collection: string, key: string, mine: boolean) => void;
  onRestore: (collection: string, id: number) => void;
  /** The saved request open in the active tab (`collection/key`). */
  current: string | null;
}

/** A folder of the tree: its path, its requests, its subfolders. */
interface Node {
  path: string[];
  items: TreeItem[];
  children: Node[];
}

/** The requests whose name, folder or method hold every typed word (any case). */
export function filterItems(items: TreeItem[], query: string): TreeItem[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return items;
  return items.filter((i) => {
    const hay = `${i.method} ${i.key}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** The requests of a collection as a tree of folders (in the engine's order). */
export function treeOf(items: TreeItem[]): Node {
  const root: Node = { path: [], items: [], children: [] };
  for (const item of items) {
    let node = root;
    item.folder.forEach((_, i) => {
      const path = item.folder.slice(0, i + 1);
      let child = node.children.find((c) => c.path.join("/") === path.join("/"));
      if (!child) {
        child = { path, items: [], children: [] };
        node.children.push(child);
      }
      node = child;
    });
    node.items.push(item);
  }
  return root;
}

/** A saved request's row: open it, or act on it (rename, duplicate, move, delete). */
function RequestRow({ collection, item, actions, current, picking }: { collection: string; item: TreeItem; actions: RequestActions; current: string | null; picking?: { picked: string[]; set: (p: string[]) => void } }) {
  const [menu, setMenu] = useState<"none" | "menu" | "rename" | "move">("none");
  const [text, setText] = useState("");
  const id = `${collection}/${item.key}`;
  if (picking) {
    const { picked, set } = picking;
    return (
      <li role="treeitem" aria-selected={picked.includes(item.name)}>
        <label>
          <input type="checkbox" data-testid={`pick-${item.name}`} checked={picked.includes(item.name)} onChange={(e) => set(e.target.checked ? [...picked, item.name] : picked.filter((x) => x !== item.name))} />{" "}
          {item.name} {picked.includes(item.name) && <span className="small">#{picked.indexOf(item.name) + 1}</span>}
        </label>
      </li>
    );
  }
  const done = () => setMenu("none");
  return (
    <li role="treeitem" aria-selected={current === id} className={current === id ? "current" : ""}>
      <div className="tree-row">
        <button className="tree-open" data-testid={`req-${id}`} onClick={() => actions.open(collection, item.key)} title="Open in a tab">
          <span className={`method m-${item.method.toLowerCase()}`}>{item.method}</span> {item.name}
          {item.verdict && <span className={`badge v-${item.verdict}`} title={`last run: ${item.verdict}`} data-testid={`verdict-${id}`} />}
        </button>
        <button className="link" aria-label={`actions of ${item.name}`} data-testid={`menu-${id}`} onClick={() => setMenu(menu === "none" ? "menu" : "none")}>
          ⋯
        </button>
      </div>
      {menu === "menu" && (
        <div className="row small" role="menu">
          <button role="menuitem" data-testid="action-rename" onClick={() => { setText(item.name); setMenu("rename"); }}>
            Rename
          </button>
          <button role="menuitem" data-testid="action-duplicate" onClick={() => { actions.duplicate(collection, item.key); done(); }}>
            Duplicate
          </button>
          <button role="menuitem" data-testid="action-move" onClick={() => { setText(item.folder.join("/")); setMenu("move"); }}>
            Move…
          </button>
          <button role="menuitem" data-testid="action-delete" onClick={() => { actions.remove(collection, item.key); done(); }}>
            Delete
          </button>
        </div>
      )}
      {(menu === "rename" || menu === "move") && (
        <form
          className="row small"
          onSubmit={(e) => {
            e.preventDefault();
            if (menu === "rename") actions.rename(collection, item.key, text);
            else actions.move(collection, item.key, text.split("/").map((s) => s.trim()).filter(Boolean));
            done();
          }}
        >
          <input data-testid="action-input" autoFocus value={text} placeholder={menu === "move" ? "folder/sub (empty: the top)" : "name"} onChange={(e) => setText(e.target.value)} />
          <button data-testid="action-ok">{menu === "rename" ? "Rename" : "Move"}</button>
          <button type="button" onClick={done}>
            Cancel
          </button>
        </form>
      )}
    </li>
  );
}

/** A folder and what is in it. */
function FolderNode({ collection, node, actions, current, picking }: { collection: string; node: Node; actions: RequestActions; current: string | null; picking?: { picked: string[]; set: (p: string[]) => void } }) {
  const [open, setOpen] = useState(true);
  const name = node.path[node.path.length - 1];
  const body = (
    <ul role="group">
      {node.children.map((c) => (
        <FolderNode key={c.path.join("/")} collection={collection} node={c} actions={actions} current={current} picking={picking} />
      ))}
      {node.items.map((item) => (
        <RequestRow key={item.key} collection={collection} item={item} actions={actions} current={current} picking={picking} />
      ))}
    </ul>
  );
  if (!name) return body;
  return (
    <li role="treeitem" aria-expanded={open} data-testid={`folder-node-${collection}/${node.path.join("/")}`}>
      <button className="link folder-name" onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} {name}
      </button>
      {open && body}
    </li>
  );
}

/** The Collections tab: collections → folders → requests and suites; run, share, act on them. */
export function CollectionTree({ collections, actions, onRun, onExport, onImport, pick, onCreateSuite, syncs, trash, onResolve, onRestore, current }: Props) {
  const [dir, setDir] = useState("");
  const [importPath, setImportPath] = useState("");
  const [postman, setPostman] = useState(false);
  // The suite being composed: its collection, name, and the requests picked in order.
  const [composing, setComposing] = useState<string | null>(null);
  const [suiteName, setSuiteName] = useState("");
  const [picked, setPicked] = useState<string[]>([]);
  const [query, setQuery] = useState("");
  return (
    <div className="collection-tree">
      <input className="filter" data-testid="tree-filter" placeholder="Filter requests: name, folder, method" value={query} onChange={(e) => setQuery(e.target.value)} />
      <ul className="tree" data-testid="collections" role="tree" aria-label="Collections">
        {collections.map((c) => (
          <li key={c.name} role="treeitem" aria-expanded>
            <div className="row">
              <strong>{c.name}</strong>
              <button data-testid={`run-${c.name}`} onClick={() => onRun(c.name)}>
                Run
              </button>
              <button data-testid={`export-${c.name}`} disabled={!dir} onClick={() => onExport(c.name, dir, postman)}>
                Export
              </button>
            </div>
            <FolderLink c={c} sync={syncs[c.name]} trash={trash[c.name] ?? []} onResolve={onResolve} onRestore={onRestore} />
            <FolderNode collection={c.name} node={treeOf(filterItems(c.items, query))} actions={actions} current={current} picking={composing === c.name ? { picked, set: setPicked } : undefined} />
            <ul role="group">
              {c.suites.map((su) => (
                <li key={`suite-${su}`} role="treeitem">
                  suite <strong>{su}</strong>{" "}
                  <button data-testid={`run-${c.name}/${su}`} onClick={() => onRun(`${c.name}/${su}`)}>
                    Run
                  </button>
                </li>
              ))}
            </ul>
            {composing === c.name ? (
              <div className="row">
                <input data-testid="suite-name" value={suiteName} onChange={(e) => setSuiteName(e.target.value)} placeholder="suite name" />
                <button
                  data-testid="create-suite"
                  disabled={!suiteName || picked.length === 0}
                  onClick={() => {
                    onCreateSuite(c.name, suiteName, picked);
                    setComposing(null);
                  }}
                >
                  Create
                </button>
                <button onClick={() => setComposing(null)}>Cancel</button>
              </div>
            ) : (
              <button
                data-testid={`new-suite-${c.name}`}
                onClick={() => {
                  setComposing(c.name);
                  setPicked([]);
                  setSuiteName("");
                }}
              >
                New suite…
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="row">
        <input data-testid="export-dir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder={postman ? "export to file….json" : "export to folder…"} />
        <button
          onClick={() =>
            (postman ? pick.saveFile("collection.postman.json") : pick.folder()).then((p) => {
              if (p) setDir(p);
            })
          }
          title="Choose where"
        >
          …
        </button>
        <label>
          <input type="checkbox" data-testid="export-postman" checked={postman} onChange={(e) => setPostman(e.target.checked)} /> Postman
        </label>
      </div>
      <div className="row">
        <input data-testid="import-path" value={importPath} onChange={(e) => setImportPath(e.target.value)} placeholder="import a folder or file…" />
        <button
          onClick={() =>
            pick.importFile().then((p) => {
              if (p) setImportPath(p);
            })
          }
          title="Postman, Insomnia, HAR, cURL or a Vouch folder's collection.yaml"
        >
          …
        </button>
        <button data-testid="import" disabled={!importPath} onClick={() => onImport(importPath)}>
          Import
        </button>
      </div>
    </div>
  );
}
