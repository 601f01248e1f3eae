import type { RunPoint } from "../api";
import { series, stepSeries } from "../lib/chart";

const COLORS = ["#2f6fe4", "#18794e", "#b26a00", "#c4321a", "#7a4fd6", "#0f8b8d", "#b0407a", "#5b6b00"];

/** Each step's response time across the last runs (one line per step). */
export function RunChart({ runs }: { runs: RunPoint[] }) {
  if (runs.length === 0) return null;
  const w = 260;
  const h = 90;
  const { steps, max } = stepSeries(runs);
  return (
    <figure className="chart" data-testid="run-chart">
      <svg width={w} height={h + 14} viewBox={`0 0 ${w} ${h + 14}`} role="img" aria-label="response times across runs">
        <line x1={0} y1={h} x2={w} y2={h} className="axis" />
        {steps.map((values, i) =>
          series(values, max, w, h).map((pts, j) => (
            <polyline key={`${i}-${j}`} points={pts} fill="none" stroke={COLORS[i % COLORS.length]} strokeWidth={1.5} />
          )),
        )}
        <text x={0} y={h + 12} className="small">
          {runs.length} runs · max {Math.round(max)} ms
        </text>
      </svg>
    </figure>
  );
}
