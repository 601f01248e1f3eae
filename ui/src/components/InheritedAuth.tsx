import { useEffect, useState } from "react";

import { api, type Auth } from "../api";
import { AuthEditor } from "./AuthEditor";

interface Props {
  collection: string;
  /** The folder's path of names; empty for the collection itself. */
  folder: string[];
  onClose: () => void;
  /** Shows a failure (stable: it is a dependency of the load). */
  onError: (e: unknown) => void;
  onSaved: () => void;
}

/** The auth a collection or a folder hands down to the requests inside that set none (the
 *  engine stores it, writes it to a linked folder, and sends it). */
export function InheritedAuth({ collection, folder, onClose, onError, onSaved }: Props) {
  const [auth, setAuth] = useState<Auth | null | undefined>(undefined);
  // The folder's path by value: a new array each render is the same folder.
  const path = folder.join("/");
  useEffect(() => {
    api
      .authOf(collection, path ? path.split("/") : [])
      .then(setAuth)
      .catch(onError);
  }, [collection, path, onError]);
  const whose = folder.length ? `folder ${folder.join("/")}` : `collection ${collection}`;
  const save = () =>
    api
      .setAuth(collection, folder, auth ?? null)
      .then(() => {
        onSaved();
        onClose();
      })
      .catch(onError);
  return (
    <div className="inherited-auth" role="dialog" aria-label={`Auth of ${whose}`} data-testid="inherited-auth" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <h4>Auth of {whose}</h4>
      <p className="muted small">Requests inside that set no auth of their own use this one.</p>
      {auth !== undefined && <AuthEditor auth={auth} onChange={setAuth} none={folder.length ? "none: as the folder above, or the collection" : "none: the environment's credentials"} />}
      <div className="row">
        <button data-testid="inherited-auth-save" onClick={save} disabled={auth === undefined}>
          Save
        </button>
        <button onClick={onClose}>Cancel</button>
      </div>
    </div>
  );
}
