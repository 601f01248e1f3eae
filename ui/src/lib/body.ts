/** Pretty JSON split in lines, with the line each JSON pointer starts on. */
export interface Pretty {
  lines: string[];
  lineOf: Map<string, number>;
}

const esc = (token: string) => token.replace(/~/g, "~0").replace(/\//g, "~1");

/** Pretty-prints `value` (2-space indent, as JSON.stringify) and indexes every pointer. */
export function prettyJson(value: unknown): Pretty {
  const lines: string[] = [];
  const lineOf = new Map<string, number>();
  const walk = (v: unknown, pointer: string, indent: string, prefix: string, comma: string) => {
    lineOf.set(pointer, lines.length);
    if (Array.isArray(v)) {
      if (v.length === 0) {
        lines.push(`${indent}${prefix}[]${comma}`);
        return;
      }
      lines.push(`${indent}${prefix}[`);
      v.forEach((item, i) =>
        walk(item, `${pointer}/${i}`, indent + "  ", "", i < v.length - 1 ? "," : ""),
      );
      lines.push(`${indent}]${comma}`);
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) {
        lines.push(`${indent}${prefix}{}${comma}`);
        return;
      }
      lines.push(`${indent}${prefix}{`);
      entries.forEach(([k, item], i) =>
        walk(item, `${pointer}/${esc(k)}`, indent + "  ", `${JSON.stringify(k)}: `, i < entries.length - 1 ? "," : ""),
      );
      lines.push(`${indent}}${comma}`);
    } else {
      lines.push(`${indent}${prefix}${JSON.stringify(v)}${comma}`);
    }
  };
  walk(value, "", "", "", "");
  return { lines, lineOf };
}

/** The line a finding's location points at: the pointer itself, else its closest parent. */
export function lineForPointer(p: Pretty, pointer: string): number | undefined {
  let at = pointer;
  for (;;) {
    const line = p.lineOf.get(at);
    if (line !== undefined) return line;
    if (at === "") return undefined;
    at = at.slice(0, Math.max(0, at.lastIndexOf("/")));
  }
}

/** Text cut into lines of at most `width` characters (a minified 10 MB body stays scrollable). */
export function textLines(text: string, width = 2000): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (line.length <= width) out.push(line);
    else for (let i = 0; i < line.length; i += width) out.push(line.slice(i, i + width));
  }
  return out;
}

/** `1.2 KB`, `3.4 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
