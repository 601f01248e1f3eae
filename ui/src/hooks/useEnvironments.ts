import { useCallback, useEffect, useState } from "react";

import { api, type VarView } from "../api";
import type { Fail } from "./useNotices";

interface Options {
  fail: Fail;
  notify: (notice: string) => void;
}

/** The environments' names, the one calls use, and the one being edited (null: none). */
export function useEnvironments({ fail, notify }: Options) {
  const [envs, setEnvs] = useState<string[]>([]);
  const [env, setEnv] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  // The variables of the environment in use (secret values never here): for the editor's
  // `{{name}}` suggestions and tooltips.
  const [vars, setVars] = useState<VarView[]>([]);
  useEffect(() => {
    let live = true;
    (env ? api.environmentView(env).then((v) => v.variables) : Promise.resolve([]))
      .then((v) => live && setVars(v))
      .catch(() => live && setVars([]));
    return () => {
      live = false;
    };
  }, [env, editing]);

  const refresh = useCallback(() => {
    api.environments().then(setEnvs).catch(fail);
  }, [fail]);

  const edit = () => setEditing(env);
  const editAt = (name: string) => setEditing(name);
  const closeEditor = () => setEditing(null);
  /** An environment was saved in the editor: it becomes the one calls use. */
  const saved = (name: string) => {
    notify(`environment ${name} saved`);
    setEditing(name);
    setEnv(name);
  };

  return { envs, env, setEnv, editing, edit, editAt, closeEditor, saved, refresh, vars };
}
