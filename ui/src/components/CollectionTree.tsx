import { useDeferredValue, useState } from "react";

import type { CollectionRow, SyncReport, Trashed, TreeItem, dialogs } from "../api";
import { FolderLink } from "./FolderLink";

/** What the tree does to a saved request (each an engine call, made by the App). */
export interface RequestActions {
  open: (collection: string, key: string) => void;
  rename: (collection: string, key: string, name: string) => void;
  duplicate: (collection: string, key: string) => void;
  move: (collection: string, key: string, folder: string[]) => void;
  remove: (collection: string, key: string) => void;
  /** Puts a request in `folder` before the request `before` (null: at the end). */
  place: (collection: string, key: string, folder: string[], before: string | null) => void;
  newRequest: (collection: string, folder: string[]) => void;
  newFolder: (collection: string, path: string[]) => void;
  removeSuite: (collection: string, name: string) => void;
}

/** The request being dragged (kept here, not in the drag's data: the drop reads it). */
interface Dragging {
  collection: string;
  key: string;
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

/** The requests of a collection as a tree of folders (in the engine's order); `folders`
 *  adds the empty ones. */
export function treeOf(items: TreeItem[], folders: string[][] = []): Node {
  const root: Node = { path: [], items: [], children: [] };
  const nodeOf = (folder: string[]) => {
    let node = root;
    folder.forEach((_, i) => {
      const path = folder.slice(0, i + 1);
      let child = node.children.find((c) => c.path.join("/") === path.join("/"));
      if (!child) {
        child = { path, items: [], children: [] };
        node.children.push(child);
      }
      node = child;
    });
    return node;
  };
  for (const f of folders) nodeOf(f);
  for (const item of items) nodeOf(item.folder).items.push(item);
  return root;
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

/** Requests drawn per folder before a "show more" (the page stays small, whatever the size
 *  of the collection). */
const PAGE = 200;
/** Collections with more requests than this open with their folders closed. */
const LARGE = 500;

interface Shared {
  collection: string;
  /** Requests in the collection. */
  size: number;
  /** The tree is filtered: every folder shows its matches. */
  filtering: boolean;
  actions: RequestActions;
  current: string | null;
  picking?: { picked: string[]; set: (p: string[]) => void };
  dragging: Dragging | null;
  setDragging: (d: Dragging | null) => void;
}

/** Drop handlers of a target: a request dropped there goes to `folder`, before `before`. */
function dropTarget(sh: Shared, folder: string[], before: string | null, setOver: (b: boolean) => void) {
  const accepts = () => sh.dragging !== null && sh.dragging.collection === sh.collection;
  return {
    onDragOver: (e: React.DragEvent) => {
      if (!accepts()) return;
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: React.DragEvent) => {
      setOver(false);
      if (!accepts() || !sh.dragging) return;
      e.preventDefault();
      e.stopPropagation();
      if (sh.dragging.key !== before) sh.actions.place(sh.collection, sh.dragging.key, folder, before);
      sh.setDragging(null);
    },
  };
}

/** A saved request's row: open it, drag it, or act on it from its menu (⋯ or right-click):
 *  rename, duplicate, move, move up/down, delete. */
function RequestRow({ item, siblings, sh }: { item: TreeItem; siblings: TreeItem[]; sh: Shared }) {
  const { collection, actions, current, picking } = sh;
  const [menu, setMenu] = useState<"none" | "menu" | "rename" | "move">("none");
  const [text, setText] = useState("");
  const [over, setOver] = useState(false);
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
  const up = neighbour(siblings, item.key, true);
  const down = neighbour(siblings, item.key, false);
  return (
    <li role="treeitem" aria-selected={current === id} className={`${current === id ? "current" : ""} ${over ? "drop-before" : ""}`} {...dropTarget(sh, item.folder, item.key, setOver)}>
      <div className="tree-row">
        <button
          className="tree-open"
          data-testid={`req-${id}`}
          draggable
          onDragStart={(e) => {
            e.dataTransfer?.setData("text/plain", id);
            sh.setDragging({ collection, key: item.key });
          }}
          onDragEnd={() => sh.setDragging(null)}
          onClick={() => actions.open(collection, item.key)}
          onContextMenu={(e) => {
            e.preventDefault();
            setMenu("menu");
          }}
          title="Open in a tab (drag to move; right-click for more)"
        >
          <span className={`method m-${item.method.toLowerCase()}`}>{item.method}</span> {item.name}
          {item.verdict && <span className={`badge v-${item.verdict}`} title={`last run: ${item.verdict}`} data-testid={`verdict-${id}`} />}
        </button>
        <button className="link" aria-label={`actions of ${item.name}`} aria-haspopup="menu" data-testid={`menu-${id}`} onClick={() => setMenu(menu === "none" ? "menu" : "none")}>
          ⋯
        </button>
      </div>
      {menu === "menu" && (
        <div className="row small" role="menu" onKeyDown={(e) => e.key === "Escape" && done()}>
          <button role="menuitem" autoFocus data-testid="action-open" onClick={() => { actions.open(collection, item.key); done(); }}>
            Open
          </button>
          <button role="menuitem" data-testid="action-rename" onClick={() => { setText(item.name); setMenu("rename"); }}>
            Rename
          </button>
          <button role="menuitem" data-testid="action-duplicate" onClick={() => { actions.duplicate(collection, item.key); done(); }}>
            Duplicate
          </button>
          <button role="menuitem" data-testid="action-move" onClick={() => { setText(item.folder.join("/")); setMenu("move"); }}>
            Move…
          </button>
          <button role="menuitem" data-testid="action-up" disabled={up === undefined} onClick={() => { if (up !== undefined) actions.place(collection, item.key, item.folder, up); done(); }}>
            Move up
          </button>
          <button role="menuitem" data-testid="action-down" disabled={down === undefined} onClick={() => { if (down !== undefined) actions.place(collection, item.key, item.folder, down); done(); }}>
            Move down
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

/** A name typed in place (a new folder's), confirmed with Enter. */
function NameInput({ placeholder, onDone }: { placeholder: string; onDone: (name: string | null) => void }) {
  const [text, setText] = useState("");
  return (
    <form
      className="row small"
      onSubmit={(e) => {
        e.preventDefault();
        onDone(text);
      }}
    >
      <input data-testid="name-input" autoFocus value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} onKeyDown={(e) => e.key === "Escape" && onDone(null)} />
      <button data-testid="name-ok" disabled={!text.trim()}>
        Create
      </button>
      <button type="button" onClick={() => onDone(null)}>
        Cancel
      </button>
    </form>
  );
}

/** A folder and what is in it; requests dropped on its name go to its end. */
function FolderNode({ node, sh }: { node: Node; sh: Shared }) {
  // A large collection opens with its folders closed: the page holds what is looked at.
  const [opened, setOpen] = useState(sh.size <= LARGE);
  const open = opened || sh.filtering;
  const [menu, setMenu] = useState<"none" | "menu" | "folder">("none");
  const [over, setOver] = useState(false);
  const [shown, setShown] = useState(PAGE);
  const name = node.path[node.path.length - 1];
  const more = node.items.length - shown;
  const body = (
    <ul role="group">
      {node.children.map((c) => (
        <FolderNode key={c.path.join("/")} node={c} sh={sh} />
      ))}
      {node.items.slice(0, shown).map((item) => (
        <RequestRow key={item.key} item={item} siblings={node.items} sh={sh} />
      ))}
      {more > 0 && (
        <li role="none">
          <button className="link small" data-testid="show-more" onClick={() => setShown(shown + PAGE)}>
            show {Math.min(more, PAGE)} more of {more}…
          </button>
        </li>
      )}
    </ul>
  );
  if (!name) return body;
  const id = `${sh.collection}/${node.path.join("/")}`;
  return (
    <li role="treeitem" aria-expanded={open} data-testid={`folder-node-${id}`}>
      <div className={`tree-row ${over ? "drop-into" : ""}`} {...dropTarget(sh, node.path, null, setOver)}>
        <button
          className="link folder-name"
          data-testid={`folder-${id}`}
          onClick={() => setOpen(!open)}
          onContextMenu={(e) => {
            e.preventDefault();
            setMenu("menu");
          }}
        >
          {open ? "▾" : "▸"} {name}
        </button>
        <button className="link" aria-label={`actions of folder ${name}`} aria-haspopup="menu" data-testid={`folder-menu-${id}`} onClick={() => setMenu(menu === "none" ? "menu" : "none")}>
          ⋯
        </button>
      </div>
      {menu === "menu" && (
        <div className="row small" role="menu" onKeyDown={(e) => e.key === "Escape" && setMenu("none")}>
          <button role="menuitem" autoFocus data-testid="folder-new-request" onClick={() => { sh.actions.newRequest(sh.collection, node.path); setMenu("none"); setOpen(true); }}>
            New request
          </button>
          <button role="menuitem" data-testid="folder-new-folder" onClick={() => setMenu("folder")}>
            New folder
          </button>
        </div>
      )}
      {menu === "folder" && (
        <NameInput
          placeholder="folder name"
          onDone={(n) => {
            if (n) sh.actions.newFolder(sh.collection, [...node.path, ...n.split("/")]);
            setMenu("none");
          }}
        />
      )}
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
  const [typed, setQuery] = useState("");
  // Typing stays responsive: the tree follows the filter in a render React may interrupt.
  const query = useDeferredValue(typed);
  const [dragging, setDragging] = useState<Dragging | null>(null);
  const [overTop, setOverTop] = useState<string | null>(null);
  const [menuOf, setMenuOf] = useState<string | null>(null);
  const [naming, setNaming] = useState<string | null>(null);
  return (
    <div className="collection-tree">
      <input className="filter" data-testid="tree-filter" placeholder="Filter requests: name, folder, method" value={typed} onChange={(e) => setQuery(e.target.value)} />
      <ul className="tree" data-testid="collections" role="tree" aria-label="Collections">
        {collections.map((c) => {
          const matched = filterItems(c.items, query);
          const sh: Shared = { collection: c.name, size: c.items.length, filtering: query.trim() !== "", actions, current, picking: composing === c.name ? { picked, set: setPicked } : undefined, dragging, setDragging };
          return (
          <li key={c.name} role="treeitem" aria-expanded>
            <div className={`row ${overTop === c.name ? "drop-into" : ""}`} {...dropTarget(sh, [], null, (b) => setOverTop(b ? c.name : null))}>
              <strong
                onContextMenu={(e) => {
                  e.preventDefault();
                  setMenuOf(menuOf === c.name ? null : c.name);
                }}
              >
                {c.name}
              </strong>
              <button data-testid={`run-${c.name}`} onClick={() => onRun(c.name)}>
                Run
              </button>
              <button data-testid={`export-${c.name}`} disabled={!dir} onClick={() => onExport(c.name, dir, postman)}>
                Export
              </button>
              <button className="link" aria-label={`actions of collection ${c.name}`} aria-haspopup="menu" data-testid={`collection-menu-${c.name}`} onClick={() => setMenuOf(menuOf === c.name ? null : c.name)}>
                ⋯
              </button>
            </div>
            {menuOf === c.name && (
              <div className="row small" role="menu" onKeyDown={(e) => e.key === "Escape" && setMenuOf(null)}>
                <button role="menuitem" autoFocus data-testid="collection-new-request" onClick={() => { actions.newRequest(c.name, []); setMenuOf(null); }}>
                  New request
                </button>
                <button role="menuitem" data-testid="collection-new-folder" onClick={() => { setNaming(c.name); setMenuOf(null); }}>
                  New folder
                </button>
                <button role="menuitem" onClick={() => { setComposing(c.name); setPicked([]); setSuiteName(""); setMenuOf(null); }}>
                  New suite…
                </button>
              </div>
            )}
            {naming === c.name && (
              <NameInput
                placeholder="folder name (a/b: b inside a)"
                onDone={(n) => {
                  if (n) actions.newFolder(c.name, n.split("/"));
                  setNaming(null);
                }}
              />
            )}
            <FolderLink c={c} sync={syncs[c.name]} trash={trash[c.name] ?? []} onResolve={onResolve} onRestore={onRestore} />
            <FolderNode node={treeOf(matched.slice(0, query ? LARGE : undefined), query ? [] : c.folders)} sh={sh} />
            {query && matched.length > LARGE && (
              <div className="small muted" data-testid="tree-capped">
                the first {LARGE} of {matched.length} matches: type more to narrow
              </div>
            )}
            <ul role="group">
              {c.suites.map((su) => (
                <li key={`suite-${su}`} role="treeitem">
                  suite <strong>{su}</strong>{" "}
                  <button data-testid={`run-${c.name}/${su}`} onClick={() => onRun(`${c.name}/${su}`)}>
                    Run
                  </button>{" "}
                  <button className="link small" data-testid={`delete-suite-${c.name}/${su}`} aria-label={`delete suite ${su}`} onClick={() => actions.removeSuite(c.name, su)}>
                    delete
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
          );
        })}
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
