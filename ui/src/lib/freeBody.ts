import type { Body, Part } from "../api";

/** How a request's own body is edited: none, raw text (JSON or any content type), form
 *  fields (urlencoded), or multipart parts (text or a file). */
export type BodyMode = "none" | "raw" | "form" | "multipart";

/** The mode a body is edited in. */
export function bodyMode(body: Body | null | undefined): BodyMode {
  if (!body) return "none";
  if ("form" in body) return "form";
  if ("multipart" in body) return "multipart";
  return "raw";
}

/** The body as raw text and its content type (JSON pretty-printed). */
export function rawOf(body: Body | null | undefined): { text: string; contentType: string } {
  if (body && "text" in body) return { text: body.text.text, contentType: body.text.content_type };
  if (body && "json" in body) return { text: JSON.stringify(body.json, null, 2), contentType: "application/json" };
  if (body && "bytes" in body) return { text: "", contentType: body.bytes.content_type };
  return { text: "", contentType: "application/json" };
}

/** A raw body: JSON text stays text (sent as typed, `{{variables}}` and all). */
export function rawBody(text: string, contentType: string): Body {
  return { text: { content_type: contentType || "text/plain", text } };
}

/** The body in another mode: what carries over does (form fields ↔ text parts, raw text kept
 *  when switching back to raw), the rest starts empty. */
export function switchMode(body: Body | null | undefined, mode: BodyMode): Body | undefined {
  const from = bodyMode(body);
  if (mode === from) return body ?? undefined;
  switch (mode) {
    case "none":
      return undefined;
    case "raw": {
      const { text, contentType } = rawOf(body);
      return rawBody(text, contentType);
    }
    case "form":
      return { form: body && "multipart" in body ? body.multipart.filter((p) => "text" in p.value).map((p) => [p.name, (p.value as { text: string }).text]) : [] };
    case "multipart":
      return { multipart: body && "form" in body ? body.form.map(([name, text]) => ({ name, value: { text } })) : [] };
  }
}

/** A multipart part as a row: its name, and its text or its file's path. */
export interface PartRow {
  name: string;
  file: boolean;
  value: string;
}

export function partRows(parts: Part[]): PartRow[] {
  return parts.map((p) => ("text" in p.value ? { name: p.name, file: false, value: p.value.text } : { name: p.name, file: true, value: p.value.file.path }));
}

export function partsOf(rows: PartRow[]): Part[] {
  return rows.map((r) => ({ name: r.name, value: r.file ? { file: { path: r.value, filename: null, content_type: null } } : { text: r.value } }));
}
