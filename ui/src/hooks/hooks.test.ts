import { describe, expect, it } from "vitest";

import type { OperationForm } from "../api";
import { initialState } from "../lib/draft";
import { buildDraft } from "./useDraft";

describe("the draft a request sends", () => {
  const form: OperationForm = {
    id: "read",
    method: "GET",
    path: "/items/{id}",
    summary: null,
    params: [{ name: "id", location: "path", required: true, description: null, schema: { type: "integer" } }],
    body: null,
    draft: { method: "GET", path: "/items/{id}", params: [{ name: "id", in: "path", value: 3 }] },
  };

  it("goes to the base URL given", () => {
    const draft = buildDraft(form, initialState(form), "http://127.0.0.1:9000");
    expect(draft.base_url).toBe("http://127.0.0.1:9000");
    expect(draft.params).toEqual([{ name: "id", in: "path", value: 3 }]);
    expect(draft).toMatchObject({ method: "GET", path: "/items/{id}", body: null, auth: null });
  });

  it("names no base URL when none is given: the spec's server", () => {
    expect(buildDraft(form, initialState(form), "")).not.toHaveProperty("base_url");
  });
});
