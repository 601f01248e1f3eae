import type { RunPoint } from "../api";
import { ChartAxis } from "./ChartAxis";
import { series, stepSeries, ticks } from "../lib/chart";
import { counted } from "../lib/words";

const COLORS = ["#2f6fe4", "#18794e", "#b26a00", "#c4321a", "#7a4fd6", "#0f8b8d", "#b0407a", "#5b6b00"];

/** Each step's response time across the last runs (one line per step), with a time axis, a
 *  run axis and a legend. */
export function RunChart({ runs, names }: { runs: RunPoint[]; names?: string[] }) {
  if (runs.length === 0) return null;
  const w = 250;
  const h = 100;
  const left = 34;
  const bottom = 16;
  const { steps, max } = stepSeries(runs);
  const axis = ticks(max);
  const top = axis[axis.length - 1] || 1;
  const y = (v: number) => h - (v / top) * h;
  return (
    <figure className="chart" data-testid="run-chart">
      <svg width="100%" viewBox={`0 0 ${left + w + 4} ${h + bottom + 4}`} role="img" aria-label="response times across runs">
        <g transform="translate(0, 2)">
          <ChartAxis axis={axis} y={y} left={left} w={w} h={h} />
          <g transform={`translate(${left}, 0)`}>
            {steps.map((values, i) =>
              series(values, top, w, h).map((pts, j) => <polyline key={`${i}-${j}`} points={pts} fill="none" stroke={COLORS[i % COLORS.length]} strokeWidth={1.5} />),
            )}
            {/* Each run's point marked, so one run alone shows too. */}
            {steps.map((values, i) =>
              series(values, top, w, h)
                .flatMap((pts) => pts.split(" "))
                .map((p, j) => {
                  const [cx, cy] = p.split(",").map(Number);
                  return <circle key={`p${i}-${j}`} cx={cx} cy={cy} r={2.5} fill={COLORS[i % COLORS.length]} />;
                }),
            )}
          </g>
          <text x={left} y={h + 13} className="tick">
            run 1
          </text>
          <text x={left + w} y={h + 13} textAnchor="end" className="tick">
            run {runs.length} (ms per step)
          </text>
        </g>
      </svg>
      <figcaption className="small muted">
        {counted(runs.length, "run")} · max {Math.round(max)} ms
        {names && names.length > 0 && (
          <span className="legend">
            {names.map((n, i) => (
              <span key={n} style={{ color: COLORS[i % COLORS.length] }}>
                {" "}
                ■ {n}
              </span>
            ))}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
