import { useCallback, useState } from "react";

import { api } from "../api";
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

  const refresh = useCallback(() => {
    api.environments().then(setEnvs).catch(fail);
  }, [fail]);

  const edit = () => setEditing(env);
  const closeEditor = () => setEditing(null);
  /** An environment was saved in the editor: it becomes the one calls use. */
  const saved = (name: string) => {
    notify(`environment ${name} saved`);
    setEditing(null);
    setEnv(name);
  };

  return { envs, env, setEnv, editing, edit, closeEditor, saved, refresh };
}
