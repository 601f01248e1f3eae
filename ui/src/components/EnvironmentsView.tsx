import { useState } from "react";

import { EnvironmentEditor } from "./EnvironmentEditor";

interface Props {
  envs: string[];
  /** The environment being edited ("" : a new one). */
  editing: string;
  onEdit: (name: string) => void;
  onClose: () => void;
  onSaved: (name: string) => void;
  onError: (e: unknown) => void;
  /** Deletes an environment, secrets and all (asked twice). */
  onDelete: (name: string) => void;
  /** Renames an environment (`to`: the short name, in the same scope). */
  onRename: (name: string, to: string) => void;
}

/** `collection/name` → `name`. */
const short = (env: string) => env.slice(env.lastIndexOf("/") + 1);

/** The environments, a view of their own: the list (global ones, then `collection/name`),
 *  and the one picked in the editor (secret values write-only). */
export function EnvironmentsView({ envs, editing, onEdit, onClose, onSaved, onError, onDelete, onRename }: Props) {
  const [asking, setAsking] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  return (
    <section className="environments" data-testid="environments" aria-label="Environments">
      <nav aria-label="Environments list">
        <ul role="listbox" aria-label="Environments">
          {envs.map((e) => (
            <li key={e} role="option" aria-selected={e === editing}>
              <button className={`link ${e === editing ? "current" : ""}`} data-testid={`env-item-${e}`} onClick={() => onEdit(e)}>
                {e}
              </button>
            </li>
          ))}
        </ul>
        <button data-testid="env-new" onClick={() => onEdit("")}>
          New environment
        </button>
        {editing && envs.includes(editing) && (
          <div className="small">
            {asking === editing ? (
              <>
                Delete {editing} and its secrets?{" "}
                <button
                  data-testid="env-delete-yes"
                  onClick={() => {
                    onDelete(editing);
                    setAsking(null);
                  }}
                >
                  Delete
                </button>{" "}
                <button onClick={() => setAsking(null)}>Keep</button>
              </>
            ) : renaming !== null ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  if (renaming.trim() && renaming.trim() !== short(editing)) onRename(editing, renaming.trim());
                  setRenaming(null);
                }}
              >
                <input
                  autoFocus
                  aria-label="New name"
                  data-testid="env-rename-input"
                  value={renaming}
                  onChange={(e) => setRenaming(e.target.value)}
                  onKeyDown={(e) => e.key === "Escape" && setRenaming(null)}
                />{" "}
                <button type="submit" data-testid="env-rename-ok">
                  Rename
                </button>
              </form>
            ) : (
              <>
                <button className="link" data-testid="env-rename" onClick={() => setRenaming(short(editing))}>
                  Rename…
                </button>{" "}
                <button className="link" data-testid="env-delete" onClick={() => setAsking(editing)}>
                  Delete {editing}…
                </button>
              </>
            )}
          </div>
        )}
      </nav>
      <EnvironmentEditor key={editing} name={editing} onClose={onClose} onSaved={onSaved} onError={onError} />
    </section>
  );
}
