import { useState } from "react";

import { api, type LoadSettings, type LoadView } from "../api";
import { useLoadRun } from "../hooks/useLoadRun";
import { series, ticks } from "../lib/chart";
import { ChartAxis } from "./ChartAxis";

interface Props {
  /** `collection` or `collection/suite`. */
  target: string;
  env: string;
}

const PERCENTILES = ["p50", "p90", "p95", "p99", "p99.9", "max"];

/**
 * The runner's Load tab: the target's steps under load, as `vouch load` sends them (same
 * engine, every response checked unless told otherwise), with the live figures each second,
 * throughput and p99 charts, the thresholds' verdicts and the per-step percentiles.
 */
export function LoadPanel({ target, env }: Props) {
  // The form opens on the settings of the last run (the tab may have been left meanwhile).
  const { running, target: loading, settings: was, live, view, error, start: startRun } = useLoadRun();
  const [model, setModel] = useState<"rate" | "users">(was?.users != null ? "users" : "rate");
  const [rate, setRate] = useState(String(was?.rate ?? 50));
  const [users, setUsers] = useState(String(was?.users ?? 5));
  const [duration, setDuration] = useState(String(was?.duration_s ?? 10));
  const [rampUp, setRampUp] = useState(String(was?.ramp_up_s ?? 0));
  const [check, setCheck] = useState(was?.check ?? "all");
  const [thresholds, setThresholds] = useState(was ? was.thresholds.join("\n") : "p99<200ms\nerrors<1%\nfindings==0");

  const start = () => {
    const settings: LoadSettings = {
      rate: model === "rate" ? Number(rate) : null,
      users: model === "users" ? Number(users) : null,
      duration_s: Number(duration),
      ramp_up_s: Number(rampUp || "0"),
      check,
      thresholds: thresholds.split("\n"),
    };
    void startRun(target, env || null, settings);
  };

  const shown = view ? view.series : live;
  const last = live[live.length - 1];
  return (
    <div className="load" data-testid="load-panel">
      <div className="row">
        <label>
          <input type="radio" checked={model === "rate"} onChange={() => setModel("rate")} /> rate{" "}
          <input data-testid="load-rate" className="num" value={rate} disabled={model !== "rate"} onChange={(e) => setRate(e.target.value)} /> calls/s
        </label>
        <label>
          <input type="radio" data-testid="load-model-users" checked={model === "users"} onChange={() => setModel("users")} /> users{" "}
          <input data-testid="load-users" className="num" value={users} disabled={model !== "users"} onChange={(e) => setUsers(e.target.value)} />
        </label>
        <label>
          for <input data-testid="load-duration" className="num" value={duration} onChange={(e) => setDuration(e.target.value)} /> s
        </label>
        <label>
          ramp-up <input className="num" value={rampUp} onChange={(e) => setRampUp(e.target.value)} /> s
        </label>
        <label>
          check{" "}
          <select data-testid="load-check" value={check} onChange={(e) => setCheck(e.target.value)}>
            <option value="all">every response</option>
            <option value="sample:0.1">a 10% sample</option>
            <option value="none">none</option>
          </select>
        </label>
      </div>
      <div className="row">
        <label className="thresholds">
          thresholds (one per line)
          <textarea data-testid="load-thresholds" rows={3} value={thresholds} onChange={(e) => setThresholds(e.target.value)} />
        </label>
        {running ? (
          <button data-testid="load-stop" onClick={() => api.cancelLoad()}>
            Stop
          </button>
        ) : (
          <button className="primary" data-testid="load-start" disabled={!target} onClick={start}>
            Start load
          </button>
        )}
      </div>
      {error && (
        <div className="error small" data-testid="load-error">
          {error.message} — {error.hint}
        </div>
      )}
      {running && (
        <div className="small" data-testid="load-live">
          {loading !== target && `${loading} · `}
          {last ? (
            <>
              {last.t + 1} s · {last.requests} calls/s · p99 {last.p99_ms.toFixed(1)} ms · {last.errors} errors · {last.findings} findings
            </>
          ) : (
            "starting…"
          )}
        </div>
      )}
      {shown.length > 0 && (
        <div className="row charts">
          <LoadChart
            label="throughput"
            unit="calls/s"
            lines={[
              { name: "calls/s", color: "#2f6fe4", values: shown.map((t) => t.requests) },
              { name: "errors/s", color: "#c4321a", values: shown.map((t) => t.errors) },
            ]}
          />
          <LoadChart label="latency" unit="ms" lines={[{ name: "p99 ms", color: "#b26a00", values: shown.map((t) => t.p99_ms) }]} />
        </div>
      )}
      {view && loading !== target && <div className="small muted">last load run: {loading}</div>}
      {view && <LoadResult view={view} />}
    </div>
  );
}

/** The finished run: totals, thresholds, steps. */
function LoadResult({ view }: { view: LoadView }) {
  const t = view.total;
  return (
    <div data-testid="load-result">
      <div className={view.passed ? "good" : "bad"} data-testid="load-summary">
        {view.passed ? "passed" : "failed"}: {t.requests} calls in {view.duration_s.toFixed(1)} s ({t.rate.toFixed(1)}/s), {t.errors} errors, {t.findings} findings, p99 {t.latency_ms[3].toFixed(1)} ms
        {view.interrupted && " — stopped early"} · load run #{view.run_id}
      </div>
      {view.thresholds.length > 0 && (
        <ul className="small" data-testid="load-thresholds-result">
          {view.thresholds.map(([expr, ok, actual], i) => (
            <li key={i} className={ok ? "good" : "bad"}>
              {ok ? "held" : "crossed"} {expr} (was {actual.toFixed(2)})
            </li>
          ))}
        </ul>
      )}
      {view.errors_by_kind.length > 0 && <div className="small bad">errors: {view.errors_by_kind.map(([k, n]) => `${n} ${k}`).join(", ")}</div>}
      <table className="run-steps small" data-testid="load-steps">
        <thead>
          <tr>
            <th>step</th>
            <th>calls</th>
            <th>calls/s</th>
            <th>errors</th>
            <th>findings</th>
            {PERCENTILES.map((p) => (
              <th key={p}>{p} ms</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {[...view.steps, { name: "total", figures: view.total }].map((s, i) => (
            <tr key={i}>
              <td>{s.name}</td>
              <td>{s.figures.requests}</td>
              <td>{s.figures.rate.toFixed(1)}</td>
              <td>{s.figures.errors}</td>
              <td>{s.figures.findings}</td>
              {s.figures.latency_ms.map((v, i) => (
                <td key={i}>{v.toFixed(2)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface Line {
  name: string;
  color: string;
  values: number[];
}

/** Per-second values over the run, one polyline per line, with a value axis. */
function LoadChart({ label, unit, lines }: { label: string; unit: string; lines: Line[] }) {
  const w = 250;
  const h = 90;
  const left = 38;
  const max = Math.max(0, ...lines.flatMap((l) => l.values));
  const axis = ticks(max);
  const top = axis[axis.length - 1] || 1;
  const y = (v: number) => h - (v / top) * h;
  const seconds = Math.max(0, ...lines.map((l) => l.values.length));
  return (
    <figure className="chart" data-testid={`load-chart-${label}`}>
      <svg width="100%" viewBox={`0 0 ${left + w + 4} ${h + 26}`} role="img" aria-label={`${label} per second`}>
        {/* Room above the top tick's label. */}
        <g transform="translate(0, 8)">
          <ChartAxis axis={axis} y={y} left={left} w={w} h={h} />
          <g transform={`translate(${left}, 0)`}>
            {lines.map((l) => series(l.values, top, w, h).map((pts, j) => <polyline key={`${l.name}-${j}`} points={pts} fill="none" stroke={l.color} strokeWidth={1.5} />))}
          </g>
          <text x={left} y={h + 13} className="tick">
            0 s
          </text>
          <text x={left + w} y={h + 13} textAnchor="end" className="tick">
            {Math.max(0, seconds - 1)} s ({unit})
          </text>
        </g>
      </svg>
      <figcaption className="small muted">
        {lines.map((l) => (
          <span key={l.name} style={{ color: l.color }}>
            {" "}
            ■ {l.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
