import { useEffect, useRef, useState } from "react";

/** A new request from a URL, `METHOD URL` or a pasted cURL command (Enter opens it in a tab;
 *  Ctrl+N or Ctrl+L comes here). */
export function UrlBar({ onOpen }: { onOpen: (text: string) => Promise<boolean> }) {
  const [text, setText] = useState("");
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && (e.key === "n" || e.key === "l")) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <form
      className="url-bar"
      onSubmit={async (e) => {
        e.preventDefault();
        if (text.trim() && (await onOpen(text))) setText("");
      }}
    >
      <input
        ref={input}
        data-testid="url-bar"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="New request: a URL, METHOD URL, or paste a cURL command — Enter (Ctrl+N)"
        spellCheck={false}
      />
    </form>
  );
}
