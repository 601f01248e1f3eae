import type { Body, Draft, OperationForm, ParamValue, Part } from "../api";
import type { RequestState } from "../components/RequestPanel";

/** The form's starting state from the engine's prefilled draft. */
export function initialState(form: OperationForm): RequestState {
  const params: Record<string, string> = {};
  for (const p of form.draft.params ?? []) {
    params[`${p.in}:${p.name}`] = Array.isArray(p.value) ? p.value.join(",") : typeof p.value === "string" ? p.value : JSON.stringify(p.value);
  }
  const body = form.draft.body && "json" in form.draft.body ? form.draft.body.json : undefined;
  return { params, body, raw: null, auth: form.draft.auth ?? null };
}

/** A parameter's text as the JSON value its schema wants (numbers, booleans, arrays). */
export function typedValue(text: string, schema: unknown): unknown {
  const s = (schema ?? {}) as { type?: string; items?: { type?: string } };
  const one = (t: string | undefined, v: string): unknown => {
    if ((t === "integer" || t === "number") && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
    if (t === "boolean" && (v === "true" || v === "false")) return v === "true";
    return v;
  };
  if (s.type === "array") return text.split(",").filter((x) => x !== "").map((x) => one(s.items?.type, x.trim()));
  return one(s.type, text);
}

/** The draft to send: the form's values over the operation's method and path. */
export function toDraft(form: OperationForm, state: RequestState): { draft: Draft; problem: string | null } {
  const params: ParamValue[] = [];
  for (const p of form.params) {
    const text = state.params[`${p.location}:${p.name}`];
    if (text === undefined || text === "") continue;
    params.push({ name: p.name, in: p.location, value: typedValue(text, p.schema) as ParamValue["value"] });
  }
  let body: Body | null = null;
  let problem: string | null = null;
  if (form.body) {
    let value: unknown = state.body;
    if (state.raw !== null) {
      try {
        value = JSON.parse(state.raw);
      } catch (e) {
        problem = `the raw body is not JSON: ${String(e)}`;
        // Sent as it is: a deliberately broken body is a valid negative test.
        body = { text: { content_type: form.body.media_type, text: state.raw } };
      }
    }
    if (!body && value !== undefined) body = bodyFor(form.body.media_type, form.body.schema, value);
  }
  return { draft: { method: form.method, path: form.path, params, body, auth: state.auth }, problem };
}

/** A field's value as form text (objects and arrays as JSON). */
function text(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** The form's value as the body its media type wants: JSON; form fields for
 *  `application/x-www-form-urlencoded`; parts for `multipart/form-data` (a `format: binary`
 *  field's text is the path of the file to upload). Empty fields are left out. */
export function bodyFor(mediaType: string, schema: unknown, value: unknown): Body {
  const type = mediaType.split(";")[0].trim().toLowerCase();
  const fields = value && typeof value === "object" && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && v !== null && v !== "") : null;
  if (type === "application/x-www-form-urlencoded" && fields) {
    return { form: fields.map(([k, v]) => [k, text(v)] as [string, string]) };
  }
  if (type === "multipart/form-data" && fields) {
    const props = ((schema ?? {}) as { properties?: Record<string, { format?: string }> }).properties ?? {};
    const parts: Part[] = fields.map(([name, v]) =>
      props[name]?.format === "binary" ? { name, value: { file: { path: text(v), filename: null, content_type: null } } } : { name, value: { text: text(v) } },
    );
    return { multipart: parts };
  }
  return { json: value as never };
}
