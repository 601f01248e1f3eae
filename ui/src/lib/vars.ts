import type { VarView } from "../api";

/** The `{{name}}`s a text uses, in order, once each. */
export function varsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([^{}\s]+)\s*\}\}/g)) if (!out.includes(m[1])) out.push(m[1]);
  return out;
}

/** What each variable of a text stands for in the environment, for a tooltip (secrets
 *  masked: the window never has their values); empty when the text uses none. */
export function varHint(text: string, vars: VarView[]): string {
  return varsIn(text)
    .map((name) => {
      const v = vars.find((x) => x.name === name);
      if (!v) return `${name}: not in the environment`;
      return v.secret ? `${name} = •••••• (secret)` : `${name} = ${v.value ?? ""}`;
    })
    .join("\n");
}

/** Whether a text uses a variable the environment lacks. */
export function missingVar(text: string, vars: VarView[]): boolean {
  return varsIn(text).some((name) => !vars.some((v) => v.name === name));
}

/** The class a field gets: its variables highlighted, a missing one marked. */
export function varClass(text: string, vars: VarView[]): string {
  if (varsIn(text).length === 0) return "";
  return missingVar(text, vars) ? "has-var missing-var" : "has-var";
}
