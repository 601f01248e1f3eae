import { useEffect, useLayoutEffect, useRef } from "react";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { linter, lintGutter, type Diagnostic } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { Decoration, EditorView, MatchDecorator, ViewPlugin, keymap, lineNumbers, type DecorationSet, type ViewUpdate } from "@codemirror/view";

import { api } from "../api";
import { findingRange } from "../lib/positions";

/** `{{variables}}` marked in the text (as in every other field of the editor). */
const varMatcher = new MatchDecorator({ regexp: /\{\{\s*[^{}\s]+\s*\}\}/g, decoration: Decoration.mark({ class: "cm-var" }) });
const variables = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = varMatcher.createDeco(view);
    }
    update(u: ViewUpdate) {
      this.decorations = varMatcher.updateDeco(u, this.decorations);
    }
  },
  { decorations: (v) => v.decorations },
);

interface Props {
  operationId: string;
  text: string;
  onChange: (text: string) => void;
}

/** The raw body editor: JSON, linted against the operation's request schema by the engine. */
export default function CodeEditor({ operationId, text, onChange }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  // The latest props, for the editor made once per operation (kept current after each render,
  // before the effect below makes a new editor).
  const latest = useRef({ text, onChange });
  useLayoutEffect(() => {
    latest.current = { text, onChange };
  });
  useEffect(() => {
    const lint = linter(
      async (v): Promise<Diagnostic[]> => {
        const doc = v.state.doc.toString();
        const findings = await api.lintBody(operationId, doc).catch(() => []);
        return findings.map((f) => {
          const [from, to] = findingRange(doc, f.message, f.location);
          return { from, to, severity: "error", message: f.message };
        });
      },
      { delay: 250 },
    );
    // The strict CSP admits inline styles only with the page's nonce (see index.html).
    const nonce = document.querySelector<HTMLStyleElement>("style[nonce]")?.nonce ?? "";
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: latest.current.text,
        extensions: [
          lineNumbers(),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.cspNonce.of(nonce),
          json(),
          syntaxHighlighting(defaultHighlightStyle),
          lint,
          lintGutter(),
          variables,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) latest.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // The editor owns its text once created; a new operation makes a new editor.
  }, [operationId]);
  return <div className="code-editor" data-testid="raw-body" ref={host} />;
}
