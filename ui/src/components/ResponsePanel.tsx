import { useEffect, useMemo, useRef, useState } from "react";
import { useVirtualizer } from "@tanstack/react-virtual";

import { api, type CallView } from "../api";
import { formatBytes, lineForPointer, prettyJson, textLines, type Pretty } from "../lib/body";

/** Bodies up to this size are parsed and pretty-printed; larger ones are shown as text. */
const PRETTY_LIMIT = 2 * 1024 * 1024;
/** Bytes read per IPC call. */
const PAGE = 1024 * 1024;

/** The whole body, page by page as raw bytes, letting the window draw between pages. */
async function readBody(id: number): Promise<string> {
  const decoder = new TextDecoder("utf-8");
  const parts: string[] = [];
  let offset = 0;
  for (;;) {
    const page = new Uint8Array(await api.bodyBytes(id, offset, PAGE));
    parts.push(decoder.decode(page, { stream: true }));
    offset += page.byteLength;
    if (page.byteLength < PAGE) break;
    await new Promise((r) => setTimeout(r, 0));
  }
  parts.push(decoder.decode());
  return parts.join("");
}

/** The response: status, time, size, the contract verdict, headers, and the body. */
export function ResponsePanel({ call, onAllow }: { call: CallView; onAllow?: (secret: string, origin: string) => void }) {
  const [lines, setLines] = useState<string[]>([]);
  const [pretty, setPretty] = useState<Pretty | null>(null);
  const [search, setSearch] = useState("");
  const [highlight, setHighlight] = useState<number | null>(null);
  useEffect(() => {
    setLines([]);
    setPretty(null);
    setHighlight(null);
    if (call.body_id === null) return;
    let live = true;
    readBody(call.body_id).then((text) => {
      if (!live) return;
      if (text.length <= PRETTY_LIMIT && (call.content_type ?? "").includes("json")) {
        try {
          const p = prettyJson(JSON.parse(text));
          setPretty(p);
          setLines(p.lines);
          return;
        } catch {
          // not JSON after all: shown as text
        }
      }
      setLines(textLines(text));
    });
    return () => {
      live = false;
    };
  }, [call]);
  const shown = useMemo(() => {
    if (!search) return lines.map((l, i) => [i, l] as const);
    const q = search.toLowerCase();
    return lines.map((l, i) => [i, l] as const).filter(([, l]) => l.toLowerCase().includes(q));
  }, [lines, search]);
  const parent = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: shown.length, getScrollElement: () => parent.current, estimateSize: () => 18, overscan: 20 });
  const jump = (location: string) => {
    if (!pretty) return;
    const line = lineForPointer(pretty, location);
    if (line === undefined) return;
    setSearch("");
    setHighlight(line);
    v.scrollToIndex(line, { align: "center" });
  };
  const ok = call.outcome === "passed";
  const failing = call.findings.filter((f) => f.severity !== "warning");
  const warnings = call.findings.length - failing.length;
  return (
    <section className="response" aria-label="Response">
      <div className="status-line" data-testid="status-line">
        {call.status !== null ? (
          <span className={`status s${String(call.status)[0]}`}>{call.status}</span>
        ) : (
          <span className="status s5">no response</span>
        )}
        {call.elapsed_ms !== null && <span>{call.elapsed_ms} ms</span>}
        {call.size !== null && <span>{formatBytes(call.size)}</span>}
        <span className={`verdict ${ok ? "ok" : "bad"}`} data-testid="verdict">
          {call.error ? "error" : ok ? "honours the contract" : `${failing.length} finding(s)`}
          {!call.error && warnings > 0 && ` · ${warnings} warning(s)`}
        </span>
      </div>
      <div className="url muted small">
        {call.method} {call.url}
      </div>
      {call.error && <div className="error" data-testid="call-error">{call.error}</div>}
      {call.refused && onAllow && (
        <div className="banner" data-testid="refused">
          The secret <code>{call.refused.secret}</code> is bound to other origins.{" "}
          <button data-testid="allow-origin" onClick={() => call.refused && onAllow(call.refused.secret, call.refused.origin)}>
            Allow it to go to {call.refused.origin} (this environment) and send again
          </button>
        </div>
      )}
      {call.findings.length > 0 && (
        <ul className="findings" data-testid="findings">
          {call.findings.map((f, i) => (
            <li key={i} className={`finding k-${f.kind} ${f.severity}`}>
              <button className="link" onClick={() => jump(f.location)} data-testid="finding" title="show in the body">
                <span className="kind">{f.kind}</span> {f.severity === "warning" && <span className="muted">(warning)</span>} <code>{f.location || "(whole)"}</code>
              </button>
              <div>{f.message}</div>
            </li>
          ))}
        </ul>
      )}
      <details className="headers">
        <summary>Headers ({call.headers.length})</summary>
        <table>
          <tbody>
            {call.headers.map(([k, val], i) => (
              <tr key={i}>
                <th>{k}</th>
                <td>{val}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <input className="filter" data-testid="body-search" placeholder="Search the body" value={search} onChange={(e) => setSearch(e.target.value)} />
      <div ref={parent} className="body scroll" data-testid="body">
        <div style={{ height: v.getTotalSize(), position: "relative" }}>
          {v.getVirtualItems().map((vi) => {
            const [n, text] = shown[vi.index];
            return (
              <div
                key={vi.key}
                className={`line ${highlight === n ? "hl" : ""}`}
                style={{ position: "absolute", top: 0, left: 0, right: 0, height: vi.size, transform: `translateY(${vi.start}px)` }}
              >
                <span className="ln">{n + 1}</span>
                <span className="code">{text}</span>
              </div>
            );
          })}
        </div>
      </div>
    </section>
  );
}
